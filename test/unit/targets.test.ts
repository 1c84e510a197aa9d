import { describe, expect, it } from "vitest";
import { fractionalYear } from "../../functions/core/periods";
import {
	evaluateStatus,
	expectedValue,
	finalTarget,
	goodness,
	pathOrigin,
	targetValue,
} from "../../functions/core/targets";
import type { Direction, PlanIndicator, PlanTarget, Target } from "../../functions/core/types";

// Builds a plan indicator the way the catalog does; the figures below are the seeds' own.
function pi(
	code: string,
	direction: Direction,
	baseline: [year: number, value: number] | null,
	targets: Array<[year: number, target: Target]>,
	nature: PlanIndicator["nature"] = "expected",
): PlanIndicator {
	return {
		indicatorCode: code,
		order: 1,
		group: "health-status",
		baseline: baseline ? { year: baseline[0], value: baseline[1], printed: String(baseline[1]) } : null,
		targets: targets.map(([year, target]): PlanTarget => ({ year, target, printed: JSON.stringify(target) })),
		direction,
		nature,
	};
}

// 十四五 (专栏1): 2020 baseline, 2025 target.
const maternalMortality = pi("MMR", "decrease", [2020, 18], [[2025, { kind: "threshold", op: "<=", value: 12 }]]);
const infantMortality = pi("IMR", "decrease", [2020, 1.53], [[2025, { kind: "threshold", op: "<=", value: 5 }]]);
const myopia = pi("MYOPIA", "decrease", [2020, 52.62], [[2025, { kind: "annual-change", perYear: -0.5 }]], "binding");
const beds = pi("BEDS", "increase", [2020, 7.5], [[2025, { kind: "maintain" }]]);
const gps = pi("GP_PER_10K", "increase", [2020, 1.8], [[2025, { kind: "reach", value: 4 }]], "binding");
const smokingAsReach = pi("SMOKING", "decrease", [2020, 22.4], [[2025, { kind: "reach", value: 23.3 }]]);
const smokingAsCeiling = pi("SMOKING", "decrease", [2020, 22.4], [[2025, { kind: "threshold", op: "<=", value: 23.3 }]]);
const lifeExpectancy = pi("LIFE_EXPECTANCY", "increase", [2020, 79.36], [[2025, { kind: "reach", value: 80.47 }]]);
const hale = pi("HALE", "increase", null, [[2025, { kind: "proportional", followsIndicator: "LIFE_EXPECTANCY" }]]);
const chronicNoBaseline = pi("NCD_PREMATURE", "decrease", null, [[2025, { kind: "threshold", op: "<=", value: 15 }]]);

// 健康兵团2030: 2015 baseline, 2020 and 2030 targets.
const oopShare = pi("OOP_SHARE", "decrease", [2015, 26.07], [
	[2020, { kind: "approximately", value: 28, tolerance: 1 }],
	[2030, { kind: "approximately", value: 20, tolerance: 1 }],
]);
const prematureNcd = pi("NCD_PREMATURE", "decrease", [2013, 19.1], [
	[2020, { kind: "relative-change", change: -0.1, baseYear: 2015 }],
	[2030, { kind: "relative-change", change: -0.3, baseYear: 2015 }],
]);
const airQuality = pi("AIR_GOOD_DAYS", "increase", [2015, 76], [
	[2020, { kind: "threshold", op: ">", value: 80 }],
	[2030, { kind: "continuous-improvement" }],
]);
const bingtuanInfant = pi("IMR", "decrease", [2015, 5.88], [
	[2020, { kind: "threshold", op: "<=", value: 5 }],
	[2030, { kind: "threshold", op: "<=", value: 5 }],
]);
const doctorsBingtuan = pi("DOCTORS", "increase", [2015, 3.32], [
	[2020, { kind: "reach", value: 3 }],
	[2030, { kind: "reach", value: 3 }],
]);

