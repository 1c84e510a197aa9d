// The domain model shared by every handler, the scheduled job, the local platform and the web app.
// Pure types only: nothing here may import from AWS or do I/O.

/** Text in the two UI languages. zh-CN is the default; en is always present too. */
export interface I18nText {
	zh: string;
	en: string;
}

export type Locale = "zh-CN" | "en";

// ---------------------------------------------------------------------------
// Organisation units: division (第二师铁门关市) → 垦区 → reporting unit.

export type OrgLevel = "division" | "area" | "unit";

export type UnitType =
	| "commission" // 师市卫生健康委员会: reports division-level yearly figures
	| "division-hospital" // 师级医院
	| "regiment-hospital" // 团（镇）医院
	| "cdc" // 疾控中心
	| "blood-station" // 血站
	| "community-health-centre"; // 社区卫生服务中心

export interface OrgUnit {
	/** Lower-case ASCII, digits and hyphens; used in URLs, keys and usernames (`reporter-<id>`). */
	id: string;
	level: OrgLevel;
	/** null only for the division. Units hang under an area, or directly under the division. */
	parentId: string | null;
	name: I18nText;
	/** Set on level "unit". */
	type?: UnitType;
	/** True when the seeds do not name this unit and it was filled in for the demo (listed in docs/catalog.md). */
	placeholder?: boolean;
	/** Sort order within its parent. */
	order: number;
	/** A disabled unit keeps its history but is no longer expected to report. */
	active?: boolean;
}

// ---------------------------------------------------------------------------
// Data elements: the raw figures units report.

export type ValueType = "integer" | "number" | "percent";

/** Across org units: add children up, or take the value only where it was reported (division-level figures). */
export type AggregationAcrossUnits = "sum" | "none";

/**
 * Across time:
 * - flow: counts of events in the month (births, deaths, visits); a longer period sums its months.
 * - stock: a level at the end of the month (beds, staff, population); a longer period takes each unit's
 *   latest reported month in the period, then sums over units.
 * - yearly: reported once a year for period `YYYY`; taken as reported.
 */
export type AggregationOverTime = "flow" | "stock" | "yearly";

export interface DataElement {
	/** Upper-case ASCII code, e.g. `LIVE_BIRTHS`; referenced from formulas as `#{LIVE_BIRTHS}`. */
	code: string;
	name: I18nText;
	/** Short description shown as help text on the entry form. */
	description?: I18nText;
	valueType: ValueType;
	/** Unit of measure, e.g. { zh: "张", en: "beds" }. */
	uom: I18nText;
	min: number;
	max: number;
	/** Who reports it and how often. */
	frequency: "monthly" | "yearly";
	/** Unit types that report this element; the form of a unit shows only its elements. */
	reportedBy: UnitType[];
	acrossUnits: AggregationAcrossUnits;
	overTime: AggregationOverTime;
	/** Form section id (see FormSection). */
	section: string;
	/** Must be filled (non-null) before the form can be submitted. */
	requiredToSubmit: boolean;
	/**
	 * Stocks only: for how many months a unit's latest reported value stands in for a month it has not
	 * reported (DHIS2's "last value" across time, within each month). 0 turns it off. Default
	 * DEFAULT_CARRY_FORWARD_MONTHS (3); at most MAX_CARRY_FORWARD_MONTHS (12).
	 */
	carryForwardMonths?: number;
	/** Position within its form section (stable: elements without one keep catalog order, as 0). */
	order?: number;
	/** Retired by an admin: hidden on new forms; its data is kept and still aggregated. */
	retired?: boolean;
	/** `YYYY-MM` from which `requiredToSubmit` applies (set when an admin makes it required mid-year). */
	requiredFrom?: PeriodId;
}

export const DEFAULT_CARRY_FORWARD_MONTHS = 3;
export const MAX_CARRY_FORWARD_MONTHS = 12;

export interface FormSection {
	id: string;
	name: I18nText;
	order: number;
}

// ---------------------------------------------------------------------------
// Periods

/** `YYYY-MM` for a month, `YYYY` for a year. */
export type PeriodId = string;

// ---------------------------------------------------------------------------
// Indicators: DHIS2-style formulas over data elements.

export type IndicatorGroup =
	| "health-status" // 健康水平
	| "healthy-living" // 健康生活
	| "health-services" // 健康服务
	| "health-security" // 健康保障
	| "health-services-security" // 健康服务与保障 (Healthy Bingtuan 2030)
	| "health-environment"; // 健康环境 (Healthy Bingtuan 2030)

export interface Indicator {
	code: string;
	name: I18nText;
	/** Unit label as printed, e.g. "‰", "/10万", "人", "%". */
	uom: I18nText;
	group: IndicatorGroup;
	/**
	 * Formula over data elements: `#{CODE}`, + - * /, parentheses, numeric constants.
	 * A directly reported indicator is simply `#{CODE}` with denominator "1" and factor 1.
	 */
	numerator: string;
	denominator: string;
	/** Multiplier applied to numerator / denominator: 1, 100, 1000, 10000 or 100000. */
	factor: number;
	/** Decimals shown. */
	decimals: number;
	/** For 其中 sub-indicators: the parent indicator's code. */
	parentCode?: string;
	description?: I18nText;
}

