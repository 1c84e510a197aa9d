// /config.json is written next to the site per environment (CDK in AWS, the gateway locally), so one
// build serves every environment.

export interface OidcSettings {
	authority: string;
	clientId: string;
	redirectUri: string;
	postLogoutRedirectUri: string;
	scope: string;
}

export interface SiteConfig {
	/** Base of the API, e.g. `https://api.example.cn/api` or `http://localhost:3000/api`. */
	apiUrl: string;
	mode?: string;
	oidc: OidcSettings;
	mailCatcherUrl?: string;
}

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;

/** Throws with a readable message when the file is missing a field, so a broken deploy is obvious. */
export const parseConfig = (raw: unknown): SiteConfig => {
	const c = raw as Partial<SiteConfig> | null;
	const o = c?.oidc as Partial<OidcSettings> | undefined;
	const missing = [
		["apiUrl", c?.apiUrl],
		["oidc.authority", o?.authority],
		["oidc.clientId", o?.clientId],
		["oidc.redirectUri", o?.redirectUri],
	]
		.filter(([, v]) => !isString(v))
		.map(([k]) => k);
	if (!c || !o || missing.length > 0) throw new Error(`/config.json is missing ${missing.join(", ") || "its content"}`);
	return {
		apiUrl: (c.apiUrl as string).replace(/\/+$/, ""),
		...(c.mode ? { mode: c.mode } : {}),
		oidc: {
			authority: o.authority as string,
			clientId: o.clientId as string,
			redirectUri: o.redirectUri as string,
			postLogoutRedirectUri: isString(o.postLogoutRedirectUri) ? o.postLogoutRedirectUri : `${location.origin}/`,
			scope: isString(o.scope) ? o.scope : "openid profile email",
		},
		...(isString(c.mailCatcherUrl) ? { mailCatcherUrl: c.mailCatcherUrl } : {}),
	};
};

let loading: Promise<SiteConfig> | undefined;

export const loadConfig = (): Promise<SiteConfig> => {
	loading ??= fetch("/config.json", { cache: "no-store" })
		.then((r) => {
			if (!r.ok) throw new Error(`/config.json answered ${r.status}`);
			return r.json();
		})
		.then(parseConfig)
		.catch((e: unknown) => {
			loading = undefined;
			throw e;
		});
	return loading;
};
