// SES (v2) transport for the global partition. The raw MIME is built by nodemailer's MailComposer, so CID images,
// the text alternative and attachments are exactly what the SMTP transport sends.
import { SendEmailCommand, type SendEmailCommandOutput } from "@aws-sdk/client-sesv2";
import MailComposer from "nodemailer/lib/mail-composer";
import { MailSendError, type MailMessage, type MailTransport, toNodemailerMessage } from "./transport";

/** The one method used from SESv2Client, so tests pass a stub. */
export interface SesSender {
	send(command: SendEmailCommand): Promise<SendEmailCommandOutput>;
}

/** SES errors that a retry of the same message cannot fix. */
const PERMANENT = new Set([
	"MessageRejected",
	"MailFromDomainNotVerifiedException",
	"AccountSuspendedException",
	"SendingPausedException",
	"BadRequestException",
	"NotFoundException",
]);

export function buildRawMessage(message: MailMessage): Promise<Buffer> {
	return new MailComposer(toNodemailerMessage(message)).compile().build();
}

export function createSesTransport(client: SesSender, options: { configurationSetName?: string } = {}): MailTransport {
	return {
		async send(message: MailMessage) {
			const raw = await buildRawMessage(message);
			try {
				const out = await client.send(
					new SendEmailCommand({
						Content: { Raw: { Data: raw } },
						...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
					}),
				);
				if (!out.MessageId) throw new Error("SES returned no MessageId");
				return { messageId: out.MessageId };
			} catch (err) {
				const name = (err as { name?: string })?.name ?? "";
				throw new MailSendError(`SES send failed: ${name} ${(err as Error)?.message ?? String(err)}`.trim(), PERMANENT.has(name), err);
			}
		},
	};
}
