// Bulk import and export end to end: HTTP → local gateway → the imports Lambda → DynamoDB Local.
// LOCK_DAY=31 keeps last month open whatever today's date, so a file can cover two months; a month three
// back is locked. IMPORT_BUDGET_MS=28000 (the deploy's ceiling) because this suite shares two cores with the
// others: the back-fill below took 18 s of its default 20 under that load. Whether a year's back-fill fits the
// default budget is the bench's to measure (`npm run bench`, section import, which fails on a pause).
process.env.LOCK_DAY = "31";
process.env.IMPORT_BUDGET_MS = "28000";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImportService } from "../../functions/imports/import-service";
import { readXlsx } from "../../functions/commons/xlsx-read";
import { formElements } from "../../functions/core/catalog-index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import type { SheetCell } from "../../functions/core/import-sheet";
import { addMonths, currentMonth } from "../../functions/core/periods";
import type { ValueMap } from "../../functions/core/types";
import { writeXlsx } from "../../functions/commons/xlsx-write";
import { type Caller, type Harness, startHarness } from "../support/harness";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const month = currentMonth(new Date());
const lastMonth = addMonths(month, -1);
const lockedMonth = addMonths(month, -3);
// Complete, plausible figures from the demo data (its recent months are partial), moved to the months imported.
const demo = generateDemoSubmissions({ from: addMonths(month, -9), to: month });
const demoFor = (unitId: string, monthsBack: number): ValueMap | null => demo.find((d) => d.unitId === unitId && d.period === addMonths(month, -monthsBack))?.values ?? null;

let h: Harness;
let admin: Caller;
let reporter: Caller;
let leader: Caller;
let approverYanqi: Caller;
/** Every monthly-reporting unit with demo figures: two months each. */
let units: string[] = [];
let codes: string[] = [];

interface Row {
	unitId: string;
	period: string;
	values: ValueMap;
	action?: string;
	comment?: string;
}

// A comment on every row acknowledges any jump warning between two demo months, as a reporter would.
const rowsFor = (periods: [string, number][]): Row[] =>
	units.flatMap((unitId) => periods.map(([period, back]) => ({ unitId, period, values: { ...(demoFor(unitId, back) as ValueMap) }, comment: "批量导入" })));

const xlsxOf = (rows: Row[]): Uint8Array =>
	writeXlsx([
		{
			name: "导入",
			columns: ["单位编号", "期间", "操作", "备注", ...codes].map((header) => ({ header })),
			rows: rows.map((r) => [r.unitId, r.period, r.action ?? null, r.comment ?? null, ...codes.map((c) => r.values[c] ?? null)]),
		},
	]);

const csvOf = (rows: Row[]): string =>
	[["单位编号", "期间", "操作", "备注", ...codes], ...rows.map((r) => [r.unitId, r.period, r.action ?? "", r.comment ?? "", ...codes.map((c) => String(r.values[c] ?? ""))])]
		.map((cells) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(","))
		.join("\r\n");

/** A request with a binary body (the harness's call() sends strings). */
const send = async (caller: Caller | null, method: string, path: string, body: Uint8Array | string | undefined, contentType: string, headers: Record<string, string> = {}) => {
	const res = await fetch(`${h.url}${path}`, {
		method,
		headers: { ...(caller ? { authorization: `Bearer ${caller.token}` } : {}), "content-type": contentType, ...headers },
		...(body !== undefined ? { body: typeof body === "string" ? body : Buffer.from(body) } : {}),
	});
	const buf = new Uint8Array(await res.arrayBuffer());
	const text = new TextDecoder().decode(buf);
	let json: ReturnType<typeof JSON.parse> = null;
	try {
		json = JSON.parse(text);
	} catch {
		/* binary */
	}
	return { status: res.status, body: json, bytes: buf, headers: res.headers };
};

const storedFor = async (period: string) => {
	const idx = await h.app.catalog();
	return h.app.submissions(idx).listForPeriod(period);
};

beforeAll(async () => {
	h = await startHarness();
	admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
	reporter = await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" });
	leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
	approverYanqi = await h.as({ sub: "approver-yanqi", roles: ["approver"], orgScope: "yanqi" });
	const idx = await h.app.catalog();
	units = [...idx.unitById.values()]
		.filter((u) => u.level === "unit" && formElements(idx.elementByCode.values(), u.type, "monthly").length > 0 && demoFor(u.id, 6) && demoFor(u.id, 7))
		.map((u) => u.id);
	codes = [...new Set(units.flatMap((u) => Object.keys(demoFor(u, 6) as ValueMap)))];
});
afterAll(async () => h?.stop());

