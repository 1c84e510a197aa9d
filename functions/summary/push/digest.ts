// The group-robot digest: a short markdown message for a WeCom or DingTalk group, built from the summary model. It
// names the binding (约束性) indicators that need attention, the counts by status, the units that have not reported,
// and links to the archived summary. Pure: no I/O, so the format and the byte cut are unit-tested.
//
// Both platforms bound the message: WeCom's markdown.content is at most 4,096 bytes of UTF-8 (a Chinese character is
// 3 bytes). DingTalk documents no figure for markdown; the same budget keeps the two messages alike. When the digest
// does not fit it is cut at a line boundary and ends with a line pointing to the archive.
import type { IndicatorStatus, Locale } from "../../core/types";
import { type BindingTally, type BindingVerdict, bindingTally, bindingVerdict, formatMonthLabel, formatNumber, pick, STATUS_LABELS, STATUSES, type SummaryModel } from "../model";

export type PushKind = "wecom" | "dingtalk";

/** WeCom's documented limit for markdown.content, in UTF-8 bytes. */
export const PUSH_MAX_BYTES = 4096;

export interface PushDigest {
	/** DingTalk shows it in the notification; WeCom has no title field (it leads the content instead). */
	title: string;
	/** The markdown body, within maxBytes. */
	markdown: string;
	/** True when lines were left out and the last line points to the archive. */
	cut: boolean;
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, "utf8");

/**
 * Text from the catalog or the data, made inert for robot markdown: no mentions or font tags (`<@id>`, `<font>`),
 * no links or emphasis it did not ask for, one line.
 */
