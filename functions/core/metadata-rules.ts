// The pure checks behind admin-edited metadata (data elements, indicators, validation rules): formulas that
// parse and name only known elements, no parent cycles, sane bounds, codes that are free, and which changes
// make today's aggregates wrong. Every check returns field-level messages ("numerator" → text) so the edge
// can answer 400 with them and write nothing.
import { carryMonthsOf } from "./aggregation";
import type { Catalog } from "./catalog-index";
import { FormulaError, parseFormula } from "./formula";
import type { DataElement, Indicator, Plan, ValidationRule } from "./types";

/** `field` → bilingual message, the shape every 4xx carries. */
export type FieldErrors = Record<string, string>;

/** Where a formula went wrong, for the editor to put the cursor there. */
export interface FormulaProblem {
	field: string;
	/** 0-based character offset into the formula. */
	position: number;
	message: string;
}

export const ELEMENT_CODE_RE = /^[A-Z][A-Z0-9_]{1,63}$/;
export const RULE_ID_RE = /^[a-z0-9][a-z0-9-]{1,79}$/;

/**
 * Parses a formula with the safe parser and checks that every `#{CODE}` is a known element. Retired elements
 * may still appear in existing formulas (their data is kept), but not in new ones.
 */
export const checkFormula = (
	field: string,
	source: string,
	elements: ReadonlyMap<string, Pick<DataElement, "code" | "retired">>,
	opts: { allowRetired?: ReadonlySet<string> } = {},
): FormulaProblem | null => {
	try {
		const f = parseFormula(source);
		for (const code of f.codes) {
			const position = Math.max(0, source.indexOf(`#{${code}}`));
			const el = elements.get(code);
			if (!el) return { field, position, message: `第 ${position + 1} 个字符处的数据项 ${code} 不存在 (unknown data element ${code} at position ${position})` };
			if (el.retired && !opts.allowRetired?.has(code)) {
				return { field, position, message: `第 ${position + 1} 个字符处的数据项 ${code} 已停用 (data element ${code} at position ${position} is retired)` };
			}
		}
		return null;
	} catch (e) {
		if (!(e instanceof FormulaError)) throw e;
		return { field, position: e.position, message: `公式第 ${e.position + 1} 个字符处有误：${e.reason} (formula error at position ${e.position}: ${e.reason})` };
	}
};

const toFields = (problems: (FormulaProblem | null)[]): { fields: FieldErrors; problems: FormulaProblem[] } => {
	const list = problems.filter((p): p is FormulaProblem => p !== null);
	return { fields: Object.fromEntries(list.map((p) => [p.field, p.message])), problems: list };
};

/** The bounds and aggregation settings of one element that can be judged on their own. */
export const checkElement = (el: DataElement, catalog: Pick<Catalog, "sections">): FieldErrors => {
	const fields: FieldErrors = {};
	if (el.min > el.max) fields.min = `最小值 ${el.min} 大于最大值 ${el.max} (min ${el.min} is greater than max ${el.max})`;
	if (el.valueType === "percent" && (el.min < 0 || el.max > 100)) fields.max = "百分比的范围应在 0 到 100 之间 (a percentage ranges within 0–100)";
	if ((el.frequency === "yearly") !== (el.overTime === "yearly")) {
		fields.overTime = "按年报送的数据项按时间汇总方式应为 yearly，按月报送的不能为 yearly (yearly elements aggregate as yearly; monthly ones as flow or stock)";
	}
	if (el.carryForwardMonths !== undefined && el.overTime !== "stock" && el.carryForwardMonths > 0) {
		fields.carryForwardMonths = "只有存量（stock）数据项可以结转 (only stocks carry forward)";
	}
	if (!catalog.sections.some((s) => s.id === el.section)) fields.section = `未知表单分组 ${el.section} (unknown form section)`;
	if (new Set(el.reportedBy).size !== el.reportedBy.length) fields.reportedBy = "报送单位类型重复 (duplicate unit types)";
	return fields;
};

/** The element settings whose change makes stored aggregates wrong. */
export type AggregationField = "overTime" | "acrossUnits" | "carryForwardMonths" | "frequency";

export const aggregationChanges = (before: DataElement, after: DataElement): AggregationField[] => {
	const out: AggregationField[] = [];
	if (before.overTime !== after.overTime) out.push("overTime");
	if (before.acrossUnits !== after.acrossUnits) out.push("acrossUnits");
	if (carryMonthsOf(before) !== carryMonthsOf(after)) out.push("carryForwardMonths");
	if (before.frequency !== after.frequency) out.push("frequency");
	return out;
};

