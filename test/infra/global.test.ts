// The global-partition stages: Cognito, SES, EventBridge Scheduler, CloudFront with origin access control.
// Property assertions on what matters (after aws-cdk-examples' lambda-cron tests): schedule, data
// protection, the authorizer on every route of functions/routes.ts, IAM scope, the site's privacy and
// headers, CORS, throttling, alarms, partition-neutral ARNs.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { routeKey, routes } from "../../functions/routes";
import { expectPushSecretGrants } from "./push-secrets";
import { allStrings, logicalId, ofType, rolePermissions, routeFunctions, type Synthesized, statements, synth } from "./synth";

const PROD = {
	stage: "prod",
	siteDomain: "jkgh.example.org",
	certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/0f6a8d8e-1111-2222-3333-444455556666",
	adminEmail: "ops@example.org",
	mailFrom: "健康规划 <summary@mail.example.org>",
	sesIdentity: "mail.example.org",
	throttleRate: 20,
	throttleBurst: 40,
};

describe("global prod stage (cognito, ses, scheduler)", { timeout: 120_000 }, () => {
	let s: Synthesized;
	beforeAll(() => {
		s = synth(PROD);
	}, 120_000);

	it("schedules the monthly summary at 08:00 on the 11th (the day after the deadline), Asia/Shanghai, with retries and a DLQ", () => {
		const schedule = ofType(s, "AWS::Scheduler::Schedule").find((x) => String(x.props.ScheduleExpression).startsWith("cron("));
		expect(schedule).toBeDefined();
		expect(schedule?.props.ScheduleExpression).toBe("cron(0 8 11 * ? *)");
		expect(schedule?.props.ScheduleExpressionTimezone).toBe("Asia/Shanghai");
		const dlqId = logicalId(s, s.stack.schedule.deadLetterQueue);
		const jobId = logicalId(s, s.stack.functions["summary-job"] as never);
		s.template.hasResourceProperties("AWS::Scheduler::Schedule", {
			Target: Match.objectLike({
				Arn: { "Fn::GetAtt": [jobId, "Arn"] },
				DeadLetterConfig: { Arn: { "Fn::GetAtt": [dlqId, "Arn"] } },
				RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
			}),
		});
		// Failed runs (after Lambda's own retries) land in the same queue.
		s.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
			FunctionName: { Ref: jobId },
			DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [dlqId, "Arn"] } } },
		});
		expect(ofType(s, "AWS::Events::Rule")).toHaveLength(0);
	});

	it("runs the reminder task hourly on the same function, with the same DLQ", () => {
		const jobId = logicalId(s, s.stack.functions["summary-job"] as never);
		const dlqId = logicalId(s, s.stack.schedule.deadLetterQueue);
		const reminders = ofType(s, "AWS::Scheduler::Schedule").filter((x) => x.props.ScheduleExpression === "rate(1 hour)");
		expect(reminders).toHaveLength(1);
		const target = reminders[0]?.props.Target as { Arn: unknown; Input: string; DeadLetterConfig: unknown };
		expect(target.Arn).toEqual({ "Fn::GetAtt": [jobId, "Arn"] });
		expect(target.DeadLetterConfig).toEqual({ Arn: { "Fn::GetAtt": [dlqId, "Arn"] } });
		expect(JSON.parse(target.Input)).toMatchObject({ source: "schedule", task: "reminders" });
	});

	it("keeps the DLQ encrypted and SSL-only", () => {
		const dlqId = logicalId(s, s.stack.schedule.deadLetterQueue);
		expect(s.resources[dlqId]?.Properties?.SqsManagedSseEnabled).toBe(true);
		s.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
			Queues: [{ Ref: dlqId }],
			PolicyDocument: {
				Statement: Match.arrayWith([
					Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
				]),
			},
		});
	});

	it("protects the table: PITR, customer-managed KMS, TTL, deletion protection and RETAIN", () => {
		s.template.resourceCountIs("AWS::DynamoDB::Table", 1);
		s.template.hasResource("AWS::DynamoDB::Table", {
			DeletionPolicy: "Retain",
			UpdateReplacePolicy: "Retain",
			Properties: Match.objectLike({
				BillingMode: "PAY_PER_REQUEST",
				DeletionProtectionEnabled: true,
				PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
				SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: Match.anyValue() }),
				TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
				KeySchema: [
					{ AttributeName: "pk", KeyType: "HASH" },
					{ AttributeName: "sk", KeyType: "RANGE" },
				],
				GlobalSecondaryIndexes: [
					Match.objectLike({ IndexName: "gsi1", KeySchema: [{ AttributeName: "gsi1pk", KeyType: "HASH" }, { AttributeName: "gsi1sk", KeyType: "RANGE" }] }),
					Match.objectLike({ IndexName: "gsi2", KeySchema: [{ AttributeName: "gsi2pk", KeyType: "HASH" }, { AttributeName: "gsi2sk", KeyType: "RANGE" }] }),
				],
			}),
		});
		s.template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
	});

	it("puts the JWT authorizer on every non-public route of functions/routes.ts and none on the public ones", () => {
		const byKey = new Map(ofType(s, "AWS::ApiGatewayV2::Route").map((r) => [r.props.RouteKey as string, r.props]));
		const [authorizer] = ofType(s, "AWS::ApiGatewayV2::Authorizer");
		expect(authorizer?.props.AuthorizerType).toBe("JWT");
		let checked = 0;
		for (const route of routes) {
			const props = byKey.get(routeKey(route));
			if (route.fn === "oidc") {
				// identity=cognito: the platform provider is not deployed, so neither is its route.
				expect(props, routeKey(route)).toBeUndefined();
				continue;
			}
			expect(props, `${routeKey(route)} exists`).toBeDefined();
			if (route.roles === "public") {
				expect(props?.AuthorizationType, routeKey(route)).toBe("NONE");
				expect(props?.AuthorizerId, routeKey(route)).toBeUndefined();
			} else {
				expect(props?.AuthorizationType, routeKey(route)).toBe("JWT");
				expect(props?.AuthorizerId, routeKey(route)).toEqual({ Ref: authorizer?.id });
			}
			checked++;
		}
		expect(checked).toBe(routes.filter((r) => r.fn !== "oidc").length);
		expect(byKey.size).toBe(checked);
		expect(byKey.get("GET /api/health")?.AuthorizationType).toBe("NONE");
	});

	it("sends each route to the function routes.ts names: user admin, workbook transfer and metadata to functions of their own", () => {
		const targets = routeFunctions(s);
		for (const route of routes.filter((r) => r.fn !== "oidc")) expect(targets.get(routeKey(route)), routeKey(route)).toBe(route.fn);
		expect(targets.get("POST /api/admin/users")).toBe("users");
		expect(targets.get("POST /api/imports")).toBe("imports");
		expect(targets.get("GET /api/exports")).toBe("imports");
		expect(targets.get("PUT /api/admin/units/{unitId}")).toBe("admin");
		// Every metadata route, and nothing else, reaches the metadata function.
		const metadataRoutes = [...targets].filter(([, fn]) => fn === "metadata").map(([key]) => key);
		expect(metadataRoutes.sort()).toEqual(
			[
				"GET /api/admin/metadata",
				"POST /api/admin/data-elements",
				"PUT /api/admin/data-elements/{code}",
				"POST /api/admin/indicators",
				"PUT /api/admin/indicators/{code}",
				"POST /api/admin/indicators/preview",
				"POST /api/admin/validation-rules/{id}",
				"PUT /api/admin/validation-rules/{id}",
				"DELETE /api/admin/validation-rules/{id}",
				"POST /api/admin/rebuild-aggregates",
				"GET /api/admin/rebuild-aggregates/{jobId}",
				"GET /api/admin/catalog/export",
				"POST /api/admin/catalog/import",
			].sort(),
		);
	});

	it("gives the metadata function the table's read/write and nothing admin does not hold, and admin's timeout for the rebuild", () => {
		const fnId = logicalId(s, s.stack.functions.metadata as never);
		expect(s.resources[fnId]?.Type).toBe("AWS::Lambda::Function");
		expect(s.resources[fnId]?.Properties).toMatchObject({ Timeout: 29, MemorySize: 1536 });
		const metadata = rolePermissions(s, "metadata");
		const admin = new Set(rolePermissions(s, "admin"));
		expect(metadata.filter((p) => !admin.has(p))).toEqual([]);
		// It writes metadata items and the rebuild's aggregates, conditionally and in transactions and batches.
		for (const action of ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem"]) {
			expect(metadata.some((p) => p.startsWith(`Allow ${action} on `)), action).toBe(true);
		}
		expect(metadata.some((p) => /cognito-idp:|ses:|secretsmanager:|s3:/.test(p))).toBe(false);
	});

	it("trusts the Cognito user pool's issuer and the web client as audience", () => {
		const poolId = logicalId(s, s.stack.auth.userPool as never);
		const clientId = logicalId(s, s.stack.auth.userPoolClient as never);
		s.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
			IdentitySource: ["$request.header.Authorization"],
			JwtConfiguration: {
				Audience: [{ Ref: clientId }],
				Issuer: { "Fn::Join": ["", ["https://cognito-idp.", { Ref: "AWS::Region" }, ".", { Ref: "AWS::URLSuffix" }, "/", { Ref: poolId }]] },
			},
		});
	});

	it("sets up Cognito: no self sign-up, strong passwords, TOTP, org_scope, the four groups, a PKCE client without secret", () => {
		s.template.hasResourceProperties("AWS::Cognito::UserPool", {
			AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
			Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true, RequireUppercase: true }) },
			MfaConfiguration: "OPTIONAL",
			EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
			Schema: Match.arrayWith([Match.objectLike({ Name: "org_scope", AttributeDataType: "String", Mutable: true })]),
			DeletionProtection: "ACTIVE",
		});
		expect(ofType(s, "AWS::Cognito::UserPoolGroup").map((g) => g.props.GroupName).sort()).toEqual(["admin", "approver", "leader", "reporter"]);
		s.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
			GenerateSecret: false,
			AllowedOAuthFlows: ["code"],
			AllowedOAuthFlowsUserPoolClient: true,
			CallbackURLs: ["https://jkgh.example.org/auth/callback"],
			LogoutURLs: ["https://jkgh.example.org/"],
			// Users cannot write their own org scope.
			WriteAttributes: ["name"],
		});
		s.template.resourceCountIs("AWS::Cognito::UserPoolDomain", 1);
	});

	it("scopes table access to the table and its two indexes, by name, without Scan", () => {
		const tableId = logicalId(s, s.stack.data.table);
		const tableArn = { "Fn::GetAtt": [tableId, "Arn"] };
		const dynamo = statements(s).filter((st) => st.actions.some((a) => a.startsWith("dynamodb:")));
		expect(dynamo.length).toBeGreaterThanOrEqual(6);
		for (const st of dynamo) {
			expect(st.resources).toEqual([
				tableArn,
				{ "Fn::Join": ["", [tableArn, "/index/gsi1"]] },
				{ "Fn::Join": ["", [tableArn, "/index/gsi2"]] },
			]);
			expect(st.actions).not.toContain("dynamodb:Scan");
			expect(st.actions.some((a) => a.includes("*"))).toBe(false);
		}
		// Read-only functions get no write actions.
		const roleOf = (name: "catalog" | "analytics" | "reports") => logicalId(s, s.stack.functions[name]?.role as never);
		for (const name of ["catalog", "analytics", "reports"] as const) {
			const policies = ofType(s, "AWS::IAM::Policy").filter((p) => (p.props.Roles as { Ref: string }[]).some((r) => r.Ref === roleOf(name)));
			const actions = policies.flatMap((p) => (p.props.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((x) => x.Action));
			expect(actions).toContain("dynamodb:Query");
			expect(actions).not.toContain("dynamodb:PutItem");
		}
	});

	it("uses Resource '*' only for X-Ray, and lets SES send only as the configured identity and From address", () => {
		for (const st of statements(s)) {
			if (st.resources.includes("*") && st.policy.includes("Function")) {
				expect(st.actions.every((a) => a.startsWith("xray:")), JSON.stringify(st.statement)).toBe(true);
			}
		}
		const ses = statements(s).filter((st) => st.actions.includes("ses:SendEmail"));
		expect(ses).toHaveLength(2); // summaries (incl. reminders) and summary-job: the admin function sends no mail
		const identityId = logicalId(s, s.stack.mail.identity as never);
		for (const st of ses) {
			expect(st.resources).toEqual([
				{
					"Fn::Join": [
						"",
						["arn:", { Ref: "AWS::Partition" }, ":ses:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":identity/", { Ref: identityId }],
					],
				},
			]);
			expect(st.statement.Condition).toEqual({ StringEquals: { "ses:FromAddress": "summary@mail.example.org" } });
		}
		s.template.hasResourceProperties("AWS::SES::EmailIdentity", { EmailIdentity: "mail.example.org" });
	});

	it("lets the summaries function manage and the job read the group-robot webhook secrets, under the stack's prefix only", () => {
		expectPushSecretGrants(s);
	});

	it("lets the summaries function (reminders) read the user directory, and only the users function change it", () => {
		const roleId = (name: "admin" | "metadata" | "users" | "imports" | "summaries" | "summary-job") => logicalId(s, s.stack.functions[name]?.role as never);
		const cognitoActions = (name: "admin" | "metadata" | "users" | "imports" | "summaries" | "summary-job") =>
			ofType(s, "AWS::IAM::Policy")
				.filter((p) => (p.props.Roles as { Ref: string }[]).some((r) => r.Ref === roleId(name)))
				.flatMap((p) => (p.props.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((x) => x.Action))
				.filter((a) => a.startsWith("cognito-idp:"))
				.sort();
		expect(cognitoActions("summaries")).toEqual(["cognito-idp:AdminListGroupsForUser", "cognito-idp:ListUsers"]);
		// The scheduled job's reminders and feedback cards look up each unit's reporters too, and change nothing.
		expect(cognitoActions("summary-job")).toEqual(["cognito-idp:AdminListGroupsForUser", "cognito-idp:ListUsers"]);
		expect(cognitoActions("users")).toContain("cognito-idp:AdminCreateUser");
		expect(cognitoActions("admin")).toEqual([]);
		expect(cognitoActions("imports")).toEqual([]);
		expect(cognitoActions("metadata")).toEqual([]);
		const adminFn = ofType(s, "AWS::Lambda::Function").find((f) => f.id === logicalId(s, s.stack.functions.admin as never));
		const adminEnv = (adminFn?.props.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables;
		expect(adminEnv?.TABLE_NAME).toBeDefined();
		expect(adminEnv?.MAIL_TRANSPORT).toBeUndefined();
	});

	it("keeps the site bucket private and serves it through CloudFront origin access control", () => {
		const siteBucketId = logicalId(s, s.stack.site.bucket);
		expect(s.resources[siteBucketId]?.Properties).toMatchObject({
			PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
		});
		expect(s.resources[siteBucketId]?.Properties?.WebsiteConfiguration).toBeUndefined();
		s.template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
		s.template.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
		s.template.hasResourceProperties("AWS::CloudFront::Distribution", {
			DistributionConfig: Match.objectLike({
				Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: "" } })],
				Aliases: ["jkgh.example.org"],
				ViewerCertificate: Match.objectLike({ AcmCertificateArn: PROD.certificateArn, MinimumProtocolVersion: "TLSv1.2_2021" }),
				Logging: Match.objectLike({ Bucket: Match.anyValue() }),
				CustomErrorResponses: [
					{ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: "/index.html", ErrorCachingMinTTL: 0 },
					{ ErrorCode: 404, ResponseCode: 200, ResponsePagePath: "/index.html", ErrorCachingMinTTL: 0 },
				],
			}),
		});
		// The bucket policy admits the CloudFront service principal for this distribution only.
		s.template.hasResourceProperties("AWS::S3::BucketPolicy", {
			Bucket: { Ref: siteBucketId },
			PolicyDocument: {
				Statement: Match.arrayWith([
					Match.objectLike({
						Effect: "Allow",
						Principal: { Service: "cloudfront.amazonaws.com" },
						Condition: { StringEquals: { "AWS:SourceArn": Match.anyValue() } },
					}),
				]),
			},
		});
	});

	it("sends strict security headers, with connect-src naming the API and the identity provider", () => {
		const [policy] = ofType(s, "AWS::CloudFront::ResponseHeadersPolicy");
		const config = (policy?.props.ResponseHeadersPolicyConfig ?? {}) as { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
		const sec = config.SecurityHeadersConfig;
		expect(sec.FrameOptions).toEqual({ FrameOption: "DENY", Override: true });
		expect(sec.ContentTypeOptions).toEqual({ Override: true });
		expect(sec.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true });
		expect(sec.ReferrerPolicy).toMatchObject({ ReferrerPolicy: "strict-origin-when-cross-origin" });
		const csp = allStrings(sec.ContentSecurityPolicy?.ContentSecurityPolicy).join("");
		expect(csp).toContain("script-src 'self';");
		expect(csp).not.toMatch(/script-src[^;]*unsafe/);
		expect(csp).toContain("style-src 'self' 'unsafe-inline'");
		expect(csp).toContain("img-src 'self' data:");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("https://cognito-idp.");
		expect(csp).toContain(".auth.");
		// With a custom domain the CSP names this API exactly (its endpoint attribute), not a wildcard.
		const apiId = logicalId(s, s.stack.api.httpApi);
		expect(JSON.stringify(sec.ContentSecurityPolicy)).toContain(JSON.stringify({ "Fn::GetAtt": [apiId, "ApiEndpoint"] }));
		expect(csp).not.toContain("*");
	});

	it("allows CORS from the site's origin only", () => {
		s.template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
			CorsConfiguration: Match.objectLike({ AllowOrigins: ["https://jkgh.example.org"], AllowCredentials: false }),
		});
	});

	it("throttles the default stage and writes JSON access logs", () => {
		s.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
			StageName: "$default",
			AutoDeploy: true,
			DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
			AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"status":"\\$context.status"') },
		});
		s.template.hasResourceProperties("AWS::Logs::MetricFilter", {
			FilterPattern: '{ $.status = "429" }',
			MetricTransformations: [Match.objectLike({ MetricNamespace: "HealthPlan", MetricName: "ApiThrottled" })],
		});
	});

	it("alarms on function errors, API 5xx and throttling, the DLQ, table throttling and failed deliveries, to an encrypted topic", () => {
		const topicId = logicalId(s, s.stack.alarms.topic);
		s.template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
		s.template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.org", TopicArn: { Ref: topicId } });
		const alarms = ofType(s, "AWS::CloudWatch::Alarm");
		for (const a of alarms) expect(a.props.AlarmActions).toEqual([{ Ref: topicId }]);
		const byMetric = (name: string) => alarms.filter((a) => a.props.MetricName === name);
		expect(byMetric("Errors")).toHaveLength(11); // catalog, submissions, analytics, reports, admin, metadata, users, imports, summaries, summary-job, seed
		expect(byMetric("5xx")).toHaveLength(1);
		expect(byMetric("ApiThrottled")).toHaveLength(1);
		const dlqId = logicalId(s, s.stack.schedule.deadLetterQueue);
		s.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
			MetricName: "ApproximateNumberOfMessagesVisible",
			Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlqId, "QueueName"] } }],
			ComparisonOperator: "GreaterThanThreshold",
			Threshold: 0,
		});
		s.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
			Namespace: "HealthPlan",
			MetricName: "SummaryDeliveryFailed",
			Dimensions: [{ Name: "service", Value: "health-plan" }],
		});
		expect(alarms.some((a) => JSON.stringify(a.props.Metrics ?? []).includes("WriteThrottleEvents"))).toBe(true);
	});

	it("gives every function Node 24 on ARM, source maps, Powertools settings and the config variables", () => {
		const fns = ofType(s, "AWS::Lambda::Function").filter((f) => (f.props.Handler as string) === "index.handler" && f.props.Runtime === "nodejs24.x");
		expect(fns).toHaveLength(11); // the API's nine (no oidc with Cognito), the job and the seed
		for (const f of fns) {
			expect(f.props.Architectures).toEqual(["arm64"]);
			expect(f.props.TracingConfig).toEqual({ Mode: "Active" });
			const env = (f.props.Environment as { Variables: Record<string, unknown> }).Variables;
			expect(env).toMatchObject({
				NODE_OPTIONS: "--enable-source-maps",
				AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
				POWERTOOLS_SERVICE_NAME: "health-plan",
				POWERTOOLS_METRICS_NAMESPACE: "HealthPlan",
				ROLE_CLAIM: "cognito:groups",
				SCOPE_CLAIM: "custom:org_scope",
				USER_DIRECTORY: "cognito",
				SITE_URL: "https://jkgh.example.org",
				APPROVED_ONLY: "false",
				DEADLINE_DAY: "10",
				LOCK_DAY: "20",
				AGGREGATE_SHARDS: "1",
			});
			for (const k of ["TABLE_NAME", "AUTH_ISSUER", "AUTH_AUDIENCE", "COGNITO_USER_POOL_ID"]) expect(env[k], k).toBeDefined();
		}
		const withArchive = fns.filter((f) => (f.props.Environment as { Variables: Record<string, unknown> }).Variables.ARCHIVE_BUCKET);
		expect(withArchive).toHaveLength(2);
		const mailers = fns.filter((f) => (f.props.Environment as { Variables: Record<string, unknown> }).Variables.MAIL_TRANSPORT === "ses");
		expect(mailers).toHaveLength(2); // summaries (incl. reminders) and summary-job
		s.template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 365 });
	});

	it("writes no partition-specific ARN or endpoint: only bare service principals mention amazonaws.com", () => {
		// The certificate ARN is an input (and names its own partition); everything the app writes must not.
		const generated = s.text.replaceAll(PROD.certificateArn, "<certificateArn>");
		expect(generated.includes("arn:aws:"), "a literal arn:aws: in the template").toBe(false);
		const endpoints = allStrings(JSON.parse(s.text)).filter((v) => v.includes("amazonaws.com") && !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(v));
		expect(endpoints).toEqual([]);
	});
});

