// The rolling item against DynamoDB Local: the outlier and jump warnings a write gets from it are the ones the
// 12-month Query gave (gaps, nulls, spikes, edits of past months), it stays exactly the item its submissions make
// under concurrent writes, a unit written before rolling items (no item) falls back to the Query and gets one, and
// the summary's data-quality flags are the same from the items as from the per-unit Queries.
import { DeleteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../functions/commons/app";
import { keys } from "../../functions/commons/keys";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { formElements } from "../../functions/core/catalog-index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, isMonth, monthRange, previousMonths } from "../../functions/core/periods";
import { encodeRolling, rollingOf } from "../../functions/core/rolling";
import type { Principal, ValidationIssue, ValueMap } from "../../functions/core/types";
import { validateSubmission } from "../../functions/core/validation";
import { createSummaryService } from "../../functions/summary/service";
import { seedDemo } from "../../scripts/lib/seed";
import { type Harness, startHarness } from "../support/harness";

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => h?.stop());

/** The harness table through a client that records each Query's partition, and a clock the test moves. */
const instrumented = (at: { now: Date }, base: Harness = h) => {
	const queries: string[] = [];
	const doc = new Proxy(base.app.doc, {
		get(target, prop, receiver) {
			if (prop !== "send") return Reflect.get(target, prop, receiver);
			return (command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => {
				if (command.constructor.name === "QueryCommand") {
					const values = (command.input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
					queries.push(String(values[":pk"] ?? ""));
				}
				return (target.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
			};
		},
	}) as DynamoDBDocumentClient;
	return { app: createApp(doc, base.table, { now: () => at.now }), queries };
};

/** A day early in the month after `period`: before its deadline, so the write is neither late nor locked. */
const dayAfter = (period: string) => new Date(`${addMonths(period, 1)}-03T02:00:00Z`);

const reporter = (unitId: string): Principal => ({ sub: `reporter-${unitId}`, roles: ["reporter"], orgScope: unitId }) as Principal;

/** The issues the write path gave before rolling items: the 12 previous months from a Query, any status. */
const issuesFromQuery = async (app: App, unitId: string, period: string, values: ValueMap, action: "save" | "submit"): Promise<ValidationIssue[]> => {
	const idx = await app.catalog();
	const unit = idx.unitById.get(unitId);
	const elements = formElements(idx.elementByCode.values(), unit?.type as never, "monthly", period);
	const months = previousMonths(period, 12);
	const subs = (await app.submissions(idx).listForUnit(unitId, months[0] as string, months[11] as string)).filter((s) => isMonth(s.period));
	const byPeriod = new Map(subs.map((s) => [s.period, s.values]));
	const history: Record<string, number[]> = {};
	for (const el of elements) {
		const series = months.map((m) => byPeriod.get(m)?.[el.code]).filter((v): v is number => typeof v === "number");
		if (series.length > 0) history[el.code] = series;
	}
	const full: ValueMap = {};
	for (const el of elements) full[el.code] = null;
	Object.assign(full, values);
	return validateSubmission({ elements, rules: idx.catalog.rules, values: full, action, history, previous: byPeriod.get(months[11] as string) });
};

const storedRolling = async (app: App, unitId: string) => encodeRolling((await app.submissions(await app.catalog()).getRolling(unitId)).roll);
const expectedRolling = async (app: App, unitId: string) => encodeRolling(rollingOf(await app.submissions(await app.catalog()).listForUnit(unitId, "0000-01", "9999-12")));

describe("rolling item on the write path", () => {
	it("gives every write the warnings the 12-month Query gave, through gaps, nulls, spikes and edits of past months", async () => {
		const unitId = "t33";
		const at = { now: new Date() };
		const { app, queries } = instrumented(at);
		const svc = createSubmissionService(app);
		const demo = new Map(generateDemoSubmissions({ from: "2023-01", to: "2025-02" }).filter((d) => d.unitId === unitId).map((d) => [d.period, d.values]));
		const gaps = new Set(["2023-05", "2024-02", "2024-07", "2024-08"]);
		const valuesFor = (period: string, tweak?: (v: ValueMap) => void): ValueMap => {
			const v = { ...(demo.get(period) as ValueMap) };
			if (period === "2024-04") v.DISCHARGES = null;
			if (period === "2024-10") v.OUTPATIENT_VISITS = Number(v.OUTPATIENT_VISITS) * 10;
			tweak?.(v);
			return v;
		};
		const plan: { period: string; values: ValueMap; action: "save" | "submit" }[] = [];
		for (const period of monthRange("2023-01", "2025-02")) {
			if (gaps.has(period)) continue;
			plan.push({ period, values: valuesFor(period), action: period.endsWith("-06") || period === "2024-04" ? "save" : "submit" });
		}
		// Corrections after later months exist: the month just before the latest (the rolling item answers), and
		// older ones (the Query answers); then new months, whose history must include the corrected values.
		plan.splice(plan.findIndex((p) => p.period === "2024-12") + 1, 0, { period: "2024-11", values: valuesFor("2024-11", (v) => (v.OUTPATIENT_VISITS = 3)), action: "submit" });
		plan.splice(plan.findIndex((p) => p.period === "2025-01"), 0, { period: "2024-09", values: valuesFor("2024-09", (v) => (v.BEDS = Number(v.BEDS) * 4)), action: "submit" });
		plan.push({ period: "2024-10", values: valuesFor("2024-10", (v) => (v.OUTPATIENT_VISITS = Number(demo.get("2024-10")?.OUTPATIENT_VISITS))), action: "submit" });

		let latest = "";
		let fromRolling = 0;
		const warnings = new Set<string>();
		for (const step of plan) {
			at.now = dayAfter(step.period);
			const expected = await issuesFromQuery(app, unitId, step.period, step.values, step.action);
			const firstWrite = latest === "";
			const coveredByRolling = !firstWrite && step.period >= addMonths(latest, -2);
			queries.length = 0;
			const r = await svc.put({ principal: reporter(unitId), unitId, period: step.period, body: { values: step.values, action: step.action, comment: "已核实 (checked)" } });
			expect(r.body.issues, `${step.period}`).toEqual(expected);
			const unitQueries = queries.filter((pk) => pk === keys.submissionPk(unitId)).length;
			if (coveredByRolling) {
				expect(unitQueries, `${step.period}: no Query when the rolling item reaches back`).toBe(0);
				fromRolling++;
			} else expect(unitQueries, `${step.period}: the Query answers`).toBeGreaterThan(0);
			for (const i of expected) if (i.severity === "warning") warnings.add(`${i.code}:${i.field}`);
			if (step.period > latest) latest = step.period;
		}
		// The data was built to raise both kinds of warning, and most writes were served by the rolling item.
		expect([...warnings].some((w) => w.startsWith("outlier:"))).toBe(true);
		expect([...warnings].some((w) => w.startsWith("jump:"))).toBe(true);
		expect(fromRolling).toBeGreaterThan(plan.length - 6);
		expect(await storedRolling(app, unitId)).toEqual(await expectedRolling(app, unitId));
	}, 120_000);

	it("stays exactly the item its submissions make while writes to many months of a unit race", async () => {
		const unitId = "t34";
		const months = monthRange("2024-01", "2024-12");
		const demo = new Map(generateDemoSubmissions({ from: "2024-01", to: "2024-12" }).filter((d) => d.unitId === unitId).map((d) => [d.period, d.values]));
		const results = await Promise.all(
			[...months, ...months].map(async (period, i) => {
				const { app } = instrumented({ now: dayAfter(period) });
				const values = { ...(demo.get(period) as ValueMap), BEDS: 100 + i };
				return createSubmissionService(app).put({ principal: reporter(unitId), unitId, period, body: { values, action: "save" } });
			}),
		);
		expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
		expect(await storedRolling(h.app, unitId)).toEqual(await expectedRolling(h.app, unitId));
		const verify = await (await import("../../functions/commons/services/analytics")).createAnalyticsService(h.app).verifyAggregates({ years: ["2024"] });
		expect(verify.ok).toBe(true);
	}, 120_000);

	it("a unit written before rolling items falls back to the Query, gets its item on the next write, and can be rebuilt", async () => {
		const unitId = "t33";
		const repo = h.app.submissions(await h.app.catalog());
		const key = keys.unitRolling(unitId);
		const stored = await storedRolling(h.app, unitId);
		await h.app.doc.send(new DeleteCommand({ TableName: h.table, Key: key }));

		const at = { now: dayAfter("2025-02") };
		const { app, queries } = instrumented(at);
		const values = generateDemoSubmissions({ from: "2025-02", to: "2025-02" }).find((d) => d.unitId === unitId)?.values as ValueMap;
		const expected = await issuesFromQuery(app, unitId, "2025-02", values, "save");
		queries.length = 0;
		const r = await createSubmissionService(app).put({ principal: reporter(unitId), unitId, period: "2025-02", body: { values, action: "save" } });
		expect(r.body.issues).toEqual(expected);
		expect(queries.filter((pk) => pk === keys.submissionPk(unitId)).length).toBeGreaterThan(0);
		const rebuiltByWrite = await storedRolling(h.app, unitId);
		expect(rebuiltByWrite).toEqual(await expectedRolling(h.app, unitId));
		// The re-save turned 2025-02 back into a draft: the one change from the item deleted above.
		expect(rebuiltByWrite.h).toEqual(stored.h);
		expect(rebuiltByWrite.q).not.toEqual(stored.q);

		// The migration script's way: rebuilt from the unit's submissions, the same item the write path keeps.
		await h.app.doc.send(new DeleteCommand({ TableName: h.table, Key: key }));
		expect(await repo.rebuildRolling(unitId, new Date().toISOString())).toBe(true);
		expect(await storedRolling(h.app, unitId)).toEqual(rebuiltByWrite);
		// Rebuilding an item that is right changes nothing.
		expect(await repo.rebuildRolling(unitId, new Date().toISOString())).toBe(false);
	}, 60_000);
});

describe("rolling items in the monthly summary", () => {
	it("give the same data-quality flags as the per-unit Queries, with no Query per unit", async () => {
		const s = await startHarness();
		try {
			const month = "2024-12";
			await seedDemo(s.app, { until: month, force: true });
			const at = { now: new Date("2025-01-11T01:00:00Z") };
			const compile = async () => {
				const { app, queries } = instrumented(at, s);
				const svc = createSummaryService(app, { metricSink: () => {}, logger: { info: () => {}, warn: () => {}, error: () => {} } });
				const c = await svc.compileFor({ month, scopeOrg: "div", locale: "zh-CN", dashboardUrl: "http://localhost/", generatedAt: "2025-01-11T01:00:00.000Z" });
				return { model: c.model, unitQueries: queries.filter((pk) => pk.startsWith("SUB#")).length };
			};
			const fromRolling = await compile();
			expect(fromRolling.unitQueries).toBe(0);
			// The same month with no rolling items (data written before them): one Query per unit, the same model.
			const idx = await s.app.catalog();
			const units = [...idx.unitById.values()].filter((u) => u.level === "unit");
			for (const u of units) await s.app.doc.send(new DeleteCommand({ TableName: s.table, Key: keys.unitRolling(u.id) }));
			const fromQueries = await compile();
			expect(fromQueries.unitQueries).toBeGreaterThan(10);
			expect(fromRolling.model.dataQualityFlags).toEqual(fromQueries.model.dataQualityFlags);
			expect(fromRolling.model).toEqual(fromQueries.model);
			// The flags are not trivially empty: the demo has units whose tracer figures stand out.
			expect(fromRolling.model.dataQualityFlags.length).toBeGreaterThan(0);
		} finally {
			await s.stop();
		}
	}, 180_000);
});
