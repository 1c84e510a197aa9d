// The local API gateway: turns HTTP requests into real API Gateway HTTP API (payload v2) events, checks
// bearer tokens exactly like the JWT authorizer (issuer, audience, expiry, signature from the JWKS), and
// invokes the same Lambda handlers that run in AWS. It also serves the built web site and /config.json
// on the same port.
import { randomUUID } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { toApiGatewayClaims } from "../../functions/auth/claims";
import { createTokenVerifier, type TokenVerifier } from "../../functions/auth/verify";
import { type FunctionName, type RouteDef, routeKey, routes } from "../../functions/routes";

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<APIGatewayProxyResultV2>;

export interface GatewayOptions {
	port: number;
	host?: string;
	/** JWT authorizer settings; the same values CDK gives API Gateway. */
	issuer: string;
	audience: string;
	/** Folder of the built site (web/build); not served when absent. */
	siteDir?: string;
	/** Served as /config.json, like the generated file CDK deploys next to the site. */
	siteConfig?: Record<string, unknown>;
	/** Loads a function's handler; defaults to importing functions/handlers/<fn>.ts. */
	loadHandler?: (fn: FunctionName) => Promise<Handler>;
	/** API Gateway's limit for an HTTP API payload is 10 MB. */
	maxBodyBytes?: number;
	log?: (line: string) => void;
}

interface CompiledRoute {
	def: RouteDef;
	key: string;
	regex: RegExp;
	names: string[];
	/** Literal segments first, so /api/indicators/{code}/series beats a shorter template. */
	weight: number;
}

const compile = (def: RouteDef): CompiledRoute => {
	const names: string[] = [];
	let weight = 0;
	const pattern = def.path
		.split("/")
		.map((seg) => {
			const greedy = /^\{(\w+)\+\}$/.exec(seg);
			if (greedy) {
				names.push(greedy[1] as string);
				return "(.+)";
			}
			const param = /^\{(\w+)\}$/.exec(seg);
			if (param) {
				names.push(param[1] as string);
				return "([^/]+)";
			}
			weight += 10;
			return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
		})
		.join("/");
	return { def, key: routeKey(def), regex: new RegExp(`^${pattern}$`), names, weight };
};

const compiled = routes.map(compile).sort((a, b) => b.weight - a.weight);

export const matchRoute = (
	method: string,
	path: string,
): { route: CompiledRoute; params: Record<string, string> } | { methodNotAllowed: true } | { badEncoding: true } | null => {
	let pathMatched = false;
	for (const r of compiled) {
		const m = r.regex.exec(path);
		if (!m) continue;
		pathMatched = true;
		if (r.def.method !== method && r.def.method !== "ANY") continue;
		const params: Record<string, string> = {};
		for (const [i, n] of r.names.entries()) {
			try {
				params[n] = decodeURIComponent(m[i + 1] as string);
			} catch {
				// API Gateway refuses a path whose percent-encoding is not valid UTF-8 before any Lambda runs.
				return { badEncoding: true };
			}
		}
		return { route: r, params };
	}
	return pathMatched ? { methodNotAllowed: true } : null;
};

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|multipart\/form-data)/i;

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> =>
	new Promise((res, rej) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on("data", (c: Buffer) => {
			size += c.length;
			if (size > limit) over = true;
			else chunks.push(c);
		});
		req.on("end", () => res(over ? "too-large" : Buffer.concat(chunks)));
		req.on("error", rej);
	});

/** The event API Gateway would send for this request (payload format 2.0). */
export const buildEvent = (
	req: IncomingMessage,
	url: URL,
	body: Buffer,
	route: CompiledRoute,
	params: Record<string, string>,
	claims: Record<string, string> | null,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers)) {
		if (v === undefined || k === "cookie") continue;
		headers[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : v;
	}
	const cookies = (req.headers.cookie ?? "")
		.split(";")
		.map((c) => c.trim())
		.filter(Boolean);
	const query: Record<string, string> = {};
	for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
	const contentType = String(req.headers["content-type"] ?? "");
	const isText = body.length === 0 || TEXT_TYPES.test(contentType);
	const now = new Date();
	const requestId = randomUUID();
	return {
		version: "2.0",
		routeKey: route.key,
		rawPath: url.pathname,
		rawQueryString: url.search.replace(/^\?/, ""),
		...(cookies.length ? { cookies } : {}),
		headers,
		...(Object.keys(query).length ? { queryStringParameters: query } : {}),
		...(Object.keys(params).length ? { pathParameters: params } : {}),
		requestContext: {
			accountId: "000000000000",
			apiId: "local",
			domainName: String(req.headers.host ?? "localhost"),
			domainPrefix: "local",
			http: {
				method: String(req.method),
				path: url.pathname,
				protocol: `HTTP/${req.httpVersion}`,
				sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
				userAgent: String(req.headers["user-agent"] ?? ""),
			},
			requestId,
			routeKey: route.key,
			stage: "$default",
			time: now.toUTCString(),
			timeEpoch: now.getTime(),
			authorizer: { principalId: "", integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: null as unknown as string[] } },
		},
		...(body.length ? { body: isText ? body.toString("utf8") : body.toString("base64") } : {}),
		isBase64Encoded: body.length > 0 && !isText,
	} as APIGatewayProxyEventV2WithJWTAuthorizer;
};

const MIME: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".json": "application/json; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
	".ico": "image/x-icon",
	".woff2": "font/woff2",
	".txt": "text/plain; charset=utf-8",
	".webmanifest": "application/manifest+json",
};

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
	res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
	res.end(JSON.stringify(body));
};

