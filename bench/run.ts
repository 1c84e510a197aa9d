// `npm run bench`: every performance figure of the platform in one run, written to bench/results.json.
// On a shared 2-core machine absolute numbers drift with other people's load, so each headline is a ratio
// or a median measured side by side in this run; machine info and load averages are recorded with them.
//
//   BENCH_QUICK=1        fewer rounds and samples (~3-4 minutes here once the datasets are cached)
//   BENCH_ONLY=a,b       run only these sections (throughput, honest, import, scale, read, summary, cold, web); the result then
//                        goes to bench/tmp/results-partial.json, never to bench/results.json
//   BENCH_FRESH=1        rebuild the cached datasets (bench/tmp/datasets-*)
//   BENCH_BIG=100000     submissions in the large read-scaling table (quick mode: 100000 when cached, else 20000)
import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { fileURLToPath } from "node:url";
import { costOf, PRICES_USD, scenarios } from "./lib/cost-model";
import { openDatasets } from "./lib/datasets";
import { startStack } from "./lib/stack";
import { log, round } from "./lib/stats";
import { runColdStart } from "./sections/cold-start";
import { runHonest } from "./sections/honest";
import { runImports } from "./sections/imports";
import { runReadScaling } from "./sections/read-scaling";
import { runScale } from "./sections/scale";
import { runSummary } from "./sections/summary";
import { runThroughput } from "./sections/throughput";
import { runWeb } from "./sections/web";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
process.env.MAIL_FROM ??= "bench <bench@hpm.local>";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const quick = process.env.BENCH_QUICK === "1";
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : null;
const want = (s: string) => !only || only.has(s);

