// The recompute's fast paths against the definitions they replace, on the demo's two years of every unit (with
// statuses varied and values blanked so drafts, returns and gaps are in it):
// - shiftMonth is periods.addMonths for well-formed months;
// - stockYearsOf is the fold of withMonth the write path applies month by month;
// - recomputeAggregates is additive over units, which the rebuild relies on twice: it adds units as their reads
//   come back, and its verification corrects a recompute by the units that moved (their old share out, new in).
import { describe, expect, it } from "vitest";
import {
	addDeltas,
	type Deltas,
	emptyUnitStockYear,
	recomputeAggregates,
	type SubmissionState,
	shiftMonth,
	stockYearsOf,
	type UnitStockYear,
	withMonth,
} from "../../functions/core/aggregation";
import { indexCatalog } from "../../functions/core/catalog-index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths } from "../../functions/core/periods";
import { canonical } from "../../functions/core/metadata-rules";
import { codeCatalog } from "../../scripts/lib/seed";

const idx = indexCatalog(codeCatalog());
const statuses: SubmissionState["status"][] = ["approved", "submitted", "draft", "returned"];

/** The demo's 2024–2025 with every seventh form in another status and every fifth value blank. */
const subs: SubmissionState[] = generateDemoSubmissions({ from: "2024-01", to: "2025-12" }).map((d, i) => ({
	unitId: d.unitId,
	period: d.period,
	status: i % 7 === 0 ? (statuses[(i / 7) % 4] as SubmissionState["status"]) : d.status,
	values: Object.fromEntries(Object.entries(d.values).map(([code, v], j) => [code, (i + j) % 5 === 0 ? null : v])),
}));

const same = (a: Deltas, b: Deltas) => {
	const norm = (d: Deltas) => canonical(Object.fromEntries([...d].map(([id, attrs]) => [id, Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, Math.round(v * 1e6) / 1e6]))])));
	expect(norm(a)).toEqual(norm(b));
};

describe("the recompute's fast paths", () => {
	it("shiftMonth is addMonths on well-formed months", () => {
		for (let y = 1998; y <= 2032; y++)
			for (let m = 1; m <= 12; m++) {
				const month = `${y}-${String(m).padStart(2, "0")}`;
				for (let k = -25; k <= 25; k++) expect(shiftMonth(month, k)).toBe(addMonths(month, k));
			}
	});

	it("stockYearsOf is the fold of withMonth, for every unit and year", () => {
		expect(subs.length).toBeGreaterThan(400);
		const folded = new Map<string, UnitStockYear>();
		for (const s of [...subs].sort((a, b) => (a.period < b.period ? -1 : 1))) {
			if (s.period.length !== 7) continue;
			const k = `${s.unitId}|${s.period.slice(0, 4)}`;
			folded.set(k, withMonth(folded.get(k) ?? emptyUnitStockYear(), s.period, s, idx.agg));
		}
		// The fold leaves an empty record for a unit-year with no counted stock; stockYearsOf leaves none.
		const nonEmpty = [...folded].filter(([, sy]) => Object.keys(sy.all).length + Object.keys(sy.approved).length > 0);
		expect(nonEmpty.length).toBeGreaterThan(20);
		expect(canonical(Object.fromEntries(stockYearsOf(subs, idx.agg)))).toEqual(canonical(Object.fromEntries(nonEmpty)));
	});

	it("recomputeAggregates is additive over units: unit by unit into one map, and corrected by a unit's change", () => {
		const whole = recomputeAggregates(subs, idx.agg);
		expect(whole.size).toBeGreaterThan(50);
		const byUnit = new Map<string, SubmissionState[]>();
		for (const s of subs) byUnit.set(s.unitId, [...(byUnit.get(s.unitId) ?? []), s]);
		const incremental: Deltas = new Map();
		for (const unitSubs of byUnit.values()) recomputeAggregates(unitSubs, idx.agg, incremental);
		same(incremental, whole);

		// Two units change (one approves and edits a stock, one's month is returned): the old recompute with their
		// old share taken out and their new share added is the recompute of the new state.
		const [a, b] = ["t33", "h-korla"];
		const changed = subs.map((s) =>
			s.unitId === a && s.period === "2025-06"
				? { ...s, status: "approved" as const, values: Object.fromEntries(Object.entries(s.values).map(([k, v]) => [k, typeof v === "number" ? v + 3 : 7])) }
				: s.unitId === b && s.period === "2025-11"
					? { ...s, status: "returned" as const }
					: s,
		);
		const corrected = addDeltas(new Map(), whole);
		for (const u of [a, b]) {
			addDeltas(corrected, recomputeAggregates(subs.filter((s) => s.unitId === u), idx.agg), -1);
			recomputeAggregates(changed.filter((s) => s.unitId === u), idx.agg, corrected);
		}
		const fresh = recomputeAggregates(changed, idx.agg);
		same(corrected, fresh);
		// And the change is visible: the corrected figures are not the old ones.
		expect(() => same(corrected, whole)).toThrow();
	});
});
