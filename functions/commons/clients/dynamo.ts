// The one DynamoDB client module. The endpoint comes from the environment, so local mode (DynamoDB
// Local) and AWS share every line of data-access code.
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { mapPool } from "../../core/pool";
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

/**
 * Every item of `keys` that exists, by `pk|sk`: BatchGetItem in calls of 100 keys, `inFlight` calls at a time,
 * following UnprocessedKeys (with a short backoff) until DynamoDB has answered for every key.
 */
export const batchGetAll = async (
	doc: Doc,
	table: string,
	keys: readonly { pk: string; sk: string }[],
	opts: { consistent?: boolean; projection?: string[]; inFlight?: number } = {},
): Promise<Map<string, Record<string, unknown>>> => {
	const out = new Map<string, Record<string, unknown>>();
	const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
	const chunks: { pk: string; sk: string }[][] = [];
	for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
	const projection = opts.projection ? [...new Set(["pk", "sk", ...opts.projection])] : undefined;
	const names = projection ? Object.fromEntries(projection.map((p, i) => [`#p${i}`, p])) : undefined;
	const one = async (chunk: { pk: string; sk: string }[]) => {
		let pending: Record<string, unknown>[] = chunk;
		for (let attempt = 0; pending.length > 0; attempt++) {
			if (attempt > 8) throw new Error("BatchGetItem: DynamoDB kept keys unprocessed");
			if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
			const r = await doc.send(
				new BatchGetCommand({
					RequestItems: {
						[table]: {
							Keys: pending,
							...(opts.consistent ? { ConsistentRead: true } : {}),
							...(names ? { ProjectionExpression: Object.keys(names).join(", "), ExpressionAttributeNames: names } : {}),
						},
					},
				}),
			);
			for (const it of r.Responses?.[table] ?? []) out.set(`${it.pk}|${it.sk}`, it);
			pending = (r.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
		}
	};
	await mapPool(chunks, Math.max(1, opts.inFlight ?? 4), one);
	return out;
};
