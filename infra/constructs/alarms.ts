// Alarms that page an administrator by email (SNS). Each one is something an admin can act on: a function
// failing, the API failing or throttling, a monthly summary that could not be delivered, the table
// throttling. The topic is encrypted with its own key, which CloudWatch is allowed to use (the AWS-managed
// SNS key cannot be granted to CloudWatch, so alarms could not publish to a topic encrypted with it).
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { StageConfig } from "../config";
import { API_THROTTLED_METRIC, type Api } from "./api";
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME, type ProjectFunction } from "./project-function";

/** The Powertools metric the summary job emits for every recipient it could not deliver to. */
export const SUMMARY_DELIVERY_FAILED_METRIC = "SummaryDeliveryFailed";

export interface AlarmsProps {
	cfg: StageConfig;
	functions: ProjectFunction[];
	api: Api;
	table: dynamodb.ITable;
	deadLetterQueue: sqs.IQueue;
}

export class Alarms extends Construct {
	readonly topic: sns.Topic;
	readonly alarms: cloudwatch.Alarm[] = [];

	constructor(scope: Construct, id: string, props: AlarmsProps) {
		super(scope, id);
		const { cfg } = props;

		const key = new kms.Key(this, "TopicKey", {
			description: "Encrypts the health-plan alarm topic",
			enableKeyRotation: true,
			removalPolicy: RemovalPolicy.DESTROY,
			pendingWindow: Duration.days(7),
		});
		key.grant(new iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
		this.topic = new sns.Topic(this, "Topic", { displayName: "健康规划指标监测平台 alarms", masterKey: key, enforceSSL: true });
		if (cfg.adminEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(cfg.adminEmail));

		const action = new SnsAction(this.topic);
		const add = (name: string, alarm: Omit<cloudwatch.AlarmProps, "alarmDescription"> & { description: string }) => {
			const { description, ...rest } = alarm;
			const a = new cloudwatch.Alarm(this, name, {
				...rest,
				alarmDescription: description,
				treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
			});
			a.addAlarmAction(action);
			this.alarms.push(a);
			return a;
		};
		const fiveMinutes = Duration.minutes(5);

		for (const fn of props.functions) {
			add(`${fn.handlerName}-errors`, {
				description: `The ${fn.handlerName} function failed (unhandled error or timeout). See its log group.`,
				metric: fn.metricErrors({ period: fiveMinutes, statistic: "Sum" }),
				threshold: 1,
				evaluationPeriods: 1,
				comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			});
		}

		add("api-5xx", {
			description: "The API answered with 5xx errors.",
			metric: props.api.httpApi.metricServerError({ period: fiveMinutes, statistic: "Sum" }),
			threshold: 5,
			evaluationPeriods: 1,
			comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		});
		add("api-throttled", {
			description: `The API refused requests with 429 (stage throttling at ${cfg.throttleRate}/s, burst ${cfg.throttleBurst}).`,
			metric: new cloudwatch.Metric({
				namespace: METRICS_NAMESPACE,
				metricName: API_THROTTLED_METRIC,
				period: fiveMinutes,
				statistic: "Sum",
			}),
			threshold: 1,
			evaluationPeriods: 1,
			comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		});
		add("summary-dead-letters", {
			description: "A monthly summary run could not be delivered or failed after retries: it is in the dead-letter queue.",
			metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: "Maximum" }),
			threshold: 0,
			evaluationPeriods: 1,
			comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
		});
		add("summary-delivery-failed", {
			description: "The monthly summary could not be sent to at least one recipient (see Admin > Summaries > Deliveries).",
			metric: new cloudwatch.Metric({
				namespace: METRICS_NAMESPACE,
				metricName: SUMMARY_DELIVERY_FAILED_METRIC,
				dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
				period: Duration.hours(1),
				statistic: "Sum",
			}),
			threshold: 1,
			evaluationPeriods: 1,
			comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		});
		add("table-throttled", {
			description: "DynamoDB throttled reads or writes on the table (including its indexes).",
			metric: new cloudwatch.MathExpression({
				expression: "reads + writes",
				label: "Throttle events",
				period: fiveMinutes,
				usingMetrics: {
					reads: props.table.metric("ReadThrottleEvents", { statistic: "Sum", period: fiveMinutes }),
					writes: props.table.metric("WriteThrottleEvents", { statistic: "Sum", period: fiveMinutes }),
				},
			}),
			threshold: 1,
			evaluationPeriods: 1,
			comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		});
	}
}
