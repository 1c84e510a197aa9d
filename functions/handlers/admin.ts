// Lambda: admin actions — verify aggregates, reopen a period, units, plans, users, audit, imports, exports.
// Nothing here sends mail: reminders live with the summaries function, which already carries the transport.
import * as z from "zod";
import { getApp } from "../commons/app";
import { contentDisposition, createHandler, parseWith, type RouteRequest } from "../commons/http";
import { createAdminService, planBodySchema, planCopySchema, reopenBodySchema, unitBodySchema, userCreateSchema, userPatchSchema } from "../commons/services/admin";
import { createAnalyticsService } from "../commons/services/analytics";
import { createSubmissionService } from "../commons/services/submissions";
import { monthSchema, periodParamSchema, periodSchema, planIdSchema } from "../commons/schemas";
import { XLSX_CONTENT_TYPE } from "../commons/xlsx-write";
import { createExportService } from "../imports/export-service";
import { createImportService } from "../imports/import-service";
import { exportQuerySchema, importIdSchema, importQuerySchema } from "../imports/schemas";
import { createMetadataRoutes } from "../metadata/routes";

const app = getApp();
const admin = createAdminService(app);
const analytics = createAnalyticsService(app);
const submissions = createSubmissionService(app);
const imports = createImportService(app);
const exports = createExportService(app);

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
		"POST /api/admin/plans": async (req) => ({ status: 201, body: await admin.copyPlan(by(req), parseWith(planCopySchema, req.json()), analytics.progress) }),
		"PUT /api/admin/plans/{planId}": async (req) => ({ body: await admin.putPlan(by(req), parseWith(planIdSchema, req.params.planId), parseWith(planBodySchema, req.json())) }),
		"GET /api/admin/users": async () => ({ body: { users: await admin.listUsers() } }),
		"POST /api/admin/users": async (req) => ({ status: 201, body: await admin.createUser(by(req), parseWith(userCreateSchema, req.json())) }),
		"PATCH /api/admin/users/{username}": async (req) => ({ body: await admin.patchUser(by(req), req.params.username as string, parseWith(userPatchSchema, req.json())) }),
		"POST /api/imports": async (req) => {
			const q = parseWith(importQuerySchema, req.query);
			const key = req.headers["idempotency-key"];
			const r = await imports.importFile({
				principal: req.principal!,
				bytes: req.rawBody(),
				contentType: req.headers["content-type"],
				decodedAsText: Boolean(req.event.body) && !req.event.isBase64Encoded,
				...(q.dryRun ? { dryRun: true } : {}),
				...(q.sheet ? { sheetName: q.sheet } : {}),
				...(key !== undefined ? { importId: parseWith(importIdSchema, key, "Idempotency-Key 无效 (invalid Idempotency-Key)") } : {}),
			});
			return { status: r.status, body: r.body, headers: { ...("importId" in r.body ? { location: `/api/imports/${r.body.importId}` } : {}) } };
		},
		"GET /api/imports/{importId}": async (req) => ({ body: await imports.get(parseWith(importIdSchema, req.params.importId)) }),
		"GET /api/exports": async (req) => {
			const q = parseWith(exportQuerySchema, req.query);
			const out = await exports.exportWorkbook({ ...(q.period ? { period: q.period } : {}), ...(q.plan ? { planId: q.plan } : {}), orgUnit: req.access.orgUnit ?? req.principal!.orgScope });
			return {
				binary: out.bytes,
				headers: { "content-type": XLSX_CONTENT_TYPE, "content-disposition": contentDisposition(out.filename, out.asciiFilename), "cache-control": "no-store" },
			};
		},
		"GET /api/admin/audit": async (req) => {
			const q = parseWith(auditQuery, req.query);
			return { body: { events: await admin.audit.list(q.month ?? app.now().toISOString().slice(0, 7)) } };
		},
		...createMetadataRoutes(app),
	},
	{ catalog: app.catalog },
);
