// The scheduled notices to reporting units, as mail: a reminder before the deadline, an overdue notice after it,
// and the approver's comment when a form is returned. Pure: the service picks who and when, these say what.
import { formatBeijingTime, formatMonthLabel } from "./model";
import { escapeHtml } from "./render";

export type NoticeKind = "before" | "overdue" | "returned";

export interface NoticeInput {
	kind: NoticeKind;
	unitName: string;
	period: string;
	/** ISO instant of the deadline. */
	deadline: string;
	/** Link to the unit's form for the period. */
	formUrl: string;
	/** What the unit's form is now: missing, a draft, or returned. */
	state: "missing" | "draft" | "returned";
	/** Elements still empty on a draft (names), when known. */
	missingItems?: string[];
	/** returned: the approver's comment and who returned it. */
	reviewComment?: string;
	returnedBy?: string;
	returnedAt?: string;
}

export interface NoticeMail {
	subject: string;
	text: string;
	html: string;
}

const periodLabel = (period: string): string => (/^\d{4}-\d{2}$/.test(period) ? formatMonthLabel(period, "zh-CN") : `${period}年`);
const STATE: Record<NoticeInput["state"], string> = { missing: "尚未上报", draft: "仍为草稿，尚未上报", returned: "已被退回，尚未重新上报" };

export function renderNotice(n: NoticeInput): NoticeMail {
	const label = periodLabel(n.period);
	const due = formatBeijingTime(n.deadline);
	const lines: string[] = [`${n.unitName}填报人员：`];
	let subject: string;
	if (n.kind === "before") {
		subject = `【健康规划监测】${label}数据将于${due.slice(5, 10).replace("-", "月")}日截止（${n.unitName}）`;
		lines.push(`您单位${label}的健康规划监测数据${STATE[n.state]}。报送截止时间为${due}（北京时间），请在截止前登录平台完成填报。`);
	} else if (n.kind === "overdue") {
		subject = `【健康规划监测】${label}数据已逾期未报（${n.unitName}）`;
		lines.push(`您单位${label}的健康规划监测数据${STATE[n.state]}，已超过报送截止时间${due}（北京时间）。请尽快登录平台补报；本通知同时抄送垦区审核人员。`);
	} else {
		subject = `【健康规划监测】${label}数据已被退回，请修改后重新上报（${n.unitName}）`;
		lines.push(
			`您单位${label}的健康规划监测数据已被${n.returnedBy ? `审核人员（${n.returnedBy}）` : "审核人员"}${n.returnedAt ? `于${formatBeijingTime(n.returnedAt)}` : ""}退回。`,
			`退回意见：${n.reviewComment?.trim() ? n.reviewComment.trim() : "（未填写）"}`,
			`请按意见修改后重新上报。报送截止时间为${due}（北京时间）。`,
		);
	}
	if (n.missingItems?.length) lines.push(`尚未填写的项目：${n.missingItems.slice(0, 10).join("、")}${n.missingItems.length > 10 ? `等${n.missingItems.length}项` : ""}。`);
	const linkLine = lines.length;
	lines.push(`填报地址：${n.formUrl}`, "此邮件由健康规划指标监测平台自动发送，请勿直接回复。");
	const html = `<!DOCTYPE html><html lang="zh-CN"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;line-height:1.6;color:#24292f;margin:0;padding:16px">${lines
		.map((l, i) =>
			i === linkLine
				? `<p><a href="${escapeHtml(n.formUrl)}" style="display:inline-block;background-color:#0b3d91;color:#ffffff;padding:10px 20px;border-radius:4px;text-decoration:none">${escapeHtml("登录平台填报")}</a></p>`
				: `<p style="margin:0 0 10px 0">${escapeHtml(l)}</p>`,
		)
		.join("")}</body></html>`;
	return { subject: subject.replace(/[\r\n]+/g, " "), text: lines.join("\n\n"), html };
}
