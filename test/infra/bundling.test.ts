// One synth WITH bundling, to prove every handler bundles with esbuild as the Lambda runs it: minified ESM
// with a source map, the createRequire banner, and the chart assets beside the summary functions' bundles.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { HandlerName } from "../../infra/constructs/project-function";
import { logicalId, type Synthesized, synth } from "./synth";

const HANDLERS: HandlerName[] = ["catalog", "submissions", "analytics", "reports", "admin", "metadata", "users", "imports", "summaries", "summary-job", "oidc", "seed"];

describe("bundled handlers (aws-cn dev stage: every function, including the oidc provider)", { timeout: 600_000 }, () => {
	let s: Synthesized;
	const bundleDir = (name: HandlerName): string => {
		const fn = s.stack.functions[name];
		if (!fn) throw new Error(`no ${name} function`);
		const code = s.resources[logicalId(s, fn)]?.Properties?.Code as { S3Key: string };
		return join(s.outdir, `asset.${code.S3Key.replace(/\.zip$/, "")}`);
	};

	beforeAll(() => {
		s = synth({ partition: "aws-cn", stage: "dev" }, { bundling: true });
	}, 600_000);

	it.each(HANDLERS)("%s bundles to index.mjs with a source map and the require banner", (name) => {
		const dir = bundleDir(name);
		const js = readFileSync(join(dir, "index.mjs"), "utf8");
		expect(js.startsWith("import { createRequire as __cdkCreateRequire }")).toBe(true);
		expect(js).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
		expect(existsSync(join(dir, "index.mjs.map"))).toBe(true);
		// The pinned AWS SDK / zod are bundled, not left to the runtime, so every bundle is substantial...
		expect(js.length).toBeGreaterThan(20_000);
		// ...and minified: lines are long (only newlines inside template literals survive).
		expect(js.length / js.split("\n").length).toBeGreaterThan(200);
		// The credential chain is the environment provider only (LAMBDA_CREDENTIALS_ALIAS): no SSO, profile
		// processes or web identity code, which a Lambda never runs.
		expect(js).toContain("AWS_ACCESS_KEY_ID");
		for (const unused of ["sso_start_url", "credential_process", "AWS_WEB_IDENTITY_TOKEN_FILE"]) expect(js).not.toContain(unused);
	});

	it.each(["summaries", "summary-job", "reports"] as const)("%s ships the chart font and the resvg wasm in assets/", (name) => {
		const dir = bundleDir(name);
		const wasm = readFileSync(join(dir, "assets", "resvg.wasm"));
		expect(wasm.subarray(0, 4)).toEqual(Buffer.from([0x00, 0x61, 0x73, 0x6d])); // "\0asm"
		expect(readFileSync(join(dir, "assets", "cjk-subset.otf")).length).toBeGreaterThan(100_000);
	});
});
