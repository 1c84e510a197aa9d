// The validation engine the entry form (browser) and the submissions API (server) both run, so a
// reporter sees exactly the issues the server will enforce.
//
// null means "not reported" and is never the same as 0: a required element left null blocks a submit,
// while 0 is a real value that rules and outlier checks use. docs/targets.md explains the outlier and
// jump rules.

import { evaluateFormula, type Formula, FormulaError, firstCode, parseFormula } from "./formula";
import { roundTo } from "./indicator-eval";
import type { DataElement, I18nText, RuleOp, ValidationIssue, ValidationRule, ValueMap } from "./types";

export interface ValidationInput {
	/** The unit's form elements (only these may be reported). */
	elements: DataElement[];
	rules: ValidationRule[];
	values: ValueMap;
	/** "save" keeps a draft (required elements may be empty); "submit" also checks requiredToSubmit. */
	action: "save" | "submit";
	/** The unit's own previous monthly values per element, up to 12, oldest first (nulls left out). */
	history?: Record<string, number[]>;
	/** Last month's values of the same unit. */
	previous?: ValueMap;
}

/** Outliers need at least this many history points. */
export const OUTLIER_MIN_HISTORY = 6;
/** Outlier: more than this many standard deviations from the mean… */
export const OUTLIER_SD = 3;
/** …or at least this many median absolute deviations from the median. */
export const OUTLIER_MAD = 5;
/**
 * SD and MAD are floored at max(1, 5% of the median), so a flat history (200 beds every month, 0 deaths
 * every month) does not turn every small change into an outlier, while a typo (2000 for 200) stands out.
 */
export const SPREAD_FLOOR_ABS = 1;
export const SPREAD_FLOOR_REL = 0.05;
/** Jump: one of this month and last month is more than double the other… */
export const JUMP_RATIO = 1;
/** …and they differ by more than this many units (3 → 12 deaths is noise, 200 → 2000 beds is not). */
export const JUMP_MIN_ABS = 10;

/** groupIssuesByField puts issues with no field under this key (codes cannot start with "_"). */
export const FORM_LEVEL = "_form";

const fmt = (n: number): string => String(roundTo(n, 2));

const opText: Record<RuleOp, string> = { "<=": "≤", "<": "<", "==": "=", "!=": "≠", ">=": "≥", ">": ">" };

function compare(left: number, op: RuleOp, right: number): boolean {
	// Rates built from formulas carry float noise; equality is judged with a relative epsilon.
	const eps = 1e-9 * Math.max(1, Math.abs(left), Math.abs(right));
	switch (op) {
		case "<=":
			return left <= right + eps;
		case "<":
			return left < right - eps;
		case "==":
			return Math.abs(left - right) <= eps;
		case "!=":
			return Math.abs(left - right) > eps;
		case ">=":
			return left >= right - eps;
		case ">":
			return left > right + eps;
	}
}

const issue = (severity: ValidationIssue["severity"], field: string | undefined, code: string, message: I18nText) =>
	field === undefined ? { severity, code, message } : { severity, field, code, message };

/** Type and range checks for one non-null value; what the form can show as the user types. */
export function checkValue(element: DataElement, value: unknown): ValidationIssue[] {
	const zhName = `“${element.name.zh}”`;
	const enName = element.name.en;
	const uomZh = element.uom.zh;
	if (typeof value !== "number" || !Number.isFinite(value)) {
		return [
			issue("error", element.code, "type", {
				zh: `${zhName}必须是有效数字。`,
				en: `${enName} must be a valid number.`,
			}),
		];
	}
	if (element.valueType === "integer" && !Number.isInteger(value)) {
		return [
			issue("error", element.code, "type", {
				zh: `${zhName}必须是整数。`,
				en: `${enName} must be a whole number.`,
			}),
		];
	}
	if (element.valueType === "percent" && (value < 0 || value > 100)) {
		return [
			issue("error", element.code, "type", {
				zh: `${zhName}是百分比，应在 0 到 100 之间。`,
				en: `${enName} is a percentage and must be between 0 and 100.`,
			}),
		];
	}
	if (value < element.min) {
		return [
			issue("error", element.code, "min", {
				zh: `${zhName}不能小于 ${fmt(element.min)}${uomZh}。`,
				en: `${enName} must be at least ${fmt(element.min)} ${element.uom.en}.`,
			}),
		];
	}
	if (value > element.max) {
		return [
			issue("error", element.code, "max", {
				zh: `${zhName}不能大于 ${fmt(element.max)}${uomZh}，请核实是否多输了位数。`,
				en: `${enName} cannot exceed ${fmt(element.max)} ${element.uom.en}; check for an extra digit.`,
			}),
		];
	}
	return [];
}

