// The summary as an email (HTML + plain text + attachments) and as a standalone archive page.
// Email HTML is what Outlook (Word engine), Foxmail, QQ Mail and phone apps all render the same: nested tables,
// inline styles only, no <style>, no scripts, no external CSS, fonts or images; charts are CID attachments.
// Everything that comes from users or data goes through escapeHtml, in text and in attributes alike.
import type { ChartImage } from "./charts";
import { escapeHtml } from "../core/html";
import {
	type BindingTally,
	type BindingVerdict,
	bindingTally,
	bindingVerdict,
	formatMonthLabel,
	formatNumber,
	formatPercent,
	formatBeijingTime,
	formatSigned,
	NATURE_LABELS,
	pick,
	STATUS_COLORS,
	STATUS_LABELS,
	type SummaryIndicator,
	type SummaryModel,
	type SummaryTrendRisk,
} from "./model";
import { buildSummaryXlsx, XLSX_CONTENT_TYPE } from "./xlsx";
import type { IndicatorStatus, Locale, Nature } from "../core/types";

export interface EmailAttachment {
	filename: string;
	content: Buffer;
	contentType: string;
	/** Set on inline images; the HTML refers to them as `cid:<cid>`. */
	cid?: string;
}

export interface RenderedEmail {
	subject: string;
	html: string;
	text: string;
	attachments: EmailAttachment[];
}

export interface RenderOptions {
	/** Greets the reader by name ("王主任，您好："). */
	recipientName?: string;
	/** Attach the .xlsx workbook (default true). */
	xlsx?: boolean;
}

export { escapeHtml };
const esc = escapeHtml;

/** Only http(s) links get through; anything else (javascript:, data:) becomes "#". Escaped for the attribute. */
export function safeUrl(url: string): string {
	try {
		const u = new URL(url);
		return u.protocol === "http:" || u.protocol === "https:" ? esc(u.toString()) : "#";
	} catch {
		return "#";
	}
}

/** Header values must not carry line breaks (header injection) and read better without runs of spaces. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, " ").replace(/\s{2,}/g, " ").trim();

// ---------------------------------------------------------------------------
// Words

type Words = {
	brand: string;
	greeting: (name: string) => string;
	subject: (m: SummaryModel) => string;
	bindingTitle: (n: number) => string;
	/** The binding section's sentence when none needs attention (a plan without binding indicators reads as all-fine). */
	bindingNone: Record<"all-fine" | "some-unjudged" | "none-judged", (t: BindingTally) => string>;
	highlights: string;
	overview: string;
	trends: string;
	allIndicators: string;
	colValue: string;
	colTarget: string;
	expectedNow: string;
	sinceLastMonth: string;
	reporting: string;
	reportingLine: (m: SummaryModel) => string;
	missing: (n: number) => string;
	late: (n: number) => string;
	returned: (n: number) => string;
	pending: (n: number) => string;
	reviewComment: string;
	comment: string;
	submittedAt: string;
	quality: (n: number) => string;
	qualityKind: Record<"outlier" | "consistency", string>;
	qualityNone: string;
	trendRisks: (n: number) => string;
	trendRisk: (r: SummaryTrendRisk, fmt: (v: number) => string) => string;
	button: string;
	footerScope: (m: SummaryModel) => string;
	footerAuto: string;
	attachmentNote: string;
	none: string;
	count: (n: number) => string;
	xlsxName: (m: SummaryModel) => string;
	provisionalTitle: string;
	provisionalBanner: (m: SummaryModel) => string;
	missingNamed: (names: string[]) => string;
	interval: (low: string, high: string) => string;
	fewEvents: string;
	notComparable: string;
};

/** The subject's clause on the binding indicators, per verdict (model.ts, bindingVerdict). */
type VerdictWords = Record<BindingVerdict, (t: BindingTally) => string>;
const verdictClause = (words: VerdictWords, m: SummaryModel): string => {
	const t = bindingTally(m);
	return words[bindingVerdict(t)](t);
};
/** The binding section's sentence when no indicator needs attention. */
const noneSentence = (w: Words, t: BindingTally): string => {
	const v = bindingVerdict(t);
	return w.bindingNone[v === "some-unjudged" || v === "none-judged" ? v : "all-fine"](t);
};

