import { describe, expect, it } from "vitest";
import { buildQualityFlags, compileSummary, consistencyOverTime, detectOutliers } from "../../functions/summary/compile";
import { summaryInput } from "./summary-fixtures";

describe("compileSummary", () => {
	it("puts binding alerts first, off track before behind, then the rest in plan order", () => {
		const m = compileSummary(summaryInput());

		expect(m.bindingAlerts.map((i) => [i.code, i.status])).toEqual([
			["MATERNAL_MORTALITY", "off-track"],
			["DOCTORS_PER_1K", "behind"],
			["GP_PER_10K", "behind"],
		]);
		expect(m.indicators.map((i) => i.code)).toEqual([
			"MATERNAL_MORTALITY",
			"DOCTORS_PER_1K",
			"GP_PER_10K",
			"LIFE_EXPECTANCY",
			"HEALTH_LITERACY",
			"INFANT_MORTALITY",
			"MATERNAL_MGMT",
		]);
	});

	it("counts statuses and carries value, target, expected and changes", () => {
		const m = compileSummary(summaryInput());

		expect(m.counts).toEqual({ achieved: 2, "on-track": 1, behind: 2, "off-track": 1, uncertain: 0, provisional: 0, "no-data": 1 });
		const gp = m.indicators.find((i) => i.code === "GP_PER_10K");
		expect(gp).toMatchObject({ name: "每万人口全科医生数", uom: "人", nature: "binding", value: 3.05, target: "≥3.93", expected: 3.3, previousStatus: "behind" });
		expect(gp?.changeSinceLastMonth).toBeCloseTo(0.05, 10);
		expect(gp?.changeSinceBaseline).toBeCloseTo(0.15, 10);
		const mgmt = m.indicators.find((i) => i.code === "MATERNAL_MGMT");
		expect(mgmt?.changeSinceLastMonth).toBeNull();
	});

	it("lists missing (and draft-only), late, returned and pending units with their comments", () => {
		const m = compileSummary(summaryInput());

		expect(m.missingUnits.map((u) => u.unitName)).toEqual(["二十四团医院", "中心血站"]);
		expect(m.lateUnits.map((u) => u.unitId)).toEqual(["u5"]);
		expect(m.returnedSubmissions).toEqual([{ unitId: "u3", unitName: "二十二团医院", reviewComment: "床位数与上月差异过大，请核实", comment: "新院区投入使用" }]);
		expect(m.pendingApprovals).toEqual([{ unitId: "u2", unitName: "二十一团医院", submittedAt: "2025-07-05T02:00:00Z", comment: "已按新口径填报" }]);
		expect(m.reporting.units).toHaveLength(6);
	});

	it("writes the highlights as Chinese sentences computed from the data", () => {
		const m = compileSummary(summaryInput());

		expect(m.highlights).toEqual([
			"约束性指标共5项，其中1项偏离目标、2项落后于规划进度：孕产妇死亡率、每千人口执业（助理）医师数、每万人口全科医生数。",
			"本月应报6个单位，已报4个，报告率66.7%（WHO标准≥90%，未达标）；及时率50.0%（标准≥75%，未达标）。",
			// Largest relative worsening (+18 %) and improvement (−10.9 %).
			"孕产妇死亡率较上月上升2.2（/10万），仍偏离规划目标。",
			"婴儿死亡率较上月下降0.50个千分点，已达到规划目标。",
			"本月新达标：婴儿死亡率。",
			"本月新转为偏离目标：孕产妇死亡率。",
		]);
	});

	it("describes a single improving indicator as in the plan's own words", () => {
		const input = summaryInput();
		// Only the GP figure moves this month.
		input.previous = { ...input.current, rows: input.current.rows.map((r) => (r.indicatorCode === "GP_PER_10K" ? { ...r, value: 3.0 } : r)) };

		const m = compileSummary(input);

		expect(m.highlights).toContain("每万人口全科医生数较上月提高0.05人，仍落后于规划进度。");
	});

	it("says when reporting meets the WHO thresholds and when binding indicators are all fine", () => {
		const input = summaryInput();
		input.completeness = { ...input.completeness, expected: 20, reported: 19, onTime: 16, reportingRate: 0.95, timelinessRate: 0.8 };
		input.current = { ...input.current, rows: input.current.rows.map((r) => (r.nature === "binding" && r.status !== "no-data" ? { ...r, status: "on-track" } : r)) };

		const m = compileSummary(input);

		expect(m.bindingAlerts).toEqual([]);
		expect(m.highlights[0]).toBe("约束性指标中可判断的4项均已达标或符合规划进度（1项暂无数据）。");
		expect(m.highlights[1]).toBe("本月应报20个单位，已报19个，报告率95.0%（WHO标准≥90%，达标）；及时率80.0%（标准≥75%，达标）。");
	});

	it("has no month-on-month highlights in the plan's first month", () => {
		const m = compileSummary(summaryInput({ previous: null }));

		expect(m.highlights).toHaveLength(2);
		expect(m.indicators.every((i) => i.changeSinceLastMonth === null && i.previousStatus === null)).toBe(true);
	});

	it("writes English when the locale is en", () => {
		const m = compileSummary(summaryInput({ locale: "en" }));

		expect(m.planName).toBe("2nd Division 14th Five-Year Health Plan");
		expect(m.highlights[0]).toBe(
			"1 of 5 binding indicators is off track and 2 behind the plan path: Maternal mortality ratio, Doctors per 1,000 population, GPs per 10,000 population.",
		);
		expect(m.highlights).toContain("Infant mortality rate fell by 0.50‰ from last month; the target is met.");
		expect(m.missingUnits.map((u) => u.unitName)).toEqual(["u4", "u6"]);
	});

	it("links the dashboard with plan, org and period", () => {
		const m = compileSummary(summaryInput({ dashboardUrl: "https://monitor.example.cn/dashboard?tab=progress" }));

		const url = new URL(m.dashboardUrl);
		expect(Object.fromEntries(url.searchParams)).toEqual({ tab: "progress", plan: "plan-14th", org: "div2", period: "2025-06" });
	});
});

