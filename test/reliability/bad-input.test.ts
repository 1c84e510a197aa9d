// Malformed requests, generated with fast-check, against EVERY write route, over HTTP through the real local
// gateway (JWT checks, v2 events) into the real handlers, with valid tokens of the right role. Every request
// is invalid BY CONSTRUCTION (each carries at least one defect the input contract rejects), so the promise
// is exact: no 5xx, no change to the table (full Scan of this test's own table before and after), every
// 4xx is a JSON error with code and message, and every validation error names its fields.
//
// Fast form: 1,500 requests (npm test). Long form: RELIABILITY_LONG=1, ≥ 10,000 (npm run test:reliability).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMonths } from "../../functions/core/periods";
import { type Harness, startHarness } from "../support/harness";
import { diff, LONG, month as M, pool, snapshot, validValues } from "./lib";

const TOTAL = Number(process.env.BAD_INPUT_COUNT ?? (LONG ? 10_500 : 1_500));
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20240917);

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Tokens that cannot be written with JSON.stringify: they are spliced into the text as they are. */
const RAW_TOKENS = ["1e999", "-1e999", "NaN", "Infinity", "-Infinity", "undefined", "0x10", "01", "+1", ".5", "1_000"];
class Raw {
	constructor(readonly text: string) {}
}
const serialise = (v: unknown): string => {
	const raws: string[] = [];
	const text = JSON.stringify(v, (_k, val) => {
		if (val instanceof Raw) {
			raws.push(val.text);
			return `\u0001RAW${raws.length - 1}\u0001`;
		}
		return val;
	});
	return (text ?? "null").replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i) => raws[Number(i)] as string);
};

const NASTY = [
	"",
	" ",
	"\u0000",
	"a\u0000b",
	"\uD800",
	"\uDFFF",
	"x\uD83D",
	"\u202Eevil\u202C",
	"مرحبا",
	"\u200B",
	"\uFEFF",
	"😀👨‍👩‍👧‍👦",
	"𠜎𠜱",
	"'; DROP TABLE submissions; --",
	"\" OR 1=1 --",
	// biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
	"${7*7}",
	"{{7*7}}",
	"#{7*7}",
	"<%= 7*7 %>",
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"../../../../etc/passwd",
	"..\\..\\windows",
	"%00",
	"%2e%2e%2f",
	"SUB#t34",
	"AGG#div",
	"PERIOD#2024-01",
	"__proto__",
	"constructor",
	"prototype",
	"NaN",
	"Infinity",
	"-Infinity",
	"1e999",
	"-0",
	"null",
	"true",
	"[object Object]",
	"\\",
	"\"",
	"\n\r\t",
	"x".repeat(3000),
	"界".repeat(1100),
];
const INJECTION_OBJECTS: unknown[] = [{ $gt: "" }, { $ne: null }, { $where: "sleep(1000)" }, { S: "x" }, { N: "1" }, { __proto__: null }, JSON.parse('{"__proto__":{"admin":true}}'), { constructor: { prototype: { polluted: true } } }];

const nastyString = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: "binary", maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 30 }));
/** Anything that is not a finite number: strings, booleans, objects, arrays, NaN/Infinity as strings and as raw JSON tokens. */
const notANumber = fc.oneof(
	nastyString,
	fc.boolean(),
	fc.constantFrom<unknown>({}, [], [1], { value: 1 }, ...INJECTION_OBJECTS),
	fc.constantFrom(...RAW_TOKENS.slice(0, 5)).map((t) => new Raw(t)),
	fc.integer().map(String),
);
const notAString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constantFrom<unknown>({}, [], ["x"], ...INJECTION_OBJECTS), fc.constantFrom(...RAW_TOKENS.slice(0, 2)).map((t) => new Raw(t)));
const notAnObject = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), nastyString, fc.constantFrom<unknown>([], [{}], [[1]]));
const bad = (valid: (s: string) => boolean) => nastyString.filter((s) => !valid(s));
/** Keys no schema accepts (each object schema is strict). */
const extraKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "$set", "$where", "toString", "hasOwnProperty", "admin", "version", "status", "pk", "sk"), nastyString.filter((s) => s.length > 0));

