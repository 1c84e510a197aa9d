// Scheduled reminders through the real SMTP catcher (MailDev) and DynamoDB Local: before the deadline, overdue, and
// on return; each unit × period × kind exactly once however often the job runs; admin settings and user opt-out.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MailDev } from "maildev";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryUser, UserDirectory } from "../../functions/auth/user-directory";
import { createApp } from "../../functions/commons/app";
import { createSmtpTransport } from "../../functions/commons/mail/smtp";
import { createReminderService } from "../../functions/summary/reminders";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import type { Principal, ValueMap } from "../../functions/core/types";
import type { DeliveryLogger } from "../../functions/summary/deliver";
import { DEFAULT_NOTICE_SETTINGS } from "../../functions/summary/notice-settings";
import { type Harness, startHarness } from "../support/harness";

const PERIOD = "2025-06";
const silent: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };
// Deadline: 2025-07-10 23:59:59 Asia/Shanghai. Three days before it from 07-07 08:00; overdue from 07-11 08:00.
const BEFORE = new Date("2025-07-08T02:00:00Z");
const EARLY = new Date("2025-07-02T02:00:00Z");
const OVERDUE = new Date("2025-07-11T02:00:00Z");

const freePort = (): Promise<number> =>
	new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const a = srv.address();
			srv.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
		});
	});

// Plausible figures from the demo generator (a month the unit's demo form is complete for).
const demo = generateDemoSubmissions({ from: "2025-05", to: PERIOD });
const values = (unitId: string): ValueMap => {
	const s = demo.find((d) => d.unitId === unitId && d.status !== "draft" && Object.keys(d.values).length > 0);
	if (!s) throw new Error(`no demo values for ${unitId}`);
	return { ...s.values, GPS: 3 };
};
const principal = (sub: string, roles: Principal["roles"], orgScope: string): Principal => ({ sub, roles, orgScope });

const USERS: DirectoryUser[] = [
	{ username: "reporter-t31", name: "张三", email: "t31@example.cn", roles: ["reporter"], orgScope: "t31", disabled: false },
	{ username: "reporter-t33", name: "李四", email: "t33@example.cn", roles: ["reporter"], orgScope: "t33", disabled: false },
	{ username: "reporter-t34", name: "王五", email: "t34@example.cn", roles: ["reporter"], orgScope: "t34", disabled: false },
	{ username: "reporter-t34-old", name: "离职", email: "gone@example.cn", roles: ["reporter"], orgScope: "t34", disabled: true },
	{ username: "approver-tarim", name: "塔里木审核", email: "approver-tarim@example.cn", roles: ["approver"], orgScope: "tarim", disabled: false },
	{ username: "approver-korla", name: "库尔勒审核", email: "approver-korla@example.cn", roles: ["approver"], orgScope: "korla", disabled: false },
];
const directory = () => ({ kind: "platform", list: async () => USERS }) as unknown as UserDirectory;

let h: Harness;
let maildev: MailDev;
let mailDir: string;
let smtpPort: number;
let mails: () => Promise<{ to: string[]; parsed: ParsedMail }[]>;

const serviceAt = (now: Date) =>
	createReminderService(createApp(h.app.doc, h.table, { now: () => now }), {
		directory,
		transport: async () => createSmtpTransport({ host: "127.0.0.1", port: smtpPort, secure: false }),
		logger: silent,
		sleep: async () => {},
		metricSink: () => {},
	});

const submit = async (unitId: string, at: string) => {
	const app = createApp(h.app.doc, h.table, { now: () => new Date(at) });
	await createSubmissionService(app).put({ principal: principal(`reporter-${unitId}`, ["reporter"], unitId), unitId, period: PERIOD, body: { values: values(unitId), action: "submit", comment: "" } });
	return app;
};

beforeAll(async () => {
	smtpPort = await freePort();
	mailDir = mkdtempSync(join(tmpdir(), "reminders-"));
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
	// t33 has reported; t31 and t34 have not.
	await submit("t33", "2025-07-03T02:00:00Z");
}, 180_000);

