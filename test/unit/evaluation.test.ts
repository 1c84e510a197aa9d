// The plan evaluation core on hand-made figures for the 十四五 plan: progress per target kind, the
// 时间过半、任务过半 test (hand-computed), 达成/未达成, grouping, the resource gap and the written paragraphs.
import { describe, expect, it } from "vitest";
import type { BreakdownRow, EvaluationRow, ProgressRow, SeriesPoint } from "../../functions/core/api-types";
import { codeCatalog } from "../../functions/core/catalog";
import { breakdownCodes, buildEvaluation, countedNoun, elapsedShare, type EvaluationInput, evaluationKind, resourceElement, resourceGapLine } from "../../functions/core/evaluation";
import type { Plan } from "../../functions/core/types";

const catalog = codeCatalog();
const plan = catalog.plans.find((p) => p.id === "tmg-14th") as Plan;
const indicatorByCode = new Map(catalog.indicators.map((i) => [i.code, i]));
const elementByCode = new Map(catalog.elements.map((e) => [e.code, e]));

/** A progress row with just what the evaluation reads. */
const progressRow = (code: string, value: number | null, extra: Partial<ProgressRow> = {}): ProgressRow =>
	({ indicatorCode: code, value, numerator: null, denominator: null, status: "on-track", coverage: { reported: 1, expected: 1 }, provisional: false, ...extra }) as ProgressRow;

const yearly = (from: number, values: (number | null)[]): SeriesPoint[] =>
	values.map((value, i) => ({ period: String(from + i), value, numerator: null, denominator: null, expected: null, coverage: { reported: 1, expected: 1 }, provisional: false }));

const input = (year: number, values: Record<string, (number | null)[]>, extra: Partial<EvaluationInput> = {}): EvaluationInput => ({
	plan,
	indicatorByCode,
	elementByCode,
	org: { id: "div", name: { zh: "第二师铁门关市", en: "2nd Division" }, level: "division" },
	year,
	progress: Object.entries(values).map(([code, v]) => progressRow(code, v.at(year - 2020) ?? null)),
	series: Object.fromEntries(Object.entries(values).map(([code, v]) => [code, yearly(2020, v)])),
	currentYear: 2026,
	asOf: "2026-12-01T00:00:00.000Z",
	generatedAt: "2026-12-06T00:00:00.000Z",
	approvedOnly: false,
	...extra,
});

const rowOf = (report: ReturnType<typeof buildEvaluation>, code: string): EvaluationRow => {
	const r = report.groups.flatMap((g) => g.rows).find((x) => x.indicatorCode === code);
	if (!r) throw new Error(`no row ${code}`);
	return r;
};

describe("kind and elapsed time", () => {
	it("is mid-term before the target year and final from it; 2023 is 3 of 5 years", () => {
		expect(evaluationKind(plan, 2023)).toBe("mid-term");
		expect(evaluationKind(plan, 2025)).toBe("final");
		expect(evaluationKind(plan, 2026)).toBe("final");
		expect(elapsedShare(plan, 2023)).toBeCloseTo(0.6, 12);
		expect(elapsedShare(plan, 2019)).toBe(0);
		expect(elapsedShare(plan, 2030)).toBe(1);
	});
});

