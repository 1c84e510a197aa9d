// Projection to the target year: Theil–Sen on hand-computed series, the outlier that least squares follows
// and Theil–Sen ignores, needed-vs-achieved annual change against worked examples, and the verdicts.
import { describe, expect, it } from "vitest";
import { annualChange, leastSquares, meetsTargetValue, project, projectPlanIndicator, projectionYears, projectTo, theilSen, valueBounds, type YearValue } from "../../functions/core/projection";

const series = (from: number, values: number[]): YearValue[] => values.map((value, i) => ({ year: from + i, value }));

describe("Theil–Sen", () => {
	it("recovers an exact line, with a band of zero width", () => {
		// prepare
		const points = series(2020, [10, 12, 14, 16, 18]);
		// act
		const fit = theilSen(points);
		// assert
		expect(fit?.slope).toBe(2);
		expect(fit?.intercept).toBe(-4030);
		expect(fit && projectTo(fit, points, 2025)).toEqual({ value: 20, low: 20, high: 20 });
	});

	it("ignores an outlier year that least squares follows", () => {
		// 2023 is 30 on a line that rises by 1 a year. Pairwise slopes, sorted:
		// −16, 1, 1, 1, 1, 1, 1, 6.67, 9.5, 18 → median 1. Intercepts v − 1·y: −2010 four times, −1993 once → −2010.
		// Least squares: x̄ 2022, ȳ 15.4, Sxy = 27, Sxx = 10 → slope 2.7.
		const points = series(2020, [10, 11, 12, 30, 14]);
		const fit = theilSen(points);
		expect(fit?.slope).toBe(1);
		expect(fit?.intercept).toBe(-2010);
		expect(fit && projectTo(fit, points, 2025).value).toBe(15);
		const ls = leastSquares(points);
		expect(ls.slope).toBeCloseTo(2.7, 12);
		// Least squares projects 15.4 + 2.7 × 3 = 23.5 for 2025; the robust trend stays on the line.
		expect(ls.intercept + ls.slope * 2025).toBeCloseTo(23.5, 9);
	});

	it("needs three distinct years", () => {
		expect(theilSen(series(2020, [1, 2]))).toBeNull();
		expect(theilSen([{ year: 2020, value: 1 }, { year: 2020, value: 2 }, { year: 2021, value: 3 }])).toBeNull();
		expect(theilSen(series(2020, [1, 2, 4]))).not.toBeNull();
	});

	it("takes the band from Sen's rank interval: the whole slope range with 3 points, trimmed with 6", () => {
		// n = 3: slopes 1, 1.5, 2; C = 1.645·√(3·2·11/18) = 3.15. Low rank max(1, ⌊(3 − 3.15)/2⌋) = 1 → 1;
		// high rank min(3, ⌈(3 + 3.15)/2⌉ + 1) = 3 → 2.
		const three = theilSen(series(2021, [10, 11, 13]));
		expect(three?.slopes).toEqual([1, 1.5, 2]);
		expect([three?.slopeLow, three?.slopeHigh]).toEqual([1, 2]);
		// n = 6: N = 15, C = 1.645·√(6·5·17/18) = 8.757 → ranks ⌊3.12⌋ = 3 and ⌈11.88⌉ + 1 = 13.
		const six = theilSen(series(2020, [1, 3, 2, 5, 4, 9]));
		expect(six?.slopes).toHaveLength(15);
		expect(six?.slopeLow).toBe(six?.slopes[2]);
		expect(six?.slopeHigh).toBe(six?.slopes[12]);
	});
});

