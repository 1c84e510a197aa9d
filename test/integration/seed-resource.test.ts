// The deploy-time seed (Custom::CatalogSeed) end to end: the real handler against a fresh DynamoDB Local
// table, answering a local HTTP server that stands in for CloudFormation's pre-signed response URL.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/commons/app";
import { createDocClient } from "../../functions/commons/clients/dynamo";
import { ensureTable } from "../../functions/commons/table";
import { codeCatalog } from "../../functions/core/catalog/index";

const endpoint = process.env.DYNAMODB_ENDPOINT as string;
const table = `hpm-seed-${randomUUID().slice(0, 8)}`;
// The handler's app reads TABLE_NAME on first use: set it before the module is imported.
process.env.TABLE_NAME = table;
const { handler, seedResponse, PHYSICAL_ID } = await import("../../functions/handlers/seed");

let server: Server;
let url: string;
const received: { method: string; contentType: string | undefined; body: Record<string, unknown> }[] = [];
let failNext = 0;

beforeAll(async () => {
	const raw = new DynamoDBClient({ endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	await ensureTable(raw, table);
	raw.destroy();
	server = createServer((req, res) => {
		let text = "";
		req.on("data", (c) => {
			text += c;
		});
		req.on("end", () => {
			if (failNext > 0) {
				failNext--;
				res.writeHead(503).end();
				return;
			}
			received.push({ method: req.method ?? "", contentType: req.headers["content-type"], body: JSON.parse(text) });
			res.writeHead(200).end();
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/presigned?X-Amz-Signature=abc`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const event = (requestType: "Create" | "Update" | "Delete"): CloudFormationCustomResourceEvent =>
	({
		RequestType: requestType,
		ServiceToken: "arn:aws-cn:lambda:cn-northwest-1:123456789012:function:seed",
		ResponseURL: url,
		StackId: "arn:aws-cn:cloudformation:cn-northwest-1:123456789012:stack/hpm/1",
		RequestId: randomUUID(),
		LogicalResourceId: "CatalogSeed",
		ResourceType: "Custom::CatalogSeed",
		ResourceProperties: { ServiceToken: "x", CatalogVersion: "1-abc" },
		...(requestType === "Create" ? {} : { PhysicalResourceId: PHYSICAL_ID }),
		...(requestType === "Update" ? { OldResourceProperties: { ServiceToken: "x", CatalogVersion: "1-old" } } : {}),
	}) as CloudFormationCustomResourceEvent;

describe("Custom::CatalogSeed", () => {
	it("seeds an empty table on Create and answers SUCCESS with the counts", async () => {
		const e = event("Create");
		await handler(e);
		const answer = received.at(-1);
		expect(answer?.method).toBe("PUT");
		expect(answer?.contentType ?? "").toBe("");
		expect(answer?.body).toMatchObject({ Status: "SUCCESS", PhysicalResourceId: PHYSICAL_ID, RequestId: e.RequestId, LogicalResourceId: "CatalogSeed", StackId: e.StackId });
		const c = codeCatalog();
		const total = c.units.length + c.elements.length + c.indicators.length + c.plans.length + c.rules.length + 1;
		expect(answer?.body.Data).toEqual({ written: total, kept: 0 });
		const idx = await createApp(createDocClient({ endpoint }), table).catalogRepo.load(true);
		expect(idx.unitById.size).toBe(c.units.length);
		expect(idx.planById.has("tmg-14th")).toBe(true);
	});

	it("keeps an admin's edit on Update, and writes nothing on Delete", async () => {
		const app = createApp(createDocClient({ endpoint }), table);
		const t31 = (await app.catalogRepo.load(true)).unitById.get("t31");
		if (!t31) throw new Error("no t31");
		await app.catalogRepo.putUnit({ ...t31, name: { zh: "31团医院（改）", en: "edited" } });
		await handler(event("Update"));
		expect(received.at(-1)?.body).toMatchObject({ Status: "SUCCESS", Data: { written: 0 } });
		expect((await app.catalogRepo.load(true)).unitById.get("t31")?.name.zh).toBe("31团医院（改）");
		await handler(event("Delete"));
		expect(received.at(-1)?.body).toMatchObject({ Status: "SUCCESS", PhysicalResourceId: PHYSICAL_ID });
		expect((await app.catalogRepo.load(true)).unitById.get("t31")?.name.zh).toBe("31团医院（改）");
	});

	it("answers FAILED with a short reason when the seed throws, instead of leaving CloudFormation waiting", async () => {
		const r = await seedResponse(event("Create"), async () => {
			throw new Error("Requested resource not found");
		});
		expect(r.Status).toBe("FAILED");
		expect(r.Reason).toBe("catalog seed failed: Requested resource not found");
		expect(r.PhysicalResourceId).toBe(PHYSICAL_ID);
	});

	it("retries the answer when the response URL fails transiently", async () => {
		failNext = 2;
		const before = received.length;
		await handler(event("Update"));
		expect(failNext).toBe(0);
		expect(received.length).toBe(before + 1);
		expect(received.at(-1)?.body.Status).toBe("SUCCESS");
	});
});
