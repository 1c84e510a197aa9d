// The long form of the reliability suite: `npm run test:reliability` (RELIABILITY_LONG=1). The fast form of
// the same files runs in `npm test` through the root config. Same global DynamoDB Local as the root config.
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/reliability/**/*.test.ts", "test/integration/access-matrix.test.ts"],
		globalSetup: ["test/setup/dynamodb.ts"],
		testTimeout: 900_000,
		hookTimeout: 300_000,
		pool: "forks",
		// One file at a time: the crash test owns a second DynamoDB Local and the machine has 2 cores.
		fileParallelism: false,
		env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", TZ: "UTC" },
	},
});
