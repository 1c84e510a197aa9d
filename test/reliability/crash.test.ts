// Crash consistency: DynamoDB Local (on disk) and the gateway, each in its own process, are SIGKILLed mid-load
// and restarted; clients retry with the same Idempotency-Key. Nothing acknowledged may be lost or applied twice,
// and the aggregates must still equal a recomputation from the raw submissions. The work is done by
// scripts/reliability/crash.ts (also runnable on its own); fast form here, long form with RELIABILITY_LONG=1.
import { describe, expect, it } from "vitest";
import { runCrash } from "../../scripts/reliability/crash";
import { LONG } from "./lib";

describe("crash: SIGKILL DynamoDB Local and the gateway mid-load", () => {
	it("loses no acknowledged write, applies none twice, and keeps the aggregates exact", async () => {
		const clients = LONG ? 8 : 4;
		const r = await runCrash({ clients, edits: LONG ? 25 : 3 });
		expect(r.crashes).toEqual({ dynamodb: 1, gateway: 1 });
		expect(r.unexpected).toEqual([]);
		expect(r.acknowledged).toBe(r.attempted);
		expect(r.details).toEqual([]);
		expect(r.lost).toBe(0);
		// DynamoDB Local may drop the commits it acknowledged last before its own SIGKILL (at most one per client in
		// flight); that is the emulator, not the platform — see docs/reliability.md.
		expect(r.lostByEmulator).toBeLessThanOrEqual(clients);
		expect(r.duplicated).toBe(0);
		expect(r.wrongFinal).toBe(0);
		expect(r.aggregateMismatches).toBe(0);
		expect(r.verifyOk).toBe(true);
		// The crashes must actually have interrupted work, or the test proved nothing.
		expect(r.interrupted).toBeGreaterThan(0);
	}, LONG ? 900_000 : 300_000);
});
