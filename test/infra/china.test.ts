// The aws-cn stages (Ningxia / Beijing): no Cognito user pool and no SES there, the platform's own OIDC
// provider (or an external issuer), SMTP mail, an EventBridge rule in UTC instead of Scheduler, CloudFront
// with an IAM server certificate, and nothing that names the global partition.
import { Capture, Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { catalogVersion } from "../../functions/core/catalog/index";
import { routeKey, routes } from "../../functions/routes";
import { expectPushSecretGrants } from "./push-secrets";
import { allStrings, logicalId, ofType, rolePermissions, routeFunctions, type Synthesized, statements, synth } from "./synth";

const CHINA_PROD = {
	stage: "prod",
	region: "cn-northwest-1",
	siteDomain: "jkgh.example.gov.cn",
	iamCertificateId: "ASCAEXAMPLEIAMCERTID1",
	adminEmail: "ops@example.gov.cn",
	mailFrom: "健康规划 <summary@example.gov.cn>",
};

const noGlobalPartition = (s: Synthesized) => {
	expect(s.text.includes("arn:aws:"), "a literal arn:aws: in the template").toBe(false);
	const endpoints = allStrings(JSON.parse(s.text)).filter(
		(v) => v.includes("amazonaws.com") && !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(v),
	);
	expect(endpoints).toEqual([]);
};

describe("aws-cn prod stage, platform identity", { timeout: 120_000 }, () => {
	let s: Synthesized;
	beforeAll(() => {
		s = synth(CHINA_PROD);
	}, 120_000);

	it("has no Cognito user pool and no SES resources", () => {
		expect(ofType(s, "AWS::Cognito::UserPool")).toHaveLength(0);
		expect(Object.values(s.resources).filter((r) => r.Type.startsWith("AWS::SES::"))).toHaveLength(0);
		expect(statements(s).filter((st) => st.actions.some((a) => a.startsWith("ses:") || a.startsWith("cognito-idp:")))).toHaveLength(0);
	});

	it("deploys the table and the oidc provider function behind a public ANY /oidc/{proxy+}", () => {
		s.template.resourceCountIs("AWS::DynamoDB::Table", 1);
		const oidc = s.stack.functions.oidc;
		expect(oidc).toBeDefined();
		const oidcId = logicalId(s, oidc as never);
		const secretId = logicalId(s, s.stack.auth.oidcKeys as never);
		s.template.hasResourceProperties("AWS::Lambda::Function", {
			Environment: {
				Variables: Match.objectLike({
					OIDC_KEYS_SECRET_ARN: { Ref: secretId },
					OIDC_ISSUER: Match.anyValue(),
					OIDC_REDIRECT_URIS: "https://jkgh.example.gov.cn/auth/callback",
					USER_DIRECTORY: "platform",
					TABLE_NAME: Match.anyValue(),
				}),
			},
		});
		expect(s.resources[oidcId]?.Type).toBe("AWS::Lambda::Function");
		const route = ofType(s, "AWS::ApiGatewayV2::Route").find((r) => r.props.RouteKey === "ANY /oidc/{proxy+}");
		expect(route?.props.AuthorizationType).toBe("NONE");
	});

	it("lets the summaries function manage and the job read the group-robot webhook secrets, under the stack's prefix only", () => {
		expectPushSecretGrants(s);
	});

	it("seeds the catalog on deploy through Custom::CatalogSeed, re-run when the code catalog changes", () => {
		const seeds = Object.entries(s.resources).filter(([, r]) => r.Type === "Custom::CatalogSeed");
		expect(seeds).toHaveLength(1);
		const [, seed] = seeds[0] as [string, (typeof s.resources)[string]];
		const fnId = logicalId(s, s.stack.functions.seed as never);
		expect(seed.Properties).toEqual({ ServiceToken: { "Fn::GetAtt": [fnId, "Arn"] }, CatalogVersion: catalogVersion });
		// The seed function may write the table (and nothing else besides its logs), and the resource is
		// created only after the function and so after its role's policy.
		const fn = s.resources[fnId];
		expect(fn?.Properties?.Environment).toMatchObject({ Variables: { TABLE_NAME: { Ref: logicalId(s, s.stack.data.table as never) } } });
		const policies = ofType(s, "AWS::IAM::Policy").filter((p) => (p.props.Roles as { Ref: string }[]).some((r) => r.Ref === logicalId(s, s.stack.functions.seed?.role as never)));
		const actions = policies.flatMap((p) => (p.props.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((x) => x.Action));
		expect(actions).toContain("dynamodb:PutItem");
		expect(actions).toContain("dynamodb:UpdateItem");
		expect(actions.filter((a) => !a.startsWith("dynamodb:") && !a.startsWith("kms:") && !a.startsWith("logs:"))).toEqual([]);
	});

	it("serves the metadata routes from a function of their own, with nothing admin's role does not hold", () => {
		const metadataRoutes = routes.filter((r) => r.fn === "metadata");
		expect(metadataRoutes.length).toBeGreaterThanOrEqual(13);
		const targets = routeFunctions(s);
		for (const route of metadataRoutes) expect(targets.get(routeKey(route)), routeKey(route)).toBe("metadata");
		const metadata = rolePermissions(s, "metadata");
		const admin = new Set(rolePermissions(s, "admin"));
		expect(metadata.some((p) => p.startsWith("Allow dynamodb:PutItem on "))).toBe(true);
		expect(metadata.filter((p) => !admin.has(p))).toEqual([]);
	});

	it("authorizes every non-public route with the platform's own issuer: the API's URL + /oidc", () => {
		const apiId = logicalId(s, s.stack.api.httpApi);
		const issuer = { "Fn::Join": ["", [{ "Fn::GetAtt": [apiId, "ApiEndpoint"] }, "/oidc"]] };
		const captured = new Capture();
		s.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
			AuthorizerType: "JWT",
			JwtConfiguration: { Issuer: captured, Audience: ["health-plan-web"] },
		});
		expect(captured.asObject()).toEqual(issuer);
		// The provider announces the same issuer it is checked against.
		const oidcId = logicalId(s, s.stack.functions.oidc as never);
		const oidcEnv = s.resources[oidcId]?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined;
		expect(oidcEnv?.Variables.OIDC_ISSUER).toEqual(issuer);
		const byKey = new Map(ofType(s, "AWS::ApiGatewayV2::Route").map((r) => [r.props.RouteKey as string, r.props]));
		expect(byKey.size).toBe(routes.length);
		const targets = routeFunctions(s);
		for (const route of routes) {
			expect(byKey.get(routeKey(route))?.AuthorizationType, routeKey(route)).toBe(route.roles === "public" ? "NONE" : "JWT");
			// Each route reaches the function routes.ts names (users, imports and metadata are split from admin).
			expect(targets.get(routeKey(route)), routeKey(route)).toBe(route.fn);
		}
		// Every function verifies the same issuer.
		for (const f of ofType(s, "AWS::Lambda::Function").filter((x) => x.props.Runtime === "nodejs24.x")) {
			expect((f.props.Environment as { Variables: Record<string, unknown> }).Variables.AUTH_ISSUER).toEqual(issuer);
		}
	});

	it("triggers the summary with an EventBridge rule at cron(0 0 11 * ? *) UTC (= 08:00 Asia/Shanghai, the day after the deadline), DLQ and retries", () => {
		expect(ofType(s, "AWS::Scheduler::Schedule")).toHaveLength(0);
		const dlqId = logicalId(s, s.stack.schedule.deadLetterQueue);
		const jobId = logicalId(s, s.stack.functions["summary-job"] as never);
		s.template.hasResourceProperties("AWS::Events::Rule", {
			ScheduleExpression: "cron(0 0 11 * ? *)",
			State: "ENABLED",
			Targets: [
				Match.objectLike({
					Arn: { "Fn::GetAtt": [jobId, "Arn"] },
					DeadLetterConfig: { Arn: { "Fn::GetAtt": [dlqId, "Arn"] } },
					RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 21_600 },
				}),
			],
		});
	});

	it("sends mail over SMTP with the settings in a secret, and turns X-Ray off (not offered for Lambda in China)", () => {
		const secrets = ofType(s, "AWS::SecretsManager::Secret");
		expect(secrets).toHaveLength(2); // OIDC keys + SMTP settings
		const mailers = ofType(s, "AWS::Lambda::Function").filter(
			(f) => (f.props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.MAIL_TRANSPORT === "smtp",
		);
		expect(mailers).toHaveLength(2); // summaries (incl. reminders) and summary-job
		for (const m of mailers) {
			const env = (m.props.Environment as { Variables: Record<string, unknown> }).Variables;
			expect(env.SMTP_SECRET_ARN).toEqual({ Ref: logicalId(s, s.stack.mail.smtpSecret as never) });
			expect(env.MAIL_FROM).toBe(CHINA_PROD.mailFrom);
		}
		for (const f of ofType(s, "AWS::Lambda::Function").filter((x) => x.props.Runtime === "nodejs24.x")) {
			expect(f.props.TracingConfig, f.id).toBeUndefined();
		}
		for (const st of statements(s)) expect(st.actions.some((a) => a.startsWith("xray:"))).toBe(false);
	});

	it("serves the site on the ICP-filed domain with the IAM server certificate, through an origin access identity", () => {
		s.template.hasResourceProperties("AWS::CloudFront::Distribution", {
			DistributionConfig: Match.objectLike({
				Aliases: ["jkgh.example.gov.cn"],
				ViewerCertificate: { IamCertificateId: "ASCAEXAMPLEIAMCERTID1", SslSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" },
			}),
		});
		s.template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 0);
		s.template.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 1);
		s.template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
			CorsConfiguration: Match.objectLike({ AllowOrigins: ["https://jkgh.example.gov.cn"] }),
		});
	});

	it("names no global-partition ARN or endpoint", () => {
		noGlobalPartition(s);
	});
});

