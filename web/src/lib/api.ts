// The one API client: base URL from /config.json, the bearer ID token, JSON in and out, and typed errors
// that carry the server's field-level messages (`fields`) and details (`details.issues`, `currentVersion`).
import type { ValidationIssue } from "$core/types";
import { loadConfig } from "./config";
import { currentIdToken, signIn } from "./auth";

export interface ApiErrorDetails {
	issues?: ValidationIssue[];
	currentVersion?: number;
	[key: string]: unknown;
}

export class ApiError extends Error {
	constructor(
		/** HTTP status; 0 when the request never got an answer (offline, DNS, CORS). */
		readonly status: number,
		readonly code: string,
		message: string,
		readonly fields: Record<string, string> = {},
		readonly details: ApiErrorDetails = {},
		readonly requestId?: string,
	) {
		super(message);
		this.name = "ApiError";
	}

	get isNetwork(): boolean {
		return this.status === 0;
	}

	/** The route is not deployed yet (API Gateway answers `{"message":"Not Found"}`) or the item is missing. */
	get isNotFound(): boolean {
		return this.status === 404;
	}

	/**
	 * The service behind the route does not exist yet: API Gateway's bare 404 (no request id), or a declared
	 * route whose function has no implementation for it yet ("no such route").
	 */
	get isNotDeployed(): boolean {
		return this.status === 404 && (!this.requestId || /no such route|未找到该接口/i.test(this.message));
	}
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
	query?: Query;
	body?: unknown;
	/** Sent as is (e.g. a file for an import) instead of JSON. */
	rawBody?: Blob;
	headers?: Record<string, string>;
	signal?: AbortSignal;
	/** Return the Response itself (downloads). */
	raw?: boolean;
}

const toQuery = (q: Query | undefined): string => {
	if (!q) return "";
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
	const s = p.toString();
	return s ? `?${s}` : "";
};

const errorFrom = async (res: Response): Promise<ApiError> => {
	let body: unknown = null;
	try {
		body = await res.json();
	} catch {
		// Not JSON (a proxy's HTML page): fall back to the status text.
	}
	const e = (body as { error?: { code?: string; message?: string; fields?: Record<string, string>; details?: ApiErrorDetails; requestId?: string } })?.error;
	if (e) return new ApiError(res.status, e.code ?? String(res.status), e.message ?? res.statusText, e.fields ?? {}, e.details ?? {}, e.requestId);
	// API Gateway's own answers: {"message":"Not Found"} / {"message":"Unauthorized"}.
	const message = (body as { message?: string })?.message ?? res.statusText ?? `HTTP ${res.status}`;
	const code = res.status === 404 ? "not-found" : res.status === 401 ? "unauthorized" : res.status === 403 ? "forbidden" : `http-${res.status}`;
	return new ApiError(res.status, code, message);
};

let redirecting = false;

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
	const cfg = await loadConfig();
	const token = await currentIdToken();
	const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
	if (token) headers.authorization = `Bearer ${token}`;
	let body: BodyInit | undefined;
	if (opts.rawBody) body = opts.rawBody;
	else if (opts.body !== undefined) {
		headers["content-type"] = "application/json";
		body = JSON.stringify(opts.body);
	}
	let res: Response;
	try {
		res = await fetch(`${cfg.apiUrl}${path}${toQuery(opts.query)}`, { method, headers, body, signal: opts.signal ?? null, cache: "no-store" });
	} catch (e) {
		if ((e as Error).name === "AbortError") throw e;
		throw new ApiError(0, "network", (e as Error).message || "network error");
	}
	if (res.status === 401) {
		// The session ended (expired token, signed out elsewhere): sign in again and come back here.
		if (!redirecting) {
			redirecting = true;
			void signIn().finally(() => {
				redirecting = false;
			});
		}
		throw await errorFrom(res);
	}
	if (!res.ok) throw await errorFrom(res);
	if (opts.raw) return res as unknown as T;
	if (res.status === 204) return undefined as T;
	const text = await res.text();
	return (text ? JSON.parse(text) : undefined) as T;
}

/** A fresh key per logical write; reuse it when retrying the same write after a dropped connection. */
export const newIdempotencyKey = (): string =>
	typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;

export const api = {
	get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>("GET", path, { query, ...(signal ? { signal } : {}) }),
	post: <T>(path: string, body?: unknown, query?: Query) => request<T>("POST", path, { body, query }),
	put: <T>(path: string, body: unknown, opts: { ifMatch?: number; idempotencyKey?: string } = {}) =>
		request<T>("PUT", path, {
			body,
			headers: {
				...(opts.ifMatch !== undefined ? { "if-match": `"${opts.ifMatch}"` } : {}),
				...(opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : {}),
			},
		}),
	patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, { body }),
	delete: <T>(path: string) => request<T>("DELETE", path),
	download: (path: string, query?: Query) => request<Response>("GET", path, { query, raw: true, headers: { accept: "*/*" } }),
};

/** Encodes a path segment (unit ids and codes are ASCII, but never trust that). */
export const seg = (s: string): string => encodeURIComponent(s);
