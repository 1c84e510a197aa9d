// The unit feedback card (issue 17 item 4), pure: the unit's own figures beside its 垦区 and the division, honest
// about coverage (数据不完整 where the summary would say so, 较上月 only between equal coverage), the 12-month on-time
// record, open returns and flags, in zh-CN and English.
import { describe, expect, it } from "vitest";
import type { ProgressReport, ProgressRow } from "../../functions/core/api-types";
import { compileFeedbackCard, type FeedbackInput, onTimeRecord, type UnitSubmissionLite } from "../../functions/summary/feedback-compile";
import { renderFeedbackCard } from "../../functions/summary/feedback-render";
import { report, row } from "./summary-fixtures";

type Spec = Omit<Parameters<typeof row>[0], "value" | "status">;
const GP: Spec = { indicatorCode: "GP_PER_10K", order: 5, nature: "binding", direction: "increase", decimals: 2, expected: 3.3, zh: "每万人口全科医生数", en: "GPs per 10,000", uom: ["人", "per 10,000"], printed: "≥3.93" };
const BEDS: Spec = { indicatorCode: "BEDS_PER_1K", order: 2, nature: "expected", direction: "increase", decimals: 2, expected: 7.5, zh: "每千人口医疗卫生机构床位数", en: "Beds per 1,000", uom: ["张", "beds"], printed: "7.5" };
const MMR: Spec = { indicatorCode: "MATERNAL_MORTALITY", order: 8, nature: "binding", direction: "decrease", decimals: 1, expected: 12.5, zh: "孕产妇死亡率", en: "Maternal mortality ratio", uom: ["/10万", "per 100,000"], printed: "≤12" };

const cov = (reported: number, carried: number, expected: number): ProgressRow["coverage"] => ({ reported, carried, expected, rate: expected ? (reported + carried) / expected : 1 });
const at = (spec: Spec, value: number | null, status: ProgressRow["status"], coverage: ProgressRow["coverage"], extra: Partial<ProgressRow> = {}): ProgressRow => ({
	...row({ ...spec, value, status }),
	coverage,
	provisional: status === "provisional",
	...extra,
});
const complete = { reported: 5, expected: 5, rate: 1, threshold: 0.9, provisional: false };

const MONTH = "2025-06";
const subs: UnitSubmissionLite[] = [
	// Twelve months back from June 2025: July 2024 … June 2025.
	...["2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"].map((period) => ({ period, status: "approved" as const, late: false })),
	{ period: "2025-04", status: "draft" },
	{ period: "2025-05", status: "returned", late: true, reviewComment: "床位数与上月差异过大，请核实<script>", updatedBy: "approver-tarim", updatedAt: "2025-06-12T03:00:00Z" },
	{ period: MONTH, status: "submitted", late: false, firstSubmittedAt: "2025-07-03T02:00:00Z" },
	// Outside the record: ignored.
	{ period: "2024-06", status: "returned", reviewComment: "old" },
];

