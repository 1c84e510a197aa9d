import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { compileSummary } from "../../functions/summary/compile";
import { buildSummaryXlsx, columnName, writeXlsx } from "../../functions/summary/xlsx";
import { summaryInput } from "./summary-fixtures";

const open = (bytes: Uint8Array): Record<string, string> =>
	Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]));

/** Resolves shared strings so cells can be read back as values. */
const readSheet = (files: Record<string, string>, n: number): (string | number | null)[][] => {
	const strings = [...(files["xl/sharedStrings.xml"] ?? "").matchAll(/<si><t xml:space="preserve">([\s\S]*?)<\/t><\/si>/g)].map((m) =>
		(m[1] ?? "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&"),
	);
	const xml = files[`xl/worksheets/sheet${n}.xml`] ?? "";
	const colIndex = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
	// Cells are placed by their reference, so an omitted (empty) cell reads back as null in its column.
	return [...xml.matchAll(/<row r="\d+">([\s\S]*?)<\/row>/g)].map((row) => {
		const out: (string | number | null)[] = [];
		for (const c of (row[1] ?? "").matchAll(/<c r="([A-Z]+)\d+"(?: s="\d+")?( t="s")?(?:\/>|><v>([^<]*)<\/v><\/c>)/g)) {
			const at = colIndex(c[1] ?? "A");
			while (out.length < at) out.push(null);
			out[at] = c[3] === undefined ? null : c[2] ? (strings[Number(c[3])] ?? "?") : Number(c[3]);
		}
		return out;
	});
};

describe("writeXlsx", () => {
	it("writes the parts a spreadsheet needs, with consistent relationships and content types", () => {
		const files = open(writeXlsx([{ name: "A", columns: [{ header: "h" }], rows: [[1]] }, { name: "B", columns: [{ header: "h" }], rows: [] }]));

		expect(Object.keys(files).sort()).toEqual([
			"[Content_Types].xml",
			"_rels/.rels",
			"xl/_rels/workbook.xml.rels",
			"xl/sharedStrings.xml",
			"xl/styles.xml",
			"xl/workbook.xml",
			"xl/worksheets/sheet1.xml",
			"xl/worksheets/sheet2.xml",
		]);
		expect(files["_rels/.rels"]).toContain('Target="xl/workbook.xml"');
		for (const n of [1, 2]) {
			expect(files["[Content_Types].xml"]).toContain(`PartName="/xl/worksheets/sheet${n}.xml"`);
			expect(files["xl/_rels/workbook.xml.rels"]).toContain(`Id="rId${n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${n}.xml"`);
			expect(files["xl/workbook.xml"]).toContain(`sheetId="${n}" r:id="rId${n}"`);
		}
		for (const xml of Object.values(files)) expect(xml.startsWith("<?xml")).toBe(true);
	});

	it("stores numbers as numbers, text as shared strings (escaped), nulls as empty cells", () => {
		const files = open(
			writeXlsx([
				{
					name: "数据",
					columns: [{ header: "名称", width: 30 }, { header: "值" }, { header: "备注", width: 12 }],
					rows: [
						["婴儿死亡率", 4.1, null],
						["<b>&\"x\"", -0.05, "婴儿死亡率"],
						["bad\u0001char", Number.NaN, 0],
					],
				},
			]),
		);

		expect(readSheet(files, 1)).toEqual([
			["名称", "值", "备注"],
			["婴儿死亡率", 4.1],
			['<b>&"x"', -0.05, "婴儿死亡率"],
			["badchar", null, 0],
		]);
		const sheet = files["xl/worksheets/sheet1.xml"] ?? "";
		expect(sheet).toContain('<c r="B2"><v>4.1</v></c>');
		expect(sheet).toContain('<col min="1" max="1" width="30" customWidth="1"/>');
		expect(sheet).toContain('<col min="3" max="3" width="12" customWidth="1"/>');
		// Header row styled (bold, shaded) and frozen.
		expect(sheet).toContain('<c r="A1" s="1" t="s">');
		expect(sheet).toContain('state="frozen"');
		expect(files["xl/styles.xml"]).toContain("<b/>");
		expect(files["xl/sharedStrings.xml"]).toContain('uniqueCount="6"');
		expect(files["xl/sharedStrings.xml"]).toContain("&lt;b&gt;&amp;&quot;x&quot;");
		expect(files["xl/workbook.xml"]).toContain('name="数据"');
	});

	it("names columns past Z", () => {
		expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(["A", "Z", "AA", "AB", "ZZ", "AAA"]);
	});

	it("rejects sheet names Excel would refuse", () => {
		const sheet = (name: string) => ({ name, columns: [], rows: [] });
		expect(() => writeXlsx([sheet("a/b")])).toThrow(/Invalid sheet name/);
		expect(() => writeXlsx([sheet("x".repeat(32))])).toThrow(/Invalid sheet name/);
		expect(() => writeXlsx([sheet("A"), sheet("a")])).toThrow(/Duplicate/);
		expect(() => writeXlsx([])).toThrow();
	});

	it("gives the same bytes for the same sheets", () => {
		const s = [{ name: "A", columns: [{ header: "h" }], rows: [["x", 1]] }];
		expect(Buffer.from(writeXlsx(s)).equals(Buffer.from(writeXlsx(s)))).toBe(true);
	});
});

describe("buildSummaryXlsx", () => {
	it("has 指标进展 and 填报情况 with the model's figures", () => {
		const files = open(buildSummaryXlsx(compileSummary(summaryInput())));

		expect(files["xl/workbook.xml"]).toMatch(/<sheet name="指标进展" sheetId="1"[^>]*\/><sheet name="填报情况" sheetId="2"/);
		const progress = readSheet(files, 1);
		expect(progress[0]).toEqual(["指标", "单位", "性质", "当前值", "规划目标", "进度期望值", "状态", "较上月变化", "较基线变化", "95%区间", "说明", "分组", "代码"]);
		expect(progress[1]).toEqual(["孕产妇死亡率", "/10万", "约束性", 14.2, "≤12", 12.5, "偏离目标", 2.2, null, null, null, "健康服务", "MATERNAL_MORTALITY"]);
		expect(progress[3]?.slice(0, 9)).toEqual(["每万人口全科医生数", "人", "约束性", 3.05, "≥3.93", 3.3, "落后进度", 0.05, 0.15]);
		const reporting = readSheet(files, 2);
		expect(reporting[0]).toEqual(["单位", "填报状态", "是否按时", "提交时间（北京时间）", "单位代码"]);
		// Beijing time, not the stored UTC instant; nothing for a unit that has not reported.
		expect(reporting[1]?.[3]).toBe("2025-07-03 10:00");
		expect(reporting[4]?.[3] ?? null).toBeNull();
		expect(reporting.slice(1, 7).map((r) => [r[0], r[1], r[2]])).toEqual([
			["第二师医院", "已审核", "按时"],
			["二十一团医院", "待审核", "按时"],
			["二十二团医院", "已退回", "按时"],
			["二十四团医院", "未报", "—"],
			["师疾控中心", "已审核", "逾期"],
			["中心血站", "草稿", "—"],
		]);
	});
});
