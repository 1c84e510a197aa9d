import { describe, expect, it } from "vitest";
import { parseListClaim, principalFromClaims, toApiGatewayClaims } from "../../functions/auth/claims";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "../../functions/auth/passwords";
import { DEMO_PASSWORD, seededUsers } from "../../functions/auth/seed-users";
import { ExternalUserDirectory } from "../../functions/auth/user-directory";
import { AppError } from "../../functions/commons/errors";
import type { OrgUnit } from "../../functions/core/types";

const cognito = { roleClaim: "cognito:groups", scopeClaim: "custom:org_scope" };
const platform = { roleClaim: "roles", scopeClaim: "org_scope" };

const kindOf = (fn: () => unknown): string | undefined => {
	try {
		fn();
	} catch (e) {
		return e instanceof AppError ? e.kind : `not an AppError: ${String(e)}`;
	}
	return undefined;
};

describe("principalFromClaims", () => {
	it("reads API Gateway's flattened Cognito groups", () => {
		// prepare: what the HTTP API JWT authorizer puts in requestContext.authorizer.jwt.claims
		const claims = { sub: "6b1c-uuid", "cognito:groups": "[admin reporter]", "custom:org_scope": "div", "cognito:username": "admin", email: "a@x.cn" };
		// act
		const p = principalFromClaims(claims, cognito);
		// assert
		expect(p).toEqual({ sub: "6b1c-uuid", roles: ["admin", "reporter"], orgScope: "div", name: "admin", email: "a@x.cn" });
	});

	it("reads a real array, a single flattened group, JSON, space- and comma-separated strings", () => {
		const base = { sub: "u", org_scope: "korla" };
		expect(principalFromClaims({ ...base, roles: ["approver", "leader"] }, platform).roles).toEqual(["approver", "leader"]);
		expect(principalFromClaims({ ...base, roles: "[approver]" }, platform).roles).toEqual(["approver"]);
		expect(principalFromClaims({ ...base, roles: '["approver","leader"]' }, platform).roles).toEqual(["approver", "leader"]);
		expect(principalFromClaims({ ...base, roles: "approver leader" }, platform).roles).toEqual(["approver", "leader"]);
		expect(principalFromClaims({ ...base, roles: "approver, leader,admin" }, platform).roles).toEqual(["approver", "leader", "admin"]);
	});

	it("drops unknown roles and duplicates, keeps the known ones", () => {
		const p = principalFromClaims({ sub: "u", roles: "[Domain-Users reporter superuser reporter]", org_scope: "t33" }, platform);
		expect(p.roles).toEqual(["reporter"]);
	});

	it("refuses a token with no known role, no scope or no subject as forbidden", () => {
		expect(kindOf(() => principalFromClaims({ sub: "u", roles: "[guests]", org_scope: "div" }, platform))).toBe("forbidden");
		expect(kindOf(() => principalFromClaims({ sub: "u", org_scope: "div" }, platform))).toBe("forbidden");
		expect(kindOf(() => principalFromClaims({ sub: "u", roles: ["admin"] }, platform))).toBe("forbidden");
		expect(kindOf(() => principalFromClaims({ sub: "u", roles: ["admin"], org_scope: "  " }, platform))).toBe("forbidden");
		expect(kindOf(() => principalFromClaims({ roles: ["admin"], org_scope: "div" }, platform))).toBe("forbidden");
	});

	it("uses the configured claim names, not fixed ones", () => {
		const claims = { sub: "u", groups: "admin", ou: "div", roles: "reporter", org_scope: "t33" };
		expect(principalFromClaims(claims, { roleClaim: "groups", scopeClaim: "ou" })).toMatchObject({ roles: ["admin"], orgScope: "div" });
	});

	it("maps a flattened platform ID token to the same principal as the raw payload", () => {
		const payload = { sub: "reporter-t33", roles: ["reporter"], org_scope: "t33", name: "第三十三团医院填报员", exp: 1760000000, aud: "hpm-web" };
		expect(principalFromClaims(toApiGatewayClaims(payload), platform)).toEqual(principalFromClaims(payload, platform));
	});
});

