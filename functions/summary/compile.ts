// compileSummary: progress, completeness and quality flags in, one SummaryModel out. Pure: no I/O, no clock (the
// caller passes generatedAt), so the same inputs always give the same email.
// Also the WHO DQR data-quality detectors (outliers, consistency over time) as pure functions over arrays.
import type { CompletenessReport, ProgressReport, ProgressRow } from "../core/api-types";
import { targetText } from "../core/target-text";
import type { I18nText, IndicatorStatus, Locale, OrgLevel, PeriodId, Plan } from "../core/types";
import {
	type DataQualityFlag,
	formatMonthLabel,
	formatNumber,
	formatPercent,
	GROUP_LABELS,
	pick,
	STATUSES,
	type SummaryIndicator,
	type SummaryModel,
	type SummaryPending,
	type SummaryReturned,
	type SummaryUnit,
} from "./model";

/** A reporter's or approver's comment on a unit's form this month (not in CompletenessReport, loaded beside it). */
export interface SubmissionNote {
	unitId: string;
	comment?: string;
	reviewComment?: string;
}

export interface CompileSummaryInput {
	month: PeriodId;
	plan: Pick<Plan, "id" | "name">;
	scope: { orgId: string; name: I18nText; level: OrgLevel };
	locale: Locale;
	current: ProgressReport;
	/** The previous month's report for the same plan and org; null in the plan's first month. */
	previous: ProgressReport | null;
	completeness: CompletenessReport;
	/** Comments on returned and pending forms, by unit. */
	pending?: SubmissionNote[];
	/** Computed with buildQualityFlags (or elsewhere) from unit-level values. */
	qualityFlags?: DataQualityFlag[];
	/** Dashboard base URL; plan, org and period are added as query parameters. */
	dashboardUrl: string;
	generatedAt: string;
}

const ALERT_RANK: Partial<Record<IndicatorStatus, number>> = { "off-track": 0, behind: 1 };
const isBindingAlert = (i: SummaryIndicator): boolean => i.nature === "binding" && ALERT_RANK[i.status] !== undefined;

const diff = (a: number | null | undefined, b: number | null | undefined): number | null =>
	a === null || a === undefined || b === null || b === undefined ? null : a - b;

/**
 * Whether this month's figure can be compared with last month's: both are judged (not provisional) and both rest on
 * the same coverage, fresh and carried alike. Otherwise a move could be nothing but units reporting or not.
 */
export const comparableCoverage = (row: ProgressRow, prev: ProgressRow | undefined): boolean => {
	if (!prev || row.provisional || prev.provisional) return false;
	const sig = (r: ProgressRow): string =>
		[r.coverage.reported, r.coverage.carried ?? 0, r.coverage.expected, ...(r.coverage.elements ?? []).map((e) => `${e.code}:${e.fresh}:${e.carried}:${e.expected}`)].join("|");
	return sig(row) === sig(prev);
};

/** One progress row as the summary shows it (also the unit feedback card's rows, feedback-compile.ts). */
export const toIndicator = (row: ProgressRow, prev: ProgressRow | undefined, locale: Locale): SummaryIndicator => {
	const comparable = comparableCoverage(row, prev);
	return {
		code: row.indicatorCode,
		name: pick(row.name, locale),
		uom: pick(row.uom, locale),
		group: row.group,
		groupName: pick(GROUP_LABELS[row.group] ?? { zh: row.group, en: row.group }, locale),
		nature: row.nature,
		direction: row.direction,
		status: row.status,
		previousStatus: prev?.status ?? null,
		value: row.value,
		target: row.target?.printed ?? null,
		expected: row.expected,
		baseline: row.baseline?.value ?? null,
		previousValue: prev?.value ?? null,
		changeSinceLastMonth: comparable ? diff(row.value, prev?.value) : null,
		changeSinceBaseline: row.provisional ? null : diff(row.value, row.baseline?.value),
		decimals: row.decimals,
		...(row.parentCode ? { parentCode: row.parentCode } : {}),
		coverage: { reported: row.coverage.reported, expected: row.coverage.expected, carried: row.coverage.carried ?? 0 },
		provisional: row.provisional === true,
		comparable,
		...(row.interval ? { interval: { low: row.interval.low, high: row.interval.high, method: row.interval.method, events: row.interval.events } } : {}),
		...(row.caution ? { caution: row.caution } : {}),
	};
};

