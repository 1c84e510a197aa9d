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
