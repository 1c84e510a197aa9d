import { describe, expect, it } from "vitest";
import {
	areaOf,
	catalogVersion,
	childrenOf,
	dataElements,
	elementByCode,
	elementsForUnitType,
	formSections,
	indicatorByCode,
	indicators,
	isWithin,
	orgUnits,
	planById,
	plans,
	reportingUnitsUnder,
	unitById,
	validationRules,
} from "../../functions/core/catalog";
import { parseFormula } from "../../functions/core/formula";
import { targetValue } from "../../functions/core/targets";
import type { PlanIndicator, UnitType } from "../../functions/core/types";

// Transcribed by hand from the seeds, independently of functions/core/catalog/plans.ts.

/** 专栏1: indicator code → [2020 as printed, 2025 as printed, nature as printed]. */
const TMG_TABLE: Array<[string, string | null, string, "预期性" | "约束性"]> = [
	["LIFE_EXP", "79.36", "80.47", "预期性"],
	["HEALTHY_LIFE_EXP", null, "同比例提高", "预期性"],
	["MMR", "18", "≤12", "预期性"],
	["IMR", "1.53", "≤5", "预期性"],
	["U5MR", "3.05", "≤6", "预期性"],
	["NCD_PREMATURE_MORTALITY", null, "≤15", "预期性"],
	["HEALTH_LITERACY_LEVEL", "18.36", "25", "预期性"],
	["SMOKING_PREVALENCE", "22.40", "23.30", "预期性"],
	["BEDS_PER_1000", "7.50", "7.50", "预期性"],
	["PHYSICIANS_PER_1000", "3.65", "3.65", "预期性"],
	["TCM_PHYSICIANS_PER_1000", "0.16", "0.57", "预期性"],
	["NURSES_PER_1000", "4.86", "4.86", "预期性"],
	["PHARMACISTS_PER_1000", "0.35", "0.63", "预期性"],
	["GPS_PER_10000", "1.80", "4.00", "约束性"],
	["PUBLIC_HEALTH_STAFF_PER_1000", "0.52", "0.81", "预期性"],
	["CHILDCARE_PLACES_PER_1000", null, "4.50", "预期性"],
	["MYOPIA_PREVALENCE", "52.62", "每年降低0.5个百分点", "约束性"],
	["ELDERLY_HEALTH_MGMT_RATE", "78", "80", "预期性"],
	["OOP_HEALTH_SPENDING_SHARE", "26", "27", "约束性"],
];

/** 健康兵团建设主要指标: code → [2015, 2020, 2030] as printed. */
const HBT_TABLE: Array<[string, string, string, string]> = [
	["LIFE_EXP", "76.79", ">77", ">79"],
	["IMR", "5.88", "≤5", "≤5"],
	["U5MR", "8.47", "≤7.8", "≤6"],
	["MMR", "7", "≦7", "≦6"],
	["HEALTH_LITERACY_LEVEL", "8", "≧16", "≧30"],
	["REGULAR_EXERCISE", "35", "≧40", "≧41"],
	["NCD_PREMATURE_MORTALITY", "19.1 （2013年）", "比2015年降低 10%", "比2015年降低 30%"],
	["PHYSICIANS_PER_1000", "3.32", "3", "3"],
	["OOP_HEALTH_SPENDING_SHARE", "26.07", "28左右", "20左右"],
	["AIR_QUALITY_GOOD_RATE", "76", ">80", "持续改善"],
	["SURFACE_WATER_GOOD_RATE", "90.5", "91", "持续改善"],
];

const SEED_NAMED_UNITS = [
	"师库尔勒医院",
	"师焉耆医院",
	"铁门关市人民医院",
	"师疾控中心",
	"师焉耆中心血站",
	"33团医院",
	"34团医院",
	"36团医院",
	"37团医院",
	"38团医院",
	"223团医院",
];

const planRows = (planId: string): PlanIndicator[] => planById(planId)?.indicators ?? [];
const rowOf = (planId: string, code: string): PlanIndicator => {
	const r = planRows(planId).find((x) => x.indicatorCode === code);
	if (!r) throw new Error(`${planId} has no ${code}`);
	return r;
};
const unitTypes = new Set(orgUnits.map((u) => u.type).filter((t): t is UnitType => t !== undefined));