describe("goodness and final target", () => {
	it("negates for decrease so larger is always better", () => {
		expect(goodness("increase", 3)).toBe(3);
		expect(goodness("decrease", 3)).toBe(-3);
	});

	it("finalTarget is the latest year regardless of order", () => {
		// prepare
		const shuffled = { ...oopShare, targets: [...oopShare.targets].reverse() };
		// act
		const final = finalTarget(shuffled);
		// assert
		expect(final?.year).toBe(2030);
		expect(finalTarget({ ...beds, targets: [] })).toBeNull();
	});
});

describe("targetValue for each kind", () => {
	it("threshold and reach: the printed value", () => {
		expect(targetValue(maternalMortality, 2025)).toBe(12);
		expect(targetValue(gps, 2025)).toBe(4);
	});

	it("approximately: the printed value, per milestone", () => {
		expect(targetValue(oopShare, 2020)).toBe(28);
		expect(targetValue(oopShare, 2030)).toBe(20);
	});

	it("maintain: the baseline", () => {
		expect(targetValue(beds, 2025)).toBe(7.5);
	});

	it("annual-change: baseline + perYear × years (近视率 52.62 − 0.5 × 5)", () => {
		expect(targetValue(myopia, 2025)).toBeCloseTo(50.12, 10);
	});

	it("relative-change: the printed 2013 baseline stands in for 2015 (19.1 × 0.9, × 0.7)", () => {
		expect(targetValue(prematureNcd, 2020)).toBeCloseTo(17.19, 10);
		expect(targetValue(prematureNcd, 2030)).toBeCloseTo(13.37, 10);
	});

	it("relative-change: an observed base-year value wins over the printed baseline", () => {
		// prepare
		const ctx = { baseValueAt: (year: number) => (year === 2015 ? 18.5 : null) };
		// act
		const value = targetValue(prematureNcd, 2030, ctx);
		// assert
		expect(value).toBeCloseTo(12.95, 10);
	});

	it("continuous-improvement: last year's actual, null without it", () => {
		expect(targetValue(airQuality, 2030, { previousYearValue: 88 })).toBe(88);
		expect(targetValue(airQuality, 2030)).toBeNull();
	});

	it("proportional with its own baseline: baseline × followed target / followed baseline", () => {
		// prepare
		const withBaseline = { ...hale, baseline: { year: 2020, value: 70, printed: "70" } };
		// act
		const value = targetValue(withBaseline, 2025, { followed: { indicator: lifeExpectancy } });
		// assert
		expect(value).toBeCloseTo((70 * 80.47) / 79.36, 10);
	});

	it("proportional without a baseline: first observed × followed target / followed value that year", () => {
		// prepare
		const ctx = {
			firstObserved: { year: 2021, value: 70 },
			followed: { indicator: lifeExpectancy, valueAtOrigin: 79.5 },
		};
		// act
		const value = targetValue(hale, 2025, ctx);
		// assert
		expect(value).toBeCloseTo((70 * 80.47) / 79.5, 10);
	});

	it("proportional: null without an origin, or when following the wrong indicator", () => {
		expect(targetValue(hale, 2025, { followed: { indicator: lifeExpectancy } })).toBeNull();
		const wrong = { firstObserved: { year: 2021, value: 70 }, followed: { indicator: gps } };
		expect(targetValue(hale, 2025, wrong)).toBeNull();
	});

	it("null for a year the plan sets no target for", () => {
		expect(targetValue(maternalMortality, 2024)).toBeNull();
	});
});

describe("pathOrigin", () => {
	it("uses the baseline, the relative-change base year, or the first observation", () => {
		expect(pathOrigin(gps)).toEqual({ year: 2020, value: 1.8, source: "baseline" });
		expect(pathOrigin(prematureNcd)).toEqual({ year: 2015, value: 19.1, source: "base-year" });
		expect(pathOrigin(hale, { firstObserved: { year: 2022, value: 69 } })).toEqual({
			year: 2022,
			value: 69,
			source: "first-observed",
		});
		expect(pathOrigin(hale)).toBeNull();
	});
});