const zhVerdict: VerdictWords = {
	none: () => "月度摘要",
	alerts: (t) => `${t.alerts}项约束性指标需关注${t.unjudged > 0 ? `，${t.unjudged}项暂不能判断` : ""}`,
	"all-fine": () => "约束性指标均达标或符合进度",
	"some-unjudged": (t) => `${t.fine}项约束性指标达标或符合进度，${t.unjudged}项暂不能判断`,
	"none-judged": () => "约束性指标数据不足，暂不判断",
};

const enVerdict: VerdictWords = {
	none: () => "monthly summary",
	alerts: (t) => `${t.alerts} binding indicator${t.alerts === 1 ? " needs" : "s need"} attention${t.unjudged > 0 ? `, ${t.unjudged} not yet judged` : ""}`,
	"all-fine": () => "all binding indicators achieved or on track",
	"some-unjudged": (t) => `${t.fine} binding indicator${t.fine === 1 ? "" : "s"} achieved or on track, ${t.unjudged} not yet judged`,
	"none-judged": () => "binding indicators not yet judged (data incomplete)",
};

const zh: Words = {
	brand: "健康规划指标监测平台 · 月度摘要",
	greeting: (name) => `${name}，您好：`,
	subject: (m) => `【健康规划月报】${formatMonthLabel(m.month, "zh-CN")} ${m.scope.name}：${verdictClause(zhVerdict, m)}`,
	bindingTitle: (n) => `约束性指标预警（${n}项）`,
	bindingNone: {
		"all-fine": () => "约束性指标均已达标或符合规划进度。",
		"some-unjudged": (t) => `可判断的${t.fine}项约束性指标均已达标或符合规划进度；另有${t.unjudged}项数据不完整或暂无数据，暂不判断。`,
		"none-judged": () => "约束性指标数据不完整或暂无数据，暂不判断是否达标。",
	},
	highlights: "本月要点",
	overview: "指标状态总览",
	trends: "重点约束性指标走势",
	allIndicators: "全部指标",
	colValue: "当前值",
	colTarget: "规划目标",
	expectedNow: "进度期望",
	sinceLastMonth: "较上月",
	reporting: "填报情况",
	reportingLine: (m) => {
		const r = m.reporting;
		return `应报${r.expected}个单位，已报${r.reported}个，按时${r.onTime}个；报告率${formatPercent(r.reportingRate)}（标准≥${formatPercent(r.thresholds.reportingRate, 0)}），及时率${formatPercent(r.timelinessRate)}（标准≥${formatPercent(r.thresholds.timelinessRate, 0)}）。`;
	},
	missing: (n) => `未填报单位（${n}个）`,
	late: (n) => `逾期提交单位（${n}个）`,
	returned: (n) => `已退回待修改（${n}份）`,
	pending: (n) => `待审核（${n}份）`,
	reviewComment: "退回意见",
	comment: "填报说明",
	submittedAt: "提交于",
	quality: (n) => `数据质量提示（${n}项）`,
	qualityKind: { outlier: "异常值", consistency: "与往年不一致" },
	qualityNone: "未发现异常值或与往年明显不一致的数据。",
	trendRisks: (n) => `按趋势推算需关注的指标（${n}项）`,
	trendRisk: (r, fmt) =>
		`${r.name}：${r.verdict === "unlikely" ? "按趋势难以达成" : "有风险"}，${r.targetYear}年约为${fmt(r.value)}${r.uom}（区间${fmt(r.low)}–${fmt(r.high)}）${r.target ? `，目标${r.target}` : ""}`,
	button: "打开监测平台查看详情",
	footerScope: (m) => `统计口径：${m.approvedOnly ? "仅含已审核数据" : "含已提交及已审核数据"}；生成时间 ${formatBeijingTime(m.generatedAt)}（北京时间）。`,
	footerAuto: "本邮件由健康规划指标监测平台自动发送，请勿直接回复。",
	attachmentNote: "附件为本月指标进展与填报情况明细（Excel）。",
	none: "无",
	count: (n) => `${n}项`,
	xlsxName: (m) => `健康规划月度摘要-${m.month}-${m.scope.orgId}.xlsx`,
	provisionalTitle: "数据不完整，以下为暂定数字",
	provisionalBanner: (m) =>
		`截至${formatBeijingTime(m.generatedAt)}（北京时间），数据覆盖率${formatPercent(m.reporting.coverageRate)}，低于完整性阈值${formatPercent(m.reporting.threshold, 0)}。覆盖不足的指标标为“数据不完整”，不判断达标与否；较上月变化仅在两月覆盖相同时比较。`,
	missingNamed: (names) => `尚未上报的单位（${names.length}个）：${names.join("、")}。`,
	interval: (low, high) => `95%区间 ${low}–${high}`,
	fewEvents: "事件数少，解读需谨慎",
	notComparable: "较上月 不可比（覆盖不同）",
};