describe("org units", () => {
	it("has unique, URL- and username-safe ids", () => {
		// prepare
		const ids = orgUnits.map((u) => u.id);
		// act
		const unique = new Set(ids);
		const bad = ids.filter((id) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id) || id.length > 12);
		// assert
		expect(unique.size).toBe(ids.length);
		expect(bad).toEqual([]);
	});

	it("is one division, the four 垦区 under it, and reporting units under an area or the division", () => {
		// prepare
		const byLevel = (level: string) => orgUnits.filter((u) => u.level === level);
		// act
		const division = byLevel("division");
		const areas = byLevel("area");
		const units = byLevel("unit");
		// assert
		expect(division.map((u) => u.id)).toEqual(["div"]);
		expect(division[0]?.name.zh).toBe("第二师铁门关市");
		expect(areas.map((u) => [u.id, u.name.zh, u.parentId])).toEqual([
			["korla", "库尔勒垦区", "div"],
			["yanqi", "焉耆垦区", "div"],
			["tarim", "塔里木垦区", "div"],
			["qieruo", "且若垦区", "div"],
		]);
		for (const u of units) {
			expect(u.type, u.id).toBeDefined();
			const parent = unitById(u.parentId ?? "");
			expect(parent && (parent.level === "area" || parent.level === "division"), u.id).toBe(true);
		}
		expect(units.length).toBeGreaterThanOrEqual(20);
	});

	it("has the 14 团（镇）医院 the plan counts, placeholders exactly where the seeds name none", () => {
		// prepare
		const regiments = orgUnits.filter((u) => u.type === "regiment-hospital");
		// act
		const placeholders = regiments.filter((u) => u.placeholder).map((u) => u.name.zh);
		// assert
		expect(regiments).toHaveLength(14);
		expect(placeholders.sort()).toEqual(
			["21团医院", "22团医院", "24团医院", "25团医院", "27团医院", "29团医院", "30团医院", "31团医院"].sort(),
		);
	});

	it("contains every unit the seeds name, under exactly that name and not as a placeholder", () => {
		// prepare
		const byName = new Map(orgUnits.map((u) => [u.name.zh, u]));
		// act
		const missing = SEED_NAMED_UNITS.filter((n) => !byName.has(n));
		const flagged = SEED_NAMED_UNITS.filter((n) => byName.get(n)?.placeholder);
		// assert
		expect(missing).toEqual([]);
		expect(flagged).toEqual([]);
	});

	it("has the commission and two placeholder community health centres", () => {
		// prepare
		const chcs = orgUnits.filter((u) => u.type === "community-health-centre");
		// act
		const wjw = unitById("wjw");
		// assert
		expect(wjw).toMatchObject({ type: "commission", parentId: "div", name: { zh: "师市卫生健康委员会" } });
		expect(chcs).toHaveLength(2);
		expect(chcs.every((u) => u.placeholder === true)).toBe(true);
	});

	it("places division institutions in the 垦区 where they are", () => {
		// prepare
		const expected: Record<string, string> = {
			"h-korla": "korla",
			"h-yanqi": "yanqi",
			"h-tmg": "korla",
			blood: "yanqi",
			t33: "tarim",
			t34: "tarim",
			t36: "qieruo",
			t37: "qieruo",
			t38: "qieruo",
			t223: "yanqi",
		};
		// act
		const actual = Object.fromEntries(Object.keys(expected).map((id) => [id, areaOf(id)]));
		// assert
		expect(actual).toEqual(expected);
		expect(areaOf("wjw")).toBeNull();
		expect(areaOf("div")).toBeNull();
		expect(areaOf("tarim")).toBe("tarim");
	});

	it("navigates the hierarchy", () => {
		// prepare
		const all = reportingUnitsUnder("div");
		// act
		const underAreas = ["korla", "yanqi", "tarim", "qieruo"].flatMap((a) => reportingUnitsUnder(a));
		// assert
		expect(all.map((u) => u.id)).toContain("wjw");
		expect(underAreas.length).toBe(all.length - 1);
		expect(reportingUnitsUnder("qieruo").map((u) => u.id)).toEqual(["t36", "t37", "t38"]);
		expect(reportingUnitsUnder("t33").map((u) => u.id)).toEqual(["t33"]);
		expect(reportingUnitsUnder("nowhere")).toEqual([]);
		expect(childrenOf("div").map((u) => u.id)).toEqual(["korla", "yanqi", "tarim", "qieruo", "wjw"]);
		expect(isWithin("t33", "tarim")).toBe(true);
		expect(isWithin("t33", "div")).toBe(true);
		expect(isWithin("t33", "korla")).toBe(false);
		expect(isWithin("korla", "t33")).toBe(false);
	});
});

