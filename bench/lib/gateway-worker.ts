// A local API stack in its own process: the real gateway (JWT check exactly like API Gateway's authorizer)
// invoking the real Lambda handlers, which read their configuration (TABLE_NAME, AGGREGATE_SHARDS…) from
// this process's environment, set by bench/lib/stack.ts. One process per table, because each handler keeps
// a per-container app singleton, as in Lambda.
import { startGateway } from "../../scripts/lib/gateway";

const main = async () => {
	const gw = await startGateway({ port: 0, host: "127.0.0.1", issuer: process.env.AUTH_ISSUER as string, audience: process.env.AUTH_AUDIENCE as string });
	process.stdout.write(`READY ${gw.url.replace("localhost", "127.0.0.1")}\n`);
	const stop = async () => {
		await gw.close();
		process.exit(0);
	};
	process.on("SIGTERM", () => void stop());
	process.on("SIGINT", () => void stop());
	// The parent going away (even by SIGKILL) closes stdin: stop then too, so no worker is orphaned.
	process.stdin.on("end", () => void stop());
	process.stdin.resume();
};

main().catch((e) => {
	process.stderr.write(`${(e as Error).stack ?? e}\n`);
	process.exit(1);
});
