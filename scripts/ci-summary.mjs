// Prints one closing line, "N passed, N failed", from vitest JSON reports (missing files count as failures).
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
	if (!existsSync(file)) {
		console.error(`missing test report ${file}`);
		failed++;
		continue;
	}
	const r = JSON.parse(readFileSync(file, "utf8"));
	passed += r.numPassedTests ?? 0;
	failed += r.numFailedTests ?? 0;
	skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