afterAll(async () => {
	await h?.stop();
	await maildev?.stop();
	if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

describe("scheduled reminders", () => {
	it("sends nothing before the reminder window opens", async () => {
		const r = await serviceAt(EARLY).runScheduled();
		expect(r).toMatchObject({ period: PERIOD, window: null, sent: [] });
		expect(await mails()).toHaveLength(0);
	});

	it("before the deadline: one reminder per unit that has not submitted, however often the job runs; none to units that have, none to an opted-out reporter", async () => {
		const settings = serviceAt(BEFORE).settings;
		await settings.setPrefs("reporter-t34", { reminders: false, feedback: true });

		const first = await serviceAt(BEFORE).runScheduled();
		const second = await serviceAt(BEFORE).runScheduled();

		expect(first.window).toBe("before");
		expect(first.sent.map((s) => s.id).sort()).toEqual(["before.t31"]);
		expect(second.sent).toEqual([]);
		expect(second.skipped).toBe(1);
		const all = await mails();
		expect(all.map((m) => m.to.join(","))).toEqual(["t31@example.cn"]);
		const mail = all[0]?.parsed as ParsedMail;
		expect(mail.subject).toBe("【健康规划监测】2025年6月数据将于07月10日截止（31团医院）");
		expect(mail.text).toContain("尚未上报");
		expect(mail.text).toContain("2025-07-10 23:59");
		expect(mail.text).toContain("/entry?unit=t31&period=2025-06");
		expect(typeof mail.html === "string" ? mail.html : "").toContain('charset=utf-8');
		await settings.setPrefs("reporter-t34", { reminders: true, feedback: true });
	});

	it("after the deadline: one overdue notice each, to the reporters and their 垦区 approver, once", async () => {
		const before = (await mails()).length;

		const first = await serviceAt(OVERDUE).runScheduled();
		const second = await serviceAt(OVERDUE).runScheduled();

		expect(first.window).toBe("overdue");
		const ids = first.sent.map((s) => s.id);
		expect(ids).toEqual(expect.arrayContaining(["overdue.t31", "overdue.t34"]));
		expect(ids).not.toContain("overdue.t33");
		// Units with no reporter address still reach their 垦区 approver; units with neither are reported as unreachable.
		expect(first.unreachable.length).toBeGreaterThan(0);
		expect(second.sent).toEqual([]);
		const sent = (await mails()).slice(before);
		expect(sent).toHaveLength(ids.length);
		expect(sent.filter((m) => m.to.includes("t31@example.cn"))).toHaveLength(1);
		const t34 = sent.find((m) => m.to.includes("t34@example.cn"));
		expect(t34?.to.sort()).toEqual(["approver-tarim@example.cn", "t34@example.cn"]);
		expect(t34?.to).not.toContain("gone@example.cn");
		expect(t34?.parsed.subject).toBe("【健康规划监测】2025年6月数据已逾期未报（34团医院）");
	});

	it("on return: the approver's comment once, even to a reporter who opted out of reminders", async () => {
		const settings = serviceAt(OVERDUE).settings;
		await settings.setPrefs("reporter-t34", { reminders: false, feedback: false });
		const app = await submit("t34", "2025-07-11T03:00:00Z");
		await createSubmissionService(app).review(principal("approver-tarim", ["approver"], "tarim"), "t34", PERIOD, "return", { comment: "床位数与上月差异过大，请核实<script>" });
		const before = (await mails()).length;

		const first = await serviceAt(new Date("2025-07-11T04:00:00Z")).runScheduled();
		const second = await serviceAt(new Date("2025-07-11T05:00:00Z")).runScheduled();

		expect(first.sent.map((s) => s.id)).toEqual(["returned.t34.v2"]);
		expect(second.sent).toEqual([]);
		const sent = (await mails()).slice(before);
		expect(sent).toHaveLength(1);
		expect(sent[0]?.to).toEqual(["t34@example.cn"]);
		expect(sent[0]?.parsed.text).toContain("退回意见：床位数与上月差异过大，请核实<script>");
		expect(typeof sent[0]?.parsed.html === "string" ? sent[0].parsed.html : "").not.toContain("<script>");
	});

	it("an admin can turn a kind off", async () => {
		const svc = serviceAt(new Date("2025-08-07T02:00:00Z"));
		await svc.settings.put({ ...DEFAULT_NOTICE_SETTINGS, before: { enabled: false, daysBefore: 3 } }, "admin");
		const before = (await mails()).length;

		const r = await svc.runScheduled();

		expect(r).toMatchObject({ period: "2025-07", window: "before", sent: [] });
		expect((await mails()).length).toBe(before);
		await svc.settings.put(DEFAULT_NOTICE_SETTINGS, "admin");
	});
});

describe("notice settings over HTTP", () => {
	it("lets an admin change the settings (field-level 400 on bad days) and any user opt out of reminders for themselves only", async () => {
		const admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
		const reporter = await h.as({ sub: "reporter-t31", roles: ["reporter"], orgScope: "t31" });

		expect((await admin.call("GET", "/api/admin/notices/settings")).body).toEqual(DEFAULT_NOTICE_SETTINGS);
		const bad = await admin.call("PUT", "/api/admin/notices/settings", { body: { ...DEFAULT_NOTICE_SETTINGS, before: { enabled: true, daysBefore: 40 } } });
		expect(bad.status).toBe(400);
		expect(JSON.stringify(bad.body.error.fields)).toContain("before");
		const ok = await admin.call("PUT", "/api/admin/notices/settings", { body: { ...DEFAULT_NOTICE_SETTINGS, before: { enabled: true, daysBefore: 5 } } });
		expect(ok.status).toBe(200);
		expect((await admin.call("GET", "/api/admin/notices/settings")).body.before.daysBefore).toBe(5);
		expect((await reporter.call("PUT", "/api/admin/notices/settings", { body: DEFAULT_NOTICE_SETTINGS })).status).toBe(403);

		expect((await reporter.call("GET", "/api/me/notices")).body).toEqual({ reminders: true, feedback: true });
		expect((await reporter.call("PUT", "/api/me/notices", { body: { reminders: false, feedback: true, returned: false } })).status).toBe(400);
		expect((await reporter.call("PUT", "/api/me/notices", { body: { reminders: false, feedback: true } })).status).toBe(200);
		expect(await serviceAt(BEFORE).settings.prefs("reporter-t31")).toEqual({ reminders: false, feedback: true });
		expect(await serviceAt(BEFORE).settings.prefs("reporter-t33")).toEqual({ reminders: true, feedback: true });
		await admin.call("PUT", "/api/admin/notices/settings", { body: DEFAULT_NOTICE_SETTINGS });
	});
});
