// The one way this project makes a Lambda function (after the Powertools examples/app): Node 24 on ARM,
// minified ESM with source maps, its own log group with retention, its own role with no managed policy,
// and bind… helpers that grant exactly what a function needs *and* set the env var that names the
// resource, so a grant and its configuration can never drift apart.
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type ICommandHooks, NodejsFunction, OutputFormat, SourceMapMode } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { acknowledge } from "../nag";

/** The handler files under functions/handlers/ (one Lambda each). */
export type HandlerName = "catalog" | "submissions" | "analytics" | "reports" | "admin" | "metadata" | "users" | "imports" | "summaries" | "summary-job" | "oidc" | "seed";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const handlerEntry = (name: HandlerName): string => fileURLToPath(new URL(`../../functions/handlers/${name}.ts`, import.meta.url));

/** Powertools: one service name for the platform, so its custom metrics share one dimension set. */
export const POWERTOOLS_SERVICE_NAME = "health-plan";
export const METRICS_NAMESPACE = "HealthPlan";

// Some dependencies (nodemailer, parts of the SDK) still call require(); an ESM bundle has none.
const ESM_REQUIRE_BANNER = "import { createRequire as __cdkCreateRequire } from 'node:module'; const require = __cdkCreateRequire(import.meta.url);";

/**
 * A Lambda function finds its role's credentials in the environment, so the SDK's default credential chain
 * (SSO, profiles, process, web identity, IMDS, STS) is aliased to the environment provider when the SDK is
 * bundled: about 130 KB less per function (bench/results.json coldStart). Exported for the bench.
 */
export const LAMBDA_CREDENTIALS_ALIAS = {
	"@aws-sdk/credential-provider-node": fileURLToPath(new URL("../../functions/commons/clients/lambda-credentials.ts", import.meta.url)),
} as const;

// Least privilege on the table: no Scan (reads on a request path use Query or GetItem, see
// docs/architecture.md), no DescribeTable, no table management.
const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"];
const TABLE_WRITE_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
/** The table's global secondary indexes (functions/commons/keys.ts). */
export const TABLE_INDEXES = ["gsi1", "gsi2"] as const;
// Explicit KMS actions instead of grantEncryptDecrypt's ReEncrypt*/GenerateDataKey* wildcards.
const KMS_DECRYPT = ["kms:Decrypt"];
const KMS_ENCRYPT_DECRYPT = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

export interface ProjectFunctionProps {
	handler: HandlerName;
	description: string;
	memorySize?: number;
	timeout?: Duration;
	environment?: Record<string, string>;
	logRetentionDays: number;
	/** X-Ray active tracing; off where Lambda does not offer it (the China regions). */
	tracing: boolean;
	/** Bundle the pinned AWS SDK (true) or use the runtime's own v3 SDK (false). */
	bundleAwsSdk: boolean;
	removalPolicy: RemovalPolicy;
	logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
	/** Files (relative to the repo root) copied into the bundle, e.g. `assets/x.otf` beside index.mjs. */
	bundleFiles?: { from: string; to: string }[];
}

/** Copy data files the code reads at run time (fonts, wasm) into the bundle after esbuild has run. */
const copyFilesHook = (files: { from: string; to: string }[]): ICommandHooks => ({
	beforeBundling: () => [],
	beforeInstall: () => [],
	afterBundling: (inputDir: string, outputDir: string) =>
		files.flatMap(({ from, to }) => {
			const target = `${outputDir}/${to}`;
			return [`mkdir -p "${posix.dirname(target)}"`, `cp "${inputDir}/${from}" "${target}"`];
		}),
});

export class ProjectFunction extends NodejsFunction {
	readonly handlerName: HandlerName;
	readonly functionLogGroup: logs.LogGroup;

	constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
		// A role of our own instead of the default one with AWSLambdaBasicExecutionRole: that managed
		// policy lets the function write to any log group in the account.
		const role = new iam.Role(scope, `${id}Role`, {
			assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
			description: `Execution role of the ${props.handler} function`,
		});
		const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
			retention: props.logRetentionDays as logs.RetentionDays,
			removalPolicy: props.removalPolicy,
		});

		super(scope, id, {
			entry: handlerEntry(props.handler),
			handler: "handler",
			description: props.description,
			runtime: lambda.Runtime.NODEJS_24_X,
			architecture: lambda.Architecture.ARM_64,
			memorySize: props.memorySize ?? 1024,
			timeout: props.timeout ?? Duration.seconds(29),
			role,
			logGroup,
			loggingFormat: lambda.LoggingFormat.JSON,
			tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
			projectRoot: REPO_ROOT,
			depsLockFilePath: fileURLToPath(new URL("../../package-lock.json", import.meta.url)),
			environment: {
				NODE_OPTIONS: "--enable-source-maps",
				AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
				POWERTOOLS_SERVICE_NAME,
				POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
				POWERTOOLS_LOG_LEVEL: props.logLevel ?? "INFO",
				...props.environment,
			},
			bundling: {
				format: OutputFormat.ESM,
				target: "node24",
				platform: "node",
				mainFields: ["module", "main"],
				minify: true,
				sourceMap: true,
				sourceMapMode: SourceMapMode.DEFAULT,
				sourcesContent: false,
				banner: ESM_REQUIRE_BANNER,
				// By default the SDK versions pinned in package-lock.json are bundled (tree-shaken, minified):
				// the bench measures module init ~100 ms faster than importing the runtime's own SDK, and the
				// version that runs is the one the tests ran. `-c bundleAwsSdk=false` leaves @aws-sdk/* to the
				// Node 24 runtime, for bundles 250-340 KB smaller (bench/results.json coldStart.detail).
				bundleAwsSDK: props.bundleAwsSdk,
				...(props.bundleAwsSdk ? { esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_CREDENTIALS_ALIAS).map(([from, to]) => [`--alias:${from}`, to])) } : {}),
				commandHooks: props.bundleFiles?.length ? copyFilesHook(props.bundleFiles) : undefined,
			},
		});
		this.handlerName = props.handler;
		this.functionLogGroup = logGroup;
		logGroup.grantWrite(role);
		if (props.tracing) {
			acknowledge(
				role,
				"AwsSolutions-IAM5[Resource::*]",
				"Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) use Resource *: X-Ray offers no resource-level permissions for them. test/infra asserts no other action has Resource *.",
			);
		}
	}

	/**
	 * Grant least-privilege item access to the table and to each of its indexes by name (no `index/*`),
	 * the matching use of its customer-managed key, and set TABLE_NAME.
	 */
	bindTable(table: dynamodb.ITable, access: "read" | "readWrite", indexNames: readonly string[] = TABLE_INDEXES): this {
		const actions = access === "read" ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
		this.addToRolePolicy(
			new iam.PolicyStatement({
				actions,
				resources: [table.tableArn, ...indexNames.map((n) => `${table.tableArn}/index/${n}`)],
			}),
		);
		if (table.encryptionKey) table.encryptionKey.grant(this, ...(access === "read" ? KMS_DECRYPT : KMS_ENCRYPT_DECRYPT));
		this.addEnvironment("TABLE_NAME", table.tableName);
		return this;
	}

	/**
	 * Grant object access to a bucket (GetObject/PutObject on its objects, ListBucket so a missing object
	 * is a 404 rather than a 403, and the bucket key's use) and set the env var naming it. No delete:
	 * archived summaries are never removed by the application.
	 */
	bindBucket(bucket: s3.IBucket, access: "read" | "readWrite", envName = "ARCHIVE_BUCKET"): this {
		this.addToRolePolicy(new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [bucket.bucketArn] }));
		this.addToRolePolicy(
			new iam.PolicyStatement({
				actions: access === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject"],
				resources: [bucket.arnForObjects("*")],
			}),
		);
		if (bucket.encryptionKey) bucket.encryptionKey.grant(this, ...(access === "read" ? KMS_DECRYPT : KMS_ENCRYPT_DECRYPT));
		this.addEnvironment(envName, bucket.bucketName);
		return this;
	}

	/** Grant reading a secret (and decrypting it) and set the env var holding its ARN. */
	bindSecret(secret: secretsmanager.ISecret, envName: string): this {
		secret.grantRead(this);
		this.addEnvironment(envName, secret.secretArn);
		return this;
	}

	/**
	 * Allow sending mail through SES v2 as exactly one verified identity (domain or address) and from
	 * exactly one From address; set MAIL_TRANSPORT=ses and MAIL_FROM.
	 */
	bindSesIdentity(identity: string, mailFrom: string, fromAddress: string): this {
		const identityArn = Stack.of(this).formatArn({ service: "ses", resource: "identity", resourceName: identity });
		this.addToRolePolicy(
			new iam.PolicyStatement({
				actions: ["ses:SendEmail", "ses:SendRawEmail"],
				resources: [identityArn],
				conditions: { StringEquals: { "ses:FromAddress": fromAddress } },
			}),
		);
		this.addEnvironment("MAIL_TRANSPORT", "ses");
		this.addEnvironment("MAIL_FROM", mailFrom);
		return this;
	}

	/** SMTP delivery: read the secret with the server settings; set MAIL_TRANSPORT=smtp and MAIL_FROM. */
	bindSmtp(secret: secretsmanager.ISecret, mailFrom: string): this {
		this.bindSecret(secret, "SMTP_SECRET_ARN");
		this.addEnvironment("MAIL_TRANSPORT", "smtp");
		this.addEnvironment("MAIL_FROM", mailFrom);
		return this;
	}

	/** Set several environment variables at once. */
	addEnvironments(env: Record<string, string>): this {
		for (const [k, v] of Object.entries(env)) this.addEnvironment(k, v);
		return this;
	}
}
