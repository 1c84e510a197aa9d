// The plan evaluation (中期评估 / 末期评估): one row per indicator with its baseline, target, actual, the
// value expected on the path, progress per target kind, the 时间过半、任务过半 test (mid-term) or 达成/未达成
// (final), the projection, the resource gap in concrete units, and four paragraphs written from the data.
// Pure: the caller loads the figures (functions/evaluation/load.ts) and renders them. docs/targets.md
// documents the rules.

import type {
	BreakdownRow,
	EvaluationCounts,
	EvaluationGroup,
	EvaluationKind,
	EvaluationReport,
	EvaluationRow,
	EvaluationYearValue,
	ProgressRow,
	ProgressRule,
	ResourceGap,
	ResourceGapLine,
	SeriesPoint,
} from "./api-types";
import { roundTo } from "./indicator-eval";
import { meetsTargetValue, project, valueBounds } from "./projection";
import { targetText } from "./target-text";
import { EPSILON, evaluateStatus, finalTarget, goodness, pathOrigin, type TargetContext } from "./targets";
import type { DataElement, I18nText, Indicator, IndicatorGroup, Plan, PlanIndicator } from "./types";

export interface EvaluationOrg {
	id: string;
	name: I18nText;
	level: "division" | "area";
}

export interface EvaluationInput {
	plan: Plan;
	indicatorByCode: ReadonlyMap<string, Indicator>;
	elementByCode: ReadonlyMap<string, DataElement>;
	org: EvaluationOrg;
	year: number;
	/** /api/progress rows for period `year` at the org. */
	progress: readonly ProgressRow[];
	/** Yearly series per indicator code (periods "YYYY"), from the plan's base year to `year`. */
	series: Readonly<Record<string, readonly SeriesPoint[]>>;
	/** 垦区 rows of the breakdown for `year`, per indicator code (division reports; see breakdownCodes). */
	breakdowns?: Readonly<Record<string, readonly (BreakdownRow & { level?: string })[]>>;
	/** The current calendar year: its yearly figures are partial and never go into a projection. */
	currentYear: number;
	asOf: string;
	generatedAt: string;
	approvedOnly: boolean;
}

/** Group headings, in the order the plans print them. */
export const GROUP_NAMES: Record<IndicatorGroup, I18nText> = {
	"health-status": { zh: "健康水平", en: "Health status" },
	"healthy-living": { zh: "健康生活", en: "Healthy living" },
	"health-services": { zh: "健康服务", en: "Health services" },
	"health-security": { zh: "健康保障", en: "Health security" },
	"health-services-security": { zh: "健康服务与保障", en: "Health services and security" },
	"health-environment": { zh: "健康环境", en: "Health environment" },
};

/** Problems named in 主要问题. */
const MAX_PROBLEMS = 3;

export const evaluationKind = (plan: Pick<Plan, "targetYear">, year: number): EvaluationKind => (year < plan.targetYear ? "mid-term" : "final");

/** Share of the plan period (base year → target year) elapsed at the end of `year`, 0..1. */
export const elapsedShare = (plan: Pick<Plan, "baseYear" | "targetYear">, year: number): number => {
	const span = plan.targetYear - plan.baseYear;
	if (span <= 0) return 1;
	return Math.min(1, Math.max(0, (year - plan.baseYear) / span));
};

const SINGLE_ELEMENT = /^#\{([A-Z][A-Z0-9_]*)\}$/;

/** A per-capita resource indicator: one counted element over the population (beds, physicians, nurses, GPs, places). */
export const resourceElement = (indicator: Indicator): string | null => {
	if (indicator.denominator.replace(/\s/g, "") !== "#{POPULATION}") return null;
	return SINGLE_ELEMENT.exec(indicator.numerator.replace(/\s/g, ""))?.[1] ?? null;
};

/** How many more units of the counted resource the target needs at this population. */
export const resourceGapLine = (
	org: { orgUnit: string; name: I18nText },
	targetValue: number,
	factor: number,
	current: number,
	population: number,
): ResourceGapLine => {
	// Round the requirement up, with float slack: 4.00 per 10,000 of 231,580 is 92.632 → 93 GPs.
	const required = Math.ceil((targetValue * population) / factor - 1e-6);
	return { ...org, population, current, required, needed: Math.max(0, required - current) };
};

