// The formula editor's preview: what a draft indicator (not yet saved) gives for an area or the division and
// the last complete month, read from the same aggregate items the dashboards read. Element values follow the
// dashboards' time semantics (flows year to date, stocks the month's value plus carried units, yearly figures
// the latest within five years); analytics.ts keeps its reader private, so the few lines are repeated here.
import * as z from "zod/mini";
import type { App } from "../commons/app";
import { AppError, notFound } from "../commons/errors";
import type { IndicatorPreview } from "../core/api-types";
import { readAgg, readCarried } from "../core/aggregation";
import { formulaCodes } from "../core/formula";
import { evaluateIndicator, roundTo } from "../core/indicator-eval";
import { checkFormula } from "../core/metadata-rules";
import { lastFullMonth, monthRange } from "../core/periods";

const YEARLY_LOOKBACK = 5;

const formula = z.string().check(z.trim(), z.minLength(1, { error: "公式必填 (formula required)" }), z.maxLength(4000));
export const previewBodySchema = z.strictObject({
	numerator: formula,
	denominator: formula,
	factor: z.number().check(z.positive(), z.lte(1_000_000)),
	decimals: z.optional(z.int().check(z.gte(0), z.lte(6))),
	orgUnit: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/))),
	period: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: "月份为 YYYY-MM (YYYY-MM)" }))),
});
export type PreviewBody = z.infer<typeof previewBodySchema>;

export const previewIndicator = async (app: App, body: PreviewBody): Promise<IndicatorPreview> => {
	const idx = await app.catalog();
	const problems = [checkFormula("numerator", body.numerator, idx.elementByCode), checkFormula("denominator", body.denominator, idx.elementByCode)].filter((p) => p !== null);
	if (problems.length) throw new AppError("bad-request", "公式有误 (invalid formula)", Object.fromEntries(problems.map((p) => [p.field, p.message])), { formula: problems });
	const orgId = body.orgUnit ?? idx.divisionId;
	const org = idx.unitById.get(orgId);
	if (!org) throw notFound(`未知机构 ${orgId} (unknown org unit)`);
	if (org.level === "unit") throw new AppError("bad-request", "预览只针对垦区或师 (preview an area or the division)", { orgUnit: "应为垦区或师 (an area or the division)" });
	const period = body.period ?? lastFullMonth(app.now());
	const year = Number(period.slice(0, 4));
	const repo = app.submissions(idx);
	const months = monthRange(`${year}-01`, period);
	const yrYears = Array.from({ length: YEARLY_LOOKBACK }, (_, i) => String(year - YEARLY_LOOKBACK + 1 + i));
	const [m, yr] = await Promise.all([
		repo.aggregates(org.id, "M", months[0] as string, period, months),
		repo.aggregates(org.id, "YR", yrYears[0] as string, String(year), yrYears),
	]);
	const elementValue = (code: string): { value: number; units: number } | null => {
		const el = idx.elementByCode.get(code);
		if (!el) return null;
		if (el.overTime === "yearly") {
			for (let y = year; y > year - YEARLY_LOOKBACK; y--) {
				const v = readAgg(yr.get(String(y)), code, "all");
				if (v) return { value: v.sum, units: v.count };
			}
			return null;
		}
		if (el.overTime === "stock") {
			const fresh = readAgg(m.get(period), code, "all");
			const carried = readCarried(m.get(period), code, "all");
			if (!fresh && !carried) return null;
			return { value: (fresh?.sum ?? 0) + (carried?.sum ?? 0), units: (fresh?.count ?? 0) + (carried?.count ?? 0) };
		}
		const parts = months.map((mm) => readAgg(m.get(mm), code, "all")).filter((v) => v !== null);
		if (parts.length === 0) return null;
		return { value: parts.reduce((a, v) => a + v.sum, 0), units: readAgg(m.get(period), code, "all")?.count ?? 0 };
	};
	const codes = [...new Set([...formulaCodes(body.numerator), ...formulaCodes(body.denominator)])];
	const elements = Object.fromEntries(codes.map((c) => [c, elementValue(c)]));
	const v = evaluateIndicator(body, (c) => elements[c]?.value ?? null);
	return { orgUnit: org.id, period, value: roundTo(v.value, body.decimals ?? 2), numerator: v.numerator, denominator: v.denominator, elements };
};
