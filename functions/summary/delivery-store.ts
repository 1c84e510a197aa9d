// DeliveryStore on the single table: DELIVERY#<month> / R#<recipientId> (keys.delivery). The claim is a PutItem
// with attribute_not_exists(pk); sent/failed updates are conditional on the claim token; a resend updates the record
// and writes an AUDIT#<yyyy-mm> item in one transaction.
import { randomUUID } from "node:crypto";
import { queryAll } from "../commons/clients/dynamo";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../commons/keys";
import { type ClaimOutcome, type DeliveryRecord, type DeliveryStore, type ResendAudit, resendBlocked, resendRecord } from "./deliver";

const isConditionFailure = (err: unknown): boolean => {
	const e = err as { name?: string; CancellationReasons?: { Code?: string }[] };
	if (e?.name === "ConditionalCheckFailedException") return true;
	return e?.name === "TransactionCanceledException" && (e.CancellationReasons ?? []).some((r) => r?.Code === "ConditionalCheckFailed");
};

const FIELDS = [
	"month",
	"recipientId",
	"status",
	"attempts",
	"claimToken",
	"claimedAt",
	"updatedAt",
	"messageId",
	"sentAt",
	"error",
	"resends",
	"lastResendBy",
	"lastResendReason",
] as const;

const toRecord = (item: Record<string, unknown>): DeliveryRecord => {
	const out: Record<string, unknown> = {};
	for (const f of FIELDS) if (item[f] !== undefined) out[f] = item[f];
	return out as unknown as DeliveryRecord;
};

export interface DynamoDeliveryStoreOptions {
	client: DynamoDBDocumentClient;
	tableName: string;
	newToken?: () => string;
	newId?: () => string;
	/**
	 * The key prefix: DELIVERY (monthly summaries, keys.delivery) by default. Reminders and feedback cards use NOTICE,
	 * group-robot pushes PUSH: the same claim design, kept apart so each listing shows only its own records.
	 */
	partition?: "DELIVERY" | "NOTICE" | "PUSH";
}

export function createDynamoDeliveryStore(options: DynamoDeliveryStoreOptions): DeliveryStore {
	const { client, tableName: TableName } = options;
	const newToken = options.newToken ?? randomUUID;
	const newId = options.newId ?? randomUUID;
	const partition = options.partition ?? "DELIVERY";
	const keyOf = (month: string, recipientId: string) => (partition === "DELIVERY" ? keys.delivery(month, recipientId) : { pk: `${partition}#${month}`, sk: `R#${recipientId}` });

	const get = async (month: string, recipientId: string): Promise<DeliveryRecord | null> => {
		const out = await client.send(new GetCommand({ TableName, Key: keyOf(month, recipientId), ConsistentRead: true }));
		return out.Item ? toRecord(out.Item) : null;
	};

	const finish = async (
		month: string,
		recipientId: string,
		token: string,
		set: Record<string, unknown>,
		remove: string[] = [],
	): Promise<void> => {
		const names: Record<string, string> = { "#token": "claimToken" };
		const values: Record<string, unknown> = { ":token": token };
		const sets = Object.entries(set).map(([k, v], i) => {
			names[`#f${i}`] = k;
			values[`:v${i}`] = v;
			return `#f${i} = :v${i}`;
		});
		const removes = remove.map((k, i) => {
			names[`#r${i}`] = k;
			return `#r${i}`;
		});
		await client.send(
			new UpdateCommand({
				TableName,
				Key: keyOf(month, recipientId),
				UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
				ConditionExpression: "#token = :token",
				ExpressionAttributeNames: names,
				ExpressionAttributeValues: values,
			}),
		);
	};

	return {
		async claim(month, recipientId, at): Promise<ClaimOutcome> {
			// Two tries: the record could be deleted between a failed put and the read (manual cleanup).
			for (let i = 0; i < 2; i++) {
				const record: DeliveryRecord = { month, recipientId, status: "sending", attempts: 0, claimToken: newToken(), claimedAt: at, updatedAt: at, resends: 0 };
				try {
					await client.send(
						new PutCommand({
							TableName,
							Item: { ...keyOf(month, recipientId), type: partition, ...record },
							ConditionExpression: "attribute_not_exists(pk)",
						}),
					);
					return { claimed: true, record };
				} catch (err) {
					if (!isConditionFailure(err)) throw err;
				}
				const existing = await get(month, recipientId);
				if (existing) return { claimed: false, existing };
			}
			throw new Error(`Could not claim delivery ${month}/${recipientId}`);
		},

		async claimForResend(month, recipientId, at, audit: ResendAudit, staleAfterMs): Promise<ClaimOutcome> {
			const existing = await get(month, recipientId);
			if (existing && resendBlocked(existing, at, staleAfterMs)) return { claimed: false, existing };
			const record = resendRecord(existing, month, recipientId, at, audit, newToken());
			const id = newId();
			try {
				await client.send(
					new TransactWriteCommand({
						TransactItems: [
							{
								Put: {
									TableName,
									Item: { ...keyOf(month, recipientId), type: partition, ...record },
									// Optimistic: exactly the record we read (or none), so two concurrent resends cannot both win.
									ConditionExpression: existing ? "claimToken = :prev" : "attribute_not_exists(pk)",
									...(existing ? { ExpressionAttributeValues: { ":prev": existing.claimToken } } : {}),
								},
							},
							{
								Put: {
									TableName,
									Item: {
										...keys.audit(at.slice(0, 7), at, id),
										type: "AUDIT",
										action: "summary.resend",
										at,
										actor: audit.actor,
										...(audit.reason ? { reason: audit.reason } : {}),
										month,
										recipientId,
										previousStatus: existing?.status ?? null,
										...(existing?.messageId ? { previousMessageId: existing.messageId } : {}),
									},
									ConditionExpression: "attribute_not_exists(pk)",
								},
							},
						],
					}),
				);
			} catch (err) {
				if (!isConditionFailure(err)) throw err;
				const now = await get(month, recipientId);
				if (!now) throw err;
				return { claimed: false, existing: now };
			}
			return { claimed: true, record };
		},

		markSent: (month, recipientId, token, messageId, attempts, at) =>
			finish(month, recipientId, token, { status: "sent", messageId, attempts, sentAt: at, updatedAt: at }, ["error"]),

		markFailed: (month, recipientId, token, error, attempts, at) =>
			finish(month, recipientId, token, { status: "failed", error: error.slice(0, 2000), attempts, updatedAt: at }),

		get,

		async list(month) {
			const items = await queryAll(client, {
				TableName,
				KeyConditionExpression: "pk = :pk",
				ExpressionAttributeValues: { ":pk": partition === "DELIVERY" ? keys.deliveryPk(month) : `${partition}#${month}` },
			});
			return items.map(toRecord);
		},
	};
}
