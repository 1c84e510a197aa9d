// An aggregate rebuild in a process of its own, so a test can kill it with SIGKILL midway (no catch block,
// no finally: the job is left exactly as a crashed Lambda leaves it). Usage: rebuild-worker.ts <table> <jobId>.
// Prints "READY <jobId>", then "write <n>" before each item write (each held back 20 ms so a kill lands
// mid-year), then "DONE".
import { createApp } from "../../functions/commons/app";
import { createDocClient } from "../../functions/commons/clients/dynamo";
import { createRebuildService } from "../../functions/metadata/rebuild";

const [table, jobId] = process.argv.slice(2);
if (!table || !jobId || !process.env.DYNAMODB_ENDPOINT) throw new Error("usage: DYNAMODB_ENDPOINT=… rebuild-worker.ts <table> <jobId>");
const app = createApp(createDocClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: "cn-northwest-1" }), table);
const pause = new Int32Array(new SharedArrayBuffer(4));
const rebuild = createRebuildService(app, {
	autoRun: false,
	concurrency: 1,
	onItemWrite: (n) => {
		process.stdout.write(`write ${n}\n`);
		Atomics.wait(pause, 0, 0, 20);
	},
});
process.stdout.write(`READY ${jobId}\n`);
const job = await rebuild.run(jobId);
process.stdout.write(`DONE ${job.status}\n`);