/** The figures' coverage: the progress report's own, else (an older report) the completeness rate against WHO's 90 %. */
const coverageOf = (current: ProgressReport, completeness: CompletenessReport): { coverageRate: number; threshold: number; provisional: boolean } => {
	if (current.reporting) return { coverageRate: current.reporting.rate, threshold: current.reporting.threshold, provisional: current.reporting.provisional };
	const threshold = completeness.thresholds.reportingRate;
	return { coverageRate: completeness.reportingRate, threshold, provisional: completeness.reportingRate < threshold };
};

const withQuery = (base: string, params: Record<string, string>): string => {
	try {
		const url = new URL(base);
		for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
		return url.toString();
	} catch {
		const q = new URLSearchParams(params).toString();
		return `${base}${base.includes("?") ? "&" : "?"}${q}`;
	}
};

export function compileSummary(input: CompileSummaryInput): SummaryModel {
	const { locale, current, previous, completeness } = input;
	const prevByCode = new Map((previous?.rows ?? []).map((r) => [r.indicatorCode, r]));
	const all = [...current.rows]
		.sort((a, b) => a.order - b.order || (a.parentCode ? 1 : 0) - (b.parentCode ? 1 : 0))
		.map((r) => toIndicator(r, prevByCode.get(r.indicatorCode), locale));

	// Binding alerts first (off track before behind), then everything else in plan order; sort is stable.
	const bindingAlerts = all.filter(isBindingAlert).sort((a, b) => (ALERT_RANK[a.status] ?? 9) - (ALERT_RANK[b.status] ?? 9));
	const alertCodes = new Set(bindingAlerts.map((i) => i.code));
	const indicators = [...bindingAlerts, ...all.filter((i) => !alertCodes.has(i.code))];

	const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<IndicatorStatus, number>;
	for (const i of all) counts[i.status] += 1;

	const notes = new Map((input.pending ?? []).map((n) => [n.unitId, n]));
	const units: SummaryUnit[] = completeness.rows.map((r) => ({
		unitId: r.unitId,
		unitName: pick(r.name, locale),
		areaId: r.areaId,
		status: r.status,
		onTime: r.onTime,
		// A unit that has not reported (missing, or a draft) has no submission time, whatever an earlier attempt left.
		...(r.submittedAt && r.status !== "missing" && r.status !== "draft" ? { submittedAt: r.submittedAt } : {}),
	}));
	const missingUnits = units.filter((u) => u.status === "missing" || u.status === "draft");
	const lateUnits = units.filter((u) => u.onTime === false);
	const returnedSubmissions: SummaryReturned[] = units
		.filter((u) => u.status === "returned")
		.map((u) => {
			const n = notes.get(u.unitId);
			return {
				unitId: u.unitId,
				unitName: u.unitName,
				...(n?.reviewComment ? { reviewComment: n.reviewComment } : {}),
				...(n?.comment ? { comment: n.comment } : {}),
			};
		});
	const pendingApprovals: SummaryPending[] = units
		.filter((u) => u.status === "submitted")
		.map((u) => {
			const n = notes.get(u.unitId);
			return {
				unitId: u.unitId,
				unitName: u.unitName,
				...(u.submittedAt ? { submittedAt: u.submittedAt } : {}),
				...(n?.comment ? { comment: n.comment } : {}),
			};
		});

	const reporting = {
		deadline: completeness.deadline,
		expected: completeness.expected,
		reported: completeness.reported,
		onTime: completeness.onTime,
		reportingRate: completeness.reportingRate,
		timelinessRate: completeness.timelinessRate,
		thresholds: { ...completeness.thresholds },
		units,
		...coverageOf(current, completeness),
	};
	const dataQualityFlags = [...(input.qualityFlags ?? [])];

	return {
		month: input.month,
		planId: input.plan.id,
		planName: pick(input.plan.name, locale),
		scope: { orgId: input.scope.orgId, name: pick(input.scope.name, locale), level: input.scope.level },
		locale,
		generatedAt: input.generatedAt,
		dashboardUrl: withQuery(input.dashboardUrl, { plan: input.plan.id, org: input.scope.orgId, period: input.month }),
		approvedOnly: current.approvedOnly,
		counts,
		indicators,
		bindingAlerts,
		reporting,
		missingUnits,
		lateUnits,
		returnedSubmissions,
		pendingApprovals,
		dataQualityFlags,
		trendRisks: current.rows
			.filter((r) => r.projection && (r.projection.verdict === "unlikely" || r.projection.verdict === "at-risk"))
			.map((r) => {
				const p = r.projection as NonNullable<typeof r.projection>;
				return {
					code: r.indicatorCode,
					name: pick(r.name, locale),
					uom: pick(r.uom, locale),
					decimals: r.decimals,
					nature: r.nature,
					verdict: p.verdict as "unlikely" | "at-risk",
					targetYear: p.targetYear,
					value: p.value,
					low: p.low,
					high: p.high,
					target: r.target ? targetText(r.target, locale, pick(r.uom, locale)) : null,
				};
			})
			.sort((a, b) => (a.verdict === b.verdict ? 0 : a.verdict === "unlikely" ? -1 : 1)),
		highlights: computeHighlights({ locale, indicators: all, bindingAlerts, reporting, hasPrevious: previous !== null, dataQualityFlags }),
	};
}

