// The monthly feedback card per reporting unit (单位月度反馈), sent after the month's summary (the summary-job
// function runs it after the summary and after the catch-up, and alone with `task: "feedback"`).
// - Who: the directory's enabled users with the reporter role whose org scope is the unit, with an address, who have
//   not opted out (NOTICEPREF feedback: false). One mail per reporter, in the reporter's locale (NOTICEPREF locale).
// - What: the unit's own figures beside its 垦区's and the division's (figures marked 数据不完整 where coverage is
//   short), its on-time record over 12 months, its open outlier flags and returned forms, what changed since last
//   month (feedback-compile.ts, with the summary's compile pieces and the analytics service).
// - Exactly once: the notice claim (NOTICE#<month> / R#feedback.<unit>.<username>), as the reminders; a second run
//   sends nothing. The admin's `feedback.enabled` setting turns the whole card off.
// Cost per run: one Query for the month's submissions, and per unit with a reader: its own progress this month and
// last (each reads the division's aggregates too), one Query of its own submissions (3 years); per 垦区 and the
// division, progress this month and last, once each.
import type { ProgressReport } from "../core/api-types";
import { defaultPlan } from "../core/catalog-index";
import { addMonths, yearOf } from "../core/periods";
import type { DataElement, Locale, OrgUnit } from "../core/types";
import { userDirectoryFromConfig } from "../auth/user-directory";
import { UserStore } from "../auth/user-store";
import type { App } from "../commons/app";
import { AuditRepo } from "../commons/audit-repo";
import { config } from "../commons/config";
import { createTransport } from "../commons/mail/index";
import { logger } from "../commons/observability";
import { mapPool } from "../commons/pool";
import { createAnalyticsService } from "../commons/services/analytics";
import { buildQualityFlags } from "./compile";
import { type DeliveryLogger, deliverSummaries } from "./deliver";
import { createDynamoDeliveryStore } from "./delivery-store";
import { compileFeedbackCard, type FeedbackCard } from "./feedback-compile";
import { renderFeedbackCard } from "./feedback-render";
import { createNoticeSettingsStore } from "./notice-settings";
import type { ReminderDeps } from "./reminders";
import { emitCount, QUALITY_ELEMENTS, qualityInputs } from "./service";

/** The same seams as the reminders': both are scheduled notices on the NOTICE claim. */
export type FeedbackDeps = ReminderDeps;

export interface FeedbackRunResult {
	month: string;
	/** False when an admin turned the card off (nothing is read or sent). */
	enabled: boolean;
	/** Cards compiled in this run (unit × locale). */
	compiled: number;
	sent: { id: string; unitId: string; username: string }[];
	/** Reporters whose card for the month was already sent (or is being sent, or failed before). */
	skipped: number;
	failed: { id: string; error: string }[];
	/** Units expected to report that have no enabled reporter with an address. */
	unreachable: string[];
}

interface Reader {
	id: string;
	email: string;
	username: string;
	unit: OrgUnit;
	locale: Locale;
}

export const feedbackRecipientId = (unitId: string, username: string): string => `feedback.${unitId}.${username}`;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

