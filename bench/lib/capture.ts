// A document client that captures the TransactWriteItems a real commit would send (reads still go to the
// table) without sending it: the bench replays the captured writes as its "raw" baseline.
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Doc } from "../../functions/commons/clients/dynamo";

export const capturingDoc = (inner: Doc, out: TransactWriteCommandInput[]): Doc =>
	new Proxy(inner, {
		get(target, prop, receiver) {
			if (prop !== "send") return Reflect.get(target, prop, receiver);
			return async (command: { constructor: { name: string }; input: unknown }) => {
				if (command.constructor.name === "TransactWriteCommand") {
					out.push(command.input as TransactWriteCommandInput);
					return {};
				}
				return (inner.send as (c: unknown) => Promise<unknown>)(command);
			};
		},
	}) as Doc;

/** Like capturingDoc, but the write is sent too, so each captured transaction is planned on the state the last one left. */
export const teeDoc = (inner: Doc, out: TransactWriteCommandInput[]): Doc =>
	new Proxy(inner, {
		get(target, prop, receiver) {
			if (prop !== "send") return Reflect.get(target, prop, receiver);
			return async (command: { constructor: { name: string }; input: unknown }) => {
				if (command.constructor.name === "TransactWriteCommand") out.push(structuredClone(command.input) as TransactWriteCommandInput);
				return (inner.send as (c: unknown) => Promise<unknown>)(command);
			};
		},
	}) as Doc;

/** Counts the calls a client makes, by command, with the time spent waiting on each kind. */
export const countingDoc = (inner: Doc, counts: Map<string, { calls: number; ms: number }>): Doc =>
	new Proxy(inner, {
		get(target, prop, receiver) {
			if (prop !== "send") return Reflect.get(target, prop, receiver);
			return async (command: { constructor: { name: string } }) => {
				const t = performance.now();
				try {
					return await (inner.send as (c: unknown) => Promise<unknown>)(command);
				} finally {
					const c = counts.get(command.constructor.name) ?? { calls: 0, ms: 0 };
					c.calls++;
					c.ms += performance.now() - t;
					counts.set(command.constructor.name, c);
				}
			};
		},
	}) as Doc;
