// Submissions end to end: HTTP → local gateway (real v2 events, JWT checks) → Lambda handlers → DynamoDB Local.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../functions/commons/keys";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { addMonths, currentMonth } from "../../functions/core/periods";
import type { ValueMap } from "../../functions/core/types";
import { type Caller, type Harness, startHarness } from "../support/harness";

const month = currentMonth(new Date());
// Complete, plausible figures: a unit's month half a year back in the demo data (recent months are partial).
const template = addMonths(month, -6);
const demo = generateDemoSubmissions({ from: template, to: month });
const valuesFor = (unitId: string): ValueMap => {
	const s = demo.find((d) => d.unitId === unitId && d.period === template);
	if (!s) throw new Error(`no demo values for ${unitId}`);
	return { ...s.values };
};

let h: Harness;
let reporter: Caller;
let reporter34: Caller;
let approverTarim: Caller;
let approverYanqi: Caller;
let admin: Caller;
let leader: Caller;

const aggregate = async (orgId: string, period: string) =>
	(await h.app.doc.send(new GetCommand({ TableName: h.table, Key: keys.aggregateMonth(orgId, period), ConsistentRead: true }))).Item ?? {};

beforeAll(async () => {
	h = await startHarness();
	reporter = await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" });
	reporter34 = await h.as({ sub: "reporter-t34", roles: ["reporter"], orgScope: "t34" });
	approverTarim = await h.as({ sub: "approver-tarim", roles: ["approver"], orgScope: "tarim" });
	approverYanqi = await h.as({ sub: "approver-yanqi", roles: ["approver"], orgScope: "yanqi" });
	admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
	leader = await h.as({ sub: "leader", roles: ["leader"], orgScope: "div" });
});
afterAll(async () => h?.stop());

