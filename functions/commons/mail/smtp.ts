// SMTP transport (nodemailer). Used in AWS China (no SES there: e.g. Tencent Exmail / Aliyun DirectMail / an
// enterprise relay) and locally against a mail catcher. Settings come from the environment, or in AWS from a Secrets
// Manager secret whose fetcher is injected so tests never reach AWS.
import nodemailer from "nodemailer";
import { MailSendError, type MailMessage, type MailTransport, toNodemailerMessage } from "./transport";

export interface SmtpSettings {
	host: string;
	port: number;
	/** true: TLS from the first byte (465). false: plain, upgraded with STARTTLS when the server offers it (587, 25). */
	secure: boolean;
	user?: string;
	pass?: string;
}

/** Reads a secret's string value by ARN (Secrets Manager GetSecretValue in AWS; a stub in tests). */
export type SecretFetcher = (arn: string) => Promise<string>;

const parsePort = (v: unknown, secure: boolean): number => {
	const n = Number(v ?? (secure ? 465 : 587));
	if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`SMTP port must be 1–65535, not ${String(v)}`);
	return n;
};

const parseBool = (v: unknown): boolean => v === true || v === "true" || v === "1";

/**
 * SMTP_SECRET_ARN (JSON {host, port, secure, user, pass}) wins when set; otherwise SMTP_HOST, SMTP_PORT, SMTP_SECURE,
 * SMTP_USER, SMTP_PASS. Fails fast on a missing host, like the rest of config.
 */
export async function resolveSmtpSettings(env: NodeJS.ProcessEnv, fetchSecret?: SecretFetcher): Promise<SmtpSettings> {
	const arn = env.SMTP_SECRET_ARN?.trim();
	if (arn) {
		if (!fetchSecret) throw new Error("SMTP_SECRET_ARN is set but no secret fetcher was provided");
		let raw: Record<string, unknown>;
		try {
			raw = JSON.parse(await fetchSecret(arn)) as Record<string, unknown>;
		} catch (err) {
			throw new Error(`SMTP secret ${arn} is not valid JSON {host, port, secure, user, pass}`, { cause: err });
		}
		if (typeof raw.host !== "string" || raw.host === "") throw new Error(`SMTP secret ${arn} has no host`);
		const secure = parseBool(raw.secure);
		return {
			host: raw.host,
			port: parsePort(raw.port, secure),
			secure,
			...(typeof raw.user === "string" && raw.user ? { user: raw.user } : {}),
			...(typeof raw.pass === "string" && raw.pass ? { pass: raw.pass } : {}),
		};
	}
	const host = env.SMTP_HOST?.trim();
	if (!host) throw new Error("Missing required environment variable SMTP_HOST (or SMTP_SECRET_ARN)");
	const secure = parseBool(env.SMTP_SECURE);
	return {
		host,
		port: parsePort(env.SMTP_PORT, secure),
		secure,
		...(env.SMTP_USER ? { user: env.SMTP_USER } : {}),
		...(env.SMTP_PASS ? { pass: env.SMTP_PASS } : {}),
	};
}

/** SMTP reply codes 5xx and auth/envelope failures will fail again; network errors and 4xx may not. */
const isPermanent = (err: unknown): boolean => {
	const e = err as { responseCode?: number; code?: string };
	if (typeof e?.responseCode === "number") return e.responseCode >= 500 && e.responseCode < 600;
	return e?.code === "EAUTH" || e?.code === "EENVELOPE" || e?.code === "EMESSAGE";
};

export function createSmtpTransport(settings: SmtpSettings, options: { connectionTimeoutMs?: number } = {}): MailTransport {
	const transporter = nodemailer.createTransport({
		host: settings.host,
		port: settings.port,
		secure: settings.secure,
		...(settings.user ? { auth: { user: settings.user, pass: settings.pass ?? "" } } : {}),
		connectionTimeout: options.connectionTimeoutMs ?? 10_000,
		greetingTimeout: options.connectionTimeoutMs ?? 10_000,
		socketTimeout: 30_000,
	});
	return {
		async send(message: MailMessage) {
			try {
				const info = await transporter.sendMail(toNodemailerMessage(message));
				return { messageId: String(info.messageId) };
			} catch (err) {
				throw new MailSendError(`SMTP send failed: ${(err as Error)?.message ?? String(err)}`, isPermanent(err), err);
			}
		},
		close() {
			transporter.close();
		},
	};
}
