// DingTalk's 加签 for custom group robots: sign = urlEncode(base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`))),
// with the timestamp in milliseconds; DingTalk refuses a timestamp more than an hour off its clock.
import { createHmac } from "node:crypto";

/** The signature as it goes into the query string (already URL-encoded). */
export const dingTalkSign = (secret: string, timestampMs: number): string =>
	encodeURIComponent(createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64"));

/** The webhook URL with `timestamp` and `sign` appended. */
export const signDingTalkUrl = (url: string, secret: string, timestampMs: number): string =>
	`${url}${url.includes("?") ? "&" : "?"}timestamp=${timestampMs}&sign=${dingTalkSign(secret, timestampMs)}`;
