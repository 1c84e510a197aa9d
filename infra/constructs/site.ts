// The static SvelteKit site: a private bucket behind CloudFront (origin access control in the global
// partition, the legacy origin access identity in aws-cn, see docs/deploy-china.md), strict security
// headers, SPA routing, and a deployment of web/build plus a generated /config.json that tells the web app
// where the API and the OIDC provider are (both known only at deploy time).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Annotations, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import type { StageConfig } from "../config";
import { acknowledge } from "../nag";

export const WEB_BUILD_DIR = fileURLToPath(new URL("../../web/build/", import.meta.url));

export interface SiteProps {
	cfg: StageConfig;
	logBucket: s3.IBucket;
	/** Origins the page may fetch from (the API, the identity provider), for CSP connect-src. */
	connectOrigins: string[];
	/** Where the built site is; web/build by default. Missing → a placeholder page is deployed. */
	buildDir?: string;
}

/** What the web app reads from /config.json at start-up. */
export interface WebConfig {
	apiUrl: string;
	oidc: { authority: string; clientId: string; redirectUri: string; postLogoutRedirectUri: string; scope: string };
	stage: string;
}

const htmlFiles = (dir: string): string[] =>
	readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) return htmlFiles(p);
		return name.endsWith(".html") ? [p] : [];
	});

/**
 * SvelteKit's static output starts the app with a small inline <script>. Rather than allow
 * 'unsafe-inline' for scripts, the CSP names each inline script by its SHA-256 hash.
 */
export const inlineScriptHashes = (buildDir: string): string[] => {
	if (!existsSync(buildDir)) return [];
	const hashes = new Set<string>();
	for (const file of htmlFiles(buildDir)) {
		const html = readFileSync(file, "utf8");
		for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
			const body = m[1] ?? "";
			if (body.trim() === "") continue;
			hashes.add(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
		}
	}
	return [...hashes].sort();
};

