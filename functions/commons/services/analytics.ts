// Progress, series, breakdown, completeness and aggregate verification. Reads aggregate items by key
// (a handful of Queries per request), so a progress read costs O(indicators), never O(submissions).
import { type AggKind, aggId, isCounterAttr, type Mode, parseAggId, readAgg, readCarried, recomputeAggregates, type SubmissionState, unitsAttr } from "../../core/aggregation";
import type { BreakdownReport, BreakdownRow, CompletenessReport, ProgressReport, ProgressRow, SeriesPoint, SeriesReport } from "../../core/api-types";
import { type CatalogIndex, childrenOf, defaultPlan, formElements, isWithin, reportingUnitsUnder } from "../../core/catalog-index";
import { computeFigure, type ElementFigure, type Figure, indicatorCodes, judge, setKey } from "../../core/figures";
import { roundTo } from "../../core/indicator-eval";
import { projectionYears, projectPlanIndicator } from "../../core/projection";
import { addMonths, currentMonth, deadline, fractionalYear, isMonth, isYear, monthRange, monthsOfYear } from "../../core/periods";
import { EPSILON, evaluateStatus, finalTarget, goodness, type TargetContext } from "../../core/targets";
import type { Indicator, IndicatorStatus, OrgUnit, Plan, PlanIndicator } from "../../core/types";
import type { App } from "../app";
import { config } from "../config";
import { AppError, notFound } from "../errors";
import type { StoredSubmission, SubmissionStatusRow } from "../submission-repo";
import { recalculatingIndicators } from "../../metadata/recalculating";

/** How far back yearly (statistics-office) figures are carried: the latest year within this window. */
const YEARLY_LOOKBACK = 5;

type Items = Map<string, Record<string, unknown>>;

/** Aggregate items of one org around a period: months of the year up to it, the year, yearly figures. */
interface OrgData {
	months: Items;
	years: Items;
	yearly: Items;
	asOf: string;
	/** Only year items were read (a projection's history): a flow's yearly coverage comes from the year item. */
	yearsOnly?: boolean;
}

const maxAsOf = (...maps: Items[]): string => {
	let a = "";
	for (const m of maps) for (const it of m.values()) if (typeof it.asOf === "string" && it.asOf > a) a = it.asOf;
	return a;
};

/** Per element: the aggregated value at a period, how many units reported it and how many were carried. */
type ElementValue = ElementFigure;

const valueAt = (idx: CatalogIndex, data: OrgData, period: string, mode: Mode, code: string): ElementValue | null => {
	const el = idx.elementByCode.get(code);
	if (!el) return null;
	const year = period.slice(0, 4);
	const plain = (v: { sum: number; count: number } | null): ElementValue | null => (v ? { ...v, carried: 0 } : null);
	if (el.overTime === "yearly") {
		// The most recent year reported at or before the period's year.
		for (let y = Number(year); y > Number(year) - YEARLY_LOOKBACK; y--) {
			const v = readAgg(data.yearly.get(String(y)), code, mode);
			if (v) return plain(v);
		}
		return null;
	}
	if (isYear(period)) {
		const v = readAgg(data.years.get(year), code, mode);
		if (!v || el.overTime === "stock") return plain(v);
		// A flow's yearly count is unit-months; coverage is the most units that reported in any month, or, when only
		// the year item was read, the units reporting in an average month.
		if (data.yearsOnly) return { sum: v.sum, count: Math.floor(v.count / 12), carried: 0 };
		let units = 0;
		for (const m of monthsOfYear(Number(year))) units = Math.max(units, readAgg(data.months.get(m), code, mode)?.count ?? 0);
		return { sum: v.sum, count: units, carried: 0 };
	}
	if (el.overTime === "stock") {
		// The month's fresh reports plus the latest values of units that have not reported it yet (carried).
		const item = data.months.get(period);
		const fresh = readAgg(item, code, mode);
		const carried = readCarried(item, code, mode);
		if (!fresh && !carried) return null;
		return { sum: (fresh?.sum ?? 0) + (carried?.sum ?? 0), count: fresh?.count ?? 0, carried: carried?.count ?? 0 };
	}
	// Flows: year to date, so rates compare with annual plan targets. Coverage is the period's month.
	let sum = 0;
	let any = false;
	for (const m of monthRange(`${year}-01`, period)) {
		const v = readAgg(data.months.get(m), code, mode);
		if (v) {
			sum += v.sum;
			any = true;
		}
	}
	if (!any) return null;
	return { sum, count: readAgg(data.months.get(period), code, mode)?.count ?? 0, carried: 0 };
};

