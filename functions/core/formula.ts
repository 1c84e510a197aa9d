// DHIS2-style expressions over data elements: `#{CODE}`, numbers, + - * /, unary minus, parentheses.
// A hand-written recursive-descent parser: formulas are catalog data that admins edit, so they are
// never handed to eval/Function. Nesting is capped so a hostile formula fails with a FormulaError
// instead of overflowing the stack.

export type FormulaNode =
	| { type: "number"; value: number }
	| { type: "ref"; code: string }
	| { type: "neg"; operand: FormulaNode }
	| { type: "binary"; op: "+" | "-" | "*" | "/"; left: FormulaNode; right: FormulaNode };

export interface Formula {
	readonly source: string;
	readonly ast: FormulaNode;
	/** Every referenced code, sorted and unique. */
	readonly codes: readonly string[];
}

export interface EvaluateOptions {
	/** "null" (default): any unreported reference makes the result null. "zero": count it as 0. */
	missing?: "null" | "zero";
}

/** Returns the value of a data element, or null (or undefined) when it was not reported. */
export type Lookup = (code: string) => number | null | undefined;

export class FormulaError extends Error {
	constructor(
		readonly reason: string,
		/** 0-based character offset into the source. */
		readonly position: number,
		readonly source: string,
	) {
		super(`${reason} at position ${position} in ${JSON.stringify(source)}`);
		this.name = "FormulaError";
	}
}

/** Deepest nesting of parentheses and unary minus accepted. */
export const MAX_FORMULA_DEPTH = 64;
/** Longest source accepted; catalog formulas are a few dozen characters. */
export const MAX_FORMULA_LENGTH = 4000;

const CODE_RE = /^[A-Z][A-Z0-9_]*$/;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r";

class Parser {
	private pos = 0;
	private depth = 0;
	readonly codes = new Set<string>();

	constructor(private readonly src: string) {}

	parse(): FormulaNode {
		this.skipSpace();
		if (this.pos >= this.src.length) throw this.error("Empty formula");
		const node = this.expression();
		this.skipSpace();
		if (this.pos < this.src.length) {
			throw this.error(this.peek() === ")" ? "Unbalanced ')'" : `Unexpected '${this.peek()}'`);
		}
		return node;
	}

	private error(reason: string, at = this.pos): FormulaError {
		return new FormulaError(reason, at, this.src);
	}

	private peek(): string | undefined {
		return this.src[this.pos];
	}

	private skipSpace(): void {
		while (isSpace(this.peek())) this.pos++;
	}

	private enter(): void {
		this.depth++;
		if (this.depth > MAX_FORMULA_DEPTH) throw this.error(`Nesting deeper than ${MAX_FORMULA_DEPTH}`);
	}

	// expression := term (("+" | "-") term)*
	private expression(): FormulaNode {
		let left = this.term();
		for (;;) {
			this.skipSpace();
			const c = this.peek();
			if (c !== "+" && c !== "-") return left;
			this.pos++;
			left = { type: "binary", op: c, left, right: this.term() };
		}
	}

	// term := unary (("*" | "/") unary)*
	private term(): FormulaNode {
		let left = this.unary();
		for (;;) {
			this.skipSpace();
			const c = this.peek();
			if (c !== "*" && c !== "/") return left;
			this.pos++;
			left = { type: "binary", op: c, left, right: this.unary() };
		}
	}

	// unary := "-" unary | primary
	private unary(): FormulaNode {
		this.skipSpace();
		if (this.peek() !== "-") return this.primary();
		this.pos++;
		this.enter();
		const operand = this.unary();
		this.depth--;
		return { type: "neg", operand };
	}

	// primary := number | "#{" CODE "}" | "(" expression ")"
	private primary(): FormulaNode {
		this.skipSpace();
		const start = this.pos;
		const c = this.peek();
		if (c === undefined) throw this.error("Unexpected end of formula");
		if (c === "(") {
			this.pos++;
			this.enter();
			const inner = this.expression();
			this.skipSpace();
			if (this.peek() !== ")") throw this.error("Missing ')'", this.pos);
			this.pos++;
			this.depth--;
			return inner;
		}
		if (c === "#") return this.reference(start);
		if (isDigit(c) || c === ".") return this.number(start);
		throw this.error(c === ")" ? "Unexpected ')'" : `Unexpected '${c}'`);
	}

