// Submissions: the entry form, save/submit with validation, idempotency and optimistic concurrency,
// approval and return, admin reopen. Orchestrates the pure rules (core/) and the repository.
import type { FormView, SubmissionView } from "../../core/api-types";
import { createHash } from "node:crypto";
import * as z from "zod/mini";
import { type CatalogIndex, formElements } from "../../core/catalog-index";
import { deadline, isFutureMonth, isMonth, isYear, lockDate, previousMonths } from "../../core/periods";
import type { DataElement, Principal, Submission, ValidationIssue, ValueMap } from "../../core/types";
import { validationHistory } from "../../core/rolling";
import { validateSubmission } from "../../core/validation";
import { changedCodes, isLate, lockState, statusAfterReopen, statusAfterReview, statusAfterWrite } from "../../core/workflow";
import type { App } from "../app";
import { config } from "../config";
import { AppError, notFound } from "../errors";
import { RetryableError, withRetry } from "../retry";
import { IdempotentReplayError, type StoredSubmission, VersionConflictError, type VersionRecord, type WriteSnapshot } from "../submission-repo";

// ---------------------------------------------------------------------------------------------
// Edge schemas

// zod 4 numbers are finite: Infinity and NaN fail the type check (JSON cannot carry them anyway).
const valueSchema = z.union([z.number({ error: "必须是数字 (must be a number)" }), z.null()], {
	error: "必须是数字或 null (must be a number or null)",
});

export const submissionBodySchema = z.strictObject({
	values: z.pipe(
		z.unknown().check(
			// JSON.parse keeps "__proto__" as an own key, but a record schema would drop it silently.
			z.superRefine((v, ctx) => {
				if (v !== null && typeof v === "object" && Object.hasOwn(v, "__proto__")) {
					ctx.addIssue({ code: "custom", message: "未知数据项 (unknown data element)", path: ["__proto__"] });
				}
			}),
		),
		z.record(z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: "指标代码格式错误 (bad element code)" })), valueSchema, {
			error: "values 必须是对象 (values must be an object)",
		}),
	),
	comment: z.optional(z.string().check(z.maxLength(2000, { error: "备注最多2000字 (comment too long)" }))),
	action: z.enum(["save", "submit"], { error: "action 必须是 save 或 submit (action must be save or submit)" }),
});
export type SubmissionBody = z.infer<typeof submissionBodySchema>;

export const reviewBodySchema = z.strictObject({
	comment: z.optional(z.string().check(z.trim(), z.maxLength(2000, { error: "意见最多2000字 (comment too long)" }))),
});
export type ReviewBody = z.infer<typeof reviewBodySchema>;

/** If-Match carries the version the client last read: `3`, `"3"` or `W/"3"`. */
export const parseIfMatch = (h: string | undefined): number | undefined => {
	if (h === undefined || h.trim() === "" || h.trim() === "*") return undefined;
	const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(h.trim());
	if (!m) throw new AppError("bad-request", "If-Match 应为版本号 (If-Match must be a version number)", { "If-Match": "应为整数版本号 (integer version)" });
	return Number(m[1]);
};

// ---------------------------------------------------------------------------------------------

export interface Clock {
	now(): Date;
}

const hashRequest = (parts: unknown[]): string => createHash("sha256").update(JSON.stringify(parts)).digest("hex");

const periodTimes = (period: string) => ({ deadline: deadline(period, config.deadlineDay), lockAt: lockDate(period, config.lockDay) });

