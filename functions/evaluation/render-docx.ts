// The evaluation as a Word document that looks like a government report: A4, 仿宋 body and 宋体 tables
// (named with their Latin alternates so Word, WPS and LibreOffice substitute a GB2312 face when one is
// missing), 黑体 headings, "— N —" page numbers, the tables in a landscape section, and PNG charts from the
// summary's server-side renderer. Built with the `docx` library, not by hand.
import {
	AlignmentType,
	Document,
	Footer,
	HeadingLevel,
	ImageRun,
	LineRuleType,
	Packer,
	PageNumber,
	PageOrientation,
	Paragraph,
	Table,
	TableCell,
	TableRow,
	TextRun,
	VerticalAlign,
	WidthType,
} from "docx";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { logger } from "../commons/observability";
import type { EvaluationReport, EvaluationRow } from "../core/api-types";
import type { IndicatorStatus, Locale } from "../core/types";
import { initChartRenderer, rasterise, statusOverviewSvg, trendSvg } from "../summary/charts";
import { pick } from "../summary/model";
import { problemRows } from "../core/evaluation";
import { footnotes, L, mainTable, projectedRows, projectionCells, reportSubtitle, reportTitle, SECTION_TITLES } from "./text";

export const DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** East Asian faces and the Latin face beside them. */
export const DOCX_FONTS = {
	body: "仿宋",
	table: "宋体",
	heading: "黑体",
	latin: "Times New Roman",
} as const;

/**
 * Font-table entries Word itself writes for these faces: the Latin alternate name, GB2312 charset (86),
 * family and PANOSE, which is what lets an office suite without 仿宋 pick the nearest installed face
 * (FangSong_GB2312, STFangsong, Noto Serif CJK SC) instead of a Latin default.
 */
const FONT_TABLE_ENTRIES: { name: string; altName: string; panose: string; family: string; pitch: string }[] = [
	{ name: "仿宋", altName: "FangSong", panose: "02010609060101010101", family: "modern", pitch: "fixed" },
	{ name: "宋体", altName: "SimSun", panose: "02010600030101010101", family: "auto", pitch: "variable" },
	{ name: "黑体", altName: "SimHei", panose: "02010609060101010101", family: "modern", pitch: "fixed" },
	{ name: "Times New Roman", altName: "Liberation Serif", panose: "02020603050405020304", family: "roman", pitch: "variable" },
];

// A4 in twentieths of a point; margins per GB/T 9704 (公文): top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const MM = 56.7;
const A4 = { width: 11906, height: 16838 };
const MARGIN = { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) };
const LANDSCAPE_MARGIN = { top: Math.round(25 * MM), bottom: Math.round(22 * MM), left: Math.round(25 * MM), right: Math.round(25 * MM) };

/** Half-points: 三号 16 pt body, 二号 22 pt title, 小五 9 pt tables. */
const SIZE = { title: 44, subtitle: 28, heading: 32, body: 32, table: 18, note: 21, footer: 28 };

const font = (eastAsia: string) => ({ ascii: DOCX_FONTS.latin, hAnsi: DOCX_FONTS.latin, cs: DOCX_FONTS.latin, eastAsia });

/** A written paragraph; a text with line breaks (主要问题: one line per problem) becomes several. */
const bodyParagraphs = (text: string, locale: Locale): Paragraph[] =>
	text
		.split("\n")
		.filter((line) => line.trim() !== "")
		.map((line) => bodyParagraph(line, locale));

/** Chinese is justified as 公文 are; English is set ragged-right, which justification would stretch into gaps. */
const bodyParagraph = (text: string, locale: Locale) =>
	new Paragraph({
		children: [new TextRun({ text, font: font(DOCX_FONTS.body), size: SIZE.body })],
		indent: { firstLine: 640 },
		spacing: { line: 560, lineRule: LineRuleType.EXACT },
		alignment: locale === "en" ? AlignmentType.LEFT : AlignmentType.JUSTIFIED,
	});

const heading = (text: string) =>
	new Paragraph({
		heading: HeadingLevel.HEADING_2,
		children: [new TextRun({ text, font: font(DOCX_FONTS.heading), size: SIZE.heading, color: "000000" })],
		keepNext: true,
		indent: { firstLine: 640 },
		spacing: { line: 560, lineRule: LineRuleType.EXACT, before: 120 },
	});

const tableTitle = (text: string) =>
	new Paragraph({
		children: [new TextRun({ text, font: font(DOCX_FONTS.heading), size: 24 })],
		alignment: AlignmentType.CENTER,
		keepNext: true,
		spacing: { before: 240, after: 120 },
	});

