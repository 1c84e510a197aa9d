// The monthly summary job end to end: a small known dataset written through the real submission service, the real
// summaries Lambda behind the local gateway, the summary-job Lambda handler, DynamoDB Local and a real SMTP server
// (MailDev on a free port). Asserts content, scope, escaping, exactly-once delivery, the archive's access rules and
// the failure signals.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { MailDev } from "maildev";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserDirectory } from "../../functions/auth/user-directory";
import { createApp } from "../../functions/commons/app";
import { keys } from "../../functions/commons/keys";
import { MailSendError } from "../../functions/commons/mail/transport";
import { createReminderService } from "../../functions/summary/reminders";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { createSummaryService, type SummaryService } from "../../functions/summary/service";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, monthRange } from "../../functions/core/periods";
import type { Principal, ValueMap } from "../../functions/core/types";
import type { DeliveryLogger } from "../../functions/summary/deliver";
import { type Caller, type Harness, startHarness } from "../support/harness";

const MONTH = "2025-06";
const silent: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };
const XSS_COMMENT = "<img src=x onerror=alert(1)>社区人口数待核";
const XSS_REVIEW = "人口数<script>alert(1)</script>请核实";

const freePort = (): Promise<number> =>
	new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const address = srv.address();
			srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
		});
	});

// Plausible figures from the deterministic demo generator; the test then sets the ones it asserts on.
const demo = generateDemoSubmissions({ from: "2024-06", to: MONTH });
const demoValues = (unitId: string, period: string): ValueMap => {
	const s = demo.find((d) => d.unitId === unitId && d.period === period);
	if (!s) throw new Error(`no demo values for ${unitId} ${period}`);
	return { ...s.values };
};

let h: Harness;
let maildev: MailDev;
let mailDir: string;
let mails: () => Promise<{ to: string[]; parsed: ParsedMail }[]>;
let jobHandler: (event: unknown) => Promise<{ sent: number; skipped: number; failed: number; dryRun: boolean; plan?: { action: string; email: string }[] }>;
let admin: Caller;
let leaderDiv: Caller;
let leaderTarim: Caller;
let approverKorla: Caller;
let reporter: Caller;
let service: SummaryService;
const DIV_LEADER = "div-leader@monitor.example.cn";
const TARIM_LEADER = "tarim-leader@monitor.example.cn";
const ids: Record<string, string> = {};

const principal = (sub: string, roles: Principal["roles"], orgScope: string): Principal => ({ sub, roles, orgScope });

/** Writes through the real submission service at a chosen "now", so deadlines and lateness are what we say. */
const submit = async (unitId: string, period: string, values: ValueMap, at: string, comment = "按时上报") => {
	const app = createApp(h.app.doc, h.table, { now: () => new Date(at) });
	const r = await createSubmissionService(app).put({ principal: principal(`reporter-${unitId}`, ["reporter"], unitId), unitId, period, body: { values, action: "submit", comment } });
	expect(r.body.submission.status).toBe("submitted");
	return app;
};

const seed = async () => {
	// 33团医院 (塔里木垦区): a year of history, then an outpatient figure four times its usual size this month.
	const history = monthRange("2024-06", "2025-05");
	for (const m of history) await submit("t33", m, { ...demoValues("t33", m), GPS: 3 }, `${addMonths(m, 1)}-03T02:00:00Z`);
	const t33: ValueMap = { ...demoValues("t33", MONTH), GPS: 3 };
	t33.OUTPATIENT_VISITS = Math.round(Number(t33.OUTPATIENT_VISITS) * 4);
	const app = await submit("t33", MONTH, t33, "2025-07-03T02:00:00Z", "本月开展义诊，门诊量大增");
	await createSubmissionService(app).review(principal("approver-tarim", ["approver"], "tarim"), "t33", MONTH, "approve", { comment: "核实无误" });
	// 34团医院: last month on time; this month late (after the 10th) and still awaiting approval.
	await submit("t34", "2025-05", { ...demoValues("t34", "2025-05"), GPS: 3 }, "2025-06-03T02:00:00Z");
	await submit("t34", MONTH, { ...demoValues("t34", "2025-05"), GPS: 3 }, "2025-07-15T02:00:00Z", "补报");
	// 31团医院: reported last month, not this month (missing).
	await submit("t31", "2025-05", { ...demoValues("t31", "2025-05"), GPS: 3 }, "2025-06-03T02:00:00Z");
	// A community health centre in 库尔勒垦区: submitted with markup in its note, then returned with markup in the reason.
	const chc = await submit("chc-1", MONTH, { ...demoValues("chc-1", MONTH), GPS: 3 }, "2025-07-04T02:00:00Z", XSS_COMMENT);
	await createSubmissionService(chc).review(principal("approver-korla", ["approver"], "korla"), "chc-1", MONTH, "return", { comment: XSS_REVIEW });
	// The commission's 2024 survey figures: myopia a little above the plan path (behind), out-of-pocket share within its ceiling.
	await submit("wjw", "2024", { ...demoValues("wjw", "2024"), MYOPIA_RATE: 51, OOP_SHARE: 24.08 }, "2025-03-01T02:00:00Z");
};