const isMonthStr = (s: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
const isYearStr = (s: string) => /^\d{4}$/.test(s);
const isId = (s: string) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(s);
const isUsername = (s: string) => /^[a-z0-9][a-z0-9._-]{2,63}$/.test(s);
const isRecipientId = (s: string) => /^[A-Za-z0-9-]{1,64}$/.test(s);

const future = [addMonths(M, 1), addMonths(M, 2), addMonths(M, 120), "2999-01", "9999-12", String(Number(M.slice(0, 4)) + 1)];
const ancient = ["2014-12", "2000-01", "1900-01", "0000-01", "2014", "1066"];
// biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
const malformedPeriods = ["2024-13", "2024-00", "2024-1", "24-01", "2024-01-01", "2024/01", "2024-W01", "２０２４-01", "2024-01 ", " 2024-01", "2024-1e1", "-2024-01", "202401", "2024-01\u0000", "2024-01%00", "${7*7}", "2024-02-30", "NaN", "null", "undefined"];
/** Period path segments that the contract refuses (future, before 2015, or not a period at all). */
const badPeriod = fc.oneof(fc.constantFrom(...future, ...ancient, ...malformedPeriods), bad((s) => isMonthStr(s) || isYearStr(s)));
/** An org-id path segment that names no unit. */
const unknownUnit = fc.oneof(fc.constantFrom("t99", "T33", "t33 ", "t33%20", "__proto__", "constructor", "toString", "SUB%23t33", "t33%00", "DIV", "tarim2", "%74%39%39"), bad((s) => ["t33", "t34", "t21", "div", "tarim", "yanqi", "korla", "qieruo"].includes(s)));

/** Lone surrogates cannot be UTF-8: a client can still send their WTF-8 bytes, so send those. */
const wtf8 = (s: string) =>
	s.replace(/[\uD800-\uDFFF]/g, (c) => {
		const cp = c.charCodeAt(0);
		// A lone surrogate alone (a valid pair is left to encodeURIComponent).
		return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `\u0002${b.toString(16).toUpperCase()}`).join("");
	});
const encodeLoose = (s: string) => {
	try {
		return encodeURIComponent(s);
	} catch {
		return encodeURIComponent(wtf8(s)).replace(/%02([0-9A-F]{2})/g, "%$1");
	}
};
const enc = (s: string) => encodeLoose(s).replace(/%25([0-9A-F]{2})/g, (m, h) => (/^(74|33|39|23|00|20)$/.test(h) ? `%${h}` : m));

interface Req {
	route: string;
	defect: string;
	method: string;
	path: string;
	who: "reporter" | "approver" | "admin";
	body?: string | Buffer;
	headers?: [string, string][];
}

const put = (o: Record<string, unknown>, k: string, v: unknown) => {
	// Define, not assign: "__proto__" must become a real key of the JSON text.
	Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
	return o;
};
const json = (v: unknown) => serialise(v);

// ---------------------------------------------------------------------------------------------
// Per-route generators. Each case names the defect that makes it invalid.

const submissionBase = () => ({ values: validValues("t33"), action: "save" as const });
const codes = Object.keys(validValues("t33"));
const anyCode = fc.constantFrom(...codes);

