// Configuration: the whole environment parsed and validated once, at cold start. A missing or
// malformed variable is a broken deploy and must say so at init, naming the variable, not later as an
// empty string or NaN. Nothing else under functions/ reads process.env (test/unit/config.test.ts checks).
//
// `config` parses on its first access and keeps the result for the container's life; handlers touch it at
// module top level (getApp(), requireConfig()), so a bad variable fails the import, i.e. the Lambda init.
// Parsing on first access rather than on import lets tests and the local gateway set process.env before
// the first handler loads.
//
// Plain checks rather than a zod schema: every function runs this at init, where building and running a zod
// schema of ~45 fields cost ~5 ms of a ~40 ms cold start (docs/performance.md, profile of the catalog
// function). The environment is flat strings, so each check is a line; the messages are the ones zod gave.

/** A value the environment holds in the wrong shape: the message completes "NAME …". */
class Invalid extends Error {}
/** Checks a present, trimmed, non-blank value and converts it. */
type Check<T> = (value: string) => T;
/** Reads one variable: blank is absent. */
type Field<T> = (raw: string | undefined) => T;

const blankIsAbsent = (v: string | undefined): string | undefined => (v === undefined || v.trim() === "" ? undefined : v.trim());
const optional =
	<T>(check: Check<T>): Field<T | undefined> =>
	(raw) => {
		const v = blankIsAbsent(raw);
		return v === undefined ? undefined : check(v);
	};
const withDefault =
	<T>(check: Check<T>, fallback: string): Field<T> =>
	(raw) =>
		check(blankIsAbsent(raw) ?? fallback);

const text: Check<string> = (v) => v;
const url: Check<string> = (v) => {
	if (!URL.canParse(v)) throw new Invalid("must be a URL");
	return v;
};
const wholeNumber =
	(min: number, max: number): Check<number> =>
	(v) => {
		const n = Number(v);
		if (!/^-?\d+$/.test(v) || n < min || n > max) throw new Invalid(`must be a whole number from ${min} to ${max}`);
		return n;
	};
const fraction: Check<number> = (v) => {
	const n = Number(v);
	if (!(n > 0 && n <= 1)) throw new Invalid("must be a number in (0, 1]");
	return n;
};
const oneOf =
	<const T extends readonly [string, ...string[]]>(values: T): Check<T[number]> =>
	(v) => {
		if (!values.includes(v)) throw new Invalid(`must be ${values.join(" or ")}`);
		return v as T[number];
	};
const list = (v: string | undefined): string[] => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

const fields = {
	TABLE_NAME: optional(text),
	DYNAMODB_ENDPOINT: optional(url),
	AWS_REGION: withDefault(text, "cn-northwest-1"),
	AWS_LAMBDA_FUNCTION_NAME: optional(text),
	AUTH_ISSUER: optional(text),
	AUTH_AUDIENCE: optional(text),
	ROLE_CLAIM: withDefault(text, "cognito:groups"),
	SCOPE_CLAIM: withDefault(text, "custom:org_scope"),
	USER_DIRECTORY: withDefault(oneOf(["cognito", "platform", "external"]), "platform"),
	COGNITO_USER_POOL_ID: optional(text),
	SITE_URL: withDefault(text, "http://localhost:3000"),
	APPROVED_ONLY: withDefault(oneOf(["true", "false"]), "false"),
	DEADLINE_DAY: withDefault(wholeNumber(1, 31), "10"),
	LOCK_DAY: withDefault(wholeNumber(1, 31), "20"),
	IMPORT_BUDGET_MS: withDefault(wholeNumber(1_000, 28_000), "20000"),
	MAIL_TRANSPORT: optional(oneOf(["ses", "smtp"])),
	MAIL_FROM: optional(text),
	SES_CONFIGURATION_SET: optional(text),
	SMTP_SECRET_ARN: optional(text),
	SMTP_HOST: optional(text),
	SMTP_PORT: optional((v) => String(wholeNumber(1, 65535)(v))),
	SMTP_SECURE: optional(oneOf(["true", "false", "1", "0"])),
	SMTP_USER: optional(text),
	SMTP_PASS: optional(text),
	ARCHIVE_BUCKET: optional(text),
	SUMMARY_DAY: optional(wholeNumber(1, 28)),
	SUMMARY_HOUR: withDefault(wholeNumber(0, 23), "8"),
	AGGREGATE_SHARDS: withDefault(wholeNumber(1, 100), "1"),
	// Powertools reads it too; the summary's metric lines name it explicitly (infra sets it).
	POWERTOOLS_METRICS_NAMESPACE: withDefault(text, "HealthPlan"),
	COMPLETENESS_THRESHOLD: withDefault(fraction, "0.9"),
	OIDC_ISSUER: optional(text),
	OIDC_CLIENT_ID: optional(text),
	// infra/constructs/auth.ts sets the OIDC_* spellings; the local gateway may use OIDC_CLIENT_*.
	OIDC_CLIENT_REDIRECT_URIS: optional(text),
	OIDC_REDIRECT_URIS: optional(text),
	OIDC_CLIENT_POST_LOGOUT_REDIRECT_URIS: optional(text),
	OIDC_POST_LOGOUT_REDIRECT_URIS: optional(text),
	OIDC_KEYS_SECRET_ARN: optional(text),
	OIDC_LOCAL_KEYS_FILE: optional(text),
	// Group-robot push (functions/summary/push): extra webhook hosts for local testing, and the Secrets Manager
	// name prefix the webhook URLs live under in AWS (absent locally: they stay in the local table).
	PUSH_ALLOWED_HOSTS: optional(text),
	PUSH_SECRET_PREFIX: optional(text),
	// The KMS key that seals each robot's webhook in the table (infra: the stack's push key).
	PUSH_KMS_KEY_ID: optional(text),
} satisfies Record<string, Field<unknown>>;
type Environment = { [K in keyof typeof fields]: ReturnType<(typeof fields)[K]> };