const input = (overrides: Partial<FeedbackInput> = {}): FeedbackInput => ({
	month: MONTH,
	locale: "zh-CN",
	generatedAt: "2025-07-11T00:00:00.000Z",
	unit: { id: "t33", name: { zh: "33团医院", en: "Regiment 33 hospital" } },
	plan: { name: { zh: "十四五规划", en: "14th plan" } },
	unitCurrent: { ...report(MONTH, [at(GP, 4.2, "behind", cov(1, 0, 1)), at(BEDS, 6.1, "achieved", cov(1, 0, 1)), at(MMR, null, "no-data", cov(0, 0, 0))]), judged: false },
	unitPrevious: { ...report("2025-05", [at(GP, 4.0, "behind", cov(1, 0, 1)), at(BEDS, 5.0, "achieved", cov(0, 1, 1))]), judged: false },
	area: {
		name: { zh: "塔里木垦区", en: "Tarim" },
		// Three of five units in: provisional, and last month's complete figure must not be compared with it.
		current: report(MONTH, [at(GP, 9.99, "provisional", cov(3, 0, 5), { provisionalReason: "coverage" }), at(BEDS, 7.0, "achieved", cov(5, 0, 5))], { reported: 3, expected: 5, rate: 0.6, threshold: 0.9, provisional: true }),
		previous: report("2025-05", [at(GP, 3.1, "behind", cov(5, 0, 5)), at(BEDS, 6.5, "achieved", cov(5, 0, 5))], complete),
	},
	division: {
		name: { zh: "第二师铁门关市", en: "2nd Division" },
		current: report(MONTH, [at(GP, 3.2, "behind", cov(20, 0, 21)), at(BEDS, 7.2, "on-track", cov(20, 0, 21))]),
		previous: report("2025-05", [at(GP, 3.0, "behind", cov(20, 0, 21)), at(BEDS, 7.1, "on-track", cov(19, 1, 21))]),
	},
	submissions: subs,
	flags: [
		{ unitId: "t33", unitName: "33团医院", code: "OUTPATIENT_VISITS", elementName: "门急诊人次", kind: "outlier", detail: "2025年6月填报9000，高于近12个月均值3000达3.1个标准差（严重异常值）。" },
		{ unitId: "t31", unitName: "31团医院", code: "OUTPATIENT_VISITS", elementName: "门急诊人次", kind: "outlier", detail: "another unit's flag" },
	],
	formUrl: "https://monitor.example.cn/entry?unit=t33&period=2025-07",
	dashboardUrl: "https://monitor.example.cn/?plan=p&org=t33&period=2025-06",
	settingsUrl: "https://monitor.example.cn/notices",
	...overrides,
});

describe("feedback card: figures", () => {
	it("shows only the unit's own indicators, binding first, with its own values", () => {
		const card = compileFeedbackCard(input());

		expect(card.rows.map((r) => r.code)).toEqual(["GP_PER_10K", "BEDS_PER_1K"]);
		expect(card.rows[0]?.unit).toMatchObject({ value: 4.2, missing: false, carried: false });
		expect(card.rows[0]?.division).toMatchObject({ value: 3.2, provisional: false, status: "behind" });
	});

	it("marks the 垦区 figure 数据不完整 when its coverage is short, and compares nothing across unequal coverage", () => {
		const card = compileFeedbackCard(input());
		const gp = card.rows.find((r) => r.code === "GP_PER_10K");
		const beds = card.rows.find((r) => r.code === "BEDS_PER_1K");

		expect(gp?.area).toEqual({ value: 9.99, provisional: true, status: "provisional", change: null });
		expect(card.area).toMatchObject({ name: "塔里木垦区", rate: 0.6, provisional: true });
		// Equal coverage both months: a change. Different (fresh vs carried): none, for the unit and the division alike.
		expect(gp?.unit.change).toBeCloseTo(0.2, 9);
		expect(gp?.division.change).toBeCloseTo(0.2, 9);
		expect(beds?.unit.change).toBeNull();
		expect(beds?.division.change).toBeNull();
		expect(beds?.area?.change).toBeCloseTo(0.5, 9);

		const mail = renderFeedbackCard(card);
		expect(mail.text).toContain("塔里木垦区 9.99人，数据不完整");
		expect(mail.text).not.toContain("塔里木垦区 9.99人，较上月");
		expect(mail.text).toContain("塔里木垦区本月数据覆盖率60.0%，低于完整性阈值90%");
		expect(mail.html).toContain("数据不完整");
	});

	it("says what changed with the unit's comparable moves only, and never judges the unit against the division's targets", () => {
		const card = compileFeedbackCard(input());

		expect(card.changes).toContain("每万人口全科医生数较上月提高0.20人。");
		expect(card.changes.join("")).toContain("1项指标两月数据覆盖不同");
		expect(card.changes.join("")).not.toMatch(/落后于规划进度|已达到规划目标/);
		expect(card.changes.join("")).not.toContain("床位");
	});

	it("shows 未报 for a figure the unit has not reported, with no change", () => {
		const unitCurrent: ProgressReport = { ...report(MONTH, [at(GP, null, "provisional", cov(0, 0, 1)), at(BEDS, 5.0, "achieved", cov(0, 1, 1))]), judged: false };
		const card = compileFeedbackCard(input({ unitCurrent }));

		expect(card.rows[0]?.unit).toEqual({ value: null, missing: true, carried: false, change: null });
		expect(card.rows[1]?.unit).toMatchObject({ value: 5.0, carried: true, missing: false });
		const text = renderFeedbackCard(card).text;
		expect(text).toContain("本单位 未报");
		expect(text).toContain("本单位 5.00张，沿用上期");
	});
});

