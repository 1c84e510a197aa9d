// The unit feedback card as an email: HTML (nested tables, inline styles, as the summary's render.ts) and plain
// text, zh-CN or English. Pure. Everything from users or data goes through escapeHtml; links through safeUrl.
import type { IndicatorStatus, Locale } from "../core/types";
import type { FeedbackCard, FeedbackFigure, FeedbackMonth, FeedbackRow } from "./feedback-compile";
import { formatBeijingTime, formatMonthLabel, formatNumber, formatPercent, formatSigned, pick, STATUS_COLORS, STATUS_LABELS } from "./model";
import { escapeHtml as esc, safeUrl } from "./render";

export interface FeedbackMail {
	subject: string;
	text: string;
	html: string;
}

interface Words {
	brand: string;
	subject: (c: FeedbackCard) => string;
	greeting: (name: string) => string;
	intro: (c: FeedbackCard) => string;
	submission: (c: FeedbackCard) => string;
	coverageNote: (name: string, rate: string, min: string) => string;
	figures: string;
	colUnit: string;
	colDivision: string;
	colTarget: string;
	sinceLastMonth: string;
	notReported: string;
	carried: string;
	provisional: string;
	referenceNote: string;
	changes: string;
	onTime: string;
	onTimeLine: (c: FeedbackCard) => string;
	monthShort: (period: string) => string;
	monthState: Record<"on-time" | "late" | "returned" | "missing", string>;
	flags: (n: number) => string;
	flagsNone: string;
	returns: (n: number) => string;
	returnsNone: string;
	returnLine: (period: string, comment: string | undefined, by: string | undefined, at: string | undefined) => string;
	formButton: string;
	dashboardButton: string;
	footer: (c: FeedbackCard) => string;
	optOut: string;
	settings: string;
	auto: string;
	noFigures: string;
}

const SUBMISSION_ZH: Record<FeedbackMonth["status"], string> = { missing: "尚未上报", draft: "尚未上报", submitted: "已上报，待审核", approved: "已上报并通过审核", returned: "已被退回，待修改后重新上报" };
const SUBMISSION_EN: Record<FeedbackMonth["status"], string> = {
	missing: "not reported yet",
	draft: "not reported yet",
	submitted: "reported, awaiting approval",
	approved: "reported and approved",
	returned: "returned, to be corrected and resubmitted",
};

const zh: Words = {
	brand: "健康规划指标监测平台 · 单位月度反馈",
	subject: (c) => `【健康规划监测】${c.unitName}${formatMonthLabel(c.month, "zh-CN")}数据反馈`,
	greeting: (name) => `${name}填报人员，您好：`,
	intro: (c) => `以下是贵单位${formatMonthLabel(c.month, "zh-CN")}的数据反馈：本单位的主要数字与所在垦区、全师市的对照，近12个月的按时上报情况，待处理的数据质量提示和退回。`,
	submission: (c) =>
		`本月报表：${SUBMISSION_ZH[c.submission.status]}${c.submission.submittedAt ? `（提交于${formatBeijingTime(c.submission.submittedAt)}，北京时间${c.submission.onTime === false ? "，已逾期" : c.submission.onTime ? "，按时" : ""}）` : ""}。`,
	coverageNote: (name, rate, min) => `${name}本月数据覆盖率${rate}，低于完整性阈值${min}：覆盖不足的数字标为“数据不完整”，为暂定值，不判断达标与否。`,
	figures: "主要数字对照",
	colUnit: "本单位",
	colDivision: "全师市",
	colTarget: "规划目标",
	sinceLastMonth: "较上月",
	notReported: "未报",
	carried: "沿用上期",
	provisional: "数据不完整",
	referenceNote: "本单位数字仅供参考：规划目标针对全师市，单位不单独判断达标与否。较上月变化仅在两月数据覆盖相同时给出。",
	changes: "较上月变化",
	onTime: "近12个月按时上报情况",
	onTimeLine: (c) => `近${c.onTimeRecord.length}个月共上报${c.reportedCount}次，其中按时${c.onTimeCount}次。`,
	monthShort: (p) => `${Number(p.slice(5))}月`,
	monthState: { "on-time": "按时", late: "逾期", returned: "退回", missing: "未报" },
	flags: (n) => `数据质量提示（${n}项）`,
	flagsNone: "本月未发现本单位数据的异常值或与往年明显不一致。",
	returns: (n) => `待修改的退回报表（${n}份）`,
	returnsNone: "没有待修改的退回报表。",
	returnLine: (period, comment, by, at) =>
		`${formatMonthLabel(period, "zh-CN")}：退回意见“${comment?.trim() || "未填写"}”${by ? `（${by}${at ? `，${formatBeijingTime(at)}` : ""}）` : ""}`,
	formButton: "登录平台填报",
	settings: "通知设置",
	dashboardButton: "查看本单位看板",
	footer: (c) => `${c.planName}；生成时间 ${formatBeijingTime(c.generatedAt)}（北京时间）。`,
	optOut: "如不需要此反馈，可在平台的“通知设置”中关闭，或联系系统管理员。",
	auto: "本邮件由健康规划指标监测平台自动发送，请勿直接回复。",
	noFigures: "本单位本月没有需对照的指标数字。",
};

