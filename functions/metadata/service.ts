// Data elements, indicators and validation rules as admin-edited data. Every change is checked against the
// whole catalog first (core/metadata-rules.ts) and written with its audit event and the catalog version bump
// in one transaction (store.ts); nothing is written on bad input.
import type { App } from "../commons/app";
import { config } from "../commons/config";
import { AppError, notFound } from "../commons/errors";
import { keys } from "../commons/keys";
import { isCounterAttr } from "../core/aggregation";
import type { CatalogIndex } from "../core/catalog-index";
import { aggregationChanges, checkElement, checkIndicator, checkRule, type FieldErrors, type FormulaProblem, elementUsage } from "../core/metadata-rules";
import { currentMonth } from "../core/periods";
import type { DataElement, Indicator, ValidationRule } from "../core/types";
import { type RebuildJob, type RebuildService, shardedUnsupported } from "./rebuild";
import type { ElementCreate, ElementUpdate, IndicatorCreate, IndicatorUpdate, RuleBody } from "./schemas";
import { MetadataStore, queryAllItems, type Stored } from "./store";

export interface WithRev<T> {
	item: T;
	rev: number;
}

const invalid = (what: string, fields: FieldErrors, problems: FormulaProblem[] = []) =>
	new AppError("bad-request", `${what}，未保存 (invalid; nothing was saved)`, fields, problems.length ? { formula: problems } : undefined);

/** Drops undefined fields, so a stored body compares and exports the same as it was sent. */
const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Codes of elements with counted data anywhere: a counter on any area's or the division's aggregates. */
export const codesWithData = async (app: App, idx: Pick<CatalogIndex, "catalog">): Promise<Set<string>> => {
	const out = new Set<string>();
	for (const org of idx.catalog.units.filter((u) => u.level !== "unit")) {
		const items = await queryAllItems(app.doc, { TableName: app.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.aggregatePk(org.id) } });
		for (const it of items) {
			for (const [attr, v] of Object.entries(it)) {
				const m = /^a?n_(.+)$/.exec(attr);
				if (m?.[1] && isCounterAttr(attr) && Number(v) > 0) out.add(m[1]);
			}
		}
	}
	return out;
};

