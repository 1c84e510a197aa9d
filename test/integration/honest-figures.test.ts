// Honest figures on DynamoDB Local through the real write path: a unit whose population is missing this month
// contributes its carried value (exactly, and verify-aggregates agrees); a unit silent for longer than the
// carry-forward window is no longer carried, so the per-1,000 ratio is withheld instead of computed over
// mismatched units; a reporter's own dashboard is never judged alone against division targets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { formElements, reportingUnitsUnder } from "../../functions/core/catalog-index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, currentMonth, monthRange } from "../../functions/core/periods";
import type { Principal, ValueMap } from "../../functions/core/types";
import { type Harness, startHarness } from "../support/harness";

const M = currentMonth(new Date());
const months = monthRange(addMonths(M, -4), M);
const template = addMonths(M, -6);
// Generated past the template month, so the template is clear of the generator's "recent, partly missing" months.
const demo = generateDemoSubmissions({ from: template, to: addMonths(template, 3) });

/** The unit's values in month k of the test: the template form, with beds and population moving month by month. */
const valuesOf = (unitId: string, k: number): ValueMap => {
	const v: ValueMap = { ...(demo.find((d) => d.unitId === unitId && d.period === template)?.values ?? {}) };
	if (typeof v.POPULATION === "number") v.POPULATION += 10 * k;
	if (typeof v.ELDERLY_POP === "number") v.ELDERLY_POP = Math.min(v.ELDERLY_POP, v.POPULATION ?? v.ELDERLY_POP);
	if (typeof v.BEDS === "number") v.BEDS += k;
	return v;
};

// t33 skips the current month only; t34 reports the first month and then falls silent for four months.
const skips = (unitId: string, month: string): boolean => (unitId === "t33" && month === M) || (unitId === "t34" && month !== months[0]);

let h: Harness;
let unitIds: string[] = [];
const submitted = new Map<string, ValueMap>();
beforeAll(async () => {
	h = await startHarness();
	const idx = await h.app.catalog();
	unitIds = reportingUnitsUnder(idx, idx.divisionId)
		.filter((u) => formElements(idx.elementByCode.values(), u.type, "monthly").length > 0)
		.map((u) => u.id);
	const submissions = createSubmissionService(h.app);
	for (const [k, month] of months.entries()) {
		// Each month is written while it is the current month, so it is open to its reporters.
		h.app.now = () => new Date(`${month}-25T02:00:00Z`);
		await Promise.all(
			unitIds
				.filter((u) => !skips(u, month))
				.map(async (unitId) => {
					const values = valuesOf(unitId, k);
					const principal: Principal = { sub: `reporter-${unitId}`, roles: ["reporter"], orgScope: unitId };
					await submissions.put({ principal, unitId, period: month, body: { values, action: "submit", comment: "测试" } });
					submitted.set(`${unitId}|${month}`, values);
				}),
		);
	}
	h.app.now = () => new Date(`${M}-26T02:00:00Z`);
}, 300_000);
afterAll(async () => h?.stop());

/** Σ over units of the value each contributes in `month`: its own report, or its latest within 3 months. */
const carriedSum = (code: string, month: string): { sum: number; fresh: number; carried: number } => {
	let sum = 0;
	let fresh = 0;
	let carried = 0;
	for (const u of unitIds) {
		for (let k = 0; k <= 3; k++) {
			const v = submitted.get(`${u}|${addMonths(month, -k)}`)?.[code];
			if (typeof v === "number") {
				sum += v;
				if (k === 0) fresh++;
				else carried++;
				break;
			}
			if (submitted.has(`${u}|${addMonths(month, -k)}`)) break;
		}
	}
	return { sum, fresh, carried };
};

