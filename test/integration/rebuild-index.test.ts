// The rebuild reads each unit's rolling item as its index (the years it has submissions in) and its change
// counter (`ver`, which every submission write moves) instead of reading the unit's partition three times
// (functions/metadata/rebuild.ts). Against DynamoDB Local:
// - every write moves the counter and records its year: a month, a month older than the rolling windows (a
//   reopen), the commission's yearly report; an item written before it recorded years gets them on the next write;
// - a rebuild finds every year and is exact when some units' items predate the index or are missing, and reads
//   the partition of only those units to find years and to verify;
// - a yearly report that lands between the rebuild's read and its write (one the rolling item did not follow
//   before) is found by the verification and counted.
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../functions/commons/app";
import { keys } from "../../functions/commons/keys";
import { createAnalyticsService } from "../../functions/commons/services/analytics";
import { createSubmissionService } from "../../functions/commons/services/submissions";
import { formElements } from "../../functions/core/catalog-index";
import { encodeRolling } from "../../functions/core/rolling";
import type { Principal, ValueMap } from "../../functions/core/types";
import { createRebuildService } from "../../functions/metadata/rebuild";
import { seedDemo } from "../../scripts/lib/seed";
import { type Harness, startHarness } from "../support/harness";

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => h?.stop());

const reporter = (unitId: string): Principal => ({ sub: `reporter-${unitId}`, roles: ["reporter"], orgScope: unitId }) as Principal;
const admin: Principal = { sub: "admin", roles: ["admin"], orgScope: "div" } as Principal;

