// 规划评估 (plan evaluation) in the browser: the page renders the report in zh-CN and English at 1440 and
// 390 px without overflowing the page, and its Word and Excel downloads arrive as real files.
// Screenshots land in screenshots/evaluation-*.png.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readXlsx } from "../../functions/commons/xlsx-read";
import { englishSentences, hanOutside, layoutFindings, pageText } from "./audit-checks";
import { apiCall, baseUrl, openBrowser, type Session, screenshot, signIn, tokenFor, visible } from "./browser";

/**
 * The commission's yearly survey figures for this year (the browser platform has no demo data, and past
 * years are locked), so the Healthy Bingtuan 2030 mid-term report has values to show.
 */
const THIS_YEAR = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
const YEARLY = {
	LIFE_EXPECTANCY: 79.5,
	HEALTHY_LIFE_EXPECTANCY: 70.2,
	HEALTH_LITERACY: 24.6,
	SMOKING_RATE: 21.8,
	MYOPIA_RATE: 51.9,
	PREMATURE_NCD_MORTALITY: 15.4,
	OOP_SHARE: 24.3,
	EXERCISE_RATE: 40.5,
	AIR_QUALITY_GOOD_DAYS: 83.5,
	SURFACE_WATER_III: 91.4,
};

/** Healthy Bingtuan 2030 (targets for 2030): a mid-term report this year. */
const MID_PATH = `/evaluation?plan=hbt-2030&year=${THIS_YEAR}&org=div`;
/** The 十四五 plan, whose target year 2025 has passed: a final report. */
const FINAL_PATH = "/evaluation?plan=tmg-14th&year=2025&org=div";

/**
 * The three years before this one, as the commission back-fills them: each is past its lock date and was never
 * reported, so an admin reopens it (an empty draft) and the commission submits its survey figures. Three complete
 * years are what a projection to 2030 needs.
 */
const PAST = [3, 2, 1].map((back) => ({
	year: THIS_YEAR - back,
	values: Object.fromEntries(Object.entries(YEARLY).map(([code, v]) => [code, Math.round((v - back * (code === "LIFE_EXPECTANCY" ? 0.3 : 0.4)) * 100) / 100])),
}));

beforeAll(async () => {
	const [token, admin] = [await tokenFor("reporter-wjw"), await tokenFor("admin")];
	for (const p of PAST) {
		const open = await apiCall(admin, "POST", `/admin/periods/wjw/${p.year}/reopen`, { reason: `补录${p.year}年度监测数据（测试）` });
		expect(open.status, JSON.stringify(open.body)).toBe(200);
		const put = await apiCall(token, "PUT", `/submissions/wjw/${p.year}`, { values: p.values, comment: "年度监测数据补录（测试）", action: "submit" });
		expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
	}
	const r = await apiCall(token, "PUT", `/submissions/wjw/${THIS_YEAR}`, { values: YEARLY, comment: "年度监测数据（测试）", action: "submit" });
	expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
});

const VIEWS = [
	{ width: 1440, height: 900, lang: "zh-CN" },
	{ width: 1440, height: 900, lang: "en" },
	{ width: 390, height: 844, lang: "zh-CN" },
	{ width: 390, height: 844, lang: "en" },
] as const;