const putSubmission: fc.Arbitrary<Req> = fc.oneof(
	fc.record({ code: anyCode, v: notANumber }).map(({ code, v }) => ({ defect: "value wrong type", body: json({ ...submissionBase(), values: put(validValues("t33"), code, v) }) })),
	fc.record({ code: anyCode, v: fc.oneof(fc.integer({ min: -1e9, max: -1 }), fc.double({ min: -1e12, max: -1e-9, noNaN: true })) }).map(({ code, v }) => ({ defect: "negative value", body: json({ ...submissionBase(), values: put(validValues("t33"), code, v) }) })),
	fc.record({ code: anyCode, t: fc.constantFrom("1e999", "-1e999", "1E400") }).map(({ code, t }) => ({ defect: "infinite JSON number", body: json({ ...submissionBase(), values: put(validValues("t33"), code, new Raw(t)) }) })),
	fc.constantFrom(2.5, 0.1, 1e-7).map((v) => ({ defect: "non-integer count", body: json({ ...submissionBase(), values: { ...validValues("t33"), BEDS: v } }) })),
	fc.record({ k: fc.oneof(fc.constantFrom("NOT_A_CODE", "BEDS_", "ZZZ", "LIFE_EXPECTANCY_X"), extraKey), v: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(null)) }).map(({ k, v }) => ({ defect: "unknown code", body: json({ ...submissionBase(), values: put(validValues("t33"), k, v) }) })),
	fc.oneof(nastyString.filter((s) => s !== "save" && s !== "submit"), notAString, fc.constant(null)).map((a) => ({ defect: "bad action", body: json({ values: validValues("t33"), action: a }) })),
	fc.constant({ defect: "missing action", body: json({ values: validValues("t33") }) }),
	fc.oneof(notAnObject, fc.constant(undefined)).map((v) => ({ defect: "values not an object", body: json({ action: "save", values: v }) })),
	notAnObject.map((b) => ({ defect: "body not an object", body: json(b) })),
	fc.record({ k: extraKey, v: fc.oneof(fc.constantFrom<unknown>(...INJECTION_OBJECTS), nastyString) }).map(({ k, v }) => ({ defect: "extra top-level key", body: json(put(submissionBase(), k, v)) })),
	fc.oneof(notAString, fc.constantFrom("c".repeat(2001), "界".repeat(2001), "😀".repeat(2001))).map((c) => ({ defect: "bad comment", body: json({ ...submissionBase(), comment: c }) })),
	badPeriod.map((p) => ({ defect: "bad period", period: p, body: json(submissionBase()) })),
	unknownUnit.map((u) => ({ defect: "unknown unit", unit: u, body: json(submissionBase()) })),
	fc.oneof(fc.constantFrom("abc", "W/\"x\"", "1, 2", "-1", "1.5", "99999999999", "\"1\"\"", "0x1", "1e3", "W/", "\"\"", "*, 1"), fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 }).filter((s) => !/^\s*(\*|(W\/)?"?\d{1,9}"?)\s*$/.test(s) && s.trim() !== "")).map((v) => ({ defect: "bad If-Match", headers: [["if-match", v]] as [string, string][], body: json(submissionBase()) })),
	fc.constantFrom("99999", "123456").map((v) => ({ defect: "stale If-Match", headers: [["if-match", v]] as [string, string][], body: json(submissionBase()) })),
	fc.oneof(fc.constantFrom("k".repeat(129), "k".repeat(1000), "k".repeat(8000), "short", "has space k", "a/b/c/d/e/f", "key;drop", "cl\xe9-123456", "\xff\xfe\xfd-idempotent"), fc.string({ unit: "grapheme-ascii", maxLength: 200 }).filter((s) => !/^[A-Za-z0-9_.:-]{8,128}$/.test(s))).map((v) => ({ defect: "bad Idempotency-Key", headers: [["idempotency-key", v]] as [string, string][], body: json(submissionBase()) })),
	fc.constantFrom<[string, string][]>([["if-match", "1"], ["if-match", "2"]], [["idempotency-key", "aaaaaaaa-1"], ["idempotency-key", "bbbbbbbb-2"]]).map((h) => ({ defect: "duplicate header", headers: h, body: json(submissionBase()) })),
	fc.constantFrom(
		["application/x-www-form-urlencoded", "values%5BBEDS%5D=1&action=save"],
		["text/xml", "<submission><action>save</action></submission>"],
		["multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nsave\r\n--x--"],
		["application/octet-stream", "\u0089PNG\r\n\u001a\n\u0000\u0000"],
		["text/plain", "action=save"],
	).map(([ct, b]) => ({ defect: "wrong content-type, not JSON", headers: [["content-type", ct]] as [string, string][], body: b })),
	fc.constantFrom("{", "{'values':{}}", "[", "{\"values\":{}}}", "{\"values\":{},}", "\uFEFF{\"values\":{},\"action\":\"save\"}", "{\"values\":{\"BEDS\":NaN},\"action\":\"save\"}", "nul", "\u0000", "{\"action\":\"save\",\"values\":{\"BEDS\":1}", "{\"a\":\"\\ud800\\x\"}", "").map((b) => ({ defect: "invalid JSON", body: b })),
	fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => ({ defect: "random bytes", body: Buffer.from(b), headers: [["content-type", "application/json"]] as [string, string][] })),
).map((c) => {
	const x = c as { defect: string; body: string | Buffer; period?: string; unit?: string; headers?: [string, string][] };
	return { route: "PUT /api/submissions/{unitId}/{period}", who: "reporter" as const, method: "PUT", path: `/api/submissions/${enc(x.unit ?? "t33")}/${enc(x.period ?? M)}`, defect: x.defect, body: x.body, ...(x.headers ? { headers: x.headers } : {}) };
});

/** Approve and return: an approver in scope, on t33's submitted form. An empty body approves, so never send one. */
const review = (action: "approve" | "return"): fc.Arbitrary<Req> =>
	fc
		.oneof(
			fc.record({ k: extraKey, c: nastyString }).map(({ k, c }) => ({ defect: "extra key", body: json(put({ comment: c }, k, 1)) })),
			notAString.map((c) => ({ defect: "comment wrong type", body: json({ comment: c }) })),
			fc.constantFrom("意".repeat(2001), "x".repeat(5000)).map((c) => ({ defect: "comment too long", body: json({ comment: c }) })),
			notAnObject.filter((b) => b !== null || action === "return").map((b) => ({ defect: "body not an object", body: json(b) })),
			fc.constantFrom("{", "[", "{\"comment\":}", "\uFEFF{}").map((b) => ({ defect: "invalid JSON", body: b })),
			badPeriod.map((p) => ({ defect: "bad period", period: p, body: json({ comment: "ok" }) })),
			unknownUnit.map((u) => ({ defect: "unknown unit", unit: u, body: json({ comment: "ok" }) })),
			...(action === "return" ? [fc.constantFrom("{}", "{\"comment\":\"\"}", "{\"comment\":\"   \"}", "{\"comment\":null}").map((b) => ({ defect: "return without comment", body: b }))] : []),
		)
		.map((c) => {
			const x = c as { defect: string; body: string; period?: string; unit?: string };
			return { route: `POST /api/submissions/{unitId}/{period}/${action}`, who: "approver" as const, method: "POST", path: `/api/submissions/${enc(x.unit ?? "t33")}/${enc(x.period ?? M)}/${action}`, defect: x.defect, body: x.body };
		});

