// Data access for submissions and aggregates. A write is one TransactWriteItems: the submission's new
// state, its version (audit) item, the unit's stock-year record and rolling item, every aggregate delta and
// the idempotency record — all or nothing, so an acknowledged write is never half-applied.
import {
	type AggContext,
	type AggKind,
	carryDeltas,
	carryWindow,
	carryYears,
	type Deltas,
	emptyUnitStockYear,
	historyOf,
	maxCarryMonths,
	mergeDeltas,
	recomputeAggregates,
	parseAggId,
	type SubmissionState,
	stockYearDeltas,
	submissionDeltas,
	type UnitStockYear,
	withMonth,
} from "../core/aggregation";
import { mapPool } from "../core/pool";
import { isMonth } from "../core/periods";
import { decodeRolling, emptyRolling, encodeRolling, rollingOf, sameRolling, tracerFrom, type UnitRolling, withSubmission, yearsOfPeriods } from "../core/rolling";
import { batchGetAll, type Doc, queryAll } from "./clients/dynamo";
import { AppError } from "./errors";
import { keys } from "./keys";
import { RetryableError } from "./retry";
import { BatchWriteCommand, GetCommand, PutCommand, type QueryCommandInput, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";

// The stored shapes are part of the API contract (the site reads them): declared once in core.
import type { StoredSubmission, VersionRecord } from "../core/api-types";
export type { StoredSubmission, VersionRecord };

export interface IdempotencyRecord {
	requestHash: string;
	statusCode: number;
	body: unknown;
}

export interface CommitInput {
	before: StoredSubmission | null;
	after: StoredSubmission;
	version: VersionRecord;
	idempotency?: { scope: string; key: string; record: IdempotencyRecord };
	now: string;
	/** The unit's stock-year records as read with `before` (readForWrite); read here when absent. */
	stockYears?: StockYears;
	/** The unit's rolling item as read with `before` (readForWrite); read here when absent. */
	rolling?: RollingItem;
}

/**
 * The rolling item as stored (core/rolling.ts), with its optimistic-lock counter; `ver` 0 means there is none yet.
 * Every submission write moves `ver`, so it is also the unit's change counter, and `years` lists the years the unit
 * has submissions in: the aggregate rebuild reads both instead of the unit's partition (functions/metadata/rebuild.ts).
 * An item written before it recorded years has no `years`; the unit's next write adds them.
 */
export interface RollingItem {
	roll: UnitRolling;
	ver: number;
	years?: string[];
}

/** The stock-year record as stored, with its optimistic-lock counter. */
export interface StockYearItem {
	sy: UnitStockYear;
	ver: number;
}

/**
 * A unit's stock-year records by year: the month's own year and the neighbours its carry-forward window
 * (N months back and forward) reaches into.
 */
export type StockYears = Map<string, StockYearItem>;

/**
 * What a write reads before it commits: the current submission and, for a month, the unit's stock-year records and
 * rolling item; with an idempotency key, the record a replay answers from (null: none, or expired).
 */
export interface WriteSnapshot {
	before: StoredSubmission | null;
	stockYears?: StockYears;
	rolling?: RollingItem;
	idempotency?: IdempotencyRecord | null;
}

const SUBMISSION_FIELDS = [
	"unitId",
	"period",
	"values",
	"status",
	"version",
	"comment",
	"reviewComment",
	"createdAt",
	"updatedAt",
	"updatedBy",
	"submittedAt",
	"submittedBy",
	"firstSubmittedAt",
	"approvedAt",
	"approvedBy",
	"late",
	"issues",
	"reopened",
] as const;

/** A submission's state without its values and issues (listStatusForPeriod). */
const STATUS_SEGMENT = 1000;
const STATUS_FIELDS = ["unitId", "period", "status", "version", "comment", "reviewComment", "firstSubmittedAt", "late", "reopened"] as const;
export type SubmissionStatusRow = Pick<StoredSubmission, "unitId" | "period" | "status" | "version" | "comment" | "reviewComment" | "firstSubmittedAt" | "late" | "reopened">;

const toSubmission = (item: Record<string, unknown>): StoredSubmission => {
	const out: Record<string, unknown> = {};
	for (const f of SUBMISSION_FIELDS) if (item[f] !== undefined) out[f] = item[f];
	return out as unknown as StoredSubmission;
};

const stockYearOf = (item: Record<string, unknown> | undefined): StockYearItem => (item ? { sy: item.sy as UnitStockYear, ver: Number(item.ver) } : { sy: emptyUnitStockYear(), ver: 0 });

const rollingItemOf = (item: Record<string, unknown> | undefined): RollingItem =>
	item ? { roll: decodeRolling(item), ver: Number(item.ver), ...(Array.isArray(item.yrs) ? { years: item.yrs as string[] } : {}) } : { roll: emptyRolling(), ver: 0 };

// DynamoDB's TTL sweep can lag by a day or two; an expired record no longer replays.
const idempotencyOf = (item: Record<string, unknown> | undefined): IdempotencyRecord | null =>
	!item || Number(item.ttl) * 1000 < Date.now() ? null : (item.record as IdempotencyRecord);

/** Optimistic lock on an item's `ver` counter; 0 means the item must not exist yet. */
const verCondition = (ver: number) =>
	ver === 0 ? { ConditionExpression: "attribute_not_exists(pk)" } : { ConditionExpression: "ver = :ver", ExpressionAttributeValues: { ":ver": ver } };

const state = (s: StoredSubmission | null): SubmissionState | null => (s ? { unitId: s.unitId, period: s.period, status: s.status, values: s.values } : null);

export class SubmissionRepo {
	constructor(
		private readonly doc: Doc,
		private readonly table: string,
		private readonly ctx: AggContext,
		private readonly shards = 1,
	) {}

	async get(unitId: string, period: string): Promise<StoredSubmission | null> {
		const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.submission(unitId, period), ConsistentRead: true }));
		return r.Item ? toSubmission(r.Item) : null;
	}

	/**
	 * Everything a write is planned from, in one consistent BatchGetItem (one round trip): the submission, for a
	 * month the unit's stock-year records and rolling item, and the idempotency record when a key was sent. Each
	 * is guarded by a condition in the commit's transaction (submission version, stock-year and rolling `ver`), so
	 * a read that is stale by the time it commits fails the transaction and is retried, never applied.
	 */
	async readForWrite(unitId: string, period: string, opts: { idempotency?: { scope: string; key: string } } = {}): Promise<WriteSnapshot> {
		const month = isMonth(period);
		const years = month ? carryYears(period, maxCarryMonths(this.ctx.elements.values())) : [];
		const subKey = keys.submission(unitId, period);
		const rollKey = keys.unitRolling(unitId);
		const idemKey = opts.idempotency ? keys.idempotency(opts.idempotency.scope, opts.idempotency.key) : null;
		const wanted = [subKey, ...years.map((y) => keys.unitStockYear(unitId, y)), rollKey, ...(idemKey ? [idemKey] : [])];
		const got = await batchGetAll(this.doc, this.table, wanted, { consistent: true });
		const at = (k: { pk: string; sk: string }) => got.get(`${k.pk}|${k.sk}`);
		const sub = at(subKey);
		const out: WriteSnapshot = { before: sub ? toSubmission(sub) : null };
		if (month) out.stockYears = new Map(years.map((y) => [y, stockYearOf(at(keys.unitStockYear(unitId, y)))]));
		out.rolling = rollingItemOf(at(rollKey));
		if (idemKey) out.idempotency = idempotencyOf(at(idemKey));
		return out;
	}

	/** The stock-year records a write to `month` plans from (one to three years, read in parallel). */
	private async getStockYears(unitId: string, month: string): Promise<StockYears> {
		const years = carryYears(month, maxCarryMonths(this.ctx.elements.values()));
		const items = await Promise.all(years.map((y) => this.getStockYear(unitId, y)));
		return new Map(years.map((y, i) => [y, items[i] as StockYearItem]));
	}

	/** A unit's submissions for periods in [from, to] (months and years sort apart: `2024` < `2024-01`). */
	async listForUnit(unitId: string, from: string, to: string): Promise<StoredSubmission[]> {
		const items = await this.queryAll({
			TableName: this.table,
			KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
			ExpressionAttributeValues: { ":pk": keys.submissionPk(unitId), ":a": keys.periodSk(from), ":b": keys.periodSk(to) },
		});
		return items.map(toSubmission);
	}

	/** Every unit's submission for one period (GSI1). */
	async listForPeriod(period: string): Promise<StoredSubmission[]> {
		const items = await this.queryAll({
			TableName: this.table,
			IndexName: "gsi1",
			KeyConditionExpression: "gsi1pk = :pk",
			ExpressionAttributeValues: { ":pk": keys.periodGsi1Pk(period) },
		});
		return items.map(toSubmission);
	}

	/**
	 * Every unit's submission for one period without its values (GSI1, projected): what completeness and the
	 * summary's notes read. With `unitIds`, at least those units' (others between them in key order may come too). A 40–60-element submission is ~2.5 KB; this is ~0.2 KB of it, so a 10,000-unit
	 * month is ~2 MB to read and unmarshal instead of ~25 MB.
	 */
	async listStatusForPeriod(period: string, unitIds?: readonly string[]): Promise<SubmissionStatusRow[]> {
		const query = (range?: [string, string]) =>
			this.queryAll({
				TableName: this.table,
				IndexName: "gsi1",
				KeyConditionExpression: range ? "gsi1pk = :pk AND gsi1sk BETWEEN :a AND :b" : "gsi1pk = :pk",
				ExpressionAttributeValues: { ":pk": keys.periodGsi1Pk(period), ...(range ? { ":a": keys.submissionByPeriod(period, range[0]).gsi1sk, ":b": keys.submissionByPeriod(period, range[1]).gsi1sk } : {}) },
				ProjectionExpression: STATUS_FIELDS.map((_, i) => `#f${i}`).join(", "),
				ExpressionAttributeNames: Object.fromEntries(STATUS_FIELDS.map((f, i) => [`#f${i}`, f])),
			});
		// Many units: one Query per range of 1,000 of them (by GSI1 sort key), 4 at a time, instead of one Query
		// whose pages (1 MB of full items each, before the projection) come one after another.
		const sorted = unitIds && unitIds.length > STATUS_SEGMENT ? [...unitIds].sort() : null;
		const ranges: [string, string][] = [];
		for (let i = 0; sorted && i < sorted.length; i += STATUS_SEGMENT) ranges.push([sorted[i] as string, sorted[Math.min(sorted.length, i + STATUS_SEGMENT) - 1] as string]);
		const items = ranges.length > 0 ? (await mapPool(ranges, 4, (r) => query(r))).flat() : await query();
		return items.map((it) => toSubmission(it) as SubmissionStatusRow);
	}

	async history(unitId: string, period: string): Promise<VersionRecord[]> {
		const items = await this.queryAll({
			TableName: this.table,
			KeyConditionExpression: "pk = :pk",
			ExpressionAttributeValues: { ":pk": keys.versionPk(unitId, period) },
		});
		return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as unknown as VersionRecord);
	}

	async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
		const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.idempotency(scope, key), ConsistentRead: true }));
		return idempotencyOf(r.Item);
	}

	private async getStockYear(unitId: string, year: string): Promise<StockYearItem> {
		const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.unitStockYear(unitId, year), ConsistentRead: true }));
		return stockYearOf(r.Item);
	}

	/** The unit's rolling item (consistent); `ver` 0 when it has none yet. */
	async getRolling(unitId: string): Promise<RollingItem> {
		const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.unitRolling(unitId), ConsistentRead: true }));
		return rollingItemOf(r.Item);
	}

	/**
	 * The tracer part of many units' rolling items (the summary's data-quality inputs): BatchGetItem, 100 keys a call,
	 * projecting `latest` and `q` only. A unit with no rolling item is absent from the map (its reader falls back).
	 */
	async rollingTracers(unitIds: readonly string[]): Promise<Map<string, UnitRolling>> {
		const got = await batchGetAll(this.doc, this.table, unitIds.map(keys.unitRolling), { projection: ["latest", "q"], inFlight: 4 });
		const out = new Map<string, UnitRolling>();
		for (const id of unitIds) {
			const k = keys.unitRolling(id);
			const it = got.get(`${k.pk}|${k.sk}`);
			if (it) out.set(id, decodeRolling(it));
		}
		return out;
	}

	/**
	 * What a unit with no rolling item yet starts from: its months from tracerFrom(period) onwards (the latest month
	 * after this write is `period` or later, so older months can never be in the item) and the years of all its
	 * periods, one Query (keys only before tracerFrom would need a second one; this happens once per unit).
	 */
	private async rollingBase(unitId: string, period: string): Promise<{ roll: UnitRolling; years: string[] }> {
		const all = await this.listForUnit(unitId, "0000", "9999-12");
		const from = isMonth(period) ? tracerFrom(period) : "0000";
		return { roll: rollingOf(all.filter((s) => s.period >= from)), years: yearsOfPeriods(all.map((s) => s.period)) };
	}

	/** The years of all of a unit's periods (keys only): for an item written before items recorded them. */
	private async yearsOfUnit(unitId: string): Promise<string[]> {
		const items = await this.queryAll({
			TableName: this.table,
			KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
			ExpressionAttributeValues: { ":pk": keys.submissionPk(unitId), ":p": keys.submissionSkPrefix },
			ProjectionExpression: "sk",
		});
		return yearsOfPeriods(items.map((it) => String(it.sk).slice(keys.submissionSkPrefix.length)));
	}

	/**
	 * (Re)builds a unit's rolling item from its submissions (migration of data written before rolling items, or a
	 * repair). Fenced on the item's `ver`: a submission that commits meanwhile moves it, and the build is redone.
	 * Returns whether the stored item changed.
	 */
	async rebuildRolling(unitId: string, now: string): Promise<boolean> {
		for (let attempt = 0; attempt < 10; attempt++) {
			const current = await this.getRolling(unitId);
			const all = await this.listForUnit(unitId, "0000", "9999-12");
			const next = rollingOf(all);
			const years = yearsOfPeriods(all.map((s) => s.period));
			if (current.ver > 0 && sameRolling(current.roll, next) && JSON.stringify(current.years) === JSON.stringify(years)) return false;
			try {
				await this.doc.send(new PutCommand({ TableName: this.table, Item: this.rollingItem(unitId, next, current.ver + 1, now, years), ...verCondition(current.ver) }));
				return true;
			} catch (e) {
				if ((e as { name?: string }).name !== "ConditionalCheckFailedException") throw e;
			}
		}
		throw new RetryableError(`rolling item of ${unitId}: writes kept landing during the rebuild`);
	}

	private rollingItem(unitId: string, roll: UnitRolling, ver: number, now: string, years: readonly string[]): Record<string, unknown> {
		return { ...keys.unitRolling(unitId), ...encodeRolling(roll), ver, yrs: [...years], updatedAt: now };
	}

	/**
	 * The unit's rolling item after this write. Written by every write, even one that leaves the summary as it was (a
	 * year, an old month): its `ver` is the unit's change counter and its years the unit's index, which the rebuild
	 * reads instead of the unit's partition, so no write may leave them behind.
	 */
	private async planRolling(after: StoredSubmission, read?: RollingItem): Promise<{ item: RollingItem; next: UnitRolling; years: string[] }> {
		const item = read ?? (await this.getRolling(after.unitId));
		const base = item.ver === 0 ? await this.rollingBase(after.unitId, after.period) : { roll: item.roll, years: item.years ?? (await this.yearsOfUnit(after.unitId)) };
		return { item, next: withSubmission(base.roll, after), years: yearsOfPeriods([...base.years, after.period]) };
	}

	/**
	 * The deltas a change makes, and the unit's new stock-year record (for monthly periods). A stock change in
	 * month P also moves the carried figures of P..P+N (the unit's value stands in where it has not reported),
	 * planned from the unit's neighbouring stock-year records, which the commit then guards (`others`).
	 */
	async plan(
		before: StoredSubmission | null,
		after: StoredSubmission,
		stockYears?: StockYears,
	): Promise<{ deltas: Deltas; stock?: { item: StockYearItem; next: UnitStockYear; others: [string, StockYearItem][] } }> {
		const direct = submissionDeltas(state(before), state(after), this.ctx);
		if (after.period.length !== 7) return { deltas: direct };
		const year = after.period.slice(0, 4);
		const years = stockYears ?? (await this.getStockYears(after.unitId, after.period));
		const item = years.get(year) ?? (await this.getStockYear(after.unitId, year));
		const next = withMonth(item.sy, after.period, state(after), this.ctx);
		const changed = JSON.stringify(next) !== JSON.stringify(item.sy);
		if (!changed) return { deltas: direct };
		const stockDeltas = stockYearDeltas(after.unitId, year, item.sy, next, this.ctx);
		const beforeYears = new Map([...years].map(([y, it]) => [y, it.sy]));
		beforeYears.set(year, item.sy);
		const afterYears = new Map(beforeYears);
		afterYears.set(year, next);
		const n = maxCarryMonths(this.ctx.elements.values());
		const carried = carryDeltas(after.unitId, historyOf(beforeYears), historyOf(afterYears), carryWindow(after.period, n), this.ctx);
		const others = [...years].filter(([y]) => y !== year);
		return { deltas: mergeDeltas(direct, stockDeltas, carried), stock: { item, next, others } };
	}

	/** Key of the aggregate item (or of one shard of it) a delta applies to. */
	private aggKey(orgId: string, kind: AggKind, period: string, unitId: string) {
		if (this.shards <= 1) return keys.aggregate(orgId, kind, period);
		return keys.aggregateShard(orgId, keys.aggregateSk(kind, period), shardOf(unitId, this.shards));
	}

	async commit(input: CommitInput): Promise<void> {
		const { before, after, version, idempotency, now } = input;
		const [{ deltas, stock }, rolling] = await Promise.all([this.plan(before, after, input.stockYears), this.planRolling(after, input.rolling)]);
		const TransactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]> = [];
		TransactItems.push({
			Put: {
				TableName: this.table,
				Item: { ...keys.submission(after.unitId, after.period), ...keys.submissionByPeriod(after.period, after.unitId), ...after },
				...(before
					? { ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": before.version } }
					: { ConditionExpression: "attribute_not_exists(pk)" }),
			},
		});
		TransactItems.push({
			Put: {
				TableName: this.table,
				Item: { ...keys.version(after.unitId, after.period, after.version), ...version },
				ConditionExpression: "attribute_not_exists(pk)",
			},
		});
		if (stock) {
			const year = after.period.slice(0, 4);
			TransactItems.push({
				Put: {
					TableName: this.table,
					Item: { ...keys.unitStockYear(after.unitId, year), sy: stock.next, ver: stock.item.ver + 1, updatedAt: now },
					...(stock.item.ver === 0
						? { ConditionExpression: "attribute_not_exists(pk)" }
						: { ConditionExpression: "ver = :ver", ExpressionAttributeValues: { ":ver": stock.item.ver } }),
				},
			});
			// The carried figures were planned from the neighbouring years too: a concurrent write there must
			// cancel this transaction (and it is retried on a fresh read), never be mixed into it.
			for (const [y, other] of stock.others) {
				TransactItems.push({
					ConditionCheck: {
						TableName: this.table,
						Key: keys.unitStockYear(after.unitId, y),
						...(other.ver === 0
							? { ConditionExpression: "attribute_not_exists(pk)" }
							: { ConditionExpression: "ver = :ver", ExpressionAttributeValues: { ":ver": other.ver } }),
					},
				});
			}
		}
		// The unit's rolling item, built from the same `before` this transaction guards: a concurrent write to any of
		// the unit's months moves its `ver` and cancels one of the two (retried on a fresh read).
		TransactItems.push({ Put: { TableName: this.table, Item: this.rollingItem(after.unitId, rolling.next, rolling.item.ver + 1, now, rolling.years), ...verCondition(rolling.item.ver) } });
		for (const [id, attrs] of deltas) {
			const { orgId, kind, period } = parseAggId(id);
			const names: Record<string, string> = { "#asOf": "asOf" };
			const values: Record<string, unknown> = { ":now": now };
			const adds: string[] = [];
			Object.entries(attrs).forEach(([attr, v], i) => {
				names[`#a${i}`] = attr;
				values[`:v${i}`] = v;
				adds.push(`#a${i} :v${i}`);
			});
			TransactItems.push({
				Update: {
					TableName: this.table,
					Key: this.aggKey(orgId, kind, period, after.unitId),
					UpdateExpression: `ADD ${adds.join(", ")} SET #asOf = :now`,
					ExpressionAttributeNames: names,
					ExpressionAttributeValues: values,
				},
			});
		}
		if (idempotency) {
			TransactItems.push({
				Put: {
					TableName: this.table,
					Item: {
						...keys.idempotency(idempotency.scope, idempotency.key),
						record: idempotency.record,
						// Kept for 24 hours, as Stripe and AWS do for idempotency keys.
						ttl: Math.floor(Date.parse(now) / 1000) + 86_400,
					},
					ConditionExpression: "attribute_not_exists(pk)",
				},
			});
		}
		try {
			await this.doc.send(new TransactWriteCommand({ TransactItems }));
		} catch (e) {
			throw classifyTransactionError(e, { hasStock: Boolean(stock), idempotencyIndex: idempotency ? TransactItems.length - 1 : -1 });
		}
	}

	/**
	 * Loads history into an EMPTY table in bulk (the demo seed, first migration): submissions, their first
	 * version, each unit's stock-year records and the aggregates, computed by the same pure functions the
	 * transactional write path uses. Not for live data: it does not read or guard existing state.
	 */
	async bulkLoad(subs: readonly StoredSubmission[], versions: readonly VersionRecord[], now: string, onProgress?: (done: number, total: number) => void): Promise<void> {
		const items: Record<string, unknown>[] = [];
		for (const s of subs) items.push({ ...keys.submission(s.unitId, s.period), ...keys.submissionByPeriod(s.period, s.unitId), ...s });
		for (const v of versions) items.push({ ...keys.version(v.unitId, v.period, v.version), ...v });
		const stockYears = new Map<string, UnitStockYear>();
		for (const s of subs) {
			if (s.period.length !== 7) continue;
			const k = `${s.unitId}|${s.period.slice(0, 4)}`;
			stockYears.set(k, withMonth(stockYears.get(k) ?? emptyUnitStockYear(), s.period, state(s), this.ctx));
		}
		for (const [k, sy] of stockYears) {
			const [unitId = "", year = ""] = k.split("|");
			items.push({ ...keys.unitStockYear(unitId, year), sy, ver: 1, updatedAt: now });
		}
		const rollings = new Map<string, { roll: UnitRolling; periods: string[] }>();
		for (const s of subs) {
			const r = rollings.get(s.unitId) ?? { roll: emptyRolling(), periods: [] };
			r.roll = withSubmission(r.roll, s);
			r.periods.push(s.period);
			rollings.set(s.unitId, r);
		}
		for (const [unitId, r] of rollings) items.push(this.rollingItem(unitId, r.roll, 1, now, yearsOfPeriods(r.periods)));
		for (const [id, attrs] of recomputeAggregates(subs.map(state) as SubmissionState[], this.ctx)) {
			const { orgId, kind, period } = parseAggId(id);
			items.push({ ...this.aggKey(orgId, kind, period, ""), ...attrs, asOf: now });
		}
		let done = 0;
		const batches: Record<string, unknown>[][] = [];
		for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
		await mapPool(batches, 8, async (b) => {
			let pending = b.map((Item) => ({ PutRequest: { Item } }));
			for (let attempt = 0; pending.length > 0; attempt++) {
				if (attempt > 8) throw new Error("bulkLoad: DynamoDB kept items unprocessed");
				if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
				const r = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
				pending = (r.UnprocessedItems?.[this.table] ?? []) as typeof pending;
			}
			done += b.length;
			onProgress?.(done, items.length);
		});
	}

	/** Aggregate items of an org for sort keys in [fromSk, toSk], shards merged. */
	async aggregates(orgId: string, kind: AggKind, from: string, to: string, periods?: string[]): Promise<Map<string, Record<string, unknown>>> {
		const out = new Map<string, Record<string, unknown>>();
		if (this.shards <= 1) {
			const items = await this.queryAll({
				TableName: this.table,
				KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
				ExpressionAttributeValues: { ":pk": keys.aggregatePk(orgId), ":a": keys.aggregateSk(kind, from), ":b": keys.aggregateSk(kind, to) },
			});
			for (const it of items) out.set(String(it.sk).slice(kind.length + 1), it);
			return out;
		}
		const list = periods ?? [];
		await Promise.all(
			list.map(async (p) => {
				const items = await this.queryAll({
					TableName: this.table,
					KeyConditionExpression: "pk = :pk",
					ExpressionAttributeValues: { ":pk": keys.aggregateShardPk(orgId, keys.aggregateSk(kind, p)) },
				});
				if (items.length > 0) out.set(p, mergeShardItems(items));
			}),
		);
		return out;
	}

	/** Every page of a Query: the one paged-query helper (clients/dynamo.ts). */
	queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
		return queryAll(this.doc, input);
	}
}

