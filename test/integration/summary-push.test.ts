// The group-robot push end to end: recipients with a WeCom or DingTalk robot saved through the real summaries Lambda
// behind the local gateway (field-level 400s, the URL kept out of the item and the response), the summary-job Lambda
// run twice against a local HTTP receiver (node:http on 127.0.0.1) that checks each platform's documented format,
// byte limit and DingTalk signature, and a failing robot retried with backoff, then surfaced as failed.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../functions/commons/keys";
import type { SummaryPlanEntry } from "../../functions/core/api-types";
import type { DeliveryLogger } from "../../functions/summary/deliver";
import { createSummaryService } from "../../functions/summary/service";
import { type Caller, type Harness, startHarness } from "../support/harness";

const MONTH = "2025-06";
const RUN_AT = new Date("2025-07-15T02:00:00Z");
const silent: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };
const DING_SECRET = `SEC${"0123456789abcdef".repeat(4)}`;

interface Received {
	path: string;
	query: URLSearchParams;
	body: Record<string, unknown>;
	/** Problems with the request against the platform's documented format. */
	problems: string[];
	at: number;
}

let server: Server;
let base: string;
let h: Harness;
let admin: Caller;
const received: Received[] = [];
/** Replies queued per robot token; the default is `{"errcode":0,"errmsg":"ok"}`. */
const replies = new Map<string, { status: number; body: string }[]>();
const ids: Record<string, string> = {};

const byteLength = (s: unknown) => Buffer.byteLength(String(s), "utf8");

/** What each platform's documentation says a markdown message must look like. */
const check = (path: string, query: URLSearchParams, body: Record<string, unknown>): string[] => {
	const problems: string[] = [];
	const md = body.markdown as Record<string, unknown> | undefined;
	if (body.msgtype !== "markdown" || !md) return ["msgtype is not markdown"];
	if (path === "/cgi-bin/webhook/send") {
		if (!query.get("key")) problems.push("no key");
		if (Object.keys(md).join() !== "content" || typeof md.content !== "string") problems.push("wecom markdown must be {content}");
		if (byteLength(md.content) > 4096) problems.push(`content is ${byteLength(md.content)} bytes`);
	} else if (path === "/robot/send") {
		if (!query.get("access_token")) problems.push("no access_token");
		if (typeof md.title !== "string" || typeof md.text !== "string") problems.push("dingtalk markdown must have title and text");
		if (byteLength(md.text) > 4096) problems.push(`text is ${byteLength(md.text)} bytes`);
		if (query.get("access_token") === "ding-signed") {
			const ts = Number(query.get("timestamp"));
			if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > 3600_000) problems.push("timestamp missing or more than an hour off");
			// Independently of the code under test: HMAC-SHA256(secret, `${timestamp}\n${secret}`), Base64.
			const expected = createHmac("sha256", DING_SECRET).update(`${query.get("timestamp")}\n${DING_SECRET}`).digest("base64");
			if (query.get("sign") !== expected) problems.push("sign does not verify");
		}
	} else problems.push(`unexpected path ${path}`);
	return problems;
};

const robotUrl = (kind: "wecom" | "dingtalk", token: string) =>
	kind === "wecom" ? `${base}/cgi-bin/webhook/send?key=${token}` : `${base}/robot/send?access_token=${token}`;
const tokenOf = (r: Received) => r.query.get("key") ?? r.query.get("access_token") ?? "";

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const url = new URL(req.url ?? "/", "http://127.0.0.1");
			let body: Record<string, unknown> = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
			} catch {
				/* recorded as a problem below */
			}
			const r: Received = { path: url.pathname, query: url.searchParams, body, problems: check(url.pathname, url.searchParams, body), at: Date.now() };
			if (req.method !== "POST" || !String(req.headers["content-type"]).startsWith("application/json")) r.problems.push("not a JSON POST");
			received.push(r);
			const next = replies.get(tokenOf(r))?.shift() ?? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
			res.writeHead(next.status, { "content-type": "application/json" }).end(next.body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	const port = typeof address === "object" && address ? address.port : 0;
	base = `http://127.0.0.1:${port}`;
	// Before any handler loads: config is parsed once.
	// The job handler opens a mail transport for the recipient with an address; its email is sent in the first run (by
	// an injected transport), so the second run skips it and this server is never contacted.
	Object.assign(process.env, { PUSH_ALLOWED_HOSTS: `127.0.0.1:${port}`, SITE_URL: "https://hpm.example.cn", MAIL_TRANSPORT: "smtp", SMTP_HOST: "127.0.0.1", SMTP_PORT: "9", SMTP_SECURE: "false" });
	h = await startHarness();
	admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
}, 120_000);

