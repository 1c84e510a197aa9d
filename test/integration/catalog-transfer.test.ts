// Catalog export → import into an empty table → export gives the same document; a dry run lists every change
// and writes nothing; an inconsistent document is refused as a whole.
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/commons/app";
import { createDocClient } from "../../functions/commons/clients/dynamo";
import { keys } from "../../functions/commons/keys";
import { currentMonth } from "../../functions/core/periods";
import { ensureTable } from "../../functions/commons/table";
import { type CatalogDocument, createCatalogTransfer } from "../../functions/metadata/catalog-transfer";
import { createRebuildService } from "../../functions/metadata/rebuild";
import { type Caller, type Harness, startHarness } from "../support/harness";

let h: Harness;
let admin: Caller;
beforeAll(async () => {
	h = await startHarness();
	admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
}, 120_000);
afterAll(async () => h?.stop());

const emptyTable = async () => {
	const endpoint = process.env.DYNAMODB_ENDPOINT as string;
	const table = `hpm-${randomUUID().slice(0, 8)}`;
	const raw = new DynamoDBClient({ endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	await ensureTable(raw, table);
	raw.destroy();
	const app = createApp(createDocClient({ endpoint, region: "cn-northwest-1" }), table);
	return { app, transfer: createCatalogTransfer(app, createRebuildService(app, { autoRun: false })) };
};

describe("catalog export and import", () => {
	it("round-trips: export, import into an empty table, export again gives the same document", async () => {
		const exported = await admin.call("GET", "/api/admin/catalog/export");
		expect(exported.status).toBe(200);
		const doc = exported.body as CatalogDocument;
		expect(doc.format).toBe("hpm-catalog/1");
		expect(doc.units.length).toBeGreaterThan(20);
		expect(doc.plans.length).toBeGreaterThanOrEqual(2);

		const target = await emptyTable();
		const dry = await target.transfer.importCatalog("admin", doc, { dryRun: true, rebuild: false });
		const total = doc.units.length + doc.elements.length + doc.indicators.length + doc.rules.length + doc.plans.length + 1;
		expect(dry.changes).toHaveLength(total);
		expect(dry.changes.every((c) => c.change === "create")).toBe(true);
		expect((await target.transfer.exportCatalog()).units).toEqual([]);

		const applied = await target.transfer.importCatalog("admin", doc, { dryRun: false, rebuild: false });
		expect(applied.changes).toHaveLength(total);
		expect(await target.transfer.exportCatalog()).toEqual(doc);
		// The imported catalog is a working one, and importing it again changes nothing.
		expect((await target.app.catalog()).indicatorByCode.has("IMR")).toBe(true);
		expect((await target.transfer.importCatalog("admin", doc, { dryRun: true, rebuild: false })).changes).toEqual([]);
	});

	it("a dry run lists every change and writes nothing; the real import applies exactly those", async () => {
		const doc = (await admin.call("GET", "/api/admin/catalog/export")).body as CatalogDocument;
		const next: CatalogDocument = {
			...doc,
			elements: doc.elements.map((e) => (e.code === "BEDS" ? { ...e, max: 2000, name: { ...e.name, en: "Beds (open)" } } : e)),
			indicators: [
				...doc.indicators,
				{ code: "BEDS_PER_10000", name: { zh: "每万人口床位数", en: "Beds per 10,000" }, uom: { zh: "张", en: "beds" }, group: "health-services", numerator: "#{BEDS}", denominator: "#{POPULATION}", factor: 10_000, decimals: 1 },
			],
		};
		const version = async () => Number((await h.app.doc.send(new GetCommand({ TableName: h.table, Key: keys.catalogVersion(), ConsistentRead: true }))).Item?.v);
		const v0 = await version();
		const dry = await admin.call("POST", "/api/admin/catalog/import?dryRun=true", { body: next });
		expect(dry.status).toBe(200);
		expect(dry.body.changes).toEqual([
			{ kind: "element", key: "BEDS", change: "update", fields: ["max", "name"] },
			{ kind: "indicator", key: "BEDS_PER_10000", change: "create" },
		]);
		expect(await version()).toBe(v0);
		expect((await admin.call("GET", "/api/admin/catalog/export")).body).toEqual(doc);

		const applied = await admin.call("POST", "/api/admin/catalog/import", { body: next });
		expect(applied.status).toBe(200);
		expect(applied.body.changes).toEqual(dry.body.changes);
		expect(await version()).toBeGreaterThan(v0);
		const after = (await admin.call("GET", "/api/admin/catalog/export")).body as CatalogDocument;
		expect(after.elements.find((e) => e.code === "BEDS")?.max).toBe(2000);
		expect(after.indicators.some((i) => i.code === "BEDS_PER_10000")).toBe(true);
		const audit = await admin.call("GET", "/api/admin/audit");
		expect(audit.body.events.some((e: { action: string; target: string }) => e.action === "catalog.import.element.update" && e.target === "BEDS")).toBe(true);
	});

	it("needs ?rebuild=true to change how an element with data aggregates, and then rebuilds", async () => {
		const month = currentMonth(new Date());
		const reporter = await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" });
		const form = await reporter.call("GET", `/api/forms/t33/${month}`);
		const values = Object.fromEntries(form.body.elements.map((e: { code: string }) => [e.code, 3]));
		expect((await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values, action: "submit", comment: "导入测试" } })).status).toBe(201);
		const doc = (await admin.call("GET", "/api/admin/catalog/export")).body as CatalogDocument;
		const next = { ...doc, elements: doc.elements.map((e) => (e.code === "POPULATION" ? { ...e, acrossUnits: "none" as const } : e)) };
		const refused = await admin.call("POST", "/api/admin/catalog/import", { body: next });
		expect(refused.status).toBe(409);
		expect(refused.body.error.details.elements).toEqual(["POPULATION"]);
		expect((await admin.call("GET", "/api/admin/catalog/export")).body).toEqual(doc);
		const accepted = await admin.call("POST", "/api/admin/catalog/import?rebuild=true", { body: next });
		expect(accepted.status).toBe(202);
		expect(accepted.body.job.elements).toEqual(["POPULATION"]);
		let job = accepted.body.job;
		for (let i = 0; i < 300 && job.status !== "done" && job.status !== "failed"; i++) {
			await new Promise((r) => setTimeout(r, 100));
			job = (await admin.call("GET", `/api/admin/rebuild-aggregates/${job.jobId}`)).body;
		}
		expect(job.status).toBe("done");
		expect((await admin.call("POST", `/api/admin/verify-aggregates?period=${month}`)).body.ok).toBe(true);
	}, 60_000);

	it("refuses an inconsistent document as a whole, with paths into it, and writes nothing", async () => {
		const doc = (await admin.call("GET", "/api/admin/catalog/export")).body as CatalogDocument;
		const broken: CatalogDocument = {
			...doc,
			elements: doc.elements.map((e) => (e.code === "BEDS" ? { ...e, max: 1 } : e)),
			indicators: [...doc.indicators, { ...(doc.indicators[0] as CatalogDocument["indicators"][number]), code: "BROKEN", numerator: "#{NOT_AN_ELEMENT}" }],
		};
		const r = await admin.call("POST", "/api/admin/catalog/import", { body: broken });
		expect(r.status).toBe(400);
		expect(r.body.error.fields[`indicators.${doc.indicators.length}.numerator`]).toMatch(/NOT_AN_ELEMENT/);
		expect((await admin.call("GET", "/api/admin/catalog/export")).body).toEqual(doc);
		const notACatalog = await admin.call("POST", "/api/admin/catalog/import", { body: { format: "something-else" } });
		expect(notACatalog.status).toBe(400);
		expect(notACatalog.body.error.fields.format).toBeTruthy();
	});
});
