// The platform's own OpenID Connect provider (oidc-provider 9), for local mode and the aws-cn stage where
// there is no Cognito. Authorization code + PKCE (S256) only, one public first-party client (the web app).
//
// Which token is the bearer: the web app sends the ID TOKEN to the API. API Gateway's JWT authorizer checks
// `aud` (or `client_id`) against the configured audience = the client id, and a Cognito ID token has
// aud = client id too, so one authorizer setup serves Cognito, this provider and an external IdP alike.
// The ID token therefore carries everything the API needs (roles, org_scope, name, preferred_username,
// email) without a userinfo call: conformIdTokenClaims is off and those claims belong to the openid scope.
// Access tokens stay opaque and are only good for this provider's userinfo endpoint.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JWK } from "jose";
import Provider, { type AdapterFactory, type ClientMetadata, type JWKS, type KoaContextWithOIDC } from "oidc-provider";
import type { I18nText } from "../../core/types";
import type { UserStore } from "../user-store";
import { escapeHtml, interactionMiddleware, langOf, renderMessage, renderPage, securityHeaders } from "./interactions";

export const WEB_CLIENT_ID = "hpm-web";

/** Claims the ID token carries; the API maps them with ROLE_CLAIM=roles and SCOPE_CLAIM=org_scope. */
export const ID_TOKEN_CLAIMS = ["sub", "roles", "org_scope", "name", "preferred_username", "email"] as const;

export interface ProviderTtl {
	/** Seconds. */
	AccessToken: number;
	AuthorizationCode: number;
	IdToken: number;
	RefreshToken: number;
	Interaction: number;
	Session: number;
	Grant: number;
}

/** An hour for the bearer, a working day for the sign-in session; the web app refreshes silently in between. */
export const DEFAULT_TTL: ProviderTtl = {
	AccessToken: 60 * 60,
	AuthorizationCode: 60,
	IdToken: 60 * 60,
	RefreshToken: 10 * 60 * 60,
	Interaction: 15 * 60,
	Session: 10 * 60 * 60,
	Grant: 10 * 60 * 60,
};

export interface WebClientOptions {
	/** Defaults to WEB_CLIENT_ID; it is also the audience the API's JWT authorizer accepts. */
	clientId?: string;
	redirectUris: string[];
	postLogoutRedirectUris?: string[];
	/** Allow the refresh_token grant (rotated on every use, as for every public client). */
	refreshTokens?: boolean;
}

/** The web app: a public client (no secret; PKCE proves possession), code flow only. */
export const webClient = (opts: WebClientOptions): ClientMetadata => {
	if (opts.redirectUris.length === 0) throw new Error("The web client needs at least one redirect URI");
	return {
		client_id: opts.clientId ?? WEB_CLIENT_ID,
		client_name: "健康规划指标监测平台",
		application_type: "web",
		token_endpoint_auth_method: "none",
		response_types: ["code"],
		grant_types: opts.refreshTokens === false ? ["authorization_code"] : ["authorization_code", "refresh_token"],
		redirect_uris: opts.redirectUris,
		post_logout_redirect_uris: opts.postLogoutRedirectUris ?? [...new Set(opts.redirectUris.map((u) => `${new URL(u).origin}/`))],
		id_token_signed_response_alg: "RS256",
	};
};

export interface CreateProviderOptions {
	/** Public issuer URL including the mount path, e.g. `http://localhost:3000/oidc`. */
	issuer: string;
	clients: ClientMetadata[];
	/** Private JWKS; keys[0] signs ID tokens. */
	jwks: { keys: JWK[] };
	/** Keys that sign the provider's cookies. */
	cookieKeys: string[];
	adapter: AdapterFactory;
	userStore: UserStore;
	ttl?: Partial<ProviderTtl>;
}

const origins = (clients: ClientMetadata[]): string[] => [
	...new Set(clients.flatMap((c) => [...(c.redirect_uris ?? []), ...(c.post_logout_redirect_uris ?? [])]).map((u) => new URL(u).origin)),
];

const LOGOUT: I18nText = { zh: "退出登录", en: "Sign out" };

