// A DynamoDB DocumentClient that fails chosen calls on purpose. DynamoDB Local serialises transactions and
// never raises TransactionConflict or throttles (see /work/shared/STACK-NOTES.md), so the retry and
// no-partial-state guarantees can only be proven by injecting those faults between the code and the table.
//
// Every `send` goes through the rules in order; the first rule that matches the command and decides to fire
// throws its fault instead of (or, for "lost-response", after) calling the real client.
import { ProvisionedThroughputExceededException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { Doc } from "../../functions/commons/clients/dynamo";
import { mulberry32 } from "../../functions/core/demo/random";

export type FaultKind =
	/** TransactWriteItems cancelled with reason TransactionConflict on one item (what real DynamoDB does under contention). */
	| "conflict"
	/** ProvisionedThroughputExceededException. */
	| "throughput"
	/** ThrottlingException (control-plane style throttling, also seen on on-demand tables). */
	| "throttling"
	/** The TCP connection reset before the request reached DynamoDB: nothing was applied. */
	| "reset"
	/** The request WAS applied, then the connection reset before the answer arrived: the caller cannot tell. */
	| "lost-response";

export interface FaultRule {
	/** Command class names to intercept, e.g. "TransactWriteCommand", "GetCommand", "QueryCommand"; "*" for all. */
	commands: string[] | "*";
	kind: FaultKind;
	/** Fire on the first `times` matching calls (then pass through). */
	times?: number;
	/** Or fire with this probability (seeded by FaultyOptions.seed). */
	probability?: number;
	/** Optional extra filter, e.g. only transactions that touch a given partition. */
	when?: (input: Record<string, unknown>) => boolean;
}

export interface CallRecord {
	command: string;
	at: number;
	fault?: FaultKind;
}

export interface FaultyDoc {
	doc: Doc;
	calls: CallRecord[];
	/** Replace the rules (and reset their counters). */
	setRules(rules: FaultRule[]): void;
	/** Calls of one command, with the time each started (ms, performance.now()). */
	callsOf(command: string): CallRecord[];
	faultsInjected(): number;
	reset(): void;
}

/** The project's one seeded PRNG (mulberry32): enough to make a fault pattern reproducible. */
export const seededRandom = mulberry32;

const metadata = { httpStatusCode: 400, requestId: "fault-injected", attempts: 1, totalRetryDelay: 0 };

export const makeFault = (kind: FaultKind, input: Record<string, unknown>): Error => {
	switch (kind) {
		case "conflict": {
			const items = (input.TransactItems as unknown[] | undefined) ?? [];
			// Real DynamoDB names the item that conflicted; the others report "None".
			const reasons = items.map((_, i) => (i === items.length - 1 || items.length === 1 ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" } : { Code: "None" }));
			return new TransactionCanceledException({
				message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
				$metadata: metadata,
				CancellationReasons: reasons,
			});
		}
		case "throughput":
			return new ProvisionedThroughputExceededException({ message: "The level of configured provisioned throughput for the table was exceeded", $metadata: metadata });
		case "throttling": {
			const e = new Error("Rate of requests exceeds the allowed throughput.");
			e.name = "ThrottlingException";
			return e;
		}
		case "reset":
		case "lost-response": {
			const e = new Error("socket hang up") as Error & { code: string };
			e.code = "ECONNRESET";
			return e;
		}
	}
};

export const faultyDoc = (inner: Doc, opts: { rules?: FaultRule[]; seed?: number } = {}): FaultyDoc => {
	let rules: FaultRule[] = opts.rules ?? [];
	let fired = new Map<FaultRule, number>();
	let random = seededRandom(opts.seed ?? 1);
	const calls: CallRecord[] = [];
	const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]): Promise<unknown> => {
		const name = command.constructor.name;
		const record: CallRecord = { command: name, at: performance.now() };
		calls.push(record);
		for (const rule of rules) {
			if (rule.commands !== "*" && !rule.commands.includes(name)) continue;
			if (rule.when && !rule.when(command.input)) continue;
			const n = fired.get(rule) ?? 0;
			const fire = rule.times !== undefined ? n < rule.times : rule.probability !== undefined ? random() < rule.probability : false;
			if (!fire) continue;
			fired.set(rule, n + 1);
			record.fault = rule.kind;
			if (rule.kind === "lost-response") {
				await (inner.send as (c: unknown, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
			}
			throw makeFault(rule.kind, command.input);
		}
		return (inner.send as (c: unknown, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
	};
	// Only `send` is used by the repositories; everything else (config, middleware, destroy) is the real client's.
	const doc = new Proxy(inner, {
		get(target, prop, receiver) {
			if (prop === "send") return send;
			return Reflect.get(target, prop, receiver);
		},
	}) as Doc;
	return {
		doc,
		calls,
		setRules(next) {
			rules = next;
			fired = new Map();
		},
		callsOf: (command) => calls.filter((c) => c.command === command),
		faultsInjected: () => calls.filter((c) => c.fault).length,
		reset() {
			calls.length = 0;
			fired = new Map();
			random = seededRandom(opts.seed ?? 1);
		},
	};
};
