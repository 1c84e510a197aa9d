// Words for what the numbers mean, in both UI languages: a plan target as printed (zh) or rendered from its
// kind (en, since the plans print only Chinese), and an indicator formula in element names instead of
// `#{CODE}` syntax. Shared by the site, the summary and the evaluation so each says the same thing.
import type { DataElement, Locale, PlanTarget } from "./types";

const num = (v: number): string => {
	const s = String(Math.round(v * 1e6) / 1e6);
	return s.startsWith("-") ? `−${s.slice(1)}` : s;
};

/**
 * The target in the reader's language. zh-CN: exactly as printed in the plan. English: from the target's kind,
 * with the unit where it helps ("≤ 5 ‰", "keep the baseline", "−30 % vs 2015").
 * `followedName` names the indicator a proportional target follows.
 */
export const targetText = (t: Pick<PlanTarget, "target" | "printed">, locale: Locale, uom = "", followedName?: string): string => {
	if (locale === "zh-CN") return t.printed || "—";
	const target = t.target;
	const withUnit = (v: number) => (uom && uom !== "%" ? `${num(v)} ${uom}` : `${num(v)}${uom}`);
	switch (target.kind) {
		case "threshold":
			return `${target.op.replace("<=", "≤").replace(">=", "≥")} ${withUnit(target.value)}`;
		case "reach":
			return `reach ${withUnit(target.value)}`;
		case "approximately":
			return `about ${withUnit(target.value)} (± ${num(target.tolerance)})`;
		case "maintain":
			return "keep the baseline";
		case "annual-change": {
			const pp = uom === "%" ? " percentage points" : uom ? ` ${uom}` : "";
			return `${target.perYear < 0 ? "down" : "up"} ${num(Math.abs(target.perYear))}${pp} a year`;
		}
		case "relative-change":
			return `${target.change < 0 ? "−" : "+"}${num(Math.abs(target.change) * 100)} % vs ${target.baseYear}`;
		case "continuous-improvement":
			return "better every year";
		case "proportional":
			return followedName ? `rise in step with ${followedName}` : "rise in proportion";
	}
};

/**
 * A formula in words: `#{PHYSICIANS}` becomes the element's name in the reader's language; operators become
 * their printed signs. An unknown code is left as its code.
 */
export const formulaInWords = (formula: string, elements: ReadonlyMap<string, Pick<DataElement, "name">>, locale: Locale): string =>
	formula
		.replace(/#\{([A-Z][A-Z0-9_]*)\}/g, (_, code: string) => {
			const el = elements.get(code);
			return el ? (locale === "zh-CN" ? el.name.zh : el.name.en) : code;
		})
		.replace(/\s*\*\s*/g, " × ")
		.replace(/\s*\/\s*/g, " ÷ ")
		.replace(/\s*\+\s*/g, " + ")
		.replace(/\s*-\s*/g, " − ");
