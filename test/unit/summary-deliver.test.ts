import { describe, expect, it } from "vitest";
import { MailSendError, type MailMessage, type MailTransport } from "../../functions/commons/mail/transport";
import { backoffDelay, createMemoryDeliveryStore, type DeliveryLogger, deliverSummaries, resendSummary } from "../../functions/summary/deliver";

const recipients = [
	{ id: "r1", email: "a@example.cn" },
	{ id: "r2", email: "b@example.cn" },
	{ id: "r3", email: "c@example.cn" },
];

const build = (r: { email: string }): MailMessage => ({ from: "平台 <noreply@monitor.example.cn>", to: r.email, subject: "s", html: "<p>h</p>", text: "t" });

/** A transport that records what it sent and fails according to a script: fail(to, attempt) → error or undefined. */
const scriptedTransport = (fail: (to: string, attempt: number) => Error | undefined = () => undefined) => {
	const sent: MailMessage[] = [];
	const attempts = new Map<string, number>();
	const transport: MailTransport = {
		async send(m) {
			const to = String(m.to);
			const n = (attempts.get(to) ?? 0) + 1;
			attempts.set(to, n);
			const err = fail(to, n);
			if (err) throw err;
			sent.push(m);
			return { messageId: m.messageId ?? `<${to}>` };
		},
	};
	return { transport, sent, attempts };
};

const quietLogger = () => {
	const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
	const logger: DeliveryLogger = {
		info: (message, extra) => lines.push({ level: "info", message, ...(extra ? { extra } : {}) }),
		warn: (message, extra) => lines.push({ level: "warn", message, ...(extra ? { extra } : {}) }),
		error: (message, extra) => lines.push({ level: "error", message, ...(extra ? { extra } : {}) }),
	};
	return { logger, lines };
};

const fixed = () => new Date("2025-07-15T01:00:00Z");

