// 4. Monthly summary compile time (load the scope's data, compile, render charts/HTML/text) for the division:
//    on the demo (~22 units), and on 1,000 and 10,000 synthetic units × 60 monthly elements × 12 months of history
//    (the same shape, so summaryScalingRatio = 10k / 1k says how the compile grows with the units: 10 is linear).
import type { App } from "../../functions/commons/app";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSummaryService } from "../../functions/summary/service";
import { monthRange } from "../../functions/core/periods";
import { codeCatalog, seedDemo } from "../../scripts/lib/seed";
import type { Datasets } from "../lib/datasets";
import { log, median, round } from "../lib/stats";
import { fullForm, historyFor, syntheticCatalog, unitId } from "../lib/synthetic";

const MONTH = "2024-12";

/** A warmed compiler for one table: each call is one timed sample (the compile, then the analytics part alone). */
const compiler = async (app: App) => {
	const svc = createSummaryService(app, { metricSink: () => {}, logger: { info: () => {}, warn: () => {}, error: () => {} } });
	const analytics = createAnalyticsService(app);
	const idx = await app.catalog();
	const once = async () => {
		const t0 = performance.now();
		const c = await svc.compileFor({ month: MONTH, scopeOrg: idx.divisionId, locale: "zh-CN", dashboardUrl: "http://localhost/", generatedAt: new Date().toISOString() });
		const t1 = performance.now();
		// The analytics part alone: progress (this and last month), completeness, and one 12-month series.
		const code = c.model ? (await analytics.progress({ period: MONTH, orgUnit: idx.divisionId })).rows[0]?.indicatorCode : undefined;
		await Promise.all([
			analytics.progress({ period: "2024-11", orgUnit: idx.divisionId }),
			analytics.completeness({ period: MONTH, orgUnit: idx.divisionId }),
			code ? analytics.series({ code, orgUnit: idx.divisionId, from: "2024-01", to: MONTH }) : Promise.resolve(null),
		]);
		const t2 = performance.now();
		return { compileMs: t1 - t0, analyticsMs: t2 - t1, charts: Object.keys(c.charts ?? {}).length, htmlKB: round(Buffer.byteLength(c.html) / 1024, 1) };
	};
	// The first pass warms the JIT, the catalog cache and the chart renderer (wasm + font), as a warm Lambda is.
	await once();
	return once;
};

type Sample = Awaited<ReturnType<Awaited<ReturnType<typeof compiler>>>>;

const summary = (runs: Sample[]) => ({
	compileMs: round(median(runs.map((r) => r.compileMs)), 0),
	compileRunsMs: runs.map((r) => Math.round(r.compileMs)),
	analyticsMs: round(median(runs.map((r) => r.analyticsMs)), 0),
	charts: runs.at(-1)?.charts ?? 0,
	htmlKB: runs.at(-1)?.htmlKB ?? 0,
});

const timeCompile = async (app: App, reps: number) => {
	const once = await compiler(app);
	const runs: Sample[] = [];
	for (let i = 0; i < reps; i++) runs.push(await once());
	return summary(runs);
};

/** A table of `units` synthetic units with 12 months each, built once and cached (bench/lib/datasets.ts). */
const largeTable = async (data: Datasets, units: number) => {
	const catalog = syntheticCatalog({ units, monthlyElements: 60 });
	const table = await data.table(`sum-${units}x60`, catalog, async (app) => {
		const values = fullForm(catalog);
		const pairs = Array.from({ length: units }, (_, u) => monthRange("2024-01", MONTH).map((period) => ({ unitId: unitId(u), period }))).flat();
		const { subs } = historyFor(pairs, values, new Date().toISOString());
		const idx = await app.catalog();
		await app.submissions(idx).bulkLoad(subs, [], new Date().toISOString());
	});
	return { ...table, catalog };
};

export const runSummary = async (data: Datasets, o: { reps: number; units: number; scaleUnits?: number }) => {
	const scaleUnits = o.scaleUnits ?? 10_000;
	const demo = await data.table("sum-demo", codeCatalog(), async (app) => {
		await seedDemo(app, { until: MONTH, force: true });
	});
	const demoRes = await timeCompile(demo.app, o.reps);
	log(`summary: demo compile ${demoRes.compileMs} ms`);

	// 1,000 and 10,000 units, sampled alternately so that drift in machine load hits both equally.
	const big = await largeTable(data, o.units);
	const huge = await largeTable(data, scaleUnits);
	const catalog = big.catalog;
	const [onceBig, onceHuge] = [await compiler(big.app), await compiler(huge.app)];
	const bigRuns: Sample[] = [];
	const hugeRuns: Sample[] = [];
	for (let i = 0; i < o.reps + 1; i++) {
		bigRuns.push(await onceBig());
		hugeRuns.push(await onceHuge());
	}
	const bigRes = summary(bigRuns);
	const hugeRes = summary(hugeRuns);
	log(`summary: ${o.units} units compile ${bigRes.compileMs} ms ${JSON.stringify(bigRes.compileRunsMs)}, ${scaleUnits} units ${hugeRes.compileMs} ms ${JSON.stringify(hugeRes.compileRunsMs)}`);
	return {
		month: MONTH,
		scope: "div",
		demo: { units: 22, ...demoRes },
		large: { units: o.units, monthlyElements: Object.keys(fullForm(catalog)).length, months: 12, ...bigRes },
		scaled: { units: scaleUnits, months: 12, ...hugeRes, buildMs: Math.round(huge.buildMs) },
		summaryMsDemo: demoRes.compileMs,
		summaryMs1000Units: bigRes.compileMs,
		summaryMs10000Units: hugeRes.compileMs,
		summaryScalingRatio: round(hugeRes.compileMs / bigRes.compileMs, 2),
	};
};
