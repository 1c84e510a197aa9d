// The monthly summary as an admin follows it on /admin/deliveries: a preview lists who a run would reach and sends
// nothing; the run sends and the record appears; a resend without a reason is refused at the field and sends
// nothing, with one it is sent and counted. zh-CN at 390 px, then the same records in English at 1440 px.
import { afterAll, describe, expect, test } from "vitest";
import { lastFullMonth } from "../../functions/core/periods";
import { apiCall, baseUrl, expectText, openBrowser, type Session, screenshot, signIn, tokenFor, visible } from "./browser";

const sessions: Session[] = [];
const MONTH = lastFullMonth(new Date());
const NAME = "浏览器测试领导";
let recipientId = "";

type Deliveries = { deliveries: { recipientId: string; status: string; resends?: number; lastResendReason?: string }[] };
const records = async () => ((await apiCall(await tokenFor("admin"), "GET", `/admin/summaries/deliveries?month=${MONTH}`)).body as Deliveries).deliveries.filter((d) => d.recipientId === recipientId);

afterAll(async () => {
	while (sessions.length) await sessions.pop()?.close();
	if (recipientId) await apiCall(await tokenFor("admin"), "DELETE", `/admin/recipients/${recipientId}`);
});

describe("summary delivery", () => {
	test("an admin previews, sends and resends with a reason, at 390 px in zh-CN", async () => {
		const created = await apiCall(await tokenFor("admin"), "POST", "/admin/recipients", { name: NAME, email: "browser-leader@example.cn", scopeOrgId: "div" });
		expect(created.status).toBe(201);
		recipientId = (created.body as { id: string }).id;

		const s = await openBrowser({ width: 390, height: 844 });
		sessions.push(s);
		const page = s.page;
		await signIn(page, "admin", "/admin/deliveries");
		await visible(page.getByRole("heading", { name: "简报发送", level: 1 }));

		await page.getByRole("button", { name: "预览（不发送）" }).click();
		await expectText(page.locator("[aria-live] .notice.ok"), "未发送任何内容");
		const planned = page.locator("section[aria-labelledby='dl-plan'] li", { hasText: NAME });
		await visible(planned);
		await expectText(planned, "将发送");
		await expectText(planned, "browser-leader@example.cn");
		expect(await records()).toEqual([]);
		await screenshot(page, "deliveries-preview-zh-CN-390");

		await page.getByRole("button", { name: "立即发送" }).click();
		await expectText(page.locator("[aria-live] .notice"), "的简报已运行", 60_000);
		const row = page.locator("section[aria-labelledby='dl-records'] li", { hasText: NAME });
		await expectText(row, "已发送");
		expect((await records()).map((r) => r.status)).toEqual(["sent"]);

		await row.getByRole("button", { name: `重发给 ${NAME}（邮件）` }).click();
		await row.getByRole("button", { name: "确认重发" }).click();
		await expectText(row.locator(".field .err"), "请说明重发原因");
		expect((await records())[0]?.resends ?? 0).toBe(0);

		await row.getByLabel("重发原因（记入审计）").fill("领导反映未收到");
		await row.getByRole("button", { name: "确认重发" }).click();
		// The outcome shows in the row the admin clicked.
		await expectText(page.locator("section[aria-labelledby='dl-records'] li", { hasText: NAME }).locator("[aria-live] .notice.ok"), `已重发给 ${NAME}`, 60_000);
		expect(await page.locator("section[aria-labelledby='dl-run'] .notice").count()).toBe(0);
		await expectText(page.locator("section[aria-labelledby='dl-records'] li", { hasText: NAME }), "已重发 1 次");
		expect(await records()).toMatchObject([{ status: "sent", resends: 1, lastResendReason: "领导反映未收到" }]);
		// Fits the phone: nothing wider than the viewport.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await screenshot(page, "deliveries-records-zh-CN-390");
	}, 180_000);

	test("the same records in English at 1440 px, and a preview that skips what was sent", async () => {
		expect(recipientId).not.toBe("");
		const s = await openBrowser({ width: 1440, height: 900, locale: "en" });
		sessions.push(s);
		const page = s.page;
		await signIn(page, "admin", "/admin/deliveries");
		await page.evaluate(() => localStorage.setItem("hpm.locale", "en"));
		await page.goto(`${baseUrl()}/admin/deliveries`);
		const row = page.locator("section[aria-labelledby='dl-records'] li", { hasText: NAME });
		await expectText(row, "sent");
		await expectText(row, "Resends: 1 (last reason: 领导反映未收到)");
		await page.getByRole("button", { name: "Preview (sends nothing)" }).click();
		await expectText(page.locator("[aria-live] .notice.ok"), "Nothing was sent");
		await expectText(page.locator("section[aria-labelledby='dl-plan'] li", { hasText: NAME }), "Skip (sent this month)");
		await screenshot(page, "deliveries-en-1440");
	}, 120_000);
});
