// The honest-figures rules on hand-made inputs: carried stocks count towards coverage, rates over mismatched
// unit sets are withheld, thin coverage is provisional, and small numbers do not claim a status.
import { describe, expect, it } from "vitest";
import {
	carriedAt,
	carryDeltas,
	emptyUnitStockYear,
	historyOf,
	readAgg,
	readCarried,
	recomputeAggregates,
	type SubmissionState,
} from "../../functions/core/aggregation";
import { computeFigure, type ElementFigure, intervalMethodOf, judge } from "../../functions/core/figures";
import type { DataElement, Indicator, OrgUnit } from "../../functions/core/types";

const el = (code: string, overTime: DataElement["overTime"], reportedBy: DataElement["reportedBy"], extra: Partial<DataElement> = {}): DataElement => ({
	code,
	name: { zh: code, en: code },
	valueType: "integer",
	uom: { zh: "", en: "" },
	min: 0,
	max: 1e9,
	frequency: "monthly",
	reportedBy,
	acrossUnits: "sum",
	overTime,
	section: "s",
	requiredToSubmit: true,
	...extra,
});

const elements = new Map(
	[
		el("BEDS", "stock", ["division-hospital", "regiment-hospital"]),
		el("POPULATION", "stock", ["regiment-hospital"]),
		el("LIVE_BIRTHS", "flow", ["regiment-hospital"]),
		el("INFANT_DEATHS", "flow", ["regiment-hospital"]),
		el("DOSES_DUE", "flow", ["regiment-hospital"]),
		el("DOSES_GIVEN", "flow", ["regiment-hospital"]),
		el("STAFF", "stock", ["regiment-hospital"], { carryForwardMonths: 1 }),
	].map((e) => [e.code, e]),
);
const ind = (numerator: string, denominator: string, factor: number): Indicator => ({
	code: "X",
	name: { zh: "x", en: "x" },
	uom: { zh: "", en: "" },
	group: "health-status",
	numerator,
	denominator,
	factor,
	decimals: 2,
});
const BEDS_PER_1000 = ind("#{BEDS}", "#{POPULATION}", 1000);
const IMR = ind("#{INFANT_DEATHS}", "#{LIVE_BIRTHS}", 1000);
const COVERAGE = ind("#{DOSES_GIVEN}", "#{DOSES_DUE}", 100);

const hospitals = ["h1", "h2"];
const regiments = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"];
const expectedOf = (code: string) => (code === "BEDS" ? [...hospitals, ...regiments] : regiments);
const figure = (indicator: Indicator, values: Record<string, ElementFigure | null>) =>
	computeFigure({ indicator, elements, valueOf: (c) => values[c] ?? null, expectedOf, threshold: 0.9 });

describe("computeFigure", () => {
	it("counts carried stocks as covered and says how many were carried", () => {
		const f = figure(BEDS_PER_1000, { BEDS: { sum: 1800, count: 10, carried: 2 }, POPULATION: { sum: 240_000, count: 7, carried: 3 } });
		expect(f.value).toBeCloseTo(7.5, 9);
		expect(f.provisional).toBe(false);
		expect(f.coverage.rate).toBe(1);
		expect(f.coverage.elements).toEqual([
			{ code: "BEDS", fresh: 10, carried: 2, expected: 12 },
			{ code: "POPULATION", fresh: 7, carried: 3, expected: 10 },
		]);
	});

	it("withholds a rate whose two sides come from different units when one side is incomplete", () => {
		// 6 of 10 population reports: the old behaviour divided 12 units' beds by 6 units' people.
		const f = figure(BEDS_PER_1000, { BEDS: { sum: 1800, count: 12, carried: 0 }, POPULATION: { sum: 150_000, count: 6, carried: 0 } });
		expect(f.value).toBeNull();
		expect(f.numerator).toBeNull();
		expect(f.provisional).toBe(true);
		expect(f.provisionalReason).toBe("mismatched");
		expect(f.coverage).toMatchObject({ reported: 6, expected: 10, rate: 0.6 });
	});

	it("computes a same-set rate over the units that reported, and marks it provisional below 90%", () => {
		const thin = figure(IMR, { INFANT_DEATHS: { sum: 2, count: 8, carried: 0 }, LIVE_BIRTHS: { sum: 1500, count: 8, carried: 0 } });
		expect(thin.value).toBeCloseTo((2 / 1500) * 1000, 9);
		expect(thin.provisional).toBe(true);
		expect(thin.provisionalReason).toBe("coverage");
		const full = figure(IMR, { INFANT_DEATHS: { sum: 2, count: 9, carried: 0 }, LIVE_BIRTHS: { sum: 1500, count: 9, carried: 0 } });
		expect(full.provisional).toBe(false);
	});

	it("gives event rates a Poisson interval, proportions a Wilson one, census ratios none", () => {
		expect(intervalMethodOf(IMR, elements)).toBe("poisson");
		expect(intervalMethodOf(COVERAGE, elements)).toBe("wilson");
		expect(intervalMethodOf(BEDS_PER_1000, elements)).toBeNull();
		const f = figure(IMR, { INFANT_DEATHS: { sum: 3, count: 10, carried: 0 }, LIVE_BIRTHS: { sum: 1960, count: 10, carried: 0 } });
		expect(f.interval).toMatchObject({ method: "poisson", events: 3 });
	});
});

