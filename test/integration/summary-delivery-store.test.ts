// The DynamoDB delivery and recipient stores against DynamoDB Local (test/setup/dynamodb.ts sets DYNAMODB_ENDPOINT and
// TABLE_NAME with the table created). The same contract runs against the in-memory store, so the fake the SMTP test
// relies on cannot drift from the real one.
import { randomUUID } from "node:crypto";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocClient, type Doc } from "../../functions/commons/clients/dynamo";
import { keys } from "../../functions/commons/keys";
import { createMemoryDeliveryStore, type DeliveryStore, deliverSummaries } from "../../functions/summary/deliver";
import { createDynamoDeliveryStore } from "../../functions/summary/delivery-store";
import { createRecipientStore, makeRecipientInputSchema } from "../../functions/summary/recipient-store";

let client: Doc;
let tableName: string;

beforeAll(() => {
	const endpoint = process.env.DYNAMODB_ENDPOINT;
	const table = process.env.TABLE_NAME;
	if (!endpoint || !table) throw new Error("DYNAMODB_ENDPOINT and TABLE_NAME must be set by the vitest global setup (test/setup/dynamodb.ts)");
	client = createDocClient({ endpoint, region: "cn-northwest-1" });
	tableName = table;
});

afterAll(() => {
	client?.destroy();
});

/** Each test uses its own month so runs and files never collide on keys. */
const freshMonth = (): string => `2${String(Math.floor(Math.random() * 900) + 100)}-${String(Math.floor(Math.random() * 12) + 1).padStart(2, "0")}-${randomUUID().slice(0, 8)}`;

const contract = (name: string, make: () => DeliveryStore) => {
	describe(`${name} delivery store`, () => {
		it("lets exactly one of many concurrent claims win", async () => {
			const store = make();
			const month = freshMonth();

			const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claim(month, "r1", `2025-07-15T01:00:${String(i).padStart(2, "0")}Z`)));

			expect(outcomes.filter((o) => o.claimed)).toHaveLength(1);
			const winner = outcomes.find((o) => o.claimed);
			for (const o of outcomes.filter((x) => !x.claimed)) {
				expect(o.claimed ? null : o.existing.claimToken).toBe(winner?.claimed ? winner.record.claimToken : "none");
			}
			expect(await store.get(month, "r1")).toMatchObject({ status: "sending", attempts: 0 });
		});

		it("marks sent only for the holder of the claim, and reports it to later claims", async () => {
			const store = make();
			const month = freshMonth();
			const claim = await store.claim(month, "r1", "2025-07-15T01:00:00Z");
			if (!claim.claimed) throw new Error("expected the first claim to win");

			await expect(store.markSent(month, "r1", "not-my-token", "<x>", 1, "2025-07-15T01:00:01Z")).rejects.toThrow();
			await store.markSent(month, "r1", claim.record.claimToken, "<m1@example.cn>", 2, "2025-07-15T01:00:02Z");
			const again = await store.claim(month, "r1", "2025-07-15T02:00:00Z");

			expect(again.claimed).toBe(false);
			expect(again.claimed ? null : again.existing).toMatchObject({ status: "sent", messageId: "<m1@example.cn>", attempts: 2, sentAt: "2025-07-15T01:00:02Z" });
		});

		it("records failures, lists the month, and resends with an audit trail", async () => {
			const store = make();
			const month = freshMonth();
			const c1 = await store.claim(month, "r1", "2025-07-15T01:00:00Z");
			const c2 = await store.claim(month, "r2", "2025-07-15T01:00:00Z");
			if (!c1.claimed || !c2.claimed) throw new Error("expected both claims to win");
			await store.markFailed(month, "r1", c1.record.claimToken, "ETIMEDOUT", 3, "2025-07-15T01:01:00Z");
			await store.markSent(month, "r2", c2.record.claimToken, "<m2>", 1, "2025-07-15T01:01:00Z");

			const listed = await store.list(month);
			const resent = await store.claimForResend(month, "r1", "2025-07-16T09:00:00Z", { actor: "admin", reason: "SMTP 恢复" }, 15 * 60_000);
			const stale = await store.claimForResend(month, "r1", "2025-07-16T09:05:00Z", { actor: "admin2" }, 15 * 60_000);

			expect(listed.map((r) => [r.recipientId, r.status]).sort()).toEqual([
				["r1", "failed"],
				["r2", "sent"],
			]);
			expect(listed.find((r) => r.recipientId === "r1")).toMatchObject({ error: "ETIMEDOUT", attempts: 3 });
			expect(resent.claimed).toBe(true);
			expect(resent.claimed ? resent.record : null).toMatchObject({ status: "sending", resends: 1, lastResendBy: "admin", lastResendReason: "SMTP 恢复" });
			// A second resend while the first holds a fresh 'sending' claim is refused.
			expect(stale.claimed).toBe(false);
		});

		it("drives deliverSummaries exactly once", async () => {
			const store = make();
			const month = freshMonth();
			const sent: string[] = [];
			const transport = {
				async send(m: { to: string | string[] }) {
					sent.push(String(m.to));
					return { messageId: `<${sent.length}@t>` };
				},
			};
			const recipients = ["a", "b", "c"].map((id) => ({ id, email: `${id}@example.cn` }));
			const buildEmail = (r: { email: string }) => ({ from: "x@example.cn", to: r.email, subject: "s", html: "h", text: "t" });
			const logger = { info: () => {}, warn: () => {}, error: () => {} };

			await Promise.all([
				deliverSummaries({ month, recipients, buildEmail, transport, deliveries: store, logger }),
				deliverSummaries({ month, recipients, buildEmail, transport, deliveries: store, logger }),
			]);
			await deliverSummaries({ month, recipients, buildEmail, transport, deliveries: store, logger });

			expect(sent.sort()).toEqual(["a@example.cn", "b@example.cn", "c@example.cn"]);
			expect((await store.list(month)).every((r) => r.status === "sent")).toBe(true);
		});
	});
};

