// The one DynamoDB client module. The endpoint comes from the environment, so local mode (DynamoDB
// Local) and AWS share every line of data-access code.
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { config } from "../config";

export type Doc = DynamoDBDocumentClient;

export const createDocClient = (opts: { endpoint?: string; region?: string; maxAttempts?: number } = {}): Doc => {
	const endpoint = opts.endpoint ?? config.dynamoEndpoint;
	const cfg: DynamoDBClientConfig = {
		region: opts.region ?? config.region,
		maxAttempts: opts.maxAttempts ?? 4,
	};
	if (endpoint) {
		cfg.endpoint = endpoint;
		// DynamoDB Local accepts any credentials made of letters and digits.
		cfg.credentials = { accessKeyId: "local", secretAccessKey: "local" };
	}
	return DynamoDBDocumentClient.from(new DynamoDBClient(cfg), {
		marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
	});
};

let shared: Doc | undefined;
/** The process-wide client, created on first use (cold start). */
export const docClient = (): Doc => {
	shared ??= createDocClient();
	return shared;
};

/** Every page of a Query, one at a time (for work that should start before the last page arrives). */
export async function* queryPages(doc: Doc, input: QueryCommandInput): AsyncGenerator<Record<string, unknown>[]> {
	let ExclusiveStartKey: Record<string, unknown> | undefined;
	do {
		const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
		yield (page.Items ?? []) as Record<string, unknown>[];
		ExclusiveStartKey = page.LastEvaluatedKey;
	} while (ExclusiveStartKey);
}

/** Every item a Query matches, following LastEvaluatedKey to the last page. */
export const queryAll = async (doc: Doc, input: QueryCommandInput): Promise<Record<string, unknown>[]> => {
	const out: Record<string, unknown>[] = [];
	for await (const items of queryPages(doc, input)) out.push(...items);
	return out;
};
