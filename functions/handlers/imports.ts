// Lambda: workbook imports (.xlsx / .csv, with dry run and resumable, idempotent jobs) and exports. Its own
// function so the workbook reader and writer stay out of the admin function's cold start.
import { getApp } from "../commons/app";
import { config } from "../commons/config";
import { contentDisposition, createHandler, parseWith } from "../commons/http";
import { XLSX_CONTENT_TYPE } from "../commons/xlsx-write";
import { createExportService } from "../imports/export-service";
import { createImportService } from "../imports/import-service";
import { exportQuerySchema, importIdSchema, importQuerySchema } from "../imports/schemas";

const app = getApp();
const imports = createImportService(app, { budgetMs: config.importBudgetMs });
const exports = createExportService(app);

export const handler = createHandler(
	"imports",
	{
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
	},
	{ catalog: app.catalog },
);