/** Settings that depend on one another, checked once each variable has passed its own check. */
const crossChecks = (env: Environment): [string, string][] => {
	const problems: [string, string][] = [];
	const need = (name: string, why: string) => problems.push([name, `is required ${why}`]);
	if (env.MAIL_TRANSPORT && !env.MAIL_FROM) need("MAIL_FROM", "when MAIL_TRANSPORT is set");
	if (env.MAIL_TRANSPORT === "smtp" && !env.SMTP_HOST && !env.SMTP_SECRET_ARN) need("SMTP_HOST", "(or SMTP_SECRET_ARN) when MAIL_TRANSPORT is smtp");
	if (env.USER_DIRECTORY === "cognito" && !env.COGNITO_USER_POOL_ID) need("COGNITO_USER_POOL_ID", "when USER_DIRECTORY is cognito");
	return problems;
};

/** Every variable through its check; the problems of all of them together, or the parsed environment. */
const parseEnvironment = (env: Record<string, string | undefined>): { data: Environment; problems: [string, string][] } => {
	const data: Record<string, unknown> = {};
	const problems: [string, string][] = [];
	for (const [name, field] of Object.entries(fields) as [string, Field<unknown>][]) {
		try {
			data[name] = field(env[name]);
		} catch (e) {
			if (!(e instanceof Invalid)) throw e;
			problems.push([name, e.message]);
		}
	}
	return { data: data as Environment, problems: problems.length ? problems : crossChecks(data as Environment) };
};

const present = (name: string, value: string | undefined): string => {
	if (value === undefined) throw new Error(`Missing required environment variable ${name}`);
	return value;
};

