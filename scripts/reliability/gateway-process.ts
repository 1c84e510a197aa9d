// The local API gateway as its own process, so the crash test can SIGKILL it mid-request and start it again.
// Environment: GATEWAY_PORT, AUTH_ISSUER, AUTH_AUDIENCE, and everything the handlers read (TABLE_NAME,
// DYNAMODB_ENDPOINT, ...), set by the parent (scripts/reliability/crash.ts). Prints "READY <url>" when listening.
import { startGateway } from "../lib/gateway";

const port = Number(process.env.GATEWAY_PORT);
const issuer = process.env.AUTH_ISSUER;
const audience = process.env.AUTH_AUDIENCE;
if (!Number.isInteger(port) || port <= 0 || !issuer || !audience) {
	console.error("gateway-process: GATEWAY_PORT, AUTH_ISSUER and AUTH_AUDIENCE are required");
	process.exit(2);
}

const gateway = await startGateway({ port, host: "127.0.0.1", issuer, audience, log: process.env.GATEWAY_LOG === "1" ? (l) => console.error(l) : undefined });
console.log(`READY ${gateway.url.replace("localhost", "127.0.0.1")}`);
const stop = () => void gateway.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent going away must not leave an orphan gateway.
process.on("disconnect", stop);
