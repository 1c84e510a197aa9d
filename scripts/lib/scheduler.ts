// The local stand-in for EventBridge Scheduler: fires the summary-job Lambda handler with the same kinds of event
// as AWS. The monthly summary at 08:00 Asia/Shanghai on the day after the reporting deadline (the 11th; SUMMARY_DAY
// and SUMMARY_HOUR change it), the reminder task every hour (REMINDER_INTERVAL_MINUTES), and a catch-up run on
// start: the latest due month's summary is archived and delivered, and earlier months are archived only.
import { defaultSummaryDay } from "../../functions/summary/schedule";

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The next instant after `now` that is `hour`:00 Asia/Shanghai on `day` of a month. */
export const nextRun = (now: Date, day: number, hour: number): Date => {
	const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
	for (let i = 0; i < 3; i++) {
		const y = local.getUTCFullYear();
		const m = local.getUTCMonth() + i;
		const candidate = new Date(Date.UTC(y, m, day, hour, 0, 0) - SHANGHAI_OFFSET_MS);
		if (candidate.getTime() > now.getTime()) return candidate;
	}
	throw new Error("unreachable");
};

export interface Scheduler {
	stop(): void;
	describe(): string;
	runNow(): Promise<unknown>;
	/** The start-up run: latest due month in full, then `backfillMonths` earlier months archived only. */
	catchUp(backfillMonths: number): Promise<unknown>;
	runReminders(): Promise<unknown>;
}

type JobHandler = (e: unknown) => Promise<unknown>;

export const startScheduler = (opts: { log: (s: string) => void; now?: () => Date }): Scheduler => {
	const day = Number(process.env.SUMMARY_DAY ?? defaultSummaryDay(Number(process.env.DEADLINE_DAY ?? 10)));
	const hour = Number(process.env.SUMMARY_HOUR ?? 8);
	const reminderEveryMs = Number(process.env.REMINDER_INTERVAL_MINUTES ?? 60) * 60_000;
	const now = opts.now ?? (() => new Date());
	let timer: NodeJS.Timeout | undefined;
	let reminderTimer: NodeJS.Timeout | undefined;
	let next = nextRun(now(), day, hour);
	// One job at a time, as a single Lambda concurrency would give: the claims make overlaps safe, this keeps them quiet.
	let queue: Promise<unknown> = Promise.resolve();
	const invoke = (detail: Record<string, unknown>): Promise<unknown> => {
		const run = queue.then(async () => {
			const entry = "../../functions/handlers/summary-job.ts";
			const { handler } = (await import(entry)) as { handler: JobHandler };
			return handler({ source: "local.scheduler", "detail-type": "Scheduled Event", time: now().toISOString(), detail });
		});
		queue = run.catch(() => {});
		return run;
	};
	const runNow = () => invoke({});
	const runReminders = () => invoke({ task: "reminders" });
	const catchUp = (backfillMonths: number) => invoke({ task: "catch-up", backfillMonths });
	const arm = () => {
		// setTimeout cannot wait more than ~24.8 days; re-arm in steps.
		const wait = Math.min(next.getTime() - now().getTime(), 2 ** 31 - 1);
		timer = setTimeout(async () => {
			if (now().getTime() >= next.getTime()) {
				opts.log(`· scheduler: compiling and sending the monthly summary (${next.toISOString()})`);
				try {
					const r = await runNow();
					opts.log(`· scheduler: summary job finished ${JSON.stringify(r)}`);
				} catch (e) {
					opts.log(`✗ scheduler: summary job failed: ${(e as Error).message}`);
				}
				next = nextRun(now(), day, hour);
			}
			arm();
		}, Math.max(wait, 1000));
		timer.unref();
	};
	arm();
	if (reminderEveryMs > 0) {
		reminderTimer = setInterval(() => {
			runReminders().catch((e: unknown) => opts.log(`✗ scheduler: reminder task failed: ${(e as Error).message}`));
		}, reminderEveryMs);
		reminderTimer.unref();
	}
	return {
		stop: () => {
			clearTimeout(timer);
			clearInterval(reminderTimer);
		},
		describe: () =>
			`next run ${new Date(next.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ")} Asia/Shanghai (day ${day}, ${hour}:00); reminders every ${reminderEveryMs / 60_000} min`,
		runNow,
		catchUp,
		runReminders,
	};
};
