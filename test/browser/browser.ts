// Shared browser helpers: Debian's chromium through playwright-core (never a downloaded browser), a
// fresh profile per context, and sign-in through the platform's real OIDC login page.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const screenshotDir = join(repoRoot, "screenshots");

export const DEMO_PASSWORD = "Demo2025!hpm";

export const baseUrl = (): string => {
	const url = process.env.HPM_BROWSER_BASE_URL;
	if (!url) throw new Error("HPM_BROWSER_BASE_URL is not set: run the browser tests through test/browser/vitest.config.ts");
	return url;
};

export interface Session {
	context: BrowserContext;
	page: Page;
	/** Alerts, confirms and prompts the page opened: an XSS payload that ran would show up here. */
	dialogs: string[];
	close(): Promise<void>;
}

export const openBrowser = async (opts: { width?: number; height?: number; locale?: string } = {}): Promise<Session> => {
	const dir = mkdtempSync(join(tmpdir(), "hpm-browser-"));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
		headless: true,
		viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
		locale: opts.locale ?? "zh-CN",
		timezoneId: "Asia/Shanghai",
		args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
	});
	const page = context.pages()[0] ?? (await context.newPage());
	const dialogs: string[] = [];
	context.on("page", (p) =>
		p.on("dialog", (d) => {
			dialogs.push(d.message());
			void d.dismiss();
		}),
	);
	page.on("dialog", (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	return {
		context,
		page,
		dialogs,
		close: async () => {
			await context.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
};

/** Opens `path`, lets the app redirect to the provider's login page, signs in and waits for the app. */
export const signIn = async (page: Page, username: string, path = "/"): Promise<void> => {
	await page.goto(`${baseUrl()}${path}`);
	await page.waitForURL(/\/oidc\//, { timeout: 30_000 });
	await page.locator("#username").fill(username);
	await page.locator("#password").fill(DEMO_PASSWORD);
	await page.locator("button[type=submit]").click();
	await page.waitForURL((u) => !u.pathname.startsWith("/oidc") && !u.pathname.startsWith("/auth/"), { timeout: 30_000 });
	await page.locator("nav[aria-label] a").first().waitFor({ timeout: 30_000 });
};

export const screenshot = async (page: Page, name: string): Promise<void> => {
	mkdirSync(screenshotDir, { recursive: true });
	await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
};