const en: Words = {
	brand: "Health plan monitoring · Unit monthly feedback",
	subject: (c) => `Health plan monitoring: ${c.unitName} feedback, ${formatMonthLabel(c.month, "en")}`,
	greeting: (name) => `Dear reporters of ${name},`,
	intro: (c) =>
		`This is your unit's feedback for ${formatMonthLabel(c.month, "en")}: its key figures beside its 垦区 and the division, its on-time record over the last 12 months, and the open data-quality flags and returned forms.`,
	submission: (c) =>
		`This month's form: ${SUBMISSION_EN[c.submission.status]}${c.submission.submittedAt ? ` (submitted ${formatBeijingTime(c.submission.submittedAt)} Beijing time${c.submission.onTime === false ? ", late" : c.submission.onTime ? ", on time" : ""})` : ""}.`,
	coverageNote: (name, rate, min) => `${name}: coverage this month is ${rate}, below the completeness threshold of ${min}; figures short of coverage are marked provisional and not judged.`,
	figures: "Key figures",
	colUnit: "Your unit",
	colDivision: "Division",
	colTarget: "Target",
	sinceLastMonth: "vs last month",
	notReported: "not reported",
	carried: "carried forward",
	provisional: "Provisional (incomplete)",
	referenceNote: "Your unit's figures are for reference: the plan's targets are set for the division, and a unit is not judged alone. Changes since last month are shown only where both months rest on the same coverage.",
	changes: "Since last month",
	onTime: "On-time record, last 12 months",
	onTimeLine: (c) => `Reported ${c.reportedCount} of the last ${c.onTimeRecord.length} months, ${c.onTimeCount} of them on time.`,
	monthShort: (p) => formatMonthLabel(p, "en").slice(0, 3),
	monthState: { "on-time": "on time", late: "late", returned: "returned", missing: "missing" },
	flags: (n) => `Data-quality flags (${n})`,
	flagsNone: "No outlier or inconsistency with past years was found in your unit's figures this month.",
	returns: (n) => `Returned forms to correct (${n})`,
	returnsNone: "No returned form is waiting for you.",
	returnLine: (period, comment, by, at) => `${formatMonthLabel(period, "en")}: "${comment?.trim() || "no comment"}"${by ? ` (${by}${at ? `, ${formatBeijingTime(at)}` : ""})` : ""}`,
	formButton: "Open the entry form",
	settings: "Notification settings",
	dashboardButton: "Your unit's dashboard",
	footer: (c) => `${c.planName}; generated ${formatBeijingTime(c.generatedAt)} (Beijing time).`,
	optOut: "To stop this feedback, turn it off in the platform's notification settings, or ask an administrator.",
	auto: "This message was sent automatically by the health plan monitoring platform; please do not reply.",
	noFigures: "Your unit has no figures to compare this month.",
};

const words = (locale: Locale): Words => (locale === "en" ? en : zh);

const withUom = (value: number | null, decimals: number, uom: string, locale: Locale): string => {
	const v = formatNumber(value, decimals);
	if (v === "—" || !uom) return v;
	const tight = locale !== "en" || uom.startsWith("/") || uom === "%" || uom === "‰";
	return `${v}${tight ? "" : " "}${uom}`;
};

