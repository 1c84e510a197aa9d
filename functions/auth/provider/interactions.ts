// The provider's sign-in interaction: the login page and its form POST, served inside the provider's own
// Koa app (so the Lambda and the local gateway run the same code). Consent is granted automatically: the
// only client is the platform's own web app, and roles come from the user record, not from the user.
// CSRF: the form posts to /interaction/<uid>/login; the provider's signed, path-scoped, SameSite=Lax
// interaction cookie must name the same uid, so a cross-site post has neither the uid nor the cookie.
import { createHash } from "node:crypto";
import { escapeHtml } from "../../core/html";
import type { KoaContextWithOIDC, Provider } from "oidc-provider";
import type { I18nText } from "../../core/types";
import { burnPasswordCheck, verifyPassword } from "../passwords";
import type { UserStore } from "../user-store";

export type Lang = "zh" | "en";

export { escapeHtml };

const t = (text: I18nText, lang: Lang): string => escapeHtml(lang === "en" ? text.en : text.zh);

const STYLE = `*{box-sizing:border-box}body{margin:0;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif;background:#f3f6f9;color:#1f2933}
main{max-width:380px;margin:8vh auto;padding:32px;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 4px}p.sub{margin:0 0 24px;color:#52606d;font-size:.9rem}
label{display:block;font-weight:600;margin:16px 0 6px}input{width:100%;padding:10px 12px;font-size:1rem;border:1px solid #9aa5b1;border-radius:4px}
input:focus,button:focus,a:focus{outline:3px solid #2563eb;outline-offset:2px}
button{margin-top:24px;width:100%;padding:12px;font-size:1rem;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:4px;cursor:pointer}
button:hover{background:#1e40af}.alert{margin:16px 0 0;padding:10px 12px;border-radius:4px;background:#fde8e8;color:#9b1c1c;border:1px solid #f8b4b4}
nav{text-align:right;font-size:.9rem}a{color:#1d4ed8}`;

const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`;

/** No scripts at all, only this page's own style; forms may post to the provider and redirect to the app. */
export const pageCsp = (formTargets: string[] = []): string =>
	[
		"default-src 'none'",
		`style-src ${STYLE_HASH}`,
		`form-action 'self' ${formTargets.join(" ")}`.trim(),
		"frame-ancestors 'none'",
		"base-uri 'none'",
	].join("; ");

export const securityHeaders = (formTargets: string[] = []): Record<string, string> => ({
	"content-security-policy": pageCsp(formTargets),
	"x-frame-options": "DENY",
	"x-content-type-options": "nosniff",
	"referrer-policy": "no-referrer",
	"cache-control": "no-store",
});

const TITLE: I18nText = { zh: "健康规划指标监测平台", en: "Health Plan Indicator Monitoring" };

/** A whole page in the platform's look; `body` must already be escaped HTML. */
export const renderPage = (lang: Lang, heading: I18nText, body: string, toggleHref?: string): string => {
	const toggle = toggleHref
		? `<nav><a href="${escapeHtml(toggleHref)}" lang="${lang === "en" ? "zh-CN" : "en"}">${lang === "en" ? "中文" : "English"}</a></nav>`
		: "";
	return `<!DOCTYPE html>
