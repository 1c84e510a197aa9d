// The platform OIDC provider end to end: the real Lambda handler (functions/handlers/oidc.ts) behind a
// tiny node-http → API Gateway v2 shim on 127.0.0.1, DynamoDB Local, the real PKCE flow, and the verifier
// that stands in for API Gateway's JWT authorizer.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalFromClaims, toApiGatewayClaims } from "../../functions/auth/claims";
import { fetchTokenViaPkce, PkceLoginError } from "../../functions/auth/pkce-client";
import { WEB_CLIENT_ID } from "../../functions/auth/provider/config";
import { DynamoAdapter } from "../../functions/auth/provider/dynamo-adapter";
import { DEMO_PASSWORD, seededUsers, seedUsers } from "../../functions/auth/seed-users";
import { UserStore } from "../../functions/auth/user-store";
import { createTokenVerifier, type TokenVerifier } from "../../functions/auth/verify";
import { ensureTable } from "../../functions/commons/table";
import type { OrgUnit } from "../../functions/core/types";
import { type DynamoLocal, startDynamoLocal } from "../../scripts/lib/dynamodb-local";

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const name = (zh: string, en: string) => ({ zh, en });
const units: OrgUnit[] = [
	{ id: "div", level: "division", parentId: null, name: name("第二师铁门关市", "2nd Division"), order: 0 },
	{ id: "korla", level: "area", parentId: "div", name: name("库尔勒垦区", "Korla"), order: 1 },
	{ id: "t33", level: "unit", parentId: "korla", name: name("三十三团医院", "Regiment 33 Hospital"), type: "regiment-hospital", order: 1 },
];

let ownDb: DynamoLocal | undefined;
let server: Server;
let baseUrl: string;
let issuer: string;
let redirectUri: string;
let keyDir: string;
let tableName: string;
let doc: DynamoDBDocumentClient;
let store: UserStore;
let handler: Handler;
let verifier: TokenVerifier;
let signingJwk: JWK;

/** node http → API Gateway HTTP API v2 event → handler → node http, as the local gateway does. */
const toEvent = async (req: IncomingMessage): Promise<APIGatewayProxyEventV2> => {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	const url = new URL(req.url ?? "/", "http://internal");
	const headers: Record<string, string> = {};
	let cookies: string[] | undefined;
	for (const [k, v] of Object.entries(req.headers)) {
		if (v === undefined) continue;
		if (k === "cookie") cookies = (Array.isArray(v) ? v.join("; ") : v).split(/;\s*/).filter(Boolean);
		else headers[k] = Array.isArray(v) ? v.join(",") : v;
	}
	const body = Buffer.concat(chunks);
	const event = {
		version: "2.0",
		routeKey: "ANY /oidc/{proxy+}",
		rawPath: url.pathname,
		rawQueryString: url.search.slice(1),
		headers,
		requestContext: {
			accountId: "local",
			apiId: "local",
			domainName: headers.host ?? "127.0.0.1",
			domainPrefix: "127",
			http: { method: req.method ?? "GET", path: url.pathname, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
			requestId: randomBytes(8).toString("hex"),
			routeKey: "ANY /oidc/{proxy+}",
			stage: "$default",
			time: new Date().toUTCString(),
			timeEpoch: Date.now(),
		},
		isBase64Encoded: body.length > 0,
		...(body.length > 0 ? { body: body.toString("base64") } : {}),
		...(cookies ? { cookies } : {}),
	};
	return event as APIGatewayProxyEventV2;
};

const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
	const out = await handler(await toEvent(req));
	res.statusCode = out.statusCode ?? 200;
	for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, String(v));
	if (out.cookies?.length) res.setHeader("set-cookie", out.cookies);
	res.end(out.body ? Buffer.from(out.body, out.isBase64Encoded ? "base64" : "utf8") : undefined);
};

const login = (username: string, password = DEMO_PASSWORD) => fetchTokenViaPkce({ baseUrl, username, password, redirectUri });

const reasonOf = async (p: Promise<unknown>): Promise<string> => {
	try {
		await p;
		return "succeeded";
	} catch (e) {
		return e instanceof PkceLoginError ? e.reason : `unexpected: ${String(e)}`;
	}
};

