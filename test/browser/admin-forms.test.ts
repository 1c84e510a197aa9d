// Admin pages do what a click promises (issue 18, items 10–12): the unit edit form comes into view, the
// admin's 填报 opens on a form rather than a 400, and the new-user form asks for a scope in tree order and
// says how the password is set.
import { afterEach, describe, expect, test } from "vitest";
import { expectFocused, openBrowser, type Session, signIn, visible } from "./browser";

const sessions: Session[] = [];
afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

describe("admin forms", () => {
	test("(10–12) unit edit in view, 填报 opens on a monthly form, the new-user form in tree order without a preselected scope", async () => {
		const s = await openBrowser({ width: 390, height: 844 });
		sessions.push(s);
		const failed: string[] = [];
		s.page.on("response", (r) => {
			if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
		});
		await signIn(s.page, "admin", "/admin/units");
		const origin = new URL(s.page.url()).origin;

		// (10) 编辑 on the last unit: the form is on screen with the cursor in it.
		await s.page.locator("tbody tr:last-child button").click();
		await expectFocused(s.page.locator("#u-zh"));
		const top = await s.page.locator("form.editor").evaluate((el) => el.getBoundingClientRect().top);
		expect(top).toBeGreaterThanOrEqual(0);
		expect(top).toBeLessThan(844);

		// (11) 填报 for an admin: a monthly unit's form, no 400 and no retry.
		await s.page.goto(`${origin}/entry`);
		await visible(s.page.locator("input[id^='v-']"));
		expect(await s.page.locator("#unit").inputValue()).not.toBe("wjw");
		expect(failed).toEqual([]);

		// (12) 新增用户: no scope chosen yet, the org tree in order, and a word on the password.
		await s.page.goto(`${origin}/admin/users`);
		await s.page.getByRole("button", { name: "新增用户" }).click();
		expect(await s.page.locator("#us-s").inputValue()).toBe("");
		const firstOptions = () => s.page.locator("#us-s option:not([disabled])").evaluateAll((os) => os.slice(0, 3).map((o) => (o as HTMLOptionElement).value));
		await expect.poll(firstOptions, { timeout: 30_000 }).toEqual(["div", "korla", "h-korla"]);
		await visible(s.page.getByText("无需在此设置密码"));
		await s.page.locator("#us-u").fill("new-reporter");
		await s.page.locator("#us-n").fill("新填报员");
		await s.page.getByRole("button", { name: "保存" }).click();
		await visible(s.page.getByText("请选择用户的机构范围"));
	});
});
