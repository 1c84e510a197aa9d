// The group-robot push without I/O: the digest each platform receives (format, byte budget, the cut with the archive
// link), DingTalk's signature against a fixed vector, the webhook schema at the edge, the reply check, and the
// exactly-once claim with retries and backoff on the in-memory delivery store.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compileSummary } from "../../functions/summary/compile";
import { createMemoryDeliveryStore, type DeliveryLogger } from "../../functions/summary/deliver";
import type { SummaryModel } from "../../functions/summary/model";
import { deliverPushes } from "../../functions/summary/push/deliver";
import { archiveUrlFor, buildDigest, cutLines, inert, PUSH_MAX_BYTES, pushBody, utf8Bytes } from "../../functions/summary/push/digest";
import { dingTalkSign, signDingTalkUrl } from "../../functions/summary/push/sign";
import { makeWebhookInputSchema, postDigest, PushSendError, type WebhookTarget, webhookHint } from "../../functions/summary/push/webhook";
import { summaryInput } from "./summary-fixtures";

const ARCHIVE = "https://hpm.example.cn/summaries?org=div2&month=2025-06&scope=div2";
const silent: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** The fixture's model with `n` units that have not reported, each with a Chinese name. */
const withMissing = (m: SummaryModel, n: number): SummaryModel => ({
	...m,
	missingUnits: Array.from({ length: n }, (_, i) => ({ unitId: `m${i}`, unitName: `第${i + 1}团第二社区卫生服务中心`, areaId: null, status: "missing" as const, onTime: null })),
});

describe("the digest", () => {
	it("gives WeCom the documented markdown body: binding alerts, counts by status, missing units and the archive link last", () => {
		const model = compileSummary(summaryInput());
		const digest = buildDigest(model, { kind: "wecom", archiveUrl: ARCHIVE });
		const body = pushBody("wecom", digest) as { msgtype: string; markdown: { content: string } };
		expect(Object.keys(body).sort()).toEqual(["markdown", "msgtype"]);
		expect(body.msgtype).toBe("markdown");
		const lines = body.markdown.content.split("\n");
		expect(lines[0]).toBe("### 【健康规划月报】2025年6月 第二师铁门关市");
		expect(lines).toContain("**约束性指标需关注（3项）**");
		expect(lines).toContain("- 孕产妇死亡率：偏离目标，当前值 14.2/10万（规划目标 ≤12）");
		expect(lines).toContain("已达标 2 ｜ 符合进度 1 ｜ 落后进度 2 ｜ 偏离目标 1 ｜ 暂无数据 1");
		expect(lines).toContain("**未报单位（2个）**");
		expect(lines).toContain("二十四团医院、中心血站");
		expect(lines.at(-1)).toBe(`[查看月度简报存档](${ARCHIVE})`);
		expect(digest.cut).toBe(false);
		expect(utf8Bytes(body.markdown.content)).toBeLessThanOrEqual(PUSH_MAX_BYTES);
	});

	it("gives DingTalk a title and text, in English for an English recipient, with blank lines between paragraphs", () => {
		const model = compileSummary(summaryInput({ locale: "en" }));
		const digest = buildDigest(model, { kind: "dingtalk", archiveUrl: ARCHIVE });
		const body = pushBody("dingtalk", digest) as { msgtype: string; markdown: { title: string; text: string } };
		expect(body.msgtype).toBe("markdown");
		expect(body.markdown.title).toBe("Health plan summary, June 2025, 2nd Division / Tiemenguan City");
		const paragraphs = body.markdown.text.split("\n\n");
		expect(paragraphs).toContain("- Maternal mortality ratio: Off track, 14.2 per 100,000 (target ≤12)");
		expect(paragraphs).toContain("**Binding indicators needing attention (3)**");
		expect(paragraphs.at(-1)).toBe(`[Open the archived summary](${ARCHIVE})`);
		expect(body.markdown.text).not.toMatch(/[^\n]\n[^\n]/);
	});

	it("cuts a digest over 4,096 bytes at a line boundary and ends it with the 'more in the archive' line", () => {
		const model = withMissing(compileSummary(summaryInput()), 400);
		const full = buildDigest(model, { kind: "wecom", archiveUrl: ARCHIVE, maxBytes: 1_000_000 });
		expect(utf8Bytes(full.markdown)).toBeGreaterThan(PUSH_MAX_BYTES);
		const digest = buildDigest(model, { kind: "wecom", archiveUrl: ARCHIVE });
		expect(digest.cut).toBe(true);
		const bytes = utf8Bytes(digest.markdown);
		expect(bytes).toBeLessThanOrEqual(PUSH_MAX_BYTES);
		// Packed name lines are at most ~300 bytes, so the cut wastes less than one of them.
		expect(bytes).toBeGreaterThan(PUSH_MAX_BYTES - 400);
		const lines = digest.markdown.split("\n");
		expect(lines.at(-1)).toBe(`更多内容见月度简报存档：[查看](${ARCHIVE})`);
		// Every kept line is a whole line of the uncut digest, in order, from the top.
		expect(full.markdown.split("\n").slice(0, lines.length - 1)).toEqual(lines.slice(0, -1));
		expect(digest.markdown).not.toContain("\uFFFD");
	});

	it("counts bytes, not characters: Chinese lines that fit by length but not by bytes are cut", () => {
		const line = "约".repeat(100); // 100 characters, 300 bytes
		const { text, cut } = cutLines([line, line, line], "[查看](u)", "更多(u)", "\n", 700);
		expect(cut).toBe(true);
		expect(text).toBe(`${line}\n${line}\n更多(u)`);
		expect(utf8Bytes(text)).toBe(300 + 1 + 300 + 1 + utf8Bytes("更多(u)"));
		// Exactly at the budget: not cut.
		const exact = cutLines([line], "x", "more", "\n", 302);
		expect(exact).toEqual({ text: `${line}\nx`, cut: false });
		expect(cutLines([line], "x", "more", "\n", 301).cut).toBe(true);
	});

	it("makes names inert: no mentions, font tags, links or emphasis from the data", () => {
		expect(inert("<@all> [点我](http://evil) **粗** `x`\n#2")).toBe("＜@all＞ 【点我】(http://evil) ＊＊粗＊＊ 'x' ＃2");
		const model = compileSummary(summaryInput({ completeness: { ...summaryInput().completeness, rows: [{ unitId: "x", name: { zh: "<font color=\"warning\">团</font>", en: "x" }, areaId: null, status: "missing", onTime: null }] } }));
		expect(buildDigest(model, { kind: "wecom", archiveUrl: ARCHIVE }).markdown).not.toMatch(/<font/);
	});

	it("links to the site's summaries page for that month and scope", () => {
		expect(archiveUrlFor("https://hpm.example.cn/", "2025-06", "tarim")).toBe("https://hpm.example.cn/summaries?org=tarim&month=2025-06&scope=tarim");
	});
});