export const createFeedbackService = (app: App, deps: FeedbackDeps = {}) => {
	const analytics = createAnalyticsService(app);
	const audit = new AuditRepo(app.doc, app.table);
	const directory = deps.directory ?? (() => userDirectoryFromConfig(new UserStore(app.doc, app.table)));
	const openTransport = deps.transport ?? (() => createTransport());
	const notices = deps.notices ?? createDynamoDeliveryStore({ client: app.doc, tableName: app.table, partition: "NOTICE" });
	const settingsStore = deps.settings ?? createNoticeSettingsStore({ client: app.doc, tableName: app.table, now: () => app.now() });
	const log: DeliveryLogger = deps.logger ?? {
		info: (message, extra) => logger.info(message, { ...extra }),
		warn: (message, extra) => logger.warn(message, { ...extra }),
		error: (message, extra) => logger.error(message, { ...extra }),
	};
	const site = () => config.siteUrl.replace(/\/+$/, "");

	/** Sends the month's cards that have not been sent. Never throws for one reporter: failures are in the result. */
	const run = async (opts: { month: string; now?: Date }): Promise<FeedbackRunResult> => {
		const { month } = opts;
		const now = opts.now ?? app.now();
		const result: FeedbackRunResult = { month, enabled: true, compiled: 0, sent: [], skipped: 0, failed: [], unreachable: [] };
		const settings = await settingsStore.get();
		if (!settings.feedback.enabled) {
			result.enabled = false;
			log.info("feedback cards are turned off", { month });
			return result;
		}
		const idx = await app.catalog();
		const plan = defaultPlan(idx.catalog.plans, yearOf(month));
		if (!plan) {
			log.warn("feedback cards: no plan covers the month", { month });
			return result;
		}
		const division = idx.unitById.get(idx.divisionId) as OrgUnit;

		// The units expected to report monthly (as the completeness report counts them), and their readers.
		const completeness = await analytics.completeness({ period: month, orgUnit: idx.divisionId });
		const units = completeness.rows.map((r) => idx.unitById.get(r.unitId)).filter((u): u is OrgUnit => !!u);
		const reporters = (await directory().list()).filter((u) => !u.disabled && !!u.email && u.roles.includes("reporter"));
		const readers: Reader[] = [];
		for (const unit of units) {
			const own = reporters.filter((u) => u.orgScope === unit.id);
			if (own.length === 0) {
				result.unreachable.push(unit.id);
				continue;
			}
			for (const u of own) {
				const prefs = await settingsStore.prefs(u.username);
				if (!prefs.feedback) continue;
				readers.push({ id: feedbackRecipientId(unit.id, u.username), email: u.email as string, username: u.username, unit, locale: prefs.locale ?? "zh-CN" });
			}
		}
		// Cards already on record are not compiled again: a second run reads, claims nothing and sends nothing.
		const recorded = new Set((await notices.list(month)).map((d) => d.recipientId));
		const pending = readers.filter((r) => !recorded.has(r.id));
		result.skipped = readers.length - pending.length;
		if (pending.length === 0) return result;

		// Progress of the 垦区 and the division, this month and last, once each however many units share them.
		const prevMonth = addMonths(month, -1);
		const hasPrevious = yearOf(prevMonth) >= plan.startYear;
		const progressCache = new Map<string, Promise<ProgressReport | null>>();
		const progressOf = (orgUnit: string, period: string): Promise<ProgressReport | null> => {
			const key = `${orgUnit}|${period}`;
			let p = progressCache.get(key);
			if (!p) {
				p = period === prevMonth && !hasPrevious ? Promise.resolve(null) : analytics.progress({ planId: plan.id, period, orgUnit });
				progressCache.set(key, p);
			}
			return p;
		};
		const repo = app.submissions(idx);
		const cards = new Map<string, Promise<FeedbackCard>>();
		const cardOf = (unit: OrgUnit, locale: Locale): Promise<FeedbackCard> => {
			const key = `${unit.id}|${locale}`;
			let c = cards.get(key);
			if (!c) {
				c = (async () => {
					const area = unit.parentId && idx.unitById.get(unit.parentId)?.level === "area" ? (idx.unitById.get(unit.parentId) as OrgUnit) : null;
					const [unitCurrent, unitPrevious, areaCurrent, areaPrevious, divCurrent, divPrevious, subs] = await Promise.all([
						analytics.progress({ planId: plan.id, period: month, orgUnit: unit.id }),
						hasPrevious ? analytics.progress({ planId: plan.id, period: prevMonth, orgUnit: unit.id }) : Promise.resolve(null),
						area ? progressOf(area.id, month) : Promise.resolve(null),
						area ? progressOf(area.id, prevMonth) : Promise.resolve(null),
						progressOf(idx.divisionId, month),
						progressOf(idx.divisionId, prevMonth),
						repo.listForUnit(unit.id, `${yearOf(month) - 3}-01`, month),
					]);
					const en = locale === "en";
					const elements = QUALITY_ELEMENTS.map((code) => idx.elementByCode.get(code)).filter(
						(e): e is DataElement => !!e && e.frequency === "monthly" && !!unit.type && e.reportedBy.includes(unit.type),
					);
					const flags = buildQualityFlags({
						locale,
						month,
						items: qualityInputs(month, unit, elements, subs).map((q) => ({
							unitId: unit.id,
							unitName: en ? unit.name.en : unit.name.zh,
							code: q.element.code,
							elementName: en ? q.element.name.en : q.element.name.zh,
							decimals: q.element.valueType === "integer" ? 0 : 2,
							monthly: q.monthly,
							yearly: q.yearly,
						})),
					});
					const mine = subs.find((s) => s.period === month);
					const done = mine?.status === "submitted" || mine?.status === "approved";
					// The form to open: this month's while it still needs the reporter, else the next month's.
					const formPeriod = done ? addMonths(month, 1) : month;
					const dashboard = new URL(`${site()}/`);
					for (const [k, v] of Object.entries({ plan: plan.id, org: unit.id, period: month })) dashboard.searchParams.set(k, v);
					result.compiled++;
					return compileFeedbackCard({
						month,
						locale,
						generatedAt: now.toISOString(),
						unit: { id: unit.id, name: unit.name },
						plan: { name: plan.name },
						unitCurrent,
						unitPrevious,
						area: area && areaCurrent ? { name: area.name, current: areaCurrent, previous: areaPrevious } : null,
						division: { name: division.name, current: divCurrent as ProgressReport, previous: divPrevious },
						submissions: subs,
						flags,
						formUrl: `${site()}/entry?unit=${encodeURIComponent(unit.id)}&period=${encodeURIComponent(formPeriod)}`,
						dashboardUrl: dashboard.toString(),
						settingsUrl: `${site()}/notices`,
					});
				})();
				cards.set(key, c);
			}
			return c;
		};

		// Compile before claiming: a card that cannot be built (a dependency down) leaves no record, so the next run
		// tries it again instead of recording a failure.
		const broken = new Map<string, string>();
		await mapPool([...new Map(pending.map((r) => [`${r.unit.id}|${r.locale}`, r])).values()], 3, async (r) => {
			try {
				await cardOf(r.unit, r.locale);
			} catch (err) {
				broken.set(`${r.unit.id}|${r.locale}`, errorText(err));
				log.error("feedback card could not be compiled", { month, unitId: r.unit.id, locale: r.locale, error: errorText(err) });
			}
		});
		for (const r of pending) {
			const why = broken.get(`${r.unit.id}|${r.locale}`);
			if (why) result.failed.push({ id: r.id, error: `compile failed: ${why}` });
		}
		const deliverable = pending.filter((r) => !broken.has(`${r.unit.id}|${r.locale}`));

		if (deliverable.length > 0) {
			const transport = await openTransport();
			try {
				const report = await deliverSummaries({
					month,
					recipients: deliverable,
					deliveries: notices,
					transport,
					logger: log,
					what: "feedback card",
					...(deps.sleep ? { sleep: deps.sleep } : {}),
					buildEmail: async (r: Reader) => ({ from: config.mailFrom, to: r.email, ...renderFeedbackCard(await cardOf(r.unit, r.locale)) }),
				});
				const byId = new Map(deliverable.map((r) => [r.id, r]));
				for (const e of report.sent) {
					const r = byId.get(e.recipientId);
					if (r) result.sent.push({ id: r.id, unitId: r.unit.id, username: r.username });
				}
				result.skipped += report.skipped.length;
				result.failed.push(...report.failed.map((f) => ({ id: f.recipientId, error: f.error })));
			} finally {
				transport.close?.();
			}
		}
		if (result.failed.length > 0) {
			emitCount(deps.metricSink, "NoticeDeliveryFailed", result.failed.length, { period: month, ids: result.failed.map((f) => f.id) }, now);
			await audit.record({ at: now.toISOString(), by: "schedule", action: "feedback.delivery-failed", target: month, detail: { failures: result.failed } }).catch(() => {});
		}
		log.info("feedback cards finished", { month, compiled: result.compiled, sent: result.sent.length, skipped: result.skipped, failed: result.failed.length, unreachable: result.unreachable.length });
		return result;
	};

	return { run, settings: settingsStore };
};

export type FeedbackService = ReturnType<typeof createFeedbackService>;