const en: Words = {
	brand: "Health plan monitor · Monthly summary",
	greeting: (name) => `Dear ${name},`,
	subject: (m) => `Health plan summary, ${formatMonthLabel(m.month, "en")}, ${m.scope.name}: ${verdictClause(enVerdict, m)}`,
	bindingTitle: (n) => `Binding indicators needing attention (${n})`,
	bindingNone: {
		"all-fine": () => "All binding indicators are achieved or on track.",
		"some-unjudged": (t) =>
			`The ${t.fine} binding indicator${t.fine === 1 ? " that can be judged is" : "s that can be judged are"} achieved or on track; ${t.unjudged} more ${t.unjudged === 1 ? "has" : "have"} incomplete or no data and ${t.unjudged === 1 ? "is" : "are"} not judged yet.`,
		"none-judged": () => "The binding indicators have incomplete or no data: not judged yet.",
	},
	highlights: "This month",
	overview: "Status overview",
	trends: "Binding indicators: trend",
	allIndicators: "All indicators",
	colValue: "Value",
	colTarget: "Target",
	expectedNow: "Plan path",
	sinceLastMonth: "vs last month",
	reporting: "Reporting",
	reportingLine: (m) => {
		const r = m.reporting;
		return `${r.reported} of ${r.expected} units reported, ${r.onTime} on time; reporting rate ${formatPercent(r.reportingRate)} (target ≥${formatPercent(r.thresholds.reportingRate, 0)}), timeliness ${formatPercent(r.timelinessRate)} (target ≥${formatPercent(r.thresholds.timelinessRate, 0)}).`;
	},
	missing: (n) => `Not reported (${n})`,
	late: (n) => `Submitted late (${n})`,
	returned: (n) => `Returned for correction (${n})`,
	pending: (n) => `Awaiting approval (${n})`,
	reviewComment: "Reason",
	comment: "Reporter's note",
	submittedAt: "submitted",
	quality: (n) => `Data quality (${n})`,
	qualityKind: { outlier: "Outlier", consistency: "Inconsistent with past years" },
	qualityNone: "No outliers or inconsistencies with past years were found.",
	trendRisks: (n) => `On trend, needing attention (${n})`,
	trendRisk: (r, fmt) =>
		`${r.name}: ${r.verdict === "unlikely" ? "unlikely on trend" : "at risk"}, about ${fmt(r.value)} ${r.uom} in ${r.targetYear} (range ${fmt(r.low)}–${fmt(r.high)})${r.target ? `; target ${r.target}` : ""}`,
	button: "Open the dashboard",
	footerScope: (m) => `${m.approvedOnly ? "Approved data only" : "Submitted and approved data"}; generated ${formatBeijingTime(m.generatedAt)} (Beijing time).`,
	footerAuto: "Sent automatically by the health plan monitoring platform; please do not reply.",
	attachmentNote: "The attached workbook (Excel) lists every indicator and unit.",
	none: "None",
	count: (n) => `${n}`,
	xlsxName: (m) => `health-plan-summary-${m.month}-${m.scope.orgId}.xlsx`,
	provisionalTitle: "Incomplete data: these figures are provisional",
	provisionalBanner: (m) =>
		`As of ${formatBeijingTime(m.generatedAt)} (Beijing time), coverage is ${formatPercent(m.reporting.coverageRate)}, below the completeness threshold of ${formatPercent(m.reporting.threshold, 0)}. Figures short of coverage are marked provisional and not judged; changes since last month are compared only where coverage is the same.`,
	missingNamed: (names) => `Not reported yet (${names.length}): ${names.join(", ")}.`,
	interval: (low, high) => `95% interval ${low}–${high}`,
	fewEvents: "Few events: interpret with care",
	notComparable: "vs last month: not comparable (coverage differs)",
};

