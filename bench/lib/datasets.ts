// The large, static datasets (read scaling at 1k and 100k submissions, the 1,000-unit summary history, the
// demo) live in a second DynamoDB Local that persists in datasets-<hash>/ under /dev/shm (tmpfs: on-disk
// DynamoDB Local syncs every write, which made loading ~10x slower) or, without /dev/shm, bench/tmp/, and is
// reused by later runs. DynamoDB Local writes only ~300-1,000 items/s on this 2-core machine (BatchWriteItem
// or PutItem alike: it applies writes one at a time), so loading 100k submissions takes minutes; it is paid
// once per data shape and machine. The hash covers every file that decides what the items look like, so a change to
// keys, aggregation, the repository, the catalog or this file rebuilds the datasets. BENCH_FRESH=1 forces it.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type App, createApp } from "../../functions/commons/app";
import { createDocClient, type Doc } from "../../functions/commons/clients/dynamo";
import { ensureTable } from "../../functions/commons/table";
import type { Catalog } from "../../functions/core/catalog-index";
import { type DynamoLocal, startDynamoLocal } from "../../scripts/lib/dynamodb-local";
import { seedDemo } from "../../scripts/lib/seed";
import { log } from "./stats";
import { catalogItems } from "../../functions/commons/catalog-repo";
import { writeAll } from "./stack";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

const filesOf = (p: string): string[] => {
	const abs = join(root, p);
	if (!existsSync(abs)) return [];
	if (statSync(abs).isFile()) return [abs];
	return readdirSync(abs, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile() && e.name.endsWith(".ts"))
		.map((e) => join(e.parentPath, e.name))
		.sort();
};

/** What decides the shape of the stored items. */
const SHAPE_FILES = [
	"bench/lib/datasets.ts",
	"bench/lib/synthetic.ts",
	"bench/sections/read-scaling.ts",
	"bench/sections/summary.ts",
	"functions/commons/keys.ts",
	"functions/commons/submission-repo.ts",
	"functions/core/aggregation.ts",
	"functions/core/catalog",
	"functions/core/demo",
	"scripts/lib/seed.ts",
];

export const shapeHash = (extra: string): string => {
	const h = createHash("sha256").update(extra);
	for (const f of SHAPE_FILES.flatMap(filesOf)) h.update(f).update(readFileSync(f));
	return h.digest("hex").slice(0, 12);
};

export interface Datasets {
	db: DynamoLocal;
	doc: Doc;
	dir: string;
	/** A table built once by `build` and reused while its completion marker is there. */
	table(name: string, catalog: Catalog, build: (app: App) => Promise<void>, opts?: { now?: () => Date }): Promise<{ app: App; built: boolean; buildMs: number }>;
	stop(): Promise<void>;
}

const MARKER = { pk: "BENCH", sk: "COMPLETE" };

export const openDatasets = async (key = "v1"): Promise<Datasets> => {
	const base = existsSync("/dev/shm") ? "/dev/shm" : join(root, "bench", "tmp");
	const dir = join(base, `hpm-bench-datasets-${shapeHash(key)}`);
	if (process.env.BENCH_FRESH === "1") rmSync(dir, { recursive: true, force: true });
	// Old shapes are dead weight.
	for (const d of readdirSync(base)) if (d.startsWith("hpm-bench-datasets-") && join(base, d) !== dir) rmSync(join(base, d), { recursive: true, force: true });
	const db = await startDynamoLocal({ dbPath: dir, timeoutMs: 60_000 });
	const doc = createDocClient({ endpoint: db.endpoint, region: "cn-northwest-1" });
	const raw = new DynamoDBClient({ endpoint: db.endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	return {
		db,
		doc,
		dir,
		table: async (name, catalog, build, opts = {}) => {
			const app = createApp(doc, name, opts);
			const done = await doc.send(new GetCommand({ TableName: name, Key: MARKER })).catch(() => ({ Item: undefined }));
			if (done.Item) return { app, built: false, buildMs: 0 };
			await raw.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
			await ensureTable(raw, name);
			await writeAll(doc, name, catalogItems(catalog));
			const t0 = performance.now();
			log(`dataset ${name}: building (kept in ${dir} for later runs)`);
			await build(app);
			await doc.send(new PutCommand({ TableName: name, Item: { ...MARKER, at: new Date().toISOString() } }));
			const buildMs = performance.now() - t0;
			log(`dataset ${name}: built in ${Math.round(buildMs / 1000)} s`);
			return { app, built: true, buildMs };
		},
		stop: async () => {
			raw.destroy();
			doc.destroy();
			await db.stop();
		},
	};
};

export { seedDemo };
