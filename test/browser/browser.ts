// Shared browser helpers: Debian's chromium through playwright-core (never a downloaded browser), a
// fresh profile per context, and sign-in through the platform's real OIDC login page.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import { fetchTokenViaPkce } from "../../functions/auth/pkce-client";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const screenshotDir = join(repoRoot, "screenshots");

export const DEMO_PASSWORD = "Demo2025!hpm";

/** Where the platform runs: provided by global-setup.ts. */
export const baseUrl = (): string => process.env.HPM_BROWSER_BASE_URL ?? inject("baseUrl");

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

/** A bearer (ID) token through the real code + PKCE flow, to prepare data through the API. */
export const tokenFor = async (username: string): Promise<string> =>
	(await fetchTokenViaPkce({ baseUrl: baseUrl(), username, password: DEMO_PASSWORD })).idToken;

export const apiCall = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
	const res = await fetch(`${baseUrl()}/api${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
		...(body !== undefined ? { body: JSON.stringify(body) } : {}),
	});
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		// Not JSON.
	}
	return { status: res.status, body: parsed };
};

// Small waiting assertions on top of vitest's expect.poll (playwright-core ships no matchers).
const WAIT_MS = 30_000;

export const visible = (locator: Locator, timeout = WAIT_MS): Promise<void> => locator.first().waitFor({ state: "visible", timeout });

export const textOf = async (locator: Locator): Promise<string> => ((await locator.count()) ? ((await locator.first().textContent()) ?? "").trim() : "");

export const expectText = (locator: Locator, expected: string, timeout = WAIT_MS) => expect.poll(() => textOf(locator), { timeout }).toContain(expected);

export const expectExactText = (locator: Locator, expected: string, timeout = WAIT_MS) => expect.poll(() => textOf(locator), { timeout }).toBe(expected);

export const expectAttribute = (locator: Locator, name: string, value: string, timeout = WAIT_MS) =>
	expect.poll(() => locator.first().getAttribute(name), { timeout }).toBe(value);

export const expectFocused = (locator: Locator, timeout = WAIT_MS) =>
	expect.poll(() => locator.first().evaluate((el) => el === document.activeElement), { timeout }).toBe(true);

export const expectCount = (locator: Locator, n: number, timeout = WAIT_MS) => expect.poll(() => locator.count(), { timeout }).toBe(n);
