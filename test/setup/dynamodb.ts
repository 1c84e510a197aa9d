// vitest global setup: one DynamoDB Local (in memory) on a free port for the whole run.
// Tests get DYNAMODB_ENDPOINT and TABLE_NAME; each test file should use its own table name or own keys.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ensureTable } from "../../functions/commons/table";
import { type DynamoLocal, startDynamoLocal } from "../../scripts/lib/dynamodb-local";

let db: DynamoLocal | undefined;

export default async function setup(): Promise<() => Promise<void>> {
	process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
	db = await startDynamoLocal({ timeoutMs: 60_000 });
	process.env.DYNAMODB_ENDPOINT = db.endpoint;
	process.env.TABLE_NAME ??= "hpm-test";
	process.env.AWS_REGION ??= "cn-northwest-1";
	const client = new DynamoDBClient({ endpoint: db.endpoint, region: "cn-northwest-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
	await ensureTable(client, process.env.TABLE_NAME);
	client.destroy();
	return async () => {
		await db?.stop("SIGKILL");
	};
}