const words = (locale: Locale): Words => (locale === "en" ? en : zh);

// ---------------------------------------------------------------------------
// HTML pieces (inline styles only)

const FONT = "font-family:'PingFang SC','Microsoft YaHei','Hiragino Sans GB','Noto Sans CJK SC',Arial,sans-serif";
const TEXT = `${FONT};color:#24292f;font-size:14px;line-height:1.6`;
const MUTED = `${FONT};color:#57606a;font-size:12px;line-height:1.5`;

const statusBadge = (status: IndicatorStatus, locale: Locale): string => {
	const c = STATUS_COLORS[status];
	return `<span style="${FONT};display:inline-block;background-color:${c.bg};color:${c.fg};border:1px solid ${c.fg};border-radius:3px;padding:0 6px;font-size:12px;line-height:18px;font-weight:bold;white-space:nowrap">${esc(c.symbol)}&nbsp;${esc(pick(STATUS_LABELS[status], locale))}</span>`;
};

const natureBadge = (nature: Nature, locale: Locale): string =>
	nature === "binding"
		? `<span style="${FONT};display:inline-block;background-color:#82071e;color:#ffffff;border-radius:3px;padding:0 5px;font-size:11px;line-height:17px;font-weight:bold;white-space:nowrap">${esc(pick(NATURE_LABELS.binding, locale))}</span>`
		: `<span style="${FONT};display:inline-block;color:#57606a;border:1px solid #d0d7de;border-radius:3px;padding:0 5px;font-size:11px;line-height:15px;white-space:nowrap">${esc(pick(NATURE_LABELS.expected, locale))}</span>`;

/** "3.05人", "14.2/10万", "25.0%"; English puts a space before word units ("3.05 per 1,000"). */
const withUom = (value: number | null, decimals: number, uom: string, locale: Locale): string => {
	const v = formatNumber(value, decimals);
	if (v === "—" || !uom) return v;
	const tight = locale !== "en" || uom.startsWith("/") || uom === "%" || uom === "‰";
	return `${v}${tight ? "" : " "}${uom}`;
};

const section = (title: string, inner: string, accent = "#0b3d91"): string =>
	`<tr><td style="padding:20px 24px 4px 24px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="${FONT};font-size:16px;font-weight:bold;color:#24292f;border-left:4px solid ${accent};padding:0 0 0 8px">${esc(title)}</td></tr><tr><td style="padding:10px 0 0 0">${inner}</td></tr></table></td></tr>`;

const para = (text: string, style = TEXT): string => `<p style="${style};margin:0 0 8px 0">${esc(text)}</p>`;

const bulletList = (items: string[]): string =>
	`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${items
		.map(
			(t) =>
				`<tr><td valign="top" width="16" style="${TEXT};color:#0b3d91;padding:0 0 6px 0">•</td><td style="${TEXT};padding:0 0 6px 0">${esc(t)}</td></tr>`,
		)
		.join("")}</table>`;

/** The facts of one indicator in reading order: value, plan path, target, the move since last month, caveats. */
const factParts = (i: SummaryIndicator, w: Words, locale: Locale): string[] => {
	const parts = [
		`${w.colValue} ${withUom(i.value, i.decimals, i.uom, locale)}`,
		`${w.expectedNow} ${withUom(i.expected, i.decimals, i.uom, locale)}`,
		`${w.colTarget} ${i.target ?? "—"}`,
	];
	if (i.changeSinceLastMonth !== null) parts.push(`${w.sinceLastMonth} ${formatSigned(i.changeSinceLastMonth, i.decimals)}`);
	parts.push(...valueNotes(i, w));
	return parts;
};
const factSeparator = (locale: Locale): string => (locale === "en" ? " · " : " ｜ ");

/** The facts line in HTML: the value in bold, the rest plain; wraps freely (never wider than a phone). */
const indicatorFacts = (i: SummaryIndicator, w: Words, locale: Locale): string => {
	const [value = "", ...rest] = factParts(i, w, locale);
	return [`<strong>${esc(value)}</strong>`, ...rest.map(esc)].join(esc(factSeparator(locale)));
};

