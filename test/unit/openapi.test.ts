// docs/openapi.yaml must describe exactly the routes of functions/routes.ts. No YAML parser is a direct
// dependency, so this reads the document with a small line-based parser that is strict about the layout
// the file promises (see its header): path keys at column 2, methods at column 4, operation fields at
// column 6, quoted response codes at column 8. A layout it does not understand fails the test rather than
// being skipped, so the checks cannot silently pass on a file they did not read.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type RouteDef, routes } from "../../functions/routes";

const SPEC_PATH = fileURLToPath(new URL("../../docs/openapi.yaml", import.meta.url));

/** The API Gateway extension for `ANY`; plain OpenAPI methods may document parts of an ANY route too. */
const ANY_KEY = "x-amazon-apigateway-any-method";
const METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options", "trace", ANY_KEY]);
const PATH_LEVEL_KEYS = new Set(["summary", "description", "parameters", "servers"]);

interface Operation {
	path: string;
	/** Lower-case OpenAPI method, or ANY_KEY. */
	method: string;
	line: number;
	/** Operation fields at column 6 with their inline value (empty for a nested block). */
	fields: Map<string, string>;
	/** Response keys: status codes and `default`. */
	responses: string[];
	/** Every line of the operation, for parameter checks. */
	text: string[];
}

interface PathItem {
	path: string;
	line: number;
	/** Path-level lines (shared parameters). */
	text: string[];
	operations: Map<string, Operation>;
}

