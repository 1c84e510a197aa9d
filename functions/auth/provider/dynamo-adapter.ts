// oidc-provider's storage (sessions, interactions, codes, grants, tokens) in the single table, for local mode
// and the aws-cn stage alike. One item per model instance: pk `OIDC#<model>#<id>`; gsi1 finds a session by
// uid and a device code by user code; gsi2 lists a grant's tokens per model for revokeByGrantId.
// `ttl` (epoch seconds) lets DynamoDB delete expired items; deletion lags, so reads also check it.
import { BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";
import { queryPages } from "../../commons/clients/dynamo";
import { keys } from "../../commons/keys";

/** The table's TTL attribute (functions/commons/table.ts enables it locally; CDK in AWS). */
export const TTL_ATTRIBUTE = "ttl";

const nowSec = (): number => Math.floor(Date.now() / 1000);

/** JSON round trip: the payload is JSON by contract, and this drops `undefined`s DynamoDB would reject. */
const plain = (payload: AdapterPayload): Record<string, unknown> => JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;

export class DynamoAdapter implements Adapter {
	constructor(
		readonly model: string,
		private readonly db: DynamoDBDocumentClient,
		private readonly tableName: string,
	) {}

	async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
		const item: Record<string, unknown> = { ...keys.oidc(this.model, id), type: "OIDC", model: this.model, payload: plain(payload) };
		if (typeof expiresIn === "number" && expiresIn > 0) item[TTL_ATTRIBUTE] = nowSec() + Math.ceil(expiresIn);
		if (payload.uid) Object.assign(item, keys.oidcUid(payload.uid));
		if (payload.userCode) Object.assign(item, keys.oidcUserCode(payload.userCode));
		if (payload.grantId) Object.assign(item, keys.oidcGrant(payload.grantId, this.model, id));
		await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
	}

	async find(id: string): Promise<AdapterPayload | undefined> {
		const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.oidc(this.model, id), ConsistentRead: true }));
		return live(res.Item);
	}

	async findByUid(uid: string): Promise<AdapterPayload | undefined> {
		return this.findByGsi1(keys.oidcUid(uid).gsi1pk);
	}

	async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
		return this.findByGsi1(keys.oidcUserCode(userCode).gsi1pk);
	}

	/** Marks a one-time artifact (authorization code, rotated refresh token) as used; the provider rejects its reuse. */
	async consume(id: string): Promise<void> {
		await this.db
			.send(
				new UpdateCommand({
					TableName: this.tableName,
					Key: keys.oidc(this.model, id),
					UpdateExpression: "SET #payload.#consumed = :now",
					ConditionExpression: "attribute_exists(pk)",
					ExpressionAttributeNames: { "#payload": "payload", "#consumed": "consumed" },
					ExpressionAttributeValues: { ":now": nowSec() },
				}),
			)
			.catch((e: unknown) => {
				// Consuming something already gone is a no-op, as in the reference adapters.
				if ((e as { name?: string }).name !== "ConditionalCheckFailedException") throw e;
			});
	}

	async destroy(id: string): Promise<void> {
		await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.oidc(this.model, id) }));
	}

	/** Deletes this model's artifacts of the grant (the provider calls this on every grantable model's adapter). */
	async revokeByGrantId(grantId: string): Promise<void> {
		const gsi2pk = keys.oidcGrant(grantId, this.model, "").gsi2pk;
		const pages = queryPages(this.db, {
			TableName: this.tableName,
			IndexName: "gsi2",
			KeyConditionExpression: "gsi2pk = :pk AND begins_with(gsi2sk, :model)",
			ExpressionAttributeValues: { ":pk": gsi2pk, ":model": `${this.model}#` },
			ProjectionExpression: "pk, sk",
		});
		for await (const items of pages) {
			for (let i = 0; i < items.length; i += 25) {
				let requests: Record<string, unknown>[] = items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } }));
				for (let attempt = 0; requests.length > 0; attempt++) {
					if (attempt > 5) throw new Error("revokeByGrantId: deletes still unprocessed after retries");
					const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
					requests = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
					if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
				}
			}
		}
	}

	private async findByGsi1(gsi1pk: string): Promise<AdapterPayload | undefined> {
		const res = await this.db.send(
			new QueryCommand({
				TableName: this.tableName,
				IndexName: "gsi1",
				KeyConditionExpression: "gsi1pk = :pk",
				// uids and user codes are random per model instance; the filter keeps models apart regardless.
				FilterExpression: "#model = :model",
				ExpressionAttributeNames: { "#model": "model" },
				ExpressionAttributeValues: { ":pk": gsi1pk, ":model": this.model },
			}),
		);
		return live(res.Items?.[0]);
	}
}

/** The payload of an item that exists and has not expired (DynamoDB's TTL sweep can lag by hours). */
const live = (item: Record<string, unknown> | undefined): AdapterPayload | undefined => {
	if (!item) return undefined;
	const ttl = item[TTL_ATTRIBUTE];
	if (typeof ttl === "number" && ttl <= nowSec()) return undefined;
	return item.payload as AdapterPayload;
};

/** The factory oidc-provider's `adapter` option takes: one adapter per model name. */
export const dynamoAdapterFactory =
	(db: DynamoDBDocumentClient, tableName: string): AdapterFactory =>
	(model: string) =>
		new DynamoAdapter(model, db, tableName);
