// Admin settings for the scheduled notices, and each user's opt-out of reminders. One item each on the single table:
// SETTINGS / NOTICES and NOTICEPREF / U#<username>. Reads fall back to the defaults, so a fresh table needs no seed.
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";

/** Each kind can be turned off; the days are how far ahead of the deadline, and for how long after it, to remind. */
export const noticeSettingsSchema = z
	.object({
		before: z.object({ enabled: z.boolean(), daysBefore: z.number().int().min(1, { error: "1–15 天 (1 to 15 days)" }).max(15, { error: "1–15 天 (1 to 15 days)" }) }).strict(),
		overdue: z.object({ enabled: z.boolean(), withinDays: z.number().int().min(1, { error: "1–60 天 (1 to 60 days)" }).max(60, { error: "1–60 天 (1 to 60 days)" }) }).strict(),
		returned: z.object({ enabled: z.boolean() }).strict(),
		feedback: z.object({ enabled: z.boolean() }).strict(),
	})
	.strict();
export type NoticeSettings = z.infer<typeof noticeSettingsSchema>;

export const DEFAULT_NOTICE_SETTINGS: NoticeSettings = {
	before: { enabled: true, daysBefore: 3 },
	overdue: { enabled: true, withinDays: 20 },
	returned: { enabled: true },
	feedback: { enabled: true },
};

/**
 * A user may opt out of reminders (before and overdue) and the feedback card, never of return notices. `locale`
 * is the language of the feedback card (absent: zh-CN).
 */
export const noticePrefsSchema = z
	.object({ reminders: z.boolean(), feedback: z.boolean(), locale: z.enum(["zh-CN", "en"], { error: "zh-CN 或 en (zh-CN or en)" }).optional() })
	.strict();
export type NoticePrefs = z.infer<typeof noticePrefsSchema>;
export const DEFAULT_NOTICE_PREFS: NoticePrefs = { reminders: true, feedback: true };

const SETTINGS_KEY = { pk: "SETTINGS", sk: "NOTICES" };
const prefKey = (username: string) => ({ pk: "NOTICEPREF", sk: `U#${username}` });

export const createNoticeSettingsStore = (opts: { client: DynamoDBDocumentClient; tableName: string; now?: () => Date }) => {
	const { client, tableName: TableName } = opts;
	const now = opts.now ?? (() => new Date());
	return {
		async get(): Promise<NoticeSettings> {
			const out = await client.send(new GetCommand({ TableName, Key: SETTINGS_KEY }));
			const parsed = noticeSettingsSchema.safeParse(out.Item?.settings);
			return parsed.success ? parsed.data : DEFAULT_NOTICE_SETTINGS;
		},
		async put(settings: NoticeSettings, by: string): Promise<NoticeSettings> {
			await client.send(new PutCommand({ TableName, Item: { ...SETTINGS_KEY, type: "SETTINGS", settings, updatedBy: by, updatedAt: now().toISOString() } }));
			return settings;
		},
		async prefs(username: string): Promise<NoticePrefs> {
			const out = await client.send(new GetCommand({ TableName, Key: prefKey(username) }));
			const parsed = noticePrefsSchema.safeParse(out.Item?.prefs);
			return parsed.success ? parsed.data : DEFAULT_NOTICE_PREFS;
		},
		async setPrefs(username: string, prefs: NoticePrefs): Promise<NoticePrefs> {
			await client.send(new PutCommand({ TableName, Item: { ...prefKey(username), type: "NOTICEPREF", prefs, updatedAt: now().toISOString() } }));
			return prefs;
		},
	};
};
export type NoticeSettingsStore = ReturnType<typeof createNoticeSettingsStore>;
