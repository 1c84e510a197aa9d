// Honest figures, before and after, side by side in one run: the same synthetic 垦区 in two tables, one with
// stocks carried forward (the catalog as shipped, N = 3) and one with carry-forward off (N = 0, what the
// platform did before). Alternating rounds measure:
// 1. the write: the exact TransactWriteItems each design sends for a month's submission (items per
//    transaction and raw writes per second);
// 2. the read: GET /api/progress?trend=12 for the 垦区 at a month where a third of the units have not
//    reported yet (latency; the carried design reads the same items, so the ratio should be ~1);
// 3. freshness: from a submit's 2xx until progress shows it, on each design.
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { SubmissionRepo, type StoredSubmission } from "../../functions/commons/submission-repo";
import type { Catalog } from "../../functions/core/catalog-index";
import { addMonths, currentMonth } from "../../functions/core/periods";
import type { ValueMap } from "../../functions/core/types";
import { capturingDoc } from "../lib/capture";
import type { Stack } from "../lib/stack";
import { api } from "../lib/stack";
import { log, median, round, runPool, summarize } from "../lib/stats";
import { BENCH_AREA, fullForm, historyFor, syntheticCatalog, unitId } from "../lib/synthetic";

export interface HonestOptions {
	units: number;
	rounds: number;
	perRound: number;
	readSamples: number;
	freshnessSamples: number;
}

type Design = "carried" | "plain";


/** The shipped catalog with carry-forward switched off: the platform's behaviour before the change. */
const withoutCarry = (c: Catalog): Catalog => ({ ...c, elements: c.elements.map((e) => (e.overTime === "stock" ? { ...e, carryForwardMonths: 0 } : e)) });

