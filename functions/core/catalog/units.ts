// The organisation hierarchy: 第二师铁门关市 → four 垦区 → reporting units.
// Names the seed plans print are used verbatim; units the seeds only count (14 团（镇）医院, 2 社区卫生服务中心)
// are filled in with real 2nd-Division regiment numbers and carry `placeholder: true` (see docs/catalog.md).

import type { OrgUnit, UnitType } from "../types";

export const DIVISION_ID = "div";

/** The four 垦区 named in the 十四五 plan (第一章第二节). */
export const AREA_IDS = ["korla", "yanqi", "tarim", "qieruo"] as const;
export type AreaId = (typeof AREA_IDS)[number];

const division: OrgUnit = {
	id: DIVISION_ID,
	level: "division",
	parentId: null,
	name: { zh: "第二师铁门关市", en: "2nd Division (Tiemenguan City)" },
	order: 1,
};

const areas: OrgUnit[] = [
	{ id: "korla", level: "area", parentId: DIVISION_ID, name: { zh: "库尔勒垦区", en: "Korla Area" }, order: 1 },
	{ id: "yanqi", level: "area", parentId: DIVISION_ID, name: { zh: "焉耆垦区", en: "Yanqi Area" }, order: 2 },
	{ id: "tarim", level: "area", parentId: DIVISION_ID, name: { zh: "塔里木垦区", en: "Tarim Area" }, order: 3 },
	{ id: "qieruo", level: "area", parentId: DIVISION_ID, name: { zh: "且若垦区", en: "Qiemo–Ruoqiang Area" }, order: 4 },
];

function unit(
	id: string,
	parentId: string,
	type: UnitType,
	zh: string,
	en: string,
	order: number,
	placeholder = false,
): OrgUnit {
	const u: OrgUnit = { id, level: "unit", parentId, type, name: { zh, en }, order, active: true };
	if (placeholder) u.placeholder = true;
	return u;
}

function ordinal(n: number): string {
	const tens = n % 100;
	if (tens >= 11 && tens <= 13) return `${n}th`;
	const last = n % 10;
	return `${n}${last === 1 ? "st" : last === 2 ? "nd" : last === 3 ? "rd" : "th"}`;
}

/** The 14 团（镇）医院 with their 垦区. Regiments the seeds name are 33, 34, 36, 37, 38 and 223. */
const regiments: Array<{ n: number; area: AreaId; named: boolean }> = [
	{ n: 21, area: "yanqi", named: false },
	{ n: 22, area: "yanqi", named: false },
	{ n: 24, area: "yanqi", named: false },
	{ n: 25, area: "yanqi", named: false },
	{ n: 27, area: "yanqi", named: false },
	{ n: 223, area: "yanqi", named: true },
	{ n: 29, area: "korla", named: false },
	{ n: 30, area: "korla", named: false },
	{ n: 31, area: "tarim", named: false },
	{ n: 33, area: "tarim", named: true },
	{ n: 34, area: "tarim", named: true },
	{ n: 36, area: "qieruo", named: true },
	{ n: 37, area: "qieruo", named: true },
	{ n: 38, area: "qieruo", named: true },
];

const reportingUnits: OrgUnit[] = [
	// Reports the division-level yearly survey figures; sits directly under the division, after the areas.
	unit("wjw", DIVISION_ID, "commission", "师市卫生健康委员会", "Division Health Commission", 5),
	unit("h-korla", "korla", "division-hospital", "师库尔勒医院", "Division Korla Hospital", 10),
	unit("h-tmg", "korla", "division-hospital", "铁门关市人民医院", "Tiemenguan City People's Hospital", 11),
	unit("cdc", "korla", "cdc", "师疾控中心", "Division CDC", 12),
	unit("chc-1", "korla", "community-health-centre", "铁门关市第一社区卫生服务中心", "Tiemenguan No. 1 Community Health Centre", 13, true),
	unit("chc-2", "korla", "community-health-centre", "铁门关市第二社区卫生服务中心", "Tiemenguan No. 2 Community Health Centre", 14, true),
	unit("h-yanqi", "yanqi", "division-hospital", "师焉耆医院", "Division Yanqi Hospital", 10),
	unit("blood", "yanqi", "blood-station", "师焉耆中心血站", "Division Yanqi Central Blood Station", 11),
	...regiments.map((r, i) =>
		unit(`t${r.n}`, r.area, "regiment-hospital", `${r.n}团医院`, `${ordinal(r.n)} Regiment Hospital`, 20 + i, !r.named),
	),
];

export const orgUnits: OrgUnit[] = [division, ...areas, ...reportingUnits];

const byId = new Map(orgUnits.map((u) => [u.id, u]));

export function unitById(id: string): OrgUnit | undefined {
	return byId.get(id);
}

/** Direct children, in display order. */
export function childrenOf(orgId: string): OrgUnit[] {
	return orgUnits.filter((u) => u.parentId === orgId).sort((a, b) => a.order - b.order);
}

/** True when `orgId` is `ancestorId` or lies below it. */
export function isWithin(orgId: string, ancestorId: string): boolean {
	let current = byId.get(orgId);
	while (current) {
		if (current.id === ancestorId) return true;
		current = current.parentId === null ? undefined : byId.get(current.parentId);
	}
	return false;
}

/** The 垦区 a unit (or an area itself) belongs to; null for the division and units directly under it. */
export function areaOf(unitId: string): string | null {
	let current = byId.get(unitId);
	while (current) {
		if (current.level === "area") return current.id;
		current = current.parentId === null ? undefined : byId.get(current.parentId);
	}
	return null;
}

/** Reporting units (level "unit") at or below `orgId`, in hierarchy order. Unknown ids give []. */
export function reportingUnitsUnder(orgId: string, includeInactive = false): OrgUnit[] {
	const out: OrgUnit[] = [];
	const visit = (u: OrgUnit): void => {
		if (u.level === "unit") {
			if (includeInactive || u.active !== false) out.push(u);
			return;
		}
		for (const child of childrenOf(u.id)) visit(child);
	};
	const start = byId.get(orgId);
	if (start) visit(start);
	return out;
}
