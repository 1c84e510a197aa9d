// Browser tests: a real platform (scripts/start.ts on free ports) driven by Debian's chromium.
// Run: npx vitest run --config test/browser/vitest.config.ts
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
	test: {
		root,
		include: ["test/browser/**/*.test.ts"],
		globalSetup: ["test/browser/global-setup.ts"],
		// One platform and one browser at a time: the flows share the platform's data.
		fileParallelism: false,
		testTimeout: 180_000,
		hookTimeout: 900_000,
		teardownTimeout: 60_000,
		reporters: ["default"],
	},
});
