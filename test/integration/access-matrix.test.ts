// The access matrix: EVERY route of functions/routes.ts × every role × in-scope / out-of-scope targets,
// through the local gateway (real JWT checks) and the real handlers. The expectations below are written by
// hand from the policy as the issue states it — NOT computed with core/access.ts, which is what is tested:
//   reporters: their own unit, plus the division totals (never another unit or their 垦区);
//   approvers and leaders: everything within their scope (a 垦区 or the division);
//   approve/return: approvers in scope; write (PUT submissions): the unit's own reporter; admins: all.
// A deny is 403 with a JSON error body and leaves the table exactly as it was.
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, currentMonth } from "../../functions/core/periods";
import type { Principal, Role, ValueMap } from "../../functions/core/types";
import { type RouteDef, routeKey, routes } from "../../functions/routes";
import { call, type Harness, startHarness } from "../support/harness";

const M = currentMonth(new Date());
const template = addMonths(M, -6);
const demo = generateDemoSubmissions({ from: template, to: M });
const valuesFor = (unitId: string): ValueMap => ({ ...(demo.find((d) => d.unitId === unitId && d.period === template)?.values ?? {}) });

// The callers. t33 and t34 are in 塔里木垦区 (tarim); t21 is in 焉耆垦区 (yanqi).
type Who = "R" | "A" | "L" | "AD" | "LD" | "X";
const principals: Record<Who, { sub: string; roles: Role[]; orgScope: string; label: string }> = {
	R: { sub: "reporter-t33", roles: ["reporter"], orgScope: "t33", label: "reporter(t33)" },
	A: { sub: "approver-tarim", roles: ["approver"], orgScope: "tarim", label: "approver(tarim)" },
	L: { sub: "leader-tarim", roles: ["leader"], orgScope: "tarim", label: "leader(tarim)" },
	AD: { sub: "approver-div", roles: ["approver"], orgScope: "div", label: "approver(div)" },
	LD: { sub: "leader-div", roles: ["leader"], orgScope: "div", label: "leader(div)" },
	X: { sub: "admin", roles: ["admin"], orgScope: "div", label: "admin(div)" },
};
const WHO = Object.keys(principals) as Who[];

// Targets: what the org-carrying parameter of a route is set to.
const UNIT_TARGETS = ["t33", "t34", "t21", "div"] as const; // {unitId} (path or ?unitId=)
const ORG_TARGETS = ["t33", "t34", "tarim", "yanqi", "div", "(default)"] as const; // ?orgUnit= (absent: the caller's scope)
const SCOPE_TARGETS = ["t33", "tarim", "yanqi", "div"] as const; // {scope}
const ALL = "*";
type Allowed = Partial<Record<Who, readonly string[] | typeof ALL>>;

// Shorthands for the hand-written table.
const areaUnits = ["t33", "t34"] as const; // units of tarim among the targets
const areaOrgs = ["t33", "t34", "tarim", "(default)"] as const; // what a tarim approver/leader may read
const everyone: Allowed = { R: ALL, A: ALL, L: ALL, AD: ALL, LD: ALL, X: ALL };
const adminOnly: Allowed = { X: ALL };
const reviewersRead: Allowed = { A: areaOrgs, L: areaOrgs, AD: ALL, LD: ALL, X: ALL };

