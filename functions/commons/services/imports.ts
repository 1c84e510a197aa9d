// Bulk import (POST /api/imports, GET /api/imports/{importId}) and export (GET /api/exports).
// An import validates the whole file first — nothing is written unless every row passes — and then
// applies it unit × period through the submission service's own put(), so the validation, the
// transactional write, the version history and the aggregates are exactly those of a form submitted by
// hand. docs/imports.md describes the layout, the limits and how an interrupted import resumes.
import { createHash, randomBytes } from "node:crypto";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { gunzipSync, gzipSync, strFromU8, strToU8 } from "fflate";
import * as z from "zod";
import { isWithin } from "../../core/catalog-index";
import {
	type ApplyItem,
	exportElements,
	exportRows,
	type ImportFieldError,
	type ImportRowReport,
	MAX_IMPORT_ROWS,
	parseImportSheet,
	planImport,
	type SheetTable,
	type StoredState,
	storedRangeByUnit,
} from "../../core/import-sheet";
import { lastFullMonth } from "../../core/periods";
import type { Principal } from "../../core/types";
import { STATUS_LABELS } from "../../summary/model";
import { writeXlsx, XLSX_CONTENT_TYPE, type XlsxSheet } from "../../summary/xlsx";
import type { App } from "../app";
import { config } from "../config";
import { readCsv, type TextEncodingName } from "../csv-read";
import { AppError, notFound } from "../errors";
import { parseWith, type RouteImpl } from "../http";
import { keys } from "../keys";
import { mapPool } from "../pool";
import { periodParamSchema, planIdSchema } from "../schemas";
import { isOle, isZip, readXlsx } from "../xlsx-read";
import { createAnalyticsService } from "./analytics";
import { createSubmissionService, type SubmissionService } from "./submissions";

// ---------------------------------------------------------------------------------------------
// Edge schemas

const flag = z.enum(["true", "false", "1", "0"], { error: "应为 true 或 false (must be true or false)" }).transform((v) => v === "true" || v === "1");

export const importQuerySchema = z
	.object({
		dryRun: flag.optional(),
		/** Read this sheet of an .xlsx instead of the first. */
		sheet: z.string().min(1).max(31).optional(),
	})
	.passthrough();

/** A client-chosen import id: re-posting with the same key resumes or replays that import. */
export const importIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { error: "导入编号应为8-64位字母、数字、- 或 _ (8-64 letters, digits, - or _)" });

export const exportQuerySchema = z
	.object({
		period: periodParamSchema.optional(),
		plan: planIdSchema.optional(),
	})
	.passthrough();

// ---------------------------------------------------------------------------------------------

/**
 * The job item is written once the whole file has been validated, so it is only ever seen applying,
 * done or failed (validation is quick: one Query per unit in the file).
 */
export type ImportStatus = "applying" | "done" | "failed";

export interface ImportJobView {
	importId: string;
	status: ImportStatus;
	/** True while an applying job is waiting to be resumed (time budget reached or interrupted). */
	paused?: boolean;
	format: "xlsx" | "csv";
	encoding?: TextEncodingName;
	sheet?: string;
	/** Data rows in the file. */
	total: number;
	/** Rows applied so far (created + updated + unchanged + failed). */
	done: number;
	created: number;
	updated: number;
	unchanged: number;
	failed: number;
	/** Rows with validation errors (the import was then refused as a whole). */
	errorCount: number;
	by: string;
	startedAt: string;
	updatedAt: string;
	finishedAt?: string;
	message?: string;
	/** Per-row report (rows with errors or warnings only, when the full report was too large to keep). */
	rows: ImportRowReport[];
	rowsTruncated?: boolean;
}

export interface ImportOptions {
	/** Applying stops after this long and the job is left resumable (API Gateway answers at 30 s). */
	budgetMs?: number;
	/** Units applied in parallel (one unit's rows are always applied in period order). */
	concurrency?: number;
	/** Progress is written to the job item every this many rows. */
	progressEvery?: number;
	/** An applying job not updated for this long may be taken over by a re-POST with the same key. */
	staleMs?: number;
	submissions?: SubmissionService;
}

export const IMPORT_DEFAULTS = { budgetMs: 20_000, concurrency: 4, progressEvery: 25, staleMs: 60_000 } as const;

