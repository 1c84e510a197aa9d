// Monthly AWS cost model from request counts and public list prices (us-east-1, USD). Request counts are
// derived from how the web app and handlers actually call the API and the table (see the comments); the
// per-call DynamoDB units are estimates from item sizes, not metered. docs/performance.md cites the price pages.
// China (cn-northwest-1): only DynamoDB's on-demand write price (¥11.1538 per million WRU) and its provisioned
// prices could be read from amazonaws.cn; the rest is not in CNY here — see docs/performance.md.

export const PRICES_USD = {
	apiGatewayHttpPerMillion: 1.0, // first 300 M requests / month
	lambdaRequestsPerMillion: 0.2,
	lambdaArmPerGbSecond: 0.0000133334,
	dynamoWruPerMillion: 0.625, // on-demand, after the Nov 2024 price cut
	dynamoRruPerMillion: 0.125,
	dynamoStoragePerGbMonth: 0.25, // first 25 GB free
	dynamoPitrPerGbMonth: 0.2,
	cloudfrontPerGb: 0.085, // 1 TB and 10 M requests a month always free
	cloudfrontHttpsPer10k: 0.01,
	s3StandardPerGbMonth: 0.023,
	logsIngestPerGb: 0.5, // 5 GB free
	logsStoragePerGbMonth: 0.03,
	secretPerMonth: 0.4,
	secretApiPer10k: 0.05,
	kmsKeyPerMonth: 1,
	kmsRequestsPer10k: 0.03,
	sesPer1000: 0.1,
};

export interface Scenario {
	name: string;
	units: number;
	/** People who open the dashboard. */
	viewers: number;
	/** Dashboard opens per viewer per month. */
	viewsPerViewer: number;
	/** Indicator cards on a dashboard: one /series request each for the sparklines (web/src/routes/+page.svelte). */
	cardsPerView: number;
	summaryRecipients: number;
	/** Of the summary recipients, those with a WeCom/DingTalk group robot (one push each, its webhook opened once). */
	pushRecipients: number;
	/** Reporters per unit: each gets the unit feedback card, and reminders while the unit is missing. */
	reportersPerUnit: number;
	/** Aggregate rebuilds a month (a data element or indicator changed), each over this many years. */
	rebuildsPerMonth: number;
	rebuildYears: number;
	/** Table size after a year, GB. */
	storageGB: number;
}

// Per-call costs (estimates from item sizes: a 40-element submission ≈ 2 KB, an aggregate item ≈ 5 KB with
// sum and count attributes per element and mode, a unit's rolling item ≈ 5 KB, the catalog ≈ 200 KB).
const ROLLING_KB = 5; // SUB#<unit>/ROLL: 15 months of every value + 5 years of the 4 tracer values (core/rolling.ts)
const WRU_PER_SUBMIT = 2 * (2 + 2 + 1 + ROLLING_KB + 4 * 5 + 3); // transactional: 2 × (submission + version + stock-year + rolling + 4 aggregates + idempotency) in KB
const WRU_PER_SAVE = 2 * (2 + 2 + 1 + ROLLING_KB + 3); // a draft save moves no aggregate, but its values go into the rolling item
// One consistent BatchGetItem: current submission, stock-year, rolling item (2 units: > 4 KB), idempotency record.
// Before rolling items the 12-month history was a 3-RRU Query beside 3 GetItems (6 RRU and 4 requests).
const RRU_PER_WRITE = 1 + 1 + 2 + 1;
// Summary job, per reporting unit: the tracer part of its rolling item (~2 KB, eventually consistent, BatchGetItem).
// Before: a Query of up to 48 months of its submissions (~20 RRU).
const RRU_PER_UNIT_SUMMARY = 0.5;
const RRU_PER_PROGRESS = 10; // ~20 aggregate items (months to date, year, yearly, base year), eventually consistent
const RRU_PER_SERIES = 6;
// Scheduled notices (functions/summary/reminders.ts, feedback.ts): a notice is claimed and marked on its own item
// (2 × 1 WRU) and sent through SES. Before the deadline ~30 % of units are still missing, after it ~10 %, ~5 % of
// forms are returned; the overdue notice also goes to the unit's 垦区 approver.
const BEFORE_SHARE = 0.3;
const OVERDUE_SHARE = 0.1;
const RETURN_SHARE = 0.05;
const WRU_PER_NOTICE = 2;
// The feedback card per unit: the unit's progress this month and last (2 × RRU_PER_PROGRESS, judged: false), its
// 12 months of statuses (one Query, ~6 RRU); the 垦区 and division reports are read once per run. ~60 ms of compute.
const RRU_PER_CARD = 2 * 10 + 6;
const CARD_MS = 60;
// A group-robot push: a claim and a mark (2 WRU), the sealed webhook read (1 RRU) and opened (one KMS Decrypt), one
// HTTPS POST (~300 ms of waiting). Every robot is sealed with one push key ($1 a month), not a secret of its own.
const PUSH_MS = 300;
// The rebuild (functions/metadata/rebuild.ts) per year: each unit's submissions read strongly consistent once
// (12 × 2 KB ≈ 7 RRU), its stock-year record (1 RRU, BatchGet) and its rolling item's mark twice (a ~5 KB item,
// 2 RRU each: before the read and to verify; the verification reads nothing else unless a unit moved meanwhile),
// each org's aggregate items (~17 × 5 KB ≈ 22 RRU) once; writes of the items that differ, at most every aggregate
// item (5 WRU each) and every stock-year record (1 WRU). ~5 ms of compute per unit-year.
const RRU_PER_UNIT_YEAR_REBUILD = 7 + 1 + 2 * 2;
const WRU_PER_UNIT_YEAR_REBUILD = 1;
const AGG_ITEMS_PER_ORG_YEAR = 17;
const REBUILD_MS_PER_UNIT_YEAR = 5;
const LAMBDA_MS = 80; // warm request at 1,024 MB
const LAMBDA_GB = 1;
const LOG_KB_PER_INVOCATION = 1.5; // START/END/REPORT + one structured line

