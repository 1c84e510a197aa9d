// The zip container of .xlsx files, on node:zlib's native deflate: list the entries, inflate the ones asked for,
// write an archive. Replaces fflate, which built its Huffman tables at module load: ~5 ms of every cold start of a
// function that imports or exports a workbook (docs/performance.md). Only what .xlsx needs: stored and deflated
// entries, no encryption, no ZIP64 (an .xlsx within the import's caps is far below 4 GB).
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";

/** An entry as the central directory declares it. */
export interface ZipEntry {
	name: string;
	/** 0 stored, 8 deflated. */
	method: number;
	compressedSize: number;
	/** Declared uncompressed size; inflating is capped at it. */
	size: number;
	/** Offset of the entry's local header. */
	offset: number;
}

/** The archive is not a zip this reader understands (truncated, encrypted, an unknown method). */
export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const nameOf = (bytes: Uint8Array, flags: number): string => Buffer.from(bytes).toString(flags & 0x800 ? "utf8" : "latin1");

/** Every entry of the central directory, without inflating anything. */
export const listZip = (bytes: Uint8Array): ZipEntry[] => {
	const v = view(bytes);
	// The end-of-central-directory record: 22 bytes plus a comment of up to 65,535.
	let end = -1;
	for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
		if (v.getUint32(i, true) === EOCD) {
			end = i;
			break;
		}
	}
	if (end < 0) throw new ZipFormatError("no end of central directory");
	const count = v.getUint16(end + 10, true);
	let at = v.getUint32(end + 16, true);
	const entries: ZipEntry[] = [];
	for (let n = 0; n < count; n++) {
		if (at + 46 > bytes.length || v.getUint32(at, true) !== CENTRAL) throw new ZipFormatError("bad central directory");
		const flags = v.getUint16(at + 8, true);
		if (flags & 1) throw new ZipFormatError("encrypted entry");
		const nameLength = v.getUint16(at + 28, true);
		const skip = nameLength + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
		if (at + 46 + skip > bytes.length) throw new ZipFormatError("bad central directory");
		entries.push({
			name: nameOf(bytes.subarray(at + 46, at + 46 + nameLength), flags),
			method: v.getUint16(at + 10, true),
			compressedSize: v.getUint32(at + 20, true),
			size: v.getUint32(at + 24, true),
			offset: v.getUint32(at + 42, true),
		});
		at += 46 + skip;
	}
	return entries;
};

/** One entry's bytes, never more than its declared size (a zip bomb stops at the cap). */
export const readZipEntry = (bytes: Uint8Array, entry: ZipEntry): Uint8Array => {
	const v = view(bytes);
	const at = entry.offset;
	if (at + 30 > bytes.length || v.getUint32(at, true) !== LOCAL) throw new ZipFormatError("bad local header");
	const start = at + 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true);
	if (start + entry.compressedSize > bytes.length) throw new ZipFormatError("truncated entry");
	const data = bytes.subarray(start, start + entry.compressedSize);
	if (entry.method === 0) {
		if (entry.compressedSize !== entry.size) throw new ZipFormatError("bad stored entry");
		return data;
	}
	if (entry.method !== 8) throw new ZipFormatError(`compression method ${entry.method}`);
	if (entry.size === 0) return new Uint8Array(0);
	try {
		const out = inflateRawSync(data, { maxOutputLength: entry.size });
		if (out.length !== entry.size) throw new ZipFormatError("size differs from the declared one");
		return out;
	} catch (e) {
		if (e instanceof ZipFormatError) throw e;
		throw new ZipFormatError(`cannot inflate ${entry.name}`);
	}
};

/** DOS date and time, in local time as zip tools read them. */
const dosDateTime = (d: Date): [number, number] => [
	((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
	(d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
];

/** An archive of `files`, in order, each deflated at `level`. */
export const writeZip = (files: { name: string; data: Uint8Array; mtime: Date }[], level = 6): Uint8Array => {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const f of files) {
		const name = Buffer.from(f.name, "utf8");
		const flags = /^[\x20-\x7e]*$/.test(f.name) ? 0 : 0x800;
		const packed = deflateRawSync(f.data, { level });
		const crc = crc32(f.data);
		const [date, time] = dosDateTime(f.mtime);
		// The fields the local header and the central directory entry share, in the same order: version needed,
		// flags, method (8: deflate), time, date, CRC-32, compressed and uncompressed size, name length.
		const shared = (b: Buffer, at: number) => {
			b.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
			b.writeUInt16LE(flags, at + 2);
			b.writeUInt16LE(8, at + 4);
			b.writeUInt16LE(time, at + 6);
			b.writeUInt16LE(date, at + 8);
			b.writeUInt32LE(crc, at + 10);
			b.writeUInt32LE(packed.length, at + 14);
			b.writeUInt32LE(f.data.length, at + 18);
			b.writeUInt16LE(name.length, at + 22);
		};
		const local = Buffer.alloc(30);
		local.writeUInt32LE(LOCAL, 0);
		shared(local, 4);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(CENTRAL, 0);
		central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS
		shared(central, 6);
		central.writeUInt32LE(offset, 42);
		locals.push(local, name, packed);
		centrals.push(central, name);
		offset += 30 + name.length + packed.length;
	}
	const directory = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(EOCD, 0);
	end.writeUInt16LE(files.length, 8);
	end.writeUInt16LE(files.length, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	return new Uint8Array(Buffer.concat([...locals, directory, end]));
};
