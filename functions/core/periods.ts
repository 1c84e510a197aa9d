// Reporting periods: months `YYYY-MM` and years `YYYY`.
// Pure and timezone-explicit: the platform runs in UTC (Lambda) and in browsers anywhere, but every
// calendar decision (which month is "last month", when a deadline falls) is made in Asia/Shanghai time,
// UTC+8 all year round (China has had no DST since 1991).

import type { PeriodId } from "./types";

export type ParsedPeriod = { kind: "month"; year: number; month: number } | { kind: "year"; year: number };

/** A calendar day in the year after a yearly period, e.g. March 31. */
export interface MonthDay {
	month: number;
	day: number;
}

/** Asia/Shanghai offset from UTC, in milliseconds. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Monthly figures are due on this day of the following month. */
export const DEFAULT_DEADLINE_DAY = 10;
/** After this day of the following month, the month is locked for reporters. */
export const DEFAULT_LOCK_DAY = 20;
/** Yearly figures are due by March 31 of the following year. */
export const DEFAULT_YEARLY_DEADLINE: MonthDay = { month: 3, day: 31 };
/** Yearly figures lock after April 30 of the following year. */
export const DEFAULT_YEARLY_LOCK: MonthDay = { month: 4, day: 30 };

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const YEAR_RE = /^(\d{4})$/;
// Years outside this range are typos, not periods anyone reports for.
const MIN_YEAR = 1900;
const MAX_YEAR = 2999;

const pad2 = (n: number): string => String(n).padStart(2, "0");
const inYearRange = (year: number): boolean => year >= MIN_YEAR && year <= MAX_YEAR;

export function isMonth(value: unknown): value is PeriodId {
	if (typeof value !== "string") return false;
	const m = MONTH_RE.exec(value);
	return m !== null && inYearRange(Number(m[1]));
}

export function isYear(value: unknown): value is PeriodId {
	if (typeof value !== "string") return false;
	const m = YEAR_RE.exec(value);
	return m !== null && inYearRange(Number(m[1]));
}

export function isPeriod(value: unknown): value is PeriodId {
	return isMonth(value) || isYear(value);
}

/** Parses a period; throws RangeError on anything that is not `YYYY-MM` or `YYYY`. */
export function parse(period: string): ParsedPeriod {
	if (isMonth(period)) {
		return { kind: "month", year: Number(period.slice(0, 4)), month: Number(period.slice(5, 7)) };
	}
	if (isYear(period)) return { kind: "year", year: Number(period) };
	throw new RangeError(`Not a period (expected YYYY-MM or YYYY): ${JSON.stringify(period)}`);
}

export function formatMonth(year: number, month: number): PeriodId {
	if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12 || !inYearRange(year)) {
		throw new RangeError(`Not a month: ${year}-${month}`);
	}
	return `${year}-${pad2(month)}`;
}

export function yearOf(period: PeriodId): number {
	return parse(period).year;
}

/** 1..12; throws for a year period. */
export function monthIndex(month: PeriodId): number {
	const p = parse(month);
	if (p.kind !== "month") throw new RangeError(`Not a month: ${month}`);
	return p.month;
}

function monthOrdinal(month: PeriodId): number {
	const p = parse(month);
	if (p.kind !== "month") throw new RangeError(`Not a month: ${month}`);
	return p.year * 12 + (p.month - 1);
}

function fromOrdinal(ordinal: number): PeriodId {
	return formatMonth(Math.floor(ordinal / 12), (ordinal % 12) + 1);
}

export function addMonths(month: PeriodId, n: number): PeriodId {
	if (!Number.isInteger(n)) throw new RangeError(`addMonths needs a whole number of months, got ${n}`);
	return fromOrdinal(monthOrdinal(month) + n);
}

/** Every month from `from` to `to`, both included; empty when `from` is after `to`. */
export function monthRange(from: PeriodId, to: PeriodId): PeriodId[] {
	const start = monthOrdinal(from);
	const end = monthOrdinal(to);
	const out: PeriodId[] = [];
	for (let o = start; o <= end; o++) out.push(fromOrdinal(o));
	return out;
}

/** The `n` months before `month` (not including it), oldest first. */
export function previousMonths(month: PeriodId, n: number): PeriodId[] {
	if (!Number.isInteger(n) || n < 0) throw new RangeError(`previousMonths needs n >= 0, got ${n}`);
	if (n === 0) return [];
	return monthRange(addMonths(month, -n), addMonths(month, -1));
}

/** January of the same year up to and including `month`. */
export function ytdMonths(month: PeriodId): PeriodId[] {
	return monthRange(formatMonth(yearOf(month), 1), month);
}

/** The 12 months ending with (and including) `month`, oldest first. */
export function rolling12(month: PeriodId): PeriodId[] {
	return monthRange(addMonths(month, -11), month);
}