/** The unit and the elements on its form for this period; 404/400 when the period makes no sense for it. */
const formFor = (idx: CatalogIndex, unitId: string, period: string, now: Date): { elements: DataElement[] } => {
	const unit = idx.unitById.get(unitId);
	if (!unit || unit.level !== "unit") throw notFound(`未知填报单位 ${unitId} (unknown reporting unit)`);
	if (isMonth(period) && isFutureMonth(period, now)) throw new AppError("bad-request", "不能填报未来的月份 (cannot report a future month)", { period: "未来期间 (future period)" });
	if (isYear(period) && Number(period) > now.getUTCFullYear()) throw new AppError("bad-request", "不能填报未来的年份 (cannot report a future year)", { period: "未来期间 (future period)" });
	const elements = formElements(idx.elementByCode.values(), unit.type, isMonth(period) ? "monthly" : "yearly", period);
	if (elements.length === 0) throw new AppError("bad-request", "该单位在此期间没有需要填报的数据 (this unit reports nothing for this kind of period)", { period: "该单位不填报此类期间 (not a reporting period for this unit)" });
	return { elements };
};

/** Unknown codes, wrong types and out-of-range values are rejected before anything else: nothing is written. */
const rejectBadValues = (issues: ValidationIssue[]): void => {
	const hard = issues.filter((i) => i.severity === "error" && ["unknown", "type", "min", "max"].includes(i.code));
	if (hard.length === 0) return;
	const fields: Record<string, string> = {};
	for (const i of hard) fields[`values.${i.field ?? "?"}`] ??= `${i.message.zh} (${i.message.en})`;
	throw new AppError("bad-request", "数据有误，未保存 (invalid values; nothing was saved)", fields, { issues: hard });
};

export interface PutInput {
	principal: Principal;
	unitId: string;
	period: string;
	body: SubmissionBody;
	ifMatch?: number;
	idempotencyKey?: string;
	/** Recorded as the version's action instead of save/submit (bulk imports keep their own label in history). */
	source?: "import";
	/**
	 * The unit's monthly figures of the 12 months before `period` as they stand when this write commits. A bulk
	 * import applying a unit's months in order already holds them, so put() skips the history Query and the
	 * idempotency read (a replay is still caught: the commit's condition on the idempotency record).
	 */
	history?: { period: string; values: ValueMap }[];
}

export interface PutResult {
	status: number;
	body: SubmissionView;
	replayed: boolean;
}

export type { SubmissionView };

