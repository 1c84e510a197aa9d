// Dev-time only: builds functions/summary/assets/cjk-subset.otf, the CJK font the email charts draw with.
// Lambda and CI have no CJK fonts and no network, so the subset is committed to the repo.
//
//   apt-get install -y fonts-noto-cjk      # gives /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
//   npx tsx scripts/make-font-subset.ts    # rerun whenever the catalog gains a character
//
// What goes in (see docs/summary.md for the reasoning and the resulting size):
// - GB2312 level 1 (3,755 常用汉字, rows 16–55), decoded from EUC-CN with the runtime's own GB decoder, so the list
//   is generated, not pasted; covers practically all unit names and any text an admin types into the catalog.
// - GB2312 row 1 (general symbols: 、。·ˉ“”…‰℃±×÷≤≥ etc.) and row 3 (full-width ASCII: ０-９，（）％ etc.).
// - Every CJK character found in functions/core/catalog/*.ts and functions/summary/**/*.ts, so a catalog name using
//   a level-2 character (e.g. 铁门关's neighbours, 疆, 垦) is still covered.
// - Printable ASCII, common CJK punctuation and ‰ %.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
// subset-font ships no typings; this is its documented signature.
const subsetFont = require("subset-font") as (
	font: Buffer,
	text: string,
	options?: { targetFormat?: "sfnt" | "truetype" | "woff" | "woff2"; noHinting?: boolean; keepFeatures?: string[]; dropTables?: string[] },
) => Promise<Buffer>;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = process.env.CJK_SOURCE_FONT ?? "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/** Face 2 of Noto Sans CJK's collection is the Simplified Chinese one (0 JP, 1 KR, 2 SC, 3 TC, 4 HK). */
const FACE_INDEX = Number(process.env.CJK_SOURCE_FACE ?? "2");
const OUT = join(root, "functions/summary/assets/cjk-subset.otf");

/** GB2312 rows (1-based) decoded through EUC-CN: row r cell c is bytes 0xA0+r, 0xA0+c. */
const gb2312Rows = (rows: number[]): string => {
	const decoder = new TextDecoder("gbk", { fatal: false });
	let out = "";
	for (const row of rows) {
		for (let cell = 1; cell <= 94; cell++) {
			const ch = decoder.decode(Uint8Array.from([0xa0 + row, 0xa0 + cell]));
			// Unassigned cells (e.g. the end of row 55) decode to U+FFFD or to GBK extensions outside GB2312.
			if (ch.length === 1 && ch !== "\ufffd" && !/\p{Co}/u.test(ch)) out += ch;
		}
	}
	return out;
};

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const walk = (dir: string, accept: (path: string) => boolean): string[] => {
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch {
		return [];
	}
	return entries.flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === "assets" ? [] : walk(path, accept);
		return accept(path) ? [path] : [];
	});
};

// Every non-ASCII character in those files (Han, full-width punctuation, ‰ ≤ ≥ …); ASCII is added whole below.
const NON_ASCII = /[^ -~\t\n\r]/gu;

const charsFromSources = (): { chars: string; files: string[] } => {
	const files = [
		...walk(join(root, "functions/core/catalog"), (p) => p.endsWith(".ts")),
		...walk(join(root, "functions/summary"), (p) => p.endsWith(".ts")),
	];
	let chars = "";
	for (const f of files) chars += (readFileSync(f, "utf8").match(NON_ASCII) ?? []).join("");
	return { chars, files };
};

/** Pulls one face out of a TrueType/OpenType collection into a standalone sfnt (subset-font always reads face 0). */
const extractFace = (ttc: Buffer, index: number): Buffer => {
	if (ttc.toString("latin1", 0, 4) !== "ttcf") return ttc;
	const numFonts = ttc.readUInt32BE(8);
	if (index >= numFonts) throw new Error(`Collection has ${numFonts} faces; face ${index} requested`);
	const dirOffset = ttc.readUInt32BE(12 + 4 * index);
	const numTables = ttc.readUInt16BE(dirOffset + 4);
	const tables = range(0, numTables - 1).map((i) => {
		const rec = dirOffset + 12 + 16 * i;
		return {
			tag: ttc.subarray(rec, rec + 4),
			checksum: ttc.readUInt32BE(rec + 4),
			data: ttc.subarray(ttc.readUInt32BE(rec + 8), ttc.readUInt32BE(rec + 8) + ttc.readUInt32BE(rec + 12)),
		};
	});
	const headerSize = 12 + 16 * numTables;
	const pad4 = (n: number) => (n + 3) & ~3;
	const total = headerSize + tables.reduce((s, t) => s + pad4(t.data.length), 0);
	const out = Buffer.alloc(total);
	ttc.copy(out, 0, dirOffset, dirOffset + 12);
	let offset = headerSize;
	tables.forEach((t, i) => {
		const rec = 12 + 16 * i;
		t.tag.copy(out, rec);
		out.writeUInt32BE(t.checksum, rec + 4);
		out.writeUInt32BE(offset, rec + 8);
		out.writeUInt32BE(t.data.length, rec + 12);
		t.data.copy(out, offset);
		offset += pad4(t.data.length);
	});
	return out;
};

const main = async (): Promise<void> => {
	const level1 = gb2312Rows(range(16, 55));
	const symbols = gb2312Rows([1, 3]);
	const ascii = String.fromCharCode(...range(0x20, 0x7e));
	const punctuation = "、。，．：；！？（）《》〈〉「」『』【】“”‘’—–…·～％‰℃±×÷≤≥≠≈→←↑↓▲▼●○■□◆★☆①②③④⑤⑥⑦⑧⑨⑩";
	const fromSources = charsFromSources();
	const text = [...new Set(level1 + symbols + ascii + punctuation + fromSources.chars)].sort().join("");

	const source = extractFace(readFileSync(SOURCE), FACE_INDEX);
	const subset = await subsetFont(source, text, {
		targetFormat: "sfnt",
		noHinting: true,
		// Horizontal text in charts needs no OpenType layout (no vertical forms, no locale variants, no kerning pairs
		// between Han glyphs), and the GSUB/GPOS closure otherwise drags in hundreds of alternate glyphs.
		keepFeatures: [],
		dropTables: ["GSUB", "GPOS", "vhea", "vmtx", "VORG", "DSIG"],
	});
	mkdirSync(dirname(OUT), { recursive: true });
	writeFileSync(OUT, subset);

	const hanzi = [...text].filter((c) => /\p{Script=Han}/u.test(c)).length;
	const extra = [...new Set(fromSources.chars)].filter((c) => /\p{Script=Han}/u.test(c) && !level1.includes(c));
	console.log(
		JSON.stringify(
			{
				out: OUT,
				bytes: subset.length,
				codepoints: [...text].length,
				hanzi,
				gb2312Level1: level1.length,
				scannedFiles: fromSources.files.length,
				hanziOutsideLevel1: extra.join(""),
			},
			null,
			2,
		),
	);
};

await main();
