// Exactly-once group-robot push: one message per month × recipient × robot, on the same conditional claim as the
// email (deliver.ts), in its own partition of delivery records (PUSH#<month>), so the email and the push of one
// recipient are each sent once and neither blocks the other.
//
// The digest and the robot are resolved before the claim: a compile that fails or a robot secret that cannot be read
// leaves no record, so the next run tries again. Once claimed, a send is retried with exponential backoff (the same
// backoffDelay as mail); after the budget the record is 'failed' and stays so until an explicit resend.
import type { RecipientWebhook } from "../../core/api-types";
import { backoffDelay, type BackoffOptions, type DeliveryLogger, type DeliveryStore } from "../deliver";
import type { PushDigest } from "./digest";
import { PushSendError, type WebhookTarget } from "./webhook";

export interface PushRecipient {
	id: string;
	webhook?: RecipientWebhook;
}

export interface PushSent {
	recipientId: string;
	kind: WebhookTarget["kind"];
	attempts: number;
	/** The message went out but recording it failed; the record stays 'sending', so no run pushes it again. */
	recordError?: string;
}

export interface PushFailed {
	recipientId: string;
	kind: WebhookTarget["kind"];
	error: string;
	attempts: number;
	permanent: boolean;
}

export interface PushReport {
	month: string;
	sent: PushSent[];
	/** Recipients with a record already: sent, failed (until a resend) or in flight. */
	skipped: { recipientId: string; status: string }[];
	failed: PushFailed[];
}

export interface DeliverPushesOptions<R extends PushRecipient> {
	month: string;
	recipients: R[];
	deliveries: DeliveryStore;
	/** The digest for a recipient (its scope and locale). */
	digestFor: (recipient: R, kind: WebhookTarget["kind"]) => Promise<PushDigest>;
	/** The robot's URL and secret (Secrets Manager or the local table). */
	targetOf: (recipientId: string) => Promise<WebhookTarget | null>;
	post: (target: WebhookTarget, digest: PushDigest) => Promise<void>;
	/** Attempts per recipient, the first included (default 4). */
	maxAttempts?: number;
	backoff?: BackoffOptions;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	now?: () => Date;
	logger: DeliveryLogger;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/** Pushes to every recipient with a robot and no push record this month. One at a time: robots are rate-limited (20 messages a minute). */
export async function deliverPushes<R extends PushRecipient>(options: DeliverPushesOptions<R>): Promise<PushReport> {
	const { month, deliveries, logger: log } = options;
	const now = options.now ?? (() => new Date());
	const report: PushReport = { month, sent: [], skipped: [], failed: [] };

	for (const recipient of options.recipients) {
		const kind = recipient.webhook?.kind;
		if (!kind) continue;
		const ctx = { month, recipientId: recipient.id, channel: kind };
		let target: WebhookTarget;
		let digest: PushDigest;
		try {
			const found = await options.targetOf(recipient.id);
			if (!found) throw new Error("the group robot's webhook is not stored (edit the recipient and enter it again)");
			target = found;
			digest = await options.digestFor(recipient, target.kind);
		} catch (err) {
			// Nothing claimed, nothing sent: the next run tries again.
			const error = `not pushed: ${errorText(err)}`;
			log.error("summary push could not be prepared", { ...ctx, error });
			report.failed.push({ recipientId: recipient.id, kind, error, attempts: 0, permanent: false });
			continue;
		}

		const claim = await deliveries.claim(month, recipient.id, now().toISOString()).catch((err: unknown) => err as Error);
		if (claim instanceof Error) {
			const error = `claim failed: ${errorText(claim)}`;
			log.error("summary push could not be claimed", { ...ctx, error });
			report.failed.push({ recipientId: recipient.id, kind, error, attempts: 0, permanent: false });
			continue;
		}
		if (!claim.claimed) {
			report.skipped.push({ recipientId: recipient.id, status: claim.existing.status });
			continue;
		}

		const outcome = await sendClaimed(month, recipient.id, kind, claim.record.claimToken, target, digest, options);
		if (outcome.ok) report.sent.push(outcome.entry);
		else report.failed.push(outcome.entry);
	}
	return report;
}

type SendDeps = Pick<DeliverPushesOptions<PushRecipient>, "deliveries" | "post" | "maxAttempts" | "backoff" | "sleep" | "random" | "now" | "logger">;

/** Sends under a claim already held, with retries and backoff, and records the outcome on the claim. */
export async function sendClaimed(
	month: string,
	recipientId: string,
	kind: WebhookTarget["kind"],
	token: string,
	target: WebhookTarget,
	digest: PushDigest,
	options: SendDeps,
): Promise<{ ok: true; entry: PushSent } | { ok: false; entry: PushFailed }> {
	const { deliveries, logger: log } = options;
	const now = options.now ?? (() => new Date());
	const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
	const maxAttempts = options.maxAttempts ?? 4;
	const ctx = { month, recipientId, channel: kind };
	let attempts = 0;
	let last: unknown;
	let ok = false;
	while (attempts < maxAttempts) {
		attempts += 1;
		try {
			await options.post(target, digest);
			ok = true;
			break;
		} catch (err) {
			last = err;
			const permanent = err instanceof PushSendError && err.permanent;
			log.warn("summary push attempt failed", { ...ctx, attempt: attempts, permanent, error: errorText(err) });
			if (permanent || attempts >= maxAttempts) break;
			await sleep(backoffDelay(attempts, options.backoff, options.random));
		}
	}
	if (ok) {
		let recordError: string | undefined;
		// The message is out: recording it must not give up at once, or the next run sees 'sending' and an operator must look.
		for (let i = 1; i <= 3; i++) {
			try {
				await deliveries.markSent(month, recipientId, token, `${kind}:${month}:${token.slice(0, 8)}`, attempts, now().toISOString());
				recordError = undefined;
				break;
			} catch (err) {
				recordError = errorText(err);
				if (i < 3) await sleep(backoffDelay(i, { baseMs: 200, maxMs: 2000 }, options.random));
			}
		}
		if (recordError) log.error("summary pushed but not recorded; the record stays 'sending' and is not pushed again", { ...ctx, error: recordError });
		else log.info("summary pushed", { ...ctx, attempts });
		return { ok: true, entry: { recipientId, kind, attempts, ...(recordError ? { recordError } : {}) } };
	}
	const error = errorText(last);
	const permanent = last instanceof PushSendError && last.permanent;
	try {
		await deliveries.markFailed(month, recipientId, token, error, attempts, now().toISOString());
	} catch (err) {
		log.error("summary push failure could not be recorded", { ...ctx, error: errorText(err) });
	}
	log.error("summary push failed", { ...ctx, attempts, permanent, error });
	return { ok: false, entry: { recipientId, kind, error, attempts, permanent } };
}