export const createSubmissionService = (app: App) => {
	const history12 = async (idx: CatalogIndex, unitId: string, period: string): Promise<{ months: string[]; subs: StoredSubmission[] }> => {
		if (!isMonth(period)) return { months: [], subs: [] };
		const months = previousMonths(period, 12);
		const subs = await app.submissions(idx).listForUnit(unitId, months[0] as string, months[months.length - 1] as string);
		return { months, subs: subs.filter((s) => isMonth(s.period)) };
	};

	const validateAgainstHistory = (
		elements: DataElement[],
		rules: CatalogIndex["catalog"]["rules"],
		hist: { months: string[]; subs?: { period: string; values: ValueMap }[]; byPeriod?: Map<string, ValueMap> },
		values: ValueMap,
		action: "save" | "submit",
	) => {
		const { months } = hist;
		const byPeriod = hist.byPeriod ?? new Map((hist.subs ?? []).map((s) => [s.period, s.values]));
		const history: Record<string, number[]> = {};
		for (const el of elements) {
			const series = months.map((m) => byPeriod.get(m)?.[el.code]).filter((v): v is number => typeof v === "number");
			if (series.length > 0) history[el.code] = series;
		}
		const previous = byPeriod.get(months[months.length - 1] as string);
		return validateSubmission({ elements, rules, values, action, history, previous });
	};

	const put = async (input: PutInput): Promise<PutResult> => {
		const { principal, unitId, period, body } = input;
		const now = app.now();
		const idx = await app.catalog();
		const repo = app.submissions(idx);
		const { elements } = formFor(idx, unitId, period, now);
		const scope = `${principal.sub}|PUT|${unitId}|${period}`;
		const requestHash = hashRequest([body, input.ifMatch ?? null]);
		const given = input.history && isMonth(period) ? { months: previousMonths(period, 12), subs: input.history.filter((s) => isMonth(s.period)) } : null;
		// Everything else the write needs is read in one BatchGetItem: the current submission, the unit's stock-year
		// records and rolling item (the outlier rules' history), and a replayed request when a key was sent.
		const idempotency = input.idempotencyKey && !input.history ? { scope, key: input.idempotencyKey } : undefined;
		// A transient failure here is not an error yet: the attempt below reads again inside withRetry.
		const firstRead = await repo.readForWrite(unitId, period, idempotency ? { idempotency } : {}).catch((): null => null);
		const prior = idempotency ? (firstRead ? (firstRead.idempotency ?? null) : await repo.getIdempotency(scope, idempotency.key)) : null;
		if (prior) return replay(prior, requestHash);
		// The rolling item answers when it reaches back 12 months; a unit without one yet (data written before
		// rolling items) or an edit of an older month Queries the 12 months as before.
		const rolled = !given && firstRead?.rolling && firstRead.rolling.ver > 0 ? validationHistory(firstRead.rolling.roll, period) : null;
		const hist = given ?? rolled ?? (await history12(idx, unitId, period));
		// Only the form's own elements; null (not reported) is kept distinct from 0.
		const values: ValueMap = {};
		for (const el of elements) values[el.code] = null;
		Object.assign(values, body.values);
		const issues = validateAgainstHistory(elements, idx.catalog.rules, hist, values, body.action);
		rejectBadValues(issues);
		if (body.action === "submit") {
			const blocking = issues.filter((i) => i.severity === "error");
			if (blocking.length > 0) {
				throw new AppError("unprocessable", "存在错误，不能上报；可先保存草稿 (errors block submission; save a draft instead)", fieldsOf(blocking), { issues });
			}
			const warnings = issues.filter((i) => i.severity === "warning");
			if (warnings.length > 0 && !body.comment?.trim()) {
				throw new AppError("unprocessable", "存在预警，上报时请填写说明 (warnings need a comment to submit)", { comment: "有预警时必须填写说明 (required when there are warnings)" }, { issues });
			}
		}
		const times = periodTimes(period);
		// The first attempt uses the read above; a retry (after a transaction conflict) reads afresh.
		let snapshot: WriteSnapshot | null = firstRead;
		const attempt = async (): Promise<PutResult> => {
			const { before, stockYears, rolling } = snapshot ?? (await repo.readForWrite(unitId, period));
			snapshot = null;
			if (input.ifMatch !== undefined && (before?.version ?? 0) !== input.ifMatch) {
				throw new AppError("conflict", "数据已被他人修改，请刷新后重试 (stale version; reload and retry)", undefined, { currentVersion: before?.version ?? 0 });
			}
			const lock = lockState(times.deadline, times.lockAt, now, before?.reopened);
			const status = statusAfterWrite(before?.status ?? null, body.action, lock);
			const at = now.toISOString();
			const firstSubmittedAt = before?.firstSubmittedAt ?? (status === "submitted" ? at : undefined);
			const after: StoredSubmission = {
				unitId,
				period,
				values,
				status,
				version: (before?.version ?? 0) + 1,
				createdAt: before?.createdAt ?? at,
				updatedAt: at,
				updatedBy: principal.sub,
				...(body.comment !== undefined ? { comment: body.comment } : before?.comment !== undefined ? { comment: before.comment } : {}),
				...(status === "submitted" ? { submittedAt: at, submittedBy: principal.sub } : {}),
				...(firstSubmittedAt ? { firstSubmittedAt, late: isLate(firstSubmittedAt, times.deadline) } : {}),
				...(before?.reviewComment && status !== "submitted" ? { reviewComment: before.reviewComment } : {}),
				...(before?.reopened ? { reopened: true } : {}),
				issues: issues.filter((i) => i.severity === "warning"),
			};
			const view: SubmissionView = { submission: after, issues, ...times, locked: false };
			const statusCode = before ? 200 : 201;
			const version: VersionRecord = {
				unitId,
				period,
				version: after.version,
				action: input.source ?? body.action,
				status,
				at,
				by: principal.sub,
				values,
				changed: changedCodes(before?.values, values),
				...(body.comment ? { comment: body.comment } : {}),
				...(after.issues?.length ? { issues: after.issues } : {}),
			};
			await repo.commit({
				before,
				after,
				version,
				now: at,
				...(stockYears ? { stockYears } : {}),
				...(rolling ? { rolling } : {}),
				...(input.idempotencyKey ? { idempotency: { scope, key: input.idempotencyKey, record: { requestHash, statusCode, body: view } } } : {}),
			});
			return { status: statusCode, body: view, replayed: false };
		};
		try {
			// Without If-Match the caller asked for "last write wins": a concurrent write is re-read and retried.
			const guarded = input.ifMatch === undefined ? retryOnVersionConflict(attempt) : attempt;
			// With If-Match a moved version is the caller's 409 (checked again on every attempt); other
			// transaction conflicts (the stock-year record, a cancelled transaction) are still retried.
			return await withRetry(guarded, { attempts: 10 });
		} catch (e) {
			if (e instanceof IdempotentReplayError && input.idempotencyKey) {
				const prior = await repo.getIdempotency(scope, input.idempotencyKey);
				if (prior) return replay(prior, requestHash);
			}
			throw e;
		}
	};

	const replay = (prior: { requestHash: string; statusCode: number; body: unknown }, requestHash: string): PutResult => {
		if (prior.requestHash !== requestHash) {
			throw new AppError("unprocessable", "该 Idempotency-Key 已用于不同的请求 (Idempotency-Key reused with a different request)", {
				"Idempotency-Key": "已用于不同内容 (already used for a different body)",
			});
		}
		return { status: prior.statusCode, body: prior.body as SubmissionView, replayed: true };
	};

	const review = async (principal: Principal, unitId: string, period: string, action: "approve" | "return", body: ReviewBody): Promise<SubmissionView> => {
		const now = app.now();
		const idx = await app.catalog();
		const repo = app.submissions(idx);
		if (action === "return" && !body.comment) {
			throw new AppError("bad-request", "退回时必须填写意见 (a comment is required to return a form)", { comment: "必填 (required)" });
		}
		const times = periodTimes(period);
		return withRetry(retryOnVersionConflict(async () => {
			const before = await repo.get(unitId, period);
			if (!before) throw notFound("该期尚未填报 (nothing reported for this period)");
			// A retry of a decision that already committed (the reply was lost) answers as the first did.
			const decided = action === "approve" ? "approved" : "returned";
			if (before.status === decided && before.updatedBy === principal.sub && (action === "approve" || before.reviewComment === body.comment)) {
				return { submission: before, issues: [], ...times, locked: lockState(times.deadline, times.lockAt, now, before.reopened).locked };
			}
			const status = statusAfterReview(before.status, action);
			const at = now.toISOString();
			const after: StoredSubmission = {
				...before,
				status,
				version: before.version + 1,
				updatedAt: at,
				updatedBy: principal.sub,
				...(action === "approve" ? { approvedAt: at, approvedBy: principal.sub } : {}),
				...(body.comment ? { reviewComment: body.comment } : {}),
			};
			if (action === "approve") after.reopened = undefined;
			await repo.commit({
				before,
				after,
				now: at,
				version: { unitId, period, version: after.version, action, status, at, by: principal.sub, values: before.values, changed: [], ...(body.comment ? { comment: body.comment } : {}) },
			});
			return { submission: after, issues: [], ...times, locked: lockState(times.deadline, times.lockAt, now, after.reopened).locked };
		}));
	};

	const reopen = async (principal: Principal, unitId: string, period: string, reason: string): Promise<SubmissionView> => {
		const now = app.now();
		const idx = await app.catalog();
		const repo = app.submissions(idx);
		const times = periodTimes(period);
		return withRetry(retryOnVersionConflict(async () => {
			const before = await repo.get(unitId, period);
			const at = now.toISOString();
			if (!before) {
				// Nothing was ever reported, and the period is past its lock date: reopening opens an empty draft
				// (drafts never count in aggregates or completeness) so the unit can still report late, as
				// DHIS2's "edit expired periods" authority allows. The reason is kept in the version history.
				const { elements } = formFor(idx, unitId, period, now);
				const values: ValueMap = {};
				for (const el of elements) values[el.code] = null;
				const after: StoredSubmission = { unitId, period, values, status: "draft", version: 1, createdAt: at, updatedAt: at, updatedBy: principal.sub, reopened: true };
				await repo.commit({
					before: null,
					after,
					now: at,
					version: { unitId, period, version: 1, action: "reopen", status: "draft", at, by: principal.sub, values, changed: [], comment: reason },
				});
				return { submission: after, issues: [], ...times, locked: false };
			}
			const after: StoredSubmission = {
				...before,
				status: statusAfterReopen(before.status) ?? before.status,
				version: before.version + 1,
				updatedAt: at,
				updatedBy: principal.sub,
				reopened: true,
			};
			await repo.commit({
				before,
				after,
				now: at,
				version: { unitId, period, version: after.version, action: "reopen", status: after.status, at, by: principal.sub, values: before.values, changed: [], comment: reason },
			});
			return { submission: after, issues: [], ...times, locked: false };
		}));
	};

	const get = async (unitId: string, period: string): Promise<SubmissionView> => {
		const idx = await app.catalog();
		if (!idx.unitById.has(unitId)) throw notFound();
		const sub = await app.submissions(idx).get(unitId, period);
		if (!sub) throw notFound("该期尚未填报 (nothing reported for this period)");
		const times = periodTimes(period);
		return { submission: sub, issues: sub.issues ?? [], ...times, locked: lockState(times.deadline, times.lockAt, app.now(), sub.reopened).locked };
	};

	const history = async (unitId: string, period: string): Promise<VersionRecord[]> => {
		const idx = await app.catalog();
		return app.submissions(idx).history(unitId, period);
	};

	const form = async (unitId: string, period: string): Promise<FormView> => {
		const now = app.now();
		const idx = await app.catalog();
		const { elements } = formFor(idx, unitId, period, now);
		const repo = app.submissions(idx);
		const [current, prev] = await Promise.all([repo.get(unitId, period), history12(idx, unitId, period)]);
		const times = periodTimes(period);
		const codes = new Set(elements.map((e) => e.code));
		const sectionIds = new Set(elements.map((e) => e.section));
		return {
			unitId,
			period,
			unit: idx.unitById.get(unitId),
			sections: idx.catalog.sections.filter((s) => sectionIds.has(s.id)).sort((a, b) => a.order - b.order),
			elements,
			rules: idx.catalog.rules.filter((r) => [r.left, r.right].some((f) => [...codes].some((c) => f.includes(`#{${c}}`)))),
			submission: current,
			status: current?.status ?? null,
			version: current?.version ?? 0,
			...times,
			locked: lockState(times.deadline, times.lockAt, now, current?.reopened).locked,
			previous: prev.months.map((m) => ({ period: m, values: prev.subs.find((s) => s.period === m)?.values ?? null })),
		};
	};

	return { put, review, reopen, get, history, form };
};

/** A version conflict on an unconditional write only means someone wrote first: re-read and try again. */
const retryOnVersionConflict =
	<T>(fn: () => Promise<T>) =>
	async (): Promise<T> => {
		try {
			return await fn();
		} catch (e) {
			if (e instanceof VersionConflictError) throw new RetryableError("version moved", e);
			throw e;
		}
	};

const fieldsOf = (issues: ValidationIssue[]): Record<string, string> => {
	const out: Record<string, string> = {};
	for (const i of issues) out[i.field ? `values.${i.field}` : i.code] ??= `${i.message.zh} (${i.message.en})`;
	return out;
};

export type SubmissionService = ReturnType<typeof createSubmissionService>;
export type { Submission };