/** route key → who may use it, and for which targets (anything not listed is a 403). */
const EXPECTED: Record<string, Allowed> = {
	"GET /api/me": everyone,
	"GET /api/plans": everyone,
	"GET /api/indicators": everyone,
	"GET /api/units": everyone,
	"GET /api/data-elements": everyone,
	// forms: reporters, approvers, admins (leaders do not fill forms)
	"GET /api/forms/{unitId}/{period}": { R: ["t33"], A: areaUnits, AD: ALL, X: ALL },
	"GET /api/submissions/{unitId}/{period}": { R: ["t33"], A: areaUnits, L: areaUnits, AD: ALL, LD: ALL, X: ALL },
	"GET /api/submissions/{unitId}/{period}/history": { R: ["t33"], A: areaUnits, L: areaUnits, AD: ALL, LD: ALL, X: ALL },
	"PUT /api/submissions/{unitId}/{period}": { R: ["t33"], X: ALL },
	"POST /api/submissions/{unitId}/{period}/approve": { A: areaUnits, AD: ALL, X: ALL },
	"POST /api/submissions/{unitId}/{period}/return": { A: areaUnits, AD: ALL, X: ALL },
	"GET /api/approvals": { A: areaOrgs, AD: ALL, X: ALL },
	// reporters read their unit and the division totals, not their 垦区 or a sibling
	"GET /api/progress": { R: ["t33", "div", "(default)"], ...reviewersRead },
	"GET /api/indicators/{code}/series": { R: ["t33", "div", "(default)"], ...reviewersRead },
	"GET /api/indicators/{code}/breakdown": reviewersRead,
	// completeness lists the children: a reporter sees only their own unit's row
	"GET /api/completeness": { R: ["t33", "(default)"], ...reviewersRead },
	"POST /api/admin/verify-aggregates": adminOnly,
	"POST /api/admin/periods/{unitId}/{period}/reopen": adminOnly,
	"POST /api/imports": adminOnly,
	"GET /api/imports/{importId}": adminOnly,
	"GET /api/exports": reviewersRead,
	"POST /api/completeness/remind": { A: areaUnits, AD: ALL, X: ALL },
	"GET /api/admin/users": adminOnly,
	"POST /api/admin/users": adminOnly,
	"PATCH /api/admin/users/{username}": adminOnly,
	"PUT /api/admin/units/{unitId}": adminOnly,
	"PUT /api/admin/plans/{planId}": adminOnly,
	"POST /api/admin/plans": adminOnly,
	// the plan evaluation: approvers, leaders and admins, for an org in scope (a unit is a 400, not a 403)
	"GET /api/plans/{planId}/evaluation": reviewersRead,
	"GET /api/admin/audit": adminOnly,
	// metadata without a deploy (issue 15)
	"GET /api/admin/metadata": adminOnly,
	"POST /api/admin/data-elements": adminOnly,
	"PUT /api/admin/data-elements/{code}": adminOnly,
	"POST /api/admin/indicators": adminOnly,
	"PUT /api/admin/indicators/{code}": adminOnly,
	"POST /api/admin/indicators/preview": adminOnly,
	"POST /api/admin/validation-rules/{id}": adminOnly,
	"PUT /api/admin/validation-rules/{id}": adminOnly,
	"DELETE /api/admin/validation-rules/{id}": adminOnly,
	"POST /api/admin/rebuild-aggregates": adminOnly,
	"GET /api/admin/rebuild-aggregates/{jobId}": adminOnly,
	"GET /api/admin/catalog/export": adminOnly,
	"POST /api/admin/catalog/import": adminOnly,
	"GET /api/summaries": reviewersRead,
	"GET /api/summaries/{month}/{scope}": { A: ["t33", "tarim"], L: ["t33", "tarim"], AD: ALL, LD: ALL, X: ALL },
	"GET /api/admin/recipients": adminOnly,
	"POST /api/admin/recipients": adminOnly,
	"PUT /api/admin/recipients/{recipientId}": adminOnly,
	"DELETE /api/admin/recipients/{recipientId}": adminOnly,
	"POST /api/admin/summaries/run": adminOnly,
	"GET /api/admin/summaries/deliveries": adminOnly,
	"GET /api/admin/notices/settings": adminOnly,
	"PUT /api/admin/notices/settings": adminOnly,
	// every signed-in user reads and sets their own reminder opt-out (no org parameter)
	"GET /api/me/notices": everyone,
	"PUT /api/me/notices": everyone,
};
const PUBLIC = new Set(["GET /api/health", "ANY /oidc/{proxy+}"]);

interface Case {
	route: RouteDef;
	key: string;
	who: Who;
	target: string;
	method: string;
	path: string;
	body?: unknown;
	allow: boolean;
	write: boolean;
}

