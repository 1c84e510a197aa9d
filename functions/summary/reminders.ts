// Reporting notices to units. Two ways in:
// - remind: an approver's one-off reminder (POST /api/completeness/remind?unitId=…&period=…);
// - runScheduled: the scheduled task (the summary-job function, task "reminders", hourly by default). N days before
//   the deadline each unit that has not submitted gets one reminder; after the deadline one overdue notice, copied to
//   its 垦区 approver; a returned form sends the approver's comment to its reporters. Each unit × period × kind is
//   claimed exactly once with the same conditional claim as the summary (NOTICE#<period> / R#<kind>.<unit>), so a
//   second run sends nothing. Admins turn kinds off and set the days; a user can opt out of reminders, not returns.
// The reporters are the directory's users with the reporter role whose org scope is the unit, enabled, with an address.
import { UserStore } from "../auth/user-store";
import { logger } from "../commons/observability";
import { userDirectoryFromConfig, type UserDirectory } from "../auth/user-directory";
import type { DirectoryUser } from "../auth/user-directory";
import { reportingUnitsUnder } from "../core/catalog-index";
import { addMonths, deadline, isMonth } from "../core/periods";
import type { OrgUnit } from "../core/types";
import { type DeliveryLogger, type DeliveryReport, deliverSummaries, type DeliveryStore } from "./deliver";
import { createDynamoDeliveryStore } from "./delivery-store";
import { createNoticeSettingsStore, type NoticeSettingsStore } from "./notice-settings";
import { type NoticeKind, renderNotice } from "./notices";
import { reminderDue, reportingPeriod } from "./schedule";
import type { StoredSubmission } from "../commons/submission-repo";
import { emitCount } from "./service";
import { formatBeijingTime, formatMonthLabel } from "./model";
import { escapeHtml } from "./render";
import type { App } from "../commons/app";
import { AuditRepo } from "../commons/audit-repo";
import { config } from "../commons/config";
import { AppError, conflict, notFound } from "../commons/errors";
import { createTransport, type MailTransport } from "../commons/mail/index";

/** What a scheduled notice run (reminders here, feedback cards in feedback.ts) can be given instead of the real thing. */
export interface ReminderDeps {
	directory?: () => UserDirectory;
	transport?: () => Promise<MailTransport>;
	notices?: DeliveryStore;
	settings?: NoticeSettingsStore;
	logger?: DeliveryLogger;
	sleep?: (ms: number) => Promise<void>;
	/** Where EMF metric lines go (stdout in Lambda). */
	metricSink?: (line: string) => void;
}

export interface ScheduledNoticeResult {
	period: string;
	/** Which reminder window `now` is in, if any. */
	window: "before" | "overdue" | null;
	sent: { id: string; kind: NoticeKind; unitId: string }[];
	skipped: number;
	failed: { id: string; error: string }[];
	/** Units due a notice that have no reporter with an address (and did not opt out). */
	unreachable: string[];
}

export interface ReminderResult {
	unitId: string;
	period: string;
	/** User names reminded (addresses are not echoed back). */
	sentTo: string[];
	messageId: string;
}

const periodLabel = (period: string): string => (isMonth(period) ? formatMonthLabel(period, "zh-CN") : `${period}年`);

