// Exactly-once delivery of the monthly summary: one email per month × recipient, however often the scheduled job
// runs (EventBridge retries, a manual rerun, two overlapping invocations).
//
// The guard is a claim record written with attribute_not_exists before anything is sent. The first writer sends;
// every later run sees the record and skips it: 'sent' for good, 'failed' until someone explicitly resends, and
// 'sending' (a run died mid-send, or one is in flight) is never re-sent automatically, because the mail may have gone
// out: an operator decides with resend. A resend re-sends whatever the status and leaves an audit record.
import { randomUUID } from "node:crypto";
import { logger } from "../commons/observability";
import { MailSendError, type MailMessage, type MailTransport } from "../commons/mail/transport";
import type { DeliveryRecordView } from "../core/api-types";

export type DeliveryStatus = DeliveryRecordView["status"];

/** The record as stored: what the admin listing shows, and the claim it is held under. */
export interface DeliveryRecord extends DeliveryRecordView {
	/** Identifies the current claim: only its holder may mark the record sent or failed. */
	claimToken: string;
}

export type ClaimOutcome = { claimed: true; record: DeliveryRecord } | { claimed: false; existing: DeliveryRecord };

export interface ResendAudit {
	/** Who asked for the resend (the admin's subject). */
	actor: string;
	reason?: string;
}

export interface DeliveryStore {
	/** Records month × recipient as 'sending' only if no record exists (conditional write); otherwise returns the existing one. */
	claim(month: string, recipientId: string, at: string): Promise<ClaimOutcome>;
	/**
	 * Claims for an explicit resend whatever the status, except while another sender holds a 'sending' claim younger
	 * than staleAfterMs. Writes an audit record in the same transaction.
	 */
	claimForResend(month: string, recipientId: string, at: string, audit: ResendAudit, staleAfterMs: number): Promise<ClaimOutcome>;
	/** Conditional on claimToken: a stale sender cannot overwrite a newer claim. */
	markSent(month: string, recipientId: string, claimToken: string, messageId: string, attempts: number, at: string): Promise<void>;
	markFailed(month: string, recipientId: string, claimToken: string, error: string, attempts: number, at: string): Promise<void>;
	get(month: string, recipientId: string): Promise<DeliveryRecord | null>;
	list(month: string): Promise<DeliveryRecord[]>;
}

export interface DeliveryLogger {
	info(message: string, extra?: Record<string, unknown>): void;
	warn(message: string, extra?: Record<string, unknown>): void;
	error(message: string, extra?: Record<string, unknown>): void;
}

/** The platform's Powertools logger (request id and cold-start flag on every line). */
const consoleLogger: DeliveryLogger = {
	info: (message, extra) => logger.info(message, { ...extra }),
	warn: (message, extra) => logger.warn(message, { ...extra }),
	error: (message, extra) => logger.error(message, { ...extra }),
};

export interface BackoffOptions {
	/** First retry waits about baseMs, doubling each time, capped at maxMs; each wait is jittered to 50–100 %. */
	baseMs?: number;
	maxMs?: number;
}

export interface DeliveryRecipient {
	id: string;
	email: string;
}

interface SendDeps {
	transport: MailTransport;
	deliveries: DeliveryStore;
	now?: () => Date;
	/** Attempts per recipient, the first included. */
	maxAttempts?: number;
	backoff?: BackoffOptions;
	/** Injected in tests. */
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	logger?: DeliveryLogger;
	/** What is being delivered, for the log lines: "summary" (default), "notice", "feedback card". */
	what?: string;
}

export interface DeliverOptions<R extends DeliveryRecipient> extends SendDeps {
	month: string;
	recipients: R[];
	/** Builds the message for one recipient; called only after the claim succeeded. */
	buildEmail: (recipient: R) => Promise<MailMessage> | MailMessage;
	/** Recipients sent in parallel. */
	concurrency?: number;
}

export interface SentEntry {
	recipientId: string;
	messageId: string;
	attempts: number;
	/** The mail went out but recording it failed; the record stays 'sending' so no run sends it again. */
	recordError?: string;
}
export interface SkippedEntry {
	recipientId: string;
	reason: "already-sent" | "previously-failed" | "in-progress";
	record: DeliveryRecord;
}
export interface FailedEntry {
	recipientId: string;
	error: string;
	attempts: number;
	permanent: boolean;
}

