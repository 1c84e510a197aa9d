// Shared by the admin pages for data elements, indicators and validation rules (all three read
// GET /api/admin/metadata and show formula errors at their position).
import type { FormulaProblemView, MetadataOverview } from "$core/api-types";
import { ApiError, api } from "$lib/api";

export const loadMetadata = (): Promise<MetadataOverview> => api.get<MetadataOverview>("/admin/metadata");

/** The server's field errors, with "at character N" added where the formula parser stopped (details.formula). */
export const withFormulaPositions = (err: unknown, fields: Record<string, string>, at: (position: number) => string): Record<string, string> => {
	const out = { ...fields };
	const problems = err instanceof ApiError ? ((err.details.formula as FormulaProblemView[] | undefined) ?? []) : [];
	for (const p of problems) out[p.field] = `${out[p.field] ?? p.message} · ${at(p.position + 1)}`;
	return out;
};
