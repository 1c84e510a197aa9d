// Issue 16: the monthly email carries a short section on the indicators whose trend to the target year is
// unlikely to meet the target or at risk, unlikely first, and none when no projection says so.
import { describe, expect, it } from "vitest";
import type { Projection, ProgressRow } from "../../functions/core/api-types";
import { compileSummary } from "../../functions/summary/compile";
import { renderEmail } from "../../functions/summary/render";
import { report, row, summaryInput } from "./summary-fixtures";

const projection = (verdict: Projection["verdict"], value: number): Projection => ({
	method: "theil-sen",
	targetYear: 2030,
	value,
	low: value - 0.3,
	high: value + 0.3,
	requiredAnnualChange: 0.4,
	actualAnnualChange: 0.1,
	verdict,
	fromYear: 2020,
	toYear: 2025,
	points: 6,
});

const GP = row({ indicatorCode: "GP_PER_10K", order: 5, nature: "binding", direction: "increase", decimals: 2, expected: 3.3, zh: "每万人口全科医生数", en: "GPs per 10,000", uom: ["人", "per 10,000"], printed: "≥3.93", value: 2.47, status: "off-track" });
const LIFE = row({ indicatorCode: "LIFE_EXPECTANCY", order: 1, nature: "expected", direction: "increase", decimals: 2, expected: 79.4, zh: "人均预期寿命", en: "Life expectancy", uom: ["岁", "years"], printed: "79.9", value: 80.35, status: "achieved" });
const OOP = row({ indicatorCode: "OOP_SHARE", order: 9, nature: "expected", direction: "decrease", decimals: 2, expected: 23.3, zh: "个人卫生支出占卫生总费用的比重", en: "Out-of-pocket share", uom: ["%", "%"], printed: "20左右", value: 23.79, status: "behind" });

const compile = (rows: ProgressRow[], locale: "zh-CN" | "en" = "zh-CN") => compileSummary(summaryInput({ locale, current: report("2026-11", rows) }));

describe("trend risks in the monthly summary", () => {
	it("lists unlikely before at-risk, and leaves out indicators on trend", () => {
		const m = compile([
			{ ...OOP, projection: projection("at-risk", 21.48) },
			{ ...GP, projection: projection("unlikely", 3.1) },
			{ ...LIFE, projection: projection("likely", 81.2) },
		]);
		expect(m.trendRisks?.map((r) => [r.code, r.verdict])).toEqual([
			["GP_PER_10K", "unlikely"],
			["OOP_SHARE", "at-risk"],
		]);
		const mail = renderEmail(m, [], { xlsx: false });
		expect(mail.html).toContain("按趋势推算需关注的指标（2项）");
		expect(mail.html).toContain("每万人口全科医生数：按趋势难以达成，2030年约为3.10人（区间2.80–3.40）");
		expect(mail.text).toContain("个人卫生支出占卫生总费用的比重：有风险");
		expect(mail.html).not.toContain("人均预期寿命：");
	});

	it("has no section when no projection is at risk, and speaks English for en", () => {
		expect(compile([{ ...LIFE, projection: projection("likely", 81.2) }]).trendRisks).toEqual([]);
		const en = renderEmail(compile([{ ...GP, projection: projection("unlikely", 3.1) }], "en"), [], { xlsx: false });
		expect(en.text).toContain("On trend, needing attention (1)");
		expect(en.text).toContain("unlikely on trend, about 3.10 per 10,000 in 2030");
	});
});