/** The top of the email when coverage is short: says so and names the units still missing. */
const provisionalBannerHtml = (m: SummaryModel, w: Words): string => {
	if (!m.reporting.provisional) return "";
	const names = m.missingUnits.map((u) => u.unitName);
	return `<tr><td style="padding:16px 24px 0 24px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="background-color:#fff8c5;border:1px solid #d4a72c;border-left:4px solid #bf8700;padding:10px 12px"><p style="${TEXT};font-weight:bold;color:#7d4e00;margin:0 0 4px 0">${esc(`⚠ ${w.provisionalTitle}`)}</p><p style="${TEXT};margin:0 0 4px 0">${esc(w.provisionalBanner(m))}</p>${names.length ? `<p style="${TEXT};margin:0">${esc(w.missingNamed(names))}</p>` : ""}</td></tr></table></td></tr>`;
};

/** Interval, caution and comparability notes under a value. */
const valueNotes = (i: SummaryIndicator, w: Words): string[] => {
	const notes: string[] = [];
	if (i.interval) notes.push(w.interval(formatNumber(i.interval.low, i.decimals), formatNumber(i.interval.high, i.decimals)));
	if (i.caution === "few-events") notes.push(w.fewEvents);
	if (!i.comparable && i.value !== null && i.previousValue !== null) notes.push(w.notComparable);
	return notes;
};

const bindingAlertsHtml = (m: SummaryModel, w: Words): string => {
	if (m.bindingAlerts.length === 0) {
		const t = bindingTally(m);
		// Green only when every binding indicator was judged; otherwise the neutral grey of a provisional figure.
		if (t.unjudged === 0) return section(w.bindingTitle(0), `<p style="${TEXT};margin:0;color:#116329">${esc(`${STATUS_COLORS.achieved.symbol} ${noneSentence(w, t)}`)}</p>`, "#2da44e");
		return section(w.bindingTitle(0), `<p style="${TEXT};margin:0;color:#424a53">${esc(`${STATUS_COLORS.provisional.symbol} ${noneSentence(w, t)}`)}</p>`, STATUS_COLORS.provisional.chart);
	}
	const rows = m.bindingAlerts
		.map((i) => {
			const c = STATUS_COLORS[i.status];
			return `<tr><td style="background-color:${c.bg};border-left:4px solid ${c.chart};padding:10px 12px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="${TEXT};font-weight:bold">${esc(i.name)}&nbsp;${natureBadge(i.nature, m.locale)}</td><td align="right" valign="top" style="${TEXT}">${statusBadge(i.status, m.locale)}</td></tr><tr><td colspan="2" style="${MUTED};color:#24292f;padding-top:4px">${indicatorFacts(i, w, m.locale)}</td></tr></table></td></tr><tr><td height="8" style="font-size:0;line-height:0">&nbsp;</td></tr>`;
		})
		.join("");
	return section(
		w.bindingTitle(m.bindingAlerts.length),
		`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows}</table>`,
		"#cf222e",
	);
};

const overviewHtml = (m: SummaryModel, w: Words, img: string): string => {
	const statuses: IndicatorStatus[] = ["achieved", "on-track", "behind", "off-track"];
	for (const s of ["uncertain", "provisional", "no-data"] as const) if (m.counts[s] > 0) statuses.push(s);
	const cells = statuses
		.map((s) => {
			const c = STATUS_COLORS[s];
			return `<td align="center" valign="top" width="${Math.floor(100 / statuses.length)}%" style="background-color:${c.bg};border:1px solid #ffffff;padding:10px 4px"><div style="${FONT};font-size:24px;line-height:28px;font-weight:bold;color:${c.fg}">${esc(m.counts[s])}</div><div style="${FONT};font-size:12px;line-height:16px;color:${c.fg}">${esc(`${c.symbol} ${pick(STATUS_LABELS[s], m.locale)}`)}</div></td>`;
		})
		.join("");
	return section(
		w.overview,
		`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>${cells}</tr></table>${img}`,
	);
};

const imageTag = (chart: ChartImage, src: string): string =>
	`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="padding:10px 0 0 0"><img src="${esc(src)}" width="${esc(chart.width)}" alt="${esc(chart.alt)}" style="display:block;width:100%;max-width:${esc(chart.width)}px;height:auto;border:0;outline:none;text-decoration:none"></td></tr></table>`;

/**
 * Every indicator as two rows: its name, nature and status, then its facts on a line that wraps. Four table
 * columns did not fit a 390 px phone (names broke every four characters and the page scrolled sideways).
 */
