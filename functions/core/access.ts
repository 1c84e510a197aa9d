// The one access policy. Every route in functions/routes.ts declares its roles and scope check; this
// module decides allow or deny for a principal and the route's parameters. A route that is not declared
// never reaches here (the router answers 404), so anything undeclared is denied.
import { type CatalogIndex, isWithin } from "./catalog-index";
import { AppError, forbidden, notFound } from "./errors";
import type { Principal, Role } from "./types";

/**
 * How a route's org-unit parameters are checked against the caller's org scope.
 * - none: any caller with one of the roles.
 * - unit-path: the `{unitId}` path parameter must lie in the caller's scope for `access`.
 * - org-query: the `orgUnit` query parameter (default: the caller's scope root) must be readable.
 * - org-query-children: as org-query, and the caller must be able to read every child too (breakdowns).
 * - summary-scope: the `{scope}` path parameter is an org id the caller may read.
 */
export type ScopeCheck =
	| { kind: "none" }
	| { kind: "unit-path"; access: "read" | "write" | "approve" }
	| { kind: "org-query"; param: "orgUnit" }
	| { kind: "org-query-children"; param: "orgUnit" }
	| { kind: "summary-scope" };

/** The part of a route declaration (functions/routes.ts) that the access policy enforces. */
export interface AccessRule {
	/** "public" routes get no authorizer (only health and the OIDC provider). */
	roles: Role[] | "public";
	scope: ScopeCheck;
}

export interface AccessRequest {
	pathParameters: Record<string, string | undefined>;
	query: Record<string, string | undefined>;
}

export interface AccessDecision {
	/** The org unit a read is about: the `orgUnit` query (or its default) for org-query routes. */
	orgUnit?: string;
	/** The roles that granted access. */
	via: Role[];
}

type ScopeIdx = Pick<CatalogIndex, "unitById" | "divisionId">;

/** The org a principal reads by default: a reporter's unit, otherwise their scope root. */
export const defaultOrg = (p: Principal): string => p.orgScope;

const canReadOrg = (idx: ScopeIdx, role: Role, p: Principal, orgId: string): boolean => {
	switch (role) {
		case "admin":
			return true;
		case "reporter":
			// Reporters see their own unit and the division totals, nothing in between.
			return orgId === p.orgScope || orgId === idx.divisionId;
		case "approver":
		case "leader":
			return isWithin(idx, orgId, p.orgScope);
	}
};

const canReadChildren = (idx: ScopeIdx, role: Role, p: Principal, orgId: string): boolean => {
	if (role === "reporter") return orgId === p.orgScope;
	return canReadOrg(idx, role, p, orgId);
};

const unitAllowed = (idx: ScopeIdx, role: Role, p: Principal, unitId: string, access: "read" | "write" | "approve"): boolean => {
	if (role === "admin") return true;
	if (access === "write") return role === "reporter" && unitId === p.orgScope;
	if (access === "approve") return role === "approver" && isWithin(idx, unitId, p.orgScope);
	if (role === "reporter") return unitId === p.orgScope;
	return isWithin(idx, unitId, p.orgScope);
};

const requireKnownOrg = (idx: ScopeIdx, orgId: string | undefined, name: string): string => {
	if (!orgId) throw new AppError("bad-request", `缺少参数 ${name} (missing ${name})`, { [name]: "必填 (required)" });
	if (!idx.unitById.has(orgId)) throw notFound(`未知机构 ${orgId} (unknown org unit)`);
	return orgId;
};

export const authorize = (route: AccessRule, principal: Principal | null, req: AccessRequest, idx: ScopeIdx): AccessDecision => {
	if (route.roles === "public") return { via: [] };
	if (!principal) throw new AppError("unauthorized", "Authentication required");
	const roles = principal.roles.filter((r) => (route.roles as Role[]).includes(r));
	if (roles.length === 0) throw forbidden("无权访问 (your role may not use this)");
	const scope = route.scope;
	let orgUnit: string | undefined;
	let ok: (role: Role) => boolean;
	switch (scope.kind) {
		case "none":
			ok = () => true;
			break;
		case "unit-path": {
			const unitId = requireKnownOrg(idx, req.pathParameters.unitId ?? req.query.unitId, "unitId");
			ok = (role) => unitAllowed(idx, role, principal, unitId, scope.access);
			break;
		}
		case "org-query":
		case "org-query-children": {
			orgUnit = requireKnownOrg(idx, req.query[scope.param] ?? defaultOrg(principal), scope.param);
			const o = orgUnit;
			ok = (role) => (scope.kind === "org-query" ? canReadOrg(idx, role, principal, o) : canReadChildren(idx, role, principal, o));
			break;
		}
		case "summary-scope": {
			const o = requireKnownOrg(idx, req.pathParameters.scope, "scope");
			ok = (role) => canReadOrg(idx, role, principal, o);
			break;
		}
	}
	const via = roles.filter(ok);
	if (via.length === 0) throw forbidden("超出您的机构权限范围 (outside your org scope)");
	return { orgUnit, via };
};
