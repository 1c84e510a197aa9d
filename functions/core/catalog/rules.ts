// Validation rules, DHIS2-style: left op right over element codes, checked on one unit's form.
// Errors are logical impossibilities (a subset larger than its whole). Warnings are things that are
// unusual but can be right, and which the reporter may confirm with a comment:
// - an infant who dies this month may have been born last month, so deaths can exceed this month's births;
// - catch-up vaccination can push doses given above doses due in a month;
// - workers examined may include ones who became due the month before.
// Rules skip when any element they use is not reported (the default strategy).

import type { ValidationRule } from "../types";

function subset(id: string, part: string, whole: string, zh: string, en: string): ValidationRule {
	return {
		id,
		left: `#{${part}}`,
		op: "<=",
		right: `#{${whole}}`,
		severity: "error",
		message: { zh, en },
	};
}

export const validationRules: ValidationRule[] = [
	// Maternal and child health
	{
		id: "u5-deaths-include-infant-deaths",
		left: "#{U5_DEATHS}",
		op: ">=",
		right: "#{INFANT_DEATHS}",
		severity: "error",
		message: {
			zh: "5岁以下儿童死亡数应包含婴儿死亡数，不能少于婴儿死亡数。",
			en: "Under-5 deaths include infant deaths, so they cannot be fewer than infant deaths.",
		},
	},
	{
		id: "infant-deaths-vs-births",
		left: "#{INFANT_DEATHS}",
		op: "<=",
		right: "#{LIVE_BIRTHS}",
		severity: "warning",
		message: {
			zh: "婴儿死亡数多于本月活产数，请核实（如死亡婴儿出生于以前月份，请在备注中说明）。",
			en: "Infant deaths exceed this month's live births; please check (explain in the comment if the infants were born in earlier months).",
		},
	},

	// Basic public health: managed ⊆ registered, standard ⊆ managed
	subset(
		"htn-managed-le-patients",
		"HTN_MANAGED",
		"HTN_PATIENTS",
		"高血压登记管理人数不能多于辖区高血压患者登记人数。",
		"Hypertension patients under management cannot exceed registered patients.",
	),
	subset(
		"htn-standard-le-managed",
		"HTN_STANDARD",
		"HTN_MANAGED",
		"高血压规范管理人数不能多于高血压登记管理人数。",
		"Hypertension patients under standard management cannot exceed those under management.",
	),
	subset(
		"dm-managed-le-patients",
		"DM_MANAGED",
		"DM_PATIENTS",
		"糖尿病登记管理人数不能多于辖区糖尿病患者登记人数。",
		"Diabetes patients under management cannot exceed registered patients.",
	),
	subset(
		"dm-standard-le-managed",
		"DM_STANDARD",
		"DM_MANAGED",
		"糖尿病规范管理人数不能多于糖尿病登记管理人数。",
		"Diabetes patients under standard management cannot exceed those under management.",
	),
	subset(
		"tb-managed-le-patients",
		"TB_MANAGED",
		"TB_PATIENTS",
		"肺结核患者健康管理人数不能多于在治肺结核患者人数。",
		"TB patients under management cannot exceed TB patients on treatment.",
	),
	subset(
		"smi-managed-le-patients",
		"SMI_MANAGED",
		"SMI_PATIENTS",
		"严重精神障碍患者规范管理人数不能多于登记患者人数。",
		"Severe mental disorder patients under management cannot exceed registered patients.",
	),
	subset(
		"elderly-managed-le-elderly",
		"ELDERLY_MANAGED",
		"ELDERLY_POP",
		"65岁及以上老年人健康管理人数不能多于65岁及以上常住人口。",
		"Residents 65+ under health management cannot exceed residents aged 65+.",
	),
	subset(
		"elderly-le-population",
		"ELDERLY_POP",
		"POPULATION",
		"65岁及以上常住人口不能多于服务常住人口。",
		"Residents aged 65+ cannot exceed the resident population.",
	),
	{
		id: "imm-given-vs-due",
		left: "#{IMM_DOSES_GIVEN}",
		op: "<=",
		right: "#{IMM_DOSES_DUE}",
		severity: "warning",
		message: {
			zh: "实种剂次多于应种剂次，请核实是否含补种剂次。",
			en: "Doses given exceed doses due; please check whether catch-up doses are included.",
		},
	},

	// Staff: sub-groups of physicians
	subset(
		"tcm-le-physicians",
		"TCM_PHYSICIANS",
		"PHYSICIANS",
		"中医类别执业（助理）医师数是执业（助理）医师数的其中项，不能多于后者。",
		"TCM physicians are a subset of physicians and cannot exceed them.",
	),
	subset(
		"gps-le-physicians",
		"GPS",
		"PHYSICIANS",
		"全科医生数不能多于执业（助理）医师数。",
		"General practitioners cannot exceed physicians.",
	),
	subset(
		"psychiatrists-le-physicians",
		"PSYCHIATRISTS",
		"PHYSICIANS",
		"精神科执业（助理）医师数不能多于执业（助理）医师数。",
		"Psychiatrists cannot exceed physicians.",
	),

	// Services and network
	subset(
		"key-pop-primary-le-total",
		"KEY_POP_PRIMARY_VISITS",
		"KEY_POP_VISITS",
		"重点人群在基层就诊人次不能多于重点人群就诊总人次。",
		"Priority-group visits at primary care cannot exceed all their visits.",
	),
	subset(
		"tcm-sites-le-sites",
		"TCM_SITES",
		"PRIMARY_SITES",
		"能提供中医药服务的基层机构数不能多于基层医疗卫生机构数。",
		"Sites offering TCM cannot exceed primary-care sites.",
	),
	subset(
		"telemed-sites-le-sites",
		"TELEMED_SITES",
		"PRIMARY_SITES",
		"已接入远程医疗的基层机构数不能多于基层医疗卫生机构数。",
		"Telemedicine-connected sites cannot exceed primary-care sites.",
	),
	subset(
		"centres-operating-le-planned",
		"TOWN_CENTRES_OPERATING",
		"TOWN_CENTRES_PLANNED",
		"已投入使用的检验、心电、影像中心数不能多于应建数。",
		"Centres in use cannot exceed centres planned.",
	),

	// Finance, disease control, blood
	subset(
		"staff-expenditure-le-business",
		"STAFF_EXPENDITURE",
		"BUSINESS_EXPENDITURE",
		"人员支出是业务支出的其中项，不能多于业务支出。",
		"Staff expenditure is part of operating expenditure and cannot exceed it.",
	),
	{
		id: "occ-exams-done-vs-due",
		left: "#{OCC_EXAMS_DONE}",
		op: "<=",
		right: "#{OCC_EXAMS_DUE}",
		severity: "warning",
		message: {
			zh: "职业健康检查人数多于应检人数，请核实是否含上月应检人员。",
			en: "Workers examined exceed workers due; please check whether last month's backlog is included.",
		},
	},
	subset(
		"blood-nat-le-collected",
		"BLOOD_UNITS_NAT",
		"BLOOD_UNITS_COLLECTED",
		"经核酸检测的单位数不能多于采集单位数。",
		"Units screened by NAT cannot exceed units collected.",
	),
];
