// Bulk import/export sheet layout, pure: cells in, per unit × period value maps and a row-level report
// out. The same layout is what GET /api/exports writes, so an export can be edited and imported back.
// docs/imports.md describes the layout for people; this module is the one definition of it.
//
// Validation happens in two pure steps so the service can do its I/O in between:
// 1. parseImportSheet: headers, units, periods, actions, numbers, duplicates — the file alone;
// 2. planImport: against what is stored — the same checks PUT /api/submissions makes (validateSubmission
//    against the unit's own history, locks, approved forms, versions), so a row that passes here is one
//    the submission service will accept when it is applied in period order.
import { AppError } from "./errors";
import { type CatalogIndex, formElements } from "./catalog-index";
import { comparePeriods, currentMonth, formatMonth, isFutureMonth, isMonth, isYear, lockDate, previousMonths } from "./periods";
import { columnLetter } from "./columns";
import type { DataElement, OrgUnit, SubmissionStatus, ValueMap } from "./types";
import { validateSubmission } from "./validation";
import { lockState, statusAfterWrite } from "./workflow";

// ---------------------------------------------------------------------------------------------
// What the readers (commons/xlsx-read, commons/csv-read) produce.

export type SheetCell = string | number | boolean | null;

export interface SheetRow {
	/** 1-based row number as the spreadsheet shows it (the CSV record number for CSV). */
	row: number;
	/** Dense from column A; null where a cell is empty. */
	cells: SheetCell[];
}

export interface SheetTable {
	name: string;
	/** Only rows holding at least one value, in order. */
	rows: SheetRow[];
}

// ---------------------------------------------------------------------------------------------
// The layout

/** Column headers of the layout, as the export writes them. Then one column per data element code. */
export const META_HEADERS = {
	unitId: "单位编号",
	unitName: "单位名称",
	period: "期间",
	action: "操作",
	comment: "备注",
	status: "状态",
	version: "版本",
} as const;
export type MetaColumn = keyof typeof META_HEADERS;

/** Accepted spellings per meta column, compared after normalizeHeader. */
const META_ALIASES: Record<MetaColumn, string[]> = {
	unitId: ["单位编号", "单位代码", "单位id", "unitid", "unit id", "unit_id", "unit"],
	unitName: ["单位名称", "单位", "unitname", "unit name", "unit_name"],
	period: ["期间", "报告期", "月份", "年份", "period", "month", "year"],
	action: ["操作", "action"],
	comment: ["备注", "说明", "comment", "comments", "note"],
	// Read-only in the export: status is ignored on import; version, when filled, guards against overwriting
	// a form someone changed after the export (like If-Match).
	status: ["状态", "填报状态", "status"],
	version: ["版本", "版本号", "version"],
};

/** Cells meaning "not reported" besides an empty cell. */
export const NULL_TOKENS = new Set(["-", "—", "–", "－", "/"]);

/** Rows an import may have. Larger files are split by the user (docs/imports.md). */
export const MAX_IMPORT_ROWS = 2000;

export interface ImportFieldError {
	/** `unitId`, `period`, `action`, `comment`, `version`, `file`, or a data element code. */
	field: string;
	/** The spreadsheet column letter, when the error is about one cell. */
	column?: string;
	/** Machine-readable kind: header, unit, period, future, duplicate, action, number, type, min, max, unknown, required, rule:<id>, warning, locked, conflict, version, … */
	code: string;
	/** "中文 (English)". */
	message: string;
}

export interface ImportRowReport {
	row: number;
	unitId: string | null;
	period: string | null;
	status: "ok" | "error";
	errors: ImportFieldError[];
	/** Warnings (outliers, jumps) that a comment acknowledged. */
	warnings?: ImportFieldError[];
	/** What applying did: created, updated, unchanged (already so; nothing written), failed. */
	outcome?: "created" | "updated" | "unchanged" | "failed";
	/** The submission's version after applying. */
	version?: number;
}

export interface ParsedImportRow {
	row: number;
	unitId: string | null;
	period: string | null;
	action: "save" | "submit";
	comment?: string;
	/** The version the row was exported at, when the 版本 column is filled. */
	version?: number;
	/** Data element columns present in the sheet: a number, or null for an empty cell. */
	values: Record<string, number | null>;
	errors: ImportFieldError[];
}

