// The pure checks behind admin-edited metadata: formulas (with the position of the error), parent cycles,
// bounds, aggregation guards, retired elements on new plans, required-from on forms, and catalog diffs.
import { describe, expect, it } from "vitest";
import { type Catalog, formElements } from "../../functions/core/catalog-index";
import { codeCatalog } from "../../functions/core/catalog/index";
import {
	aggregationChanges,
	checkCatalogDocument,
	checkElement,
	checkFormula,
	checkIndicator,
	checkRule,
	diffCatalog,
	elementUsage,
	planRetiredRefs,
} from "../../functions/core/metadata-rules";
import type { DataElement, Indicator } from "../../functions/core/types";

const base: Catalog = codeCatalog();
const el = (code: string, over: Partial<DataElement> = {}): DataElement => ({
	code,
	name: { zh: code, en: code },
	valueType: "integer",
	uom: { zh: "人", en: "people" },
	min: 0,
	max: 100,
	frequency: "monthly",
	reportedBy: ["regiment-hospital"],
	acrossUnits: "sum",
	overTime: "flow",
	section: base.sections[0]?.id ?? "x",
	requiredToSubmit: false,
	...over,
});
const ind = (code: string, over: Partial<Indicator> = {}): Indicator => ({
	code,
	name: { zh: code, en: code },
	uom: { zh: "%", en: "%" },
	group: "health-services",
	numerator: "#{LIVE_BIRTHS}",
	denominator: "1",
	factor: 100,
	decimals: 1,
	...over,
});

describe("formulas", () => {
	const elements = new Map([
		["A", { code: "A" }],
		["OLD", { code: "OLD", retired: true }],
	]);
	it("accepts known elements", () => {
		expect(checkFormula("numerator", "#{A} * 2", elements)).toBeNull();
	});
	it("points at an unknown element", () => {
		expect(checkFormula("numerator", "#{A} + #{B}", elements)).toMatchObject({ field: "numerator", position: 7 });
	});
	it("points at a syntax error", () => {
		expect(checkFormula("denominator", "#{A} +", elements)).toMatchObject({ field: "denominator", position: 6 });
	});
	it("refuses a retired element unless the formula already had it", () => {
		expect(checkFormula("left", "#{OLD}", elements)?.message).toMatch(/retired/);
		expect(checkFormula("left", "#{OLD}", elements, { allowRetired: new Set(["OLD"]) })).toBeNull();
	});
});

describe("elements", () => {
	it("every element of the code catalog passes", () => {
		for (const e of base.elements) expect(checkElement(e, base), e.code).toEqual({});
	});
	it("refuses min > max, a yearly frequency with monthly aggregation, carry-forward on a flow, and an unknown section", () => {
		expect(Object.keys(checkElement(el("X", { min: 5, max: 1 }), base))).toEqual(["min"]);
		expect(Object.keys(checkElement(el("X", { frequency: "yearly" }), base))).toEqual(["overTime"]);
		expect(Object.keys(checkElement(el("X", { carryForwardMonths: 2 }), base))).toEqual(["carryForwardMonths"]);
		expect(Object.keys(checkElement(el("X", { section: "nope" }), base))).toEqual(["section"]);
	});
	it("names the aggregation changes that need a rebuild", () => {
		expect(aggregationChanges(el("X"), el("X", { name: { zh: "新", en: "new" }, max: 5 }))).toEqual([]);
		expect(aggregationChanges(el("X"), el("X", { overTime: "stock", acrossUnits: "none" }))).toEqual(["overTime", "acrossUnits", "carryForwardMonths"]);
		// A stock's carry-forward defaults to 3 months: setting 3 explicitly changes nothing.
		expect(aggregationChanges(el("X", { overTime: "stock" }), el("X", { overTime: "stock", carryForwardMonths: 3 }))).toEqual([]);
		expect(aggregationChanges(el("X", { overTime: "stock" }), el("X", { overTime: "stock", carryForwardMonths: 0 }))).toEqual(["carryForwardMonths"]);
	});
	it("finds the indicators and rules that use an element", () => {
		const u = elementUsage("INFANT_DEATHS", base);
		expect(u.indicators).toContain("IMR");
		expect(u.rules).toContain("u5-deaths-include-infant-deaths");
	});
});

describe("indicators and rules", () => {
	const c = { elements: base.elements, indicators: [...base.indicators, ind("P1"), ind("P2", { parentCode: "P1" })] };
	it("refuses a parent cycle and an unknown parent", () => {
		expect(checkIndicator(ind("P1", { parentCode: "P2" }), c, c.indicators[c.indicators.length - 2]).fields.parentCode).toMatch(/cycle/);
		expect(checkIndicator(ind("P3", { parentCode: "NONE" }), c, undefined).fields.parentCode).toMatch(/unknown/);
		expect(checkIndicator(ind("P3", { parentCode: "P2" }), c, undefined).fields).toEqual({});
	});
	it("refuses a rule whose sides are the same formula", () => {
		const r = { id: "r", left: "#{LIVE_BIRTHS}", op: "<=" as const, right: " #{LIVE_BIRTHS} ", severity: "error" as const, message: { zh: "x", en: "x" } };
		expect(checkRule(r, base, undefined).fields.right).toMatch(/same/);
	});
});

describe("plans, forms and catalog documents", () => {
	it("refuses a retired element on a new plan row, not on a row the plan already had", () => {
		const catalog = { elements: base.elements.map((e) => (e.code === "LIVE_BIRTHS" ? { ...e, retired: true } : e)), indicators: base.indicators };
		const plan = base.plans[0];
		if (!plan) throw new Error("no plan");
		const withImr = { indicators: plan.indicators.filter((pi) => pi.indicatorCode === "IMR") };
		expect(Object.keys(planRetiredRefs(withImr, undefined, catalog))).toEqual(["indicators.0.indicatorCode"]);
		expect(planRetiredRefs(withImr, plan, catalog)).toEqual({});
	});
	it("a required element added mid-year is optional on earlier periods and hidden once retired", () => {
		const added = el("NEW_REQ", { requiredToSubmit: true, requiredFrom: "2026-07" });
		expect(formElements([added], "regiment-hospital", "monthly", "2026-06")[0]?.requiredToSubmit).toBe(false);
		expect(formElements([added], "regiment-hospital", "monthly", "2026-07")[0]?.requiredToSubmit).toBe(true);
		expect(formElements([{ ...added, retired: true }], "regiment-hospital", "monthly", "2026-07")).toEqual([]);
	});
	it("the code catalog is a consistent document, and diffs list creates and updates by field", () => {
		expect(checkCatalogDocument(base)).toEqual({});
		const next = { ...base, elements: [...base.elements.map((e) => (e.code === "BEDS" ? { ...e, max: 1 } : e)), el("NEW_ONE")] };
		expect(diffCatalog(base, next)).toEqual([
			{ kind: "element", key: "BEDS", change: "update", fields: ["max"] },
			{ kind: "element", key: "NEW_ONE", change: "create" },
		]);
		expect(diffCatalog(base, base)).toEqual([]);
		const broken = { ...base, indicators: [...base.indicators, ind("BROKEN", { numerator: "#{NOPE}" })] };
		expect(Object.keys(checkCatalogDocument(broken))).toEqual([`indicators.${base.indicators.length}.numerator`]);
	});
});