describe("data elements", () => {
	it("have unique upper-case codes, a known section and sane bounds", () => {
		// prepare
		const sections = new Set(formSections.map((s) => s.id));
		// act
		const codes = dataElements.map((e) => e.code);
		// assert
		expect(new Set(codes).size).toBe(codes.length);
		for (const e of dataElements) {
			expect(e.code, e.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
			expect(sections.has(e.section), e.code).toBe(true);
			expect(e.min, e.code).toBeLessThan(e.max);
			expect(e.reportedBy.length, e.code).toBeGreaterThan(0);
			expect(e.reportedBy.every((t) => unitTypes.has(t)), e.code).toBe(true);
			expect(e.name.zh.length > 0 && e.name.en.length > 0, e.code).toBe(true);
		}
	});

	it("aggregate consistently with their frequency", () => {
		// prepare
		const yearly = dataElements.filter((e) => e.frequency === "yearly");
		// act
		const monthly = dataElements.filter((e) => e.frequency === "monthly");
		// assert
		for (const e of yearly) {
			expect([e.acrossUnits, e.overTime, e.reportedBy], e.code).toEqual(["none", "yearly", ["commission"]]);
		}
		for (const e of monthly) {
			expect(e.acrossUnits, e.code).toBe("sum");
			expect(["flow", "stock"], e.code).toContain(e.overTime);
		}
		expect(yearly.map((e) => e.code).sort()).toEqual(
			[
				"AIR_QUALITY_GOOD_DAYS",
				"EXERCISE_RATE",
				"HEALTHY_LIFE_EXPECTANCY",
				"HEALTH_LITERACY",
				"LIFE_EXPECTANCY",
				"MYOPIA_RATE",
				"OOP_SHARE",
				"PREMATURE_NCD_MORTALITY",
				"SMOKING_RATE",
				"SURFACE_WATER_III",
			].sort(),
		);
	});

	it("report population where the resident catchments are, so it sums to the division", () => {
		// prepare
		const population = elementByCode("POPULATION");
		// act
		const reporters = population?.reportedBy.slice().sort();
		// assert
		expect(population?.overTime).toBe("stock");
		expect(reporters).toEqual(["community-health-centre", "regiment-hospital"]);
		expect(elementByCode("BEDS")?.overTime).toBe("stock");
		expect(elementByCode("LIVE_BIRTHS")?.overTime).toBe("flow");
	});

	it("give each unit type a form of its own", () => {
		// prepare
		const regimentMonthly = elementsForUnitType("regiment-hospital", "monthly").map((e) => e.code);
		// act
		const cdcMonthly = elementsForUnitType("cdc", "monthly").map((e) => e.code);
		const commissionYearly = elementsForUnitType("commission", "yearly").map((e) => e.code);
		// assert
		expect(regimentMonthly).toEqual(expect.arrayContaining(["POPULATION", "LIVE_BIRTHS", "BEDS", "PHYSICIANS", "HTN_MANAGED"]));
		expect(regimentMonthly[0]).toBe("POPULATION");
		expect(cdcMonthly).toContain("PUBLIC_HEALTH_STAFF");
		expect(cdcMonthly).not.toContain("BEDS");
		expect(commissionYearly).toContain("LIFE_EXPECTANCY");
		expect(elementsForUnitType("commission", "monthly")).toEqual([]);
		for (const t of unitTypes) {
			const form = [...elementsForUnitType(t, "monthly"), ...elementsForUnitType(t, "yearly")];
			expect(form.length, t).toBeGreaterThan(0);
		}
	});
});

describe("indicators", () => {
	it("have unique codes, parse, and use only existing elements", () => {
		// prepare
		const codes = indicators.map((i) => i.code);
		// act
		const refs = indicators.flatMap((i) => [
			...parseFormula(i.numerator).codes.map((c) => [i.code, c] as const),
			...parseFormula(i.denominator).codes.map((c) => [i.code, c] as const),
		]);
		const unknown = refs.filter(([, c]) => !elementByCode(c));
		// assert
		expect(new Set(codes).size).toBe(codes.length);
		expect(unknown).toEqual([]);
		expect(refs.length).toBeGreaterThan(indicators.length);
	});

	it("use a DHIS2 factor, and directly reported values are #{CODE} / 1 × 1", () => {
		// prepare
		const factors = new Set([1, 100, 1000, 10_000, 100_000]);
		// act
		const direct = indicators.filter((i) => i.denominator === "1");
		// assert
		for (const i of indicators) expect(factors.has(i.factor), i.code).toBe(true);
		for (const i of direct) {
			expect(i.numerator, i.code).toMatch(/^#\{[A-Z0-9_]+\}$/);
			expect(i.factor, i.code).toBe(1);
			expect(elementByCode(parseFormula(i.numerator).codes[0] ?? "")?.frequency, i.code).toBe("yearly");
		}
		expect(direct.length).toBe(10);
	});

	it("compute rates from aggregated counts of one frequency", () => {
		// prepare
		const rates = indicators.filter((i) => i.denominator !== "1");
		// act
		const mixed = rates.filter((i) => {
			const freqs = new Set(
				[...parseFormula(i.numerator).codes, ...parseFormula(i.denominator).codes].map((c) => elementByCode(c)?.frequency),
			);
			return freqs.size !== 1 || !freqs.has("monthly");
		});
		// assert
		expect(mixed.map((i) => i.code)).toEqual([]);
		expect(indicatorByCode("IMR")).toMatchObject({ numerator: "#{INFANT_DEATHS}", denominator: "#{LIVE_BIRTHS}", factor: 1000 });
		expect(indicatorByCode("MMR")?.factor).toBe(100_000);
		expect(indicatorByCode("GPS_PER_10000")?.factor).toBe(10_000);
	});

	it("mark the 其中 sub-indicator with its parent", () => {
		// prepare
		const withParent = indicators.filter((i) => i.parentCode);
		// act
		const parents = withParent.map((i) => indicatorByCode(i.parentCode ?? ""));
		// assert
		expect(withParent.map((i) => i.code)).toEqual(["TCM_PHYSICIANS_PER_1000"]);
		expect(parents[0]?.code).toBe("PHYSICIANS_PER_1000");
	});
});

describe("plans", () => {
	it("reference only existing indicators, once each", () => {
		// prepare
		const rows = plans.flatMap((p) => p.indicators.map((r) => [p.id, r.indicatorCode] as const));
		// act
		const unknown = rows.filter(([, c]) => !indicatorByCode(c));
		// assert
		expect(plans.map((p) => p.id)).toEqual(["tmg-14th", "hbt-2030"]);
		expect(unknown).toEqual([]);
		for (const p of plans) expect(new Set(p.indicators.map((r) => r.indicatorCode)).size, p.id).toBe(p.indicators.length);
	});

	it("tmg-14th carries 专栏1 exactly as printed: 18 items plus the 其中", () => {
		// prepare
		const rows = planRows("tmg-14th").filter((r) => r.order <= 18);
		// act
		const transcribed = rows.map((r) => [
			r.indicatorCode,
			r.baseline?.printed ?? null,
			r.targets.map((t) => t.printed).join("|"),
			r.nature === "binding" ? "约束性" : "预期性",
		]);
		// assert
		expect(transcribed).toEqual(TMG_TABLE);
		expect(new Set(rows.map((r) => r.order)).size).toBe(18);
		for (const r of rows) {
			expect(r.targets.map((t) => t.year), r.indicatorCode).toEqual([2025]);
			if (r.baseline) expect(r.baseline.year, r.indicatorCode).toBe(2020);
		}
		expect(rowOf("tmg-14th", "TCM_PHYSICIANS_PER_1000").order).toBe(rowOf("tmg-14th", "PHYSICIANS_PER_1000").order);
	});

	it("tmg-14th parses the printed figures into numbers and target kinds", () => {
		// prepare
		const r = (code: string) => rowOf("tmg-14th", code);
		// act
		const t = (code: string) => r(code).targets[0]?.target;
		// assert
		expect(r("LIFE_EXP").baseline?.value).toBe(79.36);
		expect(t("LIFE_EXP")).toEqual({ kind: "reach", value: 80.47 });
		expect(t("HEALTHY_LIFE_EXP")).toEqual({ kind: "proportional", followsIndicator: "LIFE_EXP" });
		expect(t("MMR")).toEqual({ kind: "threshold", op: "<=", value: 12 });
		expect(r("MMR").baseline?.value).toBe(18);
		expect(t("IMR")).toEqual({ kind: "threshold", op: "<=", value: 5 });
		expect(t("U5MR")).toEqual({ kind: "threshold", op: "<=", value: 6 });
		expect(t("NCD_PREMATURE_MORTALITY")).toEqual({ kind: "threshold", op: "<=", value: 15 });
		expect(t("HEALTH_LITERACY_LEVEL")).toEqual({ kind: "reach", value: 25 });
		expect(t("BEDS_PER_1000")).toEqual({ kind: "maintain" });
		expect(r("BEDS_PER_1000").baseline?.value).toBe(7.5);
		expect(t("TCM_PHYSICIANS_PER_1000")).toEqual({ kind: "reach", value: 0.57 });
		expect(t("GPS_PER_10000")).toEqual({ kind: "reach", value: 4 });
		expect(r("GPS_PER_10000").baseline?.value).toBe(1.8);
		expect(t("CHILDCARE_PLACES_PER_1000")).toEqual({ kind: "reach", value: 4.5 });
		expect(t("MYOPIA_PREVALENCE")).toEqual({ kind: "annual-change", perYear: -0.5 });
		expect(r("ELDERLY_HEALTH_MGMT_RATE").baseline?.value).toBe(78);
		expect(r("OOP_HEALTH_SPENDING_SHARE").group).toBe("health-security");
	});

	it("tmg-14th keeps the odd printed targets and reads them as ceilings, with a note", () => {
		// prepare
		const smoking = rowOf("tmg-14th", "SMOKING_PREVALENCE");
		// act
		const oop = rowOf("tmg-14th", "OOP_HEALTH_SPENDING_SHARE");
		// assert
		expect(smoking.baseline?.value).toBe(22.4);
		expect(smoking.targets[0]?.target).toEqual({ kind: "threshold", op: "<=", value: 23.3 });
		expect(smoking.direction).toBe("decrease");
		expect(smoking.note?.zh).toContain("23.30");
		expect(oop.targets[0]?.target).toEqual({ kind: "threshold", op: "<=", value: 27 });
		expect(oop.direction).toBe("decrease");
		expect(oop.nature).toBe("binding");
		expect(oop.note?.zh).toContain("17.6%");
	});

	it("tmg-14th groups and directions follow the table", () => {
		// prepare
		const rows = planRows("tmg-14th").filter((r) => r.order <= 18);
		// act
		const groups = rows.map((r) => r.group);
		const decreasing = rows.filter((r) => r.direction === "decrease").map((r) => r.indicatorCode);
		// assert
		expect(groups.slice(0, 6).every((g) => g === "health-status")).toBe(true);
		expect(groups.slice(6, 8)).toEqual(["healthy-living", "healthy-living"]);
		expect(groups.slice(8, 18).every((g) => g === "health-services")).toBe(true);
		expect(groups[18]).toBe("health-security");
		expect(decreasing.sort()).toEqual(
			["IMR", "MMR", "MYOPIA_PREVALENCE", "NCD_PREMATURE_MORTALITY", "OOP_HEALTH_SPENDING_SHARE", "SMOKING_PREVALENCE", "U5MR"].sort(),
		);
	});

	it("tmg-14th adds the quantified in-text targets", () => {
		// prepare
		const extra = planRows("tmg-14th").filter((r) => r.order > 18);
		// act
		const byCode = Object.fromEntries(extra.map((r) => [r.indicatorCode, r.targets[0]]));
		// assert
		expect(byCode.IN_DIVISION_CARE_RATE).toEqual({ year: 2025, target: { kind: "threshold", op: ">=", value: 90 }, printed: "达到90%" });
		expect(byCode.PRIMARY_TCM_COVERAGE?.target).toEqual({ kind: "threshold", op: ">=", value: 90 });
		expect(byCode.CHRONIC4_MGMT_RATE?.printed).toBe("达90%以上");
		expect(byCode.IMMUNISATION_RATE?.printed).toBe("提高到90％以上");
		expect(byCode.TOWN_CENTRE_COVERAGE?.target).toEqual({ kind: "threshold", op: ">=", value: 90 });
		expect(byCode.PSYCHIATRISTS_PER_100K?.target).toEqual({ kind: "threshold", op: ">=", value: 4 });
		expect(byCode.KEY_POP_PRIMARY_RATE?.target).toEqual({ kind: "threshold", op: ">=", value: 70 });
		expect(byCode.OCC_HEALTH_EXAM_RATE?.target).toEqual({ kind: "threshold", op: ">=", value: 95 });
		expect(byCode.STAFF_EXPENDITURE_SHARE?.target).toEqual({ kind: "approximately", value: 45, tolerance: 1 });
		expect(extra.every((r) => r.nature === "expected" && r.note !== undefined)).toBe(true);
		expect(extra.length).toBeGreaterThanOrEqual(10);
	});

	it("hbt-2030 carries all 11 indicators with 2015 baselines and both targets as printed", () => {
		// prepare
		const rows = planRows("hbt-2030");
		// act
		const transcribed = rows.map((r) => [r.indicatorCode, r.baseline?.printed, ...r.targets.map((t) => t.printed)]);
		// assert
		expect(transcribed).toEqual(HBT_TABLE);
		for (const r of rows) expect(r.targets.map((t) => t.year), r.indicatorCode).toEqual([2020, 2030]);
		expect(rows.map((r) => r.group)).toEqual([
			"health-status",
			"health-status",
			"health-status",
			"health-status",
			"healthy-living",
			"healthy-living",
			"health-services-security",
			"health-services-security",
			"health-services-security",
			"health-environment",
			"health-environment",
		]);
	});

	it("hbt-2030 parses the printed targets", () => {
		// prepare
		const t = (code: string, i: number) => rowOf("hbt-2030", code).targets[i]?.target;
		// act
		const ncd = rowOf("hbt-2030", "NCD_PREMATURE_MORTALITY");
		// assert
		expect(t("LIFE_EXP", 0)).toEqual({ kind: "threshold", op: ">", value: 77 });
		expect(t("LIFE_EXP", 1)).toEqual({ kind: "threshold", op: ">", value: 79 });
		expect(t("U5MR", 0)).toEqual({ kind: "threshold", op: "<=", value: 7.8 });
		expect(t("MMR", 1)).toEqual({ kind: "threshold", op: "<=", value: 6 });
		expect(t("HEALTH_LITERACY_LEVEL", 1)).toEqual({ kind: "threshold", op: ">=", value: 30 });
		expect(ncd.baseline).toEqual({ year: 2013, value: 19.1, printed: "19.1 （2013年）" });
		expect(t("NCD_PREMATURE_MORTALITY", 0)).toEqual({ kind: "relative-change", change: -0.1, baseYear: 2015 });
		expect(t("NCD_PREMATURE_MORTALITY", 1)).toEqual({ kind: "relative-change", change: -0.3, baseYear: 2015 });
		expect(t("PHYSICIANS_PER_1000", 0)).toEqual({ kind: "reach", value: 3 });
		expect(t("OOP_HEALTH_SPENDING_SHARE", 0)).toEqual({ kind: "approximately", value: 28, tolerance: 1 });
		expect(t("OOP_HEALTH_SPENDING_SHARE", 1)).toEqual({ kind: "approximately", value: 20, tolerance: 1 });
		expect(t("AIR_QUALITY_GOOD_RATE", 1)).toEqual({ kind: "continuous-improvement" });
		expect(t("SURFACE_WATER_GOOD_RATE", 0)).toEqual({ kind: "reach", value: 91 });
		expect(rowOf("hbt-2030", "OOP_HEALTH_SPENDING_SHARE").direction).toBe("decrease");
	});

	it("has exactly three binding indicators, all in 专栏1", () => {
		// prepare
		const binding = plans.flatMap((p) => p.indicators.filter((r) => r.nature === "binding").map((r) => `${p.id}:${r.indicatorCode}`));
		// act
		const sorted = binding.sort();
		// assert
		expect(sorted).toEqual(["tmg-14th:GPS_PER_10000", "tmg-14th:MYOPIA_PREVALENCE", "tmg-14th:OOP_HEALTH_SPENDING_SHARE"]);
	});

	it("gives the target values the plans mean, through the target maths", () => {
		// prepare
		const myopia = rowOf("tmg-14th", "MYOPIA_PREVALENCE");
		const ncd = rowOf("hbt-2030", "NCD_PREMATURE_MORTALITY");
		// act
		const myopia2025 = targetValue(myopia, 2025);
		const ncd2020 = targetValue(ncd, 2020);
		const ncd2030 = targetValue(ncd, 2030);
		// assert
		expect(myopia2025).toBeCloseTo(50.12, 6);
		expect(ncd2020).toBeCloseTo(17.19, 6);
		expect(ncd2030).toBeCloseTo(13.37, 6);
		expect(targetValue(rowOf("tmg-14th", "BEDS_PER_1000"), 2025)).toBe(7.5);
	});

	it("is found by id and has consistent years", () => {
		// prepare
		const tmg = planById("tmg-14th");
		// act
		const hbt = planById("hbt-2030");
		// assert
		expect(tmg).toMatchObject({ baseYear: 2020, targetYear: 2025, startYear: 2021, endYear: 2025 });
		expect(hbt).toMatchObject({ baseYear: 2015, targetYear: 2030 });
		expect(planById("nope")).toBeUndefined();
	});
});

describe("validation rules", () => {
	it("have unique ids, parse, and use existing elements that one form reports together", () => {
		// prepare
		const ids = validationRules.map((r) => r.id);
		// act
		const problems = validationRules.flatMap((r) => {
			const codes = [...parseFormula(r.left).codes, ...parseFormula(r.right).codes];
			if (codes.some((c) => !elementByCode(c))) return [`${r.id}: unknown element`];
			const shared = [...unitTypes].filter((t) => codes.every((c) => elementByCode(c)?.reportedBy.includes(t)));
			return shared.length === 0 ? [`${r.id}: no unit type reports all of ${codes.join(", ")}`] : [];
		});
		// assert
		expect(new Set(ids).size).toBe(ids.length);
		expect(problems).toEqual([]);
	});

	it("include the brief's checks with sensible severities and Chinese messages", () => {
		// prepare
		const find = (left: string, right: string) =>
			validationRules.find((r) => r.left === `#{${left}}` && r.right === `#{${right}}`);
		// act
		const u5 = find("U5_DEATHS", "INFANT_DEATHS");
		// assert
		expect(u5).toMatchObject({ op: ">=", severity: "error" });
		expect(find("INFANT_DEATHS", "LIVE_BIRTHS")).toMatchObject({ op: "<=", severity: "warning" });
		expect(find("HTN_STANDARD", "HTN_MANAGED")).toMatchObject({ op: "<=", severity: "error" });
		expect(find("TCM_PHYSICIANS", "PHYSICIANS")).toMatchObject({ op: "<=", severity: "error" });
		expect(find("GPS", "PHYSICIANS")).toMatchObject({ op: "<=", severity: "error" });
		expect(find("IMM_DOSES_GIVEN", "IMM_DOSES_DUE")).toMatchObject({ op: "<=", severity: "warning" });
		for (const r of validationRules) expect(r.message.zh, r.id).toMatch(/[\u4e00-\u9fff]/);
	});
});

describe("catalog version", () => {
	it("is a content fingerprint", () => {
		// prepare
		const pattern = /^1-[0-9a-f]{8}$/;
		// act
		const version = catalogVersion;
		// assert
		expect(version).toMatch(pattern);
	});
});