/** A stable shard for a unit, so one unit's deltas always land on the same shard. */
export const shardOf = (unitId: string, shards: number): number => {
	let h = 2166136261;
	for (let i = 0; i < unitId.length; i++) h = Math.imul(h ^ unitId.charCodeAt(i), 16777619);
	return (h >>> 0) % shards;
};

const mergeShardItems = (items: Record<string, unknown>[]): Record<string, unknown> => {
	const out: Record<string, unknown> = {};
	let asOf = "";
	for (const it of items) {
		for (const [k, v] of Object.entries(it)) {
			if (k === "pk" || k === "sk") continue;
			if (k === "asOf") {
				if (String(v) > asOf) asOf = String(v);
				continue;
			}
			if (typeof v === "number") out[k] = Math.round(((out[k] as number | undefined) ?? 0) * 1e6 + v * 1e6) / 1e6;
		}
	}
	out.asOf = asOf;
	return out;
};

export class VersionConflictError extends AppError {
	constructor() {
		super("conflict", "数据已被他人修改，请刷新后重试 (the submission changed since you read it; reload and retry)");
	}
}
export class IdempotentReplayError extends Error {
	constructor() {
		super("idempotency key already used");
		this.name = "IdempotentReplayError";
	}
}

const classifyTransactionError = (e: unknown, ctx: { hasStock: boolean; idempotencyIndex: number }): unknown => {
	const err = e as { name?: string; CancellationReasons?: { Code?: string }[] };
	if (err?.name !== "TransactionCanceledException") return e;
	const reasons = err.CancellationReasons ?? [];
	if (ctx.idempotencyIndex >= 0 && reasons[ctx.idempotencyIndex]?.Code === "ConditionalCheckFailed") return new IdempotentReplayError();
	if (reasons[0]?.Code === "ConditionalCheckFailed") return new VersionConflictError();
	// Another writer moved the unit's stock-year record, or DynamoDB cancelled for a conflicting transaction:
	// re-read and try again.
	return new RetryableError("transaction cancelled", e);
};
