// A unit's rolling summary: the values the write path's outlier and jump rules and the monthly summary's data-quality
// section read about a unit's own past, kept on one item (SUB#<unit> / ROLL) that every submission write updates in
// the same transaction. One GetItem (or one key of a BatchGet) replaces a Query over 12 to 48 submissions.
//
// Two windows, both measured back from the latest month the unit has written (`latest`):
// - recent: every numeric value of every month from latest − 14 (the 12 months before the next month, a re-save of
//   the latest month, or a correction of one of the two months before it);
// - tracer: the status and the tracer elements' values of every month from January, 4 years before latest's year
//   (a summary of this year or of last December looks 3 years back from its own January).
// The item claims completeness: every month of the unit at or after a window's start is in it. A month before the
// start is left out, so a reader that needs older months sees `null` here and falls back to the Query.
// Pure: the repository stores and guards it (functions/commons/submission-repo.ts).
import { addMonths, isMonth, previousMonths, yearOf } from "./periods";
import type { SubmissionStatus, ValueMap } from "./types";

/**
 * Data-quality tracer elements (WHO DQR picks a few high-volume service counts rather than everything): outliers
 * against the unit's previous 12 months and consistency with the same period of the 3 preceding years.
 */
export const TRACER_ELEMENTS = ["OUTPATIENT_VISITS", "DISCHARGES", "LIVE_BIRTHS", "IMM_DOSES_GIVEN"] as const;
/** The recent window: every value of latest − RECENT_BACK … latest. */
export const RECENT_BACK = 14;
/** The tracer window: January of latest's year − TRACER_YEARS_BACK onwards. */
export const TRACER_YEARS_BACK = 4;

export interface TracerMonth {
	status: SubmissionStatus;
	values: Record<string, number>;
}

export interface UnitRolling {
	/** The latest month the unit has written; null when it has written none (the item then covers everything). */
	latest: string | null;
	/** month → its numeric values (null and absent are both "not reported" to every reader). */
	recent: Record<string, Record<string, number>>;
	/** month → status and the tracer elements' numeric values. */
	tracer: Record<string, TracerMonth>;
}

/** The part of a submission the rolling item is made from. */
export interface RollingSource {
	period: string;
	status: SubmissionStatus;
	values: ValueMap;
}

export const emptyRolling = (): UnitRolling => ({ latest: null, recent: {}, tracer: {} });

export const recentFrom = (latest: string): string => addMonths(latest, -RECENT_BACK);
export const tracerFrom = (latest: string): string => `${yearOf(latest) - TRACER_YEARS_BACK}-01`;

const numeric = (values: ValueMap, codes?: readonly string[]): Record<string, number> => {
	const out: Record<string, number> = {};
	for (const code of codes ?? Object.keys(values)) {
		const v = values[code];
		if (typeof v === "number" && Number.isFinite(v)) out[code] = v;
	}
	return out;
};

/**
 * The rolling item after a submission of `s.period` is written (its new state). Order-independent: folding any
 * set of submissions in any order gives the same item (rollingOf), which the tests check.
 */
export const withSubmission = (r: UnitRolling, s: RollingSource): UnitRolling => {
	if (!isMonth(s.period)) return r;
	const latest = r.latest === null || s.period > r.latest ? s.period : r.latest;
	const rFrom = recentFrom(latest);
	const tFrom = tracerFrom(latest);
	const recent: UnitRolling["recent"] = {};
	for (const [m, v] of Object.entries(r.recent)) if (m >= rFrom) recent[m] = v;
	const tracer: UnitRolling["tracer"] = {};
	for (const [m, v] of Object.entries(r.tracer)) if (m >= tFrom) tracer[m] = v;
	if (s.period >= rFrom) recent[s.period] = numeric(s.values);
	if (s.period >= tFrom) tracer[s.period] = { status: s.status, values: numeric(s.values, TRACER_ELEMENTS) };
	return { latest, recent, tracer };
};

/** The rolling item of a unit with exactly these submissions (every one of its months at or after tracerFrom). */
export const rollingOf = (subs: Iterable<RollingSource>): UnitRolling => {
	let r = emptyRolling();
	for (const s of subs) r = withSubmission(r, s);
	return r;
};

