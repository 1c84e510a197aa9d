// Configuration is parsed once, validated with zod, and a bad deploy fails at the Lambda's init naming the
// variable. Nothing else under functions/ reads process.env.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../functions/commons/config";
import { listFiles, readSource } from "../support/source-scan";

/**
 * Files that still read process.env while their owners move them (another change in flight). Remove an
 * entry when its file stops; the list must only shrink.
 */
const READS_ENV_PENDING: string[] = [];

const API_ENV = {
	TABLE_NAME: "hpm-config-test",
	AUTH_ISSUER: "http://127.0.0.1:1/oidc",
	AUTH_AUDIENCE: "hpm-web",
	MAIL_FROM: "test <test@hpm.local>",
};

describe("loadConfig", () => {
	it("parses numbers and flags, with the defaults for what is absent", () => {
		const c = loadConfig({ ...API_ENV, DEADLINE_DAY: "12", APPROVED_ONLY: "true", AGGREGATE_SHARDS: "" });
		expect([c.tableName, c.deadlineDay, c.lockDay, c.summaryDay, c.approvedOnly, c.aggregateShards, c.mailTransport]).toEqual(["hpm-config-test", 12, 20, 13, true, 1, "smtp"]);
	});

	it("names a malformed variable and what it got", () => {
		expect(() => loadConfig({ ...API_ENV, DEADLINE_DAY: "abc" })).toThrow(/DEADLINE_DAY must be a whole number from 1 to 31 \(got "abc"\)/);
		expect(() => loadConfig({ ...API_ENV, AGGREGATE_SHARDS: "0" })).toThrow(/AGGREGATE_SHARDS/);
		expect(() => loadConfig({ ...API_ENV, MAIL_TRANSPORT: "pigeon" })).toThrow(/MAIL_TRANSPORT must be ses or smtp/);
		expect(() => loadConfig({ ...API_ENV, COMPLETENESS_THRESHOLD: "1.5" })).toThrow(/COMPLETENESS_THRESHOLD/);
	});

	it("requires MAIL_FROM where mail is configured, and SMTP settings for smtp", () => {
		expect(() => loadConfig({ TABLE_NAME: "t", MAIL_TRANSPORT: "ses" })).toThrow(/MAIL_FROM is required when MAIL_TRANSPORT is set/);
		expect(() => loadConfig({ TABLE_NAME: "t", MAIL_TRANSPORT: "smtp", MAIL_FROM: "a@b" })).toThrow(/SMTP_HOST/);
		expect(loadConfig({ TABLE_NAME: "t", MAIL_TRANSPORT: "smtp", MAIL_FROM: "a@b", SMTP_HOST: "mail" }).smtp.SMTP_HOST).toBe("mail");
	});

	it("accepts either spelling of the OIDC redirect URIs", () => {
		expect(loadConfig({ OIDC_REDIRECT_URIS: "https://a/cb, https://b/cb" }).oidc.redirectUris).toEqual(["https://a/cb", "https://b/cb"]);
		expect(loadConfig({ OIDC_CLIENT_REDIRECT_URIS: "https://c/cb", OIDC_REDIRECT_URIS: "https://a/cb" }).oidc.redirectUris).toEqual(["https://c/cb"]);
		expect(() => loadConfig({}).oidc.redirectUris).toThrow(/OIDC_CLIENT_REDIRECT_URIS \(or OIDC_REDIRECT_URIS\)/);
	});
});

describe("a handler with a bad environment fails at init, naming the variable", () => {
	let saved: NodeJS.ProcessEnv;
	beforeEach(() => {
		saved = { ...process.env };
		vi.resetModules(); // a fresh config module: a new cold start
	});
	afterEach(() => {
		for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
		Object.assign(process.env, saved);
	});
	const coldStart = (fn: string, env: Record<string, string | undefined>) => {
		Object.assign(process.env, API_ENV);
		for (const [k, v] of Object.entries(env)) {
			if (v === undefined) delete process.env[k];
			else process.env[k] = v;
		}
		return import(`../../functions/handlers/${fn}.ts`) as Promise<{ handler: unknown }>;
	};

	it("loads when the environment is good (the control)", async () => {
		const mod = await coldStart("catalog", {});
		expect(typeof mod.handler).toBe("function");
	});

	it("DEADLINE_DAY=abc fails the import of the catalog function", async () => {
		await expect(coldStart("catalog", { DEADLINE_DAY: "abc" })).rejects.toThrow(/DEADLINE_DAY/);
	});

	it("a missing TABLE_NAME fails the import of the analytics function", async () => {
		await expect(coldStart("analytics", { TABLE_NAME: undefined })).rejects.toThrow(/Missing required environment variable TABLE_NAME/);
	});

	it("a missing MAIL_FROM fails the import of the summaries function, before any mail is sent", async () => {
		await expect(coldStart("summaries", { MAIL_FROM: undefined })).rejects.toThrow(/MAIL_FROM/);
	});

	it("a malformed LOCK_DAY fails the import of the scheduled summary job", async () => {
		await expect(coldStart("summary-job", { LOCK_DAY: "20th" })).rejects.toThrow(/LOCK_DAY must be a whole number/);
	});

	it("a missing OIDC_ISSUER fails the import of the oidc function", async () => {
		await expect(coldStart("oidc", { OIDC_ISSUER: undefined, OIDC_REDIRECT_URIS: "https://a/cb" })).rejects.toThrow(/OIDC_ISSUER/);
	});
});

describe("process.env is read in config.ts only", () => {
	it("no other file under functions/ reads it", () => {
		const readers = listFiles("functions", [".ts"]).filter((f) => f !== "functions/commons/config.ts" && /\bprocess\s*\.\s*env\b|\bprocess\s*\[/.test(readSource(f)));
		expect(readers.filter((f) => !READS_ENV_PENDING.includes(f))).toEqual([]);
		// The pending list only shrinks: an entry whose file no longer reads the environment must go.
		expect(READS_ENV_PENDING.filter((f) => !readers.includes(f))).toEqual([]);
	});
});
