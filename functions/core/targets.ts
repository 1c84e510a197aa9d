// Plan targets as first-class data: what each target amounts to, the path from the baseline to it, and
// one status rule for every kind. docs/targets.md explains the maths with worked examples from the seeds.
//
// Time is a fractional year where the integer Y is the END of year Y (see periods.fractionalYear): a
// baseline "2020年" and a target "2025年" are points at the end of those years.
//
// Direction is handled generically with a "goodness" transform: g(x) = x for increase, −x for decrease,
// so "better" is always "larger g".

import type { Direction, IndicatorStatus, PlanIndicator, PlanTarget, Target, ThresholdOp } from "./types";

/**
 * What the maths needs beyond the plan itself. Everything is optional; missing context makes the
 * dependent values null rather than guessed.
 */
export interface TargetContext {
	/** This indicator's actual value in the year before the one evaluated (持续改善 compares with it). */
	previousYearValue?: number | null;
	/**
	 * This indicator's actual value in a given year. Used for a relative-change base year that is not the
	 * printed baseline year (重大慢性病过早死亡率: baseline printed for 2013, target "比2015年降低10%").
	 * When it returns null or is absent, the printed baseline value stands in for the base-year value.
	 */
	baseValueAt?(year: number): number | null;
	/** Stand-in origin when the plan prints "—" as the baseline: this indicator's first observed value. */
	firstObserved?: { year: number; value: number } | null;
	/**
	 * For a proportional target (同比例提高): the followed plan indicator, and its actual value in this
	 * indicator's origin year when that origin is `firstObserved` (defaults to the followed baseline).
	 */
	followed?: { indicator: PlanIndicator; valueAtOrigin?: number | null };
}

/** Where the expected path starts. */
export interface PathOrigin {
	year: number;
	value: number;
	source: "baseline" | "base-year" | "first-observed";
}

export interface StatusResult {
	status: IndicatorStatus;
	/** The value expected on the path at `at`; null when there is no origin to start the path from. */
	expected: number | null;
	/** What the final (last-year) target amounts to; null when it cannot be known. */
	targetValue: number | null;
	/**
	 * Distance still to go to targetValue, in the indicator's unit and measured in the good direction:
	 * positive = short of it, 0 or negative = reached or beyond. null when either side is unknown.
	 */
	gap: number | null;
}

/** Float slack for comparisons of computed rates. */
export const EPSILON = 1e-9;
/** "Maintain" (7.50 → 7.50) is kept when no more than 1% of the baseline worse. */
export const MAINTAIN_TOLERANCE = 0.01;
/** Behind (not off-track) while the shortfall against the path is at most this share of the planned movement. */
export const BEHIND_SHARE = 0.5;

/** g(x): larger is better. */
export function goodness(direction: Direction, x: number): number {
	return direction === "increase" ? x : -x;
}

const sortedTargets = (pi: PlanIndicator): PlanTarget[] => [...pi.targets].sort((a, b) => a.year - b.year);

/** The target with the latest year (the plan's target year); null when the plan gives none. */
export function finalTarget(pi: PlanIndicator): PlanTarget | null {
	return sortedTargets(pi).at(-1) ?? null;
}

/**
 * Where the path starts:
 * 1. a relative-change target's base year, valued by ctx.baseValueAt(baseYear), else by the printed
 *    baseline (the plan's own figure stands in for the base year: 19.1 printed for 2013 is used as 2015);
 * 2. otherwise the printed baseline;
 * 3. otherwise (baseline "—") ctx.firstObserved;
 * 4. otherwise null: no path can be drawn.
 */
export function pathOrigin(pi: PlanIndicator, ctx: TargetContext = {}): PathOrigin | null {
	const relative = sortedTargets(pi).find((t) => t.target.kind === "relative-change")?.target;
	if (relative?.kind === "relative-change") {
		const base = ctx.baseValueAt?.(relative.baseYear) ?? pi.baseline?.value ?? ctx.firstObserved?.value ?? null;
		if (base !== null && Number.isFinite(base)) return { year: relative.baseYear, value: base, source: "base-year" };
		return null;
	}
	if (pi.baseline) return { year: pi.baseline.year, value: pi.baseline.value, source: "baseline" };
	if (ctx.firstObserved) return { ...ctx.firstObserved, source: "first-observed" };
	return null;
}

