import { beforeAll, describe, expect, it } from "vitest";
import type { SeriesPoint } from "../../functions/core/api-types";
import { CHART_WIDTH, initChartRenderer, loadBundledChartAssets, rasterise, renderSummaryCharts, statusOverviewSvg, trendSvg } from "../../functions/summary/charts";
import { compileSummary } from "../../functions/summary/compile";
import { summaryInput } from "./summary-fixtures";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Pixels that are not (near) white. */
const inked = (rgba: Uint8Array): number => {
	let n = 0;
	for (let i = 0; i < rgba.length; i += 4) if ((rgba[i] ?? 255) < 200 || (rgba[i + 1] ?? 255) < 200 || (rgba[i + 2] ?? 255) < 200) n++;
	return n;
};
const differing = (a: Uint8Array, b: Uint8Array): number => {
	let n = 0;
	for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
	return n;
};
const textSvg = (text: string) =>
	`<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40"><text x="4" y="28" font-size="24" font-family="Noto Sans CJK SC" fill="#000">${text}</text></svg>`;

const series = (from: number, step: number, expFrom: number, expStep: number): SeriesPoint[] =>
	["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"].map((period, i) => ({
		period,
		value: from + i * step,
		expected: expFrom + i * expStep,
		numerator: null,
		denominator: null,
		coverage: { reported: 6, expected: 6 },
		provisional: false,
	}));

beforeAll(async () => {
	await initChartRenderer(loadBundledChartAssets());
});

describe("bundled CJK font", () => {
	it("draws Chinese: a label differs from an empty label", async () => {
		const label = await rasterise(textSvg("指标状态分布"), { zoom: 1 });
		const empty = await rasterise(textSvg(""), { zoom: 1 });

		expect(inked(empty.pixels)).toBe(0);
		expect(inked(label.pixels)).toBeGreaterThan(300);
		expect(differing(label.pixels, empty.pixels)).toBeGreaterThan(300);
	});

	it("draws real glyphs, not tofu: each character renders differently, and nothing is drawn without the font", async () => {
		const withFont = await rasterise(textSvg("健康规划"), { zoom: 1 });
		const withoutFont = await rasterise(textSvg("健康规划"), { zoom: 1, font: false });
		const other = await rasterise(textSvg("约束指标"), { zoom: 1 });

		expect(inked(withoutFont.pixels)).toBe(0);
		expect(differing(withFont.pixels, withoutFont.pixels)).toBeGreaterThan(300);
		// Tofu boxes would look the same for any four characters.
		expect(differing(withFont.pixels, other.pixels)).toBeGreaterThan(200);
	});

	it("covers every character of the indicator, unit and status labels used in the charts", async () => {
		// A missing glyph draws nothing (no system fallback), so a string's ink grows with every covered character.
		for (const s of ["每万人口全科医生数", "孕产妇死亡率", "‰", "≥", "偏离目标", "铁门关", "垦区", "耆"]) {
			const r = await rasterise(textSvg(s), { zoom: 1 });
			expect(inked(r.pixels), s).toBeGreaterThan(15 * [...s].length);
		}
	});
});

describe("charts", () => {
	it("renders the status overview and binding trends as PNGs with cids", async () => {
		const model = compileSummary(summaryInput());
		const started = performance.now();

		const charts = await renderSummaryCharts(model, { GP_PER_10K: series(2.9, 0.03, 3.0, 0.06), MATERNAL_MORTALITY: series(11, 0.6, 12.9, -0.08) });
		const ms = performance.now() - started;

		expect(charts.map((c) => c.filename)).toEqual(["status-overview.png", "trend-maternal-mortality.png", "trend-gp-per-10k.png"]);
		for (const c of charts) {
			expect(c.content.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
			expect(c.content.length).toBeGreaterThan(8_000);
			expect(c.content.length).toBeLessThan(150_000);
			expect(c.cid).toMatch(/^[a-z0-9.-]+\.2025-06@summary$/);
			expect(c.alt.length).toBeGreaterThan(4);
		}
		expect(charts[0]?.alt).toBe("指标状态：已达标2项，符合进度1项，落后进度2项，偏离目标1项");
		console.info(`charts: ${charts.map((c) => `${c.filename} ${c.content.length} B`).join(", ")}; ${ms.toFixed(0)} ms for ${charts.length}`);
	});

	it("draws the counts it is given: different counts give different bars", async () => {
		const a = await rasterise(statusOverviewSvg({ achieved: 5, "on-track": 1, behind: 1, "off-track": 1, uncertain: 0, provisional: 0, "no-data": 0 }, "zh-CN"), { zoom: 1 });
		const b = await rasterise(statusOverviewSvg({ achieved: 1, "on-track": 1, behind: 1, "off-track": 5, uncertain: 0, provisional: 0, "no-data": 0 }, "zh-CN"), { zoom: 1 });

		expect(a.width).toBe(CHART_WIDTH);
		expect(differing(a.pixels, b.pixels)).toBeGreaterThan(1000);
	});

	it("puts the indicator name, target and status into the trend SVG as text", () => {
		const svg = trendSvg(
			{ name: "每万人口全科医生数", uom: "人", decimals: 2, status: "behind", target: "≥3.93", points: series(2.9, 0.03, 3, 0.06) },
			"zh-CN",
		);

		expect(svg.startsWith("<svg")).toBe(true);
		for (const s of ["每万人口全科医生数（人）", "落后进度", "实际值", "规划进度（目标≥3.93）", "6月"]) expect(svg).toContain(s);
		expect(svg).not.toMatch(/<script/i);
	});

	it("renders no trend for an indicator without a series", async () => {
		const charts = await renderSummaryCharts(compileSummary(summaryInput()), {});

		expect(charts.map((c) => c.filename)).toEqual(["status-overview.png"]);
	});
});
