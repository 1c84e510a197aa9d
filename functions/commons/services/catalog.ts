// Read views of the catalog. Indicators are returned per plan with their baseline, targets, direction
// and nature, so a client needs no second call to show a plan.
import type { DataElementsView, IndicatorMeta } from "../../core/api-types";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import * as z from "zod/mini";
import { formulaCodes } from "../../core/formula";
import { finalTarget } from "../../core/targets";
import type { Principal } from "../../core/types";
import type { App } from "../app";
import { notFound } from "../errors";
import { planIdSchema } from "../schemas";

export const planQuerySchema = z.looseObject({ plan: z.optional(planIdSchema) });

export const catalogViews = (app: App) => ({
	health: async () => {
		const started = Date.now();
		// A cheap call that proves the table is reachable.
		await app.doc.send(new DescribeTableCommand({ TableName: app.table }));
		return { status: "ok", time: new Date().toISOString(), dbMs: Date.now() - started };
	},
	me: async (p: Principal) => {
		const idx = await app.catalog();
		return { ...p, org: idx.unitById.get(p.orgScope) ?? null };
	},
	plans: async () => {
		const idx = await app.catalog();
		return idx.catalog.plans.map(({ indicators, ...plan }) => ({ ...plan, indicatorCount: indicators.length }));
	},
	indicators: async (planId?: string): Promise<IndicatorMeta[]> => {
		const idx = await app.catalog();
		const plans = planId ? [idx.planById.get(planId)] : idx.catalog.plans;
		if (plans.some((p) => p === undefined)) throw notFound(`未知规划 ${planId} (unknown plan)`);
		return plans.flatMap((plan) =>
			(plan?.indicators ?? []).map((pi) => {
				const ind = idx.indicatorByCode.get(pi.indicatorCode);
				return {
					planId: plan?.id ?? "",
					code: pi.indicatorCode,
					name: ind?.name ?? { zh: pi.indicatorCode, en: pi.indicatorCode },
					uom: ind?.uom ?? { zh: "", en: "" },
					group: pi.group,
					order: pi.order,
					...(ind?.parentCode ? { parentCode: ind.parentCode } : {}),
					baseline: pi.baseline,
					target: finalTarget(pi),
					targets: pi.targets,
					direction: pi.direction,
					nature: pi.nature,
					...(pi.note ? { note: pi.note } : {}),
					numerator: ind?.numerator ?? "",
					denominator: ind?.denominator ?? "1",
					factor: ind?.factor ?? 1,
					decimals: ind?.decimals ?? 0,
					elements: ind ? [...new Set([...formulaCodes(ind.numerator), ...formulaCodes(ind.denominator)])] : [],
				};
			}),
		);
	},
	units: async () => (await app.catalog()).catalog.units,
	dataElements: async (): Promise<DataElementsView> => {
		const idx = await app.catalog();
		return { sections: idx.catalog.sections, elements: idx.catalog.elements, rules: idx.catalog.rules };
	},
});
