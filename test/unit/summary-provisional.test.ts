// Issue 13, item 5: a summary compiled before the reporting deadline says the data is incomplete, names the missing
// units, and never states a month-on-month change that coverage explains.
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { ProgressRow } from "../../functions/core/api-types";
import { compileSummary } from "../../functions/summary/compile";
import { renderEmail } from "../../functions/summary/render";
import { buildDigest } from "../../functions/summary/push/digest";
import { buildSummaryXlsx } from "../../functions/summary/xlsx";
import { completeness, report, row, summaryInput } from "./summary-fixtures";

type Spec = Omit<Parameters<typeof row>[0], "value" | "status">;
const BEDS: Spec = { indicatorCode: "BEDS_PER_1K", order: 2, nature: "expected", direction: "increase", decimals: 2, expected: 7.5, zh: "每千人口医疗卫生机构床位数", en: "Beds per 1,000 population", uom: ["张", "beds"], printed: "7.5" };
const DOCTORS: Spec = { indicatorCode: "DOCTORS_PER_1K", order: 3, nature: "binding", direction: "increase", decimals: 2, expected: 3.1, zh: "每千人口执业（助理）医师数", en: "Doctors per 1,000", uom: ["人", "per 1,000"], printed: "≥3.2" };
const GP: Spec = { indicatorCode: "GP_PER_10K", order: 5, nature: "binding", direction: "increase", decimals: 2, expected: 3.3, zh: "每万人口全科医生数", en: "GPs per 10,000", uom: ["人", "per 10,000"], printed: "≥3.93" };
const MMR: Spec = { indicatorCode: "MATERNAL_MORTALITY", order: 8, nature: "binding", direction: "decrease", decimals: 1, expected: 12.5, zh: "孕产妇死亡率", en: "Maternal mortality ratio", uom: ["/10万", "per 100,000"], printed: "≤12" };

const cov = (reported: number, carried: number): ProgressRow["coverage"] => ({ reported, carried, expected: 21, rate: (reported + carried) / 21 });

/** November compiled on 6 December: 15 of 21 units in; beds and doctors jump only because population is short. */
const beforeDeadline = () => {
	const current = report(
		"2026-11",
		[
			// Provisional: the population denominator lacks six units.
			{ ...row({ ...BEDS, value: 9.76, status: "provisional" }), coverage: cov(15, 0), provisional: true, provisionalReason: "coverage" },
			// Judged, but on carried stocks this month and fresh ones last month: not comparable.
			{ ...row({ ...DOCTORS, value: 4.81, status: "achieved" }), coverage: cov(15, 6) },
			// The same coverage both months: a real move that may be named.
			{ ...row({ ...GP, value: 3.05, status: "behind" }), coverage: cov(21, 0) },
			// One death in ~2,000 births: an interval and the few-events caution; the interval straddles the target.
			{ ...row({ ...MMR, value: 50, status: "uncertain" }), coverage: cov(21, 0), interval: { method: "poisson", low: 1.3, high: 278.6, events: 1, level: 0.95 }, caution: "few-events" },
		],
		{ reported: 15, expected: 21, rate: 15 / 21, threshold: 0.9, provisional: true },
	);
	const previous = report("2026-10", [
		{ ...row({ ...BEDS, value: 7.6, status: "achieved" }), coverage: cov(21, 0) },
		{ ...row({ ...DOCTORS, value: 3.81, status: "on-track" }), coverage: cov(21, 0) },
		{ ...row({ ...GP, value: 3.0, status: "behind" }), coverage: cov(21, 0) },
		{ ...row({ ...MMR, value: 0, status: "achieved" }), coverage: cov(21, 0) },
	]);
	return summaryInput({ month: "2026-11", current, previous, generatedAt: "2026-12-06T01:00:00.000Z" });
};

describe("a summary compiled before the deadline", () => {
	it("opens with the provisional banner naming the missing units, in the HTML and the text", () => {
		const m = compileSummary(beforeDeadline());
		const email = renderEmail(m, [], { xlsx: false });

		expect(m.reporting).toMatchObject({ provisional: true, threshold: 0.9 });
		const banner = email.html.indexOf("数据不完整，以下为暂定数字");
		expect(banner).toBeGreaterThan(0);
		// Above everything else in the card: the alerts, the highlights and the table come after it.
		expect(banner).toBeLessThan(email.html.indexOf("约束性指标预警"));
		expect(banner).toBeLessThan(email.html.indexOf("本月要点"));
		expect(email.html).toContain("尚未上报的单位（2个）：二十四团医院、中心血站。");
		expect(email.text.indexOf("数据不完整，以下为暂定数字")).toBeLessThan(email.text.indexOf("本月要点"));
		expect(m.highlights[0]).toMatch(/^本月数据尚不完整（覆盖率71\.4%，低于90%）/);
	});

	it("says no 较上月 sentence about an indicator whose change comes from coverage, and claims no target for it", () => {
		const m = compileSummary(beforeDeadline());
		const moved = m.highlights.filter((h) => h.includes("较上月"));

		for (const name of ["每千人口医疗卫生机构床位数", "每千人口执业（助理）医师数", "孕产妇死亡率"]) {
			expect(moved.filter((h) => h.includes(name))).toEqual([]);
		}
		expect(m.highlights.join("")).not.toMatch(/床位数[^。]*已达到规划目标/);
		expect(m.highlights.some((h) => h.includes("本月新达标"))).toBe(false);
		// The one figure on equal coverage is still reported.
		expect(moved).toContain("每万人口全科医生数较上月提高0.05人，仍落后于规划进度。");
		expect(m.highlights).toContain("2项指标两月数据覆盖不同（部分单位未报或为结转数），未作较上月比较。");
		const beds = m.indicators.find((i) => i.code === "BEDS_PER_1K");
		expect(beds).toMatchObject({ provisional: true, comparable: false, changeSinceLastMonth: null, status: "provisional" });
		expect(m.indicators.find((i) => i.code === "DOCTORS_PER_1K")).toMatchObject({ comparable: false, changeSinceLastMonth: null });
	});

	it("shows the interval and the few-events caution in the email table, and 数据不完整 for the provisional row", () => {
		const m = compileSummary(beforeDeadline());
		const { html, text } = renderEmail(m, [], { xlsx: false });

		expect(html).toContain("95%区间 1.3–278.6");
		expect(html).toContain("事件数少，解读需谨慎");
		expect(html).toContain("较上月 不可比（覆盖不同）");
		expect(html).toContain("数据不完整");
		expect(text).toContain("95%区间 1.3–278.6");
		// The status cannot be judged, so it is not counted as achieved anywhere.
		expect(m.counts).toMatchObject({ provisional: 1, uncertain: 1, achieved: 1 });
	});

	it("has no banner once coverage meets the threshold", () => {
		const input = beforeDeadline();
		input.current = { ...input.current, reporting: { reported: 20, expected: 21, rate: 20 / 21, threshold: 0.9, provisional: false } };
		const { html } = renderEmail(compileSummary(input), [], { xlsx: false });

		expect(html).not.toContain("数据不完整，以下为暂定数字");
	});
});