export interface DeliveryReport {
	month: string;
	sent: SentEntry[];
	skipped: SkippedEntry[];
	failed: FailedEntry[];
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/** Delay before retry n (1-based): base × 2^(n−1), capped, times a jitter factor in [0.5, 1). */
export const backoffDelay = (retry: number, backoff: BackoffOptions = {}, random: () => number = Math.random): number => {
	const base = backoff.baseMs ?? 2000;
	const cap = backoff.maxMs ?? 60_000;
	const exp = Math.min(cap, base * 2 ** (retry - 1));
	return Math.round(exp * (0.5 + random() / 2));
};

/** `<summary.2025-06.r1.ab12cd34@example.cn>`: the same on every retry of one claim, so receivers can drop duplicates. */
const messageIdFor = (month: string, recipientId: string, claimToken: string, from: string): string => {
	const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "summary.local";
	const safe = recipientId.replace(/[^A-Za-z0-9.-]/g, "-");
	return `<summary.${month}.${safe}.${claimToken.slice(0, 8)}@${domain}>`;
};

type Attempt = { ok: true; messageId: string; attempts: number } | { ok: false; error: string; attempts: number; permanent: boolean };

async function sendClaimed<R extends DeliveryRecipient>(
	month: string,
	recipient: R,
	record: DeliveryRecord,
	buildEmail: (recipient: R) => Promise<MailMessage> | MailMessage,
	deps: SendDeps,
): Promise<Attempt> {
	const now = deps.now ?? (() => new Date());
	const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
	const maxAttempts = Math.max(1, deps.maxAttempts ?? 3);
	const log = deps.logger ?? consoleLogger;
	const what = deps.what ?? "summary";
	const ctx = { month, recipientId: recipient.id };

	let message: MailMessage;
	try {
		const built = await buildEmail(recipient);
		message = { ...built, messageId: built.messageId ?? messageIdFor(month, recipient.id, record.claimToken, built.from) };
	} catch (err) {
		// Building is deterministic: retrying cannot help, so this is a final failure.
		const error = `build failed: ${errorText(err)}`;
		await deps.deliveries.markFailed(month, recipient.id, record.claimToken, error, 0, now().toISOString());
		log.error(`${what} email could not be built`, { ...ctx, error });
		return { ok: false, error, attempts: 0, permanent: true };
	}

	let attempts = 0;
	let last: unknown;
	while (attempts < maxAttempts) {
		attempts += 1;
		try {
			const { messageId } = await deps.transport.send(message);
			return { ok: true, messageId, attempts };
		} catch (err) {
			last = err;
			const permanent = err instanceof MailSendError && err.permanent;
			log.warn(`${what} send attempt failed`, { ...ctx, attempt: attempts, permanent, error: errorText(err) });
			if (permanent || attempts >= maxAttempts) break;
			await sleep(backoffDelay(attempts, deps.backoff, deps.random));
		}
	}
	const error = errorText(last);
	const permanent = last instanceof MailSendError && last.permanent;
	await deps.deliveries.markFailed(month, recipient.id, record.claimToken, error, attempts, now().toISOString());
	log.error(`${what} delivery failed`, { ...ctx, attempts, permanent, error });
	return { ok: false, error, attempts, permanent };
}

async function recordSent(month: string, recipientId: string, record: DeliveryRecord, sent: { messageId: string; attempts: number }, deps: SendDeps): Promise<SentEntry> {
	const now = deps.now ?? (() => new Date());
	const log = deps.logger ?? consoleLogger;
	const what = deps.what ?? "summary";
	const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
	let lastError: unknown;
	// The mail is out: recording it must not give up quickly, or the next run sees 'sending' and an operator must look.
	for (let i = 1; i <= 4; i++) {
		try {
			await deps.deliveries.markSent(month, recipientId, record.claimToken, sent.messageId, sent.attempts, now().toISOString());
			log.info(`${what} sent`, { month, recipientId, messageId: sent.messageId, attempts: sent.attempts });
			return { recipientId, ...sent };
		} catch (err) {
			lastError = err;
			if (i < 4) await sleep(backoffDelay(i, { baseMs: 200, maxMs: 2000 }, deps.random));
		}
	}
	const recordError = errorText(lastError);
	log.error(`${what} sent but not recorded; the record stays 'sending' and will not be re-sent automatically`, {
		month,
		recipientId,
		messageId: sent.messageId,
		error: recordError,
	});
	return { recipientId, ...sent, recordError };
}

const SKIP_REASON: Record<DeliveryStatus, SkippedEntry["reason"]> = {
	sent: "already-sent",
	failed: "previously-failed",
	sending: "in-progress",
};

/** Sends the month's summary to every recipient that has no delivery record yet. Never throws for a single recipient. */
export async function deliverSummaries<R extends DeliveryRecipient>(options: DeliverOptions<R>): Promise<DeliveryReport> {
	const { month, recipients, deliveries } = options;
	const now = options.now ?? (() => new Date());
	const log = options.logger ?? consoleLogger;
	const what = options.what ?? "summary";
	const report: DeliveryReport = { month, sent: [], skipped: [], failed: [] };

	const one = async (recipient: R): Promise<void> => {
		let claim: ClaimOutcome;
		try {
			claim = await deliveries.claim(month, recipient.id, now().toISOString());
		} catch (err) {
			// Nothing was sent and nothing recorded: the next run will try again.
			const error = `claim failed: ${errorText(err)}`;
			log.error(`${what} delivery could not be claimed`, { month, recipientId: recipient.id, error });
			report.failed.push({ recipientId: recipient.id, error, attempts: 0, permanent: false });
			return;
		}
		if (!claim.claimed) {
			report.skipped.push({ recipientId: recipient.id, reason: SKIP_REASON[claim.existing.status], record: claim.existing });
			if (claim.existing.status !== "sent")
				log.warn(`${what} delivery skipped`, { month, recipientId: recipient.id, status: claim.existing.status, error: claim.existing.error });
			return;
		}
		const result = await sendClaimed(month, recipient, claim.record, options.buildEmail, options);
		if (result.ok) report.sent.push(await recordSent(month, recipient.id, claim.record, result, options));
		else report.failed.push({ recipientId: recipient.id, error: result.error, attempts: result.attempts, permanent: result.permanent });
	};

	// A small worker pool: SMTP relays throttle bursts, and one slow recipient should not hold the rest.
	const queue = [...new Map(recipients.map((r) => [r.id, r])).values()];
	const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
		for (let r = queue.shift(); r; r = queue.shift()) {
			try {
				await one(r);
			} catch (err) {
				// A store failure while recording a failure: surface it, keep going with the others.
				report.failed.push({ recipientId: r.id, error: errorText(err), attempts: 0, permanent: false });
				log.error(`${what} delivery error`, { month, recipientId: r.id, error: errorText(err) });
			}
		}
	});
	await Promise.all(workers);
	return report;
}