export const runHonest = async (stack: Stack, o: HonestOptions) => {
	const now = new Date();
	const month = currentMonth(now);
	const history = [addMonths(month, -3), addMonths(month, -2), addMonths(month, -1)];
	// Each design writes for units of its own: every round and every freshness sample takes a fresh unit per design.
	const writers = 2 * (o.rounds * o.perRound + o.freshnessSamples) + 8;
	const total = o.units + writers;
	const base = syntheticCatalog({ units: total });
	const catalogs: Record<Design, Catalog> = { carried: base, plain: withoutCarry(base) };
	const values: ValueMap = fullForm(base);
	// History: three months for every unit; this month, two thirds of the read units have reported.
	const pairs = Array.from({ length: total }, (_, i) => history.map((period) => ({ unitId: unitId(i), period }))).flat();
	const thisMonth = Array.from({ length: Math.floor((o.units * 2) / 3) }, (_, i) => ({ unitId: unitId(i), period: month }));
	const hist = historyFor([...pairs, ...thisMonth], values, now.toISOString());
	const setups = {} as Record<Design, { app: Awaited<ReturnType<Stack["table"]>>; url: string; stop: () => Promise<void> }>;
	for (const design of ["carried", "plain"] as Design[]) {
		const app = await stack.table(catalogs[design]);
		const idx = await app.catalog();
		await app.submissions(idx).bulkLoad(hist.subs, [], now.toISOString());
		const worker = await stack.gateway(app.table);
		setups[design] = { app, url: worker.url, stop: worker.stop };
	}
	log(`honest: ${total} units per design, ${o.units} in the read set, month ${month}`);
	const leader = await stack.issuer.token({ sub: "leader", roles: ["leader"], orgScope: "div" }, { expiresIn: "2h" });
	const tokens = new Map<string, string>();
	let next = o.units;
	const take = () => unitId(next++);

	// 1. The write each design sends, captured and replayed.
	const plan = async (design: Design, u: string): Promise<TransactWriteCommandInput> => {
		const out: TransactWriteCommandInput[] = [];
		const { app } = setups[design];
		const idx = await app.catalog();
		const repo = new SubmissionRepo(capturingDoc(app.doc, out), app.table, idx.agg, 1);
		const at = new Date().toISOString();
		const after: StoredSubmission = { unitId: u, period: month, values, status: "submitted", version: 1, createdAt: at, updatedAt: at, updatedBy: `reporter-${u}`, submittedAt: at, firstSubmittedAt: at, late: false };
		await repo.commit({ before: null, after, version: { unitId: u, period: month, version: 1, action: "submit", status: "submitted", at, by: `reporter-${u}`, values, changed: [] }, now: at });
		return out[0] as TransactWriteCommandInput;
	};
	const items: Record<Design, number> = { carried: 0, plain: 0 };
	const writeRates: Record<Design, number[]> = { carried: [], plain: [] };
	const readMs: Record<Design, number[]> = { carried: [], plain: [] };
	for (let r = 0; r < o.rounds; r++) {
		const order: Design[] = r % 2 === 0 ? ["carried", "plain"] : ["plain", "carried"];
		for (const design of order) {
			const inputs: TransactWriteCommandInput[] = [];
			for (let k = 0; k < o.perRound; k++) inputs.push(await plan(design, take()));
			items[design] = inputs[0]?.TransactItems?.length ?? 0;
			const { app } = setups[design];
			const res = await runPool(inputs, 8, (input) => app.doc.send(new TransactWriteCommand(input)).then(() => undefined));
			writeRates[design].push((o.perRound / res.wallMs) * 1000);
		}
		// 2. Reads, interleaved one by one.
		for (let k = 0; k < Math.ceil(o.readSamples / o.rounds); k++) {
			for (const design of order) {
				const t = performance.now();
				const res = await api(setups[design].url, leader, "GET", `/api/progress?period=${month}&orgUnit=${BENCH_AREA}&trend=12`);
				if (res.status !== 200) throw new Error(`progress ${design}: ${res.status}`);
				readMs[design].push(performance.now() - t);
			}
		}
	}

	// 3. Freshness on each design, alternating.
	const fresh: Record<Design, number[]> = { carried: [], plain: [] };
	const figures = (b: unknown) => JSON.stringify(((b as { rows?: { numerator: unknown; denominator: unknown; coverage: unknown }[] }).rows ?? []).map((r) => [r.numerator, r.denominator, r.coverage]));
	for (let i = 0; i < o.freshnessSamples; i++) {
		for (const design of (i % 2 === 0 ? ["carried", "plain"] : ["plain", "carried"]) as Design[]) {
			const u = take();
			if (!tokens.has(u)) tokens.set(u, await stack.issuer.token({ sub: `reporter-${u}`, roles: ["reporter"], orgScope: u }, { expiresIn: "2h" }));
			const { url } = setups[design];
			const path = `/api/progress?period=${month}&orgUnit=${BENCH_AREA}`;
			const before = figures((await api(url, leader, "GET", path)).body);
			const put = await api(url, tokens.get(u) as string, "PUT", `/api/submissions/${u}/${month}`, { values, action: "submit", comment: "bench" });
			if (put.status !== 201 && put.status !== 200) throw new Error(`submit ${design}: ${put.status} ${JSON.stringify(put.body).slice(0, 200)}`);
			const t = performance.now();
			for (let k = 0; k < 500; k++) {
				if (figures((await api(url, leader, "GET", path)).body) !== before) {
					fresh[design].push(performance.now() - t);
					break;
				}
			}
		}
	}
	for (const s of Object.values(setups)) await s.stop();

	const ratio = (a: number[], b: number[]) => round(median(a) / median(b), 3);
	return {
		month,
		unitsRead: o.units,
		itemsPerTransaction: items,
		rawWritePerSecond: { carried: round(median(writeRates.carried), 1), plain: round(median(writeRates.plain), 1) },
		/** Raw write rate with carry-forward against without, same run (1 = no cost). */
		carryWriteRatio: ratio(writeRates.carried, writeRates.plain),
		progressReadMs: { carried: summarize(readMs.carried, 1), plain: summarize(readMs.plain, 1) },
		/** Progress read latency with carry-forward against without, same run (1 = no cost). */
		carryReadLatencyRatio: ratio(readMs.carried, readMs.plain),
		freshnessMs: { carried: summarize(fresh.carried, 1), plain: summarize(fresh.plain, 1) },
	};
};
