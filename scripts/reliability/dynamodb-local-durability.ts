// Probe: is a write that DynamoDB Local (on disk, -dbPath) acknowledged still there after the JVM is SIGKILLed?
// Not always: in most rounds the LAST acknowledged transaction is gone after the restart (the emulator leaves its
// last SQLite transaction uncommitted — a `-journal` file is left beside the database). Real DynamoDB acknowledges
// a write only once it is durable, so this is a limit of the local emulator, which the crash test
// (scripts/reliability/crash.ts) must tell apart from a platform bug.
// Usage: npx tsx scripts/reliability/dynamodb-local-durability.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { freePort, startDynamoLocal } from "../lib/dynamodb-local";

const port = await freePort();
const dbPath = mkdtempSync(join(tmpdir(), "ddb-durable-"));
let db = await startDynamoLocal({ port, dbPath });
const client = () => new DynamoDBClient({ endpoint: db.endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
let cl = client();
const TableName = "durability";
await cl.send(new CreateTableCommand({ TableName, BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }] }));
let totalLost = 0;
for (let round = 0; round < 3; round++) {
	const acked: string[] = [];
	for (let i = 0; i < 20; i++) {
		const k = `r${round}-${i}`;
		await cl.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: { pk: { S: k } } } }, { Put: { TableName, Item: { pk: { S: `${k}b` } } } }] }));
		acked.push(k);
	}
	await db.stop("SIGKILL");
	db = await startDynamoLocal({ port, dbPath });
	cl = client();
	const lost: string[] = [];
	for (const k of acked) {
		const r = await cl.send(new GetItemCommand({ TableName, Key: { pk: { S: k } }, ConsistentRead: true }));
		if (!r.Item) lost.push(k);
	}
	totalLost += lost.length;
	console.log(`round ${round}: acknowledged ${acked.length}, lost after SIGKILL ${lost.length}${lost.length ? ` (${lost.join(", ")})` : ""}`);
}
await db.stop("SIGKILL");
rmSync(dbPath, { recursive: true, force: true });
console.log(`dynamodb-local durability: ${totalLost} acknowledged transaction(s) lost over 3 SIGKILLs`);
process.exit(0);