describe("entry form and the save → submit → approve workflow", () => {
	it("serves the unit's form with sections, elements, deadline and no submission yet", async () => {
		const r = await reporter.call("GET", `/api/forms/t33/${month}`);
		expect(r.status).toBe(200);
		expect(r.body.status).toBeNull();
		expect(r.body.version).toBe(0);
		expect(r.body.elements.map((e: { code: string }) => e.code)).toContain("BEDS");
		expect(r.body.elements.map((e: { code: string }) => e.code)).not.toContain("LIFE_EXPECTANCY");
		expect(r.body.sections.length).toBeGreaterThan(1);
		expect(r.body.previous).toHaveLength(12);
		expect(Date.parse(r.body.deadline)).toBeGreaterThan(Date.parse(`${month}-01`));
	});

	it("saves a draft that does not count in the aggregates", async () => {
		const values = valuesFor("t33");
		const r = await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values, action: "save" } });
		expect(r.status).toBe(201);
		expect(r.body.submission).toMatchObject({ status: "draft", version: 1 });
		expect(r.headers.get("etag")).toBe('"1"');
		expect((await aggregate("tarim", month)).s_BEDS).toBeUndefined();
	});

	it("submits with If-Match and the value is in the aggregates and progress at once", async () => {
		const values = valuesFor("t33");
		const r = await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values, action: "submit" }, headers: { "if-match": '"1"' } });
		expect(r.status).toBe(200);
		expect(r.body.submission).toMatchObject({ status: "submitted", version: 2, late: false });
		const agg = await aggregate("tarim", month);
		expect(agg.s_BEDS).toBe(values.BEDS);
		expect(agg.n_BEDS).toBe(1);
		expect((await aggregate("div", month)).s_BEDS).toBe(values.BEDS);
		const p = await leader.call("GET", `/api/progress?plan=tmg-14th&period=${month}&orgUnit=tarim&trend=3`);
		expect(p.status).toBe(200);
		const beds = p.body.rows.find((row: { indicatorCode: string }) => row.indicatorCode === "BEDS_PER_1000");
		expect(beds.numerator).toBe(values.BEDS);
		// The sparkline comes with the figures and ends with this month's value.
		expect(beds.trend.map((x: { period: string }) => x.period)).toEqual([addMonths(month, -2), addMonths(month, -1), month]);
		expect(beds.trend[2].value).toBe(beds.value);
		expect(beds.denominator).toBe(values.POPULATION);
		expect(beds.coverage.reported).toBe(1);
	});

	it("breaks an indicator down by the children that report it, with coverage", async () => {
		const values = valuesFor("t33");
		const r = await leader.call("GET", `/api/indicators/BEDS_PER_1000/breakdown?orgUnit=div&period=${month}`);
		expect(r.status).toBe(200);
		// The four 垦区, not the commission: it reports no unit-level monthly figures.
		expect(r.body.rows.map((row: { orgUnit: string }) => row.orgUnit).sort()).toEqual(["korla", "qieruo", "tarim", "yanqi"]);
		const tarim = r.body.rows.find((row: { orgUnit: string }) => row.orgUnit === "tarim");
		expect(tarim).toMatchObject({ numerator: values.BEDS, denominator: values.POPULATION, coverage: { reported: 1, expected: 3 } });
		expect(tarim.value).toBeCloseTo(((values.BEDS as number) / (values.POPULATION as number)) * 1000, 6);
		expect(r.body.rows.find((row: { orgUnit: string }) => row.orgUnit === "korla")).toMatchObject({ value: null, coverage: { reported: 0 } });
		// Within a 垦区 the children are its units.
		const units = await leader.call("GET", `/api/indicators/BEDS_PER_1000/breakdown?orgUnit=tarim&period=${month}`);
		expect(units.body.rows.find((row: { orgUnit: string }) => row.orgUnit === "t33")).toMatchObject({ numerator: values.BEDS, coverage: { reported: 1, expected: 1 } });
	});

	it("refuses a stale If-Match with 409 and writes nothing", async () => {
		const r = await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values: { ...valuesFor("t33"), BEDS: 1 }, action: "submit" }, headers: { "if-match": "1" } });
		expect(r.status).toBe(409);
		expect(r.body.error.details.currentVersion).toBe(2);
		const now = await reporter.call("GET", `/api/submissions/t33/${month}`);
		expect(now.body.submission.version).toBe(2);
		expect(now.body.submission.values.BEDS).not.toBe(1);
	});

	it("edits a submitted value and the old value is subtracted", async () => {
		const values = { ...valuesFor("t33"), BEDS: 77 };
		const r = await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values, action: "submit" }, headers: { "if-match": "2" } });
		expect(r.status).toBe(200);
		expect((await aggregate("tarim", month)).s_BEDS).toBe(77);
		expect((await aggregate("div", month)).n_BEDS).toBe(1);
	});

	it("keeps null (not reported) apart from 0", async () => {
		const values = { ...valuesFor("t33"), BEDS: 77, PSYCHIATRISTS: null, CHILDCARE_PLACES: 0 };
		const r = await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values, action: "submit" } });
		expect(r.status).toBe(200);
		const agg = await aggregate("tarim", month);
		expect(agg.n_PSYCHIATRISTS ?? 0).toBe(0);
		expect(agg.n_CHILDCARE_PLACES).toBe(1);
		expect(agg.s_CHILDCARE_PLACES).toBe(0);
	});

	it("lets only an approver in scope approve, then locks the form for the reporter", async () => {
		expect((await approverYanqi.call("POST", `/api/submissions/t33/${month}/approve`, { body: {} })).status).toBe(403);
		expect((await leader.call("POST", `/api/submissions/t33/${month}/approve`, { body: {} })).status).toBe(403);
		const r = await approverTarim.call("POST", `/api/submissions/t33/${month}/approve`, { body: { comment: "数据核实无误" } });
		expect(r.status).toBe(200);
		expect(r.body.submission.status).toBe("approved");
		expect((await aggregate("tarim", month)).as_BEDS).toBe(77);
		const edit = await reporter.call("PUT", `/api/submissions/t33/${month}`, { body: { values: valuesFor("t33"), action: "submit" } });
		expect(edit.status).toBe(409);
	});

	it("keeps every version with who, when and what changed", async () => {
		const r = await approverTarim.call("GET", `/api/submissions/t33/${month}/history`);
		expect(r.status).toBe(200);
		const versions = r.body.versions as { version: number; action: string; by: string; changed: string[] }[];
		expect(versions.map((v) => v.action)).toEqual(["save", "submit", "submit", "submit", "approve"]);
		expect(versions[2]?.changed).toEqual(["BEDS"]);
		expect(versions.every((v) => typeof v.by === "string" && v.by.length > 0)).toBe(true);
	});
});