describe("mid-term 2023: 时间过半、任务过半", () => {
	// Hand-computed, elapsed share (2023 − 2020) / (2025 − 2020) = 0.6:
	// - 每万人口全科医生数 1.80 → 4.00, 2.60 in 2023: progress (2.60 − 1.80) / (4.00 − 1.80) = 0.3636 < 0.6 → fails.
	// - 孕产妇死亡率 18 → ≤12, 14.0 in 2023: progress (18 − 14) / (18 − 12) = 0.6667 ≥ 0.6 → passes.
	// - 近视率 52.62, −0.5 a year → 50.12: 51.10 in 2023: (52.62 − 51.10) / 2.5 = 0.608 → passes; 51.20: 0.568 → fails.
	const report = buildEvaluation(
		input(2023, {
			GPS_PER_10000: [1.81, 2.1, 2.35, 2.6],
			MMR: [18, 16, 15, 14],
			MYOPIA_PREVALENCE: [52.62, 52.1, 51.6, 51.1],
			IMR: [1.53, 1.8, 2.2, 2.0],
			BEDS_PER_1000: [7.5, 7.48, 7.46, 7.45],
			PHYSICIANS_PER_1000: [3.64, 3.6, 3.55, 3.5],
		}),
	);

	it("computes progress and the test for two indicators as by hand", () => {
		const gp = rowOf(report, "GPS_PER_10000");
		expect(gp.progressRule).toBe("ratio");
		expect(gp.progress).toBeCloseTo(0.8 / 2.2, 9);
		expect(gp.halfway).toEqual({ elapsed: expect.closeTo(0.6, 9), passed: false });
		const mmr = rowOf(report, "MMR");
		expect(mmr.progress).toBeCloseTo(4 / 6, 9);
		expect(mmr.halfway?.passed).toBe(true);
		expect(mmr.met).toBeUndefined();
	});

	it("measures an annual-change target against its own target value", () => {
		const myopia = rowOf(report, "MYOPIA_PREVALENCE");
		expect(myopia.targetValue).toBeCloseTo(50.12, 9);
		expect(myopia.progress).toBeCloseTo(1.52 / 2.5, 9);
		expect(myopia.halfway?.passed).toBe(true);
		const worse = buildEvaluation(input(2023, { MYOPIA_PREVALENCE: [52.62, 52.3, 52.0, 51.2] }));
		expect(rowOf(worse, "MYOPIA_PREVALENCE").progress).toBeCloseTo(1.42 / 2.5, 9);
		expect(rowOf(worse, "MYOPIA_PREVALENCE").halfway?.passed).toBe(false);
	});

	it("holds a target already met at the baseline, and keeps a maintain target within 1 %", () => {
		const imr = rowOf(report, "IMR");
		expect(imr.progressRule).toBe("hold");
		expect(imr.progress).toBeNull();
		expect(imr.halfway?.passed).toBe(true);
		expect(rowOf(report, "BEDS_PER_1000").progressRule).toBe("maintain");
		expect(rowOf(report, "BEDS_PER_1000").halfway?.passed).toBe(true);
		// 3.50 is 4.1 % under 3.65: not kept.
		expect(rowOf(report, "PHYSICIANS_PER_1000").halfway?.passed).toBe(false);
	});

	it("cannot judge an indicator with no data", () => {
		const r = rowOf(report, "LIFE_EXP");
		expect(r.value).toBeNull();
		expect(r.halfway?.passed).toBeNull();
		expect(report.counts.halfwayUnjudged).toBeGreaterThan(0);
	});

	it("projects the GP trend to 2025 and finds it unlikely", () => {
		// Slopes of 1.81, 2.10, 2.35, 2.60 are 0.25–0.29 a year: about 3.1 in 2025, far under 4.00.
		const p = rowOf(report, "GPS_PER_10000").projection;
		expect(p?.targetYear).toBe(2025);
		expect(p?.value).toBeGreaterThan(3);
		expect(p?.value).toBeLessThan(3.2);
		expect(p?.requiredAnnualChange).toBeCloseTo(0.7, 9);
		expect(p?.actualAnnualChange).toBeCloseTo(0.8 / 3, 9);
		expect(p?.verdict).toBe("unlikely");
		expect(rowOf(report, "BEDS_PER_1000").projection?.verdict).toBe("not-applicable");
	});

	it("writes the overall paragraph from the counts", () => {
		expect(report.kind).toBe("mid-term");
		expect(report.paragraphs.overall.zh).toContain("2023年为规划期第3年，时间进度60%");
		expect(report.paragraphs.overall.zh).toContain(`${report.counts.halfwayPassed}项指标达到“时间过半、任务过半”要求`);
		expect(report.paragraphs.overall.en).toContain("year 3 of the plan period, 60% of the time");
		expect(report.counts.halfwayPassed).toBe(4); // MMR, myopia, IMR, beds
		expect(report.counts.halfwayFailed).toBe(2); // GPs, physicians
	});

	it("names the binding indicators with their figures", () => {
		expect(report.paragraphs.binding.zh).toContain("每万人口全科医生数：基线1.80（2020年），目标4.00，2023年2.60人，完成目标进度36%，未达到时间过半、任务过半要求。");
		expect(report.paragraphs.binding.zh).toContain("近视率");
	});

	it("puts the largest shortfall first in 主要问题", () => {
		// GPs are 0.6 − 0.364 = 0.24 behind the pace; physicians are 4 % under a maintain target.
		expect(report.paragraphs.problems.zh.startsWith("（1）每万人口全科医生数（约束性）2023年为2.60人")).toBe(true);
		expect(report.paragraphs.problems.zh).toContain("需年均变化0.70，实际年均变化0.27");
		// One line per problem: the renderers make each its own paragraph.
		const lines = report.paragraphs.problems.zh.split("\n");
		expect(lines[0]?.startsWith("（1）")).toBe(true);
		expect(lines[1]?.startsWith("（2）")).toBe(true);
		expect(report.paragraphs.problems.en.split("\n")).toHaveLength(lines.length);
	});
});