describe("DingTalk signature (加签)", () => {
	it("matches a vector computed outside node", () => {
		// Computed in the shell, independently of this code:
		//   s="SEC$(printf 'x%.0s' $(seq 1 64))"; printf '1577262236757\n%s' "$s" | openssl dgst -sha256 -hmac "$s" -binary | base64
		//   → YrQKIyufsID9dqtHoZiJx4Hi+Y1tBZOk/aoh/HfiCiw=   (then URL-encoded: + / = become %2B %2F %3D)
		const secret = `SEC${"x".repeat(64)}`;
		expect(dingTalkSign(secret, 1577262236757)).toBe("YrQKIyufsID9dqtHoZiJx4Hi%2BY1tBZOk%2Faoh%2FHfiCiw%3D");
	});

	it("appends timestamp and sign to the webhook URL", () => {
		const url = signDingTalkUrl("https://oapi.dingtalk.com/robot/send?access_token=abc", "SEC0123456789abcdef0123456789abcdef", 1700000000000);
		const u = new URL(url);
		expect(u.searchParams.get("access_token")).toBe("abc");
		expect(u.searchParams.get("timestamp")).toBe("1700000000000");
		// printf '1700000000000\nSEC0123…' | openssl dgst -sha256 -hmac 'SEC0123…' -binary | base64
		expect(u.searchParams.get("sign")).toBe("hJ95/XWePTzrSwXDHEJJY1Ta0B6qiG/YMxNzB4v4U2w=");
	});
});