const cell = (text: string, opts: { bold?: boolean; header?: boolean; align?: "left" | "center"; span?: number; rowSpan?: number; shade?: string; width?: number } = {}) =>
	new TableCell({
		children: text.split("\n").map(
			(line) =>
				new Paragraph({
					children: [new TextRun({ text: line, font: font(DOCX_FONTS.table), size: SIZE.table, bold: opts.bold ?? opts.header ?? false })],
					alignment: opts.align === "left" ? AlignmentType.LEFT : AlignmentType.CENTER,
				}),
		),
		verticalAlign: VerticalAlign.CENTER,
		margins: { top: 30, bottom: 30, left: 60, right: 60 },
		...(opts.span ? { columnSpan: opts.span } : {}),
		...(opts.rowSpan ? { rowSpan: opts.rowSpan } : {}),
		...(opts.shade ? { shading: { fill: opts.shade, color: "auto", type: "clear" as const } } : {}),
		...(opts.width ? { width: { size: opts.width, type: WidthType.DXA } } : {}),
	});

/** Column widths (twips) of the main table in the landscape section: the indicator name gets the room. */
const MAIN_WIDTHS = [520, 3200, 900, 800, 1300, 1500, 1100, 1100, 1000, 1300, 1150];

const fullWidthTable = (rows: TableRow[], widths?: number[]) =>
	new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE }, ...(widths ? { columnWidths: widths } : {}) });

function mainTableDocx(report: EvaluationReport, locale: Locale): Table {
	const t = mainTable(report, locale);
	const header = new TableRow({ tableHeader: true, children: t.headers.map((h, i) => cell(h, { header: true, shade: "E7ECF2", width: MAIN_WIDTHS[i] })) });
	const body = t.rows.map((r) =>
		"group" in r
			? new TableRow({ children: [cell(r.group, { bold: true, align: "left", span: t.headers.length, shade: "F4F6F8" })] })
			: new TableRow({ cantSplit: true, children: r.cells.map((c, i) => cell(c, { align: i === 1 ? "left" : "center", width: MAIN_WIDTHS[i] })) }),
	);
	return fullWidthTable([header, ...body], MAIN_WIDTHS);
}

function projectionTable(report: EvaluationReport, locale: Locale): Table | null {
	const tr = L(locale);
	const rows = projectedRows(report);
	if (rows.length === 0) return null;
	const headers = [tr("指标", "Indicator"), tr(`${report.targetYear}年推算值`, `Projected ${report.targetYear}`), tr("区间", "Band"), tr("需年均变化", "Needed a year"), tr("实际年均变化", "Achieved a year"), tr("判断", "Verdict")];
	return fullWidthTable([
		new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, { header: true, shade: "E7ECF2" })) }),
		...rows.map((r) => {
			const p = projectionCells(r, locale);
			return new TableRow({ cantSplit: true, children: [cell(pick(r.name, locale), { align: "left" }), cell(p.value), cell(p.band), cell(p.required), cell(p.actual), cell(p.verdict)] });
		}),
	]);
}

function gapTable(report: EvaluationReport, locale: Locale): Table | null {
	const tr = L(locale);
	const rows = report.groups.flatMap((g) => g.rows).filter((r) => r.gap);
	if (rows.length === 0) return null;
	const headers = [tr("指标", "Indicator"), tr("地区", "Area"), tr("目标值", "Target"), tr("人口", "Population"), tr("现有", "Now"), tr("按目标应有", "Required"), tr("尚需增加", "Still needed")];
	return fullWidthTable([
		new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, { header: true, shade: "E7ECF2" })) }),
		...rows.flatMap((r) => {
			const gap = r.gap as NonNullable<EvaluationRow["gap"]>;
			return [gap.division, ...gap.areas].map(
				(line, i) =>
					new TableRow({
						cantSplit: true,
						children: [
							// The indicator's name spans its division and 垦区 lines.
							...(i === 0 ? [cell(pick(r.name, locale), { align: "left", rowSpan: gap.areas.length + 1 })] : []),
							cell(pick(line.name, locale), { align: "left", bold: i === 0 }),
							cell(gap.targetValue.toFixed(r.decimals)),
							cell(String(line.population)),
							cell(String(line.current)),
							cell(String(line.required)),
							cell(String(line.needed), { bold: line.needed > 0 }),
						],
					}),
			);
		}),
	]);
}

/** Status overview and yearly trends of the binding indicators and the main problems, as PNG. */
async function charts(report: EvaluationReport, locale: Locale): Promise<Paragraph[]> {
	try {
		await initChartRenderer();
	} catch (e) {
		// The chart font and wasm ship with the summary functions; without them the report goes out without charts.
		logger.warn("evaluation charts skipped", { error: (e as Error).message });
		return [];
	}
	const rows = report.groups.flatMap((g) => g.rows);
	const counts = Object.fromEntries(["achieved", "on-track", "behind", "off-track", "uncertain", "provisional", "no-data"].map((s) => [s, 0])) as Record<IndicatorStatus, number>;
	for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
	const images: { png: Buffer; alt: string }[] = [];
	images.push({ png: (await rasterise(statusOverviewSvg(counts, locale), { zoom: 2 })).png, alt: L(locale)("指标状态分布", "Indicator status") });
	const chosen = [...rows.filter((r) => r.nature === "binding"), ...problemRows(rows)].filter((r, i, all) => all.findIndex((x) => x.indicatorCode === r.indicatorCode) === i);
	for (const r of chosen.slice(0, 5)) {
		const points = r.years.map((y) => ({ period: String(y.year), value: y.value, expected: y.expected }));
		if (points.filter((p) => p.value !== null).length < 2) continue;
		const svg = trendSvg({ name: pick(r.name, locale), uom: pick(r.uom, locale), decimals: r.decimals, status: r.status, target: r.target?.printed ?? null, points }, locale);
		images.push({ png: (await rasterise(svg, { zoom: 2 })).png, alt: pick(r.name, locale) });
	}
	return images.map(
		(img) =>
			new Paragraph({
				alignment: AlignmentType.CENTER,
				spacing: { before: 120, after: 120 },
				children: [new ImageRun({ type: "png", data: img.png, transformation: { width: 560, height: 205 }, altText: { name: img.alt, description: img.alt, title: img.alt } })],
			}),
	);
}

