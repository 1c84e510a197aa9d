import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MATRIX_END, MATRIX_START, securityMatrix } from "../../scripts/lib/security-matrix";

describe("docs/security.md", () => {
	it("holds the route × role matrix as generated from functions/routes.ts", () => {
		const doc = readFileSync(new URL("../../docs/security.md", import.meta.url), "utf8");
		const start = doc.indexOf(MATRIX_START);
		const end = doc.indexOf(MATRIX_END);
		expect(start, "matrix markers missing: run npx tsx scripts/gen-security-matrix.ts").toBeGreaterThan(0);
		expect(doc.slice(start + MATRIX_START.length, end).trim()).toBe(securityMatrix());
	});
});
