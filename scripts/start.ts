// `npm start`: the whole platform on this machine — DynamoDB Local (persisted under .local/), the tables,
// the seed (catalog, users, demo data), the local gateway with the very same Lambda handlers, the platform's
// OIDC provider, the built site, a mail catcher and the monthly scheduler. Ctrl-C or SIGTERM stops it all.
//
// Flags: --reset wipes the local data first; --no-demo skips demo data; --no-web skips the site build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createApp } from "../functions/commons/app";
import { createDocClient } from "../functions/commons/clients/dynamo";
import { ensureTable } from "../functions/commons/table";
import { DEMO_PASSWORD, seededUsers } from "../functions/auth/seed-users";
import { orgUnits } from "../functions/core/catalog/index";
import { type DynamoLocal, portInUse, startDynamoLocal } from "./lib/dynamodb-local";
import { startGateway } from "./lib/gateway";
import { handlerEnv, localPorts, localUrls, repoRoot, siteConfig } from "./lib/local-env";
import { startMailCatcher } from "./lib/mail-catcher";
import { startScheduler } from "./lib/scheduler";
import { seedCatalog, seedDemo, seedDemoRecipients, seedLocalUsers } from "./lib/seed";

const args = new Set(process.argv.slice(2));
const say = (s: string) => process.stdout.write(`${s}\n`);
/** HPM_DATA_DIR keeps a second platform in the same checkout from sharing (and --reset wiping) the first one's data. */
const dataDir = process.env.HPM_DATA_DIR ? resolve(process.env.HPM_DATA_DIR) : join(repoRoot, ".local", "dynamodb");

const newestMtime = (dir: string): number => {
	let newest = 0;
	const walk = (d: string) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			if (e.name === "node_modules" || e.name === "build" || e.name === ".svelte-kit") continue;
			const p = join(d, e.name);
			if (e.isDirectory()) walk(p);
			else newest = Math.max(newest, statSync(p).mtimeMs);
		}
	};
	if (existsSync(dir)) walk(dir);
	return newest;
};

const buildSite = () => {
	const webDir = join(repoRoot, "web");
	if (!existsSync(join(webDir, "svelte.config.js"))) return say("· web/ has no site yet; serving the API only");
	const built = join(webDir, "build", "index.html");
	const sources = Math.max(newestMtime(join(webDir, "src")), newestMtime(join(repoRoot, "functions", "core")));
	if (existsSync(built) && statSync(built).mtimeMs >= sources) return say("· site is up to date (web/build)");
	say("· building the site (vite build)…");
	execFileSync(process.execPath, [join(repoRoot, "node_modules", "vite", "bin", "vite.js"), "build"], { cwd: webDir, stdio: ["ignore", "ignore", "inherit"] });
};

