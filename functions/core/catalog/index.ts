// The catalog: org units, data elements, indicators, plans and validation rules, all data.
// Everything else (handlers, the summary job, the web app) reads the catalog through this module.

import type { Catalog } from "../catalog-index";
import type { DataElement, Indicator, Plan, UnitType } from "../types";
import { dataElements, formSections } from "./data-elements";
import { indicators } from "./indicators";
import { plans } from "./plans";
import { validationRules } from "./rules";
import { orgUnits } from "./units";

export { dataElements, formSections } from "./data-elements";
export { indicators } from "./indicators";
export { plans } from "./plans";
export { validationRules } from "./rules";
export {
	AREA_IDS,
	type AreaId,
	areaOf,
	childrenOf,
	DIVISION_ID,
	isWithin,
	orgUnits,
	reportingUnitsUnder,
	unitById,
} from "./units";

/** The catalog as this code defines it: what a deploy (the seed custom resource) and `npm start` seed. */
export const codeCatalog = (): Catalog => ({
	units: orgUnits,
	elements: dataElements,
	sections: formSections,
	indicators,
	plans,
	rules: validationRules,
});

const elementsByCode = new Map(dataElements.map((e) => [e.code, e]));
const indicatorsByCode = new Map(indicators.map((i) => [i.code, i]));
const plansById = new Map(plans.map((p) => [p.id, p]));

export function elementByCode(code: string): DataElement | undefined {
	return elementsByCode.get(code);
}

export function indicatorByCode(code: string): Indicator | undefined {
	return indicatorsByCode.get(code);
}

export function planById(id: string): Plan | undefined {
	return plansById.get(id);
}

/** The elements on the form of a unit of this type for this frequency, in section then catalog order. */
export function elementsForUnitType(type: UnitType, frequency: "monthly" | "yearly"): DataElement[] {
	const sectionOrder = new Map(formSections.map((s) => [s.id, s.order]));
	return dataElements
		.map((e, i) => ({ e, i }))
		.filter(({ e }) => e.frequency === frequency && e.reportedBy.includes(type))
		.sort((a, b) => (sectionOrder.get(a.e.section) ?? 99) - (sectionOrder.get(b.e.section) ?? 99) || a.i - b.i)
		.map(({ e }) => e);
}

/** FNV-1a, 32 bit: a cheap, stable fingerprint of the catalog content. */
function fnv1a(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Changes whenever any catalog content changes, so caches (the web app, stored progress snapshots)
 * can tell whether they were built from the same catalog.
 */
export const catalogVersion = `1-${fnv1a(
	JSON.stringify({ orgUnits, formSections, dataElements, indicators, plans, validationRules }),
)}`;
