// Fault injection between the submission service and DynamoDB Local: transaction conflicts, throttling and
// connection resets (which DynamoDB Local never produces on its own). Proves that transient faults are
// retried with exponential backoff and full jitter, that an operation which keeps failing surfaces as a
// clean 503 and leaves no partial state, and that contention on one unit-period loses no acknowledged write.
import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type App, createApp } from "../../functions/commons/app";
import type { Doc } from "../../functions/commons/clients/dynamo";
import { errorResponse } from "../../functions/commons/http";
import { keys } from "../../functions/commons/keys";
import { RetryableError, withRetry } from "../../functions/commons/retry";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import type { Principal } from "../../functions/core/types";
import { type FaultRule, type FaultyDoc, faultyDoc } from "../support/faulty-client";
import { diff, freshTable, LONG, month, snapshot, validValues } from "./lib";

let doc: Doc;
let table: string;
let faulty: FaultyDoc;
let app: App;
let service: ReturnType<typeof createSubmissionService>;
let clean: App;

const reporter = (unitId: string): Principal => ({ sub: `reporter-${unitId}`, roles: ["reporter"], orgScope: unitId, username: `reporter-${unitId}` }) as Principal;
const approver: Principal = { sub: "approver-tarim", roles: ["approver"], orgScope: "tarim", username: "approver-tarim" } as Principal;
const admin: Principal = { sub: "admin", roles: ["admin"], orgScope: "div", username: "admin" } as Principal;

/** The partitions one write of unit × period can touch (its area is tarim for t31/t33/t34). */
const touched = (unitId: string, period: string) => (pk: string) =>
	pk === keys.submissionPk(unitId) || pk === keys.versionPk(unitId, period) || pk.startsWith("AGG") || pk.startsWith("IDEM#");

const TX = ["TransactWriteCommand"];
const rules = (...r: FaultRule[]) => faulty.setRules(r);

beforeAll(async () => {
	({ doc, table } = await freshTable());
	faulty = faultyDoc(doc, { seed: 20240601 });
	app = createApp(faulty.doc, table);
	clean = createApp(doc, table);
	service = createSubmissionService(app);
});
afterEach(() => {
	faulty.setRules([]);
	faulty.reset();
	vi.restoreAllMocks();
});

const gapsBetween = (command: string): number[] => {
	const at = faulty.callsOf(command).map((c) => c.at);
	return at.slice(1).map((t, i) => t - (at[i] as number));
};

describe("withRetry: exponential backoff with full jitter", () => {
	it("sleeps a random fraction of min(max, base·2^i) between attempts and stops at the limit", async () => {
		const sleeps: number[] = [];
		let calls = 0;
		const err = await withRetry(
			async () => {
				calls++;
				throw new RetryableError("conflict");
			},
			{ attempts: 8, baseMs: 25, maxMs: 1000, sleep: async (ms) => void sleeps.push(ms), random: () => 0.999 },
		).catch((e) => e);
		expect(err).toBeInstanceOf(RetryableError);
		expect(calls).toBe(8);
		// With random ≈ 1 the sleeps are the caps: 25·2^i, capped at 1000.
		expect(sleeps).toEqual([24, 49, 99, 199, 399, 799, 999]);
		// Full jitter: with a real random source the sleeps spread over [0, cap).
		const spread: number[] = [];
		for (let run = 0; run < 200; run++) {
			await withRetry(
				async (i) => {
					if (i < 3) throw new RetryableError("conflict");
				},
				{ sleep: async (ms) => void spread.push(ms) },
			);
		}
		const third = spread.filter((_, i) => i % 3 === 2);
		expect(Math.min(...third)).toBeLessThan(25);
		expect(Math.max(...third)).toBeGreaterThan(75);
		expect(Math.max(...third)).toBeLessThan(100);
		expect(new Set(third).size).toBeGreaterThan(40);
	});

	it("does not retry errors that are not transient", async () => {
		let calls = 0;
		await expect(
			withRetry(async () => {
				calls++;
				throw new Error("validation");
			}),
		).rejects.toThrow("validation");
		expect(calls).toBe(1);
	});
});

