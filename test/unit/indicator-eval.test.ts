import { describe, expect, it } from "vitest";
import { evaluateIndicator, lookupIn, roundTo } from "../../functions/core/indicator-eval";
import type { Indicator } from "../../functions/core/types";

const infantMortality: Indicator = {
	code: "IMR",
	name: { zh: "婴儿死亡率", en: "Infant mortality rate" },
	uom: { zh: "‰", en: "‰" },
	group: "health-status",
	numerator: "#{INFANT_DEATHS}",
	denominator: "#{LIVE_BIRTHS}",
	factor: 1000,
	decimals: 2,
};

const beds: Indicator = {
	...infantMortality,
	code: "BEDS_PER_1000",
	numerator: "#{BEDS}",
	denominator: "#{POPULATION}",
	factor: 1000,
};

describe("evaluateIndicator", () => {
	it("computes numerator / denominator × factor", () => {
		// prepare
		const values = { INFANT_DEATHS: 3, LIVE_BIRTHS: 2000 };
		// act
		const result = evaluateIndicator(infantMortality, lookupIn(values));
		// assert
		expect(result).toEqual({ value: 1.5, numerator: 3, denominator: 2000 });
	});

	it("is the rate of the sums, not the average of the units' rates", () => {
		// prepare: a regiment hospital with few births and a division hospital with many
		const regiment = { INFANT_DEATHS: 1, LIVE_BIRTHS: 20 }; // 50‰
		const hospital = { INFANT_DEATHS: 2, LIVE_BIRTHS: 1980 }; // ≈1.01‰
		const summed = {
			INFANT_DEATHS: regiment.INFANT_DEATHS + hospital.INFANT_DEATHS,
			LIVE_BIRTHS: regiment.LIVE_BIRTHS + hospital.LIVE_BIRTHS,
		};
		const regimentRate = evaluateIndicator(infantMortality, lookupIn(regiment)).value ?? Number.NaN;
		const hospitalRate = evaluateIndicator(infantMortality, lookupIn(hospital)).value ?? Number.NaN;
		const averageOfRates = (regimentRate + hospitalRate) / 2;
		// act
		const division = evaluateIndicator(infantMortality, lookupIn(summed));
		// assert
		expect(division.value).toBeCloseTo(1.5, 10);
		expect(averageOfRates).toBeCloseTo(25.505, 3);
		expect(division.value).not.toBeCloseTo(averageOfRates, 1);
	});

	it("is null when the denominator is 0, but keeps both sides", () => {
		const result = evaluateIndicator(infantMortality, lookupIn({ INFANT_DEATHS: 0, LIVE_BIRTHS: 0 }));
		expect(result).toEqual({ value: null, numerator: 0, denominator: 0 });
	});

	it("is null when a side is not reported; 0 deaths is a real rate of 0", () => {
		expect(evaluateIndicator(infantMortality, lookupIn({ LIVE_BIRTHS: 100 })).value).toBeNull();
		expect(evaluateIndicator(infantMortality, lookupIn({ INFANT_DEATHS: null, LIVE_BIRTHS: 100 })).numerator).toBeNull();
		expect(evaluateIndicator(infantMortality, lookupIn({ INFANT_DEATHS: 0, LIVE_BIRTHS: 100 })).value).toBe(0);
	});

	it("can count missing elements as zero when asked", () => {
		const result = evaluateIndicator(infantMortality, lookupIn({ LIVE_BIRTHS: 100 }), { missing: "zero" });
		expect(result.value).toBe(0);
	});

	it("handles a directly reported indicator (#{X} / 1 × 1)", () => {
		// prepare
		const direct = { ...infantMortality, numerator: "#{LIFE_EXPECTANCY}", denominator: "1", factor: 1 };
		// act
		const result = evaluateIndicator(direct, lookupIn({ LIFE_EXPECTANCY: 79.36 }));
		// assert
		expect(result).toEqual({ value: 79.36, numerator: 79.36, denominator: 1 });
	});

	it("a per-1000 stock ratio", () => {
		const result = evaluateIndicator(beds, lookupIn({ BEDS: 1500, POPULATION: 200_000 }));
		expect(result.value).toBeCloseTo(7.5, 10);
	});

	it("lookupIn does not read inherited properties", () => {
		// prepare
		const lookup = lookupIn({ A: 1 });
		// act + assert
		expect(lookup("toString")).toBeNull();
		expect(lookup("A")).toBe(1);
	});
});

describe("roundTo", () => {
	it.each([
		[1.005, 2, 1.01],
		[2.5, 0, 3],
		[-2.5, 0, -3],
		[79.355, 2, 79.36],
		[18, 1, 18],
		[0.125, 2, 0.13],
		[1.23456e-7, 2, 0],
		[-0.001, 2, 0],
		[1e21, 2, 1e21],
	])("roundTo(%d, %d) = %d", (value, decimals, expected) => {
		expect(roundTo(value, decimals)).toBe(expected);
	});

	it("passes null through and rejects bad decimals", () => {
		expect(roundTo(null, 2)).toBeNull();
		expect(() => roundTo(1, -1)).toThrow(RangeError);
		expect(() => roundTo(1, 1.5)).toThrow(RangeError);
	});
});
