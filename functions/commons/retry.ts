// Retries with exponential backoff and full jitter, for transaction conflicts and throttling.

export interface RetryOptions {
	attempts?: number;
	baseMs?: number;
	maxMs?: number;
	/** Injected in tests. */
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

export class RetryableError extends Error {
	constructor(
		message: string,
		override readonly cause?: unknown,
	) {
		super(message);
		this.name = "RetryableError";
	}
}

const THROTTLE_NAMES = new Set([
	"ProvisionedThroughputExceededException",
	"ThrottlingException",
	"RequestLimitExceeded",
	"TransactionInProgressException",
	"InternalServerError",
	"ServiceUnavailable",
]);

/** Errors worth another try: conflicts, throttling, and connection failures. */
export const isTransient = (e: unknown): boolean => {
	if (e instanceof RetryableError) return true;
	const err = e as { name?: string; code?: string; $retryable?: unknown; cause?: { code?: string } };
	if (err?.name && THROTTLE_NAMES.has(err.name)) return true;
	if (err?.$retryable) return true;
	const code = err?.code ?? err?.cause?.code;
	return code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE" || code === "ETIMEDOUT" || err?.name === "TimeoutError";
};

export const withRetry = async <T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> => {
	const attempts = opts.attempts ?? 6;
	const base = opts.baseMs ?? 25;
	const max = opts.maxMs ?? 1000;
	const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
	const random = opts.random ?? Math.random;
	let last: unknown;
	for (let i = 0; i < attempts; i++) {
		try {
			return await fn(i);
		} catch (e) {
			last = e;
			if (!isTransient(e) || i === attempts - 1) throw e;
			await sleep(Math.floor(random() * Math.min(max, base * 2 ** i)));
		}
	}
	throw last;
};
