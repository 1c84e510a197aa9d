// The context parameters (infra/config.ts) and the Shanghai → UTC cron conversion: defaults, derivations,
// and the mistakes that must fail the synth rather than deploy something wrong.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../infra/config";
import { inlineScriptHashes } from "../../infra/constructs/site";
import { summaryScheduleToUtc } from "../../infra/schedule-expression";

const ctx = (values: Record<string, unknown>) => ({ tryGetContext: (k: string) => values[k] });

describe("summaryScheduleToUtc", () => {
	it.each([
		["cron(0 8 5 * ? *)", "cron(0 0 5 * ? *)"],
		["cron(30 9 1 * ? *)", "cron(30 1 1 * ? *)"],
		["cron(0 7 5 * ? *)", "cron(0 23 4 * ? *)"],
		["cron(0 6 ? * MON *)", "cron(0 22 ? * SUN *)"],
		["cron(0 6 ? * 1 *)", "cron(0 22 ? * 7 *)"],
		["cron(15 2 * * ? *)", "cron(15 18 * * ? *)"],
		["rate(1 day)", "rate(1 day)"],
	])("%s in Asia/Shanghai is %s in UTC", (shanghai, utc) => {
		expect(summaryScheduleToUtc(shanghai)).toBe(utc);
	});

	it.each(["cron(0 3 1 * ? *)", "cron(0 8-9 5 * ? *)", "cron(0 3 L * ? *)", "0 8 5 * *"])("refuses to guess for %s", (expr) => {
		expect(() => summaryScheduleToUtc(expr)).toThrow();
	});
});

describe("readConfig", () => {
	it("defaults to a global dev stage with Cognito, SES and Scheduler", () => {
		const c = readConfig(ctx({}));
		expect(c).toMatchObject({
			stage: "dev",
			partition: "aws",
			identity: "cognito",
			mailTransport: "ses",
			sesIdentity: "example.org",
			useScheduler: true,
			siteOriginAccess: "oac",
			tracing: true,
			summarySchedule: "cron(0 8 11 * ? *)",
			summaryScheduleUtc: "cron(0 0 11 * ? *)",
			reminderSchedule: "rate(1 hour)",
			roleClaim: "cognito:groups",
			scopeClaim: "custom:org_scope",
			throttleRate: 50,
			throttleBurst: 100,
			logRetentionDays: 30,
		});
		expect(c.region).toBeUndefined();
	});

	it("derives aws-cn from a China region, with its defaults", () => {
		const c = readConfig(ctx({ region: "cn-north-1", stage: "prod" }));
		expect(c).toMatchObject({
			partition: "aws-cn",
			identity: "platform",
			mailTransport: "smtp",
			useScheduler: false,
			siteOriginAccess: "oai",
			tracing: false,
			roleClaim: "roles",
			scopeClaim: "org_scope",
			logRetentionDays: 365,
		});
		expect(c.sesIdentity).toBeUndefined();
	});

	it("reads -c strings as numbers and booleans", () => {
		const c = readConfig(ctx({ approvedOnly: "true", aggregateShards: "4", throttleRate: "10", throttleBurst: "20" }));
		expect(c).toMatchObject({ approvedOnly: true, aggregateShards: 4, throttleRate: 10, throttleBurst: 20 });
	});

	it.each([
		[{ partition: "aws-cn", identity: "cognito" }, /Cognito/],
		[{ partition: "aws-cn", mailTransport: "ses" }, /SES/],
		[{ region: "eu-west-1", partition: "aws-cn" }, /China region/],
		[{ identity: "external" }, /externalIssuer/],
		[{ identity: "external", externalIssuer: "http://idp", externalAudience: "x" }, /https/],
		[{ siteDomain: "x.example.org" }, /certificateArn/],
		[{ siteDomain: "x.example.org", certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x" }, /us-east-1/],
		[{ partition: "aws-cn", siteDomain: "x.cn", certificateArn: "arn:aws-cn:acm:us-east-1:1:certificate/x" }, /IAM/],
		[{ stage: "staging" }, /stage/],
		[{ approvedOnly: "yes" }, /true or false/],
		[{ logRetentionDays: "100" }, /logRetentionDays/],
		[{ deadlineDay: "20", lockDay: "15" }, /lockDay/],
		[{ mailFrom: "nobody" }, /email address/],
	])("rejects %j", (values, message) => {
		expect(() => readConfig(ctx(values))).toThrow(message);
	});
});

describe("inlineScriptHashes", () => {
	it("hashes each inline script of the built pages for the CSP, and ignores external ones", () => {
		const dir = mkdtempSync(join(tmpdir(), "web-build-"));
		mkdirSync(join(dir, "nested"));
		const boot = "__sveltekit_x = {};\nimport('./app.js');";
		writeFileSync(join(dir, "index.html"), `<html><script type="module">${boot}</script><script src="/a.js"></script></html>`);
		writeFileSync(join(dir, "nested", "page.html"), `<script>${boot}</script><script> </script>`);
		const expected = `'sha256-${createHash("sha256").update(boot).digest("base64")}'`;
		expect(inlineScriptHashes(dir)).toEqual([expected]);
		expect(inlineScriptHashes(join(dir, "missing"))).toEqual([]);
	});
});
