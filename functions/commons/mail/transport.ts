// One interface for sending mail, so the summary job runs unchanged on SES (global AWS) and SMTP (AWS China, which has
// no SES, and local mode with a mail catcher).

export interface MailAttachment {
	filename: string;
	content: Buffer | Uint8Array;
	contentType: string;
	/** Inline image: the HTML refers to it as `cid:<cid>`. */
	cid?: string;
}

export interface MailMessage {
	from: string;
	to: string | string[];
	subject: string;
	html: string;
	text: string;
	attachments?: MailAttachment[];
	/** Message-ID to use (`<id@domain>`); the transport generates one when absent. */
	messageId?: string;
	headers?: Record<string, string>;
}

export interface MailTransport {
	/** Resolves once the server accepted the message; rejects with MailSendError. */
	send(message: MailMessage): Promise<{ messageId: string }>;
	/** Releases pooled connections (SMTP). */
	close?(): void;
}

/** A send that failed. permanent: retrying the same message cannot help (bad address, rejected content, auth). */
export class MailSendError extends Error {
	constructor(
		message: string,
		readonly permanent: boolean,
		override readonly cause?: unknown,
	) {
		super(message);
		this.name = "MailSendError";
	}
}

/** nodemailer's options for a message: Buffers for content, CID as nodemailer names it. */
export const toNodemailerMessage = (m: MailMessage) => ({
	from: m.from,
	to: m.to,
	subject: m.subject,
	html: m.html,
	text: m.text,
	...(m.messageId ? { messageId: m.messageId } : {}),
	...(m.headers ? { headers: m.headers } : {}),
	attachments: (m.attachments ?? []).map((a) => ({
		filename: a.filename,
		content: Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content),
		contentType: a.contentType,
		...(a.cid ? { cid: a.cid, contentDisposition: "inline" as const } : {}),
	})),
});
