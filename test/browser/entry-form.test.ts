// The entry form tells the truth about its state (issue 18, items 5–8): a draft equal to what the server
// holds is no change, the notice and the footer count the same errors and follow fixes, a numeric field
// takes only figures, long numbers in messages are grouped, and stock figures can be carried over.
import { currentMonth, lastFullMonth } from "../../functions/core/periods";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, test } from "vitest";
import { apiCall, expectExactText, expectText, openBrowser, type Session, signIn, textOf, tokenFor, visible } from "./browser";

const month = currentMonth(new Date());
const sessions: Session[] = [];
const browser = async (opts?: Parameters<typeof openBrowser>[0]) => {
	const s = await openBrowser(opts);
	sessions.push(s);
	return s;
};

afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

/** Fills every field of the form with `fallback`, or the override for its code. */
const fillAll = async (page: Page, overrides: Record<string, string>, fallback = "3") => {
	const inputs = page.locator("input[id^='v-']");
	await inputs.first().waitFor();
	const ids = await inputs.evaluateAll((els) => els.map((e) => e.id.slice(2)));
	for (const code of ids) await page.locator(`#v-${code}`).fill(overrides[code] ?? fallback);
	return ids;
};

const UNSAVED = "有未保存的修改";

describe("entry form state", () => {
	test("(5) after a save or a submit the form has no unsaved changes, even with decimals typed as 82.20", async () => {
		const { page } = await browser();
		await signIn(page, "reporter-t21", `/entry?period=${month}`);
		await fillAll(page, { BUSINESS_EXPENDITURE: "82.20", STAFF_EXPENDITURE: "40.50" });
		await visible(page.getByText(UNSAVED));

		await page.getByRole("button", { name: "保存草稿" }).click();
		await expectText(page.getByTestId("entry-message"), "草稿已保存");
		await expect.poll(() => page.getByText(UNSAVED).count()).toBe(0);

		await page.getByRole("button", { name: "上报", exact: true }).click();
		await expectText(page.getByTestId("entry-message"), "已上报");
		await expect.poll(() => page.getByText(UNSAVED).count()).toBe(0);

		// Past the draft debounce, a reload must not offer to restore anything.
		await page.waitForTimeout(600);
		await page.reload();
		await expectExactText(page.getByTestId("submission-status"), "已上报");
		await expect.poll(() => page.locator("#v-BUSINESS_EXPENDITURE").inputValue()).toBe("82.2");
		expect(await page.getByRole("status").filter({ hasText: "已恢复" }).count()).toBe(0);
		expect(await page.getByText(UNSAVED).count()).toBe(0);
	});

	test("(6) the notice and the footer count the same errors, and the notice follows the fixes", async () => {
		const { page } = await browser();
		await signIn(page, "reporter-t22", `/entry?period=${month}`);
		// Two range errors (they block a save) and one cross-field error (it blocks a submit only).
		await fillAll(page, { BEDS: "99999", PHYSICIANS: "99999", DM_MANAGED: "9", DM_PATIENTS: "3" });
		const footer = page.locator("p.live");
		await expectText(footer, "3 个错误");

		await page.getByRole("button", { name: "保存草稿" }).click();
		const notice = page.getByTestId("entry-message");
		await expectText(notice, "有 3 处");

		await page.locator("#v-BEDS").fill("40");
		await expectText(footer, "2 个错误");
		await expectText(notice, "有 2 处");

		await page.locator("#v-PHYSICIANS").fill("4");
		await expectText(footer, "1 个错误");
		// Nothing blocks a save any more: the notice about blocked saving goes away.
		await expect.poll(() => page.getByTestId("entry-message").count()).toBe(0);

		await page.getByRole("button", { name: "上报", exact: true }).click();
		await expectText(notice, "有 1 处错误");
		await page.locator("#v-DM_MANAGED").fill("3");
		await expect.poll(() => textOf(footer), { timeout: 30_000 }).toMatch(/^(未发现问题|0 个错误)/);
		await expect.poll(() => page.getByTestId("entry-message").count()).toBe(0);
	});

	test("(7) a numeric field takes only figures, and long numbers in messages are grouped", async () => {
		const { page } = await browser();
		await signIn(page, "reporter-t24", `/entry?period=${month}`);
		await fillAll(page, {});
		const beds = page.locator("#v-BEDS");
		await beds.fill("");
		await beds.pressSequentially("4a2b!");
		await expect.poll(() => beds.inputValue()).toBe("42");
		await beds.fill("12x");
		await expect.poll(() => beds.inputValue()).toBe("12");

		await page.locator("#v-OUTPATIENT_VISITS").fill("280100");
		await expectText(page.locator("#e-OUTPATIENT_VISITS"), "150,000");
		expect(await textOf(page.locator("#e-OUTPATIENT_VISITS"))).not.toMatch(/\d{5}/);
	});

	test("(8) 沿用上月数据 fills the empty stock figures from last month, and only those", async () => {
		// Last month stays open until the 20th of this one; a draft there is what the action copies from.
		const token = await tokenFor("reporter-t25");
		const seeded = await apiCall(token, "PUT", `/submissions/t25/${lastFullMonth(new Date())}`, { values: { BEDS: 57, OUTPATIENT_VISITS: 900 }, action: "save" });
		const { page } = await browser();
		await signIn(page, "reporter-t25", `/entry?period=${month}`);
		await visible(page.locator("#v-BEDS"));
		const button = page.getByRole("button", { name: "沿用上月数据" });
		if (seeded.status === 423) {
			// Locked already (after the 20th) and nothing else reported last month: nothing to carry over.
			await expect.poll(() => button.count()).toBe(0);
			return;
		}
		expect(seeded.status).toBeLessThan(300);
		await page.locator("#v-BEDS").fill("");
		await page.locator("#v-OUTPATIENT_VISITS").fill("");
		await button.click();
		await expect.poll(() => page.locator("#v-BEDS").inputValue()).toBe("57");
		// A flow (visits in the month) is never carried over.
		expect(await page.locator("#v-OUTPATIENT_VISITS").inputValue()).toBe("");
	});
});
