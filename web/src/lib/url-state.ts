// Page filters live in the query string, so a view can be bookmarked, shared and returned to.
import { goto } from "$app/navigation";
import { page } from "$app/state";
import { mapPool } from "$core/pool";

export const setParams = (updates: Record<string, string | null | undefined>): Promise<void> => {
	const url = new URL(page.url);
	for (const [k, v] of Object.entries(updates)) {
		if (v === null || v === undefined || v === "") url.searchParams.delete(k);
		else url.searchParams.set(k, v);
	}
	return goto(`${url.pathname}${url.search}`, { replaceState: true, keepFocus: true, noScroll: true });
};

/** The one concurrency pool (sparklines, completeness months: a handful of requests at a time). */
export const pool = async <T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> => {
	await mapPool(items, limit, task);
};