const reopen: fc.Arbitrary<Req> = fc
	.oneof(
		fc.constantFrom("{}", "{\"reason\":\"\"}", "{\"reason\":\"x\"}", "{\"reason\":\"  \"}", "{\"reason\":null}").map((b) => ({ defect: "missing/short reason", body: b })),
		notAString.map((r) => ({ defect: "reason wrong type", body: json({ reason: r }) })),
		fc.constant({ defect: "reason too long", body: json({ reason: "理".repeat(1001) }) }),
		extraKey.map((k) => ({ defect: "extra key", body: json(put({ reason: "更正数据" }, k, true)) })),
		notAnObject.map((b) => ({ defect: "body not an object", body: json(b) })),
		badPeriod.map((p) => ({ defect: "bad period", period: p, body: json({ reason: "更正数据" }) })),
		unknownUnit.map((u) => ({ defect: "unknown unit", unit: u, body: json({ reason: "更正数据" }) })),
	)
	.map((c) => {
		const x = c as { defect: string; body: string; period?: string; unit?: string };
		return { route: "POST /api/admin/periods/{unitId}/{period}/reopen", who: "admin" as const, method: "POST", path: `/api/admin/periods/${enc(x.unit ?? "t33")}/${enc(x.period ?? M)}/reopen`, defect: x.defect, body: x.body };
	});

const unitBase = () => ({ name: { zh: "模糊测试医院", en: "Fuzz Hospital" }, parentId: "tarim", type: "regiment-hospital" });
const putUnit: fc.Arbitrary<Req> = fc
	.oneof(
		fc.oneof(notAnObject, fc.constantFrom<unknown>({}, { zh: "" }, { zh: "  ", en: "" }, { en: "x" }, { zh: 1, en: "" }, { zh: "界".repeat(201), en: "" })).map((n) => ({ defect: "bad name", body: json({ ...unitBase(), name: n }) })),
		fc.oneof(bad(isId), fc.constantFrom("no-such-org", "t33", "t21", "x")).map((p) => ({ defect: "bad parentId", body: json({ ...unitBase(), parentId: p }) })),
		fc.oneof(nastyString, notAString).map((t) => ({ defect: "bad type", body: json({ ...unitBase(), type: t }) })),
		fc.oneof(fc.constantFrom<unknown>(-1, 1.5, 10_001, "1", new Raw("1e999"), new Raw("NaN")), notANumber).map((o) => ({ defect: "bad order", body: json({ ...unitBase(), order: o }) })),
		fc.constantFrom<unknown>("true", 1, 0, "yes", null, {}, [], "false").map((a) => ({ defect: "bad active", body: json({ ...unitBase(), active: a }) })),
		extraKey.map((k) => ({ defect: "extra key", body: json(put(unitBase(), k, { polluted: true })) })),
		notAnObject.map((b) => ({ defect: "body not an object", body: json(b) })),
		bad(isId).map((id) => ({ defect: "bad unit id", id, body: json(unitBase()) })),
	)
	.map((c) => {
		const x = c as { defect: string; body: string; id?: string };
		return { route: "PUT /api/admin/units/{unitId}", who: "admin" as const, method: "PUT", path: `/api/admin/units/${enc(x.id ?? "fuzz-unit")}`, defect: x.defect, body: x.body };
	});

const planIndicator = () => ({ indicatorCode: "BEDS_PER_1000", order: 1, group: "health-services", baseline: null, targets: [{ year: 2025, target: { kind: "reach", value: 7 }, printed: "7" }], direction: "increase", nature: "expected" });
const planBase = () => ({ name: { zh: "模糊规划", en: "Fuzz plan" }, shortName: { zh: "模糊", en: "Fuzz" }, startYear: 2021, endYear: 2025, baseYear: 2020, targetYear: 2025, indicators: [planIndicator()] });
const putPlan: fc.Arbitrary<Req> = fc
	.oneof(
		fc.constantFrom<[string, unknown]>(["startYear", "2021"], ["startYear", 1989], ["endYear", 2101], ["baseYear", new Raw("1e999")], ["targetYear", 2020.5], ["endYear", 2000], ["name", null], ["shortName", {}], ["indicators", []], ["indicators", {}], ["indicators", Array.from({ length: 201 }, () => planIndicator())]).map(([k, v]) => ({ defect: `bad ${k}`, body: json({ ...planBase(), [k]: v }) })),
		fc
			.constantFrom<[string, unknown]>(["indicatorCode", "NOT_AN_INDICATOR"], ["indicatorCode", "beds"], ["order", -1], ["group", "wellness"], ["baseline", { year: 2020, value: new Raw("1e999"), printed: "" }], ["targets", []], ["targets", [{ year: 2025, target: { kind: "nonsense" }, printed: "" }]], ["targets", [{ year: 2025, target: { kind: "reach", value: "7" }, printed: "" }]], ["targets", [{ year: 2025, target: { kind: "proportional", followsIndicator: "ELSEWHERE" }, printed: "" }]], ["direction", "sideways"], ["nature", null])
			.map(([k, v]) => ({ defect: `bad indicator ${k}`, body: json({ ...planBase(), indicators: [{ ...planIndicator(), [k]: v }] }) })),
		extraKey.map((k) => ({ defect: "extra key", body: json(put(planBase(), k, 1)) })),
		notAnObject.map((b) => ({ defect: "body not an object", body: json(b) })),
		bad(isId).map((id) => ({ defect: "bad plan id", id, body: json(planBase()) })),
	)
	.map((c) => {
		const x = c as { defect: string; body: string; id?: string };
		return { route: "PUT /api/admin/plans/{planId}", who: "admin" as const, method: "PUT", path: `/api/admin/plans/${enc(x.id ?? "fuzz-plan")}`, defect: x.defect, body: x.body };
	});