/** The environment, parsed: every setting of every function, validated together. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) => {
	const parsed = parseEnvironment(env);
	if (parsed.problems.length) {
		const problems = parsed.problems.map(([name, message]) => {
			const got = env[name];
			return `${name} ${message}${got === undefined || got.trim() === "" ? "" : ` (got "${got}")`}`;
		});
		throw new Error(`Invalid environment: ${problems.join("; ")}`);
	}
	const e = parsed.data;
	return {
		/** The single DynamoDB table. */
		get tableName(): string {
			return present("TABLE_NAME", e.TABLE_NAME);
		},
		/** Set in local mode and tests (DynamoDB Local); absent in AWS. */
		dynamoEndpoint: e.DYNAMODB_ENDPOINT,
		region: e.AWS_REGION,
		/** True inside AWS Lambda (the runtime sets AWS_LAMBDA_FUNCTION_NAME). */
		inLambda: e.AWS_LAMBDA_FUNCTION_NAME !== undefined,
		/** JWT issuer and audience the API trusts (the local gateway checks these like API Gateway does). */
		get authIssuer(): string {
			return present("AUTH_ISSUER", e.AUTH_ISSUER);
		},
		get authAudience(): string {
			return present("AUTH_AUDIENCE", e.AUTH_AUDIENCE);
		},
		/** Claim names that carry roles and org scope: Cognito's by default, the platform provider's or an external IdP's by config. */
		roleClaim: e.ROLE_CLAIM,
		scopeClaim: e.SCOPE_CLAIM,
		/** Where admins manage users: cognito | platform | external. */
		userDirectory: e.USER_DIRECTORY,
		get cognitoUserPoolId(): string {
			return present("COGNITO_USER_POOL_ID", e.COGNITO_USER_POOL_ID);
		},
		/** Public URL of the site, for links in emails. */
		siteUrl: e.SITE_URL,
		/** Count only approved data on dashboards (otherwise submitted + approved). */
		approvedOnly: e.APPROVED_ONLY === "true",
		/** Day of the following month a form is due, and the day it locks. */
		deadlineDay: e.DEADLINE_DAY,
		lockDay: e.LOCK_DAY,
		/** How long one POST /api/imports applies rows before it pauses, resumable (API Gateway answers at 29 s). */
		importBudgetMs: e.IMPORT_BUDGET_MS,
		/** Mail: ses | smtp. */
		mailTransport: e.MAIL_TRANSPORT ?? "smtp",
		get mailFrom(): string {
			return present("MAIL_FROM", e.MAIL_FROM);
		},
		sesConfigurationSet: e.SES_CONFIGURATION_SET,
		/** SMTP server settings in the shape resolveSmtpSettings reads (commons/mail/smtp.ts). */
		smtp: {
			SMTP_SECRET_ARN: e.SMTP_SECRET_ARN,
			SMTP_HOST: e.SMTP_HOST,
			SMTP_PORT: e.SMTP_PORT,
			SMTP_SECURE: e.SMTP_SECURE,
			SMTP_USER: e.SMTP_USER,
			SMTP_PASS: e.SMTP_PASS,
		} as Record<string, string | undefined>,
		/** Summary archive bucket in AWS; absent locally (archive goes to the table). */
		archiveBucket: e.ARCHIVE_BUCKET,
		/** Monthly summary: day of the month (default the day after the deadline day) and hour, Asia/Shanghai. */
		summaryDay: e.SUMMARY_DAY ?? Math.min(e.DEADLINE_DAY + 1, 28),
		summaryHour: e.SUMMARY_HOUR,
		/** Number of write shards per aggregate (1 = the plain design; see docs/performance.md). */
		aggregateShards: e.AGGREGATE_SHARDS,
		/**
		 * Coverage below which a figure is provisional and claims no status: the WHO DQR completeness default,
		 * 0.9. Carried-forward stocks count as reported.
		 */
		completenessThreshold: e.COMPLETENESS_THRESHOLD,
		/** The CloudWatch namespace of the platform's metrics. */
		metricsNamespace: e.POWERTOOLS_METRICS_NAMESPACE,
		/** The platform's own OIDC provider (functions/handlers/oidc.ts). */
		oidc: {
			get issuer(): string {
				return present("OIDC_ISSUER", e.OIDC_ISSUER).replace(/\/+$/, "");
			},
			clientId: e.OIDC_CLIENT_ID,
			get redirectUris(): string[] {
				const uris = list(e.OIDC_CLIENT_REDIRECT_URIS ?? e.OIDC_REDIRECT_URIS);
				if (uris.length === 0) throw new Error("Missing required environment variable OIDC_CLIENT_REDIRECT_URIS (or OIDC_REDIRECT_URIS)");
				return uris;
			},
			postLogoutRedirectUris: list(e.OIDC_CLIENT_POST_LOGOUT_REDIRECT_URIS ?? e.OIDC_POST_LOGOUT_REDIRECT_URIS),
			keysSecretArn: e.OIDC_KEYS_SECRET_ARN,
			localKeysFile: e.OIDC_LOCAL_KEYS_FILE,
		},
		/** WeCom / DingTalk group-robot push of the monthly summary (docs/summary.md, Push channels). */
		push: {
			/** Hosts accepted besides the platforms' own (qyapi.weixin.qq.com, oapi.dingtalk.com): local receivers in tests. */
			allowedHosts: list(e.PUSH_ALLOWED_HOSTS).map((h) => h.toLowerCase()),
			/** Secrets Manager name prefix of robots saved before the push key (read, and emptied on the next save). */
			secretPrefix: e.PUSH_SECRET_PREFIX,
			/** The key each robot's webhook is sealed with in the table; absent locally, where it is stored plain. */
			kmsKeyId: e.PUSH_KMS_KEY_ID,
		},
	};
};

export type Config = ReturnType<typeof loadConfig>;

let loaded: Config | undefined;
const current = (): Config => {
	loaded ??= loadConfig();
	return loaded;
};

/** The configuration of this container, parsed from process.env on first access. */
export const config: Config = new Proxy({} as Config, { get: (_target, key) => current()[key as keyof Config] });

type RequiredSetting = "tableName" | "authIssuer" | "authAudience" | "mailFrom" | "oidc.issuer" | "oidc.redirectUris";

/**
 * Parse now and check the settings this function cannot run without. Call at a handler's module top level,
 * so a missing or malformed variable fails the Lambda's init rather than its first request.
 */
export const requireConfig = (...settings: RequiredSetting[]): Config => {
	const c = current();
	for (const s of settings) {
		if (s === "oidc.issuer") void c.oidc.issuer;
		else if (s === "oidc.redirectUris") void c.oidc.redirectUris;
		else void c[s];
	}
	return c;
};
