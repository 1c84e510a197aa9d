// Lambda: the scheduled monthly summary. Invoked asynchronously by EventBridge Scheduler (global partition) or an
// EventBridge rule (aws-cn) with `{ source: "schedule", schedule }`, by the local scheduler with an EventBridge-like
// event, or by hand (`aws lambda invoke --payload '{"month":"2025-06"}'`). An optional `month` / `dryRun` may sit at
// the top level or under `detail`.
//
// Failure policy:
// - Partial failure (some recipients failed, others were sent or had been sent): reported, NOT thrown. The failed
//   recipients already have a `failed` delivery record, the run emitted the SummaryDeliveryFailed metric (alarm) and an
//   audit event; throwing would only make Lambda retry the whole run, which cannot help them (only an explicit resend
//   retries a failed record) and would add noise.
// - Total failure (something failed and nothing was sent in this run, e.g. the SMTP relay or DynamoDB is down, or
//   every compile failed): thrown. Lambda's async retries then run the job again (recipients without a record, such
//   as compile or claim failures, get another chance; sent ones are never sent twice), and after the retries the
//   event lands in the dead-letter queue, which has its own alarm.
import * as z from "zod";
import { getApp } from "../commons/app";
import { config, requireConfig } from "../commons/config";
import { AppError } from "../commons/errors";
import { zodFields } from "../commons/http";
import { createFeedbackService, type FeedbackRunResult, type FeedbackService } from "../summary/feedback";
import { createReminderService, type ReminderService, type ScheduledNoticeResult } from "../summary/reminders";
import { createSummaryService, type RunResult, type SummaryService } from "../summary/service";
import { isMonth } from "../core/periods";
import { latestDueMonth } from "../summary/schedule";

// A deploy without a table or a sender address (or with a malformed setting) fails at init, not at the run.
requireConfig("tableName", "mailFrom");

const overrides = z.object({
	/** summary (default): the monthly run; catch-up: the latest due month, then archive-only backfill. */
	/** reminders: pre-deadline, overdue and return notices (hourly). */
	/** feedback: the units' feedback cards for `month` (default: the latest due month) alone; summary and catch-up send them after the summary. */
	task: z.enum(["summary", "catch-up", "reminders", "feedback"]).optional(),
	month: z.string().refine(isMonth, { error: "month must be YYYY-MM" }).optional(),
	dryRun: z.boolean().optional(),
	backfillMonths: z.number().int().min(0).max(36).optional(),
});
const eventSchema = overrides.extend({ detail: overrides.passthrough().optional() }).passthrough();

let service: SummaryService | undefined;
let reminders: ReminderService | undefined;
let feedback: FeedbackService | undefined;

/** True when the run failed as a whole: something failed and nothing was sent (by mail or to a group robot). */
export const isTotalFailure = (r: RunResult): boolean => r.failed > 0 && r.sent === 0 && (r.pushed ?? 0) === 0;

/**
 * The units' feedback cards, after the summary (never in a dry run). Thrown only when every card failed and none
 * was sent, as for the summary: a retry of the whole job sends no summary twice and gives the cards another chance.
 */
const sendFeedback = async (month: string): Promise<FeedbackRunResult> => {
	feedback ??= createFeedbackService(getApp());
	const r = await feedback.run({ month, now: new Date() });
	if (r.failed.length > 0 && r.sent.length === 0) throw new AppError("unavailable", `Feedback cards ${month}: all ${r.failed.length} failed (${r.failed[0]?.error ?? "unknown"})`);
	return r;
};

export const handler = async (event: unknown): Promise<(RunResult & { feedback?: FeedbackRunResult }) | ScheduledNoticeResult | FeedbackRunResult> => {
	const parsed = eventSchema.safeParse(event ?? {});
	if (!parsed.success) throw new AppError("bad-request", "Invalid summary job event", zodFields(parsed.error));
	const e = parsed.data;
	const task = e.task ?? e.detail?.task ?? "summary";
	if (task === "reminders") {
		reminders ??= createReminderService(getApp());
		const r = await reminders.runScheduled({ now: new Date() });
		if (r.failed.length > 0 && r.sent.length === 0) throw new AppError("unavailable", `Notices ${r.period}: all ${r.failed.length} failed`);
		return r;
	}
	if (task === "feedback") return sendFeedback(e.month ?? e.detail?.month ?? latestDueMonth(new Date(), config.summaryDay, config.summaryHour));
	service ??= createSummaryService(getApp());
	if (task === "catch-up") {
		const r = await service.catchUp({ now: new Date(), backfillMonths: e.backfillMonths ?? e.detail?.backfillMonths ?? 0 });
		if (isTotalFailure(r.run)) throw new AppError("unavailable", `Summary catch-up ${r.month}: all ${r.run.failed} deliveries failed`);
		return { ...r.run, feedback: await sendFeedback(r.month) };
	}
	const result = await service.runMonthly({ month: e.month ?? e.detail?.month, dryRun: e.dryRun ?? e.detail?.dryRun, now: new Date(), actor: "schedule" });
	if (isTotalFailure(result)) {
		throw new AppError("unavailable", `Monthly summary ${result.month}: all ${result.failed} deliveries failed (${result.failures[0]?.error ?? "unknown"})`);
	}
	return result.dryRun ? result : { ...result, feedback: await sendFeedback(result.month) };
};
