// Metadata without a deploy in a real browser: an admin writes an indicator in the formula editor, previews
// the value it gives for the division, saves it, and it appears on the dashboard of a plan that targets it.
// The three metadata pages also fit a 390 px phone without horizontal scrolling or one-character wraps.
import { currentMonth, lastFullMonth } from "../../functions/core/periods";
import { afterEach, describe, expect, test } from "vitest";
import { layoutFindings } from "./audit-checks";
import { apiCall, baseUrl, expectText, openBrowser, type Session, screenshot, signIn, tokenFor, visible } from "./browser";

const sessions: Session[] = [];
afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

const CODE = `BEDS_PER_10K_${Date.now().toString(36).toUpperCase()}`;
const PLAN = `browser-15th-${Date.now().toString(36)}`;

describe("metadata pages", () => {
	test("an admin creates an indicator with the formula editor, sees the preview, and it appears on the dashboard", async () => {
		// Last month's figures of one regiment hospital, so the preview has something to compute from.
		const last = lastFullMonth(new Date());
		const reporter = await tokenFor("reporter-t33");
		const form = (await apiCall(reporter, "GET", `/forms/t33/${last}`)).body as { elements: { code: string }[] };
		const values = Object.fromEntries(form.elements.map((e) => [e.code, 3]));
		const submitted = await apiCall(reporter, "PUT", `/submissions/t33/${last}`, { values: { ...values, BEDS: 48, POPULATION: 19412 }, action: "submit", comment: "浏览器测试" });
		expect([200, 201]).toContain(submitted.status);

		const s = await openBrowser();
		sessions.push(s);
		const { page } = s;
		await signIn(page, "admin", "/admin/indicators");
		await page.getByRole("button", { name: "新增指标" }).first().click();
		await page.locator("#ind-code").fill(CODE);
		await page.locator("#ind-zh").fill("每万人口床位数（测试）");
		await page.locator("#ind-en").fill("Beds per 10,000 (test)");
		await page.locator("#ind-uom-zh").fill("张/万人");
		await page.locator("#ind-uom-en").fill("beds per 10,000");
		// A typo first: the preview names the unknown element and where it is.
		await page.locator("#ind-num").fill("#{BEDZ}");
		await page.locator("#ind-den").fill("#{POPULATION}");
		await page.locator("#ind-factor").selectOption("10000");
		await page.getByTestId("preview").click();
		await expectText(page.locator("#ind-num-h"), "BEDZ");
		await expectText(page.locator("#ind-num-h"), "第 1 个字符处");

		await page.locator("#ind-num").fill("#{BEDS}");
		await page.getByTestId("preview").click();
		await expectText(page.getByTestId("preview-value"), "全师");
		const previewText = (await page.getByTestId("preview-value").textContent()) ?? "";
		expect(previewText).toMatch(/全师 \d{4}-\d{2}：\d+(\.\d+)?/);
		await screenshot(page, "admin-indicator-preview");

		await page.getByRole("button", { name: "保存", exact: true }).click();
		await visible(page.getByTestId(`indicator-${CODE}`));

		// A plan that targets it (the plan editor is another page; its API is enough here).
		const token = await tokenFor("admin");
		// It starts before 十四五, so it never becomes the dashboards' default plan for the other browser tests.
		const plan = await apiCall(token, "PUT", `/admin/plans/${PLAN}`, {
			name: { zh: "浏览器测试规划", en: "Browser test plan" },
			shortName: { zh: "测试规划", en: "Test plan" },
			startYear: 2020,
			endYear: 2030,
			baseYear: 2019,
			targetYear: 2030,
			indicators: [
				{ indicatorCode: CODE, order: 1, group: "health-services", baseline: null, targets: [{ year: 2030, target: { kind: "threshold", op: ">=", value: 80 }, printed: "≥80" }], direction: "increase", nature: "expected" },
			],
		});
		expect(plan.status).toBe(200);
		const month = currentMonth(new Date());
		await page.goto(`${baseUrl()}/?plan=${PLAN}&org=div&period=${month}`);
		await visible(page.locator(`#ind-${PLAN}-${CODE}`));
		await expectText(page.locator(`article:has(#ind-${PLAN}-${CODE})`), "每万人口床位数（测试）");
		await screenshot(page, "dashboard-new-indicator");
	});

	test("the element, indicator and rule pages fit a 390 px phone", async () => {
		const s = await openBrowser({ width: 390, height: 844 });
		sessions.push(s);
		const { page } = s;
		await signIn(page, "admin", "/admin/elements");
		for (const path of ["/admin/elements", "/admin/indicators", "/admin/rules"]) {
			await page.goto(`${baseUrl()}${path}`);
			await visible(page.locator("table tbody tr"));
			await page.locator(".head button.primary").click();
			const found = await layoutFindings(page);
			expect(found.overflowPx, `${path}: ${found.overflowCulprits.join(", ")}`).toBe(0);
			expect(found.oneCharWraps, path).toEqual([]);
		}
		await screenshot(page, "admin-rules-390");
	});
});
