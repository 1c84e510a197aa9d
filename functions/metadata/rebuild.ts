// The aggregate rebuild: recomputes every aggregate item (and every unit's stock-year record) from the raw
// submissions with the same pure functions the write path and verify-aggregates use (recomputeAggregates,
// withMonth), and writes the absolute values into the live items, one year at a time.
//
// Live submissions keep writing while it runs, so each year is fenced:
// 1. read the year's stored aggregate items (their `asOf`, which every submission write sets) and the units'
//    stock-year records (their `ver`), consistently;
// 2. read the submissions (base table, consistent: the GSI may lag), recompute;
// 3. write each item that differs, conditioned on the `asOf`/`ver` read in 1.
// A submission that commits after 1 changes `asOf` on every item it touches, so the write of that item fails
// and the year is redone from a fresh read; one that commits after an item was written adds its delta on top
// of a value that did not yet include it. Either way it is counted exactly once. A verification pass at the
// end compares stored and recomputed items and redoes a year that differs (the fence's blind spot: two
// submissions stamped with the same millisecond).
//
// The job item records which years are done, so a run that dies (crash, timeout, a Lambda frozen after its
// response) is resumed by the next GET of the job once its lease is stale; redoing a year is idempotent.
import { randomBytes } from "node:crypto";
import { logger } from "../commons/observability";
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type AggKind, aggId, emptyUnitStockYear, isCounterAttr, parseAggId, recomputeAggregates, type SubmissionState, type UnitStockYear, withMonth } from "../core/aggregation";
import type { RebuildJob } from "../core/api-types";
import type { CatalogIndex } from "../core/catalog-index";
import { canonical } from "../core/metadata-rules";
import type { App } from "../commons/app";
import { config } from "../commons/config";
import { AppError, notFound } from "../commons/errors";
import { keys } from "../commons/keys";
import { mapPool } from "../commons/pool";
import { activeRebuild } from "./recalculating";
import { queryAllItems } from "./store";

export type { RebuildJob };

export interface RebuildOptions {
	/** Wait this long after the job was created before reading, so every container has the new catalog. */
	settleMs?: number;
	/** A running job whose heartbeat is older than this may be taken over. */
	staleMs?: number;
	/** Writes in flight. */
	concurrency?: number;
	/** Fenced attempts per year before the job gives up (and stays resumable). */
	maxYearAttempts?: number;
	/**
	 * A run stops after the year during which this much time has passed, and hands its lease back so the next
	 * poll continues at once. In Lambda a GET drives the job this way (nothing runs after a response there);
	 * locally one background run goes to the end.
	 */
	budgetMs?: number;
	/** Start runs in the background of this container (default); tests run jobs explicitly. */
	autoRun?: boolean;
	/** Test hooks: called after a year's snapshot is read and before it is written (inject a submission). */
	beforeWrite?: (year: string, attempt: number) => Promise<void>;
	/** Test hook: called before each item write; throwing here simulates a crash mid-year. */
	onItemWrite?: (count: number) => void;
}

/** Container caches check the catalog version every 15 s (catalog-repo.ts); a margin on top. */
const SETTLE_IN_LAMBDA_MS = 20_000;
/** Work per GET in Lambda, well inside API Gateway's 30 s (a year takes a few seconds on top). */
const BUDGET_IN_LAMBDA_MS = 8_000;

export const REBUILD_DEFAULTS = { staleMs: 60_000, concurrency: 16, maxYearAttempts: 8 } as const;

const newJobId = (now: Date): string => `${now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 14)}-${randomBytes(5).toString("hex")}`;

const counters = (item: Record<string, unknown> | undefined): Record<string, number> => {
	const out: Record<string, number> = {};
	for (const [k, v] of Object.entries(item ?? {})) if (isCounterAttr(k) && Number(v) !== 0) out[k] = Number(v);
	return out;
};

const sameCounters = (a: Record<string, number>, b: Record<string, number>): boolean => {
	const ka = Object.keys(a);
	if (ka.length !== Object.keys(b).length) return false;
	return ka.every((k) => Math.abs((a[k] ?? 0) - (b[k] ?? Number.NaN)) <= 1e-6);
};

