// The catalog in the table: seeded from functions/core/catalog/ and editable by admins (plans, targets,
// units). Loaded with one Query and cached briefly per Lambda container, since every request needs it.
import { BatchWriteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Catalog, type CatalogIndex, indexCatalog } from "../core/catalog-index";
import type { OrgUnit, Plan } from "../core/types";
import type { Doc } from "./clients/dynamo";
import { keys } from "./keys";

const CACHE_MS = 15_000;

const catalogItems = (c: Catalog): Record<string, unknown>[] => [
	...c.units.map((u) => ({ ...keys.unit(u.id), body: u })),
	...c.elements.map((e) => ({ ...keys.element(e.code), body: e })),
	...c.indicators.map((i) => ({ ...keys.indicator(i.code), body: i })),
	...c.plans.map((p) => ({ ...keys.plan(p.id), body: p })),
	...c.rules.map((r) => ({ ...keys.rule(r.id), body: r })),
	{ ...keys.sections(), body: c.sections },
];

export class CatalogRepo {
	private cached: { at: number; idx: CatalogIndex } | undefined;

	constructor(
		private readonly doc: Doc,
		private readonly table: string,
		private readonly clock: () => number = Date.now,
	) {}

	async load(fresh = false): Promise<CatalogIndex> {
		if (!fresh && this.cached && this.clock() - this.cached.at < CACHE_MS) return this.cached.idx;
		const c: Catalog = { units: [], elements: [], sections: [], indicators: [], plans: [], rules: [] };
		let ExclusiveStartKey: Record<string, unknown> | undefined;
		do {
			const r = await this.doc.send(
				new QueryCommand({ TableName: this.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.catalogPk }, ExclusiveStartKey }),
			);
			for (const it of r.Items ?? []) {
				const sk = String(it.sk);
				const body = it.body;
				if (sk.startsWith(keys.catalogPrefix.unit)) c.units.push(body);
				else if (sk.startsWith(keys.catalogPrefix.element)) c.elements.push(body);
				else if (sk.startsWith(keys.catalogPrefix.indicator)) c.indicators.push(body);
				else if (sk.startsWith(keys.catalogPrefix.plan)) c.plans.push(body);
				else if (sk.startsWith(keys.catalogPrefix.rule)) c.rules.push(body);
				else if (sk === keys.sections().sk) c.sections = body;
			}
			ExclusiveStartKey = r.LastEvaluatedKey;
		} while (ExclusiveStartKey);
		if (c.units.length === 0) throw new Error("The catalog is empty: run the seed (npm start seeds it locally; deploy runs it in AWS)");
		const idx = indexCatalog(c);
		this.cached = { at: this.clock(), idx };
		return idx;
	}

	/** Writes every catalog item that is missing; existing items (maybe edited by an admin) are kept. */
	async seed(c: Catalog): Promise<{ written: number; kept: number }> {
		const items = catalogItems(c);
		let written = 0;
		let kept = 0;
		for (const item of items) {
			try {
				await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
				written++;
			} catch (e) {
				if ((e as Error).name !== "ConditionalCheckFailedException") throw e;
				kept++;
			}
		}
		this.cached = undefined;
		return { written, kept };
	}

	async putPlan(plan: Plan): Promise<void> {
		await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.plan(plan.id), body: plan } }));
		this.cached = undefined;
	}

	async putUnit(unit: OrgUnit): Promise<void> {
		await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.unit(unit.id), body: unit } }));
		this.cached = undefined;
	}

	/** Replace the whole catalog's code-defined parts (used by tests). */
	async overwrite(c: Catalog): Promise<void> {
		const items = catalogItems(c);
		for (let i = 0; i < items.length; i += 25) {
			await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
		}
		this.cached = undefined;
	}
}