const PLACEHOLDER_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>健康规划指标监测平台</title></head>
<body><p>站点尚未构建 / The site was not built when this stack was synthesized.</p>
<p>Run <code>npm run build</code> (web/build) and deploy again.</p></body></html>
`;

export class Site extends Construct {
	readonly bucket: s3.Bucket;
	readonly distribution: cloudfront.Distribution;
	readonly headers: cloudfront.ResponseHeadersPolicy;
	/** `https://host` the site is served from. */
	readonly origin: string;
	readonly builtSite: boolean;
	private readonly buildDir: string;

	constructor(scope: Construct, id: string, props: SiteProps) {
		super(scope, id);
		const { cfg } = props;
		this.buildDir = props.buildDir ?? WEB_BUILD_DIR;
		this.builtSite = existsSync(join(this.buildDir, "index.html"));

		this.bucket = new s3.Bucket(this, "Bucket", {
			blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
			enforceSSL: true,
			encryption: s3.BucketEncryption.S3_MANAGED,
			objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
			serverAccessLogsBucket: props.logBucket,
			serverAccessLogsPrefix: "s3/site/",
			// Everything in it is rebuilt by the deployment; it is kept only so a stack deletion never
			// fails on a non-empty bucket (docs/deploy.md, teardown).
			removalPolicy: RemovalPolicy.RETAIN,
		});

		const csp = [
			"default-src 'self'",
			["script-src 'self'", ...inlineScriptHashes(this.buildDir)].join(" "),
			// Svelte writes style attributes for transitions; no inline scripts are allowed.
			"style-src 'self' 'unsafe-inline'",
			"img-src 'self' data:",
			"font-src 'self' data:",
			["connect-src 'self'", ...props.connectOrigins].join(" "),
			// oidc-client-ts renews silently in a hidden iframe on the provider's origin.
			["frame-src 'self'", ...props.connectOrigins].join(" "),
			"frame-ancestors 'none'",
			"base-uri 'self'",
			"form-action 'self'",
			"object-src 'none'",
		].join("; ");

		this.headers = new cloudfront.ResponseHeadersPolicy(this, "Headers", {
			comment: "Security headers of the health-plan site",
			securityHeadersBehavior: {
				contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
				strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
				frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
				contentTypeOptions: { override: true },
				referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
			},
			customHeadersBehavior: {
				customHeaders: [{ header: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()", override: true }],
			},
		});

		const origin =
			cfg.siteOriginAccess === "oac"
				? origins.S3BucketOrigin.withOriginAccessControl(this.bucket)
				: origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket);
		const china = cfg.partition === "aws-cn";

		this.distribution = new cloudfront.Distribution(this, "Distribution", {
			comment: `健康规划指标监测平台 (${cfg.stage})`,
			defaultRootObject: "index.html",
			defaultBehavior: {
				origin,
				viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
				cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
				responseHeadersPolicy: this.headers,
				compress: true,
			},
			additionalBehaviors: {
				// Re-read on every load so a redeploy (new API URL, new client id) takes effect at once.
				"/config.json": {
					origin,
					viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
					cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
					responseHeadersPolicy: this.headers,
				},
			},
			// SPA routing: a deep link (/dashboard/…) is not an object; S3 answers 403 through OAC/OAI.
			errorResponses: [403, 404].map((httpStatus) => ({
				httpStatus,
				responseHttpStatus: 200,
				responsePagePath: "/index.html",
				ttl: Duration.seconds(0),
			})),
			httpVersion: cloudfront.HttpVersion.HTTP2,
			// China: price classes do not apply and IPv6 support is not documented there; keep it minimal.
			...(china ? { enableIpv6: false } : { priceClass: cloudfront.PriceClass.PRICE_CLASS_200 }),
			enableLogging: true,
			logBucket: props.logBucket,
			logFilePrefix: "cloudfront/",
			...(cfg.siteDomain && cfg.certificateArn
				? {
						domainNames: [cfg.siteDomain],
						certificate: acm.Certificate.fromCertificateArn(this, "Certificate", cfg.certificateArn),
						minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
					}
				: {}),
		});

		acknowledge(
			this.distribution,
			"AwsSolutions-CFR1",
			"No geo restriction: the site is used by units of the 2nd Division across Xinjiang, sometimes from travel; every API call needs a token anyway.",
		);
		acknowledge(
			this.distribution,
			"AwsSolutions-CFR2",
			"No WAF web ACL: the distribution serves only static files; the API has stage throttling and JWT authorization. Add a WAF (global partition) if abuse shows up in the access logs.",
		);
		if (cfg.siteOriginAccess === "oai") {
			acknowledge(
				this.distribution,
				"AwsSolutions-CFR7",
				"Origin access identity instead of origin access control: AWS::CloudFront::OriginAccessControl has been reported as unrecognised in the China regions (docs/deploy-china.md). The bucket is still private and readable only through the distribution; switch with -c siteOriginAccess=oac once available.",
			);
		}
		if (!cfg.siteDomain) {
			acknowledge(
				this.distribution,
				"AwsSolutions-CFR4",
				"Without a custom domain the distribution uses the default CloudFront certificate, whose TLS policy cannot be raised. Production deploys pass siteDomain and a certificate (TLSv1.2_2021).",
			);
		}

		if (cfg.siteDomain && cfg.iamCertificateId) {
			// CloudFront in the China regions takes certificates only from the IAM certificate store.
			const cfn = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
			cfn.addPropertyOverride("DistributionConfig.Aliases", [cfg.siteDomain]);
			cfn.addPropertyOverride("DistributionConfig.ViewerCertificate", {
				IamCertificateId: cfg.iamCertificateId,
				SslSupportMethod: "sni-only",
				MinimumProtocolVersion: "TLSv1.2_2021",
			});
			acknowledge(
				this.distribution,
				"AwsSolutions-CFR4",
				"The viewer certificate is set by a property override (IAM server certificate, TLSv1.2_2021), which cdk-nag does not see; test/infra/china.test.ts asserts the synthesized policy.",
			);
		}
		if (china && !cfg.siteDomain) {
			Annotations.of(this).addWarningV2(
				"health-plan:china-site-domain",
				"CloudFront in the China regions does not serve content on *.cloudfront.cn: pass -c siteDomain=<ICP-filed domain> -c iamCertificateId=<id> (docs/deploy-china.md).",
			);
		}

		this.origin = cfg.siteDomain ? `https://${cfg.siteDomain}` : `https://${this.distribution.distributionDomainName}`;
	}

	/** Upload web/build (or a placeholder) and the generated /config.json; invalidate the cache. */
	deploy(config: WebConfig): s3deploy.BucketDeployment {
		const sources = [s3deploy.Source.jsonData("config.json", config)];
		if (this.builtSite) {
			sources.unshift(s3deploy.Source.asset(this.buildDir));
		} else {
			// Tests and a fresh clone synthesize without a web build. Deploying that is allowed but visible:
			// the page says so, and synth prints this warning.
			sources.push(s3deploy.Source.data("index.html", PLACEHOLDER_HTML));
			Annotations.of(this).addWarningV2(
				"health-plan:no-web-build",
				`No web build at ${this.buildDir}: deploying only config.json and a placeholder index.html. Run npm run build first.`,
			);
		}
		return new s3deploy.BucketDeployment(this, "Deployment", {
			destinationBucket: this.bucket,
			sources,
			distribution: this.distribution,
			distributionPaths: ["/*"],
			memoryLimit: 512,
			prune: true,
		});
	}
}