function median(sorted: number[]): number {
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface OutlierStats {
	n: number;
	mean: number;
	sd: number;
	median: number;
	mad: number;
}

/** Mean, sample SD, median and (raw) median absolute deviation of the finite history points. */
export function historyStats(history: readonly number[]): OutlierStats {
	const xs = history.filter(Number.isFinite);
	const n = xs.length;
	const mean = n === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / n;
	const sd = n < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
	const sorted = [...xs].sort((a, b) => a - b);
	const med = n === 0 ? 0 : median(sorted);
	const mad = n === 0 ? 0 : median(xs.map((x) => Math.abs(x - med)).sort((a, b) => a - b));
	return { n, mean, sd, median: med, mad };
}

/** True when `value` is an outlier against the unit's own history (see the constants above). */
export function isOutlier(value: number, history: readonly number[]): boolean {
	const s = historyStats(history);
	if (s.n < OUTLIER_MIN_HISTORY) return false;
	const floor = Math.max(SPREAD_FLOOR_ABS, SPREAD_FLOOR_REL * Math.abs(s.median));
	const bySd = Math.abs(value - s.mean) > OUTLIER_SD * Math.max(s.sd, floor);
	const byMad = Math.abs(value - s.median) >= OUTLIER_MAD * Math.max(s.mad, floor);
	return bySd || byMad;
}

/** True when this month and last month differ implausibly (see the constants above). */
export function isJump(value: number, previous: number): boolean {
	const diff = Math.abs(value - previous);
	return diff > JUMP_MIN_ABS && diff > JUMP_RATIO * Math.min(Math.abs(value), Math.abs(previous));
}

function parsedRule(rule: ValidationRule): { left: Formula; right: Formula } | null {
	try {
		return { left: parseFormula(rule.left), right: parseFormula(rule.right) };
	} catch (e) {
		// A broken rule is a catalog bug: the catalog loader rejects it; here it must not block reporters.
		if (e instanceof FormulaError) return null;
		throw e;
	}
}

function checkRule(
	rule: ValidationRule,
	byCode: Map<string, DataElement>,
	values: ValueMap,
	invalid: Set<string>,
): ValidationIssue | null {
	const parsed = parsedRule(rule);
	if (!parsed) return null;
	const codes = new Set([...parsed.left.codes, ...parsed.right.codes]);
	for (const code of codes) {
		// A rule about elements this unit does not report does not apply to it; one over a value that is
		// already wrong would only repeat that error.
		if (!byCode.has(code) || invalid.has(code)) return null;
	}
	const missing = [...codes].some((c) => values[c] === null || values[c] === undefined);
	const strategy = rule.missingValueStrategy ?? "skip-if-any-missing";
	if (missing && strategy === "skip-if-any-missing") return null;
	const lookup = (code: string) => values[code] ?? null;
	const left = evaluateFormula(parsed.left, lookup, { missing: "zero" });
	const right = evaluateFormula(parsed.right, lookup, { missing: "zero" });
	// Division by zero or overflow: the comparison has no meaning, so the rule does not fire.
	if (left === null || right === null || compare(left, rule.op, right)) return null;
	const field = firstCode(parsed.left) ?? firstCode(parsed.right);
	// The catalog message says what must hold; the current figures show by how much it does not.
	return issue(rule.severity, field, `rule:${rule.id}`, {
		zh: `${rule.message.zh}（当前值：${fmt(left)} ${opText[rule.op]} ${fmt(right)} 不成立）`,
		en: `${rule.message.en} (current values: ${fmt(left)} ${opText[rule.op]} ${fmt(right)} does not hold)`,
	});
}

/**
 * Every issue with a submission, errors and warnings, in a stable order: unknown codes, then per
 * element (form order) type/min/max/required, then cross-element rules (rule order), then outlier
 * and jump warnings.
 */
export function validateSubmission(input: ValidationInput): ValidationIssue[] {
	const { elements, rules, values, action } = input;
	const byCode = new Map(elements.map((e) => [e.code, e]));
	const issues: ValidationIssue[] = [];
	const invalid = new Set<string>();

	for (const code of Object.keys(values)) {
		if (byCode.has(code)) continue;
		issues.push(
			issue("error", code, "unknown", {
				zh: `本单位的报表中没有数据项“${code}”。`,
				en: `"${code}" is not a data element on this unit's form.`,
			}),
		);
	}

	for (const element of elements) {
		const value = Object.hasOwn(values, element.code) ? values[element.code] : null;
		if (value === null || value === undefined) {
			if (action === "submit" && element.requiredToSubmit) {
				issues.push(
					issue("error", element.code, "required", {
						zh: `提交前必须填写“${element.name.zh}”；如本月没有发生，请填 0。`,
						en: `${element.name.en} is required before submitting; enter 0 if there were none this month.`,
					}),
				);
			}
			continue;
		}
		const found = checkValue(element, value);
		if (found.length > 0) invalid.add(element.code);
		issues.push(...found);
	}

	for (const rule of rules) {
		const found = checkRule(rule, byCode, values, invalid);
		if (found) issues.push(found);
	}

	for (const element of elements) {
		const value = values[element.code];
		if (typeof value !== "number" || invalid.has(element.code)) continue;
		const zhName = `“${element.name.zh}”`;
		const history = input.history?.[element.code] ?? [];
		if (isOutlier(value, history)) {
			const s = historyStats(history);
			issues.push(
				issue("warning", element.code, "outlier", {
					zh: `${zhName}为 ${fmt(value)}，明显偏离本单位近 ${s.n} 个月的水平（中位数 ${fmt(s.median)}），请核实。`,
					en: `${element.name.en} is ${fmt(value)}, far from this unit's last ${s.n} months (median ${fmt(s.median)}); please check.`,
				}),
			);
		}
		const previous = input.previous?.[element.code];
		if (typeof previous === "number" && Number.isFinite(previous) && isJump(value, previous)) {
			issues.push(
				issue("warning", element.code, "jump", {
					zh: `${zhName}由上月的 ${fmt(previous)} 变为 ${fmt(value)}，变化过大，请核实。`,
					en: `${element.name.en} changed from ${fmt(previous)} last month to ${fmt(value)}; please check.`,
				}),
			);
		}
	}
	return issues;
}

/** True when any issue is an error (warnings can be acknowledged with a comment). */
export function hasBlockingErrors(issues: readonly ValidationIssue[]): boolean {
	return issues.some((i) => i.severity === "error");
}

/** Issues keyed by field, in their original order; issues without a field go under FORM_LEVEL. */
export function groupIssuesByField(issues: readonly ValidationIssue[]): Record<string, ValidationIssue[]> {
	const out: Record<string, ValidationIssue[]> = {};
	for (const i of issues) {
		const key = i.field ?? FORM_LEVEL;
		const list = out[key] ?? [];
		list.push(i);
		out[key] = list;
	}
	return out;
}
