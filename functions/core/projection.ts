// Projection of an indicator to its plan's target year from its yearly values: a robust trend (Theil–Sen),
// a band from the spread of the pairwise slopes (Sen's slope-percentile interval), the annual change still
// needed against the annual change achieved, and a verdict. Pure; docs/targets.md explains it with limits.
//
// Why Theil–Sen: five or six yearly points are all a plan period gives, and one odd year (a survey with a
// different method, a year with one maternal death) drags a least-squares line; the median of the pairwise
// slopes ignores it. Why no bootstrap: with n ≤ 10 points there are at most 45 pairwise slopes, so the
// interval can be read off them exactly; resampling would only add noise.

import type { Projection, ProjectionNotApplicable, ProjectionVerdict } from "./api-types";
import type { Direction, Target } from "./types";

export type { ProjectionVerdict };

export interface YearValue {
	year: number;
	value: number;
}

export interface TrendFit {
	/** Median of the pairwise slopes (per year). */
	slope: number;
	/** Median of value − slope × year. */
	intercept: number;
	/** Slopes bounding the band (Sen's interval on the sorted pairwise slopes). */
	slopeLow: number;
	slopeHigh: number;
	/** Pairwise slopes, sorted. */
	slopes: number[];
	n: number;
}

/** A projection needs at least this many yearly values. */
export const MIN_POINTS = 3;
/** The band's coverage: Sen's interval with the normal approximation at 90 % (z = 1.645). */
export const BAND_Z = 1.645;

const median = (xs: readonly number[]): number => {
	const s = [...xs].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Ordinary least squares slope and intercept; only for comparison in tests and docs (it is not robust). */
export function leastSquares(points: readonly YearValue[]): { slope: number; intercept: number } {
	const n = points.length;
	const mx = points.reduce((a, p) => a + p.year, 0) / n;
	const my = points.reduce((a, p) => a + p.value, 0) / n;
	let sxy = 0;
	let sxx = 0;
	for (const p of points) {
		sxy += (p.year - mx) * (p.value - my);
		sxx += (p.year - mx) ** 2;
	}
	const slope = sxx === 0 ? 0 : sxy / sxx;
	return { slope, intercept: my - slope * mx };
}

/**
 * Theil–Sen: the median of the slopes between every pair of years, and the median intercept.
 * The band uses Sen's (1968) rank interval, as in Gilbert (1987) §16.5: with N pairwise slopes and
 * C = z·√(n(n−1)(2n+5)/18), the slopes of rank (N − C)/2 and (N + C)/2 + 1 (clamped to the smallest and
 * largest). With 3–4 points that is the whole range of the slopes: honest about how little 3 years say.
 * null with fewer than MIN_POINTS distinct years.
 */
export function theilSen(points: readonly YearValue[], z = BAND_Z): TrendFit | null {
	const clean = points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.year));
	const years = new Set(clean.map((p) => p.year));
	if (years.size < MIN_POINTS) return null;
	const slopes: number[] = [];
	for (let i = 0; i < clean.length; i++) {
		for (let j = i + 1; j < clean.length; j++) {
			const a = clean[i] as YearValue;
			const b = clean[j] as YearValue;
			if (a.year !== b.year) slopes.push((b.value - a.value) / (b.year - a.year));
		}
	}
	slopes.sort((a, b) => a - b);
	const slope = median(slopes);
	const intercept = median(clean.map((p) => p.value - slope * p.year));
	const n = clean.length;
	const N = slopes.length;
	const c = z * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
	const lowRank = Math.max(1, Math.floor((N - c) / 2));
	const highRank = Math.min(N, Math.ceil((N + c) / 2) + 1);
	return { slope, intercept, slopeLow: slopes[lowRank - 1] as number, slopeHigh: slopes[highRank - 1] as number, slopes, n };
}

/** The trend's value in a year, and the band from the low and high slopes pivoting on the points' centre. */
export function projectTo(fit: TrendFit, points: readonly YearValue[], year: number): { value: number; low: number; high: number } {
	const value = fit.intercept + fit.slope * year;
	// The band lines pass through the median point of the data (median year, median value), as the
	// Theil–Sen line itself nearly does; the further the target year, the wider the band.
	const cx = median(points.map((p) => p.year));
	const cy = median(points.map((p) => p.value));
	const a = cy + fit.slopeLow * (year - cx);
	const b = cy + fit.slopeHigh * (year - cx);
	return { value, low: Math.min(a, b, value), high: Math.max(a, b, value) };
}

/**
 * Annual change: (to − from) / years, in the indicator's unit (percentage points for a %), and the
 * compound rate (to / from)^(1/years) − 1 when both are positive. null when the years do not advance.
 */
export function annualChange(from: YearValue, to: YearValue): { absolute: number; rate: number | null } | null {
	const years = to.year - from.year;
	if (years <= 0) return null;
	const absolute = (to.value - from.value) / years;
	const rate = from.value > 0 && to.value > 0 ? (to.value / from.value) ** (1 / years) - 1 : null;
	return { absolute, rate };
}

/** Why a verdict is not applicable (see ProjectionNotApplicable in api-types). */
export type NotApplicableReason = ProjectionNotApplicable;

/** The API's Projection, plus the trend slope per year. */
export interface ProjectionResult extends Projection {
	/** Trend slope per year (Theil–Sen). */
	slope: number;
	requiredAnnualRate: number | null;
	actualAnnualRate: number | null;
}

export interface ProjectionInput {
	/** Yearly values, complete years only (the caller leaves out the current, partial year and nulls). */
	points: readonly YearValue[];
	targetYear: number;
	/** What the final target amounts to (targets.targetValue); null when it cannot be known. */
	targetValue: number | null;
	target: Target;
	direction: Direction;
	/** Where "actual annual change" is measured from; the first point when absent. */
	baseline?: YearValue | null;
	/** The values the indicator can take (a rate is never below 0, a share never above 100 %): the projection is clamped to them. */
	bounds?: { min?: number; max?: number };
}