/** The app on a harness's table with a fixed clock, through a client that records each Query's partition. */
const appAt = (now: Date, base: Harness = h) => {
	const queries: string[] = [];
	const doc = new Proxy(base.app.doc, {
		get(target, prop, receiver) {
			if (prop !== "send") return Reflect.get(target, prop, receiver);
			return (command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => {
				if (command.constructor.name === "QueryCommand") queries.push(String(((command.input.ExpressionAttributeValues ?? {}) as Record<string, unknown>)[":pk"] ?? ""));
				return (target.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
			};
		},
	}) as DynamoDBDocumentClient;
	return { app: createApp(doc, base.table, { now: () => now }), queries };
};

const rollItem = async (app: App, unitId: string) => (await app.doc.send(new GetCommand({ TableName: app.table, Key: keys.unitRolling(unitId), ConsistentRead: true }))).Item;

const commissionOf = async (app: App) => (await app.catalog()).catalog.units.find((u) => u.type === "commission")?.id as string;

/** A value for the first of the unit type's elements of that frequency: enough for a draft. */
const oneValue = async (app: App, unitId: string, frequency: "monthly" | "yearly", period: string, v: number): Promise<ValueMap> => {
	const idx = await app.catalog();
	const el = formElements(idx.elementByCode.values(), idx.unitById.get(unitId)?.type as never, frequency, period)[0];
	return { [el?.code as string]: v };
};

describe("the rolling item as the unit's index and change counter", () => {
	it("moves on every write and records its year: a month, an old month reopened, a yearly report; an item without years gets them", async () => {
		const { app } = appAt(new Date("2025-03-03T02:00:00Z"));
		const svc = createSubmissionService(app);
		const unit = "t33";
		await svc.put({ principal: reporter(unit), unitId: unit, period: "2025-02", body: { values: await oneValue(app, unit, "monthly", "2025-02", 5), action: "save" } });
		const first = await rollItem(app, unit);
		expect(first?.ver).toBe(1);
		expect(first?.yrs).toEqual(["2025"]);

		// A month before both rolling windows: the summary it holds is unchanged, yet its counter and index move.
		await svc.reopen(admin, unit, "2019-05", "补录 (back-fill)");
		const second = await rollItem(app, unit);
		expect(second?.ver).toBe(2);
		expect(second?.yrs).toEqual(["2019", "2025"]);
		expect([second?.h, second?.q]).toEqual([first?.h, first?.q]);

		// A yearly period (the commission's survey report, reopened for a late report).
		const wjw = await commissionOf(app);
		await svc.reopen(admin, wjw, "2024", "逾期补报 (late report)");
		const yearly = await rollItem(app, wjw);
		expect(yearly?.ver).toBe(1);
		expect(yearly?.yrs).toEqual(["2024"]);
		expect(encodeRolling((await app.submissions(await app.catalog()).getRolling(wjw)).roll)).toEqual(encodeRolling({ latest: null, recent: {}, tracer: {} }));

		// An item written before items recorded years: the unit's next write finds them from its partition.
		await app.doc.send(new UpdateCommand({ TableName: app.table, Key: keys.unitRolling(unit), UpdateExpression: "REMOVE yrs" }));
		await svc.put({ principal: reporter(unit), unitId: unit, period: "2025-02", body: { values: await oneValue(app, unit, "monthly", "2025-02", 4), action: "save" } });
		const third = await rollItem(app, unit);
		expect(third?.ver).toBe(3);
		expect(third?.yrs).toEqual(["2019", "2025"]);
	});
});

describe("the rebuild on the index", () => {
	const now = new Date("2025-03-03T02:00:00Z");
	let app: App;
	let queries: string[];
	let units: string[];
	let wjw: string;
	const verify = async (years: string[]) => createAnalyticsService(app).verifyAggregates({ years });

	// Its own table: the writes above would otherwise be in the seed's way.
	let own: Harness;
	afterAll(async () => own?.stop());
	beforeAll(async () => {
		own = await startHarness();
		({ app, queries } = appAt(now, own));
		await seedDemo(app, { until: "2025-02", force: true });
		const idx = await app.catalog();
		units = idx.catalog.units.filter((u) => u.level === "unit").map((u) => u.id);
		wjw = await commissionOf(app);
	}, 180_000);

	it("finds every year and is exact when some units' items predate the index or are missing, reading only their partitions", async () => {
		const [legacy, missing] = ["t34", "t37"];
		// The seed (bulkLoad) indexes every unit's years.
		expect((await rollItem(app, "t36"))?.yrs).toEqual(["2020", "2021", "2022", "2023", "2024", "2025"]);
		await app.doc.send(new UpdateCommand({ TableName: app.table, Key: keys.unitRolling(legacy), UpdateExpression: "REMOVE yrs" }));
		await app.doc.send(new DeleteCommand({ TableName: app.table, Key: keys.unitRolling(missing) }));
		// Damage 2021: the division's months, and both units' stock-year records.
		for (let m = 1; m <= 12; m++) await app.doc.send(new DeleteCommand({ TableName: app.table, Key: keys.aggregateMonth("div", `2021-${String(m).padStart(2, "0")}`) }));
		for (const u of [legacy, missing, "t36"]) await app.doc.send(new DeleteCommand({ TableName: app.table, Key: keys.unitStockYear(u, "2021") }));
		expect((await verify(["2021"])).ok).toBe(false);

		queries.length = 0;
		const rebuild = createRebuildService(app, { autoRun: false, settleMs: 0 });
		const job = await rebuild.start("admin", { reason: "index test" });
		expect(job.years).toEqual(["2020", "2021", "2022", "2023", "2024", "2025", "2026"]);
		const done = await rebuild.run(job.jobId);
		expect(done.status).toBe("done");
		expect(done.retries).toBe(0);
		expect(done.itemsWritten).toBeGreaterThanOrEqual(12);
		const v = await verify(job.years);
		expect(v.ok).toBe(true);

		// Partition reads per unit: one for the step's read of an indexed unit; the two without an index are also
		// read to find their years and again to verify.
		const perUnit = new Map(units.map((u) => [u, queries.filter((pk) => pk === keys.submissionPk(u)).length]));
		expect(perUnit.get(legacy)).toBe(3);
		expect(perUnit.get(missing)).toBe(3);
		for (const u of units.filter((x) => x !== legacy && x !== missing)) expect(perUnit.get(u), u).toBe(1);
	}, 120_000);

	it("counts a yearly report that lands between the rebuild's read and its write (the verification redoes the year)", async () => {
		const svc = createSubmissionService(app);
		expect((await app.submissions(await app.catalog()).get(wjw, "2023"))?.status).toBe("approved");
		// The rebuild must write the division's 2023 items, so a write landing before that write is overwritten.
		for (const key of [keys.aggregateYear("div", "2023"), keys.aggregate("div", "YR", "2023")]) await app.doc.send(new DeleteCommand({ TableName: app.table, Key: key }));
		let injected = false;
		const rebuild = createRebuildService(app, {
			autoRun: false,
			settleMs: 0,
			beforeWrite: async (y, attempt) => {
				if (y !== "2023" || attempt !== 1 || injected) return;
				injected = true;
				// Reopened for a correction: back to submitted, out of the approved figures.
				await svc.reopen(admin, wjw, "2023", "更正 (correction)");
			},
		});
		const job = await rebuild.start("admin", { years: ["2023"], reason: "yearly fence test" });
		const done = await rebuild.run(job.jobId);
		expect(injected).toBe(true);
		expect(done.status).toBe("done");
		expect(done.retries).toBeGreaterThanOrEqual(1);
		expect((await app.submissions(await app.catalog()).get(wjw, "2023"))?.status).toBe("submitted");
		expect((await verify(["2023"])).ok).toBe(true);
	}, 120_000);
});
