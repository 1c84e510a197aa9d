// The edge schemas shared by handlers and services: period, month, plan id and Idempotency-Key, each declared
// once with its field-level message (zh first, en in brackets, like every other 4xx message). zod/mini, as on
// the whole request path: wrap with z.optional(x), not x.optional().
import * as z from "zod/mini";
import { isMonth, isPeriod, isYear } from "../core/periods";

/** A month (YYYY-MM) or a year (YYYY). */
export const periodSchema = z.string().check(z.refine(isPeriod, { error: "期间格式应为 YYYY-MM 或 YYYY (period must be YYYY-MM or YYYY)" }));

/** A month, YYYY-MM. */
export const monthSchema = z.string().check(z.refine(isMonth, { error: "月份格式应为 YYYY-MM (month must be YYYY-MM)" }));

/** The `{period}` of a form's path: a month or a year, from 2015 on. */
export const periodParamSchema = z
	.string()
	.check(
		z.refine((p) => isMonth(p) || isYear(p), { error: "期间格式应为 YYYY-MM 或 YYYY (period must be YYYY-MM or YYYY)" }),
		z.refine((p) => Number(p.slice(0, 4)) >= 2015, { error: "期间不能早于2015年 (period before 2015)" }),
	);

/** A plan id: lower-case letters, digits and hyphens, starting with a letter or digit. */
export const planIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: "规划编号格式错误 (bad plan id)" }));

/** The Idempotency-Key header of a write. */
export const idempotencyKeySchema = z.string().check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/, { error: "Idempotency-Key 应为8-128位字母数字 (8-128 URL-safe characters)" }));
