// The HTTP edge shared by every API Lambda: find the declared route, build the principal from the JWT
// authorizer's claims, apply the access policy, run the route, and map errors to status codes — the one
// place where that mapping lives. A raw error or stack trace never reaches a response.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from "aws-lambda";
import * as z from "zod/mini";
import { en } from "zod/locales";
import { principalFromClaims } from "../auth/claims";
import { type AccessDecision, authorize } from "../core/access";
import type { ErrorBody } from "../core/api-types";
import type { CatalogIndex } from "../core/catalog-index";
import type { Principal } from "../core/types";
import { type FunctionName, type RouteDef, routeKey, routes } from "../routes";
import { config } from "./config";
import { AppError, type ErrorKind } from "./errors";
import { logger, startInvocation } from "./observability";

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface RouteRequest {
	event: ApiEvent;
	route: RouteDef;
	principal: Principal | null;
	access: AccessDecision;
	params: Record<string, string>;
	query: Record<string, string | undefined>;
	headers: Record<string, string | undefined>;
	/** The parsed JSON body; throws a 400 when it is not JSON. */
	json(): unknown;
	rawBody(): Buffer;
	requestId: string;
}

export interface RouteResult {
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Binary bodies (xlsx, png) are sent base64-encoded. */
	binary?: Uint8Array;
	/** Pre-rendered text (html). */
	text?: string;
}

export type RouteImpl = (req: RouteRequest) => Promise<RouteResult>;

const STATUS: Record<ErrorKind, number> = {
	"bad-request": 400,
	unauthorized: 401,
	forbidden: 403,
	"not-found": 404,
	conflict: 409,
	"payload-too-large": 413,
	unsupported: 415,
	unprocessable: 422,
	locked: 423,
	"precondition-required": 428,
	"too-many-requests": 429,
	internal: 500,
	unavailable: 503,
};

/** Largest request body accepted (imports are the big ones). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 => ({
	statusCode: status,
	headers: { ...JSON_HEADERS, ...headers },
	body: JSON.stringify(body),
});

// The request path validates with zod/mini (the same checks as classic zod, a third of the bytes and less to
// evaluate at init: docs/performance.md). Mini loads no locale, so the English messages classic zod gives
// for a wrong type ("expected string, received number") are configured here, once.
z.config(en());

/** zod issues → `{ "values.BEDS": "message" }`, the field-level shape every 4xx carries. */
export const zodFields = (error: z.core.$ZodError): Record<string, string> => {
	const out: Record<string, string> = {};
	for (const issue of error.issues) {
		const path = issue.path.map(String).join(".") || "body";
		out[path] ??= issue.message;
	}
	return out;
};

/** Parse input with a schema, or throw a 400 with field-level messages. */
export const parseWith = <T>(schema: z.core.$ZodType<T>, input: unknown, what = "请求内容有误 (invalid request)"): T => {
	const r = z.safeParse(schema, input);
	if (!r.success) throw new AppError("bad-request", what, zodFields(r.error));
	return r.data;
};

