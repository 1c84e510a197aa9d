// Display labels the server writes into files and mail (the export workbook, the summary), so each says the
// same thing. The web app has its own message files.
import type { IndicatorStatus } from "./types";

export type Labels<K extends string> = Record<K, { zh: string; en: string }>;

export const STATUS_LABELS: Labels<IndicatorStatus> = {
	achieved: { zh: "已达标", en: "Achieved" },
	"on-track": { zh: "符合进度", en: "On track" },
	behind: { zh: "落后进度", en: "Behind" },
	"off-track": { zh: "偏离目标", en: "Off track" },
	uncertain: { zh: "事件数少，难以判断", en: "Too few events to judge" },
	provisional: { zh: "数据不完整", en: "Provisional (incomplete)" },
	"no-data": { zh: "暂无数据", en: "No data" },
};
