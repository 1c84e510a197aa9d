// The aggregate rebuild: recomputes every aggregate item (and every unit's stock-year record) from the raw
// submissions with the same pure functions the write path and verify-aggregates use (recomputeAggregates,
// withMonth), and writes the absolute values into the live items.
//
// It works in steps of years (every year left at once without a time budget; in Lambda as many as fit):
// 1. read, consistently, each unit's submissions and stock-year records (one Query per unit: they sit side by
//    side in its partition) and each org's aggregate items (one Query per org) — the base table, not the GSI,
//    which may lag;
// 2. recompute, and write every item that differs in BatchWrites of 25, `concurrency` in flight;
// 3. verify: read afresh and compare every item, stock-year records included; a year that differs is redone.
// Live submissions keep writing while it runs. One that commits after an item was written adds its delta on top
// of the rebuilt value: counted once. One that commits between the read and the write of an item it touched is
// overwritten there (a batch write takes no condition); the verification's fresh read includes it, finds the
// difference and redoes the year, so when the job ends every item matches the submissions. A stock-year record
// is written with a new `ver`, so a submission that planned from the old one fails its condition and re-plans.
// (Until the verification redoes such a year its figures may miss that submission for a moment: they show as
// 重新计算中 while the job runs. The earlier design fenced each item with a conditional Put, at a third of the
// write rate: docs/performance.md.)
//
// The job item records which years are done, so a run that dies (crash, timeout, a Lambda frozen after its
// response) is resumed by the next GET of the job once its lease is stale; redoing a year is idempotent.
import { randomBytes } from "node:crypto";
import { logger } from "../commons/observability";
import { BatchWriteCommand, DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type AggKind, aggId, emptyUnitStockYear, isCounterAttr, parseAggId, recomputeAggregates, type SubmissionState, type UnitStockYear, withMonth } from "../core/aggregation";
import type { RebuildJob } from "../core/api-types";
import type { CatalogIndex } from "../core/catalog-index";
import { canonical } from "../core/metadata-rules";
import type { App } from "../commons/app";
import { config } from "../commons/config";
import { AppError, notFound } from "../commons/errors";
import { type Key, keys } from "../commons/keys";
import { mapPool } from "../commons/pool";
import { activeRebuild } from "./recalculating";
import { queryAllItems } from "./store";

export type { RebuildJob };

export interface RebuildOptions {
	/** Wait this long after the job was created before reading, so every container has the new catalog. */
	settleMs?: number;
	/** A running job whose heartbeat is older than this may be taken over. */
	staleMs?: number;
	/** Requests in flight: BatchWrites of 25, and the Queries of a step's read. */
	concurrency?: number;
	/** Attempts at a year (the first, then the verification's redos) before the job gives up (and stays resumable). */
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

/** A step's read: stored and recomputed aggregate items (by aggregate id) and stock-year records (by `unit|year`). */
interface YearsState {
	years: string[];
	/** Each submission's version, by `unit|period`, including the year before the first. */
	versions: Map<string, number>;
	aggregates: Map<string, Record<string, unknown>>;
	expected: Map<string, Record<string, unknown>>;
	stock: Map<string, { sy: UnitStockYear; ver: number }>;
	stockExpected: Map<string, UnitStockYear>;
}

type Write = { PutRequest: { Item: Record<string, unknown> }; DeleteRequest?: never } | { DeleteRequest: { Key: Key }; PutRequest?: never };

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