/** The request for a route aimed at one target; the org id goes into whichever parameter the route has. */
const requestFor = (route: RouteDef, target: string, n: number): { path: string; body?: unknown } => {
	const q = target === "(default)" ? "" : `orgUnit=${target}`;
	const join = (base: string, ...qs: string[]) => {
		const s = qs.filter(Boolean).join("&");
		return s ? `${base}?${s}` : base;
	};
	const p = route.path.replace("{period}", M).replace("{unitId}", target).replace("{scope}", target).replace("{month}", M);
	switch (routeKey(route)) {
		case "PUT /api/submissions/{unitId}/{period}":
			return { path: p, body: { values: valuesFor(target), action: "save" } };
		case "POST /api/submissions/{unitId}/{period}/approve":
			return { path: p, body: {} };
		case "POST /api/submissions/{unitId}/{period}/return":
			return { path: p, body: { comment: "访问矩阵测试退回" } };
		case "POST /api/admin/periods/{unitId}/{period}/reopen":
			return { path: p, body: { reason: "访问矩阵测试" } };
		case "POST /api/completeness/remind":
			return { path: join(p, `unitId=${target}`, `period=${M}`), body: {} };
		case "GET /api/progress":
			return { path: join(p, q, `period=${M}`, "plan=tmg-14th") };
		case "GET /api/indicators/{code}/series":
			return { path: join(p.replace("{code}", "BEDS_PER_1000"), q, `from=${addMonths(M, -3)}`, `to=${M}`) };
		case "GET /api/indicators/{code}/breakdown":
			return { path: join(p.replace("{code}", "BEDS_PER_1000"), q, `period=${M}`) };
		case "GET /api/completeness":
		case "GET /api/approvals":
		case "GET /api/exports":
		case "GET /api/summaries":
			return { path: join(p, q, `period=${M}`) };
		case "POST /api/admin/verify-aggregates":
			return { path: join(p, `period=${M}`) };
		case "GET /api/imports/{importId}":
			return { path: p.replace("{importId}", "imp-0001") };
		case "POST /api/imports":
			return { path: p, body: { rows: [] } };
		case "POST /api/admin/users":
			return { path: p, body: { username: `matrix-${n}-${randomUUID().slice(0, 6)}`, name: "矩阵测试", roles: ["reporter"], orgScope: "t34" } };
		case "PATCH /api/admin/users/{username}":
			return { path: p.replace("{username}", "matrix-target"), body: { name: "改名" } };
		case "PUT /api/admin/units/{unitId}":
			return { path: p, body: { name: { zh: "测试", en: "" } } }; // invalid for the allowed admin: 400, no change
		case "PUT /api/admin/plans/{planId}":
			return { path: p.replace("{planId}", "tmg-14th"), body: {} };
		case "POST /api/admin/plans":
			return { path: p, body: {} }; // invalid for the allowed admin: 400, nothing written
		case "GET /api/plans/{planId}/evaluation":
			return { path: join(p.replace("{planId}", "tmg-14th"), q, "year=2025") };
		case "PUT /api/admin/recipients/{recipientId}":
		case "DELETE /api/admin/recipients/{recipientId}":
			return { path: p.replace("{recipientId}", "no-such-recipient"), body: route.method === "PUT" ? {} : undefined };
		case "POST /api/admin/recipients":
			return { path: p, body: {} };
		case "POST /api/admin/summaries/run":
			return { path: p, body: { month: "not-a-month" } };
		// an invalid body: the allowed caller gets a 400 and nothing is written
		case "PUT /api/admin/notices/settings":
		case "PUT /api/me/notices":
			return { path: p, body: { reminders: "not-a-boolean" } };
		// metadata routes: an invalid body or a missing id, so the allowed admin gets a 4xx and nothing is written
		case "POST /api/admin/data-elements":
		case "POST /api/admin/indicators":
		case "POST /api/admin/indicators/preview":
		case "POST /api/admin/catalog/import":
			return { path: p, body: {} };
		case "PUT /api/admin/data-elements/{code}":
			return { path: p.replace("{code}", "BEDS"), body: { min: "not-a-number" } };
		case "PUT /api/admin/indicators/{code}":
			return { path: p.replace("{code}", "IMR"), body: { decimals: 99 } };
		case "POST /api/admin/validation-rules/{id}":
		case "PUT /api/admin/validation-rules/{id}":
			return { path: p.replace("{id}", "matrix-rule"), body: {} };
		case "DELETE /api/admin/validation-rules/{id}":
			return { path: p.replace("{id}", "no-such-rule") };
		case "POST /api/admin/rebuild-aggregates":
			return { path: p, body: { years: ["not-a-year"] } };
		case "GET /api/admin/rebuild-aggregates/{jobId}":
			return { path: p.replace("{jobId}", "no-such-job") };
		default:
			return { path: p };
	}
};

