// Where a recipient's group-robot URL and DingTalk signing secret live. Both are credentials (anyone with the URL can
// post to the group), so they are kept out of the recipient item, under PUSHSECRET / <recipientId>, which no API
// reads back:
// - in AWS sealed with the stack's push key (KMS Encrypt, the recipient's id as encryption context): any function
//   can read the table, but only the two the stack grants kms:Decrypt on that key can open it. One key for every
//   robot, where one Secrets Manager secret per robot cost $0.40 a month each (docs/performance.md, cost model);
// - robots saved before that (December 2026) are each a Secrets Manager secret `<PUSH_SECRET_PREFIX><recipientId>`:
//   still read, and moved into the table the next time an admin saves the recipient;
// - in local mode, with no key configured, in plain text in the local table.
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

/** The KMS operations used, so a test can stand in for the service. */
export interface KmsApi {
	encrypt(keyId: string, plaintext: Uint8Array, context: Record<string, string>): Promise<Uint8Array>;
	decrypt(keyId: string, ciphertext: Uint8Array, context: Record<string, string>): Promise<Uint8Array>;
}

const awsKmsApi = async (region: string): Promise<KmsApi> => {
	const k = await import("@aws-sdk/client-kms");
	const client = new k.KMSClient({ region });
	return {
		async encrypt(keyId, plaintext, context) {
			const out = await client.send(new k.EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context }));
			if (!out.CiphertextBlob) throw new Error("KMS returned no ciphertext");
			return out.CiphertextBlob;
		},
		async decrypt(keyId, ciphertext, context) {
			const out = await client.send(new k.DecryptCommand({ KeyId: keyId, CiphertextBlob: ciphertext, EncryptionContext: context }));
			if (!out.Plaintext) throw new Error("KMS returned no plaintext");
			return out.Plaintext;
		},
	};
};

/**
 * AWS: each robot sealed with the push key in the table. `legacy` is the Secrets Manager store robots saved before
 * were kept in: read when the table has none, and emptied when the robot is saved again or removed.
 */
export const createKmsWebhookSecretStore = (options: {
	client: DynamoDBDocumentClient;
	tableName: string;
	keyId: string;
	region: string;
	kms?: () => Promise<KmsApi>;
	legacy?: WebhookSecretStore;
}): WebhookSecretStore => {
	const { client, tableName: TableName, keyId, legacy } = options;
	let api: Promise<KmsApi> | undefined;
	const open = (): Promise<KmsApi> => {
		api ??= (options.kms ?? (() => awsKmsApi(options.region)))();
		return api;
	};
	// Bound to the recipient: a sealed robot copied onto another recipient's item does not open.
	const context = (recipientId: string) => ({ purpose: "health-plan group-robot webhook", recipientId });
	return {
		async put(recipientId, target) {
			const sealed = await (await open()).encrypt(keyId, Buffer.from(JSON.stringify(target), "utf8"), context(recipientId));
			await client.send(new PutCommand({ TableName, Item: { ...keys.pushSecret(recipientId), type: "PUSHSECRET", sealed: Buffer.from(sealed).toString("base64") } }));
			// A robot saved before is now in the table; its old secret would only cost money.
			await legacy?.remove(recipientId);
		},
		async get(recipientId) {
			const out = await client.send(new GetCommand({ TableName, Key: keys.pushSecret(recipientId), ConsistentRead: true }));
			if (typeof out.Item?.sealed === "string") {
				const plain = await (await open()).decrypt(keyId, Buffer.from(out.Item.sealed, "base64"), context(recipientId));
				return parseTarget(JSON.parse(Buffer.from(plain).toString("utf8")));
			}
			return legacy ? legacy.get(recipientId) : null;
		},
		async remove(recipientId) {
			await client.send(new DeleteCommand({ TableName, Key: keys.pushSecret(recipientId) }));
			await legacy?.remove(recipientId);
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