function proportionalValue(
	target: Extract<Target, { kind: "proportional" }>,
	year: number,
	origin: PathOrigin | null,
	ctx: TargetContext,
): number | null {
	const followed = ctx.followed;
	if (!origin || !followed || followed.indicator.indicatorCode !== target.followsIndicator) return null;
	const followedOrigin =
		origin.source === "first-observed"
			? (followed.valueAtOrigin ?? followed.indicator.baseline?.value ?? null)
			: (followed.indicator.baseline?.value ?? null);
	// The followed indicator's own expected value in that year (its target value in its target year).
	// Its context is empty on purpose: a proportional target cannot follow another proportional one.
	const followedTarget = expectedValue(followed.indicator, year, {});
	if (followedOrigin === null || followedOrigin === 0 || followedTarget === null) return null;
	return origin.value * (followedTarget / followedOrigin);
}

function milestoneValue(pi: PlanIndicator, t: PlanTarget, origin: PathOrigin | null, ctx: TargetContext): number | null {
	const target = t.target;
	switch (target.kind) {
		case "threshold":
		case "reach":
		case "approximately":
			return target.value;
		case "maintain":
			return origin?.value ?? null;
		case "annual-change":
			return origin ? origin.value + target.perYear * (t.year - origin.year) : null;
		case "relative-change": {
			const base = ctx.baseValueAt?.(target.baseYear) ?? pi.baseline?.value ?? origin?.value ?? null;
			return base === null ? null : base * (1 + target.change);
		}
		case "continuous-improvement":
			return ctx.previousYearValue ?? null;
		case "proportional":
			return proportionalValue(target, t.year, origin, ctx);
	}
}

/**
 * The number the target for `targetYear` amounts to (null when the plan has no target that year, or
 * the context needed is missing):
 * threshold/reach/approximately → the printed value; maintain → the origin value;
 * annual-change → origin + perYear × (year − origin year); relative-change → base × (1 + change);
 * continuous-improvement → previous year's actual; proportional → origin × followed target / followed origin.
 */
export function targetValue(pi: PlanIndicator, targetYear: number, ctx: TargetContext = {}): number | null {
	const t = pi.targets.find((x) => x.year === targetYear);
	return t ? milestoneValue(pi, t, pathOrigin(pi, ctx), ctx) : null;
}

const lerp = (x0: number, y0: number, x1: number, y1: number, x: number): number =>
	x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);

/**
 * The value expected at `at` (fractional year) on the path from the origin through each target year's
 * value, linear between consecutive milestones and held after the last one. Two refinements:
 * - a threshold or reach milestone never asks for a worse value than the previous milestone (婴儿死亡率
 *   1.53 with "≤5" holds at 1.53 rather than drifting up to 5);
 * - a continuous-improvement segment expects last year's actual (ctx.previousYearValue), or holds the
 *   previous milestone when that is unknown.
 * null without an origin, or when a milestone's value cannot be known.
 */
export function expectedValue(pi: PlanIndicator, at: number, ctx: TargetContext = {}): number | null {
	const origin = pathOrigin(pi, ctx);
	if (!origin) return null;
	if (at <= origin.year) return origin.value;
	let prevYear = origin.year;
	let prevValue = origin.value;
	for (const t of sortedTargets(pi)) {
		if (t.year <= origin.year) continue;
		let value: number;
		if (t.target.kind === "continuous-improvement") {
			if (at <= t.year) return ctx.previousYearValue ?? prevValue;
			value = prevValue;
		} else {
			const raw = milestoneValue(pi, t, origin, ctx);
			if (raw === null) return null;
			const holds = t.target.kind === "threshold" || t.target.kind === "reach";
			value = holds && goodness(pi.direction, prevValue) > goodness(pi.direction, raw) ? prevValue : raw;
			if (at <= t.year) return lerp(prevYear, prevValue, t.year, value, at);
		}
		prevYear = t.year;
		prevValue = value;
	}
	return prevValue;
}

