// Starts the whole platform for the browser tests: `npx tsx scripts/start.ts --reset` on free ports, waits for
// GET /api/health, and stops the process group afterwards.
//
// The platform keeps its data under <root>/.local and --reset wipes it. So that a test run never wipes the
// data of a developer's own `npm start` in the same checkout, the platform runs from a scratch root: a copy
// of scripts/ with links to functions/, web/, node_modules/ and the config files (HPM_BROWSER_ISOLATE=0 runs
// in the checkout itself, e.g. in CI). Demo data is skipped for speed and determinism (HPM_BROWSER_DEMO=1
// seeds it).
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { stopProcessGroup } from "../../scripts/lib/child-process";

declare module "vitest" {
	export interface ProvidedContext {
		baseUrl: string;
	}
}

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

const freePort = (): Promise<number> =>
	new Promise((res, rej) => {
		const s = createServer();
		s.once("error", rej);
		s.listen(0, "127.0.0.1", () => {
			const addr = s.address();
			const port = typeof addr === "object" && addr ? addr.port : 0;
			s.close(() => res(port));
		});
	});

const scratchRoot = (): string => {
	const dir = mkdtempSync(join(tmpdir(), "hpm-browser-root-"));
	cpSync(join(repoRoot, "scripts"), join(dir, "scripts"), { recursive: true });
	for (const name of ["functions", "web", "node_modules", "package.json", "tsconfig.json", "types"]) {
		symlinkSync(join(repoRoot, name), join(dir, name));
	}
	return dir;
};

const waitForHealth = async (url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> => {
	const started = Date.now();
	let exited: number | null = null;
	child.once("exit", (code) => {
		exited = code ?? -1;
	});
	while (Date.now() - started < timeoutMs) {
		if (exited !== null) throw new Error(`The platform exited (${exited}) before it was ready. Log: ${logFile}\n${tail(logFile)}`);
		try {
			const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
			if (res.status === 200) {
				const site = await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) });
				if (site.status === 200 && (site.headers.get("content-type") ?? "").includes("text/html")) return;
			}
		} catch {
			// Not listening yet.
		}
		await new Promise((r) => setTimeout(r, 1_000));
	}
	throw new Error(`The platform did not answer GET /api/health within ${timeoutMs / 1000} s. Log: ${logFile}\n${tail(logFile)}`);
};

const tail = (file: string): string => {
	try {
		return readFileSync(file, "utf8").split(/\r?\n|\r/).slice(-30).join("\n");
	} catch {
		return "";
	}
};

export default async function setup(project: TestProject) {
	const external = process.env.HPM_BROWSER_BASE_URL;
	if (external) {
		// An already running platform (e.g. `npm start` during development).
		project.provide("baseUrl", external.replace(/\/+$/, ""));
		return;
	}
	const [http, dynamodb, smtp, mailWeb] = [await freePort(), await freePort(), await freePort(), await freePort()];
	const isolate = process.env.HPM_BROWSER_ISOLATE !== "0";
	const root = isolate ? scratchRoot() : repoRoot;
	const logDir = join(repoRoot, "test-results");
	mkdirSync(logDir, { recursive: true });
	const logFile = join(logDir, "browser-platform.log");
	const log = createWriteStream(logFile);
	const args = ["tsx", "scripts/start.ts", "--reset", ...(process.env.HPM_BROWSER_DEMO === "1" ? [] : ["--no-demo"])];
	const child = spawn("npx", args, {
		cwd: root,
		env: { ...process.env, PORT: String(http), DYNAMODB_PORT: String(dynamodb), MAIL_SMTP_PORT: String(smtp), MAIL_WEB_PORT: String(mailWeb) },
		stdio: ["ignore", "pipe", "pipe"],
		// Its own process group, so teardown can stop DynamoDB Local and everything else it started.
		detached: true,
	});
	child.stdout?.pipe(log);
	child.stderr?.pipe(log);
	const baseUrl = `http://localhost:${http}`;

	const stop = () => stopProcessGroup(child);

	try {
		await waitForHealth(baseUrl, child, logFile, Number(process.env.HPM_BROWSER_START_TIMEOUT_S ?? 600) * 1000);
	} catch (e) {
		await stop();
		throw e;
	}
	project.provide("baseUrl", baseUrl);

	return async () => {
		await stop();
		log.end();
		if (isolate) rmSync(root, { recursive: true, force: true });
	};
}
