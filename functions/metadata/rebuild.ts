// The aggregate rebuild: recomputes every aggregate item (and every unit's stock-year record) from the raw
// submissions with the same pure functions the write path and verify-aggregates use (recomputeAggregates,
// stockYearsOf), and writes the absolute values into the live items.
//
// Each unit's rolling item (SUB#<unit>/ROLL) is its mark: `ver` moves with every submission write (the same
// transaction) and `yrs` lists the years it has submissions in. Read for every unit at once (BatchGet), the marks
// say which years have data and, later, which units have been written since.
//
// It works in steps of years (every year left at once without a time budget; in Lambda as many as fit):
// 1. read every unit's mark; then, consistently, each unit's submissions of those years (one Query per unit),
//    the stock-year records and each org's aggregate items — the base table, not the GSI, which may lag;
// 2. recompute unit by unit as the reads come back, writing each unit's stock-year records that differ at once
//    and the aggregate items that differ at the end, in BatchWrites of 25 (16 requests in flight in all);
// 3. verify: read the marks again; the units that moved since step 1 are read afresh, the recompute corrected
//    by their change, and the items they touch compared; a year that differs is redone.
// Live submissions keep writing while it runs. One that commits after an item was written adds its delta on top
// of the rebuilt value: counted once. One that commits between the read and the write of an item it touched is
// overwritten there (a batch write takes no condition); its unit's mark has moved, so the verification finds the
// difference and redoes the year, and when the job ends every item matches the submissions. A stock-year record
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
import { type AggKind, addDeltas, aggId, type Deltas, emptyUnitStockYear, isCounterAttr, parseAggId, recomputeAggregates, type SubmissionState, stockYearsOf, type UnitStockYear } from "../core/aggregation";
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
import { batchGetAll } from "../commons/clients/dynamo";

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
	/** Test hooks: called after a step's read and before its aggregate items are written (inject a submission). */
	beforeWrite?: (year: string, attempt: number) => Promise<void>;
	/** Test hook: called before each item write; throwing here simulates a crash mid-year. */
	onItemWrite?: (count: number) => void;
}

/** Container caches check the catalog version every 15 s (catalog-repo.ts); a margin on top. */
const SETTLE_IN_LAMBDA_MS = 20_000;
/** Work per GET in Lambda, well inside API Gateway's 30 s (a year takes a few seconds on top). */
const BUDGET_IN_LAMBDA_MS = 8_000;

export const REBUILD_DEFAULTS = { staleMs: 60_000, concurrency: 16, maxYearAttempts: 8 } as const;

/**
 * A unit's rolling item as the rebuild reads it (functions/commons/submission-repo.ts): `ver`, which every submission
 * write moves, and the years the unit has submissions in, when the item records them (`indexed`). An item written
 * before it recorded years, or a unit with no item, is not indexed: the rebuild reads its partition instead.
 */
interface UnitMark {
	ver: number;
	years?: string[];
}

const indexed = (m: UnitMark | undefined): m is UnitMark & { years: string[] } => m?.years !== undefined;

/** Whether a unit may have submissions in these years: an index says so, and a unit without one may. */
const hasAny = (m: UnitMark | undefined, years: ReadonlySet<string>): boolean => !indexed(m) || m.years.some((y) => years.has(y));

type Limit = <T>(kind: "read" | "write", fn: () => Promise<T>) => Promise<T>;

/**
 * At most `n` requests of a step in flight, reads and writes together (the bench holds the rebuild to a raw
 * BatchWrite with as many in flight); a write waiting goes before any read waiting, so writes keep pace.
 */
const limiter = (n: number): Limit => {
	let active = 0;
	const waiting = { write: [] as (() => void)[], read: [] as (() => void)[] };
	const next = () => {
		if (active >= n) return;
		const start = waiting.write.shift() ?? waiting.read.shift();
		if (!start) return;
		active++;
		start();
	};
	return (kind, fn) =>
		new Promise((resolve, reject) => {
			waiting[kind].push(() => {
				fn()
					.then(resolve, reject)
					.finally(() => {
						active--;
						next();
					});
			});
			next();
		});
};

/** What a step read and made of it: the verification corrects it by the units that moved since. */
interface YearsState {
	years: string[];
	/** Each unit's mark, read before any of its submissions: a write after the read moves its `ver`. */
	marks: Map<string, UnitMark>;
	/** Each unit's submissions as read (of the step's years and the year before); absent: skipped by its index. */
	subsByUnit: Map<string, SubmissionState[]>;
	/** What the submissions make of the aggregate items (the year before included) and stock-year records. */
	expected: Deltas;
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