export interface ParsedSheet {
	/** Problems that make the file unusable as an import (no unit or period column): a 400. */
	fatal: ImportFieldError[];
	/** Problems with the header row (unknown or duplicate columns): reported as row `headerRow`. */
	headerErrors: ImportFieldError[];
	headerRow: number;
	/** Data element code per column index, for the columns that are elements. */
	elementColumns: Map<number, string>;
	rows: ParsedImportRow[];
}

const msg = (zh: string, en: string): string => `${zh} (${en})`;

export { columnLetter };

/** Full-width digits and signs (０-９，．－) as typed by Chinese IMEs → ASCII. */
const halfWidth = (s: string): string =>
	s.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");

/** Trimmed, lower-case, single-spaced, without a trailing "(…)" or "（…）" gloss: "单位编号 (unitId)" → "单位编号". */
export const normalizeHeader = (h: string): string =>
	halfWidth(h)
		.replace(/\s+/g, " ")
		.trim()
		.replace(/\s*\([^()]*\)$/, "")
		.trim()
		.toLowerCase();

const cellText = (c: SheetCell): string => (c === null ? "" : typeof c === "string" ? c.trim() : String(c));

// ---------------------------------------------------------------------------------------------
// Cells

/** Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in), serials count days. */
const excelSerialToMonth = (serial: number): string | null => {
	const d = new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000);
	const y = d.getUTCFullYear();
	return y >= 1900 && y <= 2999 ? formatMonth(y, d.getUTCMonth() + 1) : null;
};

/** A period cell → `YYYY-MM` or `YYYY`; null when it is not one. Excel date cells (serials) become their month. */
export const parsePeriodCell = (cell: SheetCell): string | null => {
	if (typeof cell === "number") {
		if (Number.isInteger(cell) && cell >= 1900 && cell <= 2999) return String(cell);
		// Serial numbers of 1960…2173: an Excel date cell.
		if (cell >= 21916 && cell < 100000) return excelSerialToMonth(cell);
		return null;
	}
	if (typeof cell !== "string") return null;
	const s = halfWidth(cell).trim();
	let m = /^(\d{4})\s*年?$/.exec(s);
	if (m) return isYear(m[1]) ? (m[1] as string) : null;
	m = /^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*\d{1,2}\s*日?(?:[ T][\d:.]+Z?)?)?$/.exec(s) ?? /^(\d{4})(\d{2})$/.exec(s);
	if (m) {
		const mm = Number(m[2]);
		return mm >= 1 && mm <= 12 && isYear(m[1]) ? formatMonth(Number(m[1]), mm) : null;
	}
	return null;
};

export type ValueParse = { ok: true; value: number | null } | { ok: false; text: string };

/** A value cell → a number, or null (empty, "-", "—"); text that is not a number is an error. */
export const parseValueCell = (cell: SheetCell, element?: Pick<DataElement, "valueType">): ValueParse => {
	if (cell === null) return { ok: true, value: null };
	if (typeof cell === "number") return Number.isFinite(cell) ? { ok: true, value: cell } : { ok: false, text: String(cell) };
	if (typeof cell === "boolean") return { ok: false, text: cell ? "TRUE" : "FALSE" };
	let s = halfWidth(cell).trim();
	if (s === "" || NULL_TOKENS.has(s)) return { ok: true, value: null };
	// Thousands separators as Excel shows them: 1,234,567.
	if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
	if (element?.valueType === "percent" && s.endsWith("%")) s = s.slice(0, -1).trim();
	if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { ok: false, text: cell.trim() };
	const n = Number(s);
	return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, text: cell.trim() };
};

export const parseActionCell = (cell: SheetCell): "save" | "submit" | null => {
	const s = normalizeHeader(cellText(cell));
	if (s === "") return "submit";
	if (["submit", "上报", "提交", "报送"].includes(s)) return "submit";
	if (["save", "保存", "草稿", "暂存"].includes(s)) return "save";
	return null;
};

// ---------------------------------------------------------------------------------------------
// Step 1: the file alone

type UnitIdx = Pick<CatalogIndex, "unitById" | "elementByCode">;

