// EventBridge rules evaluate cron in UTC; EventBridge Scheduler takes a time zone. The summary schedule is
// written once, in Asia/Shanghai time (UTC+8 all year: China has had no daylight saving since 1991), and
// this converts it for the rule. Only shapes that convert exactly are accepted; anything else must be given
// explicitly as summaryScheduleUtc rather than guessed.

const SHANGHAI_OFFSET_HOURS = 8;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const previousWeekday = (dow: string): string => {
	const upper = dow.toUpperCase();
	const byName = DAYS.indexOf(upper);
	if (byName >= 0) return DAYS[(byName + 6) % 7] as string;
	const n = Number(upper);
	// EventBridge numbers days 1 (SUN) to 7 (SAT).
	if (Number.isInteger(n) && n >= 1 && n <= 7) return String(n === 1 ? 7 : n - 1);
	throw new Error(`cannot shift day-of-week ${dow}`);
};

/**
 * `cron(0 8 5 * ? *)` in Asia/Shanghai → `cron(0 0 5 * ? *)` in UTC. `rate(...)` is returned unchanged.
 * Throws for shapes whose conversion would need calendar knowledge (e.g. 03:00 on the 1st of the month).
 */
export function summaryScheduleToUtc(expression: string): string {
	const expr = expression.trim();
	if (/^rate\(.+\)$/.test(expr)) return expr;
	const m = /^cron\((.+)\)$/.exec(expr);
	const fields = m?.[1]?.trim().split(/\s+/);
	if (fields?.length !== 6) throw new Error(`summarySchedule must be cron(min hour day month weekday year) or rate(...), not ${expression}`);
	const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
	const unsupported = (why: string) =>
		new Error(`cannot convert summarySchedule ${expression} to UTC (${why}); pass -c summaryScheduleUtc=cron(...) explicitly`);

	if (!/^\d{1,2}$/.test(hour)) throw unsupported("the hour must be a single number");
	const h = Number(hour);
	if (h > 23) throw unsupported("hour out of range");
	const utcHour = h - SHANGHAI_OFFSET_HOURS;
	if (utcHour >= 0) return `cron(${minute} ${utcHour} ${dom} ${month} ${dow} ${year})`;

	// Before 08:00 in Shanghai is the previous day in UTC.
	const everyDay = (dom === "*" || dom === "?") && (dow === "*" || dow === "?");
	if (everyDay) return `cron(${minute} ${utcHour + 24} ${dom} ${month} ${dow} ${year})`;
	if (/^\d{1,2}$/.test(dom) && dow === "?") {
		const d = Number(dom);
		if (d <= 1) throw unsupported("the previous day is in the previous month");
		return `cron(${minute} ${utcHour + 24} ${d - 1} ${month} ${dow} ${year})`;
	}
	if (dom === "?" && /^[A-Za-z]{3}$|^[1-7]$/.test(dow)) {
		return `cron(${minute} ${utcHour + 24} ${dom} ${month} ${previousWeekday(dow)} ${year})`;
	}
	throw unsupported("day fields too complex to shift");
}
