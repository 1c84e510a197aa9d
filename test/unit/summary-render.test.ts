import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import type { ChartImage } from "../../functions/summary/charts";
import { compileSummary } from "../../functions/summary/compile";
import { escapeHtml, renderArchiveHtml, renderEmail, safeUrl } from "../../functions/summary/render";
import { completeness, summaryInput } from "./summary-fixtures";

const SCRIPT = "<script>alert(1)</script>";
const IMG = "<img src=x onerror=alert(1)>";

const fakeChart = (name: string): ChartImage => ({
	cid: `${name}.2025-06@summary`,
	filename: `${name}.png`,
	content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
	contentType: "image/png",
	alt: `图 ${name}`,
	width: 600,
	height: 220,
});

/** A model where every user-supplied string is hostile. */
const hostileModel = () =>
	compileSummary(
		summaryInput({
			completeness: completeness({ u1: `第二师医院${SCRIPT}`, u3: `二十二团${IMG}`, u4: `"><svg onload=alert(1)>`, u5: `师疾控${IMG}` }),
			pending: [
				{ unitId: "u3", reviewComment: `请核实${SCRIPT}`, comment: IMG },
				{ unitId: "u2", comment: `<a href="javascript:alert(1)">x</a>` },
			],
			qualityFlags: [{ unitId: "u1", unitName: `医院${IMG}`, code: "X", elementName: `门诊${SCRIPT}`, kind: "outlier", detail: `详情${IMG}` }],
			scope: { orgId: "div2", name: { zh: `第二师${SCRIPT}`, en: "x" }, level: "division" },
		}),
	);