describe("规划评估 page", () => {
	let s: Session | undefined;
	afterAll(async () => s?.close());

	for (const v of VIEWS) {
		it(`renders the Healthy Bingtuan 2030 mid-term report for the division, ${v.lang} at ${v.width} px`, async () => {
			s = await openBrowser({ width: v.width, height: v.height, locale: v.lang });
			const page = s.page;
			await signIn(page, "leader", MID_PATH);
			if (v.lang === "en") {
				// As the UI audit does: the language chosen before the page loads (as a returning user has it).
				await page.evaluate(() => localStorage.setItem("hpm.locale", "en"));
				await page.goto(`${baseUrl()}${MID_PATH}`);
			}
			await visible(page.locator("article.report"), 60_000);
			const en = v.lang === "en";
			await expect.poll(() => page.locator("article.report h3").first().textContent()).toBe(en ? "1. Overall" : "一、总体情况");
			// The 11 indicators of 健康兵团2030, in their domain groups.
			const rows = page.locator("article.report table.ev").first().locator("tbody tr:not(.group)");
			await expect.poll(() => rows.count()).toBe(11);
			const first = await page.locator("article.report table.ev").first().locator("tbody tr:not(.group)").first().textContent();
			expect(first).toContain(en ? "Life expectancy" : "人均预期寿命");
			expect(await page.locator(".report-head .kind").textContent()).toContain(en ? "Mid-term evaluation" : "中期评估");
			expect(await page.locator("article.report thead").first().textContent()).toContain(en ? "Half time, half task" : "时间过半、任务过半");
			// The commission's figure went in, and the baseline is the printed 76.79 (2015).
			expect(first).toContain("79.50");
			expect(first).toContain("76.79");
			// The page never scrolls sideways (wide tables scroll inside their own box), no text is squeezed to one
			// character a line, and each language stays in its language (the UI audit's checks).
			const layout = await layoutFindings(page);
			expect(layout.overflowPx, layout.overflowCulprits.join(", ")).toBeLessThanOrEqual(0);
			expect(layout.oneCharWraps).toEqual([]);
			const text = await pageText(page, en ? "zh" : "en");
			if (en) expect(hanOutside(text, ["中文"])).toEqual([]);
			else expect(englishSentences(text)).toEqual([]);
			await screenshot(page, `evaluation-${v.lang}-${v.width}`);
			await s.close();
			s = undefined;
		});
	}

	it("downloads the Word report and the Excel table of the final 十四五 report, and switches to the mid-term 2023 one", async () => {
		s = await openBrowser({ width: 1440, height: 900 });
		const page = s.page;
		await signIn(page, "leader", FINAL_PATH);
		await visible(page.locator("article.report"), 60_000);
		await expect.poll(() => page.locator(".report-head .kind").textContent()).toContain("末期评估 · 2025");

		const [docx] = await Promise.all([page.waitForEvent("download", { timeout: 120_000 }), page.getByRole("button", { name: "Word 报告（.docx）" }).click()]);
		expect(docx.suggestedFilename()).toMatch(/末期评估-2025-.*\.docx$/);
		const docxBytes = readFileSync((await docx.path()) as string);
		expect(docxBytes.subarray(0, 2).toString("latin1")).toBe("PK");
		expect(docxBytes.length).toBeGreaterThan(20_000);
		await visible(page.getByText(/已下载 .*\.docx/));

		const [xlsx] = await Promise.all([page.waitForEvent("download", { timeout: 120_000 }), page.getByRole("button", { name: "Excel 表格（.xlsx）" }).click()]);
		expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
		const sheet = readXlsx(new Uint8Array(readFileSync((await xlsx.path()) as string)));
		expect(sheet.rows.length - 1).toBe(30);

		// The year picker switches to a mid-term report.
		await page.locator("#year").selectOption("2023");
		await expect.poll(() => page.locator(".report-head .kind").textContent(), { timeout: 60_000 }).toContain("中期评估 · 2023");
		await expect.poll(() => page.locator("article.report thead").first().textContent()).toContain("时间过半、任务过半");
		await screenshot(page, "evaluation-mid-term-2023");
	});
});

describe("the dashboard's projection verdict", () => {
	const VERDICT = {
		"zh-CN": { likely: "按趋势可达成", "at-risk": "有风险", unlikely: "按趋势难以达成" },
		en: { likely: "On trend to meet it", "at-risk": "At risk", unlikely: "Unlikely on trend" },
	} as const;
	let s: Session | undefined;
	afterAll(async () => s?.close());

	for (const v of [VIEWS[0], VIEWS[3]]) {
		it(`a Healthy Bingtuan 2030 card shows the trend verdict to 2030, ${v.lang} at ${v.width} px`, async () => {
			// What the API projects from the back-filled years: Theil–Sen over 3 complete years, to 2030.
			const leader = await tokenFor("leader");
			const api = await apiCall(leader, "GET", "/progress?plan=hbt-2030&orgUnit=div");
			expect(api.status, JSON.stringify(api.body)).toBe(200);
			const row = (api.body as { rows: { indicatorCode: string; projection?: { verdict: string; targetYear: number; method: string } }[] }).rows.find((r) => r.indicatorCode === "LIFE_EXP");
			expect(row?.projection, "LIFE_EXP has a projection").toBeDefined();
			expect(row?.projection).toMatchObject({ targetYear: 2030, method: "theil-sen" });
			const verdict = row?.projection?.verdict as keyof (typeof VERDICT)["en"];
			expect(Object.keys(VERDICT.en)).toContain(verdict);

			s = await openBrowser({ width: v.width, height: v.height, locale: v.lang });
			const page = s.page;
			const path = "/?plan=hbt-2030&org=div";
			await signIn(page, "leader", path);
			if (v.lang === "en") {
				await page.evaluate(() => localStorage.setItem("hpm.locale", "en"));
				await page.goto(`${baseUrl()}${path}`);
			}
			// Cards at 1440 px; on a phone the dashboard opens on the compact list, whose row carries the verdict too.
			const link = page.locator(`a[href*="/indicators/LIFE_EXP?"]`);
			const card = v.width > 600 ? page.locator('article.card[aria-labelledby="ind-hbt-2030-LIFE_EXP"]') : page.locator("ul.compact li").filter({ has: link });
			await visible(card, 60_000);
			const note = card.locator("p.verdict");
			await visible(note);
			const text = (await note.textContent()) ?? "";
			expect(text).toContain("2030");
			expect(text).toContain(VERDICT[v.lang][verdict]);
			// This platform has no monthly reports, so no recent month is complete: the default-period notice must
			// not call the month it falls back to "complete" (it once did, above a 0-of-21 banner).
			const notice = (await page.locator("p.notice.info").first().textContent()) ?? "";
			expect(notice).toContain(v.lang === "en" ? "No recent month has complete reporting" : "近期尚无报送完整的月份");
			expect(await page.locator("p.notice.warn").first().textContent()).toMatch(v.lang === "en" ? /0 of \d+ units/ : /0\/\d+ 个单位/);
			await screenshot(page, `dashboard-projection-${v.lang}-${v.width}`);
			await s.close();
			s = undefined;
		});
	}
});