const unauthorizedKind = async (p: Promise<unknown>): Promise<string> => {
	try {
		await p;
		return "verified";
	} catch (e) {
		return `${(e as { kind?: string }).kind}:${(e as Error).message}`;
	}
};

beforeAll(async () => {
	process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
	let endpoint = process.env.DYNAMODB_ENDPOINT;
	if (!endpoint) {
		ownDb = await startDynamoLocal({ timeoutMs: 60_000 });
		endpoint = ownDb.endpoint;
	}
	// A table of our own, so user names and lockouts never collide with other test files.
	tableName = `auth-${randomBytes(4).toString("hex")}`;
	const raw = new DynamoDBClient({ endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	await ensureTable(raw, tableName);
	doc = DynamoDBDocumentClient.from(raw);
	store = new UserStore(doc, tableName);
	await seedUsers(store, seededUsers(units));

	keyDir = await mkdtemp(join(tmpdir(), "hpm-oidc-"));
	server = createServer((req, res) => {
		serve(req, res).catch((e: unknown) => {
			res.statusCode = 500;
			res.end(String(e));
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	issuer = `${baseUrl}/oidc`;
	redirectUri = `${baseUrl}/auth/callback`;

	// Exactly the environment the local gateway gives the oidc Lambda.
	Object.assign(process.env, {
		OIDC_ISSUER: issuer,
		OIDC_CLIENT_REDIRECT_URIS: redirectUri,
		TABLE_NAME: tableName,
		DYNAMODB_ENDPOINT: endpoint,
		OIDC_LOCAL_KEYS_FILE: join(keyDir, "oidc-keys.json"),
	});
	delete process.env.OIDC_KEYS_SECRET_ARN;
	handler = (await import("../../functions/handlers/oidc")).handler;
	verifier = createTokenVerifier({ issuer, audience: WEB_CLIENT_ID });
});

afterAll(async () => {
	await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
	if (keyDir) await rm(keyDir, { recursive: true, force: true });
	await ownDb?.stop("SIGKILL");
});

/** The web client's authorization request (code + PKCE), with extra parameters. */
const authorizeUrl = (extra: Record<string, string> = {}): URL => {
	const url = new URL(`${issuer}/auth`);
	url.search = new URLSearchParams({
		client_id: WEB_CLIENT_ID,
		redirect_uri: redirectUri,
		response_type: "code",
		scope: "openid",
		code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		code_challenge_method: "S256",
		...extra,
	}).toString();
	return url;
};

/** Start an authorization request with extra parameters and follow it to the login interaction. */
const startInteraction = async (extra: Record<string, string>): Promise<{ cookie: string; interaction: string }> => {
	const start = await fetch(authorizeUrl(extra), { redirect: "manual" });
	const cookie = start.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
	return { cookie, interaction: new URL(start.headers.get("location") ?? "", baseUrl).href };
};

describe("sign-in with authorization code + PKCE", () => {
	it("issues an ID token that verifies like API Gateway's authorizer and maps to a principal", async () => {
		// act
		const tokens = await login("reporter-t33");
		const payload = await verifier.verifyAuthorizationHeader(`Bearer ${tokens.idToken}`);
		const principal = principalFromClaims(toApiGatewayClaims(payload), { roleClaim: "roles", scopeClaim: "org_scope" });
		// assert
		expect(payload).toMatchObject({ iss: issuer, aud: WEB_CLIENT_ID, sub: "reporter-t33", roles: ["reporter"], org_scope: "t33", preferred_username: "reporter-t33" });
		expect(payload.email).toBe("reporter-t33@hpm.local");
		expect(principal).toEqual({ sub: "reporter-t33", name: "三十三团医院填报员", email: "reporter-t33@hpm.local", roles: ["reporter"], orgScope: "t33" });
		expect(tokens.refreshToken).toBeTruthy();
	});

	it("publishes discovery and JWKS under the /oidc mount with the public issuer", async () => {
		const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
		expect(discovery.issuer).toBe(issuer);
		expect(discovery.authorization_endpoint).toBe(`${issuer}/auth`);
		expect(discovery.token_endpoint).toBe(`${issuer}/token`);
		expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
		const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: JWK[] };
		expect(jwks.keys.length).toBe(1);
		expect(jwks.keys[0]?.d).toBeUndefined(); // public parts only
	});

	it("refuses an authorization request without PKCE", async () => {
		const url = new URL(`${issuer}/auth`);
		url.search = new URLSearchParams({ client_id: WEB_CLIENT_ID, redirect_uri: redirectUri, response_type: "code", scope: "openid", state: "s1" }).toString();
		const res = await fetch(url, { redirect: "manual" });
		const location = new URL(res.headers.get("location") ?? "", baseUrl);
		expect(location.href.startsWith(redirectUri)).toBe(true);
		expect(location.searchParams.get("error")).toBe("invalid_request");
		expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
	});

	it("serves the login page in Chinese by default and English with ?lang=en, with a strict CSP", async () => {
		// prepare: start an authorization request and follow it to the interaction
		const { cookie, interaction } = await startInteraction({ login_hint: '"><script>alert(1)</script>' });
		// act
		const zh = await fetch(interaction, { headers: { cookie } });
		const zhHtml = await zh.text();
		const en = await (await fetch(`${interaction}?lang=en`, { headers: { cookie } })).text();
		// assert
		expect(zh.status).toBe(200);
		expect(zhHtml).toContain('<html lang="zh-CN">');
		expect(zhHtml).toContain('<label for="username">用户名</label>');
		expect(zhHtml).toContain('<label for="password">密码</label>');
		expect(zhHtml).not.toContain("<script>");
		// Escaped by the one escapeHtml (core/html.ts), in named entities.
		expect(zhHtml).toContain("&quot;&gt;&lt;script&gt;");
		expect(en).toContain('<html lang="en">');
		expect(en).toContain("Sign in");
		expect(zh.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
		expect(zh.headers.get("x-frame-options")).toBe("DENY");
		// the form refuses a post without the interaction cookie (CSRF)
		const forged = await fetch(`${interaction}/login`, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ username: "admin", password: DEMO_PASSWORD }).toString(),
			redirect: "manual",
		});
		expect(forged.status).toBe(400);
	});

	it("follows the client's ui_locales (English, then Chinese), and an explicit ?lang= overrides it", async () => {
		const pageFor = async (uiLocales: string, query = "") => {
			const { cookie, interaction } = await startInteraction({ ui_locales: uiLocales });
			return (await fetch(`${interaction}${query}`, { headers: { cookie } })).text();
		};
		expect(await pageFor("en")).toContain('<html lang="en">');
		expect(await pageFor("fr-FR en-GB zh-CN")).toContain('<html lang="en">');
		expect(await pageFor("zh-CN en")).toContain('<html lang="zh-CN">');
		expect(await pageFor("fr")).toContain('<html lang="zh-CN">');
		expect(await pageFor("en", "?lang=zh")).toContain('<html lang="zh-CN">');
	});

	it("returns every Set-Cookie through the v2 `cookies` array", async () => {
		const url = authorizeUrl();
		const event = await toEvent(Object.assign(Object.create(null), { url: `${url.pathname}${url.search}`, method: "GET", headers: { host: new URL(baseUrl).host }, [Symbol.asyncIterator]: async function* () {} }) as IncomingMessage);
		const out = await handler(event);
		expect(out.statusCode).toBe(303);
		expect(out.cookies?.length).toBeGreaterThanOrEqual(2);
		expect(out.cookies?.some((c) => c.startsWith("_interaction="))).toBe(true);
		expect(out.headers?.["set-cookie"]).toBeUndefined();
		expect(out.headers?.location).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
	});
});

describe("sign-in refusals", () => {
	it("refuses a wrong password and an unknown user with the same answer", async () => {
		expect(await reasonOf(login("admin", "Wrong-password-1"))).toBe("invalid-credentials");
		expect(await reasonOf(login("nobody-here", DEMO_PASSWORD))).toBe("invalid-credentials");
		expect((await store.get("admin"))?.failedLogins).toBe(1);
		// a successful sign-in clears the count
		await login("admin");
		expect((await store.get("admin"))?.failedLogins).toBe(0);
	});

	it("locks the account after 5 failures, even for the right password", async () => {
		// prepare
		await store.create({ username: "lock-me", name: "Lock Me", roles: ["reporter"], orgScope: "t33", password: DEMO_PASSWORD });
		// act
		const reasons: string[] = [];
		for (let i = 0; i < 5; i++) reasons.push(await reasonOf(login("lock-me", `Wrong-password-${i}`)));
		const withRightPassword = await reasonOf(login("lock-me"));
		// assert
		expect(reasons).toEqual(["invalid-credentials", "invalid-credentials", "invalid-credentials", "invalid-credentials", "locked"]);
		expect(withRightPassword).toBe("locked");
		const user = await store.get("lock-me");
		expect(Date.parse(user?.lockedUntil ?? "")).toBeGreaterThan(Date.now() + 14 * 60_000);
	});

	it("refuses a disabled user, and lets them in again once enabled", async () => {
		await store.create({ username: "gone-away", name: "Gone", roles: ["approver"], orgScope: "korla", password: DEMO_PASSWORD });
		await store.disable("gone-away");
		expect(await reasonOf(login("gone-away"))).toBe("disabled");
		await store.enable("gone-away");
		expect(await reasonOf(login("gone-away"))).toBe("succeeded");
	});
});

describe("token verification (what API Gateway's JWT authorizer refuses)", () => {
	let good: string;
	let signer: CryptoKey;
	const now = () => Math.floor(Date.now() / 1000);
	const claims = { sub: "admin", roles: ["admin"], org_scope: "div" };
	const sign = (payload: Record<string, unknown>, opts: { key?: CryptoKey; kid?: string; alg?: string } = {}) =>
		new SignJWT(payload).setProtectedHeader({ alg: opts.alg ?? "RS256", kid: opts.kid ?? signingJwk.kid ?? "" }).sign(opts.key ?? signer);

	beforeAll(async () => {
		good = (await login("admin")).idToken;
		const file = JSON.parse(await readFile(process.env.OIDC_LOCAL_KEYS_FILE as string, "utf8")) as { keys: JWK[] };
		signingJwk = file.keys[0] as JWK;
		signer = (await importJWK(signingJwk, "RS256")) as CryptoKey;
	});

	it("accepts the provider's token and a hand-signed one with the real key (the control)", async () => {
		expect((await verifier.verifyToken(good)).sub).toBe("admin");
		const control = await sign({ ...claims, iss: issuer, aud: WEB_CLIENT_ID, iat: now(), exp: now() + 300 });
		expect((await verifier.verifyAuthorizationHeader(`Bearer ${control}`)).sub).toBe("admin");
		// an access token names its client in client_id instead of aud (Cognito), which is accepted too
		const accessLike = await sign({ ...claims, iss: issuer, client_id: WEB_CLIENT_ID, iat: now(), exp: now() + 300 });
		expect((await verifier.verifyToken(accessLike)).sub).toBe("admin");
	});

	it("refuses forged, expired, not-yet-valid, wrong-audience, wrong-issuer, alg none and absent tokens", async () => {
		const { privateKey: otherKey } = await generateKeyPair("RS256", { extractable: true });
		const body = { ...claims, iss: issuer, aud: WEB_CLIENT_ID, iat: now() };
		const header = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
		const goodPayload = good.split(".")[1];
		const cases: Record<string, string | undefined> = {
			forged: await sign({ ...body, exp: now() + 300 }, { key: otherKey }),
			forgedOtherKid: await sign({ ...body, exp: now() + 300 }, { key: otherKey, kid: "attacker" }),
			tampered: `${good.split(".")[0]}.${header({ ...decodeJwt(good), roles: ["admin", "leader"] })}.${good.split(".")[2]}`,
			expired: await sign({ ...body, iat: now() - 7200, exp: now() - 3600 }),
			notYetValid: await sign({ ...body, nbf: now() + 3600, exp: now() + 7200 }),
			noExp: await sign(body),
			wrongAudience: await sign({ ...body, aud: "another-client", exp: now() + 300 }),
			wrongIssuer: await sign({ ...body, iss: "http://127.0.0.1:1/oidc", exp: now() + 300 }),
			algNone: `${header({ alg: "none", typ: "JWT" })}.${goodPayload}.`,
			algNoneSigned: `${header({ alg: "none", typ: "JWT" })}.${goodPayload}.${good.split(".")[2]}`,
			hs256WithPublicKey: await new SignJWT({ ...body, exp: now() + 300 })
				.setProtectedHeader({ alg: "HS256", kid: signingJwk.kid ?? "" })
				.sign(new TextEncoder().encode(JSON.stringify(await exportJWK(otherKey)))),
			absent: undefined,
			empty: "",
			bearerOnly: "Bearer ",
			basic: "Basic YWRtaW46cGFzcw==",
			garbage: "Bearer not.a.jwt",
		};
		for (const [label, token] of Object.entries(cases)) {
			const headerValue = token === undefined || token.startsWith("Bearer") || token.startsWith("Basic") || token === "" ? token : `Bearer ${token}`;
			expect(`${label} → ${await unauthorizedKind(verifier.verifyAuthorizationHeader(headerValue))}`).toBe(
				`${label} → unauthorized:Invalid or missing bearer token`,
			);
		}
	});
});

describe("DynamoDB adapter", () => {
	const get = async (model: string, id: string) =>
		(await doc.send(new GetCommand({ TableName: tableName, Key: { pk: `OIDC#${model}#${id}`, sk: "OIDC" } }))).Item;

	it("stores with a ttl, finds by id, uid and user code, and consumes", async () => {
		// prepare
		const sessions = new DynamoAdapter("Session", doc, tableName);
		const codes = new DynamoAdapter("DeviceCode", doc, tableName);
		const before = Math.floor(Date.now() / 1000);
		// act
		await sessions.upsert("s1", { uid: "uid-1", accountId: "admin", kind: "Session" }, 600);
		await codes.upsert("d1", { userCode: "ABCD-EFGH", grantId: "g0", kind: "DeviceCode" }, 300);
		await codes.consume("d1");
		// assert
		const item = await get("Session", "s1");
		expect(item?.ttl).toBeGreaterThanOrEqual(before + 600);
		expect(item?.ttl).toBeLessThanOrEqual(before + 602);
		expect(item?.gsi1pk).toBe("OIDCUID#uid-1");
		expect(await sessions.find("s1")).toMatchObject({ uid: "uid-1", accountId: "admin" });
		expect(await sessions.findByUid("uid-1")).toMatchObject({ accountId: "admin" });
		expect(await sessions.findByUid("uid-unknown")).toBeUndefined();
		expect(await codes.findByUserCode("ABCD-EFGH")).toMatchObject({ grantId: "g0" });
		expect((await codes.find("d1"))?.consumed).toBeGreaterThanOrEqual(before);
		await expect(codes.consume("never-stored")).resolves.toBeUndefined();
	});

	it("treats an item past its ttl as gone before DynamoDB's sweep deletes it", async () => {
		const sessions = new DynamoAdapter("Session", doc, tableName);
		await doc.send(
			new PutCommand({
				TableName: tableName,
				Item: { pk: "OIDC#Session#old", sk: "OIDC", gsi1pk: "OIDCUID#uid-old", gsi1sk: "OIDC", model: "Session", ttl: Math.floor(Date.now() / 1000) - 1, payload: { uid: "uid-old" } },
			}),
		);
		expect(await sessions.find("old")).toBeUndefined();
		expect(await sessions.findByUid("uid-old")).toBeUndefined();
	});

	it("revokes a grant's artifacts per model, and only that grant's", async () => {
		// prepare
		const access = new DynamoAdapter("AccessToken", doc, tableName);
		const refresh = new DynamoAdapter("RefreshToken", doc, tableName);
		for (let i = 0; i < 30; i++) await access.upsert(`a${i}`, { grantId: "g1", kind: "AccessToken" }, 3600);
		await access.upsert("other", { grantId: "g2", kind: "AccessToken" }, 3600);
		await refresh.upsert("r1", { grantId: "g1", kind: "RefreshToken" }, 3600);
		// act
		await access.revokeByGrantId("g1");
		// assert
		expect(await access.find("a0")).toBeUndefined();
		expect(await access.find("a29")).toBeUndefined();
		expect(await access.find("other")).toBeDefined();
		expect(await refresh.find("r1")).toBeDefined();
		await refresh.revokeByGrantId("g1");
		expect(await refresh.find("r1")).toBeUndefined();
		await access.destroy("other");
		expect(await access.find("other")).toBeUndefined();
	});
});
