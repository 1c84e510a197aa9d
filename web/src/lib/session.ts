// Who is signed in (from GET /api/me), the catalog the pages share, and what each role may open.
import { writable } from "svelte/store";
import type { OrgUnit, Role } from "$core/types";
import { api } from "./api";
import { NAV, type NavItem } from "./nav";

export interface Me {
	sub: string;
	name?: string;
	email?: string;
	roles: Role[];
	orgScope: string;
	org: OrgUnit | null;
}

export const me = writable<Me | null>(null);

export const hasRole = (m: Me | null, ...roles: Role[]): boolean => !!m && m.roles.some((r) => roles.includes(r));

export { NAV, type NavItem } from "./nav";

export const navFor = (m: Me | null): NavItem[] => NAV.filter((n) => hasRole(m, ...n.roles));

/** Whether the principal may open a page; detail pages inherit from their section. */
export const mayOpen = (m: Me | null, pathname: string): boolean => {
	if (pathname.startsWith("/indicators/")) return hasRole(m, "reporter", "approver", "leader", "admin");
	const item = [...NAV].sort((a, b) => b.href.length - a.href.length).find((n) => (n.href === "/" ? pathname === "/" : pathname === n.href || pathname.startsWith(`${n.href}/`)));
	return item ? hasRole(m, ...item.roles) : true;
};

// ---------------------------------------------------------------------------------------------
// Catalog reads shared by the pages, fetched once per session.

export interface PlanSummary {
	id: string;
	name: { zh: string; en: string };
	shortName: { zh: string; en: string };
	startYear: number;
	endYear: number;
	baseYear: number;
	targetYear: number;
	indicatorCount: number;
}

const memo = <T>(load: () => Promise<T>) => {
	let p: Promise<T> | undefined;
	const get = (): Promise<T> => {
		p ??= load().catch((e: unknown) => {
			p = undefined;
			throw e;
		});
		return p;
	};
	get.reset = () => {
		p = undefined;
	};
	return get;
};

export const getUnits = memo(() => api.get<OrgUnit[]>("/units"));
export const getPlans = memo(() => api.get<PlanSummary[]>("/plans"));

export interface OrgOption {
	id: string;
	unit: OrgUnit;
	depth: number;
}

const isWithin = (byId: Map<string, OrgUnit>, id: string, ancestor: string): boolean => {
	let cur: string | null | undefined = id;
	while (cur) {
		if (cur === ancestor) return true;
		cur = byId.get(cur)?.parentId;
	}
	return false;
};

/** The org units a principal may read, in tree order (division, then each 垦区 with its units). */
export const readableOrgs = (units: OrgUnit[], m: Me | null): OrgOption[] => {
	if (!m) return [];
	const byId = new Map(units.map((u) => [u.id, u]));
	const out: OrgOption[] = [];
	const walk = (parentId: string | null, depth: number) => {
		for (const u of units.filter((x) => x.parentId === parentId).sort((a, b) => a.order - b.order)) {
			out.push({ id: u.id, unit: u, depth });
			walk(u.id, depth + 1);
		}
	};
	walk(null, 0);
	if (hasRole(m, "admin")) return out;
	const division = units.find((u) => u.level === "division")?.id;
	return out.filter((o) => {
		if (hasRole(m, "approver", "leader") && isWithin(byId, o.id, m.orgScope)) return true;
		if (hasRole(m, "reporter") && (o.id === m.orgScope || o.id === division)) return true;
		return false;
	});
};

/** The plan a dashboard opens with: the same rule as the API's and the summary's (the 15th plan once added). */
export { defaultPlan } from "$core/catalog-index";
