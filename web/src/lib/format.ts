// Numbers, dates and periods for display. Calendar decisions are made in Asia/Shanghai time, as on the
// server (functions/core/periods.ts), wherever the browser is.
import { isMonth } from "$core/periods";
import type { Locale } from "$core/types";
import { translate } from "./i18n";

const TZ = "Asia/Shanghai";
const numberFormats = new Map<string, Intl.NumberFormat>();

export const formatNumber = (value: number | null | undefined, decimals: number, l: Locale): string => {
	if (value === null || value === undefined || !Number.isFinite(value)) return "—";
	const key = `${l}|${decimals}`;
	let f = numberFormats.get(key);
	if (!f) {
		f = new Intl.NumberFormat(l, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
		numberFormats.set(key, f);
	}
	return f.format(value);
};

/** Raw figures (numerators, denominators) with up to 2 decimals. */
export const formatCount = (value: number | null | undefined, l: Locale): string => {
	if (value === null || value === undefined || !Number.isFinite(value)) return "—";
	return new Intl.NumberFormat(l, { maximumFractionDigits: 2 }).format(value);
};

/**
 * Groups the digits of long bare numbers inside a message ("28010" → "28,010"). Numbers of four digits
 * or fewer (years, small limits) are left as they are.
 */
export const groupLongNumbers = (text: string, l: Locale): string =>
	text.replace(/(?<![\d.,])\d{5,}(?:\.\d+)?(?!\d)/g, (m) => formatCount(Number(m), l));

export const formatPercent = (rate: number, l: Locale): string =>
	new Intl.NumberFormat(l, { style: "percent", maximumFractionDigits: 1 }).format(rate);

// English dates spell the month ("6 Dec 2026"): 12/06/2026 reads as June to half the world.
const EN_DATE = { day: "numeric", month: "short", year: "numeric" } as const;

export const formatDateTime = (iso: string | null | undefined, l: Locale): string => {
	if (!iso) return "—";
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return "—";
	if (l === "en") return new Intl.DateTimeFormat("en-GB", { timeZone: TZ, ...EN_DATE, hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
	return new Intl.DateTimeFormat(l, { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
};

export const formatDate = (iso: string | null | undefined, l: Locale): string => {
	if (!iso) return "—";
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return "—";
	if (l === "en") return new Intl.DateTimeFormat("en-GB", { timeZone: TZ, ...EN_DATE }).format(d);
	return new Intl.DateTimeFormat(l, { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
};

/** 2025-03 → 2025年3月 / Mar 2025; 2025 → 2025年 / 2025. */
export const periodLabel = (period: string, l: Locale): string => {
	if (isMonth(period)) {
		const y = Number(period.slice(0, 4));
		const m = Number(period.slice(5, 7));
		if (l === "en") return new Intl.DateTimeFormat("en", { month: "short", year: "numeric", timeZone: "UTC" }).format(Date.UTC(y, m - 1, 15));
		return translate(l, "period.month", { year: y, month: m });
	}
	return l === "en" ? period : translate(l, "period.year", { year: period });
};

/** 2025-03 → 3月 / Mar, for narrow chart axes and matrix headers. */
export const shortPeriodLabel = (period: string, l: Locale): string => {
	if (!isMonth(period)) return periodLabel(period, l);
	const m = Number(period.slice(5, 7));
	if (l === "en") return new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" }).format(Date.UTC(2000, m - 1, 15));
	return translate(l, "period.monthShort", { month: m });
};