export const inert = (s: string): string =>
	s
		.replace(/[\r\n]+/g, " ")
		.replace(/</g, "＜")
		.replace(/>/g, "＞")
		.replace(/\[/g, "【")
		.replace(/\]/g, "】")
		.replace(/[*_`#]/g, (c) => ({ "*": "＊", _: "＿", "`": "'", "#": "＃" })[c] as string)
		.trim();

/**
 * Keeps whole lines from the top while they and the closing line fit in maxBytes; the closing line always ends the
 * message. Returns the lines kept and whether any were left out.
 */
export const cutLines = (lines: string[], closing: string, moreLine: string, separator: string, maxBytes: number): { text: string; cut: boolean } => {
	const whole = [...lines, closing].join(separator);
	if (utf8Bytes(whole) <= maxBytes) return { text: whole, cut: false };
	const kept: string[] = [];
	let size = utf8Bytes(moreLine);
	for (const line of lines) {
		const add = utf8Bytes(line) + utf8Bytes(separator);
		if (size + add > maxBytes) break;
		kept.push(line);
		size += add;
	}
	return { text: [...kept, moreLine].join(separator), cut: true };
};

/** Names packed into lines of at most lineBytes, so a long list can still be cut at a line boundary. */
const packNames = (names: string[], joiner: string, lineBytes: number): string[] => {
	const out: string[] = [];
	let line = "";
	for (const n of names) {
		const next = line ? `${line}${joiner}${n}` : n;
		if (line && utf8Bytes(next) > lineBytes) {
			out.push(line);
			line = n;
		} else line = next;
	}
	if (line) out.push(line);
	return out;
};

const words = (locale: Locale) =>
	locale === "en"
		? {
				title: (m: SummaryModel) => `Health plan summary, ${formatMonthLabel(m.month, "en")}, ${inert(m.scope.name)}`,
				provisional: (m: SummaryModel) => `Data incomplete (${m.reporting.reported} of ${m.reporting.expected} units reported): the figures are provisional.`,
				binding: {
					none: () => "**Binding indicators: none off track or behind**",
					alerts: (t) => `**Binding indicators needing attention (${t.alerts})**`,
					"all-fine": () => "**Binding indicators: none off track or behind**",
					"some-unjudged": (t) => `**Binding indicators: ${t.fine} achieved or on track, ${t.unjudged} not yet judged (data incomplete)**`,
					"none-judged": () => "**Binding indicators: not yet judged (data incomplete)**",
				} satisfies Record<BindingVerdict, (t: BindingTally) => string>,
				alert: (name: string, status: string, value: string, target: string | null) => `- ${name}: ${status}, ${value}${target ? ` (target ${target})` : ""}`,
				counts: "**Indicators by status**",
				missing: (n: number) => (n > 0 ? `**Units not reported (${n})**` : "**Every unit has reported**"),
				joiner: ", ",
				archive: (url: string) => `[Open the archived summary](${url})`,
				more: (url: string) => `More in the archive: [open the archived summary](${url})`,
			}
		: {
				title: (m: SummaryModel) => `【健康规划月报】${formatMonthLabel(m.month, "zh-CN")} ${inert(m.scope.name)}`,
				provisional: (m: SummaryModel) => `数据不完整（${m.reporting.expected}个单位中${m.reporting.reported}个已上报），以下为暂定数字。`,
				binding: {
					none: () => "**约束性指标：无偏离目标或落后进度**",
					alerts: (t) => `**约束性指标需关注（${t.alerts}项）**`,
					"all-fine": () => "**约束性指标：无偏离目标或落后进度**",
					"some-unjudged": (t) => `**约束性指标：${t.fine}项达标或符合进度，${t.unjudged}项数据不足暂不判断**`,
					"none-judged": () => "**约束性指标：数据不足，暂不判断**",
				} satisfies Record<BindingVerdict, (t: BindingTally) => string>,
				alert: (name: string, status: string, value: string, target: string | null) => `- ${name}：${status}，当前值 ${value}${target ? `（规划目标 ${target}）` : ""}`,
				counts: "**指标状态**",
				missing: (n: number) => (n > 0 ? `**未报单位（${n}个）**` : "**各单位均已上报**"),
				joiner: "、",
				archive: (url: string) => `[查看月度简报存档](${url})`,
				more: (url: string) => `更多内容见月度简报存档：[查看](${url})`,
			};

/** Statuses always shown in the counts line; the others only when some indicator has them. */
const ALWAYS: ReadonlySet<IndicatorStatus> = new Set(["achieved", "on-track", "behind", "off-track"]);

export interface DigestOptions {
	kind: PushKind;
	/** The site's summaries page for this month and scope. */
	archiveUrl: string;
	maxBytes?: number;
}

/** The digest for one summary model, in the model's locale, within the byte budget. */
/** The message's title (DingTalk's notification line; WeCom's first line), also what a dry run lists. */
export const digestTitle = (m: SummaryModel): string => words(m.locale).title(m);

export const buildDigest = (m: SummaryModel, options: DigestOptions): PushDigest => {
	const w = words(m.locale);
	const maxBytes = options.maxBytes ?? PUSH_MAX_BYTES;
	// DingTalk's markdown joins single newlines into one paragraph; WeCom keeps them.
	const separator = options.kind === "dingtalk" ? "\n\n" : "\n";
	const title = digestTitle(m);
	const lines: string[] = [`### ${title}`];
	if (m.reporting.provisional) lines.push(`> ${w.provisional(m)}`);
	const tally = bindingTally(m);
	lines.push(w.binding[bindingVerdict(tally)](tally));
	for (const i of m.bindingAlerts) {
		// The email's spacing: "14.2/10万", "2.90 per 1,000".
		const tight = m.locale !== "en" || i.uom.startsWith("/") || i.uom === "%" || i.uom === "‰" || !i.uom;
		const value = i.value === null ? "—" : `${formatNumber(i.value, i.decimals)}${tight ? "" : " "}${inert(i.uom)}`;
		lines.push(w.alert(inert(i.name), pick(STATUS_LABELS[i.status], m.locale), value, i.target === null ? null : inert(i.target)));
	}
	lines.push(w.counts);
	lines.push(STATUSES.filter((s) => ALWAYS.has(s) || m.counts[s] > 0).map((s) => `${pick(STATUS_LABELS[s], m.locale)} ${m.counts[s]}`).join(" ｜ "));
	lines.push(w.missing(m.missingUnits.length));
	lines.push(...packNames(m.missingUnits.map((u) => inert(u.unitName)), w.joiner, 300));
	const url = options.archiveUrl;
	const { text, cut } = cutLines(lines, w.archive(url), w.more(url), separator, maxBytes);
	return { title, markdown: text, cut };
};

/** The site's summaries page opened on one month and scope (the page reads org, month and scope from the query). */
export const archiveUrlFor = (siteUrl: string, month: string, scope: string): string => {
	const q = new URLSearchParams({ org: scope, month, scope });
	return `${siteUrl.replace(/\/+$/, "")}/summaries?${q.toString()}`;
};

/** The request body each platform documents for a markdown message. */
export const pushBody = (kind: PushKind, digest: PushDigest): Record<string, unknown> =>
	kind === "wecom"
		? { msgtype: "markdown", markdown: { content: digest.markdown } }
		: { msgtype: "markdown", markdown: { title: digest.title, text: digest.markdown } };