const userBase = () => ({ username: "fuzz-new-user", name: "模糊用户", roles: ["reporter"], orgScope: "t33" });
const createUser: fc.Arbitrary<Req> = fc
	.oneof(
		fc.oneof(bad(isUsername), notAString).map((u) => ({ defect: "bad username", body: json({ ...userBase(), username: u }) })),
		fc.constantFrom<unknown>([], ["root"], ["Admin"], "admin", [null], [["admin"]], [{ $ne: null }], null).map((r) => ({ defect: "bad roles", body: json({ ...userBase(), roles: r }) })),
		fc.oneof(bad(isId), fc.constantFrom("no-such-org", "t99")).map((o) => ({ defect: "bad orgScope", body: json({ ...userBase(), orgScope: o }) })),
		fc.oneof(nastyString.filter((s) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)), notAString).map((e) => ({ defect: "bad email", body: json({ ...userBase(), email: e }) })),
		fc.oneof(fc.constantFrom("short", "", "x".repeat(201)), notAString).map((p) => ({ defect: "bad temporaryPassword", body: json({ ...userBase(), temporaryPassword: p }) })),
		fc.oneof(fc.constantFrom("", "   ", "名".repeat(101)), notAString).map((n) => ({ defect: "bad name", body: json({ ...userBase(), name: n }) })),
		extraKey.map((k) => ({ defect: "extra key", body: json(put(userBase(), k, "admin")) })),
		notAnObject.map((b) => ({ defect: "body not an object", body: json(b) })),
	)
	.map((c) => ({ route: "POST /api/admin/users", who: "admin" as const, method: "POST", path: "/api/admin/users", ...(c as { defect: string; body: string }) }));

const patchUser: fc.Arbitrary<Req> = fc
	.oneof(
		fc.constantFrom<unknown>([], ["root"], "admin", [null]).map((r) => ({ defect: "bad roles", body: json({ roles: r }) })),
		fc.oneof(bad(isId), fc.constantFrom("no-such-org")).map((o) => ({ defect: "bad orgScope", body: json({ orgScope: o }) })),
		fc.oneof(nastyString.filter((s) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s) && s !== ""), notAString.filter((x) => x !== null)).map((e) => ({ defect: "bad email", body: json({ email: e }) })),
		fc.constantFrom<unknown>("yes", 1, 0, "false", {}, []).map((d) => ({ defect: "bad disabled", body: json({ disabled: d }) })),
		fc.oneof(fc.constantFrom("", "  ", "名".repeat(101)), notAString).map((n) => ({ defect: "bad name", body: json({ name: n }) })),
		extraKey.map((k) => ({ defect: "extra key", body: json(put({ name: "x" }, k, "admin")) })),
		notAnObject.map((b) => ({ defect: "body not an object", body: json(b) })),
		// A well-formed patch for a user that does not exist must not create one.
		fc.oneof(bad(isUsername), fc.constantFrom("no-such-user", "admin2", "__proto__")).map((u) => ({ defect: "unknown user", user: u, body: json({ name: "新名字", roles: ["admin"] }) })),
	)
	.map((c) => {
		const x = c as { defect: string; body: string; user?: string };
		return { route: "PATCH /api/admin/users/{username}", who: "admin" as const, method: "PATCH", path: `/api/admin/users/${enc(x.user ?? "fuzz-target")}`, defect: x.defect, body: x.body };
	});

