import { beforeAll, describe, expect, it } from "vitest";
import { dataElements, elementsForUnitType, indicatorByCode, orgUnits, planById, validationRules } from "../../functions/core/catalog";
import { type DemoSubmission, generateDemoSubmissions } from "../../functions/core/demo/generator";
import { apportion, apportionCapped, createRandom } from "../../functions/core/demo/random";
import { evaluateFormula } from "../../functions/core/formula";
import { evaluateIndicator, roundTo } from "../../functions/core/indicator-eval";
import { deadline, isOnTime, monthRange } from "../../functions/core/periods";
import { evaluateStatus } from "../../functions/core/targets";
import type { UnitType, ValueMap } from "../../functions/core/types";

const TO = "2026-10";
const SEED = 7;
const elementByCode = new Map(dataElements.map((e) => [e.code, e]));
const unitType = new Map(orgUnits.map((u) => [u.id, u.type]));

/**
 * Division totals of a year, summed the straightforward way the platform defines: flows add up every
 * month of the year, stocks take each unit's latest month in the year and add those up, yearly figures
 * are taken as reported. Drafts do not count.
 */
function divisionTotals(subs: DemoSubmission[], year: number): Record<string, number> {
	const totals: Record<string, number> = {};
	const latest = new Map<string, DemoSubmission>();
	for (const s of subs) {
		if (s.status === "draft") continue;
		if (s.period === String(year)) {
			for (const [code, v] of Object.entries(s.values)) if (v !== null) totals[code] = v;
			continue;
		}
		if (!s.period.startsWith(`${year}-`)) continue;
		for (const [code, v] of Object.entries(s.values)) {
			if (v !== null && elementByCode.get(code)?.overTime === "flow") totals[code] = (totals[code] ?? 0) + v;
		}
		const prev = latest.get(s.unitId);
		if (!prev || prev.period < s.period) latest.set(s.unitId, s);
	}
	for (const s of latest.values()) {
		for (const [code, v] of Object.entries(s.values)) {
			if (v !== null && elementByCode.get(code)?.overTime === "stock") totals[code] = (totals[code] ?? 0) + v;
		}
	}
	return totals;
}

function indicatorValue(totals: Record<string, number>, code: string): number | null {
	const indicator = indicatorByCode(code);
	if (!indicator) throw new Error(`no indicator ${code}`);
	return evaluateIndicator(indicator, (c) => totals[c] ?? null).value;
}

let subs: DemoSubmission[];
beforeAll(() => {
	subs = generateDemoSubmissions({ from: "2020-01", to: TO, seed: SEED });
});

describe("the seeded PRNG and apportioning", () => {
	it("repeats for the same seed and differs for another", () => {
		// prepare
		const a = createRandom(42);
		const b = createRandom(42);
		// act
		const seqA = Array.from({ length: 5 }, () => a.next());
		const seqB = Array.from({ length: 5 }, () => b.next());
		const seqC = Array.from({ length: 5 }, createRandom(43).next);
		// assert
		expect(seqA).toEqual(seqB);
		expect(seqA).not.toEqual(seqC);
		expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
	});

	it("splits totals exactly, within caps", () => {
		// prepare
		const weights = [3, 1, 1, 0.5];
		// act
		const split = apportion(101, weights);
		const capped = apportionCapped(10, [5, 5, 1], [3, 6, 4]);
		// assert
		expect(split.reduce((x, y) => x + y, 0)).toBe(101);
		expect(split[0]).toBeGreaterThan(split[1] ?? 0);
		expect(capped.reduce((x, y) => x + y, 0)).toBe(10);
		expect(capped.every((v, i) => v <= ([3, 6, 4][i] ?? 0))).toBe(true);
		expect(() => apportionCapped(20, [1, 1], [5, 5])).toThrow(RangeError);
	});
});

