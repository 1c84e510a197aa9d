// `npm run reset`: wipes the local DynamoDB data (and only that), so the next `npm start` seeds afresh.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lib/local-env";

const dir = join(repoRoot, ".local", "dynamodb");
if (existsSync(dir)) {
	rmSync(dir, { recursive: true, force: true });
	process.stdout.write(`Wiped ${dir}. The next npm start seeds the catalog, users and demo data again.\n`);
} else {
	process.stdout.write("Nothing to wipe: no local data yet.\n");
}
