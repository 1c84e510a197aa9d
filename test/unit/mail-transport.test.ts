import type { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { buildRawMessage, createSesTransport } from "../../functions/commons/mail/ses";
import { resolveSmtpSettings } from "../../functions/commons/mail/smtp";
import { MailSendError, type MailMessage } from "../../functions/commons/mail/transport";

const message: MailMessage = {
	from: "健康规划监测平台 <noreply@monitor.example.cn>",
	to: "wang@example.cn",
	subject: "【健康规划月报】2025年6月",
	html: '<p>图：<img src="cid:status.2025-06@summary"></p>',
	text: "纯文本",
	attachments: [
		{ filename: "status.png", content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), contentType: "image/png", cid: "status.2025-06@summary" },
		{ filename: "健康规划月度摘要-2025-06.xlsx", content: new Uint8Array([0x50, 0x4b, 3, 4]), contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	],
};

describe("SES transport", () => {
	it("builds raw MIME with the text alternative, the CID image and the attachment", async () => {
		const parsed = await simpleParser(await buildRawMessage(message), { skipImageLinks: true });

		expect(parsed.subject).toBe("【健康规划月报】2025年6月");
		expect(parsed.text?.trim()).toBe("纯文本");
		expect(parsed.html).toContain('src="cid:status.2025-06@summary"');
		const png = parsed.attachments.find((a) => a.contentType === "image/png");
		expect(png?.cid).toBe("status.2025-06@summary");
		expect(png?.related).toBe(true);
		expect(parsed.attachments.find((a) => a.filename === "健康规划月度摘要-2025-06.xlsx")?.content.length).toBe(4);
	});

	it("sends the raw message with SendEmail and returns SES's MessageId", async () => {
		const commands: SendEmailCommand[] = [];
		const transport = createSesTransport(
			{
				async send(command) {
					commands.push(command);
					return { MessageId: "0102018f-ses", $metadata: {} };
				},
			},
			{ configurationSetName: "summary" },
		);

		const out = await transport.send(message);

		expect(out.messageId).toBe("0102018f-ses");
		const input = commands[0]?.input;
		expect(input?.ConfigurationSetName).toBe("summary");
		const raw = Buffer.from(input?.Content?.Raw?.Data ?? new Uint8Array()).toString("utf8");
		expect(raw).toMatch(/Content-Type: multipart\/(mixed|related)/);
		expect(raw).toContain("Content-ID: <status.2025-06@summary>");
	});

	it("marks rejections as permanent and throttling as retryable", async () => {
		const failing = (name: string) =>
			createSesTransport({
				async send() {
					throw Object.assign(new Error(name), { name });
				},
			});

		const rejected = await failing("MessageRejected").send(message).catch((e: unknown) => e);
		const throttled = await failing("TooManyRequestsException").send(message).catch((e: unknown) => e);

		expect(rejected).toBeInstanceOf(MailSendError);
		expect((rejected as MailSendError).permanent).toBe(true);
		expect((throttled as MailSendError).permanent).toBe(false);
	});
});

describe("SMTP settings", () => {
	it("reads SMTP_* from the environment", async () => {
		expect(await resolveSmtpSettings({ SMTP_HOST: "smtp.exmail.qq.com", SMTP_PORT: "465", SMTP_SECURE: "true", SMTP_USER: "u", SMTP_PASS: "p" })).toEqual({
			host: "smtp.exmail.qq.com",
			port: 465,
			secure: true,
			user: "u",
			pass: "p",
		});
		expect(await resolveSmtpSettings({ SMTP_HOST: "mail" })).toEqual({ host: "mail", port: 587, secure: false });
	});

	it("prefers the Secrets Manager secret when SMTP_SECRET_ARN is set, through the injected fetcher", async () => {
		const asked: string[] = [];
		const fetchSecret = async (arn: string) => {
			asked.push(arn);
			return JSON.stringify({ host: "smtpdm.aliyun.com", port: 465, secure: true, user: "noreply@x.cn", pass: "s3cret" });
		};

		const settings = await resolveSmtpSettings({ SMTP_SECRET_ARN: "arn:aws-cn:secretsmanager:cn-northwest-1:1:secret:smtp", SMTP_HOST: "ignored" }, fetchSecret);

		expect(asked).toEqual(["arn:aws-cn:secretsmanager:cn-northwest-1:1:secret:smtp"]);
		expect(settings).toEqual({ host: "smtpdm.aliyun.com", port: 465, secure: true, user: "noreply@x.cn", pass: "s3cret" });
	});

	it("fails fast on missing or malformed settings", async () => {
		await expect(resolveSmtpSettings({})).rejects.toThrow(/SMTP_HOST/);
		await expect(resolveSmtpSettings({ SMTP_HOST: "h", SMTP_PORT: "99999" })).rejects.toThrow(/port/);
		await expect(resolveSmtpSettings({ SMTP_SECRET_ARN: "arn" })).rejects.toThrow(/fetcher/);
		await expect(resolveSmtpSettings({ SMTP_SECRET_ARN: "arn" }, async () => "not json")).rejects.toThrow(/not valid JSON/);
		await expect(resolveSmtpSettings({ SMTP_SECRET_ARN: "arn" }, async () => "{}")).rejects.toThrow(/no host/);
	});
});
