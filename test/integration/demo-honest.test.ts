// The seeded demo as a newcomer sees it on 2026-12-06: nothing dated after the seed, November not yet late
// (its deadline is the 10th), and the headline per-1,000 figures for the last full month and the current
// month either within ±3% of the last complete month or marked provisional with no status claimed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProgressReport, ProgressRow } from "../../functions/core/api-types";
import { isWithin } from "../../functions/core/catalog-index";
import { seedDemo } from "../../scripts/lib/seed";
import { type Harness, startHarness } from "../support/harness";

const NOW = new Date("2026-12-06T04:00:00Z");
let h: Harness;
beforeAll(async () => {
	h = await startHarness();
	h.app.now = () => NOW;
	await seedDemo(h.app);
}, 300_000);
afterAll(async () => h?.stop());

const HEADLINE = ["BEDS_PER_1000", "PHYSICIANS_PER_1000", "NURSES_PER_1000"];

describe("the seeded demo respects time", () => {
	it("has no submission, approval or return dated after the seed", async () => {
		const idx = await h.app.catalog();
		const repo = h.app.submissions(idx);
		for (const period of ["2026-09", "2026-10", "2026-11", "2025"]) {
			const subs = await repo.listForPeriod(period);
			expect(subs.length).toBeGreaterThan(0);
			for (const s of subs) {
				for (const t of [s.createdAt, s.updatedAt, s.submittedAt, s.firstSubmittedAt, s.approvedAt]) {
					if (t !== undefined) expect(Date.parse(t)).toBeLessThanOrEqual(NOW.getTime());
				}
			}
		}
	});

	it("calls nobody late for November before its deadline, and only some units have reported it", async () => {
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		const r = await leader.call("GET", "/api/completeness?period=2026-11&orgUnit=div");
		expect(r.status).toBe(200);
		expect(r.body.rows.filter((x: { onTime: boolean | null }) => x.onTime === false)).toEqual([]);
		expect(r.body.reported).toBeGreaterThan(0);
		expect(r.body.reported).toBeLessThan(r.body.expected);
		expect(Date.parse(r.body.deadline)).toBeGreaterThan(NOW.getTime());
	});
});

describe("the headline figures on the seeded demo", () => {
	let latest: ProgressReport;
	beforeAll(async () => {
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		// No period asked: the server opens on the latest month that is not provisional, and says so.
		const r = await leader.call("GET", "/api/progress?plan=tmg-14th&orgUnit=div");
		expect(r.status).toBe(200);
		latest = r.body;
		expect(latest.defaulted).toBe(true);
		expect(latest.reporting.provisional).toBe(false);
		expect(latest.currentPeriod).toBe("2026-12");
		expect(latest.period < "2026-11").toBe(true);
	});

	for (const period of ["2026-11", "2026-12"]) {
		it(`${period}: each per-1,000 figure is within ±3% of the last complete month, or provisional with no status`, async () => {
			const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
			const r = await leader.call("GET", `/api/progress?plan=tmg-14th&period=${period}&orgUnit=div`);
			expect(r.status).toBe(200);
			expect(r.body.reporting.provisional).toBe(true);
			for (const code of HEADLINE) {
				const row: ProgressRow = r.body.rows.find((x: ProgressRow) => x.indicatorCode === code);
				const base = latest.rows.find((x) => x.indicatorCode === code) as ProgressRow;
				expect(base.value).not.toBeNull();
				if (row.provisional) {
					expect(row.status).toBe("provisional");
				} else {
					expect(row.value).not.toBeNull();
					expect(Math.abs((row.value as number) / (base.value as number) - 1)).toBeLessThanOrEqual(0.03);
				}
			}
			// No status is claimed anywhere on a provisional row.
			for (const row of r.body.rows as ProgressRow[]) if (row.provisional) expect(row.status).toBe("provisional");
		});
	}

	it("marks a 垦区 breakdown value that breaches a ceiling", async () => {
		const idx = await h.app.catalog();
		const leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
		const r = await leader.call("GET", `/api/indicators/IMR/breakdown?period=${latest.period}&orgUnit=div&plan=tmg-14th`);
		expect(r.status).toBe(200);
		expect(r.body.target.target).toMatchObject({ kind: "threshold", op: "<=" });
		const ceiling = r.body.target.target.value as number;
		for (const row of r.body.rows) {
			expect(isWithin(idx, row.orgUnit, "div")).toBe(true);
			const over = row.value !== null && !row.provisional && row.value > ceiling && !(row.interval && row.interval.low <= ceiling);
			expect(row.breach).toBe(over);
		}
	});
});
