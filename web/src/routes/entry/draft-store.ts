// Unsaved form input kept in localStorage per unit and period, so a reload, a closed tab or a dropped
// connection loses nothing. Cleared once the server has the figures.

export interface LocalDraft {
	/** What the reporter typed, as typed (parsing happens on save). */
	raw: Record<string, string>;
	comment: string;
	/** The server version the edits were made on. */
	baseVersion: number;
	at: string;
}

const key = (unitId: string, period: string) => `hpm.draft.v1.${unitId}.${period}`;

export const readDraft = (unitId: string, period: string): LocalDraft | null => {
	try {
		const s = localStorage.getItem(key(unitId, period));
		if (!s) return null;
		const d = JSON.parse(s) as Partial<LocalDraft>;
		if (!d || typeof d.raw !== "object" || d.raw === null) return null;
		return { raw: d.raw as Record<string, string>, comment: typeof d.comment === "string" ? d.comment : "", baseVersion: Number(d.baseVersion) || 0, at: String(d.at ?? "") };
	} catch {
		return null;
	}
};

export const writeDraft = (unitId: string, period: string, draft: LocalDraft): boolean => {
	try {
		localStorage.setItem(key(unitId, period), JSON.stringify(draft));
		return true;
	} catch {
		return false;
	}
};

export const clearDraft = (unitId: string, period: string): void => {
	try {
		localStorage.removeItem(key(unitId, period));
	} catch {
		// Nothing to do: storage unavailable.
	}
};

const FULL_WIDTH = /[\uff10-\uff19\uff0e\uff0d]/g;

/** "1,234" / "１２３４" / " 12.5 " → number; "" → null; anything else → NaN (reported as a type error). */
export const parseInput = (s: string | undefined): number | null => {
	if (s === undefined) return null;
	const norm = s
		.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/[\s,，]/g, "");
	if (norm === "") return null;
	if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(norm)) return Number.NaN;
	return Number(norm);
};

export const toInput = (v: number | null | undefined): string => (v === null || v === undefined ? "" : String(v));