export const costOf = (s: Scenario) => {
	// Reporters: open the form twice, save three drafts, submit once; approvers: queue, read, approve.
	const formCalls = s.units * (2 + 3 + 1);
	const approvalCalls = s.units * 3;
	// Dashboard: /plans, /units, /progress, then one /series per card.
	const dashboardCalls = s.viewers * s.viewsPerViewer * (3 + s.cardsPerView);
	const otherCalls = Math.round(0.1 * dashboardCalls); // detail pages, completeness, summaries
	const api = formCalls + approvalCalls + dashboardCalls + otherCalls;
	const wru = s.units * (3 * WRU_PER_SAVE + WRU_PER_SUBMIT) + s.units * WRU_PER_SUBMIT; // + the approval transaction
	const rru =
		s.units * 6 * RRU_PER_WRITE +
		s.viewers * s.viewsPerViewer * (RRU_PER_PROGRESS + s.cardsPerView * RRU_PER_SERIES) +
		otherCalls * RRU_PER_PROGRESS +
		// Summary job: per scope, progress ×2 + completeness, and each unit's rolling item (tracer part).
		Math.min(s.summaryRecipients, 50) * 40 + s.units * RRU_PER_UNIT_SUMMARY;
	// Scheduled notices, feedback cards, pushes and rebuilds (bench/lib/cost-model.ts header comments).
	const reporters = s.units * s.reportersPerUnit;
	const notices = reporters * (BEFORE_SHARE + OVERDUE_SHARE + RETURN_SHARE) + s.units * OVERDUE_SHARE; // + the 垦区 approver
	const cards = reporters;
	const orgs = Math.ceil(s.units / 8) + 1; // 垦区 of ~8 units, and the division
	const rebuildUnitYears = s.rebuildsPerMonth * s.rebuildYears * s.units;
	const rebuildOrgYears = s.rebuildsPerMonth * s.rebuildYears * orgs;
	const noticeWru = (notices + cards + s.pushRecipients) * WRU_PER_NOTICE;
	const noticeRru = s.units * RRU_PER_CARD;
	const rebuildRru = rebuildUnitYears * RRU_PER_UNIT_YEAR_REBUILD + rebuildOrgYears * AGG_ITEMS_PER_ORG_YEAR * 1.25;
	const rebuildWru = rebuildUnitYears * WRU_PER_UNIT_YEAR_REBUILD + rebuildOrgYears * AGG_ITEMS_PER_ORG_YEAR * 5;
	const gbs =
		api * (LAMBDA_MS / 1000) * LAMBDA_GB +
		60 * 2 + // the monthly summary job (~60 s at 2 GB)
		(s.units * CARD_MS + s.pushRecipients * PUSH_MS) / 1000 * 2 + // cards and pushes in the same job
		(rebuildUnitYears * REBUILD_MS_PER_UNIT_YEAR) / 1000; // rebuild steps, at 1 GB
	const logsGB = ((api + 1) * LOG_KB_PER_INVOCATION) / 1024 / 1024;
	const pageLoads = s.viewers * s.viewsPerViewer * 0.2; // 80 % of opens hit the browser cache for immutable assets
	const cdnGB = (pageLoads * 0.6) / 1024; // ~600 KB per cold load (JS, CSS, fonts, HTML)
	const p = PRICES_USD;
	const lines = {
		apiGateway: (api / 1e6) * p.apiGatewayHttpPerMillion,
		lambdaRequests: (api / 1e6) * p.lambdaRequestsPerMillion,
		lambdaCompute: gbs * p.lambdaArmPerGbSecond,
		dynamoWrites: (wru / 1e6) * p.dynamoWruPerMillion,
		dynamoReads: (rru / 1e6) * p.dynamoRruPerMillion,
		noticesAndPushes: ((noticeWru / 1e6) * p.dynamoWruPerMillion + (noticeRru / 1e6) * p.dynamoRruPerMillion + ((notices + cards) / 1000) * p.sesPer1000 + (s.pushRecipients / 1e4) * p.kmsRequestsPer10k + p.kmsKeyPerMonth),
		rebuild: (rebuildWru / 1e6) * p.dynamoWruPerMillion + (rebuildRru / 1e6) * p.dynamoRruPerMillion,
		dynamoStorage: Math.max(0, s.storageGB - 25) * p.dynamoStoragePerGbMonth,
		dynamoPitr: s.storageGB * p.dynamoPitrPerGbMonth,
		s3CloudFront: Math.max(0, cdnGB - 1024) * p.cloudfrontPerGb + 0.01,
		cloudWatchLogs: Math.max(0, logsGB - 5) * p.logsIngestPerGb + logsGB * 12 * p.logsStoragePerGbMonth,
		secretsManager: 2 * p.secretPerMonth + 0.01,
		ses: (s.summaryRecipients / 1000) * p.sesPer1000,
	};
	const total = Object.values(lines).reduce((a, b) => a + b, 0);
	const r2 = (x: number) => Math.round(x * 100) / 100;
	return {
		scenario: s,
		counts: {
			apiCalls: api,
			lambdaGbSeconds: Math.round(gbs),
			wru: Math.round(wru),
			rru: Math.round(rru),
			logsGB: r2(logsGB),
			cdnGB: r2(cdnGB),
			notices: Math.round(notices),
			feedbackCards: cards,
			pushes: s.pushRecipients,
			rebuildWru: Math.round(rebuildWru),
			rebuildRru: Math.round(rebuildRru),
		},
		usd: Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, r2(v)])),
		totalUSD: r2(total),
		/** What the same month costs if the dashboard fetched all sparklines in one request (one /series batch). */
		totalUSDWithBatchedSeries: r2(
			total - ((s.viewers * s.viewsPerViewer * (s.cardsPerView - 1)) / 1e6) * (p.apiGatewayHttpPerMillion + p.lambdaRequestsPerMillion + (LAMBDA_MS / 1000) * LAMBDA_GB * p.lambdaArmPerGbSecond * 1e6) * 0.9,
		),
	};
};

export const scenarios = (cardsPerView: number): Scenario[] => [
	{ name: "division (~22 units, ~40 users)", units: 22, viewers: 40, viewsPerViewer: 44, cardsPerView, summaryRecipients: 40, pushRecipients: 6, reportersPerUnit: 1.5, rebuildsPerMonth: 1, rebuildYears: 2, storageGB: 0.05 },
	{ name: "50,000 units (~60,000 users)", units: 50_000, viewers: 10_000, viewsPerViewer: 22, cardsPerView, summaryRecipients: 2_000, pushRecipients: 300, reportersPerUnit: 1.5, rebuildsPerMonth: 1, rebuildYears: 2, storageGB: 12 },
];