const monthState = (m: FeedbackMonth): keyof Words["monthState"] =>
	m.status === "returned" ? "returned" : m.status === "submitted" || m.status === "approved" ? (m.onTime ? "on-time" : "late") : "missing";
const STATE_STYLE: Record<keyof Words["monthState"], { fg: string; bg: string; symbol: string }> = {
	"on-time": { fg: "#116329", bg: "#dafbe1", symbol: "√" },
	late: { fg: "#7d4e00", bg: "#fff8c5", symbol: "!" },
	returned: { fg: "#7d4e00", bg: "#fff8c5", symbol: "↩" },
	missing: { fg: "#82071e", bg: "#ffebe9", symbol: "×" },
};

/** A 垦区's or the division's figure as text: the value, 数据不完整 when provisional, the change when comparable. */
const figureText = (f: FeedbackFigure | null, r: FeedbackRow, w: Words, locale: Locale): string[] => {
	if (!f) return ["—"];
	const out = [withUom(f.value, r.decimals, r.uom, locale)];
	if (f.provisional) out.push(w.provisional);
	else if (f.change !== null) out.push(`${w.sinceLastMonth} ${formatSigned(f.change, r.decimals)}`);
	return out;
};

const unitText = (r: FeedbackRow, w: Words, locale: Locale): string[] => {
	if (r.unit.missing) return [w.notReported];
	const out = [withUom(r.unit.value, r.decimals, r.uom, locale)];
	if (r.unit.carried) out.push(w.carried);
	if (r.unit.change !== null) out.push(`${w.sinceLastMonth} ${formatSigned(r.unit.change, r.decimals)}`);
	return out;
};

const FONT = "font-family:'PingFang SC','Microsoft YaHei','Hiragino Sans GB','Noto Sans CJK SC',Arial,sans-serif";
const TEXT = `${FONT};color:#24292f;font-size:14px;line-height:1.6`;
const MUTED = `${FONT};color:#57606a;font-size:12px;line-height:1.5`;

const para = (text: string, style = TEXT): string => `<p style="${style};margin:0 0 8px 0">${esc(text)}</p>`;
const section = (title: string, inner: string, accent = "#0b3d91"): string =>
	`<tr><td style="padding:18px 24px 4px 24px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="${FONT};font-size:16px;font-weight:bold;color:#24292f;border-left:4px solid ${accent};padding:0 0 0 8px">${esc(title)}</td></tr><tr><td style="padding:10px 0 0 0">${inner}</td></tr></table></td></tr>`;
const bullets = (items: string[]): string =>
	`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${items.map((t) => `<tr><td valign="top" width="16" style="${TEXT};color:#0b3d91;padding:0 0 6px 0">•</td><td style="${TEXT};padding:0 0 6px 0">${esc(t)}</td></tr>`).join("")}</table>`;
const pill = (c: { fg: string; bg: string }, label: string): string =>
	`<span style="${FONT};display:inline-block;background-color:${c.bg};color:${c.fg};border:1px solid ${c.fg};border-radius:3px;padding:0 4px;font-size:11px;line-height:16px;white-space:nowrap">${esc(label)}</span>`;
const badge = (status: IndicatorStatus, locale: Locale): string => pill(STATUS_COLORS[status], `${STATUS_COLORS[status].symbol} ${pick(STATUS_LABELS[status], locale)}`);
const button = (href: string, label: string, primary: boolean): string =>
	`<td align="center" bgcolor="${primary ? "#0b3d91" : "#ffffff"}" style="background-color:${primary ? "#0b3d91" : "#ffffff"};border:1px solid #0b3d91;border-radius:4px"><a href="${safeUrl(href)}" target="_blank" style="${FONT};display:inline-block;padding:10px 20px;font-size:14px;font-weight:bold;color:${primary ? "#ffffff" : "#0b3d91"};text-decoration:none">${esc(label)}</a></td>`;

/** One figure on the facts line: its label, the value (bold for the unit's own), then its notes in brackets. */
const fact = (label: string, lines: string[], w: Words, locale: Locale, strong = false): string => {
	const [first = "—", ...rest] = lines;
	const value = strong ? `<strong>${esc(first)}</strong>` : esc(first);
	const notes = rest.map((l) => (l === w.provisional ? ` ${pill(STATUS_COLORS.provisional, `${STATUS_COLORS.provisional.symbol} ${l}`)}` : `<span style="color:#57606a">${esc(locale === "en" ? ` (${l})` : `（${l}）`)}</span>`)).join("");
	return `${esc(label)} ${value}${notes}`;
};

