// An indicator's value from aggregated data element values.
//
// Rates are never averages of rates. Callers pass values that are ALREADY aggregated over units and
// months (e.g. the division's total infant deaths and total live births for the year); the indicator
// is then numerator / denominator × factor of those totals. Averaging each unit's rate would give a
// regiment with 20 births the same weight as a hospital with 2,000.

import { type EvaluateOptions, evaluateFormula, type Lookup } from "./formula";
import type { Indicator, ValueMap } from "./types";

export interface IndicatorValue {
	/** numerator / denominator × factor; null when either side is null or the denominator is 0. Not rounded. */
	value: number | null;
	numerator: number | null;
	denominator: number | null;
}

/**
 * Evaluates an indicator over aggregated element values. A missing element makes its side null
 * (pass `{ missing: "zero" }` to count it as 0).
 */
export function evaluateIndicator(
	indicator: Pick<Indicator, "numerator" | "denominator" | "factor">,
	lookup: Lookup,
	opts: EvaluateOptions = {},
): IndicatorValue {
	const numerator = evaluateFormula(indicator.numerator, lookup, opts);
	const denominator = evaluateFormula(indicator.denominator, lookup, opts);
	if (numerator === null || denominator === null || denominator === 0) return { value: null, numerator, denominator };
	const value = (numerator / denominator) * indicator.factor;
	return { value: Number.isFinite(value) ? value : null, numerator, denominator };
}

/** A Lookup over a ValueMap: absent keys read as null (not reported). */
export function lookupIn(values: ValueMap): Lookup {
	return (code) => (Object.hasOwn(values, code) ? values[code] : null);
}

/**
 * Rounds half away from zero (四舍五入) to `decimals` places, without the binary-float surprise of
 * Math.round(1.005 * 100) = 100. null stays null.
 */
export function roundTo(value: number, decimals: number): number;
export function roundTo(value: number | null, decimals: number): number | null;
export function roundTo(value: number | null, decimals: number): number | null {
	if (value === null || !Number.isFinite(value)) return value;
	if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
		throw new RangeError(`decimals must be an integer 0..15, got ${decimals}`);
	}
	const sign = value < 0 ? -1 : 1;
	const abs = Math.abs(value);
	// Beyond 2^53 a double has no fractional digits left to round.
	if (abs >= Number.MAX_SAFE_INTEGER) return value;
	const text = String(abs);
	// Shifting through the decimal string representation avoids 1.005 → 1.00. Numbers that print in
	// exponent form (tiny or huge) are far from any rounding edge, so plain arithmetic is fine there.
	const result = text.includes("e")
		? sign * (Math.round(abs * 10 ** decimals) / 10 ** decimals)
		: sign * Number(`${Math.round(Number(`${text}e${decimals}`))}e-${decimals}`);
	return result === 0 ? 0 : result;
}
