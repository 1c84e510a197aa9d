// Summary recipients: who gets the monthly email or group-robot push, for which org scope, in which language.
// RECIPIENTS / R#<id> (keys.recipient): one partition, read with Query; the list is small (tens of leaders).
import { randomUUID } from "node:crypto";
import type { Recipient } from "../core/api-types";
import { queryAll } from "../commons/clients/dynamo";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { notFound } from "../commons/errors";
import { keys } from "../commons/keys";
import { makeWebhookInputSchema } from "./push/webhook";

/**
 * The API payload for creating or replacing a recipient. isOrgId is passed in (the catalog's org units) so this module
 * loads nothing: scopeOrgId must name an org unit the summary can be compiled for.
 */
export const makeRecipientInputSchema = (isOrgId: (id: string) => boolean, pushAllowedHosts: readonly string[] = []) =>
	z
		.object({
			name: z.string().trim().min(1, "请填写姓名 (name is required)").max(100, "姓名最多100个字符 (name must be at most 100 characters)"),
			// Optional when the recipient has a group robot instead (the service checks that one of the two is there).
			email: z.preprocess(
				(v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
				z.string().trim().toLowerCase().pipe(z.email("不是有效的邮箱地址 (not a valid email address)")).optional(),
			),
			// A WeCom or DingTalk group robot; null removes it, absent keeps the stored one (its URL is never sent back).
			webhook: makeWebhookInputSchema(pushAllowedHosts).nullable().optional(),
			scopeOrgId: z.string().trim().min(1, "请选择机构范围 (org scope is required)").refine(isOrgId, "未知机构 (unknown org unit)"),
			locale: z.enum(["zh-CN", "en"]).default("zh-CN"),
			active: z.boolean().default(true),
		})
		.strict();

export type RecipientInput = z.infer<ReturnType<typeof makeRecipientInputSchema>>;

/** What the store writes: the input with the robot reduced to its masked summary (the URL went to the secret store). */
export type RecipientFields = Omit<RecipientInput, "webhook"> & { webhook?: Recipient["webhook"] };

// What the admin API returns for a recipient is part of the contract the site reads: declared once in core.
export type { Recipient };

export interface RecipientStore {
	list(): Promise<Recipient[]>;
	/** Active recipients, for the scheduled job. */
	listActive(): Promise<Recipient[]>;
	get(id: string): Promise<Recipient | null>;
	create(input: RecipientFields): Promise<Recipient>;
	/** Replaces the recipient; not-found when it does not exist. */
	update(id: string, input: RecipientFields): Promise<Recipient>;
	/** not-found when it does not exist. */
	remove(id: string): Promise<void>;
}

const FIELDS = ["id", "name", "email", "webhook", "scopeOrgId", "locale", "active", "createdAt", "updatedAt"] as const;

const toRecipient = (item: Record<string, unknown>): Recipient => {
	const out: Record<string, unknown> = {};
	for (const f of FIELDS) if (item[f] !== undefined) out[f] = item[f];
	return out as unknown as Recipient;
};

export function createRecipientStore(options: {
	client: DynamoDBDocumentClient;
	tableName: string;
	newId?: () => string;
	now?: () => Date;
}): RecipientStore {
	const { client, tableName: TableName } = options;
	const newId = options.newId ?? randomUUID;
	const now = options.now ?? (() => new Date());

	const list = async (): Promise<Recipient[]> => {
		const items = await queryAll(client, { TableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.recipientsPk } });
		return items.map(toRecipient).sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
	};

	const get = async (id: string): Promise<Recipient | null> => {
		const out = await client.send(new GetCommand({ TableName, Key: keys.recipient(id), ConsistentRead: true }));
		return out.Item ? toRecipient(out.Item) : null;
	};

	return {
		list,
		async listActive() {
			return (await list()).filter((r) => r.active);
		},
		get,
		async create(input) {
			const at = now().toISOString();
			const recipient: Recipient = { ...input, id: newId(), createdAt: at, updatedAt: at };
			await client.send(
				new PutCommand({
					TableName,
					Item: { ...keys.recipient(recipient.id), type: "RECIPIENT", ...recipient },
					ConditionExpression: "attribute_not_exists(pk)",
				}),
			);
			return recipient;
		},
		async update(id, input) {
			const existing = await get(id);
			if (!existing) throw notFound(`Recipient ${id} not found`);
			const recipient: Recipient = { ...input, id, createdAt: existing.createdAt, updatedAt: now().toISOString() };
			try {
				await client.send(
					new PutCommand({
						TableName,
						Item: { ...keys.recipient(id), type: "RECIPIENT", ...recipient },
						ConditionExpression: "attribute_exists(pk)",
					}),
				);
			} catch (err) {
				if ((err as { name?: string })?.name === "ConditionalCheckFailedException") throw notFound(`Recipient ${id} not found`);
				throw err;
			}
			return recipient;
		},
		async remove(id) {
			try {
				await client.send(new DeleteCommand({ TableName, Key: keys.recipient(id), ConditionExpression: "attribute_exists(pk)" }));
			} catch (err) {
				if ((err as { name?: string })?.name === "ConditionalCheckFailedException") throw notFound(`Recipient ${id} not found`);
				throw err;
			}
		},
	};
}
