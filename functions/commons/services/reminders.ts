// Completeness reminders: a short Chinese email to a unit's reporters asking them to report a period
// (POST /api/completeness/remind?unitId=…&period=…). The reporters are the directory's users with the reporter role
// whose org scope is the unit, who are enabled and have an email address.
import { UserStore } from "../../auth/user-store";
import { userDirectoryFromConfig, type UserDirectory } from "../../auth/user-directory";
import { deadline, isMonth } from "../../core/periods";
import { formatBeijingTime, formatMonthLabel } from "../../summary/model";
import { escapeHtml } from "../../summary/render";
import type { App } from "../app";
import { AuditRepo } from "../audit-repo";
import { config } from "../config";
import { AppError, conflict, notFound } from "../errors";
import { createTransport, type MailTransport } from "../mail/index";

export interface ReminderDeps {
	directory?: () => UserDirectory;
	transport?: () => Promise<MailTransport>;
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

	return { remind };
};

export type ReminderService = ReturnType<typeof createReminderService>;
