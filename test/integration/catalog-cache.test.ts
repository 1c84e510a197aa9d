// The per-container catalog cache against DynamoDB Local: two repos on one table stand for two Lambda
// containers with their own clocks. An admin edit in one must reach the other within the check interval,
// and an unchanged catalog must cost one GetItem per check, not a Query of the whole partition.
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { CatalogRepo } from "../../functions/commons/catalog-repo";
import { createDocClient } from "../../functions/commons/clients/dynamo";
import { ensureTable } from "../../functions/commons/table";
import { codeCatalog } from "../../scripts/lib/seed";
import { type FaultyDoc, faultyDoc } from "../support/faulty-client";

const endpoint = process.env.DYNAMODB_ENDPOINT as string;
let table: string;

beforeAll(async () => {
	table = `hpm-cat-${randomUUID().slice(0, 8)}`;
	const raw = new DynamoDBClient({ endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	await ensureTable(raw, table);
	raw.destroy();
	await new CatalogRepo(createDocClient({ endpoint }), table).seed(codeCatalog());
});

/** A repo with its own clock, and a record of every command it sends. */
const container = () => {
	let now = 1_000_000;
	const spy: FaultyDoc = faultyDoc(createDocClient({ endpoint }));
	const repo = new CatalogRepo(spy.doc, table, () => now);
	return {
		repo,
		advance: (ms: number) => {
			now += ms;
		},
		commands: () => spy.calls.map((c) => c.command),
		clear: () => spy.reset(),
	};
};

describe("catalog cache across containers", () => {
	it("serves from memory for 15 s, then checks one version item, and re-reads only after an edit", async () => {
		const reader = container();
		const admin = container();
		const first = await reader.repo.load();
		expect(reader.commands()).toEqual(["GetCommand", "QueryCommand"]);
		const unit = first.unitById.get("t31");
		if (!unit) throw new Error("seed has no t31");

		// Within 15 s: no reads at all.
		reader.clear();
		reader.advance(10_000);
		expect(await reader.repo.load()).toBe(first);
		expect(reader.commands()).toEqual([]);

		// After 15 s with nothing changed: one GetItem, and the same index object.
		reader.advance(6_000);
		expect(await reader.repo.load()).toBe(first);
		expect(reader.commands()).toEqual(["GetCommand"]);

		// Another container edits a unit: its put and the version bump are one transaction.
		admin.clear();
		await admin.repo.putUnit({ ...unit, name: { zh: "31团医院（新）", en: "31st Regiment Hospital (new)" } });
		expect(admin.commands()).toEqual(["TransactWriteCommand"]);

		// The reader still has its copy until the next check...
		reader.clear();
		reader.advance(5_000);
		expect((await reader.repo.load()).unitById.get("t31")?.name.zh).toBe(unit.name.zh);
		expect(reader.commands()).toEqual([]);
		// ...and the check after 15 s sees the new version and re-reads the catalog.
		reader.advance(15_000);
		const second = await reader.repo.load();
		expect(second).not.toBe(first);
		expect(second.unitById.get("t31")?.name.zh).toBe("31团医院（新）");
		expect(reader.commands()).toEqual(["GetCommand", "QueryCommand"]); // the version read once, then the catalog

		await admin.repo.putUnit(unit);
	});

	it("re-reads everything after 10 minutes even when the version did not move", async () => {
		const reader = container();
		const first = await reader.repo.load();
		reader.clear();
		reader.advance(10 * 60_000 + 1);
		const again = await reader.repo.load();
		expect(again).not.toBe(first);
		expect(reader.commands()).toEqual(["GetCommand", "QueryCommand"]);
	});

	it("bumps the version when a seed writes missing items, and not when it keeps them all", async () => {
		const reader = container();
		await reader.repo.load();
		const seeder = container();
		expect(await seeder.repo.seed(codeCatalog())).toMatchObject({ written: 0 });
		reader.clear();
		reader.advance(16_000);
		await reader.repo.load();
		expect(reader.commands()).toEqual(["GetCommand"]);

		const c = codeCatalog();
		const extra = { ...c, units: [...c.units, { ...(c.units.find((u) => u.id === "t31") as (typeof c.units)[number]), id: "t-extra", order: 998 }] };
		expect(await seeder.repo.seed(extra)).toMatchObject({ written: 1 });
		reader.clear();
		reader.advance(16_000);
		expect((await reader.repo.load()).unitById.has("t-extra")).toBe(true);
		expect(reader.commands()).toEqual(["GetCommand", "QueryCommand"]); // the version read once, then the catalog
	});
});
