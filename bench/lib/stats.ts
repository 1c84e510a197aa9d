// Small statistics and concurrency helpers shared by every bench section.

export interface Summary {
	n: number;
	median: number;
	p95: number;
	min: number;
	max: number;
	mean: number;
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export const percentile = (xs: readonly number[], p: number): number => {
	if (xs.length === 0) return Number.NaN;
	const s = [...xs].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * s.length));
	return s[Math.min(s.length, rank) - 1] as number;
};

export const median = (xs: readonly number[]): number => {
	if (xs.length === 0) return Number.NaN;
	const s = [...xs].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

export const summarize = (xs: readonly number[], digits = 2): Summary => ({
	n: xs.length,
	median: round(median(xs), digits),
	p95: round(percentile(xs, 95), digits),
	min: round(Math.min(...xs), digits),
	max: round(Math.max(...xs), digits),
	mean: round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length), digits),
});

/** Runs fn over items with at most `limit` in flight; returns each item's latency in ms and the wall time. */
export const runPool = async <T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> => {
	const latencies: number[] = new Array(items.length);
	let next = 0;
	const started = performance.now();
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			const t0 = performance.now();
			await fn(items[i] as T, i);
			latencies[i] = performance.now() - t0;
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	return { latencies, wallMs: performance.now() - started };
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A seedable PRNG (mulberry32), so the fault model is reproducible run to run: the fault-injection suite's own. */
export { seededRandom as seeded } from "../../test/support/faulty-client";

export const log = (s: string): void => {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
};
