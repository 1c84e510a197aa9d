// One indicator figure for an org and period, honest about what it rests on. docs/targets.md ("Honest
// figures") states the rules this module implements:
// 1. Stocks carry forward: a unit that has not reported a stock this month contributes its latest value, at
//    most N months old (aggregation.ts keeps those carried sums). Coverage separates fresh from carried.
// 2. Matched coverage: when the elements of a rate are expected from different sets of units (beds from
//    hospitals, population from regiment hospitals and community centres), the ratio is computed only when
//    every element covers its whole set (fresh + carried). Otherwise it is withheld (value null,
//    provisional "mismatched"): a ratio over mismatched sets is an artefact, not a figure.
// 3. Provisional: when the least covered element is below the completeness threshold (default 90 %),
//    the figure is provisional and claims no status.
// 4. Small numbers: event rates get an exact Poisson interval and proportions a Wilson interval; when the
//    interval contains the target the status is "uncertain", and under 20 events the figure carries a caution.
import type { Caution, Coverage, ElementCoverage, ProvisionalReason, RateInterval } from "./api-types";
import { formulaCodes } from "./formula";
import { evaluateIndicator } from "./indicator-eval";
import { FEW_EVENTS, type IntervalMethod, rateInterval } from "./intervals";
import type { DataElement, Indicator, IndicatorStatus } from "./types";

/** One element's aggregated value at a period: the sum, how many units reported it, how many were carried. */
export interface ElementFigure {
	sum: number;
	count: number;
	carried: number;
}

export interface FigureInput {
	indicator: Pick<Indicator, "numerator" | "denominator" | "factor">;
	elements: ReadonlyMap<string, DataElement>;
	valueOf(code: string): ElementFigure | null;
	/** Ids of the units expected to report an element at this org (sorted or not). */
	expectedOf(code: string): readonly string[];
	/**
	 * A key that is equal for two elements exactly when their expected sets are (e.g. the sorted ids joined).
	 * Callers that ask for many figures pass a cached one; without it the sets are sorted on each call.
	 */
	expectedKey?(code: string): string;
	/** Completeness threshold, 0..1. */
	threshold: number;
}

export interface Figure {
	value: number | null;
	numerator: number | null;
	denominator: number | null;
	coverage: Coverage;
	provisional: boolean;
	provisionalReason?: ProvisionalReason;
	interval?: RateInterval;
}

/** Every element code a formula pair uses, once each, numerator first. */
export const indicatorCodes = (indicator: Pick<Indicator, "numerator" | "denominator">): string[] => [
	...new Set([...formulaCodes(indicator.numerator), ...formulaCodes(indicator.denominator)]),
];

/**
 * Which interval an indicator's value gets:
 * - poisson: counts of events (integer flows) per 1,000 or more of another count (deaths per live births);
 * - wilson: a percentage of counted events (integer flows, factor 100: doses given of doses due);
 * - null: census ratios and shares of stocks (beds or staff per 1,000, sites with a service, patients under
 *   management — a count of everything there is, not an outcome of chance), reported survey values
 *   (denominator 1) and money.
 */
export const intervalMethodOf = (indicator: Pick<Indicator, "numerator" | "denominator" | "factor">, elements: ReadonlyMap<string, DataElement>): IntervalMethod | null => {
	const num = formulaCodes(indicator.numerator).map((c) => elements.get(c));
	const den = formulaCodes(indicator.denominator).map((c) => elements.get(c));
	if (num.length === 0 || den.length === 0 || [...num, ...den].some((e) => !e || e.valueType !== "integer")) return null;
	const all = [...num, ...den] as DataElement[];
	if (!all.every((e) => e.overTime === "flow")) return null;
	if (indicator.factor === 100) return "wilson";
	if (indicator.factor >= 1000) return "poisson";
	return null;
};

const coverageRate = (e: ElementCoverage): number => (e.expected > 0 ? Math.min(1, (e.fresh + e.carried) / e.expected) : 1);

/** The key of an expected set: its ids sorted and joined. */
export const setKey = (ids: readonly string[]): string => [...ids].sort().join(",");

const sameKeys = (keys: readonly string[]): boolean => keys.every((k) => k === keys[0]);

export const computeFigure = (input: FigureInput): Figure => {
	const { indicator } = input;
	const codes = indicatorCodes(indicator);
	const values = new Map(codes.map((c) => [c, input.valueOf(c)]));
	const v = evaluateIndicator(indicator, (c) => values.get(c)?.sum ?? null);
	const perElement: ElementCoverage[] = codes.map((code) => ({
		code,
		fresh: values.get(code)?.count ?? 0,
		carried: values.get(code)?.carried ?? 0,
		expected: input.expectedOf(code).length,
	}));
	const relevant = perElement.filter((e) => e.expected > 0);
	const least = relevant.reduce<ElementCoverage | undefined>((a, e) => (!a || coverageRate(e) < coverageRate(a) ? e : a), undefined) ?? perElement[0];
	const coverage: Coverage = {
		reported: least?.fresh ?? 0,
		expected: least?.expected ?? 0,
		carried: least?.carried ?? 0,
		rate: least ? coverageRate(least) : 1,
		...(perElement.length > 1 ? { elements: perElement } : {}),
	};
	const base = { value: v.value, numerator: v.numerator, denominator: v.denominator, coverage };
	const keyOf = input.expectedKey ?? ((code: string) => setKey(input.expectedOf(code)));
	const crossSet = !sameKeys(relevant.map((e) => keyOf(e.code)));
	const complete = relevant.every((e) => e.fresh + e.carried >= e.expected);
	if (crossSet && !complete && (v.numerator !== null || v.denominator !== null)) {
		return { value: null, numerator: null, denominator: null, coverage, provisional: true, provisionalReason: "mismatched" };
	}
	if (v.value === null) return { ...base, provisional: false };
	const provisional = (coverage.rate ?? 1) < input.threshold - 1e-9;
	const method = intervalMethodOf(indicator, input.elements);
	const interval = method && v.numerator !== null && v.denominator !== null ? rateInterval(method, v.numerator, v.denominator, indicator.factor) : null;
	return {
		...base,
		provisional,
		...(provisional ? { provisionalReason: "coverage" as const } : {}),
		...(interval ? { interval } : {}),
	};
};

/**
 * The status a figure can support, from the status its value would have on its own:
 * provisional (including a withheld ratio, whose value is null) → "provisional"; "no-data" stays; an interval
 * that contains the target → "uncertain"; otherwise unchanged, with a few-events caution under 20 events.
 */
export const judge = (figure: Pick<Figure, "provisional" | "interval">, status: IndicatorStatus, targetValue: number | null): { status: IndicatorStatus; caution?: Caution } => {
	if (figure.provisional) return { status: "provisional" };
	if (status === "no-data") return { status };
	const iv = figure.interval;
	// Strictly inside: 100 % observed against a 100 % target, or 0 against ≤0, is not in doubt.
	if (iv && targetValue !== null && iv.low < targetValue - 1e-9 && targetValue + 1e-9 < iv.high) return { status: "uncertain", caution: "interval-contains-target" };
	if (iv && iv.events < FEW_EVENTS) return { status, caution: "few-events" };
	return { status };
};