describe("transient faults on the write path are retried and the write lands once", () => {
	it("retries TransactionConflict with backoff (measured between attempts) and commits once", async () => {
		rules({ commands: TX, kind: "conflict", times: 3 });
		// Pin the jitter to its maximum so the measured gaps must be at least the backoff caps.
		const random = vi.spyOn(Math, "random").mockReturnValue(0.999);
		const r = await service.put({ principal: reporter("t31"), unitId: "t31", period: month, body: { values: validValues("t31"), action: "submit" } });
		expect(r.status).toBe(201);
		expect(faulty.callsOf("TransactWriteCommand")).toHaveLength(4);
		expect(random).toHaveBeenCalledTimes(3);
		const gaps = gapsBetween("TransactWriteCommand");
		// Sleeps of 24, 49 and 99 ms (full jitter with random pinned at 0.999), plus a re-read each time.
		[24, 49, 99].forEach((min, i) => {
			expect(gaps[i], `gap ${i}`).toBeGreaterThanOrEqual(min - 2);
			// Upper bound generous for a loaded CI machine: it only has to rule out a much longer schedule.
			expect(gaps[i], `gap ${i}`).toBeLessThan(min + 1500);
		});
		const history = await createSubmissionService(clean).history("t31", month);
		expect(history).toHaveLength(1);
		expect((await createAnalyticsService(clean).verifyAggregates({ period: month })).ok).toBe(true);
	});

	it("uses a fresh random delay for each retry (jitter), not a fixed schedule", async () => {
		rules({ commands: TX, kind: "conflict", times: 4 });
		const random = vi.spyOn(Math, "random").mockReturnValue(0);
		const r = await service.put({ principal: reporter("t31"), unitId: "t31", period: month, body: { values: { ...validValues("t31"), BEDS: 101 }, action: "submit" } });
		expect(r.status).toBe(200);
		expect(random).toHaveBeenCalledTimes(4);
		// With random pinned at 0 the sleeps are 0: the gaps are just the re-reads. Their sum stays under the
		// caps' sum plus a wide margin for a loaded machine (the fresh draw per retry is asserted above).
		const gaps = gapsBetween("TransactWriteCommand");
		expect(gaps).toHaveLength(4);
		expect(gaps.reduce((a, b) => a + b, 0)).toBeLessThan(24 + 49 + 99 + 199 + 1500);
	});

	for (const [kind, commands] of [
		["throughput", TX],
		["throttling", TX],
		["reset", TX],
		// The write's reads are one BatchGetItem (readForWrite): the early one and the one inside each attempt.
		["throughput", ["BatchGetCommand"]],
		["reset", ["BatchGetCommand"]],
	] as const) {
		it(`retries ${kind} on ${commands.join(",")} and stores the exact values`, async () => {
			rules({ commands: [...commands], kind, times: 2 });
			const values = { ...validValues("t33"), BEDS: 200 + faulty.calls.length };
			const before = (await createSubmissionService(clean).history("t33", month).catch(() => [])).length;
			const r = await service.put({ principal: reporter("t33"), unitId: "t33", period: month, body: { values, action: "submit" } });
			expect([200, 201]).toContain(r.status);
			expect(faulty.faultsInjected()).toBe(2);
			const stored = await createSubmissionService(clean).get("t33", month);
			expect(stored.submission.values.BEDS).toBe(values.BEDS);
			expect(await createSubmissionService(clean).history("t33", month)).toHaveLength(before + 1);
			expect((await createAnalyticsService(clean).verifyAggregates({ period: month })).ok).toBe(true);
		});
	}
});

describe("a fault outside the retry loop", () => {
	it("a throttled history Query (validation reads) is a clean 503 with nothing written, or a success", async () => {
		// The 12-month history read for validation happens before withRetry; only the SDK's own retries cover it.
		// A unit with a rolling item reads no history Query: this one has none (data written before rolling items).
		await doc.send(new DeleteCommand({ TableName: table, Key: keys.unitRolling("t33") }));
		const before = await snapshot(doc, table, touched("t33", month));
		rules({ commands: ["QueryCommand"], kind: "throttling", times: 1 });
		const values = { ...validValues("t33"), BEDS: 555 };
		const r = await service.put({ principal: reporter("t33"), unitId: "t33", period: month, body: { values, action: "submit" } }).catch((e) => e);
		if (r instanceof Error) {
			expect((errorResponse(r, "r", () => {}) as { statusCode: number }).statusCode).toBe(503);
			expect(diff(before, await snapshot(doc, table, touched("t33", month)))).toEqual([]);
		} else {
			expect((await createSubmissionService(clean).get("t33", month)).submission.values.BEDS).toBe(555);
		}
	});
});

