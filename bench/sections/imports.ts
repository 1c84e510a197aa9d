// Bulk work at the speed of the database (issue 19, items 1 and 6).
// 1. Import: a division's year of back-fill (22 units × 12 months = 264 rows) posted as one CSV through the
//    gateway (POST /api/imports → JWT → the admin handler → validation → the submission service's write),
//    against the raw TransactWriteItems of the very same rows: captured from the same service on a scratch
//    table with the same seed, then replayed with each unit's months in order and the same units in flight.
//    Alternated in rounds; the file must finish in one request (no pause), and re-posting it writes nothing.
// 2. Rebuild: every aggregate and stock-year record removed, then the rebuild job (functions/metadata/rebuild.ts,
//    from its start, years found by itself, through its verification) against a raw BatchWrite of the same
//    items it wrote, same in flight.
// verify-aggregates must be exact after the imports and after each rebuild, or the section fails.
import { DeleteCommand, TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { App } from "../../functions/commons/app";
import { createApp } from "../../functions/commons/app";
import { keys } from "../../functions/commons/keys";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import type { StoredSubmission, VersionRecord } from "../../functions/commons/submission-repo";
import type { CatalogIndex } from "../../functions/core/catalog-index";
import { formElements } from "../../functions/core/catalog-index";
import { addMonths, currentMonth } from "../../functions/core/periods";
import { mapPool } from "../../functions/core/pool";
import type { Principal, ValueMap } from "../../functions/core/types";
import { IMPORT_DEFAULTS } from "../../functions/imports/import-service";
import { createRebuildService, REBUILD_DEFAULTS } from "../../functions/metadata/rebuild";
import { countingDoc, teeDoc } from "../lib/capture";
import type { Stack } from "../lib/stack";
import { writeAll } from "../lib/stack";
import { log, median, round } from "../lib/stats";
import { fullForm, syntheticCatalog, UNIT_TYPE, unitId } from "../lib/synthetic";

export interface ImportBenchOptions {
	/** Measured rounds, each one import and one raw replay of its own units. */
	rounds: number;
	/** Units per file (a division has 22). */
	units: number;
	/** Months per unit (a year of back-fill). */
	months: number;
	/** Rebuild rounds (each removes every aggregate first). */
	rebuildRounds: number;
}

const admin: Principal = { sub: "admin", roles: ["admin"], orgScope: "div" };

const csvOf = (units: string[], months: string[], codes: string[], values: ValueMap): string =>
	[["单位编号", "期间", "操作", "备注", ...codes].join(","), ...units.flatMap((u) => months.map((m) => [u, m, "submit", "补录", ...codes.map((c) => String(values[c] ?? ""))].join(",")))].join("\r\n");

/**
 * The months of back-fill are past their lock date, so each unit × month is seeded as an admin reopens it:
 * an empty draft marked reopened (version 1), the state in which an import may fill it.
 */
const reopenedSeed = (idx: CatalogIndex, units: string[], months: string[], at: string): { subs: StoredSubmission[]; versions: VersionRecord[] } => {
	const empty: ValueMap = {};
	for (const el of formElements(idx.elementByCode.values(), UNIT_TYPE, "monthly")) empty[el.code] = null;
	const subs: StoredSubmission[] = [];
	const versions: VersionRecord[] = [];
	for (const u of units)
		for (const m of months) {
			subs.push({ unitId: u, period: m, values: empty, status: "draft", version: 1, createdAt: at, updatedAt: at, updatedBy: "admin", reopened: true });
			versions.push({ unitId: u, period: m, version: 1, action: "reopen", status: "draft", at, by: "admin", values: empty, changed: [], comment: "补录历史数据" });
		}
	return { subs, versions };
};

/** Every aggregate item and stock-year record, so a rebuild has to write them all again. */
const removeDerived = async (app: App, idx: CatalogIndex): Promise<number> => {
	const repo = app.submissions(idx);
	const partitions = [...idx.catalog.units.filter((u) => u.level !== "unit").map((o) => ({ pk: keys.aggregatePk(o.id), prefix: "" })), ...idx.catalog.units.filter((u) => u.level === "unit").map((u) => ({ pk: keys.submissionPk(u.id), prefix: "STOCK#" }))];
	let removed = 0;
	await mapPool(partitions, 8, async ({ pk, prefix }) => {
		const items = await repo.queryAll({
			TableName: app.table,
			KeyConditionExpression: prefix ? "pk = :pk AND begins_with(sk, :p)" : "pk = :pk",
			ExpressionAttributeValues: prefix ? { ":pk": pk, ":p": prefix } : { ":pk": pk },
			ProjectionExpression: "pk, sk",
		});
		for (const it of items) await app.doc.send(new DeleteCommand({ TableName: app.table, Key: { pk: it.pk, sk: it.sk } }));
		removed += items.length;
	});
	return removed;
};

/** The derived items as they stand: what the rebuild wrote, to be written again raw. */
const derivedItems = async (app: App, idx: CatalogIndex): Promise<Record<string, unknown>[]> => {
	const repo = app.submissions(idx);
	const out: Record<string, unknown>[] = [];
	await mapPool(idx.catalog.units, 8, async (u) => {
		const items = await repo.queryAll(
			u.level === "unit"
				? { TableName: app.table, KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)", ExpressionAttributeValues: { ":pk": keys.submissionPk(u.id), ":p": "STOCK#" } }
				: { TableName: app.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.aggregatePk(u.id) } },
		);
		out.push(...items);
	});
	return out;
};