// ---------------------------------------------------------------------------
// Highlights: a handful of sentences a leader can read in ten seconds.

const listNames = (names: string[], locale: Locale, max = 3): string => {
	const shown = names.slice(0, max);
	if (locale === "en") return shown.join(", ") + (names.length > max ? `, and ${names.length - max} more` : "");
	return shown.join("、") + (names.length > max ? `等${names.length}项` : "");
};

/** "0.5个百分点", "0.3个千分点", "1.2（/10万）", "0.05人"; English: "0.5 percentage points", "0.05 GPs". */
const amountWithUnit = (amount: string, uom: string, locale: Locale): string => {
	const u = uom.trim();
	if (locale === "en") {
		if (u === "%") return `${amount} percentage points`;
		if (u === "‰") return `${amount}‰`;
		return u ? `${amount} ${u}` : amount;
	}
	if (u === "%") return `${amount}个百分点`;
	if (u === "‰") return `${amount}个千分点`;
	if (u.startsWith("/")) return `${amount}（${u}）`;
	return `${amount}${u}`;
};

const STATUS_CLAUSE: Record<IndicatorStatus, { zh: string; en: string }> = {
	achieved: { zh: "已达到规划目标", en: "the target is met" },
	"on-track": { zh: "符合规划进度", en: "on track with the plan path" },
	behind: { zh: "仍落后于规划进度", en: "still behind the plan path" },
	"off-track": { zh: "仍偏离规划目标", en: "still off track" },
	uncertain: { zh: "", en: "" },
	provisional: { zh: "", en: "" },
	"no-data": { zh: "", en: "" },
};

export interface Move {
	indicator: SummaryIndicator;
	/** Relative change since last month: (value − previous) / |previous|. */
	relative: number;
	/** True when the change goes the plan's way (up for "increase", down for "decrease"). */
	good: boolean;
}

/** Month-on-month moves whose change is visible at the indicator's decimals, largest relative change first. */
export function monthMoves(indicators: SummaryIndicator[]): Move[] {
	const moves: Move[] = [];
	for (const i of indicators) {
		const delta = i.changeSinceLastMonth;
		// Only figures of comparable coverage, judged both months, and not resting on a handful of events.
		if (!i.comparable || i.provisional || i.caution === "few-events") continue;
		if (delta === null || i.previousValue === null || i.previousValue === 0) continue;
		if (Number(formatNumber(Math.abs(delta), i.decimals)) === 0) continue;
		moves.push({ indicator: i, relative: delta / Math.abs(i.previousValue), good: i.direction === "increase" ? delta > 0 : delta < 0 });
	}
	return moves.sort((a, b) => Math.abs(b.relative) - Math.abs(a.relative));
}

export function describeMove(move: Move, locale: Locale): string {
	const i = move.indicator;
	const delta = i.changeSinceLastMonth ?? 0;
	const amount = amountWithUnit(formatNumber(Math.abs(delta), i.decimals), i.uom, locale);
	const clause = pick(STATUS_CLAUSE[i.status], locale);
	if (locale === "en") {
		const verb = delta > 0 ? "rose" : "fell";
		return `${i.name} ${verb} by ${amount} from last month${clause ? `; ${clause}` : ""}.`;
	}
	const verb = delta > 0 ? (move.good ? "提高" : "上升") : "下降";
	return `${i.name}较上月${verb}${amount}${clause ? `，${clause}` : ""}。`;
}

interface HighlightInput {
	locale: Locale;
	indicators: SummaryIndicator[];
	bindingAlerts: SummaryIndicator[];
	reporting: SummaryModel["reporting"];
	hasPrevious: boolean;
	dataQualityFlags: DataQualityFlag[];
}

