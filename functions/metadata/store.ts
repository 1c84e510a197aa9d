// Catalog items as admins edit them: each write is one TransactWriteItems of the changed items (each guarded
// by its revision, for If-Match), their audit events with before and after, and the catalog version bump,
// so a container's cache check (catalog-repo.ts) sees the edit and nothing is half-applied.
import { randomUUID } from "node:crypto";
import { queryAll } from "../commons/clients/dynamo";
import { GetCommand, type QueryCommandInput, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Doc } from "../commons/clients/dynamo";
import { AppError } from "../commons/errors";
import { type Key, keys } from "../commons/keys";

export interface Stored<T> {
	body: T;
	/** Revision: 0 for an item as seeded (no revision yet), then 1, 2, … per admin write. */
	rev: number;
}

export interface CatalogWrite {
	key: Key;
	/** null deletes the item. */
	body: unknown | null;
	/** "absent": must not exist (create); a number: must be at that revision; undefined: last write wins. */
	expect?: "absent" | number;
	/** Revision read with the item, used when `expect` is undefined (the new revision is prev + 1). */
	prevRev?: number;
	/** Field reported when the condition fails ("code" for a create, "If-Match" otherwise). */
	field: string;
}

export interface MetadataAudit {
	at: string;
	by: string;
	action: string;
	target: string;
	before: unknown;
	after: unknown;
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/** DynamoDB takes at most 100 items per transaction; the version bump takes one. */
export const MAX_WRITES_PER_TRANSACTION = 45;

/** Every page of a Query (the one paged-query helper, clients/dynamo.ts). */
export const queryAllItems = (doc: Doc, input: QueryCommandInput): Promise<Record<string, unknown>[]> => queryAll(doc, input);

export const etagOf = (rev: number): string => `"${rev}"`;

export class MetadataStore {
	constructor(
		private readonly doc: Doc,
		private readonly table: string,
	) {}

	async get<T>(key: Key): Promise<Stored<T> | null> {
		const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
		return r.Item ? { body: r.Item.body as T, rev: Number(r.Item.rev ?? 0) } : null;
	}

	/** Every catalog item with its revision, by sort key (one Query of the catalog partition). */
	async revisions(): Promise<Map<string, number>> {
		const items = await queryAllItems(this.doc, {
			TableName: this.table,
			KeyConditionExpression: "pk = :pk",
			ExpressionAttributeValues: { ":pk": keys.catalogPk },
			ProjectionExpression: "sk, rev",
			ConsistentRead: true,
		});
		return new Map(items.map((it) => [String(it.sk), Number(it.rev ?? 0)]));
	}

	/**
	 * The writes, their audit events and the version bump in one transaction. `extra` items (a rebuild job)
	 * join the same transaction. A failed condition becomes a 409 naming the item's field.
	 */
	async commit(writes: CatalogWrite[], audits: MetadataAudit[], extra: TransactItem[] = []): Promise<void> {
		if (writes.length + audits.length + extra.length + 1 > 100) throw new Error("metadata commit: more than 100 items in one transaction");
		const items: TransactItem[] = writes.map((w) => {
			const rev = (typeof w.expect === "number" ? w.expect : (w.prevRev ?? 0)) + 1;
			const condition =
				w.expect === "absent"
					? { ConditionExpression: "attribute_not_exists(pk)" }
					: w.expect === 0
						? { ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(rev)" }
						: typeof w.expect === "number"
							? { ConditionExpression: "rev = :rev", ExpressionAttributeValues: { ":rev": w.expect } }
							: {};
			if (w.body === null) return { Delete: { TableName: this.table, Key: w.key, ...condition } };
			return { Put: { TableName: this.table, Item: { ...w.key, body: w.body, rev }, ...condition } };
		});
		for (const a of audits) {
			items.push({ Put: { TableName: this.table, Item: { ...keys.audit(a.at.slice(0, 7), a.at, randomUUID()), at: a.at, by: a.by, action: a.action, target: a.target, detail: { before: a.before, after: a.after } } } });
		}
		items.push(...extra);
		items.push({ Update: { TableName: this.table, Key: keys.catalogVersion(), UpdateExpression: "ADD v :one", ExpressionAttributeValues: { ":one": 1 } } });
		try {
			await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
		} catch (e) {
			const err = e as { name?: string; CancellationReasons?: { Code?: string }[] };
			if (err.name !== "TransactionCanceledException") throw e;
			const reasons = err.CancellationReasons ?? [];
			const failed = reasons.findIndex((r) => r.Code === "ConditionalCheckFailed");
			if (failed < 0) throw e;
			const w = writes[failed];
			if (!w) throw new AppError("conflict", "另一项后台任务正在进行，请稍后再试 (another job holds this resource; retry later)", { rebuild: "已有重建任务在运行 (a rebuild is already running)" });
			if (w.expect === "absent") throw new AppError("bad-request", "编码已被占用 (this code is taken)", { [w.field]: "编码已被占用 (this code is taken)" });
			throw new AppError("conflict", "内容已被他人修改，请刷新后重试 (changed since you read it; reload and retry)", { [w.field]: "版本已变化 (stale version)" });
		}
	}
}
