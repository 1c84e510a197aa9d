// The group-robot webhooks' grants, asserted the same way in both partitions (global.test.ts, china.test.ts): one push
// key (rotated, retained) that the summaries function (recipients, resends) may seal and open with and the scheduled
// job may only open with, and no other function at all; the Secrets Manager secrets of robots saved before it may be
// read by both and deleted only by the summaries function, under the stack's prefix only, with an ARN built on the
// partition pseudo-parameter.
import { ArnFormat } from "aws-cdk-lib";
import { expect } from "vitest";
import { logicalId, ofType, type Synthesized, statements } from "./synth";

export const expectPushSecretGrants = (s: Synthesized): void => {
	const prefix = `health-plan/${s.stack.stackName}/push/`;
	// The stack's own partition and region (a pseudo-parameter or, where the stage names its region, the value): never
	// a literal arn:aws: in aws-cn.
	const arn = s.stack.resolve(s.stack.formatArn({ service: "secretsmanager", resource: "secret", resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
	expect(JSON.stringify(arn)).not.toContain(s.stack.region === "cn-northwest-1" || s.stack.region === "cn-north-1" ? "arn:aws:" : "arn:aws-cn:");
	const roleOf = (name: "summaries" | "summary-job") => logicalId(s, s.stack.functions[name]?.role as never);
	const policiesOf = (roleId: string) => ofType(s, "AWS::IAM::Policy").filter((p) => (p.props.Roles as { Ref: string }[]).some((r) => r.Ref === roleId)).map((p) => p.id);
	const pushStatements = statements(s).filter((st) => JSON.stringify(st.resources).includes(`:secret:${prefix}`));
	const grantOf = (name: "summaries" | "summary-job") => pushStatements.filter((st) => policiesOf(roleOf(name)).includes(st.policy));

	const manage = grantOf("summaries");
	expect(manage).toHaveLength(1);
	expect(manage[0]?.actions.sort()).toEqual(["secretsmanager:DeleteSecret", "secretsmanager:GetSecretValue"]);
	expect(manage[0]?.resources).toEqual([arn]);
	const read = grantOf("summary-job");
	expect(read).toHaveLength(1);
	expect(read[0]?.actions).toEqual(["secretsmanager:GetSecretValue"]);
	expect(read[0]?.resources).toEqual([arn]);
	// Nobody else: the two statements above are all the statements on the prefix.
	expect(pushStatements).toHaveLength(2);

	// The push key: one, rotated, kept when the stack goes (the sealed webhooks cannot be opened without it).
	const keys = ofType(s, "AWS::KMS::Key").filter((k) => String(k.props.Description).includes("group-robot"));
	expect(keys).toHaveLength(1);
	const key = keys[0] as (typeof keys)[number];
	expect(key.props.EnableKeyRotation).toBe(true);
	expect(key.resource.DeletionPolicy).toBe("Retain");
	const keyArn = { "Fn::GetAtt": [key.id, "Arn"] };
	const keyStatements = statements(s).filter((st) => JSON.stringify(st.resources).includes(`"${key.id}"`));
	const keyGrantOf = (name: "summaries" | "summary-job") => keyStatements.filter((st) => policiesOf(roleOf(name)).includes(st.policy));
	expect(keyGrantOf("summaries").map((st) => [st.actions.sort(), st.resources])).toEqual([[["kms:Decrypt", "kms:Encrypt"], [keyArn]]]);
	expect(keyGrantOf("summary-job").map((st) => [st.actions, st.resources])).toEqual([[["kms:Decrypt"], [keyArn]]]);
	// Nobody else may use it.
	expect(keyStatements).toHaveLength(2);

	for (const name of ["summaries", "summary-job"] as const) {
		const fn = ofType(s, "AWS::Lambda::Function").find((f) => f.id === logicalId(s, s.stack.functions[name] as never));
		const env = (fn?.props.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables;
		expect(env?.PUSH_SECRET_PREFIX).toBe(prefix);
		expect(env?.PUSH_KMS_KEY_ID).toEqual(keyArn);
	}
	// Local test hosts are never allowed in a deployed stack.
	expect(s.text).not.toContain("PUSH_ALLOWED_HOSTS");
};
