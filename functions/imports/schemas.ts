// Edge schemas of the import and export routes (functions/handlers/imports.ts).
import * as z from "zod/mini";
import { periodParamSchema, planIdSchema } from "../commons/schemas";

const flag = z.pipe(
	z.enum(["true", "false", "1", "0"], { error: "应为 true 或 false (must be true or false)" }),
	z.transform((v) => v === "true" || v === "1"),
);

export const importQuerySchema = z.looseObject({
	dryRun: z.optional(flag),
	/** Read this sheet of an .xlsx instead of the first. */
	sheet: z.optional(z.string().check(z.minLength(1), z.maxLength(31))),
});

/** A client-chosen import id: re-posting with the same key resumes or replays that import. */
export const importIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, { error: "导入编号应为8-64位字母、数字、- 或 _ (8-64 letters, digits, - or _)" }));

export const exportQuerySchema = z.looseObject({
	period: z.optional(periodParamSchema),
	plan: z.optional(planIdSchema),
});
