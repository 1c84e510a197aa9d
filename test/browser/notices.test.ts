// Notification settings in the site (issue 17 item 3): a user turns reminders off on /notices (the return
// notice stays, and says why), and it holds after a reload and in the API; an admin sets the scheduled
// notices on /admin/notices, a day count out of range is refused at the field in either language and
// nothing is saved, and a good one is saved.
import { afterEach, describe, expect, test } from "vitest";
import { apiCall, baseUrl, expectText, openBrowser, type Session, screenshot, signIn, tokenFor, visible } from "./browser";

const sessions: Session[] = [];
afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

describe("notification settings", () => {
	test("a reporter opts out of reminders from the header's link, at 390 px, and it sticks", async () => {
		const s = await openBrowser({ width: 390, height: 844 });
		sessions.push(s);
		const page = s.page;
		await signIn(page, "reporter-t33", "/");
		await page.locator("header a[href='/notices']").click();
		await page.waitForURL(/\/notices$/);
		const reminders = page.getByLabel("填报提醒（截止前提醒与逾期通知）");
		await visible(reminders);
		expect(await reminders.isChecked()).toBe(true);
		await visible(page.getByText("报表被退回时的通知不能关闭"));
		await reminders.uncheck();
		await page.locator("#np-locale").selectOption("en");
		await page.getByRole("button", { name: "保存" }).click();
		await expectText(page.locator("[aria-live] .notice.ok"), "通知设置已保存");
		await screenshot(page, "notices-reporter-zh-CN-390");

		await page.reload();
		await visible(page.getByLabel("填报提醒（截止前提醒与逾期通知）"));
		expect(await page.getByLabel("填报提醒（截止前提醒与逾期通知）").isChecked()).toBe(false);
		expect(await page.locator("#np-locale").inputValue()).toBe("en");
		const api = await apiCall(await tokenFor("reporter-t33"), "GET", "/me/notices");
		expect(api.body).toEqual({ reminders: false, feedback: true, locale: "en" });
	});

	test("an admin's day counts are checked at the field in English, and a good change is saved", async () => {
		const s = await openBrowser({ width: 1440, height: 900, locale: "en" });
		sessions.push(s);
		const page = s.page;
		await signIn(page, "admin", "/admin/notices");
		await page.evaluate(() => localStorage.setItem("hpm.locale", "en"));
		await page.goto(`${baseUrl()}/admin/notices`);
		const before = page.locator("#ns-days-before");
		await visible(before);
		expect(await before.inputValue()).toBe("3");
		await before.fill("30");
		await page.getByRole("button", { name: "Save" }).click();
		await expectText(page.locator(".field:has(#ns-days-before) .err"), "A whole number from 1 to 15");
		expect(await before.getAttribute("aria-invalid")).toBe("true");
		const token = await tokenFor("admin");
		expect(((await apiCall(token, "GET", "/admin/notices/settings")).body as { before: { daysBefore: number } }).before.daysBefore).toBe(3);

		await before.fill("5");
		await page.locator("section[aria-labelledby='ns-feedback'] input[type=checkbox]").uncheck();
		await page.getByRole("button", { name: "Save" }).click();
		await expectText(page.locator("[aria-live] .notice.ok"), "Reminder settings saved");
		const saved = (await apiCall(token, "GET", "/admin/notices/settings")).body as { before: { daysBefore: number }; feedback: { enabled: boolean } };
		expect(saved.before.daysBefore).toBe(5);
		expect(saved.feedback.enabled).toBe(false);
		await screenshot(page, "notices-admin-en-1440");
		// Leave the defaults for the other suites.
		const reset = await apiCall(token, "PUT", "/admin/notices/settings", { ...(saved as object), before: { enabled: true, daysBefore: 3 }, feedback: { enabled: true } });
		expect(reset.status).toBe(200);
	});
});