	/** Every unit's mark, consistently: one BatchGet per 100 units, `concurrency` in flight. */
	const readMarks = async (idx: CatalogIndex): Promise<Map<string, UnitMark>> => {
		const units = unitsOf(idx).map((u) => u.id);
		const got = await batchGetAll(doc, table, units.map(keys.unitRolling), { consistent: true, projection: ["ver", "yrs"], inFlight: o.concurrency });
		const out = new Map<string, UnitMark>();
		for (const u of units) {
			const k = keys.unitRolling(u);
			const it = got.get(`${k.pk}|${k.sk}`);
			if (it) out.set(u, { ver: Number(it.ver), ...(Array.isArray(it.yrs) ? { years: it.yrs.map(String) } : {}) });
		}
		return out;
	};

	/**
	 * Years with submissions (from each unit's mark; the periods of a unit that has no indexed mark, keys only) or
	 * aggregate items (a repair may find items for years whose submissions are gone), plus this year: where a
	 * rebuild has something to do.
	 */
	const yearsWithData = async (idx: CatalogIndex): Promise<string[]> => {
		const years = new Set<string>([String(app.now().getUTCFullYear())]);
		const marks = await readMarks(idx);
		for (const m of marks.values()) for (const y of m.years ?? []) years.add(y);
		const partitions = [...unitsOf(idx).filter((u) => !indexed(marks.get(u.id))).map((u) => keys.submissionPk(u.id)), ...orgsOf(idx).map((o) => keys.aggregatePk(o.id))];
		await mapPool(partitions, o.concurrency, async (pk) => {
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

	/** The years a step reads: the step's own (`wanted`) and each one's year before (its stocks carry into January). */
	const spanOf = (years: string[]) => ({
		wanted: new Set(years),
		needed: new Set(years.flatMap((y) => [y, String(Number(y) - 1)])),
		first: String(Number(years[0]) - 1),
		last: years.at(-1) as string,
	});
	type Span = ReturnType<typeof spanOf>;

	/** One unit's submissions of the span's years, consistently, in one Query (its periods sort together). */
	const readUnit = async (u: string, span: Span): Promise<SubmissionState[]> => {
		const items = await queryAllItems(doc, {
			TableName: table,
			KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
			ExpressionAttributeValues: { ":pk": keys.submissionPk(u), ":a": keys.periodSk(span.first), ":b": keys.periodSk(`${span.last}~`) },
			ProjectionExpression: "sk, #status, #values",
			ExpressionAttributeNames: { "#status": "status", "#values": "values" },
			ConsistentRead: true,
		});
		const subs: SubmissionState[] = [];
		for (const it of items) {
			const period = String(it.sk).slice(keys.submissionSkPrefix.length);
			if (span.needed.has(period.slice(0, 4))) subs.push({ unitId: u, period, status: it.status as SubmissionState["status"], values: (it.values ?? {}) as SubmissionState["values"] });
		}
		return subs;
	};

	/** Every org's aggregate items of the span's years, one Query per org. */
	const readAggregates = async (idx: CatalogIndex, span: Span, limit: Limit): Promise<Map<string, Record<string, unknown>>> => {
		const out = new Map<string, Record<string, unknown>>();
		await Promise.all(
			orgsOf(idx).map((org) =>
				limit("read", async () => {
					const items = await queryAllItems(doc, { TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.aggregatePk(org.id) }, ConsistentRead: true });
					for (const it of items) {
						const sk = String(it.sk);
						const kind = sk.slice(0, sk.indexOf("#")) as AggKind;
						const period = sk.slice(kind.length + 1);
						if (span.wanted.has(period.slice(0, 4))) out.set(aggId(org.id, kind, period), it);
					}
				}),
			),
		);
		return out;
	};

	/** These units' stock-year records of the span's years (by `unit|year`), 100 keys to a consistent BatchGet. */
	const readStock = async (units: readonly string[], years: readonly string[], limit: Limit): Promise<Map<string, { sy: UnitStockYear; ver: number }>> => {
		const all = units.flatMap((u) => years.map((y) => keys.unitStockYear(u, y)));
		const chunks: Key[][] = [];
		for (let i = 0; i < all.length; i += 100) chunks.push(all.slice(i, i + 100));
		const got = await Promise.all(chunks.map((c) => limit("read", () => batchGetAll(doc, table, c, { consistent: true, projection: ["sy", "ver"] }))));
		const out = new Map<string, { sy: UnitStockYear; ver: number }>();
		for (const m of got) for (const it of m.values()) out.set(`${String(it.pk).slice(keys.submissionPk("").length)}|${String(it.sk).slice("STOCK#".length)}`, { sy: it.sy as UnitStockYear, ver: Number(it.ver) });
		return out;
	};

	/** The writes that bring a unit's stock-year records of the step's years to what its submissions make. */
	const stockWrites = (u: string, years: readonly string[], stored: Map<string, { sy: UnitStockYear; ver: number }>, expected: Map<string, UnitStockYear>, now: string): Write[] => {
		const out: Write[] = [];
		for (const y of years) {
			const k = `${u}|${y}`;
			const before = stored.get(k);
			const next = expected.get(k) ?? emptyUnitStockYear();
			const empty = Object.keys(next.all).length === 0 && Object.keys(next.approved).length === 0;
			if (before ? JSON.stringify(canonical(before.sy)) === JSON.stringify(canonical(next)) : empty) continue;
			// A new `ver`: a submission that planned from the record read before it fails its condition and re-plans.
			out.push({ PutRequest: { Item: { ...keys.unitStockYear(u, y), sy: next, ver: (before?.ver ?? 0) + 1, updatedAt: now } } });
		}
		return out;
	};

	/** The writes that bring the aggregate items of the step's years to what the submissions make. */
	const aggregateWrites = (stored: Map<string, Record<string, unknown>>, expected: Deltas, wanted: Set<string>, now: string): Write[] => {
		const out: Write[] = [];
		for (const id of new Set([...stored.keys(), ...expected.keys()])) {
			const { orgId, kind, period } = parseAggId(id);
			if (!wanted.has(period.slice(0, 4))) continue;
			const old = stored.get(id);
			const want = expected.get(id) ?? {};
			if (sameCounters(counters(old), counters(want))) continue;
			const key = keys.aggregate(orgId, kind, period);
			out.push(Object.keys(want).length === 0 ? { DeleteRequest: { Key: key } } : { PutRequest: { Item: { ...key, ...want, asOf: old?.asOf ?? now } } });
		}
		return out;
	};

	/** Writes in BatchWrites of 25 as they are handed over; items DynamoDB leaves unprocessed are sent again with backoff. */
	const batchWriter = (limit: Limit, counts: { written: number }) => {
		let pending: Write[] = [];
		let handed = counts.written;
		const sent: Promise<void>[] = [];
		const send = (batch: Write[]) =>
			limit("write", async () => {
				let left = batch;
				for (let attempt = 0; left.length > 0; attempt++) {
					if (attempt > 8) throw new Error("rebuild: DynamoDB kept items unprocessed");
					if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
					const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: left } }));
					left = (r.UnprocessedItems?.[table] ?? []) as Write[];
				}
				counts.written += batch.length;
			});
		const cut = () => {
			const p = send(pending);
			p.catch(() => undefined); // awaited in flush; a rejection before then is not unhandled
			sent.push(p);
			pending = [];
		};
		return {
			add(writes: Write[]) {
				for (const w of writes) {
					o.onItemWrite?.(handed++);
					pending.push(w);
					if (pending.length === 25) cut();
				}
			},
			async flush() {
				if (pending.length > 0) cut();
				await Promise.all(sent);
			},
		};
	};

	/**
	 * A step: rebuild the years' aggregate items and stock-year records from the submissions.
	 * 1. Every unit's mark first: a submission after it moves the unit's `ver`, which the verification sees.
	 * 2. Each unit's submissions, one Query per unit (a unit whose index has none of the years is skipped), as
	 *    many in flight as allowed. As each comes back its share of the aggregates is added to the recompute (the
	 *    same pure functions the write path uses; units are independent) and its stock-year records that differ
	 *    go out at once, so the writes overlap the reads. The stored records and the orgs' aggregate items are read
	 *    alongside.
	 * 3. The aggregate items that differ, once every unit is in.
	 * Live submissions keep landing meanwhile; one that commits between the read and a write of an item it touched
	 * is overwritten there, which the verification finds and redoes. Returns what it read, for the verification.
	 */
	const rebuildYears = async (idx: CatalogIndex, years: string[], attempt: number, counts: { written: number; unchanged: number }): Promise<YearsState> => {
		const span = spanOf(years);
		const now = app.now().toISOString();
		const limit = limiter(o.concurrency);
		const writer = batchWriter(limit, counts);
		const marks = await readMarks(idx);
		const units = unitsOf(idx).map((u) => u.id);
		const storedStock = readStock(units, years, limit);
		const storedAggregates = readAggregates(idx, span, limit);
		const expected: Deltas = new Map();
		const stockExpected = new Map<string, UnitStockYear>();
		const subsByUnit = new Map<string, SubmissionState[]>();
		let stockChanged = 0;
		await Promise.all(
			units.filter((u) => hasAny(marks.get(u), span.needed)).map(async (u) => {
				const subs = await limit("read", () => readUnit(u, span));
				subsByUnit.set(u, subs);
				recomputeAggregates(subs, idx.agg, expected);
				for (const [k, sy] of stockYearsOf(subs, idx.agg)) if (span.wanted.has(k.slice(k.indexOf("|") + 1))) stockExpected.set(k, sy);
				const writes = stockWrites(u, years, await storedStock, stockExpected, now);
				stockChanged += writes.length;
				writer.add(writes);
			}),
		);
		// A unit skipped by its index whose stored records are not empty (they are made empty).
		const stock = await storedStock;
		for (const u of units.filter((x) => !subsByUnit.has(x))) {
			const writes = stockWrites(u, years, stock, stockExpected, now);
			stockChanged += writes.length;
			writer.add(writes);
		}
		const aggregates = await storedAggregates;
		for (const y of years) await o.beforeWrite?.(y, attempt);
		const aggWrites = aggregateWrites(aggregates, expected, span.wanted, now);
		writer.add(aggWrites);
		await writer.flush();
		const considered = units.length * years.length + new Set([...aggregates.keys(), ...expected.keys()].filter((id) => span.wanted.has(parseAggId(id).period.slice(0, 4)))).size;
		counts.unchanged += considered - stockChanged - aggWrites.length;
		return { years, marks, subsByUnit, expected, stockExpected };
	};

	/**
	 * Verification: the years whose stored aggregates or stock-year records differ from what the submissions make
	 * now. A unit whose indexed mark has not moved since the step read it has not been written since, so what the
	 * step wrote for it still holds; when no unit moved there is nothing to read. Otherwise only the units that
	 * moved (or have no index to tell) are read again: the recompute is corrected by their change alone (their
	 * share as the step read it taken out, their share now added, as the write path applies a change), and the
	 * aggregate items and those units' stock-year records are read afresh and compared. Without an earlier read
	 * of these years (a resumed job), everything is read and compared.
	 */
	const yearsThatDiffer = async (idx: CatalogIndex, years: string[], earlier?: YearsState): Promise<string[]> => {
		const span = spanOf(years);
		const limit = limiter(o.concurrency);
		const units = unitsOf(idx).map((u) => u.id);
		const marks = await readMarks(idx);
		const covers = earlier !== undefined && years.every((y) => earlier.years.includes(y));
		const moved = covers ? units.filter((u) => !(indexed(earlier.marks.get(u)) && indexed(marks.get(u)) && earlier.marks.get(u)?.ver === marks.get(u)?.ver)) : units;
		if (covers && moved.length === 0) return [];
		const storedStock = readStock(moved, years, limit);
		const storedAggregates = readAggregates(idx, span, limit);
		const expected: Deltas = covers ? addDeltas(new Map(), earlier.expected) : new Map();
		const stockExpected = new Map<string, UnitStockYear>();
		await Promise.all(
			moved.map(async (u) => {
				const subs = await limit("read", () => readUnit(u, span));
				if (covers) addDeltas(expected, recomputeAggregates(earlier.subsByUnit.get(u) ?? [], idx.agg), -1);
				recomputeAggregates(subs, idx.agg, expected);
				for (const [k, sy] of stockYearsOf(subs, idx.agg)) if (span.wanted.has(k.slice(k.indexOf("|") + 1))) stockExpected.set(k, sy);
			}),
		);
		const stock = await storedStock;
		const differ = new Set<string>();
		for (const u of moved) for (const w of stockWrites(u, years, stock, stockExpected, "")) differ.add(String(w.PutRequest?.Item.sk).slice("STOCK#".length));
		for (const w of aggregateWrites(await storedAggregates, expected, span.wanted, "")) {
			const key = (w.PutRequest?.Item ?? w.DeleteRequest?.Key) as Key;
			differ.add(String(key.sk).slice(String(key.sk).indexOf("#") + 1, String(key.sk).indexOf("#") + 5));
		}
		return years.filter((y) => differ.has(y));
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
