// Lambda: progress against plan targets, indicator series and breakdowns, completeness. (Plan evaluations are
// the reports function: functions/handlers/reports.ts.)
import * as z from "zod/mini";
import { getApp } from "../commons/app";
import { createHandler, parseWith } from "../commons/http";
import { createAnalyticsService } from "../commons/services/analytics";
import { periodSchema, planIdSchema } from "../commons/schemas";
import { isMonth } from "../core/periods";

const app = getApp();
const analytics = createAnalyticsService(app);

const period = periodSchema;
const flag = z.optional(z.pipe(z.enum(["true", "false"], { error: "应为 true 或 false (true or false)" }), z.transform((v) => v === "true")));
const plan = z.optional(planIdSchema);
const trendError = { error: "trend 应为1-24的整数 (trend must be 1-24)" };
const progressQuery = z.looseObject({
	plan,
	period: z.optional(period),
	approvedOnly: flag,
	trend: z.optional(z.coerce.number(trendError).check(z.refine(Number.isInteger, trendError), z.gte(1), z.lte(24))),
});
const seriesQuery = z
	.looseObject({ from: period, to: period, plan, approvedOnly: flag })
	.check(z.refine((q) => isMonth(q.from) === isMonth(q.to) && q.from <= q.to, { error: "from 与 to 须同类且 from ≤ to (from and to must be the same kind, from ≤ to)", path: ["to"] }));
const periodQuery = z.looseObject({ period, plan, approvedOnly: flag });
const completenessQuery = z.looseObject({ period });
const code = z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: "指标代码格式错误 (bad indicator code)" }));

export const handler = createHandler(
	"analytics",
	{
		"GET /api/progress": async (req) => {
			const q = parseWith(progressQuery, req.query);
			return { body: await analytics.progress({ planId: q.plan, period: q.period, orgUnit: req.access.orgUnit!, approvedOnly: q.approvedOnly, trend: q.trend }) };
		},
		"GET /api/indicators/{code}/series": async (req) => {
			const q = parseWith(seriesQuery, req.query);
			return { body: await analytics.series({ code: parseWith(code, req.params.code), orgUnit: req.access.orgUnit!, from: q.from, to: q.to, planId: q.plan, approvedOnly: q.approvedOnly }) };
		},
		"GET /api/indicators/{code}/breakdown": async (req) => {
			const q = parseWith(periodQuery, req.query);
			return { body: await analytics.breakdown({ code: parseWith(code, req.params.code), orgUnit: req.access.orgUnit!, period: q.period, planId: q.plan, approvedOnly: q.approvedOnly }) };
		},
		"GET /api/completeness": async (req) => {
			const q = parseWith(completenessQuery, req.query);
			return { body: await analytics.completeness({ period: q.period, orgUnit: req.access.orgUnit! }) };
		},
	},
	{ catalog: app.catalog },
);
