// The catalog in the table: seeded from functions/core/catalog/ and editable by admins (plans, targets,
// units). Every request needs it, so each Lambda container keeps it in memory:
// - for 15 s it is used as is;
// - after that, one GetItem of the catalog version (bumped by every catalog write, in the same
//   transaction as an admin edit) decides whether the whole partition is read again;
// - and after 10 minutes it is re-read regardless, as a backstop.
// So an edit is visible everywhere within ~15 s, and an unchanged catalog costs one small read per
// container per 15 s instead of a Query of every unit, element, indicator and plan.
import { BatchWriteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Catalog, type CatalogIndex, indexCatalog } from "../core/catalog-index";
import type { OrgUnit, Plan } from "../core/types";
import { type Doc, queryAll } from "./clients/dynamo";
import { keys } from "./keys";

const CACHE_MS = 15_000;
const MAX_AGE_MS = 10 * 60_000;

/** Every item of a catalog as stored (one per unit, element, indicator, plan and rule, plus the sections). */
export const catalogItems = (c: Catalog): Record<string, unknown>[] => [
	...c.units.map((u) => ({ ...keys.unit(u.id), body: u })),
	...c.elements.map((e) => ({ ...keys.element(e.code), body: e })),
	...c.indicators.map((i) => ({ ...keys.indicator(i.code), body: i })),
	...c.plans.map((p) => ({ ...keys.plan(p.id), body: p })),
	...c.rules.map((r) => ({ ...keys.rule(r.id), body: r })),
	{ ...keys.sections(), body: c.sections },
];

export class CatalogRepo {
	/** at = last confirmed fresh; loadedAt = last full read; version = the counter that read saw. */
	private cached: { at: number; loadedAt: number; version: number; idx: CatalogIndex } | undefined;

	constructor(
		private readonly doc: Doc,
		private readonly table: string,
		private readonly clock: () => number = Date.now,
	) {}

	async load(fresh = false): Promise<CatalogIndex> {
		const now = this.clock();
		const cached = this.cached;
		// The version is read before the items: an edit that lands in between bumps it past what is stored
		// here, so the next check reloads rather than keeping a catalog that misses the edit.
		let version: number | undefined;
		if (!fresh && cached && now - cached.loadedAt < MAX_AGE_MS) {
			if (now - cached.at < CACHE_MS) return cached.idx;
			version = await this.version();
			if (version === cached.version) {
				cached.at = now;
				return cached.idx;
			}
		}
		version ??= await this.version();
		const c: Catalog = { units: [], elements: [], sections: [], indicators: [], plans: [], rules: [] };
		const items = await queryAll(this.doc, { TableName: this.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.catalogPk } });
		for (const it of items) {
			const sk = String(it.sk);
			const body = it.body;
			if (sk.startsWith(keys.catalogPrefix.unit)) c.units.push(body as Catalog["units"][number]);
			else if (sk.startsWith(keys.catalogPrefix.element)) c.elements.push(body as Catalog["elements"][number]);
			else if (sk.startsWith(keys.catalogPrefix.indicator)) c.indicators.push(body as Catalog["indicators"][number]);
			else if (sk.startsWith(keys.catalogPrefix.plan)) c.plans.push(body as Catalog["plans"][number]);
			else if (sk.startsWith(keys.catalogPrefix.rule)) c.rules.push(body as Catalog["rules"][number]);
			else if (sk === keys.sections().sk) c.sections = body as Catalog["sections"];
		}
		if (c.units.length === 0) throw new Error("The catalog is empty: run the seed (npm start seeds it locally; deploy runs it in AWS)");
		const idx = indexCatalog(c);
		this.cached = { at: now, loadedAt: now, version, idx };
		return idx;
	}

	private async version(): Promise<number> {
		const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.catalogVersion(), ConsistentRead: true }));
		return Number(r.Item?.v ?? 0);
	}

	private bumpVersion() {
		return { TableName: this.table, Key: keys.catalogVersion(), UpdateExpression: "ADD v :one", ExpressionAttributeValues: { ":one": 1 } };
	}

	/** One catalog item and the version bump, together or not at all. */
	private async putWithVersion(item: Record<string, unknown>): Promise<void> {
		await this.doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: this.table, Item: item } }, { Update: this.bumpVersion() }] }));
		this.cached = undefined;
	}

	/** Writes every catalog item that is missing; existing items (maybe edited by an admin) are kept. */
	async seed(c: Catalog): Promise<{ written: number; kept: number }> {
		const items = catalogItems(c);
		let written = 0;
		let kept = 0;
		try {
			for (const item of items) {
				try {
					await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
					written++;
				} catch (e) {
					if ((e as Error).name !== "ConditionalCheckFailedException") throw e;
					kept++;
				}
			}
		} finally {
			// Even a seed that failed part-way announces what it did write, so no container keeps a catalog
			// without it until the 10-minute re-read.
			if (written > 0) await this.doc.send(new UpdateCommand(this.bumpVersion()));
			this.cached = undefined;
		}
		return { written, kept };
	}

	async putPlan(plan: Plan): Promise<void> {
		await this.putWithVersion({ ...keys.plan(plan.id), body: plan });
	}

	async putUnit(unit: OrgUnit): Promise<void> {
		await this.putWithVersion({ ...keys.unit(unit.id), body: unit });
	}

	/** Replace the whole catalog's code-defined parts (used by tests). */
	async overwrite(c: Catalog): Promise<void> {
		const items = catalogItems(c);
		for (let i = 0; i < items.length; i += 25) {
			await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
		}
		await this.doc.send(new UpdateCommand(this.bumpVersion()));
		this.cached = undefined;
	}
}
