// Lambda: admin actions — verify aggregates, reopen a period, units, plans, users, audit, imports, exports.
// Nothing here sends mail: reminders live with the summaries function, which already carries the transport.
import * as z from "zod";
import { getApp } from "../commons/app";
import { createHandler, parseWith, type RouteRequest } from "../commons/http";
import { createAdminService, planBodySchema, reopenBodySchema, unitBodySchema, userCreateSchema, userPatchSchema } from "../commons/services/admin";
import { createAnalyticsService } from "../commons/services/analytics";
import { createImportRoutes } from "../commons/services/imports";
import { createSubmissionService } from "../commons/services/submissions";
import { monthSchema, periodParamSchema, periodSchema, planIdSchema } from "../commons/schemas";

const app = getApp();
const admin = createAdminService(app);
const analytics = createAnalyticsService(app);
const submissions = createSubmissionService(app);
const imports = createImportRoutes(app);

const verifyQuery = z.object({ period: periodSchema.optional() }).passthrough();
const auditQuery = z.object({ month: monthSchema.optional() }).passthrough();
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
		"PUT /api/admin/units/{unitId}": async (req) => ({ body: await admin.putUnit(by(req), parseWith(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/), req.params.unitId), parseWith(unitBodySchema, req.json())) }),
		"PUT /api/admin/plans/{planId}": async (req) => ({ body: await admin.putPlan(by(req), parseWith(planIdSchema, req.params.planId), parseWith(planBodySchema, req.json())) }),
		"GET /api/admin/users": async () => ({ body: { users: await admin.listUsers() } }),
		"POST /api/admin/users": async (req) => ({ status: 201, body: await admin.createUser(by(req), parseWith(userCreateSchema, req.json())) }),
		"PATCH /api/admin/users/{username}": async (req) => ({ body: await admin.patchUser(by(req), req.params.username as string, parseWith(userPatchSchema, req.json())) }),
		"POST /api/imports": imports.postImport,
		"GET /api/imports/{importId}": imports.getImport,
		"GET /api/exports": imports.getExport,
		"GET /api/admin/audit": async (req) => {
			const q = parseWith(auditQuery, req.query);
			return { body: { events: await admin.audit.list(q.month ?? app.now().toISOString().slice(0, 7)) } };
		},
	},
	{ catalog: app.catalog },
);