const yearValues = (points: readonly SeriesPoint[] | undefined, decimals: number): Map<number, EvaluationYearValue> => {
	const out = new Map<number, EvaluationYearValue>();
	for (const p of points ?? []) {
		if (!/^\d{4}$/.test(p.period)) continue;
		const year = Number(p.period);
		out.set(year, { year, value: roundTo(p.value, decimals), provisional: p.provisional ?? false, expected: p.expected });
	}
	return out;
};

/** The same context /api/progress builds, from the yearly series (functions/commons/services/analytics.ts). */
const contextFor = (input: EvaluationInput, pi: PlanIndicator, years: Map<number, EvaluationYearValue>): TargetContext => {
	const at = (y: number) => years.get(y)?.value ?? null;
	const ctx: TargetContext = { previousYearValue: at(input.year - 1), baseValueAt: at };
	if (!pi.baseline) {
		const v = at(input.plan.baseYear);
		if (v !== null) ctx.firstObserved = { year: input.plan.baseYear, value: v };
	}
	const last = finalTarget(pi);
	if (last?.target.kind === "proportional") {
		const followsCode = last.target.followsIndicator;
		const followed = input.plan.indicators.find((x) => x.indicatorCode === followsCode);
		const followedIndicator = input.indicatorByCode.get(followsCode);
		if (followed) {
			const followedYears = yearValues(input.series[followsCode], followedIndicator?.decimals ?? 2);
			ctx.followed = { indicator: followed, valueAtOrigin: followedYears.get(input.plan.baseYear)?.value ?? null };
		}
	}
	return ctx;
};

interface RuleResult {
	rule: ProgressRule;
	progress: number | null;
}

/** Progress per target kind (docs/targets.md). */
export const progressFor = (pi: PlanIndicator, actual: number | null, origin: { value: number } | null, targetValue: number | null): RuleResult => {
	const final = finalTarget(pi);
	if (final?.target.kind === "maintain") return { rule: "maintain", progress: null };
	if (final?.target.kind === "continuous-improvement") return { rule: "improve", progress: null };
	if (!origin || targetValue === null) return { rule: "no-path", progress: null };
	const g = (x: number) => goodness(pi.direction, x);
	const planned = g(targetValue) - g(origin.value);
	// Nothing to cover: the target was already met where the path starts (≤5 with 1.53; "3" with 3.32).
	if (planned <= EPSILON) return { rule: "hold", progress: null };
	return { rule: "ratio", progress: actual === null ? null : (g(actual) - g(origin.value)) / planned };
};

const buildRow = (input: EvaluationInput, pi: PlanIndicator, indicator: Indicator, row: ProgressRow | undefined, kind: EvaluationKind, elapsed: number): EvaluationRow => {
	const years = yearValues(input.series[pi.indicatorCode], indicator.decimals);
	const ctx = contextFor(input, pi, years);
	const actual = row ? roundTo(row.value, indicator.decimals) : (years.get(input.year)?.value ?? null);
	const st = evaluateStatus(pi, actual, input.year, ctx);
	const origin = pathOrigin(pi, ctx);
	const final = finalTarget(pi);
	const { rule, progress } = progressFor(pi, actual, origin, st.targetValue);
	const achieved = actual !== null && st.status === "achieved";
	const out: EvaluationRow = {
		indicatorCode: pi.indicatorCode,
		name: indicator.name,
		uom: indicator.uom,
		group: pi.group,
		order: pi.order,
		...(indicator.parentCode ? { parentCode: indicator.parentCode } : {}),
		nature: pi.nature,
		direction: pi.direction,
		decimals: indicator.decimals,
		baseline: pi.baseline,
		origin: origin ? { year: origin.year, value: origin.value, source: origin.source } : null,
		target: final,
		targetValue: st.targetValue,
		value: actual,
		provisional: row?.provisional ?? false,
		...(row?.interval ? { interval: row.interval } : {}),
		...(row?.caution ? { caution: row.caution } : {}),
		coverage: row?.coverage ?? { reported: 0, expected: 0 },
		expected: st.expected,
		progress,
		progressRule: rule,
		status: row?.status ?? st.status,
		projection: null,
		years: [...years.values()].filter((y) => y.year <= input.year).sort((a, b) => a.year - b.year),
	};
	if (kind === "mid-term") {
		const passed = actual === null ? null : achieved ? true : rule === "ratio" ? (progress as number) >= elapsed - EPSILON : rule === "no-path" ? null : false;
		out.halfway = { elapsed, passed };
	} else {
		out.met = actual === null ? null : achieved;
	}
	if (final) {
		// Complete, non-provisional years up to the evaluation year: the current year is still partial.
		const lastComplete = Math.min(input.year, input.currentYear - 1);
		const points = out.years.filter((y) => y.year <= lastComplete && y.value !== null && !y.provisional).map((y) => ({ year: y.year, value: y.value as number }));
		const p = project({
			points,
			targetYear: input.plan.targetYear,
			targetValue: st.targetValue,
			target: final.target,
			direction: pi.direction,
			baseline: pi.baseline ? { year: pi.baseline.year, value: pi.baseline.value } : origin ? { year: origin.year, value: origin.value } : null,
			bounds: valueBounds(indicator.uom),
		});
		if (p) {
			const { slope: _slope, ...projection } = p;
			out.projection = projection;
		}
	}
	return out;
};

