// The whole catalog as one JSON document (GET /api/admin/catalog/export) and back (POST
// /api/admin/catalog/import), so an admin can prepare the next plan's metadata on a local platform and
// promote it. An import adds and updates, never deletes (retire an element explicitly instead); it checks the
// resulting catalog as a whole before writing anything, and a dry run lists every change it would make.
import * as z from "zod/mini";
import type { App } from "../commons/app";
import { config } from "../commons/config";
import { AppError } from "../commons/errors";
import { zodFields } from "../commons/http";
import { type Key, keys } from "../commons/keys";
import { adminSchemas, planBodySchema } from "../commons/services/admin";
import type { Catalog } from "../core/catalog-index";
import { aggregationChanges, type CatalogChange, canonical, checkCatalogDocument, diffCatalog } from "../core/metadata-rules";
import type { DataElement, Plan } from "../core/types";
import { type RebuildJob, type RebuildService, shardedUnsupported } from "./rebuild";
import { metadataSchemas } from "./schemas";
import { codesWithData } from "./service";
import { type CatalogWrite, type MetadataAudit, MAX_WRITES_PER_TRANSACTION, MetadataStore, queryAllItems } from "./store";

export const CATALOG_FORMAT = "hpm-catalog/1";

export interface CatalogDocument {
	format: typeof CATALOG_FORMAT;
	units: Catalog["units"];
	sections: Catalog["sections"];
	elements: Catalog["elements"];
	indicators: Catalog["indicators"];
	rules: Catalog["rules"];
	plans: Catalog["plans"];
}

const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: "编号只能用小写字母、数字和连字符 (lower-case letters, digits, hyphens)" }));

// Built on the first import (as the schemas it composes are: schemas.ts).
const buildDocumentSchema = () => {
	const { elementCreateSchema, indicatorCreateSchema, ruleBodySchema, ruleIdSchema } = metadataSchemas();
	return z.strictObject({
		format: z.literal(CATALOG_FORMAT, { error: `format 应为 ${CATALOG_FORMAT} (not a catalog export)` }),
		units: z.array(
			z.strictObject({
				...adminSchemas().unitBodySchema.shape,
				id,
				level: z.enum(["division", "area", "unit"]),
				parentId: z.nullable(id),
				placeholder: z.optional(z.boolean()),
				order: z.int().check(z.gte(0), z.lte(10_000)),
			}),
		),
		sections: z.array(
			z.strictObject({
				id: z.string().check(z.minLength(1), z.maxLength(64)),
				name: z.object({ zh: z.string().check(z.minLength(1), z.maxLength(200)), en: z.string().check(z.maxLength(200)) }),
				order: z.int(),
			}),
		),
		elements: z.array(z.extend(elementCreateSchema, { requiredFrom: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}$/))) })),
		indicators: z.array(indicatorCreateSchema),
		rules: z.array(z.extend(ruleBodySchema, { id: ruleIdSchema })),
		plans: z.array(z.looseObject({ id })),
	});
};
const documentSchema = z.lazy(buildDocumentSchema);

/** Each list sorted by its key and every object's keys sorted: the same catalog gives the same bytes. */
const normalise = (c: Catalog): CatalogDocument => {
	const by = <T>(list: readonly T[], key: (x: T) => string): T[] => [...list].sort((a, b) => key(a).localeCompare(key(b))).map((x) => canonical(x) as T);
	return {
		format: CATALOG_FORMAT,
		units: by(c.units, (u) => u.id),
		sections: by(c.sections, (s) => s.id),
		elements: by(c.elements, (e) => e.code),
		indicators: by(c.indicators, (i) => i.code),
		rules: by(c.rules, (r) => r.id),
		plans: by(c.plans, (p) => p.id),
	};
};

/** The stored catalog, possibly empty (app.catalog() refuses an empty one; an import may start there). */
const readStored = async (app: App): Promise<Catalog> => {
	const c: Catalog = { units: [], elements: [], sections: [], indicators: [], plans: [], rules: [] };
	const items = await queryAllItems(app.doc, { TableName: app.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.catalogPk }, ConsistentRead: true });
	for (const it of items) {
		const sk = String(it.sk);
		if (sk.startsWith(keys.catalogPrefix.unit)) c.units.push(it.body as Catalog["units"][number]);
		else if (sk.startsWith(keys.catalogPrefix.element)) c.elements.push(it.body as DataElement);
		else if (sk.startsWith(keys.catalogPrefix.indicator)) c.indicators.push(it.body as Catalog["indicators"][number]);
		else if (sk.startsWith(keys.catalogPrefix.plan)) c.plans.push(it.body as Plan);
		else if (sk.startsWith(keys.catalogPrefix.rule)) c.rules.push(it.body as Catalog["rules"][number]);
		else if (sk === keys.sections().sk) c.sections = it.body as Catalog["sections"];
	}
	return c;
};

/** Parses an import body into a document, with field paths into it for every problem. */
const parseDocument = (body: unknown): CatalogDocument => {
	const r = documentSchema.safeParse(body);
	const fields: Record<string, string> = r.success ? {} : zodFields(r.error);
	if (r.success) {
		r.data.plans.forEach((p, i) => {
			const { id: _id, ...rest } = p;
			const pr = planBodySchema.safeParse(rest);
			if (!pr.success) for (const [f, m] of Object.entries(zodFields(pr.error))) fields[`plans.${i}.${f}`] = m;
		});
	}
	if (!r.success || Object.keys(fields).length) throw new AppError("bad-request", "目录文件有误，未导入 (invalid catalog document; nothing was imported)", fields);
	return r.data as unknown as CatalogDocument;
};

