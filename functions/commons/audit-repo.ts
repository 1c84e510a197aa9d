// Audit events for actions that are not submission versions: reopen, user changes, unit and plan edits,
// summary runs and resends. Kept by month; never deleted by a normal operation.
import { randomUUID } from "node:crypto";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Doc } from "./clients/dynamo";
import { keys } from "./keys";

export interface AuditEvent {
	at: string;
	by: string;
	action: string;
	target: string;
	detail?: Record<string, unknown>;
}

export class AuditRepo {
	constructor(
		private readonly doc: Doc,
		private readonly table: string,
	) {}

	async record(e: AuditEvent): Promise<void> {
		const month = e.at.slice(0, 7);
		await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.audit(month, e.at, randomUUID()), ...e } }));
	}

	/** Newest first. */
	async list(month: string, limit = 200): Promise<AuditEvent[]> {
		const r = await this.doc.send(
			new QueryCommand({ TableName: this.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.auditPk(month) }, ScanIndexForward: false, Limit: limit }),
		);
		return (r.Items ?? []).map(({ pk: _p, sk: _s, ...rest }) => rest as AuditEvent);
	}
}
