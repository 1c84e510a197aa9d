// Shapes the read API returns. Shared by the handlers, the summary job and the web app's API client.
import type { ImportRowReport } from "./import-sheet";
import type {
	Baseline,
	DataElement,
	Direction,
	FormSection,
	I18nText,
	IndicatorGroup,
	IndicatorStatus,
	Nature,
	OrgUnit,
	PeriodId,
	PlanTarget,
	Role,
	Submission,
	SubmissionStatus,
	ValidationIssue,
	ValidationRule,
	ValueMap,
} from "./types";

// ---------------------------------------------------------------------------------------------------
// Catalog, forms, submissions, approvals and users: declared here once, returned by the services against
// these types and read by the site. (The site no longer copies response shapes by hand.)

/** GET /api/indicators?plan=: one row per plan indicator with its formula and targets. */
export interface IndicatorMeta {
	planId: string;
	code: string;
	name: I18nText;
	uom: I18nText;
	group: IndicatorGroup;
	order: number;
	parentCode?: string;
	baseline: Baseline | null;
	target: PlanTarget | null;
	targets: PlanTarget[];
	direction: Direction;
	nature: Nature;
	note?: I18nText;
	numerator: string;
	denominator: string;
	factor: number;
	decimals: number;
	/** Every data element the formula uses. */
	elements: string[];
}

/** GET /api/data-elements. */
export interface DataElementsView {
	sections: FormSection[];
	elements: DataElement[];
	rules: ValidationRule[];
}

/** A submission as stored: the first submission time survives returns and resubmissions. */
export interface StoredSubmission extends Submission {
	firstSubmittedAt?: string;
}

/** GET /api/forms/{unitId}/{period}. */
export interface FormView {
	unitId: string;
	period: PeriodId;
	unit?: OrgUnit;
	sections: FormSection[];
	elements: DataElement[];
	rules: ValidationRule[];
	submission: StoredSubmission | null;
	status: SubmissionStatus | null;
	version: number;
	deadline: string;
	lockAt: string;
	locked: boolean;
	/** The 12 months before, oldest first; values null when nothing was reported. */
	previous: { period: PeriodId; values: ValueMap | null }[];
}

/** PUT, GET /api/submissions/{unitId}/{period}, approve, return and reopen. */
export interface SubmissionView {
	submission: StoredSubmission;
	issues: ValidationIssue[];
	deadline: string;
	lockAt: string;
	locked: boolean;
}

/** One version of a form (GET /api/submissions/{unitId}/{period}/history → { versions }). */
export interface VersionRecord {
	unitId: string;
	period: PeriodId;
	version: number;
	action: "save" | "submit" | "approve" | "return" | "reopen" | "import";
	status: SubmissionStatus;
	at: string;
	by: string;
	values: ValueMap;
	changed: string[];
	comment?: string;
	issues?: ValidationIssue[];
}

/** GET /api/approvals. */
export interface ApprovalQueue {
	orgUnit: string;
	periods: PeriodId[];
	status: "submitted" | "returned" | "approved";
	items: (StoredSubmission & { unitName: I18nText | undefined })[];
}

/** GET /api/admin/users → { users }; a created user carries its one-time password once. */
export interface DirectoryUser {
	username: string;
	name: string;
	email?: string;
	roles: Role[];
	orgScope: string;
	disabled: boolean;
	createdAt?: string;
	updatedAt?: string;
	temporaryPassword?: string;
}

/** A text file's encoding as the import detected it. */
export type TextEncodingName = "utf-8" | "gb18030" | "utf-16le" | "utf-16be";

