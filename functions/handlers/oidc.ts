// Lambda entry of the platform's own OIDC provider (`ANY /oidc/{proxy+}`), in the aws-cn stage and, through
// the local gateway, in local mode. Configuration is read once at cold start; the provider (keys from
// Secrets Manager or .local/, table, clients) is built on the first request and reused.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { createDocClient } from "../commons/clients/dynamo";
import { requireConfig } from "../commons/config";
import { logger, startInvocation } from "../commons/observability";
import { createProvider, providerCallback, WEB_CLIENT_ID, webClient } from "../auth/provider/config";
import { dynamoAdapterFactory } from "../auth/provider/dynamo-adapter";
import { loadSigningKeys } from "../auth/provider/keys";
import { runNodeCallback } from "../auth/provider/lambda-adapter";
import { UserStore } from "../auth/user-store";

const c = requireConfig("tableName", "oidc.issuer", "oidc.redirectUris");
const settings = {
	issuer: c.oidc.issuer,
	clientId: c.oidc.clientId ?? WEB_CLIENT_ID,
	redirectUris: c.oidc.redirectUris,
	postLogoutRedirectUris: c.oidc.postLogoutRedirectUris,
	tableName: c.tableName,
	dynamoEndpoint: c.dynamoEndpoint,
	keysSecretArn: c.oidc.keysSecretArn,
};

type Callback = Parameters<typeof runNodeCallback>[0];
let app: Promise<Callback> | undefined;

const build = async (): Promise<Callback> => {
	const db = createDocClient(settings.dynamoEndpoint ? { endpoint: settings.dynamoEndpoint } : {});
	const signing = await loadSigningKeys(settings.keysSecretArn ? { secretArn: settings.keysSecretArn } : {});
	const provider = createProvider({
		issuer: settings.issuer,
		clients: [
			webClient({
				clientId: settings.clientId,
				redirectUris: settings.redirectUris,
				...(settings.postLogoutRedirectUris.length ? { postLogoutRedirectUris: settings.postLogoutRedirectUris } : {}),
			}),
		],
		jwks: { keys: signing.keys },
		cookieKeys: signing.cookieKeys,
		adapter: dynamoAdapterFactory(db, settings.tableName),
		userStore: new UserStore(db, settings.tableName),
	});
	return providerCallback(provider);
};

export const handler = async (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> => {
	startInvocation(context, { requestId: event.requestContext?.requestId });
	app ??= build().catch((e: unknown) => {
		app = undefined; // let the next invocation retry (e.g. Secrets Manager was briefly unreachable)
		throw e;
	});
	try {
		return await runNodeCallback(await app, event, { publicUrl: settings.issuer });
	} catch (e) {
		logger.error("oidc handler failed", { error: (e as Error).message });
		return { statusCode: 500, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: '{"error":"server_error"}' };
	}
};
