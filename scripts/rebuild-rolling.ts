// Builds (or repairs) every reporting unit's rolling item (functions/core/rolling.ts) from its submissions, with
// the years it has data in (`yrs`, the aggregate rebuild's index): the migration for data written before rolling
// items, or before they recorded years. Optional: until it runs, a unit without an item is read
// the old way (the 12-month Query, the summary's per-unit Query) and gets its item on its next write. Safe while
// the platform runs: each item is written on condition of the `ver` it was read with, and redone if a submission
// landed in between. Running it twice changes nothing the second time.
//   AWS_REGION=cn-northwest-1 npx tsx scripts/rebuild-rolling.ts --table <TableName output> [--units t33,t34]
//   locally: DYNAMODB_ENDPOINT=http://localhost:8000 npx tsx scripts/rebuild-rolling.ts --table hpm-local
import { parseArgs } from "node:util";
import { createApp } from "../functions/commons/app";
import { createDocClient } from "../functions/commons/clients/dynamo";
import { mapPool } from "../functions/core/pool";

const { values } = parseArgs({ options: { table: { type: "string" }, units: { type: "string" } }, allowPositionals: false });
if (!values.table) {
	console.error("usage: npx tsx scripts/rebuild-rolling.ts --table <name> [--units a,b]");
	process.exit(2);
}

const app = createApp(createDocClient(), values.table);
const idx = await app.catalog();
const repo = app.submissions(idx);
const wanted = values.units ? new Set(values.units.split(",").map((u) => u.trim())) : null;
const units = idx.catalog.units.filter((u) => u.level === "unit" && (!wanted || wanted.has(u.id)));
const now = new Date().toISOString();
let changed = 0;
let done = 0;
await mapPool(units, 8, async (u) => {
	if (await repo.rebuildRolling(u.id, now)) changed++;
	if (++done % 500 === 0) console.log(`${done} / ${units.length} units`);
});
console.log(`Rolling items: ${units.length} units checked, ${changed} written, ${units.length - changed} already right.`);
