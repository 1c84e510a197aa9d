// The site's navigation in one place: the main sections by role and the admin sections. The layouts render
// these lists, and the browser audit (test/browser/audit.test.ts) visits every entry, so a page added here
// is audited without anyone remembering to list it. Types only are imported, so node can load this file.
// A relative path, not $core: the root type-check and the node tests load this file without Vite's aliases.
import type { Role } from "../../../functions/core/types";
import type { MessageKey } from "./i18n/zh-CN";

export interface NavItem {
	href: string;
	key: MessageKey;
	roles: Role[];
}

/** The pages by role: a leader has no data entry, reporters enter and read, approvers review. */
export const NAV: NavItem[] = [
	{ href: "/", key: "nav.dashboard", roles: ["reporter", "approver", "leader", "admin"] },
	{ href: "/entry", key: "nav.entry", roles: ["reporter", "admin"] },
	{ href: "/approvals", key: "nav.approvals", roles: ["approver", "admin"] },
	{ href: "/completeness", key: "nav.completeness", roles: ["approver", "leader", "admin"] },
	{ href: "/summaries", key: "nav.summaries", roles: ["approver", "leader", "admin"] },
	{ href: "/evaluation", key: "nav.evaluation", roles: ["approver", "leader", "admin"] },
	{ href: "/admin", key: "nav.admin", roles: ["admin"] },
];

/** The admin sections (tabs on every admin page, tiles on /admin). */
export const ADMIN_NAV: { href: string; title: MessageKey; text: MessageKey }[] = [
	{ href: "/admin/units", title: "admin.units", text: "admin.unitsText" },
	{ href: "/admin/users", title: "admin.users", text: "admin.usersText" },
	{ href: "/admin/recipients", title: "admin.recipients", text: "admin.recipientsText" },
	{ href: "/admin/deliveries", title: "admin.deliveries", text: "admin.deliveriesText" },
	{ href: "/admin/plans", title: "admin.plans", text: "admin.plansText" },
	{ href: "/admin/elements", title: "admin.elements", text: "admin.elementsText" },
	{ href: "/admin/indicators", title: "admin.indicators", text: "admin.indicatorsText" },
	{ href: "/admin/rules", title: "admin.rules", text: "admin.rulesText" },
	{ href: "/admin/data", title: "admin.data", text: "admin.dataText" },
	{ href: "/admin/notices", title: "admin.notices", text: "admin.noticesText" },
];
