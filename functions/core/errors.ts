// Typed errors, part of the pure core so the domain rules can raise them. functions/commons/http.ts maps each kind
// to one HTTP status; nothing else does.

export type ErrorKind =
	| "bad-request" // 400: malformed input, with field-level messages
	| "unauthorized" // 401: missing or invalid token
	| "forbidden" // 403: valid token, outside role or scope
	| "not-found" // 404
	| "conflict" // 409: stale If-Match version, or a state transition that is not allowed now
	| "locked" // 423: the period is locked for this caller
	| "unprocessable" // 422: well-formed but fails validation rules (blocking errors)
	| "precondition-required" // 428: a write that needs If-Match without one
	| "payload-too-large" // 413
	| "unsupported" // 415
	| "too-many-requests" // 429
	| "unavailable" // 503: a dependency is down; safe to retry
	| "internal"; // 500

export class AppError extends Error {
	constructor(
		readonly kind: ErrorKind,
		message: string,
		readonly fields?: Record<string, string>,
		/** Extra JSON the client can use (e.g. validation issues, the current version). */
		readonly details?: Record<string, unknown>,
	) {
		super(message);
		this.name = "AppError";
	}
}

export const badRequest = (message: string, fields?: Record<string, string>) => new AppError("bad-request", message, fields);
export const unauthorized = (message = "Authentication required") => new AppError("unauthorized", message);
export const forbidden = (message = "Not allowed") => new AppError("forbidden", message);
export const notFound = (message = "Not found") => new AppError("not-found", message);
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError("conflict", message, undefined, details);
