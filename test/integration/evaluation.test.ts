// GET /api/plans/{planId}/evaluation on the seeded demo data: the final 2025 report for 师市“十四五” at
// division level as JSON, .docx (opened by LibreOffice headless) and .xlsx (read back), the mid-term 2023
// report's 时间过半、任务过半 test against values computed by hand from the raw demo submissions, and access.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readXlsx } from "../../functions/commons/xlsx-read";
import type { EvaluationReport, EvaluationRow } from "../../functions/core/api-types";
import { codeCatalog } from "../../functions/core/catalog";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { roundTo } from "../../functions/core/indicator-eval";
import type { Plan } from "../../functions/core/types";
import { seedDemo } from "../../scripts/lib/seed";
import { type Caller, type Harness, startHarness } from "../support/harness";

const UNTIL = "2026-11";
const plan = codeCatalog().plans.find((p) => p.id === "tmg-14th") as Plan;
/** 专栏1: the plan's table, items 1–18 (19+ are the quantified targets of its text). */
const BOX1 = plan.indicators.filter((pi) => pi.order <= 18);
const indicatorName = (code: string) => codeCatalog().indicators.find((i) => i.code === code)?.name.zh as string;

let h: Harness;
let leader: Caller;
let work: string;

/** GET a binary download as bytes. */
const download = async (caller: Caller, path: string): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Uint8Array }> => {
	const res = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${caller.token}` } });
	return { status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), bytes: new Uint8Array(await res.arrayBuffer()) };
};

/**
 * LibreOffice headless with a throwaway profile, so parallel runs don't share one. Run asynchronously: a blocking call
 * stalls the event loop for its seconds, and the next download then takes a keep-alive socket the gateway closed
 * meanwhile (ECONNRESET).
 */
const soffice = async (file: string, to: string): Promise<string> => {
	const profile = mkdtempSync(join(tmpdir(), "lo-profile-"));
	try {
		await promisify(execFile)("soffice", ["--headless", "--norestore", `-env:UserInstallation=${pathToFileURL(profile).href}`, "--convert-to", to, "--outdir", work, file], { timeout: 180_000 });
	} finally {
		rmSync(profile, { recursive: true, force: true });
	}
	const base = file.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
	const ext = to.split(":")[0] as string;
	const out = readdirSync(work).find((f) => f === `${base}.${ext}`);
	if (!out) throw new Error(`soffice produced no ${ext} for ${file}`);
	return join(work, out);
};

const rowOf = (r: EvaluationReport, code: string): EvaluationRow => {
	const row = r.groups.flatMap((g) => g.rows).find((x) => x.indicatorCode === code);
	if (!row) throw new Error(`no row ${code}`);
	return row;
};

beforeAll(async () => {
	h = await startHarness();
	await seedDemo(h.app, { until: UNTIL, force: true });
	leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
	work = mkdtempSync(join(tmpdir(), "evaluation-"));
}, 600_000);
afterAll(async () => {
	await h?.stop();
	if (work) rmSync(work, { recursive: true, force: true });
});

describe("final evaluation: tmg-14th, 2025, division", () => {
	let report: EvaluationReport;
	beforeAll(async () => {
		const r = await leader.call("GET", "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=div");
		expect(r.status).toBe(200);
		report = r.body;
	}, 120_000);

	it("is a final report with every 专栏1 indicator, its seed baseline and printed target", () => {
		expect(report.kind).toBe("final");
		expect(report.year).toBe(2025);
		const rows = report.groups.flatMap((g) => g.rows);
		expect(rows).toHaveLength(plan.indicators.length);
		for (const pi of BOX1) {
			const row = rowOf(report, pi.indicatorCode);
			expect(row.baseline, pi.indicatorCode).toEqual(pi.baseline);
			expect(row.target?.printed, pi.indicatorCode).toBe(pi.targets.at(-1)?.printed);
			expect(typeof row.met === "boolean" || row.met === null, pi.indicatorCode).toBe(true);
		}
		// Binding first within 健康服务: 13 (GPs) and 16 (myopia) lead it.
		const services = report.groups.find((g) => g.group === "health-services")?.rows ?? [];
		expect(services.slice(0, 2).map((r) => r.nature)).toEqual(["binding", "binding"]);
		expect(report.paragraphs.overall.zh).toContain(`已达成${report.counts.met}项，未达成${report.counts.notMet}项`);
		expect(report.paragraphs.data.zh).toContain("本报告数据由平台按各单位报送数据汇总");
	});

	it("turns the GP target into GPs to recruit, for the division and each 垦区", () => {
		const gp = rowOf(report, "GPS_PER_10000");
		expect(gp.gap?.division.population).toBeGreaterThan(200_000);
		// ⌈4.00 × population / 10,000⌉ − GPs now.
		const line = gp.gap?.division;
		expect(line?.required).toBe(Math.ceil((4 * (line?.population ?? 0)) / 10_000 - 1e-6));
		expect(line?.needed).toBe(Math.max(0, (line?.required ?? 0) - (line?.current ?? 0)));
		expect(gp.gap?.areas.map((a) => a.orgUnit).sort()).toEqual(["korla", "qieruo", "tarim", "yanqi"]);
	});

	it("downloads as a .docx that LibreOffice opens, with each 专栏1 name and its printed 2020 and 2025 figures", async () => {
		const d = await download(leader, "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=div&format=docx");
		expect(d.status).toBe(200);
		expect(d.type).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
		expect(d.disposition).toContain("evaluation-tmg-14th-final-2025-div.docx");
		const file = join(work, "final-2025.docx");
		writeFileSync(file, d.bytes);
		const pdf = readFileSync(await soffice(file, "pdf")).toString("latin1");
		expect(pdf.startsWith("%PDF")).toBe(true);
		const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
		expect(pages).toBeGreaterThanOrEqual(3);
		const text = readFileSync(await soffice(file, "txt:Text (encoded):UTF8"), "utf8");
		expect(text).toContain("第二师铁门关市“十四五”卫生健康事业发展规划末期评估报告（2025年）");
		for (const heading of ["一、总体情况", "二、约束性指标", "三、主要问题", "四、数据说明", "附表1"]) expect(text).toContain(heading);
		for (const pi of BOX1) {
			expect(text, pi.indicatorCode).toContain(indicatorName(pi.indicatorCode));
			if (pi.baseline) expect(text, `${pi.indicatorCode} baseline`).toContain(pi.baseline.printed);
			expect(text, `${pi.indicatorCode} target`).toContain(pi.targets.at(-1)?.printed as string);
		}
		console.info(`evaluation docx: ${d.bytes.length} bytes, ${pages} pages`);
	}, 300_000);

	it("downloads as an .xlsx that reads back with the same rows", async () => {
		const d = await download(leader, "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=div&format=xlsx");
		expect(d.status).toBe(200);
		const sheet = readXlsx(d.bytes);
		expect(sheet.sheets).toEqual(["指标评估", "资源差距", "评估说明"]);
		const header = sheet.rows[0]?.cells ?? [];
		expect(header.slice(0, 3)).toEqual(["序号", "领域", "指标"]);
		const names = sheet.rows.slice(1).map((r) => r.cells[2]);
		for (const pi of BOX1) expect(names).toContain(indicatorName(pi.indicatorCode));
		expect(sheet.rows.length - 1).toBe(plan.indicators.length);
	});

	it("renders a printable HTML page", async () => {
		const r = await leader.call("GET", "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=div&format=html&lang=en");
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toContain("text/html");
		expect(r.body).toContain("@page { size: A4");
		expect(r.body).toContain("Table 1. Indicator evaluation");
	});
});

describe("mid-term evaluation: tmg-14th, 2023, division", () => {
	it("applies 时间过半、任务过半 as computed by hand from the raw demo submissions", async () => {
		const r = await leader.call("GET", "/api/plans/tmg-14th/evaluation?year=2023&orgUnit=div");
		expect(r.status).toBe(200);
		const report: EvaluationReport = r.body;
		expect(report.kind).toBe("mid-term");
		// (2023 − 2020) / (2025 − 2020)
		expect(report.elapsed).toBeCloseTo(0.6, 12);

		// By hand, from the counted (submitted or approved) demo forms of 2023.
		const counted = generateDemoSubmissions({ from: "2020-01", to: UNTIL, now: h.app.now() }).filter((s) => s.status === "submitted" || s.status === "approved");
		// 每万人口全科医生数: a stock; each unit's latest reported 2023 month, summed over units.
		const latest = (code: string): number => {
			const byUnit = new Map<string, { period: string; v: number }>();
			for (const s of counted) {
				const v = s.values[code];
				if (!/^2023-\d\d$/.test(s.period) || v === null || v === undefined) continue;
				const prev = byUnit.get(s.unitId);
				if (!prev || s.period > prev.period) byUnit.set(s.unitId, { period: s.period, v });
			}
			return [...byUnit.values()].reduce((a, x) => a + x.v, 0);
		};
		const gp2023 = Math.round((latest("GPS") / latest("POPULATION")) * 10_000 * 100) / 100;
		const gpProgress = (gp2023 - 1.8) / (4.0 - 1.8);
		const gp = rowOf(report, "GPS_PER_10000");
		expect(gp.value).toBe(gp2023);
		expect(gp.progress).toBeCloseTo(gpProgress, 9);
		expect(gp.halfway?.passed).toBe(gpProgress >= 0.6);

		// 近视率: the commission's yearly survey figure; target 52.62 − 5 × 0.5 = 50.12.
		const myopiaForm = counted.find((s) => s.period === "2023" && typeof s.values.MYOPIA_RATE === "number");
		const myopia2023 = Math.round((myopiaForm?.values.MYOPIA_RATE as number) * 100) / 100;
		const myopiaProgress = (52.62 - myopia2023) / (52.62 - 50.12);
		const myopia = rowOf(report, "MYOPIA_PREVALENCE");
		expect(myopia.value).toBe(myopia2023);
		expect(myopia.targetValue).toBeCloseTo(50.12, 9);
		expect(myopia.progress).toBeCloseTo(myopiaProgress, 9);
		expect(myopia.halfway?.passed).toBe(myopiaProgress >= 0.6);
		console.info(`mid-term 2023 by hand: GPs ${gp2023} → ${(gpProgress * 100).toFixed(1)} %, myopia ${myopia2023} → ${(myopiaProgress * 100).toFixed(1)} % (time 60 %)`);

		// The projection of a binding indicator from 2020–2023 to 2025.
		expect(gp.projection?.targetYear).toBe(2025);
		expect(gp.projection?.toYear).toBe(2023);
		expect(report.paragraphs.overall.zh).toContain("2023年为规划期第3年，时间进度60%");
	}, 120_000);
});

describe("projection in /api/progress", () => {
	it("carries each Healthy Bingtuan 2030 row's trend to 2030, from the complete years only", async () => {
		const t0 = Date.now();
		const r = await leader.call("GET", "/api/progress?plan=hbt-2030&period=2026-11&orgUnit=div");
		const ms = Date.now() - t0;
		expect(r.status).toBe(200);
		const row = (code: string) => r.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === code);
		// Demo data starts in 2020; 2026 is partial, so 2020–2025 are the complete years.
		const life = row("LIFE_EXP").projection;
		expect(life).toMatchObject({ method: "theil-sen", targetYear: 2030, fromYear: 2020, toYear: 2025 });
		expect(["likely", "at-risk", "unlikely"]).toContain(life.verdict);
		expect(life.low).toBeLessThanOrEqual(life.value);
		expect(life.high).toBeGreaterThanOrEqual(life.value);
		// Achieved change from the printed 2015 baseline 76.79 to the 2025 value.
		const series = await leader.call("GET", "/api/indicators/LIFE_EXP/series?from=2025&to=2025&orgUnit=div&plan=hbt-2030");
		const v2025 = roundTo(series.body.points[0].value, 2);
		expect(life.actualAnnualChange).toBeCloseTo((v2025 - 76.79) / 10, 9);
		// 持续改善 has no number to project towards.
		expect(row("AIR_QUALITY_GOOD_RATE").projection).toMatchObject({ verdict: "not-applicable", reason: "target-kind" });
		// The 十四五 plan's target year already has data: the actual answers it.
		const tmg = await leader.call("GET", "/api/progress?plan=tmg-14th&period=2026-11&orgUnit=div");
		expect(tmg.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === "GPS_PER_10000").projection.reason).toBe("target-year-passed");
		console.info(`progress with projections: ${ms} ms`);
	});
});

describe("access and input", () => {
	it("is for approvers, leaders and admins, within their scope", async () => {
		const reporter = await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" });
		expect((await reporter.call("GET", "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=t33")).status).toBe(403);
		const areaLeader = await h.as({ sub: "leader-korla", roles: ["leader"], orgScope: "korla" });
		expect((await areaLeader.call("GET", "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=div")).status).toBe(403);
		const own = await areaLeader.call("GET", "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=korla");
		expect(own.status).toBe(200);
		expect(own.body.orgLevel).toBe("area");
	}, 120_000);

	it("answers bad input with field-level 400s and an unknown plan with 404", async () => {
		const noYear = await leader.call("GET", "/api/plans/tmg-14th/evaluation?orgUnit=div");
		expect(noYear.status).toBe(400);
		expect(noYear.body.error.fields.year).toBeTruthy();
		const badFormat = await leader.call("GET", "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=div&format=pdf");
		expect(badFormat.body.error.fields.format).toBeTruthy();
		const early = await leader.call("GET", "/api/plans/tmg-14th/evaluation?year=2010&orgUnit=div");
		expect(early.status).toBe(400);
		const unit = await leader.call("GET", "/api/plans/tmg-14th/evaluation?year=2025&orgUnit=t33");
		expect(unit.status).toBe(400);
		expect(unit.body.error.fields.orgUnit).toBeTruthy();
		expect((await leader.call("GET", "/api/plans/no-such-plan/evaluation?year=2025&orgUnit=div")).status).toBe(404);
	});
});
