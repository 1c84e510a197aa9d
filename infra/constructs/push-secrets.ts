// Group-robot webhooks (WeCom / DingTalk) for the monthly summary's push channel. Each robot's URL, and a DingTalk
// signing secret, is one Secrets Manager secret named `<prefix><recipientId>`, written by the summaries function when
// an admin saves a recipient and read by whichever function pushes. The recipient item holds only a masked hint.
// The ARN is built from the stack's partition pseudo-parameter, so the same grant works in aws and aws-cn.
import { ArnFormat, Stack, Token } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { acknowledge } from "../nag";
import type { ProjectFunction } from "./project-function";

/** The name prefix of the stack's webhook secrets: `health-plan/<stack>/push/`. */
export const pushSecretPrefix = (scope: Construct): string => `health-plan/${Stack.of(scope).stackName}/push/`;

/** Only what the secret store calls (functions/summary/push/secret-store.ts). */
export const PUSH_SECRET_READ = ["secretsmanager:GetSecretValue"];
export const PUSH_SECRET_MANAGE = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret"];

/**
 * Let a function read (the scheduled job) or manage (the summaries API: recipients and resends) the webhook secrets,
 * and tell it the prefix (PUSH_SECRET_PREFIX).
 */
export const bindPushSecrets = (fn: ProjectFunction, access: "read" | "manage"): void => {
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
			"One secret per summary recipient's group robot, created when an admin saves the recipient: the names are known only by their prefix, which holds nothing but these webhooks.",
		);
};
