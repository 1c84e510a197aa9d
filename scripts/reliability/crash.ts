// Crash test: a concurrent submission load against the local gateway while DynamoDB Local (on-disk) and then the
// gateway itself are SIGKILLed mid-load and started again on the same port (and the same dbPath). Clients retry
// what failed with the SAME Idempotency-Key, as the web client does. Afterwards: every acknowledged (2xx) write
// is stored with its exact values, none is lost or applied twice, and verify-aggregates finds nothing to fix.
//
//   npx tsx scripts/reliability/crash.ts                 # fast form (4 clients)
//   RELIABILITY_LONG=1 npx tsx scripts/reliability/crash.ts   # long form (8 clients, more edits)
// Also run by test/reliability/crash.test.ts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type TestIssuer, startTestIssuer } from "../../test/support/test-issuer";
import { type DynamoLocal, freePort, startDynamoLocal } from "../lib/dynamodb-local";
import { waitForReady } from "../lib/child-process";
import { handlerEnv, localPorts } from "../lib/local-env";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export interface CrashOptions {
	clients?: number;
	/** Sequential edits per client per period. */
	edits?: number;
	log?: (line: string) => void;
}

export interface CrashReport {
	attempted: number;
	acknowledged: number;
	lost: number;
	/**
	 * Acknowledged writes that DynamoDB Local itself dropped when it was SIGKILLed: among the last commits it
	 * acknowledged before the kill. The emulator does not make its last transaction durable before answering
	 * (scripts/reliability/dynamodb-local-durability.ts shows it with plain PutItem/TransactWriteItems); real
	 * DynamoDB does. Counted apart from `lost`, which is what the platform lost.
	 */
	lostByEmulator: number;
	/** Acknowledged edits stored more than once (a retried write applied twice). */
	duplicated: number;
	/** Unit-periods whose stored value is neither the last acknowledged one nor a later edit. */
	wrongFinal: number;
	aggregateMismatches: number;
	verifyOk: boolean;
	/** Requests that failed because of a crash and were retried. */
	interrupted: number;
	/** Retries answered from the idempotency record (the first attempt had landed). */
	replayed: number;
	crashes: { dynamodb: number; gateway: number };
	/** Anything that was not a 2xx, a 5xx or a dropped connection: should be empty. */
	unexpected: string[];
	details: string[];
}

