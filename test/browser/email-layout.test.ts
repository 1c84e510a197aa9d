// The monthly summary and the unit feedback card as a phone shows them (issue 17 item 6): rendered by the real
// renderers from a known model, opened in chromium at 390 px, they must not scroll sideways or squeeze text to
// one character a line, in zh-CN and English. Screenshots land in screenshots/email-*.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProgressRow } from "../../functions/core/api-types";
import { compileSummary } from "../../functions/summary/compile";
import { compileFeedbackCard } from "../../functions/summary/feedback-compile";
import { renderFeedbackCard } from "../../functions/summary/feedback-render";
import { renderEmail } from "../../functions/summary/render";
import { currentReport, report, row, summaryInput } from "../unit/summary-fixtures";
import { layoutFindings } from "./audit-checks";
import { openBrowser, type Session, screenshot } from "./browser";

/** The longest indicator name of the plans, with an interval and a coverage note: the widest row there is. */
const LONG: ProgressRow = {
	...row({ indicatorCode: "ELDERLY_MGMT", order: 20, nature: "expected", direction: "increase", decimals: 2, expected: 80, status: "achieved", value: 81.72, zh: "65岁及以上老年人城乡社区规范化健康管理服务率", en: "Share of people aged 65+ in standardised community health management", uom: ["%", "%"], printed: "80" }),
	interval: { low: 80.91, high: 82.5, method: "wilson", events: 4213, level: 0.95 },
};

const summaryHtml = (locale: "zh-CN" | "en"): string => {
	const current = currentReport();
	const model = compileSummary(summaryInput({ locale, current: { ...current, rows: [...current.rows, LONG] } }));
	return renderEmail(model, [], { recipientName: locale === "en" ? "Director Wang" : "王主任", xlsx: false }).html;
};

const feedbackHtml = (locale: "zh-CN" | "en"): string => {
	const month = "2025-06";
	const rows = [LONG, ...currentReport().rows.slice(0, 4)];
	const card = compileFeedbackCard({
		month,
		locale,
		generatedAt: "2025-07-11T00:00:00.000Z",
		unit: { id: "t33", name: { zh: "33团医院", en: "Regiment 33 hospital" } },
		plan: { name: { zh: "十四五规划", en: "14th plan" } },
		unitCurrent: { ...report(month, rows), judged: false },
		unitPrevious: null,
		area: { name: { zh: "塔里木垦区", en: "Tarim" }, current: report(month, rows), previous: null },
		division: { name: { zh: "第二师铁门关市", en: "2nd Division" }, current: report(month, rows), previous: null },
		submissions: [{ period: month, status: "submitted", late: false, firstSubmittedAt: "2025-07-03T02:00:00Z" }],
		flags: [],
		formUrl: "https://monitor.example.cn/entry?unit=t33&period=2025-07",
		dashboardUrl: "https://monitor.example.cn/?org=t33",
		settingsUrl: "https://monitor.example.cn/notices",
	});
	return renderFeedbackCard(card).html;
};

describe("emails at 390 px", () => {
	let s: Session;
	beforeAll(async () => {
		s = await openBrowser({ width: 390, height: 844 });
	});
	afterAll(async () => s?.close());

	for (const [name, html] of [
		["summary", summaryHtml],
		["feedback", feedbackHtml],
	] as const) {
		for (const locale of ["zh-CN", "en"] as const) {
			it(`the ${name} email fits a phone, ${locale}`, async () => {
				await s.page.setContent(html(locale), { waitUntil: "load" });
				const layout = await layoutFindings(s.page);
				expect(layout.overflowPx, layout.overflowCulprits.join(", ")).toBeLessThanOrEqual(0);
				expect(layout.oneCharWraps).toEqual([]);
				await screenshot(s.page, `email-${name}-${locale}-390`);
			});
		}
	}
});
