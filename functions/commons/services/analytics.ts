// Progress, series, breakdown, completeness and aggregate verification. Reads aggregate items by key
// (a handful of Queries per request), so a progress read costs O(indicators), never O(submissions).
import { type AggKind, aggId, type Mode, parseAggId, readAgg, recomputeAggregates, type SubmissionState } from "../../core/aggregation";
import type { BreakdownReport, CompletenessReport, Coverage, ProgressReport, ProgressRow, SeriesPoint, SeriesReport } from "../../core/api-types";
import { type CatalogIndex, childrenOf, defaultPlan, formElements, isWithin, reportingUnitsUnder } from "../../core/catalog-index";
import { formulaCodes } from "../../core/formula";
import { evaluateIndicator, roundTo } from "../../core/indicator-eval";
import { addMonths, currentMonth, deadline, fractionalYear, isMonth, isYear, monthRange, monthsOfYear } from "../../core/periods";
import { evaluateStatus, finalTarget, type TargetContext } from "../../core/targets";
import type { Indicator, IndicatorStatus, OrgUnit, Plan, PlanIndicator } from "../../core/types";
import type { App } from "../app";
import { config } from "../config";
import { AppError, notFound } from "../errors";
import type { StoredSubmission } from "../submission-repo";

/** How far back yearly (statistics-office) figures are carried: the latest year within this window. */
const YEARLY_LOOKBACK = 5;

type Items = Map<string, Record<string, unknown>>;

/** Aggregate items of one org around a period: months of the year up to it, the year, yearly figures. */
interface OrgData {
	months: Items;
	years: Items;
	yearly: Items;
	asOf: string;
}

const maxAsOf = (...maps: Items[]): string => {
	let a = "";
	for (const m of maps) for (const it of m.values()) if (typeof it.asOf === "string" && it.asOf > a) a = it.asOf;
	return a;
};

/** Per element: the aggregated value at a period, and how many units it covers. */
type ElementValue = { sum: number; count: number };

const valueAt = (idx: CatalogIndex, data: OrgData, period: string, mode: Mode, code: string): ElementValue | null => {
	const el = idx.elementByCode.get(code);
	if (!el) return null;
	const year = period.slice(0, 4);
	if (el.overTime === "yearly") {
		// The most recent year reported at or before the period's year.
		for (let y = Number(year); y > Number(year) - YEARLY_LOOKBACK; y--) {
			const v = readAgg(data.yearly.get(String(y)), code, mode);
			if (v) return v;
		}
		return null;
	}
	if (isYear(period)) {
		const v = readAgg(data.years.get(year), code, mode);
		if (!v || el.overTime === "stock") return v;
		// A flow's yearly count is unit-months; coverage is the most units that reported in any month.
		let units = 0;
		for (const m of monthsOfYear(Number(year))) units = Math.max(units, readAgg(data.months.get(m), code, mode)?.count ?? 0);
		return { sum: v.sum, count: units };
	}
	if (el.overTime === "stock") return readAgg(data.months.get(period), code, mode);
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
	return { sum, count: readAgg(data.months.get(period), code, mode)?.count ?? 0 };
};

/** A synthetic child so a single unit's submissions aggregate "to" the unit with the very same maths. */
const SELF = "__self";

