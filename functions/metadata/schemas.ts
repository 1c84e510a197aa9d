// Edge schemas for admin-edited metadata: one per payload, with the inferred types beside them. The cross-item
// checks (formulas, cycles, taken codes) need the catalog and live in core/metadata-rules.ts.
import * as z from "zod/mini";
import { ELEMENT_CODE_RE, RULE_ID_RE } from "../core/metadata-rules";
import { MAX_CARRY_FORWARD_MONTHS } from "../core/types";

// Built on the first metadata request, not at the admin function's init: zod builds each schema object by object,
// and these ~60 are most of the schema work of a cold start that serves another admin route (docs/performance.md).
// Each export is a z.lazy over the built one, so parseWith and z.infer use them as they are.
const build = () => {
	// zod/mini, as on the whole request path: checks go in .check(...), wrappers are functions (z.optional(x)).
	const text = (max: number) => z.string().check(z.trim(), z.maxLength(max));
	const required = (max: number, error: string) => z.string().check(z.trim(), z.minLength(1, { error }), z.maxLength(max));
	const whole = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

	const i18n = z.object({ zh: required(200, "中文必填 (Chinese text required)"), en: text(200) });
	const longI18n = z.object({ zh: text(2000), en: text(2000) });
	const finite = z.number({ error: "应为数字 (must be a number)" });
	const unitType = z.enum(["commission", "division-hospital", "regiment-hospital", "cdc", "blood-station", "community-health-centre"], {
		error: "单位类型无效 (unknown unit type)",
	});
	const formula = required(4000, "公式必填 (formula required)");

	const elementCodeSchema = z.string().check(z.regex(ELEMENT_CODE_RE, { error: "编码为2-64位大写字母、数字和下划线，以字母开头 (2-64 upper-case letters, digits, _)" }));
	const indicatorCodeSchema = elementCodeSchema;
	const ruleIdSchema = z.string().check(z.regex(RULE_ID_RE, { error: "规则编号为2-80位小写字母、数字和连字符 (2-80 lower-case letters, digits, hyphens)" }));

	const elementFields = {
		name: i18n,
		description: z.optional(longI18n),
		valueType: z.enum(["integer", "number", "percent"], { error: "应为 integer/number/percent" }),
		uom: z.object({ zh: text(20), en: text(40) }),
		min: finite,
		max: finite,
		frequency: z.enum(["monthly", "yearly"], { error: "应为 monthly 或 yearly" }),
		reportedBy: z.array(unitType).check(z.minLength(1, { error: "至少一个报送单位类型 (at least one unit type)" })),
		acrossUnits: z.enum(["sum", "none"], { error: "应为 sum 或 none" }),
		overTime: z.enum(["flow", "stock", "yearly"], { error: "应为 flow、stock 或 yearly" }),
		section: z.string().check(z.minLength(1), z.maxLength(64)),
		requiredToSubmit: z.boolean(),
		carryForwardMonths: z.optional(
			z.int().check(z.gte(0), z.lte(MAX_CARRY_FORWARD_MONTHS, { error: `结转月数为 0 到 ${MAX_CARRY_FORWARD_MONTHS} (0 to ${MAX_CARRY_FORWARD_MONTHS} months)` })),
		),
		/** Position on the form within its section (elements are shown in catalog order otherwise). */
		order: z.optional(whole(0, 10_000)),
		retired: z.optional(z.boolean()),
	};
	const immutableCode = z.never({ error: "编码不可修改 (codes are immutable)" });

	const elementCreateSchema = z.strictObject({ code: elementCodeSchema, ...elementFields });

	/** A PUT changes the fields it names; the code is the path's and cannot change. */
	const elementUpdateSchema = z.partial(z.strictObject({ ...elementFields, code: immutableCode }));

	const indicatorFields = {
		name: i18n,
		uom: z.object({ zh: text(20), en: text(40) }),
		group: z.enum(["health-status", "healthy-living", "health-services", "health-security", "health-services-security", "health-environment"], { error: "指标分组无效 (unknown group)" }),
		numerator: formula,
		denominator: formula,
		factor: z.union([z.literal(1), z.literal(100), z.literal(1000), z.literal(10_000), z.literal(100_000)], { error: "系数应为 1、100、1000、10000 或 100000" }),
		decimals: z.int().check(z.gte(0), z.lte(6, { error: "小数位 0 到 6 (0 to 6 decimals)" })),
		parentCode: z.optional(indicatorCodeSchema),
		description: z.optional(longI18n),
	};

	const indicatorCreateSchema = z.strictObject({ code: indicatorCodeSchema, ...indicatorFields });
	const indicatorUpdateSchema = z.partial(z.strictObject({ ...indicatorFields, code: immutableCode }));

	const ruleBodySchema = z.strictObject({
		left: formula,
		op: z.enum(["<=", "<", "==", "!=", ">=", ">"], { error: "运算符应为 <= < == != >= >" }),
		right: formula,
		severity: z.enum(["error", "warning"], { error: "应为 error 或 warning" }),
		message: z.object({
			zh: required(500, "中文提示必填 (Chinese message required)"),
			en: required(500, "英文提示必填 (English message required)"),
		}),
		missingValueStrategy: z.optional(z.enum(["skip-if-any-missing", "never-skip"])),
	});

	const flag = z.pipe(z.enum(["true", "false", "1", "0"], { error: "应为 true 或 false (must be true or false)" }), z.transform((v) => v === "true" || v === "1"));
	/** `?rebuild=true` accepts a change of aggregation on an element with data, and starts the rebuild. */
	const rebuildQuerySchema = z.looseObject({ rebuild: z.optional(flag) });
	const importQuerySchema = z.looseObject({ dryRun: z.optional(flag), rebuild: z.optional(flag) });

	const rebuildStartSchema = z.strictObject({
		/** Years to rebuild; default every year that has data. */
		years: z.optional(z.array(z.string().check(z.regex(/^\d{4}$/, { error: "年份为 YYYY (YYYY)" }))).check(z.maxLength(50))),
		reason: z.optional(text(500)),
	});

	const jobIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, { error: "任务编号格式错误 (bad job id)" }));
	return { elementCodeSchema, indicatorCodeSchema, ruleIdSchema, elementCreateSchema, elementUpdateSchema, indicatorCreateSchema, indicatorUpdateSchema, ruleBodySchema, rebuildQuerySchema, importQuerySchema, rebuildStartSchema, jobIdSchema };
};