/** A synthetic child so a single unit's submissions aggregate "to" the unit with the very same maths. */
const SELF = "__self";

const emptyCounts = (): Record<IndicatorStatus, number> => ({ achieved: 0, "on-track": 0, behind: 0, "off-track": 0, uncertain: 0, provisional: 0, "no-data": 0 });

/** How far back the server looks for the latest month that is not provisional, when no period is asked for. */
const DEFAULT_PERIOD_LOOKBACK = 12;

export const createAnalyticsService = (app: App) => {
	const mode = (approvedOnly?: boolean): Mode => ((approvedOnly ?? config.approvedOnly) ? "approved" : "all");

	/**
	 * Aggregate items for an area/division from the table; for a unit, recomputed from its own few submissions.
	 * `yearsOnly` reads the year items alone (a handful per year instead of twelve wide month items), for figures
	 * of whole past years.
	 */
	const orgData = async (idx: CatalogIndex, org: OrgUnit, from: string, to: string, opts: { yearsOnly?: boolean } = {}): Promise<OrgData> => {
		const fromYear = Number(from.slice(0, 4));
		const toYear = Number(to.slice(0, 4));
		const yearList = Array.from({ length: toYear - fromYear + 1 }, (_, i) => String(fromYear + i));
		const yrFrom = String(fromYear - YEARLY_LOOKBACK + 1);
		const repo = app.submissions(idx);
		if (org.level !== "unit") {
			const months = isMonth(from) ? monthRange(`${from.slice(0, 4)}-01`, isMonth(to) ? to : `${to}-12`) : yearList.flatMap((y) => monthsOfYear(Number(y)));
			const yrYears = Array.from({ length: toYear - Number(yrFrom) + 1 }, (_, i) => String(Number(yrFrom) + i));
			const [m, y, yr] = await Promise.all([
				opts.yearsOnly ? new Map<string, Record<string, unknown>>() : repo.aggregates(org.id, "M", months[0] as string, months[months.length - 1] as string, months),
				repo.aggregates(org.id, "Y", String(fromYear), String(toYear), yearList),
				repo.aggregates(org.id, "YR", yrFrom, String(toYear), yrYears),
			]);
			return { months: m, years: y, yearly: yr, asOf: maxAsOf(m, y, yr), ...(opts.yearsOnly ? { yearsOnly: true } : {}) };
		}
		const subs = await repo.listForUnit(org.id, yrFrom, `${toYear}-12`);
		const states: SubmissionState[] = subs.map((s) => ({ unitId: SELF, period: s.period, status: s.status, values: s.values }));
		const units = new Map(idx.agg.units);
		units.set(SELF, { id: SELF, level: "unit", parentId: org.id, name: org.name, order: 0 });
		const deltas = recomputeAggregates(states, { elements: idx.agg.elements, units });
		const data: OrgData = { months: new Map(), years: new Map(), yearly: new Map(), asOf: subs.reduce((a, s) => (s.updatedAt > a ? s.updatedAt : a), "") };
		for (const [id, attrs] of deltas) {
			const { orgId, kind, period } = parseAggId(id);
			if (orgId !== org.id) continue;
			const target: Record<AggKind, Items> = { M: data.months, Y: data.years, YR: data.yearly };
			target[kind].set(period, attrs);
		}
		return data;
	};

	const orgOf = (idx: CatalogIndex, orgId: string): OrgUnit => {
		const org = idx.unitById.get(orgId);
		if (!org) throw notFound(`未知机构 ${orgId} (unknown org unit)`);
		return org;
	};

	const planOf = (idx: CatalogIndex, planId: string | undefined): Plan => {
		const plan = planId ? idx.planById.get(planId) : defaultPlan(idx.catalog.plans, Number(currentMonth(app.now()).slice(0, 4)));
		if (!plan) throw notFound(`未知规划 ${planId} (unknown plan)`);
		return plan;
	};

	/**
	 * Ids of the units under an org expected to report an element. Elements summed across units are expected
	 * from every active unit of a reporting type below the org; "none" elements (division-level figures) only
	 * from such units directly under it, since they count only there.
	 */
	// Per catalog (the index object lives as long as the catalog is unchanged): the units under each org, the
	// ids expected per org × element, and the count of units under each org that report monthly. A progress
	// read asks these for every row and every trend month; walking the catalog's units each time made a read's
	// cost grow with the number of units (bench: read scaling).
	const memo = new WeakMap<CatalogIndex, Map<string, unknown>>();
	const cached = <T>(idx: CatalogIndex, key: string, compute: () => T): T => {
		let m = memo.get(idx);
		if (!m) {
			m = new Map();
			memo.set(idx, m);
		}
		if (m.has(key)) return m.get(key) as T;
		const v = compute();
		m.set(key, v);
		return v;
	};
	const unitsOf = (idx: CatalogIndex, org: OrgUnit): OrgUnit[] => (org.level === "unit" ? [org] : cached(idx, `units|${org.id}`, () => reportingUnitsUnder(idx, org.id)));
	const expectedIds = (idx: CatalogIndex, org: OrgUnit, code: string): string[] =>
		cached(idx, `expected|${org.id}|${code}`, () => {
			const el = idx.elementByCode.get(code);
			const units = unitsOf(idx, org);
			return el
				? units.filter((u) => u.type && el.reportedBy.includes(u.type) && (el.acrossUnits === "sum" || org.level === "unit" || u.parentId === org.id)).map((u) => u.id)
				: [];
		});

	const evaluate = (idx: CatalogIndex, org: OrgUnit, data: OrgData, period: string, m: Mode, indicator: Indicator): Figure =>
		computeFigure({
			indicator,
			elements: idx.elementByCode,
			valueOf: (code) => valueAt(idx, data, period, m, code),
			expectedOf: (code) => expectedIds(idx, org, code),
			expectedKey: (code) => cached(idx, `key|${org.id}|${code}`, () => setKey(expectedIds(idx, org, code))),
			threshold: config.completenessThreshold,
		});

	/** The plain value of an indicator (targets' context: last year's actual, a base year's value). */
	const settledValue = (idx: CatalogIndex, org: OrgUnit, data: OrgData, period: string, m: Mode, indicator: Indicator): number | null => {
		const f = evaluate(idx, org, data, period, m, indicator);
		return f.provisional ? null : f.value;
	};

	/** Units expected to report monthly under an org, and how many have a counted form for the period. */
	const reportingOf = (idx: CatalogIndex, org: OrgUnit, data: OrgData, period: string, m: Mode): ProgressReport["reporting"] => {
		const expected = cached(idx, `monthly|${org.id}`, () => {
			const types = new Set(unitsOf(idx, org).map((u) => u.type));
			const reportsMonthly = new Map([...types].map((t) => [t, formElements(idx.elementByCode.values(), t, "monthly").length > 0]));
			return unitsOf(idx, org).filter((u) => reportsMonthly.get(u.type)).length;
		});
		const counted = (month: string) => Math.min(expected, Number(data.months.get(month)?.[unitsAttr(m)] ?? 0));
		// A year is as complete as its least complete month.
		const reported = isMonth(period) ? counted(period) : Math.min(...monthsOfYear(Number(period)).map(counted));
		const rate = expected > 0 ? reported / expected : 1;
		const threshold = config.completenessThreshold;
		return { reported, expected, rate, threshold, provisional: rate < threshold - 1e-9 };
	};

	const targetContext = (idx: CatalogIndex, org: OrgUnit, plan: Plan, pi: PlanIndicator, data: OrgData, period: string, m: Mode, baseData?: OrgData): TargetContext => {
		const indicator = idx.indicatorByCode.get(pi.indicatorCode);
		const ctx: TargetContext = {};
		if (!indicator) return ctx;
		const year = Number(period.slice(0, 4));
		const prevYear = String(year - 1);
		const codes = indicatorCodes(indicator);
		if (codes.every((c) => idx.elementByCode.get(c)?.overTime === "yearly")) {
			ctx.previousYearValue = settledValue(idx, org, data, prevYear, m, indicator);
			ctx.baseValueAt = (y: number) => (y > year - YEARLY_LOOKBACK ? settledValue(idx, org, data, String(y), m, indicator) : null);
		}
		// Where the plan prints "—" as the baseline, the path starts from the value observed in the plan's base year.
		const atBase = (ind: Indicator) => (baseData ? settledValue(idx, org, baseData, String(plan.baseYear), m, ind) : null);
		if (!pi.baseline) {
			const v = atBase(indicator);
			if (v !== null) ctx.firstObserved = { year: plan.baseYear, value: roundTo(v, indicator.decimals) };
		}
		const last = finalTarget(pi);
		if (last?.target.kind === "proportional") {
			const followed = plan.indicators.find((x) => x.indicatorCode === (last.target as { followsIndicator: string }).followsIndicator);
			const followedIndicator = followed && idx.indicatorByCode.get(followed.indicatorCode);
			if (followed) ctx.followed = { indicator: followed, ...(followedIndicator ? { valueAtOrigin: atBase(followedIndicator) } : {}) };
		}
		return ctx;
	};

	/** A figure and the status it can support, judged against its plan target. */
	const judged = (idx: CatalogIndex, org: OrgUnit, data: OrgData, period: string, m: Mode, indicator: Indicator, target: { plan: Plan; pi: PlanIndicator } | undefined, baseData?: OrgData) => {
		const figure = evaluate(idx, org, data, period, m, indicator);
		if (!target) return { figure, status: "no-data" as IndicatorStatus, expected: null, targetValue: null };
		// Judged at the precision the plan prints (7.50, 0.16), so a value that rounds to the baseline is on it.
		const st = evaluateStatus(target.pi, roundTo(figure.value, indicator.decimals), fractionalYear(period), targetContext(idx, org, target.plan, target.pi, data, period, m, baseData));
		const j = judge(figure, st.status, st.targetValue);
		return { figure, status: j.status, caution: j.caution, expected: st.expected, targetValue: st.targetValue };
	};

	const pointOf = (period: string, j: ReturnType<typeof judged>): SeriesPoint => ({
		period,
		value: j.figure.value,
		numerator: j.figure.numerator,
		denominator: j.figure.denominator,
		expected: j.expected,
		coverage: j.figure.coverage,
		provisional: j.figure.provisional,
		...(j.figure.provisionalReason ? { provisionalReason: j.figure.provisionalReason } : {}),
		...(j.figure.interval ? { interval: j.figure.interval } : {}),
	});

	const pointsFor = (idx: CatalogIndex, org: OrgUnit, data: OrgData, indicator: Indicator, target: { plan: Plan; pi: PlanIndicator } | undefined, periods: string[], m: Mode, baseData?: OrgData): SeriesPoint[] =>
		periods.map((p) => pointOf(p, judged(idx, org, data, p, m, indicator, target, baseData)));

	/**
	 * The latest month, at most a year back, whose reporting is not provisional (the dashboard opens on it),
	 * with the items read to find it: they cover every month from January of the year before, so the
	 * progress read that follows can use them instead of reading again.
	 */
	const latestFinalMonth = async (idx: CatalogIndex, org: OrgUnit, m: Mode): Promise<{ period: string; data: OrgData; from: string }> => {
		const current = currentMonth(app.now());
		const from = addMonths(current, -DEFAULT_PERIOD_LOOKBACK);
		const data = await orgData(idx, org, from, current);
		for (let p = current; p >= from; p = addMonths(p, -1)) if (!reportingOf(idx, org, data, p, m).provisional) return { period: p, data, from };
		return { period: addMonths(current, -1), data, from };
	};

	interface ProgressQuery {
		planId?: string;
		/** Absent: the latest month that is not provisional. */
		period?: string;
		orgUnit: string;
		approvedOnly?: boolean;
		trend?: number;
	}

	/** `trend`: also give each row its last N months (sparklines), from the same few reads. */
	const progress = async (q: ProgressQuery): Promise<ProgressReport> => {
		const idx = await app.catalog();
		const org = orgOf(idx, q.orgUnit);
		if (org.level === "unit") return unitProgress(idx, org, q);
		const plan = planOf(idx, q.planId);
		const m = mode(q.approvedOnly);
		const needsBase = plan.indicators.some((pi) => !pi.baseline);
		const base = String(plan.baseYear);
		const [found, baseData] = await Promise.all([q.period ? undefined : latestFinalMonth(idx, org, m), needsBase ? orgData(idx, org, base, base) : undefined]);
		const period = q.period ?? (found?.period as string);
		const trendMonths = q.trend && isMonth(period) ? monthRange(addMonths(period, 1 - q.trend), period) : [];
		const from = trendMonths[0] ?? period;
		// The default period's search already read every month from January of its first year onwards.
		const reuse = found && from.slice(0, 4) >= found.from.slice(0, 4);
		// Projection to the target year (core/projection.ts): the complete years since the plan's base year, in one
		// extra read beside the period's own.
		const years = projectionYears(plan.baseYear, period, Number(currentMonth(app.now()).slice(0, 4)));
		const [data, history] = await Promise.all([reuse ? found.data : orgData(idx, org, from, period), years.length ? orgData(idx, org, years[0] as string, years.at(-1) as string, { yearsOnly: true }) : undefined]);
		const yearlyPoints = (indicator: Indicator) =>
			history
				? years.flatMap((y) => {
						const f = evaluate(idx, org, history, y, m, indicator);
						return f.value === null || f.provisional ? [] : [{ year: Number(y), value: roundTo(f.value, indicator.decimals) }];
					})
				: [];
		const counts = emptyCounts();
		const rows: ProgressRow[] = [];
		for (const pi of [...plan.indicators].sort((a, b) => a.order - b.order)) {
			const indicator = idx.indicatorByCode.get(pi.indicatorCode);
			if (!indicator) continue;
			const target = { plan, pi };
			const j = judged(idx, org, data, period, m, indicator, target, baseData);
			counts[j.status]++;
			const projection = history ? projectPlanIndicator(pi, j.targetValue, yearlyPoints(indicator), indicator) : null;
			rows.push({
				planId: plan.id,
				indicatorCode: indicator.code,
				name: indicator.name,
				uom: indicator.uom,
				group: pi.group,
				order: pi.order,
				...(indicator.parentCode ? { parentCode: indicator.parentCode } : {}),
				nature: pi.nature,
				direction: pi.direction,
				value: j.figure.value,
				numerator: j.figure.numerator,
				denominator: j.figure.denominator,
				factor: indicator.factor,
				decimals: indicator.decimals,
				baseline: pi.baseline,
				target: finalTarget(pi),
				targets: pi.targets,
				expected: j.expected,
				status: j.status,
				coverage: j.figure.coverage,
				provisional: j.figure.provisional,
				...(j.figure.provisionalReason ? { provisionalReason: j.figure.provisionalReason } : {}),
				...(j.figure.interval ? { interval: j.figure.interval } : {}),
				...(j.caution ? { caution: j.caution } : {}),
				...(trendMonths.length ? { trend: pointsFor(idx, org, data, indicator, target, trendMonths, m, baseData) } : {}),
				...(projection ? { projection } : {}),
			});
		}
		return {
			planId: plan.id,
			period,
			orgUnit: org.id,
			asOf: data.asOf || new Date(0).toISOString(),
			approvedOnly: m === "approved",
			counts,
			reporting: reportingOf(idx, org, data, period, m),
			...(q.period === undefined ? { defaulted: true } : {}),
			currentPeriod: currentMonth(app.now()),
			judged: true,
			rows,
			// Indicators whose figures an aggregate rebuild is recalculating now (issue 15): shown as 重新计算中.
			recalculating: await recalculatingIndicators(app, idx, plan),
		};
	};

	/**
	 * A unit's own report: its values for reference (参考), beside the division's figure that the status belongs
	 * to. A unit is never judged alone against targets set for the whole division.
	 */
	const unitProgress = async (idx: CatalogIndex, org: OrgUnit, q: ProgressQuery): Promise<ProgressReport> => {
		const division = await progress({ ...q, orgUnit: idx.divisionId, trend: undefined });
		const plan = planOf(idx, division.planId);
		const m = mode(q.approvedOnly);
		const period = division.period;
		const trendMonths = q.trend && isMonth(period) ? monthRange(addMonths(period, 1 - q.trend), period) : [];
		const data = await orgData(idx, org, trendMonths[0] ?? period, period);
		const rows = division.rows.map((d): ProgressRow => {
			const indicator = idx.indicatorByCode.get(d.indicatorCode) as Indicator;
			const own = evaluate(idx, org, data, period, m, indicator);
			return {
				...d,
				value: own.value,
				numerator: own.numerator,
				denominator: own.denominator,
				coverage: own.coverage,
				provisional: own.provisional,
				provisionalReason: own.provisionalReason,
				// A single unit's few events make intervals too wide to help; the division's figure carries the verdict.
				interval: undefined,
				caution: undefined,
				context: { orgUnit: idx.divisionId, value: d.value, provisional: d.provisional },
				...(trendMonths.length ? { trend: pointsFor(idx, org, data, indicator, undefined, trendMonths, m) } : {}),
			};
		});
		for (const r of rows) for (const k of ["provisionalReason", "interval", "caution"] as const) if (r[k] === undefined) delete r[k];
		return { ...division, planId: plan.id, orgUnit: org.id, asOf: data.asOf || division.asOf, judged: false, rows };
	};

	const series = async (q: { code: string; orgUnit: string; from: string; to: string; planId?: string; approvedOnly?: boolean }): Promise<SeriesReport> => {
		const idx = await app.catalog();
		const indicator = idx.indicatorByCode.get(q.code);
		if (!indicator) throw notFound(`未知指标 ${q.code} (unknown indicator)`);
		const org = orgOf(idx, q.orgUnit);
		const periods = isMonth(q.from) ? monthRange(q.from, q.to) : Array.from({ length: Number(q.to) - Number(q.from) + 1 }, (_, i) => String(Number(q.from) + i));
		if (periods.length > 132) throw new AppError("bad-request", "时间范围过长，最多132个月 (range too long: at most 132 months)", { to: "范围过长 (range too long)" });
		const m = mode(q.approvedOnly);
		const data = await orgData(idx, org, q.from, q.to);
		const plan = q.planId ? planOf(idx, q.planId) : idx.catalog.plans.find((p) => p.indicators.some((x) => x.indicatorCode === q.code));
		const pi = plan?.indicators.find((x) => x.indicatorCode === q.code);
		const baseData = plan && pi && !pi.baseline ? await orgData(idx, org, String(plan.baseYear), String(plan.baseYear)) : undefined;
		// A unit's points carry no expected path: the plan's path is the division's.
		const target = plan && pi && org.level !== "unit" ? { plan, pi } : undefined;
		const points = pointsFor(idx, org, data, indicator, target, periods, m, baseData);
		return { indicatorCode: q.code, orgUnit: org.id, ...(plan ? { planId: plan.id } : {}), points };
	};

	const breakdown = async (q: { code: string; orgUnit: string; period: string; planId?: string; approvedOnly?: boolean }): Promise<BreakdownReport> => {
		const idx = await app.catalog();
		const indicator = idx.indicatorByCode.get(q.code);
		if (!indicator) throw notFound(`未知指标 ${q.code} (unknown indicator)`);
		const org = orgOf(idx, q.orgUnit);
		const m = mode(q.approvedOnly);
		const plan = q.planId ? planOf(idx, q.planId) : idx.catalog.plans.find((p) => p.indicators.some((x) => x.indicatorCode === q.code));
		const pi = plan?.indicators.find((x) => x.indicatorCode === q.code);
		const final = pi ? finalTarget(pi) : null;
		const children = childrenOf(idx, org.id).filter((c) => c.active !== false);
		const rows = await Promise.all(
			children.map(async (child): Promise<BreakdownRow> => {
				const data = await orgData(idx, child, q.period, q.period);
				const f = evaluate(idx, child, data, q.period, m, indicator);
				return {
					orgUnit: child.id,
					name: child.name,
					value: f.value,
					numerator: f.numerator,
					denominator: f.denominator,
					coverage: f.coverage,
					provisional: f.provisional,
					...(f.provisionalReason ? { provisionalReason: f.provisionalReason } : {}),
					...(f.interval ? { interval: f.interval } : {}),
					breach: pi && final ? breaches(pi, final.target, f, indicator.decimals) : false,
				};
			}),
		);
		// A child with no unit that reports this indicator's figures (the commission for a unit-level monthly
		// indicator, an area for one the commission reports for the whole division) is left out rather than
		// shown as an empty row — unless it has data after all.
		const reporting = rows.filter((r) => r.coverage.expected > 0 || r.coverage.reported > 0 || r.value !== null);
		return {
			indicatorCode: q.code,
			period: q.period,
			orgUnit: org.id,
			...(plan && pi ? { planId: plan.id, target: final, direction: pi.direction } : {}),
			rows: reporting,
		};
	};

	/** `statuses`: the period's listStatusForPeriod when the caller has read it already (the summary needs it too). */
	const completeness = async (q: { period: string; orgUnit: string }, statuses?: Promise<SubmissionStatusRow[]>): Promise<CompletenessReport> => {
		const idx = await app.catalog();
		const org = orgOf(idx, q.orgUnit);
		const frequency = isMonth(q.period) ? "monthly" : "yearly";
		const units = (org.level === "unit" ? [org] : reportingUnitsUnder(idx, org.id)).filter(
			(u) => formElements(idx.elementByCode.values(), u.type, frequency).length > 0,
		);
		// Statuses only (no values): at 10,000 units the full items were ~25 MB of the summary's read.
		const subs = await (statuses ?? app.submissions(idx).listStatusForPeriod(q.period, units.map((u) => u.id)));
		const byUnit = new Map(subs.map((s) => [s.unitId, s]));
		const due = deadline(q.period, config.deadlineDay);
		const rows = units.map((u) => {
			const s = byUnit.get(u.id);
			const submitted = s && (s.status === "submitted" || s.status === "approved");
			const areaId = u.parentId && idx.unitById.get(u.parentId)?.level === "area" ? u.parentId : null;
			return {
				unitId: u.id,
				name: u.name,
				areaId,
				status: s ? (s.status === "draft" ? "missing" : s.status) : "missing",
				...(s?.firstSubmittedAt ? { submittedAt: s.firstSubmittedAt } : {}),
				onTime: submitted || s?.status === "returned" ? !s?.late : null,
				...(s ? { version: s.version } : {}),
			} as CompletenessReport["rows"][number];
		});
		const reported = rows.filter((r) => r.status === "submitted" || r.status === "approved").length;
		const onTime = rows.filter((r) => (r.status === "submitted" || r.status === "approved") && r.onTime === true).length;
		const expected = rows.length;
		return {
			period: q.period,
			orgUnit: org.id,
			deadline: due,
			expected,
			reported,
			onTime,
			reportingRate: expected ? reported / expected : 0,
			timelinessRate: expected ? onTime / expected : 0,
			thresholds: { reportingRate: config.completenessThreshold, timelinessRate: 0.75 },
			rows,
		};
	};

	/** Recompute every aggregate of the affected years from raw submissions and compare with the stored items. */
	const verifyAggregates = async (q: { period?: string; years?: string[] }): Promise<{ ok: boolean; checked: number; mismatches: { item: string; attr: string; stored: number; expected: number }[] }> => {
		const idx = await app.catalog();
		const repo = app.submissions(idx);
		const now = app.now();
		// Without a period: this year and last, which is where live writes land; older years one by one
		// (?period=YYYY) so a single call stays within API Gateway's 30 s.
		const years = q.years ?? (q.period ? [q.period.slice(0, 4)] : yearsSince(now.getUTCFullYear() - 1, now.getUTCFullYear()));
		// The year before the first also feeds the carried stocks of early months, so it is read (not compared).
		const readYears = [String(Number([...years].sort()[0]) - 1), ...years];
		const subs: StoredSubmission[] = [];
		for (const y of [...new Set(readYears)]) {
			const lists = await Promise.all(monthsOfYear(Number(y)).concat(years.includes(y) ? [y] : []).map((p) => repo.listForPeriod(p)));
			for (const l of lists) subs.push(...l);
		}
		const expected = recomputeAggregates(subs, idx.agg);
		const orgs = [...idx.unitById.values()].filter((u) => u.level !== "unit");
		const mismatches: { item: string; attr: string; stored: number; expected: number }[] = [];
		let checked = 0;
		for (const org of orgs) {
			for (const y of years) {
				const data = await orgData(idx, org, y, y);
				const stored = new Map<string, Record<string, unknown>>();
				for (const [p, it] of data.months) stored.set(aggId(org.id, "M", p), it);
				for (const [p, it] of data.years) if (p === y) stored.set(aggId(org.id, "Y", p), it);
				for (const [p, it] of data.yearly) if (p === y) stored.set(aggId(org.id, "YR", p), it);
				const ids = new Set([...stored.keys(), ...[...expected.keys()].filter((id) => id.startsWith(`${org.id}|`) && parseAggId(id).period.startsWith(y))]);
				for (const id of ids) {
					const s = stored.get(id) ?? {};
					const e = expected.get(id) ?? {};
					const attrs = new Set([...Object.keys(s), ...Object.keys(e)].filter(isCounterAttr));
					for (const attr of attrs) {
						checked++;
						const sv = Number(s[attr] ?? 0);
						const ev = Number(e[attr] ?? 0);
						if (Math.abs(sv - ev) > 1e-6) mismatches.push({ item: id, attr, stored: sv, expected: ev });
					}
				}
			}
		}
		return { ok: mismatches.length === 0, checked, mismatches: mismatches.slice(0, 500) };
	};

	return { progress, series, breakdown, completeness, verifyAggregates, orgOf };
};

/**
 * Whether a value breaches its plan's final target: only bounds (≤5‰, ≥90%) can be breached before the target
 * year; a provisional figure, or one whose interval still contains the bound, is not called a breach.
 */
const breaches = (pi: PlanIndicator, target: PlanIndicator["targets"][number]["target"], f: Figure, decimals: number): boolean => {
	if (target.kind !== "threshold" || f.value === null || f.provisional) return false;
	if (f.interval && f.interval.low <= target.value && target.value <= f.interval.high) return false;
	const v = roundTo(f.value, decimals);
	const g = (x: number) => goodness(pi.direction, x);
	switch (target.op) {
		case "<=":
		case ">=":
			return g(v) < g(target.value) - EPSILON;
		case "<":
		case ">":
			return g(v) <= g(target.value) + EPSILON;
	}
};

const yearsSince = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
export { isWithin };
