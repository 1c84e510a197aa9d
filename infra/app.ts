// The `cdk` entry point (cdk.json: "npx tsx infra/app.ts"). Parameters: docs/deploy.md.
import { buildApp } from "./build-app";

buildApp().app.synth();
