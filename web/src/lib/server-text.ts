// Server messages are bilingual, "中文说明 (English text)"; show the half that matches the UI language.
import type { Locale } from "$core/types";

const BILINGUAL = /^(.*[\u3400-\u9fff].*?)\s*[（(]([^()（）]*[A-Za-z][^()（）]*)[)）]\s*$/s;

export const serverText = (message: string, l: Locale): string => {
	const m = BILINGUAL.exec(message.trim());
	if (!m) return message;
	return l === "en" ? (m[2] as string).trim() : (m[1] as string).trim();
};
