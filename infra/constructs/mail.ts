// Outgoing mail (monthly summaries, completeness reminders). Global: an SES v2 identity, and a send
// permission scoped to exactly that identity. China (no SES there): SMTP through the commission's own
// mail server, with its settings in a Secrets Manager secret.
import { CfnOutput, RemovalPolicy, SecretValue } from "aws-cdk-lib";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as ses from "aws-cdk-lib/aws-ses";
import { Construct } from "constructs";
import { mailAddress, type StageConfig } from "../config";
import { acknowledge } from "../nag";
import type { ProjectFunction } from "./project-function";

/** The JSON shape of the SMTP secret (docs/deploy.md). */
export const SMTP_SECRET_PLACEHOLDER = { host: "smtp.example.cn", port: 465, secure: true, user: "CHANGE_ME", pass: "CHANGE_ME" };

export class Mail extends Construct {
	readonly identity?: ses.EmailIdentity;
	readonly smtpSecret?: secretsmanager.ISecret;
	private readonly cfg: StageConfig;

	constructor(scope: Construct, id: string, cfg: StageConfig) {
		super(scope, id);
		this.cfg = cfg;
		if (cfg.mailTransport === "ses") {
			const name = cfg.sesIdentity as string;
			this.identity = new ses.EmailIdentity(this, "Identity", {
				identity: name.includes("@") ? ses.Identity.email(name) : ses.Identity.domain(name),
			});
			if (!name.includes("@")) {
				// DKIM records to create at the domain's DNS (docs/deploy.md, "SES").
				for (const n of [1, 2, 3] as const) {
					const tokenName = this.identity[`dkimDnsTokenName${n}`];
					const tokenValue = this.identity[`dkimDnsTokenValue${n}`];
					new CfnOutput(this, `DkimRecord${n}`, { description: `SES DKIM CNAME ${n} for ${name}`, value: `${tokenName} CNAME ${tokenValue}` });
				}
			}
		} else if (cfg.smtpSecretName) {
			this.smtpSecret = secretsmanager.Secret.fromSecretNameV2(this, "SmtpSecret", cfg.smtpSecretName);
		} else {
			// A placeholder with the documented shape; put the real values in after the first deploy
			// (`aws secretsmanager put-secret-value`). CloudFormation leaves a value changed outside it alone.
			this.smtpSecret = new secretsmanager.Secret(this, "SmtpSecret", {
				description: "SMTP settings for summary mail: {host, port, secure, user, pass} (docs/deploy.md)",
				secretStringValue: SecretValue.unsafePlainText(JSON.stringify(SMTP_SECRET_PLACEHOLDER)),
				removalPolicy: cfg.stage === "prod" ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
			});
			acknowledge(
				this.smtpSecret,
				"AwsSolutions-SMG4",
				"The SMTP password is issued by the commission's mail provider and can only be changed there; it is rotated by hand (docs/deploy.md), so a rotation Lambda could not change it.",
			);
		}
	}

	/** Let a function send mail, and tell it how (MAIL_TRANSPORT, MAIL_FROM, SMTP_SECRET_ARN). */
	bind(fn: ProjectFunction): void {
		if (this.identity) fn.bindSesIdentity(this.identity.emailIdentityName, this.cfg.mailFrom, mailAddress(this.cfg.mailFrom));
		else if (this.smtpSecret) fn.bindSmtp(this.smtpSecret, this.cfg.mailFrom);
	}
}
