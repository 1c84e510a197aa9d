// 6. Web: first-load JS of the dashboard, gzipped (from the built index.html's module preloads and entry
//    imports, and cross-checked with what chromium actually fetched), and the time until the dashboard has
//    rendered its indicator cards in headless chromium against the whole local platform with demo data,
//    signed in through the platform's real OIDC login page (as test/browser does).
//
// The platform runs as `tsx scripts/start.ts` from a root of its own (a fresh copy of scripts/ with links to
// functions/, web/, node_modules/), as test/browser/global-setup.ts does, so the bench never touches the data
// of a developer's own `npm start`. That root and its .local/ data are kept (under /dev/shm when there is one)
// and reused while the data shape and the last full month are unchanged: seeding the demo history into
// DynamoDB Local takes minutes on this machine, and start.ts skips it when its marker is there.
// start.ts rebuilds web/build when the sources are newer.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { DEMO_PASSWORD } from "../../functions/auth/seed-users";
import { lastFullMonth } from "../../functions/core/periods";
import { freePort } from "../../scripts/lib/dynamodb-local";
import { shapeHash } from "../lib/datasets";
import { log, round, sleep, summarize } from "../lib/stats";
import { stopProcessGroup } from "../../scripts/lib/child-process";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CARD = "article.card.ind";