const git = (cmd: string): string => {
	try {
		return execSync(`git ${cmd}`, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
	} catch {
		return "";
	}
};

const machine = () => ({
	cpuModel: cpus()[0]?.model ?? "unknown",
	cores: cpus().length,
	memoryGB: round(totalmem() / 2 ** 30, 1),
	freeMemoryGB: round(freemem() / 2 ** 30, 1),
	node: process.version,
	platform: `${process.platform} ${process.arch}`,
});

const main = async () => {
	const started = new Date();
	const t0 = performance.now();
	const results: Record<string, unknown> = {
		generatedAt: started.toISOString(),
		mode: quick ? "quick" : "full",
		git: { commit: git("rev-parse HEAD"), dirty: git("status --porcelain -- functions scripts web/src infra bench ':(exclude)bench/results.json'").length > 0 },
		machine: machine(),
		loadAverage: { start: loadavg().map((x) => round(x, 2)) },
	};
	const errors: Record<string, string> = {};
	const section = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
		if (!want(name)) return undefined;
		log(`── ${name}`);
		const s = performance.now();
		try {
			const r = await fn();
			log(`── ${name} done in ${Math.round((performance.now() - s) / 1000)} s`);
			return r;
		} catch (e) {
			errors[name] = String((e as Error).stack ?? e).slice(0, 2000);
			log(`── ${name} FAILED: ${(e as Error).message}`);
			return undefined;
		}
	};

	const stack = await startStack();
	const data = want("read") || want("summary") ? await openDatasets() : undefined;
	try {
		const tp = await section("throughput", () =>
			runThroughput(stack, quick ? { rounds: 8, perRound: 32, inFlight: 16, freshnessSamples: 50 } : { rounds: 16, perRound: 64, inFlight: 16, freshnessSamples: 80 }),
		);
		if (tp) {
			Object.assign(results, {
				submitThroughputRatio: tp.submitThroughputRatio,
				submitThroughputRatioSpread: tp.submitThroughputRatioSpread,
				submitPerSecond: tp.submitPerSecond,
				rawWritePerSecond: tp.rawWritePerSecond,
				freshnessMsMedian: tp.freshness.median,
				freshnessMsP95: tp.freshness.p95,
			});
			results.throughput = tp;
		}
		const hf = await section("honest", () =>
			runHonest(stack, quick ? { units: 60, rounds: 4, perRound: 24, readSamples: 40, freshnessSamples: 16 } : { units: 60, rounds: 8, perRound: 32, readSamples: 120, freshnessSamples: 40 }),
		);
		if (hf) {
			Object.assign(results, {
				carryWriteRatio: hf.carryWriteRatio,
				carryReadLatencyRatio: hf.carryReadLatencyRatio,
				freshnessMsMedianCarried: hf.freshnessMs.carried.median,
				freshnessMsMedianPlain: hf.freshnessMs.plain.median,
			});
			results.honestFigures = hf;
		}
		const im = await section("import", () => runImports(stack, quick ? { rounds: 3, units: 22, months: 12, rebuildRounds: 2 } : { rounds: 5, units: 22, months: 12, rebuildRounds: 3 }));
		if (im) {
			Object.assign(results, {
				importRowsPerSecondRatio: im.importRowsPerSecondRatio,
				importRowsPerSecond: im.importRowsPerSecond,
				rebuildItemsPerSecondRatio: im.rebuildItemsPerSecondRatio,
				rebuildItemsPerSecond: im.rebuildItemsPerSecond,
			});
			results.imports = im;
		}
		const sc = await section("scale", () =>
			runScale(stack, { levels: [4, 16, 64], shards: 16, perRun: (c) => (quick ? Math.max(2 * c, 48) : Math.max(4 * c, 96)) }),
		);
		if (sc) {
			const pick = (rows: Record<string, unknown>[], design: string, key: string) => Object.fromEntries(rows.filter((r) => r.design === design).map((r) => [String(r.inFlight), r[key]]));
			results.scalePath = {
				measuredPerSecond: { plain: pick(sc.measured, "plain", "perSecond"), sharded: pick(sc.measured, "sharded", "perSecond") },
				modelledPerSecond: { plain: pick(sc.modelled, "plain", "perSecond"), sharded: pick(sc.modelled, "sharded", "perSecond") },
				modelledConflicts: { plain: pick(sc.modelled, "plain", "conflicts"), sharded: pick(sc.modelled, "sharded", "conflicts") },
				modelledRetriesPerSubmission: { plain: pick(sc.modelled, "plain", "retriesPerSubmission"), sharded: pick(sc.modelled, "sharded", "retriesPerSubmission") },
				modelledFailed: { plain: pick(sc.modelled, "plain", "failed"), sharded: pick(sc.modelled, "sharded", "failed") },
				measuredConflicts: { plain: pick(sc.measured, "plain", "conflicts"), sharded: pick(sc.measured, "sharded", "conflicts") },
			};
			results.scale = sc;
		}
		if (data) {
			// Quick mode uses the 100k table when an earlier full run left it cached, else a 20k one (built in ~1 min).
			const cached100k = await data.doc
				.send(new GetCommand({ TableName: "rs-100000", Key: { pk: "BENCH", sk: "COMPLETE" } }))
				.then((r) => Boolean(r.Item))
				.catch(() => false);
			const big = Number(process.env.BENCH_BIG ?? (quick && !cached100k ? 20_000 : 100_000));
			const rs = await section("read", () => runReadScaling(stack, data, { big, samples: quick ? 60 : 200 }));
			if (rs) {
				results.readScalingRatio = rs.readScalingRatio;
				results.readScaling = rs;
			}
			const su = await section("summary", () => runSummary(data, { reps: quick ? 2 : 4, units: 1000, scaleUnits: 10_000 }));
			if (su) {
				results.summaryMsDemo = su.summaryMsDemo;
				results.summaryMs1000Units = su.summaryMs1000Units;
				results.summaryMs10000Units = su.summaryMs10000Units;
				results.summaryScalingRatio = su.summaryScalingRatio;
				results.summary = su;
			}
		}
	} finally {
		await data?.stop();
		await stack.stop();
	}
	const cs = await section("cold", () => runColdStart({ spawns: 5 }));
	if (cs) {
		results.lambdaBundleKB = cs.lambdaBundleKB;
		results.lambdaInitMs = cs.lambdaInitMs;
		results.lambdaBundleFloorRatio = cs.lambdaBundleFloorRatio;
		results.lambdaInitFloorRatio = cs.lambdaInitFloorRatio;
		results.coldStart = cs;
	}
	const web = await section("web", () => runWeb({ reps: quick ? 3 : 7 }));
	if (web) {
		results.webFirstLoadKBgz = web.webFirstLoadKBgz;
		results.dashboardRenderMs = web.dashboardRenderMs;
		results.dashboardRoundTripsToFirstCard = web.dashboardRoundTripsToFirstCard;
		results.web = web;
	}
	const cards = (results.readScaling as { progressRows?: number } | undefined)?.progressRows ?? 40;
	results.costModel = { pricesUSD: PRICES_USD, cardsPerDashboard: cards, scenarios: scenarios(cards).map(costOf) };
	results.loadAverage = { ...(results.loadAverage as object), end: loadavg().map((x) => round(x, 2)) };
	results.durationS = Math.round((performance.now() - t0) / 1000);
	if (Object.keys(errors).length) results.errors = errors;
	const file = only ? join(root, "bench", "tmp", "results-partial.json") : join(root, "bench", "results.json");
	mkdirSync(join(root, "bench", "tmp"), { recursive: true });
	writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
	log(`wrote ${file.slice(root.length + 1)} in ${results.durationS} s${Object.keys(errors).length ? ` with errors in ${Object.keys(errors).join(", ")}` : ""}`);
	process.exit(Object.keys(errors).length ? 1 : 0);
};

main().catch((e) => {
	process.stderr.write(`${(e as Error).stack ?? e}\n`);
	process.exit(1);
});
