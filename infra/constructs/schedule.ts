// The monthly summary trigger. EventBridge Scheduler where it is available (it takes the Asia/Shanghai
// time zone directly); an EventBridge rule with the equivalent UTC cron otherwise (the default in aws-cn,
// see docs/deploy-china.md). Either way: retries, a maximum event age, and an encrypted, SSL-only dead-
// letter queue that an alarm watches. The job itself is idempotent (deliveries are recorded exactly once),
// so a retry never sends a summary twice.
import { Duration, TimeZone } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as schedulerTargets from "aws-cdk-lib/aws-scheduler-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { StageConfig } from "../config";
import { acknowledge } from "../nag";

export const SUMMARY_RETRY_ATTEMPTS = 3;

export class SummarySchedule extends Construct {
	readonly deadLetterQueue: sqs.Queue;
	readonly schedule?: scheduler.Schedule;
	readonly rule?: events.Rule;
	/** The reminder run (same function, `task: "reminders"`): pre-deadline, overdue and return notices. The units' feedback cards go with the monthly run. */
	readonly reminderSchedule?: scheduler.Schedule;
	readonly reminderRule?: events.Rule;

	constructor(scope: Construct, id: string, props: { cfg: StageConfig; job: lambda.Function }) {
		super(scope, id);
		const { cfg, job } = props;

		this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
			encryption: sqs.QueueEncryption.SQS_MANAGED,
			enforceSSL: true,
			retentionPeriod: Duration.days(14),
		});
		acknowledge(this.deadLetterQueue, "AwsSolutions-SQS3", "This queue is itself the dead-letter queue of the summary schedule and of the job's failed runs.");

		// Scheduler and the rule invoke the function asynchronously: their DLQ catches invocations that
		// could not be delivered, the function's own on-failure destination catches runs that failed
		// after Lambda's retries. Both land in the same queue, so one alarm covers both.
		job.configureAsyncInvoke({
			onFailure: new SqsDestination(this.deadLetterQueue),
			retryAttempts: 2,
			maxEventAge: Duration.hours(6),
		});

		const input = { source: "schedule", schedule: cfg.useScheduler ? cfg.summarySchedule : cfg.summaryScheduleUtc };
		const reminderInput = { source: "schedule", task: "reminders", schedule: cfg.reminderSchedule };
		if (cfg.useScheduler) {
			const target = (payload: Record<string, unknown>) =>
				new schedulerTargets.LambdaInvoke(job, {
					input: scheduler.ScheduleTargetInput.fromObject(payload),
					deadLetterQueue: this.deadLetterQueue,
					retryAttempts: SUMMARY_RETRY_ATTEMPTS,
					maxEventAge: Duration.hours(6),
				});
			this.schedule = new scheduler.Schedule(this, "Schedule", {
				description: "Monthly health-plan summary (Asia/Shanghai), the day after the reporting deadline, then the units' feedback cards",
				schedule: scheduler.ScheduleExpression.expression(cfg.summarySchedule, TimeZone.ASIA_SHANGHAI),
				target: target(input),
			});
			this.reminderSchedule = new scheduler.Schedule(this, "ReminderSchedule", {
				description: "Reporting reminders, overdue and return notices (each sent once)",
				schedule: scheduler.ScheduleExpression.expression(cfg.reminderSchedule, TimeZone.ASIA_SHANGHAI),
				target: target(reminderInput),
			});
		} else {
			const target = (payload: Record<string, unknown>) =>
				new eventTargets.LambdaFunction(job, {
					event: events.RuleTargetInput.fromObject(payload),
					deadLetterQueue: this.deadLetterQueue,
					retryAttempts: SUMMARY_RETRY_ATTEMPTS,
					maxEventAge: Duration.hours(6),
				});
			this.rule = new events.Rule(this, "Rule", {
				description: `Monthly health-plan summary, then the units' feedback cards: ${cfg.summarySchedule} Asia/Shanghai = ${cfg.summaryScheduleUtc} UTC`,
				schedule: events.Schedule.expression(cfg.summaryScheduleUtc),
				targets: [target(input)],
			});
			this.reminderRule = new events.Rule(this, "ReminderRule", {
				description: `Reporting reminders, overdue and return notices: ${cfg.reminderSchedule}`,
				schedule: events.Schedule.expression(cfg.reminderSchedule),
				targets: [target(reminderInput)],
			});
		}
	}
}
