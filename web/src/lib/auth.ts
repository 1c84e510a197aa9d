// Sign-in with the platform's OIDC provider (or Cognito in the global stage): authorization code + PKCE
// (oidc-client-ts' default), the session kept in localStorage so a reload or a second tab stays signed in,
// a silent refresh with the refresh token when the ID token is about to expire, and sign-out.
// Who the user is (roles, org scope) comes from GET /api/me, one code path for every identity provider.
import { type User, UserManager, WebStorageStateStore } from "oidc-client-ts";
import { loadConfig } from "./config";

let manager: Promise<UserManager> | undefined;

const userManager = (): Promise<UserManager> => {
	manager ??= loadConfig().then(
		(cfg) =>
			new UserManager({
				authority: cfg.oidc.authority,
				client_id: cfg.oidc.clientId,
				redirect_uri: cfg.oidc.redirectUri,
				post_logout_redirect_uri: cfg.oidc.postLogoutRedirectUri,
				response_type: "code",
				scope: cfg.oidc.scope,
				userStore: new WebStorageStateStore({ store: window.localStorage }),
				stateStore: new WebStorageStateStore({ store: window.localStorage }),
				automaticSilentRenew: false,
				loadUserInfo: false,
				// The authority's discovery sits under /oidc; the platform answers it on the same origin.
				monitorSession: false,
			}),
	);
	return manager;
};

/** Seconds before expiry when the token is refreshed rather than sent. */
const REFRESH_MARGIN_S = 60;

let refreshing: Promise<User | null> | undefined;

const refresh = async (um: UserManager, user: User): Promise<User | null> => {
	if (!user.refresh_token) return null;
	refreshing ??= um
		.signinSilent()
		.catch(() => null)
		.finally(() => {
			refreshing = undefined;
		});
	return refreshing;
};

/** The signed-in user, refreshed if possible; null when there is no usable session. */
export async function currentUser(): Promise<User | null> {
	const um = await userManager();
	const user = await um.getUser();
	if (!user) return null;
	const left = user.expires_in ?? 0;
	if (user.expired || left < REFRESH_MARGIN_S) {
		const renewed = await refresh(um, user);
		if (renewed && !renewed.expired) return renewed;
		if (user.expired) {
			await um.removeUser();
			return null;
		}
	}
	return user;
}

/** The API expects the ID token (its audience is the web client, as the JWT authorizer checks). */
export async function currentIdToken(): Promise<string | null> {
	const u = await currentUser();
	return u?.id_token ?? null;
}

/** Redirects to the provider's login page; returns the user here afterwards. */
export async function signIn(returnTo: string = location.pathname + location.search + location.hash): Promise<void> {
	// The provider only returns to the registered origin, and the sign-in state lives in this origin's
	// storage: opened at another address of the same site (127.0.0.1 for localhost, the CloudFront name for
	// the custom domain), move to the registered origin first and sign in there.
	const home = new URL((await loadConfig()).oidc.redirectUri).origin;
	if (home !== location.origin) {
		location.replace(`${home}${returnTo.startsWith("/") && !returnTo.startsWith("//") ? returnTo : "/"}`);
		return;
	}
	const um = await userManager();
	// ui_locales asks the provider for the UI language (the platform's login page has its own toggle too).
	await um.signinRedirect({ state: { returnTo }, ui_locales: document.documentElement.lang === "en" ? "en" : "zh-CN" });
}

/** Why a sign-in could not complete, in words the callback page can translate. */
export type SignInFailure = "state" | "provider" | "other";

export const signInFailure = (e: unknown): SignInFailure => {
	const m = e instanceof Error ? e.message : String(e);
	if (/state/i.test(m)) return "state";
	if (e && typeof e === "object" && "error" in e) return "provider";
	return "other";
};

/** Completes the code flow on /auth/callback; returns where to go next (a same-origin path). */
export async function completeSignIn(): Promise<string> {
	const um = await userManager();
	const user = await um.signinRedirectCallback();
	const returnTo = (user.state as { returnTo?: unknown } | undefined)?.returnTo;
	return typeof returnTo === "string" && returnTo.startsWith("/") && !returnTo.startsWith("//") && !returnTo.startsWith("/auth/") ? returnTo : "/";
}

const SIGNED_OUT = "hpm.signedOut";

/** True once after a sign-out, so the app shows "you have signed out" instead of the login page at once. */
export const takeSignedOutFlag = (): boolean => {
	try {
		const v = sessionStorage.getItem(SIGNED_OUT);
		sessionStorage.removeItem(SIGNED_OUT);
		return v === "1";
	} catch {
		return false;
	}
};

export async function signOut(): Promise<void> {
	const um = await userManager();
	const user = await um.getUser();
	await um.removeUser();
	try {
		sessionStorage.setItem(SIGNED_OUT, "1");
	} catch {
		// Storage unavailable: the login page shows instead.
	}
	try {
		await um.signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {});
	} catch {
		// A provider without an end-session endpoint: the local session is gone, show the signed-out page.
		location.assign("/?signedOut=1");
	}
}