	/**
	 * What a step of years reads, consistently: every unit's submissions of those years and the year before (its
	 * stocks carry into January) with its stock-year records, one Query per unit (the two sort next to each other
	 * in its partition), and every area's and the division's aggregate items, one Query per org. `light` reads
	 * only each submission's version (and the stock-year records and aggregates in full): enough to tell whether
	 * a recompute made from an earlier read still holds.
	 */
	const readState = async (idx: CatalogIndex, years: string[], light = false): Promise<YearsState> => {
		const wanted = new Set(years);
		// Each year's stocks carry into its January from the year before, which may not be a step year itself.
		const needed = new Set(years.flatMap((y) => [y, String(Number(y) - 1)]));
		const first = String(Number(years[0]) - 1);
		const last = years.at(-1) as string;
		const subs: SubmissionState[] = [];
		const versions = new Map<string, number>();
		const stock = new Map<string, { sy: UnitStockYear; ver: number }>();
		const aggregates = new Map<string, Record<string, unknown>>();
		const units = unitsOf(idx).map((u) => ({ unit: u.id, org: undefined as string | undefined }));
		const orgs = orgsOf(idx).map((o) => ({ unit: undefined as string | undefined, org: o.id }));
		await mapPool([...orgs, ...units], o.concurrency, async ({ unit, org }) => {
			if (org) {
				const items = await queryAllItems(doc, { TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.aggregatePk(org) }, ConsistentRead: true });
				for (const it of items) {
					const sk = String(it.sk);
					const kind = sk.slice(0, sk.indexOf("#")) as AggKind;
					const period = sk.slice(kind.length + 1);
					if (wanted.has(period.slice(0, 4))) aggregates.set(aggId(org, kind, period), it);
				}
				return;
			}
			const u = unit as string;
			// PERIOD#<first> … STOCK#<last>: the periods from the year before on, then the stock-year records.
			const items = await queryAllItems(doc, {
				TableName: table,
				KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
				ExpressionAttributeValues: { ":pk": keys.submissionPk(u), ":a": keys.periodSk(first), ":b": keys.unitStockYear(u, last).sk },
				ProjectionExpression: light ? "sk, #ver, sy, ver" : "sk, #ver, #status, #values, sy, ver",
				ExpressionAttributeNames: light ? { "#ver": "version" } : { "#ver": "version", "#status": "status", "#values": "values" },
				ConsistentRead: true,
			});
			for (const it of items) {
				const sk = String(it.sk);
				if (sk.startsWith(keys.submissionSkPrefix)) {
					const period = sk.slice(keys.submissionSkPrefix.length);
					const y = period.slice(0, 4);
					if (!needed.has(y)) continue;
					versions.set(`${u}|${period}`, Number(it.version));
					if (!light) subs.push({ unitId: u, period, status: it.status as SubmissionState["status"], values: (it.values ?? {}) as SubmissionState["values"] });
				} else {
					const y = sk.slice(sk.indexOf("#") + 1);
					if (sk === keys.unitStockYear(u, y).sk && wanted.has(y)) stock.set(`${u}|${y}`, { sy: it.sy as UnitStockYear, ver: Number(it.ver) });
				}
			}
		});
		if (light) return { years, versions, aggregates, expected: new Map(), stock, stockExpected: new Map() };
		// What the submissions make of them, with the same pure functions the write path uses.
		const expected = new Map([...recomputeAggregates(subs, idx.agg)].filter(([id]) => wanted.has(parseAggId(id).period.slice(0, 4))));
		const stockExpected = new Map<string, UnitStockYear>();
		for (const s of [...subs].sort((a, b) => (a.period < b.period ? -1 : 1))) {
			const y = s.period.slice(0, 4);
			if (s.period.length !== 7 || !wanted.has(y)) continue;
			const k = `${s.unitId}|${y}`;
			stockExpected.set(k, withMonth(stockExpected.get(k) ?? emptyUnitStockYear(), s.period, s, idx.agg));
		}
		return { years, versions, aggregates, expected, stock, stockExpected };
	};

	/** The items that differ from what the submissions make of them: the writes a step makes, by year. */
	const differences = (idx: CatalogIndex, years: string[], s: YearsState, now: string): Map<string, Write[]> => {
		const byYear = new Map<string, Write[]>(years.map((y) => [y, []]));
		for (const u of unitsOf(idx)) {
			for (const y of years) {
				const k = `${u.id}|${y}`;
				const before = s.stock.get(k);
				const next = s.stockExpected.get(k) ?? emptyUnitStockYear();
				const empty = Object.keys(next.all).length === 0 && Object.keys(next.approved).length === 0;
				if (before ? JSON.stringify(canonical(before.sy)) === JSON.stringify(canonical(next)) : empty) continue;
				// A new `ver`: a submission that planned from the record read before it fails its condition and re-plans.
				byYear.get(y)?.push({ PutRequest: { Item: { ...keys.unitStockYear(u.id, y), sy: next, ver: (before?.ver ?? 0) + 1, updatedAt: now } } });
			}
		}
		for (const id of new Set([...s.aggregates.keys(), ...s.expected.keys()])) {
			const old = s.aggregates.get(id);
			const want = s.expected.get(id) ?? {};
			if (sameCounters(counters(old), counters(want))) continue;
			const { orgId, kind, period } = parseAggId(id);
			const key = keys.aggregate(orgId, kind, period);
			byYear.get(period.slice(0, 4))?.push(Object.keys(want).length === 0 ? { DeleteRequest: { Key: key } } : { PutRequest: { Item: { ...key, ...want, asOf: old?.asOf ?? now } } });
		}
		return byYear;
	};

	/** Batches of 25, `concurrency` in flight; items DynamoDB leaves unprocessed are sent again with backoff. */
	const writeBatches = async (writes: Write[], counts: { written: number }): Promise<void> => {
		const batches: Write[][] = [];
		for (let i = 0; i < writes.length; i += 25) batches.push(writes.slice(i, i + 25));
		let handed = counts.written;
		await mapPool(batches, o.concurrency, async (batch) => {
			for (let i = 0; i < batch.length; i++) o.onItemWrite?.(handed++);
			let pending = batch;
			for (let attempt = 0; pending.length > 0; attempt++) {
				if (attempt > 8) throw new Error("rebuild: DynamoDB kept items unprocessed");
				if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
				const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
				pending = (r.UnprocessedItems?.[table] ?? []) as Write[];
			}
			counts.written += batch.length;
		});
	};

	/**
	 * A step: read the years' state once, recompute, write what differs in batches. Live submissions keep
	 * landing meanwhile; one that commits between the read and a write of an item it touched is overwritten
	 * there, which the verification finds and redoes. Returns what it read, for the verification.
	 */
	const rebuildYears = async (idx: CatalogIndex, years: string[], attempt: number, counts: { written: number; unchanged: number }): Promise<YearsState> => {
		const state = await readState(idx, years);
		for (const y of years) await o.beforeWrite?.(y, attempt);
		const byYear = differences(idx, years, state, app.now().toISOString());
		const writes = [...byYear.values()].flat();
		const considered = unitsOf(idx).length * years.length + new Set([...state.aggregates.keys(), ...state.expected.keys()]).size;
		counts.unchanged += considered - writes.length;
		await writeBatches(writes, counts);
		return state;
	};

	/**
	 * Verification: the years whose stored aggregates or stock-year records differ from a recompute of the
	 * submissions as they are now. When the step that wrote them read these years, and no submission of theirs
	 * has a new version since, its recompute still holds and only versions, stock-year records and aggregates
	 * are read again; otherwise everything is read and recomputed.
	 */
	const yearsThatDiffer = async (idx: CatalogIndex, years: string[], earlier?: YearsState): Promise<string[]> => {
		let now: YearsState | undefined;
		if (earlier && years.every((y) => earlier.years.includes(y))) {
			const light = await readState(idx, years, true);
			const moved = [...new Set([...light.versions.keys(), ...earlier.versions.keys()])].filter((k) => light.versions.get(k) !== earlier.versions.get(k));
			if (moved.length === 0) now = { ...light, expected: earlier.expected, stockExpected: earlier.stockExpected };
		}
		now ??= await readState(idx, years);
		const byYear = differences(idx, years, now, "");
		return years.filter((y) => (byYear.get(y)?.length ?? 0) > 0);
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
			// A step takes every year left when there is no budget (one read, one recompute, one stream of batches);
			// within a budget one year to start with, then as many as the time per year so far says still fit.
			let msPerYear = 0;
			// The last step's read: its recompute serves the verification while no submission has moved since.
			let lastRead: YearsState | undefined;
			const stepOf = (left: string[]): string[] => {
				if (!Number.isFinite(o.budgetMs)) return left;
				if (msPerYear === 0) return left.slice(0, 1);
				return left.slice(0, Math.max(1, Math.floor((o.budgetMs - (Date.now() - started)) / msPerYear)));
			};
			const timed = async (years: string[], fn: () => Promise<void>) => {
				const t = Date.now();
				await fn();
				msPerYear = Math.max(1, (Date.now() - t) / years.length);
			};
			const outOfTime = () => Date.now() - started > o.budgetMs;
			const doneYears = new Set(job.doneYears);
			for (let left = job.years.filter((y) => !doneYears.has(y)); left.length > 0; left = job.years.filter((y) => !doneYears.has(y))) {
				const step = stepOf(left);
				await progress(jobId, runId, { step: `${step.join(", ")}: 重新计算 (recomputing)` });
				await timed(step, async () => {
					lastRead = await rebuildYears(idx, step, 1, counts);
				});
				for (const y of step) doneYears.add(y);
				await progress(jobId, runId, { doneYears: [...doneYears].sort(), done: doneYears.size, itemsWritten: counts.written, itemsUnchanged: counts.unchanged, retries });
				if (outOfTime() && doneYears.size < job.years.length) return await pause(jobId, runId);
			}
			// Verification, in steps too (a budgeted run pauses between them): a fresh read compared item by item,
			// stock-year records included; a year that differs (a submission overwritten mid-step) is rebuilt again.
			const verified = new Set(job.verifiedYears ?? []);
			for (let left = job.years.filter((y) => !verified.has(y)); left.length > 0; left = job.years.filter((y) => !verified.has(y))) {
				const step = stepOf(left);
				await progress(jobId, runId, { step: `${step.join(", ")}: 核对 (verifying)` });
				await timed(step, async () => {
					for (let attempt = 2, differ = await yearsThatDiffer(idx, step, lastRead); differ.length > 0; attempt++, differ = await yearsThatDiffer(idx, differ, lastRead)) {
						if (attempt > o.maxYearAttempts) throw new Error(`verification of ${differ.join(", ")} still differs after ${attempt - 2} rebuilds: submissions kept landing`);
						retries++;
						await progress(jobId, runId, { step: `${differ.join(", ")}: 重新计算 (recomputing) #${attempt}` });
						lastRead = await rebuildYears(idx, differ, attempt, counts);
					}
				});
				for (const y of step) verified.add(y);
				await progress(jobId, runId, { verifiedYears: [...verified].sort(), done: doneYears.size + verified.size, itemsWritten: counts.written, itemsUnchanged: counts.unchanged, retries });
				if (outOfTime() && verified.size < job.years.length) return await pause(jobId, runId);
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
