// Which plan a dashboard opens on when none is asked for.
import { describe, expect, it } from "vitest";
import { defaultPlan } from "../../functions/core/catalog-index";

const plan = (id: string, startYear: number, endYear: number, targets: number) => ({ id, startYear, endYear, indicators: [{ targets: Array.from({ length: targets }, () => ({})) }] });

describe("defaultPlan", () => {
	const p14 = plan("tmg-14th", 2021, 2025, 1);
	const hb = plan("hb-2030", 2016, 2030, 2);
	it("is the most recent plan that has started", () => {
		expect(defaultPlan([hb, p14], 2026)?.id).toBe("tmg-14th");
		expect(defaultPlan([hb, p14], 2019)?.id).toBe("hb-2030");
	});
	it("passes over a plan copied from actuals whose targets are not entered yet", () => {
		const p15 = plan("tmg-15th", 2026, 2030, 0);
		expect(defaultPlan([hb, p14, p15], 2026)?.id).toBe("tmg-14th");
		expect(defaultPlan([hb, p14, { ...p15, indicators: [{ targets: [{}] }] }], 2026)?.id).toBe("tmg-15th");
	});
});