let built: ReturnType<typeof build> | undefined;
/** The schemas themselves (for composing them, e.g. z.extend); built on the first call. */
export const metadataSchemas = (): ReturnType<typeof build> => {
	built ??= build();
	return built;
};

export const elementCodeSchema = z.lazy(() => metadataSchemas().elementCodeSchema);
export const indicatorCodeSchema = z.lazy(() => metadataSchemas().indicatorCodeSchema);
export const ruleIdSchema = z.lazy(() => metadataSchemas().ruleIdSchema);
export const elementCreateSchema = z.lazy(() => metadataSchemas().elementCreateSchema);
export const elementUpdateSchema = z.lazy(() => metadataSchemas().elementUpdateSchema);
export const indicatorCreateSchema = z.lazy(() => metadataSchemas().indicatorCreateSchema);
export const indicatorUpdateSchema = z.lazy(() => metadataSchemas().indicatorUpdateSchema);
export const ruleBodySchema = z.lazy(() => metadataSchemas().ruleBodySchema);
export const rebuildQuerySchema = z.lazy(() => metadataSchemas().rebuildQuerySchema);
export const importQuerySchema = z.lazy(() => metadataSchemas().importQuerySchema);
export const rebuildStartSchema = z.lazy(() => metadataSchemas().rebuildStartSchema);
export const jobIdSchema = z.lazy(() => metadataSchemas().jobIdSchema);
export type ElementCreate = z.infer<typeof elementCreateSchema>;
export type ElementUpdate = z.infer<typeof elementUpdateSchema>;
export type IndicatorCreate = z.infer<typeof indicatorCreateSchema>;
export type IndicatorUpdate = z.infer<typeof indicatorUpdateSchema>;
export type RuleBody = z.infer<typeof ruleBodySchema>;
export type RebuildStart = z.infer<typeof rebuildStartSchema>;