/** JS a first visit loads before the app can render: modulepreloads and the inline script's imports. */
export const firstLoadJs = (buildDir: string) => {
	const file = existsSync(join(buildDir, "index.html")) ? join(buildDir, "index.html") : join(buildDir, "200.html");
	const html = readFileSync(file, "utf8");
	const refs = new Set<string>();
	for (const m of html.matchAll(/<link[^>]+href="([^"]+\.js)"[^>]*rel="modulepreload"|<link[^>]+rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) refs.add((m[1] ?? m[2]) as string);
	for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) refs.add(m[1] as string);
	for (const m of html.matchAll(/import\("([^"]+\.js)"\)/g)) refs.add(m[1] as string);
	const css = [...html.matchAll(/<link[^>]+href="([^"]+\.css)"/g)].map((m) => m[1] as string);
	const gz = (rel: string) => gzipSync(readFileSync(join(buildDir, rel.replace(/^\.?\//, "")))).length;
	const raw = (rel: string) => readFileSync(join(buildDir, rel.replace(/^\.?\//, ""))).length;
	const js = [...refs];
	return {
		html: file.slice(repoRoot.length + 1),
		files: js.length,
		jsKB: round(js.reduce((a, f) => a + raw(f), 0) / 1024, 1),
		jsKBgz: round(js.reduce((a, f) => a + gz(f), 0) / 1024, 1),
		cssKBgz: round(css.reduce((a, f) => a + gz(f), 0) / 1024, 1),
	};
};

const platformRoot = (): string => {
	const base = existsSync("/dev/shm") ? "/dev/shm" : join(repoRoot, "bench", "tmp");
	const dir = join(base, `hpm-bench-web-${shapeHash(`web|${lastFullMonth(new Date())}`)}`);
	if (process.env.BENCH_FRESH === "1") rmSync(dir, { recursive: true, force: true });
	for (const d of readdirSync(base)) if (d.startsWith("hpm-bench-web-") && join(base, d) !== dir) rmSync(join(base, d), { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	rmSync(join(dir, "scripts"), { recursive: true, force: true });
	cpSync(join(repoRoot, "scripts"), join(dir, "scripts"), { recursive: true });
	for (const name of ["functions", "web", "node_modules", "package.json", "tsconfig.json"]) {
		if (existsSync(join(repoRoot, name)) && !existsSync(join(dir, name))) symlinkSync(join(repoRoot, name), join(dir, name));
	}
	return dir;
};

export const runWeb = async (o: { reps: number }) => {
	const ports = { http: await freePort(), dynamodb: await freePort(), smtp: await freePort(), mailWeb: await freePort() };
	const root = platformRoot();
	let output = "";
	const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
		cwd: root,
		env: { ...process.env, PORT: String(ports.http), DYNAMODB_PORT: String(ports.dynamodb), MAIL_SMTP_PORT: String(ports.smtp), MAIL_WEB_PORT: String(ports.mailWeb), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	child.stdout?.on("data", (d: Buffer) => {
		output = (output + d.toString()).slice(-8000);
	});
	child.stderr?.on("data", (d: Buffer) => {
		output = (output + d.toString()).slice(-8000);
	});
	const stop = () => stopProcessGroup(child);
	const base = `http://localhost:${ports.http}`;
	const started = performance.now();
	try {
		// "is running" is printed after the demo history has loaded.
		while (!/is running \(local mode\)/.test(output)) {
			if (child.exitCode !== null) throw new Error(`platform exited (${child.exitCode}):\n${output.slice(-2000)}`);
			if (performance.now() - started > 300_000) throw new Error(`platform not ready in 300 s:\n${output.slice(-2000)}`);
			await sleep(500);
		}
		log(`web: platform with demo data up in ${Math.round((performance.now() - started) / 1000)} s`);
		const bundle = firstLoadJs(join(repoRoot, "web", "build"));

		const profile = mkdtempSync(join(tmpdir(), "hpm-bench-browser-"));
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
			headless: true,
			viewport: { width: 1280, height: 900 },
			locale: "zh-CN",
			timezoneId: "Asia/Shanghai",
			args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
		});
		try {
			const page = context.pages()[0] ?? (await context.newPage());
			// Records when the first indicator card is in the DOM, on the page's own clock (ms since navigation start).
			// Records when the first indicator card is in the DOM, on the page's own clock (ms since navigation
			// start): a mutation observer plus a 10 ms timer as a fallback. Given as source text, because tsx
			// compiles functions with esbuild's keepNames, whose __name() helper does not exist in the page.
			await page.addInitScript({
				content: `(() => {
					const sel = ${JSON.stringify(CARD)};
					const check = () => {
						if (window.__cardsAt !== undefined) return;
						const n = document.querySelectorAll(sel).length;
						if (n > 0) { window.__cardsAt = performance.now(); window.__cards = n; }
					};
					new MutationObserver(check).observe(document, { childList: true, subtree: true });
					const timer = setInterval(() => { check(); if (window.__cardsAt !== undefined) clearInterval(timer); }, 10);
				})();`,
			});
			await page.goto(`${base}/`);
			await page.waitForURL(/\/oidc\//, { timeout: 60_000 });
			await page.locator("#username").fill("leader");
			await page.locator("#password").fill(DEMO_PASSWORD);
			await page.locator("button[type=submit]").click();
			await page.waitForURL((u) => !u.pathname.startsWith("/oidc") && !u.pathname.startsWith("/auth/"), { timeout: 60_000 });
			await page
				.locator(CARD)
				.first()
				.waitFor({ timeout: 60_000 })
				.catch(async (e: Error) => {
					await page.screenshot({ path: join(repoRoot, "bench", "tmp", "web-signin.png") }).catch(() => undefined);
					throw new Error(`no indicator card after sign-in at ${page.url()} (screenshot bench/tmp/web-signin.png): ${e.message}`);
				});
			const cdp = await context.newCDPSession(page);
			const measure = async (cold: boolean) => {
				if (cold) await cdp.send("Network.clearBrowserCache");
				const js: Promise<number>[] = [];
				const onResponse = (r: import("playwright-core").Response) => {
					if (r.url().endsWith(".js") && r.status() === 200) js.push(r.body().then((b) => gzipSync(b).length).catch(() => 0));
				};
				page.on("response", onResponse);
				// API requests with when they started and finished (this process's clock), to count how many
				// sequential round trips stand before the progress request whose answer draws the first card.
				const calls: { url: string; start: number; end: number }[] = [];
				const started = new Map<import("playwright-core").Request, number>();
				const onRequest = (q: import("playwright-core").Request) => {
					if (new URL(q.url()).pathname.startsWith("/api/")) started.set(q, performance.now());
				};
				const onDone = (q: import("playwright-core").Request) => {
					const t = started.get(q);
					if (t !== undefined) calls.push({ url: new URL(q.url()).pathname, start: t, end: performance.now() });
				};
				page.on("request", onRequest);
				page.on("requestfinished", onDone);
				page.on("requestfailed", onDone);
				await page.goto(`${base}/`, { waitUntil: "commit" });
				// Polled from here; the time itself was taken in the page, so the poll interval does not matter.
				const deadline = performance.now() + 60_000;
				while (!(await page.evaluate("window.__cardsAt !== undefined").catch(() => false))) {
					if (performance.now() > deadline) {
						await page.screenshot({ path: join(repoRoot, "bench", "tmp", "web-timeout.png") }).catch(() => undefined);
						const state = await page.evaluate(`document.querySelectorAll(${JSON.stringify(CARD)}).length`).catch((e: Error) => e.message);
						throw new Error(`no indicator card within 60 s at ${page.url()} (screenshot bench/tmp/web-timeout.png): ${JSON.stringify(state)}`);
					}
					await sleep(50);
				}
				const r = (await page.evaluate("({ at: window.__cardsAt, cards: window.__cards })")) as { at: number; cards: number };
				await page.waitForLoadState("networkidle").catch(() => undefined);
				page.off("response", onResponse);
				page.off("request", onRequest);
				page.off("requestfinished", onDone);
				page.off("requestfailed", onDone);
				// depth(call) = 1 + the deepest call that had finished before it started.
				const depth = new Map<(typeof calls)[number], number>();
				const byStart = [...calls].sort((a, b) => a.start - b.start);
				for (const c of byStart) depth.set(c, 1 + Math.max(0, ...byStart.filter((x) => x.end <= c.start).map((x) => depth.get(x) ?? 1)));
				const progress = byStart.find((c) => c.url === "/api/progress");
				const roundTrips = progress ? (depth.get(progress) ?? 0) : Number.NaN;
				return { ...r, roundTrips, apiCalls: byStart.map((c) => c.url), jsKBgz: (await Promise.all(js)).reduce((a, b) => a + b, 0) / 1024 };
			};
			await measure(true);
			const cold: number[] = [];
			const warm: number[] = [];
			let cards = 0;
			let fetchedJsKBgz = 0;
			const roundTrips: number[] = [];
			let apiCalls: string[] = [];
			for (let i = 0; i < o.reps; i++) {
				const c = await measure(true);
				cold.push(c.at);
				cards = c.cards;
				fetchedJsKBgz = c.jsKBgz;
				roundTrips.push(c.roundTrips);
				apiCalls = c.apiCalls;
				const w = await measure(false);
				warm.push(w.at);
				roundTrips.push(w.roundTrips);
			}
			return {
				webFirstLoadKBgz: bundle.jsKBgz,
				firstLoad: bundle,
				fetchedJsKBgzColdDashboard: round(fetchedJsKBgz, 1),
				dashboardRenderMs: summarize(cold, 0).median,
				/** Sequential API round trips up to and including the progress request that draws the first card (worst of all loads). */
				dashboardRoundTripsToFirstCard: Math.max(...roundTrips),
				dashboardApiCalls: apiCalls,
				dashboardRenderColdCacheMs: summarize(cold, 0),
				dashboardRenderWarmCacheMs: summarize(warm, 0),
				cards,
				note: "ms from navigation start until the first indicator card is in the DOM (the progress request and its render included); cold = HTTP cache cleared, session kept; local gateway on the same machine, so no network latency",
			};
		} finally {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		}
	} finally {
		await stop();
	}
};