describe("expectedValue", () => {
	it("interpolates linearly from the baseline to the target (孕产妇死亡率 18 → 12)", () => {
		expect(expectedValue(maternalMortality, 2020)).toBe(18);
		expect(expectedValue(maternalMortality, 2023)).toBeCloseTo(14.4, 10);
		expect(expectedValue(maternalMortality, 2025)).toBeCloseTo(12, 10);
	});

	it("holds the origin before it and the last milestone after it", () => {
		expect(expectedValue(maternalMortality, 2018)).toBe(18);
		expect(expectedValue(maternalMortality, 2027)).toBe(12);
	});

	it("works with monthly fractional years (2023-06 is 2022.5)", () => {
		// act
		const value = expectedValue(gps, fractionalYear("2023-06"));
		// assert
		expect(value).toBeCloseTo(1.8 + 2.2 * 0.5, 10);
	});

	it("follows consecutive milestones (个人卫生支出 26.07 → 28左右 → 20左右)", () => {
		expect(expectedValue(oopShare, 2018)).toBeCloseTo(26.07 + 1.93 * 0.6, 10);
		expect(expectedValue(oopShare, 2020)).toBeCloseTo(28, 10);
		expect(expectedValue(oopShare, 2025)).toBeCloseTo(24, 10);
	});

	it("annual change is a straight line (近视率 −0.5 a year)", () => {
		expect(expectedValue(myopia, 2022)).toBeCloseTo(51.62, 10);
	});

	it("holds when the baseline already satisfies a threshold (婴儿死亡率 1.53 with ≤5)", () => {
		expect(expectedValue(infantMortality, 2023)).toBe(1.53);
	});

	it("holds when the baseline is already beyond a reach target (医师数 3.32 with 3)", () => {
		expect(expectedValue(doctorsBingtuan, 2025)).toBe(3.32);
	});

	it("relative change starts at the base year (19.1 in 2015 → 17.19 in 2020 → 13.37 in 2030)", () => {
		expect(expectedValue(prematureNcd, 2014)).toBe(19.1);
		expect(expectedValue(prematureNcd, 2020)).toBeCloseTo(17.19, 10);
		expect(expectedValue(prematureNcd, 2025)).toBeCloseTo(15.28, 10);
	});

	it("a continuous-improvement segment expects last year's actual, else holds the previous milestone", () => {
		expect(expectedValue(airQuality, 2018)).toBeCloseTo(78.4, 10);
		expect(expectedValue(airQuality, 2023, { previousYearValue: 86 })).toBe(86);
		expect(expectedValue(airQuality, 2023)).toBe(80);
	});

	it("is null without any origin", () => {
		expect(expectedValue(chronicNoBaseline, 2023)).toBeNull();
	});

	it("proportional: from the first observation to the scaled target", () => {
		// prepare
		const ctx = { firstObserved: { year: 2021, value: 70 }, followed: { indicator: lifeExpectancy, valueAtOrigin: 79.5 } };
		const target = (70 * 80.47) / 79.5;
		// act
		const mid = expectedValue(hale, 2023, ctx);
		// assert
		expect(mid).toBeCloseTo(70 + (target - 70) / 2, 10);
	});
});

