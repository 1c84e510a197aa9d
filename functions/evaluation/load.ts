// Loads the numbers an evaluation needs through the analytics service (the same figures /api/progress,
// /series and /breakdown serve, so the report never disagrees with the dashboard) and builds the report.
// Reads: one progress, one yearly series per indicator, and a 垦区 breakdown for the few indicators that
// need one (resource gaps and the main problems), a handful at a time.
import type { SeriesPoint } from "../core/api-types";
import { mapPool } from "../core/pool";
import { breakdownCodes, buildEvaluation, type EvaluationInput } from "../core/evaluation";
import type { EvaluationReport } from "../core/api-types";
import type { App } from "../commons/app";
import { AppError, notFound } from "../commons/errors";
import type { AnalyticsService } from "../commons/services/analytics";

export interface EvaluationQuery {
	planId: string;
	year: number;
	orgUnit: string;
	approvedOnly?: boolean;
}

export const createEvaluationService = (app: App, analytics: AnalyticsService) => {
	const evaluate = async (q: EvaluationQuery): Promise<EvaluationReport> => {
		const idx = await app.catalog();
		const plan = idx.planById.get(q.planId);
		if (!plan) throw notFound(`未知规划 ${q.planId} (unknown plan)`);
		const org = idx.unitById.get(q.orgUnit);
		if (!org) throw notFound(`未知机构 ${q.orgUnit} (unknown org unit)`);
		if (org.level === "unit") {
			throw new AppError("bad-request", "评估报告按师市或垦区编制 (an evaluation covers the division or a 垦区)", { orgUnit: "应为师市或垦区 (the division or a 垦区)" });
		}
		const currentYear = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(app.now()));
		if (q.year < plan.baseYear || q.year > currentYear) {
			throw new AppError("bad-request", `评估年份应在${plan.baseYear}至${currentYear}年之间 (year must be ${plan.baseYear}–${currentYear})`, { year: `${plan.baseYear}–${currentYear}` });
		}
		const approvedOnly = q.approvedOnly;
		const from = String(Math.min(plan.baseYear, q.year));
		const progress = await analytics.progress({ planId: plan.id, period: String(q.year), orgUnit: org.id, ...(approvedOnly !== undefined ? { approvedOnly } : {}) });
		const codes = plan.indicators.map((pi) => pi.indicatorCode).filter((c) => idx.indicatorByCode.has(c));
		const seriesList = await mapPool(codes, 4, (code) =>
			analytics.series({ code, orgUnit: org.id, from, to: String(q.year), planId: plan.id, ...(approvedOnly !== undefined ? { approvedOnly } : {}) }),
		);
		const series: Record<string, SeriesPoint[]> = Object.fromEntries(seriesList.map((s) => [s.indicatorCode, s.points]));
		const input: EvaluationInput = {
			plan,
			indicatorByCode: idx.indicatorByCode,
			elementByCode: idx.elementByCode,
			org: { id: org.id, name: org.name, level: org.level },
			year: q.year,
			progress: progress.rows,
			series,
			currentYear,
			asOf: progress.asOf,
			generatedAt: app.now().toISOString(),
			approvedOnly: progress.approvedOnly,
		};
		const needed = breakdownCodes(input);
		const breakdownList = await mapPool(needed, 2, (code) =>
			analytics.breakdown({ code, orgUnit: org.id, period: String(q.year), ...(approvedOnly !== undefined ? { approvedOnly } : {}) }),
		);
		const breakdowns = Object.fromEntries(breakdownList.map((b) => [b.indicatorCode, b.rows.map((r) => ({ ...r, level: idx.unitById.get(r.orgUnit)?.level ?? "unit" }))]));
		return buildEvaluation({ ...input, breakdowns });
	};
	return { evaluate };
};

export type EvaluationService = ReturnType<typeof createEvaluationService>;