interface Spec {
	paths: Map<string, PathItem>;
	topLevelKeys: string[];
	/** Declared tag names (top-level `tags:`). */
	tags: Set<string>;
	/** `components.<kind>.<name>` that exist, as `<kind>/<name>`. */
	components: Set<string>;
	/** components.parameters: key → the parameter's `name`. */
	parameterNames: Map<string, string>;
	/** Every `$ref: "#/components/<kind>/<name>"` target, with its line. */
	refs: { target: string; line: number }[];
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlank = (line: string): boolean => line.trim() === "" || line.trimStart().startsWith("#");
/** `key: |`, `key: >-` and the like: the lines below, indented further, are text, not structure. */
const opensBlockScalar = (line: string): boolean => /:\s*[|>][+-]?\s*$/.test(line);

const parseSpec = (text: string): Spec => {
	const lines = text.split("\n");
	if (lines.some((l) => l.includes("\t"))) throw new Error("openapi.yaml: tabs are not allowed");
	const topLevelKeys: string[] = [];
	const sections = new Map<string, [number, number]>();
	let current: string | undefined;
	lines.forEach((line, i) => {
		if (isBlank(line) || indentOf(line) > 0) return;
		const m = /^([A-Za-z][\w-]*):/.exec(line);
		if (!m) throw new Error(`openapi.yaml:${i + 1}: expected a top-level key, got ${JSON.stringify(line)}`);
		const key = m[1] as string;
		topLevelKeys.push(key);
		if (current) (sections.get(current) as [number, number])[1] = i;
		sections.set(key, [i + 1, lines.length]);
		current = key;
	});
	const section = (key: string): [number, number] => {
		const s = sections.get(key);
		if (!s) throw new Error(`openapi.yaml: no top-level ${key}:`);
		return s;
	};

	// --- paths ------------------------------------------------------------------------------------
	const paths = new Map<string, PathItem>();
	{
		const [from, to] = section("paths");
		let item: PathItem | undefined;
		let op: Operation | undefined;
		let inResponses = false;
		let blockIndent = -1;
		for (let i = from; i < to; i++) {
			const line = lines[i] as string;
			if (isBlank(line)) continue;
			const indent = indentOf(line);
			if (blockIndent >= 0) {
				if (indent > blockIndent) {
					op?.text.push(line);
					continue;
				}
				blockIndent = -1;
			}
			const where = `openapi.yaml:${i + 1}`;
			if (indent % 2 !== 0) throw new Error(`${where}: odd indentation`);
			if (indent === 2) {
				const m = /^ {2}(\/\S*):$/.exec(line);
				if (!m) throw new Error(`${where}: expected a path key at column 2, got ${JSON.stringify(line)}`);
				const path = m[1] as string;
				if (paths.has(path)) throw new Error(`${where}: path ${path} is documented twice`);
				item = { path, line: i + 1, text: [], operations: new Map() };
				paths.set(path, item);
				op = undefined;
				inResponses = false;
			} else if (indent === 4) {
				if (!item) throw new Error(`${where}: a path field outside any path`);
				const m = /^ {4}([A-Za-z][\w-]*):(.*)$/.exec(line);
				if (!m) throw new Error(`${where}: expected a method or path-level key at column 4`);
				const key = m[1] as string;
				inResponses = false;
				if (METHODS.has(key)) {
					if (item.operations.has(key)) throw new Error(`${where}: ${key} ${item.path} is documented twice`);
					op = { path: item.path, method: key, line: i + 1, fields: new Map(), responses: [], text: [] };
					item.operations.set(key, op);
				} else if (PATH_LEVEL_KEYS.has(key)) {
					op = undefined;
					item.text.push(line);
				} else {
					throw new Error(`${where}: ${key} is neither an HTTP method nor a path-level key`);
				}
			} else if (op) {
				op.text.push(line);
				if (indent === 6) {
					const m = /^ {6}([A-Za-z$][\w-]*):(.*)$/.exec(line);
					if (!m) throw new Error(`${where}: expected an operation field at column 6`);
					const key = m[1] as string;
					if (op.fields.has(key)) throw new Error(`${where}: ${key} appears twice in ${op.method} ${op.path}`);
					op.fields.set(key, (m[2] as string).trim());
					inResponses = key === "responses";
				} else if (indent === 8 && inResponses) {
					const m = /^ {8}(?:"(\d{3})"|(default)):\s*$/.exec(line);
					if (!m) throw new Error(`${where}: expected a quoted status code (or default) at column 8 under responses`);
					op.responses.push((m[1] ?? m[2]) as string);
				}
			} else if (item) {
				item.text.push(line);
			}
			if (opensBlockScalar(line)) blockIndent = indent;
		}
	}

	// --- tags -------------------------------------------------------------------------------------
	const tags = new Set<string>();
	{
		const [from, to] = section("tags");
		for (let i = from; i < to; i++) {
			const m = /^ {2}- name: (\S+)\s*$/.exec(lines[i] as string);
			if (m) tags.add(m[1] as string);
		}
	}

	// --- components -------------------------------------------------------------------------------
	const components = new Set<string>();
	const parameterNames = new Map<string, string>();
	{
		const [from, to] = section("components");
		let kind: string | undefined;
		let name: string | undefined;
		for (let i = from; i < to; i++) {
			const line = lines[i] as string;
			if (isBlank(line)) continue;
			const k = /^ {2}([A-Za-z]+):\s*$/.exec(line);
			if (k) {
				kind = k[1];
				name = undefined;
				continue;
			}
			const n = /^ {4}([A-Za-z][\w.-]*):\s*$/.exec(line);
			if (n && kind) {
				name = n[1] as string;
				components.add(`${kind}/${name}`);
				continue;
			}
			const p = /^ {6}name: (\S+)\s*$/.exec(line);
			if (p && kind === "parameters" && name) parameterNames.set(name, p[1] as string);
		}
	}

	const refs: { target: string; line: number }[] = [];
	lines.forEach((line, i) => {
		for (const m of line.matchAll(/\$ref: "#\/components\/([A-Za-z]+)\/([^"]+)"/g)) refs.push({ target: `${m[1]}/${m[2]}`, line: i + 1 });
	});

	return { paths, topLevelKeys, tags, components, parameterNames, refs };
};

const methodKey = (r: Pick<RouteDef, "method">): string => (r.method === "ANY" ? ANY_KEY : r.method.toLowerCase());

/** Routes of routes.ts that the spec does not document with their method. */
const undocumentedRoutes = (spec: Spec, table: readonly Pick<RouteDef, "method" | "path">[]): string[] =>
	table.filter((r) => !spec.paths.get(r.path)?.operations.has(methodKey(r))).map((r) => `${r.method} ${r.path}`);

/** Operations the spec documents that routes.ts does not declare (a plain method is fine on an ANY route). */
const undeclaredOperations = (spec: Spec, table: readonly Pick<RouteDef, "method" | "path">[]): string[] => {
	const out: string[] = [];
	for (const item of spec.paths.values()) {
		const declared = table.filter((r) => r.path === item.path);
		for (const method of item.operations.keys()) {
			const ok = declared.some((r) => methodKey(r) === method || (r.method === "ANY" && method !== ANY_KEY));
			if (!ok) out.push(`${method} ${item.path}`);
		}
	}
	return out;
};

const parseRoles = (raw: string | undefined): string[] | "public" | undefined => {
	if (raw === undefined) return undefined;
	if (raw === "public") return "public";
	const m = /^\[([a-z, -]*)\]$/.exec(raw);
	if (!m) throw new Error(`x-roles must be \`public\` or an inline list, not ${raw}`);
	return (m[1] as string)
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean)
		.sort();
};

const spec = parseSpec(readFileSync(SPEC_PATH, "utf8"));
const operations = [...spec.paths.values()].flatMap((p) => [...p.operations.values()]);
const routeFor = (op: Operation): RouteDef | undefined =>
	routes.find((r) => r.path === op.path && (methodKey(r) === op.method || r.method === "ANY"));
