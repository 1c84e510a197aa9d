// Where a recipient's group-robot URL and DingTalk signing secret live. Both are credentials (anyone with the URL can
// post to the group), so they are kept out of the recipient item: in AWS each robot is one Secrets Manager secret
// named `<PUSH_SECRET_PREFIX><recipientId>` (the name follows from the id, so the item needs no reference); in local
// mode, with no prefix configured, they sit in the local table under PUSHSECRET, which no API reads back.
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../../commons/keys";
import type { WebhookTarget } from "./webhook";

export interface WebhookSecretStore {
	put(recipientId: string, target: WebhookTarget): Promise<void>;
	/** null when the recipient has no robot stored. */
	get(recipientId: string): Promise<WebhookTarget | null>;
	/** Succeeds when there is nothing to remove. */
	remove(recipientId: string): Promise<void>;
}

const parseTarget = (raw: unknown): WebhookTarget | null => {
	const t = raw as Partial<WebhookTarget> | null;
	if (!t || (t.kind !== "wecom" && t.kind !== "dingtalk") || typeof t.url !== "string") return null;
	return { kind: t.kind, url: t.url, ...(typeof t.secret === "string" && t.secret ? { secret: t.secret } : {}) };
};

/** Local mode: the table. */
export const createTableWebhookSecretStore = (options: { client: DynamoDBDocumentClient; tableName: string }): WebhookSecretStore => {
	const { client, tableName: TableName } = options;
	return {
		async put(recipientId, target) {
			await client.send(new PutCommand({ TableName, Item: { ...keys.pushSecret(recipientId), type: "PUSHSECRET", target: JSON.stringify(target) } }));
		},
		async get(recipientId) {
			const out = await client.send(new GetCommand({ TableName, Key: keys.pushSecret(recipientId), ConsistentRead: true }));
			return typeof out.Item?.target === "string" ? parseTarget(JSON.parse(out.Item.target)) : null;
		},
		async remove(recipientId) {
			await client.send(new DeleteCommand({ TableName, Key: keys.pushSecret(recipientId) }));
		},
	};
};

/** The Secrets Manager operations used, so a test can stand in for the service. */
export interface SecretsApi {
	getSecretValue(name: string): Promise<string | null>;
	putSecretValue(name: string, value: string): Promise<"updated" | "missing">;
	createSecret(name: string, value: string, description: string): Promise<void>;
	deleteSecret(name: string): Promise<void>;
}

const awsSecretsApi = async (region: string): Promise<SecretsApi> => {
	const sm = await import("@aws-sdk/client-secrets-manager");
	const client = new sm.SecretsManagerClient({ region });
	const missing = (err: unknown) => (err as { name?: string })?.name === "ResourceNotFoundException";
	return {
		async getSecretValue(name) {
			try {
				return (await client.send(new sm.GetSecretValueCommand({ SecretId: name }))).SecretString ?? null;
			} catch (err) {
				if (missing(err)) return null;
				throw err;
			}
		},
		async putSecretValue(name, value) {
			try {
				await client.send(new sm.PutSecretValueCommand({ SecretId: name, SecretString: value }));
				return "updated";
			} catch (err) {
				if (missing(err)) return "missing";
				throw err;
			}
		},
		async createSecret(name, value, description) {
			await client.send(new sm.CreateSecretCommand({ Name: name, SecretString: value, Description: description }));
		},
		async deleteSecret(name) {
			try {
				// No recovery window: the robot's URL can be copied again from the group, and a window would block
				// re-adding a robot to the same recipient for days.
				await client.send(new sm.DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
			} catch (err) {
				if (!missing(err)) throw err;
			}
		},
	};
};

/** AWS: one secret per recipient under the prefix the stack grants (infra: PUSH_SECRET_PREFIX). */
export const createSecretsManagerWebhookSecretStore = (options: { prefix: string; region: string; api?: () => Promise<SecretsApi> }): WebhookSecretStore => {
	let api: Promise<SecretsApi> | undefined;
	const open = (): Promise<SecretsApi> => {
		api ??= (options.api ?? (() => awsSecretsApi(options.region)))();
		return api;
	};
	const nameOf = (recipientId: string) => `${options.prefix}${recipientId}`;
	return {
		async put(recipientId, target) {
			const value = JSON.stringify(target);
			const sm = await open();
			if ((await sm.putSecretValue(nameOf(recipientId), value)) === "missing")
				await sm.createSecret(nameOf(recipientId), value, `Group-robot webhook of summary recipient ${recipientId} (docs/deploy.md)`);
		},
		async get(recipientId) {
			const raw = await (await open()).getSecretValue(nameOf(recipientId));
			return raw ? parseTarget(JSON.parse(raw)) : null;
		},
		async remove(recipientId) {
			await (await open()).deleteSecret(nameOf(recipientId));
		},
	};
};