describe("validation at the edge: bad input gets a 4xx with field messages and nothing is written", () => {
	it("rejects a wrong type, a negative count and an unknown code field by field", async () => {
		const before = await reporter34.call("GET", `/api/submissions/t34/${month}`);
		expect(before.status).toBe(404);
		const cases: [unknown, string][] = [
			[{ values: { ...valuesFor("t34"), BEDS: "many" }, action: "save" }, "values.BEDS"],
			[{ values: { ...valuesFor("t34"), BEDS: -3 }, action: "save" }, "values.BEDS"],
			[{ values: { ...valuesFor("t34"), BEDS: 2.5 }, action: "save" }, "values.BEDS"],
			[{ values: { ...valuesFor("t34"), NOT_A_CODE: 1 }, action: "save" }, "values.NOT_A_CODE"],
			[{ values: valuesFor("t34"), action: "publish" }, "action"],
			[{ values: valuesFor("t34"), action: "save", extra: 1 }, "body"],
		];
		for (const [body, field] of cases) {
			const r = await reporter34.call("PUT", `/api/submissions/t34/${month}`, { body });
			expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
			expect(Object.keys(r.body.error.fields ?? {}).join(",")).toContain(field);
		}
		const invalidJson = await reporter34.call("PUT", `/api/submissions/t34/${month}`, { raw: "{not json", headers: { "content-type": "application/json" } });
		expect(invalidJson.status).toBe(400);
		expect(invalidJson.body.error.fields.body).toBeTruthy();
		expect((await reporter34.call("GET", `/api/submissions/t34/${month}`)).status).toBe(404);
	});

	it("blocks submit on a rule error but allows saving it as a draft", async () => {
		const values = { ...valuesFor("t34"), HTN_MANAGED: 9000, HTN_PATIENTS: 100 };
		const submit = await reporter34.call("PUT", `/api/submissions/t34/${month}`, { body: { values, action: "submit" } });
		expect(submit.status).toBe(422);
		expect(submit.body.error.fields["values.HTN_MANAGED"] ?? submit.body.error.fields["values.HTN_PATIENTS"]).toMatch(/高血压|hypertension/i);
		expect((await reporter34.call("GET", `/api/submissions/t34/${month}`)).status).toBe(404);
		const save = await reporter34.call("PUT", `/api/submissions/t34/${month}`, { body: { values, action: "save" } });
		expect(save.status).toBe(201);
		expect(save.body.submission.status).toBe("draft");
	});

	it("requires a comment to submit with a warning", async () => {
		const values = { ...valuesFor("t34"), IMM_DOSES_DUE: 10, IMM_DOSES_GIVEN: 12 };
		const bare = await reporter34.call("PUT", `/api/submissions/t34/${month}`, { body: { values, action: "submit" } });
		expect(bare.status, JSON.stringify(bare.body)).toBe(422);
		expect(bare.body.error.fields.comment, JSON.stringify(bare.body.error)).toBeTruthy();
		const withComment = await reporter34.call("PUT", `/api/submissions/t34/${month}`, { body: { values, action: "submit", comment: "含外地儿童补种" } });
		expect(withComment.status).toBe(200);
		expect(withComment.body.submission.issues.map((i: { code: string }) => i.code)).toContain("rule:imm-given-vs-due");
	});

	it("rejects future and malformed periods", async () => {
		const future = await reporter.call("PUT", `/api/submissions/t33/${addMonths(month, 2)}`, { body: { values: valuesFor("t33"), action: "save" } });
		expect(future.status).toBe(400);
		expect(future.body.error.fields.period).toBeTruthy();
		const bad = await reporter.call("PUT", "/api/submissions/t33/2024-13", { body: { values: valuesFor("t33"), action: "save" } });
		expect(bad.status).toBe(400);
		expect(bad.body.error.fields).toBeTruthy();
	});
});

describe("return with a comment", () => {
	it("sends a submitted form back to the reporter, out of the aggregates, with the approver's comment", async () => {
		const before = (await aggregate("tarim", month)).n_BEDS;
		const r = await approverTarim.call("POST", `/api/submissions/t34/${month}/return`, { body: { comment: "请核对免疫接种数" } });
		expect(r.status).toBe(200);
		expect(r.body.submission.status).toBe("returned");
		expect((await aggregate("tarim", month)).n_BEDS).toBe(before - 1);
		const seen = await reporter34.call("GET", `/api/submissions/t34/${month}`);
		expect(seen.body.submission.reviewComment).toBe("请核对免疫接种数");
		const noComment = await approverTarim.call("POST", `/api/submissions/t34/${month}/return`, { body: {} });
		expect(noComment.status).toBe(400);
	});
});

describe("idempotency", () => {
	it("replays the first response for the same key and writes nothing", async () => {
		const reporter36 = await h.as({ sub: "reporter-t36", roles: ["reporter"], orgScope: "t36" });
		const body = { values: valuesFor("t36"), action: "save" as const };
		const key = "retry-0001-t36";
		const first = await reporter36.call("PUT", `/api/submissions/t36/${month}`, { body, headers: { "idempotency-key": key } });
		expect([200, 201]).toContain(first.status);
		const again = await reporter36.call("PUT", `/api/submissions/t36/${month}`, { body, headers: { "idempotency-key": key } });
		expect(again.status).toBe(first.status);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.body.submission.version).toBe(first.body.submission.version);
		const history = await reporter36.call("GET", `/api/submissions/t36/${month}/history`);
		expect(history.body.versions).toHaveLength(1);
		const different = await reporter36.call("PUT", `/api/submissions/t36/${month}`, { body: { ...body, comment: "x" }, headers: { "idempotency-key": key } });
		expect(different.status).toBe(422);
		expect(different.body.error.fields["Idempotency-Key"]).toBeTruthy();
	});
});

