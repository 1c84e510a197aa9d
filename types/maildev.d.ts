// maildev 3 ships no typings; the small part the platform uses.
declare module "maildev" {
	interface MailDevOptions {
		smtp?: number;
		web?: number;
		ip?: string;
		disableWeb?: boolean;
		silent?: boolean;
		incomingUser?: string;
		incomingPass?: string;
	}
	interface Mail {
		id: string;
		subject: string;
		to: { address: string; name: string }[];
		html?: string;
		text?: string;
		attachments?: { contentType: string; fileName: string; contentId?: string; length?: number }[];
	}
	export default class MailDev {
		constructor(opts: MailDevOptions);
		listen(cb?: (err?: Error) => void): void;
		close(cb?: (err?: Error) => void): void;
		on(event: "error", cb: (err: Error) => void): void;
		on(event: "new", cb: (mail: Mail) => void): void;
		getAllEmail(cb: (err: Error | null, mails: Mail[]) => void): void;
		getRawEmail(id: string, cb: (err: Error | null, stream: NodeJS.ReadableStream) => void): void;
		deleteAllEmail(cb?: (err?: Error) => void): void;
	}
}