interface Edit {
	unit: string;
	period: string;
	index: number;
	beds: number;
	key: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts scripts/reliability/gateway-process.ts as a child and waits for its READY line. */
const startGatewayProcess = async (env: Record<string, string>, port: number): Promise<{ child: ChildProcess; url: string }> => {
	const child = spawn(process.execPath, ["--import", "tsx", join(root, "scripts/reliability/gateway-process.ts")], {
		cwd: root,
		env: { ...process.env, ...env, GATEWAY_PORT: String(port) },
		stdio: ["ignore", "pipe", "pipe", "ipc"],
	});
	let stderr = "";
	child.stderr?.on("data", (d: Buffer) => {
		stderr = (stderr + d.toString()).slice(-4000);
		if (process.env.CRASH_DEBUG === "1") process.stderr.write(`[gateway] ${d}`);
	});
	const url = await waitForReady(child, "gateway", () => stderr);
	return { child, url };
};

const kill = (child: ChildProcess): Promise<void> =>
	new Promise((res) => {
		if (child.exitCode !== null || child.signalCode !== null) return res();
		child.once("exit", () => res());
		child.kill("SIGKILL");
	});

export const runCrash = async (opts: CrashOptions = {}): Promise<CrashReport> => {
	const t0 = Date.now();
	const out = opts.log ?? ((l: string) => console.log(l));
	const log = (l: string) => out(process.env.CRASH_DEBUG === "1" ? `[${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}` : l);
	const clients = opts.clients ?? 4;
	const edits = opts.edits ?? 6;
	const dir = mkdtempSync(join(tmpdir(), "hpm-crash-"));
	const dbPath = join(dir, "db");
	const table = "hpm-crash";
	let db: DynamoLocal | undefined;
	let gw: { child: ChildProcess; url: string } | undefined;
	let issuer: TestIssuer | undefined;
	try {
		// 1. DynamoDB Local on disk, the table and the catalog.
		const dbPort = await freePort();
		db = await startDynamoLocal({ port: dbPort, dbPath, timeoutMs: 60_000 });
		const endpoint = db.endpoint;
		Object.assign(process.env, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
		// Imported here: these modules read configuration lazily, and the parent needs none of it until now.
		const { ensureTable } = await import("../../functions/commons/table");
		const { createApp } = await import("../../functions/commons/app");
		const { createDocClient } = await import("../../functions/commons/clients/dynamo");
		const { codeCatalog } = await import("../lib/seed");
		const { generateDemoSubmissions } = await import("../../functions/core/demo/generator");
		const { addMonths, currentMonth } = await import("../../functions/core/periods");
		const raw = new DynamoDBClient({ endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
		await ensureTable(raw, table);
		raw.destroy();
		const setupApp = createApp(createDocClient({ endpoint, region: "cn-northwest-1" }), table);
		await setupApp.catalogRepo.seed(codeCatalog());

		// 2. The issuer (in this process) and the gateway (its own process).
		issuer = await startTestIssuer();
		const gwPort = await freePort();
		const env = handlerEnv(localPorts(), {
			TABLE_NAME: table,
			DYNAMODB_ENDPOINT: endpoint,
			AUTH_ISSUER: issuer.issuer,
			AUTH_AUDIENCE: issuer.audience,
			MAIL_FROM: "crash <crash@hpm.local>",
			TZ: "UTC",
		});
		gw = await startGatewayProcess(env, gwPort);
		const base = gw.url;
		log(`crash: DynamoDB Local (on disk) and the gateway process are up`);

		// 3. The load: each client owns two units (distinct unit-periods) and edits them in turn, one edit at a
		// time, retrying each edit until it is acknowledged. Only the current month: earlier ones may be locked.
		const M = currentMonth(new Date());
		const template = addMonths(M, -6);
		const periods = [M];
		const demo = generateDemoSubmissions({ from: template, to: M });
		const pool = ["t21", "t22", "t24", "t25", "t27", "t29", "t30", "t31", "t33", "t34", "t36", "t37", "t38", "t223", "h-korla", "h-tmg"];
		if (clients * 2 > pool.length) throw new Error(`at most ${pool.length / 2} clients`);
		const plan: Edit[][] = Array.from({ length: clients }, (_, c) => {
			const mine = [pool[2 * c] as string, pool[2 * c + 1] as string];
			const list: Edit[] = [];
			for (let i = 0; i < edits; i++) for (const unit of mine) list.push({ unit, period: M, index: i, beds: 500 + i, key: `crash-${unit}-${M}-${i}` });
			return list;
		});
		const unitsOf = (list: Edit[]) => [...new Set(list.map((e) => e.unit))];
		const total = plan.flat().length;
		const acks: (Edit & { version: number; status: number; at: number })[] = [];
		let dbKilledAt = Number.POSITIVE_INFINITY;
		const unexpected: string[] = [];
		let interrupted = 0;
		let replayed = 0;
		let outage: Promise<void> | undefined;
		const crashes = { dynamodb: 0, gateway: 0 };

		const client = async (list: Edit[]) => {
			const tokens = new Map<string, string>();
			for (const unit of unitsOf(list)) tokens.set(unit, await (issuer as TestIssuer).token({ sub: `reporter-${unit}`, roles: ["reporter"], orgScope: unit }, { expiresIn: "1h" }));
			for (const e of list) {
				const token = tokens.get(e.unit) as string;
				const values = { ...(demo.find((d) => d.unitId === e.unit && d.period === template)?.values ?? {}) };
				const body = JSON.stringify({ values: { ...values, BEDS: e.beds }, action: "submit", comment: `崩溃测试 ${e.index}` });
				const started = Date.now();
				for (let attempt = 0; ; attempt++) {
					if (Date.now() - started > 180_000) {
						unexpected.push(`${e.key}: not acknowledged within 180 s`);
						break;
					}
					let status = 0;
					let text = "";
					let replay = false;
					try {
						const r = await fetch(`${base}/api/submissions/${e.unit}/${e.period}`, {
							method: "PUT",
							headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": e.key },
							body,
							signal: AbortSignal.timeout(30_000),
						});
						status = r.status;
						text = await r.text();
						replay = r.headers.get("idempotent-replayed") === "true";
					} catch {
						status = 0; // connection refused or reset: the gateway died mid-request
					}
					if (status === 200 || status === 201) {
						const version = Number(JSON.parse(text).submission?.version);
						acks.push({ ...e, version, status, at: Date.now() });
						if (replay) replayed++;
						if (attempt > 0) interrupted++;
						break;
					}
					if (process.env.CRASH_DEBUG === "1") log(`  ${e.key} attempt ${attempt}: ${status} ${text.slice(0, 160)}`);
					if (status !== 0 && status < 500) {
						unexpected.push(`${e.key}: ${status} ${text.slice(0, 200)}`);
						break;
					}
					await sleep(100 + Math.floor(Math.random() * 400));
				}
				// Give the crash controller a chance to fire between edits.
				if (outage) await Promise.race([outage, sleep(50)]);
			}
		};

		// 4. The chaos: kill DynamoDB Local at ~30 % of the acknowledgements, the gateway at ~65 %.
		const chaos = (async () => {
			while (acks.length < Math.ceil(total * 0.3)) await sleep(20);
			log(`crash: SIGKILL DynamoDB Local (pid ${db?.process.pid}) after ${acks.length}/${total} acknowledged`);
			await (db as DynamoLocal).stop("SIGKILL");
			dbKilledAt = Date.now();
			crashes.dynamodb++;
			await sleep(500);
			db = await startDynamoLocal({ port: dbPort, dbPath, timeoutMs: 60_000 });
			log(`crash: DynamoDB Local restarted on the same port and dbPath (pid ${db.process.pid})`);
			while (acks.length < Math.ceil(total * 0.65)) await sleep(20);
			log(`crash: SIGKILL gateway (pid ${gw?.child.pid}) after ${acks.length}/${total} acknowledged`);
			await kill((gw as { child: ChildProcess }).child);
			crashes.gateway++;
			await sleep(500);
			gw = await startGatewayProcess(env, gwPort);
			log("crash: gateway restarted on the same port");
		})().catch((e) => {
			log(`crash: the chaos controller failed: ${(e as Error).message}`);
			throw e;
		});
		await Promise.all([...plan.map(client), chaos]);

		// 5. The verdict, read straight from the table with a fresh client.
		const check = createApp(createDocClient({ endpoint: db.endpoint, region: "cn-northwest-1" }), table);
		const { createSubmissionService } = await import("../../functions/commons/services/submissions");
		const { createAnalyticsService } = await import("../../functions/commons/services/analytics");
		const subs = createSubmissionService(check);
		let lost = 0;
		let lostByEmulator = 0;
		// The emulator can drop what it acknowledged last before the kill: at most one commit per client in flight.
		const beforeKill = acks.filter((a) => a.at <= dbKilledAt).sort((a, b) => a.at - b.at);
		const lastBeforeKill = new Set(beforeKill.slice(-clients).map((a) => a.key));
		let duplicated = 0;
		let wrongFinal = 0;
		const details: string[] = [];
		for (const list of plan) {
			for (const [unit, period] of unitsOf(list).flatMap((u) => periods.map((p) => [u, p] as const))) {
				const mine = list.filter((e) => e.period === period && e.unit === unit);
				const acked = acks.filter((a) => a.unit === unit && a.period === period);
				const history = await subs.history(unit, period);
				const stored = await subs.get(unit, period).catch(() => null);
				for (const a of acked) {
					const v = history.find((h) => h.version === a.version);
					if (!v || v.values.BEDS !== a.beds) {
						if (lastBeforeKill.has(a.key)) {
							lostByEmulator++;
							log(`  dropped by DynamoDB Local on SIGKILL: ${a.key} (acknowledged ${dbKilledAt - a.at} ms before the kill)`);
						} else {
							lost++;
							details.push(`lost: ${a.key} v${a.version} BEDS=${a.beds}, stored v${a.version}=${v?.values.BEDS}`);
						}
					}
					const copies = history.filter((h) => h.values.BEDS === a.beds).length;
					if (copies > 1) {
						duplicated++;
						details.push(`applied ${copies}×: ${a.key}`);
					}
				}
				const last = Math.max(-1, ...acked.filter((a) => !lastBeforeKill.has(a.key) || history.some((h) => h.version === a.version && h.values.BEDS === a.beds)).map((a) => a.index));
				const finalBeds = stored?.submission.values.BEDS;
				const ok = typeof finalBeds === "number" && mine.some((e) => e.beds === finalBeds && e.index >= last);
				if (!ok) {
					wrongFinal++;
					details.push(`final ${unit}/${period}: stored BEDS=${finalBeds}, last acknowledged index ${last}`);
				}
			}
		}
		const analytics = createAnalyticsService(check);
		let mismatches = 0;
		let verifyOk = true;
		for (const year of [...new Set(periods.map((p) => p.slice(0, 4)))]) {
			const v = await analytics.verifyAggregates({ years: [year] });
			mismatches += v.mismatches.length;
			verifyOk &&= v.ok;
			for (const m of v.mismatches.slice(0, 10)) details.push(`aggregate ${m.item} ${m.attr}: stored ${m.stored}, expected ${m.expected}`);
		}
		// And the same check through the restarted gateway, as an admin would run it.
		const adminToken = await issuer.token({ sub: "admin", roles: ["admin"], orgScope: "div" });
		const viaApi = await fetch(`${gw.url}/api/admin/verify-aggregates?period=${M}`, { method: "POST", headers: { authorization: `Bearer ${adminToken}` } });
		const viaApiBody = (await viaApi.json()) as { ok?: boolean };
		if (viaApi.status !== 200 || viaApiBody.ok !== true) {
			verifyOk = false;
			details.push(`verify-aggregates via API: ${viaApi.status} ${JSON.stringify(viaApiBody).slice(0, 200)}`);
		}
		const report: CrashReport = { attempted: total, acknowledged: acks.length, lost, lostByEmulator, duplicated, wrongFinal, aggregateMismatches: mismatches, verifyOk, interrupted, replayed, crashes, unexpected, details };
		log(`crash: acknowledged ${acks.length}, lost ${lost}, aggregate mismatches ${mismatches}`);
		if (lostByEmulator) log(`crash: besides, DynamoDB Local dropped ${lostByEmulator} commit(s) it had acknowledged just before its SIGKILL (an emulator limit; real DynamoDB is durable on acknowledgement)`);
		log(`crash: ${total} edits by ${clients} clients; ${interrupted} retried after a crash (${replayed} answered from the idempotency record); applied twice ${duplicated}; wrong final values ${wrongFinal}; unexpected ${unexpected.length}`);
		for (const d of [...unexpected, ...details].slice(0, 20)) log(`  ${d}`);
		return report;
	} finally {
		if (gw) await kill(gw.child);
		if (db) await db.stop("SIGKILL");
		await issuer?.close();
		rmSync(dir, { recursive: true, force: true });
	}
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const long = process.env.RELIABILITY_LONG === "1";
	const r = await runCrash(long ? { clients: 8, edits: 25 } : {});
	const bad = r.lost + (r.lostByEmulator > (long ? 8 : 4) ? 1 : 0) + r.duplicated + r.wrongFinal + r.aggregateMismatches + r.unexpected.length + (r.verifyOk ? 0 : 1);
	process.exit(bad === 0 ? 0 : 1);
}
