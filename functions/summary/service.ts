// The monthly summary, orchestrated: load progress, completeness, comments, data-quality inputs and series for a
// scope; compile, chart and render them (functions/summary/, all pure but the charts); archive the result; deliver it
// exactly once per month × recipient. The scheduled job, the admin "run now" route, resends and the CLI all come
// through here, so they behave the same.
//
// Cost per run: per scope a handful of aggregate Queries (progress this month and last, up to 3 series), one GSI
// Query for the month's submissions, and the data-quality history of the units that reported from their rolling
// items (BatchGetItem, 100 units a call; one Query for a unit whose item does not reach back far enough). Each
// (scope, locale) is compiled and charted once per run, however many recipients share it.
import { gunzipSync, gzipSync } from "node:zlib";
import type { ArchiveEntry, DeliveriesView, SummaryRunFailure, SummaryRunResult } from "../core/api-types";
import { queryAll } from "../commons/clients/dynamo";
import { mapPool } from "../commons/pool";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logger } from "../commons/observability";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { CompletenessReport, ProgressReport, SeriesPoint } from "../core/api-types";
import { type CatalogIndex, defaultPlan, isWithin, reportingUnitsUnder } from "../core/catalog-index";
import { addMonths, isFutureMonth, isMonth, lastFullMonth, monthRange, yearOf } from "../core/periods";
import { type RollingSource, TRACER_ELEMENTS, tracerMonths } from "../core/rolling";
import type { DataElement, Locale, OrgUnit, Plan } from "../core/types";
import type { ChartImage } from "./charts";
import { buildQualityFlags, compileSummary, type QualityInput, type SubmissionNote } from "./compile";
import {
	type DeliveryLogger,
	type DeliveryRecord,
	type DeliveryStore,
	deliverSummaries,
	resendSummary,
} from "./deliver";
import { createDynamoDeliveryStore } from "./delivery-store";
import { latestDueMonth } from "./schedule";
import type { SummaryModel } from "./model";
import { createRecipientStore, type Recipient, type RecipientInput, type RecipientStore } from "./recipient-store";
import { renderArchiveHtml, renderEmail, renderText } from "./render";
import type { App } from "../commons/app";
import { AuditRepo } from "../commons/audit-repo";
import { config } from "../commons/config";
import { AppError, conflict, notFound } from "../commons/errors";
import { keys } from "../commons/keys";
import { createTransport, type MailMessage, type MailTransport } from "../commons/mail/index";
import { createPushChannel, type PushChannelDeps } from "./push/channel";
import { digestTitle } from "./push/digest";
import { createAnalyticsService } from "../commons/services/analytics";

/**
 * Data-quality tracer elements (WHO DQR picks a few high-volume service counts rather than everything): outliers
 * against the unit's previous 12 months and consistency with the same period of the 3 preceding years. Bounded on
 * purpose: at most these 4 per reporting unit, and only for units that reported this month. Declared in the core,
 * because every write keeps them in the unit's rolling item (core/rolling.ts).
 */
export const QUALITY_ELEMENTS = TRACER_ELEMENTS;
/** Trend charts per email: each adds ~30 KB. */
const MAX_TRENDS = 3;
/** In table mode the gzipped archive page must leave room for the model and the other locale (400 KB item limit). */
const TABLE_HTML_BUDGET = 150_000;
/** A 'sending' claim older than this is presumed dead (the same default resendSummary uses). */
const STALE_SENDING_MS = 15 * 60_000;

export interface CompiledSummary {
	model: SummaryModel;
	charts: ChartImage[];
	/** The standalone archive page (charts as data: URIs), for the site's sandboxed reader. */
	html: string;
	text: string;
	/** The model as JSON, as archived. */
	json: string;
}

export interface CompileRequest {
	month: string;
	planId?: string;
	scopeOrg: string;
	locale: Locale;
	dashboardUrl: string;
	generatedAt?: string;
}

export type { ArchiveEntry };

export interface ArchivedSummary extends ArchiveEntry {
	locale: string;
	model: SummaryModel;
	html: string;
}

/** The run's result is part of the contract the site reads: declared once in core. */
export type RunFailure = SummaryRunFailure;
export type RunResult = SummaryRunResult;

export interface S3Archive {
	put(key: string, body: string, contentType: string): Promise<void>;
	get(key: string): Promise<string>;
}

export interface SummaryServiceDeps {
	transport?: () => Promise<MailTransport>;
	deliveries?: DeliveryStore;
	recipients?: RecipientStore;
	logger?: DeliveryLogger;
	/** Where EMF metric lines go (stdout in Lambda, which CloudWatch turns into metrics). */
	metricSink?: (line: string) => void;
	s3?: () => Promise<S3Archive>;
	/** Injected in tests: the wait between send retries. */
	sleep?: (ms: number) => Promise<void>;
	/** Group-robot push (push/channel.ts): its delivery records, the robots' secret store and the HTTP POST. */
	push?: Pick<PushChannelDeps, "deliveries" | "secrets" | "post">;
}