export const errorResponse = (e: unknown, requestId: string, log: (msg: string, extra: unknown) => void = defaultLog): APIGatewayProxyResultV2 => {
	if (e instanceof AppError) {
		const body: ErrorBody = { error: { code: e.kind, message: e.message, requestId, ...(e.fields ? { fields: e.fields } : {}) } };
		if (e.details) Object.assign(body.error, { details: e.details });
		if (e.kind === "internal" || e.kind === "unavailable") log("error", { requestId, kind: e.kind, message: e.message });
		return jsonResponse(STATUS[e.kind], body);
	}
	const name = (e as { name?: string })?.name ?? "";
	// A dependency that is down or throttling: tell the client it may retry; nothing was acknowledged.
	const transient = /Throttl|ProvisionedThroughput|RequestLimit|ECONNREFUSED|ECONNRESET|TimeoutError|ServiceUnavailable|TransactionCanceled|RetryableError/.test(
		`${name} ${(e as { code?: string })?.code ?? ""}`,
	);
	log(transient ? "warn" : "error", { requestId, name, message: (e as Error)?.message, ...(transient ? {} : { stack: (e as Error)?.stack }) });
	const kind: ErrorKind = transient ? "unavailable" : "internal";
	const message = transient ? "服务繁忙，请稍后重试 (temporarily unavailable, retry)" : "服务器内部错误 (internal error)";
	return jsonResponse(STATUS[kind], { error: { code: kind, message, requestId } } satisfies ErrorBody, transient ? { "retry-after": "1" } : {});
};

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987), for file downloads. */
export const contentDisposition = (filename: string, ascii: string): string =>
	`attachment; filename="${ascii.replace(/["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

const defaultLog = (level: string, extra: unknown) => {
	const { message, ...rest } = extra as { message?: string };
	const details = { ...rest, ...(message !== undefined ? { error: message } : {}) };
	if (level === "warn") logger.warn("request failed, dependency unavailable", details);
	else logger.error("request failed", details);
};

const toResult = (r: RouteResult): APIGatewayProxyResultV2 => {
	if (r.binary) {
		return { statusCode: r.status ?? 200, headers: r.headers ?? {}, body: Buffer.from(r.binary).toString("base64"), isBase64Encoded: true };
	}
	if (r.text !== undefined) return { statusCode: r.status ?? 200, headers: r.headers ?? {}, body: r.text };
	if (r.status === 204) return { statusCode: 204, headers: r.headers ?? {} };
	return jsonResponse(r.status ?? 200, r.body ?? {}, r.headers);
};

const lowerHeaders = (h: Record<string, string | undefined> | undefined): Record<string, string | undefined> => {
	const out: Record<string, string | undefined> = {};
	for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
	return out;
};

const routeIndex = new Map(routes.map((r) => [routeKey(r), r]));

export interface HandlerDeps {
	/** The catalog, for scope checks (loaded once and cached by the caller). */
	catalog: () => Promise<CatalogIndex>;
}

/**
 * A Lambda handler for one function: dispatches by the event's route key to the implementations given.
 * Every implementation must correspond to a route of this function in routes.ts.
 */
export const createHandler = (fn: FunctionName, impls: Record<string, RouteImpl>, deps: HandlerDeps) => {
	for (const key of Object.keys(impls)) {
		const def = routeIndex.get(key);
		if (!def || def.fn !== fn) throw new Error(`Route ${key} is not declared for function ${fn} in functions/routes.ts`);
	}
	return async (event: ApiEvent, context?: Context): Promise<APIGatewayProxyResultV2> => {
		const requestId = event.requestContext?.requestId ?? "local";
		startInvocation(context, { requestId, route: event.routeKey });
		try {
			const route = routeIndex.get(event.routeKey);
			const impl = route && route.fn === fn ? impls[event.routeKey] : undefined;
			if (!route || !impl) throw new AppError("not-found", "未找到该接口 (no such route)");
			const rawBody = (): Buffer => {
				if (!event.body) return Buffer.alloc(0);
				const buf = event.isBase64Encoded ? Buffer.from(event.body, "base64") : Buffer.from(event.body, "utf8");
				if (buf.length > MAX_BODY_BYTES) throw new AppError("payload-too-large", "请求内容过大 (request body too large)");
				return buf;
			};
			let principal: Principal | null = null;
			if (route.roles !== "public") {
				const claims = event.requestContext?.authorizer?.jwt?.claims;
				if (!claims) throw new AppError("unauthorized", "Authentication required");
				principal = principalFromClaims(claims as Record<string, unknown>, { roleClaim: config.roleClaim, scopeClaim: config.scopeClaim });
			}
			const params = (event.pathParameters ?? {}) as Record<string, string>;
			const query = (event.queryStringParameters ?? {}) as Record<string, string | undefined>;
			const access = route.roles === "public" ? { via: [] } : authorize(route, principal, { pathParameters: params, query }, await deps.catalog());
			const req: RouteRequest = {
				event,
				route,
				principal,
				access,
				params,
				query,
				headers: lowerHeaders(event.headers),
				rawBody,
				json: () => {
					const buf = rawBody();
					if (buf.length === 0) throw new AppError("bad-request", "请求体不能为空 (a JSON body is required)", { body: "必填 (required)" });
					try {
						return JSON.parse(buf.toString("utf8"));
					} catch {
						throw new AppError("bad-request", "请求体不是有效的 JSON (body is not valid JSON)", { body: "无效 JSON (invalid JSON)" });
					}
				},
				requestId,
			};
			return toResult(await impl(req));
		} catch (e) {
			return errorResponse(e, requestId);
		}
	};
};
