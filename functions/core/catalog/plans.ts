// The two plans the platform monitors, transcribed from the seed documents. Every `printed` string is
// copied verbatim from the seed; `value`/`target` are the numbers parsed from it. Where a printed
// target reads oddly, the printed numbers are kept and the chosen interpretation is explained in `note`.

import type { Baseline, Direction, I18nText, IndicatorGroup, Nature, Plan, PlanIndicator, PlanTarget, Target } from "../types";

function base(year: number, value: number, printed: string): Baseline {
	return { year, value, printed };
}

function at(year: number, target: Target, printed: string): PlanTarget {
	return { year, target, printed };
}

const le = (value: number): Target => ({ kind: "threshold", op: "<=", value });
const ge = (value: number): Target => ({ kind: "threshold", op: ">=", value });
const gt = (value: number): Target => ({ kind: "threshold", op: ">", value });
const reach = (value: number): Target => ({ kind: "reach", value });
/**
 * "左右" (about): the tolerance is ±1 percentage point for every such target. The national Healthy China
 * 2030 target "28左右" for 2020 was reported as met at 27.7%, which a ±1 band covers and a ±0.5 band
 * would not; a wider band would make "左右" meaningless for a two-digit percentage.
 */
const about = (value: number): Target => ({ kind: "approximately", value, tolerance: 1 });

function row(
	indicatorCode: string,
	order: number,
	group: IndicatorGroup,
	baseline: Baseline | null,
	targets: PlanTarget[],
	direction: Direction,
	nature: Nature,
	note?: I18nText,
): PlanIndicator {
	const r: PlanIndicator = { indicatorCode, order, group, baseline, targets, direction, nature };
	if (note) r.note = note;
	return r;
}

const Y = 2025;