/** Rows in the plan's printed order, grouped by domain in order of first appearance, binding first within a group. */
export const groupRows = (rows: EvaluationRow[]): EvaluationGroup[] => {
	const groups = new Map<IndicatorGroup, EvaluationRow[]>();
	for (const r of [...rows].sort((a, b) => a.order - b.order)) {
		const list = groups.get(r.group) ?? [];
		list.push(r);
		groups.set(r.group, list);
	}
	return [...groups].map(([group, list]) => ({
		group,
		name: GROUP_NAMES[group],
		rows: [...list.filter((r) => r.nature === "binding"), ...list.filter((r) => r.nature !== "binding")],
	}));
};

/** Whether a row falls short in this report: not met (final), or failed the 时间过半 test (mid-term). */
const fallsShort = (r: EvaluationRow): boolean => r.met === false || r.halfway?.passed === false;

/** How far short, comparable across indicators: the share of the planned movement still missing at this point. */
const shortfall = (r: EvaluationRow): number => {
	const due = r.halfway ? r.halfway.elapsed : 1;
	if (r.progressRule === "ratio" && r.progress !== null) return due - r.progress;
	// Hold / maintain / improve rows that slipped: rank by the relative distance to the target.
	if (r.value !== null && r.targetValue !== null && r.targetValue !== 0) {
		return Math.abs(goodness(r.direction, r.targetValue) - goodness(r.direction, r.value)) / Math.abs(r.targetValue);
	}
	return 0;
};

/** The rows 主要问题 names: the largest shortfalls, binding ones first among equals. */
export const problemRows = (rows: readonly EvaluationRow[]): EvaluationRow[] =>
	rows
		.filter(fallsShort)
		.sort((a, b) => shortfall(b) - shortfall(a) || (a.nature === "binding" ? -1 : 0) - (b.nature === "binding" ? -1 : 0) || a.order - b.order)
		.slice(0, MAX_PROBLEMS);

/** Indicators whose 垦区 breakdown the report needs: the resource indicators (gap per 垦区) and the main problems. */
export const breakdownCodes = (input: Omit<EvaluationInput, "breakdowns">): string[] => {
	if (input.org.level !== "division") return [];
	const report = buildEvaluation(input);
	const rows = report.groups.flatMap((g) => g.rows);
	const codes = new Set<string>();
	for (const r of rows) {
		const ind = input.indicatorByCode.get(r.indicatorCode);
		if (ind && resourceElement(ind) && r.targetValue !== null) codes.add(r.indicatorCode);
	}
	for (const r of problemRows(rows)) codes.add(r.indicatorCode);
	return [...codes];
};

const attachAreas = (input: EvaluationInput, r: EvaluationRow, indicator: Indicator): void => {
	const areas = (input.breakdowns?.[r.indicatorCode] ?? []).filter((b) => b.level === undefined || b.level === "area");
	if (areas.length === 0) return;
	const final = r.target;
	r.areas = areas.map((b) => {
		const value = roundTo(b.value, indicator.decimals);
		const meets = value === null || r.targetValue === null || !final ? null : meetsTargetValue(value, r.targetValue, final.target, r.direction);
		return { orgUnit: b.orgUnit, name: b.name, value, provisional: b.provisional ?? false, meets };
	});
};