describe("POST /api/imports", () => {
	it("is for admins only", async () => {
		expect((await send(reporter, "POST", "/api/imports", xlsxOf([]), XLSX)).status).toBe(403);
		expect((await send(leader, "POST", "/api/imports", xlsxOf([]), XLSX)).status).toBe(403);
		expect((await leader.call("GET", "/api/imports/20250101-abcdef")).status).toBe(403);
		expect((await send(null, "POST", "/api/imports", xlsxOf([]), XLSX)).status).toBe(401);
	});

	it("answers garbage with a 400, not a 500", async () => {
		const garbage = new Uint8Array(100 * 1024);
		let x = 42;
		for (let i = 0; i < garbage.length; i++) {
			x = (x * 1103515245 + 12345) & 0x7fffffff;
			garbage[i] = x >> 16;
		}
		for (const type of ["application/octet-stream", XLSX, "text/csv"]) {
			const r = await send(admin, "POST", "/api/imports", garbage, type);
			expect(r.status, type).toBe(400);
			expect(r.body.error.code).toBe("bad-request");
		}
		// A zip that is not a workbook, a truncated workbook, text that is not the layout, an empty body, a JSON body.
		const truncated = xlsxOf(rowsFor([[month, 6]])).slice(0, 3000);
		expect((await send(admin, "POST", "/api/imports", truncated, XLSX)).status).toBe(400);
		const notLayout = await send(admin, "POST", "/api/imports", "name,age\nx,1\n", "text/csv");
		expect(notLayout.status).toBe(400);
		expect(Object.keys(notLayout.body.error.fields)).toEqual(["unitId", "period"]);
		expect((await send(admin, "POST", "/api/imports", undefined, XLSX)).status).toBe(400);
		expect((await send(admin, "POST", "/api/imports", "{}", "application/json")).status).toBe(415);
	});

	it("refuses the whole file when one row is bad: 422 with the row report, nothing written", async () => {
		const rows = rowsFor([
			[lastMonth, 7],
			[month, 6],
		]);
		expect(rows.length).toBeGreaterThanOrEqual(40);
		const bad = rows[17] as Row;
		bad.values.BEDS = -3;
		const before = [...(await storedFor(month)), ...(await storedFor(lastMonth))];
		expect(before).toEqual([]);
		const r = await send(admin, "POST", "/api/imports", xlsxOf(rows), XLSX);
		expect(r.status).toBe(422);
		expect(r.body.error.details.errorCount).toBe(1);
		const report = r.body.error.details.rows as { row: number; unitId: string; period: string; status: string; errors: { field: string; code: string; message: string }[] }[];
		expect(report).toHaveLength(rows.length);
		const failed = report.filter((x) => x.status === "error");
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatchObject({ row: 19, unitId: bad.unitId, period: bad.period });
		expect(failed[0]?.errors[0]).toMatchObject({ field: "BEDS", code: "min" });
		expect(failed[0]?.errors[0]?.message).toMatch(/不能小于.*\(.*at least/);
		expect(r.body.error.fields["rows.19.BEDS"]).toBeTruthy();
		expect([...(await storedFor(month)), ...(await storedFor(lastMonth))]).toEqual([]);
		// The refused import is on record.
		const job = await admin.call("GET", `/api/imports/${r.body.error.details.importId}`);
		expect(job.status).toBe(200);
		expect(job.body).toMatchObject({ status: "failed", errorCount: 1, done: 0 });
	});

	it("validates without writing on dryRun=true", async () => {
		const r = await send(admin, "POST", "/api/imports?dryRun=true", csvOf(rowsFor([[month, 6]])), "text/csv");
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ dryRun: true, status: "validated", errorCount: 0, total: units.length });
		expect(await storedFor(month)).toEqual([]);
	});

	let rows40: Row[];
	let file40: Uint8Array;
	let importId: string;

	it("applies a 40-row workbook through the submission service: visible in submissions and progress, aggregates exact", async () => {
		rows40 = rowsFor([
			[lastMonth, 7],
			[month, 6],
		]);
		// One row as a draft, to show the action column is honoured.
		(rows40[0] as Row).action = "save";
		file40 = xlsxOf(rows40);
		const r = await send(admin, "POST", "/api/imports", file40, XLSX);
		expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
		importId = r.body.importId;
		expect(r.headers.get("location")).toBe(`/api/imports/${importId}`);
		expect(r.body).toMatchObject({ status: "done", total: rows40.length, done: rows40.length, created: rows40.length, updated: 0, unchanged: 0, failed: 0, format: "xlsx" });
		expect(r.body.rows.every((x: { status: string; outcome: string; version: number }) => x.status === "ok" && x.outcome === "created" && x.version === 1)).toBe(true);

		const t33 = await admin.call("GET", `/api/submissions/t33/${month}`);
		expect(t33.status).toBe(200);
		const t33Row = rows40.find((x) => x.unitId === "t33" && x.period === month) as Row;
		expect(t33.body.submission).toMatchObject({ status: "submitted", version: 1, updatedBy: "admin" });
		expect(t33.body.submission.values.BEDS).toBe(t33Row.values.BEDS);
		expect(t33.body.submission.values.CHILDCARE_PLACES ?? null).toBe(t33Row.values.CHILDCARE_PLACES ?? null);
		const first = rows40[0] as Row;
		expect((await admin.call("GET", `/api/submissions/${first.unitId}/${first.period}`)).body.submission.status).toBe("draft");

		const job = await admin.call("GET", `/api/imports/${importId}`);
		expect(job.body).toMatchObject({ importId, status: "done", total: rows40.length, done: rows40.length, by: "admin" });
		expect(job.body.rows).toHaveLength(rows40.length);
		expect(job.body.finishedAt >= job.body.startedAt).toBe(true);

		const beds = rows40.filter((x) => x.period === month && x.action !== "save").reduce((a, x) => a + (x.values.BEDS ?? 0), 0);
		const p = await leader.call("GET", `/api/progress?plan=tmg-14th&period=${month}&orgUnit=div`);
		expect(p.status).toBe(200);
		const row = p.body.rows.find((x: { indicatorCode: string }) => x.indicatorCode === "BEDS_PER_1000");
		expect(row.numerator).toBe(beds);
		for (const period of new Set([month, lastMonth])) {
			const v = await admin.call("POST", `/api/admin/verify-aggregates?period=${period}`);
			expect(v.status).toBe(200);
			expect(v.body.mismatches).toEqual([]);
			expect(v.body.ok).toBe(true);
		}
	});

	it("does not apply the same file twice: re-posting leaves every version as it was", async () => {
		const again = await send(admin, "POST", "/api/imports", file40, XLSX);
		expect(again.status).toBe(200);
		expect(again.body.importId).not.toBe(importId);
		expect(again.body).toMatchObject({ status: "done", created: 0, updated: 0, unchanged: rows40.length });
		const stored = [...(await storedFor(month)), ...(await storedFor(lastMonth))];
		expect(stored).toHaveLength(rows40.length);
		expect(stored.every((s) => s.version === 1)).toBe(true);
		expect((await admin.call("GET", `/api/submissions/t33/${month}/history`)).body.versions).toHaveLength(1);
		// With the same Idempotency-Key, the import itself is replayed.
		const keyed = await send(admin, "POST", "/api/imports", file40, XLSX, { "idempotency-key": importId });
		expect(keyed.status).toBe(200);
		expect(keyed.body).toMatchObject({ importId, created: rows40.length });
		const otherFile = await send(admin, "POST", "/api/imports", xlsxOf(rows40.slice(1)), XLSX, { "idempotency-key": importId });
		expect(otherFile.status).toBe(422);
	});

	it("reports locked periods and approved forms as row errors (423/409 of the submission API), writing nothing", async () => {
		expect((await admin.call("POST", `/api/submissions/t34/${month}/approve`, { body: {} })).status).toBe(200);
		const t34 = rows40.find((x) => x.unitId === "t34" && x.period === month) as Row;
		const rows: Row[] = [
			{ ...t34, values: { ...t34.values, BEDS: (t34.values.BEDS ?? 0) + 1 } },
			{ unitId: "t36", period: lockedMonth, values: demoFor("t36", 6) as ValueMap },
			{ unitId: "t37", period: month, values: { ...(rows40.find((x) => x.unitId === "t37" && x.period === month) as Row).values, BEDS: 1 }, comment: "床位调整" },
		];
		const r = await send(admin, "POST", "/api/imports", csvOf(rows), "text/csv");
		expect(r.status).toBe(422);
		const report = r.body.error.details.rows as { unitId: string; status: string; errors: { code: string; message: string }[] }[];
		expect(report.map((x) => [x.unitId, x.status, x.errors.map((e) => e.code).join()])).toEqual([
			["t34", "error", "approved"],
			["t36", "error", "locked"],
			["t37", "ok", ""],
		]);
		expect(report[0]?.errors[0]?.message).toMatch(/审核通过.*approved/);
		expect((await admin.call("GET", `/api/submissions/t37/${month}`)).body.submission.version).toBe(1);
	});

	it("reads a GB18030 CSV sent as bytes, and explains one that was mangled as text/csv", async () => {
		const text = csvOf([{ unitId: "t37", period: month, values: { ...(rows40.find((x) => x.unitId === "t37" && x.period === month) as Row).values }, comment: "导入测试" }]);
		const gbk = gb18030(text);
		const ok = await send(admin, "POST", "/api/imports?dryRun=1", gbk, "application/vnd.ms-excel");
		expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(200);
		expect(ok.body).toMatchObject({ format: "csv", encoding: "gb18030", errorCount: 0 });
		const mangled = await send(admin, "POST", "/api/imports?dryRun=1", gbk, "text/csv");
		expect(mangled.status).toBe(400);
		expect(mangled.body.error.message).toMatch(/UTF-8/);
	});

	it("refuses more than 2,000 rows with a 413", async () => {
		const lines = ["单位编号,期间,BEDS", ...Array.from({ length: 2001 }, (_, i) => `t33,${month},${i}`)];
		const r = await send(admin, "POST", "/api/imports", lines.join("\n"), "text/csv");
		expect(r.status).toBe(413);
	});

	it("keeps progress and resumes a paused import from where it stopped when re-posted with the same key", async () => {
		const principal = { sub: "admin", roles: ["admin" as const], orgScope: "div" };
		// Change one figure of every form (beds where a unit has them, otherwise its first reported value).
		const rows = rowsFor([[month, 6]]).map((r) => {
			const code = typeof r.values.BEDS === "number" ? "BEDS" : (Object.keys(r.values).find((c) => typeof r.values[c] === "number") as string);
			return { ...r, values: { ...r.values, [code]: (r.values[code] as number) + 2 } };
		});
		const file = xlsxOf(rows.filter((r) => r.unitId !== "t34"));
		const paused = await createImportService(h.app, { budgetMs: -1 }).importFile({ principal, bytes: file, contentType: XLSX, importId: "resume-test-1" });
		expect(paused.status).toBe(202);
		expect(paused.body).toMatchObject({ importId: "resume-test-1", status: "applying", paused: true, done: 0 });
		const polled = await admin.call("GET", "/api/imports/resume-test-1");
		expect(polled.body).toMatchObject({ status: "applying", paused: true, done: 0, total: rows.length - 1 });
		expect(polled.body.message).toMatch(/Idempotency-Key/);
		const resumed = await send(admin, "POST", "/api/imports", file, XLSX, { "idempotency-key": "resume-test-1" });
		expect(resumed.status).toBe(200);
		expect(resumed.body).toMatchObject({ importId: "resume-test-1", status: "done", done: rows.length - 1, updated: rows.length - 1 });
		expect((await admin.call("GET", `/api/submissions/t33/${month}`)).body.submission.version).toBe(2);
	});

	it("back-fills a division's year in one request (every monthly unit × 13 months, ≥ 264 rows): no pause, aggregates exact, re-posting writes nothing", async () => {
		// Months long past their lock date, reopened by the admin first (an empty draft each), as a back-fill is done.
		const backfill = Array.from({ length: 13 }, (_, i) => addMonths(month, -17 + i));
		const idx = await h.app.catalog();
		const monthly = [...idx.unitById.values()].filter((u) => u.level === "unit" && formElements(idx.elementByCode.values(), u.type, "monthly").length > 0).map((u) => u.id);
		const history = generateDemoSubmissions({ from: addMonths(month, -24), to: addMonths(month, -5) });
		// A unit's demo figures for the month, or for its nearest complete month (some demo months are partial).
		const figures = (unitId: string, period: string): ValueMap => {
			const ordinal = (p: string) => Number(p.slice(0, 4)) * 12 + Number(p.slice(5, 7));
			const own = history.filter((d) => d.unitId === unitId && d.period.length === 7);
			const filled = (v: ValueMap) => Object.values(v).filter((x) => x !== null).length;
			const most = Math.max(...own.map((d) => filled(d.values)));
			const nearest = own.filter((d) => filled(d.values) === most).sort((a, b) => Math.abs(ordinal(a.period) - ordinal(period)) - Math.abs(ordinal(b.period) - ordinal(period)));
			return { ...(nearest[0]?.values as ValueMap) };
		};
		const rows: Row[] = monthly.flatMap((unitId) => backfill.map((period) => ({ unitId, period, values: figures(unitId, period), comment: "补录" })));
		expect(rows.length).toBeGreaterThanOrEqual(264);
		const allCodes = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
		const file = writeXlsx([
			{
				name: "补录",
				columns: ["单位编号", "期间", "操作", "备注", ...allCodes].map((header) => ({ header })),
				rows: rows.map((r) => [r.unitId, r.period, null, r.comment ?? null, ...allCodes.map((c) => r.values[c] ?? null)]),
			},
		]);
		// Locked and never reported: refused as a whole until reopened.
		const locked = await send(admin, "POST", "/api/imports?dryRun=true", file, XLSX);
		expect(locked.status).toBe(422);
		expect(locked.body.error.details.errorCount).toBe(rows.length);
		const reopen = [...rows];
		await Promise.all(
			Array.from({ length: 8 }, async () => {
				for (let r = reopen.pop(); r; r = reopen.pop()) {
					const res = await admin.call("POST", `/api/admin/periods/${r.unitId}/${r.period}/reopen`, { body: { reason: "补录历史数据" } });
					expect(res.status, JSON.stringify(res.body)).toBe(200);
				}
			}),
		);

		const t0 = Date.now();
		const r = await send(admin, "POST", "/api/imports", file, XLSX, { "idempotency-key": "backfill-year-1" });
		const ms = Date.now() - t0;
		console.info(`back-fill import: ${rows.length} rows in one request, ${ms} ms (${((rows.length / ms) * 1000).toFixed(0)} rows/s)`);
		expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
		expect(r.body.paused).toBeUndefined();
		expect(r.body).toMatchObject({ status: "done", total: rows.length, done: rows.length, updated: rows.length, created: 0, unchanged: 0, failed: 0 });
		const stored = (await Promise.all(backfill.map((p) => storedFor(p)))).flat().filter((s) => monthly.includes(s.unitId));
		expect(stored).toHaveLength(rows.length);
		expect(stored.every((s) => s.status === "submitted" && s.version === 2 && s.updatedBy === "admin")).toBe(true);
		const one = rows[rows.length - 1] as Row;
		const got = stored.find((s) => s.unitId === one.unitId && s.period === one.period);
		for (const [code, v] of Object.entries(one.values)) expect(got?.values[code] ?? null, code).toBe(v ?? null);
		// The version history says an import wrote it, after the reopen.
		const versions = (await admin.call("GET", `/api/submissions/${one.unitId}/${one.period}/history`)).body.versions;
		expect(versions.map((v: { action: string }) => v.action)).toEqual(["reopen", "import"]);
		// Exact aggregates in every year the file touched and the year its stocks carry into.
		for (const year of new Set([...backfill.map((p) => p.slice(0, 4)), month.slice(0, 4)])) {
			const v = await admin.call("POST", `/api/admin/verify-aggregates?period=${year}`);
			expect(v.status).toBe(200);
			expect(v.body.mismatches, year).toEqual([]);
			expect(v.body.checked).toBeGreaterThan(0);
		}

		// Idempotent: the same file again is a new import that writes nothing; with its key, the stored result.
		const again = await send(admin, "POST", "/api/imports", file, XLSX);
		expect(again.status).toBe(200);
		expect(again.body).toMatchObject({ status: "done", created: 0, updated: 0, unchanged: rows.length });
		const replay = await send(admin, "POST", "/api/imports", file, XLSX, { "idempotency-key": "backfill-year-1" });
		expect(replay.status).toBe(200);
		expect(replay.body).toMatchObject({ importId: "backfill-year-1", updated: rows.length });
		const after = (await Promise.all(backfill.map((p) => storedFor(p)))).flat().filter((s) => monthly.includes(s.unitId));
		expect(after.every((s) => s.version === 2)).toBe(true);
	}, 180_000);
});