describe("toApiGatewayClaims", () => {
	it("flattens like API Gateway: strings, arrays as [a b], numbers and booleans as text", () => {
		const flat = toApiGatewayClaims({
			sub: "admin",
			roles: ["admin", "reporter"],
			exp: 1760000000,
			auth_time: 1759996400,
			email_verified: true,
			aud: "hpm-web",
			ratio: 0.5,
			nested: { b: 2, a: "x" },
			skipped: undefined,
		});
		expect(flat).toEqual({
			sub: "admin",
			roles: "[admin reporter]",
			exp: "1760000000",
			auth_time: "1759996400",
			email_verified: "true",
			aud: "hpm-web",
			ratio: "0.5",
			nested: "map[a:x b:2]",
		});
		expect(parseListClaim(flat.roles)).toEqual(["admin", "reporter"]);
	});
});

describe("passwords", () => {
	it("hashes with a per-user salt and verifies only the right password", async () => {
		const a = await hashPassword(DEMO_PASSWORD);
		const b = await hashPassword(DEMO_PASSWORD);
		expect(a).not.toBe(b);
		expect(a.startsWith("scrypt$")).toBe(true);
		expect(await verifyPassword(DEMO_PASSWORD, a)).toBe(true);
		expect(await verifyPassword("Demo2025!hpn", a)).toBe(false);
		expect(await verifyPassword(DEMO_PASSWORD, "scrypt$1$1$1$$")).toBe(false);
		expect(await verifyPassword(DEMO_PASSWORD, "plain")).toBe(false);
	});

	it("enforces length and three of four character classes, in both languages", () => {
		expect(checkPasswordPolicy(DEMO_PASSWORD).ok).toBe(true);
		expect(checkPasswordPolicy("Abc123!").ok).toBe(false); // too short
		expect(checkPasswordPolicy("abcdefghij12").ok).toBe(false); // two classes
		expect(checkPasswordPolicy("abcdefgh12!!").ok).toBe(true); // lower, digit, symbol
		const bad = checkPasswordPolicy("short");
		expect(bad.problems.length).toBe(2);
		expect(bad.problems[0]?.zh).toMatch(/至少/);
		expect(bad.problems[0]?.en).toMatch(/at least 10/);
		expect(checkPasswordPolicy("Admin-2025-xyz", "admin").ok).toBe(false);
	});
});

describe("seededUsers", () => {
	const name = (zh: string) => ({ zh, en: zh });
	const units: OrgUnit[] = [
		{ id: "div", level: "division", parentId: null, name: name("第二师铁门关市"), order: 0 },
		{ id: "yanqi", level: "area", parentId: "div", name: name("焉耆垦区"), order: 2 },
		{ id: "korla", level: "area", parentId: "div", name: name("库尔勒垦区"), order: 1 },
		{ id: "t33", level: "unit", parentId: "korla", name: name("三十三团医院"), type: "regiment-hospital", order: 1 },
		{ id: "h-korla", level: "unit", parentId: "div", name: name("师医院"), type: "division-hospital", order: 0 },
	];

	it("gives the division, every area and every unit its users, with the demo password passing the policy", () => {
		const users = seededUsers(units);
		const by = Object.fromEntries(users.map((u) => [u.username, u]));
		expect(users.map((u) => u.username).sort()).toEqual(
			["admin", "leader", "approver", "leader-korla", "leader-yanqi", "approver-korla", "approver-yanqi", "reporter-t33", "reporter-h-korla"].sort(),
		);
		expect(by.admin).toMatchObject({ roles: ["admin"], orgScope: "div" });
		expect(by.leader).toMatchObject({ roles: ["leader"], orgScope: "div" });
		expect(by["approver-yanqi"]).toMatchObject({ roles: ["approver"], orgScope: "yanqi" });
		expect(by["reporter-t33"]).toMatchObject({ roles: ["reporter"], orgScope: "t33" });
		expect(checkPasswordPolicy(DEMO_PASSWORD).ok).toBe(true);
		for (const u of users) expect(checkPasswordPolicy(DEMO_PASSWORD, u.username).ok).toBe(true);
	});

	it("needs a division", () => {
		expect(() => seededUsers(units.filter((u) => u.level !== "division"))).toThrow(/division/);
	});
});

describe("ExternalUserDirectory", () => {
	it("refuses every call with a typed error naming the issuer", async () => {
		const dir = new ExternalUserDirectory("https://idp.example.cn/realms/hpm");
		for (const call of [() => dir.list(), () => dir.create(), () => dir.update(), () => dir.disable(), () => dir.enable()]) {
			const err = await call().catch((e: unknown) => e);
			expect(err).toBeInstanceOf(AppError);
			expect((err as AppError).kind).toBe("forbidden");
			expect((err as AppError).message).toContain("https://idp.example.cn/realms/hpm");
		}
	});
});
