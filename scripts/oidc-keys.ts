// Fills (or rotates) the platform OIDC provider's key secret in AWS: the stack creates the secret with an
// empty placeholder because Secrets Manager cannot generate a key pair (infra/constructs/auth.ts).
//   npm run oidc:keys -- --secret-id <OidcKeysSecretArn output>            first time: one RS256 key + cookie key
//   npm run oidc:keys -- --secret-id <arn> --rotate                        add a new key FIRST, keep the old ones
// After --rotate, wait longer than the longest token lifetime, then remove the old key by hand
// (functions/auth/provider/keys.ts explains the order). The secret's value is never printed.
import { parseArgs } from "node:util";
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { generateKeySecret, type KeySecret, parseKeySecret } from "../functions/auth/provider/keys";

const { values } = parseArgs({
	options: { "secret-id": { type: "string" }, rotate: { type: "boolean", default: false } },
	allowPositionals: false,
});
const secretId = values["secret-id"];
if (!secretId) {
	console.error("usage: npm run oidc:keys -- --secret-id <arn> [--rotate]");
	process.exit(2);
}

const client = new SecretsManagerClient({});
const current = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
const existing = JSON.parse(current.SecretString ?? "{}") as Partial<KeySecret>;
const hasKeys = Array.isArray(existing.keys) && existing.keys.length > 0;
if (hasKeys && !values.rotate) {
	console.log(`The secret already holds ${existing.keys?.length} signing key(s); pass --rotate to add a new one.`);
	process.exit(0);
}
const fresh = await generateKeySecret();
const next: KeySecret = hasKeys
	? { keys: [...fresh.keys, ...(existing.keys ?? [])], cookieKeys: [...fresh.cookieKeys, ...(existing.cookieKeys ?? [])] }
	: fresh;
// Validate exactly as the provider will read it before writing.
const parsed = await parseKeySecret(JSON.stringify(next));
await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(next) }));
console.log(`Wrote ${parsed.keys.length} signing key(s); the provider signs with kid ${parsed.keys[0]?.kid}.`);
console.log("Running provider instances pick the new keys up on their next cold start.");
