// Concurrency: many submissions at once, across units and within one unit-period, through the gateway.
// Every acknowledged (2xx) write must be stored, none double-counted, and the aggregates exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportingUnitsUnder } from "../../functions/core/catalog-index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, currentMonth } from "../../functions/core/periods";
import { type Harness, startHarness } from "../support/harness";

const month = currentMonth(new Date());
const template = addMonths(month, -6);
const demo = generateDemoSubmissions({ from: template, to: month }).filter((d) => d.period === template);

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => h?.stop());

describe("concurrent submissions", () => {
	it("stores every acknowledged write exactly once and keeps the aggregates exact", async () => {
		const idx = await h.app.catalog();
		const units = reportingUnitsUnder(idx, "div").filter((u) => u.type !== "commission" && u.id !== "t33");
		const admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });

		// 1. One submission per unit, all at once (20 units).
		const perUnit = await Promise.all(
			units.map(async (u) => {
				const caller = await h.as({ sub: `reporter-${u.id}`, roles: ["reporter"], orgScope: u.id });
				const values = { ...(demo.find((d) => d.unitId === u.id)?.values ?? {}) };
				const r = await caller.call("PUT", `/api/submissions/${u.id}/${month}`, { body: { values, action: "submit", comment: "并发测试" } });
				return { unit: u.id, values, status: r.status };
			}),
		);
		// 2. Thirty writes to ONE unit-period at once, each with a different bed count (far beyond a real unit's
		// one reporter, to force version conflicts).
		const reporter = await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" });
		const t33 = { ...(demo.find((d) => d.unitId === "t33")?.values ?? {}) };
		const sameUnit = await Promise.all(
			Array.from({ length: 30 }, async (_, i) => {
				const values = { ...t33, BEDS: 100 + i };
				const r = await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values, action: "submit", comment: "并发测试" } });
				return { beds: 100 + i, status: r.status, version: r.body?.submission?.version as number | undefined };
			}),
		);

		expect(perUnit.length + sameUnit.length).toBeGreaterThanOrEqual(50);
		for (const w of perUnit) expect([200, 201], w.unit).toContain(w.status);
		const acked = sameUnit.filter((w) => w.status === 200 || w.status === 201);
		// Without If-Match, conflicts are retried server-side with backoff; under this much contention some
		// writers may still give up, and then only with a clean 503 (nothing acknowledged, safe to retry).
		for (const w of sameUnit.filter((x) => !acked.includes(x))) expect(w.status).toBe(503);
		expect(acked.length).toBeGreaterThanOrEqual(10);

		// Every per-unit write is stored with its exact values.
		for (const w of perUnit) {
			const r = await admin.call("GET", `/api/submissions/${w.unit}/${month}`);
			expect(r.body.submission.values).toEqual(expect.objectContaining(w.values));
		}
		// Each acknowledged same-unit write is one version in the history, with its own value; versions are unique.
		const history = await admin.call("GET", `/api/submissions/t33/${month}/history`);
		const versions = history.body.versions as { version: number; values: { BEDS: number } }[];
		expect(versions).toHaveLength(acked.length);
		expect(new Set(acked.map((a) => a.version)).size).toBe(acked.length);
		for (const a of acked) expect(versions.find((v) => v.version === a.version)?.values.BEDS).toBe(a.beds);

		const verify = await admin.call("POST", `/api/admin/verify-aggregates?period=${month}`);
		expect(verify.body.mismatches).toEqual([]);
		expect(verify.body.ok).toBe(true);
		const division = await admin.call("GET", `/api/progress?plan=tmg-14th&period=${month}&orgUnit=div`);
		const beds = division.body.rows.find((r: { indicatorCode: string }) => r.indicatorCode === "BEDS_PER_1000");
		const last = versions.at(-1)?.values.BEDS ?? 0;
		const expectedBeds = perUnit.reduce((s, w) => s + (typeof w.values.BEDS === "number" ? w.values.BEDS : 0), last);
		expect(beds.numerator).toBe(expectedBeds);
	}, 180_000);
});
