// The approval lists say what they show (issue 18, items 16–18): a returned form's column is the reason for
// return, not the reporter's note; a decision's notice belongs to the tab it was made in.
import { currentMonth } from "../../functions/core/periods";
import { afterEach, describe, expect, test } from "vitest";
import { apiCall, expectText, openBrowser, type Session, signIn, textOf, tokenFor, visible } from "./browser";

const month = currentMonth(new Date());
const sessions: Session[] = [];
afterEach(async () => {
	while (sessions.length) await sessions.pop()?.close();
});

/** Submits the unit's current month with every figure 3 and a note, through the API. */
const submit = async (unitId: string, note: string) => {
	const token = await tokenFor(`reporter-${unitId}`);
	const form = (await apiCall(token, "GET", `/forms/${unitId}/${month}`)).body as { elements: { code: string }[]; status?: string };
	if (form.status === "submitted") return;
	const values = Object.fromEntries(form.elements.map((e) => [e.code, 3]));
	const put = await apiCall(token, "PUT", `/submissions/${unitId}/${month}`, { values, comment: note, action: "submit" });
	expect(put.status, JSON.stringify(put.body).slice(0, 300)).toBeLessThan(300);
};

describe("approval lists", () => {
	test("(16, 18) the returned tab shows the reason under its own heading; a notice goes when the tab changes", async () => {
		const note = "填报员的说明：本月床位未变。";
		const reason = "审核员的退回意见：请核实门急诊人次。";
		await submit("h-korla", note);
		const approver = await tokenFor("approver-korla");
		const ret = await apiCall(approver, "POST", `/submissions/h-korla/${month}/return`, { comment: reason });
		expect(ret.status).toBeLessThan(300);
		await submit("t30", note);

		const s = await openBrowser();
		sessions.push(s);
		await signIn(s.page, "approver-korla", "/approvals");
		// Approve one waiting form: the notice confirms it.
		const row = s.page.locator("tr", { hasText: "30团医院" });
		await row.getByRole("button", { name: "查看审核" }).click();
		await s.page.getByRole("button", { name: "审核通过" }).click();
		await expectText(s.page.getByTestId("approvals-notice"), "已审核通过");

		await s.page.getByRole("button", { name: "已退回", exact: true }).click();
		await visible(s.page.getByRole("columnheader", { name: "退回意见" }));
		await expect.poll(() => s.page.getByTestId("approvals-notice").count()).toBe(0);
		expect(await s.page.getByRole("columnheader", { name: "填报说明" }).count()).toBe(0);
		const returned = s.page.locator("tr", { hasText: "师库尔勒医院" });
		expect(await textOf(returned)).toContain(reason);
		expect(await textOf(returned)).not.toContain(note);
	});
});
