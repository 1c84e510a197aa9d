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
//
// Carry-forward (DHIS2's "last value" across time, applied within each month): on M items, stocks also
// keep `cs_`/`cn_` (and `acs_`/`acn_`): the sum of the latest values of units that did NOT report the
// element that month, taken from their latest report at most `carryForwardMonths` months earlier, and how
// many such units there are. Fresh and carried figures stay apart, so coverage can say which is which.
// A write to month P changes the carried figures of months P..P+N only, so the write path keeps them exact
// in the same transaction (carryDeltas) and recomputeAggregates derives the very same numbers.
import { DEFAULT_CARRY_FORWARD_MONTHS, MAX_CARRY_FORWARD_MONTHS } from "./types";
import type { DataElement, OrgUnit, SubmissionStatus, ValueMap } from "./types";

export type Mode = "all" | "approved";

/**
 * periods.addMonths for a month already known to be well formed, without its parsing and checks: the carry
 * loops below call it hundreds of thousands of times in a recompute (test/unit/aggregation.test.ts compares them).
 */
export const shiftMonth = (month: string, k: number): string => {
	const o = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + k;
	const m = (o % 12) + 1;
	return `${Math.floor(o / 12)}-${m < 10 ? "0" : ""}${m}`;
};

/** Statuses whose values count, per mode. Drafts and returned forms never count. */
export const countsIn = (status: SubmissionStatus | undefined, mode: Mode): boolean =>
	mode === "all" ? status === "submitted" || status === "approved" : status === "approved";

export const MODES: Mode[] = ["all", "approved"];

const prefix = (mode: Mode): string => (mode === "all" ? "" : "a");
export const sumAttr = (code: string, mode: Mode): string => `${prefix(mode)}s_${code}`;
export const countAttr = (code: string, mode: Mode): string => `${prefix(mode)}n_${code}`;
export const unitsAttr = (mode: Mode): string => `${prefix(mode)}units`;
export const carriedSumAttr = (code: string, mode: Mode): string => `${prefix(mode)}cs_${code}`;
export const carriedCountAttr = (code: string, mode: Mode): string => `${prefix(mode)}cn_${code}`;
/**
 * An element's counter names for both modes, built once per code: a recompute asks for them a few million times
 * (submissions × elements × modes × orgs), and building the string each time was most of its cost.
 */
interface CounterNames {
	sum: Record<Mode, string>;
	count: Record<Mode, string>;
	carriedSum: Record<Mode, string>;
	carriedCount: Record<Mode, string>;
}
const counterNames = new Map<string, CounterNames>();
const namesOf = (code: string): CounterNames => {
	let n = counterNames.get(code);
	if (!n) {
		const both = (f: (code: string, mode: Mode) => string) => ({ all: f(code, "all"), approved: f(code, "approved") });
		n = { sum: both(sumAttr), count: both(countAttr), carriedSum: both(carriedSumAttr), carriedCount: both(carriedCountAttr) };
		counterNames.set(code, n);
	}
	return n;
};

/** Every counter attribute an aggregate item can hold (what verify-aggregates compares). */
export const isCounterAttr = (attr: string): boolean => /^a?c?(s|n)_|^a?units$/.test(attr);

/** For how many months an element's latest value stands in for a month not reported (0 for non-stocks). */
export const carryMonthsOf = (el: Pick<DataElement, "overTime" | "carryForwardMonths"> | undefined): number => {
	if (!el || el.overTime !== "stock") return 0;
	const n = el.carryForwardMonths ?? DEFAULT_CARRY_FORWARD_MONTHS;
	return Math.max(0, Math.min(MAX_CARRY_FORWARD_MONTHS, Math.floor(n)));
};

