// Server messages are bilingual, "中文说明 (English text)"; show the half that matches the UI language.
// The English half may hold brackets and quoted Chinese of its own (`no "期间" (period) column`), so the
// split is at the bracket that opens the final, balanced group, not at the first one.
// A relative path, not $core: a node unit test loads this file without Vite's aliases.
import type { Locale } from "../../../functions/core/types";

const HAN = /[\u3400-\u9fff]/;

const splitBilingual = (message: string): { zh: string; en: string } | null => {
	const s = message.trim();
	if (!/[)）]$/.test(s)) return null;
	let depth = 0;
	for (let i = s.length - 1; i >= 0; i--) {
		const c = s[i];
		if (c === ")" || c === "）") depth++;
		else if (c === "(" || c === "（") {
			depth--;
			if (depth === 0) {
				const zh = s.slice(0, i).trim();
				const en = s.slice(i + 1, -1).trim();
				return HAN.test(zh) && /[A-Za-z]/.test(en) ? { zh, en } : null;
			}
		}
	}
	return null;
};

export const serverText = (message: string, l: Locale): string => {
	const parts = splitBilingual(message);
	if (!parts) return message;
	return l === "en" ? parts.en : parts.zh;
};
