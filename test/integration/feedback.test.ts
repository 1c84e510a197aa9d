// The unit feedback card (issue 17 item 4) end to end: submissions through the real submission service, users in the
// platform's user store, the summary-job Lambda handler (the summary, then the cards), DynamoDB Local and a real
// SMTP server (MailDev on a free port). Asserts scope (a card goes only to its own unit's reporters), honest figures
// (the 垦区 and division beside the unit are marked 数据不完整 while their coverage is short), exactly once across two
// runs, the admin switch, the user's opt-out and locale.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MailDev } from "maildev";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../functions/auth/seed-users";
import { UserStore } from "../../functions/auth/user-store";
import { createApp } from "../../functions/commons/app";
import { createSmtpTransport } from "../../functions/commons/mail/smtp";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import type { Principal, ValueMap } from "../../functions/core/types";
import type { DeliveryLogger } from "../../functions/summary/deliver";
import { createFeedbackService, type FeedbackRunResult } from "../../functions/summary/feedback";
import { formatNumber } from "../../functions/summary/model";
import { DEFAULT_NOTICE_SETTINGS, createNoticeSettingsStore } from "../../functions/summary/notice-settings";
import { type Harness, startHarness } from "../support/harness";

const MONTH = "2025-06";
const silent: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };

const freePort = (): Promise<number> =>
	new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const a = srv.address();
			srv.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
		});
	});

const demo = generateDemoSubmissions({ from: "2024-06", to: MONTH });
const values = (unitId: string, period: string): ValueMap => {
	const s = demo.find((d) => d.unitId === unitId && d.period === period);
	if (!s) throw new Error(`no demo values for ${unitId} ${period}`);
	return { ...s.values, GPS: 3 };
};
const principal = (sub: string, roles: Principal["roles"], orgScope: string): Principal => ({ sub, roles, orgScope });

let h: Harness;
let maildev: MailDev;
let mailDir: string;
let smtpPort: number;
let mails: () => Promise<{ to: string[]; parsed: ParsedMail }[]>;
let jobHandler: (event: unknown) => Promise<{ sent: number; failed: number; feedback?: FeedbackRunResult }>;

const submit = async (unitId: string, period: string, at: string, from = period) => {
	const app = createApp(h.app.doc, h.table, { now: () => new Date(at) });
	await createSubmissionService(app).put({ principal: principal(`reporter-${unitId}`, ["reporter"], unitId), unitId, period, body: { values: values(unitId, from), action: "submit", comment: "" } });
	return app;
};

const USERS = [
	{ username: "reporter-t31", name: "张三", email: "t31@example.cn", roles: ["reporter" as const], orgScope: "t31" },
	{ username: "reporter-t33", name: "李四", email: "t33@example.cn", roles: ["reporter" as const], orgScope: "t33" },
	{ username: "reporter-t33-en", name: "Li", email: "t33-en@example.cn", roles: ["reporter" as const], orgScope: "t33" },
	// Opted out of the card.
	{ username: "reporter-t34", name: "王五", email: "t34@example.cn", roles: ["reporter" as const], orgScope: "t34" },
	// Disabled: never mailed.
	{ username: "reporter-t34-old", name: "离职", email: "gone@example.cn", roles: ["reporter" as const], orgScope: "t34", disabled: true },
	// Not a reporter of a unit: the card is not theirs.
	{ username: "approver-tarim", name: "塔里木审核", email: "approver-tarim@example.cn", roles: ["approver" as const], orgScope: "tarim" },
];

const serviceWith = () =>
	createFeedbackService(h.app, { transport: async () => createSmtpTransport({ host: "127.0.0.1", port: smtpPort, secure: false }), logger: silent, sleep: async () => {}, metricSink: () => {} });
const settings = () => createNoticeSettingsStore({ client: h.app.doc, tableName: h.table });

beforeAll(async () => {
	smtpPort = await freePort();
	mailDir = mkdtempSync(join(tmpdir(), "feedback-"));
	maildev = new MailDev({ smtp: smtpPort, ip: "127.0.0.1", disableWeb: true, mailDirectory: mailDir, silent: true });
	const servers = await maildev.start();
	mails = async () =>
		Promise.all(
			(await servers.storage.getAll()).map(async (e) => ({
				to: e.envelope?.to?.map((a: { address: string }) => a.address) ?? [],
				parsed: await simpleParser(readFileSync(e.source)),
			})),
		);
	h = await startHarness();
	Object.assign(process.env, { MAIL_TRANSPORT: "smtp", SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtpPort), SMTP_SECURE: "false", MAIL_FROM: "健康规划监测平台 <noreply@hpm.test>", SITE_URL: "https://hpm.example.cn" });
	jobHandler = (await import("../../functions/handlers/summary-job")).handler as typeof jobHandler;
	const store = new UserStore(h.app.doc, h.table);
	for (const u of USERS) await store.create({ ...u, password: DEMO_PASSWORD });
	await settings().setPrefs("reporter-t34", { reminders: true, feedback: false });
	await settings().setPrefs("reporter-t33-en", { reminders: true, feedback: true, locale: "en" });
	// 33团医院: May and June on time. 31团医院: May only. 34团医院: June, late.
	await submit("t33", "2025-05", "2025-06-03T02:00:00Z");
	await submit("t33", MONTH, "2025-07-03T02:00:00Z");
	await submit("t31", "2025-05", "2025-06-04T02:00:00Z");
	// (The demo's June form for 34团 is a draft; May's figures stand in.)
	await submit("t34", MONTH, "2025-07-15T02:00:00Z", "2025-05");
}, 180_000);

