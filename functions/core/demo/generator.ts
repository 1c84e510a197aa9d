// Deterministic demo data: every unit, every month from 2020-01, every element it reports, plus the
// commission's yearly survey figures. Same seed → same output, on any machine.
//
// Calibration (docs/catalog.md has the full report): summed over units the way the platform aggregates
// (flows: the twelve months of 2020; stocks: each unit's December 2020), the division's 2020 figures are
// those the 十四五 plan prints: 1,738 beds (师级 1,277 + 团级 461), 844 physicians, 1,126 nurses, a
// population of 231,580, 1,966 live births with 3 infant and 6 under-5 deaths, 14 regiment hospitals
// with 260,606 outpatient visits and 14,911 discharges, hypertension 9,480 managed of 10,418 (91%),
// diabetes 3,139 of 3,158 (99.40%), severe mental illness 800 of 930 (86.02%), elderly 18,057 of 23,150
// (78%). After 2020 the figures drift along simple paths: some indicators reach their 2025 targets,
// some fall behind, and two binding ones (GPs per 10,000; myopia) are off track.

import { elementsForUnitType } from "../catalog";
import { orgUnits } from "../catalog/units";
import { addMonths, deadline, isOnTime, monthRange, parse } from "../periods";
import type { OrgUnit, PeriodId, SubmissionStatus, UnitType, ValueMap } from "../types";
import { apportion, apportionCapped, createRandom, deriveSeed, type Random } from "./random";

export interface DemoSubmission {
	unitId: string;
	period: PeriodId;
	values: ValueMap;
	status: SubmissionStatus;
	/** When it was submitted; for a draft, when it was last saved. */
	submittedAt: string;
	/** Submitted after the period's deadline (periods.deadline); always false for drafts. */
	late: boolean;
	/** The reporter's remark. */
	comment?: string;
	/** The approver's remark when returned. */
	reviewComment?: string;
	/** When it was approved or returned (after submittedAt, never after `now`). */
	reviewedAt?: string;
}

export interface DemoOptions {
	/** First month, `YYYY-MM`, not before 2020-01 (the plan's base year). Default 2020-01. */
	from?: PeriodId;
	/** Last month, `YYYY-MM`; normally periods.lastFullMonth(new Date()). */
	to: PeriodId;
	/** Default 20201231. */
	seed?: number;
	/**
	 * The moment the demo is seeded. Nothing is dated after it: a unit whose planned submission lies in the
	 * future has not reported yet (or has a draft), a review that would come later has not happened, and a
	 * form is late only once its deadline has passed by then. Without it, times are as planned.
	 */
	now?: Date;
}

export const DEMO_DEFAULT_SEED = 20201231;
const BASE_YEAR = 2020;

// ---------------------------------------------------------------------------------------------------
// Calibration targets: the 十四五 plan's published 2020 figures (see docs/catalog.md).

/**
 * Population chosen so that 1,738 beds → 7.50 and 1,126 nurses → 4.86 per 1,000 round exactly. No
 * integer population also gives 844 physicians → 3.65 (beds need P ≥ 231,579, physicians P ≤ 231,550);
 * 231,580 keeps the physicians' ratio as close as possible (3.6445, shown as 3.64).
 */
export const CALIBRATION_2020 = {
	population: 231_580,
	beds: { "division-hospital": 1277, "regiment-hospital": 461 },
	physicians: 844,
	nurses: 1126,
	tcmPhysicians: 37,
	pharmacists: 81,
	/** 42 / 231,580 × 10,000 = 1.81 (1.80 printed; 41 would give 1.77). */
	gps: 42,
	publicHealthStaff: 120,
	liveBirths: 1966,
	infantDeaths: 3,
	u5Deaths: 6,
	/** 0 is the closest whole number to 18/10万 with 1,966 births (1 death would be 50.86/10万). */
	maternalDeaths: 0,
	elderlyPop: 23_150,
	elderlyManaged: 18_057,
	regimentOutpatientVisits: 260_606,
	regimentDischarges: 14_911,
} as const;

/** 2020 catchment populations (sum 231,580). */
const CATCHMENT_POP: Record<string, number> = {
	t21: 9_860,
	t22: 15_420,
	t24: 12_380,
	t25: 9_150,
	t27: 11_640,
	t223: 13_270,
	t29: 22_350,
	t30: 17_460,
	"chc-1": 27_300,
	"chc-2": 21_650,
	t31: 16_240,
	t33: 18_530,
	t34: 14_870,
	t36: 8_900,
	t37: 4_150,
	t38: 8_410,
};

/** Relative size of the three division hospitals (师库尔勒医院 is the largest). */
const HOSPITAL_SIZE: Record<string, number> = { "h-korla": 0.5, "h-yanqi": 0.34, "h-tmg": 0.16 };

