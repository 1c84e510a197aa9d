// Small helpers for the child processes the bench, the browser tests and the reliability runs start: wait
// for a worker's "READY <url>" line, and stop a detached process group (TERM, then KILL after a grace period).
import type { ChildProcess } from "node:child_process";

/** Resolves with the URL a worker prints as `READY <url>`; rejects if it exits first or takes over `timeoutMs`. */
export const waitForReady = (child: ChildProcess, what: string, stderr: () => string, timeoutMs = 60_000): Promise<string> =>
	new Promise<string>((resolve, reject) => {
		let out = "";
		const timer = setTimeout(() => reject(new Error(`${what} did not start in ${Math.round(timeoutMs / 1000)} s\n${stderr()}`)), timeoutMs);
		child.stdout?.on("data", (d: Buffer) => {
			out += d.toString();
			const m = /READY (\S+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				resolve(m[1] as string);
			}
		});
		child.once("exit", (code) => {
			clearTimeout(timer);
			reject(new Error(`${what} exited (${code})\n${stderr()}`));
		});
	});

/** Stop a child started with `detached: true` and everything in its process group. */
export const stopProcessGroup = async (child: ChildProcess, graceMs = 15_000): Promise<void> => {
	if (child.exitCode !== null || child.pid === undefined) return;
	const gone = new Promise<void>((r) => child.once("exit", () => r()));
	const signal = (s: NodeJS.Signals) => {
		try {
			if (child.pid !== undefined) process.kill(-child.pid, s);
		} catch {
			// Already gone.
		}
	};
	signal("SIGTERM");
	const timer = setTimeout(() => signal("SIGKILL"), graceMs);
	await gone;
	clearTimeout(timer);
};
