import { describe, expect, it } from "vitest";
import {
	evaluateFormula,
	FormulaError,
	firstCode,
	formulaCodes,
	MAX_FORMULA_DEPTH,
	parseFormula,
} from "../../functions/core/formula";

const values: Record<string, number | null> = {
	LIVE_BIRTHS: 200,
	INFANT_DEATHS: 1,
	DEATHS_A: 3,
	DEATHS_B: 2,
	ZERO: 0,
	NOT_REPORTED: null,
};
const lookup = (code: string) => values[code];

function parseError(src: string): FormulaError {
	try {
		parseFormula(src);
	} catch (e) {
		if (e instanceof FormulaError) return e;
		throw e;
	}
	throw new Error(`expected ${JSON.stringify(src)} to fail`);
}

describe("parseFormula", () => {
	it("collects sorted unique codes", () => {
		// act
		const f = parseFormula("#{LIVE_BIRTHS} + #{DEATHS_B} * #{DEATHS_A} - #{DEATHS_B}");
		// assert
		expect(f.codes).toEqual(["DEATHS_A", "DEATHS_B", "LIVE_BIRTHS"]);
	});

	it("caches by source string", () => {
		// act
		const a = parseFormula("#{A1} / 2");
		const b = parseFormula("#{A1} / 2");
		// assert
		expect(a).toBe(b);
		expect(Object.isFrozen(a.ast)).toBe(true);
	});

	it("accepts whitespace, decimals and constants only", () => {
		expect(parseFormula("  1.25 ").codes).toEqual([]);
		expect(evaluateFormula(" ( 1.5 + .5 ) * 4 ", lookup)).toBe(8);
	});

	it("formulaCodes is the codes of the parse", () => {
		expect(formulaCodes("#{B}/#{A}")).toEqual(["A", "B"]);
	});

	it("firstCode follows reading order, not sort order", () => {
		expect(firstCode(parseFormula("#{ZED} + #{ALPHA}"))).toBe("ZED");
		expect(firstCode(parseFormula("-(2 * #{B})"))).toBe("B");
		expect(firstCode(parseFormula("42"))).toBeUndefined();
	});

	it.each([
		["", "Empty formula", 0],
		["   ", "Empty formula", 3],
		["(1 + 2", "Missing ')'", 6],
		["1 + 2)", "Unbalanced ')'", 5],
		["1 +", "Unexpected end of formula", 3],
		["1 * * 2", "Unexpected '*'", 4],
		["#{}", "Empty reference #{}", 0],
		["#{lower}", "Invalid code 'lower'", 2],
		["#{1ABC}", "Invalid code '1ABC'", 2],
		["#{A", "Missing '}'", 0],
		["#A", "Expected '{' after '#'", 1],
		["2 ^ 3", "Unexpected '^'", 2],
		["abs(1)", "Unexpected 'a'", 0],
		["1.2.3", "Unexpected '.'", 3],
		["1.", "Expected digits after '.'", 2],
		["#{A} #{B}", "Unexpected '#'", 5],
		["+1", "Unexpected '+'", 0],
	])("rejects %j with %s at %d", (src, reason, position) => {
		// act
		const err = parseError(src);
		// assert
		expect(err.reason).toContain(reason);
		expect(err.position).toBe(position);
		expect(err.message).toContain(`position ${position}`);
	});

	it("caps nesting depth instead of overflowing the stack", () => {
		// prepare
		const deep = `${"(".repeat(100_000)}1${")".repeat(100_000)}`;
		const deepMinus = `${"-".repeat(MAX_FORMULA_DEPTH + 1)}1`;
		// act + assert
		expect(() => parseFormula(deep)).toThrow(FormulaError);
		expect(parseError(`${"(".repeat(MAX_FORMULA_DEPTH + 1)}1${")".repeat(MAX_FORMULA_DEPTH + 1)}`).reason).toContain(
			"Nesting deeper",
		);
		expect(() => parseFormula(deepMinus)).toThrow(FormulaError);
	});

	it("accepts nesting up to the cap", () => {
		// prepare
		const src = `${"(".repeat(MAX_FORMULA_DEPTH)}#{A}${")".repeat(MAX_FORMULA_DEPTH)}`;
		// act
		const f = parseFormula(src);
		// assert
		expect(f.codes).toEqual(["A"]);
	});

	it("rejects a formula that is far too long", () => {
		expect(() => parseFormula("1+".repeat(5000).concat("1"))).toThrow(FormulaError);
	});
});

describe("evaluateFormula", () => {
	it("respects precedence and left associativity", () => {
		expect(evaluateFormula("2 + 3 * 4", lookup)).toBe(14);
		expect(evaluateFormula("(2 + 3) * 4", lookup)).toBe(20);
		expect(evaluateFormula("10 - 4 - 3", lookup)).toBe(3);
		expect(evaluateFormula("24 / 4 / 3", lookup)).toBe(2);
	});

	it("handles unary minus, including doubled and after an operator", () => {
		expect(evaluateFormula("-3 + 5", lookup)).toBe(2);
		expect(evaluateFormula("--3", lookup)).toBe(3);
		expect(evaluateFormula("2 * -#{DEATHS_A}", lookup)).toBe(-6);
		expect(evaluateFormula("-(1 + 2) * 2", lookup)).toBe(-6);
	});

	it("computes a rate from references", () => {
		// act
		const rate = evaluateFormula("#{INFANT_DEATHS} / #{LIVE_BIRTHS} * 1000", lookup);
		// assert
		expect(rate).toBe(5);
	});

	it("with missing 'null', any unreported reference makes the result null, even times zero", () => {
		expect(evaluateFormula("#{DEATHS_A} + #{NOT_REPORTED}", lookup)).toBeNull();
		expect(evaluateFormula("0 * #{NOT_REPORTED}", lookup)).toBeNull();
		expect(evaluateFormula("#{UNKNOWN_CODE}", lookup)).toBeNull();
	});

	it("with missing 'zero', unreported references count as 0", () => {
		expect(evaluateFormula("#{DEATHS_A} + #{NOT_REPORTED}", lookup, { missing: "zero" })).toBe(3);
	});

	it("a reported 0 is a value, not a missing one", () => {
		expect(evaluateFormula("#{ZERO} + 1", lookup)).toBe(1);
	});

	it("division by zero gives null", () => {
		expect(evaluateFormula("#{DEATHS_A} / #{ZERO}", lookup)).toBeNull();
		expect(evaluateFormula("1 / (2 - 2)", lookup)).toBeNull();
		expect(evaluateFormula("#{DEATHS_A} / #{NOT_REPORTED}", lookup, { missing: "zero" })).toBeNull();
	});

	it("non-finite inputs and overflow give null", () => {
		// prepare
		const weird = (code: string) => (code === "INF" ? Number.POSITIVE_INFINITY : code === "NAN" ? Number.NaN : 1e308);
		// act + assert
		expect(evaluateFormula("#{INF}", weird)).toBeNull();
		expect(evaluateFormula("#{NAN} + 1", weird)).toBeNull();
		expect(evaluateFormula("#{BIG} * 10", weird)).toBeNull();
	});

	it("never evaluates JavaScript", () => {
		expect(() => parseFormula("process.exit(1)")).toThrow(FormulaError);
		expect(() => parseFormula("#{A}; globalThis")).toThrow(FormulaError);
	});
});
