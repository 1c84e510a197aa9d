// Synthesizes the real CDK app (infra/build-app.ts, with cdk.json's context and the cdk-nag checks) for a
// test. Bundling is skipped unless asked for: the template is the same, only the code assets differ, and
// test/infra/bundling.test.ts bundles once to prove the handlers build. A missing handler entry still
// fails here, because NodejsFunction checks the entry file exists even without bundling.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import cdkJson from "../../cdk.json" with { type: "json" };
import { buildApp } from "../../infra/build-app";
import type { HealthPlanStack } from "../../infra/health-plan-stack";

export interface Synthesized {
	stack: HealthPlanStack;
	template: Template;
	/** The template as JSON text, for scans that must see every string. */
	text: string;
	resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
	/** The cloud assembly directory (staged assets live here). */
	outdir: string;
}

/** A directory that is certainly not a web build (tests must not depend on `npm run build`). */
export const NO_WEB_BUILD = join(tmpdir(), "health-plan-no-web-build");

export function synth(context: Record<string, unknown>, opts: { bundling?: boolean; webBuildDir?: string; outdir?: string } = {}): Synthesized {
	const outdir = opts.outdir ?? mkdtempSync(join(tmpdir(), "health-plan-cdk-"));
	const { stack } = buildApp({
		context: {
			...cdkJson.context,
			...context,
			...(opts.bundling ? {} : { "aws:cdk:bundling-stacks": [] }),
		},
		outdir,
		webBuildDir: opts.webBuildDir ?? NO_WEB_BUILD,
	});
	// Template.fromStack synthesizes the app, which runs the cdk-nag plugin: an unacknowledged
	// AwsSolutions error throws here and fails the test.
	const template = Template.fromStack(stack);
	const json = template.toJSON() as { Resources: Synthesized["resources"] };
	return { stack, template, text: JSON.stringify(json), resources: json.Resources, outdir };
}

export const ofType = (s: Synthesized, type: string) =>
	Object.entries(s.resources)
		.filter(([, r]) => r.Type === type)
		.map(([id, r]) => ({ id, props: (r.Properties ?? {}) as Record<string, unknown>, resource: r }));

/** Every IAM policy statement in the template, with the logical id of its policy. */
export const statements = (s: Synthesized) =>
	ofType(s, "AWS::IAM::Policy").flatMap(({ id, props }) =>
		((props.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement ?? []).map((st) => ({
			policy: id,
			actions: ([] as string[]).concat(st.Action as string | string[]),
			resources: ([] as unknown[]).concat(st.Resource as unknown),
			statement: st,
		})),
	);

/** The logical id of the resource at a construct. */
export const logicalId = (s: Synthesized, construct: { node: { defaultChild?: unknown } }): string =>
	s.stack.getLogicalId((construct.node.defaultChild ?? construct) as Parameters<HealthPlanStack["getLogicalId"]>[0]);

/** Every string anywhere in a JSON value. */
export const allStrings = (v: unknown): string[] => {
	if (typeof v === "string") return [v];
	if (Array.isArray(v)) return v.flatMap(allStrings);
	if (v && typeof v === "object") return Object.values(v).flatMap(allStrings);
	return [];
};

/**
 * For each API route key, the function its integration invokes, by the stack's function name (s.stack.functions):
 * read from the template (Route.Target → Integration.IntegrationUri → Function), not from the code that built it.
 */
export const routeFunctions = (s: Synthesized): Map<string, string | undefined> => {
	const fnById = new Map(Object.entries(s.stack.functions).map(([name, fn]) => [logicalId(s, fn as never), name]));
	const integrations = new Map(ofType(s, "AWS::ApiGatewayV2::Integration").map((i) => [i.id, i.props]));
	return new Map(
		ofType(s, "AWS::ApiGatewayV2::Route").map((r) => {
			const integrationId = JSON.stringify(r.props.Target ?? "").match(/"Ref":"([^"]+)"/)?.[1];
			const uri = integrationId ? integrations.get(integrationId)?.IntegrationUri : undefined;
			const fnId = JSON.stringify(uri ?? "").match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)?.[1];
			return [r.props.RouteKey as string, fnId ? fnById.get(fnId) : undefined];
		}),
	);
};

/**
 * Each (effect, action, resource) of the policies on a function's role, as "Allow action on resource" strings: for
 * comparing one function's rights with another's (a split-off function must not hold more than its origin). The
 * function's own log group reads as "<own log group>", so that two functions' log rights compare equal.
 */
export const rolePermissions = (s: Synthesized, fnName: keyof Synthesized["stack"]["functions"]): string[] => {
	const fn = s.stack.functions[fnName];
	const roleId = logicalId(s, fn?.role as never);
	const ownLogs = JSON.stringify({ "Fn::GetAtt": [logicalId(s, fn?.functionLogGroup as never), "Arn"] });
	return statements(s)
		.filter((st) => ((s.resources[st.policy]?.Properties?.Roles ?? []) as { Ref: string }[]).some((r) => r.Ref === roleId))
		.flatMap((st) =>
			st.actions.flatMap((a) => st.resources.map((r) => `${String(st.statement.Effect)} ${a} on ${JSON.stringify(r) === ownLogs ? "<own log group>" : JSON.stringify(r)}`)),
		)
		.sort();
};
