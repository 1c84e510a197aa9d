// The local mail catcher: maildev's SMTP server plus its web view, so summary emails can be read at
// http://localhost:1080 exactly as a leader would receive them.
import { MailDev } from "maildev";

export interface MailCatcher {
	smtpPort: number;
	webPort: number;
	stop(): Promise<void>;
}

export const startMailCatcher = async (opts: { smtpPort: number; webPort: number; web?: boolean }): Promise<MailCatcher> => {
	const maildev = new MailDev({ smtp: opts.smtpPort, web: opts.webPort, ip: "127.0.0.1", webIp: "127.0.0.1", disableWeb: opts.web === false, silent: true });
	await maildev.start();
	return { smtpPort: opts.smtpPort, webPort: opts.webPort, stop: () => maildev.stop() };
};
