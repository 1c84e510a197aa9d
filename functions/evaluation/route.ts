// GET /api/plans/{planId}/evaluation?year=YYYY&orgUnit=ID&format=json|docx|xlsx|html&lang=zh-CN|en
// The query is validated here, at the edge; the access policy has already checked roles and the orgUnit scope.
import * as z from "zod";
import type { App } from "../commons/app";
import { contentDisposition, parseWith, type RouteImpl } from "../commons/http";
import type { AnalyticsService } from "../commons/services/analytics";
import { XLSX_CONTENT_TYPE } from "../summary/xlsx";
import { createEvaluationService } from "./load";
import { renderEvaluationHtml } from "./render-html";
import { renderEvaluationXlsx } from "./render-xlsx";
import { reportFileName } from "./text";

export const evaluationQuerySchema = z
	.object({
		year: z.coerce.number({ error: "year 应为四位年份 (year must be YYYY)" }).int({ error: "year 应为四位年份 (year must be YYYY)" }).min(1990).max(2100),
		format: z.enum(["json", "docx", "xlsx", "html"], { error: "format 应为 json/docx/xlsx/html" }).default("json"),
		lang: z.enum(["zh-CN", "en"], { error: "lang 应为 zh-CN 或 en" }).default("zh-CN"),
		approvedOnly: z
			.enum(["true", "false"], { error: "应为 true 或 false (true or false)" })
			.transform((v) => v === "true")
			.optional(),
	})
	.passthrough();
export type EvaluationQueryParams = z.infer<typeof evaluationQuerySchema>;

export const planIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: "规划编号格式错误 (bad plan id)" });

export const createEvaluationRoute = (app: App, analytics: AnalyticsService): RouteImpl => {
	const service = createEvaluationService(app, analytics);
	return async (req) => {
		const planId = parseWith(planIdSchema, req.params.planId);
		const q = parseWith(evaluationQuerySchema, req.query);
		const report = await service.evaluate({ planId, year: q.year, orgUnit: req.access.orgUnit ?? req.principal!.orgScope, ...(q.approvedOnly !== undefined ? { approvedOnly: q.approvedOnly } : {}) });
		if (q.format === "json") return { body: report };
		const name = reportFileName(report, q.lang);
		const download = (bytes: Uint8Array, type: string, ext: string) => ({
			binary: bytes,
			headers: { "content-type": type, "content-disposition": contentDisposition(`${name.unicode}.${ext}`, `${name.ascii}.${ext}`), "cache-control": "no-store" },
		});
		if (q.format === "xlsx") return download(renderEvaluationXlsx(report, q.lang), XLSX_CONTENT_TYPE, "xlsx");
		if (q.format === "docx") {
			// docx, ECharts and resvg load on the first Word download, not on every cold start of the analytics function.
			const { DOCX_CONTENT_TYPE, renderEvaluationDocx } = await import("./render-docx");
			return download(await renderEvaluationDocx(report, q.lang), DOCX_CONTENT_TYPE, "docx");
		}
		return { text: renderEvaluationHtml(report, q.lang), headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } };
	};
};
