// A tiny store-based translator. zh-CN is the default; the choice is kept in localStorage and mirrored
// on <html lang>. Every UI string lives in the message files; names of plans, indicators and units come
// from the API as { zh, en } and go through `tx`.
import { derived, writable } from "svelte/store";
import type { I18nText, Locale } from "$core/types";
import { en } from "./en";
import { type MessageKey, zhCN } from "./zh-CN";

export type { Locale, MessageKey };

const STORAGE_KEY = "hpm.locale";
const messages: Record<Locale, Record<MessageKey, string>> = { "zh-CN": zhCN, en };

const initial = (): Locale => {
	if (typeof localStorage === "undefined") return "zh-CN";
	const saved = localStorage.getItem(STORAGE_KEY);
	return saved === "en" || saved === "zh-CN" ? saved : "zh-CN";
};

export const locale = writable<Locale>(initial());

locale.subscribe((l) => {
	if (typeof document === "undefined") return;
	document.documentElement.lang = l;
	try {
		localStorage.setItem(STORAGE_KEY, l);
	} catch {
		// Private mode: the choice simply does not persist.
	}
});

export type Params = Record<string, string | number>;

export const translate = (l: Locale, key: MessageKey, params?: Params): string => {
	const text = messages[l][key] ?? zhCN[key] ?? key;
	return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
};

/** `$t("nav.dashboard")`, `$t("coverage", { reported: 19, expected: 22 })`. */
export const t = derived(locale, (l) => (key: MessageKey, params?: Params) => translate(l, key, params));

/** Picks the current language from an API name; tolerates a missing text. */
export const tx = derived(locale, (l) => (text: I18nText | null | undefined): string => (text ? (l === "en" ? text.en || text.zh : text.zh || text.en) : ""));

export const toggleLocale = () => locale.update((l) => (l === "zh-CN" ? "en" : "zh-CN"));
