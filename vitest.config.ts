import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts", "test/infra/**/*.test.ts", "test/reliability/**/*.test.ts"],
		globalSetup: ["test/setup/dynamodb.ts"],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		pool: "forks",
		env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", TZ: "UTC" },
	},
});
