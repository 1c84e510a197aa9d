// The monthly feedback card of one reporting unit (单位月度反馈), as data. Pure: progress reports, the unit's own
// submissions and the quality flags in, one FeedbackCard out; no I/O, no clock (the caller passes generatedAt).
// It is the summary's code at a unit's scale: rows through toIndicator (so comparable coverage and 较上月 are the
// summary's), moves through monthMoves/describeMove, flags through buildQualityFlags.
//
// Honest figures: the unit's own figure is its own and is never judged against the division's targets; the
// 垦区 and division figures beside it carry 数据不完整 when the row is provisional, exactly as the summary marks it;
// a change since last month is given only where both months rest on the same coverage.
import type { ProgressReport, ProgressRow } from "../core/api-types";
import type { Direction, I18nText, IndicatorStatus, Locale, Nature, PeriodId, SubmissionStatus } from "../core/types";
import { describeMove, monthMoves, toIndicator } from "./compile";
import { type DataQualityFlag, pick, type SummaryIndicator } from "./model";

/** Key figures per card: binding indicators first, then plan order. */
export const MAX_FEEDBACK_ROWS = 12;
/** The on-time record covers this many months, the card's month included. */
export const ON_TIME_MONTHS = 12;

/** One figure beside the unit's: a 垦区's or the division's. */
export interface FeedbackFigure {
	value: number | null;
	/** Short of coverage (or mismatched sides): shown as 数据不完整, never as a plain figure. */
	provisional: boolean;
	/** The status the figure supports (the division's row carries the plan verdict). */
	status: IndicatorStatus;
	/** Since last month; null unless both months rest on the same coverage. */
	change: number | null;
}

export interface FeedbackRow {
	code: string;
	name: string;
	uom: string;
	decimals: number;
	nature: Nature;
	direction: Direction;
	/** The plan-year target as printed. */
	target: string | null;
	unit: {
		value: number | null;
		/** The unit has not reported the figure's elements this month (nothing fresh, nothing carried). */
		missing: boolean;
		/** The value rests on a stock carried forward from an earlier month. */
		carried: boolean;
		change: number | null;
	};
	area: FeedbackFigure | null;
	division: FeedbackFigure;
}

export interface FeedbackMonth {
	period: PeriodId;
	status: SubmissionStatus | "missing";
	/** null when nothing was submitted. */
	onTime: boolean | null;
}

export interface FeedbackReturn {
	period: PeriodId;
	reviewComment?: string;
	returnedBy?: string;
	returnedAt?: string;
}

/** A scope's reporting coverage beside the unit's figures (the progress report's `reporting`). */
export interface FeedbackCoverage {
	name: string;
	rate: number;
	threshold: number;
	provisional: boolean;
}

export interface FeedbackCard {
	month: PeriodId;
	locale: Locale;
	generatedAt: string;
	unitId: string;
	unitName: string;
	planName: string;
	/** This month's form. */
	submission: FeedbackMonth & { submittedAt?: string };
	rows: FeedbackRow[];
	area: FeedbackCoverage | null;
	division: FeedbackCoverage;
	/** Oldest first, the card's month last. */
	onTimeRecord: FeedbackMonth[];
	/** Months submitted (or approved) on time, and months submitted at all, of the record. */
	onTimeCount: number;
	reportedCount: number;
	/** Outlier and consistency flags on the unit's own figures this month. */
	flags: DataQualityFlag[];
	/** Forms returned to the unit and not yet resubmitted, newest first. */
	returns: FeedbackReturn[];
	/** Plain sentences: what changed since last month, comparable figures only. */
	changes: string[];
	formUrl: string;
	dashboardUrl: string;
	/** The reader's own notification settings page (the opt-out). */
	settingsUrl: string;
}

export interface UnitSubmissionLite {
	period: PeriodId;
	status: SubmissionStatus;
	late?: boolean;
	firstSubmittedAt?: string;
	reviewComment?: string;
	updatedAt?: string;
	updatedBy?: string;
}