export function computeHighlights(h: HighlightInput): string[] {
	const { locale } = h;
	const en = locale === "en";
	const out: string[] = [];

	// 0. Incomplete data first: everything below is provisional (this sentence is also the email's preheader).
	if (h.reporting.provisional) {
		const rate = formatPercent(h.reporting.coverageRate);
		const min = formatPercent(h.reporting.threshold, 0);
		out.push(
			en
				? `Reporting is incomplete (${rate}, below ${min}): the figures are provisional and month-on-month changes are compared only where coverage is the same.`
				: `本月数据尚不完整（覆盖率${rate}，低于${min}），以下数字为暂定值；较上月变化仅在两月数据覆盖相同时比较。`,
		);
	}

	// 1. Binding indicators: the plan's hard commitments.
	const binding = h.indicators.filter((i) => i.nature === "binding");
	if (binding.length > 0) {
		const off = h.bindingAlerts.filter((i) => i.status === "off-track");
		const behind = h.bindingAlerts.filter((i) => i.status === "behind");
		const names = listNames(
			h.bindingAlerts.map((i) => i.name),
			locale,
		);
		if (h.bindingAlerts.length > 0) {
			out.push(
				en
					? `${off.length} of ${binding.length} binding indicators ${off.length === 1 ? "is" : "are"} off track and ${behind.length} behind the plan path: ${names}.`
					: `约束性指标共${binding.length}项，其中${off.length}项偏离目标、${behind.length}项落后于规划进度：${names}。`,
			);
		} else {
			// Only the judged ones are "achieved or on track": provisional, uncertain and empty rows are counted apart.
			const noData = binding.filter((i) => i.status === "no-data").length;
			const unjudged = binding.filter((i) => i.status === "provisional" || i.status === "uncertain").length;
			const judged = binding.length - noData - unjudged;
			const asides = en
				? [unjudged ? `${unjudged} provisional or too few events to judge` : "", noData ? `${noData} without data` : ""].filter(Boolean).join(", ")
				: [unjudged ? `${unjudged}项数据不完整或难以判断` : "", noData ? `${noData}项暂无数据` : ""].filter(Boolean).join("，");
			if (judged > 0)
				out.push(
					en
						? `All ${judged} binding indicators that can be judged are achieved or on track${asides ? ` (${asides})` : ""}.`
						: `约束性指标${asides ? `中可判断的${judged}项` : `${judged}项`}均已达标或符合规划进度${asides ? `（${asides}）` : ""}。`,
				);
			else if (unjudged > 0)
				out.push(
					en
						? `No binding indicator can be judged yet (${asides}).`
						: `约束性指标暂无法判断状态（${asides}）。`,
				);
		}
	}

	// 2. Reporting against the WHO data-quality defaults.
	const r = h.reporting;
	if (r.expected > 0) {
		const rateOk = r.reportingRate >= r.thresholds.reportingRate;
		const timeOk = r.timelinessRate >= r.thresholds.timelinessRate;
		const rt = formatPercent(r.thresholds.reportingRate, 0);
		const tt = formatPercent(r.thresholds.timelinessRate, 0);
		out.push(
			en
				? `${r.reported} of ${r.expected} units reported: reporting rate ${formatPercent(r.reportingRate)} (WHO ≥${rt}: ${rateOk ? "met" : "not met"}); timeliness ${formatPercent(r.timelinessRate)} (≥${tt}: ${timeOk ? "met" : "not met"}).`
				: `本月应报${r.expected}个单位，已报${r.reported}个，报告率${formatPercent(r.reportingRate)}（WHO标准≥${rt}，${rateOk ? "达标" : "未达标"}）；及时率${formatPercent(r.timelinessRate)}（标准≥${tt}，${timeOk ? "达标" : "未达标"}）。`,
		);
	}

	// 3. The largest relative moves since last month, the worst first, then the best.
	if (h.hasPrevious) {
		const moves = monthMoves(h.indicators);
		const worst = moves.find((m) => !m.good);
		const best = moves.find((m) => m.good);
		if (worst) out.push(describeMove(worst, locale));
		if (best) out.push(describeMove(best, locale));
		// Said without names: a change that coverage explains is not a finding about any indicator.
		const notCompared = h.indicators.filter((i) => !i.comparable && i.value !== null && i.previousValue !== null).length;
		if (notCompared > 0)
			out.push(
				en
					? `${notCompared} indicator${notCompared === 1 ? " is" : "s are"} not compared with last month, because the two months rest on different reporting coverage.`
					: `${notCompared}项指标两月数据覆盖不同（部分单位未报或为结转数），未作较上月比较。`,
			);

		// 4. Status changes this month.
		const newlyAchieved = h.indicators.filter((i) => i.comparable && i.status === "achieved" && i.previousStatus !== null && i.previousStatus !== "achieved");
		if (newlyAchieved.length > 0) {
			const names = listNames(
				newlyAchieved.map((i) => i.name),
				locale,
				5,
			);
			out.push(en ? `Newly achieved this month: ${names}.` : `本月新达标：${names}。`);
		}
		const newlyOff = h.indicators.filter(
			(i) => i.comparable && i.status === "off-track" && i.previousStatus !== null && i.previousStatus !== "off-track" && i.previousStatus !== "no-data",
		);
		if (newlyOff.length > 0) {
			const names = listNames(
				newlyOff.map((i) => i.name),
				locale,
				5,
			);
			out.push(en ? `Newly off track this month: ${names}.` : `本月新转为偏离目标：${names}。`);
		}
	}

	// 5. Data quality.
	if (h.dataQualityFlags.length > 0) {
		const units = new Set(h.dataQualityFlags.map((f) => f.unitId)).size;
		out.push(
			en
				? `${h.dataQualityFlags.length} figure${h.dataQualityFlags.length === 1 ? "" : "s"} from ${units} unit${units === 1 ? "" : "s"} look unusual (outliers or inconsistent with past years); please check them.`
				: `${units}个单位的${h.dataQualityFlags.length}项数据存在异常值或与往年不一致，请核实。`,
		);
	}
	return out;
}