/** Stable JSON of an item, so "did it change" is a string comparison. */
/** The years a unit's periods fall in (`2025`, `2025-03` → `2025`), sorted: the rebuild's index of where a unit has data. */
export const yearsOfPeriods = (periods: Iterable<string>): string[] => [...new Set([...periods].map((p) => p.slice(0, 4)))].sort();

export const sameRolling = (a: UnitRolling, b: UnitRolling): boolean => JSON.stringify(encodeRolling(a)) === JSON.stringify(encodeRolling(b));

/**
 * The validation history of a month (the 12 months before it, and last month's values), or null when the item does
 * not reach back far enough (the caller then Queries the submissions, as before).
 */
export const validationHistory = (r: UnitRolling, period: string): { months: string[]; byPeriod: Map<string, ValueMap> } | null => {
	if (!isMonth(period)) return { months: [], byPeriod: new Map() };
	const months = previousMonths(period, 12);
	if (r.latest !== null && (months[0] as string) < recentFrom(r.latest)) return null;
	return { months, byPeriod: new Map(months.filter((m) => r.recent[m]).map((m) => [m, r.recent[m] as ValueMap])) };
};

/**
 * The tracer months [from, to] (status and tracer values), or null when the item does not reach back to `from`.
 */
export const tracerMonths = (r: UnitRolling, from: string, to: string): RollingSource[] | null => {
	if (r.latest !== null && from < tracerFrom(r.latest)) return null;
	return Object.entries(r.tracer)
		.filter(([m]) => m >= from && m <= to)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([period, t]) => ({ period, status: t.status, values: t.values }));
};

// ---------------------------------------------------------------------------------------------
// Stored form: two compact JSON strings, one per window, each with its element codes once and a row per month
// (values aligned with the codes, null where the month has none). `q` is small, so the summary projects only it.

interface Encoded {
	latest?: string;
	/** recent: { c: codes, m: { month: values[] } } */
	h: string;
	/** tracer: { c: codes, m: { month: [status, ...values] } } */
	q: string;
}

const encodeRows = <T>(rows: Record<string, T>, valuesOf: (row: T) => Record<string, number>, head: (row: T) => unknown[]) => {
	const codes = [...new Set(Object.values(rows).flatMap((r) => Object.keys(valuesOf(r))))].sort();
	const m: Record<string, unknown[]> = {};
	for (const month of Object.keys(rows).sort()) {
		const row = rows[month] as T;
		const v = valuesOf(row);
		m[month] = [...head(row), ...codes.map((c) => v[c] ?? null)];
	}
	return JSON.stringify({ c: codes, m });
};

export const encodeRolling = (r: UnitRolling): Encoded => ({
	...(r.latest ? { latest: r.latest } : {}),
	h: encodeRows(r.recent, (v) => v, () => []),
	q: encodeRows(r.tracer, (t) => t.values, (t) => [t.status]),
});

const decodeRows = (s: string | undefined, headLength: number): Record<string, { head: unknown[]; values: Record<string, number> }> => {
	const out: Record<string, { head: unknown[]; values: Record<string, number> }> = {};
	if (!s) return out;
	const { c, m } = JSON.parse(s) as { c: string[]; m: Record<string, unknown[]> };
	for (const [month, row] of Object.entries(m)) {
		const values: Record<string, number> = {};
		c.forEach((code, i) => {
			const v = row[headLength + i];
			if (typeof v === "number") values[code] = v;
		});
		out[month] = { head: row.slice(0, headLength), values };
	}
	return out;
};

/** The item read back; `h` may be left out (the summary projects only `latest` and `q`). */
export const decodeRolling = (item: { latest?: unknown; h?: unknown; q?: unknown }): UnitRolling => {
	const recent: UnitRolling["recent"] = {};
	for (const [m, row] of Object.entries(decodeRows(item.h as string | undefined, 0))) recent[m] = row.values;
	const tracer: UnitRolling["tracer"] = {};
	for (const [m, row] of Object.entries(decodeRows(item.q as string | undefined, 1))) tracer[m] = { status: row.head[0] as SubmissionStatus, values: row.values };
	return { latest: typeof item.latest === "string" ? item.latest : null, recent, tracer };
};