const htmlOf = (m: ParsedMail): string => (typeof m.html === "string" ? m.html : "");

beforeAll(async () => {
	const port = await freePort();
	mailDir = mkdtempSync(join(tmpdir(), "summary-job-"));
	maildev = new MailDev({ smtp: port, ip: "127.0.0.1", disableWeb: true, mailDirectory: mailDir, silent: true });
	const servers = await maildev.start();
	mails = async () => {
		const emails = await servers.storage.getAll();
		return Promise.all(
			emails.map(async (e) => ({
				to: e.envelope?.to?.map((a: { address: string }) => a.address) ?? [],
				parsed: await simpleParser(readFileSync(e.source), { skipImageLinks: true }),
			})),
		);
	};
	h = await startHarness();
	// After the harness (which sets its own MAIL_FROM) and before any handler module loads.
	Object.assign(process.env, { MAIL_TRANSPORT: "smtp", SMTP_HOST: "127.0.0.1", SMTP_PORT: String(port), SMTP_SECURE: "false", MAIL_FROM: "健康规划监测平台 <noreply@hpm.test>", SITE_URL: "https://hpm.example.cn" });
	jobHandler = (await import("../../functions/handlers/summary-job")).handler as typeof jobHandler;
	service = createSummaryService(h.app, { logger: silent });
	admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
	leaderDiv = await h.as({ sub: "leader-div", roles: ["leader"], orgScope: "div" });
	leaderTarim = await h.as({ sub: "leader-tarim", roles: ["leader"], orgScope: "tarim" });
	approverKorla = await h.as({ sub: "approver-korla", roles: ["approver"], orgScope: "korla" });
	reporter = await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" });
	await seed();
}, 180_000);

