// Words and cells shared by the three renderings of an evaluation (docx, xlsx, html), so each says the same.
import type { EvaluationReport, EvaluationRow, ProjectionVerdict } from "../core/api-types";
import { targetText } from "../core/target-text";
import type { Locale } from "../core/types";
import { formatNumber, NATURE_LABELS, pick, STATUS_LABELS } from "../summary/model";

export const L = (locale: Locale) => (zh: string, en: string) => (locale === "en" ? en : zh);

export const KIND_TITLE = { "mid-term": { zh: "中期评估报告", en: "mid-term evaluation" }, final: { zh: "末期评估报告", en: "final evaluation" } } as const;

export const VERDICT_TEXT: Record<ProjectionVerdict, { zh: string; en: string }> = {
	likely: { zh: "按趋势可达成", en: "On trend to meet it" },
	"at-risk": { zh: "有风险", en: "At risk" },
	unlikely: { zh: "按趋势难以达成", en: "Unlikely on trend" },
	"not-applicable": { zh: "不适用", en: "Not applicable" },
};

const REASON_TEXT = {
	"target-kind": { zh: "保持类/持续改善类目标不作趋势推算", en: "hold or keep-improving target: no projection" },
	"no-target-value": { zh: "目标值无法确定", en: "target value unknown" },
	"target-year-passed": { zh: "已到目标年", en: "target year reached" },
} as const;

export function reportTitle(r: EvaluationReport, locale: Locale): string {
	return locale === "en"
		? `${r.planName.en}: ${KIND_TITLE[r.kind].en}, ${r.year}`
		: `${r.planName.zh}${r.kind === "mid-term" ? "中期" : "末期"}评估报告（${r.year}年）`;
}

export function reportSubtitle(r: EvaluationReport, locale: Locale): string {
	const t = L(locale);
	return t(
		`评估范围：${r.orgName.zh}　规划期：${r.baseYear}—${r.targetYear}年　数据截至：${r.asOf ? r.asOf.slice(0, 10) : "—"}`,
		`Scope: ${r.orgName.en} · Plan period ${r.baseYear}–${r.targetYear} · Data as of ${r.asOf ? r.asOf.slice(0, 10) : "—"}`,
	);
}

/** The download's file name: Chinese for people, ASCII for old clients. */
export function reportFileName(r: EvaluationReport, locale: Locale): { unicode: string; ascii: string } {
	const kind = r.kind === "mid-term" ? "mid-term" : "final";
	return {
		unicode: locale === "en" ? `evaluation-${r.planId}-${r.year}-${r.orgUnit}` : `${r.planName.zh}${r.kind === "mid-term" ? "中期" : "末期"}评估-${r.year}-${r.orgName.zh}`,
		ascii: `evaluation-${r.planId}-${kind}-${r.year}-${r.orgUnit}`,
	};
}

export const SECTION_TITLES = (locale: Locale) => {
	const t = L(locale);
	return {
		overall: t("一、总体情况", "1. Overall"),
		binding: t("二、约束性指标", "2. Binding indicators"),
		problems: t("三、主要问题", "3. Main problems"),
		data: t("四、数据说明", "4. Notes on the data"),
		table: t("附表1　规划指标评估表", "Table 1. Indicator evaluation"),
		projection: t("附表2　趋势推算", "Table 2. Projection to the target year"),
		gaps: t("附表3　资源差距测算（按现有人口）", "Table 3. Resource gaps at today's population"),
		charts: t("附图", "Charts"),
	};
};

const fmt = formatNumber;
const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? "—" : `${Math.round(x * 100)}%`);

export function baselineCell(r: EvaluationRow, report: EvaluationReport, locale: Locale = "zh-CN"): string {
	if (!r.baseline) return "—";
	// The printed form is Chinese ("19.1 （2013年）"); English gives the number and its year.
	if (locale === "en") return r.baseline.year === report.baseYear ? fmt(r.baseline.value, r.decimals) : `${fmt(r.baseline.value, r.decimals)} (${r.baseline.year})`;
	const printed = r.baseline.printed.trim();
	return r.baseline.year === report.baseYear || printed.includes("年") ? printed : `${printed}（${r.baseline.year}年）`;
}

/** zh-CN: the target exactly as printed; English: rendered from its kind (core/target-text.ts). */
export const targetCell = (r: EvaluationRow, locale: Locale): string => (r.target ? targetText(r.target, locale, pick(r.uom, locale)) : "—");

export function valueCell(r: EvaluationRow): string {
	if (r.value === null) return "—";
	return `${fmt(r.value, r.decimals)}${r.provisional ? "*" : ""}`;
}

export function intervalCell(r: EvaluationRow): string {
	return r.interval ? `${fmt(r.interval.low, r.decimals)}–${fmt(r.interval.high, r.decimals)}` : "";
}