export interface FeedbackInput {
	month: PeriodId;
	locale: Locale;
	generatedAt: string;
	unit: { id: string; name: I18nText };
	plan: { name: I18nText };
	/** The unit's own report (analytics.progress for the unit) this month and last. */
	unitCurrent: ProgressReport;
	unitPrevious: ProgressReport | null;
	area: { name: I18nText; current: ProgressReport; previous: ProgressReport | null } | null;
	division: { name: I18nText; current: ProgressReport; previous: ProgressReport | null };
	/** The unit's own submissions, at least the last ON_TIME_MONTHS months (any order, other periods ignored). */
	submissions: UnitSubmissionLite[];
	flags: DataQualityFlag[];
	formUrl: string;
	dashboardUrl: string;
	settingsUrl: string;
}

const counted = (s: SubmissionStatus | "missing"): boolean => s === "submitted" || s === "approved";

/** The months `month − n + 1 … month`, oldest first. */
const lastMonths = (month: PeriodId, n: number): PeriodId[] => {
	const [y, m] = month.split("-").map(Number) as [number, number];
	const out: PeriodId[] = [];
	for (let k = n - 1; k >= 0; k--) {
		const i = y * 12 + (m - 1) - k;
		out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`);
	}
	return out;
};

/** A unit's on-time record, as the completeness report counts a month: a draft is not reported; a returned form was submitted. */
export const onTimeRecord = (month: PeriodId, subs: readonly UnitSubmissionLite[], months = ON_TIME_MONTHS): FeedbackMonth[] => {
	const byPeriod = new Map(subs.map((s) => [s.period, s]));
	return lastMonths(month, months).map((period) => {
		const s = byPeriod.get(period);
		const status: FeedbackMonth["status"] = !s || s.status === "draft" ? "missing" : s.status;
		return { period, status, onTime: counted(status) || status === "returned" ? !s?.late : null };
	});
};

const figureOf = (row: ProgressRow | undefined, prev: ProgressRow | undefined, locale: Locale): FeedbackFigure | null => {
	if (!row) return null;
	const i = toIndicator(row, prev, locale);
	const provisional = i.provisional || i.status === "provisional";
	return { value: i.value, provisional, status: provisional ? "provisional" : i.status, change: i.changeSinceLastMonth };
};

const coverageOf = (name: I18nText, r: ProgressReport, locale: Locale): FeedbackCoverage => ({
	name: pick(name, locale),
	rate: r.reporting.rate,
	threshold: r.reporting.threshold,
	provisional: r.reporting.provisional,
});

export function compileFeedbackCard(input: FeedbackInput): FeedbackCard {
	const { locale, month } = input;
	const en = locale === "en";
	const byCode = (r: ProgressReport | null | undefined) => new Map((r?.rows ?? []).map((x) => [x.indicatorCode, x]));
	const unitPrev = byCode(input.unitPrevious);
	const areaNow = byCode(input.area?.current);
	const areaPrev = byCode(input.area?.previous);
	const divNow = byCode(input.division.current);
	const divPrev = byCode(input.division.previous);

	// The unit's rows: only indicators the unit contributes to (an element of it is expected from this unit).
	const own = input.unitCurrent.rows.filter((r) => r.coverage.expected > 0 || (r.coverage.elements ?? []).some((e) => e.expected > 0));
	const rank = (r: ProgressRow) => (r.nature === "binding" ? 0 : 1);
	const chosen = [...own].sort((a, b) => rank(a) - rank(b) || a.order - b.order).slice(0, MAX_FEEDBACK_ROWS);

	// A unit's own indicators, with no status: a unit is never judged alone against the division's targets.
	const unitIndicators: SummaryIndicator[] = chosen.map((r) => ({ ...toIndicator(r, unitPrev.get(r.indicatorCode), locale), status: "no-data", previousStatus: null }));
	const rows: FeedbackRow[] = chosen.map((r, k) => {
		const i = unitIndicators[k] as SummaryIndicator;
		const missing = r.coverage.reported === 0 && (r.coverage.carried ?? 0) === 0;
		const division = figureOf(divNow.get(r.indicatorCode), divPrev.get(r.indicatorCode), locale) ?? { value: null, provisional: true, status: "provisional" as const, change: null };
		return {
			code: i.code,
			name: i.name,
			uom: i.uom,
			decimals: i.decimals,
			nature: i.nature,
			direction: i.direction,
			target: i.target,
			unit: {
				value: missing ? null : i.value,
				missing,
				carried: !missing && r.coverage.reported === 0,
				change: i.changeSinceLastMonth,
			},
			area: input.area ? figureOf(areaNow.get(r.indicatorCode), areaPrev.get(r.indicatorCode), locale) : null,
			division,
		};
	});

	const record = onTimeRecord(month, input.submissions);
	const current = record.at(-1) as FeedbackMonth;
	const mine = input.submissions.find((s) => s.period === month);
	const recordPeriods = new Set(record.map((r) => r.period));
	const returns: FeedbackReturn[] = input.submissions
		.filter((s) => s.status === "returned" && recordPeriods.has(s.period))
		.sort((a, b) => b.period.localeCompare(a.period))
		.map((s) => ({
			period: s.period,
			...(s.reviewComment ? { reviewComment: s.reviewComment } : {}),
			...(s.updatedBy ? { returnedBy: s.updatedBy } : {}),
			...(s.updatedAt ? { returnedAt: s.updatedAt } : {}),
		}));

	// What changed: the submission, then the unit's largest comparable moves, then what was not compared.
	const changes: string[] = [];
	const last = record.at(-2);
	if (last) {
		const said = (m: FeedbackMonth) => (counted(m.status) || m.status === "returned" ? (m.onTime ? "on-time" : "late") : "missing");
		const [before, now] = [said(last), said(current)];
		if (before !== now) {
			const words: Record<string, { zh: string; en: string }> = {
				"on-time": { zh: "按时上报", en: "reported on time" },
				late: { zh: "逾期上报", en: "reported late" },
				missing: { zh: "未上报", en: "not reported" },
			};
			changes.push(
				en
					? `This month the unit ${pick(words[now] as { zh: string; en: string }, locale)}; last month it ${pick(words[before] as { zh: string; en: string }, locale)}.`
					: `本月${pick(words[now] as { zh: string; en: string }, locale)}，上月${pick(words[before] as { zh: string; en: string }, locale)}。`,
			);
		}
	}
	if (input.unitPrevious) {
		const moves = monthMoves(unitIndicators);
		for (const m of moves.slice(0, 3)) changes.push(describeMove(m, locale));
		const notCompared = unitIndicators.filter((i) => !i.comparable && i.value !== null && i.previousValue !== null).length;
		if (notCompared > 0)
			changes.push(
				en
					? `${notCompared} figure${notCompared === 1 ? " is" : "s are"} not compared with last month: the two months rest on different reporting.`
					: `${notCompared}项指标两月数据覆盖不同（未报或为结转数），未作较上月比较。`,
			);
		if (moves.length === 0 && notCompared === 0 && changes.length === 0)
			changes.push(en ? "No figure of the unit moved visibly since last month." : "本单位各项指标较上月无明显变化。");
	}

	return {
		month,
		locale,
		generatedAt: input.generatedAt,
		unitId: input.unit.id,
		unitName: pick(input.unit.name, locale),
		planName: pick(input.plan.name, locale),
		submission: { ...current, ...(mine?.firstSubmittedAt && current.status !== "missing" ? { submittedAt: mine.firstSubmittedAt } : {}) },
		rows,
		area: input.area ? coverageOf(input.area.name, input.area.current, locale) : null,
		division: coverageOf(input.division.name, input.division.current, locale),
		onTimeRecord: record,
		// As the completeness report counts: a returned form is not reported until it is submitted again.
		onTimeCount: record.filter((r) => counted(r.status) && r.onTime === true).length,
		reportedCount: record.filter((r) => counted(r.status)).length,
		flags: input.flags.filter((f) => f.unitId === input.unit.id),
		returns,
		changes,
		formUrl: input.formUrl,
		dashboardUrl: input.dashboardUrl,
		settingsUrl: input.settingsUrl,
	};
}