afterAll(async () => {
	await h?.stop();
	await maildev?.stop();
	if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

describe("compiling from the known dataset", () => {
	it("gives the expected statuses, binding indicators first, the missing, late, returned and pending units, and the outlier", async () => {
		const { model, html, text, charts } = await service.compileFor({ month: MONTH, scopeOrg: "div", locale: "zh-CN", dashboardUrl: "https://hpm.example.cn/" });
		const status = (code: string) => model.indicators.find((i) => i.code === code)?.status;
		// 2 of 21 units in: the monthly ratios are provisional and claim no status; the yearly survey figures are judged.
		expect(status("GPS_PER_10000")).toBe("provisional");
		expect(status("MYOPIA_PREVALENCE")).toBe("behind");
		expect(status("OOP_HEALTH_SPENDING_SHARE")).toBe("achieved");
		expect(model.bindingAlerts.map((i) => i.code)).toEqual(["MYOPIA_PREVALENCE"]);
		expect(model.indicators.slice(0, 1).map((i) => i.code)).toEqual(["MYOPIA_PREVALENCE"]);
		expect(model.reporting.provisional).toBe(true);
		expect(html).toContain("数据不完整，以下为暂定数字");
		// No month-on-month sentence about a figure whose coverage changed.
		const named = model.indicators.filter((i) => !i.comparable).map((i) => i.name);
		for (const h of model.highlights.filter((x) => x.includes("较上月"))) for (const n of named) expect(h).not.toContain(n);

		const missing = model.missingUnits.map((u) => u.unitId);
		expect(missing).toContain("t31");
		expect(missing).toContain("h-yanqi");
		expect(missing).not.toContain("t33");
		expect(missing).not.toContain("t34");
		expect(missing).not.toContain("chc-1");
		expect(model.lateUnits.map((u) => u.unitId)).toEqual(["t34"]);
		expect(model.pendingApprovals.map((u) => u.unitId)).toEqual(["t34"]);
		expect(model.returnedSubmissions).toEqual([{ unitId: "chc-1", unitName: "铁门关市第一社区卫生服务中心", reviewComment: XSS_REVIEW, comment: XSS_COMMENT }]);
		expect(model.reporting.reported).toBe(2);

		const outliers = model.dataQualityFlags.filter((f) => f.kind === "outlier");
		expect(outliers.map((f) => `${f.unitId}:${f.code}`)).toEqual(["t33:OUTPATIENT_VISITS"]);

		expect(model.dashboardUrl).toBe(`https://hpm.example.cn/?plan=tmg-14th&org=div&period=${MONTH}`);
		expect(charts.map((c) => c.filename)).toEqual(["status-overview.png", "trend-myopia-prevalence.png"]);
		expect(html).not.toMatch(/<script/i);
		expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
		expect(text).toContain("每万人口全科医生数");
	}, 60_000);

	it("keeps a 垦区's summary to that 垦区's units", async () => {
		const { model } = await service.compileFor({ month: MONTH, scopeOrg: "tarim", locale: "en", dashboardUrl: "https://hpm.example.cn/" });
		expect(model.scope).toEqual({ orgId: "tarim", name: "Tarim Area", level: "area" });
		expect(model.reporting.units.map((u) => u.unitId).sort()).toEqual(["t31", "t33", "t34"]);
		expect(model.reporting.units.every((u) => u.areaId === "tarim")).toBe(true);
		expect(model.missingUnits.map((u) => u.unitId)).toEqual(["t31"]);
		expect(model.returnedSubmissions).toEqual([]);
		// The commission's survey figures are division-wide: no 垦区 value, so only the GP ratio is a binding alert here.
		expect(model.bindingAlerts.map((i) => i.code)).toEqual(["GPS_PER_10000"]);
	}, 60_000);
});

describe("recipients", () => {
	it("creates, lists, updates and deletes recipients, with field-level 400s and admin only", async () => {
		const bad = await admin.call("POST", "/api/admin/recipients", { body: { name: " ", email: "not-an-email", scopeOrgId: "nowhere", locale: "fr", extra: 1 } });
		expect(bad.status).toBe(400);
		expect(Object.keys(bad.body.error.fields).sort()).toEqual(expect.arrayContaining(["email", "locale", "name", "scopeOrgId"]));
		expect((await admin.call("POST", "/api/admin/recipients", { body: { name: "X", email: "x@example.cn", scopeOrgId: "div", extra: true } })).status).toBe(400);
		expect((await leaderDiv.call("POST", "/api/admin/recipients", { body: { name: "X", email: "x@example.cn", scopeOrgId: "div" } })).status).toBe(403);

		const div = await admin.call("POST", "/api/admin/recipients", { body: { name: "王主任", email: DIV_LEADER.toUpperCase(), scopeOrgId: "div" } });
		expect(div.status).toBe(201);
		expect(div.body).toMatchObject({ name: "王主任", email: DIV_LEADER, scopeOrgId: "div", locale: "zh-CN", active: true });
		ids.div = div.body.id;
		const tarim = await admin.call("POST", "/api/admin/recipients", { body: { name: "Director Li", email: "old@monitor.example.cn", scopeOrgId: "tarim", locale: "en" } });
		expect(tarim.status).toBe(201);
		ids.tarim = tarim.body.id;
		const put = await admin.call("PUT", `/api/admin/recipients/${ids.tarim}`, { body: { name: "Director Li", email: TARIM_LEADER, scopeOrgId: "tarim", locale: "en" } });
		expect(put.status).toBe(200);
		expect(put.body.email).toBe(TARIM_LEADER);
		expect((await admin.call("PUT", `/api/admin/recipients/${ids.tarim}`, { body: { name: "Director Li", email: TARIM_LEADER, scopeOrgId: "mars" } })).body.error.fields).toHaveProperty("scopeOrgId");
		expect((await admin.call("PUT", "/api/admin/recipients/no-such-id", { body: { name: "N", email: "n@example.cn", scopeOrgId: "div" } })).status).toBe(404);

		const temp = await admin.call("POST", "/api/admin/recipients", { body: { name: "临时", email: "temp@example.cn", scopeOrgId: "korla", active: false } });
		expect((await admin.call("DELETE", `/api/admin/recipients/${temp.body.id}`)).status).toBe(204);
		expect((await admin.call("DELETE", `/api/admin/recipients/${temp.body.id}`)).status).toBe(404);

		const list = await admin.call("GET", "/api/admin/recipients");
		expect(list.status).toBe(200);
		expect(list.body.recipients.map((r: { email: string }) => r.email).sort()).toEqual([DIV_LEADER, TARIM_LEADER]);
	});
});

describe("the scheduled job", () => {
	it("dry run compiles and reports what it would send, and sends, records and archives nothing", async () => {
		const r = await jobHandler({ source: "local.scheduler", "detail-type": "Scheduled Event", detail: { month: MONTH, dryRun: true } });
		expect(r).toMatchObject({ dryRun: true, sent: 0, failed: 0 });
		expect(r.plan?.map((p) => `${p.action} ${p.email}`).sort()).toEqual([`send ${DIV_LEADER}`, `send ${TARIM_LEADER}`]);
		expect(await mails()).toHaveLength(0);
		expect((await admin.call("GET", `/api/admin/summaries/deliveries?month=${MONTH}`)).body.deliveries).toEqual([]);
		expect((await leaderDiv.call("GET", "/api/summaries")).body.items).toEqual([]);
	}, 60_000);

	it("run twice for one month: each recipient gets exactly one complete, escaped, correctly scoped email", async () => {
		const first = await jobHandler({ source: "schedule", month: MONTH });
		const second = await jobHandler({ source: "schedule", month: MONTH });
		expect(first).toMatchObject({ sent: 2, skipped: 0, failed: 0 });
		expect(second).toMatchObject({ sent: 0, skipped: 2, failed: 0 });

		const all = await mails();
		expect(all).toHaveLength(2);
		const divMail = all.filter((m) => m.to.includes(DIV_LEADER));
		const tarimMail = all.filter((m) => m.to.includes(TARIM_LEADER));
		expect(divMail).toHaveLength(1);
		expect(tarimMail).toHaveLength(1);

		for (const { parsed } of all) {
			const html = htmlOf(parsed);
			expect(parsed.text?.length ?? 0).toBeGreaterThan(300);
			expect(html).not.toMatch(/<script/i);
			expect(html).not.toMatch(/<img src=x/i);
			const pngs = parsed.attachments.filter((a) => a.contentType === "image/png");
			expect(pngs.length).toBeGreaterThanOrEqual(1);
			for (const png of pngs) {
				expect(html).toContain(`cid:${png.cid}`);
				expect(png.content.subarray(0, 4).toString("latin1")).toBe("\x89PNG");
			}
			const xlsx = parsed.attachments.filter((a) => a.filename?.endsWith(".xlsx"));
			expect(xlsx).toHaveLength(1);
			expect(xlsx[0]?.content.subarray(0, 2).toString("latin1")).toBe("PK");
		}

		const div = divMail[0]?.parsed as ParsedMail;
		expect(div.subject).toContain("2025年6月");
		expect(div.subject).toContain("第二师铁门关市");
		expect(htmlOf(div)).toContain("&lt;img src=x onerror=alert(1)&gt;");
		expect(htmlOf(div)).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
		expect(htmlOf(div)).toContain("王主任");
		expect(div.attachments.find((a) => a.filename?.endsWith(".xlsx"))?.filename).toBe(`健康规划月度摘要-${MONTH}-div.xlsx`);

		const tarim = tarimMail[0]?.parsed as ParsedMail;
		expect(tarim.subject).toBe("Health plan summary, June 2025, Tarim Area: 1 binding indicator needs attention, 2 not yet judged");
		expect(tarim.text).toContain("31st Regiment Hospital");
		for (const outside of ["Community Health Centre", "Yanqi", "Korla", "社区"]) expect(tarim.text).not.toContain(outside);
		expect(htmlOf(tarim)).not.toContain("onerror");

		const deliveries = await admin.call("GET", `/api/admin/summaries/deliveries?month=${MONTH}`);
		expect(deliveries.status).toBe(200);
		expect(deliveries.body.deliveries.map((d: { status: string; email: string; stuck: boolean }) => `${d.email}:${d.status}:${d.stuck}`).sort()).toEqual([
			`${DIV_LEADER}:sent:false`,
			`${TARIM_LEADER}:sent:false`,
		]);
		expect(deliveries.body.deliveries[0]).not.toHaveProperty("claimToken");
	}, 120_000);

	it("an admin run for the same month sends nothing more; an explicit resend sends one more copy and is audited", async () => {
		const run = await admin.call("POST", "/api/admin/summaries/run", { body: { month: MONTH } });
		expect(run.status).toBe(200);
		expect(run.body).toMatchObject({ sent: 0, skipped: 2, failed: 0 });
		expect((await leaderDiv.call("POST", "/api/admin/summaries/run", { body: { month: MONTH } })).status).toBe(403);
		expect((await admin.call("POST", "/api/admin/summaries/run", { body: { month: "2025-13" } })).body.error.fields).toHaveProperty("month");

		const resend = await admin.call("POST", "/api/admin/summaries/run", { body: { month: MONTH, resend: { recipientId: ids.tarim, reason: "领导未收到" } } });
		expect(resend.status).toBe(200);
		expect(resend.body.outcome).toBe("sent");
		const all = await mails();
		expect(all.filter((m) => m.to.includes(TARIM_LEADER))).toHaveLength(2);
		expect(all.filter((m) => m.to.includes(DIV_LEADER))).toHaveLength(1);
		const record = (await admin.call("GET", `/api/admin/summaries/deliveries?month=${MONTH}`)).body.deliveries.find((d: { recipientId: string }) => d.recipientId === ids.tarim);
		expect(record).toMatchObject({ status: "sent", resends: 1, lastResendBy: "admin", lastResendReason: "领导未收到" });
	}, 120_000);

	it("surfaces a run where every send fails: result, EMF metric line and audit event; the job handler's rule throws", async () => {
		const lines: string[] = [];
		const failing = createSummaryService(h.app, {
			logger: silent,
			metricSink: (l) => lines.push(l),
			sleep: async () => {},
			transport: async () => ({
				send: async () => {
					throw new MailSendError("SMTP send failed: 550 mailbox unavailable", true);
				},
			}),
		});
		const r = await failing.runMonthly({ month: "2025-05", now: new Date("2025-06-05T00:00:00Z") });
		expect(r).toMatchObject({ sent: 0, failed: 2 });
		expect((await import("../../functions/handlers/summary-job")).isTotalFailure(r)).toBe(true);
		expect(lines).toHaveLength(1);
		const emf = JSON.parse(lines[0] as string);
		expect(emf._aws.CloudWatchMetrics[0]).toEqual({ Namespace: "HealthPlan", Dimensions: [["service"]], Metrics: [{ Name: "SummaryDeliveryFailed", Unit: "Count" }] });
		expect(emf.SummaryDeliveryFailed).toBe(2);
		expect(emf.service).toBeTruthy();
		const audit = await h.app.doc.send(new QueryCommand({ TableName: h.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.auditPk("2025-06") } }));
		expect((audit.Items ?? []).filter((i) => i.action === "summary.delivery-failed" && i.target === "2025-05")).toHaveLength(1);
		const records = (await admin.call("GET", "/api/admin/summaries/deliveries?month=2025-05")).body.deliveries;
		expect(records.map((d: { status: string }) => d.status)).toEqual(["failed", "failed"]);
	}, 120_000);
});

describe("the archive", () => {
	it("lists and serves summaries to the roles and scopes allowed, and 403 outside them", async () => {
		const divList = await leaderDiv.call("GET", "/api/summaries");
		expect(divList.status).toBe(200);
		// The division and every 垦区 in zh-CN whoever is subscribed; the English copy because a recipient reads it.
		expect(divList.body.items.filter((e: { month: string }) => e.month === MONTH).map((e: { scope: string; locales: string[] }) => `${e.scope}:${e.locales.join(",")}`).sort()).toEqual([
			"div:zh-CN",
			"korla:zh-CN",
			"qieruo:zh-CN",
			"tarim:en,zh-CN",
			"yanqi:zh-CN",
		]);
		const tarimList = await leaderTarim.call("GET", "/api/summaries?orgUnit=tarim");
		expect(tarimList.status).toBe(200);
		expect(new Set(tarimList.body.items.map((e: { scope: string }) => e.scope))).toEqual(new Set(["tarim"]));
		expect((await leaderTarim.call("GET", "/api/summaries?orgUnit=div")).status).toBe(403);
		expect((await reporter.call("GET", "/api/summaries?orgUnit=t33")).status).toBe(403);

		const read = await leaderTarim.call("GET", `/api/summaries/${MONTH}/tarim?locale=en`);
		expect(read.status).toBe(200);
		expect(read.body).toMatchObject({ month: MONTH, scope: "tarim", locale: "en" });
		expect(read.body.model.scope.orgId).toBe("tarim");
		expect(read.body.html).toMatch(/^<!DOCTYPE html>/);
		expect(read.body.html).not.toMatch(/<script/i);
		expect(read.body.html).toContain("data:image/png;base64,");

		const divRead = await admin.call("GET", `/api/summaries/${MONTH}/div`);
		expect(divRead.status).toBe(200);
		expect(divRead.body.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
		expect(divRead.body.html).not.toContain("<img src=x");

		expect((await leaderTarim.call("GET", `/api/summaries/${MONTH}/div`)).status).toBe(403);
		expect((await approverKorla.call("GET", `/api/summaries/${MONTH}/tarim`)).status).toBe(403);
		expect((await leaderDiv.call("GET", `/api/summaries/2024-01/div`)).status).toBe(404);
		expect((await leaderDiv.call("GET", `/api/summaries/2025-6/div`)).status).toBe(400);
	});
});

describe("completeness reminders", () => {
	const directory = (users: Awaited<ReturnType<UserDirectory["list"]>>) => () => ({ kind: "platform", list: async () => users }) as unknown as UserDirectory;

	it("emails the unit's enabled reporters that have an address, in Chinese, and audits it", async () => {
		const before = (await mails()).length;
		const reminders = createReminderService(h.app, {
			directory: directory([
				{ username: "reporter-t31", name: "张三", email: "zhang@t31.example.cn", roles: ["reporter"], orgScope: "t31", disabled: false },
				{ username: "reporter-t31-old", name: "离职", email: "gone@t31.example.cn", roles: ["reporter"], orgScope: "t31", disabled: true },
				{ username: "approver-tarim", name: "审核", email: "approver@example.cn", roles: ["approver"], orgScope: "t31", disabled: false },
				{ username: "reporter-t34", name: "李四", email: "li@t34.example.cn", roles: ["reporter"], orgScope: "t34", disabled: false },
			]),
		});
		const r = await reminders.remind({ unitId: "t31", period: MONTH, actor: "approver-tarim" });
		expect(r.sentTo).toEqual(["reporter-t31"]);
		const sent = (await mails()).slice(before);
		expect(sent).toHaveLength(1);
		expect(sent[0]?.to).toEqual(["zhang@t31.example.cn"]);
		expect(sent[0]?.parsed.subject).toBe("【健康规划监测】请尽快上报2025年6月数据（31团医院）");
		expect(sent[0]?.parsed.text).toContain("尚未上报");
		const audit = await h.app.doc.send(new QueryCommand({ TableName: h.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.auditPk(new Date().toISOString().slice(0, 7)) } }));
		expect((audit.Items ?? []).some((i) => i.action === "completeness.remind" && i.target === `t31/${MONTH}`)).toBe(true);
	});

	it("answers 409 with a clear message when no reporter has an address, or the unit has already reported", async () => {
		const reminders = createReminderService(h.app, {
			directory: directory([{ username: "reporter-t31", name: "张三", roles: ["reporter"], orgScope: "t31", disabled: false }]),
		});
		await expect(reminders.remind({ unitId: "t31", period: MONTH, actor: "admin" })).rejects.toMatchObject({ kind: "conflict", message: expect.stringContaining("未登记邮箱") });
		await expect(reminders.remind({ unitId: "t33", period: MONTH, actor: "admin" })).rejects.toMatchObject({ kind: "conflict", message: expect.stringContaining("已上报") });
		await expect(reminders.remind({ unitId: "tarim", period: MONTH, actor: "admin" })).rejects.toMatchObject({ kind: "not-found" });
	});
});
