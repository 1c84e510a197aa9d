// The evaluation as a workbook: the indicator table (numbers as numbers), the projection, the resource gaps
// and the four paragraphs, through the summary's xlsx writer.
import type { EvaluationReport } from "../core/api-types";
import type { Locale } from "../core/types";
import { pick } from "../summary/model";
import { writeXlsx, type XlsxCell, type XlsxSheet } from "../summary/xlsx";
import { baselineCell, judgementCell, targetCell, L, natureCell, progressCell, projectionCells, reportSubtitle, reportTitle, SECTION_TITLES, statusCell } from "./text";

const num = (v: number | null | undefined, decimals: number): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(decimals)));

export function renderEvaluationXlsx(report: EvaluationReport, locale: Locale): Uint8Array {
	const t = L(locale);
	const rows = report.groups.flatMap((g) => g.rows.map((r) => ({ g, r })));
	const table: XlsxSheet = {
		name: t("指标评估", "Indicators"),
		columns: [
			{ header: t("序号", "No."), width: 6 },
			{ header: t("领域", "Domain"), width: 12 },
			{ header: t("指标", "Indicator"), width: 36 },
			{ header: t("单位", "Unit"), width: 10 },
			{ header: t("属性", "Nature"), width: 8 },
			{ header: t("基线（原文）", "Baseline (printed)"), width: 14 },
			{ header: t("基线年份", "Baseline year"), width: 10 },
			{ header: t("目标（原文）", "Target (printed)"), width: 18 },
			{ header: t("目标值", "Target value"), width: 10 },
			{ header: t(`${report.year}年实际`, `Actual ${report.year}`), width: 11 },
			{ header: t("暂定值", "Provisional"), width: 8 },
			{ header: t("95%区间下限", "95% low"), width: 10 },
			{ header: t("95%区间上限", "95% high"), width: 10 },
			{ header: t("规划进度值", "Expected on path"), width: 11 },
			{ header: t("完成进度", "Progress"), width: 10 },
			{ header: report.kind === "mid-term" ? t("时间过半、任务过半", "Half time, half task") : t("是否达成", "Met"), width: 12 },
			{ header: t("状态", "Status"), width: 12 },
			{ header: t("趋势推算", "Projection"), width: 16 },
			{ header: t(`${report.targetYear}年推算值`, `Projected ${report.targetYear}`), width: 11 },
			{ header: t("需年均变化", "Needed a year"), width: 11 },
			{ header: t("实际年均变化", "Achieved a year"), width: 11 },
			{ header: t("代码", "Code"), width: 24 },
		],
		rows: rows.map(({ g, r }): XlsxCell[] => [
			r.order,
			pick(g.name, locale),
			pick(r.name, locale),
			pick(r.uom, locale),
			natureCell(r, locale),
			baselineCell(r, report, locale),
			r.baseline?.year ?? null,
			r.target ? targetCell(r, locale) : null,
			num(r.targetValue, r.decimals),
			num(r.value, r.decimals),
			r.provisional ? t("是", "yes") : "",
			num(r.interval?.low, r.decimals),
			num(r.interval?.high, r.decimals),
			num(r.expected, r.decimals),
			r.progressRule === "ratio" ? num(r.progress, 4) : progressCell(r, locale),
			judgementCell(r, locale),
			statusCell(r, locale),
			projectionCells(r, locale).verdict,
			num(r.projection?.value, r.decimals),
			num(r.projection?.requiredAnnualChange, Math.max(2, r.decimals)),
			num(r.projection?.actualAnnualChange, Math.max(2, r.decimals)),
			r.indicatorCode,
		]),
	};
	const gaps = rows.filter(({ r }) => r.gap);
	const gapSheet: XlsxSheet = {
		name: t("资源差距", "Resource gaps"),
		columns: [
			{ header: t("指标", "Indicator"), width: 34 },
			{ header: t("地区", "Area"), width: 20 },
			{ header: t("目标值", "Target"), width: 9 },
			{ header: t("人口", "Population"), width: 11 },
			{ header: t("现有", "Now"), width: 9 },
			{ header: t("按目标应有", "Required"), width: 11 },
			{ header: t("尚需增加", "Still needed"), width: 11 },
		],
		rows: gaps.flatMap(({ r }) => {
			const gap = r.gap as NonNullable<typeof r.gap>;
			return [gap.division, ...gap.areas].map((line): XlsxCell[] => [pick(r.name, locale), pick(line.name, locale), num(gap.targetValue, r.decimals), line.population, line.current, line.required, line.needed]);
		}),
	};
	const s = SECTION_TITLES(locale);
	const text: XlsxSheet = {
		name: t("评估说明", "Summary"),
		columns: [{ header: reportTitle(report, locale), width: 120 }],
		rows: [[reportSubtitle(report, locale)], [s.overall], [pick(report.paragraphs.overall, locale)], [s.binding], [pick(report.paragraphs.binding, locale)], [s.problems], [pick(report.paragraphs.problems, locale)], [s.data], [pick(report.paragraphs.data, locale)]],
	};
	return writeXlsx([table, gapSheet, text], { modifiedAt: new Date(report.generatedAt) });
}
