// Logging and metrics for every function, from Powertools (as its examples/app does): one Logger and one
// Metrics per container. Powertools reads its own settings (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL,
// POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_DEV), which infra/constructs/project-function.ts sets.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";

export const logger = new Logger();

/**
 * CloudWatch metrics in the embedded metric format: addMetric(...) then publishStoredMetrics(). Marked pure so
 * a bundle that never records a metric leaves the Metrics package out (about 12 KB).
 */
export const metrics = /* @__PURE__ */ new Metrics();
export { MetricUnit };

let coldStart = true;

/**
 * Call at the start of every invocation: every log line until the next one carries the request id and the
 * cold-start flag. With a Lambda context, Powertools adds its own (cold_start, function_request_id, function
 * name and memory); the local gateway invokes without one, so the flag is kept here too.
 */
export const startInvocation = (context: Context | undefined, keys: { requestId?: string; [key: string]: unknown } = {}): void => {
	logger.resetKeys();
	if (context) logger.addContext(context);
	else logger.appendKeys({ cold_start: coldStart });
	coldStart = false;
	logger.appendKeys(keys);
};
