// Lambda: admin actions — verify aggregates, reopen a period, units, plans, audit. User admin
// (functions/handlers/users.ts), workbook imports and exports (functions/handlers/imports.ts) and metadata
// (functions/handlers/metadata.ts) are their own functions: each carries what only it needs (the Cognito admin
// client, the workbook reader and writer, the metadata service and rebuild), which keeps this one's bundle and
// cold start near the floor (docs/performance.md).
import * as z from "zod/mini";
import { getApp } from "../commons/app";
import { createHandler, parseWith, type RouteRequest } from "../commons/http";
import { createAdminService, planBodySchema, planCopySchema, reopenBodySchema, unitBodySchema } from "../commons/services/admin";
import { createAnalyticsService } from "../commons/services/analytics";
import { createSubmissionService } from "../commons/services/submissions";
import { monthSchema, periodParamSchema, periodSchema, planIdSchema } from "../commons/schemas";

const app = getApp();
const admin = createAdminService(app);
const analytics = createAnalyticsService(app);
const submissions = createSubmissionService(app);

const verifyQuery = z.looseObject({ period: z.optional(periodSchema) });
const auditQuery = z.looseObject({ month: z.optional(monthSchema) });
const unitId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/));
const by = (req: RouteRequest) => req.principal!.sub;

export const handler = createHandler(
	"admin",
	{
		"POST /api/admin/verify-aggregates": async (req) => ({ body: await analytics.verifyAggregates(parseWith(verifyQuery, req.query)) }),
		"POST /api/admin/periods/{unitId}/{period}/reopen": async (req) => {
			const period = parseWith(periodParamSchema, req.params.period);
			const { reason } = parseWith(reopenBodySchema, req.json());
			const view = await submissions.reopen(req.principal!, req.params.unitId as string, period, reason);
			await admin.audit.record({ at: view.submission.updatedAt, by: by(req), action: "period.reopen", target: `${req.params.unitId}/${period}`, detail: { reason } });
			return { body: view };
		},
		"PUT /api/admin/units/{unitId}": async (req) => ({ body: await admin.putUnit(by(req), parseWith(unitId, req.params.unitId), parseWith(unitBodySchema, req.json())) }),
		"POST /api/admin/plans": async (req) => ({ status: 201, body: await admin.copyPlan(by(req), parseWith(planCopySchema, req.json()), analytics.progress) }),
		"PUT /api/admin/plans/{planId}": async (req) => ({ body: await admin.putPlan(by(req), parseWith(planIdSchema, req.params.planId), parseWith(planBodySchema, req.json())) }),
		"GET /api/admin/audit": async (req) => {
			const q = parseWith(auditQuery, req.query);
			return { body: { events: await admin.audit.list(q.month ?? app.now().toISOString().slice(0, 7)) } };
		},
	},
	{ catalog: app.catalog },
);