export const createMetadataService = (app: App, rebuild: RebuildService) => {
	const store = new MetadataStore(app.doc, app.table);
	const month = () => currentMonth(app.now());

	/** Re-reads the catalog in this container at once (other containers follow the version bump within 15 s). */
	const refreshed = async (): Promise<CatalogIndex> => app.catalogRepo.load(true);

	const existing = async <T>(key: ReturnType<typeof keys.element>, what: string): Promise<Stored<T>> => {
		const found = await store.get<T>(key);
		if (!found) throw notFound(`未知${what} (unknown ${what})`);
		return found;
	};

	const checkIfMatch = (ifMatch: number | undefined, rev: number) => {
		if (ifMatch !== undefined && ifMatch !== rev) throw new AppError("conflict", "内容已被他人修改，请刷新后重试 (changed since you read it; reload and retry)", { "If-Match": `当前版本为 ${rev} (current version is ${rev})` }, { rev });
	};

	return {
		/** The admin pages' view: every element (retired too), indicator and rule with its revision and usage. */
		overview: async () => {
			const idx = await refreshed();
			const [revs, withData, active] = await Promise.all([store.revisions(), codesWithData(app, idx), rebuild.recalculating()]);
			const rev = (key: { sk: string }) => revs.get(key.sk) ?? 0;
			return {
				sections: idx.catalog.sections,
				elements: idx.catalog.elements.map((e) => ({ ...e, rev: rev(keys.element(e.code)), hasData: withData.has(e.code), usedBy: elementUsage(e.code, idx.catalog) })),
				indicators: idx.catalog.indicators.map((i) => ({ ...i, rev: rev(keys.indicator(i.code)), plans: idx.catalog.plans.filter((p) => p.indicators.some((pi) => pi.indicatorCode === i.code)).map((p) => p.id) })),
				rules: idx.catalog.rules.map((r) => ({ ...r, rev: rev(keys.rule(r.id)) })),
				recalculating: active,
			};
		},

		createElement: async (by: string, body: ElementCreate): Promise<WithRev<DataElement>> => {
			const idx = await refreshed();
			const element = clean({ ...body, ...(body.requiredToSubmit ? { requiredFrom: month() } : {}) }) as DataElement;
			const fields = checkElement(element, idx.catalog);
			if (idx.elementByCode.has(body.code)) fields.code = "编码已被占用 (this code is taken)";
			if (Object.keys(fields).length) throw invalid("数据项有误", fields);
			const at = app.now().toISOString();
			await store.commit([{ key: keys.element(element.code), body: element, expect: "absent", field: "code" }], [{ at, by, action: "element.create", target: element.code, before: null, after: element }]);
			await refreshed();
			return { item: element, rev: 1 };
		},

		/**
		 * Changes the fields given. A change of aggregation (over time, across units, carry-forward, frequency) on an
		 * element with data makes today's aggregates wrong: refused with 409 unless `rebuild`, which commits the
		 * change together with a rebuild job.
		 */
		updateElement: async (by: string, code: string, patch: ElementUpdate, opts: { ifMatch?: number; rebuild?: boolean }): Promise<WithRev<DataElement> & { job?: RebuildJob }> => {
			const idx = await refreshed();
			const cur = await existing<DataElement>(keys.element(code), `数据项 ${code}`);
			checkIfMatch(opts.ifMatch, cur.rev);
			const { code: _c, ...rest } = patch;
			const next = clean({ ...cur.body, ...rest, code }) as DataElement;
			// Made required now: past periods stay valid (formElements treats earlier periods as optional).
			if (next.requiredToSubmit && !cur.body.requiredToSubmit) next.requiredFrom = month();
			if (!next.requiredToSubmit) delete next.requiredFrom;
			if (next.overTime !== "stock") delete next.carryForwardMonths;
			const fields = checkElement(next, idx.catalog);
			if (Object.keys(fields).length) throw invalid("数据项有误", fields);
			const changes = aggregationChanges(cur.body, next);
			// "Has data" reads the plain aggregate items; with shards it cannot tell, and no rebuild could follow.
			if (changes.length > 0 && config.aggregateShards > 1) throw shardedUnsupported();
			let job: RebuildJob | undefined;
			if (changes.length > 0 && (await codesWithData(app, idx)).has(code)) {
				if (!opts.rebuild) {
					throw new AppError(
						"conflict",
						`数据项 ${code} 已有数据，修改汇总方式（${changes.join("、")}）会使现有汇总失真；如确认修改，请加 ?rebuild=true 同时重建汇总 (the element has data; changing ${changes.join(", ")} needs a rebuild: retry with ?rebuild=true)`,
						Object.fromEntries(changes.map((f) => [f, "已有数据，需重建汇总 (has data: needs a rebuild)"])),
						{ changes, rebuildRequired: true },
					);
				}
				job = await rebuild.newJob({ by, elements: [code], reason: `${code}: ${changes.join(", ")}` });
			}
			const at = app.now().toISOString();
			await store.commit(
				[{ key: keys.element(code), body: next, expect: opts.ifMatch ?? cur.rev, field: "If-Match" }],
				[{ at, by, action: cur.body.retired !== next.retired ? (next.retired ? "element.retire" : "element.restore") : "element.update", target: code, before: cur.body, after: next }],
				job ? rebuild.jobItems(job) : [],
			);
			await refreshed();
			if (job) rebuild.kick(job.jobId);
			return { item: next, rev: (opts.ifMatch ?? cur.rev) + 1, ...(job ? { job } : {}) };
		},

		createIndicator: async (by: string, body: IndicatorCreate): Promise<WithRev<Indicator>> => {
			const idx = await refreshed();
			const ind = clean(body) as Indicator;
			const { fields, problems } = checkIndicator(ind, idx.catalog, undefined);
			if (idx.indicatorByCode.has(ind.code)) fields.code = "编码已被占用 (this code is taken)";
			if (Object.keys(fields).length) throw invalid("指标有误", fields, problems);
			await store.commit([{ key: keys.indicator(ind.code), body: ind, expect: "absent", field: "code" }], [{ at: app.now().toISOString(), by, action: "indicator.create", target: ind.code, before: null, after: ind }]);
			await refreshed();
			return { item: ind, rev: 1 };
		},

		updateIndicator: async (by: string, code: string, patch: IndicatorUpdate, opts: { ifMatch?: number }): Promise<WithRev<Indicator>> => {
			const idx = await refreshed();
			const cur = await existing<Indicator>(keys.indicator(code), `指标 ${code}`);
			checkIfMatch(opts.ifMatch, cur.rev);
			const { code: _c, ...rest } = patch;
			const next = clean({ ...cur.body, ...rest, code }) as Indicator;
			const { fields, problems } = checkIndicator(next, idx.catalog, cur.body);
			if (Object.keys(fields).length) throw invalid("指标有误", fields, problems);
			await store.commit([{ key: keys.indicator(code), body: next, expect: opts.ifMatch ?? cur.rev, field: "If-Match" }], [{ at: app.now().toISOString(), by, action: "indicator.update", target: code, before: cur.body, after: next }]);
			await refreshed();
			return { item: next, rev: (opts.ifMatch ?? cur.rev) + 1 };
		},

		/** POST creates (400 when the id is taken), PUT replaces (404 when missing). */
		putRule: async (by: string, id: string, body: RuleBody, opts: { create: boolean; ifMatch?: number }): Promise<WithRev<ValidationRule>> => {
			const idx = await refreshed();
			const cur = await store.get<ValidationRule>(keys.rule(id));
			if (opts.create && cur) throw invalid("规则有误", { id: "规则编号已被占用 (this rule id is taken)" });
			if (!opts.create && !cur) throw notFound(`未知规则 ${id} (unknown validation rule)`);
			if (cur) checkIfMatch(opts.ifMatch, cur.rev);
			const rule = clean({ id, ...body }) as ValidationRule;
			const { fields, problems } = checkRule(rule, idx.catalog, cur?.body);
			if (Object.keys(fields).length) throw invalid("规则有误", fields, problems);
			const expect = cur ? (opts.ifMatch ?? cur.rev) : "absent";
			await store.commit([{ key: keys.rule(id), body: rule, expect, field: cur ? "If-Match" : "id" }], [{ at: app.now().toISOString(), by, action: cur ? "rule.update" : "rule.create", target: id, before: cur?.body ?? null, after: rule }]);
			await refreshed();
			return { item: rule, rev: expect === "absent" ? 1 : expect + 1 };
		},

		deleteRule: async (by: string, id: string, opts: { ifMatch?: number }): Promise<void> => {
			const cur = await existing<ValidationRule>(keys.rule(id), `规则 ${id}`);
			checkIfMatch(opts.ifMatch, cur.rev);
			await store.commit([{ key: keys.rule(id), body: null, expect: opts.ifMatch ?? cur.rev, field: "If-Match" }], [{ at: app.now().toISOString(), by, action: "rule.delete", target: id, before: cur.body, after: null }]);
			await refreshed();
		},
	};
};

export type MetadataService = ReturnType<typeof createMetadataService>;