export function progressCell(r: EvaluationRow, locale: Locale): string {
	const t = L(locale);
	switch (r.progressRule) {
		case "ratio":
			return pct(r.progress);
		case "hold":
			return t("保持达标", "keep meeting it");
		case "maintain":
			return t("保持基线", "keep baseline");
		case "improve":
			return t("逐年改善", "improve yearly");
		case "no-path":
			return "—";
	}
}

export function judgementCell(r: EvaluationRow, locale: Locale): string {
	const t = L(locale);
	if (r.value === null) return t("暂无数据", "No data");
	if (r.met !== undefined) return r.met ? t("达成", "Met") : t("未达成", "Not met");
	if (!r.halfway || r.halfway.passed === null) return t("无法判断", "Cannot judge");
	return r.halfway.passed ? t("达到", "On pace") : t("未达到", "Behind pace");
}

export const statusCell = (r: EvaluationRow, locale: Locale): string => pick(STATUS_LABELS[r.status], locale);
export const natureCell = (r: EvaluationRow, locale: Locale): string => pick(NATURE_LABELS[r.nature], locale);
export const uomCell = (r: EvaluationRow, locale: Locale): string => pick(r.uom, locale);

export function projectionCells(r: EvaluationRow, locale: Locale): { verdict: string; value: string; band: string; required: string; actual: string } {
	const p = r.projection;
	if (!p) return { verdict: L(locale)("年度数据不足3年", "fewer than 3 years"), value: "—", band: "—", required: "—", actual: "—" };
	const verdict = p.verdict === "not-applicable" && p.reason ? pick(REASON_TEXT[p.reason], locale) : pick(VERDICT_TEXT[p.verdict], locale);
	return {
		verdict,
		value: fmt(p.value, r.decimals),
		band: `${fmt(p.low, r.decimals)}–${fmt(p.high, r.decimals)}`,
		required: fmt(p.requiredAnnualChange, Math.max(2, r.decimals)),
		actual: fmt(p.actualAnnualChange, Math.max(2, r.decimals)),
	};
}

/** Rows whose projection says something: not those whose target year already has data (a final report). */
export const projectedRows = (report: EvaluationReport): EvaluationRow[] =>
	report.groups.flatMap((g) => g.rows).filter((r) => r.projection && r.projection.reason !== "target-year-passed");

/** The main table: headers and one string row per indicator, with group heading rows, in report order. */
export function mainTable(report: EvaluationReport, locale: Locale): { headers: string[]; rows: ({ group: string } | { cells: string[]; row: EvaluationRow })[] } {
	const t = L(locale);
	const headers = [
		t("序号", "No."),
		t("指标", "Indicator"),
		t("单位", "Unit"),
		t("属性", "Nature"),
		t(`基线（${report.baseYear}年）`, `Baseline (${report.baseYear})`),
		t(`目标（${report.targetYear}年）`, `Target (${report.targetYear})`),
		t(`${report.year}年实际`, `Actual ${report.year}`),
		t("规划进度值", "Expected on path"),
		t("完成进度", "Progress"),
		report.kind === "mid-term" ? t("时间过半、任务过半", "Half time, half task") : t("是否达成", "Met"),
		t("状态", "Status"),
	];
	const rows: ({ group: string } | { cells: string[]; row: EvaluationRow })[] = [];
	for (const g of report.groups) {
		rows.push({ group: pick(g.name, locale) });
		for (const r of g.rows) {
			rows.push({
				row: r,
				cells: [
					String(r.order),
					pick(r.name, locale),
					uomCell(r, locale),
					natureCell(r, locale),
					baselineCell(r, report, locale),
					targetCell(r, locale),
					valueCell(r),
					fmt(r.expected, r.decimals),
					progressCell(r, locale),
					judgementCell(r, locale),
					statusCell(r, locale),
				],
			});
		}
	}
	return { headers, rows };
}

export function footnotes(report: EvaluationReport, locale: Locale): string[] {
	const t = L(locale);
	const notes = [t("* 数据不完整（报告覆盖不足），为暂定值。", "* Provisional: reporting coverage is incomplete.")];
	if (report.kind === "mid-term") {
		notes.push(
			t(
				`时间过半、任务过半：完成进度不低于时间进度（${Math.round(report.elapsed * 100)}%），或已达到目标值；保持类指标以是否仍达标判断。`,
				`Half time, half task: progress at least the share of time elapsed (${Math.round(report.elapsed * 100)}%), or the target already met; hold and maintain targets: still met.`,
			),
		);
	}
	notes.push(t("完成进度 =（实际值 − 基线值）/（目标值 − 基线值），按指标方向计算。", "Progress = (actual − baseline) / (target − baseline), in the indicator's good direction."));
	return notes;
}
