// The metadata routes' implementations, the metadata Lambda's (handlers/metadata.ts): parse at the edge,
// call the service, map to a response. Revisions travel as ETag / If-Match, as submissions' versions do.
import type { App } from "../commons/app";
import { parseWith, type RouteImpl, type RouteRequest } from "../commons/http";
import { parseIfMatch } from "../commons/services/submissions";
import { createCatalogTransfer } from "./catalog-transfer";
import { previewBodySchema, previewIndicator } from "./preview";
import { createRebuildService } from "./rebuild";
import {
	elementCodeSchema,
	elementCreateSchema,
	elementUpdateSchema,
	indicatorCodeSchema,
	indicatorCreateSchema,
	indicatorUpdateSchema,
	importQuerySchema,
	jobIdSchema,
	rebuildQuerySchema,
	rebuildStartSchema,
	ruleBodySchema,
	ruleIdSchema,
} from "./schemas";
import { createMetadataService, type WithRev } from "./service";
import { etagOf } from "./store";

const by = (req: RouteRequest) => req.principal?.sub ?? "unknown";
const withEtag = <T>(r: WithRev<T>, status = 200) => ({ status, body: { ...r.item, rev: r.rev }, headers: { etag: etagOf(r.rev) } });
const ifMatch = (req: RouteRequest) => parseIfMatch(req.headers["if-match"]);

export const createMetadataRoutes = (app: App): Record<string, RouteImpl> => {
	const rebuild = createRebuildService(app);
	const metadata = createMetadataService(app, rebuild);
	const transfer = createCatalogTransfer(app, rebuild);
	return {
		"GET /api/admin/metadata": async () => ({ body: await metadata.overview() }),
		"POST /api/admin/data-elements": async (req) => withEtag(await metadata.createElement(by(req), parseWith(elementCreateSchema, req.json())), 201),
		"PUT /api/admin/data-elements/{code}": async (req) => {
			const code = parseWith(elementCodeSchema, req.params.code);
			const q = parseWith(rebuildQuerySchema, req.query);
			const r = await metadata.updateElement(by(req), code, parseWith(elementUpdateSchema, req.json()), { ifMatch: ifMatch(req), rebuild: q.rebuild === true });
			if (!r.job) return withEtag(r);
			return { status: 202, body: { ...r.item, rev: r.rev, rebuild: r.job }, headers: { etag: etagOf(r.rev), location: `/api/admin/rebuild-aggregates/${r.job.jobId}` } };
		},
		"POST /api/admin/indicators": async (req) => withEtag(await metadata.createIndicator(by(req), parseWith(indicatorCreateSchema, req.json())), 201),
		"PUT /api/admin/indicators/{code}": async (req) =>
			withEtag(await metadata.updateIndicator(by(req), parseWith(indicatorCodeSchema, req.params.code), parseWith(indicatorUpdateSchema, req.json()), { ifMatch: ifMatch(req) })),
		"POST /api/admin/indicators/preview": async (req) => ({ body: await previewIndicator(app, parseWith(previewBodySchema, req.json())) }),
		"POST /api/admin/validation-rules/{id}": async (req) =>
			withEtag(await metadata.putRule(by(req), parseWith(ruleIdSchema, req.params.id), parseWith(ruleBodySchema, req.json()), { create: true }), 201),
		"PUT /api/admin/validation-rules/{id}": async (req) =>
			withEtag(await metadata.putRule(by(req), parseWith(ruleIdSchema, req.params.id), parseWith(ruleBodySchema, req.json()), { create: false, ifMatch: ifMatch(req) })),
		"DELETE /api/admin/validation-rules/{id}": async (req) => {
			await metadata.deleteRule(by(req), parseWith(ruleIdSchema, req.params.id), { ifMatch: ifMatch(req) });
			return { status: 204 };
		},
		"POST /api/admin/rebuild-aggregates": async (req) => {
			const body = req.rawBody().length ? parseWith(rebuildStartSchema, req.json()) : {};
			const job = await rebuild.start(by(req), body);
			return { status: 202, body: job, headers: { location: `/api/admin/rebuild-aggregates/${job.jobId}` } };
		},
		"GET /api/admin/rebuild-aggregates/{jobId}": async (req) => ({ body: await rebuild.status(parseWith(jobIdSchema, req.params.jobId)) }),
		"GET /api/admin/catalog/export": async () => ({ body: await transfer.exportCatalog(), headers: { "content-disposition": 'attachment; filename="catalog.json"' } }),
		"POST /api/admin/catalog/import": async (req) => {
			const q = parseWith(importQuerySchema, req.query);
			const r = await transfer.importCatalog(by(req), req.json(), { dryRun: q.dryRun === true, rebuild: q.rebuild === true });
			return { status: r.job ? 202 : 200, body: r };
		},
	};
};