/** POST /api/imports and GET /api/imports/{importId}: an import job and its per-row report. */
export interface ImportJobView {
	importId: string;
	status: "applying" | "done" | "failed";
	/** True while an applying job is waiting to be resumed (time budget reached or interrupted). */
	paused?: boolean;
	format: "xlsx" | "csv";
	encoding?: TextEncodingName;
	sheet?: string;
	/** Data rows in the file. */
	total: number;
	/** Rows applied so far (created + updated + unchanged + failed). */
	done: number;
	created: number;
	updated: number;
	unchanged: number;
	failed: number;
	/** Rows with validation errors (the import was then refused as a whole). */
	errorCount: number;
	by: string;
	startedAt: string;
	updatedAt: string;
	finishedAt?: string;
	message?: string;
	/** Per-row report (rows with errors or warnings only, when the full report was too large to keep). */
	rows: ImportRowReport[];
	rowsTruncated?: boolean;
}

/** POST /api/imports?dryRun=true: the whole file checked, nothing written. */
export type ImportDryRunView = Omit<ImportJobView, "importId" | "status"> & { dryRun: true; status: "validated" };

/** Per data element of a figure: who reported it this period, whose stock was carried, who is expected. */
export interface ElementCoverage {
	code: string;
	/** Units that reported the element for this period. */
	fresh: number;
	/** Units that did not, whose latest value (at most the element's carry-forward months old) stands in. */
	carried: number;
	/** Units expected to report it. */
	expected: number;
}

export interface Coverage {
	/** Units that reported this period (fresh figures, not carried). */
	reported: number;
	/** Units expected to report for it. */
	expected: number;
	/** Units whose stock values were carried forward from an earlier month (0 for flows and yearly figures). */
	carried?: number;
	/** (reported + carried) / expected of the least covered element, 0..1 (1 when nothing is expected). */
	rate?: number;
	/** Per element, when the figure uses more than one. */
	elements?: ElementCoverage[];
}

/**
 * Why a figure is provisional:
 * - coverage: the least covered element is below the completeness threshold (default 90 %);
 * - mismatched: numerator and denominator come from different sets of units and one side is incomplete,
 *   so the ratio is withheld (value null) rather than computed over mismatched sets.
 */
export type ProvisionalReason = "coverage" | "mismatched";

/** A 95 % interval for a rate built on counted events. */
export interface RateInterval {
	/** exact Poisson on the event count (rates per 1,000 / 100,000), or Wilson score (proportions in %). */
	method: "poisson" | "wilson";
	low: number;
	high: number;
	/** The events (numerator count) the rate rests on. */
	events: number;
	level: 0.95;
}

/**
 * - few-events: fewer than 20 events; the value is shown with 事件数少，解读需谨慎.
 * - interval-contains-target: the interval straddles the target, so the status is "uncertain".
 */
export type Caution = "few-events" | "interval-contains-target";

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
	/** "provisional" when coverage is short, "uncertain" when a small-number interval straddles the target. */
	status: IndicatorStatus;
	coverage: Coverage;
	/** True when coverage is below the threshold or the sides are mismatched: no status is claimed. */
	provisional: boolean;
	provisionalReason?: ProvisionalReason;
	/** 95 % interval, for rates of counted events and proportions; absent for census ratios and reported values. */
	interval?: RateInterval;
	caution?: Caution;
	/**
	 * On a unit's own report: the figure its status belongs to (the division's). A unit is never judged alone
	 * against division targets; its value is shown for reference (参考).
	 */
	context?: { orgUnit: string; value: number | null; provisional: boolean };
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
	/**
	 * Reporting for the period: units whose form counts / units expected; provisional when the rate is below
	 * the threshold (default the WHO DQR 90 %).
	 */
	reporting: { reported: number; expected: number; rate: number; threshold: number; provisional: boolean };
	/** True when the period was chosen by the server (no `period` asked): the latest month that is not provisional. */
	defaulted?: boolean;
	/** The current calendar month (Asia/Shanghai), so the site can offer it beside the default. */
	currentPeriod: PeriodId;
	/** False on a unit's own report: statuses are the division's (see ProgressRow.context). */
	judged: boolean;
	rows: ProgressRow[];
}