const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path} (openapi.yaml:${op.line})`;

describe("docs/openapi.yaml against functions/routes.ts", () => {
	it("is OpenAPI 3.1 with paths, tags, components and bearer security", () => {
		const head = readFileSync(SPEC_PATH, "utf8");
		expect(head).toMatch(/^openapi: 3\.1\.\d+$/m);
		expect(spec.topLevelKeys).toEqual(expect.arrayContaining(["openapi", "info", "paths", "components", "security", "tags"]));
		expect(spec.components.has("securitySchemes/bearerAuth")).toBe(true);
		expect(spec.components.has("securitySchemes/oidc")).toBe(true);
		expect(spec.components.has("schemas/ErrorBody")).toBe(true);
	});

	it("documents every route with its method", () => {
		expect(undocumentedRoutes(spec, routes)).toEqual([]);
	});

	it("documents nothing that routes.ts does not declare", () => {
		expect(undeclaredOperations(spec, routes)).toEqual([]);
	});

	it("would fail for a route added to routes.ts without docs", () => {
		const added = [...routes, { method: "DELETE" as const, path: "/api/plans/{planId}" }, { method: "GET" as const, path: "/api/me" }];
		expect(undocumentedRoutes(spec, added)).toContain("DELETE /api/plans/{planId}");
		expect(undocumentedRoutes(spec, added)).not.toContain("GET /api/me");
		const withoutHealth = routes.filter((r) => r.path !== "/api/health");
		expect(undeclaredOperations(spec, withoutHealth)).toContain("get /api/health");
	});

	it("gives every operation a unique operationId and declared tags", () => {
		const ids = new Map<string, string>();
		for (const op of operations) {
			const id = op.fields.get("operationId");
			expect(id, `${label(op)} has no operationId`).toMatch(/^[a-z][A-Za-z0-9]+$/);
			expect(ids.has(id as string), `${label(op)}: operationId ${id} is also used by ${ids.get(id as string)}`).toBe(false);
			ids.set(id as string, label(op));
			const tags = /^\[([\w, -]+)\]$/.exec(op.fields.get("tags") ?? "")?.[1]?.split(",").map((t) => t.trim()) ?? [];
			expect(tags.length, `${label(op)} has no tags`).toBeGreaterThan(0);
			for (const t of tags) expect(spec.tags.has(t), `${label(op)}: tag ${t} is not declared at the top`).toBe(true);
		}
	});

	it("states each operation's roles, scope check and Lambda as routes.ts does", () => {
		for (const op of operations) {
			const route = routeFor(op);
			expect(route, label(op)).toBeDefined();
			if (!route) continue;
			const roles = parseRoles(op.fields.get("x-roles"));
			expect(roles, `${label(op)}: x-roles`).toEqual(route.roles === "public" ? "public" : [...route.roles].sort());
			expect(op.fields.get("x-lambda"), `${label(op)}: x-lambda`).toBe(route.fn);
			const scope = op.fields.get("x-scope") ?? "";
			const kind = scope === "none" ? "none" : /kind: ([a-z-]+)/.exec(scope)?.[1];
			expect(kind, `${label(op)}: x-scope`).toBe(route.scope.kind);
			if (route.scope.kind === "unit-path") expect(scope, `${label(op)}: x-scope access`).toContain(`access: ${route.scope.access}`);
		}
	});

	it("answers 401 and 403 on every protected operation, and needs no token on public ones", () => {
		for (const op of operations) {
			const route = routeFor(op);
			if (route?.roles === "public") {
				expect(op.fields.get("security"), `${label(op)} is public: security: []`).toBe("[]");
				continue;
			}
			expect(op.fields.has("security"), `${label(op)} must not override the bearer security`).toBe(false);
			expect(op.responses, `${label(op)} responses`).toEqual(expect.arrayContaining(["401", "403"]));
		}
	});

	it("documents a success response, and 500/503 (ErrorBody) on every /api operation", () => {
		for (const op of operations) {
			expect(
				op.responses.some((c) => /^[23]\d\d$/.test(c) || c === "default"),
				`${label(op)} has no success response`,
			).toBe(true);
			if (op.path.startsWith("/api/")) expect(op.responses, `${label(op)} responses`).toEqual(expect.arrayContaining(["500", "503"]));
		}
	});

	it("declares every path placeholder as a path parameter", () => {
		for (const item of spec.paths.values()) {
			for (const name of item.path.match(/\{[^}]+\}/g)?.map((p) => p.slice(1, -1)) ?? []) {
				for (const op of item.operations.values()) {
					const lines = [...item.text, ...op.text];
					const inline = lines.some((l) => l.trim() === `name: ${name}` || l.trim() === `- name: ${name}`);
					const viaRef = lines.some((l) => {
						const m = /\$ref: "#\/components\/parameters\/([^"]+)"/.exec(l);
						return m !== null && spec.parameterNames.get(m[1] as string) === name;
					});
					expect(inline || viaRef, `${label(op)} does not declare the path parameter ${name}`).toBe(true);
				}
			}
		}
	});

	it("resolves every $ref to a component", () => {
		const dangling = spec.refs.filter((r) => !spec.components.has(r.target)).map((r) => `${r.target} (line ${r.line})`);
		expect(dangling).toEqual([]);
	});

	it("rejects a layout the parser does not understand", () => {
		expect(() => parseSpec("openapi: 3.1.0\npaths:\n   /api/x:\n")).toThrow(/odd indentation/);
		expect(() => parseSpec("openapi: 3.1.0\npaths:\n  /api/x:\n    fetch:\n")).toThrow(/neither an HTTP method/);
		expect(() => parseSpec("openapi: 3.1.0\npaths:\n  /api/x:\n    get:\n      responses:\n        200:\n")).toThrow(/quoted status code/);
	});
});
