// Group-robot webhooks (WeCom / DingTalk) for the monthly summary's push channel. Each robot's URL, and a DingTalk
// signing secret, is sealed with the stack's push key (KMS) and kept in the table (PUSHSECRET / <recipientId>): the
// summaries function seals it when an admin saves a recipient, and whichever function pushes opens it. Only those
// two functions may use the key, so the other functions, which read the table, see ciphertext. One key costs $1 a
// month for every robot; the design before it kept each robot in its own Secrets Manager secret at $0.40 each, and
// robots saved then (`<prefix><recipientId>`) are still read, and deleted when the recipient is saved again.
// ARNs are built from the stack's partition pseudo-parameter, so the same grants work in aws and aws-cn.
import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import { acknowledge } from "../nag";
import type { ProjectFunction } from "./project-function";

/** The name prefix of the stack's webhook secrets from before the push key: `health-plan/<stack>/push/`. */
export const pushSecretPrefix = (scope: Construct): string => `health-plan/${Stack.of(scope).stackName}/push/`;

/** Only what the secret store calls (functions/summary/push/secret-store.ts). */
export const PUSH_KEY_READ = ["kms:Decrypt"];
export const PUSH_KEY_MANAGE = ["kms:Decrypt", "kms:Encrypt"];
/** The robots from before the key: read them, and delete each once it is sealed in the table. */
export const PUSH_SECRET_READ = ["secretsmanager:GetSecretValue"];
export const PUSH_SECRET_MANAGE = ["secretsmanager:DeleteSecret", "secretsmanager:GetSecretValue"];

/** The stack's push key, created with the first function bound to it. */
export const pushKey = (scope: Construct): kms.Key => {
	const stack = Stack.of(scope);
	const existing = stack.node.tryFindChild("PushKey");
	if (existing) return existing as kms.Key;
	return new kms.Key(stack, "PushKey", {
		description: "Seals the summary recipients' group-robot webhooks in the table (functions/summary/push/secret-store.ts)",
		enableKeyRotation: true,
		// The sealed webhooks are unreadable without it; an admin can re-enter a robot, but not from a destroyed key.
		removalPolicy: RemovalPolicy.RETAIN,
		pendingWindow: Duration.days(30),
	});
};

/**
 * Let a function open (the scheduled job) or seal and open (the summaries API: recipients and resends) the robots'
 * webhooks, and tell it the key (PUSH_KMS_KEY_ID) and the old secrets' prefix (PUSH_SECRET_PREFIX).
 */
export const bindPushSecrets = (fn: ProjectFunction, access: "read" | "manage"): void => {
	const key = pushKey(fn);
	fn.addToRolePolicy(new iam.PolicyStatement({ actions: access === "read" ? PUSH_KEY_READ : PUSH_KEY_MANAGE, resources: [key.keyArn] }));
	fn.addEnvironment("PUSH_KMS_KEY_ID", key.keyArn);

	const prefix = pushSecretPrefix(fn);
	const stack = Stack.of(fn);
	// Secrets Manager appends a random 6-character suffix to each secret's ARN, hence the trailing wildcard.
	const resource = stack.formatArn({ service: "secretsmanager", resource: "secret", resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
	fn.addToRolePolicy(new iam.PolicyStatement({ actions: access === "read" ? PUSH_SECRET_READ : PUSH_SECRET_MANAGE, resources: [resource] }));
	fn.addEnvironment("PUSH_SECRET_PREFIX", prefix);
	// cdk-nag spells a pseudo parameter as `<AWS::X>` when the stack leaves it open, and as the value when it is known.
	const nag = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
	if (fn.role)
		acknowledge(
			fn.role,
			`AwsSolutions-IAM5[Resource::arn:${nag(stack.partition, "AWS::Partition")}:secretsmanager:${nag(stack.region, "AWS::Region")}:${nag(stack.account, "AWS::AccountId")}:secret:${prefix}*]`,
			"The group robots saved before the push key, one secret each, named by the stack's prefix, which holds nothing but these webhooks: read until each is saved again, then deleted.",
		);
};
