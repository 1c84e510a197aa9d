// Synthetic catalog extensions and data for the bench: a bench 垦区 under the division holding N synthetic
// regiment hospitals (the unit type with the fullest monthly form), optional extra monthly elements, and
// submissions whose values are a real regiment hospital's demo month (so they pass the same validation).
import type { StoredSubmission, VersionRecord } from "../../functions/commons/submission-repo";
import type { Catalog } from "../../functions/core/catalog-index";
import { formElements } from "../../functions/core/catalog-index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import type { DataElement, OrgUnit, ValueMap } from "../../functions/core/types";
import { codeCatalog } from "../../scripts/lib/seed";

export const BENCH_AREA = "bench";
export const UNIT_TYPE = "regiment-hospital" as const;

export const unitId = (i: number): string => `s${String(i).padStart(5, "0")}`;

export interface SyntheticOptions {
	/** Synthetic regiment hospitals under the bench area. */
	units: number;
	/** Grow the regiment hospital's monthly form to this many elements with synthetic flow counters. */
	monthlyElements?: number;
}

export const syntheticCatalog = (opts: SyntheticOptions): Catalog => {
	const base = codeCatalog();
	const area: OrgUnit = { id: BENCH_AREA, level: "area", parentId: "div", name: { zh: "基准垦区", en: "Bench area" }, order: 9 };
	const units: OrgUnit[] = Array.from({ length: opts.units }, (_, i) => ({
		id: unitId(i),
		level: "unit",
		parentId: BENCH_AREA,
		type: UNIT_TYPE,
		name: { zh: `基准医院${i}`, en: `Bench hospital ${i}` },
		order: 100 + i,
		active: true,
	}));
	const elements = [...base.elements];
	const have = formElements(elements, UNIT_TYPE, "monthly").length;
	for (let i = 0; i < (opts.monthlyElements ?? 0) - have; i++) {
		const el: DataElement = {
			code: `BENCH_X${String(i).padStart(2, "0")}`,
			name: { zh: `基准计数${i}`, en: `Bench counter ${i}` },
			valueType: "integer",
			uom: { zh: "人次", en: "visits" },
			min: 0,
			max: 1_000_000,
			frequency: "monthly",
			reportedBy: [UNIT_TYPE],
			acrossUnits: "sum",
			overTime: "flow",
			section: "services",
			requiredToSubmit: false,
		};
		elements.push(el);
	}
	return { ...base, units: [...base.units, area, ...units], elements };
};

/** A full monthly form of a regiment hospital: 33rd Regiment Hospital's demo values for June 2024, plus synthetic counters. */
export const fullForm = (catalog: Catalog): ValueMap => {
	const demo = generateDemoSubmissions({ from: "2024-06", to: "2024-06" }).find((s) => s.unitId === "t33" && s.period === "2024-06");
	if (!demo) throw new Error("demo generator has no t33 2024-06");
	const values: ValueMap = {};
	for (const el of formElements(catalog.elements, UNIT_TYPE, "monthly")) {
		const v = demo.values[el.code];
		values[el.code] = typeof v === "number" ? v : el.code.startsWith("BENCH_X") ? 100 + (el.code.charCodeAt(el.code.length - 1) % 7) : 0;
	}
	return values;
};

/** Submitted submissions (version 1) and their version records, for SubmissionRepo.bulkLoad. */
export const historyFor = (pairs: readonly { unitId: string; period: string }[], values: ValueMap, at: string): { subs: StoredSubmission[]; versions: VersionRecord[] } => {
	const subs: StoredSubmission[] = [];
	const versions: VersionRecord[] = [];
	for (const { unitId: u, period } of pairs) {
		subs.push({
			unitId: u,
			period,
			values,
			status: "submitted",
			version: 1,
			createdAt: at,
			updatedAt: at,
			updatedBy: `reporter-${u}`,
			submittedAt: at,
			submittedBy: `reporter-${u}`,
			firstSubmittedAt: at,
			late: false,
		});
		versions.push({ unitId: u, period, version: 1, action: "import", status: "submitted", at, by: "bench", values, changed: Object.keys(values) });
	}
	return { subs, versions };
};