export interface ResendOptions<R extends DeliveryRecipient> extends SendDeps {
	month: string;
	recipient: R;
	buildEmail: (recipient: R) => Promise<MailMessage> | MailMessage;
	audit: ResendAudit;
	/** A 'sending' claim older than this is presumed dead and may be taken over (default 15 minutes). */
	staleAfterMs?: number;
}

export type ResendResult =
	| { outcome: "sent"; entry: SentEntry }
	| { outcome: "failed"; entry: FailedEntry }
	| { outcome: "busy"; record: DeliveryRecord };

/** Explicit, audited resend: sends again even if the summary was sent, and retries a failed one. */
export async function resendSummary<R extends DeliveryRecipient>(options: ResendOptions<R>): Promise<ResendResult> {
	const now = options.now ?? (() => new Date());
	const log = options.logger ?? consoleLogger;
	const what = options.what ?? "summary";
	const { month, recipient } = options;
	const claim = await options.deliveries.claimForResend(month, recipient.id, now().toISOString(), options.audit, options.staleAfterMs ?? 15 * 60_000);
	if (!claim.claimed) return { outcome: "busy", record: claim.existing };
	log.info(`${what} resend`, { month, recipientId: recipient.id, actor: options.audit.actor, reason: options.audit.reason });
	const result = await sendClaimed(month, recipient, claim.record, options.buildEmail, options);
	if (result.ok) return { outcome: "sent", entry: await recordSent(month, recipient.id, claim.record, result, options) };
	return { outcome: "failed", entry: { recipientId: recipient.id, error: result.error, attempts: result.attempts, permanent: result.permanent } };
}