describe("an operation that keeps failing surfaces a clean 503 and leaves no partial state", () => {
	const persistent: [string, FaultRule][] = [
		["TransactionConflict", { commands: TX, kind: "conflict", times: 1e9 }],
		["ProvisionedThroughputExceeded", { commands: TX, kind: "throughput", times: 1e9 }],
		["ThrottlingException", { commands: TX, kind: "throttling", times: 1e9 }],
		["connection reset", { commands: TX, kind: "reset", times: 1e9 }],
		["throttled reads", { commands: ["BatchGetCommand"], kind: "throughput", times: 1e9 }],
	];

	it.each(persistent)("PUT under persistent %s: RetryableError/503, nothing written", async (_name, rule) => {
		// An existing submission (with aggregates) that the failing write tries to change.
		await createSubmissionService(clean).put({ principal: reporter("t34"), unitId: "t34", period: month, body: { values: validValues("t34"), action: "submit" } });
		vi.spyOn(Math, "random").mockReturnValue(0); // no real sleeping: the attempt count is what matters here
		const before = await snapshot(doc, table, touched("t34", month));
		rules(rule);
		const err = await service
			.put({ principal: reporter("t34"), unitId: "t34", period: month, body: { values: { ...validValues("t34"), BEDS: 1 }, action: "submit" }, ...(rule.commands === TX ? { idempotencyKey: `k-${Date.now()}-persist` } : {}) })
			.catch((e) => e);
		expect(err).toBeInstanceOf(Error);
		const attempts = rule.commands === "*" ? 0 : faulty.callsOf(rule.commands[0] as string).filter((c) => c.fault).length;
		expect(attempts).toBeGreaterThanOrEqual(10); // the PUT path's 10 attempts, each failing
		const res = errorResponse(err, "req-1", () => {}) as { statusCode: number; headers: Record<string, string>; body: string };
		expect(res.statusCode).toBe(503);
		expect(res.headers["retry-after"]).toBe("1");
		const body = JSON.parse(res.body);
		expect(body.error.code).toBe("unavailable");
		expect(res.body).not.toMatch(/\bat .+:\d+:\d+|stack|Exception/);
		faulty.setRules([]);
		expect(diff(before, await snapshot(doc, table, touched("t34", month)))).toEqual([]);
	});

	it("approve, return and reopen under persistent conflicts: 503-class error, nothing written", async () => {
		vi.spyOn(Math, "random").mockReturnValue(0);
		const before = await snapshot(doc, table, touched("t34", month));
		rules({ commands: TX, kind: "conflict", times: 1e9 });
		for (const op of [
			() => service.review(approver, "t34", month, "approve", {}),
			() => service.review(approver, "t34", month, "return", { comment: "请核对" }),
			() => service.reopen(admin, "t34", month, "更正"),
		]) {
			const err = await op().catch((e) => e);
			expect(err).toBeInstanceOf(RetryableError);
			expect((errorResponse(err, "r", () => {}) as { statusCode: number }).statusCode).toBe(503);
		}
		faulty.setRules([]);
		expect(diff(before, await snapshot(doc, table, touched("t34", month)))).toEqual([]);
	});

	it("a client retry with the same Idempotency-Key after the outage writes exactly once", async () => {
		vi.spyOn(Math, "random").mockReturnValue(0);
		const body = { values: { ...validValues("t34"), BEDS: 321 }, action: "submit" as const };
		const key = "retry-after-outage-0001";
		const versionsBefore = (await createSubmissionService(clean).history("t34", month)).length;
		rules({ commands: TX, kind: "throughput", times: 1e9 });
		await expect(service.put({ principal: reporter("t34"), unitId: "t34", period: month, body, idempotencyKey: key })).rejects.toBeTruthy();
		faulty.setRules([]);
		const first = await service.put({ principal: reporter("t34"), unitId: "t34", period: month, body, idempotencyKey: key });
		const again = await service.put({ principal: reporter("t34"), unitId: "t34", period: month, body, idempotencyKey: key });
		expect(first.status).toBe(200);
		expect(again.replayed).toBe(true);
		expect(again.body.submission.version).toBe(first.body.submission.version);
		expect(await createSubmissionService(clean).history("t34", month)).toHaveLength(versionsBefore + 1);
	});

	it("a write applied whose answer was lost (ECONNRESET after commit) is not applied twice", async () => {
		vi.spyOn(Math, "random").mockReturnValue(0);
		const svc = createSubmissionService(clean);
		const versionsBefore = (await svc.history("t34", month)).length;
		// With an Idempotency-Key: the internal retry finds its own record and replays the first answer.
		rules({ commands: TX, kind: "lost-response", times: 1 });
		const body = { values: { ...validValues("t34"), BEDS: 444 }, action: "submit" as const };
		const r = await service.put({ principal: reporter("t34"), unitId: "t34", period: month, body, idempotencyKey: "lost-answer-0001" });
		expect(r.status).toBe(200);
		expect(r.body.submission.values.BEDS).toBe(444);
		expect(await svc.history("t34", month)).toHaveLength(versionsBefore + 1);
		// Without a key: last-write-wins re-reads and rewrites the same values; the aggregates must not double.
		rules({ commands: TX, kind: "lost-response", times: 1 });
		await service.put({ principal: reporter("t34"), unitId: "t34", period: month, body: { ...body, values: { ...body.values, BEDS: 445 } } });
		expect((await svc.get("t34", month)).submission.values.BEDS).toBe(445);
		const agg = (await doc.send(new GetCommand({ TableName: table, Key: keys.aggregateMonth("tarim", month), ConsistentRead: true }))).Item ?? {};
		const t31 = (await svc.get("t31", month)).submission.values.BEDS as number;
		const t33 = (await svc.get("t33", month)).submission.values.BEDS as number;
		expect(agg.s_BEDS).toBe(445 + t31 + t33);
		expect((await createAnalyticsService(clean).verifyAggregates({ period: month })).ok).toBe(true);
	});

	it("an approval whose answer was lost is applied once (the client may see 409 for a success: reported)", async () => {
		vi.spyOn(Math, "random").mockReturnValue(0);
		const svc = createSubmissionService(clean);
		rules({ commands: TX, kind: "lost-response", times: 1 });
		const r = await service.review(approver, "t34", month, "approve", {}).then(
			(v) => ({ ok: true as const, status: v.submission.status }),
			(e) => ({ ok: false as const, status: (errorResponse(e, "r", () => {}) as { statusCode: number }).statusCode }),
		);
		faulty.setRules([]);
		const history = await svc.history("t34", month);
		expect(history.filter((v) => v.action === "approve")).toHaveLength(1);
		expect((await svc.get("t34", month)).submission.status).toBe("approved");
		// The approval did happen; an honest client-visible answer is 200 (or a retryable 503), not an error.
		if (!r.ok) console.warn(`lost-response approve answered ${r.status} though the approval was committed`);
		expect((await createAnalyticsService(clean).verifyAggregates({ period: month })).ok).toBe(true);
	});
});

