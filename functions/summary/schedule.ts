// When things are due, in Asia/Shanghai time (UTC+8 all year). Pure: the callers pass `now` and the settings.
// - A month's summary is due at `hour`:00 on `day` of the following month; by default the day after the
//   reporting deadline (the 11th), so it is compiled from the data the deadline asked for.
// - Reminders: N days before a period's deadline, and after it (overdue), for the month being reported.
import { addMonths, currentMonth, deadline } from "../core/periods";

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The summary day by default: the day after the deadline day, kept within every month. */
export const defaultSummaryDay = (deadlineDay: number): number => Math.min(deadlineDay + 1, 28);

/** The instant a month's summary falls due: `hour`:00 Asia/Shanghai on `day` of the next month. */
export const summaryDueAt = (month: string, day: number, hour: number): Date => {
	const next = addMonths(month, 1);
	const [y, m] = next.split("-").map(Number) as [number, number];
	return new Date(Date.UTC(y, m - 1, day, hour, 0, 0) - SHANGHAI_OFFSET_MS);
};

/** The latest month whose summary is due at `now`: last month once this month's summary day has come, else the month before. */
export const latestDueMonth = (now: Date, day: number, hour: number): string => {
	const last = addMonths(currentMonth(now), -1);
	return now.getTime() >= summaryDueAt(last, day, hour).getTime() ? last : addMonths(last, -1);
};

export type ReminderKind = "before" | "overdue";

/**
 * Which reminder is due for `period` at `now`: "before" from `daysBefore` days ahead of the deadline (08:00 that
 * day) until the deadline; "overdue" from 08:00 on the day after the deadline until `overdueWithinDays` later, so a
 * platform started long after a deadline does not chase very old months. null otherwise.
 */
export const reminderDue = (period: string, now: Date, opts: { deadlineDay: number; daysBefore: number; overdueWithinDays?: number }): ReminderKind | null => {
	const due = Date.parse(deadline(period, opts.deadlineDay));
	const t = now.getTime();
	// The deadline is 23:59:59.999 on its day: the day starts ~24 h earlier, 08:00 that day is 16 h earlier.
	const startOfDeadlineDay = due + 1 - 24 * 3600_000;
	const beforeFrom = startOfDeadlineDay - opts.daysBefore * 24 * 3600_000 + 8 * 3600_000;
	if (t >= beforeFrom && t <= due) return "before";
	const overdueFrom = due + 1 + 8 * 3600_000;
	if (t >= overdueFrom && t <= overdueFrom + (opts.overdueWithinDays ?? 20) * 24 * 3600_000) return "overdue";
	return null;
};

/** The monthly period being reported at `now`: last month (its deadline falls in this month). */
export const reportingPeriod = (now: Date): string => addMonths(currentMonth(now), -1);
