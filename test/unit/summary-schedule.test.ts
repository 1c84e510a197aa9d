import { describe, expect, it } from "vitest";
import { defaultSummaryDay, latestDueMonth, reminderDue, summaryDueAt } from "../../functions/summary/schedule";

describe("when the summary is due", () => {
	it("is 08:00 Asia/Shanghai on the day after the deadline day", () => {
		expect(defaultSummaryDay(10)).toBe(11);
		expect(defaultSummaryDay(28)).toBe(28);
		expect(summaryDueAt("2026-11", 11, 8).toISOString()).toBe("2026-12-11T00:00:00.000Z");
	});

	it("makes October the latest due month on 6 December, and November from 11 December 08:00", () => {
		expect(latestDueMonth(new Date("2026-12-06T10:00:00Z"), 11, 8)).toBe("2026-10");
		expect(latestDueMonth(new Date("2026-12-10T23:59:59Z"), 11, 8)).toBe("2026-10");
		expect(latestDueMonth(new Date("2026-12-11T00:00:00Z"), 11, 8)).toBe("2026-11");
		expect(latestDueMonth(new Date("2027-01-02T00:00:00Z"), 11, 8)).toBe("2026-11");
	});
});

describe("which reminder is due", () => {
	const opts = { deadlineDay: 10, daysBefore: 3, overdueWithinDays: 20 };
	it.each([
		["2026-12-07T00:00:00Z", "before"], // 08:00 on the 7th, three days ahead
		["2026-12-06T23:59:00Z", null],
		["2026-12-10T15:59:00Z", "before"], // 23:59 on the 10th
		["2026-12-10T20:00:00Z", null], // the night after the deadline
		["2026-12-11T00:00:00Z", "overdue"], // 08:00 on the 11th
		["2026-12-31T00:00:00Z", "overdue"],
		["2027-01-01T00:00:00Z", null], // a new reporting month begins
	])("at %s: %s", (at, kind) => {
		const period = at < "2027-01-01" ? "2026-11" : "2026-12";
		expect(reminderDue(period, new Date(at), opts)).toBe(kind);
	});
});
