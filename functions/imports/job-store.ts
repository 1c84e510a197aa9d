// The import job item: written once the whole file has been validated, updated with progress while rows are
// applied, and read by GET /api/imports/{importId}. Every write is conditioned, so two requests can never
// both run one import: a new job must not exist, a progress write must still hold the run's lease.
import type { ImportJobView } from "../core/api-types";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { gunzipSync, gzipSync } from "node:zlib";
import type { ImportRowReport } from "../core/import-sheet";
import type { App } from "../commons/app";
import { AppError, notFound } from "../commons/errors";
import { keys } from "../commons/keys";

/** A job is only ever seen applying, done or failed (validation is quick: one Query per unit in the file). */
export type ImportStatus = ImportJobView["status"];

// The job as the API shows it is part of the contract the site reads: declared once in core.
export type { ImportJobView };

export interface JobItem extends Omit<ImportJobView, "rows"> {
	fileHash: string;
	/** The lease of the request applying the job: progress writes are conditioned on it. */
	runId: string;
	rowsGz?: Uint8Array;
}

/** new: the job must not exist; runId: this run still holds it; takeOver: nobody updated it since it was read. */
export type JobCondition = "new" | { runId: string } | { takeOver: string };

export type JobCounts = Pick<ImportJobView, "done" | "created" | "updated" | "unchanged" | "failed">;

/** Job items are kept for 90 days (the table's TTL), long enough to look an import up afterwards. */
const JOB_TTL_SECONDS = 90 * 86_400;
/** DynamoDB items are at most 400 KB; the gzipped report is kept well under it. */
const MAX_REPORT_BYTES = 300_000;

const packRows = (rows: ImportRowReport[]): { rowsGz: Uint8Array; rowsTruncated?: boolean } => {
	const gz = (r: ImportRowReport[]) => new Uint8Array(gzipSync(JSON.stringify(r), { level: 6 }));
	let packed = gz(rows);
	if (packed.length <= MAX_REPORT_BYTES) return { rowsGz: packed };
	let kept = rows.filter((r) => r.status === "error" || r.warnings?.length);
	packed = gz(kept);
	while (packed.length > MAX_REPORT_BYTES && kept.length > 1) {
		kept = kept.slice(0, Math.floor(kept.length / 2));
		packed = gz(kept);
	}
	return { rowsGz: packed, rowsTruncated: true };
};

/** The row report a job item keeps (gzipped JSON); empty when there is none. */
export const unpackRows = (b: unknown): ImportRowReport[] => (b instanceof Uint8Array ? (JSON.parse(gunzipSync(b).toString("utf8")) as ImportRowReport[]) : []);

export const createJobStore = (app: App) => {
	const find = async (importId: string): Promise<JobItem | null> => {
		const r = await app.doc.send(new GetCommand({ TableName: app.table, Key: keys.importJob(importId), ConsistentRead: true }));
		return (r.Item as JobItem | undefined) ?? null;
	};

	/** What the API shows of a job: the item without its keys, lease and file hash, with the rows unpacked. */
	const view = (j: JobItem, rows?: ImportRowReport[]): ImportJobView => {
		const { fileHash: _h, runId: _r, rowsGz, pk: _pk, sk: _sk, ttl: _ttl, ...rest } = j as JobItem & { pk?: string; sk?: string; ttl?: number };
		return { ...rest, rows: rows ?? unpackRows(rowsGz) };
	};

	const get = async (importId: string): Promise<ImportJobView> => {
		const job = await find(importId);
		if (!job) throw notFound(`未找到导入任务 ${importId} (no such import)`);
		return view(job);
	};

	/** Writes the whole job item; a 409 when another request created or took over the same import meanwhile. */
	const put = async (job: JobItem, rows: ImportRowReport[], condition: JobCondition): Promise<void> => {
		const now = new Date();
		const item = { ...keys.importJob(job.importId), ...job, ...packRows(rows), ttl: Math.floor(now.getTime() / 1000) + JOB_TTL_SECONDS };
		try {
			await app.doc.send(
				new PutCommand({
					TableName: app.table,
					Item: item,
					...(condition === "new"
						? { ConditionExpression: "attribute_not_exists(pk)" }
						: "runId" in condition
							? { ConditionExpression: "runId = :r", ExpressionAttributeValues: { ":r": condition.runId } }
							: { ConditionExpression: "updatedAt = :u", ExpressionAttributeValues: { ":u": condition.takeOver } }),
				}),
			);
		} catch (e) {
			if ((e as { name?: string }).name !== "ConditionalCheckFailedException") throw e;
			throw new AppError("conflict", "该导入正在由另一个请求执行，请稍后查询进度 (another request is running this import; poll GET /api/imports/{importId})", undefined, { importId: job.importId });
		}
	};

	/** Records progress under the run's lease; false when another invocation has taken the job over. */
	const progress = async (importId: string, runId: string, counts: JobCounts, updatedAt: string): Promise<boolean> => {
		try {
			await app.doc.send(
				new UpdateCommand({
					TableName: app.table,
					Key: keys.importJob(importId),
					UpdateExpression: "SET done = :d, created = :c, updated = :u, unchanged = :n, failed = :f, updatedAt = :t",
					ConditionExpression: "runId = :r",
					ExpressionAttributeValues: { ":d": counts.done, ":c": counts.created, ":u": counts.updated, ":n": counts.unchanged, ":f": counts.failed, ":t": updatedAt, ":r": runId },
				}),
			);
			return true;
		} catch (e) {
			if ((e as { name?: string }).name === "ConditionalCheckFailedException") return false;
			throw e;
		}
	};

	return { find, view, get, put, progress };
};

export type JobStore = ReturnType<typeof createJobStore>;
