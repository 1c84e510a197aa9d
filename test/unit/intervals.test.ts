// Small-number intervals against worked examples (published exact Poisson and Wilson bounds).
import { describe, expect, it } from "vitest";
import { poissonCdf, poissonInterval, rateInterval, wilsonInterval } from "../../functions/core/intervals";

describe("exact Poisson (Garwood) 95% interval", () => {
	it.each([
		// k, low, high — the standard table values (e.g. Ulm 1990; chi-square quantiles / 2)
		[0, 0, 3.6889],
		[1, 0.0253, 5.5716],
		[2, 0.2422, 7.2247],
		[5, 1.6235, 11.6683],
		[10, 4.7954, 18.3904],
		[20, 12.2165, 30.8884],
	])("k = %i gives [%f, %f]", (k, low, high) => {
		const iv = poissonInterval(k);
		expect(iv.low).toBeCloseTo(low, 3);
		expect(iv.high).toBeCloseTo(high, 3);
	});

	it("puts 2.5% in each tail at the bounds", () => {
		const { low, high } = poissonInterval(7);
		expect(1 - poissonCdf(6, low)).toBeCloseTo(0.025, 6);
		expect(poissonCdf(7, high)).toBeCloseTo(0.025, 6);
	});

	it("refuses a fractional or negative count", () => {
		expect(() => poissonInterval(1.5)).toThrow(RangeError);
		expect(() => poissonInterval(-1)).toThrow(RangeError);
	});
});

describe("rate intervals", () => {
	it("1 maternal death in 2,000 live births: 50/10万 with a 95% interval of about 1.3 to 278.6", () => {
		const iv = rateInterval("poisson", 1, 2000, 100_000);
		expect(iv).not.toBeNull();
		expect(iv?.events).toBe(1);
		expect(iv?.low).toBeCloseTo(1.266, 2);
		expect(iv?.high).toBeCloseTo(278.58, 1);
	});

	it("0 maternal deaths in 2,000 births still cannot show a rate below 12/10万 with confidence", () => {
		const iv = rateInterval("poisson", 0, 2000, 100_000);
		expect(iv?.low).toBe(0);
		expect(iv?.high).toBeCloseTo(184.44, 1);
	});

	it("3 infant deaths in 1,960 births: 1.53‰, interval 0.32–4.47‰", () => {
		const iv = rateInterval("poisson", 3, 1960, 1000);
		expect(iv?.low).toBeCloseTo(0.3157, 3);
		expect(iv?.high).toBeCloseTo(4.4734, 3);
	});

	it("Wilson: 8 of 10 is 49.0%–94.3%, 0 of 10 is 0–27.8%", () => {
		const a = wilsonInterval(8, 10);
		expect(a.low).toBeCloseTo(0.4902, 4);
		expect(a.high).toBeCloseTo(0.9433, 4);
		const b = wilsonInterval(0, 10);
		expect(b.low).toBe(0);
		expect(b.high).toBeCloseTo(0.2775, 4);
		const r = rateInterval("wilson", 950, 1000, 100);
		expect(r?.low).toBeCloseTo(93.47, 2);
		expect(r?.high).toBeCloseTo(96.2, 1);
	});

	it("has no interval where the parts cannot support one", () => {
		expect(rateInterval("poisson", 1, 0, 1000)).toBeNull();
		expect(rateInterval("wilson", 11, 10, 100)).toBeNull();
		expect(rateInterval("wilson", 2.5, 10, 100)).toBeNull();
	});
});

describe("large counts", () => {
	it("switch to Wilson–Hilferty above 200 events without a jump", () => {
		const exact = poissonInterval(200);
		const approx = poissonInterval(201);
		expect(approx.low).toBeGreaterThan(exact.low);
		expect(approx.low - exact.low).toBeLessThan(1.5);
		// 1,000 events: 938.7–1,063.9 (chi-square quantiles / 2)
		const big = poissonInterval(1000);
		expect(big.low).toBeCloseTo(938.9, 0);
		expect(big.high).toBeCloseTo(1064.0, 0);
		// Monotone in k across the switch.
		for (let k = 1; k < 300; k++) expect(poissonInterval(k).high).toBeGreaterThan(poissonInterval(k - 1).high);
	});
});