function satisfiesOp(actual: number, op: ThresholdOp, bound: number): boolean {
	switch (op) {
		case "<=":
			return actual <= bound + EPSILON;
		case "<":
			return actual < bound - EPSILON;
		case ">=":
			return actual >= bound - EPSILON;
		case ">":
			return actual > bound + EPSILON;
	}
}

/** Whether `actual` satisfies the target `t` (see docs/targets.md for each kind). */
function satisfies(pi: PlanIndicator, t: PlanTarget, actual: number, ctx: TargetContext): boolean {
	const g = (x: number) => goodness(pi.direction, x);
	const origin = pathOrigin(pi, ctx);
	const target = t.target;
	switch (target.kind) {
		case "threshold":
			return satisfiesOp(actual, target.op, target.value);
		case "maintain":
			return origin !== null && g(actual) >= g(origin.value) - MAINTAIN_TOLERANCE * Math.abs(origin.value) - EPSILON;
		case "approximately":
			// 左右 gives slack around the value; it does not forbid doing better than it.
			return Math.abs(actual - target.value) <= target.tolerance + EPSILON || g(actual) >= g(target.value);
		case "continuous-improvement": {
			// Strictly better than last year, and still meeting the target it continues from (>80 then 持续改善).
			const before = sortedTargets(pi).filter((x) => x.year < t.year && x.target.kind !== "continuous-improvement");
			const previousTarget = before.at(-1);
			if (previousTarget && !satisfies(pi, previousTarget, actual, ctx)) return false;
			const reference = ctx.previousYearValue ?? (previousTarget ? null : (origin?.value ?? null));
			if (reference === null) return previousTarget !== undefined;
			return g(actual) > g(reference) + EPSILON;
		}
		default: {
			const value = milestoneValue(pi, t, origin, ctx);
			return value !== null && g(actual) >= g(value) - EPSILON;
		}
	}
}

/**
 * The status rule (one rule for every kind; docs/targets.md):
 * 1. no-data   — actual is null (or the plan gives no target).
 * 2. achieved  — actual satisfies the final target (its kind's own test).
 * 3. on-track  — before the final target year, and at least as good as the expected path value.
 * 4. behind    — short of the path by at most half of the path's planned movement from the origin to
 *                date (|expected − origin|), i.e. it has covered at least half the planned change;
 *                also when no path can be drawn (no baseline) but the target is not met yet.
 * 5. off-track — further short than that; with a planned improvement this includes anything worse than
 *                the origin, and with nothing planned to change (maintain) any shortfall.
 */
export function evaluateStatus(
	pi: PlanIndicator,
	actual: number | null,
	at: number,
	ctx: TargetContext = {},
): StatusResult {
	const final = finalTarget(pi);
	const origin = pathOrigin(pi, ctx);
	const expected = expectedValue(pi, at, ctx);
	const tv = final ? milestoneValue(pi, final, origin, ctx) : null;
	const g = (x: number) => goodness(pi.direction, x);
	const gap = actual !== null && tv !== null ? g(tv) - g(actual) : null;
	const result = (status: IndicatorStatus): StatusResult => ({ status, expected, targetValue: tv, gap });

	if (actual === null || !Number.isFinite(actual) || !final) return result("no-data");
	if (satisfies(pi, final, actual, ctx)) return result("achieved");
	if (expected === null || !origin) return result("behind");

	const shortfall = g(expected) - g(actual);
	if (at < final.year && shortfall <= EPSILON) return result("on-track");
	const planned = Math.abs(g(expected) - g(origin.value));
	// On the path at or after the final year but not achieved (a strict bound hit exactly, or no
	// improvement on last year): not on track any more, but not lost either.
	if (shortfall <= EPSILON) return result("behind");
	return result(planned > EPSILON && shortfall <= BEHIND_SHARE * planned + EPSILON ? "behind" : "off-track");
}
