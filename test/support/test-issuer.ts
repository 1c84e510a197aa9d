// A minimal OIDC issuer for API tests: discovery + JWKS over HTTP on 127.0.0.1, and tokens signed with
// its key for any principal. The gateway verifies them exactly as it verifies the real provider's tokens
// (the real provider's own flow is tested in test/integration/auth-provider.test.ts and the browser tests).
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { Role } from "../../functions/core/types";

export interface TestIssuer {
	issuer: string;
	audience: string;
	token(p: { sub: string; roles: Role[]; orgScope: string }, opts?: { expiresIn?: string; audience?: string; issuer?: string }): Promise<string>;
	/** A token signed by a key the issuer does not publish. */
	forged(p: { sub: string; roles: Role[]; orgScope: string }): Promise<string>;
	close(): Promise<void>;
}

export const startTestIssuer = async (audience = "hpm-web"): Promise<TestIssuer> => {
	const { publicKey, privateKey } = await generateKeyPair("RS256");
	const other = await generateKeyPair("RS256");
	const jwk = { ...(await exportJWK(publicKey)), kid: "test-1", alg: "RS256", use: "sig" };
	let issuer = "";
	const server: Server = createServer((req, res) => {
		if (req.url === "/.well-known/openid-configuration") {
			res.writeHead(200, { "content-type": "application/json" });
			return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
		}
		if (req.url === "/jwks") {
			res.writeHead(200, { "content-type": "application/json" });
			return res.end(JSON.stringify({ keys: [jwk] }));
		}
		res.writeHead(404).end();
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
	const addr = server.address();
	issuer = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
	const sign = (key: CryptoKey | Uint8Array | object, p: { sub: string; roles: Role[]; orgScope: string }, opts: { expiresIn?: string; audience?: string; issuer?: string } = {}) =>
		new SignJWT({ roles: p.roles, org_scope: p.orgScope, preferred_username: p.sub })
			.setProtectedHeader({ alg: "RS256", kid: "test-1" })
			.setSubject(p.sub)
			.setIssuer(opts.issuer ?? issuer)
			.setAudience(opts.audience ?? audience)
			.setIssuedAt()
			.setExpirationTime(opts.expiresIn ?? "10m")
			.sign(key as CryptoKey);
	return {
		issuer,
		audience,
		token: (p, opts) => sign(privateKey, p, opts),
		forged: (p) => sign(other.privateKey, p),
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
};
