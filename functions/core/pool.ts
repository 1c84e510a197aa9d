// The one concurrency pool (pure, so the site uses it too): DynamoDB, SMTP relays and Lambda all prefer a few
// requests in flight to a burst.

/** Runs `fn` over `items` with at most `limit` in flight; the results keep the items' order. */
export const mapPool = async <T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
	const out: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
			while (next < items.length) {
				const i = next++;
				out[i] = await fn(items[i] as T, i);
			}
		}),
	);
	return out;
};
