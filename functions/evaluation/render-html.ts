// The evaluation as one printable HTML page (A4, 仿宋/宋体 with fallbacks), for a browser's "print to PDF".
import type { EvaluationReport } from "../core/api-types";
import type { Locale } from "../core/types";
import { pick } from "../summary/model";
import { footnotes, L, mainTable, projectedRows, projectionCells, reportSubtitle, reportTitle, SECTION_TITLES } from "./text";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const REPORT_FONTS = {
	body: '"FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", serif',
	table: '"SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", serif',
	heading: '"SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", sans-serif',
};

export function renderEvaluationHtml(report: EvaluationReport, locale: Locale): string {
	const t = L(locale);
	const s = SECTION_TITLES(locale);
	const table = mainTable(report, locale);
	const para = (title: string, text: string) =>
		`<h2>${esc(title)}</h2>${text
			.split("\n")
			.filter((line) => line.trim() !== "")
			.map((line) => `<p>${esc(line)}</p>`)
			.join("")}`;
	const body = table.rows
		.map((r) =>
			"group" in r
				? `<tr class="group"><th colspan="${table.headers.length}" scope="rowgroup">${esc(r.group)}</th></tr>`
				: `<tr>${r.cells.map((c, i) => (i === 1 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join("")}</tr>`,
		)
		.join("");
	const projRows = projectedRows(report)
		.map((r) => {
			const p = projectionCells(r, locale);
			return `<tr><th scope="row">${esc(pick(r.name, locale))}</th><td>${esc(p.value)}</td><td>${esc(p.band)}</td><td>${esc(p.required)}</td><td>${esc(p.actual)}</td><td>${esc(p.verdict)}</td></tr>`;
		})
		.join("");
	const gapRows = report.groups
		.flatMap((g) => g.rows)
		.filter((r) => r.gap)
		.flatMap((r) => {
			const gap = r.gap as NonNullable<typeof r.gap>;
			return [gap.division, ...gap.areas].map(
				(line) => `<tr><th scope="row">${esc(pick(r.name, locale))}</th><td>${esc(pick(line.name, locale))}</td><td>${line.population}</td><td>${line.current}</td><td>${line.required}</td><td>${line.needed}</td></tr>`,
			);
		})
		.join("");
	return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(reportTitle(report, locale))}</title>
<style>
@page { size: A4; margin: 25mm 20mm; }
body { font-family: ${REPORT_FONTS.body}; font-size: 16px; line-height: 1.75; color: #111; max-width: 60em; margin: 0 auto; padding: 1em; }
h1 { font-family: ${REPORT_FONTS.heading}; font-size: 22px; text-align: center; margin: 0.5em 0 0.2em; }
.sub { text-align: center; color: #444; font-size: 14px; }
h2 { font-family: ${REPORT_FONTS.heading}; font-size: 17px; margin: 1.2em 0 0.3em; }
p { text-indent: 2em; margin: 0.3em 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-family: ${REPORT_FONTS.table}; font-size: 13px; line-height: 1.4; }
th, td { border: 1px solid #555; padding: 3px 5px; vertical-align: top; }
thead th { background: #eef2f6; }
td { text-align: center; }
tbody th { text-align: left; font-weight: normal; }
tr.group th { text-align: left; font-weight: bold; background: #f6f8fa; }
.notes { font-size: 12px; color: #333; }
@media print { body { padding: 0; } .scroll { overflow: visible; } tr { break-inside: avoid; } }
</style></head>
<body>
<h1>${esc(reportTitle(report, locale))}</h1>
<div class="sub">${esc(reportSubtitle(report, locale))}</div>
${para(s.overall, pick(report.paragraphs.overall, locale))}
${para(s.binding, pick(report.paragraphs.binding, locale))}
${para(s.problems, pick(report.paragraphs.problems, locale))}
${para(s.data, pick(report.paragraphs.data, locale))}
<h2>${esc(s.table)}</h2>
<div class="scroll"><table><thead><tr>${table.headers.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table></div>
<div class="notes">${footnotes(report, locale)
		.map((n) => `<div>${esc(n)}</div>`)
		.join("")}</div>
${projRows ? `<h2>${esc(s.projection)}</h2><div class="scroll"><table><thead><tr><th scope="col">${esc(t("指标", "Indicator"))}</th><th scope="col">${esc(t(`${report.targetYear}年推算值`, `Projected ${report.targetYear}`))}</th><th scope="col">${esc(t("区间", "Band"))}</th><th scope="col">${esc(t("需年均变化", "Needed a year"))}</th><th scope="col">${esc(t("实际年均变化", "Achieved a year"))}</th><th scope="col">${esc(t("判断", "Verdict"))}</th></tr></thead><tbody>${projRows}</tbody></table></div>` : ""}
${gapRows ? `<h2>${esc(s.gaps)}</h2><div class="scroll"><table><thead><tr><th scope="col">${esc(t("指标", "Indicator"))}</th><th scope="col">${esc(t("地区", "Area"))}</th><th scope="col">${esc(t("人口", "Population"))}</th><th scope="col">${esc(t("现有", "Now"))}</th><th scope="col">${esc(t("按目标应有", "Required"))}</th><th scope="col">${esc(t("尚需增加", "Still needed"))}</th></tr></thead><tbody>${gapRows}</tbody></table></div>` : ""}
</body></html>`;
}