const targetsOf = (route: RouteDef): readonly string[] => {
	const k = route.scope.kind;
	if (k === "unit-path") return UNIT_TARGETS;
	if (k === "org-query" || k === "org-query-children") return ORG_TARGETS;
	if (k === "summary-scope") return SCOPE_TARGETS;
	// No org parameter: still aim any id-carrying path parameter at someone else's unit.
	if (route.path.includes("{unitId}")) return ["t33", "t21"];
	return ["-"];
};

const isAllowed = (exp: Allowed, who: Who, target: string): boolean => {
	const a = exp[who];
	return a === ALL || (Array.isArray(a) && a.includes(target));
};

const STACK = /\bat [\w.<>]+ \(|\.ts:\d+:\d+|node_modules|Error: .*\n\s+at /;

let h: Harness;
const tokens = {} as Record<Who, string>;
const results: { c: Case; status: number; ok: boolean; why: string; pending: boolean }[] = [];
const handlerExists = (fn: string) => existsSync(new URL(`../../functions/handlers/${fn}.ts`, import.meta.url));

const scanAll = async () => {
	const out = new Map<string, string>();
	let ExclusiveStartKey: Record<string, unknown> | undefined;
	do {
		const r = await h.app.doc.send(new ScanCommand({ TableName: h.table, ExclusiveStartKey, ConsistentRead: true }));
		for (const it of r.Items ?? []) out.set(`${it.pk}|${it.sk}`, JSON.stringify(it, Object.keys(it).sort()));
		ExclusiveStartKey = r.LastEvaluatedKey;
	} while (ExclusiveStartKey);
	return out;
};
const changed = (a: Map<string, string>, b: Map<string, string>) => {
	const keys = new Set([...a.keys(), ...b.keys()]);
	return [...keys].filter((k) => a.get(k) !== b.get(k));
};

const pool = async <T>(items: T[], n: number, fn: (t: T) => Promise<void>) => {
	let i = 0;
	await Promise.all(Array.from({ length: n }, async () => {
		while (i < items.length) await fn(items[i++] as T);
	}));
};

beforeAll(async () => {
	h = await startHarness();
	for (const w of WHO) tokens[w] = (await h.as(principals[w])).token;
	// Data to protect: submitted forms for the reporter's unit, a sibling and a unit in another 垦区.
	const svc = createSubmissionService(h.app);
	for (const u of ["t33", "t34", "t21"]) {
		await svc.put({ principal: { sub: `reporter-${u}`, roles: ["reporter"], orgScope: u } as Principal, unitId: u, period: M, body: { values: valuesFor(u), action: "submit", comment: "矩阵" } });
	}
	const admin = await h.as(principals.X);
	await admin.call("POST", "/api/admin/users", { body: { username: "matrix-target", name: "目标", roles: ["reporter"], orgScope: "t34" } });
});
afterAll(async () => {
	const failures = results.filter((r) => !r.ok);
	const pending = results.filter((r) => r.pending);
	console.log(`access matrix: ${results.length} cases, ${failures.length} failures${pending.length ? ` (${pending.length} on routes whose backend has not landed: ${[...new Set(pending.map((p) => p.c.key))].join("; ")})` : ""}`);
	for (const f of failures.slice(0, 40)) console.log(`  FAIL ${principals[f.c.who].label} ${f.c.method} ${f.c.path} → ${f.status}: ${f.why}`);
	await h?.stop();
});

describe("access matrix", () => {
	it("the expectation table covers every declared route", () => {
		for (const r of routes) {
			const key = routeKey(r);
			if (r.roles === "public") expect(PUBLIC.has(key), `${key} is public but not expected to be`).toBe(true);
			else expect(EXPECTED[key], `no expectation written for ${key}`).toBeDefined();
		}
		// Nothing else is public.
		expect(routes.filter((r) => r.roles === "public").map(routeKey).sort()).toEqual([...PUBLIC].sort());
	});

	const cases: Case[] = [];
	let n = 0;
	for (const route of routes) {
		const key = routeKey(route);
		const exp = EXPECTED[key];
		if (!exp) continue;
		for (const who of WHO) {
			for (const target of targetsOf(route)) {
				const req = requestFor(route, target, n++);
				cases.push({ route, key, who, target, method: route.method, ...req, allow: isAllowed(exp, who, target), write: route.method !== "GET" });
			}
		}
	}

	it("denies every out-of-role and out-of-scope case with 403 and changes nothing", async () => {
		const pendingFns = new Set(["summaries", "oidc", "catalog", "submissions", "analytics", "reports", "admin"].filter((fn) => !handlerExists(fn)));
		const before = await scanAll();
		await pool(cases.filter((c) => !c.allow), 8, async (c) => {
			const r = await call(h.url, tokens[c.who], c.method, c.path, c.body !== undefined ? { body: c.body } : {});
			const text = JSON.stringify(r.body);
			// A route whose Lambda has not landed yet cannot enforce anything, but it must not serve data either.
			const notLanded = pendingFns.has(c.route.fn) || (r.status === 404 && /no such route/.test(r.body?.error?.message ?? ""));
			let ok = r.status === 403 && r.body?.error?.code === "forbidden" && typeof r.body.error.message === "string" && !STACK.test(text);
			let why = ok ? "" : `expected 403 forbidden, got ${r.status} ${text.slice(0, 160)}`;
			if (!ok && notLanded && r.status !== 401 && (r.status === 404 || r.status === 501 || r.status === 500) && !STACK.test(text)) {
				ok = true;
				why = "backend not landed";
			}
			results.push({ c, status: r.status, ok, why, pending: notLanded && r.status !== 403 });
		});
		const after = await scanAll();
		expect(changed(before, after), "a denied request changed the table").toEqual([]);
		const failures = results.filter((r) => !r.c.allow && !r.ok);
		expect(failures.map((f) => `${principals[f.c.who].label} ${f.c.method} ${f.c.path} → ${f.status}`)).toEqual([]);
	}, 120_000);

	it("allows every in-role, in-scope case (not 401/403; 404/501 where the backend lands later)", async () => {
		await pool(cases.filter((c) => c.allow), 8, async (c) => {
			const r = await call(h.url, tokens[c.who], c.method, c.path, c.body !== undefined ? { body: c.body } : {});
			const text = JSON.stringify(r.body);
			const notLanded = !handlerExists(c.route.fn) || (r.status === 404 && /no such route/.test(r.body?.error?.message ?? ""));
			const ok = r.status !== 401 && r.status !== 403 && !STACK.test(text);
			results.push({ c, status: r.status, ok, why: ok ? "" : `expected allow, got ${r.status} ${text.slice(0, 160)}`, pending: notLanded });
		});
		const failures = results.filter((r) => r.c.allow && !r.ok);
		expect(failures.map((f) => `${principals[f.c.who].label} ${f.c.method} ${f.c.path} → ${f.status} ${f.why}`)).toEqual([]);
	}, 300_000);

	it("public routes: /api/health answers without a token", async () => {
		const r = await call(h.url, null, "GET", "/api/health");
		results.push({ c: { key: "GET /api/health", who: "R", target: "-", method: "GET", path: "/api/health", allow: true, write: false, route: routes[0] as RouteDef }, status: r.status, ok: r.status === 200, why: "", pending: false });
		expect(r.status).toBe(200);
	});
});

describe("reaching another unit's data through every org-carrying parameter", () => {
	// Each of these is the reporter of t33 trying to read or change someone else's data. None may succeed.
	const attacks: { method: string; path: string; body?: unknown; allowedIf?: (body: { [k: string]: unknown }) => boolean }[] = [
		{ method: "GET", path: `/api/submissions/t34/${M}` },
		{ method: "GET", path: `/api/submissions/%74%33%34/${M}` }, // "t34" percent-encoded
		{ method: "GET", path: `/api/submissions/T34/${M}` },
		{ method: "GET", path: `/api/submissions/t33%2F..%2Ft34/${M}` },
		{ method: "GET", path: `/api/submissions/t33/../t34/${M}` },
		{ method: "GET", path: `/api/submissions/t34%00/${M}` },
		{ method: "GET", path: `/api/submissions/t33,t34/${M}` },
		{ method: "PUT", path: `/api/submissions/t34/${M}`, body: { values: valuesFor("t34"), action: "submit" } },
		{ method: "PUT", path: `/api/submissions/%74%33%34/${M}`, body: { values: valuesFor("t34"), action: "submit" } },
		{ method: "POST", path: `/api/submissions/t34/${M}/approve`, body: {} },
		{ method: "POST", path: `/api/admin/periods/t34/${M}/reopen`, body: { reason: "越权" } },
		{ method: "POST", path: `/api/completeness/remind?unitId=t34&period=${M}`, body: {} },
		{ method: "GET", path: `/api/progress?orgUnit=tarim&period=${M}` },
		{ method: "GET", path: `/api/progress?orgUnit=t34&period=${M}` },
		{ method: "GET", path: `/api/progress?orgUnit=t33&orgUnit=t34&period=${M}` },
		{ method: "GET", path: `/api/progress?orgUnit=t33,t34&period=${M}` },
		{ method: "GET", path: `/api/progress?orgUnit=TARIM&period=${M}` },
		{ method: "GET", path: `/api/completeness?orgUnit=div&period=${M}` },
		{ method: "GET", path: `/api/completeness?orgUnit=tarim&period=${M}` },
		{ method: "GET", path: `/api/indicators/BEDS_PER_1000/series?orgUnit=t21&from=${addMonths(M, -2)}&to=${M}` },
		{ method: "GET", path: `/api/summaries/${M}/tarim` },
		// The path wins over a smuggled ?unitId= / ?orgUnit=: allowed, but only ever about t33.
		{ method: "GET", path: `/api/submissions/t33/${M}?unitId=t34&orgUnit=t34`, allowedIf: (b) => (b.submission as { unitId?: string })?.unitId === "t33" },
		{ method: "GET", path: `/api/forms/t33/${M}?unitId=t21`, allowedIf: (b) => b.unitId === "t33" },
		{ method: "GET", path: `/api/progress?unitId=t34&period=${M}`, allowedIf: (b) => b.orgUnit === undefined || b.orgUnit === "t33" || (b.org as { id?: string })?.id === "t33" },
	];

	it("refuses each attempt (403/404/400) or answers only about the caller's own unit, and changes nothing", async () => {
		const before = await scanAll();
		const bad: string[] = [];
		for (const a of attacks) {
			const r = await call(h.url, tokens.R, a.method, a.path, a.body !== undefined ? { body: a.body } : {});
			const refused = [400, 403, 404].includes(r.status);
			const fine = refused || (r.status === 200 && a.allowedIf?.(r.body ?? {}) === true);
			const text = JSON.stringify(r.body ?? "");
			if (!fine || STACK.test(text) || (r.status >= 400 && !r.body?.error?.code && !r.body?.message)) bad.push(`${a.method} ${a.path} → ${r.status} ${text.slice(0, 200)}`);
			results.push({ c: { key: "attack", who: "R", target: "-", method: a.method, path: a.path, allow: false, write: a.method !== "GET", route: routes[0] as RouteDef }, status: r.status, ok: fine, why: text.slice(0, 120), pending: false });
		}
		expect(changed(before, await scanAll())).toEqual([]);
		expect(bad).toEqual([]);
	});
});

describe("authentication: 401 with a JSON body and no stack trace", () => {
	it("refuses absent, malformed, forged, expired, wrong-audience, wrong-issuer and unsigned tokens", async () => {
		const p = principals.X; // the strongest principal: a bad token must not be worth anything
		const good = await h.issuer.token(p);
		// A reporter's genuine token, its payload edited to claim admin over the division, signature kept.
		const reporterToken = await h.issuer.token(principals.R);
		const [hdr, payload, sig] = reporterToken.split(".");
		const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
		const tokensToTry: Record<string, string | null> = {
			absent: null,
			empty: "",
			garbage: "not.a.jwt",
			forged: await h.issuer.forged(p),
			expired: await h.issuer.token(p, { expiresIn: "-10m" }),
			"wrong audience": await h.issuer.token(p, { audience: "someone-else" }),
			"wrong issuer": await h.issuer.token(p, { issuer: "http://127.0.0.1:1/evil" }),
			"alg none": `${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
			"payload swapped": `${hdr}.${b64({ ...JSON.parse(Buffer.from(payload as string, "base64url").toString()), roles: ["admin"], org_scope: "div" })}.${sig}`,
		};
		const sample = [
			["GET", "/api/me"],
			["PUT", `/api/submissions/t33/${M}`],
			["GET", `/api/progress?period=${M}`],
			["POST", "/api/admin/verify-aggregates"],
			["GET", "/api/admin/users"],
			["POST", `/api/submissions/t33/${M}/approve`],
			["GET", "/api/admin/recipients"],
		] as const;
		const before = await scanAll();
		const bad: string[] = [];
		for (const [name, token] of Object.entries(tokensToTry)) {
			for (const [method, path] of sample) {
				const headers: Record<string, string> = {};
				if (token !== null) headers.authorization = `Bearer ${token}`;
				const res = await fetch(`${h.url}${path}`, { method, headers, ...(method === "GET" ? {} : { body: JSON.stringify({ values: valuesFor("t33"), action: "save" }) }) });
				const text = await res.text();
				let json: unknown = null;
				try {
					json = JSON.parse(text);
				} catch {
					/* reported below */
				}
				const ok = res.status === 401 && json !== null && typeof json === "object" && !STACK.test(text) && /json/.test(res.headers.get("content-type") ?? "");
				if (!ok) bad.push(`${name}: ${method} ${path} → ${res.status} ${text.slice(0, 120)}`);
				results.push({ c: { key: "401", who: "X", target: name, method, path, allow: false, write: method !== "GET", route: routes[0] as RouteDef }, status: res.status, ok, why: text.slice(0, 120), pending: false });
			}
		}
		// Other schemes and a token in the query string are not credentials either.
		for (const auth of ["Basic YWRtaW46YWRtaW4=", `bearer${good}`, `Token ${good}`]) {
			const res = await fetch(`${h.url}/api/me`, { headers: { authorization: auth } });
			if (res.status !== 401) bad.push(`${auth.slice(0, 12)}… → ${res.status}`);
		}
		const q = await fetch(`${h.url}/api/me?access_token=${good}`);
		if (q.status !== 401) bad.push(`?access_token= → ${q.status}`);
		expect(changed(before, await scanAll())).toEqual([]);
		expect(bad).toEqual([]);
	});

	it("a valid signature with roles the platform does not know grants nothing", async () => {
		for (const roles of [["superadmin"], [], ["Admin"], ["root"]] as unknown as Role[][]) {
			const t = await h.issuer.token({ sub: "odd", roles, orgScope: "div" });
			const r = await call(h.url, t, "GET", "/api/admin/users");
			const ok = r.status === 403 || r.status === 401;
			results.push({ c: { key: "odd-roles", who: "X", target: JSON.stringify(roles), method: "GET", path: "/api/admin/users", allow: false, write: false, route: routes[0] as RouteDef }, status: r.status, ok, why: JSON.stringify(r.body).slice(0, 100), pending: false });
			expect(ok, `${JSON.stringify(roles)} → ${r.status}`).toBe(true);
		}
	});
});
