// Lambda: progress against plan targets, indicator series and breakdowns, completeness. (Plan evaluations are
// the reports function: functions/handlers/reports.ts.)
import * as z from "zod";
import { getApp } from "../commons/app";
import { createHandler, parseWith } from "../commons/http";
import { createAnalyticsService } from "../commons/services/analytics";
import { periodSchema, planIdSchema } from "../commons/schemas";
import { isMonth } from "../core/periods";

const app = getApp();
const analytics = createAnalyticsService(app);

const period = periodSchema;
const flag = z.enum(["true", "false"], { error: "应为 true 或 false (true or false)" }).transform((v) => v === "true").optional();
const plan = planIdSchema.optional();
const progressQuery = z
	.object({ plan, period: period.optional(), approvedOnly: flag, trend: z.coerce.number({ error: "trend 应为1-24的整数 (trend must be 1-24)" }).int().min(1).max(24).optional() })
	.passthrough();
const seriesQuery = z
	.object({ from: period, to: period, plan, approvedOnly: flag })
	.passthrough()
	.refine((q) => isMonth(q.from) === isMonth(q.to) && q.from <= q.to, { error: "from 与 to 须同类且 from ≤ to (from and to must be the same kind, from ≤ to)", path: ["to"] });
const periodQuery = z.object({ period, plan, approvedOnly: flag }).passthrough();
const completenessQuery = z.object({ period }).passthrough();
const code = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: "指标代码格式错误 (bad indicator code)" });

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
