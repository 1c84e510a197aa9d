// The main flows in a real browser against the real platform: sign-in through the platform's own OIDC
// login page, data entry with inline validation, approval, role limits, escaping and the language toggle.
import { currentMonth } from "../../functions/core/periods";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, test } from "vitest";
import { apiCall, expectAttribute, expectCount, expectExactText, expectFocused, expectText, openBrowser, type Session, screenshot, signIn, tokenFor, visible } from "./browser";

const month = currentMonth(new Date());
const sessions: Session[] = [];
const browser = async (opts?: Parameters<typeof openBrowser>[0]) => {
	const s = await openBrowser(opts);
	sessions.push(s);
	return s;
};

afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

/** Valid figures for a regiment hospital's month: every rule of the form holds with equal values. */
const validValues = (overrides: Record<string, number> = {}): Record<string, number> => ({ ...BASE, ...overrides });
const CODES = [
	"BEDS", "BUSINESS_EXPENDITURE", "CHILDCARE_PLACES", "DISCHARGES", "DM_MANAGED", "DM_PATIENTS", "DM_STANDARD", "ELDERLY_MANAGED", "ELDERLY_POP", "GPS",
	"HTN_MANAGED", "HTN_PATIENTS", "HTN_STANDARD", "IMM_DOSES_DUE", "IMM_DOSES_GIVEN", "INFANT_DEATHS", "KEY_POP_PRIMARY_VISITS", "KEY_POP_VISITS", "LIVE_BIRTHS",
	"MATERNAL_DEATHS", "NURSES", "OUTPATIENT_VISITS", "PHARMACISTS", "PHYSICIANS", "POPULATION", "PRIMARY_SITES", "PSYCHIATRISTS", "PUBLIC_HEALTH_STAFF",
	"REFERRALS_OUT", "SMI_MANAGED", "SMI_PATIENTS", "STAFF_EXPENDITURE", "TB_MANAGED", "TB_PATIENTS", "TCM_PHYSICIANS", "TCM_SITES", "TELEMED_SITES",
	"TOWN_CENTRES_OPERATING", "TOWN_CENTRES_PLANNED", "U5_DEATHS",
];
const BASE: Record<string, number> = Object.fromEntries(CODES.map((c) => [c, 3]));

/** Types the figures into the entry form the way a reporter does. */
const fillForm = async (page: Page, values: Record<string, number | string>) => {
	const inputs = page.locator("input[id^='v-']");
	await inputs.first().waitFor();
	const ids = await inputs.evaluateAll((els) => els.map((e) => e.id.slice(2)));
	for (const code of ids) {
		const v = values[code];
		if (v !== undefined) await page.locator(`#v-${code}`).fill(String(v));
	}
};

const cardValue = (page: Page, code: string) => page.locator(`article:has(#ind-tmg-14th-${code}) .num`);
/** On a unit's own dashboard the card's headline is the division's figure; the unit's value is labelled 参考. */
const referenceValue = (page: Page, code: string) => page.locator(`article:has(#ind-tmg-14th-${code}) .ref strong`);

