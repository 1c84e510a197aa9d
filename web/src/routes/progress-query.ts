// The dashboard's progress request, and a head start for it: on a first load of "/", the layout asks for the
// figures while /api/me is still on its way, so the first card is one API round trip from the page load.
import type { ProgressReport } from "$core/api-types";
import { api } from "$lib/api";

/** The query the dashboard sends for a plan, org and period as they stand in its URL ("" = the API's default). */
export const progressQuery = (plan: string, org: string, period: string): Record<string, string> => ({
	...(plan ? { plan } : {}),
	...(org ? { orgUnit: org } : {}),
	...(period ? { period } : {}),
	// Sparklines come with the figures: one request instead of one per indicator.
	...(!period || /^\d{4}-\d{2}$/.test(period) ? { trend: "12" } : {}),
});

let pending: { key: string; promise: Promise<ProgressReport> } | null = null;

/** Starts the dashboard's first request from its URL; the page picks it up instead of sending its own. */
export const prefetchProgress = (params: URLSearchParams): void => {
	const query = progressQuery(params.get("plan") ?? "", params.get("org") ?? "", params.get("period") ?? "");
	const promise = api.get<ProgressReport>("/progress", query);
	// A failure is the page's to show when it takes the promise; here it must not be an unhandled rejection.
	promise.catch(() => {});
	pending = { key: JSON.stringify(query), promise };
};

/** The progress report for a query: the prefetched one when it matches (used once), else a new request. */
export const fetchProgress = (query: Record<string, string>): Promise<ProgressReport> => {
	const key = JSON.stringify(query);
	if (pending?.key === key) {
		const { promise } = pending;
		pending = null;
		return promise;
	}
	pending = null;
	return api.get<ProgressReport>("/progress", query);
};
