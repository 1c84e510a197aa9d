// Which figures are being recalculated right now: the elements of the running aggregate rebuild (the one
// REBUILD/ACTIVE item), and the indicators of a plan that use them. Dashboards show those as 重新计算中
// instead of numbers that are half old and half new. One GetItem per call.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { App } from "../commons/app";
import { keys } from "../commons/keys";
import type { CatalogIndex } from "../core/catalog-index";
import { indicatorElements } from "../core/metadata-rules";
import type { Plan } from "../core/types";

export const activeRebuild = async (app: Pick<App, "doc" | "table">): Promise<{ jobId: string; elements: string[] } | null> => {
	const r = await app.doc.send(new GetCommand({ TableName: app.table, Key: keys.rebuildActive() }));
	return r.Item ? { jobId: String(r.Item.jobId), elements: (r.Item.elements as string[] | undefined) ?? [] } : null;
};

/** Codes of the plan's indicators whose formulas use an element the running rebuild recalculates. */
export const recalculatingIndicators = async (app: Pick<App, "doc" | "table">, idx: CatalogIndex, plan: Pick<Plan, "indicators">): Promise<string[]> => {
	const active = await activeRebuild(app);
	if (!active || active.elements.length === 0) return [];
	const elements = new Set(active.elements);
	return plan.indicators
		.map((pi) => idx.indicatorByCode.get(pi.indicatorCode))
		.filter((ind) => ind !== undefined && indicatorElements(ind).some((c) => elements.has(c)))
		.map((ind) => ind?.code as string);
};
