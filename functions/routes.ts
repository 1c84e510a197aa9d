// The one route table. CDK creates an HTTP API route per entry (with the JWT authorizer unless public),
// the local gateway dispatches with it, and the access policy (core/access.ts) enforces `roles` and
// `scope` before any route code runs. A route that is not listed here does not exist and is denied.
import type { AccessRule } from "./core/access";
import type { Role } from "./core/types";

/** The Lambda function that serves a route. One entry file per function under functions/handlers/. */
export type FunctionName = "catalog" | "submissions" | "analytics" | "reports" | "admin" | "metadata" | "users" | "imports" | "summaries" | "oidc";

export type HttpMethod = "GET" | "PUT" | "POST" | "PATCH" | "DELETE" | "ANY";

export interface RouteDef extends AccessRule {
	method: HttpMethod;
	/** API Gateway route path, with `{param}` and `{proxy+}` placeholders. */
	path: string;
	fn: FunctionName;
}

const ALL: Role[] = ["reporter", "approver", "leader", "admin"];
const READERS: Role[] = ["reporter", "approver", "leader", "admin"];
const REVIEWERS: Role[] = ["approver", "leader", "admin"];
const none = { kind: "none" } as const;
const orgQuery = { kind: "org-query", param: "orgUnit" } as const;

