// Used by .ci/smoke-start.sh: exits 0 once the local platform has archived the latest due month's summary for the
// division and every 垦区 (GET /api/summaries), and the mail catcher holds the expected summaries per seeded
// recipient: `once` (one each, after a fresh start) or `none` (after a restart: nothing is sent twice).
// Usage: node .ci/smoke-summaries.mjs <api base> <admin token> <maildev web base> once|none
const [base, token, mailWeb, expectMail = "once"] = process.argv.slice(2);
const summaryDay = Number(process.env.SUMMARY_DAY ?? Math.min(Number(process.env.DEADLINE_DAY ?? 10) + 1, 28));

// The latest month whose summary is due (as functions/summary/schedule.ts latestDueMonth, Asia/Shanghai).
const sh = new Date(Date.now() + 8 * 3600_000);
let idx = sh.getUTCFullYear() * 12 + sh.getUTCMonth() - 1;
if (sh.getUTCDate() < summaryDay || (sh.getUTCDate() === summaryDay && sh.getUTCHours() < 8)) idx -= 1;
const month = `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`;

const fail = (why) => {
	console.log(`  waiting: ${why}`);
	process.exit(1);
};
const get = async (url, headers = {}) => {
	const r = await fetch(url, { headers });
	if (!r.ok) fail(`${url} answered ${r.status}`);
	return r.json();
};

const scopes = ["div", "korla", "yanqi", "tarim", "qieruo"];
const list = await get(`${base}/api/summaries`, { Authorization: `Bearer ${token}` });
const have = new Set(list.items.filter((e) => e.month === month && e.locales.includes("zh-CN")).map((e) => e.scope));
const missing = scopes.filter((s) => !have.has(s));
if (missing.length) fail(`no ${month} summary archived for ${missing.join(", ")}`);

const recipients = ["leader", ...scopes.slice(1).map((a) => `leader-${a}`), "leader-en"].map((u) => `${u}@hpm.local`);
const [y, m] = month.split("-").map(Number);
const EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const isSummary = (subject) => subject.startsWith(`【健康规划月报】${y}年${m}月`) || subject.startsWith(`Health plan summary, ${EN[m - 1]} ${y}`);
const raw = await get(`${mailWeb}/api/email`);
const all = Array.isArray(raw) ? raw : (raw.emails ?? raw.items ?? raw.data ?? []);
const mails = all.filter((e) => isSummary(e.subject ?? ""));
const per = new Map(recipients.map((r) => [r, 0]));
const addresses = (to) => (Array.isArray(to) ? to : [to]).map((t) => (typeof t === "string" ? t : t?.address)).filter(Boolean);
for (const e of mails) for (const a of addresses(e.to ?? [])) if (per.has(a)) per.set(a, per.get(a) + 1);
const want = expectMail === "none" ? 0 : 1;
const wrong = [...per].filter(([, n]) => n !== want);
if (wrong.length) fail(`mail catcher: ${wrong.map(([r, n]) => `${r}×${n}`).join(", ")} (want ${want} each)`);
if (mails.length !== want * recipients.length) fail(`${mails.length} summary mails, want ${want * recipients.length}`);
console.log(`  ${month}: archived for ${scopes.join(", ")}; ${mails.length} summary mail(s), ${want} per seeded recipient`);