const resolveHeader = (idx: UnitIdx, raw: string, byZhName: Map<string, string>): { meta: MetaColumn } | { code: string } | null => {
	const norm = normalizeHeader(raw);
	for (const [meta, aliases] of Object.entries(META_ALIASES) as [MetaColumn, string[]][]) if (aliases.includes(norm)) return { meta };
	const asCode = halfWidth(raw).trim().toUpperCase();
	if (idx.elementByCode.has(asCode)) return { code: asCode };
	// The export's own header, "实有床位数（BEDS）": the code in the closing brackets decides.
	const bracketed = /\(\s*([A-Z0-9_]+)\s*\)$/.exec(asCode)?.[1];
	if (bracketed && idx.elementByCode.has(bracketed)) return { code: bracketed };
	const byName = byZhName.get(nameKey(raw));
	return byName ? { code: byName } : null;
};

/** Names compare without spaces, case or full-width/half-width differences: "执业（助理）医师数" = "执业(助理)医师数". */
const nameKey = (s: string): string => halfWidth(s).replace(/\s+/g, "").toLowerCase();

const unitByName = (idx: UnitIdx): Map<string, OrgUnit> => {
	const out = new Map<string, OrgUnit>();
	for (const u of idx.unitById.values()) {
		out.set(nameKey(u.name.zh), u);
		out.set(nameKey(u.name.en), u);
	}
	return out;
};

/**
 * Reads the header row (the first non-empty row) and every data row. `now` decides which periods are in
 * the future (Asia/Shanghai months, as the submission API does).
 */