describe("needed against achieved annual change (需年均变化 vs 实际年均变化)", () => {
	it("每万人口全科医生数 1.80 (2020) → 4.00 (2025), 2.60 in 2023", () => {
		// Needed: (4.00 − 2.60) / 2 = 0.70 a year; compound (4.00/2.60)^(1/2) − 1 = 24.03 %.
		// Achieved: (2.60 − 1.80) / 3 = 0.2667 a year; compound (2.60/1.80)^(1/3) − 1 = 13.04 %.
		const needed = annualChange({ year: 2023, value: 2.6 }, { year: 2025, value: 4 });
		const achieved = annualChange({ year: 2020, value: 1.8 }, { year: 2023, value: 2.6 });
		expect(needed?.absolute).toBeCloseTo(0.7, 12);
		expect(needed?.rate).toBeCloseTo(0.2403, 4);
		expect(achieved?.absolute).toBeCloseTo(0.26667, 5);
		expect(achieved?.rate).toBeCloseTo(0.1304, 4);
	});

	it("has no rate across zero and no change when the years do not advance", () => {
		expect(annualChange({ year: 2020, value: 0 }, { year: 2022, value: 4 })).toEqual({ absolute: 2, rate: null });
		expect(annualChange({ year: 2025, value: 1 }, { year: 2025, value: 2 })).toBeNull();
	});

	it("近视率 52.62 down 0.5 a year (50.12 in 2025), 51.90 in 2023: needs −0.89 a year, managed −0.24, unlikely", () => {
		// Slopes: −0.32, −0.31, −0.30, −0.24, −0.20, −0.10 → median −0.27. Intercepts v + 0.27·y:
		// 598.02, 597.97, 597.94, 598.11 → 597.995; 2025: 597.995 − 0.27 × 2025 = 51.245.
		// Band (n = 4, all six slopes): through (2021.5, 52.15): 52.15 − 0.32 × 3.5 = 51.03 and 52.15 − 0.10 × 3.5 = 51.80.
		const r = project({
			points: series(2020, [52.62, 52.3, 52.0, 51.9]),
			targetYear: 2025,
			targetValue: 50.12,
			target: { kind: "annual-change", perYear: -0.5 },
			direction: "decrease",
			baseline: { year: 2020, value: 52.62 },
		});
		expect(r?.slope).toBeCloseTo(-0.27, 9);
		expect(r?.value).toBeCloseTo(51.245, 9);
		expect(r?.low).toBeCloseTo(51.03, 9);
		expect(r?.high).toBeCloseTo(51.8, 9);
		expect(r?.requiredAnnualChange).toBeCloseTo(-0.89, 9);
		expect(r?.actualAnnualChange).toBeCloseTo(-0.24, 9);
		expect(r?.verdict).toBe("unlikely");
	});
});

