// A small, known dataset for the summary tests: 7 plan indicators (3 binding alerts), 6 units, two months.
import type { CompletenessReport, ProgressReport, ProgressRow } from "../../functions/core/api-types";
import type { IndicatorStatus } from "../../functions/core/types";
import type { CompileSummaryInput } from "../../functions/summary/compile";

type RowSpec = Pick<ProgressRow, "indicatorCode" | "order" | "nature" | "direction" | "decimals" | "status" | "value" | "expected"> & {
	zh: string;
	en: string;
	uom: [string, string];
	printed: string;
	baseline?: number;
};

export const row = (r: RowSpec): ProgressRow => ({
	planId: "plan-14th",
	indicatorCode: r.indicatorCode,
	name: { zh: r.zh, en: r.en },
	uom: { zh: r.uom[0], en: r.uom[1] },
	group: "health-services",
	order: r.order,
	nature: r.nature,
	direction: r.direction,
	value: r.value,
	numerator: r.value,
	denominator: 1,
	factor: 1,
	decimals: r.decimals,
	baseline: r.baseline === undefined ? null : { year: 2020, value: r.baseline, printed: String(r.baseline) },
	target: { year: 2025, target: { kind: "reach", value: 0 }, printed: r.printed },
	targets: [],
	expected: r.expected,
	status: r.status,
	coverage: { reported: 5, expected: 6 },
	provisional: r.status === "provisional",
});

const counts = (rows: ProgressRow[]): Record<IndicatorStatus, number> => {
	const c: Record<IndicatorStatus, number> = { achieved: 0, "on-track": 0, behind: 0, "off-track": 0, uncertain: 0, provisional: 0, "no-data": 0 };
	for (const r of rows) c[r.status] += 1;
	return c;
};

/** A complete month by default; pass `reporting` for one still short of reports. */
export const report = (period: string, rows: ProgressRow[], reporting: ProgressReport["reporting"] = { reported: 6, expected: 6, rate: 1, threshold: 0.9, provisional: false }): ProgressReport => ({
	planId: "plan-14th",
	period,
	orgUnit: "div2",
	asOf: `${period}-28T00:00:00Z`,
	approvedOnly: false,
	counts: counts(rows),
	reporting,
	currentPeriod: period,
	judged: true,
	rows,
});

type Spec = Omit<RowSpec, "value" | "status">;
const LIFE: Spec = { indicatorCode: "LIFE_EXPECTANCY", order: 1, nature: "expected", direction: "increase", decimals: 2, expected: 79.4, zh: "人均预期寿命", en: "Life expectancy", uom: ["岁", "years"], printed: "79.9", baseline: 79.36 };
const DOCTORS: Spec = { indicatorCode: "DOCTORS_PER_1K", order: 3, nature: "binding", direction: "increase", decimals: 2, expected: 3.1, zh: "每千人口执业（助理）医师数", en: "Doctors per 1,000 population", uom: ["人", "per 1,000"], printed: "≥3.2" };
const GP: Spec = { indicatorCode: "GP_PER_10K", order: 5, nature: "binding", direction: "increase", decimals: 2, expected: 3.3, zh: "每万人口全科医生数", en: "GPs per 10,000 population", uom: ["人", "per 10,000"], printed: "≥3.93", baseline: 2.9 };
const LITERACY: Spec = { indicatorCode: "HEALTH_LITERACY", order: 6, nature: "expected", direction: "increase", decimals: 1, expected: 24, zh: "居民健康素养水平", en: "Health literacy", uom: ["%", "%"], printed: "≥25" };
const IMR: Spec = { indicatorCode: "INFANT_MORTALITY", order: 7, nature: "binding", direction: "decrease", decimals: 2, expected: 4.5, zh: "婴儿死亡率", en: "Infant mortality rate", uom: ["‰", "‰"], printed: "≤4.5" };
const MMR: Spec = { indicatorCode: "MATERNAL_MORTALITY", order: 8, nature: "binding", direction: "decrease", decimals: 1, expected: 12.5, zh: "孕产妇死亡率", en: "Maternal mortality ratio", uom: ["/10万", "per 100,000"], printed: "≤12" };
const MGMT: Spec = { indicatorCode: "MATERNAL_MGMT", order: 9, nature: "binding", direction: "increase", decimals: 1, expected: 90, zh: "孕产妇系统管理率", en: "Maternal systematic management rate", uom: ["%", "%"], printed: ">90" };