export function parseImportSheet(table: SheetTable, idx: UnitIdx, now: Date): ParsedSheet {
	const out: ParsedSheet = { fatal: [], headerErrors: [], headerRow: 1, elementColumns: new Map(), rows: [] };
	const [header, ...data] = table.rows;
	if (!header) {
		out.fatal.push({ field: "file", code: "empty", message: msg("文件中没有数据", "the file has no rows") });
		return out;
	}
	out.headerRow = header.row;
	const byZhName = new Map([...idx.elementByCode.values()].map((e) => [nameKey(e.name.zh), e.code]));
	const meta = new Map<MetaColumn, number>();
	const seenCodes = new Map<string, number>();
	header.cells.forEach((cell, col) => {
		const raw = cellText(cell);
		if (raw === "") return;
		const column = columnLetter(col);
		const r = resolveHeader(idx, raw, byZhName);
		if (!r) {
			out.headerErrors.push({
				field: raw,
				column,
				code: "header",
				message: msg(`第 ${column} 列的表头“${raw}”既不是数据项代码/名称，也不是单位编号、期间、操作、备注等列`, `column ${column} header "${raw}" is neither a data element code or name nor a unit/period/action/comment column`),
			});
			return;
		}
		if ("meta" in r) {
			if (meta.has(r.meta)) {
				out.headerErrors.push({ field: r.meta, column, code: "header", message: msg(`“${raw}”列重复（第 ${columnLetter(meta.get(r.meta) as number)} 列已有）`, `duplicate "${raw}" column (already column ${columnLetter(meta.get(r.meta) as number)})`) });
			} else meta.set(r.meta, col);
			return;
		}
		const prior = seenCodes.get(r.code);
		if (prior !== undefined) {
			out.headerErrors.push({ field: r.code, column, code: "header", message: msg(`数据项 ${r.code} 出现了两列（第 ${columnLetter(prior)} 列和第 ${column} 列）`, `data element ${r.code} has two columns (${columnLetter(prior)} and ${column})`) });
			return;
		}
		seenCodes.set(r.code, col);
		out.elementColumns.set(col, r.code);
	});
	if (!meta.has("unitId") && !meta.has("unitName")) {
		out.fatal.push({ field: "unitId", code: "header", message: msg("缺少“单位编号”或“单位名称”列，文件不是导入模板格式", 'no "单位编号" (unitId) or "单位名称" (unit name) column: the file is not in the import layout') });
	}
	if (!meta.has("period")) {
		out.fatal.push({ field: "period", code: "header", message: msg("缺少“期间”列，文件不是导入模板格式", 'no "期间" (period) column: the file is not in the import layout') });
	}
	if (out.fatal.length > 0) return out;

	const names = unitByName(idx);
	const thisMonth = currentMonth(now);
	const seen = new Map<string, number>();
	const at = (r: SheetRow, m: MetaColumn): SheetCell => {
		const c = meta.get(m);
		return c === undefined ? null : (r.cells[c] ?? null);
	};
	for (const r of data) {
		const errors: ImportFieldError[] = [];
		const err = (field: string, m: MetaColumn | null, code: string, zh: string, en: string) => {
			const col = m ? meta.get(m) : undefined;
			errors.push({ field, ...(col !== undefined ? { column: columnLetter(col) } : {}), code, message: msg(zh, en) });
		};
		// Unit: the id wins; a name alongside it must agree (guards rows copied and half-edited).
		let unit: OrgUnit | undefined;
		const idText = cellText(at(r, "unitId"));
		const nameText = cellText(at(r, "unitName"));
		if (idText !== "") {
			unit = idx.unitById.get(idText.toLowerCase());
			if (!unit) err("unitId", "unitId", "unit", `未知单位编号“${idText}”`, `unknown unit id "${idText}"`);
			else if (nameText !== "" && names.get(nameKey(nameText)) !== unit) {
				err("unitName", "unitName", "unit", `单位名称“${nameText}”与单位编号 ${unit.id}（${unit.name.zh}）不一致`, `unit name "${nameText}" does not match unit id ${unit.id} (${unit.name.en})`);
			}
		} else if (nameText !== "") {
			unit = names.get(nameKey(nameText));
			if (!unit) err("unitName", "unitName", "unit", `未知单位名称“${nameText}”`, `unknown unit name "${nameText}"`);
		} else err("unitId", meta.has("unitId") ? "unitId" : "unitName", "unit", "缺少单位编号或单位名称", "the unit id or name is missing");
		if (unit && unit.level !== "unit") {
			err("unitId", "unitId", "unit", `“${unit.name.zh}”不是填报单位（垦区和师市的数据由下属单位汇总）`, `${unit.name.en} is not a reporting unit (area and division figures are aggregated)`);
			unit = undefined;
		}
		// Period.
		const periodCell = at(r, "period");
		let period = parsePeriodCell(periodCell);
		if (cellText(periodCell) === "") err("period", "period", "period", "缺少期间", "the period is missing");
		else if (period === null) err("period", "period", "period", `期间“${cellText(periodCell)}”格式错误，应为 YYYY-MM（月报）或 YYYY（年报）`, `period "${cellText(periodCell)}" must be YYYY-MM (monthly) or YYYY (yearly)`);
		else if (Number(period.slice(0, 4)) < 2015) {
			err("period", "period", "period", `期间 ${period} 早于2015年`, `period ${period} is before 2015`);
			period = null;
		} else if ((isMonth(period) && isFutureMonth(period, now)) || (isYear(period) && Number(period) > Number(thisMonth.slice(0, 4)))) {
			err("period", "period", "future", `不能填报未来的期间 ${period}`, `cannot report a future period (${period})`);
			period = null;
		}
		// Action, comment, version.
		const action = parseActionCell(at(r, "action"));
		if (action === null) err("action", "action", "action", `操作“${cellText(at(r, "action"))}”无效，应为 submit（上报）或 save（保存草稿）`, `action "${cellText(at(r, "action"))}" must be submit or save`);
		const comment = cellText(at(r, "comment"));
		if (comment.length > 2000) err("comment", "comment", "comment", "备注最多2000字", "the comment is longer than 2,000 characters");
		const versionText = cellText(at(r, "version"));
		let version: number | undefined;
		if (versionText !== "") {
			version = Number(versionText);
			if (!Number.isInteger(version) || version < 0) {
				err("version", "version", "version", `版本“${versionText}”应为非负整数`, `version "${versionText}" must be a whole number`);
				version = undefined;
			}
		}
		// Values: numbers only here; type, bounds and rules are checked against the unit's form in planImport.
		const values: Record<string, number | null> = {};
		for (const [col, code] of out.elementColumns) {
			const el = idx.elementByCode.get(code);
			const v = parseValueCell(r.cells[col] ?? null, el);
			if (v.ok) values[code] = v.value;
			else errors.push({ field: code, column: columnLetter(col), code: "number", message: msg(`“${el?.name.zh ?? code}”的值“${v.text}”不是数字`, `${el?.name.en ?? code}: "${v.text}" is not a number`) });
		}
		// Duplicates: one row per unit × period.
		if (unit && period) {
			const key = `${unit.id}|${period}`;
			const first = seen.get(key);
			if (first !== undefined) err("period", "period", "duplicate", `与第 ${first} 行重复（同一单位同一期间只能有一行）`, `duplicates row ${first} (one row per unit and period)`);
			else seen.set(key, r.row);
		}
		out.rows.push({
			row: r.row,
			unitId: unit?.id ?? (idText || null),
			period: period ?? (cellText(periodCell) || null),
			action: action ?? "submit",
			...(comment !== "" ? { comment } : {}),
			...(version !== undefined ? { version } : {}),
			values,
			errors,
		});
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Step 2: against the stored state

/** What planImport needs of a stored submission. */
export interface StoredState {
	period: string;
	values: ValueMap;
	status: SubmissionStatus;
	version: number;
	comment?: string;
	reopened?: boolean;
}

export interface ApplyItem {
	row: number;
	unitId: string;
	period: string;
	/** The full form: stored values for element columns absent from the sheet, the sheet's for the rest. */
	body: { values: ValueMap; action: "save" | "submit"; comment?: string };
	ifMatch?: number;
	/** Already in this state: nothing to write. */
	unchanged: boolean;
}

export interface ImportPlan {
	rows: ImportRowReport[];
	/** Rows to apply, grouped per unit, each group in period order (history checks depend on it). */
	apply: ApplyItem[][];
	errorCount: number;
}

/** The statuses a row's action leaves a form in; a stored form already there with the same values is unchanged. */
const SATISFIES: Record<"save" | "submit", SubmissionStatus[]> = { save: ["draft", "returned"], submit: ["submitted", "approved"] };

const sameValues = (a: ValueMap, b: ValueMap): boolean => {
	for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if ((a[k] ?? null) !== (b[k] ?? null)) return false;
	return true;
};

const issueError = (i: { field?: string; code: string; message: { zh: string; en: string } }, col: Map<string, string>): ImportFieldError => ({
	field: i.field ?? "values",
	...(i.field && col.has(i.field) ? { column: col.get(i.field) as string } : {}),
	code: i.code,
	message: msg(i.message.zh, i.message.en),
});

export interface PlanInput {
	sheet: ParsedSheet;
	idx: Pick<CatalogIndex, "unitById" | "elementByCode" | "catalog">;
	now: Date;
	/** Each unit's stored submissions covering the file's periods and the 12 months before them. */
	stored: Map<string, StoredState[]>;
	/** The lock day of the month (config.lockDay). */
	lockDay: number;
}

/**
 * Validates every parsed row against the unit's form and the stored state, exactly as PUT
 * /api/submissions would when the rows are applied unit by unit in period order: the history a row is
 * checked against includes the earlier rows of the same file.
 */
export function planImport(input: PlanInput): ImportPlan {
	const { sheet, idx, now, stored } = input;
	const codeColumn = new Map([...sheet.elementColumns].map(([c, code]) => [code, columnLetter(c)]));
	const reports: ImportRowReport[] = [];
	if (sheet.headerErrors.length > 0) reports.push({ row: sheet.headerRow, unitId: null, period: null, status: "error", errors: sheet.headerErrors });

	// Each unit's timeline: stored values, overlaid with the file's rows (what the table will hold once
	// earlier rows are applied).
	const timeline = new Map<string, Map<string, ValueMap>>();
	const storedAt = new Map<string, StoredState>();
	for (const [unitId, list] of stored) {
		const t = new Map<string, ValueMap>();
		for (const s of list) {
			t.set(s.period, s.values);
			storedAt.set(`${unitId}|${s.period}`, s);
		}
		timeline.set(unitId, t);
	}
	const merged = new Map<ParsedImportRow, { elements: DataElement[]; values: ValueMap }>();
	for (const r of sheet.rows) {
		if (r.errors.length > 0 || !r.unitId || !r.period) continue;
		const unit = idx.unitById.get(r.unitId);
		const elements = formElements(idx.elementByCode.values(), unit?.type, isMonth(r.period) ? "monthly" : "yearly");
		if (elements.length === 0) {
			r.errors.push({ field: "period", code: "period", message: msg(`${unit?.name.zh ?? r.unitId}不填报${isMonth(r.period) ? "月度" : "年度"}数据`, `${unit?.name.en ?? r.unitId} reports no ${isMonth(r.period) ? "monthly" : "yearly"} figures`) });
			continue;
		}
		const onForm = new Set(elements.map((e) => e.code));
		const before = storedAt.get(`${r.unitId}|${r.period}`);
		const values: ValueMap = {};
		for (const e of elements) values[e.code] = before?.values[e.code] ?? null;
		for (const [code, v] of Object.entries(r.values)) {
			// A column for an element this unit does not report is fine when its cell is empty (the export
			// has every element's column); a value there is an error, as on the form.
			if (onForm.has(code) || v !== null) values[code] = v;
		}
		merged.set(r, { elements, values });
		let t = timeline.get(r.unitId);
		if (!t) {
			t = new Map();
			timeline.set(r.unitId, t);
		}
		t.set(r.period, values);
	}

	const applyByUnit = new Map<string, ApplyItem[]>();
	for (const r of sheet.rows) {
		const report: ImportRowReport = { row: r.row, unitId: r.unitId, period: r.period, status: "ok", errors: r.errors };
		reports.push(report);
		const m = merged.get(r);
		if (r.errors.length > 0 || !m || !r.unitId || !r.period) {
			report.status = "error";
			continue;
		}
		const before = storedAt.get(`${r.unitId}|${r.period}`);
		const unchanged = before !== undefined && sameValues(before.values, m.values) && SATISFIES[r.action].includes(before.status) && (r.comment === undefined || r.comment === before.comment);
		if (!unchanged) {
			if (r.version !== undefined && (before?.version ?? 0) !== r.version) {
				r.errors.push({ field: "version", code: "version", message: msg(`导出后该表已被修改（导出时版本 ${r.version}，当前版本 ${before?.version ?? 0}），请重新导出后再修改`, `the form changed since it was exported (version ${r.version} then, ${before?.version ?? 0} now); export again`) });
			}
			const lock = lockState("", lockDate(r.period, input.lockDay), now, before?.reopened);
			try {
				statusAfterWrite(before?.status ?? null, r.action, lock);
			} catch (e) {
				if (!(e instanceof AppError)) throw e;
				r.errors.push({ field: "period", code: e.kind === "locked" ? "locked" : "approved", message: e.message });
			}
			const history: Record<string, number[]> = {};
			let previous: ValueMap | undefined;
			if (isMonth(r.period)) {
				const months = previousMonths(r.period, 12);
				const t = timeline.get(r.unitId) ?? new Map<string, ValueMap>();
				for (const e of m.elements) {
					const series = months.map((mo) => t.get(mo)?.[e.code]).filter((v): v is number => typeof v === "number");
					if (series.length > 0) history[e.code] = series;
				}
				previous = t.get(months[months.length - 1] as string);
			}
			const issues = validateSubmission({ elements: m.elements, rules: idx.catalog.rules, values: m.values, action: r.action, history, ...(previous ? { previous } : {}) });
			// The same gates as the submission service: bad values always; every error and unexplained
			// warnings on submit.
			const hard = issues.filter((i) => i.severity === "error" && (r.action === "submit" || ["unknown", "type", "min", "max"].includes(i.code)));
			r.errors.push(...hard.map((i) => issueError(i, codeColumn)));
			const warnings = issues.filter((i) => i.severity === "warning");
			if (warnings.length > 0) {
				report.warnings = warnings.map((i) => issueError(i, codeColumn));
				// As the submission service: the row's own comment, not one stored earlier.
				if (r.action === "submit" && !r.comment?.trim()) {
					r.errors.push({ field: "comment", code: "warning", message: msg(`存在预警（${warnings.map((w) => w.field).join("、")}），上报时请在“备注”中说明`, `warnings (${warnings.map((w) => w.field).join(", ")}) need a comment to submit`) });
				}
			}
		}
		if (r.errors.length > 0) {
			report.status = "error";
			continue;
		}
		if (unchanged) report.outcome = "unchanged";
		const item: ApplyItem = {
			row: r.row,
			unitId: r.unitId,
			period: r.period,
			body: { values: m.values, action: r.action, ...(r.comment !== undefined ? { comment: r.comment } : {}) },
			...(r.version !== undefined ? { ifMatch: r.version } : {}),
			unchanged,
		};
		const list = applyByUnit.get(r.unitId) ?? [];
		list.push(item);
		applyByUnit.set(r.unitId, list);
	}
	const apply = [...applyByUnit.values()].map((l) => l.sort((a, b) => comparePeriods(a.period, b.period)));
	return { rows: reports, apply, errorCount: reports.filter((r) => r.status === "error").length };
}

/** The periods planImport needs stored state for, per unit: the file's periods and 12 months before each month. */
export const storedRangeByUnit = (sheet: ParsedSheet): Map<string, { from: string; to: string }> => {
	const out = new Map<string, { from: string; to: string }>();
	for (const r of sheet.rows) {
		if (!r.unitId || !r.period || r.errors.length > 0) continue;
		const from = isMonth(r.period) ? (previousMonths(r.period, 12)[0] as string) : r.period;
		const cur = out.get(r.unitId);
		// Months and years sort as strings: 2024 < 2024-01 < … < 2024-12 < 2025.
		out.set(r.unitId, { from: !cur || from < cur.from ? from : cur.from, to: !cur || r.period > cur.to ? r.period : cur.to });
	}
	return out;
};

// ---------------------------------------------------------------------------------------------
// Export: the same layout

/** The action a stored status exports as, so re-importing an unedited export changes nothing. */
export const actionForStatus = (s: SubmissionStatus): "save" | "submit" => (s === "draft" || s === "returned" ? "save" : "submit");

export interface ExportSubmission {
	unitId: string;
	period: string;
	values: ValueMap;
	status: SubmissionStatus;
	version: number;
	comment?: string;
}

/** Element columns of an export: the elements of the period's frequency that some unit under the org reports. */
export const exportElements = (idx: Pick<CatalogIndex, "elementByCode" | "catalog">, units: OrgUnit[], period: string): DataElement[] => {
	const frequency = isMonth(period) ? "monthly" : "yearly";
	const types = new Set(units.map((u) => u.type).filter((t) => t !== undefined));
	const sectionOrder = new Map(idx.catalog.sections.map((s) => [s.id, s.order]));
	return [...idx.elementByCode.values()]
		.map((e, i) => ({ e, i }))
		.filter(({ e }) => e.frequency === frequency && e.reportedBy.some((t) => types.has(t)))
		.sort((a, b) => (sectionOrder.get(a.e.section) ?? 99) - (sectionOrder.get(b.e.section) ?? 99) || a.i - b.i)
		.map(({ e }) => e);
};

export const STATUS_TEXT: Record<SubmissionStatus, string> = { draft: "草稿", submitted: "待审核", returned: "已退回", approved: "已审核" };

/** An element's column in the export: its Chinese name with the code, "实有床位数（BEDS）" (issue 18). */
export const elementHeader = (e: Pick<DataElement, "code" | "name">): string => `${e.name.zh}（${e.code}）`;

/** Header and rows of the import layout for these submissions (units in catalog order). */
export const exportRows = (
	idx: Pick<CatalogIndex, "unitById">,
	elements: DataElement[],
	subs: ExportSubmission[],
): { headers: string[]; rows: (string | number | null)[][] } => {
	const headers = [META_HEADERS.unitId, META_HEADERS.unitName, META_HEADERS.period, META_HEADERS.action, META_HEADERS.comment, META_HEADERS.status, META_HEADERS.version, ...elements.map(elementHeader)];
	const order = (id: string) => idx.unitById.get(id)?.order ?? 0;
	const rows = [...subs]
		.sort((a, b) => order(a.unitId) - order(b.unitId) || a.unitId.localeCompare(b.unitId) || comparePeriods(a.period, b.period))
		.map((s) => [
			s.unitId,
			idx.unitById.get(s.unitId)?.name.zh ?? null,
			s.period,
			actionForStatus(s.status),
			s.comment ?? null,
			STATUS_TEXT[s.status],
			s.version,
			...elements.map((e) => {
				const v = s.values[e.code];
				return typeof v === "number" ? v : null;
			}),
		]);
	return { headers, rows };
};
