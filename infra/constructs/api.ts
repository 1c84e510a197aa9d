// The HTTP API: one route per entry of functions/routes.ts (the one route table), one Lambda integration
// per function, the JWT authorizer on every route that is not "public", CORS for the site's origin only,
// default-stage throttling and JSON access logs.
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { type FunctionName, type RouteDef, routeKey, routes } from "../../functions/routes";
import type { StageConfig } from "../config";
import { acknowledge } from "../nag";
import { METRICS_NAMESPACE, type ProjectFunction } from "./project-function";

export interface ApiProps {
	cfg: StageConfig;
	/** Origins allowed by CORS: the site's, never "*". */
	allowedOrigins: string[];
}

/** The metric the access-log filter emits for every 429 (HTTP APIs publish no throttle metric). */
export const API_THROTTLED_METRIC = "ApiThrottled";

export class Api extends Construct {
	readonly httpApi: apigw.HttpApi;
	readonly stage: apigw.HttpStage;
	readonly accessLogs: logs.LogGroup;

	constructor(scope: Construct, id: string, props: ApiProps) {
		super(scope, id);
		const { cfg } = props;
		if (props.allowedOrigins.some((o) => o.includes("*"))) throw new Error("CORS must name the site's origin, not a wildcard");

		this.httpApi = new apigw.HttpApi(this, "HttpApi", {
			description: `健康规划指标监测平台 API (${cfg.stage})`,
			createDefaultStage: false,
			corsPreflight: {
				allowOrigins: props.allowedOrigins,
				allowMethods: [
					apigw.CorsHttpMethod.GET,
					apigw.CorsHttpMethod.PUT,
					apigw.CorsHttpMethod.POST,
					apigw.CorsHttpMethod.PATCH,
					apigw.CorsHttpMethod.DELETE,
				],
				allowHeaders: ["authorization", "content-type", "idempotency-key", "if-match"],
				exposeHeaders: ["content-disposition", "etag", "idempotent-replayed", "retry-after"],
				allowCredentials: false,
				maxAge: Duration.hours(1),
			},
		});

		this.accessLogs = new logs.LogGroup(this, "AccessLogs", {
			retention: cfg.logRetentionDays as logs.RetentionDays,
			removalPolicy: cfg.stage === "prod" ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
		});
		this.stage = new apigw.HttpStage(this, "DefaultStage", {
			httpApi: this.httpApi,
			stageName: "$default",
			autoDeploy: true,
			throttle: { rateLimit: cfg.throttleRate, burstLimit: cfg.throttleBurst },
			accessLogSettings: {
				destination: new apigw.LogGroupLogDestination(this.accessLogs),
				format: AccessLogFormat.custom(
					JSON.stringify({
						requestId: "$context.requestId",
						ip: "$context.identity.sourceIp",
						requestTime: "$context.requestTime",
						routeKey: "$context.routeKey",
						status: "$context.status",
						responseLength: "$context.responseLength",
						latency: "$context.responseLatency",
						integrationLatency: "$context.integrationLatency",
						integrationError: "$context.integrationErrorMessage",
						authorizerError: "$context.authorizer.error",
						sub: "$context.authorizer.claims.sub",
					}),
				),
			},
		});
		this.accessLogs.addMetricFilter("Throttled", {
			filterPattern: logs.FilterPattern.stringValue("$.status", "=", "429"),
			metricNamespace: METRICS_NAMESPACE,
			metricName: API_THROTTLED_METRIC,
			metricValue: "1",
			defaultValue: 0,
		});
	}

	/** `https://{api-id}.execute-api.{region}.{suffix}` (a deploy-time token). */
	get endpoint(): string {
		return this.httpApi.apiEndpoint;
	}

	/**
	 * One route per entry of functions/routes.ts. A route whose function is not in `functions` fails the
	 * synth (except the oidc routes when there is no platform provider: identity=cognito|external).
	 */
	addRoutes(functions: Partial<Record<FunctionName, ProjectFunction>>, authorizer: apigw.IHttpRouteAuthorizer): RouteDef[] {
		const integrations = new Map<FunctionName, HttpLambdaIntegration>();
		const added: RouteDef[] = [];
		for (const route of routes) {
			const fn = functions[route.fn];
			if (!fn) {
				if (route.fn === "oidc") continue;
				throw new Error(`route ${routeKey(route)} needs the ${route.fn} function`);
			}
			let integration = integrations.get(route.fn);
			if (!integration) {
				integration = new HttpLambdaIntegration(`${route.fn}-integration`, fn, {
					payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
				});
				integrations.set(route.fn, integration);
			}
			const created = this.httpApi.addRoutes({
				path: route.path,
				methods: [apigw.HttpMethod[route.method]],
				integration,
				authorizer: route.roles === "public" ? new apigw.HttpNoneAuthorizer() : authorizer,
			});
			if (route.roles === "public") {
				for (const r of created) {
					acknowledge(
						r,
						"AwsSolutions-APIG4",
						route.fn === "oidc"
							? "The OIDC provider's own endpoints (discovery, JWKS, authorize, token, sign-in) must be reachable before the caller has a token; the provider authenticates each request itself."
							: "The health check is public by design (routes.ts roles: public): it returns no data, only liveness.",
					);
				}
			}
			added.push(route);
		}
		return added;
	}
}
