import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { generateKeySecret, loadSigningKeys, parseKeySecret } from "../../functions/auth/provider/keys";

const dirs: string[] = [];
afterAll(async () => {
	for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("loadSigningKeys from the Secrets Manager secret", () => {
	it("loads a value of exactly the secret's shape through the injected fetcher, first key signing", async () => {
		// prepare: two keys (new first, old second, as during a rotation) and a cookie key
		const { privateKey: newKey } = await generateKeyPair("RS256", { extractable: true });
		const { privateKey: oldKey } = await generateKeyPair("ES256", { extractable: true });
		const secret = JSON.stringify({
			keys: [{ ...(await exportJWK(newKey)), kid: "2025-06", alg: "RS256", use: "sig" }, await exportJWK(oldKey)],
			cookieKeys: ["c".repeat(43)],
		});
		const asked: string[] = [];
		// act
		const loaded = await loadSigningKeys({
			secretArn: "arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:hpm/oidc-keys",
			fetchSecret: async (arn) => {
				asked.push(arn);
				return secret;
			},
		});
		// assert
		expect(asked).toEqual(["arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:hpm/oidc-keys"]);
		expect(loaded.keys.map((k) => [k.kid, k.alg, k.use])).toEqual([
			["2025-06", "RS256", "sig"],
			[expect.any(String), "ES256", "sig"],
		]);
		expect(loaded.keys[1]?.kid).toMatch(/^[A-Za-z0-9_-]{43}$/); // RFC 7638 thumbprint filled in
		expect(loaded.cookieKeys).toEqual(["c".repeat(43)]);
		// the first key really is a usable private signing key
		const signer = await importJWK(loaded.keys[0]!, "RS256");
		const jwt = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: "RS256", kid: "2025-06" }).sign(signer);
		const { publicKey } = { publicKey: await importJWK({ ...loaded.keys[0]!, d: undefined, p: undefined, q: undefined, dp: undefined, dq: undefined, qi: undefined }, "RS256") };
		expect((await jwtVerify(jwt, publicKey)).payload.a).toBe(1);
	});

	it("rejects public-only keys, missing cookie keys, duplicates and non-JSON without echoing the secret", async () => {
		const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
		const priv = await exportJWK(privateKey);
		const pub = await exportJWK(publicKey);
		await expect(parseKeySecret(JSON.stringify({ keys: [pub], cookieKeys: ["k".repeat(32)] }))).rejects.toThrow(/private key/);
		await expect(parseKeySecret(JSON.stringify({ keys: [priv], cookieKeys: [] }))).rejects.toThrow(/cookie key/);
		await expect(parseKeySecret(JSON.stringify({ keys: [priv], cookieKeys: ["short"] }))).rejects.toThrow(/32/);
		await expect(parseKeySecret(JSON.stringify({ keys: [], cookieKeys: ["k".repeat(32)] }))).rejects.toThrow(/at least one signing key/);
		await expect(parseKeySecret(JSON.stringify({ keys: [priv, priv], cookieKeys: ["k".repeat(32)] }))).rejects.toThrow(/two keys/);
		const err = await parseKeySecret(`{"keys": [${JSON.stringify(priv)}`).catch((e: Error) => e);
		expect(String(err)).toMatch(/not valid JSON/);
		expect(String(err)).not.toContain(String(priv.d));
	});

	it("generates a secret of the same shape (for creating the AWS secret) that loads back", async () => {
		const secret = await generateKeySecret();
		const loaded = await parseKeySecret(JSON.stringify(secret));
		expect(loaded.keys).toHaveLength(1);
		expect(loaded.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
		expect(loaded.cookieKeys[0]?.length).toBeGreaterThanOrEqual(32);
	});
});

describe("loadSigningKeys locally", () => {
	it("creates .local/oidc-keys.json once and returns the same keys on the next start", async () => {
		const dir = await mkdtemp(join(tmpdir(), "hpm-keys-"));
		dirs.push(dir);
		const file = join(dir, ".local", "oidc-keys.json");
		const [a, b] = await Promise.all([loadSigningKeys({ localFile: file }), loadSigningKeys({ localFile: file })]);
		const c = await loadSigningKeys({ localFile: file });
		expect(a.keys[0]?.kid).toBe(b.keys[0]?.kid);
		expect(c.keys[0]?.kid).toBe(a.keys[0]?.kid);
		expect(c.cookieKeys).toEqual(a.cookieKeys);
		expect(JSON.parse(await readFile(file, "utf8")).keys[0].d).toBeTruthy();
		expect((await stat(file)).mode & 0o077).toBe(0);
	});

	it("refuses to invent keys inside AWS Lambda when the secret ARN is missing", async () => {
		const before = process.env.AWS_LAMBDA_FUNCTION_NAME;
		process.env.AWS_LAMBDA_FUNCTION_NAME = "hpm-oidc";
		try {
			await expect(loadSigningKeys({})).rejects.toThrow(/OIDC_KEYS_SECRET_ARN/);
		} finally {
			if (before === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
			else process.env.AWS_LAMBDA_FUNCTION_NAME = before;
		}
	});
});
