// Lambda: plan evaluation reports (GET /api/plans/{planId}/evaluation) as JSON, Word, Excel and HTML.
// A function of its own because the Word writer and the chart renderer (docx, ECharts, resvg: ~800 KB) would
// otherwise ride on every cold start of the analytics function that serves the dashboards; it also carries the
// chart font and wasm the Word report's charts need.
import { getApp } from "../commons/app";
import { createHandler } from "../commons/http";
import { createAnalyticsService } from "../commons/services/analytics";
import { createEvaluationRoute } from "../evaluation/route";

const app = getApp();
const analytics = createAnalyticsService(app);

export const handler = createHandler("reports", { "GET /api/plans/{planId}/evaluation": createEvaluationRoute(app, analytics) }, { catalog: app.catalog });
