// Signing keys and cookie keys of the platform OIDC provider.
// - In AWS (aws-cn stage): a private JWKS in Secrets Manager (OIDC_KEYS_SECRET_ARN), shaped
//   `{ "keys": [JWK, ...], "cookieKeys": ["..."] }`. The first key signs; every key is published in
//   jwks_uri, so rotation is: add the new key FIRST in the list (keep the old one second) and deploy;
//   wait longer than the longest token lifetime; then remove the old key.
// - Locally: one RS256 key pair generated on first use and kept in `.local/oidc-keys.json`
//   (git-ignored), so tokens and sessions survive restarts of `npm start`.
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import * as z from "zod";
import { config } from "../../commons/config";

export interface SigningKeys {
	/** Private JWKs; keys[0] signs. */
	keys: JWK[];
	/** Keys that sign the provider's cookies (Keygrip: the first signs, all verify). */
	cookieKeys: string[];
}

const jwkSchema = z
	.object({
		kty: z.enum(["RSA", "EC"]),
		kid: z.string().min(1).optional(),
		alg: z.enum(["RS256", "ES256"]).optional(),
		use: z.literal("sig").optional(),
		d: z.string({ error: "a private key is required (the JWK has no `d`)" }).min(1, "a private key is required (the JWK has no `d`)"),
	})
	.passthrough()
	.refine((k) => k.kty !== "RSA" || (typeof k.n === "string" && typeof k.e === "string" && typeof k.p === "string"), "RSA JWK is incomplete")
	.refine((k) => k.kty !== "EC" || (k.crv === "P-256" && typeof k.x === "string" && typeof k.y === "string"), "EC JWK must be P-256");

export const keySecretSchema = z.object({
	keys: z.array(jwkSchema).min(1, "at least one signing key is required"),
	cookieKeys: z.array(z.string().min(32, "cookie keys must be at least 32 characters")).min(1, "at least one cookie key is required"),
});

export type KeySecret = z.infer<typeof keySecretSchema>;

/** Validates the secret's JSON and fills in kid (RFC 7638 thumbprint), alg and use when absent. */
export const parseKeySecret = async (json: string): Promise<SigningKeys> => {
	let raw: unknown;
	try {
		raw = JSON.parse(json);
	} catch {
		throw new Error("OIDC key secret is not valid JSON");
	}
	const parsed = keySecretSchema.safeParse(raw);
	if (!parsed.success) {
		// Never echo the secret: only the paths and messages of what is wrong.
		throw new Error(`OIDC key secret is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
	}
	const keys: JWK[] = [];
	const kids = new Set<string>();
	for (const k of parsed.data.keys) {
		const jwk = { ...k } as JWK;
		jwk.alg ??= jwk.kty === "EC" ? "ES256" : "RS256";
		jwk.use ??= "sig";
		jwk.kid ??= await calculateJwkThumbprint(jwk);
		if (kids.has(jwk.kid)) throw new Error(`OIDC key secret has two keys with kid ${jwk.kid}`);
		kids.add(jwk.kid);
		keys.push(jwk);
	}
	return { keys, cookieKeys: parsed.data.cookieKeys };
};

/** A fresh key set of the secret's shape: used for the local file and by `scripts` that create the secret. */
export const generateKeySecret = async (): Promise<KeySecret> => {
	const { privateKey } = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
	const jwk = await exportJWK(privateKey);
	jwk.alg = "RS256";
	jwk.use = "sig";
	jwk.kid = await calculateJwkThumbprint(jwk);
	return { keys: [jwk as KeySecret["keys"][number]], cookieKeys: [randomBytes(32).toString("base64url")] };
};

export interface LoadSigningKeysOptions {
	/** Secrets Manager ARN of the key secret (OIDC_KEYS_SECRET_ARN); absent in local mode. */
	secretArn?: string;
	/** Reads a secret's string value; injected in tests, Secrets Manager otherwise. */
	fetchSecret?: (arn: string) => Promise<string>;
	/** Local key file; `.local/oidc-keys.json` under the working directory by default. */
	localFile?: string;
}

const fetchFromSecretsManager = async (arn: string): Promise<string> => {
	const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
	const res = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
	if (!res.SecretString) throw new Error("OIDC key secret has no string value");
	return res.SecretString;
};

export const defaultLocalKeyFile = (): string => resolve(config.oidc.localKeysFile ?? ".local/oidc-keys.json");

/** Reads the local key file, creating it once; concurrent first starts agree on one file. */
const loadLocalKeys = async (file: string): Promise<SigningKeys> => {
	try {
		return await parseKeySecret(await readFile(file, "utf8"));
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
	}
	await mkdir(dirname(file), { recursive: true });
	const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
	await writeFile(tmp, `${JSON.stringify(await generateKeySecret(), null, 2)}\n`, { mode: 0o600 });
	try {
		// link() is an atomic "create if absent": a concurrent first start either wins or reads the winner's file,
		// and nobody ever sees a half-written one.
		await link(tmp, file);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
	} finally {
		await rm(tmp, { force: true });
	}
	return parseKeySecret(await readFile(file, "utf8"));
};

export const loadSigningKeys = async (opts: LoadSigningKeysOptions = {}): Promise<SigningKeys> => {
	if (opts.secretArn) return parseKeySecret(await (opts.fetchSecret ?? fetchFromSecretsManager)(opts.secretArn));
	if (!opts.localFile && config.inLambda) {
		// A Lambda cannot keep a key file, and a per-instance key would break every other instance's tokens.
		throw new Error("OIDC_KEYS_SECRET_ARN is required when the provider runs in AWS Lambda");
	}
	return loadLocalKeys(opts.localFile ?? defaultLocalKeyFile());
};
