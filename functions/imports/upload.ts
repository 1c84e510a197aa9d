// The uploaded file: .xlsx by its zip (or old OLE) signature, CSV otherwise, with the content types browsers
// actually send and a clear 4xx for anything else.
import type { SheetTable } from "../core/import-sheet";
import { readCsv, type TextEncodingName } from "../commons/csv-read";
import { AppError } from "../commons/errors";
import { isOle, isZip, readXlsx } from "../commons/xlsx-read";

const ACCEPTED_TYPES = [
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"text/csv",
	"text/plain",
	"application/csv",
	"text/comma-separated-values",
	// Windows browsers label .csv files with Excel installed like this.
	"application/vnd.ms-excel",
	"application/octet-stream",
	"",
];

/** A 400 on one field, with the message in both languages. */
export const badUpload = (zh: string, en: string, field = "file") => new AppError("bad-request", `${zh} (${en})`, { [field]: `${zh} (${en})` });

/** Reads the request body as a sheet: .xlsx by its zip signature, CSV otherwise. */
export const readUpload = (
	bytes: Uint8Array,
	opts: { contentType?: string; decodedAsText?: boolean; sheetName?: string },
): { table: SheetTable; format: "xlsx" | "csv"; encoding?: TextEncodingName; sheet?: string } => {
	const type = (opts.contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
	if (!ACCEPTED_TYPES.includes(type)) {
		throw new AppError("unsupported", `${type.startsWith("multipart/") ? "请直接以文件作为请求体上传，不要用表单" : "不支持的文件类型"} (send the .xlsx or .csv file itself as the body; got ${type})`, {
			"content-type": "应为 .xlsx 或 text/csv (must be an .xlsx or CSV file)",
		});
	}
	if (bytes.length === 0) throw badUpload("请求体为空，请上传 .xlsx 或 .csv 文件", "the body is empty; upload an .xlsx or .csv file");
	if (isZip(bytes) || isOle(bytes)) {
		const t = readXlsx(bytes, opts.sheetName !== undefined ? { sheetName: opts.sheetName } : {});
		return { table: t, format: "xlsx", sheet: t.name };
	}
	if (type === ACCEPTED_TYPES[0]) throw badUpload("文件不是 .xlsx 工作簿", "the file is not an .xlsx workbook");
	const csv = readCsv(bytes);
	// API Gateway hands text/* bodies over as UTF-8 text: bytes in another encoding arrive already replaced.
	if (opts.decodedAsText && csv.encoding === "utf-8" && bytes.length > 0 && new TextDecoder().decode(bytes).includes("\uFFFD")) {
		throw badUpload(
			"文件不是 UTF-8 编码，且以 text/csv 上传时已损坏；请另存为“CSV UTF-8”，或以 application/octet-stream 上传",
			"the file is not UTF-8 and was mangled as text/csv; save it as CSV UTF-8 or upload it as application/octet-stream",
		);
	}
	return { table: csv, format: "csv", encoding: csv.encoding };
};
