// Local-mode settings in one place: ports (each overridable by an environment variable), the issuer the
// gateway trusts, and the environment the Lambda handlers see. Used by `npm start`, the token script,
// the summary CLI, the browser tests and the bench.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

const port = (name: string, fallback: number): number => {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number (1-65535), not "${raw}"`);
	return n;
};

export const localPorts = () => ({
	http: port("PORT", 3000),
	dynamodb: port("DYNAMODB_PORT", 8000),
	smtp: port("MAIL_SMTP_PORT", 1025),
	mailWeb: port("MAIL_WEB_PORT", 1080),
});

export const LOCAL_CLIENT_ID = "hpm-web";
export const LOCAL_TABLE = "hpm-local";

export const localUrls = (p = localPorts()) => {
	const base = `http://localhost:${p.http}`;
	return {
		base,
		api: `${base}/api`,
		issuer: `${base}/oidc`,
		mailWeb: `http://localhost:${p.mailWeb}`,
		dynamodb: `http://127.0.0.1:${p.dynamodb}`,
	};
};

/**
 * The environment the handlers read (functions/commons/config.ts), as CDK sets it in AWS. `overrides` replace
 * single variables: the bench and the crash test point it at their own table, DynamoDB Local and issuer.
 */
export const handlerEnv = (p = localPorts(), overrides: Record<string, string> = {}): Record<string, string> => {
	const u = localUrls(p);
	return {
		TABLE_NAME: process.env.TABLE_NAME ?? LOCAL_TABLE,
		DYNAMODB_ENDPOINT: u.dynamodb,
		AWS_REGION: "cn-northwest-1",
		AUTH_ISSUER: u.issuer,
		AUTH_AUDIENCE: LOCAL_CLIENT_ID,
		ROLE_CLAIM: "roles",
		SCOPE_CLAIM: "org_scope",
		USER_DIRECTORY: "platform",
		OIDC_ISSUER: u.issuer,
		OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
		OIDC_CLIENT_REDIRECT_URIS: `${u.base}/auth/callback`,
		OIDC_CLIENT_POST_LOGOUT_REDIRECT_URIS: `${u.base}/`,
		OIDC_LOCAL_KEYS_FILE: resolve(repoRoot, ".local/oidc-keys.json"),
		MAIL_TRANSPORT: "smtp",
		SMTP_HOST: "127.0.0.1",
		SMTP_PORT: String(p.smtp),
		SMTP_SECURE: "false",
		MAIL_FROM: "健康规划监测平台 <noreply@hpm.local>",
		SITE_URL: u.base,
		AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
		POWERTOOLS_SERVICE_NAME: "hpm-local",
		POWERTOOLS_DEV: "true",
		...overrides,
	};
};

/** What CDK writes as /config.json next to the site, for the local provider. */
export const siteConfig = (p = localPorts()) => {
	const u = localUrls(p);
	return {
		apiUrl: u.api,
		mode: "local",
		oidc: {
			authority: u.issuer,
			clientId: LOCAL_CLIENT_ID,
			redirectUri: `${u.base}/auth/callback`,
			postLogoutRedirectUri: `${u.base}/`,
			scope: "openid profile email",
		},
		mailCatcherUrl: u.mailWeb,
	};
};