export const createAnalyticsService = (app: App) => {
	const mode = (approvedOnly?: boolean): Mode => ((approvedOnly ?? config.approvedOnly) ? "approved" : "all");

	/** Aggregate items for an area/division from the table; for a unit, recomputed from its own few submissions. */
	const orgData = async (idx: CatalogIndex, org: OrgUnit, from: string, to: string): Promise<OrgData> => {
		const fromYear = Number(from.slice(0, 4));
		const toYear = Number(to.slice(0, 4));
		const yearList = Array.from({ length: toYear - fromYear + 1 }, (_, i) => String(fromYear + i));
		const yrFrom = String(fromYear - YEARLY_LOOKBACK + 1);
		const repo = app.submissions(idx);
		if (org.level !== "unit") {
			const months = isMonth(from) ? monthRange(`${from.slice(0, 4)}-01`, isMonth(to) ? to : `${to}-12`) : yearList.flatMap((y) => monthsOfYear(Number(y)));
			const yrYears = Array.from({ length: toYear - Number(yrFrom) + 1 }, (_, i) => String(Number(yrFrom) + i));
			const [m, y, yr] = await Promise.all([
				repo.aggregates(org.id, "M", months[0] as string, months[months.length - 1] as string, months),
				repo.aggregates(org.id, "Y", String(fromYear), String(toYear), yearList),
				repo.aggregates(org.id, "YR", yrFrom, String(toYear), yrYears),
			]);
			return { months: m, years: y, yearly: yr, asOf: maxAsOf(m, y, yr) };
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

	/** Units under an org that report the elements an indicator's numerator uses. */
	const expectedUnits = (idx: CatalogIndex, org: OrgUnit, indicator: Indicator): number => {
		const codes = formulaCodes(indicator.numerator);
		const els = codes.map((c) => idx.elementByCode.get(c)).filter((e) => e !== undefined);
		if (els.length === 0) return 0;
		const units = org.level === "unit" ? [org] : reportingUnitsUnder(idx, org.id);
		return units.filter((u) => u.type && els.some((e) => e.reportedBy.includes(u.type as NonNullable<OrgUnit["type"]>))).length;
	};

	const evaluate = (idx: CatalogIndex, data: OrgData, period: string, m: Mode, indicator: Indicator) => {
		const lookup = (code: string) => valueAt(idx, data, period, m, code)?.sum ?? null;
		const v = evaluateIndicator(indicator, lookup);
		const codes = formulaCodes(indicator.numerator);
		const counts = codes.map((c) => valueAt(idx, data, period, m, c)?.count ?? 0);
		return { ...v, reported: counts.length ? Math.min(...counts) : 0 };
	};

	const targetContext = (idx: CatalogIndex, plan: Plan, pi: PlanIndicator, data: OrgData, period: string, m: Mode, baseData?: OrgData): TargetContext => {
		const indicator = idx.indicatorByCode.get(pi.indicatorCode);
		const ctx: TargetContext = {};
		if (!indicator) return ctx;
		const year = Number(period.slice(0, 4));
		const prevYear = String(year - 1);
		const codes = formulaCodes(indicator.numerator).concat(formulaCodes(indicator.denominator));
		if (codes.every((c) => idx.elementByCode.get(c)?.overTime === "yearly")) {
			ctx.previousYearValue = evaluate(idx, data, prevYear, m, indicator).value;
			ctx.baseValueAt = (y: number) => (y > year - YEARLY_LOOKBACK ? evaluate(idx, data, String(y), m, indicator).value : null);
		}
		// Where the plan prints "—" as the baseline, the path starts from the value observed in the plan's base year.
		const atBase = (ind: Indicator) => (baseData ? evaluate(idx, baseData, String(plan.baseYear), m, ind).value : null);
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

	/** `trend`: also give each row its last N months (sparklines), from the same few reads. */
	const progress = async (q: { planId?: string; period: string; orgUnit: string; approvedOnly?: boolean; trend?: number }): Promise<ProgressReport> => {
		const idx = await app.catalog();
		const plan = planOf(idx, q.planId);
		const org = orgOf(idx, q.orgUnit);
		const m = mode(q.approvedOnly);
		const needsBase = plan.indicators.some((pi) => !pi.baseline);
		const base = String(plan.baseYear);
		const trendMonths = q.trend && isMonth(q.period) ? monthRange(addMonths(q.period, 1 - q.trend), q.period) : [];
		const from = trendMonths[0] ?? q.period;
		const [data, baseData] = await Promise.all([orgData(idx, org, from, q.period), needsBase ? orgData(idx, org, base, base) : undefined]);
		const at = fractionalYear(q.period);
		const counts: Record<IndicatorStatus, number> = { achieved: 0, "on-track": 0, behind: 0, "off-track": 0, "no-data": 0 };
		const rows: ProgressRow[] = [];
		for (const pi of [...plan.indicators].sort((a, b) => a.order - b.order)) {
			const indicator = idx.indicatorByCode.get(pi.indicatorCode);
			if (!indicator) continue;
			const v = evaluate(idx, data, q.period, m, indicator);
			// Judged at the precision the plan prints (7.50, 0.16), so a value that rounds to the baseline is on it.
			const st = evaluateStatus(pi, roundTo(v.value, indicator.decimals), at, targetContext(idx, plan, pi, data, q.period, m, baseData));
			counts[st.status]++;
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
				value: v.value,
				numerator: v.numerator,
				denominator: v.denominator,
				factor: indicator.factor,
				decimals: indicator.decimals,
				baseline: pi.baseline,
				target: finalTarget(pi),
				targets: pi.targets,
				expected: st.expected,
				status: st.status,
				coverage: { reported: v.reported, expected: expectedUnits(idx, org, indicator) },
				...(trendMonths.length ? { trend: pointsFor(idx, org, data, indicator, { plan, pi }, trendMonths, m, baseData) } : {}),
			});
		}
		return { planId: plan.id, period: q.period, orgUnit: org.id, asOf: data.asOf || new Date(0).toISOString(), approvedOnly: m === "approved", counts, rows };
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
		const points = pointsFor(idx, org, data, indicator, plan && pi ? { plan, pi } : undefined, periods, m, baseData);
		return { indicatorCode: q.code, orgUnit: org.id, ...(plan ? { planId: plan.id } : {}), points };
	};

	const pointsFor = (idx: CatalogIndex, org: OrgUnit, data: OrgData, indicator: Indicator, target: { plan: Plan; pi: PlanIndicator } | undefined, periods: string[], m: Mode, baseData?: OrgData): SeriesPoint[] =>
		periods.map((p) => {
			const v = evaluate(idx, data, p, m, indicator);
			const expected = target ? evaluateStatus(target.pi, roundTo(v.value, indicator.decimals), fractionalYear(p), targetContext(idx, target.plan, target.pi, data, p, m, baseData)).expected : null;
			const coverage: Coverage = { reported: v.reported, expected: expectedUnits(idx, org, indicator) };
			return { period: p, value: v.value, numerator: v.numerator, denominator: v.denominator, expected, coverage };
		});

	const breakdown = async (q: { code: string; orgUnit: string; period: string; approvedOnly?: boolean }): Promise<BreakdownReport> => {
		const idx = await app.catalog();
		const indicator = idx.indicatorByCode.get(q.code);
		if (!indicator) throw notFound(`未知指标 ${q.code} (unknown indicator)`);
		const org = orgOf(idx, q.orgUnit);
		const m = mode(q.approvedOnly);
		const children = childrenOf(idx, org.id).filter((c) => c.active !== false);
		const rows = await Promise.all(
			children.map(async (child) => {
				const data = await orgData(idx, child, q.period, q.period);
				const v = evaluate(idx, data, q.period, m, indicator);
				return { orgUnit: child.id, name: child.name, value: v.value, numerator: v.numerator, denominator: v.denominator, coverage: { reported: v.reported, expected: expectedUnits(idx, child, indicator) } };
			}),
		);
		// A child with no unit that reports this indicator's figures (the commission for a unit-level monthly
		// indicator, an area for one the commission reports for the whole division) is left out rather than
		// shown as an empty row — unless it has data after all.
		const reporting = rows.filter((r) => r.coverage.expected > 0 || r.coverage.reported > 0 || r.value !== null);
		return { indicatorCode: q.code, period: q.period, orgUnit: org.id, rows: reporting };
	};

	const completeness = async (q: { period: string; orgUnit: string }): Promise<CompletenessReport> => {
		const idx = await app.catalog();
		const org = orgOf(idx, q.orgUnit);
		const frequency = isMonth(q.period) ? "monthly" : "yearly";
		const units = (org.level === "unit" ? [org] : reportingUnitsUnder(idx, org.id)).filter(
			(u) => formElements(idx.elementByCode.values(), u.type, frequency).length > 0,
		);
		const subs = await app.submissions(idx).listForPeriod(q.period);
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
			thresholds: { reportingRate: 0.9, timelinessRate: 0.75 },
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
		const subs: StoredSubmission[] = [];
		for (const y of years) {
			const lists = await Promise.all([y, ...monthsOfYear(Number(y))].map((p) => repo.listForPeriod(p)));
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
					const attrs = new Set([...Object.keys(s), ...Object.keys(e)].filter((a) => /^a?(s|n)_|^a?units$/.test(a)));
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

const yearsSince = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
export { isWithin };
