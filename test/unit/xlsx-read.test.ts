// The import readers: .xlsx (round trip with our writer, files as other writers make them, hostile files)
// and CSV (RFC 4180 quoting, BOM, GB18030).
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { decodeText, parseCsv, readCsv } from "../../functions/commons/csv-read";
import { AppError } from "../../functions/commons/errors";
import { columnIndex, decodeXmlText, parseCellRef, readXlsx } from "../../functions/commons/xlsx-read";
import { writeXlsx } from "../../functions/commons/xlsx-write";

/** Overwrites the uncompressed size an entry's central-directory record declares. */
const declareSize = (zip: Uint8Array, name: string, size: number): void => {
	const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
	for (let i = 0; i + 46 < zip.length; i++) {
		if (view.getUint32(i, true) !== 0x02014b50) continue;
		const len = view.getUint16(i + 28, true);
		if (new TextDecoder().decode(zip.subarray(i + 46, i + 46 + len)) === name) {
			view.setUint32(i + 24, size, true);
			return;
		}
	}
	throw new Error(`no entry ${name}`);
};

const values = (rows: { row: number; cells: unknown[] }[]) => rows.map((r) => r.cells);

/** The AppError a call throws (fails the test when it does not throw one). */
const errorOf = (fn: () => unknown): AppError => {
	try {
		fn();
	} catch (e) {
		if (e instanceof AppError) return e;
		throw new Error(`expected an AppError, got ${String(e)}`);
	}
	throw new Error("expected an error");
};

const CT = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`;
const ROOT_RELS = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WB_RELS = (extra = "") =>
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>${extra}</Relationships>`;

/** A workbook as another writer might make it: prefixed namespaces, absolute targets, odd part names. */
const handmade = (sheetXml: string, sst = "<sst/>", extraFiles: Record<string, Uint8Array> = {}): Uint8Array =>
	zipSync({
		"[Content_Types].xml": strToU8(CT),
		"_rels/.rels": strToU8(ROOT_RELS),
		"xl/workbook.xml": strToU8(
			`<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="导入" sheetId="7" r:id="rId1"/></x:sheets></x:workbook>`,
		),
		"xl/_rels/workbook.xml.rels": strToU8(WB_RELS()),
		"xl/worksheets/data.xml": strToU8(sheetXml),
		"xl/strings.xml": strToU8(sst),
		...extraFiles,
	});