const r = (s: Spec, value: number | null, status: IndicatorStatus): ProgressRow => row({ ...s, value, status });

export const currentReport = (): ProgressReport =>
	report("2025-06", [
		r(LIFE, 79.5, "on-track"),
		r(DOCTORS, 2.9, "behind"),
		r(GP, 3.05, "behind"),
		r(LITERACY, 25, "achieved"),
		r(IMR, 4.1, "achieved"),
		r(MMR, 14.2, "off-track"),
		r(MGMT, null, "no-data"),
	]);

export const previousReport = (): ProgressReport =>
	report("2025-05", [
		r(LIFE, 79.5, "on-track"),
		r(DOCTORS, 2.95, "behind"),
		r(GP, 3.0, "behind"),
		r(LITERACY, 24, "achieved"),
		r(IMR, 4.6, "on-track"),
		r(MMR, 12.0, "on-track"),
		r(MGMT, null, "no-data"),
	]);

export const completeness = (names: Record<string, string> = {}): CompletenessReport => {
	const unit = (id: string, zh: string) => ({ zh: names[id] ?? zh, en: names[id] ?? id });
	return {
		period: "2025-06",
		orgUnit: "div2",
		deadline: "2025-07-10T15:59:59Z",
		expected: 6,
		reported: 4,
		onTime: 3,
		reportingRate: 4 / 6,
		timelinessRate: 3 / 6,
		thresholds: { reportingRate: 0.9, timelinessRate: 0.75 },
		rows: [
			{ unitId: "u1", name: unit("u1", "第二师医院"), areaId: null, status: "approved", submittedAt: "2025-07-03T02:00:00Z", onTime: true, version: 2 },
			{ unitId: "u2", name: unit("u2", "二十一团医院"), areaId: "a1", status: "submitted", submittedAt: "2025-07-05T02:00:00Z", onTime: true, version: 1 },
			{ unitId: "u3", name: unit("u3", "二十二团医院"), areaId: "a1", status: "returned", submittedAt: "2025-07-06T02:00:00Z", onTime: true, version: 3 },
			{ unitId: "u4", name: unit("u4", "二十四团医院"), areaId: "a2", status: "missing", onTime: null },
			{ unitId: "u5", name: unit("u5", "师疾控中心"), areaId: null, status: "approved", submittedAt: "2025-07-12T02:00:00Z", onTime: false, version: 1 },
			{ unitId: "u6", name: unit("u6", "中心血站"), areaId: null, status: "draft", onTime: null, version: 1 },
		],
	};
};

export const summaryInput = (overrides: Partial<CompileSummaryInput> = {}): CompileSummaryInput => ({
	month: "2025-06",
	plan: { id: "plan-14th", name: { zh: "第二师铁门关市“十四五”卫生健康发展规划", en: "2nd Division 14th Five-Year Health Plan" } },
	scope: { orgId: "div2", name: { zh: "第二师铁门关市", en: "2nd Division / Tiemenguan City" }, level: "division" },
	locale: "zh-CN",
	current: currentReport(),
	previous: previousReport(),
	completeness: completeness(),
	pending: [
		{ unitId: "u3", reviewComment: "床位数与上月差异过大，请核实", comment: "新院区投入使用" },
		{ unitId: "u2", comment: "已按新口径填报" },
	],
	qualityFlags: [],
	dashboardUrl: "https://monitor.example.cn/dashboard",
	generatedAt: "2025-07-15T01:00:00.000Z",
	...overrides,
});