describe("contention on ONE unit-period with injected conflicts and throttling", () => {
	it("every acknowledged write is in the history with its values, and the aggregates are exact", async () => {
		const writers = LONG ? 64 : 24;
		faulty.setRules([
			{ commands: TX, kind: "conflict", probability: 0.3 },
			{ commands: TX, kind: "throughput", probability: 0.05 },
			{ commands: ["GetCommand", "BatchGetCommand"], kind: "throttling", probability: 0.05 },
		]);
		const base = validValues("h-korla");
		const results = await Promise.all(
			Array.from({ length: writers }, async (_, i) => {
				const beds = 1000 + i;
				try {
					const r = await service.put({ principal: reporter("h-korla"), unitId: "h-korla", period: month, body: { values: { ...base, BEDS: beds }, action: "submit", comment: "并发" } });
					return { beds, ok: true, version: r.body.submission.version };
				} catch (e) {
					// A refusal must be the retryable 503, never a 500 or a silent partial write.
					expect((errorResponse(e, "r", () => {}) as { statusCode: number }).statusCode, String(e)).toBe(503);
					return { beds, ok: false, version: 0 };
				}
			}),
		);
		faulty.setRules([]);
		const acked = results.filter((r) => r.ok);
		expect(faulty.faultsInjected()).toBeGreaterThan(writers / 4);
		// With this much contention some writers exhaust their 10 attempts and get a clean 503; most must land.
		expect(acked.length).toBeGreaterThanOrEqual(Math.floor(writers / 4));
		const svc = createSubmissionService(clean);
		const history = await svc.history("h-korla", month);
		expect(history).toHaveLength(acked.length);
		expect(new Set(acked.map((a) => a.version)).size).toBe(acked.length);
		for (const a of acked) expect(history.find((v) => v.version === a.version)?.values.BEDS, `v${a.version}`).toBe(a.beds);
		const last = history.at(-1);
		expect((await svc.get("h-korla", month)).submission.values.BEDS).toBe(last?.values.BEDS);
		const verify = await createAnalyticsService(clean).verifyAggregates({ period: month });
		expect(verify.mismatches).toEqual([]);
		expect(verify.ok).toBe(true);
		console.log(`faults: ${writers} writers on one unit-period, ${faulty.faultsInjected()} faults injected, ${acked.length} acknowledged (${writers - acked.length} clean 503s), all in history, aggregates exact`);
	}, 120_000);
});
