// An API under test: its own table in the shared DynamoDB Local (from the vitest global setup), the
// catalog seeded from code, a test issuer, and the local gateway invoking the real Lambda handlers.
// Import this module before anything that reads configuration: it sets the handlers' environment.
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type App, createApp } from "../../functions/commons/app";
import { createDocClient } from "../../functions/commons/clients/dynamo";
import { ensureTable } from "../../functions/commons/table";
import type { Role } from "../../functions/core/types";
import { type Gateway, startGateway } from "../../scripts/lib/gateway";
import { codeCatalog } from "../../scripts/lib/seed";
import { startTestIssuer, type TestIssuer } from "./test-issuer";

export interface Harness {
	url: string;
	app: App;
	table: string;
	issuer: TestIssuer;
	gateway: Gateway;
	as(user: { sub?: string; roles: Role[]; orgScope: string }): Promise<Caller>;
	stop(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in each test
type Json = any;

export interface Caller {
	token: string;
	call(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; body: Json; headers: Headers }>;
}

export const call = async (url: string, token: string | null, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; raw?: string } = {}) => {
	const headers: Record<string, string> = { ...(opts.headers ?? {}) };
	if (token) headers.authorization = `Bearer ${token}`;
	let body: string | undefined;
	if (opts.raw !== undefined) body = opts.raw;
	else if (opts.body !== undefined) {
		body = JSON.stringify(opts.body);
		headers["content-type"] ??= "application/json";
	}
	const res = await fetch(`${url}${path}`, { method, headers, body });
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		/* not JSON */
	}
	return { status: res.status, body: parsed as Json, headers: res.headers };
};

export const startHarness = async (opts: { shards?: number } = {}): Promise<Harness> => {
	const endpoint = process.env.DYNAMODB_ENDPOINT;
	if (!endpoint) throw new Error("DYNAMODB_ENDPOINT is not set: run through vitest (test/setup/dynamodb.ts)");
	const table = `hpm-${randomUUID().slice(0, 8)}`;
	const issuer = await startTestIssuer();
	Object.assign(process.env, {
		TABLE_NAME: table,
		AUTH_ISSUER: issuer.issuer,
		AUTH_AUDIENCE: issuer.audience,
		ROLE_CLAIM: "roles",
		SCOPE_CLAIM: "org_scope",
		USER_DIRECTORY: "platform",
		AGGREGATE_SHARDS: String(opts.shards ?? 1),
		MAIL_FROM: "test <test@hpm.local>",
	});
	const raw = new DynamoDBClient({ endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	await ensureTable(raw, table);
	raw.destroy();
	// Explicit endpoint and region: the harness itself reads no configuration, so a test may still set
	// process.env after startHarness() and before the first handler loads (config is parsed once, then).
	const app = createApp(createDocClient({ endpoint, region: "cn-northwest-1" }), table, { shards: opts.shards ?? 1 });
	await app.catalogRepo.seed(codeCatalog());
	const gateway = await startGateway({ port: 0, host: "127.0.0.1", issuer: issuer.issuer, audience: issuer.audience });
	const url = gateway.url.replace("localhost", "127.0.0.1");
	return {
		url,
		app,
		table,
		issuer,
		gateway,
		as: async (user) => {
			const token = await issuer.token({ sub: user.sub ?? `${user.roles[0]}-${user.orgScope}`, roles: user.roles, orgScope: user.orgScope });
			return { token, call: (method, path, o) => call(url, token, method, path, o) };
		},
		stop: async () => {
			await gateway.close();
			await issuer.close();
		},
	};
};