/** The longest carry-forward window of any element: how far a month's write reaches forward. */
export const maxCarryMonths = (elements: Iterable<DataElement>): number => {
	let n = 0;
	for (const el of elements) n = Math.max(n, carryMonthsOf(el));
	return n;
};


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
	let item = deltas.get(id);
	if (!item) {
		item = {};
		deltas.set(id, item);
	}
	const next = round6((item[attr] ?? 0) + d);
	if (next !== 0) {
		item[attr] = next;
		return;
	}
	// A counter back at zero is dropped, and an item left with none with it. Only here is the item's size
	// looked at: counting its attributes on every add made a recompute quadratic in the item's width.
	delete item[attr];
	for (const _ in item) return;
	deltas.delete(id);
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
export const submissionDeltas = (before: SubmissionState | null, after: SubmissionState | null, ctx: AggContext, deltas: Deltas = new Map()): Deltas => {
	const ref = after ?? before;
	if (!ref) return deltas;
	const ancestors = ancestorsOf(ref.unitId, ctx.units);
	const monthly = isMonthPeriod(ref.period);
	const year = ref.period.slice(0, 4);
	// The items a value lands on, per ancestor: the month's (or the yearly report's) and, for flows, the year's.
	const periodIds = ancestors.map((orgId) => aggId(orgId, monthly ? "M" : "YR", ref.period));
	const yearIds = monthly ? ancestors.map((orgId) => aggId(orgId, "Y", year)) : [];
	for (const mode of MODES) {
		const apply = (state: SubmissionState | null, sign: 1 | -1) => {
			if (!state || !countsIn(state.status, mode)) return;
			for (const id of periodIds) add(deltas, id, unitsAttr(mode), sign);
			for (const [code, v] of Object.entries(state.values)) {
				const el = ctx.elements.get(code);
				if (!el || v === null || v === undefined) continue;
				const names = namesOf(code);
				const sum = names.sum[mode];
				const count = names.count[mode];
				// "none" elements are not summed across units: they count only at the reporting unit's parent.
				const orgs = el.acrossUnits === "sum" ? ancestors.length : Math.min(1, ancestors.length);
				const flow = monthly && el.overTime === "flow";
				for (let i = 0; i < orgs; i++) {
					const id = periodIds[i] as string;
					add(deltas, id, sum, sign * v);
					add(deltas, id, count, sign);
					if (flow) {
						const y = yearIds[i] as string;
						add(deltas, y, sum, sign * v);
						add(deltas, y, count, sign);
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

/**
 * Every unit's stock-year record made from its submissions (`unit|year` → record): what folding withMonth over
 * them gives, built in place instead of copying a record per month. Each unit-period counts once (the last given).
 */
export const stockYearsOf = (subs: Iterable<SubmissionState>, ctx: AggContext): Map<string, UnitStockYear> => {
	const latest = new Map<string, SubmissionState>();
	for (const s of subs) if (isMonthPeriod(s.period)) latest.set(`${s.unitId}|${s.period}`, s);
	const out = new Map<string, UnitStockYear>();
	for (const s of latest.values()) {
		const key = `${s.unitId}|${s.period.slice(0, 4)}`;
		const mm = s.period.slice(5, 7);
		let sy = out.get(key);
		for (const mode of MODES) {
			if (!countsIn(s.status, mode)) continue;
			for (const [code, v] of Object.entries(s.values)) {
				if (v === null || v === undefined || ctx.elements.get(code)?.overTime !== "stock") continue;
				if (!sy) {
					sy = emptyUnitStockYear();
					out.set(key, sy);
				}
				const months = sy[mode][code] ?? {};
				months[mm] = v;
				sy[mode][code] = months;
			}
		}
	}
	return out;
};

/** Deltas on the Y items from a unit's stock-year record changing (latest month per element, summed). */
export const stockYearDeltas = (unitId: string, year: string, before: UnitStockYear, after: UnitStockYear, ctx: AggContext, deltas: Deltas = new Map()): Deltas => {
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

/** A unit's stock values across years, per mode: code → `YYYY-MM` → value. */
export type StockHistory = Record<Mode, Record<string, Record<string, number>>>;

/** Joins a unit's stock-year records (year → record) into one month-keyed history. */
export const historyOf = (years: ReadonlyMap<string, UnitStockYear>): StockHistory => {
	const out: StockHistory = { all: {}, approved: {} };
	for (const [year, sy] of years) {
		for (const mode of MODES) {
			for (const [code, months] of Object.entries(sy[mode] ?? {})) {
				const h = out[mode][code] ?? {};
				for (const [mm, v] of Object.entries(months)) h[`${year}-${mm}`] = v;
				out[mode][code] = h;
			}
		}
	}
	return out;
};

/**
 * The value carried into `month` for one element of one unit: null when the unit reported it that month
 * (it is fresh, not carried) or reported nothing within the last `n` months; else its latest value.
 */
export const carriedAt = (months: Readonly<Record<string, number>> | undefined, month: string, n: number): number | null => {
	if (!months || n <= 0 || month in months) return null;
	for (let k = 1; k <= n; k++) {
		const v = months[shiftMonth(month, -k)];
		if (v !== undefined) return v;
	}
	return null;
};

/**
 * Deltas on the carried counters of the M items of `months`, when a unit's stock history changes from
 * `before` to `after`. The write path passes P..P+N for a change to month P; recompute passes every month
 * a report can carry into.
 */
export const carryDeltas = (unitId: string, before: StockHistory, after: StockHistory, months: readonly string[], ctx: AggContext, deltas: Deltas = new Map()): Deltas => {
	const ancestors = ancestorsOf(unitId, ctx.units);
	for (const mode of MODES) {
		for (const code of new Set([...Object.keys(before[mode]), ...Object.keys(after[mode])])) {
			const el = ctx.elements.get(code);
			const n = carryMonthsOf(el);
			if (!el || n === 0) continue;
			const orgs = el.acrossUnits === "sum" ? ancestors : ancestors.slice(0, 1);
			for (const month of months) {
				const b = carriedAt(before[mode][code], month, n);
				const a = carriedAt(after[mode][code], month, n);
				if (a === b) continue;
				for (const orgId of orgs) {
					const id = aggId(orgId, "M", month);
					add(deltas, id, carriedSumAttr(code, mode), (a ?? 0) - (b ?? 0));
					add(deltas, id, carriedCountAttr(code, mode), (a === null ? 0 : 1) - (b === null ? 0 : 1));
				}
			}
		}
	}
	return deltas;
};

/** The months a write to `month` can change carried figures in: the month itself and the next `n`. */
export const carryWindow = (month: string, n: number): string[] => Array.from({ length: n + 1 }, (_, k) => shiftMonth(month, k));

/** The years whose stock-year records a write to `month` must read to plan its carry deltas. */
export const carryYears = (month: string, n: number): string[] => {
	const from = Number(shiftMonth(month, -n).slice(0, 4));
	const to = Number(shiftMonth(month, n).slice(0, 4));
	return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
};

/** Adds `from` into `into` (or takes it out, with sign -1), with the same rounding as every other sum. */
export const addDeltas = (into: Deltas, from: Deltas, sign: 1 | -1 = 1): Deltas => {
	for (const [id, attrs] of from) for (const [attr, v] of Object.entries(attrs)) add(into, id, attr, sign * v);
	return into;
};

export const mergeDeltas = (...all: Deltas[]): Deltas => {
	const out: Deltas = new Map();
	for (const d of all) for (const [id, attrs] of d) for (const [attr, v] of Object.entries(attrs)) add(out, id, attr, v);
	return out;
};

/** Recompute every aggregate item from raw submissions (the current state of each unit-period). */
export const recomputeAggregates = (subs: readonly SubmissionState[], ctx: AggContext, out: Deltas = new Map()): Deltas => {
	// Everything accumulates into one map (the same add() as the write path), not one map per submission merged
	// after; units are independent, so a caller may pass each unit's submissions in turn into the same `out`.
	for (const s of subs) submissionDeltas(null, s, ctx, out);
	const stockYears = stockYearsOf(subs, ctx);
	const byUnit = new Map<string, Map<string, UnitStockYear>>();
	for (const [key, sy] of stockYears) {
		const [unitId = "", year = ""] = key.split("|");
		stockYearDeltas(unitId, year, emptyUnitStockYear(), sy, ctx, out);
		const years = byUnit.get(unitId) ?? new Map<string, UnitStockYear>();
		years.set(year, sy);
		byUnit.set(unitId, years);
	}
	const empty: StockHistory = { all: {}, approved: {} };
	for (const [unitId, years] of byUnit) {
		const history = historyOf(years);
		// Every month some report of this unit can carry into: the months reported, by carry window (elements
		// mostly share one), each shifted 1..n.
		const reported = new Map<number, Set<string>>();
		for (const mode of MODES) {
			for (const [code, byMonth] of Object.entries(history[mode])) {
				const n = carryMonthsOf(ctx.elements.get(code));
				if (n === 0) continue;
				const set = reported.get(n) ?? new Set<string>();
				for (const m in byMonth) set.add(m);
				reported.set(n, set);
			}
		}
		const months = new Set<string>();
		for (const [n, set] of reported) for (const m of set) for (let k = 1; k <= n; k++) months.add(shiftMonth(m, k));
		if (months.size > 0) carryDeltas(unitId, empty, history, [...months].sort(), ctx, out);
	}
	return out;
};

/** The carried part of a stock on an M item: the sum of carried values and how many units were carried. */
export const readCarried = (item: Record<string, unknown> | undefined, code: string, mode: Mode): { sum: number; count: number } | null => {
	if (!item) return null;
	const count = Number(item[carriedCountAttr(code, mode)] ?? 0);
	if (count <= 0) return null;
	return { sum: Number(item[carriedSumAttr(code, mode)] ?? 0), count };
};

/** Read an aggregated element value from an item's attributes: the sum, and how many units reported it. */
export const readAgg = (item: Record<string, unknown> | undefined, code: string, mode: Mode): { sum: number; count: number } | null => {
	if (!item) return null;
	const count = Number(item[countAttr(code, mode)] ?? 0);
	if (count <= 0) return null;
	return { sum: Number(item[sumAttr(code, mode)] ?? 0), count };
};