describe("the webhook at the edge", () => {
	const schema = makeWebhookInputSchema();
	const fieldErrors = (input: unknown, s = schema) => {
		const r = s.safeParse(input);
		return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
	};

	it("accepts each platform's documented URL", () => {
		expect(schema.safeParse({ kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx" }).success).toBe(true);
		expect(schema.safeParse({ kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=abc123", secret: `SEC${"a1".repeat(32)}` }).success).toBe(true);
	});

	it("refuses another host, plain http, a wrong path, a missing token and the other platform's URL, in both languages", () => {
		expect(fieldErrors({ kind: "wecom", url: "https://evil.example.com/cgi-bin/webhook/send?key=1" }).url).toMatch(/^企业微信群机器人地址应为 .*\(a WeCom robot URL is https:\/\/qyapi/);
		expect(fieldErrors({ kind: "wecom", url: "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1" }).url).toBe("群机器人地址必须使用 https (the robot URL must use https)");
		expect(fieldErrors({ kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/other?key=1" }).url).toMatch(/a WeCom robot URL/);
		expect(fieldErrors({ kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send" }).url).toBe("地址缺少 key 参数 (the URL has no key parameter)");
		expect(fieldErrors({ kind: "dingtalk", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1" }).url).toMatch(/a DingTalk robot URL is https:\/\/oapi\.dingtalk\.com/);
		expect(fieldErrors({ kind: "wecom", url: "not a url" }).url).toBe("不是有效的网址 (not a valid URL)");
		expect(fieldErrors({ kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", secret: "SECabc" }).secret).toMatch(/WeCom robot has no signing secret/);
		expect(fieldErrors({ kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=1", secret: "abc" }).secret).toMatch(/starts with SEC/);
		expect(fieldErrors({ kind: "slack", url: "https://hooks.slack.com/x" }).kind).toMatch(/choose WeCom or DingTalk/);
	});

	it("accepts a configured test host, over http only on loopback", () => {
		const local = makeWebhookInputSchema(["127.0.0.1:8999", "robots.test"]);
		expect(local.safeParse({ kind: "wecom", url: "http://127.0.0.1:8999/cgi-bin/webhook/send?key=k" }).success).toBe(true);
		expect(fieldErrors({ kind: "wecom", url: "http://robots.test/cgi-bin/webhook/send?key=k" }, local).url).toMatch(/must use https/);
		expect(local.safeParse({ kind: "dingtalk", url: "https://robots.test/robot/send?access_token=t" }).success).toBe(true);
		expect(fieldErrors({ kind: "wecom", url: "http://127.0.0.1:9000/cgi-bin/webhook/send?key=k" }, local).url).toMatch(/must use https/);
		expect(fieldErrors({ kind: "wecom", url: "https://127.0.0.1:9000/cgi-bin/webhook/send?key=k" }, local).url).toMatch(/a WeCom robot URL/);
	});

	it("shows a hint that does not give the token away", () => {
		const hint = webhookHint({ kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7f8e-4b7e-9c1d-123456789abc" });
		expect(hint).toBe("qyapi.weixin.qq.com …key=693a…");
	});
});

describe("posting and the reply check", () => {
	const digest = buildDigest(compileSummary(summaryInput()), { kind: "dingtalk", archiveUrl: ARCHIVE });
	const target: WebhookTarget = { kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=tok123secret", secret: "SEC0123456789abcdef0123456789abcdef" };
	const replying = (status: number, text: string) => {
		const seen: { url: string; body: string }[] = [];
		const post = async (url: string, body: string) => {
			seen.push({ url, body });
			return { status, text };
		};
		return { seen, post };
	};

	it("signs a DingTalk post with the time it is sent, and resolves on errcode 0", async () => {
		const r = replying(200, '{"errcode":0,"errmsg":"ok"}');
		await postDigest(target, digest, { post: r.post, now: () => 1700000000000 });
		const u = new URL(r.seen[0]?.url as string);
		const expected = createHmac("sha256", target.secret as string).update(`1700000000000\n${target.secret}`).digest("base64");
		expect(u.searchParams.get("sign")).toBe(expected);
		expect(JSON.parse(r.seen[0]?.body as string)).toEqual({ msgtype: "markdown", markdown: { title: digest.title, text: digest.markdown } });
	});

	it("treats HTTP 5xx, rate limits and unknown codes as transient; a bad robot as permanent; and never echoes the token", async () => {
		const outcome = async (status: number, text: string) => postDigest(target, digest, { post: replying(status, text).post }).catch((e: PushSendError) => e);
		const e500 = (await outcome(500, "")) as PushSendError;
		expect(e500).toBeInstanceOf(PushSendError);
		expect(e500.permanent).toBe(false);
		expect(((await outcome(200, '{"errcode":130101,"errmsg":"send too fast"}')) as PushSendError).permanent).toBe(false);
		expect(((await outcome(200, '{"errcode":310000,"errmsg":"sign not match, more: https://x/?access_token=tok123secret"}')) as PushSendError).permanent).toBe(true);
		expect(((await outcome(404, "")) as PushSendError).permanent).toBe(true);
		expect(((await outcome(200, "<html>")) as PushSendError).permanent).toBe(false);
		for (const e of [await outcome(500, ""), await outcome(200, '{"errcode":310000,"errmsg":"see https://x/?access_token=tok123secret"}')])
			expect((e as Error).message).not.toContain("tok123secret");
	});
});

describe("exactly once, with retries", () => {
	const model = compileSummary(summaryInput());
	const recipients = [
		{ id: "r1", webhook: { kind: "wecom" as const, configured: true as const, hint: "h", signed: false } },
		{ id: "r2", webhook: { kind: "dingtalk" as const, configured: true as const, hint: "h", signed: true } },
	];
	const targets: Record<string, WebhookTarget> = {
		r1: { kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1" },
		r2: { kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=2", secret: "SEC0123456789abcdef0123" },
	};
	const base = (deliveries = createMemoryDeliveryStore()) => ({
		month: "2025-06",
		recipients,
		deliveries,
		digestFor: async (_r: unknown, kind: WebhookTarget["kind"]) => buildDigest(model, { kind, archiveUrl: ARCHIVE }),
		targetOf: async (id: string) => targets[id] ?? null,
		logger: silent,
		random: () => 1,
	});

	it("pushes each recipient once across two runs", async () => {
		const store = createMemoryDeliveryStore();
		const sent: string[] = [];
		const post = async (t: WebhookTarget) => void sent.push(t.kind);
		const first = await deliverPushes({ ...base(store), post });
		const second = await deliverPushes({ ...base(store), post });
		expect(first.sent.map((s) => s.recipientId)).toEqual(["r1", "r2"]);
		expect(second.sent).toEqual([]);
		expect(second.skipped.map((s) => `${s.recipientId}:${s.status}`)).toEqual(["r1:sent", "r2:sent"]);
		expect(sent).toEqual(["wecom", "dingtalk"]);
	});

	it("retries a transient failure with doubling waits, then records it failed after the budget; a later run does not retry it", async () => {
		const store = createMemoryDeliveryStore();
		const waits: number[] = [];
		let calls = 0;
		const post = async () => {
			calls++;
			throw new PushSendError("wecom push: HTTP 500", false);
		};
		const r = await deliverPushes({ ...base(store), recipients: [recipients[0] as (typeof recipients)[0]], post, sleep: async (ms) => void waits.push(ms), maxAttempts: 4 });
		expect(calls).toBe(4);
		expect(waits).toEqual([2000, 4000, 8000]);
		expect(r.failed).toEqual([{ recipientId: "r1", kind: "wecom", error: "wecom push: HTTP 500", attempts: 4, permanent: false }]);
		expect(await store.get("2025-06", "r1")).toMatchObject({ status: "failed", attempts: 4, error: "wecom push: HTTP 500" });
		const again = await deliverPushes({ ...base(store), recipients: [recipients[0] as (typeof recipients)[0]], post, sleep: async () => {} });
		expect(calls).toBe(4);
		expect(again.skipped).toEqual([{ recipientId: "r1", status: "failed" }]);
	});

	it("stops at once on a permanent failure, and claims nothing when the robot's secret is missing", async () => {
		const store = createMemoryDeliveryStore();
		let calls = 0;
		const post = async () => {
			calls++;
			throw new PushSendError("dingtalk push: errcode 310000 sign not match", true);
		};
		const r = await deliverPushes({ ...base(store), targetOf: async (id) => (id === "r1" ? null : (targets[id] ?? null)), post, sleep: async () => {} });
		expect(calls).toBe(1);
		expect(r.failed.map((f) => `${f.recipientId}:${f.attempts}:${f.permanent}`)).toEqual(["r1:0:false", "r2:1:true"]);
		expect(await store.get("2025-06", "r1")).toBeNull();
		expect(await store.get("2025-06", "r2")).toMatchObject({ status: "failed" });
	});
});
