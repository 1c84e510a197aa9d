import { describe, expect, it } from "vitest";
import {
	addMonths,
	comparePeriods,
	currentMonth,
	deadline,
	fractionalYear,
	isFutureMonth,
	isMonth,
	isOnTime,
	isPeriod,
	isYear,
	lastFullMonth,
	lockDate,
	monthIndex,
	monthRange,
	monthsOfYear,
	parse,
	previousMonths,
	rolling12,
	yearOf,
	ytdMonths,
} from "../../functions/core/periods";

describe("period recognition", () => {
	it.each([
		["2024-01", true],
		["2024-12", true],
		["2024-00", false],
		["2024-13", false],
		["2024-1", false],
		["24-01", false],
		["2024-01 ", false],
		["0999-01", false],
	])("isMonth(%s) is %s", (input, expected) => {
		// act
		const result = isMonth(input);
		// assert
		expect(result).toBe(expected);
	});

	it.each([
		["2024", true],
		["1900", true],
		["202", false],
		["2024-01", false],
		["abcd", false],
	])("isYear(%s) is %s", (input, expected) => {
		const result = isYear(input);
		expect(result).toBe(expected);
	});

	it("isPeriod accepts months and years and rejects non-strings", () => {
		// prepare
		const inputs: unknown[] = ["2024", "2024-05", 2024, null, "2024-05-01"];
		// act
		const results = inputs.map(isPeriod);
		// assert
		expect(results).toEqual([true, true, false, false, false]);
	});

	it("parse returns the parts and throws on garbage", () => {
		expect(parse("2023-06")).toEqual({ kind: "month", year: 2023, month: 6 });
		expect(parse("2023")).toEqual({ kind: "year", year: 2023 });
		expect(() => parse("2023-6")).toThrow(RangeError);
	});

	it("yearOf and monthIndex read the parts", () => {
		expect(yearOf("2025-03")).toBe(2025);
		expect(yearOf("2025")).toBe(2025);
		expect(monthIndex("2025-03")).toBe(3);
		expect(() => monthIndex("2025")).toThrow(RangeError);
	});
});

describe("month arithmetic", () => {
	it("addMonths crosses year boundaries both ways", () => {
		expect(addMonths("2023-11", 2)).toBe("2024-01");
		expect(addMonths("2024-01", -1)).toBe("2023-12");
		expect(addMonths("2024-01", -13)).toBe("2022-12");
		expect(addMonths("2024-05", 0)).toBe("2024-05");
	});

	it("addMonths refuses a fractional step", () => {
		expect(() => addMonths("2024-05", 0.5)).toThrow(RangeError);
	});

	it("monthRange is inclusive and empty when reversed", () => {
		expect(monthRange("2023-11", "2024-02")).toEqual(["2023-11", "2023-12", "2024-01", "2024-02"]);
		expect(monthRange("2024-02", "2024-02")).toEqual(["2024-02"]);
		expect(monthRange("2024-03", "2024-02")).toEqual([]);
	});

	it("previousMonths gives the n months before, oldest first", () => {
		expect(previousMonths("2024-02", 3)).toEqual(["2023-11", "2023-12", "2024-01"]);
		expect(previousMonths("2024-02", 0)).toEqual([]);
		expect(() => previousMonths("2024-02", -1)).toThrow(RangeError);
	});

	it("ytdMonths runs from January to the month", () => {
		expect(ytdMonths("2024-03")).toEqual(["2024-01", "2024-02", "2024-03"]);
		expect(ytdMonths("2024-01")).toEqual(["2024-01"]);
	});

	it("rolling12 ends with the month itself", () => {
		// act
		const months = rolling12("2024-03");
		// assert
		expect(months).toHaveLength(12);
		expect(months[0]).toBe("2023-04");
		expect(months[11]).toBe("2024-03");
	});

	it("monthsOfYear lists the twelve months", () => {
		expect(monthsOfYear(2024)).toHaveLength(12);
		expect(monthsOfYear("2024")[11]).toBe("2024-12");
	});

	it("comparePeriods orders a year right after its December", () => {
		// prepare
		const periods = ["2024-01", "2023", "2023-12", "2022", "2023-02"];
		// act
		const sorted = [...periods].sort(comparePeriods);
		// assert
		expect(sorted).toEqual(["2022", "2023-02", "2023-12", "2023", "2024-01"]);
	});
});