/**
 * Each indicator as two rows: its name and the division's status, then the unit, its 垦区, the division and the
 * target on one line that wraps. Five table columns did not fit a 390 px phone.
 */
const figuresHtml = (c: FeedbackCard, w: Words): string => {
	if (c.rows.length === 0) return section(w.figures, para(w.noFigures, MUTED));
	const sep = esc(c.locale === "en" ? " · " : " ｜ ");
	const rows = c.rows
		.map((r) => {
			const facts = [
				fact(w.colUnit, unitText(r, w, c.locale), w, c.locale, true),
				...(c.area ? [fact(c.area.name, figureText(r.area, r, w, c.locale), w, c.locale)] : []),
				fact(w.colDivision, figureText(r.division, r, w, c.locale), w, c.locale),
				`${esc(w.colTarget)} ${esc(r.target ?? "—")}`,
			].join(sep);
			return `<tr><td style="${TEXT};font-weight:bold;border-top:1px solid #eaeef2;padding:8px 6px 2px 0">${esc(r.name)}</td><td align="right" valign="top" style="${TEXT};border-top:1px solid #eaeef2;padding:8px 0 2px 6px">${r.division.provisional ? "" : badge(r.division.status, c.locale)}</td></tr><tr><td colspan="2" style="${MUTED};color:#24292f;padding:0 0 8px 0">${facts}</td></tr>`;
		})
		.join("");
	const notes = [c.area, c.division].filter((s) => s?.provisional).map((s) => w.coverageNote(s?.name ?? "", formatPercent(s?.rate ?? 0), formatPercent(s?.threshold ?? 0, 0)));
	return section(
		w.figures,
		`${notes.map((n) => `<p style="${TEXT};background-color:#fff8c5;border-left:4px solid #bf8700;padding:8px 10px;margin:0 0 8px 0">${esc(`⚠ ${n}`)}</p>`).join("")}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">${rows}</table>${para(w.referenceNote, MUTED)}`,
	);
};

const onTimeHtml = (c: FeedbackCard, w: Words): string => {
	const cells = c.onTimeRecord.map((m) => {
		const s = STATE_STYLE[monthState(m)];
		return `<td align="center" valign="top" width="16%" style="background-color:${s.bg};border:1px solid #ffffff;padding:4px 2px"><div style="${FONT};font-size:11px;line-height:14px;color:#57606a">${esc(w.monthShort(m.period))}</div><div style="${FONT};font-size:14px;line-height:18px;font-weight:bold;color:${s.fg}">${esc(s.symbol)}</div><div style="${FONT};font-size:10px;line-height:13px;color:${s.fg}">${esc(w.monthState[monthState(m)])}</div></td>`;
	});
	// Two rows of six months: twelve cells in one row were wider than a 390 px phone in English.
	const rows = [cells.slice(0, 6), cells.slice(6)].filter((r) => r.length).map((r) => `<tr>${r.join("")}</tr>`).join("");
	return section(w.onTime, `${para(w.onTimeLine(c))}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows}</table>`);
};