describe("final 2025", () => {
	const report = buildEvaluation(
		input(2025, {
			GPS_PER_10000: [1.81, 2.1, 2.35, 2.6, 2.9, 3.1],
			MMR: [18, 16, 15, 14, 12.5, 11.9],
			OOP_HEALTH_SPENDING_SHARE: [26, 25, 24.5, 24, 24, 23.5],
		}),
	);

	it("says 达成 / 未达成 and counts binding misses", () => {
		expect(report.kind).toBe("final");
		expect(rowOf(report, "GPS_PER_10000").met).toBe(false);
		expect(rowOf(report, "MMR").met).toBe(true);
		expect(rowOf(report, "OOP_HEALTH_SPENDING_SHARE").met).toBe(true);
		expect(rowOf(report, "GPS_PER_10000").halfway).toBeUndefined();
		expect(report.counts).toMatchObject({ met: 2, notMet: 1, bindingNotMet: 1 });
		expect(report.paragraphs.overall.zh).toContain("已达成2项，未达成1项");
		expect(report.paragraphs.overall.zh).toContain("约束性指标中1项未达成（每万人口全科医生数）");
		expect(rowOf(report, "GPS_PER_10000").projection?.reason).toBe("target-year-passed");
	});

	it("groups by domain in printed order with binding rows first", () => {
		expect(report.groups.map((g) => g.group)).toEqual(["health-status", "healthy-living", "health-services", "health-security"]);
		const services = report.groups.find((g) => g.group === "health-services")?.rows.map((r) => r.indicatorCode) ?? [];
		expect(services.slice(0, 2)).toEqual(["GPS_PER_10000", "MYOPIA_PREVALENCE"]);
		expect(services[2]).toBe("BEDS_PER_1000");
		expect(report.groups.flatMap((g) => g.rows)).toHaveLength(plan.indicators.length);
	});
});