describe("data quality (WHO DQR defaults)", () => {
	it("flags ±2 SD as moderate and ±3 SD as extreme outliers", () => {
		const values = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 160];

		const out = detectOutliers(values);

		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ index: 11, value: 160, severity: "extreme", method: "sd" });
		expect(out[0]?.score).toBeGreaterThan(3);
		// With n points no z-score can exceed (n−1)/√n, so "extreme" needs a longer series than 10 months.
		expect(detectOutliers([...Array(19).fill(10), 13])[0]?.severity).toBe("extreme");
		expect(detectOutliers([...Array(9).fill(10), 13])[0]?.severity).toBe("moderate");
		expect(detectOutliers([10, 12, 11, 9, 10, 11, 10, 9, 15])).toMatchObject([{ index: 8, severity: "moderate" }]);
	});

	it("uses 5 × MAD from the median, which one huge value cannot mask", () => {
		const values = [50, 52, 48, 51, 49, 5000];

		expect(detectOutliers(values, { method: "mad" })).toMatchObject([{ index: 5, method: "mad" }]);
		expect(detectOutliers([50, 52, 48, 51, 49, 55], { method: "mad" })).toEqual([]);
	});

	it("ignores unreported months, flat series and short series", () => {
		expect(detectOutliers([5, 5, 5, 5, 5, 5])).toEqual([]);
		expect(detectOutliers([1, 100, null])).toEqual([]);
		expect(detectOutliers([null, 100, 101, 99, 100, 100, 102, 98, 100, 300])).toMatchObject([{ index: 9 }]);
	});

	it("checks consistency over time against the mean of the 3 preceding years (±33 %)", () => {
		expect(consistencyOverTime(1340, [1000, 1000, 1000])).toMatchObject({ reference: 1000, years: 3, flagged: true });
		expect(consistencyOverTime(1330, [1000, 1000, 1000])?.flagged).toBe(false);
		expect(consistencyOverTime(660, [900, 1000, 1100])?.flagged).toBe(true);
		// Only the last three years count.
		expect(consistencyOverTime(100, [5000, 100, 100, 100])?.flagged).toBe(false);
		expect(consistencyOverTime(null, [1, 2, 3])).toBeNull();
		expect(consistencyOverTime(5, [0, 0, 0])).toBeNull();
		expect(consistencyOverTime(5, [null, null])).toBeNull();
	});

	it("builds flags for the summary month only, with a plain sentence", () => {
		const monthly = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"].map((period, i) => ({ period, value: i === 2 ? 900 : 100 + i }));
		const base = { unitId: "u1", unitName: "第二师医院", code: "OUTPATIENT_VISITS", elementName: "门诊人次" };

		const march = buildQualityFlags({ locale: "zh-CN", month: "2025-03", items: [{ ...base, monthly, yearly: { current: 1500, preceding: [1000, 1050, 980] } }] });
		const june = buildQualityFlags({ locale: "zh-CN", month: "2025-06", items: [{ ...base, monthly }] });

		expect(march.map((f) => f.kind)).toEqual(["outlier", "consistency"]);
		expect(march[0]?.detail).toBe("2025年3月填报900，高于近6个月均值236达2.2个标准差（中度异常值）。");
		expect(march[1]?.detail).toBe("本年1500，较前3年同期均值1010高49%（超出±33%）。");
		expect(june).toEqual([]);
	});
});
