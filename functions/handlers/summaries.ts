// Lambda: everything that sends mail — monthly summaries (archive, recipients, run now / resend, delivery
// records) and completeness reminders.
import * as z from "zod";
import { getApp } from "../commons/app";
import { config, requireConfig } from "../commons/config";
import { createHandler, parseWith, type RouteRequest } from "../commons/http";
import { createReminderService } from "../summary/reminders";
import { createSummaryService } from "../summary/service";
import { monthSchema, periodParamSchema } from "../commons/schemas";
import { lastFullMonth } from "../core/periods";
import { noticePrefsSchema, noticeSettingsSchema } from "../summary/notice-settings";
import { makeRecipientInputSchema } from "../summary/recipient-store";

// Everything here may send mail: a deploy without a sender address fails at init, not at the first send.
requireConfig("tableName", "mailFrom");
const app = getApp();
const summaries = createSummaryService(app);
const reminders = createReminderService(app);
const remindQuery = z.object({ unitId: z.string().min(1).max(64), period: periodParamSchema }).passthrough();

const month = monthSchema;
const readQuery = z.object({ locale: z.enum(["zh-CN", "en"], { error: "locale 应为 zh-CN 或 en (zh-CN or en)" }).optional() }).passthrough();
const deliveriesQuery = z.object({ month: z.optional(month) }).passthrough();
const recipientId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: "收件人编号格式错误 (bad recipient id)" });
const runBody = z
	.object({
		month: z.optional(month),
		dryRun: z.boolean({ error: "应为 true 或 false (true or false)" }).optional(),
		resend: z
			.object({
				recipientId,
				reason: z.string().trim().max(500, { error: "最多500字 (at most 500 characters)" }).optional(),
				// email (default) or the recipient's group robot
				channel: z.enum(["email", "push"], { error: "应为 email 或 push (email or push)" }).optional(),
			})
			.strict()
			.optional(),
	})
	.strict();

const by = (req: RouteRequest) => req.principal!.sub;
const recipientBody = async (req: RouteRequest) => {
	const idx = await app.catalog();
	return parseWith(makeRecipientInputSchema((id) => idx.unitById.has(id), config.push.allowedHosts), req.json(), "收件人信息有误 (invalid recipient)");
};

export const handler = createHandler(
	"summaries",
	{
		"GET /api/summaries": async (req) => ({ body: { orgUnit: req.access.orgUnit, items: await summaries.listArchive(req.access.orgUnit!) } }),
		"GET /api/summaries/{month}/{scope}": async (req) => {
			const q = parseWith(readQuery, req.query);
			return { body: await summaries.getArchived(parseWith(month, req.params.month), req.params.scope as string, q.locale) };
		},
		"GET /api/admin/recipients": async () => ({ body: { recipients: await summaries.recipients.list() } }),
		"POST /api/admin/recipients": async (req) => ({ status: 201, body: await summaries.recipients.create(by(req), await recipientBody(req)) }),
		"PUT /api/admin/recipients/{recipientId}": async (req) => {
			const id = parseWith(recipientId, req.params.recipientId);
			return { body: await summaries.recipients.update(by(req), id, await recipientBody(req)) };
		},
		"DELETE /api/admin/recipients/{recipientId}": async (req) => {
			await summaries.recipients.remove(by(req), parseWith(recipientId, req.params.recipientId));
			return { status: 204 };
		},
		"POST /api/admin/summaries/run": async (req) => {
			const body = parseWith(runBody, req.rawBody().length > 0 ? req.json() : {});
			if (body.resend) {
				const m = body.month ?? lastFullMonth(app.now());
				const resend = body.resend.channel === "push" ? summaries.resendPush : summaries.resend;
				return { body: await resend(m, body.resend.recipientId, by(req), body.resend.reason) };
			}
			return { body: await summaries.runMonthly({ month: body.month, dryRun: body.dryRun, actor: by(req) }) };
		},
		"POST /api/completeness/remind": async (req) => ({ body: await reminders.remind({ ...parseWith(remindQuery, req.query), actor: by(req) }) }),
		"GET /api/admin/notices/settings": async () => ({ body: await reminders.settings.get() }),
		"PUT /api/admin/notices/settings": async (req) => ({
			body: await reminders.settings.put(parseWith(noticeSettingsSchema, req.json(), "提醒设置有误 (invalid notice settings)"), by(req)),
		}),
		"GET /api/me/notices": async (req) => ({ body: await reminders.settings.prefs(by(req)) }),
		// Return notices cannot be turned off: they carry the approver's comment the reporter must act on.
		"PUT /api/me/notices": async (req) => ({ body: await reminders.settings.setPrefs(by(req), parseWith(noticePrefsSchema, req.json(), "通知设置有误 (invalid preferences)")) }),
		"GET /api/admin/summaries/deliveries": async (req) => {
			const q = parseWith(deliveriesQuery, req.query);
			return { body: await summaries.listDeliveries(q.month ?? lastFullMonth(app.now())) };
		},
	},
	{ catalog: app.catalog },
);