export interface SeriesPoint {
	period: PeriodId;
	value: number | null;
	numerator: number | null;
	denominator: number | null;
	expected: number | null;
	coverage: Coverage;
	provisional: boolean;
	provisionalReason?: ProvisionalReason;
	interval?: RateInterval;
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
	provisional: boolean;
	provisionalReason?: ProvisionalReason;
	interval?: RateInterval;
	/** The value is worse than the plan's final target (a 垦区 above a ≤5 ceiling); false when not judged. */
	breach: boolean;
}

export interface BreakdownReport {
	indicatorCode: string;
	period: PeriodId;
	orgUnit: string;
	/** The plan whose final target breaches are judged against, when the indicator is in one. */
	planId?: string;
	target?: PlanTarget | null;
	direction?: Direction;
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

// ---------------------------------------------------------------------------
// Projection to the target year and the plan evaluation (中期/末期评估), issue 16. core/projection.ts and
// core/evaluation.ts compute them; docs/targets.md explains the rules.

/** 按趋势可达成 (likely) / 有风险 (at-risk) / 按趋势难以达成 (unlikely), or not applicable. */
export type ProjectionVerdict = "likely" | "at-risk" | "unlikely" | "not-applicable";

/**
 * Why a projection's verdict is not applicable: the target kind asks to hold or beat last year (maintain,
 * continuous improvement), the target's number is unknown, or the target year already has data.
 */
export type ProjectionNotApplicable = "target-kind" | "no-target-value" | "target-year-passed";

/** The trend of the yearly values carried to the plan's target year (Theil–Sen, with Sen's slope band). */
export interface Projection {
	method: "theil-sen";
	targetYear: number;
	/** The trend's value in the target year, and the band around it. */
	value: number;
	low: number;
	high: number;
	/** Change per year still needed from the latest complete year to reach the target (indicator units). */
	requiredAnnualChange: number | null;
	/** Change per year achieved from the baseline (or the first yearly value) to the latest complete year. */
	actualAnnualChange: number | null;
	/** The same as compound rates (年均增速), when both values are positive. */
	requiredAnnualRate?: number | null;
	actualAnnualRate?: number | null;
	verdict: ProjectionVerdict;
	reason?: ProjectionNotApplicable;
	/** The complete years the trend was fitted on. */
	fromYear: number;
	toYear: number;
	points: number;
}

// Declaration merging: /api/progress rows carry the projection when the indicator has three or more complete
// yearly values (appended here rather than inside ProgressRow above, which is being edited in parallel).
export interface ProgressRow {
	projection?: Projection;
}

/** 中期评估 when the year is before the plan's target year, 末期评估 from the target year on. */
export type EvaluationKind = "mid-term" | "final";

/**
 * How progress is measured for a row (docs/targets.md, "Progress per target kind"):
 * - ratio: (actual − origin) / (target − origin) in the good direction;
 * - hold: the target was already met at the origin (≤5 with 1.53), so the test is whether it still is;
 * - maintain: keep the origin level (within 1 %);
 * - improve: better than the year before (持续改善);
 * - no-path: no origin or no target value, so no share can be computed.
 */
export type ProgressRule = "ratio" | "hold" | "maintain" | "improve" | "no-path";

/** How many more of a resource (physicians, beds, childcare places) the target needs at today's population. */
export interface ResourceGapLine {
	orgUnit: string;
	name: I18nText;
	population: number;
	/** The count now (numerator of the indicator). */
	current: number;
	/** What the target amounts to at this population: ⌈target × population / factor⌉. */
	required: number;
	/** required − current, at least 0. */
	needed: number;
}

export interface ResourceGap {
	/** The data element counted, e.g. GPS. */
	element: string;
	elementName: I18nText;
	elementUom: I18nText;
	targetValue: number;
	division: ResourceGapLine;
	/** Per 垦区, when the report is for the division. */
	areas: ResourceGapLine[];
}

export interface EvaluationYearValue {
	year: number;
	value: number | null;
	provisional: boolean;
	/** The value expected on the plan path at the end of that year. */
	expected: number | null;
}

export interface EvaluationRow {
	indicatorCode: string;
	name: I18nText;
	uom: I18nText;
	group: IndicatorGroup;
	order: number;
	parentCode?: string;
	nature: Nature;
	direction: Direction;
	decimals: number;
	/** As printed (null where the plan prints "—"). */
	baseline: Baseline | null;
	/** Where progress is measured from: the printed baseline, a relative-change base year or the first observed value. */
	origin: { year: number; value: number; source: "baseline" | "base-year" | "first-observed" } | null;
	/** The final target as printed, and what it amounts to. */
	target: PlanTarget | null;
	targetValue: number | null;
	/** The actual value for the evaluation year. */
	value: number | null;
	provisional: boolean;
	interval?: RateInterval;
	caution?: Caution;
	coverage: Coverage;
	/** The value expected on the plan path at the end of the evaluation year. */
	expected: number | null;
	/** 0..1 and beyond (can be negative when worse than the origin); null unless the rule is "ratio". */
	progress: number | null;
	progressRule: ProgressRule;
	/** Mid-term: 时间过半、任务过半. passed is null when it cannot be judged (no data, no path). */
	halfway?: { elapsed: number; passed: boolean | null };
	/** Final: 达成 (true) / 未达成 (false), null without data. */
	met?: boolean | null;
	status: IndicatorStatus;
	projection: Projection | null;
	/** Yearly values from the plan's base year to the evaluation year. */
	years: EvaluationYearValue[];
	gap?: ResourceGap;
	/** Where the 垦区 breakdown shows the shortfall concentrated (division reports). */
	areas?: { orgUnit: string; name: I18nText; value: number | null; provisional: boolean; meets: boolean | null }[];
}

export interface EvaluationGroup {
	group: IndicatorGroup;
	name: I18nText;
	/** Binding rows first, then the others, each in the plan's printed order. */
	rows: EvaluationRow[];
}

export interface EvaluationCounts {
	indicators: number;
	binding: number;
	/** Final: met / not met / no data. */
	met: number;
	notMet: number;
	noData: number;
	bindingNotMet: number;
	/** Mid-term: passed / failed / not judged the 时间过半 test. */
	halfwayPassed: number;
	halfwayFailed: number;
	halfwayUnjudged: number;
	provisional: number;
}

export interface EvaluationReport {
	planId: string;
	planName: I18nText;
	kind: EvaluationKind;
	year: number;
	baseYear: number;
	targetYear: number;
	/** Share of the plan period elapsed at the end of the evaluation year, 0..1. */
	elapsed: number;
	orgUnit: string;
	orgName: I18nText;
	orgLevel: "division" | "area";
	asOf: string;
	generatedAt: string;
	approvedOnly: boolean;
	counts: EvaluationCounts;
	groups: EvaluationGroup[];
	/** Written from the data only: 总体情况, 约束性指标, 主要问题, 数据说明. */
	paragraphs: { overall: I18nText; binding: I18nText; problems: I18nText; data: I18nText };
}

/**
 * Where a plan baseline came from (stored on the baseline itself): 平台数据 — the platform's own figure for the
 * base year, with the coverage behind it — or entered by hand. Absent on the seeded plans' printed baselines.
 */
export interface BaselineProvenance {
	source: "platform" | "manual";
	/** Platform baselines: units that reported / were expected for the figure, and the rate. */
	coverage?: { reported: number; expected: number; rate: number };
	/** Platform baselines: the figure was provisional (coverage below the threshold) when it was taken. */
	provisional?: boolean;
	/** Platform baselines: the newest write the figure included. */
	asOf?: string;
}

/** POST /api/admin/plans with copyFrom: the stored plan and how its baselines were filled. */
export interface PlanCopyResult {
	plan: import("./types").Plan;
	copiedFrom: string;
	baseYear: number;
	/** Baselines filled from the platform's figures. */
	fromPlatform: number;
	/** Indicators with no platform figure for the base year: their baseline is left for an admin to enter. */
	missing: string[];
}

// ---------------------------------------------------------------------------------------------
// Metadata without a deploy (issue 15): the admin pages' shapes.

/** A data element as GET /api/admin/metadata lists it: with its revision (If-Match) and where it is used. */
export type AdminElement = import("./types").DataElement & { rev: number; hasData: boolean; usedBy: { indicators: string[]; rules: string[] } };
export type AdminIndicator = import("./types").Indicator & { rev: number; plans: string[] };
export type AdminRule = import("./types").ValidationRule & { rev: number };

/** An aggregate rebuild (POST/GET /api/admin/rebuild-aggregates). */
export interface RebuildJob {
	jobId: string;
	status: "queued" | "running" | "done" | "failed";
	/** Years to rebuild, ascending. */
	years: string[];
	doneYears: string[];
	/** Years whose rebuilt items were checked against a fresh recompute. */
	verifiedYears?: string[];
	/** Steps done and in all: two per year (rebuild, then verify). */
	done: number;
	total: number;
	/** What it is doing now, e.g. `2025: 重新计算 (recomputing)`. */
	step: string;
	/** Data elements whose figures are being recalculated (empty for a plain repair). */
	elements: string[];
	itemsWritten: number;
	itemsUnchanged: number;
	/** Years redone because a submission landed while they were being written. */
	retries: number;
	by: string;
	reason?: string;
	createdAt: string;
	updatedAt: string;
	finishedAt?: string;
	error?: string;
}

export interface MetadataOverview {
	sections: import("./types").FormSection[];
	elements: AdminElement[];
	indicators: AdminIndicator[];
	rules: AdminRule[];
	/** The running rebuild and the elements whose figures show as 重新计算中, or null. */
	recalculating: { jobId: string; elements: string[] } | null;
}

/** POST /api/admin/indicators/preview: what a draft formula gives for an area or the division and a month. */
export interface IndicatorPreview {
	orgUnit: string;
	period: PeriodId;
	value: number | null;
	numerator: number | null;
	denominator: number | null;
	/** Per element: the aggregated value and how many units it comes from (null: no data). */
	elements: Record<string, { value: number; units: number } | null>;
}

/** Where a formula went wrong (400 `details.formula`), for the editor to show. */
export interface FormulaProblemView {
	field: string;
	/** 0-based character offset into the formula. */
	position: number;
	message: string;
}

/** While an aggregate rebuild runs: the indicators of the report whose figures it recalculates (重新计算中). */
export interface ProgressReport {
	recalculating?: string[];
}

// ---------------------------------------------------------------------------------------------------
// Monthly summaries: the archive, recipients and a run, as the site reads them.

/** One archived summary (GET /api/summaries → { orgUnit, items }), newest first. */
export interface ArchiveEntry {
	month: PeriodId;
	scope: string;
	planId?: string;
	locales: string[];
	generatedAt?: string;
}

export interface ArchiveList {
	orgUnit: string;
	items: ArchiveEntry[];
}

/**
 * A recipient's group robot as the API shows it: never the URL or the signing secret (they live in Secrets Manager
 * in AWS, in the local table locally), only the platform, a masked hint and whether DingTalk signing (加签) is on.
 */
export interface RecipientWebhook {
	kind: "wecom" | "dingtalk";
	configured: true;
	/** e.g. `qyapi.weixin.qq.com …key=abcd…`: enough to tell two robots apart, too little to post to one. */
	hint: string;
	signed: boolean;
}

/** A summary recipient (GET/POST/PUT /api/admin/recipients): an email address, a group robot, or both. */
export interface Recipient {
	id: string;
	name: string;
	email?: string;
	webhook?: RecipientWebhook;
	scopeOrgId: string;
	locale: "zh-CN" | "en";
	active: boolean;
	createdAt: string;
	updatedAt: string;
}

export interface SummaryRunFailure {
	recipientId: string;
	error: string;
	/** Absent for email; the group robot's platform for a failed push. */
	channel?: "wecom" | "dingtalk";
}

/** POST /api/admin/summaries/run. */
export interface SummaryRunResult {
	month: PeriodId;
	dryRun: boolean;
	/** Active recipients considered (1 for a `to` preview). */
	recipients: number;
	sent: number;
	skipped: number;
	failed: number;
	/** Group-robot pushes delivered this run (failed ones are in `failed` and `failures` with their channel). */
	pushed?: number;
	/** (scope, locale) pairs compiled this run. */
	compiled: number;
	archived: number;
	failures: SummaryRunFailure[];
	/** Dry run only: what a real run would do, per recipient and channel (an email, a group robot, or both). */
	plan?: SummaryPlanEntry[];
}

/** A delivery record (`DELIVERY#<month>` / `R#<recipientId>`, or `PUSH#<month>` for a robot) without its claim token. */
export interface DeliveryRecordView {
	month: PeriodId;
	recipientId: string;
	status: "sending" | "sent" | "failed";
	/** Send attempts in the current claim. */
	attempts: number;
	claimedAt: string;
	updatedAt: string;
	messageId?: string;
	sentAt?: string;
	error?: string;
	/** Explicit resends so far. */
	resends?: number;
	lastResendBy?: string;
	lastResendReason?: string;
}

/** A month's delivery record as listed (GET /api/admin/summaries/deliveries), with its recipient. */
export interface DeliveryRow extends DeliveryRecordView {
	/** The recipient as it stands (absent when it was deleted since). */
	name?: string;
	email?: string;
	scopeOrgId?: string;
	locale?: "zh-CN" | "en";
	/** A group robot's record: the robot's masked summary. */
	webhook?: RecipientWebhook;
	/** `sending` for more than 15 minutes: it will not finish on its own; resend it. */
	stuck: boolean;
}

/** GET /api/admin/summaries/deliveries: a month's email and group-robot records, and who has no email record yet. */
export interface DeliveriesView {
	month: PeriodId;
	deliveries: DeliveryRow[];
	pushes: DeliveryRow[];
	notYet: { recipientId: string; name: string; email: string; scopeOrgId: string }[];
}

/** One line of a dry run's plan: a recipient's email, or its group robot. */
export interface SummaryPlanEntry {
	recipientId: string;
	name: string;
	channel: "email" | "wecom" | "dingtalk";
	/** The email address, or the robot's masked hint. */
	to: string;
	/** Set for the email channel (the same as `to`). */
	email?: string;
	scope: string;
	locale: string;
	/** send: a real run would send it now; skip: this month's record exists (`status`: sent, failed, sending). */
	action: "send" | "skip";
	/** The email's subject, or the robot message's title. */
	subject?: string;
	status?: string;
}

/** GET/PUT /api/admin/notices/settings: the scheduled notices, each kind on or off, with its days. */
export interface NoticeSettingsView {
	/** N days before the deadline, to units that have not submitted (1–15; default 3). */
	before: { enabled: boolean; daysBefore: number };
	/** After the deadline, to the unit's reporters and its 垦区 approver, for at most N days (1–60; default 20). */
	overdue: { enabled: boolean; withinDays: number };
	/** The approver's comment, when a form is returned. */
	returned: { enabled: boolean };
	/** The unit's monthly feedback card, after the summary. */
	feedback: { enabled: boolean };
}

/** GET/PUT /api/me/notices: a user's own opt-outs. Return notices cannot be turned off. */
export interface NoticePrefsView {
	reminders: boolean;
	feedback: boolean;
	/** The feedback card's language; absent is zh-CN. */
	locale?: "zh-CN" | "en";
}
