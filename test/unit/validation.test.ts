import { describe, expect, it } from "vitest";
import type { DataElement, ValidationRule, ValueMap } from "../../functions/core/types";
import {
	checkValue,
	FORM_LEVEL,
	groupIssuesByField,
	hasBlockingErrors,
	historyStats,
	isJump,
	isOutlier,
	validateSubmission,
} from "../../functions/core/validation";

function element(code: string, zh: string, over: Partial<DataElement> = {}): DataElement {
	return {
		code,
		name: { zh, en: code.toLowerCase().replaceAll("_", " ") },
		valueType: "integer",
		uom: { zh: "人", en: "persons" },
		min: 0,
		max: 5000,
		frequency: "monthly",
		reportedBy: ["regiment-hospital"],
		acrossUnits: "sum",
		overTime: "flow",
		section: "maternal-child",
		requiredToSubmit: true,
		...over,
	};
}

const LIVE_BIRTHS = element("LIVE_BIRTHS", "活产数");
const INFANT_DEATHS = element("INFANT_DEATHS", "婴儿死亡数");
const U5_DEATHS = element("U5_DEATHS", "5岁以下儿童死亡数", { requiredToSubmit: false });
const BEDS = element("BEDS", "实有床位数", { overTime: "stock", uom: { zh: "张", en: "beds" }, max: 1000 });
const RATE = element("IMM_RATE", "免疫接种率", { valueType: "percent", uom: { zh: "%", en: "%" }, max: 100 });
const EXPENSE = element("EXPENSE", "业务支出", { valueType: "number", uom: { zh: "万元", en: "10k yuan" }, min: 0, max: 9999 });
const elements = [LIVE_BIRTHS, INFANT_DEATHS, U5_DEATHS, BEDS, RATE, EXPENSE];

const infantVsBirths: ValidationRule = {
	id: "infant-deaths-le-births",
	left: "#{INFANT_DEATHS}",
	op: "<=",
	right: "#{LIVE_BIRTHS}",
	severity: "error",
	message: { zh: "婴儿死亡数不能大于活产数。", en: "Infant deaths cannot exceed live births." },
};
const u5IncludesInfant: ValidationRule = {
	id: "u5-ge-infant",
	left: "#{U5_DEATHS}",
	op: ">=",
	right: "#{INFANT_DEATHS}",
	severity: "warning",
	message: { zh: "5岁以下儿童死亡数不能少于婴儿死亡数。", en: "Under-5 deaths cannot be fewer than infant deaths." },
};

const complete: ValueMap = { LIVE_BIRTHS: 40, INFANT_DEATHS: 0, U5_DEATHS: 0, BEDS: 200, IMM_RATE: 95.5, EXPENSE: 12.5 };

const codes = (issues: { code: string; field?: string }[]) => issues.map((i) => `${i.field ?? ""}:${i.code}`);

describe("validateSubmission: single values", () => {
	it("a complete, plausible form has no issues", () => {
		// act
		const issues = validateSubmission({ elements, rules: [infantVsBirths], values: complete, action: "submit" });
		// assert
		expect(issues).toEqual([]);
	});

	it("flags codes that are not on the unit's form", () => {
		// act
		const issues = validateSubmission({ elements, rules: [], values: { ...complete, NURSES: 3 }, action: "save" });
		// assert
		expect(codes(issues)).toEqual(["NURSES:unknown"]);
		expect(issues[0]?.severity).toBe("error");
		expect(issues[0]?.message.zh).toContain("NURSES");
	});

	it.each([
		[{ LIVE_BIRTHS: 40.5 }, "LIVE_BIRTHS:type", "必须是整数"],
		[{ IMM_RATE: 100.1 }, "IMM_RATE:type", "0 到 100"],
		[{ IMM_RATE: -1 }, "IMM_RATE:type", "百分比"],
		[{ EXPENSE: Number.NaN }, "EXPENSE:type", "有效数字"],
		[{ EXPENSE: Number.POSITIVE_INFINITY }, "EXPENSE:type", "有效数字"],
		[{ LIVE_BIRTHS: -1 }, "LIVE_BIRTHS:min", "不能小于 0人"],
		[{ BEDS: 1001 }, "BEDS:max", "不能大于 1000张"],
	])("%j gives %s", (override, expected, zhFragment) => {
		// act
		const issues = validateSubmission({ elements, rules: [], values: { ...complete, ...override }, action: "save" });
		// assert
		expect(codes(issues)).toEqual([expected]);
		expect(issues[0]?.message.zh).toContain(zhFragment);
		expect(issues[0]?.message.en.length).toBeGreaterThan(0);
	});

	it("a decimal is fine for a number element", () => {
		expect(checkValue(EXPENSE, 12.345)).toEqual([]);
	});

	it("a string sneaking in at runtime is a type error, not a crash", () => {
		expect(checkValue(LIVE_BIRTHS, "40")[0]?.code).toBe("type");
	});
});