export const runImports = async (stack: Stack, o: ImportBenchOptions) => {
	const now = new Date();
	// A year of back-fill, ending two months back (both years of it are then exercised).
	const months = Array.from({ length: o.months }, (_, i) => addMonths(currentMonth(now), -(o.months + 1) + i));
	const warmUnits = 4;
	const nUnits = warmUnits * 2 + o.rounds * o.units * 2;
	const catalog = syntheticCatalog({ units: nUnits });
	const app = await stack.table(catalog);
	const scratch = await stack.table(catalog);
	const idx = await app.catalog();
	const values = fullForm(catalog);
	const codes = Object.keys(values);
	const at = now.toISOString();
	const all = Array.from({ length: nUnits }, (_, i) => unitId(i));
	const seed = reopenedSeed(idx, all, months, at);
	await app.submissions(idx).bulkLoad(seed.subs, seed.versions, at);
	await scratch.submissions(await scratch.catalog()).bulkLoad(seed.subs, seed.versions, at);
	log(`import: ${nUnits} synthetic units × ${months.length} months (${months[0]}…${months.at(-1)}) seeded as reopened drafts; ${codes.length} elements per row`);

	const worker = await stack.gateway(app.table);
	const token = await stack.issuer.token({ sub: admin.sub, roles: admin.roles, orgScope: admin.orgScope }, { expiresIn: "2h" });
	const post = async (csv: string, key?: string) => {
		const t = performance.now();
		const res = await fetch(`${worker.url}/api/imports`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "text/csv", ...(key ? { "idempotency-key": key } : {}) },
			body: csv,
		});
		const body = (await res.json()) as Record<string, unknown>;
		return { status: res.status, body, ms: performance.now() - t };
	};

	// The raw side: the service's own transactions for the same rows (same body, admin, idempotency key, history),
	// planned on the scratch table, which receives every write too so that each unit's next month is planned on
	// the state its last one left (as the import applies them).
	const captured: TransactWriteCommandInput[] = [];
	const planner = createSubmissionService(createApp(teeDoc(scratch.doc, captured), scratch.table));
	const planRaw = async (units: string[], importId: string): Promise<TransactWriteCommandInput[][]> => {
		const perUnit: TransactWriteCommandInput[][] = [];
		for (const [ui, u] of units.entries()) {
			const from = captured.length;
			for (const [mi, m] of months.entries()) {
				await planner.put({ principal: admin, unitId: u, period: m, body: { values, action: "submit", comment: "补录" }, idempotencyKey: `import.${importId}.r${2 + ui * months.length + mi}`, source: "import" });
			}
			// Planned on the scratch table; replayed on the measured one.
			perUnit.push(captured.slice(from).map((input) => JSON.parse(JSON.stringify(input).replaceAll(`"${scratch.table}"`, `"${app.table}"`)) as TransactWriteCommandInput));
		}
		return perUnit;
	};
	const sendRaw = (perUnit: TransactWriteCommandInput[][], inFlight: number) =>
		mapPool(perUnit, inFlight, async (list) => {
			for (const input of list) await app.doc.send(new TransactWriteCommand(input));
		});

	let next = 0;
	const take = (n: number) => {
		next += n;
		return all.slice(next - n, next);
	};
	const inFlight = Math.min(IMPORT_DEFAULTS.concurrency, o.units);
	const failures: string[] = [];
	const importOnce = async (units: string[], key: string) => {
		const r = await post(csvOf(units, months, codes, values), key);
		const rows = units.length * months.length;
		if (r.status !== 200 || r.body.status !== "done" || r.body.paused || r.body.updated !== rows) failures.push(`import ${key}: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
		return r.ms;
	};

	// Warm both paths (JIT, JWKS, the catalog cache, connection pools) outside the measurement.
	await importOnce(take(warmUnits), "bench-import-warm");
	await sendRaw(await planRaw(take(warmUnits), "bench-raw-warm"), inFlight);

	const rounds: { importMs: number; rawMs: number; ratio: number }[] = [];
	let firstFile: { csv: string; key: string } | undefined;
	let transactionsPerRow = 0;
	for (let r = 0; r < o.rounds; r++) {
		const importUnits = take(o.units);
		const key = `bench-import-${r}`;
		firstFile ??= { csv: csvOf(importUnits, months, codes, values), key };
		const raw = await planRaw(take(o.units), `bench-raw-${r}`);
		const rows = o.units * months.length;
		transactionsPerRow = raw.flat().length / rows;
		const res: Record<string, number> = {};
		const order = r % 2 === 0 ? ["import", "raw"] : ["raw", "import"];
		for (const side of order) {
			if (side === "import") res.import = await importOnce(importUnits, key);
			else {
				const t = performance.now();
				await sendRaw(raw, inFlight);
				res.raw = performance.now() - t;
			}
		}
		const importMs = res.import as number;
		const rawMs = res.raw as number;
		rounds.push({ importMs, rawMs, ratio: rawMs / importMs });
		log(`import round ${r + 1}/${o.rounds}: ${rows} rows in one request ${Math.round(importMs)} ms (${((rows / importMs) * 1000).toFixed(0)} rows/s), raw ${Math.round(rawMs)} ms (${((rows / rawMs) * 1000).toFixed(0)} rows/s), ratio ${(rawMs / importMs).toFixed(2)}`);
	}
	if (failures.length) throw new Error(`imports did not finish in one request: ${failures.join(" | ")}`);

	// Idempotent: the same file again (a new import) changes nothing; with its key it is replayed.
	const file = firstFile as { csv: string; key: string };
	const again = await post(file.csv);
	const replay = await post(file.csv, file.key);
	const rows = o.units * months.length;
	if (again.status !== 200 || again.body.unchanged !== rows || again.body.updated !== 0) throw new Error(`re-post wrote again: ${JSON.stringify(again.body).slice(0, 300)}`);
	if (replay.status !== 200 || replay.body.updated !== rows) throw new Error(`replay with the key: ${JSON.stringify(replay.body).slice(0, 300)}`);
	await worker.stop();

	const years = [...new Set(months.map((m) => m.slice(0, 4)))];
	const analytics = createAnalyticsService(app);
	const verify = async (what: string) => {
		const v = await analytics.verifyAggregates({ years });
		if (!v.ok) throw new Error(`verify-aggregates after ${what}: ${v.mismatches.length} mismatches, e.g. ${JSON.stringify(v.mismatches.slice(0, 3))}`);
		return v.checked;
	};
	const checkedAfterImport = await verify("the imports");

	// 2. The rebuild.
	const rebuildRounds: {
		rebuildMs: number;
		startMs: number;
		rawMs: number;
		rawReadMs: number;
		rawReadItems: number;
		written: number;
		rawItems: number;
		ratio: number;
		readWriteRatio: number;
		retries: number;
		callsByCommand: Record<string, { calls: number; ms: number }>;
	}[] = [];
	for (let r = 0; r < o.rebuildRounds; r++) {
		const removed = await removeDerived(app, idx);
		const calls = new Map<string, { calls: number; ms: number }>();
		const rebuild = createRebuildService(createApp(countingDoc(app.doc, calls), app.table), { autoRun: false, settleMs: 0 });
		const t = performance.now();
		const job = await rebuild.start("bench", { reason: "bench" });
		const startMs = performance.now() - t;
		const done = await rebuild.run(job.jobId);
		const rebuildMs = performance.now() - t;
		const callsByCommand = Object.fromEntries([...calls].map(([k, v]) => [k.replace("Command", ""), { calls: v.calls, ms: Math.round(v.ms) }]));
		if (done.status !== "done") throw new Error(`rebuild ended ${done.status}: ${done.step}`);
		await verify(`rebuild ${r + 1}`);
		const items = await derivedItems(app, idx);
		const t2 = performance.now();
		await writeAll(app.doc, app.table, items, REBUILD_DEFAULTS.concurrency);
		const rawMs = performance.now() - t2;
		await verify(`the raw rewrite ${r + 1}`);
		// The read the rebuild cannot do without: every unit's submissions of the job's years and the year before,
		// one consistent Query per unit with the rebuild's projection, as many in flight.
		const first = String(Number(done.years[0]) - 1);
		const last = done.years.at(-1) as string;
		const units = idx.catalog.units.filter((u) => u.level === "unit").map((u) => u.id);
		let rawReadItems = 0;
		const t3 = performance.now();
		await mapPool(units, REBUILD_DEFAULTS.concurrency, async (u) => {
			const items = await app.submissions(idx).queryAll({
				TableName: app.table,
				KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
				ExpressionAttributeValues: { ":pk": keys.submissionPk(u), ":a": keys.periodSk(first), ":b": keys.periodSk(`${last}~`) },
				ProjectionExpression: "sk, #s, #v",
				ExpressionAttributeNames: { "#s": "status", "#v": "values" },
				ConsistentRead: true,
			});
			rawReadItems += items.length;
		});
		const rawReadMs = performance.now() - t3;
		const ratio = (done.itemsWritten / rebuildMs) / (items.length / rawMs);
		// Against the raw read and the raw write of the same items, one after the other.
		const readWriteRatio = (rawReadMs + rawMs) / rebuildMs;
		rebuildRounds.push({ rebuildMs, startMs, rawMs, rawReadMs, rawReadItems, written: done.itemsWritten, rawItems: items.length, ratio, readWriteRatio, retries: done.retries, callsByCommand });
		log(`rebuild round ${r + 1}/${o.rebuildRounds}: calls ${JSON.stringify(callsByCommand)}, start ${Math.round(startMs)} ms`);
		log(`rebuild round ${r + 1}/${o.rebuildRounds}: ${removed} items removed; job (${done.years.join(",")}) wrote ${done.itemsWritten} in ${Math.round(rebuildMs)} ms (${((done.itemsWritten / rebuildMs) * 1000).toFixed(0)}/s), raw BatchWrite of ${items.length} in ${Math.round(rawMs)} ms (${((items.length / rawMs) * 1000).toFixed(0)}/s), ratio ${ratio.toFixed(2)}; raw read of ${rawReadItems} submissions in ${Math.round(rawReadMs)} ms, (read + write) / rebuild ${readWriteRatio.toFixed(2)}`);
	}

	const ratios = rounds.map((x) => x.ratio);
	const rbRatios = rebuildRounds.map((x) => x.ratio);
	return {
		rowsPerFile: rows,
		units: o.units,
		months: months.length,
		elementsPerRow: codes.length,
		unitsInFlight: inFlight,
		transactionsPerRow: round(transactionsPerRow, 2),
		importRowsPerSecond: round(median(rounds.map((x) => (rows / x.importMs) * 1000)), 1),
		rawRowsPerSecond: round(median(rounds.map((x) => (rows / x.rawMs) * 1000)), 1),
		importRowsPerSecondRatio: round(median(ratios), 3),
		importRatioMinMax: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
		importMs: rounds.map((x) => Math.round(x.importMs)),
		rawMs: rounds.map((x) => Math.round(x.rawMs)),
		repostUnchangedMs: Math.round(again.ms),
		replayWithKeyMs: Math.round(replay.ms),
		verifyAggregatesExact: true,
		verifyCheckedAfterImport: checkedAfterImport,
		rebuildItemsPerSecond: round(median(rebuildRounds.map((x) => (x.written / x.rebuildMs) * 1000)), 1),
		rawBatchItemsPerSecond: round(median(rebuildRounds.map((x) => (x.rawItems / x.rawMs) * 1000)), 1),
		rebuildItemsPerSecondRatio: round(median(rbRatios), 3),
		rebuildVsRawReadWriteRatio: round(median(rebuildRounds.map((x) => x.readWriteRatio)), 3),
		rebuildRounds: rebuildRounds.map((x) => ({ ...x, rebuildMs: Math.round(x.rebuildMs), startMs: Math.round(x.startMs), rawMs: Math.round(x.rawMs), rawReadMs: Math.round(x.rawReadMs), ratio: round(x.ratio, 3), readWriteRatio: round(x.readWriteRatio, 3) })),
	};
};
