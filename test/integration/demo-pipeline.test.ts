// The 2020 demo data pushed through the real transactional write path (SubmissionRepo.commit) reproduces
// the first seed's published 2020 figures at division level, read back through GET /api/progress.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALIBRATION_2020, generateDemoSubmissions } from "../../functions/core/demo/generator";
import { roundTo } from "../../functions/core/indicator-eval";
import { pool } from "../../scripts/lib/seed";
import { type Harness, startHarness } from "../support/harness";

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
	const idx = await h.app.catalog();
	const repo = h.app.submissions(idx);
	// Generated through April 2021, so December 2020 is clear of the generator's "recent, partly missing" months.
	const subs = generateDemoSubmissions({ from: "2020-01", to: "2021-04" }).filter((s) => s.period.startsWith("2020"));
	await pool(subs, 8, async (s) => {
		const at = s.submittedAt;
		await repo.commit({
			before: null,
			after: { unitId: s.unitId, period: s.period, values: s.values, status: s.status, version: 1, createdAt: at, updatedAt: at, updatedBy: "demo" },
			version: { unitId: s.unitId, period: s.period, version: 1, action: "import", status: s.status, at, by: "demo", values: s.values, changed: [] },
			now: at,
		});
	});
}, 300_000);
afterAll(async () => h?.stop());

describe("the division's 2020 figures from the demo data", () => {
	it("match 专栏1's 2020 baselines where whole numbers allow", async () => {
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		const r = await leader.call("GET", "/api/progress?plan=tmg-14th&period=2020&orgUnit=div");
		expect(r.status).toBe(200);
		const row = (code: string) => r.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === code);
		const shown = (code: string) => roundTo(row(code).value, row(code).decimals);

		// The printed counts, exactly.
		expect(row("BEDS_PER_1000").numerator).toBe(1738);
		expect(row("PHYSICIANS_PER_1000").numerator).toBe(844);
		expect(row("NURSES_PER_1000").numerator).toBe(1126);
		expect(row("BEDS_PER_1000").denominator).toBe(CALIBRATION_2020.population);
		// The printed rates.
		expect(shown("BEDS_PER_1000")).toBe(7.5);
		expect(shown("NURSES_PER_1000")).toBe(4.86);
		expect(shown("IMR")).toBe(1.53);
		expect(shown("U5MR")).toBe(3.05);
		expect(shown("LIFE_EXP")).toBe(79.36);
		expect(shown("HEALTH_LITERACY_LEVEL")).toBe(18.36);
		expect(shown("MYOPIA_PREVALENCE")).toBe(52.62);
		// No integer population gives both 7.50 beds and 3.65 physicians per 1,000 (docs/catalog.md).
		expect(shown("PHYSICIANS_PER_1000")).toBe(3.64);
		// 42 GPs: 1.81 at two decimals, "1.8" as the plan's text prints it.
		expect(roundTo(row("GPS_PER_10000").value, 1)).toBe(1.8);
	});

	it("is exact against a recomputation from the raw submissions", async () => {
		const admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
		const v = await admin.call("POST", "/api/admin/verify-aggregates?period=2020");
		expect(v.body.mismatches).toEqual([]);
		expect(v.body.ok).toBe(true);
	});
});
