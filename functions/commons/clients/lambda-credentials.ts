// What a bundled Lambda uses instead of the SDK's default credential chain. A function always finds its role's
// credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the default
// chain also carries SSO, INI profiles, process, web identity, IMDS and STS clients that never run there,
// about 130 KB of every bundle. infra/constructs/project-function.ts aliases
// @aws-sdk/credential-provider-node to this module when it bundles (the bench builds the same way); local
// mode and tests run unbundled and keep the default chain.
import { fromEnv } from "@aws-sdk/credential-provider-env";

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