contract("in-memory", () => createMemoryDeliveryStore());
contract("DynamoDB", () => createDynamoDeliveryStore({ client, tableName }));

describe("DynamoDB delivery store layout", () => {
	it("keys records by keys.delivery and writes the resend audit under AUDIT#<yyyy-mm>", async () => {
		const store = createDynamoDeliveryStore({ client, tableName, newId: () => "audit-1" });
		const month = freshMonth();
		const at = "2031-02-03T04:05:06.000Z";

		await store.claim(month, "r9", at);
		await store.claimForResend(month, "r9", "2031-02-03T05:00:00.000Z", { actor: "admin" }, 60_000);

		const item = await client.send(new GetCommand({ TableName: tableName, Key: keys.delivery(month, "r9") }));
		expect(item.Item).toMatchObject({ type: "DELIVERY", status: "sending", resends: 1 });
		const audit = await client.send(
			new QueryCommand({ TableName: tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.auditPk("2031-02") } }),
		);
		expect(audit.Items?.filter((i) => i.month === month)).toMatchObject([{ action: "summary.resend", actor: "admin", recipientId: "r9", previousStatus: "sending" }]);
	});
});

describe("recipient store", () => {
	const schema = makeRecipientInputSchema((id) => ["div2", "area-1"].includes(id));

	it("validates the API payload: email, name 1..100, known org scope", () => {
		const ok = schema.safeParse({ name: " 王主任 ", email: "Wang@Example.CN", scopeOrgId: "div2" });
		const bad = schema.safeParse({ name: "", email: "not-an-email", scopeOrgId: "nowhere", locale: "fr" });
		const long = schema.safeParse({ name: "长".repeat(101), email: "a@b.cn", scopeOrgId: "div2" });
		const extra = schema.safeParse({ name: "a", email: "a@b.cn", scopeOrgId: "div2", admin: true });

		expect(ok.success && ok.data).toEqual({ name: "王主任", email: "wang@example.cn", scopeOrgId: "div2", locale: "zh-CN", active: true });
		expect(bad.success).toBe(false);
		expect(bad.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(["email", "locale", "name", "scopeOrgId"]);
		expect(long.success).toBe(false);
		expect(extra.success).toBe(false);
	});

	it("creates, lists, updates and removes recipients", async () => {
		const store = createRecipientStore({ client, tableName });
		const tag = randomUUID().slice(0, 8);
		const created = await store.create({ name: `王主任-${tag}`, email: "wang@example.cn", scopeOrgId: "div2", locale: "zh-CN", active: true });
		const other = await store.create({ name: `Smith-${tag}`, email: "smith@example.cn", scopeOrgId: "area-1", locale: "en", active: false });

		const updated = await store.update(created.id, { ...created, name: `王局长-${tag}`, locale: "en" });
		const listed = (await store.list()).filter((r) => r.name.endsWith(tag));
		const active = (await store.listActive()).filter((r) => r.name.endsWith(tag));
		await store.remove(other.id);

		expect(updated).toMatchObject({ id: created.id, name: `王局长-${tag}`, locale: "en", createdAt: created.createdAt });
		expect(listed.map((r) => r.name).sort()).toEqual([`Smith-${tag}`, `王局长-${tag}`].sort());
		expect(active.map((r) => r.id)).toEqual([created.id]);
		expect(await store.get(other.id)).toBeNull();
		await expect(store.remove(other.id)).rejects.toMatchObject({ kind: "not-found" });
		await expect(store.update("missing-id", { ...created })).rejects.toMatchObject({ kind: "not-found" });
	});
});
