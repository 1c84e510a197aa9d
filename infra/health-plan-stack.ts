// One stack per stage, composed of constructs with one job each (docs/infrastructure.md argues for one
// stack: the API, the identity provider and the site refer to each other's deploy-time URLs, which inside
// one template are plain references and across stacks would be exports that block updates).
import { CfnOutput, CustomResource, Duration, Lazy, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { catalogVersion } from "../functions/core/catalog/index";
import { type FunctionName, functionNames } from "../functions/routes";
import type { StageConfig } from "./config";
import { Alarms } from "./constructs/alarms";
import { bindPushSecrets } from "./constructs/push-secrets";
import { Api } from "./constructs/api";
import { Auth } from "./constructs/auth";
import { Data } from "./constructs/data";
import { Mail } from "./constructs/mail";
import { type HandlerName, ProjectFunction } from "./constructs/project-function";
import { SummarySchedule } from "./constructs/schedule";
import { Site } from "./constructs/site";
import { acknowledgeNagFindings } from "./nag";

/**
 * The chart renderer's data files, which functions/summary/charts.ts reads from ./assets beside the bundle
 * (CHART_FONT_FILE and RESVG_WASM_FILE there).
 */
export const SUMMARY_CHART_ASSETS = [
	{ from: "functions/summary/assets/cjk-subset.otf", to: "assets/cjk-subset.otf" },
	{ from: "node_modules/@resvg/resvg-wasm/index_bg.wasm", to: "assets/resvg.wasm" },
];

export interface HealthPlanStackProps extends StackProps {
	cfg: StageConfig;
	/** Directory of the built web app (web/build by default). */
	webBuildDir?: string;
}

export class HealthPlanStack extends Stack {
	readonly cfg: StageConfig;
	readonly data: Data;
	readonly auth: Auth;
	readonly api: Api;
	readonly site: Site;
	readonly mail: Mail;
	readonly schedule: SummarySchedule;
	/** Custom::CatalogSeed: seeds the catalog on deploy (functions/handlers/seed.ts). */
	readonly catalogSeed: CustomResource;
	readonly alarms: Alarms;
	readonly functions: Partial<Record<HandlerName, ProjectFunction>> = {};

	constructor(scope: Construct, id: string, props: HealthPlanStackProps) {
		super(scope, id, props);
		const { cfg } = props;
		this.cfg = cfg;
		Tags.of(this).add("project", "health-plan-monitor");
		Tags.of(this).add("stage", cfg.stage);

		this.data = new Data(this, "Data", cfg);
		this.mail = new Mail(this, "Mail", cfg);

		// The site's origin is either the configured custom domain (a literal) or the CloudFront domain (a
		// token of the distribution, created below). The API's CORS needs it, and the site's CSP needs the
		// API's origin: with two tokens that is a cycle, so without a custom domain the CSP names the
		// region's API Gateway hosts instead of the one API (docs/infrastructure.md, "CORS and CSP").
		let site: Site | undefined;
		const siteOrigin = cfg.siteDomain ? `https://${cfg.siteDomain}` : Lazy.string({ produce: () => (site as Site).origin });
		const corsOrigins = cfg.stage === "prod" ? [siteOrigin] : [siteOrigin, "http://localhost:5173"];
		this.api = new Api(this, "Api", { cfg, allowedOrigins: corsOrigins });

		// The issuer is the API's own URL for the platform provider: Fn::Join on the API endpoint.
		this.auth = new Auth(this, "Auth", { cfg, siteOrigin, apiEndpoint: this.api.endpoint });

		const apiOriginForCsp = cfg.siteDomain ? this.api.endpoint : `https://*.execute-api.${this.region}.${this.urlSuffix}`;
		site = new Site(this, "Site", {
			cfg,
			logBucket: this.data.logBucket,
			connectOrigins: [apiOriginForCsp, ...this.auth.browserOrigins],
			buildDir: props.webBuildDir,
		});
		this.site = site;

		// Functions. Shared environment first; each bind… call adds a grant and the variable naming it.
		const removalPolicy = cfg.stage === "prod" ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
		const appEnv: Record<string, string> = {
			...this.auth.functionEnv,
			SITE_URL: site.origin,
			APPROVED_ONLY: String(cfg.approvedOnly),
			DEADLINE_DAY: String(cfg.deadlineDay),
			LOCK_DAY: String(cfg.lockDay),
			AGGREGATE_SHARDS: String(cfg.aggregateShards),
		};
		const make = (
			handler: HandlerName,
			description: string,
			extra: { memorySize?: number; timeout?: Duration; bundleFiles?: { from: string; to: string }[] } = {},
		) => {
			const fn = new ProjectFunction(this, `${pascal(handler)}Function`, {
				handler,
				description,
				environment: appEnv,
				logRetentionDays: cfg.logRetentionDays,
				tracing: cfg.tracing,
				bundleAwsSdk: cfg.bundleAwsSdk,
				removalPolicy,
				logLevel: cfg.stage === "prod" ? "INFO" : "DEBUG",
				...extra,
			});
			this.functions[handler] = fn;
			return fn;
		};

		make("catalog", "Catalog: plans, indicators, units, /api/me, health").bindTable(this.data.table, "read");
		make("submissions", "Monthly submissions, approval and return").bindTable(this.data.table, "readWrite");
		make("analytics", "Progress, series, breakdowns, completeness").bindTable(this.data.table, "read");
		// Evaluation reports: the Word writer and the chart renderer (with its font and wasm) stay out of the
		// dashboards' cold start.
		make("reports", "Plan evaluation reports: JSON, Word, Excel, HTML", {
			timeout: Duration.seconds(29),
			memorySize: 2048,
			bundleFiles: SUMMARY_CHART_ASSETS,
		}).bindTable(this.data.table, "read");
		make("admin", "Admin: units, plans, reopen, aggregate checks, audit", {
			timeout: Duration.seconds(29),
			memorySize: 1536,
		}).bindTable(this.data.table, "readWrite");
		// Metadata, user admin and workbook transfer are functions of their own: only the users function holds the
		// right to manage the user pool, and neither the metadata service and rebuild, the Cognito admin client nor
		// the workbook reader and writer weigh on the admin function's cold start (docs/performance.md). The
		// rebuild runs within the request, as many years as fit: hence 29 s and admin's memory.
		make("metadata", "Metadata: data elements, indicators, validation rules, aggregate rebuilds, catalog transfer", {
			timeout: Duration.seconds(29),
			memorySize: 1536,
		}).bindTable(this.data.table, "readWrite");
		const users = make("users", "Admin: users (list, create, change, disable)").bindTable(this.data.table, "readWrite");
		this.auth.bindUserAdmin(users);
		make("imports", "Workbook imports (.xlsx, .csv) and exports", {
			timeout: Duration.seconds(29),
			memorySize: 1536,
		}).bindTable(this.data.table, "readWrite");
		const summaries = make("summaries", "Mail: monthly summaries (archive, recipients, manual run, deliveries) and reminders", {
			memorySize: 2048,
			bundleFiles: SUMMARY_CHART_ASSETS,
		})
			.bindTable(this.data.table, "readWrite")
			.bindBucket(this.data.archiveBucket, "readWrite");
		this.mail.bind(summaries);
		bindPushSecrets(summaries, "manage"); // recipients' group robots: saved with the recipient, pushed on a resend
		this.auth.bindUserDirectoryRead(summaries); // reminders go to the unit's reporters
		const job = make("summary-job", "Scheduled monthly summary: compile, render, deliver exactly once", {
			memorySize: 2048,
			timeout: Duration.minutes(10),
			bundleFiles: SUMMARY_CHART_ASSETS,
		})
			.bindTable(this.data.table, "readWrite")
			.bindBucket(this.data.archiveBucket, "readWrite");
		this.mail.bind(job);
		// Its scheduled reminders and the units' feedback cards go to each unit's reporters, read from the directory.
		this.auth.bindUserDirectoryRead(job);
		bindPushSecrets(job, "read");
		// The catalog (units, elements, indicators, plans, rules) is written by a custom resource on deploy:
		// on create, and again whenever the code catalog's fingerprint changes. It only adds what is missing,
		// so admins' edits survive every deploy. Without it a new stack's API would have no catalog at all.
		const seed = make("seed", "Deploy-time catalog seed (Custom::CatalogSeed)", { timeout: Duration.minutes(5) }).bindTable(this.data.table, "readWrite");
		this.catalogSeed = new CustomResource(this, "CatalogSeed", {
			serviceToken: seed.functionArn,
			resourceType: "Custom::CatalogSeed",
			properties: { CatalogVersion: catalogVersion },
		});
		if (cfg.identity === "platform") {
			const oidc = make("oidc", "The platform's own OIDC provider (/oidc)").bindTable(this.data.table, "readWrite");
			this.auth.bindProvider(oidc);
		}

		const routed: Partial<Record<FunctionName, ProjectFunction>> = {};
		for (const name of functionNames) {
			const fn = this.functions[name];
			if (fn) routed[name] = fn;
		}
		this.api.addRoutes(routed, this.auth.authorizer);

		site.deploy({
			apiUrl: this.api.endpoint,
			oidc: this.auth.webOidc,
			stage: cfg.stage,
		});

		this.schedule = new SummarySchedule(this, "Schedule", { cfg, job });
		this.alarms = new Alarms(this, "Alarms", {
			cfg,
			functions: Object.values(this.functions),
			api: this.api,
			table: this.data.table,
			deadLetterQueue: this.schedule.deadLetterQueue,
		});

		new CfnOutput(this, "SiteUrl", { value: site.origin, description: "The site" });
		new CfnOutput(this, "ApiUrl", { value: this.api.endpoint, description: "The HTTP API" });
		new CfnOutput(this, "Issuer", { value: this.auth.issuer, description: "JWT issuer the API trusts" });
		new CfnOutput(this, "TableName", { value: this.data.table.tableName });
		new CfnOutput(this, "ArchiveBucketName", { value: this.data.archiveBucket.bucketName });
		new CfnOutput(this, "AlarmTopicArn", { value: this.alarms.topic.topicArn });
		if (this.auth.userPool) new CfnOutput(this, "UserPoolId", { value: this.auth.userPool.userPoolId });
		if (this.auth.oidcKeys) new CfnOutput(this, "OidcKeysSecretArn", { value: this.auth.oidcKeys.secretArn });
		if (this.mail.smtpSecret) new CfnOutput(this, "SmtpSecretArn", { value: this.mail.smtpSecret.secretArn });

		acknowledgeNagFindings({
			stack: this,
			archiveWriters: [summaries, job],
			archiveBucket: this.data.archiveBucket,
			siteBucket: site.bucket,
			summaryJob: job,
		});
	}
}

const pascal = (s: string): string =>
	s
		.split("-")
		.map((p) => p.charAt(0).toUpperCase() + p.slice(1))
		.join("");
