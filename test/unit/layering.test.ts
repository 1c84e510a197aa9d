// The folder rules of docs/architecture.md ("Where things live"), enforced on the source:
// - functions/core/ imports nothing outside functions/core/ (no packages either, beyond CORE_PACKAGES);
// - web/ imports from functions/ only functions/core/ (through the `$core` alias);
// - functions/commons/ imports nothing from functions/summary/.
import { describe, expect, it } from "vitest";
import { importSpecifiers, isUnder, listFiles, readSource, resolveSpecifier } from "../support/source-scan";

/** Packages the core may import. The core imports none today; add one here only with a reason. */
const CORE_PACKAGES: string[] = [];

/**
 * commons/ files that still import from summary/ while the summary feature moves into functions/summary/
 * (another change in flight). Remove each entry when its file moves; the list must only shrink.
 */
const COMMONS_TO_SUMMARY_PENDING: string[] = [];

const WEB_ALIASES = { $core: "functions/core", $lib: "web/src/lib" };

interface SourceFile {
	file: string;
	source: string;
}

const load = (dir: string, exts: string[]): SourceFile[] => listFiles(dir, exts).map((file) => ({ file, source: readSource(file) }));

const coreViolations = (files: SourceFile[]): string[] =>
	files.flatMap(({ file, source }) =>
		importSpecifiers(source).flatMap((spec) => {
			const target = resolveSpecifier(file, spec);
			if ("package" in target) return CORE_PACKAGES.includes(target.package) ? [] : [`${file} imports package ${spec}`];
			return isUnder(target.path, "functions/core") ? [] : [`${file} imports ${spec} (outside functions/core/)`];
		}),
	);

const webViolations = (files: SourceFile[]): string[] =>
	files.flatMap(({ file, source }) =>
		importSpecifiers(source).flatMap((spec) => {
			const target = resolveSpecifier(file, spec, WEB_ALIASES);
			if ("package" in target) return [];
			return isUnder(target.path, "functions") && !isUnder(target.path, "functions/core") ? [`${file} imports ${spec} (functions/ outside core)`] : [];
		}),
	);

const commonsViolations = (files: SourceFile[], pending: string[]): string[] =>
	files.flatMap(({ file, source }) =>
		pending.includes(file)
			? []
			: importSpecifiers(source).flatMap((spec) => {
					const target = resolveSpecifier(file, spec);
					return "path" in target && isUnder(target.path, "functions/summary") ? [`${file} imports ${spec} (functions/summary/)`] : [];
				}),
	);

describe("layering", () => {
	it("functions/core/ imports nothing outside itself", () => {
		const files = load("functions/core", [".ts"]);
		expect(files.length).toBeGreaterThan(20);
		expect(coreViolations(files)).toEqual([]);
	});

	it("web/ imports from functions/ only functions/core/", () => {
		const files = load("web/src", [".ts", ".js", ".svelte"]).concat(load("web", ["svelte.config.js", "vite.config.ts"]));
		expect(files.length).toBeGreaterThan(10);
		expect(webViolations(files)).toEqual([]);
	});

	it("functions/commons/ imports nothing from functions/summary/", () => {
		const files = load("functions/commons", [".ts"]);
		expect(commonsViolations(files, COMMONS_TO_SUMMARY_PENDING)).toEqual([]);
	});

	it("the pending list names only files that exist and still import summary/", () => {
		const stale = COMMONS_TO_SUMMARY_PENDING.filter((file) => {
			const all = load("functions/commons", [".ts"]).find((f) => f.file === file);
			return !all || commonsViolations([all], []).length === 0;
		});
		expect(stale).toEqual([]);
	});

	it("each rule reports a violation when one is there", () => {
		const core = [
			{ file: "functions/core/x.ts", source: 'import { AppError } from "../commons/errors";' },
			{ file: "functions/core/y.ts", source: 'import type { RouteDef } from "../routes";\nimport { z } from "zod";' },
			{ file: "functions/core/z.ts", source: 'const m = await import("../summary/model");\nimport { a } from "./periods";' },
		];
		expect(coreViolations(core)).toEqual([
			"functions/core/x.ts imports ../commons/errors (outside functions/core/)",
			"functions/core/y.ts imports ../routes (outside functions/core/)",
			"functions/core/y.ts imports package zod",
			"functions/core/z.ts imports ../summary/model (outside functions/core/)",
		]);
		const web = [
			{ file: "web/src/lib/a.ts", source: 'import type { X } from "$core/api-types";\nimport { config } from "../../../functions/commons/config";' },
			{ file: "web/src/routes/+page.svelte", source: '<script lang="ts">\n  import { routes } from "../../../functions/routes";\n</script>' },
		];
		expect(webViolations(web)).toEqual([
			"web/src/lib/a.ts imports ../../../functions/commons/config (functions/ outside core)",
			"web/src/routes/+page.svelte imports ../../../functions/routes (functions/ outside core)",
		]);
		const commons = [{ file: "functions/commons/services/x.ts", source: 'export { writeXlsx } from "../../summary/xlsx";' }];
		expect(commonsViolations(commons, [])).toEqual(["functions/commons/services/x.ts imports ../../summary/xlsx (functions/summary/)"]);
	});
});
