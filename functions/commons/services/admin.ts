// Admin payloads (validated at the edge, with zod/mini like the whole request path) and the actions behind
// them: units, plans and targets. Users are functions/auth/user-admin.ts (their own function).
import * as z from "zod/mini";
import { parseFormula } from "../../core/formula";
import { planRetiredRefs } from "../../core/metadata-rules";
import type { PlanCopyResult, ProgressReport } from "../../core/api-types";
import { planFromActuals } from "../../core/plan-copy";
import type { OrgUnit, Plan } from "../../core/types";
import type { App } from "../app";
import { AuditRepo } from "../audit-repo";
import { AppError } from "../errors";

// Built on the first request that parses one of them, not at the admin function's init (the plan schema alone is
// dozens of zod objects; docs/performance.md). Each export is a z.lazy over the built one.
const build = () => {
	const text = (max: number) => z.string().check(z.trim(), z.maxLength(max));
	const i18n = z.object({ zh: z.string().check(z.trim(), z.minLength(1, { error: "中文名称必填 (Chinese name required)" }), z.maxLength(200)), en: text(200) });
	const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: "编号只能用小写字母、数字和连字符 (lower-case letters, digits, hyphens)" }));
	const whole = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

	const unitBodySchema = z.strictObject({
		name: i18n,
		parentId: id,
		type: z.optional(z.enum(["commission", "division-hospital", "regiment-hospital", "cdc", "blood-station", "community-health-centre"])),
		order: z.optional(whole(0, 10_000)),
		active: z.optional(z.boolean()),
	});

	const target = z.discriminatedUnion("kind", [
		z.object({ kind: z.literal("threshold"), op: z.enum(["<=", ">=", "<", ">"]), value: z.number() }),
		z.object({ kind: z.literal("reach"), value: z.number() }),
		z.object({ kind: z.literal("maintain") }),
		z.object({ kind: z.literal("annual-change"), perYear: z.number() }),
		z.object({ kind: z.literal("relative-change"), change: z.number().check(z.gte(-1), z.lte(10)), baseYear: whole(1990, 2100) }),
		z.object({ kind: z.literal("approximately"), value: z.number(), tolerance: z.number().check(z.gte(0)) }),
		z.object({ kind: z.literal("continuous-improvement") }),
		z.object({ kind: z.literal("proportional"), followsIndicator: z.string().check(z.minLength(1), z.maxLength(64)) }),
	]);
	const year = whole(1990, 2100);
	const count = z.int().check(z.gte(0));
	/** A baseline, with where it came from (平台数据 with its coverage, or entered by hand; BaselineProvenance). */
	const baselineSchema = z.object({
		year,
		value: z.number(),
		printed: z.string().check(z.maxLength(100)),
		source: z.optional(z.enum(["platform", "manual"])),
		coverage: z.optional(z.strictObject({ reported: count, expected: count, rate: z.number().check(z.gte(0), z.lte(1)) })),
		provisional: z.optional(z.boolean()),
		asOf: z.optional(z.string().check(z.maxLength(40))),
	});

	const planBodySchema = z
		.strictObject({
			name: i18n,
			shortName: i18n,
			startYear: year,
			endYear: year,
			baseYear: year,
			targetYear: year,
			source: z.optional(z.string().check(z.maxLength(500))),
			indicators: z
				.array(
					z.strictObject({
						indicatorCode: z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,63}$/)),
						order: whole(0, 1000),
						group: z.enum(["health-status", "healthy-living", "health-services", "health-security", "health-services-security", "health-environment"]),
						baseline: z.nullable(baselineSchema),
						targets: z.array(z.object({ year, target, printed: z.string().check(z.maxLength(100)) })).check(z.minLength(1, { error: "至少一个目标 (at least one target)" })),
						direction: z.enum(["increase", "decrease"]),
						nature: z.enum(["binding", "expected"]),
						note: z.optional(z.object({ zh: text(2000), en: text(2000) })),
					}),
				)
				.check(z.minLength(1, { error: "规划至少包含一个指标 (a plan needs at least one indicator)" }), z.maxLength(200)),
		})
		.check(z.refine((p) => p.startYear <= p.endYear && p.baseYear <= p.targetYear, { error: "年份顺序错误 (years out of order)", path: ["endYear"] }));

	/** POST /api/admin/plans: a new plan from an existing one, with baselines from the platform's figures for `baseYear`. */
	const planCopySchema = z.strictObject({
		id,
		copyFrom: id,
		baseYear: year,
		name: i18n,
		shortName: i18n,
		startYear: z.optional(year),
		endYear: z.optional(year),
		targetYear: z.optional(year),
	});

	const reopenBodySchema = z.strictObject({ reason: z.string().check(z.trim(), z.minLength(2, { error: "请说明重新开放的原因 (give a reason)" }), z.maxLength(1000)) });
	return { unitBodySchema, planBodySchema, planCopySchema, reopenBodySchema };
};

let built: ReturnType<typeof build> | undefined;
/** The schemas themselves (for composing them, e.g. their shapes); built on the first call. */
export const adminSchemas = (): ReturnType<typeof build> => {
	built ??= build();
	return built;
};

export const unitBodySchema = z.lazy(() => adminSchemas().unitBodySchema);
export const planBodySchema = z.lazy(() => adminSchemas().planBodySchema);
export const planCopySchema = z.lazy(() => adminSchemas().planCopySchema);
export const reopenBodySchema = z.lazy(() => adminSchemas().reopenBodySchema);

