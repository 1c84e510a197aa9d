// commons/zip.ts against an independent zip implementation (fflate, which the tests keep): what it writes fflate
// reads back, what fflate writes (deflated or stored) it reads, and a damaged or lying archive is refused.
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { listZip, readZipEntry, writeZip, ZipFormatError } from "../../functions/commons/zip";

const mtime = new Date(2024, 5, 30, 12, 34, 56);
const text = (n: number) => Array.from({ length: n }, (_, i) => `<row r="${i}">单元 ${i}</row>`).join("");

describe("commons/zip", () => {
	it("writes archives fflate reads: names (ASCII and not), contents and order", () => {
		const files = [
			{ name: "[Content_Types].xml", data: strToU8("<Types/>"), mtime },
			{ name: "xl/worksheets/sheet1.xml", data: strToU8(text(2000)), mtime },
			{ name: "数据/说明.txt", data: strToU8("汉字"), mtime },
			{ name: "empty.bin", data: new Uint8Array(0), mtime },
		];
		const zip = writeZip(files);
		const back = unzipSync(zip);
		expect(Object.keys(back)).toEqual(files.map((f) => f.name));
		for (const f of files) expect(strFromU8(back[f.name] as Uint8Array)).toBe(strFromU8(f.data));
		// Deflated: 2,000 similar rows take a fraction of their bytes.
		expect(zip.length).toBeLessThan(strToU8(text(2000)).length / 3);
	});

	it("reads what fflate writes, deflated and stored", () => {
		for (const level of [0, 6] as const) {
			const zip = zipSync({ "a.xml": strToU8(text(500)), "dir/b.txt": strToU8("b") }, { level });
			const entries = listZip(zip);
			expect(entries.map((e) => [e.name, e.method])).toEqual([
				["a.xml", level === 0 ? 0 : 8],
				["dir/b.txt", level === 0 ? 0 : 8],
			]);
			expect(strFromU8(readZipEntry(zip, entries[0]!))).toBe(text(500));
			expect(strFromU8(readZipEntry(zip, entries[1]!))).toBe("b");
		}
	});

	it("refuses what is not a whole zip, and never inflates beyond the declared size", () => {
		const zip = writeZip([{ name: "a.xml", data: strToU8(text(3000)), mtime }]);
		expect(() => listZip(zip.subarray(0, zip.length - 30))).toThrow(ZipFormatError);
		expect(() => listZip(strToU8("PK\u0003\u0004 not a zip at all"))).toThrow(ZipFormatError);
		const [entry] = listZip(zip);
		expect(() => readZipEntry(zip, { ...entry!, size: 64 })).toThrow(ZipFormatError);
		expect(() => readZipEntry(zip, { ...entry!, method: 12 })).toThrow(/method 12/);
		expect(() => readZipEntry(zip.subarray(0, 100), entry!)).toThrow(ZipFormatError);
	});
});
