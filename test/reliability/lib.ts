// Shared helpers for the reliability tests: a private table on the vitest DynamoDB Local, table snapshots
// (a full Scan — acceptable for a test's own table only; the product never scans), valid demo values.
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type App, createApp } from "../../functions/commons/app";
import { createDocClient, type Doc } from "../../functions/commons/clients/dynamo";
import { ensureTable } from "../../functions/commons/table";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, currentMonth } from "../../functions/core/periods";
import type { ValueMap } from "../../functions/core/types";
import { codeCatalog } from "../../scripts/lib/seed";

export const month = currentMonth(new Date());
/** A unit's month half a year back: complete and plausible figures (recent demo months are partial). */
export const templateMonth = addMonths(month, -6);
const demo = generateDemoSubmissions({ from: templateMonth, to: month });
export const validValues = (unitId: string): ValueMap => {
	const s = demo.find((d) => d.unitId === unitId && d.period === templateMonth);
	if (!s) throw new Error(`no demo values for ${unitId}`);
	return { ...s.values };
};

export const LONG = process.env.RELIABILITY_LONG === "1";

/** A fresh table with the catalog seeded, on the DynamoDB Local of the vitest global setup. */
export const freshTable = async (opts: { endpoint?: string; shards?: number } = {}): Promise<{ doc: Doc; table: string; app: App }> => {
	const endpoint = opts.endpoint ?? process.env.DYNAMODB_ENDPOINT;
	if (!endpoint) throw new Error("DYNAMODB_ENDPOINT is not set: run through vitest (test/setup/dynamodb.ts)");
	const table = `rel-${randomUUID().slice(0, 8)}`;
	const raw = new DynamoDBClient({ endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	await ensureTable(raw, table);
	raw.destroy();
	const doc = createDocClient({ endpoint, region: "cn-northwest-1" });
	const app = createApp(doc, table, { shards: opts.shards ?? 1 });
	await app.catalogRepo.seed(codeCatalog());
	return { doc, table, app };
};

export type Snapshot = Map<string, string>;

/** Every item of a test table, keyed by pk|sk, with its attributes serialised with sorted keys. */
export const snapshot = async (doc: Doc, table: string, filter: (pk: string) => boolean = () => true): Promise<Snapshot> => {
	const out: Snapshot = new Map();
	let ExclusiveStartKey: Record<string, unknown> | undefined;
	do {
		const r = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }));
		for (const it of r.Items ?? []) {
			const pk = String(it.pk);
			if (!filter(pk)) continue;
			out.set(`${pk}|${String(it.sk)}`, stable(it));
		}
		ExclusiveStartKey = r.LastEvaluatedKey;
	} while (ExclusiveStartKey);
	return out;
};

const stable = (v: unknown): string =>
	JSON.stringify(v, (_k, val) => (val && typeof val === "object" && !Array.isArray(val) && !(val instanceof Set) ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => a.localeCompare(b))) : val instanceof Set ? [...val].sort() : val));

/** Keys added, removed or changed between two snapshots. */
export const diff = (a: Snapshot, b: Snapshot): string[] => {
	const out: string[] = [];
	for (const [k, v] of a) if (!b.has(k)) out.push(`- ${k}`);
	else if (b.get(k) !== v) out.push(`~ ${k}`);
	for (const k of b.keys()) if (!a.has(k)) out.push(`+ ${k}`);
	return out;
};

/** Runs tasks with at most `n` in flight. */
export const pool = async <T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> => {
	const out: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
	};
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
	return out;
};
