// The push channel as the summary service uses it: the month's pushes (exactly once, deliver.ts), the delivery
// records for the admin listing, and the robot's secret kept in step with the recipient when an admin saves one.
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Recipient, SummaryPlanEntry } from "../../core/api-types";
import type { Locale } from "../../core/types";
import { config } from "../../commons/config";
import { AppError } from "../../commons/errors";
import type { DeliveryLogger, DeliveryRecord, DeliveryStore, ResendAudit } from "../deliver";
import { createDynamoDeliveryStore } from "../delivery-store";
import type { SummaryModel } from "../model";
import type { RecipientFields, RecipientInput } from "../recipient-store";
import { archiveUrlFor, buildDigest } from "./digest";
import { deliverPushes, type PushFailed, type PushReport, type PushSent, sendClaimed } from "./deliver";
import { createKmsWebhookSecretStore, createSecretsManagerWebhookSecretStore, createTableWebhookSecretStore, type WebhookSecretStore } from "./secret-store";
import { postDigest, type PostJson, webhookSummary } from "./webhook";

export interface PushChannelDeps {
	client: DynamoDBDocumentClient;
	tableName: string;
	/** Defaults: PUSH# records in the table; robots sealed with PUSH_KMS_KEY_ID in the table (Secrets Manager for those saved before), else plain in the local table. */
	deliveries?: DeliveryStore;
	secrets?: WebhookSecretStore;
	/** Injected in tests: the HTTP POST and the wait between retries. */
	post?: PostJson;
	sleep?: (ms: number) => Promise<void>;
	logger: DeliveryLogger;
}