<html lang="${lang === "en" ? "en" : "zh-CN"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(heading, lang)} · ${t(TITLE, lang)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${toggle}
<h1>${t(TITLE, lang)}</h1>
<p class="sub">${t(heading, lang)}</p>
${body}
</main>
</body>
</html>`;
};

export type LoginError = "invalid-credentials" | "locked" | "disabled";

const MESSAGES = {
	signIn: { zh: "登录", en: "Sign in" },
	username: { zh: "用户名", en: "User name" },
	password: { zh: "密码", en: "Password" },
	"invalid-credentials": { zh: "用户名或密码错误。", en: "The user name or password is incorrect." },
	locked: { zh: "登录失败次数过多，账号已临时锁定，请稍后再试。", en: "Too many failed sign-ins: the account is locked for a while. Try again later." },
	disabled: { zh: "该账号已停用，请联系管理员。", en: "This account is disabled. Contact an administrator." },
	expired: {
		zh: "登录会话已过期或无效，请返回应用重新登录。",
		en: "The sign-in session expired or is not valid. Go back to the application and sign in again.",
	},
	error: { zh: "出错了", en: "Something went wrong" },
} satisfies Record<string, I18nText>;

const STATUS: Record<LoginError, number> = { "invalid-credentials": 401, locked: 423, disabled: 403 };

export const renderLogin = (opts: { lang: Lang; action: string; toggleHref: string; username?: string; error?: LoginError }): string => {
	const { lang, error } = opts;
	const alert = error ? `<div class="alert" role="alert" id="login-error" data-error="${error}">${t(MESSAGES[error], lang)}</div>` : "";
	const described = error ? ' aria-describedby="login-error"' : "";
	const focusPassword = Boolean(opts.username);
	const form = `${alert}
<form method="post" action="${escapeHtml(opts.action)}" autocomplete="on" novalidate>
<input type="hidden" name="lang" value="${lang}">
<label for="username">${t(MESSAGES.username, lang)}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required${
		focusPassword ? "" : " autofocus"
	} value="${escapeHtml(opts.username ?? "")}"${error ? ' aria-invalid="true"' : ""}${described}>
<label for="password">${t(MESSAGES.password, lang)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword ? " autofocus" : ""}${
		error ? ' aria-invalid="true"' : ""
	}${described}>