describe("escapeHtml", () => {
	it("escapes the characters that open tags and break out of attributes", () => {
		expect(escapeHtml(`<a href="x" onclick='y'>&\`</a>`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;");
		expect(escapeHtml(null)).toBe("");
		expect(escapeHtml(12.5)).toBe("12.5");
	});

	it("lets only http(s) URLs into links", () => {
		expect(safeUrl("javascript:alert(1)")).toBe("#");
		expect(safeUrl("data:text/html,<script>")).toBe("#");
		expect(safeUrl("https://a.example/d?plan=p&org=o")).toBe("https://a.example/d?plan=p&amp;org=o");
	});
});

describe("renderEmail", () => {
	it("escapes unit names, comments, scope and recipient name: no raw tag survives", () => {
		const email = renderEmail(hostileModel(), [fakeChart("status-overview")], { recipientName: `王主任${SCRIPT}` });

		for (const html of [email.html, renderArchiveHtml(hostileModel())]) {
			// (.test, not toMatch: a failure would print the whole email.)
			expect(/<script/i.test(html)).toBe(false);
			expect(/<img src=x/i.test(html)).toBe(false);
			expect(/<svg/i.test(html)).toBe(false);
			expect(/<a href="javascript/i.test(html)).toBe(false);
			// No real tag carries an event handler; escaped text may still spell "onerror=" harmlessly.
			expect(/<[a-z][^>]*\son[a-z]+=/i.test(html)).toBe(false);
			expect(html.includes("师疾控&lt;img src=x onerror=alert(1)&gt;")).toBe(true);
			expect(html.includes("二十二团&lt;img src=x onerror=alert(1)&gt;")).toBe(true);
			expect(html.includes("&quot;&gt;&lt;svg onload=alert(1)&gt;")).toBe(true);
			expect(html.includes("第二师&lt;script&gt;alert(1)&lt;/script&gt;")).toBe(true);
		}
		expect(email.html.includes("请核实&lt;script&gt;")).toBe(true);
		expect(email.html.includes("王主任&lt;script&gt;")).toBe(true);
		expect(email.html.includes("门诊&lt;script&gt;")).toBe(true);
		// The plain text carries the text as typed: it is never interpreted as markup.
		expect(email.text.includes(`师疾控${IMG}`)).toBe(true);
		expect(email.subject).not.toMatch(/[\r\n]/);
	});

	it("uses inline styles only: no <style>, <link>, scripts, classes, external images or fonts", () => {
		const email = renderEmail(compileSummary(summaryInput()), [fakeChart("status-overview"), fakeChart("trend-gp")]);
		const html = email.html;

		expect(html).not.toMatch(/<style|<link|<script|\sclass=|@import|@font-face|url\(/i);
		const srcs = [...html.matchAll(/<img[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]);
		expect(srcs.length).toBe(2);
		expect(srcs.every((s) => s?.startsWith("cid:"))).toBe(true);
		// Every element with presentation carries it inline; the card is 640px max.
		expect(html).toContain("max-width:640px");
		expect((html.match(/style="/g) ?? []).length).toBeGreaterThan(50);
	});

	it("references exactly the attached images by cid and attaches the workbook", () => {
		const charts = [fakeChart("status-overview"), fakeChart("trend-gp")];
		const email = renderEmail(compileSummary(summaryInput()), charts);

		const referenced = [...email.html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]).sort();
		const inline = email.attachments.filter((a) => a.cid).map((a) => a.cid).sort();
		expect(referenced).toEqual(inline);
		expect(inline).toEqual(charts.map((c) => c.cid).sort());
		const xlsx = email.attachments.find((a) => a.filename.endsWith(".xlsx"));
		expect(xlsx?.filename).toBe("健康规划月度摘要-2025-06-div2.xlsx");
		expect(Object.keys(unzipSync(new Uint8Array(xlsx?.content ?? [])))).toContain("xl/worksheets/sheet1.xml");
	});

	it("shows binding alerts before highlights, labels status in words and makes 约束性 stand out", () => {
		const email = renderEmail(compileSummary(summaryInput()));
		const html = email.html;

		const alerts = html.indexOf("约束性指标预警（3项）");
		expect(alerts).toBeGreaterThan(0);
		expect(alerts).toBeLessThan(html.indexOf("本月要点"));
		expect(html.indexOf("孕产妇死亡率")).toBeLessThan(html.indexOf("每万人口全科医生数"));
		for (const label of ["偏离目标", "落后进度", "已达标", "符合进度", "暂无数据"]) expect(html).toContain(label);
		expect(html).toMatch(/background-color:#82071e;color:#ffffff;[^"]*font-weight:bold[^"]*">约束性</);
		expect(html).toContain('href="https://monitor.example.cn/dashboard?plan=plan-14th&amp;org=div2&amp;period=2025-06"');
		// The fixture's fourth binding indicator has no data: the subject says it is not judged, not that it is fine.
		expect(email.subject).toBe("【健康规划月报】2025年6月 第二师铁门关市：3项约束性指标需关注，1项暂不能判断");
	});

	it("has a plain-text alternative with the same content", () => {
		const m = compileSummary(summaryInput());
		const { text, html } = renderEmail(m);

		for (const s of [...m.highlights, "二十四团医院", "中心血站", "师疾控中心", "床位数与上月差异过大，请核实", m.dashboardUrl, "孕产妇系统管理率"]) {
			expect(text).toContain(s);
		}
		expect(html).toContain("床位数与上月差异过大，请核实");
		expect(text).not.toMatch(/<[a-z]/i);
		expect(text.indexOf("约束性指标预警")).toBeLessThan(text.indexOf("本月要点"));
	});

	it("renders English when the locale is en", () => {
		const email = renderEmail(compileSummary(summaryInput({ locale: "en" })));

		expect(email.html).toContain('lang="en"');
		expect(email.html).toContain("Binding indicators needing attention (3)");
		expect(email.html).toContain(">Binding<");
		expect(email.subject).toBe("Health plan summary, June 2025, 2nd Division / Tiemenguan City: 3 binding indicators need attention, 1 not yet judged");
		expect(email.attachments[0]?.filename).toBe("health-plan-summary-2025-06-div2.xlsx");
	});
});

describe("renderArchiveHtml", () => {
	it("is a standalone page with the same body and charts inline as data URIs", () => {
		const m = compileSummary(summaryInput());
		const page = renderArchiveHtml(m, [fakeChart("status-overview")]);
		const email = renderEmail(m, [fakeChart("status-overview")], { xlsx: false });

		expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
		expect(page).toContain('<html lang="zh-CN">');
		expect(page).toContain('src="data:image/png;base64,iVBORw=="');
		expect(page).not.toContain("cid:");
		const body = (s: string) => s.slice(s.indexOf("<body"), s.indexOf("</body>")).replace(/src="[^"]*"/g, "");
		expect(body(page)).toBe(body(email.html));
		expect(strFromU8(new TextEncoder().encode(page))).not.toMatch(/<script/i);
	});
});