const main = async () => {
	const started = Date.now();
	const ports = localPorts();
	const urls = localUrls(ports);
	for (const [name, p, variable] of [
		["the web site and API", ports.http, "PORT"],
		["DynamoDB Local", ports.dynamodb, "DYNAMODB_PORT"],
		["the mail catcher (SMTP)", ports.smtp, "MAIL_SMTP_PORT"],
		["the mail catcher (web)", ports.mailWeb, "MAIL_WEB_PORT"],
	] as const) {
		if (await portInUse(p)) {
			process.stderr.write(`✗ Port ${p} for ${name} is already in use. Stop whatever uses it, or choose another port: ${variable}=<port> npm start\n`);
			process.exit(1);
		}
	}
	if (args.has("--reset")) {
		rmSync(dataDir, { recursive: true, force: true });
		say("· local data wiped (--reset)");
	}
	Object.assign(process.env, handlerEnv(ports));

	if (!args.has("--no-web")) buildSite();

	say(`· starting DynamoDB Local on ${urls.dynamodb} (data in ${dataDir})…`);
	const db: DynamoLocal = await startDynamoLocal({ port: ports.dynamodb, dbPath: dataDir, timeoutMs: 60_000 });
	const stops: (() => Promise<void>)[] = [() => db.stop()];
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		say("\n· stopping…");
		for (const s of stops.reverse()) await s().catch(() => {});
		process.exit(code);
	};
	process.on("SIGINT", () => void stop(0));
	process.on("SIGTERM", () => void stop(0));
	db.process.on("exit", (code, signal) => {
		if (!stopping) {
			process.stderr.write(`✗ DynamoDB Local stopped unexpectedly (${signal ?? code}); stopping the platform.\n`);
			void stop(1);
		}
	});

	const raw = new DynamoDBClient({ endpoint: db.endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	const table = process.env.TABLE_NAME as string;
	const created = await ensureTable(raw, table);
	raw.destroy();
	say(`· table ${table}: ${created}`);

	const app = createApp(createDocClient({ endpoint: db.endpoint }), table);
	const cat = await seedCatalog(app);
	say(`· catalog: ${cat.written} written, ${cat.kept} already there`);
	const users = await seedLocalUsers(app);
	say(`· users: ${JSON.stringify(users)}`);
	const recipients = await seedDemoRecipients(app);
	say(recipients.skipped ? "· summary recipients: already seeded" : `· summary recipients: ${recipients.created.join(", ")}`);

	const mail = await startMailCatcher({ smtpPort: ports.smtp, webPort: ports.mailWeb });
	stops.push(mail.stop);
	const gw = await startGateway({
		port: ports.http,
		issuer: urls.issuer,
		audience: process.env.AUTH_AUDIENCE as string,
		siteDir: join(repoRoot, "web", "build"),
		siteConfig: siteConfig(ports),
		log: process.env.HPM_LOG_REQUESTS ? say : undefined,
	});
	stops.push(gw.close);
	const scheduler = startScheduler({ log: say });
	stops.push(async () => scheduler.stop());

	if (!args.has("--no-demo")) {
		// The API already answers while the demo history loads; the dashboards fill in when it is done.
		let last = 0;
		const demo = await seedDemo(app, {
			onProgress: (d, t) => {
				const pct = Math.floor((d / t) * 100);
				if (pct >= last + 10 || d === t) {
					last = pct;
					say(`· demo data: ${pct}% (${d}/${t} items)`);
				}
			},
		});
		say(demo.skipped ? `· demo data: already loaded (through ${demo.until})` : `· demo data: ${demo.written} submissions through ${demo.until}`);
	}

	// Catch-up, in the background: the latest due month's summary is archived and mailed to the demo recipients
	// (exactly once, so a restart sends nothing new), then past months are archived for the site, and each unit's
	// reporters get the month's feedback card (exactly once too). Then the reminders.
	const backfill = Number(process.env.SUMMARY_BACKFILL_MONTHS ?? 12);
	const catchUpStarted = Date.now();
	void scheduler
		.catchUp(backfill)
		.then((r) => {
			const run = r as { month: string; sent: number; skipped: number; failed: number; archived: number; feedback?: { sent: unknown[]; skipped: number; failed: unknown[] } };
			say(
				`· summaries caught up in ${((Date.now() - catchUpStarted) / 1000).toFixed(1)} s: ${run.month} ${run.sent} sent, ${run.skipped} already sent, ${run.failed} failed; ${backfill} earlier month(s) archived`,
			);
			if (run.feedback) say(`· unit feedback cards ${run.month}: ${run.feedback.sent.length} sent, ${run.feedback.skipped} already sent, ${run.feedback.failed.length} failed`);
			return scheduler.runReminders();
		})
		.then((r) => say(`· reminders: ${JSON.stringify(r)}`))
		.catch((e: unknown) => say(`✗ summary catch-up failed: ${(e as Error).message}`));

	const users0 = seededUsers(orgUnits);
	const reporters = users0.filter((u) => u.username.startsWith("reporter-")).map((u) => u.username);
	say("");
	say("健康规划指标监测平台 is running (local mode)");
	say(`  Site            ${urls.base}/`);
	say(`  API             ${urls.api}   (GET ${urls.api}/health)`);
	say(`  Sign-in (OIDC)  ${urls.issuer}/.well-known/openid-configuration`);
	say(`  Mail catcher    ${urls.mailWeb}/`);
	say(`  DynamoDB Local  ${urls.dynamodb}   table ${table}`);
	say(`  Monthly summary ${scheduler.describe()}`);
	say("");
	say(`  Logins (password for all: ${DEMO_PASSWORD})`);
	say("    admin                          管理员 admin, whole division");
	say("    leader, leader-<area>          领导 leader: division, or one 垦区 (korla yanqi tarim qieruo)");
	say("    approver, approver-<area>      审核员 approver: division, or one 垦区");
	say(`    reporter-<unit>                填报员 reporter, ${reporters.length} units: ${reporters.slice(0, 4).join(", ")}, …`);
	say("  A bearer token for scripts: npm run --silent token -- reporter-t33");
	say(`  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl-C stops everything.`);
};

main().catch((e) => {
	process.stderr.write(`✗ npm start failed: ${(e as Error).stack ?? e}\n`);
	process.exit(1);
});
