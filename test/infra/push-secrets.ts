// The group-robot webhook secrets' grants, asserted the same way in both partitions (global.test.ts, china.test.ts):
// the summaries function (recipients, resends) may read and write them, the scheduled job may only read them, both
// only under the stack's prefix, with an ARN built on the partition pseudo-parameter, and no other function at all.
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
	expect(manage[0]?.actions.sort()).toEqual(["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]);
	expect(manage[0]?.resources).toEqual([arn]);
	const read = grantOf("summary-job");
	expect(read).toHaveLength(1);
	expect(read[0]?.actions).toEqual(["secretsmanager:GetSecretValue"]);
	expect(read[0]?.resources).toEqual([arn]);
	// Nobody else: the two statements above are all the statements on the prefix.
	expect(pushStatements).toHaveLength(2);

	for (const name of ["summaries", "summary-job"] as const) {
		const fn = ofType(s, "AWS::Lambda::Function").find((f) => f.id === logicalId(s, s.stack.functions[name] as never));
		expect((fn?.props.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables.PUSH_SECRET_PREFIX).toBe(prefix);
	}
	// Local test hosts are never allowed in a deployed stack.
	expect(s.text).not.toContain("PUSH_ALLOWED_HOSTS");
};