describe("aws-cn stage with an external identity provider", { timeout: 120_000 }, () => {
	let s: Synthesized;
	beforeAll(() => {
		s = synth({
			partition: "aws-cn",
			identity: "external",
			externalIssuer: "https://idp.example.gov.cn/realms/health",
			externalAudience: "health-plan",
			roleClaim: "groups",
			scopeClaim: "org",
		});
	}, 120_000);

	it("trusts the external issuer, deploys no provider function, and tells the functions the claim names", () => {
		s.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
			JwtConfiguration: { Issuer: "https://idp.example.gov.cn/realms/health", Audience: ["health-plan"] },
		});
		expect(s.stack.functions.oidc).toBeUndefined();
		expect(ofType(s, "AWS::ApiGatewayV2::Route").some((r) => String(r.props.RouteKey).includes("/oidc"))).toBe(false);
		for (const f of ofType(s, "AWS::Lambda::Function").filter((x) => x.props.Runtime === "nodejs24.x")) {
			expect((f.props.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
				USER_DIRECTORY: "external",
				AUTH_ISSUER: "https://idp.example.gov.cn/realms/health",
				AUTH_AUDIENCE: "health-plan",
				ROLE_CLAIM: "groups",
				SCOPE_CLAIM: "org",
			});
		}
		expect(ofType(s, "AWS::Cognito::UserPool")).toHaveLength(0);
		noGlobalPartition(s);
	});
});

describe("aws-cn stage with EventBridge Scheduler switched on", { timeout: 120_000 }, () => {
	it("uses Scheduler with the Asia/Shanghai time zone instead of the rule", () => {
		const s = synth({ partition: "aws-cn", useScheduler: "true" });
		s.template.hasResourceProperties("AWS::Scheduler::Schedule", {
			ScheduleExpression: "cron(0 8 11 * ? *)",
			ScheduleExpressionTimezone: "Asia/Shanghai",
		});
		expect(ofType(s, "AWS::Events::Rule")).toHaveLength(0);
		noGlobalPartition(s);
	});
});
