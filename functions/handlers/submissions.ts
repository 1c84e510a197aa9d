// Lambda: entry forms, save/submit, history, approve/return and the approval queue.
import { getApp } from "../commons/app";
import { createHandler, parseWith, type RouteRequest } from "../commons/http";
import { approvalQueue, queueQuerySchema } from "../commons/services/approvals";
import { idempotencyKeySchema, periodParamSchema } from "../commons/schemas";
import { createSubmissionService, parseIfMatch, reviewBodySchema, submissionBodySchema } from "../commons/services/submissions";

const app = getApp();
const service = createSubmissionService(app);

const target = (req: RouteRequest) => ({ unitId: req.params.unitId as string, period: parseWith(periodParamSchema, req.params.period, "期间格式错误 (bad period)") });

export const handler = createHandler(
	"submissions",
	{
		"GET /api/forms/{unitId}/{period}": async (req) => {
			const t = target(req);
			return { body: await service.form(t.unitId, t.period) };
		},
		"GET /api/submissions/{unitId}/{period}": async (req) => {
			const t = target(req);
			const view = await service.get(t.unitId, t.period);
			return { body: view, headers: { etag: `"${view.submission.version}"` } };
		},
		"GET /api/submissions/{unitId}/{period}/history": async (req) => {
			const t = target(req);
			return { body: { versions: await service.history(t.unitId, t.period) } };
		},
		"PUT /api/submissions/{unitId}/{period}": async (req) => {
			const t = target(req);
			const key = req.headers["idempotency-key"];
			const r = await service.put({
				principal: req.principal!,
				...t,
				body: parseWith(submissionBodySchema, req.json()),
				ifMatch: parseIfMatch(req.headers["if-match"]),
				...(key !== undefined ? { idempotencyKey: parseWith(idempotencyKeySchema, key, "Idempotency-Key 格式错误 (bad Idempotency-Key)") } : {}),
			});
			return { status: r.status, body: r.body, headers: { etag: `"${r.body.submission.version}"`, ...(r.replayed ? { "idempotent-replayed": "true" } : {}) } };
		},
		"POST /api/submissions/{unitId}/{period}/approve": async (req) => {
			const t = target(req);
			return { body: await service.review(req.principal!, t.unitId, t.period, "approve", parseWith(reviewBodySchema, req.rawBody().length ? req.json() : {})) };
		},
		"POST /api/submissions/{unitId}/{period}/return": async (req) => {
			const t = target(req);
			return { body: await service.review(req.principal!, t.unitId, t.period, "return", parseWith(reviewBodySchema, req.json())) };
		},
		"GET /api/approvals": async (req) => ({ body: await approvalQueue(app, req.access.orgUnit!, parseWith(queueQuerySchema, req.query)) }),
	},
	{ catalog: app.catalog },
);
