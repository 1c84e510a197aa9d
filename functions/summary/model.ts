// The monthly summary as data: everything the email, the archive page and the workbook show, already resolved to
// one locale, so renderers only lay it out. Plain types (no zod): it is built by compileSummary, never parsed.
import type { Direction, IndicatorGroup, IndicatorStatus, Locale, Nature, OrgLevel, PeriodId, SubmissionStatus } from "../core/types";

export interface SummaryScope {
	orgId: string;
	name: string;
	level: OrgLevel;
}

export interface SummaryIndicator {
	code: string;
	name: string;
	/** Unit as printed: "‰", "/10万", "人", "%". */
	uom: string;
	group: IndicatorGroup;
	/** The group heading in the model's locale (健康水平 …). */
	groupName: string;
	nature: Nature;
	direction: Direction;
	status: IndicatorStatus;
	/** Status in the previous month's report; null when there is no previous report or no row. */
	previousStatus: IndicatorStatus | null;
	value: number | null;
	/** The plan-year target as printed in the plan ("≤12", "每年降低0.5个百分点"); null where the plan prints "—". */
	target: string | null;
	/** The value expected on the path from baseline to target at this month. */
	expected: number | null;
	baseline: number | null;
	previousValue: number | null;
	/** value − previous month's value, null when either is missing. */
	changeSinceLastMonth: number | null;
	/** value − baseline value, null when either is missing. */
	changeSinceBaseline: number | null;
	decimals: number;
	parentCode?: string;
	coverage: { reported: number; expected: number; carried: number };
	/** Coverage below the completeness threshold (or mismatched sides): shown as 数据不完整, no status claimed. */
	provisional: boolean;
	/**
	 * False when last month's figure cannot be compared with this one: either is provisional, or the two months
	 * rest on different coverage (fresh vs carried units). changeSinceLastMonth is then null, so no 较上月 is said.
	 */
	comparable: boolean;
	/** 95 % interval of a rate built on counted events. */
	interval?: { low: number; high: number; method: "poisson" | "wilson"; events: number };
	/** few-events: 事件数少，解读需谨慎; interval-contains-target: the status cannot be judged. */
	caution?: "few-events" | "interval-contains-target";
}

export interface SummaryUnit {
	unitId: string;
	unitName: string;
	areaId: string | null;
	status: SubmissionStatus | "missing";
	onTime: boolean | null;
	submittedAt?: string;
}

export interface SummaryReturned {
	unitId: string;
	unitName: string;
	/** The approver's reason for returning the form. */
	reviewComment?: string;
	/** The reporter's comment on the form. */
	comment?: string;
}

export interface SummaryPending {
	unitId: string;
	unitName: string;
	submittedAt?: string;
	comment?: string;
}

export type DataQualityKind = "outlier" | "consistency";

export interface DataQualityFlag {
	unitId: string;
	unitName: string;
	/** Data element code. */
	code: string;
	elementName: string;
	kind: DataQualityKind;
	/** One plain-language sentence in the model's locale. */
	detail: string;
}

export interface SummaryReporting {
	deadline: string;
	expected: number;
	reported: number;
	onTime: number;
	reportingRate: number;
	timelinessRate: number;
	thresholds: { reportingRate: number; timelinessRate: number };
	units: SummaryUnit[];
	/**
	 * The figures' coverage (the progress report's `reporting`): below `threshold` the whole summary is provisional
	 * and says so at the top, naming the missing units.
	 */
	coverageRate: number;
	threshold: number;
	provisional: boolean;
}

export interface SummaryModel {
	/** `YYYY-MM`. */
	month: PeriodId;
	planId: string;
	planName: string;
	scope: SummaryScope;
	locale: Locale;
	generatedAt: string;
	/** Link to the dashboard with plan, org and period in the query. */
	dashboardUrl: string;
	/** Whether only approved data was counted. */
	approvedOnly: boolean;
	counts: Record<IndicatorStatus, number>;
	/** Binding alerts first, then the rest in plan order. */
	indicators: SummaryIndicator[];
	/** Binding (约束性) indicators off track, then behind. */
	bindingAlerts: SummaryIndicator[];
	reporting: SummaryReporting;
	missingUnits: SummaryUnit[];
	lateUnits: SummaryUnit[];
	returnedSubmissions: SummaryReturned[];
	pendingApprovals: SummaryPending[];
	dataQualityFlags: DataQualityFlag[];
	/**
	 * Indicators whose trend, carried to the plan's target year, is unlikely to meet the target or at risk
	 * (the projection on /api/progress): unlikely first. Optional so archived models from before still render.
	 */
	trendRisks?: SummaryTrendRisk[];
	/** Plain-language sentences computed from the data, most important first. */
	highlights: string[];
}

export interface SummaryTrendRisk {
	code: string;
	name: string;
	uom: string;
	decimals: number;
	nature: Nature;
	verdict: "unlikely" | "at-risk";
	targetYear: number;
	/** The trend's value in the target year, and its band. */
	value: number;
	low: number;
	high: number;
	target: string | null;
}

export const STATUSES: readonly IndicatorStatus[] = ["achieved", "on-track", "behind", "off-track", "uncertain", "provisional", "no-data"];