describe("the binding verdict while units are missing", () => {
	/** November before the deadline: no binding indicator behind, one judged achieved, two that cannot be judged. */
	const noAlerts = (rows: { spec: Spec; status: ProgressRow["status"]; value: number | null }[], locale: "zh-CN" | "en" = "zh-CN") =>
		compileSummary({
			...summaryInput({
				month: "2026-11",
				current: report(
					"2026-11",
					rows.map((r) => ({ ...row({ ...r.spec, value: r.value as number, status: r.status }), coverage: cov(15, 0), ...(r.status === "provisional" ? { provisional: true, provisionalReason: "coverage" as const } : {}) })),
					{ reported: 15, expected: 21, rate: 15 / 21, threshold: 0.9, provisional: true },
				),
				previous: null,
				generatedAt: "2026-12-06T01:00:00.000Z",
			}),
			locale,
		});

	it("never says every binding indicator is achieved or on track while some cannot be judged, in the subject, the email or the robots' digest", () => {
		const rows = [
			{ spec: DOCTORS, status: "achieved" as const, value: 3.3 },
			{ spec: GP, status: "provisional" as const, value: 2.9 },
			{ spec: MMR, status: "no-data" as const, value: null },
		];
		const zh = noAlerts(rows);
		const email = renderEmail(zh, [], { xlsx: false });
		expect(email.subject).toBe("【健康规划月报】2026年11月 第二师铁门关市：1项约束性指标达标或符合进度，2项暂不能判断");
		// "约束性指标均…" only after a count of the judged ones ("可判断的1项约束性指标均已达标…").
		for (const text of [email.subject, email.html, email.text]) expect(text).not.toMatch(/(?<!项)约束性指标均/);
		expect(email.text).toContain("可判断的1项约束性指标均已达标或符合规划进度；另有2项数据不完整或暂无数据，暂不判断。");
		expect(buildDigest(zh, { kind: "wecom", archiveUrl: "https://x/" }).markdown).toContain("**约束性指标：1项达标或符合进度，2项数据不足暂不判断**");

		const en = renderEmail(noAlerts(rows, "en"), [], { xlsx: false });
		expect(en.subject).toBe("Health plan summary, November 2026, 2nd Division / Tiemenguan City: 1 binding indicator achieved or on track, 2 not yet judged");
		expect(en.text).not.toContain("All binding indicators are achieved");

		// None judged at all (nothing in yet): no verdict either way.
		const none = noAlerts(rows.map((r) => ({ ...r, status: "no-data" as const, value: null })));
		expect(renderEmail(none, [], { xlsx: false }).subject).toBe("【健康规划月报】2026年11月 第二师铁门关市：约束性指标数据不足，暂不判断");
		expect(buildDigest(none, { kind: "dingtalk", archiveUrl: "https://x/" }).markdown).toContain("**约束性指标：数据不足，暂不判断**");

		// Every binding indicator judged and fine: then, and only then, it says so.
		const fine = noAlerts(rows.map((r) => ({ ...r, status: "achieved" as const, value: 5 })));
		expect(renderEmail(fine, [], { xlsx: false }).subject).toBe("【健康规划月报】2026年11月 第二师铁门关市：约束性指标均达标或符合进度");
	});
});

describe("times in the email and the workbook", () => {
	it("are Beijing time, with no ISO Z timestamp, and a unit that has not reported has no submission time", () => {
		const c = completeness();
		// A draft left over from an earlier submit still carries its old time in the completeness row.
		c.rows = c.rows.map((r) => (r.unitId === "u6" ? { ...r, submittedAt: "2025-07-02T02:00:00Z" } : r));
		const m = compileSummary(summaryInput({ completeness: c }));
		const files = unzipSync(buildSummaryXlsx(m));
		const xml = Object.entries(files)
			.filter(([name]) => name.startsWith("xl/"))
			.map(([, bytes]) => new TextDecoder().decode(bytes))
			.join("\n");

		expect(xml).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
		expect(xml).toContain("2025-07-03 10:00");
		expect(m.reporting.units.find((u) => u.unitId === "u6")?.submittedAt).toBeUndefined();
		expect(m.reporting.units.find((u) => u.unitId === "u4")?.submittedAt).toBeUndefined();
		const { html } = renderEmail(m, [], { xlsx: false });
		expect(html).toContain('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">');
		expect(html).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
	});
});