const keyOf = (ch: CatalogChange): Key => {
	switch (ch.kind) {
		case "unit":
			return keys.unit(ch.key);
		case "element":
			return keys.element(ch.key);
		case "indicator":
			return keys.indicator(ch.key);
		case "rule":
			return keys.rule(ch.key);
		case "plan":
			return keys.plan(ch.key);
		case "sections":
			return keys.sections();
	}
};

export interface ImportResult {
	dryRun: boolean;
	changes: CatalogChange[];
	/** Started when the import changed how an element with data aggregates (and ?rebuild=true was given). */
	job?: RebuildJob;
}

export const createCatalogTransfer = (app: App, rebuild: RebuildService) => {
	const store = new MetadataStore(app.doc, app.table);
	return {
		exportCatalog: async (): Promise<CatalogDocument> => normalise(await readStored(app)),

		importCatalog: async (by: string, body: unknown, opts: { dryRun: boolean; rebuild: boolean }): Promise<ImportResult> => {
			const doc = parseDocument(body);
			const current = await readStored(app);
			const merged: Catalog = { units: [], elements: [], sections: [], indicators: [], plans: [], rules: [] };
			const overlay = <T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] => [...new Map([...a, ...b].map((x) => [key(x), x])).values()];
			merged.units = overlay(current.units, doc.units, (u) => u.id);
			merged.elements = overlay(current.elements, doc.elements, (e) => e.code);
			merged.indicators = overlay(current.indicators, doc.indicators, (i) => i.code);
			merged.rules = overlay(current.rules, doc.rules, (r) => r.id);
			merged.plans = overlay(current.plans, doc.plans, (p) => p.id);
			merged.sections = doc.sections.length ? doc.sections : current.sections;
			const problems = checkCatalogDocument(merged);
			if (Object.keys(problems).length) throw new AppError("bad-request", "导入后目录不一致，未导入 (the catalog would be inconsistent; nothing was imported)", problems);
			const changes = diffCatalog(current, { ...doc, sections: doc.sections });
			// The same guard as a single element edit: aggregation changes on elements with data need a rebuild.
			const currentByCode = new Map(current.elements.map((e) => [e.code, e]));
			const reaggregated = doc.elements.filter((e) => {
				const before = currentByCode.get(e.code);
				return before && aggregationChanges(before, e).length > 0;
			});
			let withData = new Set<string>();
			if (reaggregated.length > 0 && current.units.length > 0) withData = await codesWithData(app, { catalog: current });
			const guarded = reaggregated.map((e) => e.code).filter((c) => withData.has(c));
			if (opts.dryRun) return { dryRun: true, changes };
			if (reaggregated.length > 0 && config.aggregateShards > 1) throw shardedUnsupported();
			if (guarded.length > 0 && !opts.rebuild) {
				throw new AppError("conflict", `导入会改变已有数据的数据项的汇总方式（${guarded.join("、")}），请加 ?rebuild=true (changes how elements with data aggregate: ${guarded.join(", ")}; retry with ?rebuild=true)`, undefined, {
					elements: guarded,
					rebuildRequired: true,
				});
			}
			// Checked before writing: a rebuild that cannot start would leave the changed elements' figures wrong.
			if (guarded.length > 0 && (await rebuild.recalculating())) throw rebuild.runningConflict();
			const bodyOf = (ch: CatalogChange): unknown => {
				const pick = <T>(list: readonly T[], key: (x: T) => string) => list.find((x) => key(x) === ch.key);
				if (ch.kind === "unit") return pick(doc.units, (u) => u.id);
				if (ch.kind === "element") return pick(doc.elements, (e) => e.code);
				if (ch.kind === "indicator") return pick(doc.indicators, (i) => i.code);
				if (ch.kind === "rule") return pick(doc.rules, (r) => r.id);
				if (ch.kind === "plan") return pick(doc.plans, (p) => p.id);
				return doc.sections;
			};
			const beforeOf = (ch: CatalogChange): unknown => {
				if (ch.change === "create") return null;
				const all: Record<string, readonly { [k: string]: unknown }[]> = { unit: current.units as never, element: current.elements as never, indicator: current.indicators as never, rule: current.rules as never, plan: current.plans as never };
				if (ch.kind === "sections") return current.sections;
				return all[ch.kind]?.find((x) => (x.id ?? x.code) === ch.key) ?? null;
			};
			// Dependency order, so a failure part-way leaves a consistent prefix (and re-importing finishes it).
			const order = ["unit", "sections", "element", "indicator", "rule", "plan"];
			const sorted = [...changes].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
			const at = app.now().toISOString();
			const revs = await store.revisions();
			for (let i = 0; i < sorted.length; i += MAX_WRITES_PER_TRANSACTION) {
				const chunk = sorted.slice(i, i + MAX_WRITES_PER_TRANSACTION);
				const writes: CatalogWrite[] = chunk.map((ch) => ({ key: keyOf(ch), body: bodyOf(ch), ...(ch.change === "create" ? { expect: "absent" as const } : { prevRev: revs.get(keyOf(ch).sk) ?? 0 }), field: `${ch.kind}.${ch.key}` }));
				const audits: MetadataAudit[] = chunk.map((ch) => ({ at, by, action: `catalog.import.${ch.kind}.${ch.change}`, target: ch.key, before: beforeOf(ch), after: bodyOf(ch) }));
				await store.commit(writes, audits);
			}
			if (changes.length > 0) await app.catalogRepo.load(true);
			const job = guarded.length > 0 ? await rebuild.start(by, { elements: guarded, reason: `catalog import: ${guarded.join(", ")}` }) : undefined;
			return { dryRun: false, changes, ...(job ? { job } : {}) };
		},
	};
};

export type CatalogTransfer = ReturnType<typeof createCatalogTransfer>;
