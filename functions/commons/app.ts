// Per-container singletons: the DynamoDB client, the table name and the cached catalog. Created on first
// use so a cold start reads configuration once and fails fast when it is missing.
import type { CatalogIndex } from "../core/catalog-index";
import { CatalogRepo } from "./catalog-repo";
import { type Doc, docClient } from "./clients/dynamo";
import { config } from "./config";
import { SubmissionRepo } from "./submission-repo";

export interface App {
	doc: Doc;
	table: string;
	catalogRepo: CatalogRepo;
	catalog(): Promise<CatalogIndex>;
	submissions(idx: CatalogIndex): SubmissionRepo;
	now(): Date;
}

export const createApp = (doc: Doc, table: string, opts: { shards?: number; now?: () => Date } = {}): App => {
	const catalogRepo = new CatalogRepo(doc, table);
	return {
		doc,
		table,
		catalogRepo,
		catalog: () => catalogRepo.load(),
		submissions: (idx) => new SubmissionRepo(doc, table, idx.agg, opts.shards ?? 1),
		now: opts.now ?? (() => new Date()),
	};
};

let app: App | undefined;
export const getApp = (): App => {
	app ??= createApp(docClient(), config.tableName, { shards: config.aggregateShards });
	return app;
};