describe("evaluateStatus: the one rule", () => {
	it("no-data when the actual is null, still reporting the path", () => {
		// act
		const result = evaluateStatus(maternalMortality, null, 2023);
		// assert
		expect(result.status).toBe("no-data");
		expect(result.expected).toBeCloseTo(14.4, 10);
		expect(result.targetValue).toBe(12);
		expect(result.gap).toBeNull();
	});

	it.each([
		[11, "achieved"],
		[12, "achieved"],
		[13, "on-track"],
		[14.4, "on-track"],
		[15.5, "behind"], // short by 1.1 of a planned 3.6
		[16.2, "behind"], // short by exactly half the planned change to date
		[17, "off-track"], // short by 2.6
		[19, "off-track"], // worse than the baseline
	])("孕产妇死亡率 18 → ≤12 at 2023: %d is %s", (actual, status) => {
		expect(evaluateStatus(maternalMortality, actual, 2023).status).toBe(status);
	});

	it("gap is what is still to go, in the good direction", () => {
		expect(evaluateStatus(maternalMortality, 15, 2023).gap).toBeCloseTo(3, 10);
		expect(evaluateStatus(maternalMortality, 10, 2023).gap).toBeCloseTo(-2, 10);
		expect(evaluateStatus(gps, 3, 2023).gap).toBeCloseTo(1, 10);
	});

	it.each([
		[4.2, "achieved"],
		[3.2, "on-track"], // path 3.12 in 2023
		[2.5, "behind"],
		[2.4, "off-track"],
		[1.7, "off-track"],
	])("每万人口全科医生数 1.80 → 4.00 at 2023: %d is %s", (actual, status) => {
		expect(evaluateStatus(gps, actual, 2023).status).toBe(status);
	});

	it.each([
		[50.1, "achieved"],
		[51.5, "on-track"], // path 51.62 in 2022
		[52.0, "behind"],
		[52.7, "off-track"],
	])("近视率 52.62 每年降低0.5个百分点 at 2022: %d is %s", (actual, status) => {
		expect(evaluateStatus(myopia, actual, 2022).status).toBe(status);
	});

	it.each([
		[7.6, "achieved"],
		[7.45, "achieved"], // within 1% of 7.50
		[7.4, "off-track"], // nothing was planned to change, so any real shortfall is off-track
	])("床位数 7.50 → 7.50 (maintain): %d is %s", (actual, status) => {
		expect(evaluateStatus(beds, actual, 2023).status).toBe(status);
	});

	it.each([
		[3, "achieved"],
		[5, "achieved"],
		[5.5, "off-track"],
	])("婴儿死亡率 1.53 → ≤5 (already satisfied): %d is %s", (actual, status) => {
		expect(evaluateStatus(infantMortality, actual, 2023).status).toBe(status);
	});

	it.each([
		[smokingAsReach, 23.3, "achieved"],
		[smokingAsReach, 23.0, "achieved"],
		[smokingAsReach, 23.5, "off-track"],
		[smokingAsCeiling, 23.3, "achieved"],
		[smokingAsCeiling, 24, "off-track"],
	])("吸烟率 22.40 → 23.30 is a ceiling: %#", (indicator, actual, status) => {
		expect(evaluateStatus(indicator, actual, 2023).status).toBe(status);
	});

	it.each([
		[2018, 27, "on-track"], // path 27.23: the plan let it rise towards 28左右
		[2025, 23, "on-track"], // path 24
		[2025, 25, "behind"], // short by 1 of a planned movement of 2.07
		[2025, 26.5, "off-track"],
		[2025, 20.8, "achieved"], // within 20 ± 1
		[2025, 18, "achieved"], // better than 20左右 counts too
		[2030, 21.5, "behind"], // short by 1.5 of a planned movement of 6.07
		[2030, 24, "off-track"],
	])("个人卫生支出 26.07 → 28左右 → 20左右 at %d: %d is %s", (at, actual, status) => {
		expect(evaluateStatus(oopShare, actual, at).status).toBe(status);
	});

	it.each([
		[2018, 17.9, "on-track"], // path 2018 ≈ 17.95
		[2018, 18.5, "behind"], // short by 0.55 of a planned 1.15
		[2025, 13.3, "achieved"], // ≤ 13.37
		[2025, 15.5, "behind"], // path 15.28, planned movement 3.82
		[2025, 18, "off-track"],
	])("重大慢性病过早死亡率 19.1 比2015年降低10%/30% at %d: %d is %s", (at, actual, status) => {
		// prepare: 2018 sits 3/5 of the way from 2015 to 2020
		const expected2018 = 19.1 + (17.19 - 19.1) * 0.6;
		// act
		const result = evaluateStatus(prematureNcd, actual, at);
		// assert
		expect(result.status).toBe(status);
		if (at === 2018) expect(result.expected).toBeCloseTo(expected2018, 10);
		expect(result.targetValue).toBeCloseTo(13.37, 10);
	});

	it.each([
		[2018, 79, {}, "on-track"], // path 78.4 towards >80
		[2018, 78, {}, "behind"],
		[2023, 85, { previousYearValue: 84 }, "achieved"], // >80 and better than last year
		[2023, 84, { previousYearValue: 84 }, "on-track"], // no worse than last year, but not yet better
		[2023, 82, { previousYearValue: 84 }, "behind"],
		[2023, 79, { previousYearValue: 84 }, "off-track"], // fell back below the 2020 bound
		[2023, 83, {}, "achieved"], // without last year's value, holding >80 is what can be checked
	])("空气质量优良天数比率 76 → >80 → 持续改善 at %d: %d %j is %s", (at, actual, ctx, status) => {
		expect(evaluateStatus(airQuality, actual, at, ctx).status).toBe(status);
	});

	it("continuous improvement equal to last year before the end is on-track, not achieved", () => {
		// prepare
		const ciOnly = pi("WATER", "increase", [2020, 90.5], [[2025, { kind: "continuous-improvement" }]]);
		// act
		const equal = evaluateStatus(ciOnly, 91, 2023, { previousYearValue: 91 });
		const better = evaluateStatus(ciOnly, 91.5, 2023, { previousYearValue: 91 });
		const noHistory = evaluateStatus(ciOnly, 91, 2023);
		// assert
		expect(equal.status).toBe("on-track");
		expect(better.status).toBe("achieved");
		expect(noHistory.status).toBe("achieved"); // better than the 90.5 baseline
	});

	it.each([
		[72, "achieved"],
		[70.5, "on-track"],
		[70.1, "off-track"],
	])("健康预期寿命 同比例提高 following 人均预期寿命 79.36 → 80.47: %d is %s", (actual, status) => {
		// prepare: first observed 70 in 2021, when life expectancy was 79.5
		const ctx = { firstObserved: { year: 2021, value: 70 }, followed: { indicator: lifeExpectancy, valueAtOrigin: 79.5 } };
		// act
		const result = evaluateStatus(hale, actual, 2023, ctx);
		// assert
		expect(result.status).toBe(status);
		expect(result.targetValue).toBeCloseTo((70 * 80.47) / 79.5, 10);
	});

	it("without any origin: achieved when the target is met, else behind (no path to judge pace)", () => {
		expect(evaluateStatus(chronicNoBaseline, 14, 2023).status).toBe("achieved");
		expect(evaluateStatus(chronicNoBaseline, 16, 2023).status).toBe("behind");
		expect(evaluateStatus(hale, 71, 2023).status).toBe("behind");
	});

	it("a strict bound hit exactly at the target year is behind, not on-track", () => {
		// prepare: 人均预期寿命 76.79 → >77 (2020) → >79 (2030)
		const le = pi("LE", "increase", [2015, 76.79], [
			[2020, { kind: "threshold", op: ">", value: 77 }],
			[2030, { kind: "threshold", op: ">", value: 79 }],
		]);
		// act + assert
		expect(evaluateStatus(le, 79, 2030).status).toBe("behind");
		expect(evaluateStatus(le, 79.01, 2030).status).toBe("achieved");
		expect(evaluateStatus(le, 79, 2029).status).toBe("on-track");
	});

	it("Healthy Bingtuan 婴儿死亡率 5.88 → ≤5 → ≤5 uses the 2020 milestone in 2018", () => {
		// act
		const result = evaluateStatus(bingtuanInfant, 5.3, 2018);
		// assert
		expect(result.expected).toBeCloseTo(5.352, 10);
		expect(result.status).toBe("on-track");
	});

	it("no targets at all gives no-data", () => {
		expect(evaluateStatus({ ...beds, targets: [] }, 7.5, 2023).status).toBe("no-data");
	});
});