/** Indicators and rules that reference an element. */
export const elementUsage = (code: string, catalog: Pick<Catalog, "indicators" | "rules">): { indicators: string[]; rules: string[] } => {
	const uses = (src: string) => src.includes(`#{${code}}`);
	return {
		indicators: catalog.indicators.filter((i) => uses(i.numerator) || uses(i.denominator)).map((i) => i.code),
		rules: catalog.rules.filter((r) => uses(r.left) || uses(r.right)).map((r) => r.id),
	};
};

/** The data elements an indicator's formulas reference. */
export const indicatorElements = (ind: Pick<Indicator, "numerator" | "denominator">): string[] => {
	const out = new Set<string>();
	for (const src of [ind.numerator, ind.denominator]) {
		try {
			for (const c of parseFormula(src).codes) out.add(c);
		} catch {
			// A broken formula references nothing usable; checkIndicator reports it.
		}
	}
	return [...out].sort();
};

/**
 * An indicator's formulas, its parent (其中 sub-indicators) and the parent chain: the parent must exist, and
 * following parents must never come back to the indicator.
 */
export const checkIndicator = (
	ind: Indicator,
	catalog: Pick<Catalog, "elements" | "indicators">,
	before: Indicator | undefined,
): { fields: FieldErrors; problems: FormulaProblem[] } => {
	const elements = new Map(catalog.elements.map((e) => [e.code, e]));
	// A retired element already in this indicator's formula may stay; a new reference to one may not.
	const allowRetired = new Set(before ? indicatorElements(before) : []);
	const out = toFields([checkFormula("numerator", ind.numerator, elements, { allowRetired }), checkFormula("denominator", ind.denominator, elements, { allowRetired })]);
	if (ind.parentCode !== undefined) {
		const byCode = new Map(catalog.indicators.map((i) => [i.code, i]));
		byCode.set(ind.code, ind);
		if (!byCode.has(ind.parentCode)) out.fields.parentCode = `未知上级指标 ${ind.parentCode} (unknown parent indicator)`;
		else {
			const seen = new Set<string>([ind.code]);
			for (let cur = byCode.get(ind.parentCode); cur; cur = cur.parentCode ? byCode.get(cur.parentCode) : undefined) {
				if (seen.has(cur.code)) {
					out.fields.parentCode = `上级指标形成循环：${[...seen, cur.code].join(" → ")} (parent cycle)`;
					break;
				}
				seen.add(cur.code);
			}
		}
	}
	return out;
};

/** A rule's two sides; a rule comparing a formula with itself can never fire and is refused too. */
export const checkRule = (
	rule: ValidationRule,
	catalog: Pick<Catalog, "elements">,
	before: ValidationRule | undefined,
): { fields: FieldErrors; problems: FormulaProblem[] } => {
	const elements = new Map(catalog.elements.map((e) => [e.code, e]));
	const allowRetired = new Set<string>();
	if (before) for (const src of [before.left, before.right]) for (const c of safeCodes(src)) allowRetired.add(c);
	const out = toFields([checkFormula("left", rule.left, elements, { allowRetired }), checkFormula("right", rule.right, elements, { allowRetired })]);
	if (!out.fields.left && !out.fields.right && rule.left.replace(/\s+/g, "") === rule.right.replace(/\s+/g, "")) {
		out.fields.right = "左右两边相同，规则没有意义 (both sides are the same formula)";
	}
	return out;
};

const safeCodes = (src: string): readonly string[] => {
	try {
		return parseFormula(src).codes;
	} catch {
		return [];
	}
};

/**
 * Plan indicators that point at retired elements and were not on the plan before: a new plan (or a new row
 * on an existing one) must not start monitoring figures that are no longer collected.
 */
export const planRetiredRefs = (
	plan: Pick<Plan, "indicators">,
	before: Pick<Plan, "indicators"> | undefined,
	catalog: Pick<Catalog, "elements" | "indicators">,
): FieldErrors => {
	const retired = new Set(catalog.elements.filter((e) => e.retired).map((e) => e.code));
	if (retired.size === 0) return {};
	const had = new Set(before?.indicators.map((pi) => pi.indicatorCode) ?? []);
	const byCode = new Map(catalog.indicators.map((i) => [i.code, i]));
	const fields: FieldErrors = {};
	plan.indicators.forEach((pi, i) => {
		if (had.has(pi.indicatorCode)) return;
		const ind = byCode.get(pi.indicatorCode);
		const hit = ind ? indicatorElements(ind).filter((c) => retired.has(c)) : [];
		if (hit.length > 0) fields[`indicators.${i}.indicatorCode`] = `指标 ${pi.indicatorCode} 使用已停用的数据项 ${hit.join("、")} (uses retired data elements ${hit.join(", ")})`;
	});
	return fields;
};