const jsonLogger: DeliveryLogger = {
	info: (message, extra) => logger.info(message, { ...extra }),
	warn: (message, extra) => logger.warn(message, { ...extra }),
	error: (message, extra) => logger.error(message, { ...extra }),
};

/**
 * One CloudWatch Embedded Metric Format line, serialised by Powertools Metrics (its namespace and service
 * dimension), with the run's details as metadata. Returned as a line so a test can read what the job emits.
 */
const countMetric = (metric: string, value: number, properties: Record<string, unknown>, at: Date): Metrics => {
	const m = new Metrics({ namespace: config.metricsNamespace });
	m.setTimestamp(at);
	m.addMetric(metric, MetricUnit.Count, value);
	for (const [key, v] of Object.entries(properties)) m.addMetadata(key, typeof v === "string" ? v : JSON.stringify(v));
	return m;
};

export const emfLine = (metric: string, value: number, properties: Record<string, unknown>, at: Date): string => {
	const m = countMetric(metric, value, properties, at);
	const line = JSON.stringify(m.serializeMetrics());
	m.clearMetrics();
	return line;
};

/** Records a count: to the injected sink as an EMF line (tests), else published by Powertools to stdout. */
export const emitCount = (sink: ((line: string) => void) | undefined, metric: string, value: number, properties: Record<string, unknown>, at: Date): void => {
	if (sink) sink(emfLine(metric, value, properties, at));
	else countMetric(metric, value, properties, at).publishStoredMetrics();
};

const lazyS3 = async (): Promise<S3Archive> => {
	const { S3Client, PutObjectCommand, GetObjectCommand } = await import("@aws-sdk/client-s3");
	const client = new S3Client({ region: config.region });
	const Bucket = config.archiveBucket as string;
	return {
		put: async (Key, Body, ContentType) => {
			await client.send(new PutObjectCommand({ Bucket, Key, Body, ContentType }));
		},
		get: async (Key) => {
			const out = await client.send(new GetObjectCommand({ Bucket, Key }));
			return (await out.Body?.transformToString("utf-8")) ?? "";
		},
	};
};

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);
const localeAttr = (locale: string): string => `loc_${locale}`;


/** Everything a scope's summary needs, independent of the locale. */
interface ScopeData {
	plan: Plan;
	org: OrgUnit;
	current: ProgressReport;
	previous: ProgressReport | null;
	completeness: CompletenessReport;
	notes: SubmissionNote[];
	quality: { unit: OrgUnit; element: DataElement; monthly: QualityInput["monthly"]; yearly: QualityInput["yearly"] }[];
	series: Record<string, SeriesPoint[]>;
}

const counted = (s: { status: string } | undefined): boolean => s?.status === "submitted" || s?.status === "approved";

/** One unit's data-quality inputs from its own submissions (oldest first); the feedback card reuses it. */
export const qualityInputs = (month: string, unit: OrgUnit, elements: DataElement[], subs: readonly RollingSource[]): ScopeData["quality"] => {
	const byPeriod = new Map(subs.filter((s) => isMonth(s.period) && counted(s)).map((s) => [s.period, s.values]));
	const value = (period: string, code: string): number | null => {
		const v = byPeriod.get(period)?.[code];
		return typeof v === "number" ? v : null;
	};
	const year = yearOf(month);
	const mm = month.slice(5);
	// Comparable across years: a flow's year to date (only when every month is there), a stock's value at this month.
	const comparable = (y: number, el: DataElement): number | null => {
		if (el.overTime === "stock") return value(`${y}-${mm}`, el.code);
		let sum = 0;
		for (const m of monthRange(`${y}-01`, `${y}-${mm}`)) {
			const v = value(m, el.code);
			if (v === null) return null;
			sum += v;
		}
		return sum;
	};
	return elements.map((element) => ({
		unit,
		element,
		monthly: monthRange(addMonths(month, -12), month).map((period) => ({ period, value: value(period, element.code) })),
		yearly: { current: comparable(year, element), preceding: [year - 3, year - 2, year - 1].map((y) => comparable(y, element)) },
	}));
};

