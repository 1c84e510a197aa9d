// 95 % intervals for rates built on few events, so a figure that one death can move by 50/10万 is not read as
// a verdict. Two standard methods:
// - exact Poisson (Garwood) for event rates: deaths per 1,000 or 100,000 live births. The event count k is
//   treated as Poisson; the bounds are the λ at which P(X ≥ k) and P(X ≤ k) equal 2.5 %, divided by the
//   denominator and scaled by the factor like the rate itself.
// - Wilson score for proportions in %: x of n (doses given of doses due, patients managed of patients).
// Pure maths: no I/O, no dependencies.

export const Z95 = 1.959963984540054;
/** Below this many events a rate is flagged 事件数少，解读需谨慎 whatever its interval. */
export const FEW_EVENTS = 20;

/** Above this many events the exact bounds come from the Wilson–Hilferty approximation (error < 0.1 %). */
const EXACT_UP_TO = 200;

/** P(X ≤ k) for X ~ Poisson(λ): each term from the one before (p_i = p_{i−1} · λ / i), in O(k). */
export const poissonCdf = (k: number, lambda: number): number => {
	if (k < 0) return 0;
	if (lambda <= 0) return 1;
	let term = Math.exp(-lambda);
	let sum = term;
	for (let i = 1; i <= k; i++) {
		term *= lambda / i;
		sum += term;
	}
	return Math.min(1, sum);
};

/** The λ in [lo, hi] where f(λ) crosses `target`, f decreasing in λ. Bisection: monotone and robust. */
const solveDecreasing = (f: (x: number) => number, target: number, lo: number, hi: number): number => {
	for (let i = 0; i < 100 && hi - lo > 1e-10 * Math.max(1, hi); i++) {
		const mid = (lo + hi) / 2;
		if (f(mid) > target) lo = mid;
		else hi = mid;
	}
	return (lo + hi) / 2;
};

/** Exact (Garwood) 95 % interval for a Poisson mean, given k observed events. */
export const poissonInterval = (k: number, alpha = 0.05): { low: number; high: number } => {
	if (!Number.isInteger(k) || k < 0) throw new RangeError(`event count must be a whole number ≥ 0, got ${k}`);
	if (k > EXACT_UP_TO) {
		// Wilson–Hilferty: the chi-square quantiles behind the exact limits, in closed form.
		const z = 1.959963984540054;
		const cube = (x: number) => x * x * x;
		return { low: k * cube(1 - 1 / (9 * k) - z / (3 * Math.sqrt(k))), high: (k + 1) * cube(1 - 1 / (9 * (k + 1)) + z / (3 * Math.sqrt(k + 1))) };
	}
	const hiBound = k + 20 * Math.sqrt(k + 1) + 20;
	// Lower: P(X ≥ k | λ) = α/2  ⇔  P(X ≤ k−1 | λ) = 1 − α/2 (decreasing in λ).
	const low = k === 0 ? 0 : solveDecreasing((l) => poissonCdf(k - 1, l), 1 - alpha / 2, 0, hiBound);
	// Upper: P(X ≤ k | λ) = α/2.
	const high = solveDecreasing((l) => poissonCdf(k, l), alpha / 2, 0, hiBound);
	return { low, high };
};

/** Wilson score 95 % interval for a proportion x / n, as fractions 0..1. */
export const wilsonInterval = (x: number, n: number, z = Z95): { low: number; high: number } => {
	if (!(n > 0) || x < 0 || x > n) throw new RangeError(`Wilson needs 0 ≤ x ≤ n and n > 0, got ${x}/${n}`);
	const p = x / n;
	const z2 = z * z;
	const denom = 1 + z2 / n;
	const centre = (p + z2 / (2 * n)) / denom;
	const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
	return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
};

/** How an indicator's interval is computed, if it has one. */
export type IntervalMethod = "poisson" | "wilson";

export interface RateIntervalResult {
	method: IntervalMethod;
	low: number;
	high: number;
	events: number;
	level: 0.95;
}

/**
 * The interval of a rate numerator / denominator × factor:
 * - poisson: the numerator is a count of events; the bounds scale like the rate (k bounds / denominator × factor);
 * - wilson: numerator ≤ denominator are whole counts of one population; the bounds are percentages × factor/100.
 * null when the parts cannot support one (no denominator, fractional counts, numerator above denominator).
 */
export const rateInterval = (method: IntervalMethod, numerator: number, denominator: number, factor: number): RateIntervalResult | null => {
	if (!(denominator > 0) || !Number.isFinite(numerator) || numerator < 0) return null;
	const k = Math.round(numerator);
	if (Math.abs(k - numerator) > 1e-9) return null;
	if (method === "poisson") {
		const { low, high } = poissonInterval(k);
		return { method, low: (low / denominator) * factor, high: (high / denominator) * factor, events: k, level: 0.95 };
	}
	const n = Math.round(denominator);
	if (Math.abs(n - denominator) > 1e-9 || k > n) return null;
	const { low, high } = wilsonInterval(k, n);
	return { method, low: low * factor, high: high * factor, events: k, level: 0.95 };
};
