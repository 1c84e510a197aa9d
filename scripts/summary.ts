// `npm run summary -- --month YYYY-MM [--dry-run] [--to address] [--locale zh-CN|en]`: runs the monthly summary job
// against the local stack that `npm start` runs (DynamoDB Local, the mail catcher). The same service the scheduled
// Lambda uses, so deliveries are recorded exactly once: a second run for the same month sends nothing.
// --dry-run compiles and prints what would be sent; nothing is archived, recorded or sent.
// --to sends one copy of the division's summary to that address and bypasses the exactly-once record (a preview).
import { parseArgs } from "node:util";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { isMonth } from "../functions/core/periods";
import { portInUse } from "./lib/dynamodb-local";
import { handlerEnv, localPorts, localUrls } from "./lib/local-env";

const fail = (message: string): never => {
	process.stderr.write(`✗ ${message}\n`);
	process.exit(1);
};

const { values } = (() => {
	try {
		return parseArgs({
			options: { month: { type: "string" }, "dry-run": { type: "boolean", default: false }, to: { type: "string" }, locale: { type: "string" }, help: { type: "boolean", default: false } },
		});
	} catch (e) {
		return fail(`${(e as Error).message}\n  usage: npm run summary -- --month YYYY-MM [--dry-run] [--to address] [--locale zh-CN|en]`);
	}
})();
if (values.help) {
	process.stdout.write("usage: npm run summary -- --month YYYY-MM [--dry-run] [--to address] [--locale zh-CN|en]\n");
	process.exit(0);
}
if (values.month !== undefined && !isMonth(values.month)) fail(`--month must be YYYY-MM, not "${values.month}"`);
if (values.to !== undefined && !/^[^\s@<>]+@[^\s@<>]+$/.test(values.to)) fail(`--to must be an email address, not "${values.to}"`);
if (values.locale !== undefined && values.locale !== "zh-CN" && values.locale !== "en") fail(`--locale must be zh-CN or en, not "${values.locale}"`);

const main = async () => {
	const ports = localPorts();
	const urls = localUrls(ports);
	const env = handlerEnv(ports);
	Object.assign(process.env, env);
	// The local stack must be up: DynamoDB Local with the table, and (unless nothing is sent) the mail catcher.
	if (!(await portInUse(ports.dynamodb))) fail(`DynamoDB Local is not running on ${urls.dynamodb}. Start the local platform first: npm start`);
	if (!values["dry-run"] && !(await portInUse(ports.smtp))) fail(`The mail catcher is not listening on SMTP port ${ports.smtp}. Start the local platform first: npm start`);
	const raw = new DynamoDBClient({ endpoint: urls.dynamodb, region: env.AWS_REGION, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	try {
		await raw.send(new DescribeTableCommand({ TableName: env.TABLE_NAME }));
	} catch (e) {
		fail(`Table ${env.TABLE_NAME} is not in DynamoDB Local (${(e as Error).name}). Start the local platform once so it is created and seeded: npm start`);
	} finally {
		raw.destroy();
	}

	// Loaded after the environment is set: configuration is read on first use.
	const { getApp } = await import("../functions/commons/app");
	const { createSummaryService } = await import("../functions/summary/service");
	const say = (line: string) => process.stdout.write(`${line}\n`);
	const logger = {
		info: (message: string, extra?: Record<string, unknown>) => say(`· ${message} ${extra ? JSON.stringify(extra) : ""}`),
		warn: (message: string, extra?: Record<string, unknown>) => say(`! ${message} ${extra ? JSON.stringify(extra) : ""}`),
		error: (message: string, extra?: Record<string, unknown>) => say(`✗ ${message} ${extra ? JSON.stringify(extra) : ""}`),
	};
	const service = createSummaryService(getApp(), { logger });
	const result = await service.runMonthly({
		month: values.month,
		dryRun: values["dry-run"],
		to: values.to,
		locale: values.locale as "zh-CN" | "en" | undefined,
		now: new Date(),
		actor: "cli",
	});
	if (result.plan) for (const p of result.plan) say(`  ${p.action === "send" ? "would send" : `skip (${p.status})`}: ${p.email} [${p.scope}, ${p.locale}]${p.subject ? ` “${p.subject}”` : ""}`);
	say(
		`${result.dryRun ? "Dry run" : "Done"} for ${result.month}: ${result.recipients} recipient(s), ${result.sent} sent, ${result.pushed ?? 0} pushed to group robots, ${result.skipped} skipped, ${result.failed} failed; ${result.compiled} compiled, ${result.archived} archived.`,
	);
	for (const f of result.failures) say(`  ✗ ${f.recipientId}${f.channel ? ` (${f.channel})` : ""}: ${f.error}`);
	if (!result.dryRun && result.sent > 0) say(`  Read them in the mail catcher: ${urls.mailWeb}`);
	if (result.recipients === 0) say("  No active recipients: add some under Admin > Summary recipients (or POST /api/admin/recipients).");
	process.exit(result.failed > 0 ? 1 : 0);
};

main().catch((e: unknown) => fail(`${(e as Error)?.message ?? String(e)}`));