describe("demo submissions", () => {
	it("are deterministic: the same seed gives the same output, another seed different values", () => {
		// prepare
		const options = { from: "2024-01", to: "2024-06", seed: 99 };
		// act
		const first = generateDemoSubmissions(options);
		const second = generateDemoSubmissions(options);
		const other = generateDemoSubmissions({ ...options, seed: 100 });
		// assert
		expect(second).toEqual(first);
		expect(other.map((s) => s.values)).not.toEqual(first.map((s) => s.values));
	});

	it("give the same figures for a month whatever range it was generated in", () => {
		// prepare
		// (not the last month generated: that one has missing units and drafts)
		const short = generateDemoSubmissions({ from: "2023-05", to: "2023-07", seed: SEED });
		// act
		const fromFull = subs.filter((s) => s.period === "2023-05");
		const fromShort = short.filter((s) => s.period === "2023-05");
		// assert
		expect(fromShort.map((s) => [s.unitId, s.values])).toEqual(fromFull.map((s) => [s.unitId, s.values]));
		expect(fromShort.length).toBe(21);
	});

	it("cover every unit and month, and the commission's full years", () => {
		// prepare
		const monthlyUnits = orgUnits.filter((u) => u.level === "unit" && u.type !== "commission").map((u) => u.id);
		const months = monthRange("2020-01", TO);
		// act
		const keys = new Set(subs.map((s) => `${s.unitId}|${s.period}`));
		const gaps = months.flatMap((m) => monthlyUnits.filter((u) => !keys.has(`${u}|${m}`)).map((u) => `${u}|${m}`));
		const yearly = subs.filter((s) => s.unitId === "wjw").map((s) => s.period);
		// assert
		expect(gaps.every((g) => g.endsWith(`|${TO}`))).toBe(true);
		expect(gaps.length).toBeGreaterThanOrEqual(1);
		expect(gaps.length).toBeLessThanOrEqual(3);
		expect(yearly).toEqual(["2020", "2021", "2022", "2023", "2024", "2025"]);
		expect(keys.size).toBe(subs.length);
	});

	it("fill exactly the elements on each unit's form, within each element's bounds", () => {
		// prepare
		const problems: string[] = [];
		// act
		for (const s of subs) {
			const type = unitType.get(s.unitId) as UnitType;
			const form = elementsForUnitType(type, s.period.length === 4 ? "yearly" : "monthly").map((e) => e.code);
			if (JSON.stringify(Object.keys(s.values).sort()) !== JSON.stringify([...form].sort())) {
				problems.push(`${s.unitId} ${s.period}: wrong element set`);
			}
			for (const [code, v] of Object.entries(s.values)) {
				if (v === null) continue;
				const e = elementByCode.get(code);
				if (!e || v < e.min || v > e.max) problems.push(`${s.unitId} ${s.period} ${code}=${v} outside bounds`);
				if (e?.valueType === "integer" && !Number.isInteger(v)) problems.push(`${s.unitId} ${s.period} ${code}=${v} not whole`);
			}
		}
		// assert
		expect(problems).toEqual([]);
	});

	it("never break an error-severity validation rule (nor, by design, a warning)", () => {
		// prepare
		const compare = (l: number, op: string, r: number): boolean =>
			({ "<=": l <= r, "<": l < r, "==": l === r, "!=": l !== r, ">=": l >= r, ">": l > r })[op] ?? false;
		const broken: string[] = [];
		let checked = 0;
		// act
		for (const s of subs) {
			const lookup = (c: string) => (s.values as ValueMap)[c] ?? null;
			for (const rule of validationRules) {
				const l = evaluateFormula(rule.left, lookup);
				const r = evaluateFormula(rule.right, lookup);
				if (l === null || r === null) continue;
				checked++;
				if (!compare(l, rule.op, r)) broken.push(`${rule.severity} ${rule.id} ${s.unitId} ${s.period}: ${l} ${rule.op} ${r}`);
			}
		}
		// assert
		expect(checked).toBeGreaterThan(10_000);
		expect(broken).toEqual([]);
	});

	it("reproduce the division's published 2020 resources: 1,738 beds (1,277 + 461), 844 physicians, 1,126 nurses", () => {
		// prepare
		const dec2020 = subs.filter((s) => s.period === "2020-12");
		// act
		const t = divisionTotals(subs, 2020);
		const bedsOf = (type: UnitType) =>
			dec2020.filter((s) => unitType.get(s.unitId) === type).reduce((a, s) => a + (s.values.BEDS ?? 0), 0);
		// assert
		expect(t.BEDS).toBe(1738);
		expect(bedsOf("division-hospital")).toBe(1277);
		expect(bedsOf("regiment-hospital")).toBe(461);
		expect(t.PHYSICIANS).toBe(844);
		expect(t.NURSES).toBe(1126);
		expect(t.POPULATION).toBe(231_580);
	});

	it("reproduce the 专栏1 2020 baselines where whole numbers allow, and only miss the documented three", () => {
		// prepare
		const t = divisionTotals(subs, 2020);
		const rows = (planById("tmg-14th")?.indicators ?? []).filter((r) => r.baseline?.year === 2020);
		// act
		const misses = rows
			.filter((r) => {
				const decimals = (r.baseline?.printed.split(".")[1] ?? "").length;
				return roundTo(indicatorValue(t, r.indicatorCode), decimals) !== r.baseline?.value;
			})
			.map((r) => r.indicatorCode);
		// assert
		expect(rows.length).toBe(16);
		expect(misses.sort()).toEqual(["GPS_PER_10000", "MMR", "PHYSICIANS_PER_1000"]);
		expect(roundTo(indicatorValue(t, "BEDS_PER_1000"), 2)).toBe(7.5);
		expect(roundTo(indicatorValue(t, "NURSES_PER_1000"), 2)).toBe(4.86);
		expect(roundTo(indicatorValue(t, "IMR"), 2)).toBe(1.53);
		expect(roundTo(indicatorValue(t, "U5MR"), 2)).toBe(3.05);
		expect(t.LIFE_EXPECTANCY).toBe(79.36);
		expect(t.MYOPIA_RATE).toBe(52.62);
	});

	it("come as close as integers allow on the three that cannot match", () => {
		// prepare
		const t = divisionTotals(subs, 2020);
		// act
		const physicians = indicatorValue(t, "PHYSICIANS_PER_1000") ?? Number.NaN;
		const gps = indicatorValue(t, "GPS_PER_10000") ?? Number.NaN;
		const mmr = indicatorValue(t, "MMR");
		// assert: 844 / 231,580 = 3.6445 (3.65 needs P ≤ 231,550, beds 7.50 needs P ≥ 231,579)
		expect(physicians).toBeGreaterThan(3.644);
		expect(physicians).toBeLessThan(3.645);
		// 42 GPs → 1.81, which is the plan text's "1.8人" at one decimal; 41 would give 1.77
		expect(t.GPS).toBe(42);
		expect(roundTo(gps, 1)).toBe(1.8);
		// one maternal death among 1,966 births would be 50.86/10万; none is closer to 18
		expect(t.MATERNAL_DEATHS).toBe(0);
		expect(mmr).toBe(0);
		expect(t.LIVE_BIRTHS).toBe(1966);
	});

	it("reproduce the text's other 2020 figures: regiment hospital visits and chronic disease management", () => {
		// prepare
		const regimentIds = new Set(orgUnits.filter((u) => u.type === "regiment-hospital").map((u) => u.id));
		const year = subs.filter((s) => s.period.startsWith("2020-") && regimentIds.has(s.unitId));
		// act
		const t = divisionTotals(subs, 2020);
		const outpatient = year.reduce((a, s) => a + (s.values.OUTPATIENT_VISITS ?? 0), 0);
		const discharges = year.reduce((a, s) => a + (s.values.DISCHARGES ?? 0), 0);
		// assert
		expect(outpatient).toBe(260_606);
		expect(discharges).toBe(14_911);
		expect(t.HTN_MANAGED).toBe(9480);
		expect(roundTo(indicatorValue(t, "HTN_MGMT_RATE"), 0)).toBe(91);
		expect(roundTo(indicatorValue(t, "DM_MGMT_RATE"), 2)).toBe(99.4);
		expect(roundTo(indicatorValue(t, "SMI_MGMT_RATE"), 2)).toBe(86.02);
		expect(roundTo(indicatorValue(t, "ELDERLY_HEALTH_MGMT_RATE"), 2)).toBe(78);
	});

	it("drift after 2020 so that 2025 has achieved, behind and off-track indicators, incl. a binding one off track", () => {
		// prepare
		const t = divisionTotals(subs, 2025);
		const rows = (planById("tmg-14th")?.indicators ?? []).filter((r) => r.targets[0]?.target.kind !== "proportional");
		// act
		const status = Object.fromEntries(rows.map((r) => [r.indicatorCode, evaluateStatus(r, indicatorValue(t, r.indicatorCode), 2025).status]));
		const counts: Record<string, number> = {};
		for (const s of Object.values(status)) counts[s] = (counts[s] ?? 0) + 1;
		// assert
		expect(status.GPS_PER_10000).toBe("off-track");
		expect(status.MYOPIA_PREVALENCE).toBe("off-track");
		expect(status.OOP_HEALTH_SPENDING_SHARE).toBe("achieved");
		expect(status.BEDS_PER_1000).toBe("achieved");
		expect(status.TCM_PHYSICIANS_PER_1000).toBe("behind");
		expect(counts.achieved ?? 0).toBeGreaterThanOrEqual(10);
		expect(counts.behind ?? 0).toBeGreaterThanOrEqual(2);
		expect(counts["no-data"] ?? 0).toBe(0);
	});

	it("show every workflow state: approved, submitted, returned, draft, late and missing", () => {
		// prepare
		const statuses = new Set(subs.map((s) => s.status));
		// act
		const late = subs.filter((s) => s.late);
		const returned = subs.filter((s) => s.status === "returned");
		const notApproved = subs.filter((s) => s.status !== "approved");
		// assert
		expect([...statuses].sort()).toEqual(["approved", "draft", "returned", "submitted"]);
		expect(late.length / subs.length).toBeGreaterThan(0.02);
		expect(late.length / subs.length).toBeLessThan(0.15);
		expect(returned.every((s) => (s.reviewComment ?? "").length > 0)).toBe(true);
		expect(notApproved.every((s) => s.period >= "2026-08")).toBe(true);
		expect(subs.filter((s) => s.comment).length).toBeGreaterThanOrEqual(5);
	});

	it("flag late exactly when submitted after the period's deadline", () => {
		// prepare
		const submitted = subs.filter((s) => s.status !== "draft");
		// act
		const inconsistent = submitted.filter((s) => s.late === isOnTime(s.submittedAt, deadline(s.period)));
		// assert
		expect(inconsistent).toEqual([]);
		expect(submitted.every((s) => s.submittedAt > `${s.period}`)).toBe(true);
	});

	it("refuse a start before the base year", () => {
		// prepare
		const options = { from: "2019-06", to: "2020-03" };
		// act
		const run = () => generateDemoSubmissions(options);
		// assert
		expect(run).toThrow(RangeError);
	});
});
