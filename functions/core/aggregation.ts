// Aggregation semantics, as pure functions. The write path turns a submission change into deltas on
// aggregate items (applied in the same DynamoDB transaction); verify-aggregates and the property tests
// recompute the same items from raw submissions with the same functions, so both must agree exactly.
//
// Items per org unit (垦区 and division):
// - M#<YYYY-MM>: per monthly element, the sum over units of that month's value and how many units reported it.
// - Y#<YYYY>: flows summed over the year's months; stocks as each unit's latest reported month in the year,
//   summed over units.
// - YR#<YYYY>: yearly elements (period `YYYY`), taken as reported.
// Every counter exists twice: for submitted + approved data (`s_`, `n_`) and for approved data only
// (`as_`, `an_`), so a dashboard can show either without a rebuild.
import type { DataElement, OrgUnit, SubmissionStatus, ValueMap } from "./types";

export type Mode = "all" | "approved";

/** Statuses whose values count, per mode. Drafts and returned forms never count. */
export const countsIn = (status: SubmissionStatus | undefined, mode: Mode): boolean =>
	mode === "all" ? status === "submitted" || status === "approved" : status === "approved";

export const MODES: Mode[] = ["all", "approved"];

const prefix = (mode: Mode): string => (mode === "all" ? "" : "a");
export const sumAttr = (code: string, mode: Mode): string => `${prefix(mode)}s_${code}`;
export const countAttr = (code: string, mode: Mode): string => `${prefix(mode)}n_${code}`;
export const unitsAttr = (mode: Mode): string => `${prefix(mode)}units`;

/** Aggregate item identity: org × kind × period. */
export type AggKind = "M" | "Y" | "YR";
export const aggId = (orgId: string, kind: AggKind, period: string): string => `${orgId}|${kind}#${period}`;
export const parseAggId = (id: string): { orgId: string; kind: AggKind; period: string } => {
	const [orgId = "", rest = ""] = id.split("|");
	const [kind = "M", period = ""] = rest.split("#");
	return { orgId, kind: kind as AggKind, period };
};

/** Attribute → delta, per aggregate item id. Zero deltas are dropped. */
export type Deltas = Map<string, Record<string, number>>;

/**
 * Values carry at most a few decimals; float subtraction (0.3 - 0.1) would leave noise that DynamoDB's exact
 * decimal ADD then keeps forever. Every delta is rounded to 6 decimals so incremental and recomputed sums agree.
 */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

const add = (deltas: Deltas, id: string, attr: string, d: number): void => {
	if (d === 0 || !Number.isFinite(d)) return;
	const item = deltas.get(id) ?? {};
	const next = round6((item[attr] ?? 0) + d);
	if (next === 0) delete item[attr];
	else item[attr] = next;
	if (Object.keys(item).length === 0) deltas.delete(id);
	else deltas.set(id, item);
};

/** The org units a unit's figures roll up into: its area (if any) and the division. */
export const ancestorsOf = (unitId: string, units: ReadonlyMap<string, OrgUnit>): string[] => {
	const out: string[] = [];
	let cur = units.get(unitId)?.parentId ?? null;
	while (cur) {
		out.push(cur);
		cur = units.get(cur)?.parentId ?? null;
	}
	return out;
};

/** Per-month stock values of one unit within a year, for one mode: code → month (MM) → value. */
export type StockYear = Record<string, Record<string, number>>;

/** The latest month's value of each stock element. */
export const latestOf = (sy: StockYear): Record<string, number> => {
	const out: Record<string, number> = {};
	for (const [code, months] of Object.entries(sy)) {
		const last = Object.keys(months).sort().at(-1);
		if (last !== undefined) out[code] = months[last] as number;
	}
	return out;
};

export interface SubmissionState {
	unitId: string;
	period: string;
	status: SubmissionStatus;
	values: ValueMap;
}

export interface AggContext {
	elements: ReadonlyMap<string, DataElement>;
	units: ReadonlyMap<string, OrgUnit>;
}

const isMonthPeriod = (p: string): boolean => p.length === 7;

/**
 * Deltas for the month (M) and yearly-element (YR) items and for flows in Y, when a unit-period's counted
 * values change from `before` to `after` (either may be null: no submission). Stock contributions to Y
 * depend on the unit's other months and come from stockYearDeltas.
 */
