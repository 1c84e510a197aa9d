// Password hashing for the platform's own user store: scrypt (memory-hard, in node:crypto, no native
// dependency) with a random per-user salt, compared in constant time, plus the password policy.
import { randomBytes, scrypt as scryptCb, type ScryptOptions, timingSafeEqual } from "node:crypto";
import type { I18nText } from "../core/types";

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> =>
	new Promise((resolve, reject) => {
		scryptCb(password.normalize("NFKC"), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
	});

/** N=2^15, r=8: about 32 MiB and tens of milliseconds per hash; fits a 256 MB+ Lambda comfortably. */
const PARAMS = { N: 32768, r: 8, p: 1 } as const;
const KEY_LEN = 32;
const SALT_LEN = 16;
const maxmem = (N: number, r: number): number => 256 * N * r;

/** Encoded as `scrypt$N$r$p$<salt b64url>$<hash b64url>`, so parameters can be raised without breaking old hashes. */
export const hashPassword = async (password: string): Promise<string> => {
	const salt = randomBytes(SALT_LEN);
	const hash = await scrypt(password, salt, KEY_LEN, { ...PARAMS, maxmem: maxmem(PARAMS.N, PARAMS.r) });
	return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
};

export const verifyPassword = async (password: string, encoded: string): Promise<boolean> => {
	const parts = encoded.split("$");
	if (parts.length !== 6 || parts[0] !== "scrypt") return false;
	const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
	if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20 || r > 32 || p > 16) return false;
	const salt = Buffer.from(parts[4] ?? "", "base64url");
	const expected = Buffer.from(parts[5] ?? "", "base64url");
	if (salt.length === 0 || expected.length === 0) return false;
	const actual = await scrypt(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
	return timingSafeEqual(actual, expected);
};

/** A hash of a random password, compared against when the user does not exist, so timing does not tell. */
let dummy: Promise<string> | undefined;
export const burnPasswordCheck = async (password: string): Promise<void> => {
	dummy ??= hashPassword(randomBytes(16).toString("hex"));
	await verifyPassword(password, await dummy);
};

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export interface PolicyResult {
	ok: boolean;
	problems: I18nText[];
}

/** At least 10 characters, at most 128, and 3 of the 4 classes: lower case, upper case, digits, symbols. */
export const checkPasswordPolicy = (password: string, username?: string): PolicyResult => {
	const problems: I18nText[] = [];
	if ([...password].length < PASSWORD_MIN_LENGTH) {
		problems.push({ zh: `密码至少需要 ${PASSWORD_MIN_LENGTH} 个字符`, en: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long` });
	}
	if ([...password].length > PASSWORD_MAX_LENGTH) {
		problems.push({ zh: `密码不能超过 ${PASSWORD_MAX_LENGTH} 个字符`, en: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long` });
	}
	const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
	if (classes < 3) {
		problems.push({
			zh: "密码需包含以下四类中的至少三类：小写字母、大写字母、数字、符号",
			en: "The password must contain at least three of: lower-case letters, upper-case letters, digits, symbols",
		});
	}
	if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
		problems.push({ zh: "密码不能包含用户名", en: "The password must not contain the user name" });
	}
	return { ok: problems.length === 0, problems };
};
