// Who issues the tokens the API trusts, in one place. Three modes (context `identity`):
// - cognito (global only): a user pool with the four role groups and an org_scope attribute;
// - platform (the China default): the platform's own OIDC provider, the `oidc` Lambda behind
//   ANY /oidc/{proxy+}, users and sessions in the table, signing keys in Secrets Manager;
// - external: a provider the commission already runs; no provider here at all.
// Every mode yields the same outputs: the issuer and audience for the API's JWT authorizer, the
// environment every function reads (functions/commons/config.ts), and the web app's OIDC settings.
import { Aws, Duration, Fn, RemovalPolicy, SecretValue } from "aws-cdk-lib";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { StageConfig } from "../config";
import { acknowledge } from "../nag";
import type { ProjectFunction } from "./project-function";

export interface AuthProps {
	cfg: StageConfig;
	/** `https://host` of the site (custom domain or the CloudFront domain token). */
	siteOrigin: string;
	/** `https://{api-id}.execute-api.{region}.{suffix}` (a token: known only at deploy time). */
	apiEndpoint: string;
}

/** The roles of functions/core/types.ts, as Cognito groups. Lower precedence wins in Cognito's role mapping. */
const GROUPS: { name: string; description: string; precedence: number }[] = [
	{ name: "admin", description: "Platform administrators: users, catalog, reopen, imports", precedence: 0 },
	{ name: "leader", description: "Leaders: read everything in scope, receive monthly summaries", precedence: 10 },
	{ name: "approver", description: "Approvers: review and approve unit submissions", precedence: 20 },
	{ name: "reporter", description: "Reporters: enter monthly figures for their unit", precedence: 30 },
];

const COGNITO_ADMIN_ACTIONS = [
	"cognito-idp:AdminCreateUser",
	"cognito-idp:AdminGetUser",
	"cognito-idp:AdminUpdateUserAttributes",
	"cognito-idp:AdminDisableUser",
	"cognito-idp:AdminEnableUser",
	"cognito-idp:AdminAddUserToGroup",
	"cognito-idp:AdminRemoveUserFromGroup",
	"cognito-idp:AdminListGroupsForUser",
	"cognito-idp:ListUsers",
];
/** Reading the directory only: the reminder sender looks up a unit's reporters. */
const COGNITO_READ_ACTIONS = ["cognito-idp:ListUsers", "cognito-idp:AdminListGroupsForUser"];

export class Auth extends Construct {
	/** The `iss` the API accepts. */
	readonly issuer: string;
	/** The `aud` (or Cognito `client_id`) the API accepts: the web client's id. */
	readonly audience: string;
	readonly authorizer: HttpJwtAuthorizer;
	/** Environment for every API function. */
	readonly functionEnv: Record<string, string>;
	/** Origins the browser talks to for sign-in (for the CSP connect-src), besides the API's. */
	readonly browserOrigins: string[];
	/** The web app's oidc-client settings (the `oidc` block of /config.json). */
	readonly webOidc: { authority: string; clientId: string; redirectUri: string; postLogoutRedirectUri: string; scope: string };
	readonly userPool?: cognito.UserPool;
	readonly userPoolClient?: cognito.UserPoolClient;
	readonly userPoolDomain?: cognito.UserPoolDomain;
	/** Signing keys of the platform's own provider. */
	readonly oidcKeys?: secretsmanager.Secret;

	private readonly cfg: StageConfig;
	private readonly redirectUris: string[];
	private readonly logoutUris: string[];

