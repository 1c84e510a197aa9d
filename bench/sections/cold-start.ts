// 5. Cold-start proxies: each Lambda bundled exactly as infra's ProjectFunction has CDK's NodejsFunction
//    run esbuild (bundle, ESM, node24 target, minify, external source map without sources, the createRequire
//    banner, main fields module,main, the pinned AWS SDK bundled as the default bundleAwsSdk=true does), the
//    .mjs size without its map, the largest inputs, and module init time: importing the bundle in a fresh
//    node process (median of several spawns). The same handler is also built with @aws-sdk/* left to the
//    runtime (`-c bundleAwsSdk=false`; here it resolves from node_modules, as the runtime's SDK does from
//    /var/runtime/node_modules) and timed in the same loop, so the two choices are compared side by side.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build } from "esbuild";
import { handlerEnv, localPorts } from "../../scripts/lib/local-env";
import { round, summarize } from "../lib/stats";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
// Copied from infra/constructs/project-function.ts (ESM_REQUIRE_BANNER).
const BANNER = "import { createRequire as __cdkCreateRequire } from 'node:module'; const require = __cdkCreateRequire(import.meta.url);";
/** Files infra copies beside the summary job's bundle (infra/health-plan-stack.ts SUMMARY_ASSETS). */
const EXTRA_ASSETS: Record<string, string[]> = {
	"summary-job": ["functions/summary/assets/cjk-subset.otf", "node_modules/@resvg/resvg-wasm/index_bg.wasm"],
	summaries: [],
};

const packageOf = (path: string): string => {
	const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
	return m ? (m[1] as string) : path.startsWith("functions/") ? "functions/" : path;
};

const esbuildOptions = (name: string, outfile: string, external: string[]): BuildOptions & { metafile: true } => ({
	entryPoints: [join(root, "functions", "handlers", `${name}.ts`)],
	bundle: true,
	target: "node24",
	platform: "node",
	format: "esm",
	outfile,
	minify: true,
	sourcemap: true,
	sourcesContent: false,
	banner: { js: BANNER },
	mainFields: ["module", "main"],
	external,
	metafile: true,
	logLevel: "silent",
	absWorkingDir: root,
});

export const runColdStart = async (o: { spawns: number }) => {
	const handlersDir = join(root, "functions", "handlers");
	const names = readdirSync(handlersDir)
		.filter((f) => f.endsWith(".ts"))
		.map((f) => f.slice(0, -3))
		.sort();
	const out = join(root, "bench", "tmp", "bundles");
	rmSync(out, { recursive: true, force: true });
	// The environment a deployed function sees (functions/commons/config.ts validates it at init).
	const env = {
		...process.env,
		...handlerEnv(localPorts(), {
			TABLE_NAME: "bench",
			AUTH_ISSUER: "https://issuer.example",
			AUTH_AUDIENCE: "hpm-web",
			OIDC_ISSUER: "https://issuer.example/oidc",
			OIDC_CLIENT_REDIRECT_URIS: "https://site.example/auth/callback",
			OIDC_CLIENT_POST_LOGOUT_REDIRECT_URIS: "https://site.example/",
			MAIL_FROM: "bench <bench@hpm.local>",
			SITE_URL: "https://site.example",
			POWERTOOLS_SERVICE_NAME: "health-plan",
			POWERTOOLS_DEV: "false",
			NODE_OPTIONS: "",
		}),
	};
	const bundleKB: Record<string, number> = {};
	const initMs: Record<string, number> = {};
	const detail: Record<string, unknown> = {};
	for (const name of names) {
		const dir = join(out, name);
		mkdirSync(dir, { recursive: true });
		const outfile = join(dir, "index.mjs");
		const t0 = performance.now();
		const r = await build(esbuildOptions(name, outfile, []));
		const buildMs = performance.now() - t0;
		const runtimeSdkFile = join(dir, "runtime-sdk", "index.mjs");
		mkdirSync(join(dir, "runtime-sdk"), { recursive: true });
		await build(esbuildOptions(name, runtimeSdkFile, ["@aws-sdk/*"]));
		const runtimeSdkKB = round(statSync(runtimeSdkFile).size / 1024, 1);
		const size = statSync(outfile).size;
		const byPkg = new Map<string, number>();
		for (const [path, input] of Object.entries(r.metafile.outputs[Object.keys(r.metafile.outputs).find((k) => k.endsWith(".mjs")) as string]?.inputs ?? {})) {
			byPkg.set(packageOf(path), (byPkg.get(packageOf(path)) ?? 0) + input.bytesInOutput);
		}
		const top = [...byPkg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([pkg, bytes]) => ({ pkg, KB: round(bytes / 1024, 1) }));
		// Module init in a fresh process: time around the dynamic import only, plus the whole spawn. The two
		// variants alternate so drift on this noisy machine hits both alike.
		const inits: number[] = [];
		const runtimeSdkInits: number[] = [];
		const spawnsMs: number[] = [];
		let error: string | undefined;
		for (let i = 0; i < o.spawns && !error; i++) {
			for (const [file, into] of [
				[outfile, inits],
				[runtimeSdkFile, runtimeSdkInits],
			] as const) {
				const s0 = performance.now();
				const p = spawnSync(process.execPath, ["--input-type=module", "-e", "const t=performance.now(); await import(process.env.BENCH_BUNDLE); process.stdout.write(String(performance.now()-t)); process.exit(0);"], {
					env: { ...env, BENCH_BUNDLE: file },
					encoding: "utf8",
					timeout: 60_000,
				});
				if (file === outfile) spawnsMs.push(performance.now() - s0);
				if (p.status !== 0) {
					error = (p.stderr || "").split("\n").slice(0, 3).join(" ");
					break;
				}
				into.push(Number(p.stdout));
			}
		}
		const assets = (EXTRA_ASSETS[name] ?? []).map((f) => ({ file: f, KB: round(statSync(join(root, f)).size / 1024, 1) }));
		bundleKB[name] = round(size / 1024, 1);
		initMs[name] = inits.length ? summarize(inits, 1).median : Number.NaN;
		detail[name] = {
			bundleKB: bundleKB[name],
			mapKB: round(statSync(`${outfile}.map`).size / 1024, 1),
			assets,
			withAssetsKB: round((size + assets.reduce((a, x) => a + x.KB * 1024, 0)) / 1024, 1),
			largestInputs: top,
			initMs: inits.length ? summarize(inits, 1) : null,
			withRuntimeSdk: { bundleKB: runtimeSdkKB, initMs: runtimeSdkInits.length ? summarize(runtimeSdkInits, 1) : null },
			spawnToExitMs: summarize(spawnsMs, 1),
			esbuildMs: Math.round(buildMs),
			...(error ? { error } : {}),
		};
	}
	return {
		lambdaBundleKB: bundleKB,
		lambdaInitMs: initMs,
		detail,
		spawns: o.spawns,
		note: "bundle = the default (bundleAwsSdk=true, the pinned SDK bundled); detail.*.withRuntimeSdk = the same handler with @aws-sdk/* left to the runtime, timed alternately in the same loop. init = time around `await import(bundle)` in a fresh node process on this machine (x86-64, node 20); Lambda runs node 24 on ARM with 1,024 MB",
	};
};
