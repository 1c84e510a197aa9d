// The table's shape, shared by local table creation and asserted against the CDK template.
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";

export const tableShape = {
	partitionKey: "pk",
	sortKey: "sk",
	indexes: [
		{ name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
		{ name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
	],
	ttlAttribute: "ttl",
} as const;

/** Creates the table if it does not exist (local mode and tests; CDK creates it in AWS). */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<"created" | "exists"> => {
	try {
		await client.send(new DescribeTableCommand({ TableName: tableName }));
		return "exists";
	} catch (e) {
		if ((e as Error).name !== "ResourceNotFoundException") throw e;
	}
	const attrs = new Set<string>([tableShape.partitionKey, tableShape.sortKey]);
	for (const i of tableShape.indexes) {
		attrs.add(i.partitionKey);
		attrs.add(i.sortKey);
	}
	try {
		await client.send(
			new CreateTableCommand({
				TableName: tableName,
				BillingMode: "PAY_PER_REQUEST",
				AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: "S" })),
				KeySchema: [
					{ AttributeName: tableShape.partitionKey, KeyType: "HASH" },
					{ AttributeName: tableShape.sortKey, KeyType: "RANGE" },
				],
				GlobalSecondaryIndexes: tableShape.indexes.map((i) => ({
					IndexName: i.name,
					KeySchema: [
						{ AttributeName: i.partitionKey, KeyType: "HASH" },
						{ AttributeName: i.sortKey, KeyType: "RANGE" },
					],
					Projection: { ProjectionType: "ALL" },
				})),
			}),
		);
	} catch (e) {
		if (e instanceof ResourceInUseException) return "exists";
		throw e;
	}
	await client.send(
		new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: tableShape.ttlAttribute, Enabled: true } }),
	);
	return "created";
};