const indicatorTable = (m: SummaryModel, w: Words): string => {
	const rows = m.indicators
		.map(
			(i) =>
				`<tr><td style="${TEXT};font-size:14px;font-weight:bold;border-top:1px solid #eaeef2;padding:8px 6px 2px 0">${esc(i.name)}&nbsp;${natureBadge(i.nature, m.locale)}</td><td align="right" valign="top" style="${TEXT};border-top:1px solid #eaeef2;padding:8px 0 2px 6px">${statusBadge(i.status, m.locale)}</td></tr><tr><td colspan="2" style="${MUTED};color:#24292f;padding:0 0 8px 0">${indicatorFacts(i, w, m.locale)}</td></tr>`,
		)
		.join("");
	return section(w.allIndicators, `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">${rows}</table>`);
};

const unitLines = (title: string, lines: string[], w: Words, accent: string): string =>
	`<p style="${TEXT};font-weight:bold;margin:8px 0 4px 0;color:${accent}">${esc(title)}</p>${lines.length ? bulletList(lines) : para(w.none, MUTED)}`;

const reportingHtml = (m: SummaryModel, w: Words): string => {
	const en = m.locale === "en";
	const at = (iso?: string) => (iso ? (en ? ` (${w.submittedAt} ${formatBeijingTime(iso)})` : `（${w.submittedAt}${formatBeijingTime(iso)}）`) : "");
	const parts = [
		para(w.reportingLine(m)),
		unitLines(
			w.missing(m.missingUnits.length),
			m.missingUnits.map((u) => u.unitName),
			w,
			"#82071e",
		),
	];
	if (m.lateUnits.length)
		parts.push(
			unitLines(
				w.late(m.lateUnits.length),
				m.lateUnits.map((u) => `${u.unitName}${at(u.submittedAt)}`),
				w,
				"#7d4e00",
			),
		);
	if (m.returnedSubmissions.length)
		parts.push(
			unitLines(
				w.returned(m.returnedSubmissions.length),
				m.returnedSubmissions.map(
					(r) =>
						`${r.unitName}${r.reviewComment ? `${en ? "; " : "；"}${w.reviewComment}${en ? ": " : "："}${r.reviewComment}` : ""}${r.comment ? `${en ? "; " : "；"}${w.comment}${en ? ": " : "："}${r.comment}` : ""}`,
				),
				w,
				"#7d4e00",
			),
		);
	if (m.pendingApprovals.length)
		parts.push(
			unitLines(
				w.pending(m.pendingApprovals.length),
				m.pendingApprovals.map((p) => `${p.unitName}${at(p.submittedAt)}${p.comment ? `${en ? "; " : "；"}${w.comment}${en ? ": " : "："}${p.comment}` : ""}`),
				w,
				"#0a3069",
			),
		);
	return section(w.reporting, parts.join(""));
};

const qualityHtml = (m: SummaryModel, w: Words): string => {
	if (m.dataQualityFlags.length === 0) return section(w.quality(0), para(w.qualityNone, MUTED));
	const sep = m.locale === "en" ? ": " : "：";
	return section(
		w.quality(m.dataQualityFlags.length),
		bulletList(m.dataQualityFlags.map((f) => `【${w.qualityKind[f.kind]}】${f.unitName} · ${f.elementName}${sep}${f.detail}`)),
		"#d4a72c",
	);
};

const buttonHtml = (m: SummaryModel, w: Words): string =>
	`<tr><td align="center" style="padding:24px 24px 8px 24px"><table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" bgcolor="#0b3d91" style="background-color:#0b3d91;border-radius:4px"><a href="${safeUrl(m.dashboardUrl)}" target="_blank" style="${FONT};display:inline-block;padding:12px 28px;font-size:15px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:4px">${esc(w.button)}</a></td></tr></table></td></tr>`;