// ---------------------------------------------------------------------------
// Labels and number formats shared by compile, render, charts and the workbook, so each says the same thing.

type Labels<K extends string> = Record<K, { zh: string; en: string }>;

export { STATUS_LABELS } from "../core/labels";

/** Text colour, background and a symbol per status: the label always carries the meaning, colour only helps. */
export const STATUS_COLORS: Record<IndicatorStatus, { fg: string; bg: string; chart: string; symbol: string }> = {
	achieved: { fg: "#116329", bg: "#dafbe1", chart: "#2da44e", symbol: "√" },
	"on-track": { fg: "#0a3069", bg: "#ddf4ff", chart: "#218bff", symbol: "→" },
	behind: { fg: "#7d4e00", bg: "#fff8c5", chart: "#d4a72c", symbol: "▲" },
	"off-track": { fg: "#82071e", bg: "#ffebe9", chart: "#cf222e", symbol: "×" },
	uncertain: { fg: "#5e3a9c", bg: "#f3ecff", chart: "#8250df", symbol: "?" },
	provisional: { fg: "#424a53", bg: "#f6f8fa", chart: "#b1bac4", symbol: "…" },
	"no-data": { fg: "#424a53", bg: "#eaeef2", chart: "#8c959f", symbol: "–" },
};

export const NATURE_LABELS: Labels<Nature> = {
	binding: { zh: "约束性", en: "Binding" },
	expected: { zh: "预期性", en: "Expected" },
};

export const GROUP_LABELS: Labels<IndicatorGroup> = {
	"health-status": { zh: "健康水平", en: "Health status" },
	"healthy-living": { zh: "健康生活", en: "Healthy living" },
	"health-services": { zh: "健康服务", en: "Health services" },
	"health-security": { zh: "健康保障", en: "Health security" },
	"health-services-security": { zh: "健康服务与保障", en: "Health services and security" },
	"health-environment": { zh: "健康环境", en: "Health environment" },
};

export const SUBMISSION_LABELS: Labels<SubmissionStatus | "missing"> = {
	missing: { zh: "未报", en: "Missing" },
	draft: { zh: "草稿", en: "Draft" },
	submitted: { zh: "待审核", en: "Awaiting approval" },
	returned: { zh: "已退回", en: "Returned" },
	approved: { zh: "已审核", en: "Approved" },
};

export const pick = (labels: { zh: string; en: string }, locale: Locale): string => (locale === "en" ? labels.en : labels.zh);

/** Fixed decimals, no grouping (figures are rates and small counts); "—" for a missing value. */
export const formatNumber = (value: number | null | undefined, decimals: number): string =>
	value === null || value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(Math.max(0, Math.min(6, decimals)));

/** A change with its sign: "+0.05", "−1.2", "0". */
export const formatSigned = (value: number | null | undefined, decimals: number): string => {
	if (value === null || value === undefined || !Number.isFinite(value)) return "—";
	const text = formatNumber(Math.abs(value), decimals);
	if (Number(text) === 0) return formatNumber(0, decimals);
	return `${value > 0 ? "+" : "−"}${text}`;
};

export const formatPercent = (ratio: number, decimals = 1): string => `${(ratio * 100).toFixed(decimals)}%`;

const EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2025年3月" / "March 2025". */
export const formatMonthLabel = (month: PeriodId, locale: Locale): string => {
	const [y, m] = month.split("-").map(Number);
	if (!y || !m) return month;
	return locale === "en" ? `${EN_MONTHS[m - 1]} ${y}` : `${y}年${m}月`;
};

/** An ISO instant as Beijing time (UTC+8, no DST): "2025-07-12 10:00". The platform's periods are in Asia/Shanghai too. */
export const formatBeijingTime = (iso: string | undefined): string => {
	if (!iso) return "—";
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return iso;
	return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
};

/**
 * How the binding (约束性) indicators stand: needing attention (off track, behind), judged fine (achieved, on track),
 * and not judged (provisional, uncertain, no data). The subject, the binding section and the group-robot digest say
 * "all achieved or on track" only when none is left unjudged: with units missing, that sentence would be an artefact.
 */
export interface BindingTally {
	total: number;
	alerts: number;
	fine: number;
	unjudged: number;
}

/**
 * Which sentence the tally allows: none (the plan has no binding indicator), alerts, all-fine (every one judged and
 * achieved or on track), some-unjudged (the judged ones fine, others not judged), none-judged.
 */
export type BindingVerdict = "none" | "alerts" | "all-fine" | "some-unjudged" | "none-judged";

export const bindingVerdict = (t: BindingTally): BindingVerdict =>
	t.total === 0 ? "none" : t.alerts > 0 ? "alerts" : t.unjudged === 0 ? "all-fine" : t.fine > 0 ? "some-unjudged" : "none-judged";

export const bindingTally = (m: Pick<SummaryModel, "indicators" | "bindingAlerts">): BindingTally => {
	const binding = m.indicators.filter((i) => i.nature === "binding");
	const fine = binding.filter((i) => i.status === "achieved" || i.status === "on-track").length;
	return { total: binding.length, alerts: m.bindingAlerts.length, fine, unjudged: binding.length - fine - m.bindingAlerts.length };
};
