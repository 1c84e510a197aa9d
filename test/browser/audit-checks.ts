// The layout and language checks of the UI audit (test/browser/audit.test.ts), run inside the page. Each
// returns findings as short strings; an empty list is a pass. Conventions: docs/ui.md.
import type { Page } from "playwright-core";

export interface LayoutFindings {
	/** document scrollWidth beyond the window's width, in px (0 = no horizontal page scroll). */
	overflowPx: number;
	/** The widest elements sticking out past the right edge, to say what overflows. */
	overflowCulprits: string[];
	/** Text of 2+ characters rendered one character per line. */
	oneCharWraps: string[];
}

/**
 * Horizontal page overflow and one-character-per-line text. A text is "one character per line" when it
 * has 2+ characters, breaks over 2+ lines and no line is as wide as 1.5 em (a CJK character is 1 em, a
 * Latin letter about 0.6 em), i.e. its box is narrower than two characters. Screen-reader-only text
 * (clipped to 1 px on purpose) does not count.
 */
export const layoutFindings = (page: Page): Promise<LayoutFindings> =>
	page.evaluate(() => {
		const describe = (el: Element): string => {
			const id = el.id ? `#${el.id}` : "";
			const cls = typeof el.className === "string" && el.className.trim() ? `.${el.className.trim().split(/\s+/).slice(0, 2).join(".")}` : "";
			return `${el.tagName.toLowerCase()}${id}${cls}`;
		};
		// Text kept for screen readers only: .sr-only, or any box clipped away (a visually hidden table head).
		const hiddenOnPurpose = (el: Element | null): boolean => {
			if (!el || el.closest(".sr-only, script, style, noscript, template, svg, [hidden]")) return true;
			for (let a: Element | null = el; a && a !== document.body; a = a.parentElement) {
				const cs = getComputedStyle(a);
				if (cs.clip.startsWith("rect(0") || cs.clipPath.startsWith("inset(50%")) return true;
			}
			return false;
		};
		const doc = document.documentElement;
		const overflowPx = Math.max(0, doc.scrollWidth - window.innerWidth);
		const overflowCulprits: string[] = [];
		if (overflowPx > 0) {
			for (const el of document.body.querySelectorAll("*")) {
				const r = el.getBoundingClientRect();
				if (r.width > 0 && r.right > window.innerWidth + 1) {
					// Only the outermost offender: its children overflow because it does.
					const parent = el.parentElement?.getBoundingClientRect();
					if (parent && parent.right > window.innerWidth + 1) continue;
					// Content scrolled inside a box (a wide table in its wrapper) does not widen the page.
					let scroller = el.parentElement;
					while (scroller && scroller !== document.body && getComputedStyle(scroller).overflowX === "visible") scroller = scroller.parentElement;
					if (scroller && scroller !== document.body) continue;
					overflowCulprits.push(`${describe(el)} right=${Math.round(r.right)}`);
					if (overflowCulprits.length >= 5) break;
				}
			}
		}
		const oneCharWraps: string[] = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		const range = document.createRange();
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const text = (node.textContent ?? "").trim();
			if ([...text].length < 2) continue;
			const parent = node.parentElement;
			if (!parent || hiddenOnPurpose(parent)) continue;
			const style = getComputedStyle(parent);
			if (style.visibility === "hidden" || style.display === "none") continue;
			range.selectNodeContents(node);
			const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
			if (rects.length < 2) continue;
			const lines = new Map<number, number>();
			for (const r of rects) lines.set(Math.round(r.top), Math.max(lines.get(Math.round(r.top)) ?? 0, r.width));
			if (lines.size < 2) continue;
			const em = Number.parseFloat(style.fontSize) || 16;
			const widest = Math.max(...lines.values());
			if (widest < 1.5 * em) oneCharWraps.push(`${describe(parent)} "${text.slice(0, 30)}" (${lines.size} lines, ${Math.round(widest)}px wide)`);
			if (oneCharWraps.length >= 8) break;
		}
		return { overflowPx, overflowCulprits, oneCharWraps };
	});

/** Whether an element's box lies (at least partly) inside the viewport. */
export const inViewport = (page: Page, selector: string): Promise<boolean> =>
	page.locator(selector).first().evaluate((el) => {
		const r = el.getBoundingClientRect();
		return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
	});

/**
 * The user-facing text of the page in one language: visible text, plus the accessible names and hints
 * (aria-label, title, placeholder, alt) that a screen reader or a tooltip shows. Text inside an element
 * marked with another language (`lang="zh-CN"` on a Chinese name in an English page, `lang="en"` on a
 * technical detail in a Chinese page) is intentional and left out, as is user-written text marked
 * translate="no" (a reporter's comment is in whatever language its writer used).
 */
export const pageText = (page: Page, otherLang: "zh" | "en"): Promise<string[]> =>
	page.evaluate((other) => {
		// User-written text (comments, people's names) is marked translate="no": not UI text.
		const marked = (el: Element | null) => {
			if (el?.closest("[translate='no']")) return true;
			const l = el?.closest("[lang]")?.getAttribute("lang") ?? "";
			return el !== document.documentElement && l.toLowerCase().startsWith(other) && el?.closest("[lang]") !== document.documentElement;
		};
		const out: string[] = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const text = (node.textContent ?? "").trim();
			const parent = node.parentElement;
			if (!text || !parent || parent.closest("script, style, noscript, template") || marked(parent)) continue;
			out.push(text);
		}
		for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder], img[alt]")) {
			if (marked(el)) continue;
			for (const a of ["aria-label", "title", "placeholder", "alt"]) {
				const v = el.getAttribute(a)?.trim();
				if (v) out.push(v);
			}
		}
		out.push(document.title);
		return out;
	}, otherLang);

const HAN = /\p{Script=Han}+/gu;

/** Runs of Han characters in English text, except the allowed proper names. */
export const hanOutside = (texts: string[], allowed: readonly string[]): string[] => {
	const found = new Set<string>();
	for (const t of texts) {
		let rest = t;
		for (const a of allowed) rest = rest.split(a).join(" ");
		for (const m of rest.matchAll(HAN)) found.add(`${m[0]}  ← "${t.slice(0, 60)}"`);
	}
	return [...found];
};

/**
 * English sentences in Chinese text: four or more Latin words in a row (a sentence such as "Not a valid
 * email address"), outside codes, e-mail addresses and URLs. Single words and codes (CHILDCARE_PLACES,
 * OIDC, PDF) are fine.
 */
export const englishSentences = (texts: string[]): string[] => {
	const found = new Set<string>();
	for (const t of texts) {
		const cleaned = t.replace(/\S+@\S+/g, " ").replace(/https?:\/\/\S+/g, " ");
		const m = cleaned.match(/\b[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']*){3,}/);
		if (m) found.add(`"${m[0]}"  ← "${t.slice(0, 80)}"`);
	}
	return [...found];
};