const attachGap = (input: EvaluationInput, r: EvaluationRow, indicator: Indicator): void => {
	const element = resourceElement(indicator);
	const row = input.progress.find((p) => p.indicatorCode === r.indicatorCode);
	if (!element || r.targetValue === null || !row || row.numerator === null || row.denominator === null || row.denominator <= 0) return;
	const el = input.elementByCode.get(element);
	const areas = (input.breakdowns?.[r.indicatorCode] ?? [])
		.filter((b) => (b.level === undefined || b.level === "area") && b.numerator !== null && b.denominator !== null && b.denominator > 0)
		.map((b) => resourceGapLine({ orgUnit: b.orgUnit, name: b.name }, r.targetValue as number, indicator.factor, b.numerator as number, b.denominator as number));
	const gap: ResourceGap = {
		element,
		elementName: el?.name ?? { zh: element, en: element },
		elementUom: el?.uom ?? { zh: "", en: "" },
		targetValue: r.targetValue,
		division: resourceGapLine({ orgUnit: input.org.id, name: input.org.name }, r.targetValue, indicator.factor, row.numerator, row.denominator),
		areas,
	};
	r.gap = gap;
};

// ---------------------------------------------------------------------------------------------------
// Text. Every number in it comes from the rows; nothing is said that the data does not show.