// ---------------------------------------------------------------------------------------------
// Catalog documents (export / import)

export type CatalogKind = "unit" | "element" | "indicator" | "rule" | "plan" | "sections";

export interface CatalogChange {
	kind: CatalogKind;
	key: string;
	change: "create" | "update";
	/** Top-level fields that differ, for an update. */
	fields?: string[];
}

/** A stable JSON form (sorted keys) so two documents compare by content, not key order. */
export const canonical = (v: unknown): unknown => {
	if (Array.isArray(v)) return v.map(canonical);
	if (v && typeof v === "object") {
		const out: Record<string, unknown> = {};
		for (const k of Object.keys(v as object).sort()) {
			const x = (v as Record<string, unknown>)[k];
			if (x !== undefined) out[k] = canonical(x);
		}
		return out;
	}
	return v;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/**
 * Every change applying `next` to `current` makes. An import never deletes: what the document leaves out
 * stays (retire elements explicitly instead).
 */
export const diffCatalog = (current: Catalog, next: Catalog): CatalogChange[] => {
	const out: CatalogChange[] = [];
	const diff = <T>(kind: CatalogKind, a: readonly T[], b: readonly T[], key: (x: T) => string) => {
		const before = new Map(a.map((x) => [key(x), x]));
		for (const item of b) {
			const k = key(item);
			const old = before.get(k);
			if (old === undefined) out.push({ kind, key: k, change: "create" });
			else if (!same(old, item)) {
				const fields = [...new Set([...Object.keys(old as object), ...Object.keys(item as object)])]
					.filter((f) => !same((old as Record<string, unknown>)[f], (item as Record<string, unknown>)[f]))
					.sort();
				out.push({ kind, key: k, change: "update", fields });
			}
		}
	};
	diff("unit", current.units, next.units, (u) => u.id);
	diff("element", current.elements, next.elements, (e) => e.code);
	diff("indicator", current.indicators, next.indicators, (i) => i.code);
	diff("rule", current.rules, next.rules, (r) => r.id);
	diff("plan", current.plans, next.plans, (p) => p.id);
	// Sections are compared as a set: a document lists them by id, the form orders them by `order`.
	const byId = (list: Catalog["sections"]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
	if (next.sections.length > 0 && !same(byId(current.sections), byId(next.sections))) out.push({ kind: "sections", key: "sections", change: current.sections.length ? "update" : "create" });
	return out;
};

/**
 * A whole catalog document's own consistency: every formula names an element of the document, every plan
 * indicator exists. Field paths point into the document (`indicators.3.numerator`).
 */
export const checkCatalogDocument = (c: Catalog): FieldErrors => {
	const fields: FieldErrors = {};
	const elements = new Map(c.elements.map((e) => [e.code, { ...e, retired: false }]));
	const dup = <T>(name: string, list: readonly T[], key: (x: T) => string) => {
		const seen = new Set<string>();
		list.forEach((x, i) => {
			const k = key(x);
			if (seen.has(k)) fields[`${name}.${i}`] = `重复的编号 ${k} (duplicate ${k})`;
			seen.add(k);
		});
	};
	dup("units", c.units, (u) => u.id);
	dup("elements", c.elements, (e) => e.code);
	dup("indicators", c.indicators, (i) => i.code);
	dup("rules", c.rules, (r) => r.id);
	dup("plans", c.plans, (p) => p.id);
	c.elements.forEach((e, i) => {
		for (const [f, m] of Object.entries(checkElement(e, c))) fields[`elements.${i}.${f}`] = m;
	});
	c.indicators.forEach((ind, i) => {
		for (const side of ["numerator", "denominator"] as const) {
			const p = checkFormula(side, ind[side], elements);
			if (p) fields[`indicators.${i}.${side}`] = p.message;
		}
	});
	c.rules.forEach((r, i) => {
		for (const side of ["left", "right"] as const) {
			const p = checkFormula(side, r[side], elements);
			if (p) fields[`rules.${i}.${side}`] = p.message;
		}
	});
	const indicators = new Set(c.indicators.map((i) => i.code));
	c.plans.forEach((p, i) => {
		p.indicators.forEach((pi, j) => {
			if (!indicators.has(pi.indicatorCode)) fields[`plans.${i}.indicators.${j}.indicatorCode`] = `未知指标 ${pi.indicatorCode} (unknown indicator)`;
		});
	});
	return fields;
};