export const createPushChannel = (deps: PushChannelDeps) => {
	const deliveries = deps.deliveries ?? createDynamoDeliveryStore({ client: deps.client, tableName: deps.tableName, partition: "PUSH" });
	const legacy = config.push.secretPrefix ? createSecretsManagerWebhookSecretStore({ prefix: config.push.secretPrefix, region: config.region }) : undefined;
	const secrets =
		deps.secrets ??
		(config.push.kmsKeyId
			? createKmsWebhookSecretStore({ client: deps.client, tableName: deps.tableName, keyId: config.push.kmsKeyId, region: config.region, ...(legacy ? { legacy } : {}) })
			: (legacy ?? createTableWebhookSecretStore({ client: deps.client, tableName: deps.tableName })));

	/** Pushes the month's digest to every active recipient with a robot and no push record yet. */
	const pushMonth = async (month: string, active: Recipient[], modelFor: (scope: string, locale: Locale) => Promise<SummaryModel>): Promise<PushReport> => {
		const withRobot = active.filter((r) => r.webhook);
		if (withRobot.length === 0) return { month, sent: [], skipped: [], failed: [] };
		const recorded = new Set((await deliveries.list(month)).map((d) => d.recipientId));
		return deliverPushes({
			month,
			recipients: withRobot.filter((r) => !recorded.has(r.id)),
			deliveries,
			targetOf: (id) => secrets.get(id),
			digestFor: async (r, kind) => buildDigest(await modelFor(r.scopeOrgId, r.locale), { kind, archiveUrl: archiveUrlFor(config.siteUrl, month, r.scopeOrgId) }),
			post: (target, digest) => postDigest(target, digest, deps.post ? { post: deps.post } : {}),
			logger: deps.logger,
			...(deps.sleep ? { sleep: deps.sleep } : {}),
		});
	};

	/**
	 * What pushMonth would do, for a dry run: each active recipient with a robot, pushed now or skipped (its record
	 * this month, with the record's status). Nothing is claimed or read from the secret store. A recipient whose
	 * title cannot be made (its scope does not compile) is a failure, as in a real run.
	 */
	const planMonth = async (month: string, active: Recipient[], titleFor: (r: Recipient) => Promise<string>): Promise<{ entries: SummaryPlanEntry[]; failures: PushFailed[] }> => {
		const withRobot = active.filter((r): r is Recipient & { webhook: NonNullable<Recipient["webhook"]> } => !!r.webhook);
		const entries: SummaryPlanEntry[] = [];
		const failures: PushFailed[] = [];
		if (withRobot.length === 0) return { entries, failures };
		const recorded = new Map((await deliveries.list(month)).map((d) => [d.recipientId, d]));
		for (const r of withRobot) {
			const base = { recipientId: r.id, name: r.name, channel: r.webhook.kind, to: r.webhook.hint, scope: r.scopeOrgId, locale: r.locale };
			const rec = recorded.get(r.id);
			if (rec) {
				entries.push({ ...base, action: "skip", status: rec.status });
				continue;
			}
			try {
				entries.push({ ...base, action: "send", subject: await titleFor(r) });
			} catch (err) {
				failures.push({ recipientId: r.id, kind: r.webhook.kind, error: `not pushed: ${err instanceof Error ? err.message : String(err)}`, attempts: 0, permanent: false });
			}
		}
		return { entries, failures };
	};

	/**
	 * Turns the payload's robot into what the recipient item stores, writing the URL and secret to the secret store
	 * first. Returns the fields for the store and whether the stored secret must be removed after the save.
	 */
	const prepare = async (input: RecipientInput, existing: Recipient | null): Promise<{ fields: RecipientFields; writeSecret?: (id: string) => Promise<void>; removeSecret: boolean }> => {
		const { webhook, ...rest } = input;
		let summary: Recipient["webhook"];
		let writeSecret: ((id: string) => Promise<void>) | undefined;
		let removeSecret = false;
		if (webhook === null) removeSecret = !!existing?.webhook;
		else if (webhook === undefined) summary = existing?.webhook;
		else if (webhook.url) {
			const target = { kind: webhook.kind, url: webhook.url, ...(webhook.kind === "dingtalk" && webhook.secret ? { secret: webhook.secret } : {}) };
			summary = webhookSummary(target);
			writeSecret = (recipientId) => secrets.put(recipientId, target);
		} else {
			// No URL: keep the stored robot; only the DingTalk secret may change with it.
			if (!existing?.webhook || existing.webhook.kind !== webhook.kind)
				throw new AppError("bad-request", "收件人信息有误 (invalid recipient)", { "webhook.url": "请填写群机器人地址 (the robot's webhook URL is required)" });
			summary = existing.webhook;
			if (webhook.secret) {
				writeSecret = async (recipientId) => {
					const stored = await secrets.get(recipientId);
					if (!stored) throw new AppError("bad-request", "收件人信息有误 (invalid recipient)", { "webhook.url": "请重新填写群机器人地址 (enter the robot's webhook URL again)" });
					await secrets.put(recipientId, { ...stored, secret: webhook.secret });
				};
				summary = { ...existing.webhook, signed: true };
			}
		}
		if (!rest.email && !summary)
			throw new AppError("bad-request", "收件人信息有误 (invalid recipient)", { email: "请填写邮箱或群机器人 (an email address or a group robot is required)" });
		return { fields: { ...rest, ...(summary ? { webhook: summary } : {}) }, ...(writeSecret ? { writeSecret } : {}), removeSecret };
	};

	/**
	 * Explicit, audited resend of one recipient's push, whatever its record says, except while another send holds a
	 * recent claim (the same rule as the email's resend).
	 */
	const resendPush = async (
		month: string,
		recipient: Recipient,
		model: SummaryModel,
		audit: ResendAudit,
		at: string,
		staleAfterMs: number,
	): Promise<{ outcome: "sent"; entry: PushSent } | { outcome: "failed"; entry: PushFailed } | { outcome: "busy"; record: DeliveryRecord }> => {
		const kind = recipient.webhook?.kind;
		const target = kind ? await secrets.get(recipient.id) : null;
		if (!kind || !target)
			throw new AppError("bad-request", "该收件人没有群机器人 (this recipient has no group robot)", { recipientId: "没有群机器人 (no group robot)" });
		const digest = buildDigest(model, { kind: target.kind, archiveUrl: archiveUrlFor(config.siteUrl, month, recipient.scopeOrgId) });
		const claim = await deliveries.claimForResend(month, recipient.id, at, audit, staleAfterMs);
		if (!claim.claimed) return { outcome: "busy", record: claim.existing };
		const r = await sendClaimed(month, recipient.id, kind, claim.record.claimToken, target, digest, {
			deliveries,
			post: (t, d) => postDigest(t, d, deps.post ? { post: deps.post } : {}),
			logger: deps.logger,
			...(deps.sleep ? { sleep: deps.sleep } : {}),
		});
		return r.ok ? { outcome: "sent", entry: r.entry } : { outcome: "failed", entry: r.entry };
	};

	return {
		deliveries,
		secrets,
		pushMonth,
		planMonth,
		resendPush,
		prepare,
	};
};

export type PushChannel = ReturnType<typeof createPushChannel>;
