// Email charts as PNG without a browser: ECharts server-side renders SVG, @resvg/resvg-wasm rasterises it.
// WASM runs unchanged on x64 and ARM64 Lambda. Lambda has no CJK fonts, so a subset of Noto Sans CJK SC
// (scripts/make-font-subset.ts) ships in ./assets and is the only font resvg ever sees.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import type { SeriesPoint } from "../core/api-types";
import type { IndicatorStatus, Locale, PeriodId } from "../core/types";
import { formatNumber, pick, STATUS_COLORS, STATUS_LABELS, type SummaryModel } from "./model";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

/** The family name inside the bundled subset; charts ask for it and resvg falls back to it for anything else. */
export const CHART_FONT_FAMILY = "Noto Sans CJK SC";
export const CHART_FONT_FILE = "cjk-subset.otf";
export const RESVG_WASM_FILE = "resvg.wasm";

export interface ChartAssets {
	/** resvg's wasm binary (or a compiled module). */
	wasm: Uint8Array | WebAssembly.Module;
	/** The CJK subset font (OTF). */
	font: Uint8Array;
}

export interface ChartImage {
	/** Content-ID the HTML refers to as `cid:<cid>`. */
	cid: string;
	filename: string;
	content: Buffer;
	contentType: "image/png";
	/** Alt text: the chart's message in words, for clients that block images. */
	alt: string;
	/** CSS pixels to display at (the PNG is rendered at `zoom` × this for sharp text on phones). */
	width: number;
	height: number;
}

const require = createRequire(import.meta.url);

/**
 * Reads the font and the wasm from disk. Looks in `dir` when given, then ./assets beside this module (in a bundled
 * Lambda: beside index.mjs, where the CDK copies both files), then the wasm from node_modules.
 */
export function loadBundledChartAssets(dir?: string): ChartAssets {
	const candidates = [dir, fileURLToPath(new URL("./assets", import.meta.url))].filter(
		(d): d is string => typeof d === "string" && d !== "",
	);
	const firstReadable = (name: string): Uint8Array | null => {
		for (const d of candidates) {
			try {
				return readFileSync(join(d, name));
			} catch {
				// try the next directory
			}
		}
		return null;
	};
	const font = firstReadable(CHART_FONT_FILE);
	if (!font) throw new Error(`Chart font ${CHART_FONT_FILE} not found in ${candidates.join(", ")}`);
	const wasm = firstReadable(RESVG_WASM_FILE) ?? readFileSync(require.resolve("@resvg/resvg-wasm/index_bg.wasm"));
	return { wasm, font };
}

let ready: Promise<Uint8Array> | null = null;

/** Initialises resvg's wasm once per process (initWasm throws on a second call) and remembers the font. */
export function initChartRenderer(assets?: ChartAssets): Promise<Uint8Array> {
	if (!ready) {
		const a = assets ?? loadBundledChartAssets();
		ready = initWasm(a.wasm).then(
			() => a.font,
			(err: unknown) => {
				ready = null;
				throw err;
			},
		);
	}
	return ready;
}

export interface RasteriseOptions {
	/** Draw with the bundled font (default). false renders with no font at all: text disappears (used by tests). */
	font?: boolean;
	/** Output pixels per SVG pixel. */
	zoom?: number;
	background?: string;
}

export interface Raster {
	png: Buffer;
	width: number;
	height: number;
	/** RGBA. */
	pixels: Uint8Array;
}

export async function rasterise(svg: string, options: RasteriseOptions = {}): Promise<Raster> {
	const font = await initChartRenderer();
	const fonts = options.font === false ? [] : [font];
	const resvg = new Resvg(svg, {
		font: { fontBuffers: fonts, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY, serifFamily: CHART_FONT_FAMILY },
		fitTo: { mode: "zoom", value: options.zoom ?? 2 },
		background: options.background ?? "#ffffff",
		shapeRendering: 2,
		textRendering: 1,
	});
	try {
		const image = resvg.render();
		try {
			return { png: Buffer.from(image.asPng()), width: image.width, height: image.height, pixels: image.pixels };
		} finally {
			image.free();
		}
	} finally {
		resvg.free(); // wasm memory is not garbage-collected
	}
}

// ---------------------------------------------------------------------------
// SVG (pure: no wasm needed)