export const createAdminService = (app: App) => {
	const audit = new AuditRepo(app.doc, app.table);

	const requireOrg = async (orgId: string, field: string) => {
		const idx = await app.catalog();
		if (!idx.unitById.has(orgId)) throw new AppError("bad-request", `未知机构 ${orgId} (unknown org unit)`, { [field]: "未知机构 (unknown org unit)" });
		return idx;
	};

	return {
		audit,
		putUnit: async (by: string, unitId: string, body: z.infer<typeof unitBodySchema>): Promise<OrgUnit> => {
			const idx = await requireOrg(body.parentId, "parentId");
			const existing = idx.unitById.get(unitId);
			const parent = idx.unitById.get(body.parentId) as OrgUnit;
			if (parent.level === "unit") throw new AppError("bad-request", "上级必须是师或垦区 (parent must be the division or an area)", { parentId: "上级不能是填报单位 (parent cannot be a unit)" });
			const level = existing?.level ?? "unit";
			if (level === "unit" && !(body.type ?? existing?.type)) throw new AppError("bad-request", "填报单位须有类型 (a unit needs a type)", { type: "必填 (required)" });
			const unit: OrgUnit = { ...(existing ?? { id: unitId, level, order: 999 }), ...body, id: unitId, level } as OrgUnit;
			await app.catalogRepo.putUnit(unit);
			await audit.record({ at: app.now().toISOString(), by, action: existing ? "unit.update" : "unit.create", target: unitId, detail: { before: existing ?? null, after: unit } });
			return unit;
		},
		putPlan: async (by: string, planId: string, body: z.infer<typeof planBodySchema>): Promise<Plan> => {
			const idx = await app.catalog();
			const fields: Record<string, string> = {};
			body.indicators.forEach((pi, i) => {
				if (!idx.indicatorByCode.has(pi.indicatorCode)) fields[`indicators.${i}.indicatorCode`] = `未知指标 ${pi.indicatorCode} (unknown indicator)`;
				for (const [j, t] of pi.targets.entries()) {
					if (t.target.kind === "proportional" && !body.indicators.some((x) => x.indicatorCode === (t.target as { followsIndicator: string }).followsIndicator)) {
						fields[`indicators.${i}.targets.${j}.target.followsIndicator`] = "跟随的指标不在本规划中 (followed indicator not in this plan)";
					}
				}
			});
			// A new plan (or a new row on one) must not start monitoring an element that is no longer collected.
			Object.assign(fields, planRetiredRefs(body, idx.planById.get(planId), idx.catalog));
			if (Object.keys(fields).length) throw new AppError("bad-request", "规划内容有误 (invalid plan)", fields);
			for (const ind of idx.catalog.indicators) parseFormula(ind.numerator);
			const plan: Plan = { id: planId, ...body } as Plan;
			const existed = idx.planById.has(planId);
			await app.catalogRepo.putPlan(plan);
			await audit.record({ at: app.now().toISOString(), by, action: existed ? "plan.update" : "plan.create", target: planId, detail: { indicators: plan.indicators.length } });
			return plan;
		},
		/** A new plan from `copyFrom`, baselines from the division's figures for the base year (core/plan-copy.ts). */
		copyPlan: async (by: string, body: z.infer<typeof planCopySchema>, progress: (q: { planId: string; period: string; orgUnit: string }) => Promise<ProgressReport>): Promise<PlanCopyResult> => {
			const idx = await app.catalog();
			const source = idx.planById.get(body.copyFrom);
			if (!source) throw new AppError("bad-request", `未知规划 ${body.copyFrom} (unknown plan)`, { copyFrom: "未知规划 (unknown plan)" });
			if (idx.planById.has(body.id)) throw new AppError("conflict", `规划 ${body.id} 已存在 (plan exists)`, { id: "编号已被使用 (id in use)" });
			const thisYear = app.now().getUTCFullYear();
			if (body.baseYear > thisYear) throw new AppError("bad-request", "基期年不能晚于今年 (base year is in the future)", { baseYear: `≤ ${thisYear}` });
			// The new plan runs as long as the one it copies, from the year after the base year.
			const span = source.endYear - source.startYear + 1;
			const startYear = body.startYear ?? body.baseYear + 1;
			const endYear = body.endYear ?? startYear + span - 1;
			const targetYear = body.targetYear ?? endYear;
			if (startYear > endYear || body.baseYear > targetYear) throw new AppError("bad-request", "年份顺序错误 (years out of order)", { endYear: "年份顺序错误 (years out of order)" });
			const report = await progress({ planId: source.id, period: String(body.baseYear), orgUnit: idx.divisionId });
			const { plan, fromPlatform, missing } = planFromActuals(source, report.rows, { id: body.id, name: body.name, shortName: body.shortName, baseYear: body.baseYear, startYear, endYear, targetYear, asOf: report.asOf });
			await app.catalogRepo.putPlan(plan);
			await audit.record({ at: app.now().toISOString(), by, action: "plan.create", target: plan.id, detail: { copyFrom: source.id, baseYear: body.baseYear, fromPlatform, missing } });
			return { plan, copiedFrom: source.id, baseYear: body.baseYear, fromPlatform, missing };
		},
	};
};
