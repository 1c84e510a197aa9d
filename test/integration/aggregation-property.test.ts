// Property: after ANY sequence of save, submit, edit, return, approve and reopen across units and months,
// the stored aggregates equal a recomputation from the raw submissions (verify-aggregates is ok).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../functions/commons/errors";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, currentMonth } from "../../functions/core/periods";
import type { Principal, ValueMap } from "../../functions/core/types";
import { type Harness, startHarness } from "../support/harness";

// A clock early in the month, so this month and last month are both open for reporting.
const real = new Date();
const month = currentMonth(real);
const fixedNow = new Date(`${month}-05T02:00:00Z`);
const months = [addMonths(month, -1), month];
const units = ["t33", "t34", "t31", "t21", "h-korla"];
const template = addMonths(month, -6);
const demo = generateDemoSubmissions({ from: template, to: month });
const base = (unitId: string): ValueMap => ({ ...(demo.find((d) => d.unitId === unitId && d.period === template)?.values ?? {}) });

const reporterOf = (unitId: string): Principal => ({ sub: `reporter-${unitId}`, roles: ["reporter"], orgScope: unitId });
const admin: Principal = { sub: "admin", roles: ["admin"], orgScope: "div" };

type Op =
	| { kind: "save" | "submit"; unit: string; period: string; beds: number; births: number; pop: number; psych: number | null }
	| { kind: "approve" | "return" | "reopen"; unit: string; period: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
	fc.record({
		kind: fc.constantFrom("save" as const, "submit" as const, "submit" as const),
		unit: fc.constantFrom(...units),
		period: fc.constantFrom(...months),
		beds: fc.integer({ min: 0, max: 900 }),
		births: fc.integer({ min: 0, max: 150 }),
		pop: fc.integer({ min: 1000, max: 60000 }),
		psych: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
	}),
	fc.record({ kind: fc.constantFrom("approve" as const, "return" as const, "reopen" as const), unit: fc.constantFrom(...units), period: fc.constantFrom(...months) }),
);

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
	h.app.now = () => fixedNow;
});
afterAll(async () => h?.stop());

describe("aggregates under random workflows", () => {
	it("always equal a recomputation from the raw submissions", async () => {
		const submissions = createSubmissionService(h.app);
		const analytics = createAnalyticsService(h.app);
		let applied = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 18 }), async (ops) => {
				for (const op of ops) {
					try {
						if (op.kind === "save" || op.kind === "submit") {
							const values = base(op.unit);
							// Only elements on this unit's form; beds and population are stocks, births a flow.
							if ("BEDS" in values) values.BEDS = op.beds;
							if ("LIVE_BIRTHS" in values) {
								values.LIVE_BIRTHS = op.births;
								values.INFANT_DEATHS = Math.min(values.INFANT_DEATHS ?? 0, op.births);
								values.U5_DEATHS = Math.max(values.U5_DEATHS ?? 0, values.INFANT_DEATHS ?? 0);
							}
							if ("POPULATION" in values) values.POPULATION = Math.max(op.pop, values.ELDERLY_POP ?? 0);
							if ("PSYCHIATRISTS" in values) values.PSYCHIATRISTS = op.psych;
							await submissions.put({ principal: reporterOf(op.unit), unitId: op.unit, period: op.period, body: { values, action: op.kind, comment: "自动测试" } });
						} else if (op.kind === "reopen") {
							await submissions.reopen(admin, op.unit, op.period, "属性测试");
						} else {
							await submissions.review(admin, op.unit, op.period, op.kind, { comment: "属性测试" });
						}
						applied++;
					} catch (e) {
						// Refused transitions (approve a draft, edit an approved form) are part of the property:
						// they must leave no trace. Anything else is a bug.
						if (!(e instanceof AppError) || !["conflict", "not-found", "unprocessable"].includes(e.kind)) throw e;
					}
				}
				const v = await analytics.verifyAggregates({ years: [...new Set(months.map((m) => m.slice(0, 4)))] });
				expect(v.mismatches).toEqual([]);
				expect(v.ok).toBe(true);
			}),
			{ numRuns: 12, seed: 20251124 },
		);
		expect(applied).toBeGreaterThan(50);
	}, 240_000);
});
