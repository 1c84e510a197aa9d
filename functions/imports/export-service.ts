// GET /api/exports: the import layout for every unit under an org that has a form for the period (so an
// edited copy can be imported again), plus the plan's progress and a data-element glossary.
import { isWithin } from "../core/catalog-index";
import { exportElements, exportRows } from "../core/import-sheet";
import { STATUS_LABELS } from "../core/labels";
import { lastFullMonth } from "../core/periods";
import type { App } from "../commons/app";
import { notFound } from "../commons/errors";
import { createAnalyticsService } from "../commons/services/analytics";
import { writeXlsx, type XlsxSheet } from "../commons/xlsx-write";

export const createExportService = (app: App) => {
	const analytics = createAnalyticsService(app);

	/** The import layout for every unit under `orgUnit` that has a form for `period`, plus the indicators. */
	const exportWorkbook = async (q: { period?: string; orgUnit: string; planId?: string }): Promise<{ bytes: Uint8Array; filename: string; asciiFilename: string }> => {
		const idx = await app.catalog();
		const now = app.now();
		const period = q.period ?? lastFullMonth(now);
		const org = idx.unitById.get(q.orgUnit);
		if (!org) throw notFound(`未知机构 ${q.orgUnit} (unknown org unit)`);
		const units = [...idx.unitById.values()].filter((u) => u.level === "unit" && isWithin(idx, u.id, org.id));
		const unitIds = new Set(units.map((u) => u.id));
		const subs = (await app.submissions(idx).listForPeriod(period)).filter((s) => unitIds.has(s.unitId));
		const elements = exportElements(idx, units, period);
		const data = exportRows(idx, elements, subs);
		// The plan a dashboard opens with (web/src/lib/session.ts): the most recent one started by the period's year.
		const year = Number(period.slice(0, 4));
		const plan = q.planId
			? idx.planById.get(q.planId)
			: ([...idx.catalog.plans].filter((p) => p.startYear <= year).sort((a, b) => b.startYear - a.startYear || b.endYear - a.endYear)[0] ?? idx.catalog.plans[0]);
		if (!plan) throw notFound(`未知规划 ${q.planId} (unknown plan)`);
		const progress = await analytics.progress({ planId: plan.id, period, orgUnit: org.id });
		const sheets: XlsxSheet[] = [
			{
				name: "填报数据",
				columns: data.headers.map((h, i) => ({ header: h, width: i === 1 ? 28 : i === 4 ? 24 : i < 7 ? 10 : Math.max(10, h.length + 2) })),
				rows: data.rows,
			},
			{
				name: "指标进展",
				columns: [
					{ header: "指标代码", width: 22 },
					{ header: "指标名称", width: 36 },
					{ header: "计量单位", width: 9 },
					{ header: "当前值", width: 11 },
					{ header: "分子", width: 12 },
					{ header: "分母", width: 12 },
					{ header: "规划目标", width: 18 },
					{ header: "进度期望值", width: 12 },
					{ header: "状态", width: 10 },
					{ header: "已报单位", width: 9 },
					{ header: "应报单位", width: 9 },
				],
				rows: progress.rows.map((r) => [
					r.indicatorCode,
					r.name.zh,
					r.uom.zh,
					r.value === null ? null : Number(r.value.toFixed(r.decimals)),
					r.numerator,
					r.denominator,
					r.target ? `${r.target.printed}（${r.target.year}年）` : null,
					r.expected === null ? null : Number(r.expected.toFixed(r.decimals)),
					STATUS_LABELS[r.status].zh,
					r.coverage.reported,
					r.coverage.expected,
				]),
			},
			{
				name: "数据项说明",
				columns: [
					{ header: "代码", width: 24 },
					{ header: "名称", width: 30 },
					{ header: "Name", width: 36 },
					{ header: "计量单位", width: 9 },
					{ header: "类型", width: 9 },
					{ header: "最小值", width: 9 },
					{ header: "最大值", width: 11 },
					{ header: "上报必填", width: 9 },
				],
				rows: elements.map((e) => [e.code, e.name.zh, e.name.en, e.uom.zh, { integer: "整数", number: "数值", percent: "百分比" }[e.valueType], e.min, e.max, e.requiredToSubmit ? "是" : "否"]),
			},
		];
		const bytes = writeXlsx(sheets, { modifiedAt: now });
		const place = org.level === "division" ? "" : `${org.name.zh}_`;
		return { bytes, filename: `健康规划数据_${place}${period}.xlsx`, asciiFilename: `health-plan-data_${org.id}_${period}.xlsx` };
	};

	return { exportWorkbook };
};

export type ExportService = ReturnType<typeof createExportService>;
