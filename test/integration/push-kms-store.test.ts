// The group robots' webhooks sealed with the push key, in DynamoDB Local, with a stand-in for KMS that really
// encrypts (AES-256-GCM, the encryption context as associated data, as KMS binds it): the item holds no URL or
// signing secret, only the recipient it was sealed for can open it, and robots saved before the key (each a Secrets
// Manager secret, here an in-memory stand-in) are still read, then moved on the next save and deleted with the robot.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../functions/commons/keys";
import { createKmsWebhookSecretStore, type KmsApi, type WebhookSecretStore } from "../../functions/summary/push/secret-store";
import type { WebhookTarget } from "../../functions/summary/push/webhook";
import { type Harness, startHarness } from "../support/harness";

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => h?.stop());

const KEY_ARN = "arn:aws-cn:kms:cn-northwest-1:111122223333:key/push";

/** KMS as the store uses it: ciphertext = iv | tag | data, the context bound as AAD; a wrong key id or context fails. */
const fakeKms = () => {
	const secret = randomBytes(32);
	const calls: { op: string; keyId: string; context: Record<string, string> }[] = [];
	const aad = (context: Record<string, string>) => Buffer.from(JSON.stringify(Object.entries(context).sort()));
	const api: KmsApi = {
		async encrypt(keyId, plaintext, context) {
			calls.push({ op: "encrypt", keyId, context });
			const iv = randomBytes(12);
			const c = createCipheriv("aes-256-gcm", secret, iv).setAAD(aad(context));
			const data = Buffer.concat([c.update(plaintext), c.final()]);
			return Buffer.concat([iv, c.getAuthTag(), data]);
		},
		async decrypt(keyId, blob, context) {
			calls.push({ op: "decrypt", keyId, context });
			if (keyId !== KEY_ARN) throw new Error("IncorrectKeyException");
			const b = Buffer.from(blob);
			const d = createDecipheriv("aes-256-gcm", secret, b.subarray(0, 12)).setAAD(aad(context));
			d.setAuthTag(b.subarray(12, 28));
			try {
				return Buffer.concat([d.update(b.subarray(28)), d.final()]);
			} catch {
				throw new Error("InvalidCiphertextException");
			}
		},
	};
	return { api, calls };
};

const memoryStore = (): WebhookSecretStore & { items: Map<string, WebhookTarget> } => {
	const items = new Map<string, WebhookTarget>();
	return {
		items,
		put: async (id, t) => void items.set(id, t),
		get: async (id) => items.get(id) ?? null,
		remove: async (id) => void items.delete(id),
	};
};

const ding: WebhookTarget = { kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=abc123secrettoken", secret: `SEC${"9".repeat(64)}` };
const wecom: WebhookTarget = { kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-0001" };

describe("group-robot webhooks sealed with the push key", () => {
	it("keeps no URL or secret in the item, and opens only for the recipient it was sealed for", async () => {
		const kms = fakeKms();
		const store = createKmsWebhookSecretStore({ client: h.app.doc, tableName: h.table, keyId: KEY_ARN, region: "cn-northwest-1", kms: async () => kms.api });
		await store.put("r-ding", ding);
		const item = (await h.app.doc.send(new GetCommand({ TableName: h.table, Key: keys.pushSecret("r-ding"), ConsistentRead: true }))).Item;
		expect(typeof item?.sealed).toBe("string");
		expect(item).not.toHaveProperty("target");
		for (const leak of ["abc123secrettoken", "oapi.dingtalk.com", "SEC999"]) expect(JSON.stringify(item)).not.toContain(leak);
		expect(await store.get("r-ding")).toEqual(ding);
		expect(kms.calls.map((c) => [c.op, c.keyId, c.context.recipientId])).toEqual([
			["encrypt", KEY_ARN, "r-ding"],
			["decrypt", KEY_ARN, "r-ding"],
		]);

		// The sealed value copied onto another recipient's item does not open there.
		await h.app.doc.send(new PutCommand({ TableName: h.table, Item: { ...keys.pushSecret("r-other"), type: "PUSHSECRET", sealed: item?.sealed } }));
		await expect(store.get("r-other")).rejects.toThrow("InvalidCiphertextException");
		expect(await store.get("r-none")).toBeNull();
	});

	it("reads a robot saved before the key, moves it on the next save, and removes both", async () => {
		const kms = fakeKms();
		const legacy = memoryStore();
		legacy.items.set("r-old", wecom);
		const store = createKmsWebhookSecretStore({ client: h.app.doc, tableName: h.table, keyId: KEY_ARN, region: "cn-northwest-1", kms: async () => kms.api, legacy });
		expect(await store.get("r-old")).toEqual(wecom);
		expect(kms.calls).toEqual([]);

		await store.put("r-old", wecom);
		expect(legacy.items.has("r-old")).toBe(false);
		expect(await store.get("r-old")).toEqual(wecom);
		expect(kms.calls.map((c) => c.op)).toEqual(["encrypt", "decrypt"]);

		legacy.items.set("r-old", ding); // a stale copy: the sealed one wins while it exists
		expect(await store.get("r-old")).toEqual(wecom);
		await store.remove("r-old");
		expect(legacy.items.has("r-old")).toBe(false);
		expect(await store.get("r-old")).toBeNull();
	});
});
