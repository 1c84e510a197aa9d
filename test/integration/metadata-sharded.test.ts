// With write-sharded aggregates (AGGREGATE_SHARDS > 1) the rebuild cannot fence every shard, so aggregation
// changes and rebuilds are refused outright (409), and nothing is written; other metadata edits still work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, type Harness, startHarness } from "../support/harness";

let h: Harness;
let admin: Caller;
beforeAll(async () => {
	h = await startHarness({ shards: 4 });
	admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
}, 120_000);
afterAll(async () => h?.stop());

describe("metadata with sharded aggregates", () => {
	it("refuses an aggregation change and a rebuild, but takes other edits", async () => {
		const change = await admin.call("PUT", "/api/admin/data-elements/BEDS?rebuild=true", { body: { acrossUnits: "none" } });
		expect(change.status).toBe(409);
		expect(change.body.error.fields.rebuild).toMatch(/shard/);
		const repair = await admin.call("POST", "/api/admin/rebuild-aggregates", { body: {} });
		expect(repair.status).toBe(409);
		const rename = await admin.call("PUT", "/api/admin/data-elements/BEDS", { body: { max: 1600 } });
		expect(rename.status).toBe(200);
		const list = await admin.call("GET", "/api/admin/metadata");
		expect(list.body.elements.find((e: { code: string }) => e.code === "BEDS").acrossUnits).toBe("sum");
	});
});