const recipientBase = () => ({ name: "收件人", email: "leader@example.cn", scopeOrgId: "div" });
const recipientDefects = fc.oneof(
	fc.oneof(fc.constantFrom("", "   ", "名".repeat(101)), notAString).map((n) => ({ defect: "bad name", body: json({ ...recipientBase(), name: n }) })),
	fc.oneof(nastyString.filter((s) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.trim())), notAString, fc.constantFrom("a@b", "@example.cn", "x@y@z.cn", "<script>@x.cn")).map((e) => ({ defect: "bad email", body: json({ ...recipientBase(), email: e }) })),
	fc.oneof(bad((s) => ["div", "tarim", "yanqi", "korla", "qieruo", "t33", "t34", "t21"].includes(s.trim())), notAString).map((o) => ({ defect: "bad scopeOrgId", body: json({ ...recipientBase(), scopeOrgId: o }) })),
	fc.oneof(fc.constantFrom("fr", "zh", "EN", ""), notAString).map((l) => ({ defect: "bad locale", body: json({ ...recipientBase(), locale: l }) })),
	fc.constantFrom<unknown>("true", 1, null).map((a) => ({ defect: "bad active", body: json({ ...recipientBase(), active: a }) })),
	extraKey.map((k) => ({ defect: "extra key", body: json(put(recipientBase(), k, "x")) })),
	notAnObject.map((b) => ({ defect: "body not an object", body: json(b) })),
	fc.constantFrom("{", "", "[").map((b) => ({ defect: "invalid JSON", body: b })),
);
const postRecipient: fc.Arbitrary<Req> = recipientDefects.map((c) => ({ route: "POST /api/admin/recipients", who: "admin" as const, method: "POST", path: "/api/admin/recipients", ...c }));
let existingRecipient = "";
const putRecipient: fc.Arbitrary<Req> = fc
	.oneof(
		recipientDefects.map((c) => ({ ...c, id: undefined })),
		fc.oneof(bad(isRecipientId), fc.constantFrom("a".repeat(65), "..", "a b")).map((id) => ({ defect: "bad recipient id", id, body: json(recipientBase()) })),
		fc.constantFrom("no-such-recipient", "00000000-0000-0000-0000-000000000000").map((id) => ({ defect: "unknown recipient", id, body: json(recipientBase()) })),
	)
	.map((c) => {
		const x = c as { defect: string; body: string; id?: string };
		return { route: "PUT /api/admin/recipients/{recipientId}", who: "admin" as const, method: "PUT", path: `/api/admin/recipients/${enc(x.id ?? existingRecipient)}`, defect: x.defect, body: x.body };
	});
const deleteRecipient: fc.Arbitrary<Req> = fc.oneof(bad(isRecipientId), fc.constantFrom("no-such-recipient", "a".repeat(65), "R%23x")).map((id) => ({ route: "DELETE /api/admin/recipients/{recipientId}", who: "admin" as const, method: "DELETE", path: `/api/admin/recipients/${enc(id)}`, defect: isRecipientId(id) ? "unknown recipient" : "bad recipient id" }));

const postImport: fc.Arbitrary<Req> = fc
	.oneof(notAnObject.map((b) => json(b)), fc.constantFrom("{", "a,b,c\n1,2,3", ""), fc.record({ k: extraKey, v: notANumber }).map(({ k, v }) => json(put({}, k, v))))
	.map((b) => ({ route: "POST /api/imports", who: "admin" as const, method: "POST", path: "/api/imports", defect: "malformed import", body: b }));

const runSummaries: fc.Arbitrary<Req> = fc
	.oneof(
		fc.oneof(badPeriod.filter((p) => !isMonthStr(p)), notAString.filter((x) => x !== null)).map((m) => ({ defect: "bad month", body: json({ month: m, dryRun: true }) })),
		fc.constantFrom<unknown>("true", 1, "yes", {}).map((d) => ({ defect: "bad dryRun", body: json({ dryRun: d }) })),
		fc.oneof(fc.constantFrom<unknown>("r-1", [], { recipientId: "" }, { recipientId: "../x" }, { recipientId: "ok-id", reason: "x".repeat(501) }, { recipientId: "ok-id", extra: 1 }), notAnObject.filter((x) => x !== null)).map((r) => ({ defect: "bad resend", body: json({ resend: r, dryRun: true }) })),
		extraKey.map((k) => ({ defect: "extra key", body: json(put({ dryRun: true }, k, 1)) })),
		notAnObject.filter((b) => b !== null).map((b) => ({ defect: "body not an object", body: json(b) })),
		fc.constantFrom("{", "[", "{\"month\":}").map((b) => ({ defect: "invalid JSON", body: b })),
	)
	.map((c) => ({ route: "POST /api/admin/summaries/run", who: "admin" as const, method: "POST", path: "/api/admin/summaries/run", ...(c as { defect: string; body: string }) }));

const verifyAggregates: fc.Arbitrary<Req> = fc
	.oneof(
		fc.oneof(fc.constantFrom(...malformedPeriods), bad((s) => isMonthStr(s) || isYearStr(s))).map((p) => `period=${encodeLoose(p)}`),
		fc.constantFrom(`period=${M}&period=${M}`, "period=", "period=2024-01%00", "period=%E0%A4%A"),
	)
	.map((q) => ({ route: "POST /api/admin/verify-aggregates", who: "admin" as const, method: "POST", path: `/api/admin/verify-aggregates?${q}`, defect: "bad period query" }));

const generators: fc.Arbitrary<Req>[] = [putSubmission, putSubmission, putSubmission, review("approve"), review("return"), reopen, putUnit, putPlan, createUser, patchUser, postRecipient, putRecipient, deleteRecipient, postImport, runSummaries, verifyAggregates];

