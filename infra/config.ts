// Every deploy-time parameter of the CDK app, read once from CDK context (`-c key=value` or cdk.json) and
// validated here, so a typo fails the synth with a message instead of deploying something half-configured.
// docs/deploy.md lists every parameter with its default; keep the two in step.
import type { Node } from "constructs";
import { summaryScheduleToUtc } from "./schedule-expression";

export type Stage = "dev" | "prod";
export type Partition = "aws" | "aws-cn";
/** Who issues the tokens the API trusts. */
export type Identity = "cognito" | "platform" | "external";
export type MailTransport = "ses" | "smtp";

export interface StageConfig {
	stage: Stage;
	partition: Partition;
	/** Concrete region, or undefined for an environment-agnostic stack (the CLI profile decides). */
	region?: string;
	account?: string;
	/** Custom domain of the site (required to serve the site publicly from the China regions). */
	siteDomain?: string;
	/** ACM certificate in us-east-1 for siteDomain (global partition). */
	certificateArn?: string;
	/** IAM server certificate ID for siteDomain (China: CloudFront there does not support ACM). */
	iamCertificateId?: string;
	/** Email address subscribed to the alarm topic. */
	adminEmail?: string;
	mailFrom: string;
	mailTransport: MailTransport;
	/** SES identity (domain or address) the mail functions may send as. */
	sesIdentity?: string;
	/** Existing Secrets Manager secret with the SMTP settings; created (with a placeholder) when absent. */
	smtpSecretName?: string;
	identity: Identity;
	externalIssuer?: string;
	externalAudience?: string;
	roleClaim: string;
	scopeClaim: string;
	/** Client id of the web app at the platform's own OIDC provider. */
	oidcClientId: string;
	/** OAuth scopes the web app requests. */
	oidcScope: string;
	/** Path of the web app's sign-in callback, appended to the site origin. */
	callbackPath: string;
	/** Hosted-UI domain prefix of the Cognito user pool (must be unique in the region). */
	cognitoDomainPrefix: string;
	/** Require MFA (TOTP) for every Cognito user rather than making it optional. */
	cognitoMfaRequired: boolean;
	/** Summary schedule in Asia/Shanghai time, EventBridge Scheduler syntax. */
	summarySchedule: string;
	/** The same moment in UTC, for an EventBridge rule (no time zone support). */
	summaryScheduleUtc: string;
	/** How often the reminder job runs (pre-deadline, overdue and return notices; each is sent once). The feedback cards follow the monthly summary. */
	reminderSchedule: string;
	/** EventBridge Scheduler (true) or an EventBridge rule (false). */
	useScheduler: boolean;
	/** CloudFront origin access to the site bucket: origin access control, or the legacy identity. */
	siteOriginAccess: "oac" | "oai";
	approvedOnly: boolean;
	aggregateShards: number;
	deadlineDay: number;
	lockDay: number;
	throttleRate: number;
	throttleBurst: number;
	logRetentionDays: number;
	/** X-Ray active tracing on the functions (not offered for Lambda in the China regions). */
	tracing: boolean;
	/**
	 * Bundle the pinned AWS SDK into each function (true, the default) or import the one the Node 24
	 * runtime ships (false: 250-340 KB smaller bundles, but module init measured ~100 ms slower, and the
	 * runtime's SDK version is not ours to pin; see docs/performance.md §5).
	 */
	bundleAwsSdk: boolean;
}

const CHINA_REGIONS = ["cn-north-1", "cn-northwest-1"];
/** The retention periods CloudWatch Logs accepts. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Context values arrive as strings from `-c` and as JSON values from cdk.json; accept both. */
class ContextReader {
	constructor(private readonly node: Pick<Node, "tryGetContext">) {}

	raw(key: string): unknown {
		const v = this.node.tryGetContext(key);
		return v === "" ? undefined : v;
	}

	str(key: string): string | undefined {
		const v = this.raw(key);
		if (v === undefined || v === null) return undefined;
		if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
			throw new Error(`Context ${key} must be a string, not ${JSON.stringify(v)}`);
		}
		return String(v).trim() || undefined;
	}

	oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
		const v = this.str(key) ?? fallback;
		if (!(allowed as readonly string[]).includes(v)) throw new Error(`Context ${key} must be one of ${allowed.join(", ")}, not ${v}`);
		return v as T;
	}

	bool(key: string, fallback: boolean): boolean {
		const v = this.str(key);
		if (v === undefined) return fallback;
		if (v === "true") return true;
		if (v === "false") return false;
		throw new Error(`Context ${key} must be true or false, not ${v}`);
	}

	int(key: string, fallback: number, min: number, max: number): number {
		const v = this.str(key);
		if (v === undefined) return fallback;
		const n = Number(v);
		if (!Number.isInteger(n) || n < min || n > max) throw new Error(`Context ${key} must be an integer from ${min} to ${max}, not ${v}`);
		return n;
	}
}

/** The address part of `Name <address>` or a bare address. */
export const mailAddress = (from: string): string => {
	const m = /<([^>]+)>/.exec(from);
	return (m?.[1] ?? from).trim();
};