/** 专栏1 “十四五”时期卫生健康事业发展主要指标, then the quantified targets of the plan's text (order 19+). */
const tmgIndicators: PlanIndicator[] = [
	// 健康水平
	row("LIFE_EXP", 1, "health-status", base(2020, 79.36, "79.36"), [at(Y, reach(80.47), "80.47")], "increase", "expected"),
	row(
		"HEALTHY_LIFE_EXP",
		2,
		"health-status",
		null,
		[at(Y, { kind: "proportional", followsIndicator: "LIFE_EXP" }, "同比例提高")],
		"increase",
		"expected",
		{
			zh: "基线未列（—）；目标为与人均预期寿命同比例提高：以首个年度报告值为基数，按人均预期寿命的增幅比例推算。",
			en: "No baseline printed (—). Target: rise in the same proportion as life expectancy, applied to the first reported value.",
		},
	),
	row("MMR", 3, "health-status", base(2020, 18, "18"), [at(Y, le(12), "≤12")], "decrease", "expected", {
		zh: "师市每年活产约2000例，1例孕产妇死亡即约50/10万；单年数值波动大，宜结合多年合计解读。",
		en: "With about 2,000 live births a year one maternal death is about 50 per 100,000; read single years with care.",
	}),
	row("IMR", 4, "health-status", base(2020, 1.53, "1.53"), [at(Y, le(5), "≤5")], "decrease", "expected"),
	row("U5MR", 5, "health-status", base(2020, 3.05, "3.05"), [at(Y, le(6), "≤6")], "decrease", "expected"),
	row("NCD_PREMATURE_MORTALITY", 6, "health-status", null, [at(Y, le(15), "≤15")], "decrease", "expected"),
	// 健康生活
	row(
		"HEALTH_LITERACY_LEVEL",
		7,
		"healthy-living",
		base(2020, 18.36, "18.36"),
		[at(Y, reach(25), "25")],
		"increase",
		"expected",
	),
	row(
		"SMOKING_PREVALENCE",
		8,
		"healthy-living",
		base(2020, 22.4, "22.40"),
		[at(Y, le(23.3), "23.30")],
		"decrease",
		"expected",
		{
			zh: "规划印发的目标值23.30高于基线22.40。按原文保留数值，但吸烟率越低越好，故将23.30作为上限（≤23.30）处理：不超过即达标，方向为下降。",
			en: "The printed target (23.30) is above the baseline (22.40). The numbers are kept as printed, but lower smoking is better, so 23.30 is treated as a ceiling (≤23.30) and the direction is decrease.",
		},
	),
	// 健康服务
	row(
		"BEDS_PER_1000",
		9,
		"health-services",
		base(2020, 7.5, "7.50"),
		[at(Y, { kind: "maintain" }, "7.50")],
		"increase",
		"expected",
		{ zh: "保持基线水平，低于基线视为落后。", en: "Keep the baseline level; falling below it counts as behind." },
	),
	row(
		"PHYSICIANS_PER_1000",
		10,
		"health-services",
		base(2020, 3.65, "3.65"),
		[at(Y, { kind: "maintain" }, "3.65")],
		"increase",
		"expected",
	),
	row(
		"TCM_PHYSICIANS_PER_1000",
		10,
		"health-services",
		base(2020, 0.16, "0.16"),
		[at(Y, reach(0.57), "0.57")],
		"increase",
		"expected",
		{ zh: "第10项的“其中”项。", en: "The “of which” line under item 10." },
	),
	row(
		"NURSES_PER_1000",
		11,
		"health-services",
		base(2020, 4.86, "4.86"),
		[at(Y, { kind: "maintain" }, "4.86")],
		"increase",
		"expected",
	),
	row(
		"PHARMACISTS_PER_1000",
		12,
		"health-services",
		base(2020, 0.35, "0.35"),
		[at(Y, reach(0.63), "0.63")],
		"increase",
		"expected",
	),
	row("GPS_PER_10000", 13, "health-services", base(2020, 1.8, "1.80"), [at(Y, reach(4), "4.00")], "increase", "binding"),
	row(
		"PUBLIC_HEALTH_STAFF_PER_1000",
		14,
		"health-services",
		base(2020, 0.52, "0.52"),
		[at(Y, reach(0.81), "0.81")],
		"increase",
		"expected",
	),
	row(
		"CHILDCARE_PLACES_PER_1000",
		15,
		"health-services",
		null,
		[at(Y, reach(4.5), "4.50")],
		"increase",
		"expected",
	),
	row(
		"MYOPIA_PREVALENCE",
		16,
		"health-services",
		base(2020, 52.62, "52.62"),
		[at(Y, { kind: "annual-change", perYear: -0.5 }, "每年降低0.5个百分点")],
		"decrease",
		"binding",
		{
			zh: "每年降低0.5个百分点，即2025年不高于52.62−5×0.5=50.12。",
			en: "Down 0.5 percentage points a year: at most 52.62 − 5 × 0.5 = 50.12 in 2025.",
		},
	),
	row(
		"ELDERLY_HEALTH_MGMT_RATE",
		17,
		"health-services",
		base(2020, 78, "78"),
		[at(Y, reach(80), "80")],
		"increase",
		"expected",
	),
	// 健康保障
	row(
		"OOP_HEALTH_SPENDING_SHARE",
		18,
		"health-security",
		base(2020, 26, "26"),
		[at(Y, le(27), "27")],
		"decrease",
		"binding",
		{
			zh: "规划印发的目标值27高于基线26（正文另称2020年个人卫生支出比重已降至17.6%）。按原文保留数值，个人卫生支出占比越低越好，故将27作为约束性上限（≤27），方向为下降。",
			en: "The printed target (27) is above the baseline (26), and the plan's text says the 2020 share had already fallen to 17.6%. The numbers are kept as printed; a lower share is better, so 27 is treated as a binding ceiling (≤27), direction decrease.",
		},
	),

	// Quantified targets in the plan's text that units report against (no 2020 baseline is printed for them).
	row("IN_DIVISION_CARE_RATE", 19, "health-services", null, [at(Y, ge(90), "达到90%")], "increase", "expected", {
		zh: "第二章第三节：师域就诊率达到90%。",
		en: "Ch. 2 §3: in-division care rate to reach 90%.",
	}),
	row("PRIMARY_TCM_COVERAGE", 20, "health-services", null, [at(Y, ge(90), "达到90%")], "increase", "expected", {
		zh: "第二章第三节：基层中医药服务普及率达到90%。",
		en: "Ch. 2 §3: TCM services at 90% of primary-care sites.",
	}),
	row("CHRONIC4_MGMT_RATE", 21, "health-services", null, [at(Y, ge(90), "达90%以上")], "increase", "expected", {
		zh: "专栏3：高血压、糖尿病、结核病、严重精神障碍等四类重点慢性病管理率达90%以上。正文2020年分项：高血压管理率91%、糖尿病99.40%、重症精神疾病86.02%。",
		en: "Box 3: management rate of the four priority chronic conditions at 90% or more. 2020 in the text: hypertension 91%, diabetes 99.40%, severe mental illness 86.02%.",
	}),
	row("IMMUNISATION_RATE", 22, "health-services", null, [at(Y, ge(90), "提高到90％以上")], "increase", "expected", {
		zh: "第三章第三节。正文称“十三五”期间接种率保持在95%以上，目标值低于历史水平，按原文保留。",
		en: "Ch. 3 §3. The text says coverage stayed above 95% in 2016–2020; the target is below that but kept as printed.",
	}),
	row(
		"TOWN_CENTRE_COVERAGE",
		23,
		"health-services",
		null,
		[at(Y, ge(90), "达到90％以上")],
		"increase",
		"expected",
		{ zh: "第三章第五节：团（镇）检验、心电、影像中心使用覆盖率。", en: "Ch. 3 §5: regiment lab/ECG/imaging centres in use." },
	),
	row("TELEMEDICINE_COVERAGE", 24, "health-services", null, [at(Y, ge(100), "100%全覆盖")], "increase", "expected", {
		zh: "第三章第七节：远程医疗“师、团（镇）、连”100%全覆盖。",
		en: "Ch. 3 §7: telemedicine at every division, regiment and company facility.",
	}),
	row(
		"PSYCHIATRISTS_PER_100K",
		25,
		"health-services",
		null,
		[at(Y, ge(4), "保持在4名/10万人以上")],
		"increase",
		"expected",
		{ zh: "第三章第三节：精神专科医师数量。", en: "Ch. 3 §3: psychiatrists per 100,000." },
	),
	row("KEY_POP_PRIMARY_RATE", 26, "health-services", null, [at(Y, ge(70), "达70%以上")], "increase", "expected", {
		zh: "第三章第七节：重点人群在基层就诊率。",
		en: "Ch. 3 §7: priority groups seen at primary care.",
	}),
	row(
		"OCC_HEALTH_EXAM_RATE",
		27,
		"health-services",
		null,
		[at(Y, ge(95), "达到95%及以上")],
		"increase",
		"expected",
		{
			zh: "第三章第三节：接触职业病危害的劳动者在岗期间职业健康检查率等达到95%及以上。",
			en: "Ch. 3 §3: in-post occupational health exams of exposed workers at 95% or more.",
		},
	),
	row(
		"BLOOD_NAT_COVERAGE",
		28,
		"health-services",
		null,
		[at(Y, ge(100), "实现核酸检测全覆盖")],
		"increase",
		"expected",
		{
			zh: "第四章第一节（采供血机构）：实现核酸检测全覆盖；第三章第三节：全面落实临床用血核酸检测流程。",
			en: "Ch. 4 §1 (blood supply): nucleic-acid testing of all blood; Ch. 3 §3: NAT for all clinical blood.",
		},
	),
	row(
		"STAFF_EXPENDITURE_SHARE",
		29,
		"health-security",
		null,
		[at(Y, about(45), "达到45%左右")],
		"increase",
		"expected",
		{
			zh: "第三章第十节：力争公立医院人员支出占业务支出的比例达到45%左右；“左右”按±1个百分点处理。",
			en: "Ch. 3 §10: staff spending to reach about 45% of public-hospital operating expenditure; “about” taken as ±1 point.",
		},
	),
];