describe("global dev stage without a custom domain", { timeout: 120_000 }, () => {
	let s: Synthesized;
	beforeAll(() => {
		s = synth({ stage: "dev" });
	}, 120_000);

	it("allows CORS from the CloudFront domain (and the local dev server), never '*'", () => {
		const [api] = ofType(s, "AWS::ApiGatewayV2::Api");
		const origins = (api?.props.CorsConfiguration as { AllowOrigins: unknown[] } | undefined)?.AllowOrigins;
		const distId = logicalId(s, s.stack.site.distribution);
		expect(origins).toEqual([{ "Fn::Join": ["", ["https://", { "Fn::GetAtt": [distId, "DomainName"] }]] }, "http://localhost:5173"]);
		expect(JSON.stringify(origins)).not.toContain('"*"');
	});

	it("is disposable: the table is deleted with the stack and has no deletion protection", () => {
		s.template.hasResource("AWS::DynamoDB::Table", {
			DeletionPolicy: "Delete",
			Properties: Match.objectLike({ DeletionProtectionEnabled: false, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
		});
	});

	it("deploys config.json with the API URL and the OIDC settings, and a placeholder when there is no web build", () => {
		const [deployment] = ofType(s, "Custom::CDKBucketDeployment");
		expect(deployment).toBeDefined();
		const keys = deployment?.props.SourceObjectKeys as string[];
		expect(keys).toHaveLength(2); // config.json + the placeholder index.html (no web build)
		expect(s.stack.site.builtSite).toBe(false);
		// config.json is staged with deploy-time markers that the deployment replaces with the real values.
		const staged = keys.map((k) => join(s.outdir, `asset.${k.replace(/\.zip$/, "")}`)).filter((d) => existsSync(join(d, "config.json")));
		expect(staged).toHaveLength(1);
		const config = JSON.parse(readFileSync(join(staged[0] as string, "config.json"), "utf8"));
		const markers = (deployment?.props.SourceMarkers as Record<string, unknown>[] | undefined)?.[0] ?? {};
		const resolve = (v: string): unknown =>
			markers[v] ?? v.replace(/<<marker:0xbaba:\d+>>/g, (m) => JSON.stringify(markers[m]));
		const apiId = logicalId(s, s.stack.api.httpApi);
		expect(resolve(config.apiUrl)).toEqual({ "Fn::GetAtt": [apiId, "ApiEndpoint"] });
		expect(resolve(config.oidc.clientId)).toEqual({ Ref: logicalId(s, s.stack.auth.userPoolClient as never) });
		expect(JSON.stringify(resolve(config.oidc.authority))).toContain("https://cognito-idp.");
		expect(config.oidc.scope).toBe("openid email profile");
		expect(JSON.stringify(resolve(config.oidc.redirectUri))).toContain("DomainName");
		expect(config.stage).toBe("dev");
	});
});