describe("resource gap (差距测算)", () => {
	it("turns a per-capita target into a count at today's population, for the division and per 垦区", () => {
		expect(resourceElement(indicatorByCode.get("GPS_PER_10000") as never)).toBe("GPS");
		expect(resourceElement(indicatorByCode.get("MMR") as never)).toBeNull();
		expect(countedNoun({ zh: "实有床位数", en: "Beds in use" })).toEqual({ zh: "床位", en: "beds in use" });
		expect(countedNoun({ zh: "其中：中医类别执业（助理）医师数", en: "of which: TCM physicians" }).zh).toBe("中医类别执业（助理）医师");
		// 4.00 per 10,000 of 231,580 = 92.632 → 93 GPs; with 60 there are 33 to find.
		expect(resourceGapLine({ orgUnit: "div", name: { zh: "师", en: "div" } }, 4, 10_000, 60, 231_580)).toMatchObject({ required: 93, needed: 33 });
		// Exactly on the target: nothing needed (and no rounding up from float noise).
		expect(resourceGapLine({ orgUnit: "x", name: { zh: "x", en: "x" } }, 7.5, 1000, 1500, 200_000).needed).toBe(0);

		const area = (orgUnit: string, zh: string, num: number, den: number): BreakdownRow & { level: string } =>
			({ orgUnit, name: { zh, en: orgUnit }, value: (num / den) * 10_000, numerator: num, denominator: den, coverage: { reported: 1, expected: 1 }, provisional: false, breach: false, level: "area" }) as BreakdownRow & {
				level: string;
			};
		const base = input(2023, { GPS_PER_10000: [1.81, 2.1, 2.35, 2.6] });
		base.progress = [progressRow("GPS_PER_10000", 2.6, { numerator: 60, denominator: 231_580 })];
		expect(breakdownCodes(base)).toContain("GPS_PER_10000");
		const report = buildEvaluation({ ...base, breakdowns: { GPS_PER_10000: [area("korla", "库尔勒垦区", 40, 120_000), area("tarim", "塔里木垦区", 20, 111_580)] } });
		const gap = rowOf(report, "GPS_PER_10000").gap;
		expect(gap?.division).toMatchObject({ population: 231_580, current: 60, required: 93, needed: 33 });
		// 库尔勒 4 × 12 = 48 → 8 more; 塔里木 4 × 11.158 = 44.6 → 45 → 25 more.
		expect(gap?.areas.map((a) => [a.orgUnit, a.needed])).toEqual([
			["korla", 8],
			["tarim", 25],
		]);
		expect(report.paragraphs.problems.zh).toContain("尚需增加全科医生33人，其中塔里木垦区25人、库尔勒垦区8人。");
		expect(report.paragraphs.problems.zh).toContain("分垦区看，未达目标的垦区有库尔勒垦区、塔里木垦区，塔里木垦区最低（1.79）。");
	});
});

describe("数据说明", () => {
	it("names provisional and small-number figures, and the baselines taken from the platform", () => {
		const base = input(2023, { MMR: [18, 16, 15, 14], NCD_PREMATURE_MORTALITY: [16, 15.8, 15.5, 15.2], IMMUNISATION_RATE: [95, 96, 97, 97.9] });
		base.progress = [
			progressRow("MMR", 14, { interval: { method: "poisson", low: 2.9, high: 41, events: 3, level: 0.95 }, caution: "few-events" }),
			// An interval on 35,974 events is no caveat: it is not named.
			progressRow("IMMUNISATION_RATE", 97.9, { interval: { method: "wilson", low: 97.79, high: 98.08, events: 35_974, level: 0.95 } }),
			progressRow("NCD_PREMATURE_MORTALITY", 15.2, { provisional: true, status: "provisional" }),
		];
		const report = buildEvaluation(base);
		expect(report.paragraphs.data.zh).toContain("重大慢性病过早死亡率的报告覆盖不足，数值为暂定值。");
		expect(report.paragraphs.data.zh).toContain("孕产妇死亡率（95%区间2.9～41.0，事件数3）基于少量事件");
		expect(report.paragraphs.data.zh).toContain("规划未列基线，以2020年平台数据为起点计算进度");
		expect(report.paragraphs.data.zh).not.toContain("适龄儿童国家免疫规划疫苗接种率（95%区间");
		expect(rowOf(report, "NCD_PREMATURE_MORTALITY").origin).toEqual({ year: 2020, value: 16, source: "first-observed" });
		expect(rowOf(report, "NCD_PREMATURE_MORTALITY").status).toBe("provisional");
		// A provisional year is left out of the projection's points.
		expect(report.counts.provisional).toBe(1);
	});
});
