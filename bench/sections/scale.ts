// 7. The scale path: 50,000 units, deadline bunching: many units submit for the SAME org and month at once,
//    so every transaction updates the same hot aggregate items (the 垦区's and the division's M# and Y# items).
//    Plain design (AGGREGATE_SHARDS=1) versus write sharding (16 shards), at rising concurrency.
//
//    MEASURED: the submission service (validation, planning, retry policy, one TransactWriteItems) against
//    DynamoDB Local. DynamoDB Local serialises transactions and never raises TransactionConflict, so these
//    curves show the client-side cost of sharding only, not contention.
//
//    MODELLED: the same runs through a client wrapper that cancels a TransactWriteItems with reason
//    TransactionConflict with probability p = 1 − (1 − c)^k, where k is the number of OTHER transactions in
//    flight (sent, not yet answered) that update one of the same aggregate items, and c is the chance that one
//    overlapping writer on an item makes DynamoDB cancel this one. Real DynamoDB cancels a transaction that
//    touches an item another transaction is using; c < 1 stands for the overlap being partial in time. c is an
//    assumption (CONFLICT_C below), not a measured property of DynamoDB; the shape (plain degrades, sharded stays
//    near flat) holds for any c > 0 because sharding divides k by about the shard count.
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { type App, createApp } from "../../functions/commons/app";
import type { Doc } from "../../functions/commons/clients/dynamo";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { indexCatalog } from "../../functions/core/catalog-index";
import { currentMonth } from "../../functions/core/periods";
import { codeCatalog } from "../../scripts/lib/seed";
import { makeFault } from "../../test/support/faulty-client";
import type { Stack } from "../lib/stack";
import { log, round, runPool, seeded, summarize } from "../lib/stats";
import { fullForm, syntheticCatalog, unitId } from "../lib/synthetic";

export const CONFLICT_C = 0.1;
const UNITS = 50_000;

interface Counters {
	transactions: number;
	conflicts: number;
}

/** Counts transactions; when `model` is set, cancels them by the conflict model above. */
const contendedDoc = (inner: Doc, model: boolean, c: Counters, seed: number): Doc => {
	const inFlight = new Map<string, number>();
	const random = seeded(seed);
	return new Proxy(inner, {
		get(target, prop, receiver) {
			if (prop !== "send") return Reflect.get(target, prop, receiver);
			return async (command: { constructor: { name: string }; input: unknown }) => {
				if (command.constructor.name !== TransactWriteCommand.name) return (inner.send as (x: unknown) => Promise<unknown>)(command);
				c.transactions++;
				const input = command.input as TransactWriteCommandInput;
				const aggKeys = (input.TransactItems ?? []).flatMap((t) => (t.Update ? [`${t.Update.Key?.pk}|${t.Update.Key?.sk}`] : []));
				if (model) {
					const k = Math.max(0, ...aggKeys.map((key) => inFlight.get(key) ?? 0));
					if (random() < 1 - (1 - CONFLICT_C) ** k) {
						c.conflicts++;
						throw makeFault("conflict", input as unknown as Record<string, unknown>);
					}
				}
				for (const key of aggKeys) inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
				try {
					return await (inner.send as (x: unknown) => Promise<unknown>)(command);
				} finally {
					for (const key of aggKeys) inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
				}
			};
		},
	}) as Doc;
};

export const runScale = async (stack: Stack, o: { levels: number[]; perRun: (conc: number) => number; shards: number }) => {
	const catalog = syntheticCatalog({ units: UNITS });
	// 50,000 units are served from memory (a Lambda container caches the catalog the same way); writing them
	// into DynamoDB Local would take minutes and is not what is measured here.
	const idx = indexCatalog(catalog);
	const values = fullForm(catalog);
	const month = currentMonth(new Date());
	let next = 0;
	const designs = [
		{ name: "plain", shards: 1 },
		{ name: "sharded", shards: o.shards },
	];
	const tables = new Map<string, App>();
	for (const d of designs) for (const mode of ["measured", "modelled"]) tables.set(`${d.name}|${mode}`, await stack.table(codeCatalog(), { shards: d.shards }));
	const results: { measured: Record<string, unknown>[]; modelled: Record<string, unknown>[] } = { measured: [], modelled: [] };
	for (const mode of ["measured", "modelled"] as const) {
		for (const conc of o.levels) {
			// Alternate which design goes first, so drift in machine load hits both.
			const order = o.levels.indexOf(conc) % 2 === 1 ? [...designs].reverse() : designs;
			for (const d of order) {
				const base = tables.get(`${d.name}|${mode}`) as App;
				const counters: Counters = { transactions: 0, conflicts: 0 };
				const doc = contendedDoc(base.doc, mode === "modelled", counters, 7 + conc);
				const app: App = { ...createApp(doc, base.table, { shards: d.shards }), catalog: async () => idx };
				const svc = createSubmissionService(app);
				const n = o.perRun(conc);
				const units = Array.from({ length: n }, () => unitId(next++));
				let failed = 0;
				const { latencies, wallMs } = await runPool(units, conc, async (u) => {
					try {
						await svc.put({ principal: { sub: `reporter-${u}`, roles: ["reporter"], orgScope: u }, unitId: u, period: month, body: { values, action: "submit", comment: "bench" } });
					} catch {
						failed++;
					}
				});
				const ok = n - failed;
				const row = {
					design: d.name,
					shards: d.shards,
					inFlight: conc,
					submissions: n,
					perSecond: round((ok / wallMs) * 1000, 1),
					latencyMs: summarize(latencies, 0),
					transactions: counters.transactions,
					conflicts: counters.conflicts,
					retries: counters.transactions - ok,
					retriesPerSubmission: round((counters.transactions - ok) / Math.max(1, ok), 3),
					failed,
				};
				results[mode].push(row);
				log(`scale ${mode} ${d.name} x${conc}: ${row.perSecond}/s, conflicts ${row.conflicts}, retries/sub ${row.retriesPerSubmission}, failed ${failed}, p95 ${row.latencyMs.p95} ms`);
			}
		}
	}
	return {
		units: UNITS,
		month,
		shards: o.shards,
		hotItems: "bench 垦区 and division, M#<month> and Y#<year> (4 aggregate items per transaction)",
		conflictModel: { formula: "p = 1 - (1 - c)^k, k = other in-flight transactions updating one of the same aggregate items", c: CONFLICT_C },
		measured: results.measured,
		modelled: results.modelled,
	};
};
