// The floor a Lambda bundle of this platform cannot go below: the DynamoDB document client and one GetItem,
// nothing of the platform's own. Built and timed beside each function (bench/sections/cold-start.ts).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (): Promise<unknown> => (await doc.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: "floor", sk: "floor" } }))).Item ?? null;
