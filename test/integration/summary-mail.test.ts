// End to end through a real SMTP server (MailDev, in process, on a free port): compile → charts → render → deliver
// twice for the same month; every recipient must hold exactly one complete email.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MailDev } from "maildev";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpTransport, resolveSmtpSettings } from "../../functions/commons/mail/smtp";
import type { MailTransport } from "../../functions/commons/mail/transport";
import type { SeriesPoint } from "../../functions/core/api-types";
import { renderSummaryCharts } from "../../functions/summary/charts";
import { compileSummary } from "../../functions/summary/compile";
import { createMemoryDeliveryStore, type DeliveryLogger, deliverSummaries } from "../../functions/summary/deliver";
import { renderEmail } from "../../functions/summary/render";
import { completeness, summaryInput } from "../unit/summary-fixtures";

const freePort = (): Promise<number> =>
	new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const address = srv.address();
			srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
		});
	});

const series = (from: number, step: number): SeriesPoint[] =>
	["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"].map((period, i) => ({
		period,
		value: from + i * step,
		expected: from + i * step * 2,
		numerator: null,
		denominator: null,
		coverage: { reported: 6, expected: 6 },
		provisional: false,
	}));

const silent: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };

let maildev: MailDev;
let mailDir: string;
let transport: MailTransport;
let readAll: () => Promise<{ to: string[]; parsed: ParsedMail }[]>;

beforeAll(async () => {
	const port = await freePort();
	mailDir = mkdtempSync(join(tmpdir(), "summary-mail-"));
	maildev = new MailDev({ smtp: port, ip: "127.0.0.1", disableWeb: true, mailDirectory: mailDir, silent: true });
	const servers = await maildev.start();
	readAll = async () => {
		const emails = await servers.storage.getAll();
		return Promise.all(
			emails.map(async (e) => ({
				to: e.envelope?.to?.map((a: { address: string }) => a.address) ?? [],
				// skipImageLinks: keep the cid: references as sent instead of inlining them as data: URIs.
				parsed: await simpleParser(readFileSync(e.source), { skipImageLinks: true }),
			})),
		);
	};
	// The same settings path the Lambda uses, from an env-shaped object.
	transport = createSmtpTransport(await resolveSmtpSettings({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(port), SMTP_SECURE: "false" }));
});

afterAll(async () => {
	transport?.close?.();
	await maildev?.stop();
	rmSync(mailDir, { recursive: true, force: true });
});

describe("monthly summary over SMTP", () => {
	it("delivers exactly one complete email per recipient when the job runs twice", async () => {
		const recipients = [
			{ id: "leader-1", email: "wang@monitor.example.cn", name: "王主任", locale: "zh-CN" as const },
			{ id: "leader-2", email: "li@monitor.example.cn", name: "李科长<script>alert(1)</script>", locale: "zh-CN" as const },
			{ id: "advisor", email: "advisor@monitor.example.cn", name: "Dr. Smith", locale: "en" as const },
		];
		const input = summaryInput({ completeness: completeness({ u4: "二十四团医院<img src=x onerror=alert(1)>" }) });
		const deliveries = createMemoryDeliveryStore();
		const buildEmail = async (r: (typeof recipients)[number]) => {
			const model = compileSummary({ ...input, locale: r.locale });
			const charts = await renderSummaryCharts(model, { GP_PER_10K: series(2.9, 0.03), MATERNAL_MORTALITY: series(11, 0.6) });
			const email = renderEmail(model, charts, { recipientName: r.name });
			return { from: "健康规划监测平台 <noreply@monitor.example.cn>", to: r.email, ...email };
		};
		const run = () => deliverSummaries({ month: "2025-06", recipients, buildEmail, transport, deliveries, logger: silent, sleep: async () => {} });

		const first = await run();
		const second = await run();
		const mails = await readAll();

		expect(first.failed).toEqual([]);
		expect(first.sent).toHaveLength(3);
		expect(second.sent).toEqual([]);
		expect(second.skipped.map((s) => s.reason)).toEqual(["already-sent", "already-sent", "already-sent"]);
		expect(mails).toHaveLength(3);
		for (const r of recipients) expect(mails.filter((m) => m.to.includes(r.email))).toHaveLength(1);

		for (const { parsed } of mails) {
			const html = typeof parsed.html === "string" ? parsed.html : "";
			expect(parsed.text?.length ?? 0).toBeGreaterThan(500);
			expect(html.length).toBeGreaterThan(5000);
			expect(/<script/i.test(html)).toBe(false);
			expect(/<img src=x/i.test(html)).toBe(false);

			const pngs = parsed.attachments.filter((a) => a.contentType === "image/png");
			expect(pngs.length).toBeGreaterThanOrEqual(1);
			const cids = [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
			expect(cids.length).toBe(pngs.length);
			for (const png of pngs) {
				expect(png.cid && cids.includes(png.cid)).toBe(true);
				expect(png.content.subarray(0, 4).toString("latin1")).toBe("\x89PNG");
			}

			const xlsx = parsed.attachments.filter((a) => a.filename?.endsWith(".xlsx"));
			expect(xlsx).toHaveLength(1);
			expect(xlsx[0]?.contentType).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
			expect(xlsx[0]?.content.subarray(0, 2).toString("latin1")).toBe("PK");
		}

		const wang = mails.find((m) => m.to.includes("wang@monitor.example.cn"))?.parsed;
		expect(wang?.subject).toBe("【健康规划月报】2025年6月 第二师铁门关市：3项约束性指标需关注，1项暂不能判断");
		expect(wang?.attachments.find((a) => a.filename?.endsWith(".xlsx"))?.filename).toBe("健康规划月度摘要-2025-06-div2.xlsx");
		expect(wang?.text).toContain("每万人口全科医生数");
		const li = mails.find((m) => m.to.includes("li@monitor.example.cn"))?.parsed;
		expect(String(li?.html)).toContain("李科长&lt;script&gt;");
		const advisor = mails.find((m) => m.to.includes("advisor@monitor.example.cn"))?.parsed;
		expect(advisor?.subject).toMatch(/^Health plan summary, June 2025/);
	});
});