export function readConfig(node: Pick<Node, "tryGetContext">): StageConfig {
	const ctx = new ContextReader(node);
	const stage = ctx.oneOf("stage", ["dev", "prod"] as const, "dev");
	const region = ctx.str("region");
	const derivedPartition: Partition = region !== undefined && CHINA_REGIONS.includes(region) ? "aws-cn" : "aws";
	const partition = ctx.oneOf("partition", ["aws", "aws-cn"] as const, derivedPartition);
	if (region !== undefined && partition === "aws-cn" && !CHINA_REGIONS.includes(region)) {
		throw new Error(`partition aws-cn needs a China region (${CHINA_REGIONS.join(", ")}), not ${region}`);
	}
	if (region !== undefined && partition === "aws" && CHINA_REGIONS.includes(region)) {
		throw new Error(`region ${region} is in the aws-cn partition`);
	}
	const china = partition === "aws-cn";

	const identity = ctx.oneOf("identity", ["cognito", "platform", "external"] as const, china ? "platform" : "cognito");
	if (identity === "cognito" && china) throw new Error("identity=cognito is not possible in aws-cn: Cognito user pools are not offered there");

	const externalIssuer = ctx.str("externalIssuer");
	const externalAudience = ctx.str("externalAudience");
	if (identity === "external") {
		if (!externalIssuer || !externalAudience) throw new Error("identity=external needs externalIssuer and externalAudience");
		if (!/^https:\/\/[^/]+/.test(externalIssuer)) throw new Error(`externalIssuer must be an https URL, not ${externalIssuer}`);
	}
	const claimDefaults = identity === "cognito" ? { role: "cognito:groups", scope: "custom:org_scope" } : { role: "roles", scope: "org_scope" };

	const mailTransport = ctx.oneOf("mailTransport", ["ses", "smtp"] as const, china ? "smtp" : "ses");
	if (mailTransport === "ses" && china) throw new Error("mailTransport=ses is not possible in aws-cn: SES is not offered there; use smtp");
	const mailFrom = ctx.str("mailFrom") ?? "健康规划指标监测平台 <no-reply@example.org>";
	const fromAddress = mailAddress(mailFrom);
	if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fromAddress)) throw new Error(`mailFrom must contain an email address, not ${mailFrom}`);
	const sesIdentity = mailTransport === "ses" ? (ctx.str("sesIdentity") ?? fromAddress.split("@")[1]) : undefined;

	const siteDomain = ctx.str("siteDomain");
	const certificateArn = ctx.str("certificateArn");
	const iamCertificateId = ctx.str("iamCertificateId");
	if (certificateArn && china) throw new Error("certificateArn (ACM) is not supported by CloudFront in aws-cn; upload the certificate to IAM and pass iamCertificateId");
	if (certificateArn && !/^arn:[\w-]+:acm:us-east-1:/.test(certificateArn)) throw new Error("certificateArn must be an ACM certificate in us-east-1 (CloudFront reads certificates only from there)");
	if ((certificateArn || iamCertificateId) && !siteDomain) throw new Error("a certificate needs siteDomain");
	if (siteDomain && !(certificateArn || iamCertificateId)) throw new Error(`siteDomain needs ${china ? "iamCertificateId" : "certificateArn"}`);

	const logRetentionDays = ctx.int("logRetentionDays", stage === "prod" ? 365 : 30, 1, 3653);
	if (!RETENTION_DAYS.includes(logRetentionDays)) throw new Error(`logRetentionDays must be one of ${RETENTION_DAYS.join(", ")}`);

	const deadlineDay = ctx.int("deadlineDay", 10, 1, 28);
	const lockDay = ctx.int("lockDay", 20, 1, 28);
	if (lockDay < deadlineDay) throw new Error("lockDay must not be before deadlineDay");

	// The summary waits for the data: 08:00 Asia/Shanghai on the day after the reporting deadline (the 11th by default).
	const summarySchedule = ctx.str("summarySchedule") ?? `cron(0 8 ${Math.min(deadlineDay + 1, 28)} * ? *)`;
	const summaryScheduleUtc = ctx.str("summaryScheduleUtc") ?? summaryScheduleToUtc(summarySchedule);
	const reminderSchedule = ctx.str("reminderSchedule") ?? "rate(1 hour)";
	if (!/^(rate|cron)\(.+\)$/.test(reminderSchedule)) throw new Error(`reminderSchedule must be rate(...) or cron(...) in UTC, not ${reminderSchedule}`);

	return {
		stage,
		partition,
		region,
		account: ctx.str("account"),
		siteDomain,
		certificateArn,
		iamCertificateId,
		adminEmail: ctx.str("adminEmail"),
		mailFrom,
		mailTransport,
		sesIdentity,
		smtpSecretName: mailTransport === "smtp" ? ctx.str("smtpSecretName") : undefined,
		identity,
		externalIssuer: identity === "external" ? externalIssuer : undefined,
		externalAudience: identity === "external" ? externalAudience : undefined,
		roleClaim: ctx.str("roleClaim") ?? claimDefaults.role,
		scopeClaim: ctx.str("scopeClaim") ?? claimDefaults.scope,
		oidcClientId: ctx.str("oidcClientId") ?? "health-plan-web",
		oidcScope: ctx.str("oidcScope") ?? "openid profile email",
		callbackPath: ctx.str("callbackPath") ?? "/auth/callback",
		cognitoDomainPrefix: ctx.str("cognitoDomainPrefix") ?? `health-plan-monitor-${stage}`,
		cognitoMfaRequired: ctx.bool("cognitoMfaRequired", false),
		summarySchedule,
		summaryScheduleUtc,
		reminderSchedule,
		useScheduler: ctx.bool("useScheduler", !china),
		siteOriginAccess: ctx.oneOf("siteOriginAccess", ["oac", "oai"] as const, china ? "oai" : "oac"),
		approvedOnly: ctx.bool("approvedOnly", false),
		aggregateShards: ctx.int("aggregateShards", 1, 1, 100),
		deadlineDay,
		lockDay,
		throttleRate: ctx.int("throttleRate", 50, 1, 10_000),
		throttleBurst: ctx.int("throttleBurst", 100, 1, 5_000),
		logRetentionDays,
		tracing: ctx.bool("tracing", !china),
		bundleAwsSdk: ctx.bool("bundleAwsSdk", true),
	};
}