export function renderFeedbackCard(c: FeedbackCard, options: { greetingName?: string } = {}): FeedbackMail {
	const w = words(c.locale);
	const sep = c.locale === "en" ? ": " : "：";
	const flagLines = c.flags.map((f) => `${f.elementName}${sep}${f.detail}`);
	const returnLines = c.returns.map((r) => w.returnLine(r.period, r.reviewComment, r.returnedBy, r.returnedAt));
	const coverageNotes = [c.area, c.division].filter((s) => s?.provisional).map((s) => w.coverageNote(s?.name ?? "", formatPercent(s?.rate ?? 0), formatPercent(s?.threshold ?? 0, 0)));

	const body = [
		`<tr><td bgcolor="#0b3d91" style="background-color:#0b3d91;padding:18px 24px"><div style="${FONT};font-size:12px;line-height:18px;color:#c8d8f0">${esc(w.brand)}</div><div style="${FONT};font-size:20px;line-height:28px;font-weight:bold;color:#ffffff;padding-top:4px">${esc(c.unitName)}</div><div style="${FONT};font-size:14px;line-height:20px;color:#ffffff;padding-top:2px">${esc(formatMonthLabel(c.month, c.locale))}</div></td></tr>`,
		`<tr><td style="padding:16px 24px 0 24px">${para(w.greeting(options.greetingName ?? c.unitName))}${para(w.intro(c))}${para(w.submission(c))}</td></tr>`,
		figuresHtml(c, w),
		section(w.changes, c.changes.length ? bullets(c.changes) : para("—", MUTED)),
		onTimeHtml(c, w),
		section(w.flags(c.flags.length), flagLines.length ? bullets(flagLines) : para(w.flagsNone, MUTED), flagLines.length ? "#d4a72c" : "#0b3d91"),
		section(w.returns(c.returns.length), returnLines.length ? bullets(returnLines) : para(w.returnsNone, MUTED), returnLines.length ? "#cf222e" : "#0b3d91"),
		`<tr><td align="center" style="padding:22px 24px 8px 24px"><table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>${button(c.formUrl, w.formButton, true)}<td width="12">&nbsp;</td>${button(c.dashboardUrl, w.dashboardButton, false)}</tr></table></td></tr>`,
		`<tr><td style="padding:8px 24px 20px 24px">${para(w.footer(c), MUTED)}<p style="${MUTED};margin:0 0 8px 0">${esc(w.optOut)} <a href="${safeUrl(c.settingsUrl)}" target="_blank" style="color:#0b3d91">${esc(w.settings)}</a></p>${para(w.auto, MUTED)}</td></tr>`,
	].join("");
	const html = `<!DOCTYPE html><html lang="${c.locale === "en" ? "en" : "zh-CN"}"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(w.subject(c))}</title></head><body style="margin:0;padding:0;background-color:#f3f4f6"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f3f4f6" style="background-color:#f3f4f6"><tr><td align="center" style="padding:16px 8px"><table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:640px;background-color:#ffffff;border:1px solid #d0d7de;border-radius:6px">${body}</table></td></tr></table></body></html>`;

	// Plain text: the same content.
	const L: string[] = [w.brand, `${c.unitName} · ${formatMonthLabel(c.month, c.locale)}`, "", w.greeting(options.greetingName ?? c.unitName), w.intro(c), w.submission(c), "", `== ${w.figures} ==`];
	for (const n of coverageNotes) L.push(`!! ${n}`);
	if (c.rows.length === 0) L.push(w.noFigures);
	for (const r of c.rows) {
		const parts = [`${w.colUnit} ${unitText(r, w, c.locale).join(c.locale === "en" ? ", " : "，")}`];
		if (c.area) parts.push(`${c.area.name} ${figureText(r.area, r, w, c.locale).join(c.locale === "en" ? ", " : "，")}`);
		parts.push(`${w.colDivision} ${figureText(r.division, r, w, c.locale).join(c.locale === "en" ? ", " : "，")}`);
		if (r.target) parts.push(`${w.colTarget} ${r.target}`);
		L.push(`- ${r.name}${sep}${parts.join(c.locale === "en" ? "; " : "；")}`);
	}
	L.push(w.referenceNote, "", `== ${w.changes} ==`, ...(c.changes.length ? c.changes.map((s) => `- ${s}`) : ["—"]));
	L.push("", `== ${w.onTime} ==`, w.onTimeLine(c), c.onTimeRecord.map((m) => `${w.monthShort(m.period)} ${w.monthState[monthState(m)]}`).join(c.locale === "en" ? ", " : "，"));
	L.push("", `== ${w.flags(c.flags.length)} ==`, ...(flagLines.length ? flagLines.map((s) => `- ${s}`) : [w.flagsNone]));
	L.push("", `== ${w.returns(c.returns.length)} ==`, ...(returnLines.length ? returnLines.map((s) => `- ${s}`) : [w.returnsNone]));
	L.push("", `${w.formButton}${sep}${c.formUrl}`, `${w.dashboardButton}${sep}${c.dashboardUrl}`, "", w.footer(c), `${w.optOut} ${w.settings}${sep}${c.settingsUrl}`, w.auto);
	return { subject: w.subject(c).replace(/[\r\n\t]+/g, " "), html, text: L.join("\n") };
}
