// Builds the CDK app: reads the context (infra/config.ts), creates the stage's stack and registers the
// cdk-nag AwsSolutions checks, which make the synth fail on any unacknowledged error. infra/app.ts (the
// `cdk` entry point) and the tests (test/infra) both go through here, so they check the same app.
import { App, type AppProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { readConfig } from "./config";
import { HealthPlanStack } from "./health-plan-stack";

export interface BuiltApp {
	app: App;
	stack: HealthPlanStack;
}

export function buildApp(props: AppProps & { webBuildDir?: string } = {}): BuiltApp {
	const { webBuildDir, ...appProps } = props;
	const app = new App(appProps);
	const cfg = readConfig(app.node);
	Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
	const env = cfg.region || cfg.account ? { region: cfg.region, account: cfg.account } : undefined;
	const stack = new HealthPlanStack(app, `HealthPlan-${cfg.stage}`, {
		cfg,
		env,
		webBuildDir,
		description: `健康规划指标监测平台 (${cfg.stage}, ${cfg.partition}, identity=${cfg.identity})`,
		terminationProtection: cfg.stage === "prod",
	});
	return { app, stack };
}
