// 4. Monthly summary compile time (load the scope's data, compile, render charts/HTML/text) for the division:
//    on the demo (~22 units) and on 1,000 synthetic units × 60 monthly elements × 12 months of history.
import type { App } from "../../functions/commons/app";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSummaryService } from "../../functions/summary/service";
import { monthRange } from "../../functions/core/periods";
import { codeCatalog, seedDemo } from "../../scripts/lib/seed";
import type { Datasets } from "../lib/datasets";
import { log, median, round } from "../lib/stats";
import { fullForm, historyFor, syntheticCatalog, unitId } from "../lib/synthetic";

const MONTH = "2024-12";

const timeCompile = async (app: App, reps: number) => {
	const svc = createSummaryService(app, { metricSink: () => {}, logger: { info: () => {}, warn: () => {}, error: () => {} } });
	const analytics = createAnalyticsService(app);
	const idx = await app.catalog();
	const compile: number[] = [];
	const analyticsMs: number[] = [];
	let charts = 0;
	let htmlKB = 0;
	for (let i = 0; i < reps + 1; i++) {
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
		// The first pass warms the JIT, the catalog cache and the chart renderer (wasm + font), as a warm Lambda is.
		if (i > 0) {
			compile.push(t1 - t0);
			analyticsMs.push(t2 - t1);
		}
		charts = Object.keys(c.charts ?? {}).length;
		htmlKB = round(Buffer.byteLength(c.html) / 1024, 1);
	}
	return { compileMs: round(median(compile), 0), compileRunsMs: compile.map((x) => Math.round(x)), analyticsMs: round(median(analyticsMs), 0), charts, htmlKB };
};

export const runSummary = async (data: Datasets, o: { reps: number; units: number }) => {
	const demo = await data.table("sum-demo", codeCatalog(), async (app) => {
		await seedDemo(app, { until: MONTH, force: true });
	});
	const demoRes = await timeCompile(demo.app, o.reps);
	log(`summary: demo compile ${demoRes.compileMs} ms`);

	const catalog = syntheticCatalog({ units: o.units, monthlyElements: 60 });
	const big = await data.table(`sum-${o.units}x60`, catalog, async (app) => {
		const values = fullForm(catalog);
		const pairs = Array.from({ length: o.units }, (_, u) => monthRange("2024-01", MONTH).map((period) => ({ unitId: unitId(u), period }))).flat();
		const { subs } = historyFor(pairs, values, new Date().toISOString());
		const idx = await app.catalog();
		await app.submissions(idx).bulkLoad(subs, [], new Date().toISOString());
	});
	const bigRes = await timeCompile(big.app, Math.max(1, Math.floor(o.reps / 2)));
	log(`summary: ${o.units} units compile ${bigRes.compileMs} ms`);
	return {
		month: MONTH,
		scope: "div",
		demo: { units: 22, ...demoRes },
		large: { units: o.units, monthlyElements: Object.keys(fullForm(catalog)).length, months: 12, ...bigRes },
		summaryMsDemo: demoRes.compileMs,
		summaryMs1000Units: bigRes.compileMs,
	};
};