/** The email body: the 640px card, identical in the email and the archive page. */
function renderBody(m: SummaryModel, imageSrc: (chart: ChartImage) => string | null, charts: ChartImage[], options: RenderOptions): string {
	const w = words(m.locale);
	const overviewChart = charts.find((c) => c.filename === "status-overview.png");
	const trendCharts = charts.filter((c) => c !== overviewChart);
	const img = (c: ChartImage | undefined): string => {
		const src = c ? imageSrc(c) : null;
		return c && src ? imageTag(c, src) : "";
	};
	const preheader = m.highlights[0] ?? w.brand;
	const rows = [
		`<tr><td bgcolor="#0b3d91" style="background-color:#0b3d91;padding:20px 24px"><div style="${FONT};font-size:12px;line-height:18px;color:#c8d8f0">${esc(w.brand)}</div><div style="${FONT};font-size:20px;line-height:28px;font-weight:bold;color:#ffffff;padding-top:4px">${esc(m.planName)}</div><div style="${FONT};font-size:14px;line-height:20px;color:#ffffff;padding-top:2px">${esc(`${m.scope.name} · ${formatMonthLabel(m.month, m.locale)}`)}</div></td></tr>`,
		provisionalBannerHtml(m, w),
		options.recipientName ? `<tr><td style="padding:16px 24px 0 24px">${para(w.greeting(options.recipientName))}</td></tr>` : "",
		bindingAlertsHtml(m, w),
		m.highlights.length ? section(w.highlights, bulletList(m.highlights)) : "",
		overviewHtml(m, w, img(overviewChart)),
		trendCharts.length ? section(w.trends, trendCharts.map((c) => img(c)).join("")) : "",
		indicatorTable(m, w),
		m.trendRisks?.length ? section(w.trendRisks(m.trendRisks.length), bulletList(m.trendRisks.map((r) => w.trendRisk(r, (v) => formatNumber(v, r.decimals))))) : "",
		reportingHtml(m, w),
		qualityHtml(m, w),
		buttonHtml(m, w),
		`<tr><td style="padding:8px 24px 20px 24px">${para(options.xlsx === false ? "" : w.attachmentNote, MUTED)}${para(w.footerScope(m), MUTED)}${para(w.footerAuto, MUTED)}</td></tr>`,
	];
	return `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:#f3f4f6">${esc(preheader)}</div><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f3f4f6" style="background-color:#f3f4f6"><tr><td align="center" style="padding:16px 8px"><table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:640px;background-color:#ffffff;border:1px solid #d0d7de;border-radius:6px">${rows.join("")}</table></td></tr></table>`;
}

// ---------------------------------------------------------------------------
// Plain text: the same content, for clients that show no HTML and for screen readers.

