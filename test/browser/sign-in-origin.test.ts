// Sign-in works from whatever address the site was opened at (issue 18, item 9): opened at 127.0.0.1
// while the configuration names localhost, the app moves to the configured origin before it signs in,
// instead of ending on an untranslated "No matching state found in storage".
import { afterEach, describe, expect, test } from "vitest";
import { baseUrl, DEMO_PASSWORD, openBrowser, type Session, textOf, visible } from "./browser";

const sessions: Session[] = [];
afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

describe("sign-in from another origin", () => {
	test("(9) opened at 127.0.0.1, an approver signs in and lands on the page asked for", async () => {
		const s = await openBrowser();
		sessions.push(s);
		const configured = new URL(baseUrl());
		const alias = new URL(baseUrl());
		alias.hostname = configured.hostname === "localhost" ? "127.0.0.1" : "localhost";
		await s.page.goto(`${alias.origin}/completeness?months=3`);
		await s.page.waitForURL(/\/oidc\//, { timeout: 30_000 });
		await s.page.locator("#username").fill("approver");
		await s.page.locator("#password").fill(DEMO_PASSWORD);
		await s.page.locator("button[type=submit]").click();
		await s.page.waitForURL((u) => !u.pathname.startsWith("/oidc") && !u.pathname.startsWith("/auth/"), { timeout: 30_000 });
		await visible(s.page.getByRole("heading", { name: "填报进度", level: 1 }));
		expect(new URL(s.page.url()).search).toBe("?months=3");
		expect(await textOf(s.page.locator("main"))).not.toContain("No matching state");
	});
});