const HBT_NOTE_NATURE: I18nText = {
	zh: "原表未标注指标性质，按预期性处理。",
	en: "The table prints no nature; treated as expected.",
};

/** 健康兵团建设主要指标 (2015 baseline; 2020 and 2030 targets). */
const hbtIndicators: PlanIndicator[] = [
	row(
		"LIFE_EXP",
		1,
		"health-status",
		base(2015, 76.79, "76.79"),
		[at(2020, gt(77), ">77"), at(2030, gt(79), ">79")],
		"increase",
		"expected",
		HBT_NOTE_NATURE,
	),
	row(
		"IMR",
		2,
		"health-status",
		base(2015, 5.88, "5.88"),
		[at(2020, le(5), "≤5"), at(2030, le(5), "≤5")],
		"decrease",
		"expected",
	),
	row(
		"U5MR",
		3,
		"health-status",
		base(2015, 8.47, "8.47"),
		[at(2020, le(7.8), "≤7.8"), at(2030, le(6), "≤6")],
		"decrease",
		"expected",
	),
	row(
		"MMR",
		4,
		"health-status",
		base(2015, 7, "7"),
		[at(2020, le(7), "≦7"), at(2030, le(6), "≦6")],
		"decrease",
		"expected",
	),
	row(
		"HEALTH_LITERACY_LEVEL",
		5,
		"healthy-living",
		base(2015, 8, "8"),
		[at(2020, ge(16), "≧16"), at(2030, ge(30), "≧30")],
		"increase",
		"expected",
	),
	row(
		"REGULAR_EXERCISE",
		6,
		"healthy-living",
		base(2015, 35, "35"),
		[at(2020, ge(40), "≧40"), at(2030, ge(41), "≧41")],
		"increase",
		"expected",
	),
	row(
		"NCD_PREMATURE_MORTALITY",
		7,
		"health-services-security",
		base(2013, 19.1, "19.1 （2013年）"),
		[
			at(2020, { kind: "relative-change", change: -0.1, baseYear: 2015 }, "比2015年降低 10%"),
			at(2030, { kind: "relative-change", change: -0.3, baseYear: 2015 }, "比2015年降低 30%"),
		],
		"decrease",
		"expected",
		{
			zh: "基线为2013年值19.1；目标相对2015年计算，原表无2015年值，以19.1代替（2020年≤17.19，2030年≤13.37）。",
			en: "The baseline is the 2013 value 19.1; targets are relative to 2015, which is not printed, so 19.1 stands in (2020 ≤ 17.19, 2030 ≤ 13.37).",
		},
	),
	row(
		"PHYSICIANS_PER_1000",
		8,
		"health-services-security",
		base(2015, 3.32, "3.32"),
		[at(2020, reach(3), "3"), at(2030, reach(3), "3")],
		"increase",
		"expected",
		{
			zh: "原表为“每千常住人口执业（助理）医师数”，与十四五规划同一指标；目标3低于基线，视为下限（不低于3即达标）。",
			en: "Printed as per 1,000 resident population; same indicator as in the 14th plan. The target 3 is below the baseline and acts as a floor.",
		},
	),
	row(
		"OOP_HEALTH_SPENDING_SHARE",
		9,
		"health-services-security",
		base(2015, 26.07, "26.07"),
		[at(2020, about(28), "28左右"), at(2030, about(20), "20左右")],
		"decrease",
		"expected",
		{
			zh: "“左右”按±1个百分点处理（28左右即27–29）；方向为下降，低于区间同样视为达标。",
			en: "“About” is taken as ±1 point (28 → 27–29); the direction is decrease, so a value below the band also counts as met.",
		},
	),
	row(
		"AIR_QUALITY_GOOD_RATE",
		10,
		"health-environment",
		base(2015, 76, "76"),
		[at(2020, gt(80), ">80"), at(2030, { kind: "continuous-improvement" }, "持续改善")],
		"increase",
		"expected",
		{ zh: "原表为“兵团城市空气质量优良天数比率”，此处取师市数值。", en: "Printed for Bingtuan cities; the division's value is used." },
	),
	row(
		"SURFACE_WATER_GOOD_RATE",
		11,
		"health-environment",
		base(2015, 90.5, "90.5"),
		[at(2020, reach(91), "91"), at(2030, { kind: "continuous-improvement" }, "持续改善")],
		"increase",
		"expected",
	),
];

export const plans: Plan[] = [
	{
		id: "tmg-14th",
		name: { zh: "第二师铁门关市“十四五”卫生健康事业发展规划", en: "2nd Division / Tiemenguan City 14th Five-Year Health Development Plan" },
		shortName: { zh: "师市“十四五”卫生健康规划", en: "14th Five-Year Health Plan" },
		startYear: 2021,
		endYear: 2025,
		baseYear: 2020,
		targetYear: 2025,
		source: "000_3e1374bcb33cf012.txt",
		indicators: tmgIndicators,
	},
	{
		id: "hbt-2030",
		name: { zh: "“健康兵团2030”规划纲要", en: "Healthy Bingtuan 2030 Outline" },
		shortName: { zh: "健康兵团2030", en: "Healthy Bingtuan 2030" },
		startYear: 2016,
		endYear: 2030,
		baseYear: 2015,
		targetYear: 2030,
		source: "001_4ede43d262b2602d.txt",
		indicators: hbtIndicators,
	},
];