describe("deliverSummaries", () => {
	it("sends once per recipient and month, however often it runs", async () => {
		const deliveries = createMemoryDeliveryStore();
		const { transport, sent } = scriptedTransport();
		const { logger } = quietLogger();
		const run = () => deliverSummaries({ month: "2025-06", recipients, buildEmail: build, transport, deliveries, now: fixed, logger, sleep: async () => {} });

		const first = await run();
		const second = await run();
		const concurrent = await Promise.all([run(), run()]);

		expect(first.sent.map((s) => s.recipientId).sort()).toEqual(["r1", "r2", "r3"]);
		expect(second.sent).toEqual([]);
		expect(second.skipped.map((s) => s.reason)).toEqual(["already-sent", "already-sent", "already-sent"]);
		expect(concurrent.flatMap((r) => r.sent)).toEqual([]);
		expect(sent.map((m) => m.to).sort()).toEqual(["a@example.cn", "b@example.cn", "c@example.cn"]);
		expect((await deliveries.list("2025-06")).every((r) => r.status === "sent" && r.messageId)).toBe(true);
		// The next month is a separate delivery.
		expect((await run()).sent).toEqual([]);
		const july = await deliverSummaries({ month: "2025-07", recipients, buildEmail: build, transport, deliveries, now: fixed, logger });
		expect(july.sent).toHaveLength(3);
	});

	it("two overlapping runs never send the same recipient twice", async () => {
		const deliveries = createMemoryDeliveryStore();
		const { transport, sent } = scriptedTransport();
		const { logger } = quietLogger();
		const many = Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, email: `u${i}@example.cn` }));

		const [a, b] = await Promise.all([
			deliverSummaries({ month: "2025-06", recipients: many, buildEmail: build, transport, deliveries, logger, concurrency: 8 }),
			deliverSummaries({ month: "2025-06", recipients: [...many].reverse(), buildEmail: build, transport, deliveries, logger, concurrency: 8 }),
		]);

		expect(a.sent.length + b.sent.length).toBe(40);
		expect(new Set(sent.map((m) => m.to)).size).toBe(40);
		expect(sent).toHaveLength(40);
	});

	it("retries a transient failure with exponential backoff and jitter, then succeeds", async () => {
		const deliveries = createMemoryDeliveryStore();
		const { transport, attempts, sent } = scriptedTransport((to, n) => (to === "b@example.cn" && n < 3 ? new MailSendError("421 try later", false) : undefined));
		const waits: number[] = [];

		const report = await deliverSummaries({
			month: "2025-06",
			recipients,
			buildEmail: build,
			transport,
			deliveries,
			logger: quietLogger().logger,
			maxAttempts: 4,
			backoff: { baseMs: 1000, maxMs: 10_000 },
			sleep: async (ms) => {
				waits.push(ms);
			},
			random: () => 0.5,
		});

		expect(report.failed).toEqual([]);
		expect(report.sent.find((s) => s.recipientId === "r2")?.attempts).toBe(3);
		expect(attempts.get("b@example.cn")).toBe(3);
		expect(waits).toEqual([750, 1500]);
		// Retries of one claim carry the same Message-ID, so a receiver can drop a duplicate of an ambiguous failure.
		expect(sent.find((m) => m.to === "b@example.cn")?.messageId).toMatch(/^<summary\.2025-06\.r2\.[0-9a-f]{8}@monitor\.example\.cn>$/);
	});

	it("records and surfaces a final failure; later runs do not retry it", async () => {
		const deliveries = createMemoryDeliveryStore();
		const { transport, attempts } = scriptedTransport((to) => (to === "c@example.cn" ? new MailSendError("ETIMEDOUT", false) : undefined));
		const { logger, lines } = quietLogger();
		const opts = { month: "2025-06", recipients, buildEmail: build, transport, deliveries, logger, maxAttempts: 3, sleep: async () => {} };

		const report = await deliverSummaries(opts);
		const again = await deliverSummaries(opts);

		expect(report.failed).toEqual([{ recipientId: "r3", error: "ETIMEDOUT", attempts: 3, permanent: false }]);
		expect(await deliveries.get("2025-06", "r3")).toMatchObject({ status: "failed", attempts: 3, error: "ETIMEDOUT" });
		expect(lines.some((l) => l.level === "error" && l.message === "summary delivery failed" && l.extra?.recipientId === "r3")).toBe(true);
		expect(again.skipped.find((s) => s.recipientId === "r3")?.reason).toBe("previously-failed");
		expect(attempts.get("c@example.cn")).toBe(3);
	});

	it("names what it delivers in its log lines: a reminder's are not the summary's", async () => {
		const { transport } = scriptedTransport((to) => (to === "c@example.cn" ? new MailSendError("550 no such user", true) : undefined));
		const { logger, lines } = quietLogger();
		await deliverSummaries({ month: "2025-06", recipients, buildEmail: build, transport, deliveries: createMemoryDeliveryStore(), logger, what: "notice", sleep: async () => {} });
		const messages = lines.map((l) => l.message);
		expect(messages).toContain("notice sent");
		expect(messages).toContain("notice delivery failed");
		expect(messages.filter((m) => m.startsWith("summary"))).toEqual([]);
	});

	it("does not retry a permanent failure (5xx, rejected address)", async () => {
		const deliveries = createMemoryDeliveryStore();
		const { transport, attempts } = scriptedTransport((to) => (to === "a@example.cn" ? new MailSendError("550 no such user", true) : undefined));

		const report = await deliverSummaries({ month: "2025-06", recipients, buildEmail: build, transport, deliveries, logger: quietLogger().logger, sleep: async () => {} });

		expect(report.failed).toEqual([{ recipientId: "r1", error: "550 no such user", attempts: 1, permanent: true }]);
		expect(attempts.get("a@example.cn")).toBe(1);
	});

	it("records a build failure without sending", async () => {
		const deliveries = createMemoryDeliveryStore();
		const { transport, sent } = scriptedTransport();

		const report = await deliverSummaries({
			month: "2025-06",
			recipients: recipients.slice(0, 1),
			buildEmail: () => {
				throw new Error("no data for scope");
			},
			transport,
			deliveries,
			logger: quietLogger().logger,
		});

		expect(report.failed).toEqual([{ recipientId: "r1", error: "build failed: no data for scope", attempts: 0, permanent: true }]);
		expect(sent).toEqual([]);
	});

	it("never re-sends a delivery left 'sending' by a run that died", async () => {
		const deliveries = createMemoryDeliveryStore();
		await deliveries.claim("2025-06", "r1", "2025-07-15T00:00:00Z");
		const { transport, sent } = scriptedTransport();

		const report = await deliverSummaries({ month: "2025-06", recipients: recipients.slice(0, 1), buildEmail: build, transport, deliveries, logger: quietLogger().logger });

		expect(report.skipped[0]?.reason).toBe("in-progress");
		expect(sent).toEqual([]);
	});
});

