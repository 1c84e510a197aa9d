// The rolling item (core/rolling.ts) against the data it summarises: whatever order the writes come in, and
// whichever month is edited, it holds exactly what a Query of the unit's submissions would return for the
// months it claims to cover, and it says so (null) when it does not reach back far enough.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addMonths, isMonth, monthRange, previousMonths } from "../../functions/core/periods";
import {
	decodeRolling,
	encodeRolling,
	RECENT_BACK,
	type RollingSource,
	recentFrom,
	rollingOf,
	sameRolling,
	TRACER_ELEMENTS,
	tracerFrom,
	tracerMonths,
	validationHistory,
	withSubmission,
} from "../../functions/core/rolling";
import type { SubmissionStatus, ValueMap } from "../../functions/core/types";

const MONTHS = monthRange("2017-01", "2026-12");
const CODES = ["BEDS", "OUTPATIENT_VISITS", "DISCHARGES", "DEATHS"];

const valueArb = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 100, noNaN: true }));
const valuesArb: fc.Arbitrary<ValueMap> = fc.record(Object.fromEntries(CODES.map((c) => [c, valueArb])), { requiredKeys: [] }) as fc.Arbitrary<ValueMap>;
const statusArb = fc.constantFrom<SubmissionStatus>("draft", "submitted", "returned", "approved");
const subArb: fc.Arbitrary<RollingSource> = fc.record({
	period: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...MONTHS) }, { weight: 1, arbitrary: fc.constantFrom("2023", "2024") }),
	status: statusArb,
	values: valuesArb,
});
/** A unit's submissions: at most one per period (the last write of a period wins, as in the table). */
const unitArb = fc.array(subArb, { maxLength: 70 }).map((subs) => [...new Map(subs.map((s) => [s.period, s])).values()]);

const numericOnly = (v: ValueMap) => Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === "number"));

describe("rolling item", () => {
	it("is the same whatever order the submissions are written in", () => {
		fc.assert(
			fc.property(unitArb.chain((subs) => fc.tuple(fc.constant(subs), fc.shuffledSubarray(subs, { minLength: subs.length, maxLength: subs.length }))), ([subs, shuffled]) => {
				expect(sameRolling(rollingOf(subs), rollingOf(shuffled))).toBe(true);
			}),
			{ numRuns: 300 },
		);
	});

	it("after an edit of any month (past ones too) equals the item built from the edited submissions", () => {
		fc.assert(
			fc.property(unitArb, subArb, (subs, edit) => {
				const edited = [...subs.filter((s) => s.period !== edit.period), edit];
				expect(encodeRolling(withSubmission(rollingOf(subs), edit))).toEqual(encodeRolling(rollingOf(edited)));
			}),
			{ numRuns: 300 },
		);
	});

	it("gives the 12-month validation history a Query gives, or null when it does not reach back", () => {
		fc.assert(
			fc.property(unitArb, fc.constantFrom(...MONTHS), (subs, period) => {
				const roll = rollingOf(subs);
				const got = validationHistory(roll, period);
				const months = previousMonths(period, 12);
				if (roll.latest !== null && period >= addMonths(roll.latest, 12 - RECENT_BACK)) expect(got).not.toBeNull();
				if (!got) return;
				expect(got.months).toEqual(months);
				// What the service built from the Query: every month in range that has a submission, any status.
				const queried = new Map(subs.filter((s) => isMonth(s.period) && months.includes(s.period)).map((s) => [s.period, s.values]));
				expect([...got.byPeriod.keys()].sort()).toEqual([...queried.keys()].sort());
				for (const [m, v] of queried) expect(got.byPeriod.get(m)).toEqual(numericOnly(v));
			}),
			{ numRuns: 400 },
		);
	});

	it("gives the tracer months a Query gives for a summary of the latest year or the one before, or null", () => {
		fc.assert(
			fc.property(unitArb, fc.constantFrom(...MONTHS), (subs, month) => {
				const roll = rollingOf(subs);
				const from = `${Number(month.slice(0, 4)) - 3}-01`;
				const got = tracerMonths(roll, from, month);
				if (roll.latest !== null && Number(month.slice(0, 4)) >= Number(roll.latest.slice(0, 4)) - 1) expect(got).not.toBeNull();
				if (!got) return;
				const queried = subs.filter((s) => isMonth(s.period) && s.period >= from && s.period <= month).sort((a, b) => a.period.localeCompare(b.period));
				expect(got.map((s) => s.period)).toEqual(queried.map((s) => s.period));
				got.forEach((s, i) => {
					const q = queried[i] as RollingSource;
					expect(s.status).toBe(q.status);
					expect(s.values).toEqual(numericOnly(Object.fromEntries(TRACER_ELEMENTS.filter((c) => c in q.values).map((c) => [c, q.values[c] ?? null]))));
				});
			}),
			{ numRuns: 400 },
		);
	});

	it("keeps only its two windows, and survives being stored and read back", () => {
		fc.assert(
			fc.property(unitArb, (subs) => {
				const roll = rollingOf(subs);
				const back = decodeRolling(encodeRolling(roll));
				expect(back).toEqual(roll);
				if (roll.latest === null) return;
				expect(Object.keys(roll.recent).every((m) => m >= recentFrom(roll.latest as string))).toBe(true);
				expect(Object.keys(roll.tracer).every((m) => m >= tracerFrom(roll.latest as string))).toBe(true);
			}),
			{ numRuns: 200 },
		);
	});

	it("a unit with no submissions covers every month, a year changes nothing", () => {
		const empty = rollingOf([]);
		expect(validationHistory(empty, "2024-05")).toEqual({ months: previousMonths("2024-05", 12), byPeriod: new Map() });
		expect(tracerMonths(empty, "2021-01", "2024-05")).toEqual([]);
		const yearOnly = withSubmission(empty, { period: "2024", status: "submitted", values: { BEDS: 3 } });
		expect(yearOnly).toBe(empty);
		// A month older than the tracer window leaves the item as it was: readers of that month Query instead.
		const recent = rollingOf([{ period: "2026-03", status: "submitted", values: { BEDS: 1 } }]);
		expect(withSubmission(recent, { period: "2020-12", status: "submitted", values: { BEDS: 9 } })).toEqual(recent);
		expect(validationHistory(recent, "2025-06")).toBeNull();
		expect(tracerMonths(recent, "2021-01", "2021-12")).toBeNull();
	});
});