describe("GET /api/exports", () => {
	it("downloads the import layout for the caller's org as .xlsx with a UTF-8 file name; it imports back", async () => {
		expect((await approverYanqi.call("GET", `/api/exports?period=${month}&orgUnit=tarim`)).status).toBe(403);
		expect((await reporter.call("GET", `/api/exports?period=${month}`)).status).toBe(403);
		expect((await leader.call("GET", "/api/exports?period=2025-13")).status).toBe(400);
		const r = await send(leader, "GET", `/api/exports?period=${month}&orgUnit=tarim`, undefined, "application/json");
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toBe(XLSX);
		const cd = r.headers.get("content-disposition") ?? "";
		expect(cd).toMatch(/^attachment; filename="health-plan-data_tarim_\d{4}-\d{2}\.xlsx"; filename\*=UTF-8''/);
		expect(decodeURIComponent(cd.split("''")[1] as string)).toBe(`健康规划数据_塔里木垦区_${month}.xlsx`);

		const book = readXlsx(r.bytes);
		expect(book.sheets).toEqual(["填报数据", "指标进展", "数据项说明"]);
		const [header, ...data] = book.rows.map((x) => x.cells);
		expect(header?.slice(0, 7)).toEqual(["单位编号", "单位名称", "期间", "操作", "备注", "状态", "版本"]);
		const tarimUnits = ["t31", "t33", "t34"].filter((u) => units.includes(u));
		expect(data.map((c) => c[0])).toEqual(tarimUnits);
		const indicators = readXlsx(r.bytes, { sheetName: "指标进展" }).rows;
		expect(indicators[0]?.cells[0]).toBe("指标代码");
		expect(indicators.find((x) => x.cells[0] === "BEDS_PER_1000")?.cells[4]).toBeTypeOf("number");

		// Unedited, it changes nothing (approved t34 included).
		const same = await send(admin, "POST", "/api/imports", r.bytes, XLSX);
		expect(same.status, JSON.stringify(same.body).slice(0, 400)).toBe(200);
		expect(same.body).toMatchObject({ created: 0, updated: 0, unchanged: tarimUnits.length });

		// Edit t31's beds in the downloaded sheet and import it back.
		// Element columns are headed with the name and the code (issue 18, item 21).
		const bedsCol = (header as SheetCell[]).indexOf("实有床位数（BEDS）");
		expect(bedsCol).toBeGreaterThan(6);
		const t31 = data.find((c) => c[0] === "t31") as SheetCell[];
		const beds = t31[bedsCol] as number;
		t31[bedsCol] = beds + 1;
		const edited = writeXlsx([{ name: "填报数据", columns: (header as SheetCell[]).map((x) => ({ header: String(x) })), rows: data.map((c) => c.map((v) => (typeof v === "boolean" ? String(v) : v))) }]);
		const back = await send(admin, "POST", "/api/imports", edited, XLSX);
		expect(back.status, JSON.stringify(back.body).slice(0, 400)).toBe(200);
		expect(back.body).toMatchObject({ updated: 1, unchanged: tarimUnits.length - 1 });
		const now = await admin.call("GET", `/api/submissions/t31/${month}`);
		expect(now.body.submission.values.BEDS).toBe(beds + 1);
		expect((await admin.call("POST", `/api/admin/verify-aggregates?period=${month}`)).body.ok).toBe(true);
		// The export carried t31's version: importing the same (now stale) edit again over a newer change is refused.
		t31[bedsCol] = beds + 3;
		const put = await admin.call("PUT", `/api/submissions/t31/${month}`, { body: { values: { ...now.body.submission.values, BEDS: beds + 2 }, action: "submit", comment: "更正" } });
		expect(put.status).toBe(200);
		const stale = writeXlsx([{ name: "填报数据", columns: (header as SheetCell[]).map((x) => ({ header: String(x) })), rows: data.map((c) => c.map((v) => (typeof v === "boolean" ? String(v) : v))) }]);
		const refused = await send(admin, "POST", "/api/imports", stale, XLSX);
		expect(refused.status).toBe(422);
		expect(refused.body.error.details.rows.find((x: { unitId: string }) => x.unitId === "t31").errors[0].code).toBe("version");
	});
});

/** GB18030 bytes for a string (TextEncoder only does UTF-8). */
const gb18030 = (() => {
	let table: Map<string, number[]> | undefined;
	return (s: string): Uint8Array => {
		if (!table) {
			table = new Map();
			const dec = new TextDecoder("gb18030");
			for (let a = 0x81; a <= 0xfe; a++)
				for (let b = 0x40; b <= 0xfe; b++) {
					const ch = b === 0x7f ? "" : dec.decode(new Uint8Array([a, b]));
					if (ch.length === 1 && ch !== "\uFFFD" && !table.has(ch)) table.set(ch, [a, b]);
				}
		}
		const out: number[] = [];
		for (const ch of s) {
			const cp = ch.codePointAt(0) as number;
			if (cp < 0x80) out.push(cp);
			else out.push(...(table.get(ch) ?? [0x3f]));
		}
		return new Uint8Array(out);
	};
})();
