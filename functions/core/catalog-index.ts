// The catalog as loaded (from the table in AWS and local mode; seeded from functions/core/catalog/),
// with the lookups every service needs.
import type { AggContext } from "./aggregation";
import type { DataElement, FormSection, Indicator, OrgUnit, Plan, UnitType, ValidationRule } from "./types";

export interface Catalog {
	units: OrgUnit[];
	elements: DataElement[];
	sections: FormSection[];
	indicators: Indicator[];
	plans: Plan[];
	rules: ValidationRule[];
}

export interface CatalogIndex {
	catalog: Catalog;
	/** What the aggregation maths needs: elements and units by id. */
	agg: AggContext;
	unitById: ReadonlyMap<string, OrgUnit>;
	elementByCode: ReadonlyMap<string, DataElement>;
	indicatorByCode: ReadonlyMap<string, Indicator>;
	planById: ReadonlyMap<string, Plan>;
	divisionId: string;
}

export const indexCatalog = (c: Catalog): CatalogIndex => {
	const unitById = new Map(c.units.map((u) => [u.id, u]));
	const elementByCode = new Map(c.elements.map((e) => [e.code, e]));
	const division = c.units.find((u) => u.level === "division");
	if (!division) throw new Error("The catalog has no division");
	return {
		catalog: c,
		agg: { elements: elementByCode, units: unitById },
		unitById,
		elementByCode,
		indicatorByCode: new Map(c.indicators.map((i) => [i.code, i])),
		planById: new Map(c.plans.map((p) => [p.id, p])),
		divisionId: division.id,
	};
};

/** True when `orgId` is `ancestorId` or lies below it. */
export const isWithin = (idx: Pick<CatalogIndex, "unitById">, orgId: string, ancestorId: string): boolean => {
	let cur: string | null | undefined = orgId;
	while (cur) {
		if (cur === ancestorId) return true;
		cur = idx.unitById.get(cur)?.parentId;
	}
	return false;
};

/** Reporting units (level "unit", active) at or below an org unit. */
export const reportingUnitsUnder = (idx: Pick<CatalogIndex, "unitById">, orgId: string): OrgUnit[] =>
	[...idx.unitById.values()].filter((u) => u.level === "unit" && u.active !== false && isWithin(idx, u.id, orgId)).sort((a, b) => a.order - b.order);

export const childrenOf = (idx: Pick<CatalogIndex, "unitById">, orgId: string): OrgUnit[] =>
	[...idx.unitById.values()].filter((u) => u.parentId === orgId).sort((a, b) => a.order - b.order);

/**
 * The data elements on a unit type's form for monthly or yearly periods; retired ones are left off. With a
 * period, an element made required after it (`requiredFrom`) is optional there, so past forms stay valid.
 */
export const formElements = (elements: Iterable<DataElement>, type: UnitType | undefined, frequency: "monthly" | "yearly", period?: string): DataElement[] =>
	[...elements]
		.filter((e) => type !== undefined && e.frequency === frequency && e.reportedBy.includes(type) && !e.retired)
		.sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
		.map((e) => (period !== undefined && e.requiredFrom !== undefined && e.requiredToSubmit && period < e.requiredFrom.slice(0, period.length) ? { ...e, requiredToSubmit: false } : e));

/**
 * The plan a dashboard, an export or a summary uses when none is asked for: the most recent plan that has
 * started by `year` (十四五 until an admin adds the 15th plan), the longer one on a tie. A plan that sets no
 * target yet (one just copied from actuals, its targets still to be entered) is passed over while another has
 * targets: a dashboard of baselines with nothing to judge against is not a default.
 */
export const defaultPlan = <P extends { startYear: number; endYear: number; indicators?: readonly { targets: readonly unknown[] }[] }>(plans: readonly P[], year: number): P | undefined => {
	const hasTargets = (p: P) => !p.indicators || p.indicators.some((pi) => pi.targets.length > 0);
	const started = [...plans].filter((p) => p.startYear <= year).sort((a, b) => b.startYear - a.startYear || b.endYear - a.endYear);
	return started.find(hasTargets) ?? started[0] ?? plans[0];
};
