// Lambda: the CloudFormation custom resource (Custom::CatalogSeed) that seeds the catalog on every deploy.
// Create and Update write the catalog items this code defines that the table lacks (CatalogRepo.seed: an
// admin's edits are kept, never overwritten); Delete writes nothing, because the table outlives the stack
// in prod and the data is never deleted by a deploy. The resource's CatalogVersion property is the code
// catalog's fingerprint, so a deploy that adds an indicator or a unit runs the seed again.
//
// The function answers CloudFormation itself (a PUT of the result to the pre-signed ResponseURL), so no
// provider framework function is needed; that works the same in aws and aws-cn. Whatever happens, it
// answers: a seed that throws is reported as FAILED with the reason, and the stack rolls back instead of
// waiting an hour for a timeout.
import type { CloudFormationCustomResourceEvent, Context } from "aws-lambda";
import { getApp } from "../commons/app";
import { logger, startInvocation } from "../commons/observability";
import { RetryableError, withRetry } from "../commons/retry";
import { codeCatalog } from "../core/catalog/index";

export const PHYSICAL_ID = "catalog-seed";

export interface SeedResponse {
	Status: "SUCCESS" | "FAILED";
	Reason: string;
	PhysicalResourceId: string;
	StackId: string;
	RequestId: string;
	LogicalResourceId: string;
	Data: Record<string, number>;
}

/** Run the seed for one custom-resource event and build CloudFormation's answer (pure apart from `seed`). */
export const seedResponse = async (event: CloudFormationCustomResourceEvent, seed: () => Promise<{ written: number; kept: number }>): Promise<SeedResponse> => {
	const base = {
		PhysicalResourceId: event.RequestType === "Create" ? PHYSICAL_ID : event.PhysicalResourceId,
		StackId: event.StackId,
		RequestId: event.RequestId,
		LogicalResourceId: event.LogicalResourceId,
	};
	if (event.RequestType === "Delete") return { Status: "SUCCESS", Reason: "nothing to delete: catalog data outlives the stack", Data: {}, ...base };
	try {
		const r = await seed();
		return { Status: "SUCCESS", Reason: `catalog seeded: ${r.written} written, ${r.kept} kept`, Data: { written: r.written, kept: r.kept }, ...base };
	} catch (e) {
		// CloudFormation shows Reason in the stack events; keep it short and free of stack traces.
		return { Status: "FAILED", Reason: `catalog seed failed: ${String((e as Error)?.message ?? e).slice(0, 400)}`, Data: {}, ...base };
	}
};

/** PUT the answer to the pre-signed URL: an empty content type, as the signature expects. */
export const respond = async (url: string, body: SeedResponse): Promise<void> => {
	const text = JSON.stringify(body);
	await withRetry(
		async () => {
			const res = await fetch(url, { method: "PUT", headers: { "content-type": "", "content-length": String(Buffer.byteLength(text)) }, body: text });
			if (!res.ok) throw new RetryableError(`CloudFormation response URL answered ${res.status}`);
		},
		{ attempts: 5, baseMs: 200, maxMs: 3000 },
	);
};

export const handler = async (event: CloudFormationCustomResourceEvent, context?: Context): Promise<void> => {
	startInvocation(context, { requestId: event.RequestId });
	const result = await seedResponse(event, () => getApp().catalogRepo.seed(codeCatalog()));
	const details = { requestType: event.RequestType, reason: result.Reason };
	if (result.Status === "SUCCESS") logger.info("catalog seed answered", details);
	else logger.error("catalog seed failed", details);
	await respond(event.ResponseURL, result);
};