describe("carry-forward of stocks", () => {
	it("keeps the per-1,000 ratios at the carried-forward arithmetic, exactly, for the month before", async () => {
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		const prev = addMonths(M, -1);
		const r = await leader.call("GET", `/api/progress?plan=tmg-14th&period=${prev}&orgUnit=div`);
		expect(r.status).toBe(200);
		const beds = r.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === "BEDS_PER_1000");
		const b = carriedSum("BEDS", prev);
		const p = carriedSum("POPULATION", prev);
		// t34 last reported three months before: still carried.
		expect(p.carried).toBe(1);
		expect(beds.numerator).toBe(b.sum);
		expect(beds.denominator).toBe(p.sum);
		expect(beds.value).toBeCloseTo((b.sum / p.sum) * 1000, 9);
		expect(beds.provisional).toBe(false);
		const pop = beds.coverage.elements.find((e: { code: string }) => e.code === "POPULATION");
		expect(pop).toMatchObject({ fresh: p.fresh, carried: 1 });
	});

	it("stops carrying a unit after N months: the ratio is withheld, not computed over mismatched units", async () => {
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		const r = await leader.call("GET", `/api/progress?plan=tmg-14th&period=${M}&orgUnit=div`);
		const beds = r.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === "BEDS_PER_1000");
		const p = carriedSum("POPULATION", M);
		// t33 is carried from last month; t34's report is four months old and is not.
		expect(p.carried).toBe(1);
		const pop = beds.coverage.elements.find((e: { code: string }) => e.code === "POPULATION");
		expect(pop.fresh + pop.carried).toBe(pop.expected - 1);
		expect(pop.carried).toBe(1);
		expect(beds.value).toBeNull();
		expect(beds.provisional).toBe(true);
		expect(beds.provisionalReason).toBe("mismatched");
		expect(beds.status).toBe("provisional");
	});

	it("verify-aggregates recomputes the same carried figures", async () => {
		const analytics = createAnalyticsService(h.app);
		const v = await analytics.verifyAggregates({ years: [...new Set(months.map((m) => m.slice(0, 4)))] });
		expect(v.mismatches).toEqual([]);
		expect(v.ok).toBe(true);
		expect(v.checked).toBeGreaterThan(100);
	});

	it("a late report replaces the carried value and the figures follow in the same write", async () => {
		const submissions = createSubmissionService(h.app);
		const values = valuesOf("t33", months.length - 1);
		values.POPULATION = (values.POPULATION as number) + 500;
		await submissions.put({ principal: { sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" }, unitId: "t33", period: M, body: { values, action: "submit", comment: "补报" } });
		submitted.set(`t33|${M}`, values);
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		const r = await leader.call("GET", `/api/progress?plan=tmg-14th&period=${M}&orgUnit=div`);
		const beds = r.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === "BEDS_PER_1000");
		const pop = beds.coverage.elements.find((e: { code: string }) => e.code === "POPULATION");
		expect(pop.carried).toBe(0);
		const v = await createAnalyticsService(h.app).verifyAggregates({ years: [...new Set(months.map((m) => m.slice(0, 4)))] });
		expect(v.ok).toBe(true);
	});
});

describe("a reporter's own dashboard", () => {
	it("shows the unit's value for reference beside the division's status, never a status of its own", async () => {
		const reporter = await h.as({ sub: "reporter-t31", roles: ["reporter"], orgScope: "t31" });
		const prev = addMonths(M, -1);
		const own = await reporter.call("GET", `/api/progress?plan=tmg-14th&period=${prev}&orgUnit=t31`);
		expect(own.status).toBe(200);
		expect(own.body.judged).toBe(false);
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		const div = await leader.call("GET", `/api/progress?plan=tmg-14th&period=${prev}&orgUnit=div`);
		for (const row of own.body.rows) {
			const d = div.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === row.indicatorCode);
			expect(row.status).toBe(d.status);
			expect(row.context).toEqual({ orgUnit: "div", value: d.value, provisional: d.provisional });
		}
		const beds = own.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === "BEDS_PER_1000");
		const v = submitted.get(`t31|${prev}`) as ValueMap;
		expect(beds.value).toBeCloseTo(((v.BEDS as number) / (v.POPULATION as number)) * 1000, 9);
	});
});
