// cdk-nag (AwsSolutions) findings this design accepts, each with its reason. Findings on our own
// constructs are acknowledged next to the code that causes them (through `acknowledge`); this file holds
// the ones on constructs that CDK creates for us (the BucketDeployment provider, the Scheduler's role) and
// on grants that span two constructs. An acknowledgement sits on the narrowest construct that carries the
// finding, never on the stack or the app.
import { Stack, Token, Validations } from "aws-cdk-lib";
import type { CfnResource } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/** Acknowledge one cdk-nag finding on a construct (and its children), with the reason recorded. */
export const acknowledge = (construct: IConstruct, id: string, reason: string): void => {
	Validations.of(construct).acknowledge({ id, reason });
};

/** The `<LogicalId.Arn>` form cdk-nag uses in finding IDs for a resource's ARN. */
export const arnRef = (construct: IConstruct): string => {
	const cfn = (construct.node.defaultChild ?? construct) as CfnResource;
	return `<${Stack.of(construct).getLogicalId(cfn)}.Arn>`;
};

/** How cdk-nag spells a pseudo parameter in a finding ID: the literal when known, `<AWS::X>` otherwise. */
const nagValue = (value: string, pseudo: string): string => (Token.isUnresolved(value) ? `<${pseudo}>` : value);

export interface StackFindings {
	stack: Stack;
	/** Functions that may read and write the archive bucket's objects. */
	archiveWriters: IConstruct[];
	archiveBucket: IConstruct;
	siteBucket: IConstruct;
	summaryJob?: IConstruct;
}

export function acknowledgeNagFindings({ stack, archiveWriters, archiveBucket, siteBucket, summaryJob }: StackFindings): void {
	for (const fn of archiveWriters) {
		const role = (fn as unknown as { role?: IConstruct }).role;
		if (!role) continue;
		acknowledge(
			role,
			`AwsSolutions-IAM5[Resource::${arnRef(archiveBucket)}/*]`,
			"Object-level actions (GetObject, PutObject; no delete) on the archive bucket, which holds nothing but monthly summaries; object keys are per month and scope, so no narrower prefix exists.",
		);
	}

	for (const child of stack.node.children) {
		const id = child.node.id;
		if (id.startsWith("Custom::CDKBucketDeployment")) {
			const reason =
				"CDK's BucketDeployment provider (a singleton that CDK defines): it copies the site assets from the CDK asset bucket into the site bucket and invalidates CloudFront; its role, runtime and policies are set by aws-cdk-lib and run only during deployment.";
			for (const finding of [
				"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
				"AwsSolutions-IAM5[Action::s3:GetObject*]",
				"AwsSolutions-IAM5[Action::s3:GetBucket*]",
				"AwsSolutions-IAM5[Action::s3:List*]",
				"AwsSolutions-IAM5[Action::s3:DeleteObject*]",
				"AwsSolutions-IAM5[Action::s3:Abort*]",
				"AwsSolutions-IAM5[Resource::*]",
				`AwsSolutions-IAM5[Resource::arn:${nagValue(stack.partition, "AWS::Partition")}:s3:::cdk-hnb659fds-assets-${nagValue(stack.account, "AWS::AccountId")}-${nagValue(stack.region, "AWS::Region")}/*]`,
				`AwsSolutions-IAM5[Resource::${arnRef(siteBucket)}/*]`,
				"AwsSolutions-L1",
			]) {
				acknowledge(child, finding, reason);
			}
		}
		if (id.startsWith("SchedulerRoleForTarget") && summaryJob) {
			acknowledge(
				child,
				`AwsSolutions-IAM5[Resource::${arnRef(summaryJob)}:*]`,
				"EventBridge Scheduler's role may invoke the summary job and its own versions/aliases (`function:name:*`); it can invoke nothing else.",
			);
		}
	}
}
