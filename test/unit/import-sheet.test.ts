// The import sheet layout: every error kind the parser and the planner report, with a field and a
// bilingual message; the stored-state checks the submission API would make; and export → import.
import { describe, expect, it } from "vitest";
import { indexCatalog } from "../../functions/core/catalog-index";
import { dataElements, formSections, indicators, orgUnits, plans, validationRules } from "../../functions/core/catalog/index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import {
	exportElements,
	exportRows,
	type ImportFieldError,
	normalizeHeader,
	parseImportSheet,
	parsePeriodCell,
	parseValueCell,
	planImport,
	type SheetCell,
	type SheetTable,
	type StoredState,
	storedRangeByUnit,
} from "../../functions/core/import-sheet";
import type { ValueMap } from "../../functions/core/types";

const idx = indexCatalog({ units: orgUnits, elements: dataElements, sections: formSections, indicators, plans, rules: validationRules });
const NOW = new Date("2025-07-15T04:00:00Z");
const PERIOD = "2025-06";
// Demo months near `to` are deliberately incomplete; these are all complete.
const demo = generateDemoSubmissions({ from: "2024-06", to: "2025-12" });
const demoValues = (unitId: string, period = PERIOD): ValueMap => {
	const d = demo.find((s) => s.unitId === unitId && s.period === period);
	if (!d) throw new Error(`no demo values for ${unitId} ${period}`);
	return { ...d.values };
};

const table = (rows: SheetCell[][]): SheetTable => ({ name: "S", rows: rows.map((cells, i) => ({ row: i + 1, cells })) });

/** A sheet in the export layout for these unit × period value maps. */
const sheetOf = (entries: { unitId: string; period: string; values: ValueMap; action?: string; comment?: string; version?: number }[]): SheetTable => {
	const codes = [...new Set(entries.flatMap((e) => Object.keys(e.values)))];
	return table([
		["单位编号", "期间", "操作", "备注", "版本", ...codes],
		...entries.map((e) => [e.unitId, e.period, e.action ?? null, e.comment ?? null, e.version ?? null, ...codes.map((c) => e.values[c] ?? null)]),
	]);
};

const parse = (t: SheetTable) => parseImportSheet(t, idx, NOW);
const plan = (t: SheetTable, stored: Record<string, StoredState[]> = {}) => planImport({ sheet: parse(t), idx, now: NOW, stored: new Map(Object.entries(stored)), lockDay: 20 });