const footer = () =>
	new Footer({
		children: [
			new Paragraph({
				alignment: AlignmentType.CENTER,
				children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"], font: font(DOCX_FONTS.table), size: SIZE.footer })],
			}),
		],
	});

/** Adds the Latin alternates to word/fontTable.xml (the library writes an empty table unless fonts are embedded). */
export function withFontTable(docx: Uint8Array): Uint8Array {
	const files = unzipSync(docx);
	const path = "word/fontTable.xml";
	const xml = files[path] ? strFromU8(files[path]) : "";
	const entries = FONT_TABLE_ENTRIES.map(
		(f) =>
			`<w:font w:name="${f.name}"><w:altName w:val="${f.altName}"/><w:panose1 w:val="${f.panose}"/>${f.name === "Times New Roman" ? '<w:charset w:val="00"/>' : '<w:charset w:val="86"/>'}<w:family w:val="${f.family}"/><w:pitch w:val="${f.pitch}"/></w:font>`,
	).join("");
	const patched = xml.endsWith("/>") && !xml.includes("</w:fonts>") ? xml.replace(/\/>$/, `>${entries}</w:fonts>`) : xml.replace("</w:fonts>", `${entries}</w:fonts>`);
	files[path] = strToU8(patched);
	return zipSync(files, { level: 6 });
}

export async function renderEvaluationDocx(report: EvaluationReport, locale: Locale): Promise<Uint8Array> {
	const s = SECTION_TITLES(locale);
	const tr = L(locale);
	const chartParagraphs = await charts(report, locale);
	const proj = projectionTable(report, locale);
	const gaps = gapTable(report, locale);
	const doc = new Document({
		creator: tr("健康规划指标监测平台", "Health-plan indicator monitoring platform"),
		title: reportTitle(report, locale),
		description: reportSubtitle(report, locale),
		styles: { default: { document: { run: { font: font(DOCX_FONTS.body), size: SIZE.body } } } },
		sections: [
			{
				properties: { page: { size: { width: A4.width, height: A4.height, orientation: PageOrientation.PORTRAIT }, margin: MARGIN, pageNumbers: { start: 1 } } },
				footers: { default: footer() },
				children: [
					new Paragraph({
						heading: HeadingLevel.TITLE,
						alignment: AlignmentType.CENTER,
						spacing: { after: 240 },
						children: [new TextRun({ text: reportTitle(report, locale), font: font(DOCX_FONTS.heading), size: SIZE.title, bold: true, color: "000000" })],
					}),
					new Paragraph({
						alignment: AlignmentType.CENTER,
						spacing: { after: 360 },
						children: [new TextRun({ text: reportSubtitle(report, locale), font: font(DOCX_FONTS.body), size: SIZE.subtitle })],
					}),
					heading(s.overall),
					...bodyParagraphs(pick(report.paragraphs.overall, locale), locale),
					heading(s.binding),
					...bodyParagraphs(pick(report.paragraphs.binding, locale), locale),
					heading(s.problems),
					...bodyParagraphs(pick(report.paragraphs.problems, locale), locale),
					heading(s.data),
					...bodyParagraphs(pick(report.paragraphs.data, locale), locale),
					...(chartParagraphs.length ? [heading(s.charts), ...chartParagraphs] : []),
				],
			},
			{
				// The tables run across the page: landscape A4.
				properties: {
					// docx swaps width and height itself for a landscape page.
					page: { size: { width: A4.width, height: A4.height, orientation: PageOrientation.LANDSCAPE }, margin: LANDSCAPE_MARGIN },
				},
				footers: { default: footer() },
				children: [
					tableTitle(s.table),
					mainTableDocx(report, locale),
					...footnotes(report, locale).map((n) => new Paragraph({ children: [new TextRun({ text: n, font: font(DOCX_FONTS.table), size: SIZE.note })], spacing: { before: 60 } })),
					...(proj ? [tableTitle(s.projection), proj] : []),
					...(gaps ? [tableTitle(s.gaps), gaps] : []),
				],
			},
		],
	});
	const bytes = await Packer.toBuffer(doc);
	return withFontTable(new Uint8Array(bytes));
}