describe("Asia/Shanghai calendar", () => {
	it("uses UTC+8: 16:30 UTC on 31 Jan is already February in Shanghai", () => {
		// prepare
		const now = new Date("2024-01-31T16:30:00Z");
		// act
		const month = currentMonth(now);
		const last = lastFullMonth(now);
		// assert
		expect(month).toBe("2024-02");
		expect(last).toBe("2024-01");
	});

	it("15:59 UTC on 31 Jan is still January in Shanghai", () => {
		const now = new Date("2024-01-31T15:59:59Z");
		expect(lastFullMonth(now)).toBe("2023-12");
	});

	it("isFutureMonth is false for the current month and true for the next", () => {
		const now = new Date("2024-06-15T04:00:00Z");
		expect(isFutureMonth("2024-06", now)).toBe(false);
		expect(isFutureMonth("2024-07", now)).toBe(true);
		expect(isFutureMonth("2023-12", now)).toBe(false);
	});

	it("rejects an invalid date", () => {
		expect(() => currentMonth(new Date("nope"))).toThrow(RangeError);
	});
});

describe("fractionalYear", () => {
	it.each([
		["2023", 2023],
		["2023-12", 2023],
		["2023-06", 2022.5],
		["2024-03", 2023.25],
	])("%s → %d (the integer Y is the end of year Y)", (period, expected) => {
		expect(fractionalYear(period)).toBeCloseTo(expected, 10);
	});
});

describe("deadline and lock", () => {
	it("monthly deadline is 23:59:59.999 Shanghai on the day of the next month, in UTC", () => {
		// act
		const due = deadline("2024-01", 10);
		// assert
		expect(due).toBe("2024-02-10T15:59:59.999Z");
	});

	it("December's deadline falls in January of the next year", () => {
		expect(deadline("2023-12", 5)).toBe("2024-01-05T15:59:59.999Z");
	});

	it("clamps a day past the month's end (31 → 29 Feb in a leap year)", () => {
		expect(deadline("2024-01", 31)).toBe("2024-02-29T15:59:59.999Z");
		expect(lockDate("2023-01", 31)).toBe("2023-02-28T15:59:59.999Z");
	});

	it("yearly periods default to 31 March and 30 April of the next year", () => {
		expect(deadline("2024")).toBe("2025-03-31T15:59:59.999Z");
		expect(lockDate("2024")).toBe("2025-04-30T15:59:59.999Z");
		expect(deadline("2024", 10, { month: 6, day: 30 })).toBe("2025-06-30T15:59:59.999Z");
	});

	it("defaults: due on the 10th, locked after the 20th", () => {
		expect(deadline("2024-05")).toBe("2024-06-10T15:59:59.999Z");
		expect(lockDate("2024-05")).toBe("2024-06-20T15:59:59.999Z");
	});

	it("rejects impossible days", () => {
		expect(() => deadline("2024-05", 0)).toThrow(RangeError);
		expect(() => lockDate("2024-05", 32)).toThrow(RangeError);
		expect(() => deadline("2024", 10, { month: 13, day: 1 })).toThrow(RangeError);
	});

	it("isOnTime compares instants, including the last second of the day", () => {
		// prepare
		const due = deadline("2024-01", 10);
		// act + assert
		expect(isOnTime("2024-02-10T23:59:59.500+08:00", due)).toBe(true);
		expect(isOnTime("2024-02-11T00:00:00+08:00", due)).toBe(false);
	});
});