export const createReminderService = (app: App, deps: ReminderDeps = {}) => {
	const audit = new AuditRepo(app.doc, app.table);
	const directory = deps.directory ?? (() => userDirectoryFromConfig(new UserStore(app.doc, app.table)));
	const openTransport = deps.transport ?? (() => createTransport());

	const log = deps.logger ?? {
		info: (message: string, extra?: Record<string, unknown>) => logger.info(message, { ...extra }),
		warn: (message: string, extra?: Record<string, unknown>) => logger.warn(message, { ...extra }),
		error: (message: string, extra?: Record<string, unknown>) => logger.error(message, { ...extra }),
	};
	const notices = deps.notices ?? createDynamoDeliveryStore({ client: app.doc, tableName: app.table, partition: "NOTICE" });
	const settingsStore = deps.settings ?? createNoticeSettingsStore({ client: app.doc, tableName: app.table, now: () => app.now() });
	const formUrl = (unitId: string, period: string) =>
		`${config.siteUrl.replace(/\/+$/, "")}/entry?unit=${encodeURIComponent(unitId)}&period=${encodeURIComponent(period)}`;

	/**
	 * The scheduled task. Never throws for one unit: failures are in the result, logged at ERROR, counted in the
	 * NoticeDeliveryFailed metric and audited, as summary delivery failures are.
	 */
	const runScheduled = async (opts: { now?: Date } = {}): Promise<ScheduledNoticeResult> => {
		const now = opts.now ?? app.now();
		const settings = await settingsStore.get();
		const period = reportingPeriod(now);
		const window = reminderDue(period, now, { deadlineDay: config.deadlineDay, daysBefore: settings.before.daysBefore, overdueWithinDays: settings.overdue.withinDays });
		const result: ScheduledNoticeResult = { period, window, sent: [], skipped: 0, failed: [], unreachable: [] };
		const idx = await app.catalog();
		const repo = app.submissions(idx);
		const users = (await directory().list()).filter((u) => !u.disabled && !!u.email);
		const optedOut = new Set<string>();
		for (const u of users.filter((x) => x.roles.includes("reporter"))) if (!(await settingsStore.prefs(u.username)).reminders) optedOut.add(u.username);
		const reportersOf = (unitId: string, reminder: boolean): DirectoryUser[] =>
			users.filter((u) => u.roles.includes("reporter") && u.orgScope === unitId && !(reminder && optedOut.has(u.username)));
		const approversOf = (unit: OrgUnit): DirectoryUser[] => {
			const scope = unit.parentId ?? idx.divisionId;
			return users.filter((u) => u.roles.includes("approver") && u.orgScope === scope);
		};

		type Job = { id: string; email: string; kind: NoticeKind; unit: OrgUnit; period: string; to: string[]; cc: string[]; sub?: StoredSubmission };
		const jobs: Job[] = [];
		const units = reportingUnitsUnder(idx, idx.divisionId);
		const enabled = window === "before" ? settings.before.enabled : window === "overdue" ? settings.overdue.enabled : false;
		if (window && enabled) {
			const subs = new Map((await repo.listForPeriod(period)).map((x) => [x.unitId, x]));
			for (const unit of units) {
				const sub = subs.get(unit.id);
				if (sub && (sub.status === "submitted" || sub.status === "approved")) continue;
				const to = reportersOf(unit.id, true).map((u) => u.email as string);
				const cc = window === "overdue" ? approversOf(unit).map((u) => u.email as string) : [];
				if (to.length === 0 && cc.length === 0) {
					result.unreachable.push(unit.id);
					continue;
				}
				jobs.push({ id: `${window}.${unit.id}`, email: to[0] ?? cc[0] ?? "", kind: window, unit, period, to, cc, ...(sub ? { sub } : {}) });
			}
		}
		if (settings.returned.enabled) {
			// This period and the one before: a form can be returned after its deadline. One notice per return (version).
			for (const p of [period, addMonths(period, -1)]) {
				for (const sub of await repo.listForPeriod(p)) {
					if (sub.status !== "returned") continue;
					const unit = idx.unitById.get(sub.unitId);
					if (!unit) continue;
					const to = reportersOf(unit.id, false).map((u) => u.email as string);
					if (to.length === 0) {
						result.unreachable.push(unit.id);
						continue;
					}
					jobs.push({ id: `returned.${unit.id}.v${sub.version}`, email: to[0] as string, kind: "returned", unit, period: p, to, cc: [], sub });
				}
			}
		}
		if (jobs.length === 0) return result;

		const transport = await openTransport();
		try {
			for (const p of new Set(jobs.map((j) => j.period))) {
				const group = jobs.filter((j) => j.period === p);
				const report: DeliveryReport = await deliverSummaries({
					month: p,
					recipients: group,
					deliveries: notices,
					transport,
					logger: log,
					what: "notice",
					...(deps.sleep ? { sleep: deps.sleep } : {}),
					buildEmail: (j: Job) => {
						const mail = renderNotice({
							kind: j.kind,
							unitName: j.unit.name.zh,
							period: j.period,
							deadline: deadline(j.period, config.deadlineDay),
							formUrl: formUrl(j.unit.id, j.period),
							state: j.sub?.status === "returned" ? "returned" : j.sub?.status === "draft" ? "draft" : "missing",
							...(j.kind === "returned" ? { reviewComment: j.sub?.reviewComment ?? "", returnedBy: j.sub?.updatedBy, returnedAt: j.sub?.updatedAt } : {}),
						});
						// The overdue notice goes to the reporters and their 垦区 approver alike (the transports take one list).
						return { from: config.mailFrom, to: [...new Set([...j.to, ...j.cc])], ...mail };
					},
				});
				const byId = new Map(group.map((j) => [j.id, j]));
				for (const e of report.sent) {
					const j = byId.get(e.recipientId);
					if (j) result.sent.push({ id: j.id, kind: j.kind, unitId: j.unit.id });
				}
				result.skipped += report.skipped.length;
				result.failed.push(...report.failed.map((f) => ({ id: f.recipientId, error: f.error })));
			}
		} finally {
			transport.close?.();
		}
		if (result.failed.length > 0) {
			emitCount(deps.metricSink, "NoticeDeliveryFailed", result.failed.length, { period, ids: result.failed.map((f) => f.id) }, now);
			await audit.record({ at: now.toISOString(), by: "schedule", action: "notice.delivery-failed", target: period, detail: { failures: result.failed } }).catch(() => {});
		}
		log.info("scheduled notices finished", { period, window, sent: result.sent.length, skipped: result.skipped, failed: result.failed.length, unreachable: result.unreachable.length });
		return result;
	};

	const remind = async (q: { unitId: string; period: string; actor: string }): Promise<ReminderResult> => {
		const idx = await app.catalog();
		const unit = idx.unitById.get(q.unitId);
		if (unit?.level !== "unit") throw notFound(`未知填报单位 ${q.unitId} (unknown reporting unit)`);
		const sub = await app.submissions(idx).get(unit.id, q.period);
		if (sub && (sub.status === "submitted" || sub.status === "approved")) {
			throw conflict(`${unit.name.zh}已上报${periodLabel(q.period)}数据，无需提醒 (this unit has already reported the period)`);
		}
		const reporters = (await directory().list()).filter((u) => !u.disabled && u.roles.includes("reporter") && u.orgScope === unit.id);
		if (reporters.length === 0) throw conflict(`${unit.name.zh}没有填报人员账号，无法发送提醒 (the unit has no reporter account)`);
		const withEmail = reporters.filter((u) => !!u.email);
		if (withEmail.length === 0) {
			throw conflict(`${unit.name.zh}的填报人员均未登记邮箱，无法发送提醒；请在用户管理中补充邮箱 (no reporter of this unit has an email address)`);
		}

		const label = periodLabel(q.period);
		const due = formatBeijingTime(deadline(q.period, config.deadlineDay)).slice(0, 10);
		const link = `${config.siteUrl.replace(/\/+$/, "")}/entry?unit=${encodeURIComponent(unit.id)}&period=${encodeURIComponent(q.period)}`;
		const state = sub?.status === "returned" ? "已被退回，尚未重新上报" : sub?.status === "draft" ? "仍为草稿，尚未上报" : "尚未上报";
		const lines = [
			`${unit.name.zh}填报人员：`,
			`您单位${label}的健康规划监测数据${state}。报送截止日期为${due}，请尽快登录平台完成填报。`,
			`填报地址：${link}`,
			"此邮件由健康规划指标监测平台发送，请勿直接回复。",
		];
		const html = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;color:#24292f">${lines
			.map((l, i) => (i === 2 ? `<p><a href="${escapeHtml(link)}">${escapeHtml("登录平台填报")}</a></p>` : `<p>${escapeHtml(l)}</p>`))
			.join("")}</body></html>`;

		const transport = await openTransport();
		let messageId: string;
		try {
			({ messageId } = await transport.send({
				from: config.mailFrom,
				to: withEmail.map((u) => u.email as string),
				subject: `【健康规划监测】请尽快上报${label}数据（${unit.name.zh}）`.replace(/[\r\n]+/g, " "),
				text: lines.join("\n\n"),
				html,
			}));
		} catch (err) {
			throw new AppError("unavailable", `提醒邮件发送失败，请稍后重试 (the reminder could not be sent: ${(err as Error)?.message ?? String(err)})`);
		} finally {
			transport.close?.();
		}
		const sentTo = withEmail.map((u) => u.username);
		await audit.record({ at: app.now().toISOString(), by: q.actor, action: "completeness.remind", target: `${unit.id}/${q.period}`, detail: { sentTo, messageId } });
		return { unitId: unit.id, period: q.period, sentTo, messageId };
	};

	return { remind, runScheduled, settings: settingsStore };
};

export type ReminderService = ReturnType<typeof createReminderService>;