const fmt = (v: number | null | undefined, decimals: number): string => (v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(Math.max(0, Math.min(6, decimals))));
const pct = (ratio: number): string => `${Math.round(ratio * 100)}%`;
const uomZh = (r: EvaluationRow): string => r.uom.zh;
const uomEn = (r: EvaluationRow): string => (r.uom.en === "%" || r.uom.en === "‰" ? r.uom.en : r.uom.en ? ` ${r.uom.en}` : "");
const listZh = (xs: string[]): string => xs.join("、");
/** The plans print targets in Chinese only: English renders the target from its kind. */
const targetEn = (r: EvaluationRow): string => (r.target ? targetText(r.target, "en", r.uom.en) : "—");
const listEn = (xs: string[]): string => (xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`);
const baselineZh = (r: EvaluationRow): string => (r.baseline ? `基线${r.baseline.printed}（${r.baseline.year}年）` : r.origin ? `基线未列，以${r.origin.year}年${fmt(r.origin.value, r.decimals)}为起点` : "基线未列");
const baselineEn = (r: EvaluationRow): string =>
	r.baseline ? `baseline ${fmt(r.baseline.value, r.decimals)} (${r.baseline.year})` : r.origin ? `no printed baseline, measured from ${fmt(r.origin.value, r.decimals)} in ${r.origin.year}` : "no printed baseline";

const verdictZh = (r: EvaluationRow): string => {
	if (r.value === null) return "暂无数据";
	if (r.met !== undefined) return r.met ? "已达成" : "未达成";
	const h = r.halfway;
	if (!h || h.passed === null) return "无法判断进度";
	return h.passed ? "达到时间过半、任务过半要求" : "未达到时间过半、任务过半要求";
};
const verdictEn = (r: EvaluationRow): string => {
	if (r.value === null) return "no data";
	if (r.met !== undefined) return r.met ? "met" : "not met";
	const h = r.halfway;
	if (!h || h.passed === null) return "progress cannot be judged";
	return h.passed ? "on pace (half the time, half the task)" : "behind the pace of the plan period";
};

const progressZh = (r: EvaluationRow): string =>
	r.progressRule === "ratio" && r.progress !== null ? `，完成目标进度${pct(r.progress)}` : r.progressRule === "maintain" ? "，目标为保持基线水平" : r.progressRule === "hold" ? "，基线已优于目标，需保持" : "";
const progressEn = (r: EvaluationRow): string =>
	r.progressRule === "ratio" && r.progress !== null ? `, ${pct(r.progress)} of the way to the target` : r.progressRule === "maintain" ? ", the target is to keep the baseline level" : r.progressRule === "hold" ? ", the baseline already meets the target and must be kept" : "";

const rowSentenceZh = (r: EvaluationRow, year: number): string =>
	r.value === null
		? `${r.name.zh}：${baselineZh(r)}，目标${r.target?.printed ?? "—"}，${year}年暂无数据。`
		: `${r.name.zh}：${baselineZh(r)}，目标${r.target?.printed ?? "—"}，${year}年${fmt(r.value, r.decimals)}${uomZh(r)}${r.provisional ? "（数据不完整）" : ""}${progressZh(r)}，${verdictZh(r)}。`;
const rowSentenceEn = (r: EvaluationRow, year: number): string =>
	r.value === null
		? `${r.name.en}: ${baselineEn(r)}, target ${targetEn(r)}, no data for ${year}.`
		: `${r.name.en}: ${baselineEn(r)}, target ${targetEn(r)}, ${year} ${fmt(r.value, r.decimals)}${uomEn(r)}${r.provisional ? " (provisional)" : ""}${progressEn(r)}; ${verdictEn(r)}.`;

const countRows = (rows: readonly EvaluationRow[]): EvaluationCounts => ({
	indicators: rows.length,
	binding: rows.filter((r) => r.nature === "binding").length,
	met: rows.filter((r) => r.met === true).length,
	notMet: rows.filter((r) => r.met === false).length,
	noData: rows.filter((r) => r.value === null).length,
	bindingNotMet: rows.filter((r) => r.nature === "binding" && fallsShort(r)).length,
	halfwayPassed: rows.filter((r) => r.halfway?.passed === true).length,
	halfwayFailed: rows.filter((r) => r.halfway?.passed === false).length,
	halfwayUnjudged: rows.filter((r) => r.halfway !== undefined && r.halfway.passed === null).length,
	provisional: rows.filter((r) => r.provisional).length,
});

const overallText = (report: Omit<EvaluationReport, "paragraphs">): I18nText => {
	const c = report.counts;
	const rows = report.groups.flatMap((g) => g.rows);
	const plan = report.planName;
	const where = report.orgName;
	const bindingZh = c.binding ? `，其中约束性指标${c.binding}项` : "";
	const bindingEn = c.binding ? `, ${c.binding} of them binding` : "";
	if (report.kind === "final") {
		const missedBinding = rows.filter((r) => r.nature === "binding" && r.met === false).map((r) => r.name);
		const uncertain = rows.filter((r) => r.met !== null && r.met !== undefined && r.status === "uncertain").length;
		const provisional = rows.filter((r) => r.met !== null && r.met !== undefined && r.provisional).length;
		const cautionZh = uncertain || provisional ? `（其中${[uncertain ? `${uncertain}项事件数少、区间跨越目标，难以确认` : "", provisional ? `${provisional}项数据不完整，为暂定判断` : ""].filter(Boolean).join("，")}）` : "";
		const cautionEn = uncertain || provisional ? ` (${[uncertain ? `${uncertain} rest on so few events that the interval straddles the target` : "", provisional ? `${provisional} on incomplete data, provisionally` : ""].filter(Boolean).join("; ")})` : "";
		return {
			zh: `《${plan.zh}》共监测${c.indicators}项指标${bindingZh}。${report.year}年为规划目标年${report.year > report.targetYear ? `后第${report.year - report.targetYear}年` : ""}，${where.zh}已达成${c.met}项，未达成${c.notMet}项${c.noData ? `，${c.noData}项暂无数据` : ""}${cautionZh}。${
				c.binding ? (missedBinding.length ? `约束性指标中${missedBinding.length}项未达成（${listZh(missedBinding.map((n) => n.zh))}）。` : "约束性指标全部达成。") : ""
			}`,
			en: `The ${plan.en} monitors ${c.indicators} indicators${bindingEn}. In ${report.year}${report.year === report.targetYear ? ", the target year," : ""} ${where.en} met ${c.met} and missed ${c.notMet}${c.noData ? `; ${c.noData} have no data` : ""}${cautionEn}. ${
				c.binding ? (missedBinding.length ? `${missedBinding.length} binding indicator${missedBinding.length > 1 ? "s were" : " was"} missed (${listEn(missedBinding.map((n) => n.en))}).` : "Every binding indicator was met.") : ""
			}`.trim(),
		};
	}
	const achievedEarly = rows.filter((r) => r.value !== null && r.status === "achieved").length;
	const yearOfPlan = report.year - report.baseYear;
	return {
		zh: `《${plan.zh}》共监测${c.indicators}项指标${bindingZh}。${report.year}年为规划期第${yearOfPlan}年，时间进度${pct(report.elapsed)}。${where.zh}${c.halfwayPassed}项指标达到“时间过半、任务过半”要求，${c.halfwayFailed}项未达到${c.halfwayUnjudged ? `，${c.halfwayUnjudged}项无法判断（无数据或无基线）` : ""}；其中已提前达到目标值${achievedEarly}项。${
			c.binding ? `约束性指标中${c.bindingNotMet}项未达到进度要求。` : ""
		}`,
		en: `The ${plan.en} monitors ${c.indicators} indicators${bindingEn}. ${report.year} is year ${yearOfPlan} of the plan period, ${pct(report.elapsed)} of the time. In ${where.en}, ${c.halfwayPassed} indicators are on pace (at least as far along as the time elapsed), ${c.halfwayFailed} are not${c.halfwayUnjudged ? `, and ${c.halfwayUnjudged} cannot be judged (no data or no baseline)` : ""}; ${achievedEarly} already meet their target. ${
			c.binding ? `${c.bindingNotMet} of the binding indicators are behind the pace.` : ""
		}`.trim(),
	};
};

const bindingText = (report: Omit<EvaluationReport, "paragraphs">): I18nText => {
	const binding = report.groups.flatMap((g) => g.rows).filter((r) => r.nature === "binding");
	if (binding.length === 0) return { zh: "本规划未设约束性指标。", en: "The plan sets no binding indicators." };
	return {
		zh: binding.map((r) => rowSentenceZh(r, report.year)).join(""),
		en: binding.map((r) => rowSentenceEn(r, report.year)).join(" "),
	};
};

/** "实有床位数" → "床位", "其中：中医类别执业（助理）医师数" → "中医类别执业（助理）医师": the thing counted. */
export const countedNoun = (name: I18nText): I18nText => ({
	zh: name.zh.replace(/^其中[:：]\s*/, "").replace(/^实有/, "").replace(/数$/, ""),
	en: name.en.replace(/^of which:\s*/i, "").replace(/^./, (c) => c.toLowerCase()),
});

const gapSentence = (r: EvaluationRow): I18nText | null => {
	const gap = r.gap;
	if (!gap || gap.division.needed <= 0) return null;
	const u = gap.elementUom;
	const areas = gap.areas.filter((a) => a.needed > 0).sort((a, b) => b.needed - a.needed);
	const areaZh = areas.length ? `，其中${listZh(areas.map((a) => `${a.name.zh}${a.needed}${u.zh}`))}` : "";
	const areaEn = areas.length ? `: ${listEn(areas.map((a) => `${a.name.en} ${a.needed}`))}` : "";
	return {
		zh: `按${r.name.zh}目标${fmt(gap.targetValue, r.decimals)}和现有人口${gap.division.population}人测算，尚需增加${countedNoun(gap.elementName).zh}${gap.division.needed}${u.zh}${areaZh}。`,
		en: `At the target of ${fmt(gap.targetValue, r.decimals)} and today's population of ${gap.division.population}, ${gap.division.needed} more ${countedNoun(gap.elementName).en} are needed${areaEn}.`,
	};
};

