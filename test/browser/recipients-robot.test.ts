// A summary recipient with a group robot, through the admin page (issue 17 item 5): a form with neither an email
// nor a robot, and a robot URL off the platform's host, are refused at their fields (the error shows where the
// field's hint was) and nothing is saved; a WeCom robot with a real-shaped URL is saved, and the list and the API
// show only its masked hint, never the URL.
import { afterEach, describe, expect, test } from "vitest";
import { apiCall, expectText, openBrowser, type Session, screenshot, signIn, tokenFor, visible } from "./browser";

const sessions: Session[] = [];
afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

const KEY = "693a91f6-7d2e-4bc4-97a0-0ec2b1fa5aaa";
const URL_OK = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`;

describe("a recipient's group robot", () => {
	test("refused at the field, then saved with only a masked hint shown (zh-CN, 390 px)", async () => {
		const s = await openBrowser({ width: 390, height: 844 });
		sessions.push(s);
		const page = s.page;
		await signIn(page, "admin", "/admin/recipients");
		const token = await tokenFor("admin");
		const before = ((await apiCall(token, "GET", "/admin/recipients")).body as { recipients: unknown[] }).recipients.length;

		await page.getByRole("button", { name: "新增收件人" }).click();
		await page.locator("#r-n").fill("塔里木垦区领导群");
		// Neither an email nor a robot.
		await page.getByRole("button", { name: "保存" }).click();
		await expect.poll(() => page.locator("#r-e-h").getAttribute("class"), { timeout: 30_000 }).toContain("err");
		expect(((await page.locator("#r-e-h").textContent()) ?? "").length).toBeGreaterThan(0);

		// A robot URL that is not WeCom's.
		await page.locator("#r-rk").selectOption("wecom");
		await page.locator("#r-ru").fill("https://example.com/cgi-bin/webhook/send?key=abc");
		await page.getByRole("button", { name: "保存" }).click();
		await expect.poll(() => page.locator("#r-ru-h").getAttribute("class"), { timeout: 30_000 }).toContain("err");
		expect(await page.locator("#r-ru-h").textContent()).not.toBe("在群设置的“群机器人”中添加机器人后复制 Webhook 地址。");
		expect(((await apiCall(token, "GET", "/admin/recipients")).body as { recipients: unknown[] }).recipients).toHaveLength(before);

		await page.locator("#r-ru").fill(URL_OK);
		await page.getByRole("button", { name: "保存" }).click();
		await expectText(page.locator("[aria-live] .notice.ok"), "塔里木垦区领导群");
		await visible(page.getByText("qyapi.weixin.qq.com", { exact: false }));
		expect(await page.content()).not.toContain(KEY);
		await screenshot(page, "recipients-robot-zh-CN-390");

		const list = (await apiCall(token, "GET", "/admin/recipients")).body as { recipients: { name: string; webhook?: { kind: string; hint: string } }[] };
		const saved = list.recipients.find((r) => r.name === "塔里木垦区领导群");
		expect(saved?.webhook).toMatchObject({ kind: "wecom", configured: true });
		expect(JSON.stringify(list)).not.toContain(KEY);
	});
});
