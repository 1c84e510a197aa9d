// A new plan started from actuals: the indicators of an existing plan, with baselines taken from the
// platform's own figures for the new base year (how the commission starts the 十五五 plan from its 2025
// actuals). Each baseline says where it came from: 平台数据 with the coverage behind it, or left for an
// admin to enter by hand. Targets are not copied: the new plan's targets are entered in the editor.
// Pure; functions/commons/services/admin.ts loads the figures and stores the plan.
import type { BaselineProvenance, ProgressRow } from "./api-types";
import { roundTo } from "./indicator-eval";
import type { Baseline, I18nText, Plan, PlanIndicator } from "./types";

export interface PlanCopyOptions {
	id: string;
	name: I18nText;
	shortName: I18nText;
	baseYear: number;
	startYear: number;
	endYear: number;
	targetYear: number;
	/** When the figures were read (their newest write). */
	asOf: string;
}

export type BaselineWithProvenance = Baseline & BaselineProvenance;

/** The platform's figure for the base year as a baseline, with its provenance; null when there is none. */
export function baselineFromRow(row: ProgressRow | undefined, baseYear: number, asOf: string): BaselineWithProvenance | null {
	if (!row || row.value === null || !Number.isFinite(row.value)) return null;
	const value = roundTo(row.value, row.decimals);
	const expected = row.coverage.expected;
	const rate = row.coverage.rate ?? (expected > 0 ? row.coverage.reported / expected : 1);
	return {
		year: baseYear,
		value,
		printed: value.toFixed(row.decimals),
		source: "platform",
		coverage: { reported: row.coverage.reported, expected, rate },
		provisional: row.provisional ?? false,
		asOf,
	};
}

/**
 * The new plan: every indicator of `source` in its order, group, direction and nature; baseline from the
 * base year's figure (null where the platform has none, for an admin to enter); no targets and no notes
 * (the source's notes explain how its own printed targets were read).
 */
export function planFromActuals(source: Plan, rows: readonly ProgressRow[], o: PlanCopyOptions): { plan: Plan; fromPlatform: number; missing: string[] } {
	const byCode = new Map(rows.map((r) => [r.indicatorCode, r]));
	const missing: string[] = [];
	let fromPlatform = 0;
	const indicators: PlanIndicator[] = [...source.indicators]
		.sort((a, b) => a.order - b.order)
		.map((pi) => {
			const baseline = baselineFromRow(byCode.get(pi.indicatorCode), o.baseYear, o.asOf);
			if (baseline) fromPlatform++;
			else missing.push(pi.indicatorCode);
			return { indicatorCode: pi.indicatorCode, order: pi.order, group: pi.group, baseline, targets: [], direction: pi.direction, nature: pi.nature };
		});
	const plan: Plan = { id: o.id, name: o.name, shortName: o.shortName, startYear: o.startYear, endYear: o.endYear, baseYear: o.baseYear, targetYear: o.targetYear, source: `copy of ${source.id}, baselines ${o.baseYear}`, indicators };
	return { plan, fromPlatform, missing };
}