/** Job items are kept for 90 days (the table's TTL), long enough to look an import up afterwards. */
const JOB_TTL_SECONDS = 90 * 86_400;
/** DynamoDB items are at most 400 KB; the gzipped report is kept well under it. */
const MAX_REPORT_BYTES = 300_000;

const ACCEPTED_TYPES = [
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"text/csv",
	"text/plain",
	"application/csv",
	"text/comma-separated-values",
	// Windows browsers label .csv files with Excel installed like this.
	"application/vnd.ms-excel",
	"application/octet-stream",
	"",
];

const bad = (zh: string, en: string, field = "file") => new AppError("bad-request", `${zh} (${en})`, { [field]: `${zh} (${en})` });

/** Reads the request body as a sheet: .xlsx by its zip signature, CSV otherwise. */
export const readUpload = (
	bytes: Uint8Array,
	opts: { contentType?: string; decodedAsText?: boolean; sheetName?: string },
): { table: SheetTable; format: "xlsx" | "csv"; encoding?: TextEncodingName; sheet?: string } => {
	const type = (opts.contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
	if (!ACCEPTED_TYPES.includes(type)) {
		throw new AppError("unsupported", `${type.startsWith("multipart/") ? "请直接以文件作为请求体上传，不要用表单" : "不支持的文件类型"} (send the .xlsx or .csv file itself as the body; got ${type})`, {
			"content-type": "应为 .xlsx 或 text/csv (must be an .xlsx or CSV file)",
		});
	}
	if (bytes.length === 0) throw bad("请求体为空，请上传 .xlsx 或 .csv 文件", "the body is empty; upload an .xlsx or .csv file");
	if (isZip(bytes) || isOle(bytes)) {
		const t = readXlsx(bytes, opts.sheetName !== undefined ? { sheetName: opts.sheetName } : {});
		return { table: t, format: "xlsx", sheet: t.name };
	}
	if (type === ACCEPTED_TYPES[0]) throw bad("文件不是 .xlsx 工作簿", "the file is not an .xlsx workbook");
	const csv = readCsv(bytes);
	// API Gateway hands text/* bodies over as UTF-8 text: bytes in another encoding arrive already replaced.
	if (opts.decodedAsText && csv.encoding === "utf-8" && bytes.length > 0 && new TextDecoder().decode(bytes).includes("\uFFFD")) {
		throw bad(
			"文件不是 UTF-8 编码，且以 text/csv 上传时已损坏；请另存为“CSV UTF-8”，或以 application/octet-stream 上传",
			"the file is not UTF-8 and was mangled as text/csv; save it as CSV UTF-8 or upload it as application/octet-stream",
		);
	}
	return { table: csv, format: "csv", encoding: csv.encoding };
};

const newImportId = (now: Date): string => `${now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 14)}-${randomBytes(6).toString("hex")}`;

const packRows = (rows: ImportRowReport[]): { rowsGz: Uint8Array; rowsTruncated?: boolean } => {
	const gz = (r: ImportRowReport[]) => gzipSync(strToU8(JSON.stringify(r)), { level: 6 });
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

const unpackRows = (b: unknown): ImportRowReport[] => (b instanceof Uint8Array ? (JSON.parse(strFromU8(gunzipSync(b))) as ImportRowReport[]) : []);

/** A put() refusal of one row as field errors ("values.BEDS" → "BEDS"). */
const rowErrors = (e: AppError): ImportFieldError[] => {
	const fields = Object.entries(e.fields ?? {});
	if (fields.length === 0) return [{ field: e.kind === "locked" || e.kind === "conflict" ? "period" : "row", code: e.kind, message: e.message }];
	return fields.map(([f, m]) => ({ field: f.replace(/^values\./, ""), code: e.kind, message: m }));
};

interface JobItem extends Omit<ImportJobView, "rows"> {
	fileHash: string;
	runId: string;
	rowsGz?: Uint8Array;
}

export interface ImportInput {
	principal: Principal;
	bytes: Uint8Array;
	contentType?: string;
	/** The body reached the Lambda as text (not base64): non-UTF-8 bytes were already replaced. */
	decodedAsText?: boolean;
	dryRun?: boolean;
	sheetName?: string;
	/** Idempotency-Key: the import id, so a retry resumes or replays the same import. */
	importId?: string;
}

export const createImportService = (app: App, options: ImportOptions = {}) => {
	const opts = { ...IMPORT_DEFAULTS, ...options };
	const submissions = options.submissions ?? createSubmissionService(app);
	const analytics = createAnalyticsService(app);

	const getJob = async (importId: string): Promise<JobItem | null> => {
		const r = await app.doc.send(new GetCommand({ TableName: app.table, Key: keys.importJob(importId), ConsistentRead: true }));
		return (r.Item as JobItem | undefined) ?? null;
	};

	const view = (j: JobItem, rows?: ImportRowReport[]): ImportJobView => {
		const { fileHash: _h, runId: _r, rowsGz, pk: _pk, sk: _sk, ttl: _ttl, ...rest } = j as JobItem & { pk?: string; sk?: string; ttl?: number };
		return { ...rest, rows: rows ?? unpackRows(rowsGz) };
	};

	const get = async (importId: string): Promise<ImportJobView> => {
		const job = await getJob(importId);
		if (!job) throw notFound(`未找到导入任务 ${importId} (no such import)`);
		return view(job);
	};

	/** Writes the whole job item; a 409 when another request created or took over the same import meanwhile. */
	const putJob = async (job: JobItem, rows: ImportRowReport[], condition: "new" | { runId: string } | { takeOver: string }) => {
		const now = new Date();
		const item = { ...keys.importJob(job.importId), ...job, ...packRows(rows), ttl: Math.floor(now.getTime() / 1000) + JOB_TTL_SECONDS };
		try {
			await putJobItem(item, condition);
		} catch (e) {
			if ((e as { name?: string }).name !== "ConditionalCheckFailedException") throw e;
			throw new AppError("conflict", "该导入正在由另一个请求执行，请稍后查询进度 (another request is running this import; poll GET /api/imports/{importId})", undefined, { importId: job.importId });
		}
	};

	const putJobItem = async (item: Record<string, unknown>, condition: "new" | { runId: string } | { takeOver: string }) => {
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
	};

	/** Validates the whole file; applies it when every row passes (and it is not a dry run). */
	const importFile = async (input: ImportInput): Promise<{ status: number; body: ImportJobView | (Omit<ImportJobView, "importId" | "status"> & { dryRun: true; status: "validated" }) }> => {
		const started = Date.now();
		const now = app.now();
		const idx = await app.catalog();
		const upload = readUpload(input.bytes, { contentType: input.contentType, decodedAsText: input.decodedAsText, sheetName: input.sheetName });
		const fileHash = createHash("sha256").update(input.bytes).digest("hex");

		// A retry with the same key: replay a finished import, resume a paused one, refuse a running one.
		let takeOver: string | undefined;
		let prior: JobItem | null = null;
		if (input.importId && !input.dryRun) {
			prior = await getJob(input.importId);
			if (prior) {
				if (prior.fileHash !== fileHash) {
					throw new AppError("unprocessable", "该导入编号已用于另一个文件 (this import id was used for a different file)", { "Idempotency-Key": "已用于另一个文件 (already used for a different file)" });
				}
				if (prior.status === "done" || prior.status === "failed") {
					const v = view(prior);
					if (prior.errorCount > 0) throw refused(v);
					return { status: 200, body: v };
				}
				const stale = Date.parse(prior.updatedAt) < now.getTime() - opts.staleMs;
				if (!prior.paused && !stale) {
					throw new AppError("conflict", "该导入正在进行中，请稍后查询进度 (this import is running; poll GET /api/imports/{importId})", undefined, { importId: prior.importId });
				}
				takeOver = prior.updatedAt;
			}
		}

		const sheet = parseImportSheet(upload.table, idx, now);
		if (sheet.fatal.length > 0) throw new AppError("bad-request", sheet.fatal.map((f) => f.message).join("；"), Object.fromEntries(sheet.fatal.map((f) => [f.field, f.message])));
		if (sheet.rows.length === 0) throw bad("文件只有表头，没有数据行", "the file has a header but no data rows");
		if (sheet.rows.length > MAX_IMPORT_ROWS) {
			throw new AppError("payload-too-large", `一次最多导入 ${MAX_IMPORT_ROWS} 行，本文件有 ${sheet.rows.length} 行，请拆分后导入 (at most ${MAX_IMPORT_ROWS} rows per import; this file has ${sheet.rows.length}; split it)`, {
				file: `最多 ${MAX_IMPORT_ROWS} 行 (at most ${MAX_IMPORT_ROWS} rows)`,
			});
		}

		// The stored state the rows are checked against: one Query per unit in the file.
		const repo = app.submissions(idx);
		const stored = new Map<string, StoredState[]>();
		await mapPool([...storedRangeByUnit(sheet)], 8, async ([unitId, range]) => {
			stored.set(unitId, (await repo.listForUnit(unitId, range.from, range.to)) as StoredState[]);
		});
		const plan = planImport({ sheet, idx, now, stored, lockDay: config.lockDay });
		const importId = input.importId ?? newImportId(now);
		const at = now.toISOString();
		const base: JobItem = {
			importId,
			status: "applying",
			format: upload.format,
			...(upload.encoding ? { encoding: upload.encoding } : {}),
			...(upload.sheet ? { sheet: upload.sheet } : {}),
			total: sheet.rows.length,
			done: 0,
			created: 0,
			updated: 0,
			unchanged: 0,
			failed: 0,
			errorCount: plan.errorCount,
			by: input.principal.sub,
			startedAt: prior?.startedAt ?? at,
			updatedAt: at,
			fileHash,
			runId: randomBytes(8).toString("hex"),
		};

		if (plan.errorCount > 0) {
			const message = prior
				? "续传前重新校验未通过，未再写入；此前已导入的行保持不变 (re-validation before resuming failed; nothing more was written, rows applied earlier stay)"
				: "校验未通过，未写入任何数据 (validation failed; nothing was written)";
			const job: JobItem = { ...base, status: "failed", finishedAt: at, message };
			if (!input.dryRun) await putJob(job, plan.rows, takeOver ? { takeOver } : "new");
			throw refused(view(job, plan.rows), input.dryRun);
		}
		if (input.dryRun) {
			const { importId: _i, runId: _r, fileHash: _f, status: _s, ...rest } = base;
			return { status: 200, body: { ...rest, dryRun: true, status: "validated", rows: plan.rows } };
		}

		// Applying: the job item records progress so GET /api/imports/{importId} can follow it.
		const rows = plan.rows;
		const byRow = new Map(rows.map((r) => [r.row, r]));
		// Outcomes of an earlier, interrupted run of the same import: rows it applied are unchanged now.
		for (const r of prior ? unpackRows(prior.rowsGz) : []) {
			const cur = byRow.get(r.row);
			if (cur && (r.outcome === "created" || r.outcome === "updated")) {
				cur.outcome = r.outcome;
				if (r.version !== undefined) cur.version = r.version;
			}
		}
		const job: JobItem = { ...base };
		await putJob(job, rows, takeOver ? { takeOver } : "new");
		const counts = { done: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
		let lastProgress = 0;
		let outOfTime = false;
		let lostLease = false;
		const progress = async (force = false) => {
			if (!force && counts.done - lastProgress < opts.progressEvery) return;
			lastProgress = counts.done;
			job.updatedAt = new Date().toISOString();
			try {
				await app.doc.send(
					new UpdateCommand({
						TableName: app.table,
						Key: keys.importJob(importId),
						UpdateExpression: "SET done = :d, created = :c, updated = :u, unchanged = :n, failed = :f, updatedAt = :t",
						ConditionExpression: "runId = :r",
						ExpressionAttributeValues: { ":d": counts.done, ":c": counts.created, ":u": counts.updated, ":n": counts.unchanged, ":f": counts.failed, ":t": job.updatedAt, ":r": job.runId },
					}),
				);
			} catch (e) {
				// Another invocation took the job over (this one was presumed dead): stop quietly.
				if ((e as { name?: string }).name === "ConditionalCheckFailedException") lostLease = true;
				else throw e;
			}
		};
		const applyOne = async (item: ApplyItem) => {
			const report = byRow.get(item.row) as ImportRowReport;
			if (item.unchanged) {
				if (report.outcome !== "created" && report.outcome !== "updated") report.outcome = "unchanged";
			} else {
				try {
					const r = await submissions.put({
						principal: input.principal,
						unitId: item.unitId,
						period: item.period,
						body: item.body,
						...(item.ifMatch !== undefined ? { ifMatch: item.ifMatch } : {}),
						idempotencyKey: `import.${importId}.r${item.row}`,
						source: "import",
					});
					report.outcome = r.status === 201 ? "created" : "updated";
					report.version = r.body.submission.version;
				} catch (e) {
					if (!(e instanceof AppError)) throw e;
					// Someone locked, approved or edited the form after validation: this row fails, the rest go on.
					report.status = "error";
					report.outcome = "failed";
					report.errors.push(...rowErrors(e));
				}
			}
			counts.done++;
			counts[report.outcome ?? "unchanged"]++;
			await progress();
		};
		let crash: unknown;
		// Every worker finishes its row in flight before the job is written, whatever stops the others.
		await mapPool(plan.apply, opts.concurrency, async (group) => {
			for (const item of group) {
				if (lostLease || crash) return;
				if (Date.now() - started > opts.budgetMs) {
					outOfTime = true;
					return;
				}
				try {
					await applyOne(item);
				} catch (e) {
					crash ??= e;
					return;
				}
			}
		});
		if (lostLease) throw new AppError("conflict", "该导入已由另一个请求继续执行 (another request took this import over)", undefined, { importId });
		const finished = !outOfTime && !crash;
		Object.assign(job, tally(rows), { updatedAt: new Date().toISOString() });
		if (finished) {
			job.status = job.failed > 0 ? "failed" : "done";
			job.finishedAt = job.updatedAt;
			if (job.failed > 0) job.message = `${job.failed} 行写入失败，其余已导入 (${job.failed} rows failed; the others were applied)`;
		} else {
			// Rows not reached keep no outcome; a re-POST with the same key re-validates and applies them.
			job.paused = true;
			job.message = crash
				? "导入中断，请用同一 Idempotency-Key 重新提交同一文件以继续 (interrupted; re-POST the same file with the same Idempotency-Key to continue)"
				: "已达单次请求时间上限，请用同一 Idempotency-Key 重新提交同一文件以继续 (time budget reached; re-POST the same file with the same Idempotency-Key to continue)";
		}
		await putJob(job, rows, { runId: job.runId });
		if (crash) throw crash;
		return { status: finished ? 200 : 202, body: view(job, rows) };
	};

	/** The import layout for every unit under `orgUnit` that has a form for `period`, plus the indicators. */
	const exportWorkbook = async (q: { period?: string; orgUnit: string; planId?: string }): Promise<{ bytes: Uint8Array; filename: string; asciiFilename: string }> => {
		const idx = await app.catalog();
		const now = app.now();
		const period = q.period ?? lastFullMonth(now);
		const org = idx.unitById.get(q.orgUnit);
		if (!org) throw notFound(`未知机构 ${q.orgUnit} (unknown org unit)`);
		const units = [...idx.unitById.values()].filter((u) => u.level === "unit" && isWithin(idx, u.id, org.id));
		const unitIds = new Set(units.map((u) => u.id));
		const subs = (await app.submissions(idx).listForPeriod(period)).filter((s) => unitIds.has(s.unitId));
		const elements = exportElements(idx, units, period);
		const data = exportRows(idx, elements, subs);
		// The plan a dashboard opens with (web/src/lib/session.ts): the most recent one started by the period's year.
		const year = Number(period.slice(0, 4));
		const plan = q.planId
			? idx.planById.get(q.planId)
			: ([...idx.catalog.plans].filter((p) => p.startYear <= year).sort((a, b) => b.startYear - a.startYear || b.endYear - a.endYear)[0] ?? idx.catalog.plans[0]);
		if (!plan) throw notFound(`未知规划 ${q.planId} (unknown plan)`);
		const progress = await analytics.progress({ planId: plan.id, period, orgUnit: org.id });
		const sheets: XlsxSheet[] = [
			{
				name: "填报数据",
				columns: data.headers.map((h, i) => ({ header: h, width: i === 1 ? 28 : i === 4 ? 24 : i < 7 ? 10 : Math.max(10, h.length + 2) })),
				rows: data.rows,
			},
			{
				name: "指标进展",
				columns: [
					{ header: "指标代码", width: 22 },
					{ header: "指标名称", width: 36 },
					{ header: "计量单位", width: 9 },
					{ header: "当前值", width: 11 },
					{ header: "分子", width: 12 },
					{ header: "分母", width: 12 },
					{ header: "规划目标", width: 18 },
					{ header: "进度期望值", width: 12 },
					{ header: "状态", width: 10 },
					{ header: "已报单位", width: 9 },
					{ header: "应报单位", width: 9 },
				],
				rows: progress.rows.map((r) => [
					r.indicatorCode,
					r.name.zh,
					r.uom.zh,
					r.value === null ? null : Number(r.value.toFixed(r.decimals)),
					r.numerator,
					r.denominator,
					r.target ? `${r.target.printed}（${r.target.year}年）` : null,
					r.expected === null ? null : Number(r.expected.toFixed(r.decimals)),
					STATUS_LABELS[r.status].zh,
					r.coverage.reported,
					r.coverage.expected,
				]),
			},
			{
				name: "数据项说明",
				columns: [
					{ header: "代码", width: 24 },
					{ header: "名称", width: 30 },
					{ header: "Name", width: 36 },
					{ header: "计量单位", width: 9 },
					{ header: "类型", width: 9 },
					{ header: "最小值", width: 9 },
					{ header: "最大值", width: 11 },
					{ header: "上报必填", width: 9 },
				],
				rows: elements.map((e) => [e.code, e.name.zh, e.name.en, e.uom.zh, { integer: "整数", number: "数值", percent: "百分比" }[e.valueType], e.min, e.max, e.requiredToSubmit ? "是" : "否"]),
			},
		];
		const bytes = writeXlsx(sheets, { modifiedAt: now });
		const place = org.level === "division" ? "" : `${org.name.zh}_`;
		return { bytes, filename: `健康规划数据_${place}${period}.xlsx`, asciiFilename: `health-plan-data_${org.id}_${period}.xlsx` };
	};

	return { importFile, get, exportWorkbook };
};

const tally = (rows: ImportRowReport[]) => {
	const t = { done: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
	for (const r of rows) {
		if (!r.outcome) continue;
		t.done++;
		t[r.outcome]++;
	}
	return t;
};

/** The 422 for a file with errors: the report rides in details, the first errors as fields. */
const refused = (v: ImportJobView, dryRun = false): AppError => {
	const bad = v.rows.filter((r) => r.status === "error");
	const fields: Record<string, string> = {};
	for (const r of bad.slice(0, 50)) for (const e of r.errors) fields[`rows.${r.row}.${e.field}`] ??= e.message;
	return new AppError("unprocessable", `${bad.length} 行有错误，未导入任何数据 (${bad.length} rows have errors; nothing was imported)`, fields, {
		...(dryRun ? { dryRun: true } : { importId: v.importId }),
		total: v.total,
		errorCount: bad.length,
		rows: v.rows,
	});
};

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export const contentDisposition = (filename: string, ascii: string): string =>
	`attachment; filename="${ascii.replace(/["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

export { XLSX_CONTENT_TYPE };
export type ImportService = ReturnType<typeof createImportService>;

// ---------------------------------------------------------------------------------------------
// Route implementations, wired in functions/handlers/admin.ts.

export const createImportRoutes = (app: App, options: ImportOptions = {}): Record<"postImport" | "getImport" | "getExport", RouteImpl> => {
	const service = createImportService(app, options);
	return {
		postImport: async (req) => {
			const q = parseWith(importQuerySchema, req.query);
			const key = req.headers["idempotency-key"];
			const r = await service.importFile({
				principal: req.principal!,
				bytes: req.rawBody(),
				contentType: req.headers["content-type"],
				decodedAsText: Boolean(req.event.body) && !req.event.isBase64Encoded,
				...(q.dryRun ? { dryRun: true } : {}),
				...(q.sheet ? { sheetName: q.sheet } : {}),
				...(key !== undefined ? { importId: parseWith(importIdSchema, key, "Idempotency-Key 无效 (invalid Idempotency-Key)") } : {}),
			});
			return { status: r.status, body: r.body, headers: { ...("importId" in r.body ? { location: `/api/imports/${r.body.importId}` } : {}) } };
		},
		getImport: async (req) => ({ body: await service.get(parseWith(importIdSchema, req.params.importId)) }),
		getExport: async (req) => {
			const q = parseWith(exportQuerySchema, req.query);
			const out = await service.exportWorkbook({ ...(q.period ? { period: q.period } : {}), ...(q.plan ? { planId: q.plan } : {}), orgUnit: req.access.orgUnit ?? req.principal!.orgScope });
			return {
				binary: out.bytes,
				headers: { "content-type": XLSX_CONTENT_TYPE, "content-disposition": contentDisposition(out.filename, out.asciiFilename), "cache-control": "no-store" },
			};
		},
	};
};
