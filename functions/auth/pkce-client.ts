// A headless OpenID Connect client doing the real authorization-code + PKCE flow over HTTP against the
// platform provider: discovery → /auth → login form POST → redirects → token exchange. Used by
// `npm run token`, the integration tests and the benches, so they all sign in exactly like a browser.
import { createHash, randomBytes } from "node:crypto";

export interface PkceLoginOptions {
	/** Where the platform runs, e.g. `http://localhost:3000`. */
	baseUrl: string;
	username: string;
	password: string;
	/** Defaults to `${baseUrl}/oidc`. */
	issuer?: string;
	clientId?: string;
	/** A redirect URI registered for the client; defaults to `${baseUrl}/auth/callback`. */
	redirectUri?: string;
	scope?: string;
}

export interface PkceTokens {
	idToken: string;
	accessToken: string;
	refreshToken?: string;
	expiresIn?: number;
}

/** Failure with a reason a CLI can print as is. */
export class PkceLoginError extends Error {
	constructor(
		message: string,
		readonly reason: "unreachable" | "invalid-credentials" | "locked" | "disabled" | "protocol",
	) {
		super(message);
		this.name = "PkceLoginError";
	}
}

export const DEFAULT_REDIRECT_PATH = "/auth/callback";
/** The web app's client id (provider/config.ts WEB_CLIENT_ID); not imported, to keep oidc-provider out of CLIs. */
export const DEFAULT_CLIENT_ID = "hpm-web";

const b64url = (buf: Buffer): string => buf.toString("base64url");

/** Just enough of a cookie jar for one origin: name → value, honouring deletions. */
class CookieJar {
	private readonly cookies = new Map<string, string>();
	store(res: Response): void {
		for (const line of res.headers.getSetCookie()) {
			const [pair = "", ...attrs] = line.split(";");
			const eq = pair.indexOf("=");
			if (eq < 1) continue;
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const expired = attrs.some((a) => {
				const [k = "", v = ""] = a.split("=");
				const key = k.trim().toLowerCase();
				return (key === "max-age" && Number(v) <= 0) || (key === "expires" && Date.parse(v) < Date.now());
			});
			if (expired || value === "") this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}
	header(): string {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
	}
}

const decodeEntities = (s: string): string =>
	s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, "&").replace(/&quot;/g, '"');

export const fetchTokenViaPkce = async (opts: PkceLoginOptions): Promise<PkceTokens> => {
	const baseUrl = opts.baseUrl.replace(/\/+$/, "");
	const issuer = (opts.issuer ?? `${baseUrl}/oidc`).replace(/\/+$/, "");
	const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
	const redirectUri = opts.redirectUri ?? `${baseUrl}${DEFAULT_REDIRECT_PATH}`;
	const jar = new CookieJar();

	const request = async (url: string, init: RequestInit = {}): Promise<Response> => {
		const headers = new Headers(init.headers);
		const cookie = jar.header();
		if (cookie) headers.set("cookie", cookie);
		let res: Response;
		try {
			res = await fetch(url, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(15_000) });
		} catch (e) {
			const cause = (e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
			throw new PkceLoginError(`Cannot reach the OIDC provider at ${new URL(url).origin} (${cause}); is the platform running (npm start)?`, "unreachable");
		}
		jar.store(res);
		return res;
	};

	// 1. Discovery
	const discoveryRes = await request(`${issuer}/.well-known/openid-configuration`);
	if (!discoveryRes.ok) throw new PkceLoginError(`OIDC discovery at ${issuer} answered ${discoveryRes.status}; is the platform provider running?`, "unreachable");
	const discovery = (await discoveryRes.json()) as { authorization_endpoint: string; token_endpoint: string; issuer: string };

	// 2. Authorization request with PKCE (S256), state and nonce
	const verifier = b64url(randomBytes(32));
	const challenge = b64url(createHash("sha256").update(verifier).digest());
	const state = b64url(randomBytes(16));
	const nonce = b64url(randomBytes(16));
	const authUrl = new URL(discovery.authorization_endpoint);
	authUrl.search = new URLSearchParams({
		client_id: clientId,
		redirect_uri: redirectUri,
		response_type: "code",
		scope: opts.scope ?? "openid profile email",
		code_challenge: challenge,
		code_challenge_method: "S256",
		state,
		nonce,
		login_hint: opts.username,
	}).toString();

	// 3. Follow redirects until the login page, the redirect URI, or an error.
	let url = authUrl.href;
	let res = await request(url);
	let loggedIn = false;
	for (let hops = 0; hops < 12; hops++) {
		if (res.status >= 300 && res.status < 400) {
			const location = res.headers.get("location");
			if (!location) throw new PkceLoginError(`Redirect without a Location from ${url}`, "protocol");
			url = new URL(location, url).href;
			if (url.startsWith(redirectUri)) {
				const params = new URL(url).searchParams;
				if (params.get("error")) throw new PkceLoginError(`Authorization failed: ${params.get("error")} ${params.get("error_description") ?? ""}`.trim(), "protocol");
				if (params.get("state") !== state) throw new PkceLoginError("Authorization response state does not match", "protocol");
				const code = params.get("code");
				if (!code) throw new PkceLoginError("Authorization response has no code", "protocol");
				return exchange(request, discovery.token_endpoint, { code, verifier, redirectUri, clientId });
			}
			res = await request(url);
			continue;
		}
		const html = await res.text();
		const errorCode = /data-error="([a-z-]+)"/.exec(html)?.[1];
		if (errorCode === "invalid-credentials") throw new PkceLoginError(`Sign-in failed for "${opts.username}": unknown user or wrong password`, "invalid-credentials");
		if (errorCode === "locked") throw new PkceLoginError(`Sign-in refused for "${opts.username}": the account is locked after too many failures`, "locked");
		if (errorCode === "disabled") throw new PkceLoginError(`Sign-in refused for "${opts.username}": the account is disabled`, "disabled");
		const action = /<form[^>]*\baction="([^"]+)"/.exec(html)?.[1];
		if (res.status !== 200 || !action || loggedIn) {
			throw new PkceLoginError(`Unexpected answer ${res.status} from ${url} during sign-in`, "protocol");
		}
		// 4. The login form, posted like a browser does.
		loggedIn = true;
		url = new URL(decodeEntities(action), url).href;
		res = await request(url, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ username: opts.username, password: opts.password }).toString(),
		});
	}
	throw new PkceLoginError("Too many redirects during sign-in", "protocol");
};

const exchange = async (
	request: (url: string, init?: RequestInit) => Promise<Response>,
	tokenEndpoint: string,
	p: { code: string; verifier: string; redirectUri: string; clientId: string },
): Promise<PkceTokens> => {
	// 5. Code + verifier for tokens; a public client authenticates with nothing but the PKCE verifier.
	const res = await request(tokenEndpoint, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
		body: new URLSearchParams({
			grant_type: "authorization_code",
			code: p.code,
			redirect_uri: p.redirectUri,
			client_id: p.clientId,
			code_verifier: p.verifier,
		}).toString(),
	});
	const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
	if (!res.ok || typeof body.id_token !== "string" || typeof body.access_token !== "string") {
		throw new PkceLoginError(`Token exchange failed (${res.status}): ${String(body.error ?? "no id_token")}`, "protocol");
	}
	const tokens: PkceTokens = { idToken: body.id_token, accessToken: body.access_token };
	if (typeof body.refresh_token === "string") tokens.refreshToken = body.refresh_token;
	if (typeof body.expires_in === "number") tokens.expiresIn = body.expires_in;
	return tokens;
};
