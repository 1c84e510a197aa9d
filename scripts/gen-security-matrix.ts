// Rewrites the route × role matrix in docs/security.md from functions/routes.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lib/local-env";
import { MATRIX_END, MATRIX_START, securityMatrix } from "./lib/security-matrix";

const file = join(repoRoot, "docs", "security.md");
const doc = readFileSync(file, "utf8");
const block = `${MATRIX_START}\n${securityMatrix()}\n${MATRIX_END}`;
const start = doc.indexOf(MATRIX_START);
const end = doc.indexOf(MATRIX_END);
const next =
	start >= 0 && end > start
		? doc.slice(0, start) + block + doc.slice(end + MATRIX_END.length)
		: doc.replace(/## Route × role matrix\n([^\n]*\n)*?(?=\n## |$)/, (m) => `${m.trimEnd()}\n\n${block}\n`);
writeFileSync(file, next);
process.stdout.write(`docs/security.md: matrix of ${securityMatrix().split("\n").length - 2} routes written\n`);
