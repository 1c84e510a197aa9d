// A recipient's group robot at the edge and on the wire: the zod schema for what an admin may enter (an https URL on
// the platform's documented webhook host, or a host configured for local testing), the masked hint the API shows
// instead of the URL, and the POST with each platform's documented success check.
import * as z from "zod";
import type { RecipientWebhook } from "../../core/api-types";
import { type PushDigest, type PushKind, pushBody } from "./digest";
import { signDingTalkUrl } from "./sign";

/** Each platform's webhook, as its documentation gives it. */
export const PLATFORMS: Record<PushKind, { host: string; path: string; param: string; example: string }> = {
	wecom: { host: "qyapi.weixin.qq.com", path: "/cgi-bin/webhook/send", param: "key", example: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" },
	dingtalk: { host: "oapi.dingtalk.com", path: "/robot/send", param: "access_token", example: "https://oapi.dingtalk.com/robot/send?access_token=…" },
};

/** The robot as stored: in Secrets Manager (AWS) or the local table, never in the recipient item, a log or a response. */
export interface WebhookTarget {
	kind: PushKind;
	url: string;
	/** DingTalk 加签 secret (`SEC…`); absent when the robot checks keywords or IPs instead. */
	secret?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The webhook part of a recipient payload. `url` may be left out on an update to keep the stored robot (the API
 * never returns it, so the form cannot send it back); the service insists on it when there is none.
 */
export const makeWebhookInputSchema = (allowedHosts: readonly string[] = []) =>
	z
		.object({
			kind: z.enum(["wecom", "dingtalk"], { error: "请选择企业微信或钉钉 (choose WeCom or DingTalk)" }),
			url: z.string().trim().max(1000, "地址最多1000个字符 (the URL must be at most 1000 characters)").optional(),
			secret: z.string().trim().max(200, "加签密钥最多200个字符 (the signing secret must be at most 200 characters)").optional(),
		})
		.strict()
		.superRefine((w, ctx) => {
			const problem = (field: "url" | "secret", message: string) => ctx.addIssue({ code: "custom", path: [field], message });
			const p = PLATFORMS[w.kind];
			if (w.kind === "wecom" && w.secret) problem("secret", "企业微信群机器人没有加签密钥 (a WeCom robot has no signing secret)");
			if (w.kind === "dingtalk" && w.secret && !/^SEC[A-Za-z0-9]{16,}$/.test(w.secret))
				problem("secret", "钉钉加签密钥以 SEC 开头 (a DingTalk signing secret starts with SEC)");
			if (!w.url) return;
			let u: URL;
			try {
				u = new URL(w.url);
			} catch {
				problem("url", "不是有效的网址 (not a valid URL)");
				return;
			}
			const host = u.host.toLowerCase();
			const own = u.hostname.toLowerCase() === p.host && u.port === "";
			const override = allowedHosts.includes(host) || allowedHosts.includes(u.hostname.toLowerCase());
			const wrong = w.kind === "wecom" ? `企业微信群机器人地址应为 ${p.example} (a WeCom robot URL is ${p.example})` : `钉钉群机器人地址应为 ${p.example} (a DingTalk robot URL is ${p.example})`;
			// Plain http only for a loopback test receiver named in PUSH_ALLOWED_HOSTS: the URL is a credential.
			const schemeOk = u.protocol === "https:" || (u.protocol === "http:" && override && LOOPBACK.has(u.hostname.toLowerCase()));
			if (!schemeOk) problem("url", `群机器人地址必须使用 https (the robot URL must use https)`);
			else if (!own && !override) problem("url", wrong);
			else if (own && u.pathname !== p.path) problem("url", wrong);
			else if (!u.searchParams.get(p.param)) problem("url", `地址缺少 ${p.param} 参数 (the URL has no ${p.param} parameter)`);
			else if (u.username || u.password || u.hash) problem("url", wrong);
		});

export type WebhookInput = z.infer<ReturnType<typeof makeWebhookInputSchema>>;

/** `qyapi.weixin.qq.com …key=73fe…`: tells two robots apart without giving away the token. */
export const webhookHint = (target: Pick<WebhookTarget, "kind" | "url">): string => {
	const u = new URL(target.url);
	const token = u.searchParams.get(PLATFORMS[target.kind].param) ?? "";
	return `${u.host} …${PLATFORMS[target.kind].param}=${token.slice(0, 4)}…`;
};

/** What the recipient item and the API carry about the robot. */
export const webhookSummary = (target: WebhookTarget): RecipientWebhook => ({
	kind: target.kind,
	configured: true,
	hint: webhookHint(target),
	signed: target.kind === "dingtalk" && !!target.secret,
});

/** A push that failed. permanent: retrying the same message cannot help (the robot is gone, the token or signature is wrong). */
export class PushSendError extends Error {
	constructor(
		message: string,
		readonly permanent: boolean,
	) {
		super(message);
		this.name = "PushSendError";
	}
}

// Codes that will not change on a retry. WeCom: 93000 invalid webhook URL. DingTalk: 300001 invalid token,
// 310000 signature, keyword or IP check failed, 400102 robot disabled. Anything else (rate limits 45009 / 130101,
// system busy -1) is retried with backoff.
const PERMANENT_CODES = new Set([93000, 300001, 310000, 400102]);

export type PostJson = (url: string, body: string, signal: AbortSignal) => Promise<{ status: number; text: string }>;

const fetchPost: PostJson = async (url, body, signal) => {
	const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body, signal });
	return { status: res.status, text: await res.text() };
};

/**
 * Posts the digest. Resolves when the platform answered `{"errcode":0}`; rejects with PushSendError otherwise. The
 * error text never contains the URL, its token or the signature.
 */
export const postDigest = async (target: WebhookTarget, digest: PushDigest, options: { now?: () => number; post?: PostJson; timeoutMs?: number } = {}): Promise<void> => {
	const now = options.now ?? Date.now;
	const url = target.kind === "dingtalk" && target.secret ? signDingTalkUrl(target.url, target.secret, now()) : target.url;
	let res: { status: number; text: string };
	try {
		res = await (options.post ?? fetchPost)(url, JSON.stringify(pushBody(target.kind, digest)), AbortSignal.timeout(options.timeoutMs ?? 10_000));
	} catch (err) {
		const e = err as { name?: string; cause?: { code?: string } };
		throw new PushSendError(`${target.kind} push: ${e?.name === "TimeoutError" ? "timed out" : `network error ${e?.cause?.code ?? e?.name ?? ""}`.trim()}`, false);
	}
	if (res.status < 200 || res.status >= 300) {
		throw new PushSendError(`${target.kind} push: HTTP ${res.status}`, res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408);
	}
	let reply: { errcode?: unknown; errmsg?: unknown };
	try {
		reply = JSON.parse(res.text);
	} catch {
		throw new PushSendError(`${target.kind} push: the reply is not JSON`, false);
	}
	if (reply?.errcode !== 0) {
		const code = Number(reply?.errcode);
		const msg = String(reply?.errmsg ?? "").slice(0, 200).replace(/https?:\/\/\S+/g, "<url>");
		throw new PushSendError(`${target.kind} push: errcode ${reply?.errcode} ${msg}`.trim(), PERMANENT_CODES.has(code));
	}
};