	private reference(start: number): FormulaNode {
		if (this.src[start + 1] !== "{") throw this.error("Expected '{' after '#'", start + 1);
		const close = this.src.indexOf("}", start + 2);
		if (close < 0) throw this.error("Missing '}'", start);
		const code = this.src.slice(start + 2, close);
		if (code === "") throw this.error("Empty reference #{}", start);
		if (!CODE_RE.test(code)) {
			throw this.error(`Invalid code '${code}' (upper-case letters, digits and _ only)`, start + 2);
		}
		this.pos = close + 1;
		this.codes.add(code);
		return { type: "ref", code };
	}

	private number(start: number): FormulaNode {
		let p = start;
		while (isDigit(this.src[p])) p++;
		if (this.src[p] === ".") {
			p++;
			const fracStart = p;
			while (isDigit(this.src[p])) p++;
			if (p === fracStart) throw this.error("Expected digits after '.'", p);
		}
		const text = this.src.slice(start, p);
		if (text === ".") throw this.error("Expected a number", start);
		this.pos = p;
		return { type: "number", value: Number(text) };
	}
}

const CACHE_LIMIT = 2000;
const cache = new Map<string, Formula>();

function deepFreeze(node: FormulaNode): FormulaNode {
	if (node.type === "neg") deepFreeze(node.operand);
	if (node.type === "binary") {
		deepFreeze(node.left);
		deepFreeze(node.right);
	}
	return Object.freeze(node);
}

/** Parses (and caches by source) a formula; throws FormulaError with the failing position. */
export function parseFormula(src: string): Formula {
	const hit = cache.get(src);
	if (hit) return hit;
	if (typeof src !== "string") throw new FormulaError("Formula must be a string", 0, String(src));
	if (src.length > MAX_FORMULA_LENGTH) {
		throw new FormulaError(`Formula longer than ${MAX_FORMULA_LENGTH} characters`, MAX_FORMULA_LENGTH, src.slice(0, 40));
	}
	const parser = new Parser(src);
	const ast = deepFreeze(parser.parse());
	const formula: Formula = Object.freeze({
		source: src,
		ast,
		codes: Object.freeze([...parser.codes].sort()),
	});
	// A crude bound: the catalog has a few hundred formulas, so clearing is rare and cheap.
	if (cache.size >= CACHE_LIMIT) cache.clear();
	cache.set(src, formula);
	return formula;
}

/** Sorted unique codes referenced by a formula source. */
export function formulaCodes(src: string): readonly string[] {
	return parseFormula(src).codes;
}

/** The first code in reading order (left to right), e.g. to attach an issue to a field. */
export function firstCode(formula: Formula): string | undefined {
	const walk = (n: FormulaNode): string | undefined => {
		if (n.type === "ref") return n.code;
		if (n.type === "neg") return walk(n.operand);
		if (n.type === "binary") return walk(n.left) ?? walk(n.right);
		return undefined;
	};
	return walk(formula.ast);
}

/**
 * Evaluates a parsed formula (or source). Returns null when a reference is missing (with missing "null"),
 * on division by zero, and whenever an intermediate result is not finite.
 */
export function evaluateFormula(formula: Formula | string, lookup: Lookup, opts: EvaluateOptions = {}): number | null {
	const f = typeof formula === "string" ? parseFormula(formula) : formula;
	const zero = opts.missing === "zero";
	const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
	const ev = (n: FormulaNode): number | null => {
		switch (n.type) {
			case "number":
				return n.value;
			case "ref": {
				const v = lookup(n.code);
				if (v === null || v === undefined || Number.isNaN(v)) return zero ? 0 : null;
				return finite(v);
			}
			case "neg": {
				const v = ev(n.operand);
				return v === null ? null : -v;
			}
			case "binary": {
				const l = ev(n.left);
				if (l === null) return null;
				const r = ev(n.right);
				if (r === null) return null;
				if (n.op === "+") return finite(l + r);
				if (n.op === "-") return finite(l - r);
				if (n.op === "*") return finite(l * r);
				return r === 0 ? null : finite(l / r);
			}
		}
	};
	return ev(f.ast);
}