const concentrationSentence = (r: EvaluationRow): I18nText | null => {
	const areas = (r.areas ?? []).filter((a) => a.value !== null);
	if (areas.length < 2) return null;
	const short = areas.filter((a) => a.meets === false);
	const worst = [...areas].sort((a, b) => goodness(r.direction, a.value as number) - goodness(r.direction, b.value as number))[0];
	if (!worst) return null;
	const shortZh = short.length ? `未达目标的垦区有${listZh(short.map((a) => a.name.zh))}` : "各垦区均已达到目标值";
	const shortEn = short.length ? `${short.length === 1 ? "the area short of the target is" : "the areas short of the target are"} ${listEn(short.map((a) => a.name.en))}` : "every area meets the target value";
	return {
		zh: `分垦区看，${shortZh}，${worst.name.zh}最低（${fmt(worst.value, r.decimals)}）。`,
		en: `By area, ${shortEn}; ${worst.name.en} is furthest behind (${fmt(worst.value, r.decimals)}).`,
	};
};

const problemsText = (report: Omit<EvaluationReport, "paragraphs">): I18nText => {
	const rows = report.groups.flatMap((g) => g.rows);
	const problems = problemRows(rows);
	// One line per problem and per resource gap ("\n" between them): the renderers make each a paragraph.
	const zh: string[] = [];
	const en: string[] = [];
	if (problems.length === 0) {
		zh.push(report.kind === "final" ? "有数据的指标均已达成目标。" : "有数据的指标均达到时间过半、任务过半要求。");
		en.push(report.kind === "final" ? "Every indicator with data met its target." : "Every indicator with data is on pace.");
	}
	problems.forEach((r, i) => {
		const lineZh: string[] = [];
		const lineEn: string[] = [];
		const expected = r.expected !== null && report.kind === "mid-term" ? `，按规划进度应为${fmt(r.expected, r.decimals)}` : "";
		const expectedEn = r.expected !== null && report.kind === "mid-term" ? `, against ${fmt(r.expected, r.decimals)} expected on the plan path` : "";
		lineZh.push(`（${i + 1}）${r.name.zh}${r.nature === "binding" ? "（约束性）" : ""}${report.year}年为${fmt(r.value, r.decimals)}${uomZh(r)}，目标${r.target?.printed ?? "—"}${expected}${progressZh(r)}。`);
		lineEn.push(`(${i + 1}) ${r.name.en}${r.nature === "binding" ? " (binding)" : ""} was ${fmt(r.value, r.decimals)}${uomEn(r)} in ${report.year} against a target of ${targetEn(r)}${expectedEn}${progressEn(r)}.`);
		const c = concentrationSentence(r);
		if (c) {
			lineZh.push(c.zh);
			lineEn.push(c.en);
		}
		if (r.projection && r.projection.verdict !== "not-applicable" && r.projection.requiredAnnualChange !== null && r.projection.actualAnnualChange !== null) {
			lineZh.push(`按${r.projection.fromYear}—${r.projection.toYear}年趋势推算，${r.projection.targetYear}年约为${fmt(r.projection.value, r.decimals)}（${fmt(r.projection.low, r.decimals)}～${fmt(r.projection.high, r.decimals)}），需年均变化${fmt(r.projection.requiredAnnualChange, r.decimals)}，实际年均变化${fmt(r.projection.actualAnnualChange, r.decimals)}。`);
			lineEn.push(`On the ${r.projection.fromYear}–${r.projection.toYear} trend it would be about ${fmt(r.projection.value, r.decimals)} (${fmt(r.projection.low, r.decimals)} to ${fmt(r.projection.high, r.decimals)}) in ${r.projection.targetYear}; it needs ${fmt(r.projection.requiredAnnualChange, r.decimals)} a year and has managed ${fmt(r.projection.actualAnnualChange, r.decimals)}.`);
		}
		zh.push(lineZh.join(""));
		en.push(lineEn.join(" "));
	});
	for (const r of rows) {
		const g = gapSentence(r);
		if (g) {
			zh.push(g.zh);
			en.push(g.en);
		}
	}
	return { zh: zh.join("\n"), en: en.join("\n") };
};

