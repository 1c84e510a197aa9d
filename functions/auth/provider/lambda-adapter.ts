// Runs a Node `(req, res)` callback (oidc-provider's Koa app) for one API Gateway HTTP API v2 event, with
// no server and no socket: the event becomes an IncomingMessage, the ServerResponse is captured and
// becomes an APIGatewayProxyResultV2 (multiple Set-Cookie headers go to `cookies`, as API Gateway wants).
// The local gateway hands the same handler a real v2 event, so this is the only path in both places.
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export type NodeCallback = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface LambdaAdapterOptions {
	/**
	 * The public URL the callback lives under, e.g. the issuer `https://hpm.example.cn/oidc`. Its path is the
	 * mount path (stripped from req.url and exposed as req.baseUrl, which oidc-provider uses to build URLs);
	 * its origin is forced onto Host / X-Forwarded-Proto, because behind CloudFront or a custom domain the
	 * Host that reaches the Lambda is API Gateway's, and every URL the provider prints must be the public one.
	 */
	publicUrl: string;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|javascript|xml|[\w.+-]+\+xml|x-www-form-urlencoded))/i;

/** Splits the public URL into the mount path and origin parts the request needs. */
const mountOf = (publicUrl: string) => {
	const u = new URL(publicUrl);
	return { mount: u.pathname.replace(/\/+$/, ""), host: u.host, proto: u.protocol.replace(":", "") };
};

/** The path below the mount; tolerates a stage prefix before it (`/prod/oidc/...`). */
const stripMount = (rawPath: string, mount: string): string | undefined => {
	if (mount === "") return rawPath || "/";
	if (rawPath === mount) return "/";
	if (rawPath.startsWith(`${mount}/`)) return rawPath.slice(mount.length);
	const at = rawPath.indexOf(`${mount}/`);
	return at > 0 ? rawPath.slice(at + mount.length) : undefined;
};

export const requestFromEvent = (event: APIGatewayProxyEventV2, opts: LambdaAdapterOptions): IncomingMessage => {
	const { mount, host, proto } = mountOf(opts.publicUrl);
	const socket = new Socket();
	// No real connection: the peer address is what API Gateway saw.
	Object.defineProperty(socket, "remoteAddress", { value: event.requestContext?.http?.sourceIp ?? "127.0.0.1" });
	const req = new IncomingMessage(socket);
	req.method = (event.requestContext?.http?.method ?? "GET").toUpperCase();
	const rest = stripMount(event.rawPath || "/", mount);
	const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
	// A path outside the mount keeps its full form, so the callback answers it with its own 404.
	req.url = `${rest ?? event.rawPath ?? "/"}${query}`;
	(req as IncomingMessage & { baseUrl?: string }).baseUrl = rest === undefined ? "" : mount;
	req.httpVersion = "1.1";
	req.httpVersionMajor = 1;
	req.httpVersionMinor = 1;

	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
	if (event.cookies?.length) headers.cookie = event.cookies.join("; ");
	headers.host = host;
	headers["x-forwarded-proto"] = proto;
	delete headers["x-forwarded-host"];
	delete headers["transfer-encoding"];

	const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8") : undefined;
	if (body) headers["content-length"] = String(body.length);
	else delete headers["content-length"];
	req.headers = headers;
	req.rawHeaders = Object.entries(headers).flat();

	if (body) req.push(body);
	req.push(null);
	req.complete = true;
	return req;
};

const toBuffer = (chunk: unknown, encoding?: BufferEncoding): Buffer | undefined => {
	if (chunk === undefined || chunk === null || typeof chunk === "function") return undefined;
	if (Buffer.isBuffer(chunk)) return chunk;
	if (chunk instanceof Uint8Array) return Buffer.from(chunk);
	return Buffer.from(String(chunk), encoding ?? "utf8");
};

/** Runs the callback for the event and returns what it wrote. */
export const runNodeCallback = async (
	callback: NodeCallback,
	event: APIGatewayProxyEventV2,
	opts: LambdaAdapterOptions,
): Promise<APIGatewayProxyStructuredResultV2> => {
	const req = requestFromEvent(event, opts);
	const res = new ServerResponse(req);
	const chunks: Buffer[] = [];

	const ended = new Promise<void>((resolve) => {
		res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
			const buf = toBuffer(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : undefined);
			if (buf) chunks.push(buf);
			const done = typeof encoding === "function" ? encoding : cb;
			if (typeof done === "function") done();
			return true;
		}) as typeof res.write;
		res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
			const buf = toBuffer(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : undefined);
			if (buf) chunks.push(buf);
			(res as { finished: boolean }).finished = true;
			const done = [chunk, encoding, cb].find((f) => typeof f === "function");
			if (typeof done === "function") done();
			resolve();
			res.emit("prefinish");
			res.emit("finish");
			return res;
		}) as typeof res.end;
	});

	await Promise.all([Promise.resolve(callback(req, res)), ended]);

	const headers: Record<string, string> = {};
	let cookies: string[] = [];
	for (const [name, value] of Object.entries(res.getHeaders())) {
		if (value === undefined) continue;
		if (name === "set-cookie") cookies = Array.isArray(value) ? value.map(String) : [String(value)];
		else headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
	}
	const body = Buffer.concat(chunks);
	const contentType = headers["content-type"] ?? "";
	const isText = body.length === 0 || TEXT_TYPES.test(contentType);
	const result: APIGatewayProxyStructuredResultV2 = {
		statusCode: res.statusCode,
		headers,
		body: isText ? body.toString("utf8") : body.toString("base64"),
		isBase64Encoded: !isText,
	};
	if (cookies.length > 0) result.cookies = cookies;
	return result;
};