describe("browser flows", () => {
	test("(1) a reporter signs in through the OIDC login page, submits a month, and the dashboard value changes", async () => {
		const { page, dialogs } = await browser();
		const dashboard = `/?plan=tmg-14th&org=t33&period=${month}`;
		await signIn(page, "reporter-t33", dashboard);
		await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("zh-CN");
		// The unit is never judged alone: the card leads with the division's figure and shows the unit's for reference.
		await expect.poll(() => referenceValue(page, "BEDS_PER_1000").count(), { timeout: 30_000 }).toBe(1);
		// (the division's ratio may be withheld while its population is incomplete: a figure or "—", never 33团's alone)
		await expect.poll(() => page.locator("article:has(#ind-tmg-14th-BEDS_PER_1000) .ctx-label").first().textContent(), { timeout: 30_000 }).toBe("全师市");
		await expect.poll(() => cardValue(page, "BEDS_PER_1000").textContent(), { timeout: 30_000 }).toMatch(/^(\d+\.\d{2}|—)$/);
		// Before this month's report the unit's stock figures can only be carried from an earlier month.
		const before = (await referenceValue(page, "BEDS_PER_1000").textContent()) ?? "";
		expect(before).not.toBe("2.68");
		await screenshot(page, "dashboard-reporter");

		await page.goto(`${new URL(page.url()).origin}/entry?period=${month}`);
		await fillForm(page, validValues({ BEDS: 52, POPULATION: 19412 }));
		await page.locator("#comment").fill("本月数据已与院内统计核对。");
		// No errors (demo history may add jump warnings, which the comment above explains).
		await expect.poll(() => page.locator("p.live").textContent(), { timeout: 30_000 }).toMatch(/^(未发现问题|0 个错误)/);
		await screenshot(page, "entry-filled");
		await page.getByRole("button", { name: "上报", exact: true }).click();
		await expectText(page.getByTestId("entry-message"), "已上报");
		await expectExactText(page.getByTestId("submission-status"), "已上报");

		await page.goto(`${new URL(page.url()).origin}${dashboard}`);
		await expect.poll(() => referenceValue(page, "BEDS_PER_1000").textContent(), { timeout: 30_000 }).toBe("2.68");
		await screenshot(page, "dashboard-after-submit");
		expect(dialogs).toEqual([]);
	});

	test("(2) a validation error shows inline as the reporter types and blocks submit", async () => {
		const { page } = await browser();
		await signIn(page, "reporter-t34", `/entry?period=${month}`);
		await fillForm(page, validValues());
		const writes: string[] = [];
		page.on("request", (r) => {
			if (r.method() === "PUT") writes.push(r.url());
		});
		await page.locator("#v-BEDS").fill("99999");
		const error = page.locator("#e-BEDS");
		await expectText(error, "不能大于 1500");
		await expectAttribute(page.locator("#v-BEDS"), "aria-invalid", "true");
		await screenshot(page, "entry-validation-error");
		await page.getByRole("button", { name: "上报", exact: true }).click();
		await expectText(page.getByTestId("entry-message"), "请先更正");
		await expectFocused(page.locator("#v-BEDS"));
		expect(writes).toEqual([]);
		await expectExactText(page.getByTestId("submission-status"), "未填报");

		// A cross-field rule from the same shared engine: managed patients cannot exceed registered ones.
		await page.locator("#v-BEDS").fill("40");
		await page.locator("#v-DM_MANAGED").fill("9");
		await expectText(page.locator("#e-DM_MANAGED"), "不能多于");
		await page.getByRole("button", { name: "上报", exact: true }).click();
		await expectText(page.getByTestId("entry-message"), "不能上报");
		expect(writes).toEqual([]);
	});

	test("(3) a warning needs a comment before the form can be submitted", async () => {
		const { page } = await browser();
		await signIn(page, "reporter-t36", `/entry?period=${month}`);
		await fillForm(page, validValues({ INFANT_DEATHS: 5, U5_DEATHS: 5, LIVE_BIRTHS: 3 }));
		await visible(page.locator("#e-INFANT_DEATHS .warning"));
		await page.getByRole("button", { name: "上报", exact: true }).click();
		await expectText(page.locator("#comment-err"), "必须填写说明");
		await expectFocused(page.locator("#comment"));
		await expectExactText(page.getByTestId("submission-status"), "未填报");
		await screenshot(page, "entry-warning-needs-comment");
		await page.locator("#comment").fill("本月有5例婴儿死亡，其中2例为上月出生，已核实。");
		await page.getByRole("button", { name: "上报", exact: true }).click();
		await expectExactText(page.getByTestId("submission-status"), "已上报");
	});

	test("(4) an approver returns a submission and the reporter sees the comment", async () => {
		const reporter = await tokenFor("reporter-t37");
		const put = await apiCall(reporter, "PUT", `/submissions/t37/${month}`, { values: validValues(), comment: "请审核", action: "submit" });
		expect(put.status).toBeLessThan(300);

		const a = await browser();
		await signIn(a.page, "approver-qieruo", "/approvals");
		const row = a.page.locator("tr", { hasText: "37团医院" });
		await row.getByRole("button", { name: "查看审核" }).click();
		await visible(a.page.getByRole("cell", { name: "实有床位数" }).or(a.page.getByRole("rowheader", { name: "实有床位数" })));
		await a.page.getByRole("button", { name: "退回", exact: true }).click();
		await visible(a.page.getByText("退回时必须填写意见"));
		const comment = "床位数与上月差异较大，请核实后重新上报。";
		await a.page.getByLabel("审核意见").fill(comment);
		await screenshot(a.page, "approvals-review");
		await a.page.getByRole("button", { name: "退回", exact: true }).click();
		await expectText(a.page.getByTestId("approvals-notice"), "已退回");

		const r = await browser();
		await signIn(r.page, "reporter-t37", `/entry?period=${month}`);
		await expectExactText(r.page.getByTestId("submission-status"), "已退回");
		await expectText(r.page.getByTestId("review-comment"), comment);
		await screenshot(r.page, "entry-returned");
	});

	test("(5) a leader has no data-entry page, and the API refuses them too", async () => {
		const { page } = await browser();
		await signIn(page, "leader", "/");
		const nav = page.getByRole("navigation", { name: "主导航" });
		await visible(nav.getByRole("link", { name: "总览" }));
		await expectCount(nav.getByRole("link", { name: "填报", exact: true }), 0);
		await visible(nav.getByRole("link", { name: "填报进度" }));
		await page.goto(`${new URL(page.url()).origin}/entry`);
		await visible(page.getByRole("heading", { name: "无权访问" }));

		const token = await tokenFor("leader");
		expect((await apiCall(token, "PUT", `/submissions/t33/${month}`, { values: {}, action: "save" })).status).toBe(403);
		expect((await apiCall(token, "GET", `/forms/t33/${month}`)).status).toBe(403);
	});

	test("(6) script and onerror payloads in a comment and a unit name render as text", async () => {
		const payload = `<script>alert("xss-comment")</script><img src=x onerror=alert("xss-img")>`;
		const reporter = await tokenFor("reporter-t38");
		const put = await apiCall(reporter, "PUT", `/submissions/t38/${month}`, { values: validValues(), comment: payload, action: "submit" });
		expect(put.status).toBeLessThan(300);

		const admin = await tokenFor("admin");
		const unitName = `<img src=x onerror=alert("xss-unit")>38团医院`;
		const unit = await apiCall(admin, "PUT", "/admin/units/t38", { name: { zh: unitName, en: "38th Regiment Hospital" }, parentId: "qieruo", type: "regiment-hospital", active: true });
		expect(unit.status).toBe(200);
		try {
			const { page, dialogs } = await browser();
			await signIn(page, "admin", "/approvals");
			const row = page.locator("tr", { hasText: "38团医院" }).filter({ hasText: payload });
			await visible(row.getByText(payload, { exact: true }));
			await row.getByRole("button", { name: "查看审核" }).click();
			await visible(page.locator(".review").getByText(payload, { exact: true }));

			await page.goto(`${new URL(page.url()).origin}/admin/units`);
			await expectText(page.getByTestId("unit-name-t38"), unitName);
			await screenshot(page, "admin-units-escaped");
			await page.goto(`${new URL(page.url()).origin}/completeness`);
			await visible(page.locator("tbody th", { hasText: unitName }));

			// Neither payload became an element (the app's own inline bootstrap script is not one of them).
			const injected = await page.evaluate(
				() => document.querySelectorAll('img[src="x"]').length + [...document.scripts].filter((el) => el.textContent?.includes("xss-")).length,
			);
			expect(injected).toBe(0);
			expect(dialogs).toEqual([]);
		} finally {
			await apiCall(admin, "PUT", "/admin/units/t38", { name: { zh: "38团医院", en: "38th Regiment Hospital" }, parentId: "qieruo", type: "regiment-hospital", active: true });
		}
	});

	test("(7) the English toggle switches the UI and is remembered", async () => {
		const { page } = await browser();
		await signIn(page, "leader", "/");
		await page.getByRole("button", { name: "Switch to English" }).click();
		await visible(page.getByRole("heading", { name: "Dashboard", level: 1 }));
		await visible(page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Completeness" }));
		await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
		await page.reload();
		await visible(page.getByRole("heading", { name: "Dashboard", level: 1 }));
		await visible(page.getByRole("region", { name: "Indicator status counts" }));
		await screenshot(page, "dashboard-en");
		await page.getByRole("button", { name: "切换到中文" }).click();
		await visible(page.getByRole("heading", { name: "总览", level: 1 }));
	});

	test("(8) a draft survives a reload and a dropped connection, and a stale version offers a reload", async () => {
		const { page, context } = await browser();
		await signIn(page, "reporter-t31", `/entry?period=${month}`);
		await fillForm(page, validValues({ BEDS: 42 }));
		// No pause: the draft is debounced while typing but flushed when the page goes away.
		await page.reload();
		await expectText(page.getByRole("status").filter({ hasText: "已恢复" }), "已恢复您在本机未保存的修改");
		await expect.poll(() => page.locator("#v-BEDS").inputValue(), { timeout: 30_000 }).toBe("42");

		await context.setOffline(true);
		await page.getByRole("button", { name: "保存草稿" }).click();
		await expectText(page.getByTestId("entry-message"), "网络中断");
		await context.setOffline(false);
		await page.getByTestId("entry-message").getByRole("button", { name: "重试" }).click();
		await expectText(page.getByTestId("entry-message"), "草稿已保存");
		await expectExactText(page.getByTestId("submission-status"), "草稿");

		// Someone else saves meanwhile: the next save is refused as stale and the page offers the new version.
		const token = await tokenFor("reporter-t31");
		const other = await apiCall(token, "PUT", `/submissions/t31/${month}`, { values: validValues({ BEDS: 44 }), action: "save" });
		expect(other.status).toBe(200);
		await page.locator("#v-BEDS").fill("43");
		await page.getByRole("button", { name: "保存草稿" }).click();
		await expectText(page.getByTestId("entry-message"), "刷新后重试");
		await page.getByRole("button", { name: "加载最新版本" }).click();
		await expectText(page.getByRole("status").filter({ hasText: "已恢复" }), "服务器上的数据已更新");
		await expect.poll(() => page.locator("#v-BEDS").inputValue(), { timeout: 30_000 }).toBe("43");
		await page.getByRole("button", { name: "保存草稿" }).click();
		await expectText(page.getByTestId("entry-message"), "草稿已保存");
	});
});