const writeResult = (res: ServerResponse, result: APIGatewayProxyResultV2) => {
	// A handler may return a bare string or object; API Gateway then sends it as JSON with 200.
	const r: APIGatewayProxyStructuredResultV2 =
		typeof result === "string" || (typeof result === "object" && result !== null && !("statusCode" in result))
			? { statusCode: 200, body: typeof result === "string" ? result : JSON.stringify(result), headers: { "content-type": "application/json" } }
			: (result as APIGatewayProxyStructuredResultV2);
	const headers: Record<string, string | string[]> = {};
	for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
	if (r.cookies?.length) headers["set-cookie"] = r.cookies;
	const body = r.body === undefined ? Buffer.alloc(0) : r.isBase64Encoded ? Buffer.from(r.body, "base64") : Buffer.from(r.body, "utf8");
	res.writeHead(r.statusCode ?? 200, headers);
	res.end(body);
};

export interface Gateway {
	server: Server;
	url: string;
	close(): Promise<void>;
}

export const startGateway = async (opts: GatewayOptions): Promise<Gateway> => {
	const log = opts.log ?? (() => {});
	const handlers = new Map<FunctionName, Promise<Handler>>();
	const load = opts.loadHandler ?? (async (fn: FunctionName) => (await import(`../../functions/handlers/${fn}.ts`)).handler as Handler);
	const handlerFor = (fn: FunctionName) => {
		let h = handlers.get(fn);
		if (!h) {
			h = load(fn);
			handlers.set(fn, h);
			h.catch(() => handlers.delete(fn));
		}
		return h;
	};
	let verifier: TokenVerifier | undefined;
	const verify = () => {
		verifier ??= createTokenVerifier({ issuer: opts.issuer, audience: opts.audience });
		return verifier;
	};
	const siteDir = opts.siteDir && existsSync(opts.siteDir) ? resolve(opts.siteDir) : undefined;

	const serveStatic = (res: ServerResponse, pathname: string, method: string) => {
		if (pathname === "/config.json" && opts.siteConfig) return sendJson(res, 200, opts.siteConfig, { "cache-control": "no-store" });
		if (!siteDir) return sendJson(res, 404, { message: "Not Found" });
		const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, "");
		let file = join(siteDir, rel);
		if (!file.startsWith(siteDir)) return sendJson(res, 404, { message: "Not Found" });
		if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
		if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
		// SPA routing, as CloudFront's error response does in AWS.
		if (!existsSync(file)) file = existsSync(join(siteDir, "200.html")) ? join(siteDir, "200.html") : join(siteDir, "index.html");
		if (!existsSync(file)) return sendJson(res, 404, { message: "Not Found" });
		const immutable = rel.startsWith("_app/immutable/");
		res.writeHead(200, {
			"content-type": MIME[extname(file)] ?? "application/octet-stream",
			"cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
			"x-content-type-options": "nosniff",
			"referrer-policy": "strict-origin-when-cross-origin",
			"x-frame-options": "DENY",
		});
		if (method === "HEAD") return res.end();
		createReadStream(file).pipe(res);
	};

	const server = createServer(async (req, res) => {
		const started = Date.now();
		const method = String(req.method ?? "GET").toUpperCase();
		let url: URL;
		try {
			url = new URL(req.url ?? "/", "http://localhost");
		} catch {
			return sendJson(res, 400, { message: "Bad Request" });
		}
		const isApi = url.pathname.startsWith("/api/") || url.pathname === "/api" || url.pathname.startsWith("/oidc/") || url.pathname === "/oidc";
		if (!isApi) {
			if (method !== "GET" && method !== "HEAD") return sendJson(res, 405, { message: "Method Not Allowed" });
			return serveStatic(res, url.pathname, method);
		}
		try {
			const match = matchRoute(method, url.pathname);
			// API Gateway answers unknown routes with 404 {"message":"Not Found"} before any Lambda runs.
			if (match && "badEncoding" in match) {
				// Answered before any Lambda, but in the platform's error shape so clients get a field-level message.
				return sendJson(res, 400, {
					message: "Bad Request",
					error: { code: "bad-request", message: "路径编码无效 (invalid percent-encoding in the path)", fields: { path: "不是有效的 UTF-8 编码 (not valid UTF-8)" } },
				});
			}
			if (!match || "methodNotAllowed" in match) return sendJson(res, 404, { message: "Not Found" });
			let claims: Record<string, string> | null = null;
			if (match.route.def.roles !== "public") {
				try {
					claims = toApiGatewayClaims(await verify().verifyAuthorizationHeader(req.headers.authorization));
				} catch {
					return sendJson(res, 401, { message: "Unauthorized" }, { "www-authenticate": "Bearer" });
				}
			}
			const body = await readBody(req, opts.maxBodyBytes ?? 10 * 1024 * 1024);
			if (body === "too-large") return sendJson(res, 413, { message: "Request Entity Too Large" });
			const event = buildEvent(req, url, body, match.route, match.params, claims);
			const handler = await handlerFor(match.route.def.fn);
			const result = await handler(event);
			writeResult(res, result);
			log(`${method} ${url.pathname} → ${res.statusCode} ${Date.now() - started}ms`);
		} catch (e) {
			// What API Gateway does when the integration fails.
			log(`${method} ${url.pathname} → 500 ${(e as Error).stack ?? e}`);
			if (!res.headersSent) sendJson(res, 500, { message: "Internal Server Error" });
			else res.end();
		}
	});
	server.keepAliveTimeout = 5000;
	await new Promise<void>((res, rej) => {
		server.once("error", rej);
		server.listen(opts.port, opts.host, () => res());
	});
	const addr = server.address();
	const port = typeof addr === "object" && addr ? addr.port : opts.port;
	return {
		server,
		url: `http://localhost:${port}`,
		close: () =>
			new Promise<void>((res) => {
				server.closeAllConnections?.();
				server.close(() => res());
			}),
	};
};