// ---------------------------------------------------------------------------
// In-memory store with the same conditional semantics as the DynamoDB one: local mode, tests, the summary CLI.

/** A resend waits while another send of the same month × recipient is still recent. */
export const resendBlocked = (existing: DeliveryRecord | null | undefined, at: string, staleAfterMs: number): boolean =>
	existing?.status === "sending" && Date.parse(at) - Date.parse(existing.claimedAt) < staleAfterMs;

/** The record a resend claims: shared by the in-memory and the DynamoDB stores so they cannot drift. */
export const resendRecord = (existing: DeliveryRecord | null | undefined, month: string, recipientId: string, at: string, who: ResendAudit, claimToken: string): DeliveryRecord => {
	const record: DeliveryRecord = {
		...(existing ?? { month, recipientId, resends: 0 }),
		month,
		recipientId,
		status: "sending",
		attempts: 0,
		claimToken,
		claimedAt: at,
		updatedAt: at,
		resends: (existing?.resends ?? 0) + 1,
		lastResendBy: who.actor,
		...(who.reason ? { lastResendReason: who.reason } : {}),
	};
	delete record.error;
	return record;
};

export interface MemoryDeliveryStore extends DeliveryStore {
	readonly audit: { month: string; recipientId: string; at: string; actor: string; reason?: string; previousStatus: DeliveryStatus | null }[];
}

export function createMemoryDeliveryStore(newToken: () => string = randomUUID): MemoryDeliveryStore {
	const records = new Map<string, DeliveryRecord>();
	const audit: MemoryDeliveryStore["audit"] = [];
	const key = (m: string, r: string) => `${m}\u0000${r}`;
	const copy = (r: DeliveryRecord): DeliveryRecord => ({ ...r });
	const owned = (m: string, r: string, token: string): DeliveryRecord => {
		const rec = records.get(key(m, r));
		if (!rec || rec.claimToken !== token) throw new Error(`ConditionalCheckFailed: claim ${token} no longer holds ${m}/${r}`);
		return rec;
	};
	return {
		audit,
		async claim(month, recipientId, at) {
			const existing = records.get(key(month, recipientId));
			if (existing) return { claimed: false, existing: copy(existing) };
			const record: DeliveryRecord = { month, recipientId, status: "sending", attempts: 0, claimToken: newToken(), claimedAt: at, updatedAt: at, resends: 0 };
			records.set(key(month, recipientId), record);
			return { claimed: true, record: copy(record) };
		},
		async claimForResend(month, recipientId, at, who, staleAfterMs) {
			const existing = records.get(key(month, recipientId));
			if (resendBlocked(existing, at, staleAfterMs)) return { claimed: false, existing: copy(existing as DeliveryRecord) };
			const record = resendRecord(existing, month, recipientId, at, who, newToken());
			records.set(key(month, recipientId), record);
			audit.push({ month, recipientId, at, actor: who.actor, ...(who.reason ? { reason: who.reason } : {}), previousStatus: existing?.status ?? null });
			return { claimed: true, record: copy(record) };
		},
		async markSent(month, recipientId, token, messageId, attempts, at) {
			const rec = owned(month, recipientId, token);
			Object.assign(rec, { status: "sent", messageId, attempts, sentAt: at, updatedAt: at });
			delete rec.error;
		},
		async markFailed(month, recipientId, token, error, attempts, at) {
			const rec = owned(month, recipientId, token);
			Object.assign(rec, { status: "failed", error, attempts, updatedAt: at });
		},
		async get(month, recipientId) {
			const r = records.get(key(month, recipientId));
			return r ? copy(r) : null;
		},
		async list(month) {
			return [...records.values()].filter((r) => r.month === month).map(copy);
		},
	};
}