const codesOf = (errors: ImportFieldError[]) => errors.map((e) => `${e.field}:${e.code}`);
/** Every message says it in Chinese and in English: "中文 (English)". */
const expectBilingual = (errors: ImportFieldError[]) => {
	expect(errors.length).toBeGreaterThan(0);
	for (const e of errors) {
		expect(e.message, e.message).toMatch(/^[^(]*[\u4e00-\u9fff]/);
		expect(e.message, e.message).toMatch(/ \(.*[A-Za-z]{3,}.*\)$/s);
	}
};

describe("cells", () => {
	it("reads periods as people type them and Excel stores them", () => {
		expect(parsePeriodCell("2025-06")).toBe("2025-06");
		expect(parsePeriodCell("2025-6")).toBe("2025-06");
		expect(parsePeriodCell("2025/06/01")).toBe("2025-06");
		expect(parsePeriodCell("2025年6月")).toBe("2025-06");
		expect(parsePeriodCell("２０２５年６月")).toBe("2025-06");
		expect(parsePeriodCell("202506")).toBe("2025-06");
		expect(parsePeriodCell("2024")).toBe("2024");
		expect(parsePeriodCell("2024年")).toBe("2024");
		expect(parsePeriodCell(2024)).toBe("2024");
		// Excel date cells are serial days: 45809 is 2025-06-01, 45838 is 2025-06-30.
		expect(parsePeriodCell(45809)).toBe("2025-06");
		expect(parsePeriodCell(45838)).toBe("2025-06");
		for (const bad of ["2025-13", "June 2025", "25-06", "", 12, true]) expect(parsePeriodCell(bad), String(bad)).toBeNull();
	});

	it("reads numbers: 0 is 0, empty and dashes are null, separators and full-width digits are fine, text is not", () => {
		expect(parseValueCell(0)).toEqual({ ok: true, value: 0 });
		expect(parseValueCell("0")).toEqual({ ok: true, value: 0 });
		expect(parseValueCell(null)).toEqual({ ok: true, value: null });
		expect(parseValueCell(" — ")).toEqual({ ok: true, value: null });
		expect(parseValueCell("1,234,567")).toEqual({ ok: true, value: 1234567 });
		expect(parseValueCell("１２")).toEqual({ ok: true, value: 12 });
		expect(parseValueCell("-3.5")).toEqual({ ok: true, value: -3.5 });
		expect(parseValueCell("85%", { valueType: "percent" })).toEqual({ ok: true, value: 85 });
		expect(parseValueCell("85%", { valueType: "integer" })).toEqual({ ok: false, text: "85%" });
		expect(parseValueCell("12,34")).toEqual({ ok: false, text: "12,34" });
		expect(parseValueCell("many")).toEqual({ ok: false, text: "many" });
		expect(parseValueCell(true)).toEqual({ ok: false, text: "TRUE" });
	});

	it("normalizes headers: case, spaces, a trailing gloss", () => {
		expect(normalizeHeader(" 单位编号 (unitId) ")).toBe("单位编号");
		expect(normalizeHeader("Unit  ID")).toBe("unit id");
	});
});

describe("parseImportSheet: the file alone", () => {
	it("maps header aliases, element codes and zh names (full-width or not) to columns", () => {
		const s = parse(table([["单位编号 (unitId)", "Period", "Action", "实有床位数", "beds", "执业(助理)医师数"], ["t33", "2025-06", "上报", 1]]));
		expect(s.fatal).toEqual([]);
		// BEDS twice: by its zh name (D) and its code (E).
		expect(codesOf(s.headerErrors)).toEqual(["BEDS:header"]);
		expect(s.headerErrors[0]?.column).toBe("E");
		expect([...s.elementColumns.values()]).toEqual(["BEDS", "PHYSICIANS"]);
		expect(s.rows[0]).toMatchObject({ unitId: "t33", period: "2025-06", action: "submit", values: { BEDS: 1, PHYSICIANS: null }, errors: [] });
	});

	it("refuses a file without the unit or period column, or with no rows, as unusable", () => {
		expect(codesOf(parse(table([["BEDS"], [1]])).fatal)).toEqual(["unitId:header", "period:header"]);
		expect(codesOf(parse(table([])).fatal)).toEqual(["file:empty"]);
		expectBilingual(parse(table([["BEDS"]])).fatal);
	});

	it("reports unknown and duplicate columns against the header row", () => {
		const s = parse(table([["单位编号", "期间", "NOT_A_CODE", "备注", "说明"], ["t33", "2025-06"]]));
		expect(codesOf(s.headerErrors)).toEqual(["NOT_A_CODE:header", "comment:header"]);
		expect(s.headerErrors.map((e) => e.column)).toEqual(["C", "E"]);
		expectBilingual(s.headerErrors);
		const p = plan(table([["单位编号", "期间", "NOT_A_CODE"], ["t33", "2025-06", 1]]));
		expect(p.rows[0]).toMatchObject({ row: 1, status: "error" });
		// …and the data row, which has none of the required values.
		expect(p.rows[1]?.errors.map((e) => e.code)).toContain("required");
		expect(p.errorCount).toBe(2);
	});

	it("reports every row-level kind with its field, column and a bilingual message", () => {
		const long = "长".repeat(2001);
		const s = parse(
			table([
				["单位编号", "单位名称", "期间", "操作", "备注", "版本", "BEDS"],
				["t99", null, "2025-06", null, null, null, 1], // 2 unknown id
				[null, "不存在医院", "2025-06", null, null, null, 1], // 3 unknown name
				["t33", "34团医院", "2025-06", null, null, null, 1], // 4 name disagrees with id
				["tarim", null, "2025-06", null, null, null, 1], // 5 an area, not a reporting unit
				[null, null, "2025-06", null, null, null, 1], // 6 no unit
				["t33", null, null, null, null, null, 1], // 7 no period
				["t33", null, "2025-13", null, null, null, 1], // 8 bad period
				["t33", null, "2014-12", null, null, null, 1], // 9 before 2015
				["t33", null, "2025-08", null, null, null, 1], // 10 future month
				["t33", null, "2026", null, null, null, 1], // 11 future year
				["t33", null, "2025-05", "publish", null, null, 1], // 12 bad action
				["t33", null, "2025-04", null, long, null, 1], // 13 comment too long
				["t33", null, "2025-03", null, null, "v2", 1], // 14 bad version
				["t33", null, "2025-02", null, null, null, "many"], // 15 not a number
				["t34", null, "2025-06", null, null, null, 1], // 16 fine
				["t34", null, "2025-6", null, null, null, 2], // 17 duplicates row 16
			]),
		);
		const byRow = new Map(s.rows.map((r) => [r.row, r.errors]));
		const expected: Record<number, string[]> = {
			2: ["unitId:unit"],
			3: ["unitName:unit"],
			4: ["unitName:unit"],
			5: ["unitId:unit"],
			6: ["unitId:unit"],
			7: ["period:period"],
			8: ["period:period"],
			9: ["period:period"],
			10: ["period:future"],
			11: ["period:future"],
			12: ["action:action"],
			13: ["comment:comment"],
			14: ["version:version"],
			15: ["BEDS:number"],
			16: [],
			17: ["period:duplicate"],
		};
		for (const [row, kinds] of Object.entries(expected)) expect(codesOf(byRow.get(Number(row)) ?? []), `row ${row}`).toEqual(kinds);
		for (let row = 2; row <= 15; row++) expectBilingual(byRow.get(row) ?? []);
		expect(byRow.get(15)?.[0]?.column).toBe("G");
		expect(byRow.get(17)?.[0]?.message).toMatch(/第 16 行.*row 16/);
		expect(byRow.get(4)?.[0]?.message).toMatch(/33团医院/);
	});

	it("accepts a unit by its name alone, and 保存/上报 as actions", () => {
		const s = parse(table([["单位名称", "期间", "操作", "BEDS"], ["33团医院", "2025-06", "保存", 1], ["34th Regiment Hospital", "2025-05", "提交", 2]]));
		expect(s.rows.map((r) => [r.unitId, r.action, r.errors.length])).toEqual([
			["t33", "save", 0],
			["t34", "submit", 0],
		]);
	});
});

describe("planImport: against the stored state, as PUT /api/submissions would", () => {
	const stored = (unitId: string, period: string, over: Partial<StoredState> = {}): StoredState => ({ period, values: demoValues(unitId, period), status: "submitted", version: 1, ...over });

	it("passes a complete, plausible form and applies it; absent columns keep their stored values", () => {
		const values = demoValues("t33");
		const p = plan(sheetOf([{ unitId: "t33", period: PERIOD, values }]));
		expect(p.errorCount).toBe(0);
		expect(p.rows[0]).toMatchObject({ row: 2, status: "ok", errors: [] });
		expect(p.apply).toHaveLength(1);
		expect(p.apply[0]?.[0]).toMatchObject({ unitId: "t33", period: PERIOD, unchanged: false, body: { action: "submit", values } });
		// Only BEDS in the sheet: the rest of the stored form stays as it is.
		const partial = plan(sheetOf([{ unitId: "t33", period: PERIOD, values: { BEDS: 321 } }]), { t33: [stored("t33", PERIOD)] });
		expect(partial.errorCount).toBe(0);
		expect(partial.apply[0]?.[0]?.body.values).toEqual({ ...demoValues("t33"), BEDS: 321 });
	});

	it("checks type, min, max and unknown elements on save and submit; required and rules only on submit", () => {
		const base = demoValues("t33");
		const rows = [
			{ unitId: "t33", period: "2025-06", values: { ...base, BEDS: 2.5 }, action: "save" }, // type
			{ unitId: "t34", period: "2025-06", values: { ...demoValues("t34"), BEDS: -3 }, action: "save" }, // min
			{ unitId: "t36", period: "2025-06", values: { ...demoValues("t36"), BEDS: 99999 }, action: "save" }, // max
			{ unitId: "t37", period: "2025-06", values: { ...demoValues("t37"), BLOOD_UNITS_COLLECTED: 5 }, action: "save" }, // not on the form
			{ unitId: "t38", period: "2025-06", values: { ...demoValues("t38"), POPULATION: null }, action: "submit" }, // required
			{ unitId: "t38", period: "2025-07", values: { ...demoValues("t38", "2025-07"), POPULATION: null }, action: "save" }, // fine as a draft
			{ unitId: "t223", period: "2025-06", values: { ...demoValues("t223"), U5_DEATHS: 0, INFANT_DEATHS: 2 }, action: "submit" }, // rule
			{ unitId: "t31", period: "2025-06", values: { ...demoValues("t31"), U5_DEATHS: 0, INFANT_DEATHS: 2 }, action: "save" }, // rule: fine as a draft
		];
		const p = plan(sheetOf(rows));
		const byRow = new Map(p.rows.map((r) => [r.row, r]));
		expect(codesOf(byRow.get(2)?.errors ?? [])).toEqual(["BEDS:type"]);
		expect(codesOf(byRow.get(3)?.errors ?? [])).toEqual(["BEDS:min"]);
		expect(codesOf(byRow.get(4)?.errors ?? [])).toEqual(["BEDS:max"]);
		expect(codesOf(byRow.get(5)?.errors ?? [])).toEqual(["BLOOD_UNITS_COLLECTED:unknown"]);
		expect(codesOf(byRow.get(6)?.errors ?? [])).toEqual(["POPULATION:required"]);
		expect(byRow.get(7)?.status).toBe("ok");
		expect(codesOf(byRow.get(8)?.errors ?? [])).toContain("U5_DEATHS:rule:u5-deaths-include-infant-deaths");
		expect(byRow.get(9)?.status).toBe("ok");
		for (const row of [2, 3, 4, 5, 6, 8]) expectBilingual(byRow.get(row)?.errors ?? []);
		// Columns point at the cell.
		expect(byRow.get(2)?.errors[0]?.column).toMatch(/^[A-Z]+$/);
		expect(p.errorCount).toBe(6);
	});

	it("refuses a unit-period the unit does not report (a regiment hospital has no yearly form)", () => {
		const p = plan(table([["单位编号", "期间", "BEDS"], ["t33", "2024", 1]]));
		expect(codesOf(p.rows[0]?.errors ?? [])).toEqual(["period:period"]);
		expectBilingual(p.rows[0]?.errors ?? []);
	});

	it("checks warnings against history that includes the file's earlier rows; a comment acknowledges them", () => {
		const june = { ...demoValues("t33", "2025-06"), BEDS: 200 };
		const july = { ...demoValues("t33", "2025-07"), BEDS: 1500 };
		const noComment = plan(sheetOf([{ unitId: "t33", period: "2025-07", values: july }, { unitId: "t33", period: "2025-06", values: june }]));
		const julyRow = noComment.rows.find((r) => r.period === "2025-07");
		expect(codesOf(julyRow?.errors ?? [])).toEqual(["comment:warning"]);
		expect(julyRow?.warnings?.map((w) => `${w.field}:${w.code}`)).toContain("BEDS:jump");
		expectBilingual(julyRow?.errors ?? []);
		// Without the June row, June's stored 1,480 beds make July unremarkable.
		const quiet = plan(sheetOf([{ unitId: "t33", period: "2025-07", values: july }]), { t33: [{ period: "2025-06", values: { ...june, BEDS: 1480 }, status: "submitted", version: 1 }] });
		expect(quiet.rows[0]?.warnings?.map((w) => w.field) ?? []).not.toContain("BEDS");
		const withComment = plan(sheetOf([{ unitId: "t33", period: "2025-07", values: july, comment: "新病区启用" }, { unitId: "t33", period: "2025-06", values: june }]));
		expect(withComment.errorCount).toBe(0);
		// Applied in period order, whatever the order of the rows.
		expect(withComment.apply[0]?.map((a) => a.period)).toEqual(["2025-06", "2025-07"]);
	});

	it("turns locked periods, approved forms and stale versions into row errors; rows already so are unchanged", () => {
		const may = demoValues("t33", "2025-05");
		const june = demoValues("t34");
		const p = plan(
			sheetOf([
				{ unitId: "t33", period: "2025-05", values: { ...may, BEDS: 1 } }, // locked (lock day 20 of June has passed)
				{ unitId: "t34", period: "2025-06", values: { ...june, BEDS: 1 } }, // approved
				{ unitId: "t36", period: "2025-06", values: { ...demoValues("t36"), BEDS: 1 }, version: 1 }, // stored is at version 3
				{ unitId: "t37", period: "2025-06", values: demoValues("t37"), version: 1 }, // identical: unchanged
				{ unitId: "t38", period: "2025-05", values: { ...demoValues("t38", "2025-05"), BEDS: 1 } }, // locked but reopened
			]),
			{
				t33: [stored("t33", "2025-05")],
				t34: [stored("t34", "2025-06", { status: "approved" })],
				t36: [stored("t36", "2025-06", { version: 3 })],
				t37: [stored("t37", "2025-06", { status: "approved", version: 4 })],
				t38: [stored("t38", "2025-05", { reopened: true })],
			},
		);
		const byUnit = new Map(p.rows.map((r) => [r.unitId, r]));
		expect(codesOf(byUnit.get("t33")?.errors ?? [])).toEqual(["period:locked"]);
		expect(codesOf(byUnit.get("t34")?.errors ?? [])).toEqual(["period:approved"]);
		expect(codesOf(byUnit.get("t36")?.errors ?? [])).toEqual(["version:version"]);
		for (const u of ["t33", "t34", "t36"]) expectBilingual(byUnit.get(u)?.errors ?? []);
		expect(byUnit.get("t37")).toMatchObject({ status: "ok", outcome: "unchanged" });
		expect(byUnit.get("t38")?.status).toBe("ok");
		expect(p.errorCount).toBe(3);
	});

	it("asks for stored state from 12 months before the earliest month to the latest period, per unit", () => {
		const s = parse(sheetOf([{ unitId: "t33", period: "2025-03", values: {} }, { unitId: "t33", period: "2025-06", values: {} }, { unitId: "wjw", period: "2024", values: {} }]));
		expect(Object.fromEntries(storedRangeByUnit(s))).toEqual({ t33: { from: "2024-03", to: "2025-06" }, wjw: { from: "2024", to: "2024" } });
	});
});

describe("export layout", () => {
	it("is the import layout: an unedited export parses cleanly and every row is unchanged", () => {
		const units = orgUnits.filter((u) => u.level === "unit" && u.parentId === "tarim");
		const subs = units.map((u, i) => ({ unitId: u.id, period: PERIOD, values: demoValues(u.id), status: (["submitted", "approved", "draft"] as const)[i % 3] ?? "submitted", version: i + 1, ...(i === 0 ? { comment: "含新院区" } : {}) }));
		const elements = exportElements(idx, units, PERIOD);
		expect(elements.map((e) => e.code)).toContain("BEDS");
		expect(elements.every((e) => e.frequency === "monthly")).toBe(true);
		const { headers, rows } = exportRows(idx, elements, subs);
		const t = table([headers, ...rows]);
		const sheet = parse(t);
		expect(sheet.headerErrors).toEqual([]);
		expect(sheet.rows.every((r) => r.errors.length === 0)).toBe(true);
		const p = planImport({ sheet, idx, now: NOW, stored: new Map(subs.map((s) => [s.unitId, [s]])), lockDay: 20 });
		expect(p.errorCount).toBe(0);
		expect(p.rows.map((r) => r.outcome)).toEqual(subs.map(() => "unchanged"));
		// Edit one value: that row is applied, with the exported version as If-Match.
		const edited = rows.map((r) => [...r]);
		expect(headers).toContain("实有床位数（BEDS）");
		(edited[0] as SheetCell[])[headers.indexOf("实有床位数（BEDS）")] = 1;
		const p2 = planImport({ sheet: parse(table([headers, ...edited])), idx, now: NOW, stored: new Map(subs.map((s) => [s.unitId, [s]])), lockDay: 20 });
		const changed = p2.apply.flat().filter((a) => !a.unchanged);
		expect(changed).toHaveLength(1);
		expect(changed[0]).toMatchObject({ unitId: units[0]?.id, ifMatch: 1, body: { comment: "含新院区" } });
	});
});
