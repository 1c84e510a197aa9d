// Edge schemas for admin-edited metadata: one per payload, with the inferred types beside them. The cross-item
// checks (formulas, cycles, taken codes) need the catalog and live in core/metadata-rules.ts.
import * as z from "zod";
import { ELEMENT_CODE_RE, RULE_ID_RE } from "../core/metadata-rules";
import { MAX_CARRY_FORWARD_MONTHS } from "../core/types";

const i18n = z.object({
	zh: z.string().trim().min(1, { error: "中文必填 (Chinese text required)" }).max(200),
	en: z.string().trim().max(200),
});
const longI18n = z.object({ zh: z.string().trim().max(2000), en: z.string().trim().max(2000) });
const finite = z.number({ error: "应为数字 (must be a number)" }).finite();
const unitType = z.enum(["commission", "division-hospital", "regiment-hospital", "cdc", "blood-station", "community-health-centre"], {
	error: "单位类型无效 (unknown unit type)",
});
const formula = z.string().trim().min(1, { error: "公式必填 (formula required)" }).max(4000);

export const elementCodeSchema = z.string().regex(ELEMENT_CODE_RE, { error: "编码为2-64位大写字母、数字和下划线，以字母开头 (2-64 upper-case letters, digits, _)" });
export const indicatorCodeSchema = elementCodeSchema;
export const ruleIdSchema = z.string().regex(RULE_ID_RE, { error: "规则编号为2-80位小写字母、数字和连字符 (2-80 lower-case letters, digits, hyphens)" });

const elementFields = {
	name: i18n,
	description: longI18n.optional(),
	valueType: z.enum(["integer", "number", "percent"], { error: "应为 integer/number/percent" }),
	uom: z.object({ zh: z.string().trim().max(20), en: z.string().trim().max(40) }),
	min: finite,
	max: finite,
	frequency: z.enum(["monthly", "yearly"], { error: "应为 monthly 或 yearly" }),
	reportedBy: z.array(unitType).min(1, { error: "至少一个报送单位类型 (at least one unit type)" }),
	acrossUnits: z.enum(["sum", "none"], { error: "应为 sum 或 none" }),
	overTime: z.enum(["flow", "stock", "yearly"], { error: "应为 flow、stock 或 yearly" }),
	section: z.string().min(1).max(64),
	requiredToSubmit: z.boolean(),
	carryForwardMonths: z.number().int().min(0).max(MAX_CARRY_FORWARD_MONTHS, { error: `结转月数为 0 到 ${MAX_CARRY_FORWARD_MONTHS} (0 to ${MAX_CARRY_FORWARD_MONTHS} months)` }).optional(),
	/** Position on the form within its section (elements are shown in catalog order otherwise). */
	order: z.number().int().min(0).max(10_000).optional(),
	retired: z.boolean().optional(),
};

export const elementCreateSchema = z.object({ code: elementCodeSchema, ...elementFields }).strict();
export type ElementCreate = z.infer<typeof elementCreateSchema>;

/** A PUT changes the fields it names; the code is the path's and cannot change. */
export const elementUpdateSchema = z
	.object(elementFields)
	.partial()
	.extend({ code: z.never({ error: "编码不可修改 (codes are immutable)" }).optional() })
	.strict();
export type ElementUpdate = z.infer<typeof elementUpdateSchema>;

const indicatorFields = {
	name: i18n,
	uom: z.object({ zh: z.string().trim().max(20), en: z.string().trim().max(40) }),
	group: z.enum(["health-status", "healthy-living", "health-services", "health-security", "health-services-security", "health-environment"], { error: "指标分组无效 (unknown group)" }),
	numerator: formula,
	denominator: formula,
	factor: z.union([z.literal(1), z.literal(100), z.literal(1000), z.literal(10_000), z.literal(100_000)], { error: "系数应为 1、100、1000、10000 或 100000" }),
	decimals: z.number().int().min(0).max(6, { error: "小数位 0 到 6 (0 to 6 decimals)" }),
	parentCode: indicatorCodeSchema.optional(),
	description: longI18n.optional(),
};

export const indicatorCreateSchema = z.object({ code: indicatorCodeSchema, ...indicatorFields }).strict();
export type IndicatorCreate = z.infer<typeof indicatorCreateSchema>;
export const indicatorUpdateSchema = z
	.object(indicatorFields)
	.partial()
	.extend({ code: z.never({ error: "编码不可修改 (codes are immutable)" }).optional() })
	.strict();
export type IndicatorUpdate = z.infer<typeof indicatorUpdateSchema>;

export const ruleBodySchema = z
	.object({
		left: formula,
		op: z.enum(["<=", "<", "==", "!=", ">=", ">"], { error: "运算符应为 <= < == != >= >" }),
		right: formula,
		severity: z.enum(["error", "warning"], { error: "应为 error 或 warning" }),
		message: z.object({
			zh: z.string().trim().min(1, { error: "中文提示必填 (Chinese message required)" }).max(500),
			en: z.string().trim().min(1, { error: "英文提示必填 (English message required)" }).max(500),
		}),
		missingValueStrategy: z.enum(["skip-if-any-missing", "never-skip"]).optional(),
	})
	.strict();
export type RuleBody = z.infer<typeof ruleBodySchema>;

const flag = z.enum(["true", "false", "1", "0"], { error: "应为 true 或 false (must be true or false)" }).transform((v) => v === "true" || v === "1");
/** `?rebuild=true` accepts a change of aggregation on an element with data, and starts the rebuild. */
export const rebuildQuerySchema = z.object({ rebuild: flag.optional() }).passthrough();
export const importQuerySchema = z.object({ dryRun: flag.optional(), rebuild: flag.optional() }).passthrough();

export const rebuildStartSchema = z
	.object({
		/** Years to rebuild; default every year that has data. */
		years: z.array(z.string().regex(/^\d{4}$/, { error: "年份为 YYYY (YYYY)" })).max(50).optional(),
		reason: z.string().trim().max(500).optional(),
	})
	.strict();
export type RebuildStart = z.infer<typeof rebuildStartSchema>;

export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { error: "任务编号格式错误 (bad job id)" });