// ---------------------------------------------------------------------------
// Data quality (WHO DQR defaults): pure functions over arrays of values.

export const DQR_DEFAULTS = {
	/** Moderate outlier at ±2 SD from the mean, extreme at ±3 SD. */
	moderateSd: 2,
	extremeSd: 3,
	/** Robust alternative: ≥ 5 × MAD from the median. */
	madThreshold: 5,
	/** Consistency over time: ±33 % against the mean of the 3 preceding years. */
	consistency: 0.33,
	consistencyYears: 3,
} as const;

export interface OutlierResult {
	index: number;
	value: number;
	method: "sd" | "mad";
	/** Distance from the centre in SDs (sd) or MADs (mad), signed. */
	score: number;
	centre: number;
	severity: "moderate" | "extreme";
}

export interface OutlierOptions {
	method?: "sd" | "mad";
	moderate?: number;
	extreme?: number;
	madThreshold?: number;
	/** Fewer reported values than this give no judgement. */
	minPoints?: number;
}

const median = (xs: number[]): number => {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * Outliers in one unit's series (typically its last 12 months). null is "not reported" and is ignored.
 * sd: mean and population SD over the series, as the WHO DQR app computes them. mad: |x − median| ≥ k × MAD, which a
 * single huge value cannot mask. A flat series (SD or MAD 0) flags nothing: there is no spread to judge against.
 */
export function detectOutliers(values: readonly (number | null)[], options: OutlierOptions = {}): OutlierResult[] {
	const method = options.method ?? "sd";
	const points = values.map((v, index) => ({ v, index })).filter((p): p is { v: number; index: number } => p.v !== null && Number.isFinite(p.v));
	if (points.length < (options.minPoints ?? 4)) return [];
	const xs = points.map((p) => p.v);
	const out: OutlierResult[] = [];
	if (method === "sd") {
		const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
		const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
		if (sd === 0) return [];
		const moderate = options.moderate ?? DQR_DEFAULTS.moderateSd;
		const extreme = options.extreme ?? DQR_DEFAULTS.extremeSd;
		for (const p of points) {
			const score = (p.v - mean) / sd;
			if (Math.abs(score) >= moderate)
				out.push({ index: p.index, value: p.v, method, score, centre: mean, severity: Math.abs(score) >= extreme ? "extreme" : "moderate" });
		}
	} else {
		const med = median(xs);
		const mad = median(xs.map((x) => Math.abs(x - med)));
		if (mad === 0) return [];
		const k = options.madThreshold ?? DQR_DEFAULTS.madThreshold;
		for (const p of points) {
			const score = (p.v - med) / mad;
			if (Math.abs(score) >= k) out.push({ index: p.index, value: p.v, method, score, centre: med, severity: "extreme" });
		}
	}
	return out;
}

export interface ConsistencyResult {
	current: number;
	/** Mean of the preceding years that were reported. */
	reference: number;
	/** How many preceding years went into the mean. */
	years: number;
	/** current / reference. */
	ratio: number;
	flagged: boolean;
}

/**
 * Consistency over time: the current figure against the mean of the preceding years (WHO DQR: 3 years, ±33 %).
 * null when there is nothing to compare: no current value, no preceding year, or a reference of 0.
 */
export function consistencyOverTime(
	current: number | null,
	preceding: readonly (number | null)[],
	threshold: number = DQR_DEFAULTS.consistency,
): ConsistencyResult | null {
	if (current === null || !Number.isFinite(current)) return null;
	const prior = preceding.slice(-DQR_DEFAULTS.consistencyYears).filter((v): v is number => v !== null && Number.isFinite(v));
	if (prior.length === 0) return null;
	const reference = prior.reduce((s, x) => s + x, 0) / prior.length;
	if (reference === 0) return null;
	const ratio = current / reference;
	// A small epsilon so 1.33 exactly (binary rounding of 133/100) is not flagged.
	return { current, reference, years: prior.length, ratio, flagged: Math.abs(ratio - 1) > threshold + 1e-9 };
}

export interface QualityInput {
	unitId: string;
	unitName: string;
	/** Data element code and name. */
	code: string;
	elementName: string;
	decimals?: number;
	/** The unit's monthly values up to and including the summary month (e.g. the last 12), oldest first. */
	monthly?: { period: PeriodId; value: number | null }[];
	/** A figure comparable across years (e.g. year to date) for this year and the preceding years, oldest first. */
	yearly?: { current: number | null; preceding: (number | null)[] };
}

/** Flags for the summary month: an outlier only when the summary month itself is one, and the yearly consistency check. */
export function buildQualityFlags(input: { locale: Locale; month: PeriodId; items: QualityInput[]; options?: OutlierOptions }): DataQualityFlag[] {
	const { locale, month } = input;
	const en = locale === "en";
	const flags: DataQualityFlag[] = [];
	for (const item of input.items) {
		const d = item.decimals ?? 0;
		const base = { unitId: item.unitId, unitName: item.unitName, code: item.code, elementName: item.elementName };
		const monthly = item.monthly ?? [];
		const at = monthly.findIndex((m) => m.period === month);
		if (at >= 0) {
			const hit = detectOutliers(
				monthly.map((m) => m.value),
				input.options,
			).find((o) => o.index === at);
			if (hit) {
				const n = monthly.filter((m) => m.value !== null).length;
				const dist = Math.abs(hit.score).toFixed(1);
				const side = hit.score > 0 ? (en ? "above" : "高于") : en ? "below" : "低于";
				const severity = hit.severity === "extreme" ? (en ? "extreme" : "严重") : en ? "moderate" : "中度";
				const ref = hit.method === "sd" ? (en ? "mean" : "均值") : en ? "median" : "中位数";
				const unit = hit.method === "sd" ? (en ? "SD" : "个标准差") : en ? "× MAD" : "倍MAD";
				flags.push({
					...base,
					kind: "outlier",
					detail: en
						? `${formatMonthLabel(month, locale)}: ${formatNumber(hit.value, d)}, ${dist} ${unit} ${side} the ${n}-month ${ref} of ${formatNumber(hit.centre, d)} (${severity} outlier).`
						: `${formatMonthLabel(month, locale)}填报${formatNumber(hit.value, d)}，${side}近${n}个月${ref}${formatNumber(hit.centre, d)}达${dist}${unit}（${severity}异常值）。`,
				});
			}
		}
		if (item.yearly) {
			const c = consistencyOverTime(item.yearly.current, item.yearly.preceding);
			if (c?.flagged) {
				const pct = formatPercent(Math.abs(c.ratio - 1), 0);
				const side = c.ratio > 1 ? (en ? "above" : "高") : en ? "below" : "低";
				flags.push({
					...base,
					kind: "consistency",
					detail: en
						? `This year's ${formatNumber(c.current, d)} is ${pct} ${side} the mean of the preceding ${c.years} years for the same period (${formatNumber(c.reference, d)}); threshold ±33%.`
						: `本年${formatNumber(c.current, d)}，较前${c.years}年同期均值${formatNumber(c.reference, d)}${side}${pct}（超出±33%）。`,
				});
			}
		}
	}
	return flags;
}
