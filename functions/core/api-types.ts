// Shapes the read API returns. Shared by the handlers, the summary job and the web app's API client.
import type {
	Baseline,
	Direction,
	I18nText,
	IndicatorGroup,
	IndicatorStatus,
	Nature,
	PeriodId,
	PlanTarget,
	SubmissionStatus,
} from "./types";

export interface Coverage {
	/** Units whose figures went into the value. */
	reported: number;
	/** Units expected to report for it. */
	expected: number;
}

export interface ProgressRow {
	planId: string;
	indicatorCode: string;
	name: I18nText;
	uom: I18nText;
	group: IndicatorGroup;
	order: number;
	parentCode?: string;
	nature: Nature;
	direction: Direction;
	/** numerator / denominator × factor, from aggregated numerator and denominator; null when not computable. */
	value: number | null;
	numerator: number | null;
	denominator: number | null;
	factor: number;
	decimals: number;
	baseline: Baseline | null;
	/** The target for the plan's target year. */
	target: PlanTarget | null;
	targets: PlanTarget[];
	/** The value expected on the path from baseline to target at this period. */
	expected: number | null;
	status: IndicatorStatus;
	coverage: Coverage;
	/** The last N months up to the period, when asked for with `trend=N` (sparklines). */
	trend?: SeriesPoint[];
}

export interface ProgressReport {
	planId: string;
	period: PeriodId;
	orgUnit: string;
	/** ISO time of the newest write the figures include. */
	asOf: string;
	/** Whether only approved data was counted. */
	approvedOnly: boolean;
	counts: Record<IndicatorStatus, number>;
	rows: ProgressRow[];
}

export interface SeriesPoint {
	period: PeriodId;
	value: number | null;
	numerator: number | null;
	denominator: number | null;
	expected: number | null;
	coverage: Coverage;
}

export interface SeriesReport {
	indicatorCode: string;
	orgUnit: string;
	planId?: string;
	points: SeriesPoint[];
}

export interface BreakdownRow {
	orgUnit: string;
	name: I18nText;
	value: number | null;
	numerator: number | null;
	denominator: number | null;
	coverage: Coverage;
}

export interface BreakdownReport {
	indicatorCode: string;
	period: PeriodId;
	orgUnit: string;
	rows: BreakdownRow[];
}

export interface CompletenessRow {
	unitId: string;
	name: I18nText;
	areaId: string | null;
	/** "missing" when nothing was submitted (drafts count as missing). */
	status: SubmissionStatus | "missing";
	submittedAt?: string;
	/** true on time, false late, null not submitted. */
	onTime: boolean | null;
	version?: number;
}

export interface CompletenessReport {
	period: PeriodId;
	orgUnit: string;
	deadline: string;
	expected: number;
	reported: number;
	onTime: number;
	/** reported / expected, 0..1. */
	reportingRate: number;
	/** onTime / expected, 0..1. */
	timelinessRate: number;
	/** WHO data-quality defaults the rates are judged against. */
	thresholds: { reportingRate: number; timelinessRate: number };
	rows: CompletenessRow[];
}

/** The error body every 4xx/5xx carries. */
export interface ErrorBody {
	error: {
		code: string;
		message: string;
		/** Field-level messages, keyed by a path such as `values.LIVE_BIRTHS` or `period`. */
		fields?: Record<string, string>;
		requestId?: string;
	};
}