describe("validateSubmission: required (null is not 0)", () => {
	it("save allows empty required elements", () => {
		// prepare
		const values: ValueMap = { LIVE_BIRTHS: null };
		// act
		const issues = validateSubmission({ elements, rules: [], values, action: "save" });
		// assert
		expect(issues).toEqual([]);
	});

	it("submit requires every required element, whether null or absent, but not optional ones", () => {
		// prepare
		const values: ValueMap = { ...complete, LIVE_BIRTHS: null, U5_DEATHS: null };
		delete values.BEDS;
		// act
		const issues = validateSubmission({ elements, rules: [], values, action: "submit" });
		// assert
		expect(codes(issues)).toEqual(["LIVE_BIRTHS:required", "BEDS:required"]);
		expect(issues[0]?.message.zh).toBe("提交前必须填写“活产数”；如本月没有发生，请填 0。");
	});

	it("0 satisfies required", () => {
		// act
		const issues = validateSubmission({ elements, rules: [], values: { ...complete, LIVE_BIRTHS: 0 }, action: "submit" });
		// assert
		expect(issues).toEqual([]);
	});
});

describe("validateSubmission: cross-element rules", () => {
	it("fires with the rule's severity, message and the left side's field", () => {
		// act
		const issues = validateSubmission({
			elements,
			rules: [infantVsBirths],
			values: { ...complete, LIVE_BIRTHS: 3, INFANT_DEATHS: 5 },
			action: "save",
		});
		// assert
		expect(codes(issues)).toEqual(["INFANT_DEATHS:rule:infant-deaths-le-births"]);
		expect(issues[0]?.severity).toBe("error");
		expect(issues[0]?.message.zh).toBe("婴儿死亡数不能大于活产数。（当前值：5 ≤ 3 不成立）");
	});

	it("holds at equality for <=", () => {
		const values = { ...complete, LIVE_BIRTHS: 5, INFANT_DEATHS: 5 };
		expect(validateSubmission({ elements, rules: [infantVsBirths], values, action: "save" })).toEqual([]);
	});

	it("skips by default when any side is not reported", () => {
		// prepare
		const values = { ...complete, LIVE_BIRTHS: null, INFANT_DEATHS: 5 };
		// act
		const issues = validateSubmission({ elements, rules: [infantVsBirths], values, action: "save" });
		// assert
		expect(issues).toEqual([]);
	});

	it("never-skip counts unreported elements as 0", () => {
		// prepare
		const rule: ValidationRule = { ...infantVsBirths, missingValueStrategy: "never-skip" };
		const values = { ...complete, LIVE_BIRTHS: null, INFANT_DEATHS: 5 };
		// act
		const issues = validateSubmission({ elements, rules: [rule], values, action: "save" });
		// assert
		expect(codes(issues)).toEqual(["INFANT_DEATHS:rule:infant-deaths-le-births"]);
	});

	it("a warning rule gives a warning, which does not block", () => {
		// act
		const issues = validateSubmission({
			elements,
			rules: [u5IncludesInfant],
			values: { ...complete, U5_DEATHS: 1, INFANT_DEATHS: 2 },
			action: "submit",
		});
		// assert
		expect(issues.map((i) => i.severity)).toEqual(["warning"]);
		expect(hasBlockingErrors(issues)).toBe(false);
	});

	it("uses formulas on both sides, with ==, != and division", () => {
		// prepare
		const sum: ValidationRule = {
			...infantVsBirths,
			id: "sum",
			left: "#{INFANT_DEATHS} + #{U5_DEATHS}",
			op: "==",
			right: "#{LIVE_BIRTHS} / 10",
		};
		const differ: ValidationRule = { ...sum, id: "differ", op: "!=" };
		const values = { ...complete, INFANT_DEATHS: 1, U5_DEATHS: 3, LIVE_BIRTHS: 40 };
		// act
		const issues = validateSubmission({ elements, rules: [sum, differ], values, action: "save" });
		// assert
		expect(codes(issues)).toEqual(["INFANT_DEATHS:rule:differ"]);
	});

	it("a rule that divides by zero does not fire", () => {
		const rule: ValidationRule = { ...infantVsBirths, id: "ratio", left: "#{INFANT_DEATHS} / #{LIVE_BIRTHS}", right: "1" };
		const values = { ...complete, LIVE_BIRTHS: 0, INFANT_DEATHS: 1 };
		expect(validateSubmission({ elements, rules: [rule], values, action: "save" })).toEqual([]);
	});

	it("a rule about elements not on this form does not apply", () => {
		const rule: ValidationRule = { ...infantVsBirths, id: "nurses", left: "#{NURSES}", right: "#{BEDS}" };
		expect(validateSubmission({ elements, rules: [rule], values: complete, action: "save" })).toEqual([]);
	});

	it("a rule over an already invalid value stays quiet (the type error is enough)", () => {
		// act
		const issues = validateSubmission({
			elements,
			rules: [infantVsBirths],
			values: { ...complete, LIVE_BIRTHS: 3, INFANT_DEATHS: 5.5 },
			action: "save",
		});
		// assert
		expect(codes(issues)).toEqual(["INFANT_DEATHS:type"]);
	});

	it("a malformed rule is ignored rather than blocking reporters", () => {
		const broken: ValidationRule = { ...infantVsBirths, id: "broken", left: "#{INFANT_DEATHS" };
		expect(validateSubmission({ elements, rules: [broken], values: complete, action: "save" })).toEqual([]);
	});
});