describe("verdict", () => {
	const reach15 = { targetYear: 2025, targetValue: 15, target: { kind: "reach", value: 15 } as const, direction: "increase" as const };

	it("is at risk when the band straddles the target", () => {
		// 10, 11, 13 (2021–2023): slope 1.5, value 16 in 2025; band through (2022, 11) with slopes 1 and 2: 14 to 17.
		const r = project({ ...reach15, points: series(2021, [10, 11, 13]) });
		expect([r?.value, r?.low, r?.high]).toEqual([16, 14, 17]);
		expect(r?.verdict).toBe("at-risk");
	});

	it("is likely when the whole band meets it, and unlikely when none of it does", () => {
		expect(project({ ...reach15, points: series(2021, [12, 13, 14]) })?.verdict).toBe("likely");
		expect(project({ ...reach15, points: series(2021, [8, 8.5, 9]) })?.verdict).toBe("unlikely");
	});

	it("reads a ceiling the right way round: ≤12 with a falling rate", () => {
		const r = project({ points: series(2021, [16, 14, 12.5]), targetYear: 2025, targetValue: 12, target: { kind: "threshold", op: "<=", value: 12 }, direction: "decrease" });
		expect(r?.value).toBeLessThan(12);
		expect(r?.verdict).toBe("likely");
	});

	it("says so instead of pretending for maintain and continuous improvement", () => {
		const points = series(2020, [7.5, 7.4, 7.3]);
		const maintain = project({ points, targetYear: 2025, targetValue: 7.5, target: { kind: "maintain" }, direction: "increase" });
		expect(maintain?.verdict).toBe("not-applicable");
		expect(maintain?.reason).toBe("target-kind");
		expect(maintain?.requiredAnnualChange).toBeNull();
		const improve = project({ points, targetYear: 2030, targetValue: null, target: { kind: "continuous-improvement" }, direction: "increase" });
		expect(improve?.reason).toBe("target-kind");
	});

	it("is not applicable once the target year has data, or when the target's number is unknown", () => {
		const passed = project({ ...reach15, points: series(2021, [10, 11, 12, 13, 14]) });
		expect(passed?.toYear).toBe(2025);
		expect(passed?.reason).toBe("target-year-passed");
		expect(project({ ...reach15, targetValue: null, points: series(2021, [10, 11, 12]) })?.reason).toBe("no-target-value");
	});

	it("keeps a rate at or above 0 and a share at or below 100", () => {
		// Maternal deaths 1, 0, 1 per ~2,000 births: 50, 0, 50 per 100,000; the band's low line runs below 0.
		const mmr = project({ points: series(2021, [50, 0, 50]), targetYear: 2025, targetValue: 12, target: { kind: "threshold", op: "<=", value: 12 }, direction: "decrease", bounds: valueBounds({ zh: "/10万" }) });
		expect(mmr?.low).toBe(0);
		const share = project({ points: series(2021, [97, 98.5, 99.6]), targetYear: 2030, targetValue: 90, target: { kind: "threshold", op: ">=", value: 90 }, direction: "increase", bounds: valueBounds({ zh: "%" }) });
		expect(share?.high).toBe(100);
		expect(share?.value).toBe(100);
	});

	it("gives nothing with fewer than three yearly values", () => {
		expect(project({ ...reach15, points: series(2023, [10, 11]) })).toBeNull();
	});

	it("counts 左右 tolerance and strict bounds as the status rule does", () => {
		const about = { kind: "approximately", value: 45, tolerance: 1 } as const;
		expect(meetsTargetValue(44.2, 45, about, "increase")).toBe(true);
		expect(meetsTargetValue(43.9, 45, about, "increase")).toBe(false);
		expect(meetsTargetValue(80, 80, { kind: "threshold", op: ">", value: 80 }, "increase")).toBe(false);
		expect(meetsTargetValue(23.3, 23.3, { kind: "threshold", op: "<=", value: 23.3 }, "decrease")).toBe(true);
	});
});

describe("projection for /api/progress", () => {
	it("uses complete years only: never the current year, and not the period's own year when it is a month", () => {
		expect(projectionYears(2020, "2026-11", 2026)).toEqual(["2020", "2021", "2022", "2023", "2024", "2025"]);
		expect(projectionYears(2020, "2023", 2026)).toEqual(["2020", "2021", "2022", "2023"]);
		expect(projectionYears(2020, "2023-06", 2026)).toEqual(["2020", "2021", "2022"]);
		expect(projectionYears(2020, "2026", 2026)).toHaveLength(6);
		expect(projectionYears(2020, "2022-03", 2026)).toEqual([]);
	});

	it("projects a plan indicator to its final target year and measures achieved change from its baseline", () => {
		const gp = { targets: [{ year: 2025, target: { kind: "reach" as const, value: 4 } }], direction: "increase" as const, baseline: { year: 2020, value: 1.8 } };
		const p = projectPlanIndicator(gp, 4, series(2021, [2.1, 2.35, 2.6]));
		expect(p?.targetYear).toBe(2025);
		expect(p?.actualAnnualChange).toBeCloseTo(0.8 / 3, 9);
		expect(p?.requiredAnnualChange).toBeCloseTo(0.7, 9);
		expect(p?.verdict).toBe("unlikely");
		expect(p && "slope" in p).toBe(false);
		expect(projectPlanIndicator({ ...gp, targets: [] }, 4, series(2021, [2.1, 2.35, 2.6]))).toBeNull();
	});
});
