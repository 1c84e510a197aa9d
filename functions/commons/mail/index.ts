// createTransport: the mail transport for this deployment, chosen by MAIL_TRANSPORT (config.mailTransport).
// ses in the global partition; smtp in AWS China (no SES) and locally. Both transports are imported lazily:
// a function that may send mail (summaries, which also lists the archive and edits recipients) evaluates
// nodemailer or the SES client only when a message is actually sent, not at cold start.
import { config } from "../config";
import type { SecretFetcher } from "./smtp";
import type { MailTransport } from "./transport";

export type { MailAttachment, MailMessage, MailTransport } from "./transport";
export { MailSendError } from "./transport";

export interface TransportDeps {
	/** Defaults to Secrets Manager GetSecretValue in config.region. */
	fetchSecret?: SecretFetcher;
	/** SMTP_* settings; defaults to config.smtp. */
	env?: Record<string, string | undefined>;
}

const secretsManagerFetcher: SecretFetcher = async (arn) => {
	const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
	const out = await new SecretsManagerClient({ region: config.region }).send(new GetSecretValueCommand({ SecretId: arn }));
	if (!out.SecretString) throw new Error(`Secret ${arn} has no string value`);
	return out.SecretString;
};

export async function createTransport(deps: TransportDeps = {}): Promise<MailTransport> {
	if (config.mailTransport === "ses") {
		const [{ SESv2Client }, { createSesTransport }] = await Promise.all([import("@aws-sdk/client-sesv2"), import("./ses")]);
		return createSesTransport(new SESv2Client({ region: config.region }), {
			...(config.sesConfigurationSet ? { configurationSetName: config.sesConfigurationSet } : {}),
		});
	}
	const { createSmtpTransport, resolveSmtpSettings } = await import("./smtp");
	const settings = await resolveSmtpSettings(deps.env ?? config.smtp, deps.fetchSecret ?? secretsManagerFetcher);
	return createSmtpTransport(settings);
}
