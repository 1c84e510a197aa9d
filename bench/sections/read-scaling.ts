// 3. Read scaling: GET /api/progress for the same org and period on a table holding ~1,000 submissions and
//    on one holding ~100,000 (synthetic units × months, bulk-loaded), requests interleaved one at a time.
import { monthRange } from "../../functions/core/periods";
import type { Datasets } from "../lib/datasets";
import type { Stack } from "../lib/stack";
import { api } from "../lib/stack";
import { log, round, summarize } from "../lib/stats";
import { BENCH_AREA, fullForm, historyFor, syntheticCatalog, unitId } from "../lib/synthetic";

export const READ_PERIOD = "2024-06";

const load = (units: number, months: number) => async (app: import("../../functions/commons/app").App) => {
	const catalog = syntheticCatalog({ units: 1000 });
	const values = fullForm(catalog);
	const periods = monthRange("2015-01", READ_PERIOD).slice(-months);
	const pairs = Array.from({ length: units }, (_, u) => periods.map((period) => ({ unitId: unitId(u), period }))).flat();
	const { subs } = historyFor(pairs, values, new Date().toISOString());
	const idx = await app.catalog();
	// Versions are left out: they sit in their own partitions (SUBV#unit#period), no read path touches them,
	// and they would double a load that DynamoDB Local does at a few hundred items a second.
	let last = 0;
	await app.submissions(idx).bulkLoad(subs, [], new Date().toISOString(), (d, t) => {
		if (d - last >= 20_000 || d === t) {
			last = d;
			log(`  loaded ${d}/${t} items`);
		}
	});
};

export const runReadScaling = async (stack: Stack, data: Datasets, o: { big: number; samples: number }) => {
	const catalog = syntheticCatalog({ units: 1000 });
	const small = await data.table("rs-1000", catalog, load(100, 10));
	const bigMonths = Math.ceil(o.big / 1000);
	const big = await data.table(`rs-${bigMonths * 1000}`, catalog, load(1000, bigMonths));
	const env = { DYNAMODB_ENDPOINT: data.db.endpoint };
	const [ws, wb] = [await stack.gateway(small.app.table, env), await stack.gateway(big.app.table, env)];
	const leader = await stack.issuer.token({ sub: "leader", roles: ["leader"], orgScope: "div" }, { expiresIn: "2h" });
	const path = `/api/progress?period=${READ_PERIOD}&orgUnit=${BENCH_AREA}`;
	const get = async (url: string) => {
		const t = performance.now();
		const r = await api(url, leader, "GET", path);
		if (r.status !== 200) throw new Error(`progress → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
		return { ms: performance.now() - t, rows: (r.body as { rows: unknown[] }).rows.length };
	};
	for (let i = 0; i < 10; i++) {
		await get(ws.url);
		await get(wb.url);
	}
	const a: number[] = [];
	const b: number[] = [];
	let rows = 0;
	for (let i = 0; i < o.samples; i++) {
		const first = i % 2 === 0;
		const x = await get(first ? ws.url : wb.url);
		const y = await get(first ? wb.url : ws.url);
		(first ? a : b).push(x.ms);
		(first ? b : a).push(y.ms);
		rows = x.rows;
	}
	await ws.stop();
	await wb.stop();
	const sa = summarize(a, 1);
	const sb = summarize(b, 1);
	return {
		period: READ_PERIOD,
		orgUnit: BENCH_AREA,
		progressRows: rows,
		samplesEach: o.samples,
		small: { submissions: 1000, ...sa },
		big: { submissions: 1000 * bigMonths, ...sb },
		readScalingRatio: round(sb.median / sa.median, 3),
		readScalingRatioP95: round(sb.p95 / sa.p95, 3),
		datasetBuildMs: { small: Math.round(small.buildMs), big: Math.round(big.buildMs), reused: !small.built && !big.built },
	};
};
