// Every main page renders for the role that uses it, on a desktop and on a 360 px phone, with a
// screenshot of each in screenshots/ (git-ignored) to look at.
import { lastFullMonth } from "../../functions/core/periods";
import { afterEach, describe, expect, test } from "vitest";
import { openBrowser, type Session, screenshot, signIn, visible } from "./browser";

const sessions: Session[] = [];
afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

const PAGES: { path: string; name: string; heading: string }[] = [
	{ path: "/", name: "dashboard", heading: "总览" },
	{ path: `/indicators/BEDS_PER_1000?plan=tmg-14th&org=div&period=${lastFullMonth(new Date())}`, name: "indicator-detail", heading: "每千人口医疗卫生机构床位数" },
	{ path: "/entry?unit=t33", name: "entry", heading: "数据填报" },
	{ path: "/completeness", name: "completeness", heading: "填报进度" },
	{ path: "/approvals", name: "approvals", heading: "数据审核" },
	{ path: "/summaries", name: "summaries", heading: "月度简报" },
	{ path: "/admin/units", name: "admin-units", heading: "机构管理" },
	{ path: "/admin/users", name: "admin-users", heading: "用户管理" },
	{ path: "/admin/recipients", name: "admin-recipients", heading: "简报收件人" },
	{ path: "/admin/plans", name: "admin-plans", heading: "规划与目标" },
	{ path: "/admin/data", name: "admin-data", heading: "数据导入导出" },
];

describe("main pages", () => {
	test("every main page renders for an admin on a desktop, without console errors", async () => {
		const s = await openBrowser({ width: 1280, height: 900 });
		sessions.push(s);
		const errors: string[] = [];
		s.page.on("pageerror", (e) => errors.push(e.message));
		await signIn(s.page, "admin", "/");
		const origin = new URL(s.page.url()).origin;
		for (const p of PAGES) {
			await s.page.goto(`${origin}${p.path}`);
			await visible(s.page.getByRole("heading", { name: p.heading, level: 1 }));
			await s.page.waitForLoadState("networkidle");
			await screenshot(s.page, `page-${p.name}`);
		}
		expect(errors).toEqual([]);
		expect(s.dialogs).toEqual([]);
	});

	test("the dashboard and the entry form work on a 360 px phone", async () => {
		const s = await openBrowser({ width: 360, height: 740 });
		sessions.push(s);
		await signIn(s.page, "reporter-h-korla", "/");
		await visible(s.page.getByRole("heading", { name: "总览", level: 1 }));
		await s.page.waitForLoadState("networkidle");
		const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(s.page, "mobile-dashboard");
		await s.page.goto(`${new URL(s.page.url()).origin}/entry`);
		await visible(s.page.locator("input[id^='v-']").first());
		const entryOverflow = await s.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(entryOverflow).toBeLessThanOrEqual(0);
		await screenshot(s.page, "mobile-entry");
	});
});