afterAll(async () => {
	await h?.stop();
	await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe("recipients with a group robot", () => {
	it("refuses a bad robot with field-level messages in both languages and writes nothing", async () => {
		const before = (await admin.call("GET", "/api/admin/recipients")).body.recipients.length;
		const wrongHost = await admin.call("POST", "/api/admin/recipients", {
			body: { name: "群", scopeOrgId: "div", webhook: { kind: "wecom", url: "https://evil.example.com/cgi-bin/webhook/send?key=1" } },
		});
		expect(wrongHost.status).toBe(400);
		expect(wrongHost.body.error.fields["webhook.url"]).toMatch(/^企业微信群机器人地址应为 .+ \(a WeCom robot URL is https:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/webhook\/send\?key=…\)$/);
		const badSecret = await admin.call("POST", "/api/admin/recipients", {
			body: { name: "群", scopeOrgId: "div", webhook: { kind: "dingtalk", url: robotUrl("dingtalk", "t"), secret: "not-a-secret" } },
		});
		expect(badSecret.body.error.fields["webhook.secret"]).toMatch(/钉钉加签密钥以 SEC 开头 \(a DingTalk signing secret starts with SEC\)/);
		const neither = await admin.call("POST", "/api/admin/recipients", { body: { name: "群", scopeOrgId: "div", email: "" } });
		expect(neither.status).toBe(400);
		expect(neither.body.error.fields.email).toBe("请填写邮箱或群机器人 (an email address or a group robot is required)");
		expect((await admin.call("GET", "/api/admin/recipients")).body.recipients).toHaveLength(before);
	}, 60_000);

	it("stores the URL and secret outside the recipient item and shows only a masked hint", async () => {
		const wecom = await admin.call("POST", "/api/admin/recipients", {
			body: { name: "师领导群", scopeOrgId: "div", webhook: { kind: "wecom", url: robotUrl("wecom", "wecom-ok-token") } },
		});
		expect(wecom.status).toBe(201);
		expect(wecom.body.webhook).toEqual({ kind: "wecom", configured: true, hint: `${new URL(base).host} …key=weco…`, signed: false });
		expect(wecom.body).not.toHaveProperty("email");
		ids.wecom = wecom.body.id;
		const ding = await admin.call("POST", "/api/admin/recipients", {
			body: { name: "Tarim group", email: "tarim@example.cn", scopeOrgId: "tarim", locale: "en", webhook: { kind: "dingtalk", url: robotUrl("dingtalk", "ding-signed"), secret: DING_SECRET } },
		});
		expect(ding.status).toBe(201);
		expect(ding.body.webhook).toMatchObject({ kind: "dingtalk", signed: true });
		ids.ding = ding.body.id;
		const flaky = await admin.call("POST", "/api/admin/recipients", { body: { name: "库尔勒群", scopeOrgId: "korla", webhook: { kind: "wecom", url: robotUrl("wecom", "flaky") } } });
		ids.flaky = flaky.body.id;
		const broken = await admin.call("POST", "/api/admin/recipients", { body: { name: "焉耆群", scopeOrgId: "yanqi", webhook: { kind: "wecom", url: robotUrl("wecom", "broken") } } });
		ids.broken = broken.body.id;

		const listed = JSON.stringify((await admin.call("GET", "/api/admin/recipients")).body);
		for (const secret of ["wecom-ok-token", "ding-signed", DING_SECRET, "/cgi-bin/webhook"]) expect(listed).not.toContain(secret);
		const item = await h.app.doc.send(new GetCommand({ TableName: h.table, Key: keys.recipient(ids.ding as string) }));
		expect(JSON.stringify(item.Item)).not.toContain("ding-signed");
		expect(JSON.stringify(item.Item)).not.toContain(DING_SECRET);

		// An edit without the URL keeps the stored robot; null removes it (and its secret).
		const kept = await admin.call("PUT", `/api/admin/recipients/${ids.wecom}`, { body: { name: "师领导群（新）", scopeOrgId: "div", webhook: { kind: "wecom" } } });
		expect(kept.status).toBe(200);
		expect(kept.body.webhook.hint).toBe(wecom.body.webhook.hint);
		const temp = await admin.call("POST", "/api/admin/recipients", { body: { name: "临时", email: "t@example.cn", scopeOrgId: "div", webhook: { kind: "wecom", url: robotUrl("wecom", "temp") } } });
		const dropped = await admin.call("PUT", `/api/admin/recipients/${temp.body.id}`, { body: { name: "临时", email: "t@example.cn", scopeOrgId: "div", active: false, webhook: null } });
		expect(dropped.body).not.toHaveProperty("webhook");
		expect((await h.app.doc.send(new GetCommand({ TableName: h.table, Key: keys.pushSecret(temp.body.id) }))).Item).toBeUndefined();
	}, 60_000);
});

describe("the monthly push", () => {
	it("pushes the documented format exactly once across two runs, retries a flaky robot with backoff, and surfaces a broken one", async () => {
		// flaky: HTTP 500 twice, then ok. broken: errcode ≠ 0 on every attempt (4 attempts).
		replies.set("flaky", [
			{ status: 500, body: "busy" },
			{ status: 500, body: "busy" },
		]);
		replies.set("broken", Array.from({ length: 8 }, () => ({ status: 200, body: '{"errcode":-1,"errmsg":"system busy"}' })));
		const waits: number[] = [];
		const lines: string[] = [];
		const service = createSummaryService(h.app, {
			logger: silent,
			metricSink: (l) => lines.push(l),
			sleep: async (ms) => void waits.push(ms),
			transport: async () => ({ send: async () => ({ messageId: "<m@test>" }) }),
		});

		// A dry run through the API lists each robot a run would push to, with the message's title and the masked hint,
		// beside the one email; it pushes and records nothing.
		const preview = await admin.call("POST", "/api/admin/summaries/run", { body: { month: MONTH, dryRun: true } });
		expect(preview.status).toBe(200);
		const planned = preview.body.plan as SummaryPlanEntry[];
		expect(planned.map((p) => `${p.name} ${p.channel} ${p.action}`).sort()).toEqual(
			["Tarim group dingtalk send", "Tarim group email send", "库尔勒群 wecom send", "师领导群（新） wecom send", "焉耆群 wecom send"].sort(),
		);
		expect(planned.find((p) => p.recipientId === ids.wecom)).toMatchObject({ subject: "【健康规划月报】2025年6月 第二师铁门关市", to: `${new URL(base).host} …key=weco…` });
		expect(planned.find((p) => p.channel === "dingtalk")?.subject).toMatch(/^Health plan summary, June 2025, /);
		expect(JSON.stringify(preview.body)).not.toContain("key=wecom-ok-token");
		expect(received).toHaveLength(0);
		expect((await admin.call("GET", `/api/admin/summaries/deliveries?month=${MONTH}`)).body.pushes).toEqual([]);

		const first = await service.runMonthly({ month: MONTH, now: RUN_AT });
		expect(first.pushed).toBe(3);
		expect(first.failures).toEqual([{ recipientId: ids.broken, channel: "wecom", error: "wecom push: errcode -1 system busy" }]);
		expect(first.sent).toBe(1); // the Tarim group's email address
		// Retries: flaky waited twice, broken three times, each wait about double the one before (jittered to 50–100 %).
		expect(waits).toHaveLength(5);
		const [f1, f2, b1, b2, b3] = waits as [number, number, number, number, number];
		expect([f1, b1].every((w) => w >= 1000 && w <= 2000)).toBe(true);
		expect([f2, b2].every((w) => w >= 2000 && w <= 4000)).toBe(true);
		expect(b3 >= 4000 && b3 <= 8000).toBe(true);
		expect(JSON.parse(lines[0] as string).SummaryDeliveryFailed).toBe(1);

		const byToken = (t: string) => received.filter((r) => tokenOf(r) === t);
		expect(byToken("wecom-ok-token")).toHaveLength(1);
		expect(byToken("ding-signed")).toHaveLength(1);
		expect(byToken("flaky")).toHaveLength(3);
		expect(byToken("broken")).toHaveLength(4);
		for (const r of received) expect(r.problems, `${r.path} ${tokenOf(r)}`).toEqual([]);
		const wecomText = String((byToken("wecom-ok-token")[0]?.body.markdown as { content: string } | undefined)?.content);
		expect(wecomText.split("\n")[0]).toBe("### 【健康规划月报】2025年6月 第二师铁门关市");
		// No data reported yet in this table: the digest says so, judges no binding indicator either way, and names the 21 units.
		expect(wecomText.split("\n").slice(1, 3)).toEqual(["> 数据不完整（21个单位中0个已上报），以下为暂定数字。", "**约束性指标：数据不足，暂不判断**"]);
		expect(wecomText).toContain("**未报单位（21个）**");
		expect(wecomText).toContain("师库尔勒医院、");
		expect(wecomText.split("\n").at(-1)).toBe("[查看月度简报存档](https://hpm.example.cn/summaries?org=div&month=2025-06&scope=div)");
		const ding = byToken("ding-signed")[0]?.body.markdown as { title: string; text: string };
		expect(ding.title).toMatch(/^Health plan summary, June 2025, /);
		expect(ding.text.split("\n\n").at(-1)).toBe("[Open the archived summary](https://hpm.example.cn/summaries?org=tarim&month=2025-06&scope=tarim)");

		// The second run of the job (the real Lambda handler): nothing is pushed again, the failed robot is not retried.
		const job = (await import("../../functions/handlers/summary-job")).handler as (e: unknown) => Promise<{ pushed?: number; failed: number }>;
		const count = received.length;
		const second = await job({ month: MONTH });
		expect(second.pushed).toBe(0);
		expect(second.failed).toBe(0);
		expect(received.length).toBe(count);

		const records = await h.app.doc.send(new QueryCommand({ TableName: h.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `PUSH#${MONTH}` } }));
		const status = Object.fromEntries((records.Items ?? []).map((i) => [i.recipientId, `${i.status}:${i.attempts}`]));
		expect(status).toEqual({ [ids.wecom as string]: "sent:1", [ids.ding as string]: "sent:1", [ids.flaky as string]: "sent:3", [ids.broken as string]: "failed:4" });

		// Admins see the failure beside the email deliveries, with the robot's hint and never its URL.
		const listing = await admin.call("GET", `/api/admin/summaries/deliveries?month=${MONTH}`);
		const failed = listing.body.pushes.find((p: { recipientId: string }) => p.recipientId === ids.broken);
		expect(failed).toMatchObject({ status: "failed", attempts: 4, error: "wecom push: errcode -1 system busy", webhook: { kind: "wecom" } });
		expect(JSON.stringify(listing.body)).not.toContain("key=broken");

		// After the run a dry run skips every robot, with its record's status.
		const after = (await admin.call("POST", "/api/admin/summaries/run", { body: { month: MONTH, dryRun: true } })).body.plan as SummaryPlanEntry[];
		expect(Object.fromEntries(after.filter((p) => p.channel !== "email").map((p) => [p.recipientId, `${p.action}:${p.status}`]))).toEqual({
			[ids.wecom as string]: "skip:sent",
			[ids.ding as string]: "skip:sent",
			[ids.flaky as string]: "skip:sent",
			[ids.broken as string]: "skip:failed",
		});

		// An explicit resend pushes once more (the robot answers now).
		replies.delete("broken");
		const resend = await admin.call("POST", "/api/admin/summaries/run", { body: { month: MONTH, resend: { recipientId: ids.broken, channel: "push", reason: "群机器人已恢复" } } });
		expect(resend.status).toBe(200);
		expect(resend.body.outcome).toBe("sent");
		expect(byToken("broken")).toHaveLength(5);
		// A recipient without a robot cannot be pushed to.
		const mailOnly = await admin.call("POST", "/api/admin/recipients", { body: { name: "Mail only", email: "m@example.cn", scopeOrgId: "div" } });
		const noRobot = await admin.call("POST", "/api/admin/summaries/run", { body: { month: MONTH, resend: { recipientId: mailOnly.body.id, channel: "push" } } });
		expect(noRobot.status).toBe(400);
	}, 180_000);
});