afterAll(async () => {
	await h?.stop();
	await maildev?.stop();
	if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

describe("unit feedback cards", () => {
	it("sends nothing while an admin has turned the card off", async () => {
		await settings().put({ ...DEFAULT_NOTICE_SETTINGS, feedback: { enabled: false } }, "admin");

		const r = await serviceWith().run({ month: MONTH });

		expect(r).toMatchObject({ month: MONTH, enabled: false, sent: [], compiled: 0 });
		expect(await mails()).toHaveLength(0);
		await settings().put(DEFAULT_NOTICE_SETTINGS, "admin");
	});

	it("after the month's summary, one card to each reader of each unit, with that unit's own figures, exactly once across two runs", async () => {
		const first = await jobHandler({ source: "schedule", month: MONTH });
		const second = await jobHandler({ source: "schedule", month: MONTH });

		expect(first.feedback?.sent.map((s) => s.id).sort()).toEqual(["feedback.t31.reporter-t31", "feedback.t33.reporter-t33", "feedback.t33.reporter-t33-en"]);
		expect(first.feedback?.failed).toEqual([]);
		// Units expected to report with no reader at all (here all but t31, t33, t34) are reported, not mailed.
		expect(first.feedback?.unreachable).toEqual(expect.arrayContaining(["t36", "chc-1"]));
		expect(first.feedback?.unreachable).not.toContain("t34");
		expect(second.feedback?.sent).toEqual([]);
		expect(second.feedback?.skipped).toBe(3);
		expect(second.feedback?.compiled).toBe(0);

		const all = await mails();
		expect(all).toHaveLength(3);
		// One reader per mail; the opted-out, the disabled and the approver get nothing.
		for (const m of all) expect(m.to).toHaveLength(1);
		const to = all.map((m) => m.to[0]).sort();
		expect(to).toEqual(["t31@example.cn", "t33-en@example.cn", "t33@example.cn"]);

		const byAddress = (a: string) => all.find((m) => m.to[0] === a)?.parsed as ParsedMail;
		const t33 = byAddress("t33@example.cn");
		const t31 = byAddress("t31@example.cn");
		expect(t33.subject).toBe("【健康规划监测】33团医院2025年6月数据反馈");
		expect(t31.subject).toBe("【健康规划监测】31团医院2025年6月数据反馈");
		expect(t33.text).not.toContain("31团医院");
		expect(t31.text).not.toContain("33团医院");
		expect(typeof t33.html === "string" ? t33.html : "").toContain('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">');
		expect(t33.text).toContain("https://hpm.example.cn/entry?unit=t33&period=2025-07");
		expect(t31.text).toContain("https://hpm.example.cn/entry?unit=t31&period=2025-06");
		expect(t33.text).toContain("org=t33");
		expect(t33.text).toContain("通知设置：https://hpm.example.cn/notices");

		// The unit's own figures: what its own dashboard shows for the month (the analytics service), not the 垦区's.
		const own = await createAnalyticsService(h.app).progress({ period: MONTH, orgUnit: "t33" });
		const reported = own.rows.filter((r) => r.value !== null && r.coverage.reported > 0);
		expect(reported.length).toBeGreaterThan(0);
		for (const r of reported.slice(0, 3)) expect(t33.text).toContain(`${r.name.zh}：本单位 ${formatNumber(r.value, r.decimals)}`);
		expect(t33.text).toContain("本月报表：已上报，待审核（提交于2025-07-03 10:00，北京时间，按时）");
		expect(t31.text).toContain("本单位 未报");
		expect(t31.text).toContain("本月报表：尚未上报");

		// Honest figures: 3 of the division's units in, so the 垦区 and the division are provisional, named as such,
		// and never compared with last month.
		const lines = (t33.text ?? "").split("\n").filter((l) => l.startsWith("- ") && l.includes("：本单位"));
		expect(lines.length).toBeGreaterThan(0);
		for (const l of lines) {
			expect(l).toMatch(/全师市 [^；]*(数据不完整|—)/);
			expect(l).not.toMatch(/(塔里木垦区|全师市) [^；]*较上月/);
		}
		expect(t33.text).toMatch(/塔里木垦区本月数据覆盖率\d+\.\d%，低于完整性阈值90%/);
		expect(t33.text).toMatch(/近12个月共上报2次，其中按时2次/);

		const en = byAddress("t33-en@example.cn");
		expect(en.subject).toBe("Health plan monitoring: 33rd Regiment Hospital feedback, June 2025");
		expect(en.text).toContain("Provisional (incomplete)");
	}, 180_000);

	it("a reporter sets the card's language for themselves; a bad one is a field-level 400 and changes nothing", async () => {
		const reporter = await h.as({ sub: "reporter-t31", roles: ["reporter"], orgScope: "t31" });

		const bad = await reporter.call("PUT", "/api/me/notices", { body: { reminders: true, feedback: true, locale: "fr" } });
		const ok = await reporter.call("PUT", "/api/me/notices", { body: { reminders: true, feedback: true, locale: "en" } });

		expect(bad.status).toBe(400);
		expect(Object.keys(bad.body.error.fields ?? {})).toContain("locale");
		expect(ok.status).toBe(200);
		expect((await reporter.call("GET", "/api/me/notices")).body).toEqual({ reminders: true, feedback: true, locale: "en" });
		expect(await settings().prefs("reporter-t33")).toEqual({ reminders: true, feedback: true });
	});

	it("the job can send the cards alone (task feedback), and still sends none twice", async () => {
		const r = (await jobHandler({ source: "schedule", task: "feedback", month: MONTH })) as unknown as FeedbackRunResult;

		expect(r).toMatchObject({ month: MONTH, enabled: true, sent: [], skipped: 3 });
		expect(await mails()).toHaveLength(3);
	}, 60_000);
});