const BASE = {
	animation: false,
	backgroundColor: "#ffffff",
	textStyle: { fontFamily: CHART_FONT_FAMILY, color: "#24292f" },
} as const;

const toSvg = (option: Record<string, unknown>, width: number, height: number): string => {
	const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
	try {
		chart.setOption(option);
		return chart.renderToSVGString();
	} finally {
		chart.dispose();
	}
};

const OVERVIEW_ORDER: IndicatorStatus[] = ["achieved", "on-track", "behind", "off-track", "uncertain", "provisional", "no-data"];
const ALWAYS_SHOWN = new Set<IndicatorStatus>(["achieved", "on-track", "behind", "off-track"]);

/**
 * Charts are laid out at 420 CSS px and rasterised at 2×: on a 390 px phone the card leaves ~324 px for an image,
 * so a 15 px label still reads at ~11.5 px (at 600 px with 11 px labels it was ~6 px).
 */
export const CHART_WIDTH = 420;
const TREND_SIZE = { width: CHART_WIDTH, height: 260 };
export const overviewSize = (counts: Record<IndicatorStatus, number>) => ({
	width: CHART_WIDTH,
	height: 64 + 34 * OVERVIEW_ORDER.filter((s) => ALWAYS_SHOWN.has(s) || (counts[s] ?? 0) > 0).length,
});

export function statusOverviewSvg(counts: Record<IndicatorStatus, number>, locale: Locale, size = overviewSize(counts)): string {
	const statuses = OVERVIEW_ORDER.filter((s) => ALWAYS_SHOWN.has(s) || (counts[s] ?? 0) > 0);
	const total = OVERVIEW_ORDER.reduce((n, s) => n + (counts[s] ?? 0), 0);
	const title = locale === "en" ? `Indicator status (${total} indicators)` : `指标状态分布（共${total}项）`;
	return toSvg(
		{
			...BASE,
			title: { text: title, left: 8, top: 8, textStyle: { fontSize: 17, fontWeight: "bold", fontFamily: CHART_FONT_FAMILY } },
			grid: { left: 8, right: 44, top: 48, bottom: 12, containLabel: true },
			xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eaeef2" } }, axisLabel: { show: false } },
			yAxis: {
				type: "category",
				inverse: true,
				data: statuses.map((s) => `${STATUS_COLORS[s].symbol} ${pick(STATUS_LABELS[s], locale)}`),
				axisTick: { show: false },
				axisLine: { show: false },
				axisLabel: { fontSize: 15, color: "#24292f", fontFamily: CHART_FONT_FAMILY },
			},
			series: [
				{
					type: "bar",
					barWidth: 20,
					data: statuses.map((s) => ({ value: counts[s] ?? 0, itemStyle: { color: STATUS_COLORS[s].chart, borderRadius: [0, 3, 3, 0] } })),
					label: { show: true, position: "right", fontSize: 16, fontWeight: "bold", fontFamily: CHART_FONT_FAMILY },
				},
			],
		},
		size.width,
		size.height,
	);
}

export interface TrendInput {
	name: string;
	uom: string;
	decimals: number;
	status: IndicatorStatus;
	/** Printed target, shown in the legend ("≤12"). */
	target: string | null;
	points: { period: PeriodId; value: number | null; expected: number | null }[];
}

const monthTick = (period: PeriodId, locale: Locale): string => {
	const [y, m] = period.split("-");
	if (!m) return period;
	return locale === "en" ? `${m}/${y?.slice(2)}` : `${Number(m)}月`;
};