// ---------------------------------------------------------------------------
// Plans and targets: data, not code.

/** Which way is better. */
export type Direction = "increase" | "decrease";

/** 约束性 (binding) or 预期性 (expected). */
export type Nature = "binding" | "expected";

export type ThresholdOp = "<=" | ">=" | "<" | ">";

export type Target =
	/** ≤12, ≥90%, >77: a bound the value must satisfy by the target year. */
	| { kind: "threshold"; op: ThresholdOp; value: number }
	/** A plain number to reach (18.36 → 25); direction tells whether above or below is good. */
	| { kind: "reach"; value: number }
	/** Keep the baseline (7.50 → 7.50). */
	| { kind: "maintain" }
	/** An absolute change per year from the baseline (每年降低0.5个百分点: perYear -0.5). */
	| { kind: "annual-change"; perYear: number }
	/** A relative change against a base year (比2015年降低30%: change -0.30, baseYear 2015). */
	| { kind: "relative-change"; change: number; baseYear: number }
	/** Approximately a value (28左右) within an absolute tolerance. */
	| { kind: "approximately"; value: number; tolerance: number }
	/** Better than the year before (持续改善). */
	| { kind: "continuous-improvement" }
	/** Rise in proportion to another plan indicator (健康预期寿命 同比例提高 following 人均预期寿命). */
	| { kind: "proportional"; followsIndicator: string };

export interface PlanTarget {
	year: number;
	target: Target;
	/** The target exactly as printed in the plan, e.g. "≤12", "每年降低0.5个百分点". */
	printed: string;
}

export interface Baseline {
	year: number;
	value: number;
	/** As printed, e.g. "79.36"; or "19.1（2013年）". */
	printed: string;
}

export interface PlanIndicator {
	indicatorCode: string;
	/** Order within the plan table (序号). Sub-indicators share their parent's number. */
	order: number;
	/** The group heading it appears under in the plan's table. */
	group: IndicatorGroup;
	/** null where the plan prints "—". */
	baseline: Baseline | null;
	/** One or more targets, by year (Healthy Bingtuan 2030 has 2020 and 2030). */
	targets: PlanTarget[];
	direction: Direction;
	nature: Nature;
	/** Remarks, e.g. why a printed target was given a particular direction. */
	note?: I18nText;
}

export interface Plan {
	id: string;
	name: I18nText;
	shortName: I18nText;
	startYear: number;
	endYear: number;
	baseYear: number;
	targetYear: number;
	/** The seed document the figures come from. */
	source?: string;
	indicators: PlanIndicator[];
}

// ---------------------------------------------------------------------------
// Indicator status against its target.

/**
 * - provisional: coverage is below the completeness threshold (or the two sides of a rate cover different
 *   units), so no status is claimed (数据不完整).
 * - uncertain: the 95% interval of a small-number rate contains the target, so the data cannot tell
 *   achieved from missed (事件数少，难以判断).
 */
export type IndicatorStatus = "achieved" | "on-track" | "behind" | "off-track" | "provisional" | "uncertain" | "no-data";

// ---------------------------------------------------------------------------
// Validation rules, DHIS2-style: left side, operator, right side.

export type RuleOp = "<=" | "<" | "==" | "!=" | ">=" | ">";

export interface ValidationRule {
	id: string;
	/** Formula over data element codes, as for indicators. */
	left: string;
	op: RuleOp;
	right: string;
	severity: "error" | "warning";
	message: I18nText;
	/** Skip the rule when any element it uses is null (not reported). Default: skip. */
	missingValueStrategy?: "skip-if-any-missing" | "never-skip";
}

export type Severity = "error" | "warning";

export interface ValidationIssue {
	severity: Severity;
	/** Data element code the issue is attached to, when there is one. */
	field?: string;
	/** Machine-readable reason: type, min, max, required, rule:<id>, outlier, jump. */
	code: string;
	message: I18nText;
}

// ---------------------------------------------------------------------------
// Submissions

export type SubmissionStatus = "draft" | "submitted" | "returned" | "approved";

/** null means "not reported", which is different from 0. */
export type ValueMap = Record<string, number | null>;

export interface Submission {
	unitId: string;
	period: PeriodId;
	values: ValueMap;
	status: SubmissionStatus;
	/** Starts at 1 and rises by one with every write. */
	version: number;
	comment?: string;
	/** The approver's comment when returned. */
	reviewComment?: string;
	createdAt: string;
	updatedAt: string;
	updatedBy: string;
	submittedAt?: string;
	submittedBy?: string;
	approvedAt?: string;
	approvedBy?: string;
	/** Submitted after the deadline. */
	late?: boolean;
	/** Warnings the reporter acknowledged with a comment. */
	issues?: ValidationIssue[];
	/** Set by an admin reopen; lifts the lock for this unit-period. */
	reopened?: boolean;
}

// ---------------------------------------------------------------------------
// Principals and roles

export type Role = "reporter" | "approver" | "leader" | "admin";

export interface Principal {
	/** Subject (user name for seeded users). */
	sub: string;
	name?: string;
	email?: string;
	roles: Role[];
	/**
	 * Org scope: a unit id (reporters), an area id or the division id (approvers, leaders),
	 * the division id for admins.
	 */
	orgScope: string;
}
