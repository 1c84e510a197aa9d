// POST /api/admin/plans with copyFrom: a new plan from the 十四五 plan with its baselines taken from the
// platform's own 2025 figures (the seeded demo data), each with its provenance, stored and shown by the
// catalog; then targets are entered through the existing editor route and the provenance survives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanCopyResult, ProgressReport } from "../../functions/core/api-types";
import { codeCatalog } from "../../functions/core/catalog";
import { roundTo } from "../../functions/core/indicator-eval";
import type { Plan } from "../../functions/core/types";
import { seedDemo } from "../../scripts/lib/seed";
import { type Caller, type Harness, startHarness } from "../support/harness";

const source = codeCatalog().plans.find((p) => p.id === "tmg-14th") as Plan;
const body = {
	id: "tmg-15th-draft",
	copyFrom: "tmg-14th",
	baseYear: 2025,
	name: { zh: "第二师铁门关市“十五五”卫生健康事业发展规划（草案）", en: "15th Five-Year Health Plan (draft)" },
	shortName: { zh: "“十五五”规划（草案）", en: "15th plan (draft)" },
};

let h: Harness;
let admin: Caller;
let created: PlanCopyResult;
let actual2025: ProgressReport;

beforeAll(async () => {
	h = await startHarness();
	await seedDemo(h.app, { until: "2026-11", force: true });
	admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
	actual2025 = (await admin.call("GET", "/api/progress?plan=tmg-14th&period=2025&orgUnit=div")).body;
	const r = await admin.call("POST", "/api/admin/plans", { body });
	expect(r.status, JSON.stringify(r.body)).toBe(201);
	created = r.body;
}, 600_000);
afterAll(async () => h?.stop());

describe("a new plan started from the 2025 actuals", () => {
	it("copies every indicator and fills its baseline from the platform's 2025 figure, with provenance", () => {
		expect(created.plan.indicators).toHaveLength(source.indicators.length);
		expect(created.plan).toMatchObject({ id: body.id, baseYear: 2025, startYear: 2026, endYear: 2030, targetYear: 2030 });
		for (const pi of created.plan.indicators) {
			const row = actual2025.rows.find((r) => r.indicatorCode === pi.indicatorCode);
			const was = source.indicators.find((x) => x.indicatorCode === pi.indicatorCode);
			expect(pi.direction).toBe(was?.direction);
			expect(pi.nature).toBe(was?.nature);
			// Targets are entered in the editor, not invented.
			expect(pi.targets).toEqual([]);
			if (row?.value === null || row === undefined) {
				expect(pi.baseline, pi.indicatorCode).toBeNull();
				expect(created.missing).toContain(pi.indicatorCode);
				continue;
			}
			const value = roundTo(row.value, row.decimals);
			expect(pi.baseline, pi.indicatorCode).toMatchObject({ year: 2025, value, printed: value.toFixed(row.decimals), source: "platform" });
			const b = pi.baseline as unknown as { coverage: { reported: number; expected: number; rate: number }; asOf: string };
			expect(b.coverage.reported).toBe(row.coverage.reported);
			expect(b.coverage.expected).toBe(row.coverage.expected);
			expect(b.asOf).toBe(actual2025.asOf);
		}
		expect(created.fromPlatform + created.missing.length).toBe(source.indicators.length);
		// The demo reports every 专栏1 figure for 2025 at division level.
		expect(created.fromPlatform).toBeGreaterThanOrEqual(18);
	});

	it("is stored, with the provenance shown by GET /api/indicators", async () => {
		const r = await admin.call("GET", `/api/indicators?plan=${body.id}`);
		expect(r.status).toBe(200);
		const gp = r.body.find((m: { code: string }) => m.code === "GPS_PER_10000");
		expect(gp.baseline.source).toBe("platform");
		expect(gp.baseline.coverage.rate).toBeGreaterThan(0);
		const audit = await admin.call("GET", "/api/admin/audit");
		expect(audit.body.events.some((e: { action: string; target: string; detail: { copyFrom?: string } }) => e.action === "plan.create" && e.target === body.id && e.detail.copyFrom === "tmg-14th")).toBe(true);
	});

	it("keeps each baseline's provenance when targets are then entered in the editor, and records a hand edit as manual", async () => {
		const indicators = created.plan.indicators.map((pi) => ({
			...pi,
			targets: [{ year: 2030, printed: "待定", target: { kind: "maintain" } }],
			...(pi.indicatorCode === "LIFE_EXP" ? { baseline: { year: 2025, value: 81, printed: "81", source: "manual" } } : {}),
		}));
		const put = await admin.call("PUT", `/api/admin/plans/${body.id}`, { body: { ...body, id: undefined, copyFrom: undefined, startYear: 2026, endYear: 2030, targetYear: 2030, indicators } });
		expect(put.status, JSON.stringify(put.body)).toBe(200);
		const r = await admin.call("GET", `/api/indicators?plan=${body.id}`);
		const byCode = (c: string) => r.body.find((m: { code: string }) => m.code === c);
		expect(byCode("LIFE_EXP").baseline).toEqual({ year: 2025, value: 81, printed: "81", source: "manual" });
		expect(byCode("GPS_PER_10000").baseline.source).toBe("platform");
		expect(byCode("GPS_PER_10000").targets).toHaveLength(1);
	});

	it("can be evaluated at once: no targets yet, baselines marked as the platform's", async () => {
		const r = await admin.call("GET", `/api/plans/${body.id}/evaluation?year=2026&orgUnit=div`);
		expect(r.status).toBe(200);
		const rows = r.body.groups.flatMap((g: { rows: unknown[] }) => g.rows);
		expect(rows).toHaveLength(source.indicators.length);
		expect(r.body.kind).toBe("mid-term");
		expect(r.body.paragraphs.data.zh).toContain("项指标的基期值取自平台2025年汇总数据");
	});

	it("refuses a taken id, an unknown source, a future base year and non-admins", async () => {
		expect((await admin.call("POST", "/api/admin/plans", { body })).status).toBe(409);
		const unknown = await admin.call("POST", "/api/admin/plans", { body: { ...body, id: "x-plan", copyFrom: "no-such-plan" } });
		expect(unknown.status).toBe(400);
		expect(unknown.body.error.fields.copyFrom).toBeTruthy();
		const future = await admin.call("POST", "/api/admin/plans", { body: { ...body, id: "y-plan", baseYear: 2099 } });
		expect(future.status).toBe(400);
		expect(future.body.error.fields.baseYear).toBeTruthy();
		const extra = await admin.call("POST", "/api/admin/plans", { body: { ...body, id: "z-plan", indicators: [] } });
		expect(extra.status).toBe(400);
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		expect((await leader.call("POST", "/api/admin/plans", { body: { ...body, id: "w-plan" } })).status).toBe(403);
	});
});