describe("readXlsx", () => {
	it("reads back what writeXlsx writes: strings, numbers, zero, empty cells, CJK and escapes", () => {
		const bytes = writeXlsx([
			{
				name: "填报数据",
				columns: [{ header: "单位编号" }, { header: "期间" }, { header: "BEDS" }, { header: "备注" }],
				rows: [
					["t33", "2025-06", 0, "<核实> & \"确认\""],
					["t34", "2025-06", null, null],
					["h-korla", "2025", 640.5, "第二行\n换行"],
				],
			},
			{ name: "指标进展", columns: [{ header: "x" }], rows: [[1]] },
		]);
		const t = readXlsx(bytes);
		expect(t.name).toBe("填报数据");
		expect(t.sheets).toEqual(["填报数据", "指标进展"]);
		expect(t.rows.map((r) => r.row)).toEqual([1, 2, 3, 4]);
		expect(values(t.rows)).toEqual([
			["单位编号", "期间", "BEDS", "备注"],
			["t33", "2025-06", 0, '<核实> & "确认"'],
			["t34", "2025-06"],
			["h-korla", "2025", 640.5, "第二行\n换行"],
		]);
		expect(values(readXlsx(bytes, { sheetName: "指标进展" }).rows)).toEqual([["x"], [1]]);
		expect(errorOf(() => readXlsx(bytes, { sheetName: "没有" })).fields).toHaveProperty("sheet");
	});

	it("keeps row numbers and column positions when rows and cells are skipped", () => {
		const bytes = writeXlsx([{ name: "S", columns: [{ header: "a" }, { header: "b" }, { header: "c" }], rows: [[null, null, 3], [], ["x"]] }]);
		const t = readXlsx(bytes);
		// Row 3 is empty and left out; row 2 has only column C.
		expect(t.rows).toEqual([
			{ row: 1, cells: ["a", "b", "c"] },
			{ row: 2, cells: [null, null, 3] },
			{ row: 4, cells: ["x"] },
		]);
	});

	it("reads prefixed namespaces, inline strings, rich text, booleans, formulas' cached values, errors and refless cells", () => {
		const sheet = `<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>BEDS</x:t></x:is></x:c></x:row>
<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:r><x:rPr><x:b/></x:rPr><x:t>t</x:t></x:r><x:r><x:t xml:space="preserve">33</x:t></x:r></x:is></x:c><x:c r="B2" t="str"><x:f>TEXT(45800,"yyyy-mm")</x:f><x:v>2025-06</x:v></x:c><x:c r="C2"><x:f>SUM(1,2)</x:f><x:v>3</x:v></x:c><x:c r="D2" t="b"><x:v>1</x:v></x:c><x:c r="E2" t="e"><x:v>#DIV/0!</x:v></x:c></x:row>
<x:row><x:c t="s"><x:v>2</x:v></x:c><x:c><x:v>4.5E2</x:v></x:c><x:c r="F3" s="3"/></x:row>
</x:sheetData></x:worksheet>`;
		const sst = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>单位编号</t></si><si><t>期间</t><rPh sb="0" eb="2"><t>キカン</t></rPh></si><si><r><t>A&amp;B</t></r><r><t>_x000D_&#20013;</t></r></si></sst>`;
		const t = readXlsx(handmade(sheet, sst));
		expect(t.name).toBe("导入");
		expect(values(t.rows)).toEqual([
			["单位编号", "期间", "BEDS"],
			["t33", "2025-06", 3, true, "#DIV/0!"],
			["A&B\r中", 450],
		]);
		expect(t.rows[2]?.row).toBe(3);
	});

	it("refuses legacy .xls / encrypted workbooks, macros, non-workbook zips and garbage with a 400", () => {
		const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
		expect(errorOf(() => readXlsx(ole)).message).toMatch(/\.xls/);
		const macro = handmade("<worksheet><sheetData/></worksheet>", "<sst/>", { "xl/vbaProject.bin": new Uint8Array([1, 2, 3]) });
		expect(errorOf(() => readXlsx(macro)).message).toMatch(/宏.*macro/);
		const docx = zipSync({ "word/document.xml": strToU8("<w:document/>") });
		expect(errorOf(() => readXlsx(docx)).kind).toBe("bad-request");
		const damaged = writeXlsx([{ name: "S", columns: [{ header: "a" }], rows: [] }]).slice(0, 200);
		expect(errorOf(() => readXlsx(damaged)).kind).toBe("bad-request");
		expect(errorOf(() => readXlsx(new Uint8Array(100).fill(7))).kind).toBe("bad-request");
	});

	it("refuses DOCTYPE/ENTITY declarations instead of expanding them", () => {
		const sheet = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>`;
		expect(errorOf(() => readXlsx(handmade(sheet))).message).toMatch(/DOCTYPE/);
	});

	it("guards against zip bombs: declared size and entry count are capped before inflating", () => {
		// 4 MB of zeros compresses to about 4 KB; refused under a 2 MB cap without being inflated.
		const bomb = handmade("<worksheet><sheetData/></worksheet>", "<sst/>", { "xl/media/zeros.bin": new Uint8Array(4 * 1024 * 1024) });
		expect(bomb.length).toBeLessThan(20_000);
		expect(errorOf(() => readXlsx(bomb, { maxUncompressedBytes: 2 * 1024 * 1024 })).message).toMatch(/2 MB/);
		// The default cap is 50 MB of declared size (a part declaring 60 MB).
		const big = handmade("<worksheet><sheetData/></worksheet>", "<sst/>", { "xl/media/zeros.bin": new Uint8Array(10) });
		declareSize(big, "xl/media/zeros.bin", 60 * 1024 * 1024);
		expect(errorOf(() => readXlsx(big)).message).toMatch(/50 MB/);
		const many: Record<string, Uint8Array> = {};
		for (let i = 0; i < 60; i++) many[`xl/media/${i}.bin`] = new Uint8Array(1);
		expect(errorOf(() => readXlsx(handmade("<worksheet/>", "<sst/>", many), { maxEntries: 50 })).message).toMatch(/50/);
		// A lying central directory (declares 64 bytes for a 2 MB part) is inflated no further than it declared,
		// and refused as a damaged archive (commons/zip.ts caps the inflate at the declared size).
		const rows = Array.from({ length: 40_000 }, (_, i) => `<row r="${i + 1}"><c><v>${i}</v></c></row>`).join("");
		const liar = handmade(`<worksheet><sheetData>${rows}</sheetData></worksheet>`);
		declareSize(liar, "xl/worksheets/data.xml", 64);
		expect(errorOf(() => readXlsx(liar)).message).toMatch(/压缩包已损坏|damaged/);
	});

	it("caps columns and rows that hold values", () => {
		const far = `<worksheet><sheetData><row r="1"><c r="ZZZ1"><v>1</v></c></row></sheetData></worksheet>`;
		expect(errorOf(() => readXlsx(handmade(far))).message).toMatch(/列数过多/);
		// A styled but empty far-away cell (common in real files) is fine.
		expect(readXlsx(handmade(`<worksheet><sheetData><row r="1"><c r="XFD1" s="2"/></row></sheetData></worksheet>`)).rows).toEqual([]);
		const rows = Array.from({ length: 12 }, (_, i) => `<row r="${i + 1}"><c><v>1</v></c></row>`).join("");
		expect(errorOf(() => readXlsx(handmade(`<worksheet><sheetData>${rows}</sheetData></worksheet>`), { maxRows: 10 })).message).toMatch(/行数过多/);
	});

	it("parses column letters, cell references and XML escapes", () => {
		expect([columnIndex("A"), columnIndex("Z"), columnIndex("AA"), columnIndex("XFD"), columnIndex("a1")]).toEqual([0, 25, 26, 16383, -1]);
		expect(parseCellRef("$C$12")).toEqual({ col: 2, row: 12 });
		expect(parseCellRef("12")).toBeNull();
		expect(decodeXmlText("&lt;&amp;&#x4E2D;&#25991;&quot;_x0009_")).toBe('<&中文"\t');
	});
});

/** GB18030 bytes for a string (the test's own encoder: TextEncoder only does UTF-8). */
const gb18030 = (() => {
	const table = new Map<string, number[]>();
	const dec = new TextDecoder("gb18030");
	for (let a = 0x81; a <= 0xfe; a++) {
		for (let b = 0x40; b <= 0xfe; b++) {
			if (b === 0x7f) continue;
			const ch = dec.decode(new Uint8Array([a, b]));
			if (ch.length === 1 && ch !== "\uFFFD" && !table.has(ch)) table.set(ch, [a, b]);
		}
	}
	return (s: string): Uint8Array => {
		const out: number[] = [];
		for (const ch of s) {
			const cp = ch.codePointAt(0) as number;
			if (cp < 0x80) out.push(cp);
			else {
				const b = table.get(ch);
				if (!b) throw new Error(`no GBK code for ${ch}`);
				out.push(...b);
			}
		}
		return new Uint8Array(out);
	};
})();

describe("CSV", () => {
	it("follows RFC 4180: quoted commas, doubled quotes, line breaks in quotes, CRLF, a last line without a break", () => {
		const text = 'a,b,c\r\n"1,5","say ""hi""","two\r\nlines"\r\n,,\r\nx, y ,"  z  "';
		expect(parseCsv(text)).toEqual([
			{ row: 1, cells: ["a", "b", "c"] },
			{ row: 2, cells: ["1,5", 'say "hi"', "two\r\nlines"] },
			// Record 3 is empty and dropped; numbering still counts it.
			{ row: 4, cells: ["x", " y ", "  z  "] },
		]);
		expect(parseCsv("a\tb\n1\t2\n")).toEqual([
			{ row: 1, cells: ["a", "b"] },
			{ row: 2, cells: ["1", "2"] },
		]);
		expect(() => parseCsv('a,"b\n1,2')).toThrow(/引号/);
	});

	it("decodes UTF-8 with and without a BOM, GB18030/GBK, and UTF-16 with a BOM", () => {
		const text = "单位编号,期间,BEDS\r\nt33,2025-06,640\r\n";
		const utf8 = new TextEncoder().encode(text);
		expect(decodeText(utf8)).toEqual({ text, encoding: "utf-8" });
		expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toEqual({ text, encoding: "utf-8" });
		const gbk = gb18030(text);
		expect(gbk.length).toBeLessThan(utf8.length);
		expect(decodeText(gbk)).toEqual({ text, encoding: "gb18030" });
		const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from(text, "utf16le")]);
		expect(decodeText(utf16)).toEqual({ text, encoding: "utf-16le" });
		const csv = readCsv(gbk);
		expect(csv.encoding).toBe("gb18030");
		expect(values(csv.rows)).toEqual([
			["单位编号", "期间", "BEDS"],
			["t33", "2025-06", "640"],
		]);
		// A BOM must not end up in the first header.
		expect(readCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8])).rows[0]?.cells[0]).toBe("单位编号");
	});

	it("refuses binary garbage with a 400", () => {
		const garbage = new Uint8Array(100 * 1024);
		let x = 12345;
		for (let i = 0; i < garbage.length; i++) {
			x = (x * 1103515245 + 12345) & 0x7fffffff;
			garbage[i] = x >> 16;
		}
		expect(errorOf(() => readCsv(garbage)).kind).toBe("bad-request");
	});
});