/** The few heavy cases, sent once each rather than generated: huge and deeply nested bodies. */
const heavyCases = (): Req[] => {
	const deep = (n: number, leaf = "1") => `${"[".repeat(n)}${leaf}${"]".repeat(n)}`;
	const deepObj = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
	const big = (bytes: number) => json({ ...submissionBase(), comment: "x".repeat(bytes) });
	const sub = `/api/submissions/t33/${M}`;
	const r = (route: string, method: string, path: string, who: Req["who"], defect: string, body: string): Req => ({ route, method, path, who, defect, body });
	return [
		r("PUT /api/submissions/{unitId}/{period}", "PUT", sub, "reporter", "body > 6 MB", big(6.5 * 1024 * 1024)),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", sub, "reporter", "body > 10 MB", big(11 * 1024 * 1024)),
		r("POST /api/admin/users", "POST", "/api/admin/users", "admin", "body > 6 MB", json({ ...userBase(), name: "n".repeat(7 * 1024 * 1024) })),
		r("POST /api/admin/summaries/run", "POST", "/api/admin/summaries/run", "admin", "body > 10 MB", json({ month: "x".repeat(10.5 * 1024 * 1024) })),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", sub, "reporter", "10,000 nested arrays", deep(10_000)),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", sub, "reporter", "100,000 nested arrays", deep(100_000)),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", sub, "reporter", "nested arrays as a value", `{"action":"save","values":{"BEDS":${deep(10_000)}}}`),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", sub, "reporter", "10,000 nested objects", deepObj(10_000)),
		r("PUT /api/admin/plans/{planId}", "PUT", "/api/admin/plans/fuzz-plan", "admin", "10,000 nested arrays", deep(10_000)),
		r("POST /api/admin/recipients", "POST", "/api/admin/recipients", "admin", "10,000 nested objects", deepObj(10_000)),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", sub, "reporter", "20,000 unknown codes", json({ action: "save", values: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`X${i}`, i])) })),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", `/api/submissions/%E0%A4%A/${M}`, "reporter", "malformed percent-encoding in unitId", json(submissionBase())),
		r("PUT /api/submissions/{unitId}/{period}", "PUT", "/api/submissions/t33/%", "reporter", "malformed percent-encoding in period", json(submissionBase())),
		r("PATCH /api/admin/users/{username}", "PATCH", "/api/admin/users/%C0%AF", "admin", "overlong UTF-8 in username", json({ name: "x" })),
	];
};

// ---------------------------------------------------------------------------------------------

let h: Harness;
const tokens: Record<Req["who"], string> = { reporter: "", approver: "", admin: "" };

