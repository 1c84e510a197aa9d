// The local stand-in for EventBridge Scheduler: fires the summary-job Lambda handler at the same
// schedule as AWS (08:00 Asia/Shanghai on day 5 of each month by default; SUMMARY_DAY and SUMMARY_HOUR
// change it), with the same kind of event.
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
}

export const startScheduler = (opts: { log: (s: string) => void; now?: () => Date }): Scheduler => {
	const day = Number(process.env.SUMMARY_DAY ?? 5);
	const hour = Number(process.env.SUMMARY_HOUR ?? 8);
	const now = opts.now ?? (() => new Date());
	let timer: NodeJS.Timeout | undefined;
	let next = nextRun(now(), day, hour);
	const runNow = async () => {
		const entry = "../../functions/handlers/summary-job.ts";
		const { handler } = (await import(entry)) as { handler: (e: unknown) => Promise<unknown> };
		return handler({ source: "local.scheduler", "detail-type": "Scheduled Event", time: new Date().toISOString(), detail: {} });
	};
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
	return {
		stop: () => clearTimeout(timer),
		describe: () => `next run ${new Date(next.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ")} Asia/Shanghai (day ${day}, ${hour}:00)`,
		runNow,
	};
};
