// Seeds the catalog, the local users and the demo data — idempotently: the catalog keeps admin edits,
// users keep changed passwords, and the demo data is written once (a marker item records it), so a
// second start changes nothing. Demo history is bulk-loaded with aggregates computed by the same pure
// functions as the transactional write path; test/integration/demo-pipeline.test.ts pushes the 2020 demo
// through SubmissionRepo.commit itself and checks the division's figures against the plan.
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mapPool } from "../../functions/core/pool";
import { UserStore } from "../../functions/auth/user-store";
import { seededUsers, seedUsers } from "../../functions/auth/seed-users";
import type { App } from "../../functions/commons/app";
import { keys } from "../../functions/commons/keys";
import type { StoredSubmission, VersionRecord } from "../../functions/commons/submission-repo";
import { codeCatalog, orgUnits } from "../../functions/core/catalog/index";
import { generateDemoSubmissions } from "../../functions/core/demo/generator";
import { lastFullMonth } from "../../functions/core/periods";
import { createRecipientStore, type RecipientFields } from "../../functions/summary/recipient-store";

export { codeCatalog };

export const seedCatalog = (app: App) => app.catalogRepo.seed(codeCatalog());

export const seedLocalUsers = async (app: App) => {
	const store = new UserStore(app.doc, app.table);
	return seedUsers(store, seededUsers(orgUnits));
};

/** Runs `fn` over items with at most `limit` in flight (the one pool), reporting every 200 done. */
export const pool = async <T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>, onProgress?: (done: number) => void) => {
	let done = 0;
	await mapPool(items, limit, async (item, i) => {
		await fn(item, i);
		done++;
		if (onProgress && done % 200 === 0) onProgress(done);
	});
};

export interface DemoSeedResult {
	written: number;
	skipped: boolean;
	until: string;
}

export const seedDemo = async (app: App, opts: { until?: string; seed?: number; force?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<DemoSeedResult> => {
	const marker = keys.seedMarker("demo");
	const until = opts.until ?? lastFullMonth(app.now());
	if (!opts.force) {
		const r = await app.doc.send(new GetCommand({ TableName: app.table, Key: marker, ConsistentRead: true }));
		if (r.Item) return { written: 0, skipped: true, until: String(r.Item.until) };
	}
	const idx = await app.catalog();
	const repo = app.submissions(idx);
	// Nothing in the demo is dated after this moment: units report, and approvers review, up to now.
	const now = app.now();
	const demo = generateDemoSubmissions({ from: "2020-01", to: until, now, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
	const subs: StoredSubmission[] = demo.map((s) => {
		const at = s.submittedAt;
		const reviewedAt = s.reviewedAt ?? at;
		const submitted = s.status !== "draft";
		return {
			unitId: s.unitId,
			period: s.period,
			values: s.values,
			status: s.status,
			version: 1,
			createdAt: at,
			updatedAt: s.status === "approved" || s.status === "returned" ? reviewedAt : at,
			updatedBy: s.status === "approved" || s.status === "returned" ? "approver" : `reporter-${s.unitId}`,
			...(submitted ? { submittedAt: at, submittedBy: `reporter-${s.unitId}`, firstSubmittedAt: at, late: s.late } : {}),
			...(s.status === "approved" ? { approvedAt: reviewedAt, approvedBy: "approver" } : {}),
			...(s.comment ? { comment: s.comment } : {}),
			...(s.reviewComment ? { reviewComment: s.reviewComment } : {}),
		};
	});
	const versions: VersionRecord[] = subs.map((s) => ({
		unitId: s.unitId,
		period: s.period,
		version: 1,
		action: "import",
		status: s.status,
		at: s.updatedAt,
		by: "demo-seed",
		values: s.values,
		changed: Object.keys(s.values).sort(),
	}));
	await repo.bulkLoad(subs, versions, now.toISOString(), opts.onProgress);
	await app.doc.send(new PutCommand({ TableName: app.table, Item: { ...marker, until, count: subs.length, at: now.toISOString() } }));
	return { written: subs.length, skipped: false, until };
};

/** The English-language demo recipient: the division's summary in English, to the division leader's mailbox alias. */
export const ENGLISH_DEMO_RECIPIENT = { id: "demo-leader-en", username: "leader", email: "leader-en@hpm.local" } as const;

/**
 * Local mode only: the seeded leaders become summary recipients (`leader` for the division, `leader-<area>` for
 * each 垦区, and one English-language copy of the division's), so a fresh `npm start` mails them the latest due
 * month. Written once (a marker item): a recipient an admin deletes stays deleted. AWS seeds no recipient.
 */
export const seedDemoRecipients = async (app: App): Promise<{ created: string[]; skipped: boolean }> => {
	const marker = keys.seedMarker("recipients");
	const done = await app.doc.send(new GetCommand({ TableName: app.table, Key: marker, ConsistentRead: true }));
	if (done.Item) return { created: [], skipped: true };
	const leaders = seededUsers(orgUnits).filter((u) => u.roles.includes("leader"));
	const wanted: { id: string; input: RecipientFields }[] = leaders.map((u) => ({
		id: `demo-${u.username}`,
		input: { name: u.name, email: u.email, scopeOrgId: u.orgScope, locale: "zh-CN", active: true },
	}));
	const division = leaders.find((u) => u.username === ENGLISH_DEMO_RECIPIENT.username);
	if (division) {
		wanted.push({
			id: ENGLISH_DEMO_RECIPIENT.id,
			input: { name: "Division leader (English)", email: ENGLISH_DEMO_RECIPIENT.email, scopeOrgId: division.orgScope, locale: "en", active: true },
		});
	}
	const created: string[] = [];
	for (const w of wanted) {
		const store = createRecipientStore({ client: app.doc, tableName: app.table, newId: () => w.id, now: () => app.now() });
		try {
			await store.create(w.input);
			created.push(w.id);
		} catch (err) {
			if ((err as { name?: string })?.name !== "ConditionalCheckFailedException") throw err;
		}
	}
	await app.doc.send(new PutCommand({ TableName: app.table, Item: { ...marker, count: created.length, at: new Date().toISOString() } }));
	return { created, skipped: false };
};
