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
import { LAMBDA_CREDENTIALS_ALIAS } from "../../infra/constructs/project-function";
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

/**
 * The functions behind the API, which the floor goals apply to: metadata, users and imports serve routes the
 * admin function served until they were split off, so the goal follows them. The summary functions (summaries,
 * summary-job), reports, oidc and seed report against the same floor without a goal (floor.*All).
 */
const API_FUNCTIONS = ["catalog", "submissions", "analytics", "admin", "metadata", "users", "imports"];

const esbuildOptions = (name: string, outfile: string, external: string[], opts: { entry?: string; alias?: boolean } = {}): BuildOptions & { metafile: true } => ({
	entryPoints: [opts.entry ?? join(root, "functions", "handlers", `${name}.ts`)],
	// As infra bundles with the SDK inside: the default credential chain aliased to the environment provider.
	...(opts.alias !== false && external.length === 0 ? { alias: { ...LAMBDA_CREDENTIALS_ALIAS } } : {}),
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
	// The floor: the document client and one GetItem with the project's esbuild settings and the SDK's default
	// credential chain (342 KB when the goal was set), and the same with the environment-only chain.
	const floorDir = join(out, "floor");
	mkdirSync(floorDir, { recursive: true });
	const floorFile = join(floorDir, "index.mjs");
	const floorAliasedFile = join(floorDir, "aliased.mjs");
	await build(esbuildOptions("floor", floorFile, [], { entry: join(root, "bench", "lib", "floor-entry.ts"), alias: false }));
	await build(esbuildOptions("floor", floorAliasedFile, [], { entry: join(root, "bench", "lib", "floor-entry.ts") }));
	const floorKB = round(statSync(floorFile).size / 1024, 1);
	const floorAliasedKB = round(statSync(floorAliasedFile).size / 1024, 1);
	const bundleFloorRatio: Record<string, number> = {};
	const initFloorRatio: Record<string, number> = {};
	const initCpuFloorRatio: Record<string, number> = {};
	const floorInitsAll: number[] = [];
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
		// Module init in a fresh process: time around the dynamic import only, plus the whole spawn. The
		// variants alternate so drift on this noisy machine hits them alike.
		const inits: number[] = [];
		const runtimeSdkInits: number[] = [];
		const floorInits: number[] = [];
		// CPU time (user + system) of the same imports: what the import costs, without the time the process
		// waited for a core while other suites ran (wall-clock medians of 5 swing with the load on this machine).
		const cpus: number[] = [];
		const floorCpus: number[] = [];
		const spawnsMs: number[] = [];
		let error: string | undefined;
		for (let i = 0; i < o.spawns && !error; i++) {
			for (const [file, into, cpuInto] of [
				[outfile, inits, cpus],
				[runtimeSdkFile, runtimeSdkInits, undefined],
				[floorFile, floorInits, floorCpus],
			] as const) {
				const s0 = performance.now();
				const script = "const c=process.cpuUsage(); const t=performance.now(); await import(process.env.BENCH_BUNDLE); const w=performance.now()-t; const u=process.cpuUsage(c); process.stdout.write(w+' '+(u.user+u.system)/1000); process.exit(0);";
				const p = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
					env: { ...env, BENCH_BUNDLE: file },
					encoding: "utf8",
					timeout: 60_000,
				});
				if (file === outfile) spawnsMs.push(performance.now() - s0);
				if (p.status !== 0) {
					error = (p.stderr || "").split("\n").slice(0, 3).join(" ");
					break;
				}
				const [wallMs, cpuMs] = p.stdout.split(" ").map(Number) as [number, number];
				into.push(wallMs);
				cpuInto?.push(cpuMs);
			}
		}
		const assets = (EXTRA_ASSETS[name] ?? []).map((f) => ({ file: f, KB: round(statSync(join(root, f)).size / 1024, 1) }));
		bundleKB[name] = round(size / 1024, 1);
		initMs[name] = inits.length ? summarize(inits, 1).median : Number.NaN;
		floorInitsAll.push(...floorInits);
		bundleFloorRatio[name] = round(size / 1024 / floorKB, 3);
		// Against the floor's init timed in the same loop, alternating with this function's.
		initFloorRatio[name] = inits.length && floorInits.length ? round(summarize(inits, 1).median / summarize(floorInits, 1).median, 3) : Number.NaN;
		initCpuFloorRatio[name] = cpus.length && floorCpus.length ? round(summarize(cpus, 1).median / summarize(floorCpus, 1).median, 3) : Number.NaN;
		detail[name] = {
			bundleKB: bundleKB[name],
			mapKB: round(statSync(`${outfile}.map`).size / 1024, 1),
			assets,
			withAssetsKB: round((size + assets.reduce((a, x) => a + x.KB * 1024, 0)) / 1024, 1),
			largestInputs: top,
			initMs: inits.length ? summarize(inits, 1) : null,
			initCpuMs: cpus.length ? summarize(cpus, 1) : null,
			floorInitCpuMs: floorCpus.length ? summarize(floorCpus, 1) : null,
			withRuntimeSdk: { bundleKB: runtimeSdkKB, initMs: runtimeSdkInits.length ? summarize(runtimeSdkInits, 1) : null },
			spawnToExitMs: summarize(spawnsMs, 1),
			esbuildMs: Math.round(buildMs),
			...(error ? { error } : {}),
		};
	}
	const api = (r: Record<string, number>) => Object.fromEntries(API_FUNCTIONS.filter((n) => n in r).map((n) => [n, r[n] as number]));
	return {
		lambdaBundleKB: bundleKB,
		lambdaInitMs: initMs,
		lambdaBundleFloorRatio: api(bundleFloorRatio),
		lambdaInitFloorRatio: api(initFloorRatio),
		/** The same ratio in CPU time (user + system) of the import: steadier than wall-clock on a loaded machine. */
		lambdaInitCpuFloorRatio: api(initCpuFloorRatio),
		floor: {
			bundleKB: floorKB,
			bundleKBWithEnvCredentials: floorAliasedKB,
			initMs: floorInitsAll.length ? summarize(floorInitsAll, 1) : null,
			bundleFloorRatioAll: bundleFloorRatio,
			initFloorRatioAll: initFloorRatio,
			initCpuFloorRatioAll: initCpuFloorRatio,
			note: "floor = the DynamoDB document client and one GetItem (bench/lib/floor-entry.ts) with the project's esbuild settings and the SDK's default credential chain; the functions are built as infra builds them, with the chain aliased to the environment provider. bundleKBWithEnvCredentials is the floor built that way too.",
		},
		detail,
		spawns: o.spawns,
		note: "bundle = the default (bundleAwsSdk=true, the pinned SDK bundled); detail.*.withRuntimeSdk = the same handler with @aws-sdk/* left to the runtime, timed alternately in the same loop. init = time around `await import(bundle)` in a fresh node process on this machine (x86-64, node 20); Lambda runs node 24 on ARM with 1,024 MB",
	};
};