const orgsOf = (idx: CatalogIndex) => idx.catalog.units.filter((u) => u.level !== "unit");
const unitsOf = (idx: CatalogIndex) => idx.catalog.units.filter((u) => u.level === "unit");

const isConditionFailure = (e: unknown): boolean => (e as { name?: string })?.name === "ConditionalCheckFailedException";

export const createRebuildService = (app: App, opts: RebuildOptions = {}) => {
	const o = {
		...REBUILD_DEFAULTS,
		settleMs: config.inLambda ? SETTLE_IN_LAMBDA_MS : 0,
		budgetMs: config.inLambda ? BUDGET_IN_LAMBDA_MS : Number.POSITIVE_INFINITY,
		...opts,
	};
	const doc = app.doc;
	const table = app.table;
	const running = new Map<string, Promise<RebuildJob>>();

	const getJob = async (jobId: string): Promise<(RebuildJob & { runId?: string }) | null> => {
		const r = await doc.send(new GetCommand({ TableName: table, Key: keys.rebuildJob(jobId), ConsistentRead: true }));
		if (!r.Item) return null;
		const { pk: _p, sk: _s, ...job } = r.Item;
		return job as RebuildJob & { runId?: string };
	};

	const view = (j: RebuildJob & { runId?: string }): RebuildJob => {
		const { runId: _r, ...rest } = j;
		return rest;
	};

	/**
	 * Years with submissions (every unit's periods, keys only) or aggregate items (a repair may find items for
	 * years whose submissions are gone), plus this year: where a rebuild has something to do.
	 */
	const yearsWithData = async (idx: CatalogIndex): Promise<string[]> => {
		const years = new Set<string>([String(app.now().getUTCFullYear())]);
		const partitions = [...unitsOf(idx).map((u) => keys.submissionPk(u.id)), ...orgsOf(idx).map((o) => keys.aggregatePk(o.id))];
		await mapPool(partitions, 8, async (pk) => {
			const items = await queryAllItems(doc, { TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk }, ProjectionExpression: "sk" });
			for (const it of items) years.add(String(it.sk).split("#")[1]?.slice(0, 4) ?? "");
		});
		const list = [...years].filter((y) => /^\d{4}$/.test(y)).sort();
		// A stock's carried figures reach up to 12 months past its last report, into the next year.
		return [...list, String(Number(list.at(-1)) + 1)];
	};

	/**
	 * The job's items, to be written in the caller's transaction (an element change and its rebuild commit
	 * together): the job, and the one "active" pointer that makes the affected figures show as recalculating
	 * (its condition refuses a second rebuild while one runs).
	 */
	const jobItems = (job: RebuildJob) => [
		{ Put: { TableName: table, Item: { ...keys.rebuildJob(job.jobId), ...job, ttl: Math.floor(Date.parse(job.createdAt) / 1000) + 90 * 86_400 }, ConditionExpression: "attribute_not_exists(pk)" } },
		{
			Put: {
				TableName: table,
				Item: { ...keys.rebuildActive(), jobId: job.jobId, elements: job.elements, startedAt: job.createdAt },
				ConditionExpression: "attribute_not_exists(pk)",
			},
		},
	];

	const newJob = async (input: { by: string; elements: string[]; years?: string[]; reason?: string }): Promise<RebuildJob> => {
		// The rebuild writes the plain AGG# items; sharded aggregates (AGGREGATE_SHARDS > 1) would need every shard fenced.
		if (config.aggregateShards > 1) throw shardedUnsupported();
		const now = app.now();
		const idx = await app.catalogRepo.load(true);
		const years = input.years ? [...new Set(input.years)].sort() : await yearsWithData(idx);
		return {
			jobId: newJobId(now),
			status: "queued",
			years,
			doneYears: [],
			done: 0,
			total: years.length * 2,
			step: "排队中 (queued)",
			elements: input.elements,
			itemsWritten: 0,
			itemsUnchanged: 0,
			retries: 0,
			by: input.by,
			...(input.reason ? { reason: input.reason } : {}),
			createdAt: now.toISOString(),
			updatedAt: now.toISOString(),
		};
	};

	/** POST /api/admin/rebuild-aggregates: a repair of every aggregate (or of the years given). */
	const start = async (by: string, input: { years?: string[]; reason?: string; elements?: string[] }): Promise<RebuildJob> => {
		const job = await newJob({ by, ...input, elements: input.elements ?? [] });
		try {
			await doc.send(new TransactWriteCommand({ TransactItems: jobItems(job) }));
		} catch (e) {
			if ((e as { name?: string }).name === "TransactionCanceledException") throw runningConflict();
			throw e;
		}
		if (o.autoRun !== false) kick(job.jobId);
		return job;
	};

	const runningConflict = () => new AppError("conflict", "已有重建任务在运行，请等待其完成 (a rebuild is already running; wait for it to finish)", { rebuild: "已有重建任务在运行 (a rebuild is running)" });

	/** Runs the job in the background of this container (local mode, and the Lambda until it is frozen). */
	const kick = (jobId: string): void => {
		if (running.has(jobId)) return;
		const p = run(jobId)
			.catch((e) => {
				logger.error("rebuild run stopped", { jobId, error: (e as Error).message });
				return null as unknown as RebuildJob;
			})
			.finally(() => running.delete(jobId));
		running.set(jobId, p);
	};

	/** Takes the job's lease: only one runner writes at a time; a stale one is taken over. */
	const acquire = async (jobId: string, runId: string): Promise<boolean> => {
		const now = app.now();
		try {
			await doc.send(
				new UpdateCommand({
					TableName: table,
					Key: keys.rebuildJob(jobId),
					UpdateExpression: "SET runId = :r, updatedAt = :now, #s = :running",
					ConditionExpression: "attribute_exists(pk) AND #s IN (:queued, :running) AND (attribute_not_exists(runId) OR updatedAt < :stale)",
					ExpressionAttributeNames: { "#s": "status" },
					ExpressionAttributeValues: {
						":r": runId,
						":now": now.toISOString(),
						":running": "running",
						":queued": "queued",
						":stale": new Date(now.getTime() - o.staleMs).toISOString(),
					},
				}),
			);
			return true;
		} catch (e) {
			if (isConditionFailure(e)) return false;
			throw e;
		}
	};

	const progress = async (jobId: string, runId: string, set: Partial<RebuildJob>): Promise<void> => {
		const names: Record<string, string> = {};
		const values: Record<string, unknown> = { ":r": runId, ":now": app.now().toISOString() };
		const parts = ["updatedAt = :now"];
		Object.entries(set).forEach(([k, v], i) => {
			names[`#f${i}`] = k;
			values[`:f${i}`] = v;
			parts.push(`#f${i} = :f${i}`);
		});
		try {
			await doc.send(
				new UpdateCommand({
					TableName: table,
					Key: keys.rebuildJob(jobId),
					UpdateExpression: `SET ${parts.join(", ")}`,
					ConditionExpression: "runId = :r",
					...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
					ExpressionAttributeValues: values,
				}),
			);
		} catch (e) {
			if (isConditionFailure(e)) throw new LeaseLostError();
			throw e;
		}
	};

	/** The year's stored aggregate items of every area and the division, by aggregate id (consistent reads). */
	const readAggregates = async (idx: CatalogIndex, year: string): Promise<Map<string, Record<string, unknown>>> => {
		const kinds: [AggKind, string, string][] = [
			["M", `${year}-01`, `${year}-12`],
			["Y", year, year],
			["YR", year, year],
		];
		const stored = new Map<string, Record<string, unknown>>();
		await mapPool(
			orgsOf(idx).flatMap((org) => kinds.map((k) => [org.id, ...k] as const)),
			8,
			async ([orgId, kind, from, to]) => {
				const items = await queryAllItems(doc, {
					TableName: table,
					KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
					ExpressionAttributeValues: { ":pk": keys.aggregatePk(orgId), ":a": keys.aggregateSk(kind, from), ":b": keys.aggregateSk(kind, to) },
					ConsistentRead: true,
				});
				for (const it of items) stored.set(aggId(orgId, kind, String(it.sk).slice(kind.length + 1)), it);
			},
		);
		return stored;
	};

	/**
	 * Every unit's submissions of the year and the one before (its stocks carry into January), from the base
	 * table with consistent reads: the period index may lag, and a missed submission would be lost.
	 */
	const readSubmissions = async (idx: CatalogIndex, year: string): Promise<SubmissionState[]> => {
		const subs: SubmissionState[] = [];
		await mapPool(unitsOf(idx), 8, async (u) => {
			const items = await queryAllItems(doc, {
				TableName: table,
				KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
				ExpressionAttributeValues: { ":pk": keys.submissionPk(u.id), ":a": keys.periodSk(String(Number(year) - 1)), ":b": keys.periodSk(`${year}-12`) },
				ConsistentRead: true,
			});
			for (const it of items) subs.push({ unitId: String(it.unitId), period: String(it.period), status: it.status as SubmissionState["status"], values: (it.values ?? {}) as SubmissionState["values"] });
		});
		return subs;
	};

	const expectedFor = (idx: CatalogIndex, subs: SubmissionState[], year: string) => new Map([...recomputeAggregates(subs, idx.agg)].filter(([id]) => parseAggId(id).period.startsWith(year)));

	/** One year, fenced as described at the top. Returns false when a concurrent write moved a fence. */
	const rebuildYear = async (idx: CatalogIndex, year: string, attempt: number, counts: { written: number; unchanged: number }): Promise<boolean> => {
		const units = unitsOf(idx);
		// 1. The fences: stored aggregate items and stock-year records.
		const stored = await readAggregates(idx, year);
		const stockStored = new Map<string, { sy: UnitStockYear; ver: number } | null>();
		await mapPool(units, 8, async (u) => {
			const r = await doc.send(new GetCommand({ TableName: table, Key: keys.unitStockYear(u.id, year), ConsistentRead: true }));
			stockStored.set(u.id, r.Item ? { sy: r.Item.sy as UnitStockYear, ver: Number(r.Item.ver) } : null);
		});
		// 2. The raw submissions, recomputed.
		const subs = await readSubmissions(idx, year);
		const expected = expectedFor(idx, subs, year);
		const stockExpected = new Map<string, UnitStockYear>();
		for (const s of subs) {
			if (s.period.length !== 7 || !s.period.startsWith(year)) continue;
			stockExpected.set(s.unitId, withMonth(stockExpected.get(s.unitId) ?? emptyUnitStockYear(), s.period, s, idx.agg));
		}
		await o.beforeWrite?.(year, attempt);

		// 3. Fenced writes: stock-year records first (a writer that read the old one then fails its `ver`
		// condition and re-plans from the new one), then the aggregate items.
		let fenced = true;
		const now = app.now().toISOString();
		const guard = async (fn: () => Promise<unknown>) => {
			o.onItemWrite?.(counts.written);
			try {
				await fn();
				counts.written++;
			} catch (e) {
				if (!isConditionFailure(e)) throw e;
				fenced = false;
			}
		};
		await mapPool(units, o.concurrency, async (u) => {
			const before = stockStored.get(u.id) ?? null;
			const next = stockExpected.get(u.id) ?? emptyUnitStockYear();
			const empty = Object.keys(next.all).length === 0 && Object.keys(next.approved).length === 0;
			if (before ? JSON.stringify(canonical(before.sy)) === JSON.stringify(canonical(next)) : empty) {
				counts.unchanged++;
				return;
			}
			await guard(() =>
				doc.send(
					new PutCommand({
						TableName: table,
						Item: { ...keys.unitStockYear(u.id, year), sy: next, ver: (before?.ver ?? 0) + 1, updatedAt: now },
						...(before ? { ConditionExpression: "ver = :v", ExpressionAttributeValues: { ":v": before.ver } } : { ConditionExpression: "attribute_not_exists(pk)" }),
					}),
				),
			);
		});
		const ids = [...new Set([...stored.keys(), ...expected.keys()])].sort();
		await mapPool(ids, o.concurrency, async (id) => {
			const old = stored.get(id);
			const want = expected.get(id) ?? {};
			if (sameCounters(counters(old), counters(want))) {
				counts.unchanged++;
				return;
			}
			const { orgId, kind, period } = parseAggId(id);
			const key = keys.aggregate(orgId, kind, period);
			const fence = old
				? old.asOf !== undefined
					? { ConditionExpression: "asOf = :a", ExpressionAttributeValues: { ":a": old.asOf } }
					: { ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(asOf)" }
				: { ConditionExpression: "attribute_not_exists(pk)" };
			if (Object.keys(want).length === 0) {
				await guard(() => doc.send(new DeleteCommand({ TableName: table, Key: key, ...fence })));
				return;
			}
			await guard(() => doc.send(new PutCommand({ TableName: table, Item: { ...key, ...want, asOf: old?.asOf ?? now }, ...fence })));
		});
		return fenced;
	};

	/** Verification: the years whose stored items differ from a fresh recompute. */
	const yearsThatDiffer = async (idx: CatalogIndex, years: string[]): Promise<string[]> => {
		const differs = await mapPool(years, 2, async (year) => {
			const expected = expectedFor(idx, await readSubmissions(idx, year), year);
			const stored = await readAggregates(idx, year);
			const ids = new Set([...stored.keys(), ...expected.keys()]);
			return [...ids].some((id) => !sameCounters(counters(stored.get(id)), counters(expected.get(id))));
		});
		return years.filter((_y, i) => differs[i]);
	};

	/** Runs (or resumes) a job to the end, unless another runner holds a fresh lease. */
	const run = async (jobId: string): Promise<RebuildJob> => {
		const runId = randomBytes(8).toString("hex");
		if (!(await acquire(jobId, runId))) {
			const j = await getJob(jobId);
			if (!j) throw notFound(`未知重建任务 ${jobId} (unknown rebuild job)`);
			return view(j);
		}
		let job = (await getJob(jobId)) as RebuildJob;
		const started = Date.now();
		try {
			const wait = Date.parse(job.createdAt) + o.settleMs - app.now().getTime();
			if (wait > 0) {
				await progress(jobId, runId, { step: "等待各实例加载新目录 (waiting for every instance to load the new catalog)" });
				if (wait > o.budgetMs) return await pause(jobId, runId);
				await new Promise((r) => setTimeout(r, wait));
			}
			const idx = await app.catalogRepo.load(true);
			const counts = { written: job.itemsWritten, unchanged: job.itemsUnchanged };
			let retries = job.retries;
			const rebuildWithRetries = async (year: string) => {
				for (let attempt = 1; ; attempt++) {
					await progress(jobId, runId, { step: `${year}: 重新计算 (recomputing)${attempt > 1 ? ` #${attempt}` : ""}` });
					if (await rebuildYear(idx, year, attempt, counts)) return;
					retries++;
					if (attempt >= o.maxYearAttempts) throw new Error(`year ${year}: submissions kept landing during ${attempt} attempts`);
				}
			};
			const doneYears = new Set(job.doneYears);
			for (const year of job.years) {
				if (doneYears.has(year)) continue;
				await rebuildWithRetries(year);
				doneYears.add(year);
				await progress(jobId, runId, { doneYears: [...doneYears].sort(), done: doneYears.size, itemsWritten: counts.written, itemsUnchanged: counts.unchanged, retries });
				if (Date.now() - started > o.budgetMs && doneYears.size < job.years.length) return await pause(jobId, runId);
			}
			// Verification, a year per step too (a budgeted run pauses between them): a year that differs from a
			// fresh recompute is rebuilt again.
			const verified = new Set(job.verifiedYears ?? []);
			for (const year of job.years) {
				if (verified.has(year)) continue;
				await progress(jobId, runId, { step: `${year}: 核对 (verifying)` });
				for (let round = 0; (await yearsThatDiffer(idx, [year])).length > 0; round++) {
					if (round === 2) throw new Error(`verification of ${year} still differs after two rebuilds`);
					retries++;
					await rebuildWithRetries(year);
				}
				verified.add(year);
				await progress(jobId, runId, { verifiedYears: [...verified].sort(), done: doneYears.size + verified.size, itemsWritten: counts.written, itemsUnchanged: counts.unchanged, retries });
				if (Date.now() - started > o.budgetMs && verified.size < job.years.length) return await pause(jobId, runId);
			}
			const finishedAt = app.now().toISOString();
			await progress(jobId, runId, { status: "done", step: "完成 (done)", done: job.total, itemsWritten: counts.written, itemsUnchanged: counts.unchanged, retries, finishedAt });
			await doc.send(new DeleteCommand({ TableName: table, Key: keys.rebuildActive(), ConditionExpression: "jobId = :j", ExpressionAttributeValues: { ":j": jobId } })).catch((e) => {
				if (!isConditionFailure(e)) throw e;
			});
		} catch (e) {
			if (e instanceof LeaseLostError) return view((await getJob(jobId)) as RebuildJob);
			// Left running with its lease: the next GET after `staleMs` resumes it from the last finished year.
			await progress(jobId, runId, { step: `中断，可续传 (interrupted, resumable): ${(e as Error).message}`.slice(0, 300) }).catch(() => undefined);
			throw e;
		}
		job = (await getJob(jobId)) as RebuildJob;
		return view(job);
	};

	/** Ends a run at a year boundary with its lease handed back (no runId), so the next poll resumes at once. */
	const pause = async (jobId: string, runId: string): Promise<RebuildJob> => {
		await doc.send(
			new UpdateCommand({
				TableName: table,
				Key: keys.rebuildJob(jobId),
				UpdateExpression: "REMOVE runId SET updatedAt = :now",
				ConditionExpression: "runId = :r",
				ExpressionAttributeValues: { ":r": runId, ":now": app.now().toISOString() },
			}),
		).catch((e) => {
			if (!isConditionFailure(e)) throw e;
		});
		return view((await getJob(jobId)) as RebuildJob);
	};

	/**
	 * GET /api/admin/rebuild-aggregates/{jobId}: the job. One that is paused, or whose runner died (no heartbeat
	 * for `staleMs`), is carried on here: in the background locally, within the budget in Lambda.
	 */
	const status = async (jobId: string): Promise<RebuildJob> => {
		const j = await getJob(jobId);
		if (!j) throw notFound(`未知重建任务 ${jobId} (unknown rebuild job)`);
		const stale = Date.parse(j.updatedAt) < app.now().getTime() - o.staleMs;
		const resumable = (j.status === "queued" || j.status === "running") && (stale || !j.runId) && !running.has(jobId);
		if (!resumable) return view(j);
		if (Number.isFinite(o.budgetMs)) return run(jobId);
		kick(jobId);
		return view(j);
	};

	/** The elements being recalculated now, for the dashboards' 重新计算中 flag. */
	const recalculating = () => activeRebuild(app);

	return { start, status, run, kick, newJob, jobItems, recalculating, runningConflict, getJob: async (id: string) => (await getJob(id)) ?? null, wait: (id: string) => running.get(id) };
};

export const shardedUnsupported = () =>
	new AppError("conflict", "写入分片的汇总（AGGREGATE_SHARDS > 1）暂不支持重建，也不能修改汇总方式 (aggregate rebuilds, and so aggregation changes, are not supported with AGGREGATE_SHARDS > 1)", {
		rebuild: "分片汇总不支持重建 (not supported with sharded aggregates)",
	});

class LeaseLostError extends Error {
	constructor() {
		super("rebuild lease lost to another runner");
		this.name = "LeaseLostError";
	}
}

export type RebuildService = ReturnType<typeof createRebuildService>;