const dataText = (report: Omit<EvaluationReport, "paragraphs">): I18nText => {
	const rows = report.groups.flatMap((g) => g.rows);
	const asOf = report.asOf ? report.asOf.slice(0, 10) : "—";
	const zh: string[] = [
		`本报告数据由平台按各单位报送数据汇总（${report.approvedOnly ? "仅计已审核数据" : "计入已提交和已审核数据"}），数据截至${asOf}；率由汇总后的分子、分母计算，不对单位的率取平均。`,
	];
	const en: string[] = [
		`The figures are the platform's aggregates of the units' submissions (${report.approvedOnly ? "approved data only" : "submitted and approved data"}), as of ${asOf}; rates are computed from summed numerators and denominators, never averaged.`,
	];
	const provisional = rows.filter((r) => r.provisional);
	if (provisional.length) {
		zh.push(`${listZh(provisional.map((r) => r.name.zh))}的报告覆盖不足，数值为暂定值。`);
		en.push(`Coverage is incomplete for ${listEn(provisional.map((r) => r.name.en))}; those values are provisional.`);
	} else {
		zh.push("各指标报告覆盖完整。");
		en.push("Every indicator's coverage is complete.");
	}
	// Only the figures the platform flags (few events, or an interval that straddles the target): a 95 % interval
	// on 67,730 events is no caveat worth a reader's time.
	const small = rows.filter((r) => r.caution);
	if (small.length) {
		zh.push(
			`${listZh(small.map((r) => (r.interval ? `${r.name.zh}（95%区间${fmt(r.interval.low, r.decimals)}～${fmt(r.interval.high, r.decimals)}，事件数${r.interval.events}）` : r.name.zh)))}基于少量事件，单年数值波动大，解读需谨慎。`,
		);
		en.push(
			`${listEn(small.map((r) => (r.interval ? `${r.name.en} (95% interval ${fmt(r.interval.low, r.decimals)} to ${fmt(r.interval.high, r.decimals)}, ${r.interval.events} events)` : r.name.en)))} rest on few events; single years vary widely.`,
		);
	}
	const noData = rows.filter((r) => r.value === null);
	if (noData.length) {
		zh.push(`${listZh(noData.map((r) => r.name.zh))}${report.year}年暂无数据。`);
		en.push(`${listEn(noData.map((r) => r.name.en))} ${noData.length > 1 ? "have" : "has"} no data for ${report.year}.`);
	}
	const firstObserved = rows.filter((r) => !r.baseline && r.origin?.source === "first-observed");
	if (firstObserved.length) {
		zh.push(`${listZh(firstObserved.map((r) => r.name.zh))}规划未列基线，以${report.baseYear}年平台数据为起点计算进度。`);
		en.push(`The plan prints no baseline for ${listEn(firstObserved.map((r) => r.name.en))}; progress is measured from the platform's ${report.baseYear} value.`);
	}
	// Baselines a plan took from the platform (POST /api/admin/plans with copyFrom) say so, with their coverage.
	const fromPlatform = rows.filter((r) => (r.baseline as (typeof r.baseline & { source?: string }) | null)?.source === "platform");
	if (fromPlatform.length) {
		const year = fromPlatform[0]?.baseline?.year;
		zh.push(`${fromPlatform.length}项指标的基期值取自平台${year}年汇总数据（非规划印发数值）。`);
		en.push(`${fromPlatform.length} baselines are the platform's own ${year} figures, not printed in a plan.`);
	}
	zh.push("趋势推算采用Theil–Sen稳健斜率，仅在有3个及以上完整年度数据时给出，区间反映年度间波动，不代表政策变化的影响。");
	en.push("Projections use the Theil–Sen robust slope, only with three or more complete years; the band reflects year-to-year variation, not the effect of policy changes.");
	return { zh: zh.join(""), en: en.join(" ") };
};