describe("outliers against the unit's own history", () => {
	const births = [40, 45, 38, 50, 42, 47, 44, 41, 39, 46, 43, 48];

	it("historyStats computes mean, sample SD, median and MAD", () => {
		// act
		const s = historyStats([1, 2, 3, 4, 100]);
		// assert
		expect(s.n).toBe(5);
		expect(s.mean).toBe(22);
		expect(s.median).toBe(3);
		expect(s.mad).toBe(1);
		expect(s.sd).toBeCloseTo(43.6, 1);
	});

	it.each([
		[120, true],
		[35, false],
		[53, false],
		[56, true], // 3.3 SD above a tight history
		[75, true],
	])("births history ~44: %d outlier=%s", (value, expected) => {
		expect(isOutlier(value, births)).toBe(expected);
	});

	it("needs at least 6 history points", () => {
		expect(isOutlier(1000, [40, 41, 42, 43, 44])).toBe(false);
		expect(isOutlier(1000, [40, 41, 42, 43, 44, 45])).toBe(true);
	});

	it("a flat history does not make every small change an outlier, but a typo still stands out", () => {
		// prepare: 200 beds every month, one month 210
		const beds = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 210];
		// act + assert
		expect(isOutlier(210, beds)).toBe(false);
		expect(isOutlier(215, beds)).toBe(false);
		expect(isOutlier(2000, beds)).toBe(true);
	});

	it("rare events: all-zero deaths history tolerates 1–3, flags 5", () => {
		// prepare
		const zeros = Array.from({ length: 12 }, () => 0);
		// act + assert
		expect(isOutlier(1, zeros)).toBe(false);
		expect(isOutlier(3, zeros)).toBe(false);
		expect(isOutlier(5, zeros)).toBe(true);
	});

	it("validateSubmission adds an outlier warning with the median", () => {
		// act
		const issues = validateSubmission({
			elements,
			rules: [],
			values: { ...complete, LIVE_BIRTHS: 120 },
			action: "submit",
			history: { LIVE_BIRTHS: births },
		});
		// assert
		expect(codes(issues)).toEqual(["LIVE_BIRTHS:outlier"]);
		expect(issues[0]?.severity).toBe("warning");
		expect(issues[0]?.message.zh).toBe("“活产数”为 120，明显偏离本单位近 12 个月的水平（中位数 43.5），请核实。");
		expect(hasBlockingErrors(issues)).toBe(false);
	});
});

describe("month-to-month jumps", () => {
	it.each([
		[201, 100, true], // more than doubled
		[200, 100, false], // exactly doubled
		[100, 201, true], // more than halved
		[12, 3, false], // ×4 but only 9 apart
		[14, 3, true],
		[11, 0, true],
		[10, 0, false],
	])("%d after %d: jump=%s", (value, previous, expected) => {
		expect(isJump(value, previous)).toBe(expected);
	});

	it("validateSubmission warns on a jump from last month, and ignores last month's nulls", () => {
		// act
		const issues = validateSubmission({
			elements,
			rules: [],
			values: { ...complete, BEDS: 900 },
			action: "save",
			previous: { BEDS: 200, LIVE_BIRTHS: null },
		});
		// assert
		expect(codes(issues)).toEqual(["BEDS:jump"]);
		expect(issues[0]?.message.zh).toBe("“实有床位数”由上月的 200 变为 900，变化过大，请核实。");
	});

	it("an invalid value gets its error only, no outlier or jump on top", () => {
		// act
		const issues = validateSubmission({
			elements,
			rules: [],
			values: { ...complete, BEDS: 5000 },
			action: "save",
			previous: { BEDS: 200 },
			history: { BEDS: [200, 200, 200, 200, 200, 200] },
		});
		// assert
		expect(codes(issues)).toEqual(["BEDS:max"]);
	});
});

describe("helpers", () => {
	it("hasBlockingErrors is true only with an error", () => {
		expect(hasBlockingErrors([])).toBe(false);
		expect(hasBlockingErrors([{ severity: "warning", code: "jump", message: { zh: "", en: "" } }])).toBe(false);
		expect(hasBlockingErrors([{ severity: "error", code: "type", message: { zh: "", en: "" } }])).toBe(true);
	});

	it("groupIssuesByField keeps order and puts field-less issues under FORM_LEVEL", () => {
		// prepare
		const m = { zh: "", en: "" };
		const issues = [
			{ severity: "error" as const, field: "A", code: "min", message: m },
			{ severity: "warning" as const, code: "rule:x", message: m },
			{ severity: "warning" as const, field: "A", code: "jump", message: m },
		];
		// act
		const grouped = groupIssuesByField(issues);
		// assert
		expect(Object.keys(grouped)).toEqual(["A", FORM_LEVEL]);
		expect(grouped.A?.map((i) => i.code)).toEqual(["min", "jump"]);
		expect(grouped[FORM_LEVEL]).toHaveLength(1);
	});
});