export function trendSvg(input: TrendInput, locale: Locale, size = TREND_SIZE): string {
	const en = locale === "en";
	const color = STATUS_COLORS[input.status].chart;
	const actual = en ? "Actual" : "实际值";
	const path = en ? `Plan path${input.target ? ` (target ${input.target})` : ""}` : `规划进度${input.target ? `（目标${input.target}）` : ""}`;
	const uom = input.uom ? (en ? ` (${input.uom})` : `（${input.uom}）`) : "";
	return toSvg(
		{
			...BASE,
			title: {
				text: `${input.name}${uom}`,
				subtext: `${STATUS_COLORS[input.status].symbol} ${pick(STATUS_LABELS[input.status], locale)}`,
				left: 8,
				top: 6,
				itemGap: 4,
				textStyle: { fontSize: 16, fontWeight: "bold", fontFamily: CHART_FONT_FAMILY },
				subtextStyle: { fontSize: 14, color, fontFamily: CHART_FONT_FAMILY },
			},
			// Below the title, not beside it: at 420 px there is no room for both on one line.
			legend: { left: 8, top: 52, itemWidth: 18, textStyle: { fontSize: 14, fontFamily: CHART_FONT_FAMILY }, data: [actual, path] },
			grid: { left: 8, right: 16, top: 88, bottom: 8, containLabel: true },
			xAxis: {
				type: "category",
				boundaryGap: false,
				data: input.points.map((p) => monthTick(p.period, locale)),
				axisLabel: { fontSize: 14, fontFamily: CHART_FONT_FAMILY },
			},
			yAxis: {
				type: "value",
				scale: true,
				splitLine: { lineStyle: { color: "#eaeef2" } },
				axisLabel: { fontSize: 14, fontFamily: CHART_FONT_FAMILY, formatter: (v: number) => formatNumber(v, Math.min(input.decimals, 2)) },
			},
			series: [
				{
					name: path,
					type: "line",
					data: input.points.map((p) => p.expected),
					symbol: "none",
					lineStyle: { type: "dashed", width: 2, color: "#6e7781" },
					itemStyle: { color: "#6e7781" },
				},
				{
					name: actual,
					type: "line",
					data: input.points.map((p) => p.value),
					connectNulls: false,
					symbolSize: 6,
					lineStyle: { width: 3, color },
					itemStyle: { color },
				},
			],
		},
		size.width,
		size.height,
	);
}

// ---------------------------------------------------------------------------

export interface SummaryChartOptions {
	/** How many binding alerts get a trend chart (each adds ~20–30 KB to the email). */
	maxTrends?: number;
	zoom?: number;
	assets?: ChartAssets;
}

/**
 * The status overview plus a trend for each of the top binding alerts that has a series.
 * series: indicator code → monthly points (e.g. the year to date), as the analytics API returns them.
 */
export async function renderSummaryCharts(
	model: SummaryModel,
	series: Record<string, SeriesPoint[]>,
	options: SummaryChartOptions = {},
): Promise<ChartImage[]> {
	await initChartRenderer(options.assets);
	const en = model.locale === "en";
	const images: ChartImage[] = [];
	const oSize = overviewSize(model.counts);
	const overview = await rasterise(statusOverviewSvg(model.counts, model.locale, oSize), { zoom: options.zoom ?? 2 });
	const c = model.counts;
	images.push({
		cid: `status-overview.${model.month}@summary`,
		filename: "status-overview.png",
		content: overview.png,
		contentType: "image/png",
		alt: en
			? `Status: ${c.achieved} achieved, ${c["on-track"]} on track, ${c.behind} behind, ${c["off-track"]} off track`
			: `指标状态：已达标${c.achieved}项，符合进度${c["on-track"]}项，落后进度${c.behind}项，偏离目标${c["off-track"]}项${c.provisional ? `，数据不完整${c.provisional}项` : ""}${c.uncertain ? `，难以判断${c.uncertain}项` : ""}`,
		...oSize,
	});
	const trendSize = TREND_SIZE;
	const withSeries = model.bindingAlerts.filter((i) => (series[i.code]?.length ?? 0) > 1).slice(0, options.maxTrends ?? 3);
	for (const i of withSeries) {
		const points = (series[i.code] ?? []).map((p) => ({ period: p.period, value: p.value, expected: p.expected }));
		const svg = trendSvg({ name: i.name, uom: i.uom, decimals: i.decimals, status: i.status, target: i.target, points }, model.locale, trendSize);
		const raster = await rasterise(svg, { zoom: options.zoom ?? 2 });
		const safe = i.code.toLowerCase().replace(/[^a-z0-9-]/g, "-");
		images.push({
			cid: `trend-${safe}.${model.month}@summary`,
			filename: `trend-${safe}.png`,
			content: raster.png,
			contentType: "image/png",
			alt: en
				? `${i.name}: ${formatNumber(i.value, i.decimals)} against a plan path of ${formatNumber(i.expected, i.decimals)}`
				: `${i.name}：实际${formatNumber(i.value, i.decimals)}，规划进度${formatNumber(i.expected, i.decimals)}`,
			...trendSize,
		});
	}
	return images;
}