describe("judge", () => {
	const interval = { method: "poisson" as const, low: 0.32, high: 4.47, events: 3, level: 0.95 as const };
	it("claims no status for a provisional figure", () => {
		expect(judge({ provisional: true }, "achieved", 5)).toEqual({ status: "provisional" });
		expect(judge({ provisional: true }, "off-track", 5)).toEqual({ status: "provisional" });
	});
	it("is uncertain when the interval contains the target, cautious under 20 events otherwise", () => {
		expect(judge({ provisional: false, interval }, "achieved", 4)).toEqual({ status: "uncertain", caution: "interval-contains-target" });
		expect(judge({ provisional: false, interval }, "achieved", 5)).toEqual({ status: "achieved", caution: "few-events" });
		expect(judge({ provisional: false, interval: { ...interval, method: "wilson", low: 96.1, high: 100, events: 95 } }, "achieved", 100)).toEqual({ status: "achieved" });
		expect(judge({ provisional: false, interval: { ...interval, events: 40 } }, "achieved", 5)).toEqual({ status: "achieved" });
		expect(judge({ provisional: false }, "no-data", 5)).toEqual({ status: "no-data" });
	});
});

describe("carry-forward in the aggregates", () => {
	const units = new Map<string, OrgUnit>([
		["div", { id: "div", level: "division", parentId: null, name: { zh: "师", en: "div" }, order: 0 }],
		["r1", { id: "r1", level: "unit", parentId: "div", type: "regiment-hospital", name: { zh: "r1", en: "r1" }, order: 1 }],
		["r2", { id: "r2", level: "unit", parentId: "div", type: "regiment-hospital", name: { zh: "r2", en: "r2" }, order: 2 }],
	]);
	const ctx = { elements, units };
	const sub = (unitId: string, period: string, pop: number | null, staff: number | null = null): SubmissionState => ({ unitId, period, status: "submitted", values: { POPULATION: pop, STAFF: staff } });

	it("carries a unit's latest stock into months it has not reported, for at most N months", () => {
		const months = { "2026-01": 100, "2026-02": 120 };
		expect(carriedAt(months, "2026-02", 3)).toBeNull(); // fresh
		expect(carriedAt(months, "2026-03", 3)).toBe(120);
		expect(carriedAt(months, "2026-05", 3)).toBe(120);
		expect(carriedAt(months, "2026-06", 3)).toBeNull(); // 4 months old
	});

	it("recomputes fresh and carried sums apart, per element window", () => {
		const d = recomputeAggregates([sub("r1", "2026-01", 1000, 50), sub("r2", "2026-01", 2000, 60), sub("r2", "2026-02", 2100, 61)], ctx);
		const feb = Object.fromEntries(d.get("div|M#2026-02") ? Object.entries(d.get("div|M#2026-02") as Record<string, number>) : []);
		expect(readAgg(feb, "POPULATION", "all")).toEqual({ sum: 2100, count: 1 });
		expect(readCarried(feb, "POPULATION", "all")).toEqual({ sum: 1000, count: 1 });
		expect(readCarried(feb, "STAFF", "all")).toEqual({ sum: 50, count: 1 });
		const apr = d.get("div|M#2026-04") as Record<string, number>;
		expect(readCarried(apr, "POPULATION", "all")).toEqual({ sum: 3100, count: 2 }); // r1 from Jan (3 months), r2 from Feb
		expect(readCarried(apr, "STAFF", "all")).toBeNull(); // STAFF carries 1 month only
		const may = d.get("div|M#2026-05") as Record<string, number>;
		expect(readCarried(may, "POPULATION", "all")).toEqual({ sum: 2100, count: 1 }); // r1's January is 4 months old
	});

	it("carryDeltas over a write's window equal the difference of two recomputations", () => {
		const before = [sub("r1", "2025-11", 900), sub("r1", "2026-01", 1000)];
		const after = [sub("r1", "2025-11", 900), sub("r1", "2026-01", 1000), sub("r1", "2025-12", 950)];
		const hist = (subs: SubmissionState[]) => {
			const years = new Map<string, ReturnType<typeof emptyUnitStockYear>>();
			for (const s of subs) {
				const y = s.period.slice(0, 4);
				const sy = years.get(y) ?? emptyUnitStockYear();
				sy.all.POPULATION = { ...(sy.all.POPULATION ?? {}), [s.period.slice(5)]: s.values.POPULATION as number };
				years.set(y, sy);
			}
			return historyOf(years);
		};
		const d = carryDeltas("r1", hist(before), hist(after), ["2025-12", "2026-01", "2026-02", "2026-03"], ctx);
		// December is now fresh (no longer carried 900); Feb–Mar still carry January's 1000.
		expect(d.get("div|M#2025-12")).toEqual({ cs_POPULATION: -900, cn_POPULATION: -1 });
		expect(d.get("div|M#2026-02")).toBeUndefined();
	});
});