/** The commission's yearly figures. 2020 is the plan's baseline where one is printed. */
const YEARLY: Record<string, Record<number, number>> = {
	LIFE_EXPECTANCY: { 2020: 79.36, 2021: 79.52, 2022: 79.7, 2023: 79.91, 2024: 80.13, 2025: 80.35, 2026: 80.51 },
	// The plan prints "—"; the first survey (2020) is the origin of the proportional target.
	HEALTHY_LIFE_EXPECTANCY: { 2020: 70.12, 2021: 70.24, 2022: 70.39, 2023: 70.58, 2024: 70.79, 2025: 71.0, 2026: 71.15 },
	HEALTH_LITERACY: { 2020: 18.36, 2021: 20.05, 2022: 21.74, 2023: 23.38, 2024: 25.12, 2025: 26.83, 2026: 28.1 },
	SMOKING_RATE: { 2020: 22.4, 2021: 22.13, 2022: 21.76, 2023: 21.52, 2024: 21.04, 2025: 20.61, 2026: 20.3 },
	// Binding target −0.5 points a year; the demo stalls, so the indicator is off track.
	MYOPIA_RATE: { 2020: 52.62, 2021: 52.95, 2022: 52.41, 2023: 52.58, 2024: 52.3, 2025: 52.16, 2026: 51.9 },
	PREMATURE_NCD_MORTALITY: { 2020: 16.31, 2021: 16.02, 2022: 15.74, 2023: 15.43, 2024: 15.12, 2025: 14.86, 2026: 14.6 },
	OOP_SHARE: { 2020: 26, 2021: 25.42, 2022: 24.93, 2023: 24.61, 2024: 24.08, 2025: 23.79, 2026: 23.5 },
	EXERCISE_RATE: { 2020: 38.5, 2021: 39.36, 2022: 40.18, 2023: 40.92, 2024: 41.57, 2025: 42.31, 2026: 42.9 },
	AIR_QUALITY_GOOD_DAYS: { 2020: 78.4, 2021: 79.2, 2022: 77.6, 2023: 80.3, 2024: 81.1, 2025: 80.8, 2026: 81.5 },
	SURFACE_WATER_III: { 2020: 90.8, 2021: 91.2, 2022: 91.5, 2023: 91.5, 2024: 92, 2025: 92.3, 2026: 92.5 },
};

/** Live births, infant deaths, other under-5 deaths and maternal deaths per year (division totals). */
const VITAL: Record<number, { births: number; infant: number; child: number; maternal: number }> = {
	2020: { births: 1966, infant: 3, child: 3, maternal: 0 },
	2021: { births: 1872, infant: 4, child: 3, maternal: 0 },
	2022: { births: 1795, infant: 3, child: 2, maternal: 1 },
	2023: { births: 1838, infant: 5, child: 4, maternal: 0 },
	2024: { births: 1861, infant: 3, child: 3, maternal: 0 },
	2025: { births: 1749, infant: 4, child: 2, maternal: 0 },
};

function vitalFor(year: number): { births: number; infant: number; child: number; maternal: number } {
	const known = VITAL[year];
	if (known) return known;
	// Beyond the table: births keep falling ~2% a year, deaths at the recent average.
	const last = VITAL[2025] as { births: number };
	return { births: Math.round(last.births * 0.98 ** (year - 2025)), infant: 3, child: 2, maternal: 0 };
}