export const createProvider = (opts: CreateProviderOptions): Provider => {
	const mountPath = new URL(opts.issuer).pathname.replace(/\/+$/, "");
	const ttl = { ...DEFAULT_TTL, ...opts.ttl };
	const formTargets = origins(opts.clients);
	if (opts.cookieKeys.length === 0) throw new Error("createProvider: at least one cookie key is required");

	const htmlHeaders = (ctx: KoaContextWithOIDC): void => {
		ctx.set(securityHeaders(formTargets));
	};

	const provider = new Provider(opts.issuer, {
		adapter: opts.adapter,
		clients: opts.clients,
		jwks: opts.jwks as JWKS,
		cookies: {
			keys: opts.cookieKeys,
			long: { signed: true, httpOnly: true, sameSite: "lax" },
			short: { signed: true, httpOnly: true, sameSite: "lax" },
		},
		claims: {
			openid: [...ID_TOKEN_CLAIMS],
			profile: ["name", "preferred_username"],
			email: ["email"],
		},
		scopes: ["openid", "profile", "email", "offline_access"],
		conformIdTokenClaims: false,
		pkce: { required: () => true },
		responseTypes: ["code"],
		clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((u) => URL.parse(u)?.origin === origin) ?? false,
		issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
		features: {
			devInteractions: { enabled: false },
			revocation: { enabled: true },
			userinfo: { enabled: true },
			rpInitiatedLogout: {
				enabled: true,
				logoutSource: async (ctx, form) => {
					htmlHeaders(ctx);
					const lang = langOf(ctx.query.lang);
					ctx.type = "html";
					ctx.body = renderPage(
						lang,
						LOGOUT,
						`${form}<p>${lang === "en" ? "Do you want to sign out?" : "确定要退出登录吗？"}</p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">${escapeHtml(lang === "en" ? LOGOUT.en : LOGOUT.zh)}</button>`,
					);
				},
				postLogoutSuccessSource: async (ctx) => {
					htmlHeaders(ctx);
					ctx.type = "html";
					ctx.body = renderMessage(langOf(ctx.query.lang), { zh: "您已退出登录。", en: "You have signed out." }, LOGOUT);
				},
			},
		},
		interactions: {
			url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}`,
		},
		findAccount: async (_ctx, sub) => {
			const user = await opts.userStore.get(sub);
			// A disabled (or deleted) user has no account: existing sessions stop yielding tokens at once.
			if (!user || user.disabled) return undefined;
			return {
				accountId: user.username,
				claims: async () => ({
					sub: user.username,
					preferred_username: user.username,
					name: user.name,
					...(user.email ? { email: user.email } : {}),
					roles: user.roles,
					org_scope: user.orgScope,
				}),
			};
		},
		renderError: async (ctx, out) => {
			htmlHeaders(ctx);
			const lang = langOf(ctx.query?.lang);
			ctx.type = "html";
			// `out` holds the OAuth error code and description only, never a stack; escaped all the same.
			ctx.body = renderMessage(lang, {
				zh: `登录请求无效（${String(out.error ?? "error")}）。请返回应用重新登录。`,
				en: `The sign-in request is not valid (${String(out.error ?? "error")}). Go back to the application and sign in again.`,
			});
		},
		ttl: {
			AccessToken: ttl.AccessToken,
			AuthorizationCode: ttl.AuthorizationCode,
			IdToken: ttl.IdToken,
			RefreshToken: (ctx, token, client) => {
				// Rotated refresh tokens of a public client keep the lifetime of the one they replace.
				const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
				if (rotated && client.clientAuthMethod === "none") return rotated.remainingTTL;
				void token;
				return ttl.RefreshToken;
			},
			Interaction: ttl.Interaction,
			Session: ttl.Session,
			Grant: ttl.Grant,
		},
	});

	// API Gateway (and the local gateway) sit in front: trust X-Forwarded-Proto/For, which the Lambda
	// adapter pins to the issuer's scheme.
	provider.proxy = true;
	provider.use(interactionMiddleware({ provider, userStore: opts.userStore, mountPath, formTargets }));
	return provider;
};

/** The provider as a Node `(req, res)` callback; a Koa app's callback is built once and reused. */
export const providerCallback = (provider: Provider): ((req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
	provider.callback() as (req: IncomingMessage, res: ServerResponse) => Promise<void>;
