// The bench's local stack: one in-memory DynamoDB Local, tables with a (synthetic) catalog, a JWKS issuer
// that signs tokens for any principal, and gateway workers (one process per table) running the real handlers.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { type App, createApp } from "../../functions/commons/app";
import { catalogItems } from "../../functions/commons/catalog-repo";
import { createDocClient, type Doc } from "../../functions/commons/clients/dynamo";
import { mapPool } from "../../functions/commons/pool";
import { ensureTable } from "../../functions/commons/table";
import type { Catalog } from "../../functions/core/catalog-index";
import { type DynamoLocal, startDynamoLocal } from "../../scripts/lib/dynamodb-local";
import { startTestIssuer, type TestIssuer } from "../../test/support/test-issuer";
import { waitForReady } from "../../scripts/lib/child-process";
import { handlerEnv, localPorts } from "../../scripts/lib/local-env";

export interface Stack {
	db: DynamoLocal;
	issuer: TestIssuer;
	doc: Doc;
	/** Creates a table, writes the catalog with batched writes, and returns an App on it. */
	table(catalog: Catalog, opts?: { shards?: number; now?: () => Date }): Promise<App>;
	/** A gateway process on `table`. */
	gateway(table: string, env?: Record<string, string>): Promise<Worker>;
	stop(): Promise<void>;
}

export interface Worker {
	url: string;
	process: ChildProcess;
	stop(): Promise<void>;
}

const workerPath = fileURLToPath(new URL("./gateway-worker.ts", import.meta.url));

export const writeAll = async (doc: Doc, table: string, items: Record<string, unknown>[], inFlight = 8): Promise<void> => {
	const batches: Record<string, unknown>[][] = [];
	for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
	await mapPool(batches, inFlight, async (batch) => {
		let pending = batch.map((Item) => ({ PutRequest: { Item } }));
		while (pending.length > 0) {
			const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
			pending = (r.UnprocessedItems?.[table] ?? []) as typeof pending;
		}
	});
};

export const startStack = async (): Promise<Stack> => {
	const db = await startDynamoLocal({ timeoutMs: 60_000 });
	const issuer = await startTestIssuer("hpm-bench");
	const doc = createDocClient({ endpoint: db.endpoint, region: "cn-northwest-1" });
	const raw = new DynamoDBClient({ endpoint: db.endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	const workers = new Set<Worker>();
	return {
		db,
		issuer,
		doc,
		table: async (catalog, opts = {}) => {
			const name = `bench-${randomUUID().slice(0, 8)}`;
			await ensureTable(raw, name);
			await writeAll(doc, name, catalogItems(catalog));
			return createApp(doc, name, opts);
		},
		gateway: async (table, env = {}) => {
			const child = spawn(process.execPath, ["--import", "tsx", workerPath], {
				env: {
					...process.env,
					...handlerEnv(localPorts(), {
						TABLE_NAME: table,
						DYNAMODB_ENDPOINT: db.endpoint,
						AUTH_ISSUER: issuer.issuer,
						AUTH_AUDIENCE: issuer.audience,
						AGGREGATE_SHARDS: "1",
						MAIL_FROM: "bench <bench@hpm.local>",
						POWERTOOLS_DEV: "false",
						...env,
					}),
				},
				stdio: ["pipe", "pipe", "pipe"],
			});
			let stderr = "";
			child.stderr?.on("data", (d: Buffer) => {
				stderr = (stderr + d.toString()).slice(-4000);
			});
			const url = await waitForReady(child, "gateway worker", () => stderr);
			child.stdout?.resume();
			const w: Worker = {
				url,
				process: child,
				stop: () =>
					new Promise<void>((res) => {
						workers.delete(w);
						if (child.exitCode !== null || child.signalCode !== null) return res();
						child.once("exit", () => res());
						child.kill("SIGTERM");
						setTimeout(() => child.kill("SIGKILL"), 3000).unref();
					}),
			};
			workers.add(w);
			return w;
		},
		stop: async () => {
			for (const w of [...workers]) await w.stop();
			await issuer.close();
			raw.destroy();
			doc.destroy();
			await db.stop();
		},
	};
};

/** A fetch against a worker, returning status and parsed JSON. */
export const api = async (url: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
	const res = await fetch(`${url}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
		...(body !== undefined ? { body: JSON.stringify(body) } : {}),
	});
	const text = await res.text();
	let json: unknown = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		json = text;
	}
	return { status: res.status, body: json };
};
