// Bearer-token verification with the checks API Gateway's HTTP API JWT authorizer makes, so the local
// gateway (and anything else outside API Gateway) accepts and refuses exactly the same tokens as AWS:
// signature against the issuer's JWKS, iss, aud or client_id, exp/nbf, and an RSA/EC algorithm.
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { AppError } from "../commons/errors";

export interface TokenVerifierOptions {
	/** Must equal the token's `iss` exactly (API Gateway compares the configured issuer the same way). */
	issuer: string;
	/** One or more accepted audiences, matched against `aud` or, for access tokens, `client_id`. */
	audience: string | string[];
	/** Where the signing keys are; discovered from `${issuer}/.well-known/openid-configuration` when absent. */
	jwksUri?: string;
	/** Seconds of clock skew tolerated on exp/nbf/iat. */
	clockToleranceSec?: number;
	/** For tests: the wall clock. */
	now?: () => Date;
}

export interface TokenVerifier {
	/** Verifies a bare JWT and returns its payload. */
	verifyToken(token: string): Promise<JWTPayload>;
	/** Verifies the Authorization header value (`Bearer <jwt>`, or a bare JWT as API Gateway also accepts). */
	verifyAuthorizationHeader(header: string | undefined | null): Promise<JWTPayload>;
}

export const ALLOWED_ALGORITHMS = ["RS256", "ES256"];

/** One message for every failure: which check failed is logged by nobody and told to nobody. */
const invalidToken = (): AppError => new AppError("unauthorized", "Invalid or missing bearer token");

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export const bearerFromHeader = (header: string | undefined | null): string | undefined => {
	if (typeof header !== "string") return undefined;
	const m = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(header);
	const token = m?.[1];
	return token && JWT_SHAPE.test(token) ? token : undefined;
};

const discoverJwksUri = async (issuer: string): Promise<string> => {
	const res = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, {
		headers: { accept: "application/json" },
		signal: AbortSignal.timeout(5000),
	});
	if (!res.ok) throw new Error(`OIDC discovery failed with ${res.status}`);
	const doc = (await res.json()) as { jwks_uri?: unknown; issuer?: unknown };
	if (typeof doc.jwks_uri !== "string") throw new Error("OIDC discovery document has no jwks_uri");
	return doc.jwks_uri;
};

export const createTokenVerifier = (opts: TokenVerifierOptions): TokenVerifier => {
	const audiences = Array.isArray(opts.audience) ? opts.audience : [opts.audience];
	if (audiences.length === 0 || audiences.some((a) => !a)) throw new Error("createTokenVerifier: audience is required");
	if (!opts.issuer) throw new Error("createTokenVerifier: issuer is required");

	// The key set is resolved once and cached; a failed discovery is forgotten so the next call retries.
	let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
	const keySet = (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
		jwks ??= (async () => {
			const uri = opts.jwksUri ?? (await discoverJwksUri(opts.issuer));
			return createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
		})().catch((e: unknown) => {
			jwks = undefined;
			throw e;
		});
		return jwks;
	};

	const verifyToken = async (token: string): Promise<JWTPayload> => {
		if (typeof token !== "string" || !JWT_SHAPE.test(token)) throw invalidToken();
		try {
			const { payload } = await jwtVerify(token, await keySet(), {
				issuer: opts.issuer,
				algorithms: ALLOWED_ALGORITHMS,
				requiredClaims: ["exp"],
				clockTolerance: opts.clockToleranceSec ?? 0,
				...(opts.now ? { currentDate: opts.now() } : {}),
			});
			const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
			const clientId = typeof payload.client_id === "string" ? payload.client_id : undefined;
			const audienceOk = aud.some((a) => audiences.includes(a)) || (clientId !== undefined && audiences.includes(clientId));
			if (!audienceOk) throw new Error("audience");
			// API Gateway also refuses a token issued in the future.
			const nowSec = Math.floor((opts.now?.() ?? new Date()).getTime() / 1000);
			if (typeof payload.iat === "number" && payload.iat > nowSec + (opts.clockToleranceSec ?? 0)) throw new Error("iat");
			return payload;
		} catch {
			throw invalidToken();
		}
	};

	return {
		verifyToken,
		async verifyAuthorizationHeader(header) {
			const token = bearerFromHeader(header);
			if (!token) throw invalidToken();
			return verifyToken(token);
		},
	};
};