describe("resendSummary", () => {
	it("re-sends a sent summary on explicit request and audits it", async () => {
		const deliveries = createMemoryDeliveryStore();
		const { transport, sent } = scriptedTransport();
		const logger = quietLogger().logger;
		await deliverSummaries({ month: "2025-06", recipients: recipients.slice(0, 1), buildEmail: build, transport, deliveries, logger });
		const firstId = sent[0]?.messageId;

		const result = await resendSummary({
			month: "2025-06",
			recipient: recipients[0] as (typeof recipients)[0],
			buildEmail: build,
			transport,
			deliveries,
			logger,
			audit: { actor: "admin", reason: "邮箱已更正" },
			now: fixed,
		});

		expect(result.outcome).toBe("sent");
		expect(sent).toHaveLength(2);
		expect(sent[1]?.messageId).not.toBe(firstId);
		expect(await deliveries.get("2025-06", "r1")).toMatchObject({ status: "sent", resends: 1, lastResendBy: "admin", lastResendReason: "邮箱已更正" });
		expect(deliveries.audit).toEqual([{ month: "2025-06", recipientId: "r1", at: fixed().toISOString(), actor: "admin", reason: "邮箱已更正", previousStatus: "sent" }]);
	});

	it("retries a failed delivery, and refuses while another sender holds a fresh claim", async () => {
		const deliveries = createMemoryDeliveryStore();
		let down = true;
		const transport: MailTransport = {
			async send() {
				if (down) throw new MailSendError("ECONNREFUSED", false);
				return { messageId: "<ok>" };
			},
		};
		const logger = quietLogger().logger;
		await deliverSummaries({ month: "2025-06", recipients: recipients.slice(0, 1), buildEmail: build, transport, deliveries, logger, maxAttempts: 1 });
		down = false;
		const r1 = recipients[0] as (typeof recipients)[0];

		const retried = await resendSummary({ month: "2025-06", recipient: r1, buildEmail: build, transport, deliveries, logger, audit: { actor: "admin" } });
		await deliveries.claim("2025-06", "r2", new Date().toISOString());
		const busy = await resendSummary({
			month: "2025-06",
			recipient: recipients[1] as (typeof recipients)[0],
			buildEmail: build,
			transport,
			deliveries,
			logger,
			audit: { actor: "admin" },
		});

		expect(retried.outcome).toBe("sent");
		expect(await deliveries.get("2025-06", "r1")).toMatchObject({ status: "sent", messageId: "<ok>" });
		expect(busy.outcome).toBe("busy");
	});
});

describe("backoffDelay", () => {
	it("doubles from the base, caps, and jitters between 50 and 100 %", () => {
		expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { baseMs: 1000, maxMs: 5000 }, () => 0.999999))).toEqual([1000, 2000, 4000, 5000, 5000]);
		expect(backoffDelay(3, { baseMs: 1000 }, () => 0)).toBe(2000);
	});
});
