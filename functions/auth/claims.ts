// Maps verified token claims to the platform's Principal, and flattens a JWT payload the way API Gateway's
// HTTP API JWT authorizer does, so the local gateway hands handlers byte-for-byte the same claims as AWS.
import { AppError } from "../commons/errors";
import type { Principal, Role } from "../core/types";

export const ROLES: readonly Role[] = ["reporter", "approver", "leader", "admin"];
const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);

export interface ClaimMapping {
	/** Claim that carries the roles: `cognito:groups` (Cognito), `roles` (platform provider) or an external IdP's. */
	roleClaim: string;
	/** Claim that carries the org scope: `custom:org_scope` (Cognito), `org_scope` (platform provider). */
	scopeClaim: string;
}

/**
 * A list-valued claim in any of the shapes it arrives in:
 * - a real array (a verified payload, in tests or the local gateway before flattening);
 * - API Gateway's flattening of an array, `"[admin reporter]"`;
 * - a JSON array string, `'["admin","reporter"]'`;
 * - a space- or comma-separated string, `"admin reporter"`, `"admin,reporter"`.
 */
export const parseListClaim = (value: unknown): string[] => {
	if (Array.isArray(value)) return value.flatMap((v) => (typeof v === "string" ? parseListClaim(v) : []));
	if (typeof value !== "string") return [];
	let s = value.trim();
	if (s.startsWith("[") && s.endsWith("]")) {
		if (s.includes('"')) {
			try {
				return parseListClaim(JSON.parse(s) as unknown);
			} catch {
				// not JSON: fall through to the bracketed, space-separated form
			}
		}
		s = s.slice(1, -1);
	}
	return s
		.split(/[\s,]+/)
		.map((p) => p.replace(/^["']|["']$/g, "").trim())
		.filter((p) => p !== "");
};

const stringClaim = (value: unknown): string | undefined => {
	if (typeof value === "string") {
		const s = value.trim();
		return s === "" ? undefined : s;
	}
	if (typeof value === "number") return String(value);
	return undefined;
};

/** The org scope is one id; tolerate a one-element list (an IdP that maps attributes to arrays). */
const scopeClaim = (value: unknown): string | undefined => {
	const list = Array.isArray(value) || (typeof value === "string" && value.trim().startsWith("[")) ? parseListClaim(value) : undefined;
	if (list) return list.length === 1 ? list[0] : undefined;
	return stringClaim(value);
};

/**
 * The caller as the platform sees it. Unknown roles are dropped (an IdP may carry groups the platform
 * does not use); a token with no known role or no org scope is valid but grants nothing: forbidden.
 */
export const principalFromClaims = (claims: Record<string, unknown>, mapping: ClaimMapping): Principal => {
	const sub = stringClaim(claims.sub);
	if (!sub) throw new AppError("forbidden", "令牌缺少主体 / Token has no subject");
	const roles = [...new Set(parseListClaim(claims[mapping.roleClaim]).filter(isRole))];
	if (roles.length === 0) throw new AppError("forbidden", "账号没有平台角色 / No platform role is assigned to this account");
	const orgScope = scopeClaim(claims[mapping.scopeClaim]);
	if (!orgScope) throw new AppError("forbidden", "账号没有机构范围 / No organisation scope is assigned to this account");
	const principal: Principal = { sub, roles, orgScope };
	const name = stringClaim(claims.name) ?? stringClaim(claims.preferred_username) ?? stringClaim(claims["cognito:username"]);
	if (name) principal.name = name;
	const email = stringClaim(claims.email);
	if (email) principal.email = email;
	return principal;
};

/** Go's `%v` formatting, which is what API Gateway applies to non-string claims. */
const goFormat = (value: unknown): string => {
	if (value === null || value === undefined) return "<nil>";
	if (typeof value === "string") return value;
	if (typeof value === "number") return Number.isInteger(value) ? value.toFixed(0) : String(value);
	if (typeof value === "boolean" || typeof value === "bigint") return String(value);
	if (Array.isArray(value)) return `[${value.map(goFormat).join(" ")}]`;
	if (typeof value === "object") {
		const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `map[${entries.map(([k, v]) => `${k}:${goFormat(v)}`).join(" ")}]`;
	}
	return String(value);
};

/**
 * Flattens a verified JWT payload into `requestContext.authorizer.jwt.claims` exactly as API Gateway's
 * JWT authorizer does: every value becomes a string; arrays become `"[a b]"`; numbers their decimal text.
 */
export const toApiGatewayClaims = (payload: Record<string, unknown>): Record<string, string> => {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(payload)) {
		if (v === undefined) continue;
		out[k] = goFormat(v);
	}
	return out;
};