/** What an indicator's values can be: never negative; at most 100 for a percentage. */
export const valueBounds = (uom: { zh: string } | undefined): { min: number; max?: number } => (uom?.zh === "%" ? { min: 0, max: 100 } : { min: 0 });

const EPS = 1e-9;

/** Whether a value meets the target's number in the good direction (approximately: within tolerance counts). */
export function meetsTargetValue(x: number, targetValue: number, target: Target, direction: Direction): boolean {
	const g = (v: number) => (direction === "increase" ? v : -v);
	if (target.kind === "threshold") {
		switch (target.op) {
			case "<=":
				return x <= target.value + EPS;
			case "<":
				return x < target.value - EPS;
			case ">=":
				return x >= target.value - EPS;
			case ">":
				return x > target.value + EPS;
		}
	}
	const slack = target.kind === "approximately" ? target.tolerance : 0;
	return g(x) >= g(targetValue) - slack - EPS;
}

/**
 * Projects to the target year and gives a verdict:
 * - likely (按趋势可达成): the whole band meets the target;
 * - at-risk (有风险): the band straddles the target;
 * - unlikely (按趋势难以达成): none of the band meets it.
 * null with fewer than MIN_POINTS yearly values.
 */
export function project(input: ProjectionInput): ProjectionResult | null {
	const points = [...input.points].filter((p) => Number.isFinite(p.value)).sort((a, b) => a.year - b.year);
	const fit = theilSen(points);
	if (!fit) return null;
	const latest = points.at(-1) as YearValue;
	const first = input.baseline ?? (points[0] as YearValue);
	const clamp = (x: number) => Math.min(input.bounds?.max ?? Number.POSITIVE_INFINITY, Math.max(input.bounds?.min ?? Number.NEGATIVE_INFINITY, x));
	const raw = projectTo(fit, points, input.targetYear);
	const [value, low, high] = [clamp(raw.value), clamp(raw.low), clamp(raw.high)];
	const actual = annualChange(first, latest);
	const base: Omit<ProjectionResult, "verdict" | "requiredAnnualChange" | "requiredAnnualRate"> = {
		method: "theil-sen",
		targetYear: input.targetYear,
		value,
		low,
		high,
		slope: fit.slope,
		actualAnnualChange: actual?.absolute ?? null,
		actualAnnualRate: actual?.rate ?? null,
		fromYear: (points[0] as YearValue).year,
		toYear: latest.year,
		points: points.length,
	};
	const notApplicable = (reason: NotApplicableReason): ProjectionResult => ({ ...base, requiredAnnualChange: null, requiredAnnualRate: null, verdict: "not-applicable", reason });
	if (input.target.kind === "maintain" || input.target.kind === "continuous-improvement") return notApplicable("target-kind");
	if (input.targetValue === null || !Number.isFinite(input.targetValue)) return notApplicable("no-target-value");
	if (latest.year >= input.targetYear) return notApplicable("target-year-passed");
	const required = annualChange(latest, { year: input.targetYear, value: input.targetValue });
	const meets = (x: number) => meetsTargetValue(x, input.targetValue as number, input.target, input.direction);
	const lowMeets = meets(low);
	const highMeets = meets(high);
	const verdict: ProjectionVerdict = lowMeets && highMeets ? "likely" : lowMeets || highMeets ? "at-risk" : "unlikely";
	return { ...base, requiredAnnualChange: required?.absolute ?? null, requiredAnnualRate: required?.rate ?? null, verdict };
}

export const VERDICT_LABELS: Record<ProjectionVerdict, { zh: string; en: string }> = {
	likely: { zh: "按趋势可达成", en: "On trend to meet it" },
	"at-risk": { zh: "有风险", en: "At risk" },
	unlikely: { zh: "按趋势难以达成", en: "Unlikely on trend" },
	"not-applicable": { zh: "不适用趋势推算", en: "Projection not applicable" },
};

/**
 * The complete years a projection at `period` may use: `fromYear` up to the period's year when the period is
 * a whole year, else the year before it, and never the current calendar year (its figures are partial).
 * [] when that leaves fewer than MIN_POINTS years.
 */
export function projectionYears(fromYear: number, period: string, currentYear: number): string[] {
	const periodYear = Number(period.slice(0, 4));
	const last = Math.min(/^\d{4}$/.test(period) ? periodYear : periodYear - 1, currentYear - 1);
	if (last - fromYear + 1 < MIN_POINTS) return [];
	return Array.from({ length: last - fromYear + 1 }, (_, i) => String(fromYear + i));
}

/**
 * The projection of one plan indicator as /api/progress carries it: its final target, the value that target
 * amounts to (targets.targetValue), and its complete, non-provisional yearly values. null when the plan sets
 * no target or there are fewer than MIN_POINTS values.
 */
export function projectPlanIndicator(
	pi: { targets: { year: number; target: Target }[]; direction: Direction; baseline: { year: number; value: number } | null },
	targetValue: number | null,
	points: readonly YearValue[],
	indicator?: { uom: { zh: string } },
): Projection | null {
	const final = [...pi.targets].sort((a, b) => a.year - b.year).at(-1);
	if (!final) return null;
	const r = project({
		points,
		targetYear: final.year,
		targetValue,
		target: final.target,
		direction: pi.direction,
		baseline: pi.baseline ? { year: pi.baseline.year, value: pi.baseline.value } : null,
		bounds: valueBounds(indicator?.uom),
	});
	if (!r) return null;
	const { slope: _slope, ...projection } = r;
	return projection;
}
