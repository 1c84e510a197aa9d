// A small seeded PRNG for the demo data: the same seed gives the same data on every machine and run.
// mulberry32 is tiny, fast and good enough for demo noise (it is not for anything security-related).

export interface Random {
	/** Uniform in [0, 1). */
	next(): number;
	/** Uniform in [min, max). */
	between(min: number, max: number): number;
	/** Integer in [min, max], both included. */
	int(min: number, max: number): number;
	/** True with probability p. */
	chance(p: number): boolean;
	/** Roughly normal (sum of uniforms), mean 0 and standard deviation 1. */
	normal(): number;
	/** An index chosen with probability proportional to its weight; -1 when all weights are zero. */
	weighted(weights: readonly number[]): number;
	pick<T>(items: readonly T[]): T;
}

export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Derives a well-mixed 32-bit seed from a base seed and a label, so independent streams do not correlate. */
export function deriveSeed(seed: number, label: string): number {
	let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
	for (let i = 0; i < label.length; i++) {
		h ^= label.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	// Final avalanche (murmur3 fmix32) so nearby labels give unrelated seeds.
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

export function createRandom(seed: number): Random {
	const next = mulberry32(seed);
	const r: Random = {
		next,
		between: (min, max) => min + (max - min) * next(),
		int: (min, max) => min + Math.floor(next() * (max - min + 1)),
		chance: (p) => next() < p,
		normal: () => {
			let s = 0;
			for (let i = 0; i < 6; i++) s += next();
			return (s - 3) * Math.SQRT2;
		},
		weighted: (weights) => {
			const total = weights.reduce((a, w) => a + Math.max(0, w), 0);
			if (total <= 0) return -1;
			let x = next() * total;
			for (let i = 0; i < weights.length; i++) {
				x -= Math.max(0, weights[i] ?? 0);
				if (x < 0) return i;
			}
			return weights.length - 1;
		},
		pick: (items) => {
			if (items.length === 0) throw new RangeError("pick from an empty list");
			return items[Math.floor(next() * items.length)] as (typeof items)[number];
		},
	};
	return r;
}

/**
 * Splits an integer total into integers proportional to the weights that add up to exactly the total
 * (largest-remainder method; ties go to the earlier index, so the result is deterministic).
 */
export function apportion(total: number, weights: readonly number[]): number[] {
	if (!Number.isInteger(total) || total < 0) throw new RangeError(`apportion needs a whole total >= 0, got ${total}`);
	const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
	if (weights.length === 0) return [];
	if (sum <= 0) {
		const out = weights.map(() => 0);
		out[0] = total;
		return out;
	}
	const exact = weights.map((w) => (Math.max(0, w) / sum) * total);
	const out = exact.map(Math.floor);
	let left = total - out.reduce((a, b) => a + b, 0);
	const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
	for (let k = 0; left > 0; k = (k + 1) % order.length, left--) {
		const idx = order[k]?.i ?? 0;
		out[idx] = (out[idx] ?? 0) + 1;
	}
	return out;
}

/**
 * Like apportion, but no share may exceed its cap (e.g. patients managed ≤ patients registered).
 * Throws when the caps cannot hold the total.
 */
export function apportionCapped(total: number, weights: readonly number[], caps: readonly number[]): number[] {
	const capSum = caps.reduce((a, c) => a + c, 0);
	if (total > capSum) throw new RangeError(`apportionCapped: total ${total} exceeds the caps' sum ${capSum}`);
	const out = apportion(total, weights).map((v, i) => Math.min(v, caps[i] ?? 0));
	let left = total - out.reduce((a, b) => a + b, 0);
	// Hand the overflow to the units with the most room, largest first.
	while (left > 0) {
		let best = -1;
		let room = 0;
		for (let i = 0; i < out.length; i++) {
			const r = (caps[i] ?? 0) - (out[i] ?? 0);
			if (r > room) {
				room = r;
				best = i;
			}
		}
		const give = Math.min(room, left);
		out[best] = (out[best] ?? 0) + give;
		left -= give;
	}
	return out;
}
