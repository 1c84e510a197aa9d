// A minimal, defensive .xlsx (SpreadsheetML) reader on fflate, for imports: one worksheet's cell values.
// It reads what people actually upload — Excel, WPS, LibreOffice and our own writeXlsx output — and
// refuses anything else with a 400 rather than a crash:
// - zip bombs: the entry count and the declared uncompressed sizes are capped before anything is
//   inflated, only the parts needed are inflated, and fflate never writes past a declared size;
// - legacy .xls and password-protected workbooks (both OLE compound files), macro workbooks (.xlsm with
//   vbaProject.bin), other zip files (.docx, .ods), DOCTYPE/entity declarations (never in OOXML).
// Cell types: shared strings (s), numbers (n, the default), inline strings (inlineStr), booleans (b),
// formula string results (str), ISO dates (d) kept as text, errors (e) kept as their text (#DIV/0!).
// Formula cells yield their cached value. Styles are not read, so a date cell is its serial number.
import type { SheetCell, SheetRow, SheetTable } from "../core/import-sheet";
import { AppError } from "./errors";
import { listZip, readZipEntry, type ZipEntry } from "./zip";

export interface XlsxReadOptions {
	/** Read this sheet (by its tab name) instead of the first worksheet. */
	sheetName?: string;
	/** Cap on the sum of the declared uncompressed sizes of every entry (default 50 MB). */
	maxUncompressedBytes?: number;
	/** Cap on the number of zip entries (default 1,000; a plain workbook has about 10). */
	maxEntries?: number;
	/** Columns beyond this index holding a value are refused (default 1,024). */
	maxColumns?: number;
	/** Rows holding a value beyond this count are refused (default 100,000). */
	maxRows?: number;
}

export const XLSX_LIMITS = { maxUncompressedBytes: 50 * 1024 * 1024, maxEntries: 1000, maxColumns: 1024, maxRows: 100_000 } as const;

const bad = (zh: string, en: string, field = "file"): AppError => new AppError("bad-request", `${zh} (${en})`, { [field]: `${zh} (${en})` });

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b);

export const isZip = (bytes: Uint8Array): boolean => startsWith(bytes, ZIP_MAGIC);
/** Legacy .xls and encrypted (password-protected) .xlsx files are OLE compound documents. */
export const isOle = (bytes: Uint8Array): boolean => startsWith(bytes, OLE_MAGIC);

