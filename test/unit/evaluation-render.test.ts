// The three renderings of an evaluation, opened as files: the Word document's page setup, fonts (with their
// Latin alternates), page numbers, sections, tables and charts; the workbook's sheets; the printable page.
// (test/integration/evaluation.test.ts opens the .docx in LibreOffice on the seeded demo.)
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { readXlsx } from "../../functions/commons/xlsx-read";
import type { EvaluationReport, SeriesPoint } from "../../functions/core/api-types";
import { codeCatalog } from "../../functions/core/catalog";
import { buildEvaluation } from "../../functions/core/evaluation";
import type { Plan } from "../../functions/core/types";
import { renderEvaluationDocx } from "../../functions/evaluation/render-docx";
import { renderEvaluationHtml } from "../../functions/evaluation/render-html";
import { renderEvaluationXlsx } from "../../functions/evaluation/render-xlsx";

const catalog = codeCatalog();
const plan = catalog.plans.find((p) => p.id === "tmg-14th") as Plan;
const yearly = (values: number[]): SeriesPoint[] =>
	values.map((value, i) => ({ period: String(2020 + i), value, numerator: null, denominator: null, expected: null, coverage: { reported: 1, expected: 1 }, provisional: false }));
const values: Record<string, number[]> = { GPS_PER_10000: [1.81, 2.1, 2.35, 2.6], MMR: [18, 16, 15, 14], MYOPIA_PREVALENCE: [52.62, 52.1, 51.6, 51.1], LIFE_EXP: [79.36, 79.5, 79.7, 79.9] };

const report = (): EvaluationReport =>
	buildEvaluation({
		plan,
		indicatorByCode: new Map(catalog.indicators.map((i) => [i.code, i])),
		elementByCode: new Map(catalog.elements.map((e) => [e.code, e])),
		org: { id: "div", name: { zh: "第二师铁门关市", en: "2nd Division" }, level: "division" },
		year: 2023,
		progress: Object.entries(values).map(
			([code, v]) => ({ indicatorCode: code, value: v[3], numerator: null, denominator: null, status: "behind", coverage: { reported: 1, expected: 1 }, provisional: false }) as never,
		),
		series: Object.fromEntries(Object.entries(values).map(([c, v]) => [c, yearly(v)])),
		currentYear: 2026,
		asOf: "2026-12-01T00:00:00.000Z",
		generatedAt: "2026-12-06T00:00:00.000Z",
		approvedOnly: false,
	});

describe("the Word document", () => {
	it("is A4 with 公文 margins, a landscape table section, page numbers, 仿宋/宋体/黑体 with their alternates, and charts", async () => {
		const files = unzipSync(await renderEvaluationDocx(report(), "zh-CN"));
		const doc = strFromU8(files["word/document.xml"] as Uint8Array);
		// Portrait A4 then landscape A4.
		expect(doc).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
		expect(doc).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/);
		expect(doc).toContain('w:eastAsia="仿宋"');
		expect(doc).toContain('w:eastAsia="宋体"');
		expect(doc).toContain('w:eastAsia="黑体"');
		expect(doc).toContain("第二师铁门关市“十四五”卫生健康事业发展规划中期评估报告（2023年）");
		expect(doc).toContain("时间过半、任务过半");
		const footer = Object.entries(files)
			.filter(([name]) => /^word\/footer\d*\.xml$/.test(name))
			.map(([, bytes]) => strFromU8(bytes))
			.join("");
		expect(footer).toMatch(/PAGE/);
		const fonts = strFromU8(files["word/fontTable.xml"] as Uint8Array);
		expect(fonts).toContain('<w:font w:name="仿宋"><w:altName w:val="FangSong"/>');
		expect(fonts).toContain('<w:font w:name="宋体"><w:altName w:val="SimSun"/>');
		expect(fonts).toContain('<w:charset w:val="86"/>');
		// The status overview and the trends of the binding indicators, as PNG.
		const media = Object.keys(files).filter((n) => n.startsWith("word/media/"));
		expect(media.length).toBeGreaterThanOrEqual(3);
		for (const m of media) expect(Array.from((files[m] as Uint8Array).subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
	}, 60_000);

	it("speaks English when asked, with targets rendered from their kind", async () => {
		const files = unzipSync(await renderEvaluationDocx(report(), "en"));
		const doc = strFromU8(files["word/document.xml"] as Uint8Array);
		expect(doc).toContain("mid-term evaluation, 2023");
		expect(doc).toContain("down 0.5 percentage points a year");
		expect(doc).not.toContain("每年降低0.5个百分点");
	}, 60_000);
});

describe("the workbook and the printable page", () => {
	it("has the indicator table with numbers as numbers, the gaps and the paragraphs", () => {
		const bytes = renderEvaluationXlsx(report(), "zh-CN");
		const table = readXlsx(bytes);
		expect(table.sheets).toEqual(["指标评估", "资源差距", "评估说明"]);
		expect(table.rows).toHaveLength(plan.indicators.length + 1);
		const gp = table.rows.find((r) => r.cells[2] === "每万人口全科医生数");
		expect(gp?.cells[9]).toBe(2.6);
		expect(gp?.cells[15]).toBe("未达到");
		const text = readXlsx(bytes, { sheetName: "评估说明" });
		expect(text.rows.map((r) => r.cells[0])).toContain("一、总体情况");
	});

	it("prints on A4 with one paragraph per problem", () => {
		const html = renderEvaluationHtml(report(), "zh-CN");
		expect(html).toContain("@page { size: A4");
		expect(html).toContain('<html lang="zh-CN">');
		expect(html.match(/<p>（\d）/g)?.length).toBeGreaterThanOrEqual(2);
		expect(html).not.toMatch(/<script/i);
	});
});
