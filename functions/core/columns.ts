// Spreadsheet column letters, shared by the import reader (row reports name columns) and the xlsx writer.

/** 0 → A, 25 → Z, 26 → AA. */
export const columnLetter = (index: number): string => {
	let n = index + 1;
	let s = "";
	while (n > 0) {
		const r = (n - 1) % 26;
		s = String.fromCharCode(65 + r) + s;
		n = Math.floor((n - 1) / 26);
	}
	return s;
};