<button type="submit">${t(MESSAGES.signIn, lang)}</button>
</form>`;
	return renderPage(lang, MESSAGES.signIn, form, opts.toggleHref);
};

export const renderMessage = (lang: Lang, message: I18nText, heading: I18nText = MESSAGES.error): string =>
	renderPage(lang, heading, `<div class="alert" role="alert">${t(message, lang)}</div>`);

export const langOf = (value: unknown): Lang => (value === "en" ? "en" : "zh");

/**
 * The page language from the request: an explicit `lang` (the page's own toggle, or the form) wins; else the
 * first Chinese or English tag of the authorization request's `ui_locales` (OIDC Core 3.1.2.1, space-separated
 * BCP 47, in order of preference); else Chinese.
 */
export const pageLang = (explicit: unknown, uiLocales: unknown): Lang => {
	if (explicit === "en" || explicit === "zh") return explicit;
	for (const tag of typeof uiLocales === "string" ? uiLocales.toLowerCase().split(/\s+/) : []) {
		if (tag === "en" || tag.startsWith("en-")) return "en";
		if (tag === "zh" || tag.startsWith("zh-")) return "zh";
	}
	return "zh";
};

const FORM_LIMIT = 8 * 1024;

/** Reads a small urlencoded form from the raw request (the provider leaves its own body parsing to its routes). */
const readForm = async (ctx: KoaContextWithOIDC): Promise<URLSearchParams> => {
	if (!ctx.is("application/x-www-form-urlencoded")) return new URLSearchParams();
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of ctx.req) {
		size += (chunk as Buffer).length;
		if (size > FORM_LIMIT) ctx.throw(413);
		chunks.push(chunk as Buffer);
	}
	return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
};

export interface InteractionOptions {
	provider: Provider;
	userStore: UserStore;
	/** Path prefix the provider is served under (the issuer's path), e.g. `/oidc`. */
	mountPath: string;
	/** Origins the login form may end up redirecting to (the client's redirect URIs), for CSP form-action. */
	formTargets: string[];
}

/** Grants what the first-party client asked for (scopes and requested claims) and returns the grant id. */
const autoConsent = async (provider: Provider, details: Awaited<ReturnType<Provider["interactionDetails"]>>, accountId: string): Promise<string> => {
	const clientId = String(details.params.client_id);
	const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
	const grant = existing && existing.accountId === accountId && existing.clientId === clientId ? existing : new provider.Grant({ accountId, clientId });
	grant.addOIDCScope(String(details.params.scope ?? "openid"));
	if (typeof details.params.claims === "string") {
		try {
			const requested = JSON.parse(details.params.claims) as { id_token?: object; userinfo?: object };
			grant.addOIDCClaims([...Object.keys(requested.id_token ?? {}), ...Object.keys(requested.userinfo ?? {})]);
		} catch {
			// the provider has already rejected malformed claims parameters
		}
	}
	return grant.save();
};

/** Koa middleware for `<mount>/interaction/<uid>` (GET: page) and `<mount>/interaction/<uid>/login` (POST). */
export const interactionMiddleware = (opts: InteractionOptions) => {
	const { provider, userStore, mountPath } = opts;
	const route = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/;

	return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
		const m = route.exec(ctx.path);
		if (!m) {
			await next();
			return;
		}
		const uid = m[1] as string;
		const isLogin = m[2] === "/login";
		ctx.set(securityHeaders(opts.formTargets));
		const form = isLogin && ctx.method === "POST" ? await readForm(ctx) : undefined;
		const explicitLang = form?.get("lang") ?? ctx.query.lang;
		let lang = langOf(explicitLang);

		if ((isLogin && ctx.method !== "POST") || (!isLogin && ctx.method !== "GET")) {
			ctx.status = 405;
			ctx.set("allow", isLogin ? "POST" : "GET");
			return;
		}

		let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
		try {
			details = await provider.interactionDetails(ctx.req, ctx.res);
		} catch {
			ctx.status = 400;
			ctx.type = "html";
			ctx.body = renderMessage(lang, MESSAGES.expired);
			return;
		}
		if (details.uid !== uid) {
			ctx.status = 400;
			ctx.type = "html";
			ctx.body = renderMessage(lang, MESSAGES.expired);
			return;
		}
		lang = pageLang(explicitLang, details.params.ui_locales);

		const base = `${mountPath}/interaction/${uid}`;
		const finish = async (accountId: string, withLogin: boolean): Promise<void> => {
			const grantId = await autoConsent(provider, details, accountId);
			const returnTo = await provider.interactionResult(
				ctx.req,
				ctx.res,
				{ ...(withLogin ? { login: { accountId, amr: ["pwd"] } } : {}), consent: { grantId } },
				{ mergeWithLastSubmission: true },
			);
			ctx.status = 303;
			ctx.redirect(returnTo);
		};

		if (details.prompt.name === "consent") {
			// Signed in already; the first-party client gets what it asked for without a consent page.
			const accountId = details.session?.accountId;
			if (!accountId) {
				ctx.status = 400;
				ctx.type = "html";
				ctx.body = renderMessage(lang, MESSAGES.expired);
				return;
			}
			await finish(accountId, false);
			return;
		}

		const loginHint = typeof details.params.login_hint === "string" ? details.params.login_hint : undefined;
		const page = (error?: LoginError, username?: string): void => {
			ctx.status = error ? STATUS[error] : 200;
			ctx.type = "html";
			ctx.body = renderLogin({
				lang,
				action: `${base}/login`,
				toggleHref: `${base}?lang=${lang === "en" ? "zh" : "en"}`,
				...(username ? { username } : {}),
				...(error ? { error } : {}),
			});
		};

		if (!isLogin) {
			page(undefined, loginHint);
			return;
		}

		const username = (form?.get("username") ?? "").trim().toLowerCase();
		const password = form?.get("password") ?? "";
		const user = username && password ? await userStore.get(username) : undefined;
		if (!user) {
			// Same work and the same answer as a wrong password, so user names cannot be probed.
			await burnPasswordCheck(password);
			page("invalid-credentials", username);
			return;
		}
		if (userStore.isLocked(user)) {
			page("locked", username);
			return;
		}
		if (!(await verifyPassword(password, user.passwordHash))) {
			const { lockedUntil } = await userStore.recordFailedLogin(user.username);
			page(lockedUntil ? "locked" : "invalid-credentials", username);
			return;
		}
		if (user.failedLogins > 0 || user.lockedUntil) await userStore.resetFailures(user.username);
		// Checked after the password, so only someone who knows it learns that the account is disabled.
		if (user.disabled) {
			page("disabled", username);
			return;
		}
		await finish(user.username, true);
	};
};