export const routes: RouteDef[] = [
	// catalog (issue 2)
	{ method: "GET", path: "/api/health", fn: "catalog", roles: "public", scope: none },
	{ method: "GET", path: "/api/me", fn: "catalog", roles: ALL, scope: none },
	{ method: "GET", path: "/api/plans", fn: "catalog", roles: ALL, scope: none },
	{ method: "GET", path: "/api/indicators", fn: "catalog", roles: ALL, scope: none },
	{ method: "GET", path: "/api/units", fn: "catalog", roles: ALL, scope: none },
	{ method: "GET", path: "/api/data-elements", fn: "catalog", roles: ALL, scope: none },

	// submissions and approval (issue 4)
	{ method: "GET", path: "/api/forms/{unitId}/{period}", fn: "submissions", roles: ["reporter", "approver", "admin"], scope: { kind: "unit-path", access: "read" } },
	{ method: "GET", path: "/api/submissions/{unitId}/{period}", fn: "submissions", roles: READERS, scope: { kind: "unit-path", access: "read" } },
	{ method: "GET", path: "/api/submissions/{unitId}/{period}/history", fn: "submissions", roles: READERS, scope: { kind: "unit-path", access: "read" } },
	{ method: "PUT", path: "/api/submissions/{unitId}/{period}", fn: "submissions", roles: ["reporter", "admin"], scope: { kind: "unit-path", access: "write" } },
	{ method: "POST", path: "/api/submissions/{unitId}/{period}/approve", fn: "submissions", roles: ["approver", "admin"], scope: { kind: "unit-path", access: "approve" } },
	{ method: "POST", path: "/api/submissions/{unitId}/{period}/return", fn: "submissions", roles: ["approver", "admin"], scope: { kind: "unit-path", access: "approve" } },
	{ method: "GET", path: "/api/approvals", fn: "submissions", roles: ["approver", "admin"], scope: orgQuery },

	// analytics (issue 4)
	{ method: "GET", path: "/api/progress", fn: "analytics", roles: READERS, scope: orgQuery },
	{ method: "GET", path: "/api/indicators/{code}/series", fn: "analytics", roles: READERS, scope: orgQuery },
	{ method: "GET", path: "/api/indicators/{code}/breakdown", fn: "analytics", roles: REVIEWERS, scope: { kind: "org-query-children", param: "orgUnit" } },
	{ method: "GET", path: "/api/completeness", fn: "analytics", roles: READERS, scope: { kind: "org-query-children", param: "orgUnit" } },
	{ method: "GET", path: "/api/plans/{planId}/evaluation", fn: "reports", roles: ["approver", "leader", "admin"], scope: orgQuery },

	// admin (issues 3, 4, 5)
	{ method: "POST", path: "/api/admin/verify-aggregates", fn: "admin", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/periods/{unitId}/{period}/reopen", fn: "admin", roles: ["admin"], scope: { kind: "unit-path", access: "write" } },
	// workbook imports and exports: their own function, so the workbook reader and writer stay out of admin's cold start
	{ method: "POST", path: "/api/imports", fn: "imports", roles: ["admin"], scope: none },
	{ method: "GET", path: "/api/imports/{importId}", fn: "imports", roles: ["admin"], scope: none },
	{ method: "GET", path: "/api/exports", fn: "imports", roles: ["approver", "leader", "admin"], scope: orgQuery },
	{ method: "POST", path: "/api/completeness/remind", fn: "summaries", roles: ["approver", "admin"], scope: { kind: "unit-path", access: "approve" } },
	// user admin: its own function, the only one holding the Cognito admin client and the right to manage users
	{ method: "GET", path: "/api/admin/users", fn: "users", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/users", fn: "users", roles: ["admin"], scope: none },
	{ method: "PATCH", path: "/api/admin/users/{username}", fn: "users", roles: ["admin"], scope: none },
	{ method: "PUT", path: "/api/admin/units/{unitId}", fn: "admin", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/plans", fn: "admin", roles: ["admin"], scope: none },
	{ method: "PUT", path: "/api/admin/plans/{planId}", fn: "admin", roles: ["admin"], scope: none },
	{ method: "GET", path: "/api/admin/audit", fn: "admin", roles: ["admin"], scope: none },

	// metadata without a deploy: elements, indicators, rules, aggregate rebuild, catalog transfer (issue 15): their own
	// function, so the metadata service and the rebuild stay out of admin's cold start
	{ method: "GET", path: "/api/admin/metadata", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/data-elements", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "PUT", path: "/api/admin/data-elements/{code}", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/indicators", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "PUT", path: "/api/admin/indicators/{code}", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/indicators/preview", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/validation-rules/{id}", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "PUT", path: "/api/admin/validation-rules/{id}", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "DELETE", path: "/api/admin/validation-rules/{id}", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/rebuild-aggregates", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "GET", path: "/api/admin/rebuild-aggregates/{jobId}", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "GET", path: "/api/admin/catalog/export", fn: "metadata", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/catalog/import", fn: "metadata", roles: ["admin"], scope: none },

	// monthly summaries (issue 6)
	{ method: "GET", path: "/api/summaries", fn: "summaries", roles: ["approver", "leader", "admin"], scope: orgQuery },
	{ method: "GET", path: "/api/summaries/{month}/{scope}", fn: "summaries", roles: ["approver", "leader", "admin"], scope: { kind: "summary-scope" } },
	{ method: "GET", path: "/api/admin/recipients", fn: "summaries", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/recipients", fn: "summaries", roles: ["admin"], scope: none },
	{ method: "PUT", path: "/api/admin/recipients/{recipientId}", fn: "summaries", roles: ["admin"], scope: none },
	{ method: "DELETE", path: "/api/admin/recipients/{recipientId}", fn: "summaries", roles: ["admin"], scope: none },
	{ method: "POST", path: "/api/admin/summaries/run", fn: "summaries", roles: ["admin"], scope: none },
	{ method: "GET", path: "/api/admin/summaries/deliveries", fn: "summaries", roles: ["admin"], scope: none },
	// scheduled notices (issue 17): admin settings per kind, and each user's opt-out of reminders
	{ method: "GET", path: "/api/admin/notices/settings", fn: "summaries", roles: ["admin"], scope: none },
	{ method: "PUT", path: "/api/admin/notices/settings", fn: "summaries", roles: ["admin"], scope: none },
	{ method: "GET", path: "/api/me/notices", fn: "summaries", roles: ALL, scope: none },
	{ method: "PUT", path: "/api/me/notices", fn: "summaries", roles: ALL, scope: none },

	// the platform's own OIDC provider (local mode, and the aws-cn stage; issue 10)
	{ method: "ANY", path: "/oidc/{proxy+}", fn: "oidc", roles: "public", scope: none },
];

/** `GET /api/forms/{unitId}/{period}`: the API Gateway route key, also set by the local gateway. */
export const routeKey = (r: Pick<RouteDef, "method" | "path">): string => `${r.method} ${r.path}`;

export const functionNames: FunctionName[] = ["catalog", "submissions", "analytics", "reports", "admin", "metadata", "users", "imports", "summaries", "oidc"];
