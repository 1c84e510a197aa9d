// A minimal, correct .xlsx (Office Open XML SpreadsheetML) writer on fflate: shared strings, numbers as numbers,
// a bold shaded header row that stays frozen, and column widths. Opens in Excel, WPS and LibreOffice.
// Generic: the export workbook, the summary's workbook and the evaluation report use it. xlsx-read.ts reads.
import { columnLetter } from "../core/columns";
import { writeZip } from "./zip";

export type XlsxCell = string | number | null;

export interface XlsxSheet {
	/** 1–31 characters, none of [ ] : * ? / \, unique in the workbook (case-insensitive). */
	name: string;
	columns: { header: string; width?: number }[];
	rows: XlsxCell[][];
}

export interface XlsxOptions {
	/** Timestamp stored in the zip entries; fixed by default so the same sheets give the same bytes. */
	modifiedAt?: Date;
}

/** Drops what XML 1.0 forbids: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF and lone surrogates. */
const stripInvalidXml = (s: string): string => {
	let out = "";
	for (const ch of s) {
		const cp = ch.codePointAt(0) ?? 0;
		const forbidden = (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || cp === 0xfffe || cp === 0xffff || (cp >= 0xd800 && cp <= 0xdfff);
		if (!forbidden) out += ch;
	}
	return out;
};

export const escapeXml = (s: string): string =>
	stripInvalidXml(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** 0 → A, 25 → Z, 26 → AA. */
export const columnName = columnLetter;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const validateSheets = (sheets: XlsxSheet[]): void => {
	if (sheets.length === 0) throw new Error("A workbook needs at least one sheet");
	const seen = new Set<string>();
	for (const s of sheets) {
		if (s.name.length < 1 || s.name.length > 31 || /[[\]:*?/\\]/.test(s.name) || s.name.startsWith("'") || s.name.endsWith("'"))
			throw new Error(`Invalid sheet name "${s.name}": 1–31 characters, none of [ ] : * ? / \\, not starting or ending with '`);
		const key = s.name.toLowerCase();
		if (seen.has(key)) throw new Error(`Duplicate sheet name "${s.name}"`);
		seen.add(key);
	}
};

const STYLES = `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"><color rgb="FF8EA9C1"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`;

export function writeXlsx(sheets: XlsxSheet[], options: XlsxOptions = {}): Uint8Array {
	validateSheets(sheets);
	const strings: string[] = [];
	const stringIndex = new Map<string, number>();
	let stringRefs = 0;
	const sst = (s: string): number => {
		stringRefs += 1;
		let i = stringIndex.get(s);
		if (i === undefined) {
			i = strings.length;
			strings.push(s);
			stringIndex.set(s, i);
		}
		return i;
	};

	const cell = (value: XlsxCell, ref: string, style: number): string => {
		const s = style ? ` s="${style}"` : "";
		if (value === null || value === undefined) return style ? `<c r="${ref}"${s}/>` : "";
		if (typeof value === "number") {
			// NaN and ±Infinity have no representation in a cell; leave it empty rather than write a corrupt file.
			return Number.isFinite(value) ? `<c r="${ref}"${s}><v>${value}</v></c>` : "";
		}
		return `<c r="${ref}"${s} t="s"><v>${sst(String(value))}</v></c>`;
	};

	const sheetXml = sheets.map((sheet) => {
		const width = Math.max(sheet.columns.length, ...sheet.rows.map((r) => r.length), 1);
		const cols = sheet.columns
			.map((c, i) => (c.width ? `<col min="${i + 1}" max="${i + 1}" width="${Math.max(1, Math.min(255, c.width))}" customWidth="1"/>` : ""))
			.join("");
		const header = `<row r="1">${sheet.columns.map((c, i) => cell(c.header, `${columnName(i)}1`, 1)).join("")}</row>`;
		const body = sheet.rows.map((row, r) => `<row r="${r + 2}">${row.map((v, i) => cell(v, `${columnName(i)}${r + 2}`, 0)).join("")}</row>`).join("");
		const lastRow = sheet.rows.length + 1;
		return `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><dimension ref="A1:${columnName(width - 1)}${lastRow}"/><sheetViews><sheetView workbookViewId="0"${sheets.indexOf(sheet) === 0 ? ' tabSelected="1"' : ""}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ""}<sheetData>${header}${body}</sheetData></worksheet>`;
	});

	const sharedStrings = `${XML_HEAD}<sst xmlns="${NS_MAIN}" count="${stringRefs}" uniqueCount="${strings.length}">${strings
		.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`)
		.join("")}</sst>`;

	const workbook = `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView/></bookViews><sheets>${sheets
		.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
		.join("")}</sheets></workbook>`;

	const n = sheets.length;
	const workbookRels = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}">${sheets
		.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
		.join("")}<Relationship Id="rId${n + 1}" Type="${REL_TYPE}/styles" Target="styles.xml"/><Relationship Id="rId${n + 2}" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;

	const rootRels = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

	const ct = "application/vnd.openxmlformats-officedocument.spreadsheetml";
	const contentTypes = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${ct}.sheet.main+xml"/>${sheets
		.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${ct}.worksheet+xml"/>`)
		.join("")}<Override PartName="/xl/styles.xml" ContentType="${ct}.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${ct}.sharedStrings+xml"/></Types>`;

	const mtime = options.modifiedAt ?? new Date("2020-01-01T00:00:00Z");
	const parts: [string, string][] = [
		["[Content_Types].xml", contentTypes],
		["_rels/.rels", rootRels],
		["xl/workbook.xml", workbook],
		["xl/_rels/workbook.xml.rels", workbookRels],
		["xl/styles.xml", STYLES],
		["xl/sharedStrings.xml", sharedStrings],
		...sheetXml.map((xml, i): [string, string] => [`xl/worksheets/sheet${i + 1}.xml`, xml]),
	];
	return writeZip(parts.map(([name, xml]) => ({ name, data: Buffer.from(xml, "utf8"), mtime })), 6);
}

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
