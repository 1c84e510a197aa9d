// The summary's workbook (buildSummaryXlsx). The generic writer moved to functions/commons/xlsx-write.ts; it is
// re-exported here so existing imports keep working.
import { type XlsxOptions, type XlsxSheet, writeXlsx } from "../commons/xlsx-write";
import {
	formatBeijingTime,
	formatMonthLabel,
	formatPercent,
	NATURE_LABELS,
	pick,
	STATUS_LABELS,
	SUBMISSION_LABELS,
	type SummaryModel,
} from "./model";

export { columnName, escapeXml, writeXlsx, XLSX_CONTENT_TYPE, type XlsxCell, type XlsxOptions, type XlsxSheet } from "../commons/xlsx-write";

/** Rounds to the indicator's decimals so the sheet shows what the email shows, still as a number. */
const round = (v: number | null, decimals: number): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(decimals)));

/** The summary's workbook: 指标进展 (indicator progress) and 填报情况 (reporting). */
export function buildSummaryXlsx(model: SummaryModel, options: XlsxOptions = {}): Uint8Array {
	const en = model.locale === "en";
	const L = (zh: string, english: string) => (en ? english : zh);
	const progress: XlsxSheet = {
		name: L("指标进展", "Indicator progress"),
		columns: [
			{ header: L("指标", "Indicator"), width: 36 },
			{ header: L("单位", "Unit"), width: 9 },
			{ header: L("性质", "Nature"), width: 9 },
			{ header: L("当前值", "Value"), width: 11 },
			{ header: L("规划目标", "Target"), width: 18 },
			{ header: L("进度期望值", "Expected now"), width: 12 },
			{ header: L("状态", "Status"), width: 11 },
			{ header: L("较上月变化", "Change since last month"), width: 13 },
			{ header: L("较基线变化", "Change since baseline"), width: 13 },
			{ header: L("95%区间", "95% interval"), width: 18 },
			{ header: L("说明", "Note"), width: 24 },
			{ header: L("分组", "Group"), width: 16 },
			{ header: L("代码", "Code"), width: 16 },
		],
		rows: model.indicators.map((i) => [
			i.name,
			i.uom,
			pick(NATURE_LABELS[i.nature], model.locale),
			round(i.value, i.decimals),
			i.target,
			round(i.expected, i.decimals),
			pick(STATUS_LABELS[i.status], model.locale),
			round(i.changeSinceLastMonth, i.decimals),
			round(i.changeSinceBaseline, i.decimals),
			i.interval ? `${round(i.interval.low, i.decimals)}–${round(i.interval.high, i.decimals)}` : null,
			[
				i.provisional ? L("数据不完整", "Provisional") : "",
				i.caution === "few-events" ? L("事件数少，解读需谨慎", "Few events") : "",
				!i.comparable && i.value !== null && i.previousValue !== null ? L("两月覆盖不同，未作比较", "Coverage differs from last month") : "",
			]
				.filter(Boolean)
				.join(L("；", "; ")) || null,
			i.groupName,
			i.code,
		]),
	};
	const onTimeText = (v: boolean | null): string => (v === null ? "—" : v ? L("按时", "On time") : L("逾期", "Late"));
	const reporting: XlsxSheet = {
		name: L("填报情况", "Reporting"),
		columns: [
			{ header: L("单位", "Unit"), width: 30 },
			{ header: L("填报状态", "Status"), width: 12 },
			{ header: L("是否按时", "On time"), width: 10 },
			{ header: L("提交时间（北京时间）", "Submitted at (Beijing time)"), width: 22 },
			{ header: L("单位代码", "Unit id"), width: 22 },
		],
		rows: [
			...model.reporting.units.map((u) => [
				u.unitName,
				pick(SUBMISSION_LABELS[u.status], model.locale),
				onTimeText(u.onTime),
				// Beijing time, as everywhere in the summary; empty for a unit that has not reported.
				u.submittedAt ? formatBeijingTime(u.submittedAt) : null,
				u.unitId,
			]),
			[],
			[L(`${formatMonthLabel(model.month, model.locale)} 报告率`, `Reporting rate, ${formatMonthLabel(model.month, model.locale)}`), formatPercent(model.reporting.reportingRate)],
			[L("及时率", "Timeliness rate"), formatPercent(model.reporting.timelinessRate)],
			[L("数据覆盖率", "Coverage"), formatPercent(model.reporting.coverageRate), model.reporting.provisional ? L("低于阈值，数字为暂定值", "below the threshold: provisional") : null],
			[L("生成时间（北京时间）", "Generated (Beijing time)"), formatBeijingTime(model.generatedAt)],
		],
	};
	return writeXlsx([progress, reporting], options);
}
