// CSV for imports: RFC 4180 (quoted fields, "" for a quote, line breaks inside quotes, CRLF or LF),
// in the encodings Chinese spreadsheet users actually produce:
// - UTF-8, with or without a BOM (Excel's "CSV UTF-8", WPS, LibreOffice);
// - GB18030/GBK (Excel's plain "CSV" on a Chinese Windows): bytes that are not valid UTF-8 are decoded
//   as GB18030, a superset of GBK and GB2312;
// - UTF-16 with a BOM (Excel's "Unicode text", tab-separated).
// The delimiter is a comma unless the header line has tabs or semicolons and no commas.
import type { SheetRow, SheetTable } from "../core/import-sheet";
import { AppError } from "./errors";

import type { TextEncodingName } from "../core/api-types";

export type { TextEncodingName };

export const CSV_LIMITS = { maxRows: 100_000, maxColumns: 1024, maxFieldChars: 32_767 } as const;

const bad = (zh: string, en: string): AppError => new AppError("bad-request", `${zh} (${en})`, { file: `${zh} (${en})` });

/** Decodes a text file, telling which encoding it was in. */
export const decodeText = (bytes: Uint8Array): { text: string; encoding: TextEncodingName } => {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8" };
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
	try {
		return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
	} catch {
		// Not UTF-8: a Chinese-locale Excel "CSV" is GBK, which GB18030 contains.
	}
	try {
		return { text: new TextDecoder("gb18030", { fatal: true }).decode(bytes), encoding: "gb18030" };
	} catch {
		throw bad("无法识别文件编码（既不是 UTF-8 也不是 GB18030），请另存为 .xlsx 或“CSV UTF-8”", "unrecognised text encoding (neither UTF-8 nor GB18030); save as .xlsx or CSV UTF-8");
	}
};

const detectDelimiter = (text: string): string => {
	const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n|$/)));
	if (firstLine.includes(",")) return ",";
	if (firstLine.includes("\t")) return "\t";
	if (firstLine.includes(";")) return ";";
	return ",";
};

/** Parses CSV text into rows (1-based record numbers; empty records dropped); every cell is a string. */
export const parseCsv = (text: string, limits: { maxRows: number; maxColumns: number; maxFieldChars: number } = CSV_LIMITS): SheetRow[] => {
	const delim = detectDelimiter(text);
	const rows: SheetRow[] = [];
	let record = 1;
	let cells: string[] = [];
	let field = "";
	let quoted = false;
	let fieldWasQuoted = false;
	let i = 0;
	const n = text.length;
	const endField = () => {
		if (field.length > limits.maxFieldChars) throw bad(`第 ${record} 行有内容过长的单元格`, `record ${record} has an over-long field`);
		cells.push(fieldWasQuoted ? field : field.trim() === "" ? "" : field);
		if (cells.length > limits.maxColumns) throw bad(`第 ${record} 行的列数过多（超过 ${limits.maxColumns} 列）`, `record ${record} has too many columns (over ${limits.maxColumns})`);
		field = "";
		fieldWasQuoted = false;
	};
	const endRecord = () => {
		endField();
		if (cells.some((c) => c !== "")) {
			if (rows.length >= limits.maxRows) throw bad(`行数过多（超过 ${limits.maxRows} 行）`, `too many rows (over ${limits.maxRows})`);
			rows.push({ row: record, cells: cells.map((c) => (c === "" ? null : c)) });
		}
		cells = [];
		record++;
	};
	while (i < n) {
		const ch = text[i] as string;
		if (quoted) {
			if (ch === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i += 2;
					continue;
				}
				quoted = false;
				i++;
				continue;
			}
			field += ch;
			i++;
			continue;
		}
		if (ch === '"' && field.trim() === "") {
			// A quote opens a quoted field only at its start (leading spaces tolerated, as Excel does).
			quoted = true;
			fieldWasQuoted = true;
			field = "";
			i++;
			continue;
		}
		if (ch === delim) {
			endField();
			i++;
			continue;
		}
		if (ch === "\r" || ch === "\n") {
			endRecord();
			i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
			continue;
		}
		field += ch;
		i++;
	}
	if (quoted) throw bad(`第 ${record} 行的引号没有闭合`, `record ${record} has an unclosed quote`);
	if (field !== "" || cells.length > 0) endRecord();
	return rows;
};

/** Decodes and parses a CSV file. */
export const readCsv = (bytes: Uint8Array): SheetTable & { encoding: TextEncodingName } => {
	const { text, encoding } = decodeText(bytes);
	if (text.includes("\u0000")) throw bad("文件不是文本格式的 CSV", "the file is not a text CSV");
	return { name: "CSV", rows: parseCsv(text), encoding };
};
