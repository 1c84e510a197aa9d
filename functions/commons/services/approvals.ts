// The approver's queue: submitted forms in scope, oldest first, over the months asked for.
import type { ApprovalQueue } from "../../core/api-types";
import * as z from "zod/mini";
import { isWithin } from "../../core/catalog-index";
import { currentMonth, monthRange, previousMonths } from "../../core/periods";
import type { App } from "../app";
import { monthSchema } from "../schemas";

export const queueQuerySchema = z.looseObject({
	period: z.optional(monthSchema),
	status: z.optional(z.enum(["submitted", "returned", "approved"], { error: "status 取值错误 (bad status)" })),
});

export const approvalQueue = async (app: App, orgUnit: string, q: z.infer<typeof queueQuerySchema>): Promise<ApprovalQueue> => {
	const idx = await app.catalog();
	const repo = app.submissions(idx);
	const now = app.now();
	// Without a period: the last six months, which is where open work lives.
	const periods = q.period ? [q.period] : monthRange(previousMonths(currentMonth(now), 6)[0] as string, currentMonth(now));
	const lists = await Promise.all(periods.map((p) => repo.listForPeriod(p)));
	const status = q.status ?? "submitted";
	const items: ApprovalQueue["items"] = lists
		.flat()
		.filter((s) => s.status === status && isWithin(idx, s.unitId, orgUnit))
		.sort((a, b) => (a.submittedAt ?? a.updatedAt).localeCompare(b.submittedAt ?? b.updatedAt))
		.map((s) => ({ ...s, unitName: idx.unitById.get(s.unitId)?.name }));
	return { orgUnit, periods, status, items };
};

