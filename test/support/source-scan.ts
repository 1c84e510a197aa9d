// Reading the repository's own source for rule tests (layering, configuration, logging): list files, find
// the module specifiers a file imports, and resolve them to repository paths.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const SKIP = new Set(["node_modules", "build", ".svelte-kit", "cdk.out", ".local"]);

/** Repository-relative paths (forward slashes) of the files under `dir` whose names end in one of `exts`. */
export const listFiles = (dir: string, exts: string[]): string[] => {
	const out: string[] = [];
	const walk = (abs: string) => {
		for (const entry of readdirSync(abs, { withFileTypes: true })) {
			if (SKIP.has(entry.name)) continue;
			const path = join(abs, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (exts.some((e) => entry.name.endsWith(e))) out.push(relative(repoRoot, path).split(sep).join("/"));
		}
	};
	walk(resolve(repoRoot, dir));
	return out.sort();
};

export const readSource = (file: string): string => readFileSync(resolve(repoRoot, file), "utf8");

/** Every module specifier in a source text: static imports and re-exports, side-effect imports, dynamic import(). */
export const importSpecifiers = (source: string): string[] => {
	const found: string[] = [];
	for (const re of [/\bfrom\s*["']([^"']+)["']/g, /^\s*import\s*["']([^"']+)["']/gm, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g]) {
		for (const m of source.matchAll(re)) if (m[1]) found.push(m[1]);
	}
	return found;
};

/**
 * Where a specifier points: a repository-relative path (without extension) for relative imports and the given
 * aliases, or `{ package }` for anything else (npm packages and node: builtins).
 */
export const resolveSpecifier = (fromFile: string, spec: string, aliases: Record<string, string> = {}): { path: string } | { package: string } => {
	for (const [alias, target] of Object.entries(aliases)) {
		if (spec === alias || spec.startsWith(`${alias}/`)) return { path: target + spec.slice(alias.length) };
	}
	if (spec.startsWith(".")) return { path: relative(repoRoot, resolve(repoRoot, dirname(fromFile), spec)).split(sep).join("/") };
	return { package: spec };
};

export const isUnder = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);
