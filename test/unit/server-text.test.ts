import { expect, test } from "vitest";
import { serverText } from "../../web/src/lib/server-text";
// Bilingual server messages: the English half may carry brackets and quoted Chinese of its own (issue 18 item 14).
test("serverText splits at the bracket that opens the final balanced group", () => {
	const m = `缺少“单位编号”或“单位名称”列，文件不是导入模板格式 (no "单位编号" (unitId) or "单位名称" (unit name) column: the file is not in the import layout)`;
	expect(serverText(m, "en")).toBe(`no "单位编号" (unitId) or "单位名称" (unit name) column: the file is not in the import layout`);
	expect(serverText(m, "zh-CN")).toBe("缺少“单位编号”或“单位名称”列，文件不是导入模板格式");
	expect(serverText("不能为空（must not be empty）", "en")).toBe("must not be empty");
	expect(serverText("Plain English (x)", "zh-CN")).toBe("Plain English (x)");
	expect(serverText("值（当前值：3）必须大于 5 (must exceed 5)", "zh-CN")).toBe("值（当前值：3）必须大于 5");
});