	constructor(scope: Construct, id: string, props: AuthProps) {
		super(scope, id);
		const { cfg, siteOrigin, apiEndpoint } = props;
		this.cfg = cfg;
		const prod = cfg.stage === "prod";
		const redirectUri = `${siteOrigin}${cfg.callbackPath}`;
		const postLogoutRedirectUri = `${siteOrigin}/`;
		// The dev stage also accepts the local web dev server, so the site can be worked on against a
		// deployed API; prod accepts only its own site.
		const localOrigin = "http://localhost:5173";
		this.redirectUris = prod ? [redirectUri] : [redirectUri, `${localOrigin}${cfg.callbackPath}`];
		this.logoutUris = prod ? [postLogoutRedirectUri] : [postLogoutRedirectUri, `${localOrigin}/`];

		let clientId: string;
		let userDirectoryEnv: Record<string, string>;
		let scopeRequested = cfg.oidcScope;

		if (cfg.identity === "cognito") {
			const pool = new cognito.UserPool(this, "UserPool", {
				selfSignUpEnabled: false,
				signInAliases: { username: true, email: true },
				signInCaseSensitive: false,
				autoVerify: { email: true },
				standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
				customAttributes: { org_scope: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
				passwordPolicy: {
					minLength: 12,
					requireLowercase: true,
					requireUppercase: true,
					requireDigits: true,
					requireSymbols: true,
					tempPasswordValidity: Duration.days(3),
				},
				mfa: cfg.cognitoMfaRequired ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
				mfaSecondFactor: { otp: true, sms: false },
				accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
				featurePlan: cognito.FeaturePlan.PLUS,
				standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
				deletionProtection: prod,
				removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
			});
			if (!cfg.cognitoMfaRequired) {
				acknowledge(
					pool,
					"AwsSolutions-COG2",
					"MFA (TOTP) is optional so that unit reporters without a phone authenticator can still sign in; docs/deploy.md requires admins and approvers to enrol TOTP, and -c cognitoMfaRequired=true makes it mandatory for everyone.",
				);
			}
			for (const g of GROUPS) {
				pool.addGroup(`Group-${g.name}`, { groupName: g.name, description: g.description, precedence: g.precedence });
			}
			const client = pool.addClient("WebClient", {
				generateSecret: false,
				authFlows: { userSrp: true },
				oAuth: {
					flows: { authorizationCodeGrant: true },
					scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
					callbackUrls: this.redirectUris,
					logoutUrls: this.logoutUris,
				},
				supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
				preventUserExistenceErrors: true,
				enableTokenRevocation: true,
				accessTokenValidity: Duration.minutes(60),
				idTokenValidity: Duration.minutes(60),
				refreshTokenValidity: Duration.hours(12),
				readAttributes: new cognito.ClientAttributes()
					.withStandardAttributes({ email: true, emailVerified: true, fullname: true })
					.withCustomAttributes("org_scope"),
				// Users must not be able to change their own org scope with their access token: only
				// the name is self-writable; org_scope is set by admins (AdminUpdateUserAttributes).
				writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
			});
			const domain = pool.addDomain("Domain", { cognitoDomain: { domainPrefix: cfg.cognitoDomainPrefix } });

			this.userPool = pool;
			this.userPoolClient = client;
			this.userPoolDomain = domain;
			clientId = client.userPoolClientId;
			this.issuer = Fn.join("", ["https://cognito-idp.", Aws.REGION, ".", Aws.URL_SUFFIX, "/", pool.userPoolId]);
			this.audience = clientId;
			this.browserOrigins = [
				Fn.join("", ["https://cognito-idp.", Aws.REGION, ".", Aws.URL_SUFFIX]),
				// The hosted UI's token endpoint, which oidc-client-ts calls with fetch.
				Fn.join("", ["https://", cfg.cognitoDomainPrefix, ".auth.", Aws.REGION, ".amazoncognito.com"]),
			];
			userDirectoryEnv = { USER_DIRECTORY: "cognito", COGNITO_USER_POOL_ID: pool.userPoolId };
			scopeRequested = "openid email profile";
		} else if (cfg.identity === "platform") {
			// The provider is served by this same API under /oidc, so its issuer is the API's own URL.
			// The URL exists only once the API does: Fn::Join on the API's endpoint attribute resolves it
			// at deploy time, and nothing that the API resource itself depends on needs it (the authorizer,
			// the functions and config.json all come after the API), so there is no cycle.
			this.issuer = Fn.join("", [apiEndpoint, "/oidc"]);
			clientId = cfg.oidcClientId;
			this.audience = clientId;
			this.browserOrigins = [];
			// The provider's private JWKS and cookie keys, shaped as functions/auth/provider/keys.ts reads
			// them: {"keys":[private JWK, ...],"cookieKeys":["..."]}. Secrets Manager cannot generate a key
			// pair, so the stack creates the secret with an empty (and deliberately invalid) placeholder and
			// `npm run oidc:keys` (scripts/oidc-keys.ts) fills it after the first deploy; until then the
			// provider fails fast with "at least one signing key is required". Key material never passes
			// through the template.
			this.oidcKeys = new secretsmanager.Secret(this, "OidcKeys", {
				description: "Signing and cookie keys of the platform OIDC provider (fill with npm run oidc:keys)",
				secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ keys: [], cookieKeys: [] })),
				removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
			});
			acknowledge(
				this.oidcKeys,
				"AwsSolutions-SMG4",
				"Signing keys are rotated by adding a new JWK first and removing the old one after the longest token lifetime (functions/auth/provider/keys.ts); an automatic Secrets Manager rotation would drop the old key at once and invalidate every session.",
			);
			userDirectoryEnv = { USER_DIRECTORY: "platform" };
		} else {
			const issuer = cfg.externalIssuer as string;
			this.issuer = issuer;
			this.audience = cfg.externalAudience as string;
			clientId = this.audience;
			this.browserOrigins = [new URL(issuer).origin];
			userDirectoryEnv = { USER_DIRECTORY: "external" };
		}

		this.authorizer = new HttpJwtAuthorizer("JwtAuthorizer", this.issuer, {
			jwtAudience: [this.audience],
			identitySource: ["$request.header.Authorization"],
		});
		this.functionEnv = {
			AUTH_ISSUER: this.issuer,
			AUTH_AUDIENCE: this.audience,
			ROLE_CLAIM: cfg.roleClaim,
			SCOPE_CLAIM: cfg.scopeClaim,
			...userDirectoryEnv,
		};
		this.webOidc = { authority: this.issuer, clientId, redirectUri, postLogoutRedirectUri, scope: scopeRequested };
	}

	/** What the admin function needs to manage users in the directory (nothing for platform/external). */
	bindUserAdmin(fn: ProjectFunction): void {
		if (this.userPool) this.userPool.grant(fn, ...COGNITO_ADMIN_ACTIONS);
	}

	/** Let `fn` list users and their groups, and nothing else (identity=cognito; the platform directory is the table). */
	bindUserDirectoryRead(fn: ProjectFunction): void {
		if (this.userPool) this.userPool.grant(fn, ...COGNITO_READ_ACTIONS);
	}

	/** Configure the platform's own provider function (identity=platform only). */
	bindProvider(fn: ProjectFunction): void {
		if (!this.oidcKeys) throw new Error("bindProvider is only for identity=platform");
		fn.bindSecret(this.oidcKeys, "OIDC_KEYS_SECRET_ARN");
		fn.addEnvironments({
			OIDC_ISSUER: this.issuer,
			OIDC_CLIENT_ID: this.cfg.oidcClientId,
			OIDC_REDIRECT_URIS: this.redirectUris.join(","),
			OIDC_POST_LOGOUT_REDIRECT_URIS: this.logoutUris.join(","),
		});
	}
}