export const createSummaryService = (app: App, deps: SummaryServiceDeps = {}) => {
	const analytics = createAnalyticsService(app);
	const audit = new AuditRepo(app.doc, app.table);
	const log = deps.logger ?? jsonLogger;
	const recipients = deps.recipients ?? createRecipientStore({ client: app.doc, tableName: app.table, now: () => app.now() });
	const deliveries = deps.deliveries ?? createDynamoDeliveryStore({ client: app.doc, tableName: app.table });
	const metricSink = deps.metricSink;
	const openTransport = deps.transport ?? (() => createTransport());
	const push = createPushChannel({ client: app.doc, tableName: app.table, logger: log, ...deps.push, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
	let s3: Promise<S3Archive> | undefined;
	const archiveS3 = (): Promise<S3Archive> => {
		s3 ??= (deps.s3 ?? lazyS3)();
		return s3;
	};

	/** The plan a summary reports on: the one asked for, else the same default the dashboard opens on. */
	const planOf = (idx: CatalogIndex, month: string, planId?: string): Plan => {
		const plan = planId ? idx.planById.get(planId) : defaultPlan(idx.catalog.plans, yearOf(month));
		if (!plan) throw notFound(`未知规划 ${planId} (unknown plan)`);
		return plan;
	};

	const loadScope = async (month: string, scopeOrg: string, planId?: string): Promise<ScopeData> => {
		const idx = await app.catalog();
		const plan = planOf(idx, month, planId);
		const org = analytics.orgOf(idx, scopeOrg);
		const prevMonth = addMonths(month, -1);
		// The month's statuses (no values) are read once, for completeness and the notes.
		const statuses = app.submissions(idx).listStatusForPeriod(month, (org.level === "unit" ? [org] : reportingUnitsUnder(idx, org.id)).map((u) => u.id));
		const [current, previous, completeness, subs] = await Promise.all([
			analytics.progress({ planId: plan.id, period: month, orgUnit: org.id }),
			yearOf(prevMonth) >= plan.startYear ? analytics.progress({ planId: plan.id, period: prevMonth, orgUnit: org.id }) : Promise.resolve(null),
			analytics.completeness({ period: month, orgUnit: org.id }, statuses),
			statuses,
		]);
		const inScope = new Set(completeness.rows.map((r) => r.unitId));
		const notes: SubmissionNote[] = subs
			.filter((s) => inScope.has(s.unitId) && (s.status === "returned" || s.status === "submitted"))
			.map((s) => ({ unitId: s.unitId, ...(s.comment ? { comment: s.comment } : {}), ...(s.reviewComment ? { reviewComment: s.reviewComment } : {}) }));

		// Data quality: units in scope that reported this month and have tracer elements on their form, from their
		// rolling items in BatchGets; a unit whose item is missing or too recent (older months) is Queried as before.
		const reported = new Map(subs.filter((s) => inScope.has(s.unitId) && counted(s)).map((s) => [s.unitId, s]));
		const tracersOf = (unit: OrgUnit) =>
			QUALITY_ELEMENTS.map((c) => idx.elementByCode.get(c)).filter((e): e is DataElement => !!e && e.frequency === "monthly" && !!unit.type && e.reportedBy.includes(unit.type));
		const units = (org.level === "unit" ? [org] : reportingUnitsUnder(idx, org.id)).filter((u) => reported.has(u.id) && tracersOf(u).length > 0);
		const repo = app.submissions(idx);
		const from = `${yearOf(month) - 3}-01`;
		const rolled = await repo.rollingTracers(units.map((u) => u.id));
		const quality = (
			await mapPool(units, 6, async (unit) => {
				const roll = rolled.get(unit.id);
				const history = (roll ? tracerMonths(roll, from, month) : null) ?? (await repo.listForUnit(unit.id, from, month));
				return qualityInputs(month, unit, tracersOf(unit), history);
			})
		).flat();

		// Trends for the binding indicators the email leads with (off track first, then behind), as compileSummary orders them.
		const rank = (s: string) => (s === "off-track" ? 0 : s === "behind" ? 1 : 9);
		const alerts = current.rows
			.filter((r) => r.nature === "binding" && rank(r.status) < 9)
			.sort((a, b) => rank(a.status) - rank(b.status) || a.order - b.order)
			.slice(0, MAX_TRENDS);
		const series: Record<string, SeriesPoint[]> = {};
		for (const r of alerts) {
			series[r.indicatorCode] = (await analytics.series({ code: r.indicatorCode, orgUnit: org.id, from: addMonths(month, -11), to: month, planId: plan.id })).points;
		}
		return { plan, org, current, previous, completeness, notes, quality, series };
	};

	const compileFrom = async (data: ScopeData, req: CompileRequest): Promise<CompiledSummary> => {
		const { locale, month } = req;
		const en = locale === "en";
		const qualityFlags = buildQualityFlags({
			locale,
			month,
			items: data.quality.map((q) => ({
				unitId: q.unit.id,
				unitName: en ? q.unit.name.en : q.unit.name.zh,
				code: q.element.code,
				elementName: en ? q.element.name.en : q.element.name.zh,
				decimals: q.element.valueType === "integer" ? 0 : 2,
				monthly: q.monthly,
				yearly: q.yearly,
			})),
		});
		const model = compileSummary({
			month,
			plan: { id: data.plan.id, name: data.plan.name },
			scope: { orgId: data.org.id, name: data.org.name, level: data.org.level },
			locale,
			current: data.current,
			previous: data.previous,
			completeness: data.completeness,
			pending: data.notes,
			qualityFlags,
			dashboardUrl: req.dashboardUrl,
			generatedAt: req.generatedAt ?? app.now().toISOString(),
		});
		// Imported on first use: ECharts, zrender and the resvg wasm are evaluated only when a summary is drawn,
		// not on a cold start that only lists the archive or edits recipients.
		const { renderSummaryCharts } = await import("./charts");
		const charts = await renderSummaryCharts(model, data.series, { maxTrends: MAX_TRENDS });
		return { model, charts, html: renderArchiveHtml(model, charts), text: renderText(model), json: JSON.stringify(model) };
	};

	/** Compiles one scope's summary for a month in one locale. */
	const compileFor = async (req: CompileRequest): Promise<CompiledSummary> => compileFrom(await loadScope(req.month, req.scopeOrg, req.planId), req);

	// ---------------------------------------------------------------------------------------------
	// Archive: SUMMARY#<scope> / M#<month>, one attribute per locale. The page goes to S3 when ARCHIVE_BUCKET is set;
	// otherwise it is gzipped into the item (and rendered without charts if it would not fit).

	const archive = async (c: CompiledSummary): Promise<void> => {
		const { model } = c;
		const entry: Record<string, unknown> = { generatedAt: model.generatedAt, model: gzipSync(c.json) };
		if (config.archiveBucket) {
			const key = `summaries/${model.scope.orgId}/${model.month}/${model.locale}.html`;
			await (await archiveS3()).put(key, c.html, "text/html; charset=utf-8");
			entry.htmlKey = key;
		} else {
			let html = gzipSync(c.html);
			if (html.length > TABLE_HTML_BUDGET) html = gzipSync(renderArchiveHtml(model));
			entry.html = html;
		}
		await app.doc.send(
			new UpdateCommand({
				TableName: app.table,
				Key: keys.summary(model.scope.orgId, model.month),
				UpdateExpression: "SET #type = :type, #month = :month, #scope = :scope, #planId = :planId, #generatedAt = :at, #loc = :entry ADD #locales :locales",
				ExpressionAttributeNames: {
					"#type": "type",
					"#month": "month",
					"#scope": "scope",
					"#planId": "planId",
					"#generatedAt": "generatedAt",
					"#loc": localeAttr(model.locale),
					"#locales": "locales",
				},
				ExpressionAttributeValues: {
					":type": "SUMMARY",
					":month": model.month,
					":scope": model.scope.orgId,
					":planId": model.planId,
					":at": model.generatedAt,
					":entry": entry,
					":locales": new Set([model.locale]),
				},
			}),
		);
	};

	/** The scopes every month is archived for, whoever is subscribed: the division and each 垦区. */
	const archiveScopes = async (): Promise<string[]> => {
		const idx = await app.catalog();
		const areas = [...idx.unitById.values()].filter((u) => u.level === "area" && u.active !== false).sort((a, b) => a.order - b.order);
		return [idx.divisionId, ...areas.map((a) => a.id)];
	};

	/** Of those, the ones with no zh-CN summary archived for the month yet (one small GetItem each). */
	const unarchivedScopes = async (month: string): Promise<string[]> => {
		const scopes = await archiveScopes();
		const have = await mapPool(scopes, 8, async (scope) => {
			const out = await app.doc.send(new GetCommand({ TableName: app.table, Key: keys.summary(scope, month), ProjectionExpression: "locales" }));
			return ((out.Item?.locales as Set<string> | undefined) ?? new Set<string>()).has("zh-CN");
		});
		return scopes.filter((_, i) => !have[i]);
	};

	/**
	 * Archive only (no mail): compiles and archives the month for every archive scope that lacks it. The first start
	 * of the local platform fills past months this way, with the same compile as the monthly run.
	 */
	const archiveMonth = async (month: string, now: Date = app.now()): Promise<{ month: string; archived: string[]; failed: string[] }> => {
		const archived: string[] = [];
		const failed: string[] = [];
		for (const scope of await unarchivedScopes(month)) {
			try {
				await archive(await compileFor({ month, scopeOrg: scope, locale: "zh-CN", dashboardUrl: dashboardUrl(), generatedAt: now.toISOString() }));
				archived.push(scope);
			} catch (err) {
				failed.push(scope);
				log.error("summary could not be archived", { month, scope, error: errorText(err) });
			}
		}
		return { month, archived, failed };
	};

	const toEntry = (item: Record<string, unknown>): ArchiveEntry => ({
		month: String(item.month),
		scope: String(item.scope),
		...(typeof item.planId === "string" ? { planId: item.planId } : {}),
		locales: [...((item.locales as Set<string> | undefined) ?? [])].sort(),
		...(typeof item.generatedAt === "string" ? { generatedAt: item.generatedAt } : {}),
	});

	/** Archived summaries of one scope, newest first. */
	const listArchiveFor = async (scope: string): Promise<ArchiveEntry[]> => {
		const items = await queryAll(app.doc, {
			TableName: app.table,
			KeyConditionExpression: "pk = :pk",
			ExpressionAttributeValues: { ":pk": keys.summaryPk(scope) },
			// Metadata only: the model and the page stay in the item until one is opened.
			ProjectionExpression: "#month, #scope, planId, locales, generatedAt",
			ExpressionAttributeNames: { "#month": "month", "#scope": "scope" },
			ScanIndexForward: false,
		});
		return items.map(toEntry);
	};

	/** The archive of an org and every org below it (the caller's readable scopes), newest month first. */
	const listArchive = async (orgUnit: string): Promise<ArchiveEntry[]> => {
		const idx = await app.catalog();
		const orgs = [...idx.unitById.values()].filter((u) => isWithin(idx, u.id, orgUnit)).sort((a, b) => (a.level === b.level ? a.order - b.order : a.level.localeCompare(b.level)));
		const lists = await mapPool(orgs, 8, (o) => listArchiveFor(o.id));
		return lists.flat().sort((a, b) => b.month.localeCompare(a.month));
	};

	const getArchived = async (month: string, scope: string, locale?: string): Promise<ArchivedSummary> => {
		const out = await app.doc.send(new GetCommand({ TableName: app.table, Key: keys.summary(scope, month) }));
		if (!out.Item) throw notFound(`${month} ${scope} 的简报尚未生成 (no summary archived for this month and scope)`);
		const entry = toEntry(out.Item);
		const chosen = [locale, "zh-CN", ...entry.locales].find((l) => l && entry.locales.includes(l)) as string | undefined;
		const part = chosen ? (out.Item[localeAttr(chosen)] as Record<string, unknown> | undefined) : undefined;
		if (!chosen || !part) throw notFound("该简报没有内容 (the archived summary has no content)");
		const model = JSON.parse(gunzipSync(part.model as Uint8Array).toString("utf8")) as SummaryModel;
		const html = typeof part.htmlKey === "string" ? await (await archiveS3()).get(part.htmlKey) : gunzipSync(part.html as Uint8Array).toString("utf8");
		return { ...entry, ...(typeof part.generatedAt === "string" ? { generatedAt: part.generatedAt } : {}), locale: chosen, model, html };
	};

	// ---------------------------------------------------------------------------------------------
	// The run

	const emailFor = (c: CompiledSummary, r: Pick<Recipient, "name" | "email">): MailMessage => {
		const email = renderEmail(c.model, c.charts, { recipientName: r.name });
		return { from: config.mailFrom, to: r.email as string, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments };
	};

	const surfaceFailures = async (month: string, failures: RunFailure[], actor: string, now: Date): Promise<void> => {
		if (failures.length === 0) return;
		emitCount(metricSink, "SummaryDeliveryFailed", failures.length, { month, recipientIds: failures.map((f) => f.recipientId) }, now);
		try {
			await audit.record({ at: now.toISOString(), by: actor, action: "summary.delivery-failed", target: month, detail: { failures } });
		} catch (err) {
			log.error("could not audit summary delivery failures", { month, error: errorText(err) });
		}
	};

	const dashboardUrl = (): string => `${config.siteUrl.replace(/\/+$/, "")}/`;

	const resolveMonth = (month: string | undefined, now: Date): string => {
		const m = month ?? lastFullMonth(now);
		if (!isMonth(m)) throw new AppError("bad-request", "月份格式应为 YYYY-MM (month must be YYYY-MM)", { month: "YYYY-MM" });
		if (isFutureMonth(m, now)) throw new AppError("bad-request", "不能为未来月份生成简报 (cannot summarise a future month)", { month: "未来月份 (future month)" });
		return m;
	};

	/**
	 * The scheduled job. Compiles each (scope, locale) once, archives it, and delivers to every active recipient
	 * exactly once per month (delivery records). Never throws for one recipient; the caller decides what a run with
	 * failures means (see functions/handlers/summary-job.ts).
	 *
	 * `to` sends ONE copy of the division's summary to that address (a preview or a test of the mail set-up): it
	 * writes no delivery record and no archive, so it neither counts as, nor blocks, the month's real delivery.
	 */
	const runMonthly = async (opts: { month?: string; dryRun?: boolean; to?: string; now?: Date; actor?: string; locale?: Locale } = {}): Promise<RunResult> => {
		const now = opts.now ?? app.now();
		const month = resolveMonth(opts.month, now);
		const dryRun = opts.dryRun === true;
		const actor = opts.actor ?? "schedule";
		const generatedAt = now.toISOString();
		const result: RunResult = { month, dryRun, recipients: 0, sent: 0, skipped: 0, failed: 0, compiled: 0, archived: 0, failures: [] };

		if (opts.to) {
			const idx = await app.catalog();
			const c = await compileFor({ month, scopeOrg: idx.divisionId, locale: opts.locale ?? "zh-CN", dashboardUrl: dashboardUrl(), generatedAt });
			const message = emailFor(c, { name: "", email: opts.to });
			result.recipients = 1;
			result.compiled = 1;
			if (dryRun) {
				result.plan = [{ recipientId: "(to)", name: opts.to, channel: "email", to: opts.to, email: opts.to, scope: idx.divisionId, locale: c.model.locale, action: "send", subject: message.subject }];
				log.info("summary dry run: would send", { month, to: opts.to, subject: message.subject });
				return result;
			}
			const transport = await openTransport();
			try {
				const { messageId } = await transport.send(message);
				result.sent = 1;
				log.info("summary preview sent", { month, to: opts.to, messageId });
			} catch (err) {
				result.failed = 1;
				result.failures.push({ recipientId: "(to)", error: errorText(err) });
				log.error("summary preview failed", { month, to: opts.to, error: errorText(err) });
			} finally {
				transport.close?.();
			}
			return result;
		}

		const everyone = await recipients.listActive();
		result.recipients = everyone.length;
		// Email goes to recipients with an address; a robot-only recipient is pushed to below.
		const active = everyone.filter((r): r is Recipient & { email: string } => !!r.email);
		const existing = new Map((await deliveries.list(month)).map((d) => [d.recipientId, d]));

		// One compile per (scope, locale), shared by its recipients; a scope's data is loaded once for both locales.
		const scopeData = new Map<string, Promise<ScopeData>>();
		const compiled = new Map<string, Promise<CompiledSummary>>();
		const groupKey = (scope: string, locale: string) => `${scope}|${locale}`;
		const compiledOf = (scope: string, locale: Locale): Promise<CompiledSummary> => {
			const key = groupKey(scope, locale);
			let c = compiled.get(key);
			if (!c) {
				let d = scopeData.get(scope);
				if (!d) {
					d = loadScope(month, scope);
					scopeData.set(scope, d);
				}
				c = d.then((data) => compileFrom(data, { month, scopeOrg: scope, locale, dashboardUrl: dashboardUrl(), generatedAt }));
				compiled.set(key, c);
			}
			return c;
		};
		const compiledFor = (r: Recipient): Promise<CompiledSummary> => compiledOf(r.scopeOrgId, r.locale);

		// Compile up front for recipients that have no record yet: a failure here (a dependency down) leaves no
		// record, so the next run or Lambda's retry tries them again, instead of recording a build failure.
		const pending = active.filter((r) => !existing.has(r.id));
		const groups = new Map(pending.map((r) => [groupKey(r.scopeOrgId, r.locale), { scope: r.scopeOrgId, locale: r.locale }]));
		// The archive stands on its own: the division and every 垦区, in zh-CN, whoever is subscribed.
		if (!dryRun) for (const scope of await unarchivedScopes(month)) groups.set(groupKey(scope, "zh-CN"), { scope, locale: "zh-CN" });
		const broken = new Map<string, string>();
		for (const g of groups.values()) {
			try {
				const c = await compiledOf(g.scope, g.locale);
				result.compiled++;
				if (!dryRun) {
					try {
						await archive(c);
						result.archived++;
					} catch (err) {
						// The archive is a copy for the site; a failed write must not hold back the email.
						log.error("summary could not be archived", { month, scope: g.scope, locale: g.locale, error: errorText(err) });
					}
				}
			} catch (err) {
				broken.set(groupKey(g.scope, g.locale), errorText(err));
				log.error("summary could not be compiled", { month, scope: g.scope, locale: g.locale, error: errorText(err) });
			}
		}
		const compileFailures: RunFailure[] = pending
			.filter((r) => broken.has(`${r.scopeOrgId}|${r.locale}`))
			.map((r) => ({ recipientId: r.id, error: `compile failed: ${broken.get(`${r.scopeOrgId}|${r.locale}`)}` }));
		const deliverable = active.filter((r) => !broken.has(`${r.scopeOrgId}|${r.locale}`) || existing.has(r.id));

		if (dryRun) {
			result.plan = [];
			for (const r of active) {
				const rec = existing.get(r.id);
				const base = { recipientId: r.id, name: r.name, channel: "email" as const, to: r.email, email: r.email, scope: r.scopeOrgId, locale: r.locale };
				if (rec) {
					result.plan.push({ ...base, action: "skip", status: rec.status });
					result.skipped++;
				} else if (!broken.has(`${r.scopeOrgId}|${r.locale}`)) {
					result.plan.push({ ...base, action: "send", subject: emailFor(await compiledFor(r), r).subject });
				}
			}
			result.failures = compileFailures;
			// The group robots, as pushMonth would do them.
			const pushPlan = await push.planMonth(month, everyone, async (r) => digestTitle((await compiledFor(r)).model));
			for (const p of pushPlan.entries) {
				result.plan.push(p);
				if (p.action === "skip") result.skipped++;
			}
			result.failures.push(...pushPlan.failures.map((f) => ({ recipientId: f.recipientId, error: f.error, channel: f.kind })));
			result.failed = result.failures.length;
			for (const p of result.plan) log.info(`summary dry run: would ${p.action}`, { month, ...p });
			return result;
		}

		const transport = deliverable.length > 0 ? await openTransport() : null;
		try {
			const report = transport
				? await deliverSummaries({
						month,
						recipients: deliverable,
						buildEmail: async (r) => emailFor(await compiledFor(r), r),
						transport,
						deliveries,
						logger: log,
						...(deps.sleep ? { sleep: deps.sleep } : {}),
					})
				: { month, sent: [], skipped: [], failed: [] };
			result.sent = report.sent.length;
			result.skipped = report.skipped.length;
			result.failures = [...compileFailures, ...report.failed.map((f) => ({ recipientId: f.recipientId, error: f.error }))];
			result.failed = result.failures.length;
		} finally {
			transport?.close?.();
		}
		// Group robots: the same exactly-once claim in its own partition; a scope compiled for the email is reused.
		const pushed = await push.pushMonth(month, everyone, async (scope, locale) => (await compiledOf(scope, locale)).model).catch((err: unknown) => {
			log.error("summary push could not run", { month, error: errorText(err) });
			return { sent: [], failed: [{ recipientId: "(push)", kind: undefined, error: `push failed: ${errorText(err)}` }] };
		});
		result.pushed = pushed.sent.length;
		result.failures.push(...pushed.failed.map((f) => ({ recipientId: f.recipientId, error: f.error, channel: f.kind })));
		result.failed = result.failures.length;
		log.info("summary run finished", { month, actor, recipients: result.recipients, sent: result.sent, pushed: result.pushed, skipped: result.skipped, failed: result.failed, compiled: result.compiled, archived: result.archived });
		await surfaceFailures(month, result.failures, actor, now);
		if (actor !== "schedule") {
			await audit.record({ at: now.toISOString(), by: actor, action: "summary.run", target: month, detail: { sent: result.sent, skipped: result.skipped, failed: result.failed } });
		}
		return result;
	};

	/** Explicit, audited resend to one recipient, whatever the month's record says (see deliver.ts resendSummary). */
	const resend = async (month: string, recipientId: string, actor: string, reason?: string, now: Date = app.now()) => {
		const m = resolveMonth(month, now);
		const recipient = await recipients.get(recipientId);
		if (!recipient) throw notFound(`收件人 ${recipientId} 不存在 (no such recipient)`);
		const email = recipient.email;
		if (!email) throw new AppError("bad-request", "该收件人没有邮箱 (this recipient has no email address)", { recipientId: "没有邮箱 (no email address)" });
		const c = await compileFor({ month: m, scopeOrg: recipient.scopeOrgId, locale: recipient.locale, dashboardUrl: dashboardUrl(), generatedAt: now.toISOString() });
		await archive(c);
		const transport = await openTransport();
		try {
			const r = await resendSummary({
				month: m,
				recipient: { ...recipient, email },
				buildEmail: () => emailFor(c, recipient),
				transport,
				deliveries,
				audit: { actor, ...(reason ? { reason } : {}) },
				logger: log,
				staleAfterMs: STALE_SENDING_MS,
				...(deps.sleep ? { sleep: deps.sleep } : {}),
			});
			if (r.outcome === "busy") throw conflict("该收件人的简报正在发送中，请稍后再试 (a send for this recipient is in progress)", { record: r.record });
			if (r.outcome === "failed") await surfaceFailures(m, [{ recipientId, error: r.entry.error }], actor, now);
			return { month: m, recipientId, ...r };
		} finally {
			transport.close?.();
		}
	};

	/** Explicit, audited resend of one recipient's group-robot push (push/channel.ts), whatever the month's push record says. */
	const resendPush = async (month: string, recipientId: string, actor: string, reason?: string, now: Date = app.now()) => {
		const m = resolveMonth(month, now);
		const recipient = await recipients.get(recipientId);
		if (!recipient) throw notFound(`收件人 ${recipientId} 不存在 (no such recipient)`);
		const c = await compileFor({ month: m, scopeOrg: recipient.scopeOrgId, locale: recipient.locale, dashboardUrl: dashboardUrl(), generatedAt: now.toISOString() });
		await archive(c);
		const r = await push.resendPush(m, recipient, c.model, { actor, ...(reason ? { reason } : {}) }, now.toISOString(), STALE_SENDING_MS);
		if (r.outcome === "busy") throw conflict("该收件人的推送正在进行中，请稍后再试 (a push for this recipient is in progress)", { record: r.record });
		if (r.outcome === "failed") await surfaceFailures(m, [{ recipientId, error: r.entry.error, channel: r.entry.kind }], actor, now);
		return { month: m, recipientId, channel: "push" as const, ...r };
	};

	/** The month's delivery records with the recipient's name and address, and active recipients not sent to yet. */
	const listDeliveries = async (month: string, now: Date = app.now()): Promise<DeliveriesView> => {
		const [records, all] = await Promise.all([deliveries.list(month), recipients.list()]);
		const byId = new Map(all.map((r) => [r.id, r]));
		const rows = records.map((d: DeliveryRecord) => {
			const r = byId.get(d.recipientId);
			const { claimToken: _token, ...rest } = d;
			return {
				...rest,
				...(r ? { name: r.name, email: r.email, scopeOrgId: r.scopeOrgId, locale: r.locale } : {}),
				// A 'sending' record this old will not finish on its own: an operator resends (or checks the mailbox).
				stuck: d.status === "sending" && now.getTime() - Date.parse(d.claimedAt) > STALE_SENDING_MS,
			};
		});
		const recorded = new Set(records.map((d) => d.recipientId));
		const notYet = all
			.filter((r): r is typeof r & { email: string } => r.active && !!r.email && !recorded.has(r.id))
			.map((r) => ({ recipientId: r.id, name: r.name, email: r.email, scopeOrgId: r.scopeOrgId }));
		// Group-robot pushes: their own records (PUSH#<month>), shown beside the email ones with the robot's masked hint.
		const pushes = (await push.deliveries.list(month)).map((d: DeliveryRecord) => {
			const r = byId.get(d.recipientId);
			const { claimToken: _token, ...rest } = d;
			return {
				...rest,
				...(r ? { name: r.name, scopeOrgId: r.scopeOrgId, locale: r.locale, ...(r.webhook ? { webhook: r.webhook } : {}) } : {}),
				stuck: d.status === "sending" && now.getTime() - Date.parse(d.claimedAt) > STALE_SENDING_MS,
			};
		});
		return { month, deliveries: rows, notYet, pushes };
	};

	// Recipients, with an audit trail (who changed the list of people who get the leaders' email).
	const recipientAdmin = {
		list: () => recipients.list(),
		// The robot's URL and secret go to the secret store (push/secret-store.ts); the item and the audit keep only its hint.
		create: async (by: string, input: RecipientInput) => {
			const { fields, writeSecret } = await push.prepare(input, null);
			const r = await recipients.create(fields);
			if (writeSecret) {
				try {
					await writeSecret(r.id);
				} catch (err) {
					await recipients.remove(r.id).catch(() => {});
					throw err;
				}
			}
			await audit.record({ at: app.now().toISOString(), by, action: "recipient.create", target: r.id, detail: { email: r.email, webhook: r.webhook?.hint, scopeOrgId: r.scopeOrgId } });
			return r;
		},
		update: async (by: string, id: string, input: RecipientInput) => {
			const existing = await recipients.get(id);
			if (!existing) throw notFound(`Recipient ${id} not found`);
			const { fields, writeSecret, removeSecret } = await push.prepare(input, existing);
			await writeSecret?.(id);
			const r = await recipients.update(id, fields);
			if (removeSecret) await push.secrets.remove(id);
			await audit.record({ at: app.now().toISOString(), by, action: "recipient.update", target: id, detail: { email: r.email, webhook: r.webhook?.hint ?? null, scopeOrgId: r.scopeOrgId, active: r.active } });
			return r;
		},
		remove: async (by: string, id: string) => {
			await recipients.remove(id);
			await push.secrets.remove(id);
			await audit.record({ at: app.now().toISOString(), by, action: "recipient.delete", target: id });
		},
	};

	/**
	 * Catch-up, on start and whenever the schedule may have been missed: the latest month whose summary is due is run
	 * in full (archived and delivered, exactly once), then up to `backfillMonths` earlier months are archived only.
	 */
	const catchUp = async (opts: { now?: Date; backfillMonths?: number; actor?: string } = {}) => {
		const now = opts.now ?? app.now();
		const month = latestDueMonth(now, config.summaryDay, config.summaryHour);
		const run = await runMonthly({ month, now, actor: opts.actor ?? "schedule" });
		const backfill = [];
		for (let k = 1; k <= (opts.backfillMonths ?? 0); k++) backfill.push(await archiveMonth(addMonths(month, -k), now));
		return { month, run, backfill };
	};

	return { compileFor, archive, archiveMonth, catchUp, listArchive, listArchiveFor, getArchived, runMonthly, resend, resendPush, listDeliveries, recipients: recipientAdmin };
};

export type SummaryService = ReturnType<typeof createSummaryService>;
