// Configuration, read from the environment once and failing fast: a missing required variable is a
// broken deploy and must say so at cold start, not later as an empty string.

const required = (name: string): string => {
	const v = process.env[name];
	if (v === undefined || v.trim() === "") throw new Error(`Missing required environment variable ${name}`);
	return v;
};
const optional = (name: string, fallback: string): string => {
	const v = process.env[name];
	return v === undefined || v.trim() === "" ? fallback : v;
};

export const config = {
	/** The single DynamoDB table. */
	get tableName(): string {
		return required("TABLE_NAME");
	},
	/** Set in local mode and tests (DynamoDB Local); absent in AWS. */
	get dynamoEndpoint(): string | undefined {
		return process.env.DYNAMODB_ENDPOINT || undefined;
	},
	get region(): string {
		return optional("AWS_REGION", "cn-northwest-1");
	},
	/** JWT issuer and audience the API trusts (the local gateway checks these like API Gateway does). */
	get authIssuer(): string {
		return required("AUTH_ISSUER");
	},
	get authAudience(): string {
		return required("AUTH_AUDIENCE");
	},
	/** Claim names that carry roles and org scope: Cognito's by default, the platform provider's or an external IdP's by config. */
	get roleClaim(): string {
		return optional("ROLE_CLAIM", "cognito:groups");
	},
	get scopeClaim(): string {
		return optional("SCOPE_CLAIM", "custom:org_scope");
	},
	/** Where admins manage users: cognito | platform | external. */
	get userDirectory(): "cognito" | "platform" | "external" {
		const v = optional("USER_DIRECTORY", "platform");
		if (v !== "cognito" && v !== "platform" && v !== "external") throw new Error(`USER_DIRECTORY must be cognito, platform or external, not ${v}`);
		return v;
	},
	get cognitoUserPoolId(): string {
		return required("COGNITO_USER_POOL_ID");
	},
	/** Public URL of the site, for links in emails. */
	get siteUrl(): string {
		return optional("SITE_URL", "http://localhost:3000");
	},
	/** Count only approved data on dashboards (otherwise submitted + approved). */
	get approvedOnly(): boolean {
		return optional("APPROVED_ONLY", "false") === "true";
	},
	/** Day of the following month a form is due, and the day it locks. */
	get deadlineDay(): number {
		return Number(optional("DEADLINE_DAY", "10"));
	},
	get lockDay(): number {
		return Number(optional("LOCK_DAY", "20"));
	},
	/** Mail: ses | smtp. */
	get mailTransport(): "ses" | "smtp" {
		const v = optional("MAIL_TRANSPORT", "smtp");
		if (v !== "ses" && v !== "smtp") throw new Error(`MAIL_TRANSPORT must be ses or smtp, not ${v}`);
		return v;
	},
	get mailFrom(): string {
		return required("MAIL_FROM");
	},
	/** Summary archive bucket in AWS; absent locally (archive goes to the table). */
	get archiveBucket(): string | undefined {
		return process.env.ARCHIVE_BUCKET || undefined;
	},
	/** Number of write shards per aggregate (1 = the plain design; see docs/performance.md). */
	get aggregateShards(): number {
		return Number(optional("AGGREGATE_SHARDS", "1"));
	},
};
