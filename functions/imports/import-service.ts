// POST /api/imports and GET /api/imports/{importId}. An import validates the whole file first — nothing is
// written unless every row passes — and then applies it unit × period through the submission service's own
// put(), so the validation, the transactional write, the version history and the aggregates are exactly those
// of a form submitted by hand. docs/imports.md describes the layout, the limits and how an interrupted import
// resumes.
import { createHash, randomBytes } from "node:crypto";
import {
	type ApplyItem,
	type ImportFieldError,
	type ImportRowReport,
	MAX_IMPORT_ROWS,
	parseImportSheet,
	planImport,
	type StoredState,
	storedRangeByUnit,
} from "../core/import-sheet";
import type { Principal, ValueMap } from "../core/types";
import type { App } from "../commons/app";
import { config } from "../commons/config";
import { AppError } from "../commons/errors";
import { mapPool } from "../commons/pool";
import { createSubmissionService, type SubmissionService } from "../commons/services/submissions";
import { createJobStore, type ImportJobView, type JobItem, unpackRows } from "./job-store";
import { badUpload, readUpload } from "./upload";

export type { ImportJobView, ImportStatus } from "./job-store";

export interface ImportOptions {
	/** Applying stops after this long and the job is left resumable (API Gateway answers at 30 s). */
	budgetMs?: number;
	/** Units applied in parallel (one unit's rows are always applied in period order): a division's 22 at once. */
	concurrency?: number;
	/** Progress is written to the job item every this many rows. */
	progressEvery?: number;
	/** An applying job not updated for this long may be taken over by a re-POST with the same key. */
	staleMs?: number;
	submissions?: SubmissionService;
}

export const IMPORT_DEFAULTS = { budgetMs: 20_000, concurrency: 24, progressEvery: 25, staleMs: 60_000 } as const;

const newImportId = (now: Date): string => `${now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 14)}-${randomBytes(6).toString("hex")}`;

/** A put() refusal of one row as field errors ("values.BEDS" → "BEDS"). */
const rowErrors = (e: AppError): ImportFieldError[] => {
	const fields = Object.entries(e.fields ?? {});
	if (fields.length === 0) return [{ field: e.kind === "locked" || e.kind === "conflict" ? "period" : "row", code: e.kind, message: e.message }];
	return fields.map(([f, m]) => ({ field: f.replace(/^values\./, ""), code: e.kind, message: m }));
};

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
	const jobs = createJobStore(app);

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
			prior = await jobs.find(input.importId);
			if (prior) {
				if (prior.fileHash !== fileHash) {
					throw new AppError("unprocessable", "该导入编号已用于另一个文件 (this import id was used for a different file)", { "Idempotency-Key": "已用于另一个文件 (already used for a different file)" });
				}
				if (prior.status === "done" || prior.status === "failed") {
					const v = jobs.view(prior);
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
		if (sheet.rows.length === 0) throw badUpload("文件只有表头，没有数据行", "the file has a header but no data rows");
		if (sheet.rows.length > MAX_IMPORT_ROWS) {
			throw new AppError("payload-too-large", `一次最多导入 ${MAX_IMPORT_ROWS} 行，本文件有 ${sheet.rows.length} 行，请拆分后导入 (at most ${MAX_IMPORT_ROWS} rows per import; this file has ${sheet.rows.length}; split it)`, {
				file: `最多 ${MAX_IMPORT_ROWS} 行 (at most ${MAX_IMPORT_ROWS} rows)`,
			});
		}

		// The stored state the rows are checked against: one Query per unit in the file.
		const repo = app.submissions(idx);
		const stored = new Map<string, StoredState[]>();
		await mapPool([...storedRangeByUnit(sheet)], opts.concurrency, async ([unitId, range]) => {
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
			if (!input.dryRun) await jobs.put(job, plan.rows, takeOver ? { takeOver } : "new");
			throw refused(jobs.view(job, plan.rows), input.dryRun);
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
		await jobs.put(job, rows, takeOver ? { takeOver } : "new");
		const counts = { done: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
		let lastProgress = 0;
		let outOfTime = false;
		let lostLease = false;
		const progress = async (force = false) => {
			if (!force && counts.done - lastProgress < opts.progressEvery) return;
			lastProgress = counts.done;
			job.updatedAt = new Date().toISOString();
			// False: another invocation took the job over (this one was presumed dead): stop quietly.
			if (!(await jobs.progress(importId, job.runId, counts, job.updatedAt))) lostLease = true;
		};
		// Each unit's figures as the table holds them while its rows are applied in period order: what was read
		// for validation, plus each row once it is written. put() checks a row's outliers against this instead of
		// querying the unit's history again, so the checks are the ones a form entered by hand would get.
		const timelines = new Map<string, Map<string, ValueMap>>();
		for (const [unitId, list] of stored) timelines.set(unitId, new Map(list.map((s) => [s.period, s.values])));
		const historyOf = (unitId: string) => [...(timelines.get(unitId) ?? new Map<string, ValueMap>())].map(([period, values]) => ({ period, values }));
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
						history: historyOf(item.unitId),
					});
					if (!timelines.has(item.unitId)) timelines.set(item.unitId, new Map());
					timelines.get(item.unitId)?.set(item.period, r.body.submission.values);
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
		// The units with the most rows first, so no long unit starts last and runs alone.
		const groups = [...plan.apply].sort((a, b) => b.length - a.length);
		await mapPool(groups, opts.concurrency, async (group) => {
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
		await jobs.put(job, rows, { runId: job.runId });
		if (crash) throw crash;
		return { status: finished ? 200 : 202, body: jobs.view(job, rows) };
	};

	return { importFile, get: jobs.get };
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

export type ImportService = ReturnType<typeof createImportService>;