/** The whole report. */
export function buildEvaluation(input: EvaluationInput): EvaluationReport {
	const kind = evaluationKind(input.plan, input.year);
	const elapsed = elapsedShare(input.plan, input.year);
	const progressByCode = new Map(input.progress.map((r) => [r.indicatorCode, r]));
	const rows: EvaluationRow[] = [];
	for (const pi of input.plan.indicators) {
		const indicator = input.indicatorByCode.get(pi.indicatorCode);
		if (!indicator) continue;
		const r = buildRow(input, pi, indicator, progressByCode.get(pi.indicatorCode), kind, elapsed);
		attachAreas(input, r, indicator);
		attachGap(input, r, indicator);
		rows.push(r);
	}
	const base: Omit<EvaluationReport, "paragraphs"> = {
		planId: input.plan.id,
		planName: input.plan.name,
		kind,
		year: input.year,
		baseYear: input.plan.baseYear,
		targetYear: input.plan.targetYear,
		elapsed,
		orgUnit: input.org.id,
		orgName: input.org.name,
		orgLevel: input.org.level,
		asOf: input.asOf,
		generatedAt: input.generatedAt,
		approvedOnly: input.approvedOnly,
		counts: countRows(rows),
		groups: groupRows(rows),
	};
	return { ...base, paragraphs: { overall: overallText(base), binding: bindingText(base), problems: problemsText(base), data: dataText(base) } };
}