export function monthsOfYear(year: number | PeriodId): PeriodId[] {
	const y = typeof year === "number" ? year : yearOf(year);
	return monthRange(formatMonth(y, 1), formatMonth(y, 12));
}

/**
 * Orders periods by when they end. A year ends with its December, and sorts right after it:
 * 2023-11 < 2023-12 < 2023 < 2024-01.
 */
export function comparePeriods(a: PeriodId, b: PeriodId): number {
	const pa = parse(a);
	const pb = parse(b);
	const ka = pa.kind === "month" ? pa.year * 13 + pa.month - 1 : pa.year * 13 + 12;
	const kb = pb.kind === "month" ? pb.year * 13 + pb.month - 1 : pb.year * 13 + 12;
	return ka - kb;
}

function shanghaiParts(now: Date): { year: number; month: number; day: number } {
	const t = now.getTime();
	if (!Number.isFinite(t)) throw new RangeError("Invalid date");
	const local = new Date(t + SHANGHAI_OFFSET_MS);
	return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The calendar month `now` falls in, in Asia/Shanghai time. */
export function currentMonth(now: Date): PeriodId {
	const { year, month } = shanghaiParts(now);
	return formatMonth(year, month);
}

/** The latest month that has fully ended in Asia/Shanghai time: the month before the current one. */
export function lastFullMonth(now: Date): PeriodId {
	return addMonths(currentMonth(now), -1);
}

/**
 * True when the month has not begun yet in Asia/Shanghai time. The current month is not "future";
 * whether it may already be reported is a separate policy (see lastFullMonth).
 */
export function isFutureMonth(month: PeriodId, now: Date): boolean {
	return monthOrdinal(month) > monthOrdinal(currentMonth(now));
}

/**
 * The instant a period ends, as a fractional year. Convention: the integer `Y` is the END of year Y,
 * the same instant plan baselines and targets refer to ("2020年" = as at the end of 2020).
 * So year `YYYY` → YYYY, and month M of year Y → Y − 1 + M/12:
 * 2023-12 → 2023, 2023-06 → 2022.5, 2024-01 → 2023.0833…
 */
export function fractionalYear(period: PeriodId): number {
	const p = parse(period);
	return p.kind === "year" ? p.year : p.year - 1 + p.month / 12;
}

function daysInMonth(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO timestamp (UTC, `…Z`) of 23:59:59.999 Asia/Shanghai on the given calendar day. */
function endOfShanghaiDay(year: number, month: number, day: number): string {
	const d = Math.min(day, daysInMonth(year, month));
	const utc = Date.UTC(year, month - 1, d, 23, 59, 59, 999) - SHANGHAI_OFFSET_MS;
	return new Date(utc).toISOString();
}

function checkDay(day: number): void {
	if (!Number.isInteger(day) || day < 1 || day > 31) throw new RangeError(`Day must be 1..31, got ${day}`);
}

function checkMonthDay(md: MonthDay): void {
	if (!Number.isInteger(md.month) || md.month < 1 || md.month > 12) {
		throw new RangeError(`Month must be 1..12, got ${md.month}`);
	}
	checkDay(md.day);
}

function endOfDayAfter(period: PeriodId, day: number, yearly: MonthDay): string {
	checkDay(day);
	checkMonthDay(yearly);
	const p = parse(period);
	if (p.kind === "year") return endOfShanghaiDay(p.year + 1, yearly.month, yearly.day);
	const next = monthOrdinal(period) + 1;
	return endOfShanghaiDay(Math.floor(next / 12), (next % 12) + 1, day);
}

/**
 * When a period's figures are due: 23:59:59.999 Asia/Shanghai on `deadlineDay` of the following month
 * (clamped to the month's last day), or on `yearlyDeadline` of the following year for a year period.
 * Returned in UTC ISO form so it compares as a string with `new Date().toISOString()` timestamps.
 */
export function deadline(
	period: PeriodId,
	deadlineDay: number = DEFAULT_DEADLINE_DAY,
	yearlyDeadline: MonthDay = DEFAULT_YEARLY_DEADLINE,
): string {
	return endOfDayAfter(period, deadlineDay, yearlyDeadline);
}

/** When a period locks for reporters; same shape as deadline(). */
export function lockDate(
	period: PeriodId,
	lockDay: number = DEFAULT_LOCK_DAY,
	yearlyLock: MonthDay = DEFAULT_YEARLY_LOCK,
): string {
	return endOfDayAfter(period, lockDay, yearlyLock);
}

/** On time when submitted at or before the deadline (both ISO timestamps). */
export function isOnTime(submittedAt: string, deadlineIso: string): boolean {
	return new Date(submittedAt).getTime() <= new Date(deadlineIso).getTime();
}