// ---------------------------------------------------------------------------------------------
// XML: a tag scanner, enough for the flat, namespace-prefixed-or-not SpreadsheetML parts.

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** XML character references and the five predefined entities; OOXML's `_x000D_` escapes too. */
export const decodeXmlText = (s: string): string =>
	s
		.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
			if (e[0] !== "#") return ENTITIES[e] ?? "";
			const cp = e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
			return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
		})
		.replace(/_x([0-9a-fA-F]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

const attrsOf = (s: string): Record<string, string> => {
	const out: Record<string, string> = {};
	for (const m of s.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
		// Prefixes vary by writer (r:id, ns1:id); no SpreadsheetML element we read has clashing local names.
		out[(m[1] as string).replace(/^[\w.-]+:/, "")] = decodeXmlText(m[2] ?? m[3] ?? "");
	}
	return out;
};

interface Tag {
	/** Local name, namespace prefix removed. */
	name: string;
	close: boolean;
	selfClose: boolean;
	attrs: string;
	/** Offsets of the tag in the source. */
	start: number;
	end: number;
}

function* tags(xml: string): Generator<Tag> {
	const re = /<(\/?)(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!/g;
	for (let m = re.exec(xml); m; m = re.exec(xml)) {
		if (m[0] === "<!") throw bad("文件包含不支持的 XML 声明", "the file contains unsupported XML declarations (DOCTYPE/ENTITY)");
		if (m[2] === undefined) continue;
		yield { name: m[2], close: m[1] === "/", selfClose: m[4] === "/", attrs: m[3] ?? "", start: m.index, end: m.index + m[0].length };
	}
}

/** The text content inside `<t>` elements between two offsets, skipping phonetic runs (`<rPh>`). */
const textBetween = (xml: string, from: number, to: number): string => {
	let out = "";
	let inT = false;
	let tStart = 0;
	let skip = 0;
	for (const t of tags(xml.slice(from, to))) {
		if (t.name === "rPh" && !t.selfClose) skip += t.close ? -1 : 1;
		else if (t.name === "t" && !t.selfClose) {
			if (!t.close) {
				inT = true;
				tStart = t.end;
			} else if (inT) {
				inT = false;
				if (skip === 0) out += decodeXmlText(cdata(xml.slice(from + tStart, from + t.start)));
			}
		}
	}
	return out;
};

const cdata = (s: string): string => s.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, c: string) => c.replace(/&/g, "&amp;").replace(/</g, "&lt;"));

// ---------------------------------------------------------------------------------------------

/** "A" → 0, "Z" → 25, "AA" → 26; -1 when not column letters. */
export const columnIndex = (letters: string): number => {
	if (!/^[A-Z]{1,3}$/.test(letters)) return -1;
	let n = 0;
	for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
	return n - 1;
};

/** "B3" → { col: 1, row: 3 }. */
export const parseCellRef = (ref: string): { col: number; row: number } | null => {
	const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(ref.toUpperCase());
	if (!m) return null;
	const col = columnIndex(m[1] as string);
	const row = Number(m[2]);
	return col < 0 || row < 1 ? null : { col, row };
};

const resolvePath = (base: string, target: string): string => {
	if (target.startsWith("/")) return target.slice(1);
	const parts = base.split("/").slice(0, -1);
	for (const seg of target.split("/")) {
		if (seg === "..") parts.pop();
		else if (seg !== "." && seg !== "") parts.push(seg);
	}
	return parts.join("/");
};

const relsPathOf = (part: string): string => {
	const i = part.lastIndexOf("/");
	return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
};

interface Rel {
	id: string;
	type: string;
	target: string;
}

const parseRels = (xml: string | undefined, base: string): Rel[] => {
	if (!xml) return [];
	const out: Rel[] = [];
	for (const t of tags(xml)) {
		if (t.name !== "Relationship" || t.close) continue;
		const a = attrsOf(t.attrs);
		if (a.TargetMode === "External" || !a.Id || !a.Target) continue;
		out.push({ id: a.Id, type: a.Type ?? "", target: resolvePath(base, a.Target) });
	}
	return out;
};

/** The sheet names of a workbook, in tab order (for messages and tests). */
export interface WorkbookInfo {
	sheets: string[];
}

/**
 * Reads one worksheet of an .xlsx file: the first worksheet, or the one named `sheetName`.
 * Throws AppError("bad-request") for anything that is not a readable, macro-free .xlsx within limits.
 */
export function readXlsx(bytes: Uint8Array, options: XlsxReadOptions = {}): SheetTable & WorkbookInfo {
	const limits = { ...XLSX_LIMITS, ...options };
	if (isOle(bytes)) {
		throw bad("不支持旧版 .xls 或设置了密码的工作簿，请另存为 .xlsx", "legacy .xls and password-protected workbooks are not supported; save as .xlsx");
	}
	if (!isZip(bytes)) throw bad("文件不是 .xlsx 工作簿", "the file is not an .xlsx workbook");

	// Pass 1: list the entries without inflating anything, and enforce the caps on what they declare.
	const entries = new Map<string, ZipEntry>();
	let total = 0;
	let listed: ZipEntry[];
	try {
		listed = listZip(bytes);
	} catch {
		throw bad("无法读取 .xlsx 文件（压缩包已损坏）", "cannot read the .xlsx file (the zip archive is damaged)");
	}
	for (const f of listed) {
		if (entries.size >= limits.maxEntries) throw bad(`压缩包内文件过多（超过 ${limits.maxEntries} 个）`, `too many entries in the archive (more than ${limits.maxEntries})`);
		total += f.size;
		if (total > limits.maxUncompressedBytes) {
			throw bad(`文件解压后过大（超过 ${Math.round(limits.maxUncompressedBytes / 1048576)} MB）`, `the file is too large once uncompressed (over ${Math.round(limits.maxUncompressedBytes / 1048576)} MB)`);
		}
		entries.set(f.name, f);
	}
	if ([...entries.keys()].some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) {
		throw bad("不接受含宏的工作簿，请另存为 .xlsx", "macro-enabled workbooks are not accepted; save as .xlsx");
	}
	if (!entries.has("[Content_Types].xml")) throw bad("文件不是 .xlsx 工作簿", "the file is not an .xlsx workbook");

	// Pass 2: inflate only the parts named.
	// Each is inflated up to its declared size at most, so the caps above hold for what is actually inflated.
	const inflate = (names: string[]): Record<string, string> => {
		const out: Record<string, string> = {};
		for (const name of names) {
			const entry = entries.get(name);
			if (!entry) continue;
			let data: Uint8Array;
			try {
				data = readZipEntry(bytes, entry);
			} catch {
				throw bad("无法读取 .xlsx 文件（压缩包已损坏）", "cannot read the .xlsx file (the zip archive is damaged)");
			}
			out[name] = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8").replace(/^\uFEFF/, "");
		}
		return out;
	};

	const root = inflate(["_rels/.rels"]);
	const officeDoc = parseRels(root["_rels/.rels"], "").find((r) => r.type.endsWith("/officeDocument"))?.target ?? "xl/workbook.xml";
	const wbParts = inflate([officeDoc, relsPathOf(officeDoc)]);
	const workbookXml = wbParts[officeDoc];
	if (!workbookXml) throw bad("文件不是 .xlsx 工作簿（缺少 workbook）", "the file is not an .xlsx workbook (no workbook part)");
	const rels = parseRels(wbParts[relsPathOf(officeDoc)], officeDoc);
	const relById = new Map(rels.map((r) => [r.id, r]));

	const sheets: { name: string; path: string }[] = [];
	for (const t of tags(workbookXml)) {
		if (t.name !== "sheet" || t.close) continue;
		const a = attrsOf(t.attrs);
		const rel = relById.get(a.id ?? "");
		// Chart sheets and dialog sheets have no cells.
		if (rel?.type.endsWith("/worksheet")) sheets.push({ name: a.name ?? "", path: rel.target });
	}
	if (sheets.length === 0) throw bad("工作簿中没有工作表", "the workbook has no worksheet");
	const chosen = options.sheetName === undefined ? sheets[0] : sheets.find((s) => s.name === options.sheetName);
	if (!chosen) throw bad(`工作簿中没有名为“${options.sheetName}”的工作表`, `the workbook has no sheet named "${options.sheetName}"`, "sheet");

	const sstPath = rels.find((r) => r.type.endsWith("/sharedStrings"))?.target;
	const parts = inflate([chosen.path, ...(sstPath ? [sstPath] : [])]);
	const sheetXml = parts[chosen.path];
	if (sheetXml === undefined) throw bad("工作表内容缺失", "the worksheet part is missing");
	const shared = sstPath ? parseSharedStrings(parts[sstPath] ?? "") : [];
	return { name: chosen.name, rows: parseWorksheet(sheetXml, shared, limits), sheets: sheets.map((s) => s.name) };
}

export const parseSharedStrings = (xml: string): string[] => {
	const out: string[] = [];
	let start = -1;
	for (const t of tags(xml)) {
		if (t.name !== "si") continue;
		if (t.selfClose) out.push("");
		else if (!t.close) start = t.end;
		else if (start >= 0) {
			out.push(textBetween(xml, start, t.start));
			start = -1;
		}
	}
	return out;
};

const num = (s: string): SheetCell => {
	const n = Number(s.trim());
	return s.trim() !== "" && Number.isFinite(n) ? n : s;
};

/** Rows holding at least one value, in order, each with its 1-based row number; cells dense from column A. */
export const parseWorksheet = (xml: string, shared: string[], limits: { maxColumns: number; maxRows: number } = XLSX_LIMITS): SheetRow[] => {
	const rows = new Map<number, SheetCell[]>();
	let rowNo = 0;
	let nextCol = 0;
	// The cell being read.
	let cell: { col: number; type: string; start: number } | null = null;
	let vStart = -1;
	let value: string | null = null;
	let inlineStart = -1;
	let inline: string | null = null;
	const put = (col: number, v: SheetCell) => {
		if (v === null || v === "") return;
		if (col >= limits.maxColumns) throw bad(`第 ${rowNo} 行的列数过多（超过 ${limits.maxColumns} 列）`, `row ${rowNo} has too many columns (over ${limits.maxColumns})`);
		let r = rows.get(rowNo);
		if (!r) {
			if (rows.size >= limits.maxRows) throw bad(`行数过多（超过 ${limits.maxRows} 行）`, `too many rows (over ${limits.maxRows})`);
			r = [];
			rows.set(rowNo, r);
		}
		while (r.length < col) r.push(null);
		r[col] = v;
	};
	const finish = () => {
		if (!cell) return;
		const t = cell.type;
		let v: SheetCell = null;
		if (t === "inlineStr") v = inline ?? (value !== null ? decodeXmlText(value) : null);
		else if (value !== null) {
			const raw = decodeXmlText(value);
			if (t === "s") {
				const i = Number(raw);
				v = Number.isInteger(i) && i >= 0 && i < shared.length ? (shared[i] as string) : null;
			} else if (t === "b") v = raw.trim() === "1" || raw.trim().toLowerCase() === "true";
			else if (t === "str" || t === "e" || t === "d") v = raw;
			else v = num(raw);
		}
		put(cell.col, v);
		cell = null;
		value = null;
		inline = null;
	};
	for (const t of tags(xml)) {
		switch (t.name) {
			case "row": {
				if (t.close) break;
				const r = Number(attrsOf(t.attrs).r);
				rowNo = Number.isInteger(r) && r >= 1 ? r : rowNo + 1;
				nextCol = 0;
				break;
			}
			case "c": {
				if (t.close) {
					finish();
					break;
				}
				const a = attrsOf(t.attrs);
				const ref = a.r ? parseCellRef(a.r) : null;
				if (ref && ref.row !== rowNo) rowNo = ref.row;
				const col = ref ? ref.col : nextCol;
				nextCol = col + 1;
				cell = { col, type: a.t ?? "n", start: t.end };
				if (t.selfClose) finish();
				break;
			}
			case "v":
				if (!cell || t.selfClose) break;
				if (!t.close) vStart = t.end;
				else if (vStart >= 0) {
					value = cdata(xml.slice(vStart, t.start));
					vStart = -1;
				}
				break;
			case "is":
				if (!cell || t.selfClose) break;
				if (!t.close) inlineStart = t.end;
				else if (inlineStart >= 0) {
					inline = textBetween(xml, inlineStart, t.start);
					inlineStart = -1;
				}
				break;
		}
	}
	return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([row, cells]) => ({ row, cells }));
};