describe("locks and reopening", () => {
	it("refuses changes after the lock date until an admin reopens the unit-period, and audits it", async () => {
		const old = "2023-03";
		const idx = await h.app.catalog();
		const now = new Date().toISOString();
		await h.app.submissions(idx).commit({
			before: null,
			after: { unitId: "t33", period: old, values: valuesFor("t33"), status: "approved", version: 1, createdAt: now, updatedAt: now, updatedBy: "seed" },
			version: { unitId: "t33", period: old, version: 1, action: "import", status: "approved", at: now, by: "seed", values: {}, changed: [] },
			now,
		});
		const locked = await reporter.call("PUT", `/api/submissions/t33/${old}`, { body: { values: valuesFor("t33"), action: "submit" } });
		expect(locked.status).toBe(423);
		expect((await reporter.call("POST", `/api/admin/periods/t33/${old}/reopen`, { body: { reason: "更正" } })).status).toBe(403);
		const reopen = await admin.call("POST", `/api/admin/periods/t33/${old}/reopen`, { body: { reason: "统计局更正床位数" } });
		expect(reopen.status).toBe(200);
		expect(reopen.body.submission).toMatchObject({ status: "submitted", reopened: true });
		const fixed = await reporter.call("PUT", `/api/submissions/t33/${old}`, { body: { values: { ...valuesFor("t33"), BEDS: 60 }, action: "submit" } });
		expect(fixed.status).toBe(200);
		const audit = await admin.call("GET", `/api/admin/audit?month=${now.slice(0, 7)}`);
		expect(audit.body.events.some((e: { action: string; target: string }) => e.action === "period.reopen" && e.target === `t33/${old}`)).toBe(true);
	});

	it("reopens a locked period the unit never reported as an empty draft, so it can still report late", async () => {
		const old = "2023-04";
		// Nothing reported, past the lock date: the reporter is refused and told an admin must reopen it.
		const locked = await reporter.call("PUT", `/api/submissions/t33/${old}`, { body: { values: valuesFor("t33"), action: "submit" } });
		expect(locked.status).toBe(423);
		const reopen = await admin.call("POST", `/api/admin/periods/t33/${old}/reopen`, { body: { reason: "补报2023年4月" } });
		expect(reopen.status, JSON.stringify(reopen.body)).toBe(200);
		expect(reopen.body.submission).toMatchObject({ status: "draft", version: 1, reopened: true });
		expect(Object.values(reopen.body.submission.values).every((v) => v === null)).toBe(true);
		// An empty draft counts nowhere: the division's month has no unit from it.
		const idx = await h.app.catalog();
		const before = await h.app.submissions(idx).get("t33", old);
		expect(before?.status).toBe("draft");
		// The version history keeps the reason; the late report then goes through as usual.
		const hist = await admin.call("GET", `/api/submissions/t33/${old}/history`);
		expect(hist.body.versions[0]).toMatchObject({ action: "reopen", comment: "补报2023年4月" });
		const late = await reporter.call("PUT", `/api/submissions/t33/${old}`, { body: { values: valuesFor("t33"), action: "submit" } });
		expect(late.status, JSON.stringify(late.body)).toBe(200);
		expect(late.body.submission).toMatchObject({ status: "submitted", version: 2, late: true });
		const verify = await admin.call("POST", `/api/admin/verify-aggregates?period=${old}`);
		expect(verify.body.ok).toBe(true);
	});

	it("recomputes every aggregate from raw submissions and finds them exact", async () => {
		const r = await admin.call("POST", `/api/admin/verify-aggregates?period=${month}`);
		expect(r.status).toBe(200);
		expect(r.body.mismatches).toEqual([]);
		expect(r.body.ok).toBe(true);
		expect(r.body.checked).toBeGreaterThan(50);
		const old = await admin.call("POST", "/api/admin/verify-aggregates?period=2023-03");
		expect(old.body.ok).toBe(true);
	});
});

describe("completeness and the approval queue", () => {
	it("lists units as submitted, returned or missing with rates", async () => {
		const r = await approverTarim.call("GET", `/api/completeness?period=${month}&orgUnit=tarim`);
		expect(r.status).toBe(200);
		const byUnit = Object.fromEntries(r.body.rows.map((row: { unitId: string; status: string }) => [row.unitId, row.status]));
		expect(byUnit).toEqual({ t31: "missing", t33: "approved", t34: "returned" });
		expect(r.body.expected).toBe(3);
		expect(r.body.reportingRate).toBeCloseTo(1 / 3);
		expect(r.body.thresholds).toEqual({ reportingRate: 0.9, timelinessRate: 0.75 });
	});
});
