// Logs and metrics come from Powertools (functions/commons/observability.ts): no hand-written console
// line, JSON log line or EMF `_aws` block under functions/.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHandler } from "../../functions/commons/http";
import { listFiles, readSource } from "../support/source-scan";

/**
 * Files that still write their own lines while their owners rework them (other changes in flight). Remove an
 * entry when its file switches to observability.ts; the list must only shrink.
 */
const HAND_WRITTEN_PENDING: string[] = [];

const HAND_WRITTEN = [/\bconsole\s*\.\s*(log|info|warn|error|debug|trace)\s*\(/, /["']?_aws["']?\s*:/, /\bprocess\s*\.\s*std(out|err)\s*\.\s*write\s*\(/];

const handWritten = (source: string): boolean => HAND_WRITTEN.some((re) => re.test(source));

describe("logging", () => {
	const offenders = listFiles("functions", [".ts"]).filter((f) => handWritten(readSource(f)));

	it("no file under functions/ writes its own log or metric lines", () => {
		expect(offenders.filter((f) => !HAND_WRITTEN_PENDING.includes(f))).toEqual([]);
	});

	it("the pending list names only files that still do", () => {
		expect(HAND_WRITTEN_PENDING.filter((f) => !offenders.includes(f))).toEqual([]);
	});

	it("recognises each hand-written form", () => {
		expect(handWritten('console.error(JSON.stringify({ level: "error" }))')).toBe(true);
		expect(handWritten("console.log(`x`)")).toBe(true);
		expect(handWritten('const line = { _aws: { Timestamp: 1, CloudWatchMetrics: [] } };')).toBe(true);
		expect(handWritten("process.stdout.write(JSON.stringify(x))")).toBe(true);
		expect(handWritten('logger.error("request failed", { requestId })')).toBe(false);
	});
});

describe("a failed request's log line", () => {
	afterEach(() => vi.restoreAllMocks());

	it("is Powertools JSON with the request id and the cold-start flag", async () => {
		// prepare: a public route that fails, and the process's output captured
		const lines: string[] = [];
		const capture = (chunk: unknown) => {
			lines.push(String(chunk));
			return true;
		};
		vi.spyOn(process.stdout, "write").mockImplementation(capture);
		vi.spyOn(process.stderr, "write").mockImplementation(capture);
		const handler = createHandler(
			"catalog",
			{
				"GET /api/health": async () => {
					throw new Error("boom");
				},
			},
			{ catalog: async () => Promise.reject(new Error("not needed")) },
		);
		const event = (requestId: string) => ({ routeKey: "GET /api/health", rawPath: "/api/health", requestContext: { requestId } }) as never;
		// act: two invocations of the same container
		const first = (await handler(event("req-first"))) as { statusCode: number };
		const second = (await handler(event("req-second"))) as { statusCode: number };
		vi.restoreAllMocks();
		// assert
		expect([first.statusCode, second.statusCode]).toEqual([500, 500]);
		const logged = lines
			.join("")
			.split("\n")
			.filter((l) => l.trim().startsWith("{"))
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(logged.map((l) => [l.level, l.requestId, l.cold_start, l.error])).toEqual([
			["ERROR", "req-first", true, "boom"],
			["ERROR", "req-second", false, "boom"],
		]);
	});
});