beforeAll(async () => {
	h = await startHarness();
	tokens.reporter = (await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" })).token;
	tokens.approver = (await h.as({ sub: "approver-tarim", roles: ["approver"], orgScope: "tarim" })).token;
	const admin = await h.as({ sub: "admin", roles: ["admin"], orgScope: "div" });
	tokens.admin = admin.token;
	// State worth protecting: a submitted form (approve/return/reopen targets), a user and a recipient.
	const reporter = await h.as({ sub: "reporter-t33", roles: ["reporter"], orgScope: "t33" });
	const s = await reporter.call("PUT", `/api/submissions/t33/${M}`, { body: { values: validValues("t33"), action: "submit", comment: "基线" } });
	if (s.status !== 201) throw new Error(`setup submission: ${s.status} ${JSON.stringify(s.body)}`);
	const u = await admin.call("POST", "/api/admin/users", { body: { username: "fuzz-target", name: "目标用户", roles: ["reporter"], orgScope: "t34" } });
	if (u.status !== 201) throw new Error(`setup user: ${u.status} ${JSON.stringify(u.body)}`);
	const r = await admin.call("POST", "/api/admin/recipients", { body: recipientBase() });
	if (r.status !== 201) throw new Error(`setup recipient: ${r.status} ${JSON.stringify(r.body)}`);
	existingRecipient = r.body.id;
});
afterAll(async () => h?.stop());

interface Outcome {
	req: Req;
	status: number;
	text: string;
}

const send = async (req: Req): Promise<Outcome> => {
	const headers = new Headers();
	headers.set("authorization", `Bearer ${tokens[req.who]}`);
	if (req.body !== undefined) headers.set("content-type", "application/json");
	for (const [k, v] of req.headers ?? []) {
		if (k === "content-type") headers.set(k, v);
		else headers.append(k, v);
	}
	try {
		const res = await fetch(`${h.url}${req.path}`, { method: req.method, headers, body: req.body === undefined ? undefined : typeof req.body === "string" ? req.body : new Uint8Array(req.body) });
		return { req, status: res.status, text: await res.text() };
	} catch (e) {
		// The server dropped the connection instead of answering: as bad as a 5xx.
		return { req, status: 599, text: String((e as Error)?.cause ?? e) };
	}
};

const STACK = /\bat [\w.<>]+ \(|\.ts:\d+:\d+|node_modules|\n\s+at /;

describe("malformed requests on every write route", () => {
	it(`${TOTAL} generated requests: no 5xx, no state change, every 4xx a JSON error with fields for validation`, async () => {
		const perGen = Math.ceil(TOTAL / generators.length);
		const reqs: Req[] = [];
		for (const [i, g] of generators.entries()) reqs.push(...fc.sample(g, { numRuns: perGen, seed: SEED + i }));
		reqs.push(...heavyCases());
		// Interleave routes so concurrent requests hit different handlers and partitions.
		for (let i = reqs.length - 1; i > 0; i--) {
			const j = (i * 7919 + SEED) % (i + 1);
			[reqs[i], reqs[j]] = [reqs[j] as Req, reqs[i] as Req];
		}
		const before = await snapshot(h.app.doc, h.table);
		const outcomes = await pool(reqs, 8, send);
		const after = await snapshot(h.app.doc, h.table);
		const changes = diff(before, after);

		const serverErrors = outcomes.filter((o) => o.status >= 500);
		const accepted = outcomes.filter((o) => o.status < 400);
		const badBodies: Outcome[] = [];
		const noFields: Outcome[] = [];
		const gatewayShaped: Outcome[] = [];
		for (const o of outcomes) {
			if (o.status < 400 || o.status >= 500) continue;
			let body: { error?: { code?: unknown; message?: unknown; fields?: Record<string, unknown> }; message?: unknown } | null = null;
			try {
				body = JSON.parse(o.text);
			} catch {
				/* not JSON */
			}
			if (body?.error) {
				const ok = typeof body.error.code === "string" && typeof body.error.message === "string" && !STACK.test(o.text);
				if (!ok) badBodies.push(o);
				const validation = (o.status === 400 || o.status === 422) && (body.error.code === "bad-request" || body.error.code === "unprocessable");
				if (validation && !(body.error.fields && Object.keys(body.error.fields).length > 0)) noFields.push(o);
			} else if (body && typeof body.message === "string" && [401, 404, 413].includes(o.status)) {
				// Answered by the gateway itself, in API Gateway's own shape, before any Lambda ran.
				gatewayShaped.push(o);
			} else badBodies.push(o);
		}
		const byRoute = new Map<string, number>();
		for (const o of outcomes) byRoute.set(o.req.route, (byRoute.get(o.req.route) ?? 0) + 1);
		const statuses = new Map<number, number>();
		for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
		const show = (list: Outcome[]) => list.slice(0, 12).map((o) => `${o.status} ${o.req.method} ${o.req.path.slice(0, 90)} [${o.req.defect}] body=${typeof o.req.body === "string" ? o.req.body.slice(0, 100) : "<bytes>"} → ${o.text.slice(0, 160)}`);

		console.log(`bad input: sent ${outcomes.length}, 5xx ${serverErrors.length}, state changes ${changes.length}, 4xx without fields ${noFields.length}`);
		console.log(`  statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; gateway-shaped 4xx ${gatewayShaped.length}; accepted (<400) ${accepted.length}`);
		console.log(`  per route ${JSON.stringify(Object.fromEntries(byRoute))}`);
		if (serverErrors.length) console.log(`  5xx:\n    ${show(serverErrors).join("\n    ")}`);
		if (accepted.length) console.log(`  accepted:\n    ${show(accepted).join("\n    ")}`);
		if (changes.length) console.log(`  changed items: ${changes.slice(0, 20).join(", ")}`);
		if (noFields.length) console.log(`  validation errors without fields:\n    ${show(noFields).join("\n    ")}`);
		if (badBodies.length) console.log(`  malformed 4xx bodies:\n    ${show(badBodies).join("\n    ")}`);

		expect(outcomes.length).toBeGreaterThanOrEqual(TOTAL);
		expect(show(serverErrors), "5xx on bad input").toEqual([]);
		expect(changes, "bad input changed the table").toEqual([]);
		expect(show(badBodies), "4xx bodies without error.code/message").toEqual([]);
		expect(show(noFields), "validation errors without fields").toEqual([]);
	}, 900_000);
});

// Defects the fuzzer found, pinned as named cases so each fails on its own until fixed.
describe("regressions found by the fuzzer", () => {
	it("a malformed percent-encoding in a path parameter is a 400, not a 500 (scripts/lib/gateway.ts matchRoute)", async () => {
		for (const path of [`/api/submissions/%E0%A4%A/${M}`, "/api/submissions/t33/%", "/api/admin/users/%C0%AF", `/api/submissions/t33/%ED%A0%80`]) {
			const r = await send({ route: "-", defect: "bad percent-encoding", method: path.includes("users") ? "PATCH" : "PUT", path, who: path.includes("users") ? "admin" : "reporter", body: json(path.includes("users") ? { name: "x" } : submissionBase()) });
			expect(r.status, `${path} → ${r.status} ${r.text}`).toBeLessThan(500);
		}
	});

	it('an element code "__proto__" is rejected like any unknown code, not silently dropped while the rest is saved', async () => {
		const before = await snapshot(h.app.doc, h.table, (pk) => pk.startsWith("SUB"));
		const body = `{"action":"save","values":${JSON.stringify(validValues("t33")).slice(0, -1)},"__proto__":1}}`;
		const r = await send({ route: "-", defect: "__proto__ code", method: "PUT", path: `/api/submissions/t33/${M}`, who: "reporter", body });
		expect(r.status, r.text.slice(0, 200)).toBe(400);
		expect(diff(before, await snapshot(h.app.doc, h.table, (pk) => pk.startsWith("SUB")))).toEqual([]);
	});
});