function yearlyValue(code: string, year: number): number {
	const table = YEARLY[code] ?? {};
	const v = table[year];
	if (v !== undefined) return v;
	const years = Object.keys(table).map(Number).sort();
	const lastYear = years.at(-1) ?? BASE_YEAR;
	const prevYear = years.at(-2) ?? lastYear;
	const last = table[lastYear] ?? 0;
	const prev = table[prevYear] ?? last;
	return Math.round((last + (last - prev) * (year - lastYear)) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------
// Paths

/** Linear from the 2020 value to the 2025 value, continuing at the same slope. */
const linear =
	(v2020: number, v2025: number) =>
	(year: number): number =>
		v2020 + ((v2025 - v2020) * (year - BASE_YEAR)) / 5;

const population = (year: number): number => Math.round(CALIBRATION_2020.population * 1.008 ** (year - BASE_YEAR));

/** Division totals of staff and beds as a ratio to population, exact in 2020. */
function fromRatio(exact2020: number, ratio2025: number, factor: number): (year: number) => number {
	const r2020 = (exact2020 / CALIBRATION_2020.population) * factor;
	const ratio = linear(r2020, ratio2025);
	return (year) => (year === BASE_YEAR ? exact2020 : Math.round((ratio(year) * population(year)) / factor));
}

// ---------------------------------------------------------------------------------------------------
// Units

const monthlyUnits: OrgUnit[] = orgUnits.filter((u) => u.level === "unit" && u.type !== "commission");
const commission = orgUnits.find((u) => u.type === "commission") as OrgUnit;
const unitsOfType = (type: UnitType): OrgUnit[] => monthlyUnits.filter((u) => u.type === type);

/** How big a unit is, for splitting a type's total among its units. */
function size(u: OrgUnit): number {
	return CATCHMENT_POP[u.id] ?? HOSPITAL_SIZE[u.id] ?? 1;
}

// ---------------------------------------------------------------------------------------------------
// The generator

interface Ctx {
	seed: number;
	years: number[];
	/** code → unitId → year → December value. */
	anchors: Map<string, Map<string, Map<number, number>>>;
	/** code → unitId → month → value. */
	flows: Map<string, Map<string, Map<PeriodId, number>>>;
}

function rngFor(ctx: Ctx, label: string): Random {
	return createRandom(deriveSeed(ctx.seed, label));
}

/** A persistent per-unit multiplier around 1, so units differ in ways that stay the same over time. */
function unitBias(ctx: Ctx, code: string, unitId: string, spread: number): number {
	return 1 + spread * (rngFor(ctx, `bias:${code}:${unitId}`).next() * 2 - 1);
}

function setAnchor(ctx: Ctx, code: string, unitId: string, year: number, value: number): void {
	let byUnit = ctx.anchors.get(code);
	if (!byUnit) {
		byUnit = new Map();
		ctx.anchors.set(code, byUnit);
	}
	let byYear = byUnit.get(unitId);
	if (!byYear) {
		byYear = new Map();
		byUnit.set(unitId, byYear);
	}
	byYear.set(year, value);
}

function anchor(ctx: Ctx, code: string, unitId: string, year: number): number {
	const v = ctx.anchors.get(code)?.get(unitId)?.get(year);
	if (v === undefined) throw new Error(`demo: no anchor for ${code} ${unitId} ${year}`);
	return v;
}

/**
 * December levels of a stock element: each year's division (or per-type) total is split among the units
 * by size × a persistent bias, optionally capped by another element (managed ≤ registered).
 */
function stock(
	ctx: Ctx,
	code: string,
	units: OrgUnit[],
	total: (year: number) => number,
	opts: { spread?: number; capBy?: string; weight?: (u: OrgUnit) => number } = {},
): void {
	const spread = opts.spread ?? 0.15;
	for (const year of ctx.years) {
		const jitter = rngFor(ctx, `stock:${code}:${year}`);
		// Fixed splits (spread 0: population, sites, planned centres) stay the same every year.
		// A capped element (managed ≤ registered) is split in proportion to its cap, so rates stay plausible.
		const baseWeight = (u: OrgUnit): number =>
			opts.weight ? opts.weight(u) : opts.capBy ? anchor(ctx, opts.capBy, u.id, year) : size(u);
		const weights = units.map(
			(u) =>
				baseWeight(u) *
				unitBias(ctx, code, u.id, spread) *
				(spread > 0 ? 1 + 0.02 * jitter.normal() : 1),
		);
		const t = Math.max(0, Math.round(total(year)));
		const shares = opts.capBy
			? apportionCapped(
					Math.min(
						t,
						units.reduce((a, u) => a + anchor(ctx, opts.capBy as string, u.id, year), 0),
					),
					weights,
					units.map((u) => anchor(ctx, opts.capBy as string, u.id, year)),
				)
			: apportion(t, weights);
		units.forEach((u, i) => {
			setAnchor(ctx, code, u.id, year, shares[i] ?? 0);
		});
	}
}

/** A stock's value in a month: linear between the Decembers around it, exact in December. */
function stockValue(ctx: Ctx, code: string, unitId: string, month: PeriodId): number {
	const p = parse(month) as { year: number; month: number };
	const a = anchor(ctx, code, unitId, p.year - 1);
	const b = anchor(ctx, code, unitId, p.year);
	return Math.round(a + ((b - a) * p.month) / 12);
}

/** Seasonal weights by calendar month; 2020 has the COVID-19 dip of February–March. */
function seasonal(code: string, year: number, month: number): number {
	const base = [1.02, 0.88, 1.0, 1.0, 1.01, 0.97, 0.98, 0.99, 1.0, 1.04, 1.04, 1.07][month - 1] ?? 1;
	if (year === 2020 && (code === "OUTPATIENT_VISITS" || code === "DISCHARGES" || code === "KEY_POP_VISITS")) {
		return base * ([1, 0.55, 0.75][month - 1] ?? 1);
	}
	return base;
}

function setFlow(ctx: Ctx, code: string, unitId: string, month: PeriodId, value: number): void {
	let byUnit = ctx.flows.get(code);
	if (!byUnit) {
		byUnit = new Map();
		ctx.flows.set(code, byUnit);
	}
	let byMonth = byUnit.get(unitId);
	if (!byMonth) {
		byMonth = new Map();
		byUnit.set(unitId, byMonth);
	}
	byMonth.set(month, value);
}

function flowValue(ctx: Ctx, code: string, unitId: string, month: PeriodId): number {
	return ctx.flows.get(code)?.get(unitId)?.get(month) ?? 0;
}

/** Yearly totals of a flow split among units, then over the twelve months (whole numbers, exact sums). */
function flow(
	ctx: Ctx,
	code: string,
	units: OrgUnit[],
	total: (year: number) => number,
	opts: { spread?: number; weight?: (u: OrgUnit) => number } = {},
): void {
	const spread = opts.spread ?? 0.15;
	for (const year of ctx.years) {
		if (year < BASE_YEAR) continue;
		const rng = rngFor(ctx, `flow:${code}:${year}`);
		const weights = units.map(
			(u) => (opts.weight ? opts.weight(u) : size(u)) * unitBias(ctx, code, u.id, spread) * (1 + 0.03 * rng.normal()),
		);
		const perUnit = apportion(Math.max(0, Math.round(total(year))), weights);
		units.forEach((u, i) => {
			const monthWeights = Array.from({ length: 12 }, (_, m) => seasonal(code, year, m + 1) * (1 + 0.06 * rng.normal()));
			const perMonth = apportion(perUnit[i] ?? 0, monthWeights);
			perMonth.forEach((v, m) => {
				setFlow(ctx, code, u.id, `${year}-${String(m + 1).padStart(2, "0")}`, v);
			});
		});
	}
}

/** A flow derived from another flow at a rate, never above it (doses given ≤ due). */
function derivedFlow(ctx: Ctx, code: string, parent: string, units: OrgUnit[], rate: (year: number) => number, noise = 0.02): void {
	for (const u of units) {
		const rng = rngFor(ctx, `derived:${code}:${u.id}`);
		const bias = unitBias(ctx, code, u.id, noise);
		for (const year of ctx.years) {
			if (year < BASE_YEAR) continue;
			for (let m = 1; m <= 12; m++) {
				const month = `${year}-${String(m).padStart(2, "0")}`;
				const p = flowValue(ctx, parent, u.id, month);
				const r = Math.min(1, Math.max(0, rate(year) * bias * (1 + noise * rng.normal())));
				setFlow(ctx, code, u.id, month, Math.min(p, Math.round(p * r)));
			}
		}
	}
}

/** A money flow (万元, one decimal) derived from another flow. */
function roundMoney(x: number): number {
	return Math.round(x * 10) / 10;
}

function buildSeries(ctx: Ctx): void {
	const C = CALIBRATION_2020;
	const catchment = monthlyUnits.filter((u) => u.type === "regiment-hospital" || u.type === "community-health-centre");
	const regiments = unitsOfType("regiment-hospital");
	const chcs = unitsOfType("community-health-centre");
	const divHospitals = unitsOfType("division-hospital");
	const hospitals = [...divHospitals, ...regiments];
	const cdc = unitsOfType("cdc");
	const blood = unitsOfType("blood-station");

	// --- population -------------------------------------------------------------------------------
	stock(ctx, "POPULATION", catchment, population, { spread: 0, weight: (u) => CATCHMENT_POP[u.id] ?? 0 });
	const elderly = (y: number): number => (y === BASE_YEAR ? C.elderlyPop : Math.round(C.elderlyPop * 1.03 ** (y - BASE_YEAR)));
	stock(ctx, "ELDERLY_POP", catchment, elderly, { spread: 0.1 });
	stock(ctx, "CHILDCARE_PLACES", catchment, (y) => (linear(1.1, 4.62)(y) * population(y)) / 1000, { spread: 0.3 });

	// --- resources (ratios per population, exact in 2020) ---------------------------------------------
	const byType = (
		code: string,
		shares: Partial<Record<UnitType, number>>,
		total: (y: number) => number,
		opts: { spread?: number; capBy?: string; weight?: (u: OrgUnit) => number } = {},
	): void => {
		const types = Object.keys(shares) as UnitType[];
		const split = (y: number): number[] => apportion(Math.round(total(y)), types.map((t) => shares[t] ?? 0));
		types.forEach((t, i) => {
			stock(ctx, code, unitsOfType(t), (y) => split(y)[i] ?? 0, opts);
		});
	};
	byType("BEDS", C.beds, fromRatio(C.beds["division-hospital"] + C.beds["regiment-hospital"], 7.58, 1000), { spread: 0.1 });
	byType(
		"PHYSICIANS",
		{ "division-hospital": 578, "regiment-hospital": 197, "community-health-centre": 25, cdc: 38, "blood-station": 6 },
		fromRatio(C.physicians, 3.78, 1000),
		{ spread: 0.1 },
	);
	byType(
		"NURSES",
		{ "division-hospital": 800, "regiment-hospital": 280, "community-health-centre": 34, "blood-station": 12 },
		fromRatio(C.nurses, 5.12, 1000),
		{ spread: 0.1 },
	);
	byType(
		"TCM_PHYSICIANS",
		{ "division-hospital": 18, "regiment-hospital": 17, "community-health-centre": 2 },
		fromRatio(C.tcmPhysicians, 0.41, 1000),
		{ spread: 0.3, capBy: "PHYSICIANS" },
	);
	byType(
		"PHARMACISTS",
		{ "division-hospital": 52, "regiment-hospital": 24, "community-health-centre": 5 },
		fromRatio(C.pharmacists, 0.58, 1000),
		{ spread: 0.2 },
	);
	// Binding target 4.00 per 10,000 by 2025; the demo only reaches ~2.35: off track.
	byType(
		"GPS",
		{ "division-hospital": 6, "regiment-hospital": 30, "community-health-centre": 6 },
		fromRatio(C.gps, 2.35, 10_000),
		{ spread: 0.3, capBy: "PHYSICIANS" },
	);
	byType(
		"PUBLIC_HEALTH_STAFF",
		{ cdc: 58, "blood-station": 16, "division-hospital": 12, "regiment-hospital": 28, "community-health-centre": 6 },
		fromRatio(C.publicHealthStaff, 0.83, 1000),
		{ spread: 0.2 },
	);
	// Psychiatry sits at 师焉耆医院 and 34团医院 (the plan's two psychiatric centres) and 师库尔勒医院.
	const psychWeight: Record<string, number> = { "h-yanqi": 3, "h-korla": 2, "h-tmg": 0.5, t34: 1.2, t33: 0.3 };
	stock(ctx, "PSYCHIATRISTS", hospitals, (y) => Math.round(linear(7, 10.2)(y)), {
		spread: 0,
		weight: (u) => psychWeight[u.id] ?? 0,
		capBy: "PHYSICIANS",
	});

	// --- chronic disease management (managed ≤ registered; standard ≤ managed) ----------------------
	const chronic = (
		prefix: string,
		patients: (y: number) => number,
		managedRate: (y: number) => number,
		managed2020: number,
		standardRate?: (y: number) => number,
	): void => {
		stock(ctx, `${prefix}_PATIENTS`, catchment, patients, { spread: 0.2 });
		const managedTotal = (y: number): number => (y === BASE_YEAR ? managed2020 : patients(y) * managedRate(y));
		stock(ctx, `${prefix}_MANAGED`, catchment, managedTotal, { spread: 0.05, capBy: `${prefix}_PATIENTS` });
		if (standardRate) {
			stock(ctx, `${prefix}_STANDARD`, catchment, (y) => managedTotal(y) * standardRate(y), {
				spread: 0.08,
				capBy: `${prefix}_MANAGED`,
			});
		}
	};
	chronic("HTN", (y) => (y === BASE_YEAR ? 10_418 : 10_418 * 1.025 ** (y - BASE_YEAR)), linear(0.91, 0.925), 9_480, linear(0.78, 0.82));
	chronic("DM", (y) => (y === BASE_YEAR ? 3_158 : 3_158 * 1.04 ** (y - BASE_YEAR)), linear(0.994, 0.986), 3_139, linear(0.74, 0.8));
	chronic("TB", (y) => Math.max(20, 40 - 2 * (y - BASE_YEAR)), () => 0.95, 38);
	chronic("SMI", (y) => (y === BASE_YEAR ? 930 : 930 + 12 * (y - BASE_YEAR)), linear(0.8602, 0.91), 800);
	stock(ctx, "ELDERLY_MANAGED", catchment, (y) => (y === BASE_YEAR ? C.elderlyManaged : elderly(y) * linear(0.78, 0.812)(y)), {
		spread: 0.05,
		capBy: "ELDERLY_POP",
	});

	// --- primary-care network -----------------------------------------------------------------------
	// 69 company clinics across the 14 regiments, 10 community stations across the 2 centres, plus the
	// 16 facilities themselves: 95 sites, constant.
	const companies = apportion(
		69,
		regiments.map((u) => CATCHMENT_POP[u.id] ?? 0),
	);
	const sitesOf = new Map<string, number>();
	regiments.forEach((u, i) => {
		sitesOf.set(u.id, 1 + (companies[i] ?? 0));
	});
	for (const u of chcs) sitesOf.set(u.id, 6);
	const sitesTotal = [...sitesOf.values()].reduce((a, b) => a + b, 0);
	stock(ctx, "PRIMARY_SITES", catchment, () => sitesTotal, { spread: 0, weight: (u) => sitesOf.get(u.id) ?? 0 });
	stock(ctx, "TCM_SITES", catchment, (y) => Math.min(sitesTotal, linear(66, 87)(y)), { spread: 0.2, capBy: "PRIMARY_SITES" });
	stock(ctx, "TELEMED_SITES", catchment, (y) => Math.min(sitesTotal, linear(58, 100)(y)), {
		spread: 0.2,
		capBy: "PRIMARY_SITES",
	});
	stock(ctx, "TOWN_CENTRES_PLANNED", regiments, () => 3 * regiments.length, { spread: 0, weight: () => 1 });
	stock(ctx, "TOWN_CENTRES_OPERATING", regiments, (y) => Math.min(42, linear(18, 36)(y)), {
		spread: 0.3,
		capBy: "TOWN_CENTRES_PLANNED",
	});

	// --- flows ------------------------------------------------------------------------------------
	flow(ctx, "LIVE_BIRTHS", catchment, (y) => vitalFor(y).births, { spread: 0.1 });
	placeDeaths(ctx, catchment);
	flow(ctx, "IMM_DOSES_DUE", catchment, (y) => vitalFor(y).births * 21, { spread: 0.1 });
	derivedFlow(ctx, "IMM_DOSES_GIVEN", "IMM_DOSES_DUE", catchment, () => 0.978, 0.012);

	const visits = (regiment2020: number, growth: number) => (y: number) =>
		y === BASE_YEAR ? regiment2020 : regiment2020 * (1.02 + growth) ** (y - BASE_YEAR) * (y === 2021 ? 1.06 : 1.1);
	flow(ctx, "OUTPATIENT_VISITS", regiments, visits(C.regimentOutpatientVisits, 0.01), { spread: 0.15 });
	flow(ctx, "OUTPATIENT_VISITS", divHospitals, visits(780_000, 0.02), { spread: 0.05 });
	flow(ctx, "OUTPATIENT_VISITS", chcs, visits(92_000, 0.03), { spread: 0.1 });
	flow(ctx, "DISCHARGES", regiments, visits(C.regimentDischarges, 0.01), { spread: 0.15 });
	flow(ctx, "DISCHARGES", divHospitals, visits(36_400, 0.02), { spread: 0.05 });
	// In-division rate D / (D + R): 86% in 2020 rising to 90.6% by 2025 (target 90%).
	const inDivision = linear(0.86, 0.906);
	derivedFlowRatio(ctx, "REFERRALS_OUT", "DISCHARGES", hospitals, (y) => (1 - inDivision(y)) / inDivision(y), 0.08);

	flow(ctx, "KEY_POP_VISITS", catchment, (y) => 152_000 * 1.04 ** (y - BASE_YEAR), { spread: 0.15 });
	// Target ≥70% by 2025; the demo gets to ~67.5%: behind.
	derivedFlow(ctx, "KEY_POP_PRIMARY_VISITS", "KEY_POP_VISITS", catchment, linear(0.61, 0.675), 0.03);

	// Money: regiment hospitals spent about their 6,902万元 income in 2020; division hospitals ~50,000万元.
	flowMoney(ctx, "BUSINESS_EXPENDITURE", regiments, (y) => 6_800 * 1.05 ** (y - BASE_YEAR));
	flowMoney(ctx, "BUSINESS_EXPENDITURE", divHospitals, (y) => 50_000 * 1.06 ** (y - BASE_YEAR));
	// Staff share about 45% is the aim; the demo reaches ~40.5%: behind.
	derivedMoney(ctx, "STAFF_EXPENDITURE", "BUSINESS_EXPENDITURE", hospitals, linear(0.36, 0.405));

	flow(ctx, "OCC_EXAMS_DUE", cdc, (y) => 5_400 * 1.03 ** (y - BASE_YEAR), { spread: 0 });
	derivedFlow(ctx, "OCC_EXAMS_DONE", "OCC_EXAMS_DUE", cdc, (y) => Math.min(0.99, linear(0.88, 0.958)(y)), 0.01);
	flow(ctx, "BLOOD_UNITS_COLLECTED", blood, (y) => 6_200 * 1.03 ** (y - BASE_YEAR), { spread: 0 });
	derivedFlow(ctx, "BLOOD_UNITS_NAT", "BLOOD_UNITS_COLLECTED", blood, (y) => (y >= 2022 ? 1 : y === 2021 ? 0.96 : 0.9), 0);
}

/** A flow at a ratio of another flow that may exceed 1 per unit (referrals per discharge). */
function derivedFlowRatio(
	ctx: Ctx,
	code: string,
	parent: string,
	units: OrgUnit[],
	ratio: (year: number) => number,
	noise: number,
): void {
	for (const u of units) {
		const rng = rngFor(ctx, `ratio:${code}:${u.id}`);
		// Remote regiments refer more patients out than the division hospitals do.
		const bias = u.type === "division-hospital" ? 0.8 : 1.5 * unitBias(ctx, code, u.id, 0.2);
		for (const year of ctx.years) {
			if (year < BASE_YEAR) continue;
			for (let m = 1; m <= 12; m++) {
				const month = `${year}-${String(m).padStart(2, "0")}`;
				const p = flowValue(ctx, parent, u.id, month);
				setFlow(ctx, code, u.id, month, Math.max(0, Math.round(p * ratio(year) * bias * (1 + noise * rng.normal()))));
			}
		}
	}
}

function flowMoney(ctx: Ctx, code: string, units: OrgUnit[], total: (year: number) => number): void {
	// Split in 0.1万元 steps so the money adds up exactly, then scale back.
	flow(ctx, code, units, (y) => total(y) * 10, { spread: 0.15 });
	for (const u of units) {
		const byMonth = ctx.flows.get(code)?.get(u.id);
		if (!byMonth) continue;
		for (const [month, v] of byMonth) byMonth.set(month, roundMoney(v / 10));
	}
}

function derivedMoney(ctx: Ctx, code: string, parent: string, units: OrgUnit[], share: (year: number) => number): void {
	for (const u of units) {
		const rng = rngFor(ctx, `money:${code}:${u.id}`);
		const bias = unitBias(ctx, code, u.id, 0.08);
		for (const year of ctx.years) {
			if (year < BASE_YEAR) continue;
			for (let m = 1; m <= 12; m++) {
				const month = `${year}-${String(m).padStart(2, "0")}`;
				const p = flowValue(ctx, parent, u.id, month);
				const s = Math.min(0.95, share(year) * bias * (1 + 0.03 * rng.normal()));
				setFlow(ctx, code, u.id, month, Math.min(p, roundMoney(p * s)));
			}
		}
	}
}

/**
 * Places the year's infant, other under-5 and maternal deaths in unit-months, weighted by births.
 * An infant death goes only where that month's births cover it (so the births/deaths warning stays
 * quiet), and under-5 deaths always include the infant deaths.
 */
function placeDeaths(ctx: Ctx, units: OrgUnit[]): void {
	for (const year of ctx.years) {
		if (year < BASE_YEAR) continue;
		const rng = rngFor(ctx, `deaths:${year}`);
		const v = vitalFor(year);
		const cells: Array<{ unitId: string; month: PeriodId; births: number }> = [];
		for (const u of units) {
			for (let m = 1; m <= 12; m++) {
				const month = `${year}-${String(m).padStart(2, "0")}`;
				cells.push({ unitId: u.id, month, births: flowValue(ctx, "LIVE_BIRTHS", u.id, month) });
			}
		}
		const infant = new Map<number, number>();
		const child = new Map<number, number>();
		const maternal = new Map<number, number>();
		for (let k = 0; k < v.infant; k++) {
			const i = rng.weighted(cells.map((c, idx) => (c.births > (infant.get(idx) ?? 0) ? c.births : 0)));
			infant.set(i, (infant.get(i) ?? 0) + 1);
		}
		for (let k = 0; k < v.child; k++) {
			const i = rng.weighted(cells.map((c) => c.births + 1));
			child.set(i, (child.get(i) ?? 0) + 1);
		}
		for (let k = 0; k < v.maternal; k++) {
			const i = rng.weighted(cells.map((c) => c.births));
			maternal.set(i, (maternal.get(i) ?? 0) + 1);
		}
		cells.forEach((c, idx) => {
			const inf = infant.get(idx) ?? 0;
			setFlow(ctx, "INFANT_DEATHS", c.unitId, c.month, inf);
			setFlow(ctx, "U5_DEATHS", c.unitId, c.month, inf + (child.get(idx) ?? 0));
			setFlow(ctx, "MATERNAL_DEATHS", c.unitId, c.month, maternal.get(idx) ?? 0);
		});
	}
}

// ---------------------------------------------------------------------------------------------------
// Workflow: statuses, timestamps, comments

const DAY_MS = 24 * 60 * 60 * 1000;

function submittedAround(deadlineIso: string, late: boolean, rng: Random): string {
	const d = new Date(deadlineIso).getTime();
	// On time: 0.5–8.5 days before the deadline; late: 0.3–7 days after it. Whole minutes.
	const offset = late ? rng.between(0.3, 7) * DAY_MS : -rng.between(0.5, 8.5) * DAY_MS;
	return new Date(Math.floor((d + offset) / 60_000) * 60_000).toISOString();
}

const REMOTE_UNITS = new Set(["t36", "t37", "t38"]);

interface LatestPlan {
	missing: Set<string>;
	draft: Set<string>;
	returned: Map<PeriodId, string>;
	submitted: Map<PeriodId, Set<string>>;
}

/** Which units are missing, draft, returned or awaiting approval in the most recent months. */
function planRecent(to: PeriodId, seed: number): LatestPlan {
	const rng = createRandom(deriveSeed(seed, "recent"));
	const regimentIds = monthlyUnits.filter((u) => u.type === "regiment-hospital").map((u) => u.id);
	const shuffled = regimentIds.map((id) => ({ id, k: rng.next() }));
	shuffled.sort((a, b) => a.k - b.k);
	const pickIds = shuffled.map((x) => x.id);
	const [missingA, missingB, draftA, returnedA, returnedB] = pickIds;
	const latestSubmitted = new Set(monthlyUnits.filter(() => rng.chance(0.45)).map((u) => u.id));
	// The commission-level units and the CDC are quick to get approved; keep them off the "awaiting" list.
	latestSubmitted.delete("cdc");
	const prev = addMonths(to, -1);
	const prev2 = addMonths(to, -2);
	return {
		missing: new Set([missingA, missingB].filter((x): x is string => x !== undefined)),
		draft: new Set([draftA, "chc-2"].filter((x): x is string => x !== undefined)),
		returned: new Map([
			[to, returnedA ?? "t21"],
			[prev, returnedB ?? "t22"],
		]),
		submitted: new Map([
			[to, latestSubmitted],
			[prev, new Set(["h-tmg", pickIds[5] ?? "t24"])],
			[prev2, new Set([pickIds[6] ?? "t25"])],
		]),
	};
}

const formCache = new Map<UnitType, ReturnType<typeof elementsForUnitType>>();
function monthlyForm(type: UnitType): ReturnType<typeof elementsForUnitType> {
	let form = formCache.get(type);
	if (!form) {
		form = elementsForUnitType(type, "monthly");
		formCache.set(type, form);
	}
	return form;
}

function monthlyValues(ctx: Ctx, u: OrgUnit, month: PeriodId): ValueMap {
	const values: ValueMap = {};
	for (const e of monthlyForm(u.type as UnitType)) {
		values[e.code] = e.overTime === "stock" ? stockValue(ctx, e.code, u.id, month) : flowValue(ctx, e.code, u.id, month);
	}
	return values;
}

/** Comments a reporter would leave, keyed by what happened in the data. */
function reporterComment(values: ValueMap, month: PeriodId, late: boolean, rng: Random): string | undefined {
	if ((values.MATERNAL_DEATHS ?? 0) > 0) return "本月发生1例孕产妇死亡，已上报并按要求组织死亡评审。";
	if ((values.INFANT_DEATHS ?? 0) > 0 && rng.chance(0.5)) return "本月婴儿死亡病例已完成个案调查并录入妇幼信息系统。";
	if (month === "2020-02" && values.OUTPATIENT_VISITS !== undefined && rng.chance(0.3)) {
		return "受新冠肺炎疫情防控影响，本月门急诊和住院人次明显下降。";
	}
	if (late && rng.chance(0.08)) return "因网络故障和人员外出培训，延迟上报，已补报。";
	return undefined;
}

const RETURN_COMMENTS = [
	"高血压规范管理人数较上月下降较多，请核实后重新提交。",
	"出院人次与病案首页统计不一致，请核对后重新提交。",
];

/**
 * Demo submissions for every reporting unit and month from `from` to `to`, and the commission's yearly
 * figures for every full year in that range. Deterministic: the same options give the same output.
 */
export function generateDemoSubmissions(options: DemoOptions): DemoSubmission[] {
	const from = options.from ?? "2020-01";
	const to = options.to;
	const seed = options.seed ?? DEMO_DEFAULT_SEED;
	const fromP = parse(from);
	const toP = parse(to);
	if (fromP.kind !== "month" || toP.kind !== "month") throw new RangeError("from and to must be months (YYYY-MM)");
	if (fromP.year < BASE_YEAR) throw new RangeError(`Demo data starts in ${BASE_YEAR}-01; got from ${from}`);
	const months = monthRange(from, to);
	if (months.length === 0) return [];

	const years: number[] = [];
	for (let y = BASE_YEAR - 1; y <= toP.year; y++) years.push(y);
	const ctx: Ctx = { seed, years, anchors: new Map(), flows: new Map() };
	buildSeries(ctx);

	const recent = planRecent(to, seed);
	const out: DemoSubmission[] = [];

	for (const month of months) {
		const due = deadline(month);
		for (const u of monthlyUnits) {
			if (month === to && recent.missing.has(u.id)) continue;
			const rng = createRandom(deriveSeed(seed, `wf:${u.id}:${month}`));
			const values = monthlyValues(ctx, u, month);
			const pLate = month.startsWith("2020-0") && Number(month.slice(5)) <= 3 ? 0.25 : REMOTE_UNITS.has(u.id) ? 0.15 : 0.04;

			if (month === to && recent.draft.has(u.id)) {
				// Half-filled form, saved a few days after the deadline.
				for (const code of Object.keys(values)) if (rng.chance(0.4)) values[code] = null;
				out.push({
					unitId: u.id,
					period: month,
					values,
					status: "draft",
					submittedAt: submittedAround(due, true, rng),
					late: false,
					comment: "部分数据待财务科和公卫科核对后提交。",
				});
				continue;
			}

			const late = rng.chance(pLate);
			const submittedAt = submittedAround(due, late, rng);
			let status: SubmissionStatus = "approved";
			let reviewComment: string | undefined;
			if (recent.returned.get(month) === u.id) {
				status = "returned";
				reviewComment = RETURN_COMMENTS[month === to ? 0 : 1];
			} else if (recent.submitted.get(month)?.has(u.id)) {
				status = "submitted";
			}
			const s: DemoSubmission = { unitId: u.id, period: month, values, status, submittedAt, late: !isOnTime(submittedAt, due) };
			const comment = reporterComment(values, month, late, rng);
			if (comment) s.comment = comment;
			if (reviewComment) s.reviewComment = reviewComment;
			out.push(s);
		}
	}

	// Yearly figures: every year whose December is in range (the survey of the running year is not done).
	const lastFullYear = toP.month === 12 ? toP.year : toP.year - 1;
	for (let year = Math.max(BASE_YEAR, fromP.year); year <= lastFullYear; year++) {
		const period = String(year);
		const due = deadline(period);
		const rng = createRandom(deriveSeed(seed, `wf:${commission.id}:${period}`));
		const values: ValueMap = {};
		for (const e of elementsForUnitType("commission", "yearly")) values[e.code] = yearlyValue(e.code, year);
		// 2021's survey report came in after the March 31 deadline.
		const late = year === 2021;
		const submittedAt = submittedAround(due, late, rng);
		const s: DemoSubmission = {
			unitId: commission.id,
			period,
			values,
			status: "approved",
			submittedAt,
			late: !isOnTime(submittedAt, due),
		};
		if (year === 2022) s.comment = "近视率为2022年学生常见病监测结果，监测样本较上年扩大。";
		if (late) s.comment = "健康素养监测报告待兵团反馈，延迟上报。";
		out.push(s);
	}
	return options.now ? respectTime(out, options.now, seed) : out.map((s) => (s.status === "approved" || s.status === "returned" ? { ...s, reviewedAt: s.submittedAt } : s));
}

/** When reporting for a period opens: the start of the next month (or year), Asia/Shanghai. */
const opensAt = (period: PeriodId): number => {
	const p = parse(period);
	if (p.kind === "year") return Date.parse(`${p.year + 1}-01-01T00:00:00+08:00`);
	return Date.parse(`${addMonths(period, 1)}-01T00:00:00+08:00`);
};

const iso = (ms: number): string => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

/**
 * Makes a demo history true as of `now`: a submission planned after it has not happened (the unit has a
 * draft saved since reporting opened, or nothing yet), a review planned after it is still pending, and
 * lateness follows from the deadline as it stands at `now`.
 */
function respectTime(planned: DemoSubmission[], now: Date, seed: number): DemoSubmission[] {
	const nowMs = now.getTime();
	const out: DemoSubmission[] = [];
	for (const s of planned) {
		const rng = createRandom(deriveSeed(seed, `time:${s.unitId}:${s.period}`));
		const open = opensAt(s.period);
		const due = deadline(s.period);
		if (open >= nowMs) continue;
		if (Date.parse(s.submittedAt) > nowMs) {
			// Not submitted by now. Some units have started: a draft saved between the opening and now.
			if (s.status !== "draft" && !rng.chance(0.35)) continue;
			const values: ValueMap = { ...s.values };
			if (s.status !== "draft") for (const code of Object.keys(values)) if (rng.chance(0.4)) values[code] = null;
			out.push({
				unitId: s.unitId,
				period: s.period,
				values,
				status: "draft",
				submittedAt: iso(open + rng.between(0.1, 0.9) * (nowMs - open)),
				late: false,
				...(s.comment && s.status === "draft" ? { comment: s.comment } : {}),
			});
			continue;
		}
		const next: DemoSubmission = { ...s, late: s.status === "draft" ? false : !isOnTime(s.submittedAt, due) };
		if (s.status === "approved" || s.status === "returned") {
			// Approvers review within a few days; a review that would come after now has not happened yet.
			const reviewed = Date.parse(s.submittedAt) + rng.between(0.1, 3) * DAY_MS;
			if (reviewed > nowMs) {
				next.status = "submitted";
				delete next.reviewComment;
			} else next.reviewedAt = iso(reviewed);
		}
		out.push(next);
	}
	return out;
}