export function renderText(m: SummaryModel, options: RenderOptions = {}): string {
	const w = words(m.locale);
	const L: string[] = [];
	const heading = (t: string) => {
		L.push("", t, "-".repeat(Math.min(40, [...t].length * 2)));
	};
	const status = (s: IndicatorStatus) => `[${STATUS_COLORS[s].symbol} ${pick(STATUS_LABELS[s], m.locale)}]`;
	const nature = (n: Nature) => `[${pick(NATURE_LABELS[n], m.locale)}]`;
	L.push(w.brand, m.planName, `${m.scope.name} · ${formatMonthLabel(m.month, m.locale)}`);
	if (m.reporting.provisional) {
		L.push("", `!! ${w.provisionalTitle}`, w.provisionalBanner(m));
		if (m.missingUnits.length) L.push(w.missingNamed(m.missingUnits.map((u) => u.unitName)));
	}
	if (options.recipientName) L.push("", w.greeting(oneLine(options.recipientName)));

	heading(w.bindingTitle(m.bindingAlerts.length));
	if (m.bindingAlerts.length === 0) L.push(noneSentence(w, bindingTally(m)));
	for (const i of m.bindingAlerts) L.push(`* ${i.name} ${nature(i.nature)} ${status(i.status)}`, `  ${indicatorFactsText(i, w, m.locale)}`);

	if (m.highlights.length) {
		heading(w.highlights);
		for (const h of m.highlights) L.push(`* ${h}`);
	}

	heading(w.overview);
	const statuses: IndicatorStatus[] = ["achieved", "on-track", "behind", "off-track", "uncertain", "provisional", "no-data"];
	const always = new Set<IndicatorStatus>(["achieved", "on-track", "behind", "off-track"]);
	L.push(statuses.filter((s) => always.has(s) || m.counts[s] > 0).map((s) => `${pick(STATUS_LABELS[s], m.locale)} ${m.counts[s]}`).join(" ｜ "));

	heading(w.allIndicators);
	for (const i of m.indicators) L.push(`* ${i.name} ${nature(i.nature)} ${status(i.status)}`, `  ${indicatorFactsText(i, w, m.locale)}`);

	heading(w.reporting);
	L.push(w.reportingLine(m));
	const en = m.locale === "en";
	const colon = en ? ":" : "：";
	const at = (iso?: string) => (iso ? (en ? ` (${w.submittedAt} ${formatBeijingTime(iso)})` : `（${w.submittedAt}${formatBeijingTime(iso)}）`) : "");
	const note = (label: string, value?: string) => (value ? `${en ? "; " : "；"}${label}${colon}${oneLine(value)}` : "");
	L.push("", `${w.missing(m.missingUnits.length)}${colon}`, ...(m.missingUnits.length ? m.missingUnits.map((u) => `* ${u.unitName}`) : [`  ${w.none}`]));
	if (m.lateUnits.length) L.push("", `${w.late(m.lateUnits.length)}${colon}`, ...m.lateUnits.map((u) => `* ${u.unitName}${at(u.submittedAt)}`));
	if (m.returnedSubmissions.length)
		L.push(
			"",
			`${w.returned(m.returnedSubmissions.length)}${colon}`,
			...m.returnedSubmissions.map((r) => `* ${r.unitName}${note(w.reviewComment, r.reviewComment)}${note(w.comment, r.comment)}`),
		);
	if (m.pendingApprovals.length)
		L.push(
			"",
			`${w.pending(m.pendingApprovals.length)}${colon}`,
			...m.pendingApprovals.map((p) => `* ${p.unitName}${at(p.submittedAt)}${note(w.comment, p.comment)}`),
		);

	if (m.trendRisks?.length) {
		heading(w.trendRisks(m.trendRisks.length));
		for (const r of m.trendRisks) L.push(`* ${w.trendRisk(r, (v) => formatNumber(v, r.decimals))}`);
	}

	heading(w.quality(m.dataQualityFlags.length));
	if (m.dataQualityFlags.length === 0) L.push(w.qualityNone);
	for (const f of m.dataQualityFlags) L.push(`* [${w.qualityKind[f.kind]}] ${f.unitName} · ${f.elementName}${m.locale === "en" ? ": " : "："}${f.detail}`);

	L.push("", `${w.button}${m.locale === "en" ? ": " : "："}${m.dashboardUrl}`, "");
	if (options.xlsx !== false) L.push(w.attachmentNote);
	L.push(w.footerScope(m), w.footerAuto);
	return `${L.join("\n")}\n`;
}

const indicatorFactsText = (i: SummaryIndicator, w: Words, locale: Locale): string => factParts(i, w, locale).join(factSeparator(locale));

// ---------------------------------------------------------------------------

const htmlLang = (locale: Locale): string => (locale === "en" ? "en" : "zh-CN");

export function renderEmail(model: SummaryModel, charts: ChartImage[] = [], options: RenderOptions = {}): RenderedEmail {
	const w = words(model.locale);
	const subject = oneLine(w.subject(model));
	const body = renderBody(model, (c) => `cid:${c.cid}`, charts, options);
	const html = `<!DOCTYPE html><html lang="${htmlLang(model.locale)}" xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(subject)}</title></head><body style="margin:0;padding:0;background-color:#f3f4f6">${body}</body></html>`;
	const attachments: EmailAttachment[] = charts.map((c) => ({ filename: c.filename, content: c.content, contentType: c.contentType, cid: c.cid }));
	if (options.xlsx !== false)
		attachments.push({ filename: w.xlsxName(model), content: Buffer.from(buildSummaryXlsx(model)), contentType: XLSX_CONTENT_TYPE });
	return { subject, html, text: renderText(model, options), attachments };
}

/** The archive page on the site: the same card as a standalone document; charts inline as data: URIs when given. */
export function renderArchiveHtml(model: SummaryModel, charts: ChartImage[] = []): string {
	const w = words(model.locale);
	const title = oneLine(w.subject(model));
	const body = renderBody(model, (c) => `data:image/png;base64,${c.content.toString("base64")}`, charts, { xlsx: false });
	return `<!DOCTYPE html><html lang="${htmlLang(model.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title></head><body style="margin:0;padding:0;background-color:#f3f4f6">${body}</body></html>`;
}