export const submissionDeltas = (before: SubmissionState | null, after: SubmissionState | null, ctx: AggContext): Deltas => {
	const deltas: Deltas = new Map();
	const ref = after ?? before;
	if (!ref) return deltas;
	const ancestors = ancestorsOf(ref.unitId, ctx.units);
	const monthly = isMonthPeriod(ref.period);
	const year = ref.period.slice(0, 4);
	for (const mode of MODES) {
		const apply = (state: SubmissionState | null, sign: 1 | -1) => {
			if (!state || !countsIn(state.status, mode)) return;
			for (const orgId of ancestors) add(deltas, aggId(orgId, monthly ? "M" : "YR", ref.period), unitsAttr(mode), sign);
			for (const [code, v] of Object.entries(state.values)) {
				const el = ctx.elements.get(code);
				if (!el || v === null || v === undefined) continue;
				// "none" elements are not summed across units: they count only at the reporting unit's parent.
				const orgs = el.acrossUnits === "sum" ? ancestors : ancestors.slice(0, 1);
				for (const orgId of orgs) {
					if (monthly) {
						const m = aggId(orgId, "M", ref.period);
						add(deltas, m, sumAttr(code, mode), sign * v);
						add(deltas, m, countAttr(code, mode), sign);
						if (el.overTime === "flow") {
							const y = aggId(orgId, "Y", year);
							add(deltas, y, sumAttr(code, mode), sign * v);
							add(deltas, y, countAttr(code, mode), sign);
						}
					} else {
						const yr = aggId(orgId, "YR", ref.period);
						add(deltas, yr, sumAttr(code, mode), sign * v);
						add(deltas, yr, countAttr(code, mode), sign);
					}
				}
			}
		};
		apply(before, -1);
		apply(after, 1);
	}
	return deltas;
};

/** A unit's stock values for one year, per mode, as stored on its STOCK#<year> item. */
export type UnitStockYear = Record<Mode, StockYear>;

export const emptyUnitStockYear = (): UnitStockYear => ({ all: {}, approved: {} });

/** Replace one month of a unit's stock-year record with the counted stock values of `state`. */
export const withMonth = (sy: UnitStockYear, month: string, state: SubmissionState | null, ctx: AggContext): UnitStockYear => {
	const mm = month.slice(5, 7);
	const next: UnitStockYear = { all: {}, approved: {} };
	for (const mode of MODES) {
		for (const [code, months] of Object.entries(sy[mode])) {
			const copy = { ...months };
			delete copy[mm];
			if (Object.keys(copy).length > 0) next[mode][code] = copy;
		}
		if (state && countsIn(state.status, mode)) {
			for (const [code, v] of Object.entries(state.values)) {
				const el = ctx.elements.get(code);
				if (!el || el.overTime !== "stock" || v === null || v === undefined) continue;
				next[mode][code] = { ...(next[mode][code] ?? {}), [mm]: v };
			}
		}
	}
	return next;
};

/** Deltas on the Y items from a unit's stock-year record changing (latest month per element, summed). */
export const stockYearDeltas = (unitId: string, year: string, before: UnitStockYear, after: UnitStockYear, ctx: AggContext): Deltas => {
	const deltas: Deltas = new Map();
	const ancestors = ancestorsOf(unitId, ctx.units);
	for (const mode of MODES) {
		const b = latestOf(before[mode]);
		const a = latestOf(after[mode]);
		for (const code of new Set([...Object.keys(b), ...Object.keys(a)])) {
			const el = ctx.elements.get(code);
			if (!el) continue;
			const orgs = el.acrossUnits === "sum" ? ancestors : ancestors.slice(0, 1);
			for (const orgId of orgs) {
				const id = aggId(orgId, "Y", year);
				add(deltas, id, sumAttr(code, mode), (a[code] ?? 0) - (b[code] ?? 0));
				add(deltas, id, countAttr(code, mode), (code in a ? 1 : 0) - (code in b ? 1 : 0));
			}
		}
	}
	return deltas;
};

export const mergeDeltas = (...all: Deltas[]): Deltas => {
	const out: Deltas = new Map();
	for (const d of all) for (const [id, attrs] of d) for (const [attr, v] of Object.entries(attrs)) add(out, id, attr, v);
	return out;
};

/** Recompute every aggregate item from raw submissions (the current state of each unit-period). */
export const recomputeAggregates = (subs: readonly SubmissionState[], ctx: AggContext): Deltas => {
	const parts: Deltas[] = [];
	const stockYears = new Map<string, UnitStockYear>();
	for (const s of subs) {
		parts.push(submissionDeltas(null, s, ctx));
		if (isMonthPeriod(s.period)) {
			const key = `${s.unitId}|${s.period.slice(0, 4)}`;
			stockYears.set(key, withMonth(stockYears.get(key) ?? emptyUnitStockYear(), s.period, s, ctx));
		}
	}
	for (const [key, sy] of stockYears) {
		const [unitId = "", year = ""] = key.split("|");
		parts.push(stockYearDeltas(unitId, year, emptyUnitStockYear(), sy, ctx));
	}
	return mergeDeltas(...parts);
};

/** Read an aggregated element value from an item's attributes: the sum, and how many units reported it. */
export const readAgg = (item: Record<string, unknown> | undefined, code: string, mode: Mode): { sum: number; count: number } | null => {
	if (!item) return null;
	const count = Number(item[countAttr(code, mode)] ?? 0);
	if (count <= 0) return null;
	return { sum: Number(item[sumAttr(code, mode)] ?? 0), count };
};