describe("feedback card: reporting record, flags and returns", () => {
	it("counts the last 12 months as the completeness report does: a draft is missing, a returned form is not reported", () => {
		const record = onTimeRecord(MONTH, subs);

		expect(record).toHaveLength(12);
		expect(record[0]?.period).toBe("2024-07");
		expect(record.at(-1)).toEqual({ period: MONTH, status: "submitted", onTime: true });
		expect(record.find((m) => m.period === "2025-04")).toEqual({ period: "2025-04", status: "missing", onTime: null });
		expect(record.find((m) => m.period === "2025-05")).toEqual({ period: "2025-05", status: "returned", onTime: false });
		const card = compileFeedbackCard(input());
		expect([card.reportedCount, card.onTimeCount]).toEqual([10, 10]);
	});

	it("lists the unit's own open flags and returns, escaped in the HTML", () => {
		const card = compileFeedbackCard(input());

		expect(card.flags.map((f) => f.unitId)).toEqual(["t33"]);
		expect(card.returns).toEqual([{ period: "2025-05", reviewComment: "床位数与上月差异过大，请核实<script>", returnedBy: "approver-tarim", returnedAt: "2025-06-12T03:00:00Z" }]);
		const mail = renderFeedbackCard(card);
		expect(mail.text).toContain("2025年5月：退回意见“床位数与上月差异过大，请核实<script>”（approver-tarim，2025-06-12 11:00）");
		expect(mail.html).not.toContain("<script>");
		expect(mail.html).toContain("&lt;script&gt;");
		expect(mail.html).not.toContain("another unit");
		expect(mail.text).toContain("本月报表：已上报，待审核（提交于2025-07-03 10:00，北京时间，按时）");
	});
});

describe("feedback card: the mail", () => {
	it("zh-CN by default: subject, charset meta, links to the form and the unit's dashboard", () => {
		const mail = renderFeedbackCard(compileFeedbackCard(input()));

		expect(mail.subject).toBe("【健康规划监测】33团医院2025年6月数据反馈");
		expect(mail.html).toContain('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">');
		expect(mail.html).toContain('<html lang="zh-CN">');
		expect(mail.html).toContain('href="https://monitor.example.cn/entry?unit=t33&amp;period=2025-07"');
		expect(mail.html).toContain('href="https://monitor.example.cn/?plan=p&amp;org=t33&amp;period=2025-06"');
		expect(mail.text).toContain("生成时间 2025-07-11 08:00（北京时间）");
		expect(mail.text).toContain("通知设置：https://monitor.example.cn/notices");
		expect(mail.html).toContain('href="https://monitor.example.cn/notices"');
	});

	it("in English for a reader whose locale is en", () => {
		const mail = renderFeedbackCard(compileFeedbackCard(input({ locale: "en", flags: [] })));

		expect(mail.subject).toBe("Health plan monitoring: Regiment 33 hospital feedback, June 2025");
		expect(mail.html).toContain('<html lang="en">');
		expect(mail.text).toContain("Tarim 9.99 per 10,000, Provisional (incomplete)");
		expect(mail.text).toContain("Tarim: coverage this month is 60.0%, below the completeness threshold of 90%");
		expect(mail.text).not.toMatch(/较上月|未报|数据不完整|本单位|按时/);
	});
});
