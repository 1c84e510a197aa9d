// The raw figures units report: every element an indicator in either plan needs, and nothing computed.
// Rates are never reported by facilities; they report numerators and denominators so that area and
// division rates come from aggregated counts. Only the commission reports ready-made survey results
// (life expectancy, literacy, smoking, myopia…) once a year for the whole division.
//
// Bounds are sanity bounds for ONE unit of this division in ONE month (the largest unit, 师库尔勒医院, has
// about 640 beds; the largest catchment, a community health centre, about 27,000 residents).

import type { DataElement, FormSection, I18nText, UnitType, ValueType } from "../types";

export const formSections: FormSection[] = [
	{ id: "population", name: { zh: "人口与托育", en: "Population and childcare" }, order: 1 },
	{ id: "maternal-child", name: { zh: "妇幼健康", en: "Maternal and child health" }, order: 2 },
	{ id: "public-health", name: { zh: "基本公共卫生服务", en: "Basic public health services" }, order: 3 },
	{ id: "resources", name: { zh: "卫生资源", en: "Health resources" }, order: 4 },
	{ id: "services", name: { zh: "医疗服务", en: "Medical services" }, order: 5 },
	{ id: "primary-network", name: { zh: "基层服务网络", en: "Primary-care network" }, order: 6 },
	{ id: "finance", name: { zh: "医院财务", en: "Hospital finance" }, order: 7 },
	{ id: "cdc-blood", name: { zh: "疾控与采供血", en: "Disease control and blood supply" }, order: 8 },
	{ id: "survey", name: { zh: "师市年度监测", en: "Division yearly monitoring" }, order: 9 },
];

const HOSPITALS: UnitType[] = ["division-hospital", "regiment-hospital"];
/** Units with a resident catchment population (团（镇）医院 and 社区卫生服务中心 run basic public health). */
const CATCHMENT: UnitType[] = ["regiment-hospital", "community-health-centre"];
const CLINICAL: UnitType[] = ["division-hospital", "regiment-hospital", "community-health-centre"];
const FACILITIES: UnitType[] = [...CLINICAL, "cdc", "blood-station"];
const COMMISSION: UnitType[] = ["commission"];

const PERSONS: I18nText = { zh: "人", en: "persons" };
const PERSON_TIMES: I18nText = { zh: "人次", en: "visits" };
const PERCENT: I18nText = { zh: "%", en: "%" };

interface Spec {
	code: string;
	zh: string;
	en: string;
	uom: I18nText;
	max: number;
	reportedBy: UnitType[];
	section: string;
	required: boolean;
	valueType?: ValueType;
	min?: number;
	description?: I18nText;
}

function monthly(overTime: "flow" | "stock", s: Spec): DataElement {
	const e: DataElement = {
		code: s.code,
		name: { zh: s.zh, en: s.en },
		valueType: s.valueType ?? "integer",
		uom: s.uom,
		min: s.min ?? 0,
		max: s.max,
		frequency: "monthly",
		reportedBy: s.reportedBy,
		acrossUnits: "sum",
		overTime,
		section: s.section,
		requiredToSubmit: s.required,
	};
	if (s.description) e.description = s.description;
	return e;
}

const flow = (s: Spec): DataElement => monthly("flow", s);
const stock = (s: Spec): DataElement => monthly("stock", s);

/** A division-wide survey figure the commission reports once a year; never summed over units. */
function yearly(s: Omit<Spec, "reportedBy" | "section" | "required">): DataElement {
	const e: DataElement = {
		code: s.code,
		name: { zh: s.zh, en: s.en },
		valueType: s.valueType ?? "percent",
		uom: s.uom,
		min: s.min ?? 0,
		max: s.max,
		frequency: "yearly",
		reportedBy: COMMISSION,
		acrossUnits: "none",
		overTime: "yearly",
		section: "survey",
		requiredToSubmit: true,
	};
	if (s.description) e.description = s.description;
	return e;
}

export const dataElements: DataElement[] = [
	// --- population -------------------------------------------------------------------------
	stock({
		code: "POPULATION",
		zh: "服务常住人口",
		en: "Resident population served",
		uom: PERSONS,
		max: 100_000,
		reportedBy: CATCHMENT,
		section: "population",
		required: true,
		description: {
			zh: "月末辖区常住人口。团（镇）医院报本团（镇），社区卫生服务中心报所辖社区；合计即师市常住人口。",
			en: "Resident population of the catchment at month end; regiment hospitals and community centres together cover the whole division.",
		},
	}),
	stock({
		code: "ELDERLY_POP",
		zh: "65岁及以上常住人口",
		en: "Residents aged 65 and over",
		uom: PERSONS,
		max: 20_000,
		reportedBy: CATCHMENT,
		section: "population",
		required: true,
	}),
	stock({
		code: "CHILDCARE_PLACES",
		zh: "3岁以下婴幼儿托位数",
		en: "Childcare places for children under 3",
		uom: { zh: "个", en: "places" },
		max: 2_000,
		reportedBy: CATCHMENT,
		section: "population",
		required: false,
		description: { zh: "月末辖区内托育机构可提供的托位数。", en: "Places offered by childcare providers in the catchment at month end." },
	}),

	// --- maternal and child health (by residence, so births in division hospitals are not counted twice) ---
	flow({
		code: "LIVE_BIRTHS",
		zh: "活产数",
		en: "Live births",
		uom: PERSONS,
		max: 200,
		reportedBy: CATCHMENT,
		section: "maternal-child",
		required: true,
		description: { zh: "本月辖区常住人口活产数（按居住地统计）。", en: "Live births to residents in the month, counted by residence." },
	}),
	flow({
		code: "INFANT_DEATHS",
		zh: "婴儿死亡数",
		en: "Infant deaths (under 1)",
		uom: PERSONS,
		max: 20,
		reportedBy: CATCHMENT,
		section: "maternal-child",
		required: true,
	}),
	flow({
		code: "U5_DEATHS",
		zh: "5岁以下儿童死亡数",
		en: "Deaths of children under 5",
		uom: PERSONS,
		max: 20,
		reportedBy: CATCHMENT,
		section: "maternal-child",
		required: true,
		description: { zh: "含婴儿死亡数。", en: "Includes infant deaths." },
	}),
	flow({
		code: "MATERNAL_DEATHS",
		zh: "孕产妇死亡数",
		en: "Maternal deaths",
		uom: PERSONS,
		max: 5,
		reportedBy: CATCHMENT,
		section: "maternal-child",
		required: true,
	}),

	// --- basic public health ---------------------------------------------------------------------
	flow({
		code: "IMM_DOSES_DUE",
		zh: "免疫规划疫苗应种剂次",
		en: "National-programme vaccine doses due",
		uom: { zh: "剂次", en: "doses" },
		max: 5_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	flow({
		code: "IMM_DOSES_GIVEN",
		zh: "免疫规划疫苗实种剂次",
		en: "National-programme vaccine doses given",
		uom: { zh: "剂次", en: "doses" },
		max: 5_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "ELDERLY_MANAGED",
		zh: "65岁及以上老年人规范健康管理人数",
		en: "Residents 65+ under standard health management",
		uom: PERSONS,
		max: 20_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
		description: {
			zh: "月末时点，近12个月内接受过规范化健康管理服务（含体检）的65岁及以上常住居民数。",
			en: "At month end, residents aged 65+ who received the standard health-management service in the last 12 months.",
		},
	}),
	stock({
		code: "HTN_PATIENTS",
		zh: "辖区高血压患者登记人数",
		en: "Registered hypertension patients",
		uom: PERSONS,
		max: 10_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "HTN_MANAGED",
		zh: "高血压登记管理人数",
		en: "Hypertension patients under management",
		uom: PERSONS,
		max: 10_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "HTN_STANDARD",
		zh: "高血压规范管理人数",
		en: "Hypertension patients under standard management",
		uom: PERSONS,
		max: 10_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "DM_PATIENTS",
		zh: "辖区2型糖尿病患者登记人数",
		en: "Registered type 2 diabetes patients",
		uom: PERSONS,
		max: 5_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "DM_MANAGED",
		zh: "糖尿病登记管理人数",
		en: "Diabetes patients under management",
		uom: PERSONS,
		max: 5_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "DM_STANDARD",
		zh: "糖尿病规范管理人数",
		en: "Diabetes patients under standard management",
		uom: PERSONS,
		max: 5_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "TB_PATIENTS",
		zh: "在治肺结核患者人数",
		en: "Tuberculosis patients on treatment",
		uom: PERSONS,
		max: 200,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "TB_MANAGED",
		zh: "肺结核患者健康管理人数",
		en: "Tuberculosis patients under health management",
		uom: PERSONS,
		max: 200,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "SMI_PATIENTS",
		zh: "严重精神障碍患者登记人数",
		en: "Registered patients with severe mental disorders",
		uom: PERSONS,
		max: 1_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),
	stock({
		code: "SMI_MANAGED",
		zh: "严重精神障碍患者规范管理人数",
		en: "Severe mental disorder patients under management",
		uom: PERSONS,
		max: 1_000,
		reportedBy: CATCHMENT,
		section: "public-health",
		required: true,
	}),

	// --- health resources (levels at month end) ---------------------------------------------------
	stock({
		code: "BEDS",
		zh: "实有床位数",
		en: "Beds in use",
		uom: { zh: "张", en: "beds" },
		max: 1_500,
		reportedBy: HOSPITALS,
		section: "resources",
		required: true,
	}),
	stock({
		code: "PHYSICIANS",
		zh: "执业（助理）医师数",
		en: "Licensed (assistant) physicians",
		uom: PERSONS,
		max: 800,
		reportedBy: FACILITIES,
		section: "resources",
		required: true,
	}),
	stock({
		code: "TCM_PHYSICIANS",
		zh: "其中：中医类别执业（助理）医师数",
		en: "of which: traditional Chinese medicine physicians",
		uom: PERSONS,
		max: 200,
		reportedBy: CLINICAL,
		section: "resources",
		required: true,
	}),
	stock({
		code: "GPS",
		zh: "全科医生数",
		en: "General practitioners",
		uom: PERSONS,
		max: 100,
		reportedBy: CLINICAL,
		section: "resources",
		required: true,
		description: {
			zh: "注册为全科医学专业或取得全科医生培训合格证的执业（助理）医师，计入执业（助理）医师数。",
			en: "Physicians registered in general practice or holding a GP training certificate; counted among physicians too.",
		},
	}),
	stock({
		code: "PSYCHIATRISTS",
		zh: "精神科执业（助理）医师数",
		en: "Psychiatrists",
		uom: PERSONS,
		max: 50,
		reportedBy: HOSPITALS,
		section: "resources",
		required: false,
	}),
	stock({
		code: "NURSES",
		zh: "注册护士数",
		en: "Registered nurses",
		uom: PERSONS,
		max: 1_200,
		reportedBy: [...CLINICAL, "blood-station"],
		section: "resources",
		required: true,
	}),
	stock({
		code: "PHARMACISTS",
		zh: "药师（士）数",
		en: "Pharmacists",
		uom: PERSONS,
		max: 200,
		reportedBy: CLINICAL,
		section: "resources",
		required: true,
	}),
	stock({
		code: "PUBLIC_HEALTH_STAFF",
		zh: "公共卫生人员数",
		en: "Public-health staff",
		uom: PERSONS,
		max: 300,
		reportedBy: FACILITIES,
		section: "resources",
		required: true,
		description: {
			zh: "疾控、采供血等专业公共卫生机构人员，及医疗机构公共卫生科专职人员。",
			en: "Staff of public-health institutions (CDC, blood station) and dedicated public-health staff of medical facilities.",
		},
	}),

	// --- medical services (events in the month) ---------------------------------------------------
	flow({
		code: "OUTPATIENT_VISITS",
		zh: "门急诊人次",
		en: "Outpatient and emergency visits",
		uom: PERSON_TIMES,
		max: 150_000,
		reportedBy: CLINICAL,
		section: "services",
		required: true,
	}),
	flow({
		code: "DISCHARGES",
		zh: "出院人次",
		en: "Inpatient discharges",
		uom: PERSON_TIMES,
		max: 10_000,
		reportedBy: HOSPITALS,
		section: "services",
		required: true,
	}),
	flow({
		code: "REFERRALS_OUT",
		zh: "转往师域外住院人次",
		en: "Inpatient referrals out of the division",
		uom: PERSON_TIMES,
		max: 2_000,
		reportedBy: HOSPITALS,
		section: "services",
		required: true,
		description: {
			zh: "本院转出至师域外医疗机构住院的人次（含医保异地住院备案）；用于计算师域就诊率。",
			en: "Patients sent to hospitals outside the division for inpatient care (incl. insurance out-of-area filings); feeds the in-division care rate.",
		},
	}),
	flow({
		code: "KEY_POP_VISITS",
		zh: "签约重点人群就诊人次",
		en: "Visits by contracted priority groups",
		uom: PERSON_TIMES,
		max: 30_000,
		reportedBy: CATCHMENT,
		section: "services",
		required: false,
		description: {
			zh: "家庭医生签约的重点人群（老年人、慢性病患者、孕产妇、儿童等）在任何医疗机构的就诊人次。",
			en: "Visits anywhere by the priority groups contracted to the unit's family-doctor teams.",
		},
	}),
	flow({
		code: "KEY_POP_PRIMARY_VISITS",
		zh: "其中：在基层就诊人次",
		en: "of which: at primary-care facilities",
		uom: PERSON_TIMES,
		max: 30_000,
		reportedBy: CATCHMENT,
		section: "services",
		required: false,
	}),

	// --- primary-care network (levels at month end) -----------------------------------------------
	stock({
		code: "PRIMARY_SITES",
		zh: "基层医疗卫生机构数（含连队卫生室、社区卫生服务站）",
		en: "Primary-care sites (incl. company clinics and community stations)",
		uom: { zh: "个", en: "sites" },
		max: 30,
		reportedBy: CATCHMENT,
		section: "primary-network",
		required: true,
	}),
	stock({
		code: "TCM_SITES",
		zh: "能提供中医药服务的基层医疗卫生机构数",
		en: "Primary-care sites offering TCM services",
		uom: { zh: "个", en: "sites" },
		max: 30,
		reportedBy: CATCHMENT,
		section: "primary-network",
		required: true,
	}),
	stock({
		code: "TELEMED_SITES",
		zh: "已接入远程医疗的基层医疗卫生机构数",
		en: "Primary-care sites connected to telemedicine",
		uom: { zh: "个", en: "sites" },
		max: 30,
		reportedBy: CATCHMENT,
		section: "primary-network",
		required: true,
	}),
	stock({
		code: "TOWN_CENTRES_PLANNED",
		zh: "应建检验、心电、影像中心数",
		en: "Lab, ECG and imaging centres planned",
		uom: { zh: "个", en: "centres" },
		max: 5,
		reportedBy: ["regiment-hospital"],
		section: "primary-network",
		required: true,
		description: { zh: "每所团（镇）医院3个（检验、心电、影像）。", en: "Three per regiment hospital (lab, ECG, imaging)." },
	}),
	stock({
		code: "TOWN_CENTRES_OPERATING",
		zh: "已投入使用的检验、心电、影像中心数",
		en: "Lab, ECG and imaging centres in use",
		uom: { zh: "个", en: "centres" },
		max: 5,
		reportedBy: ["regiment-hospital"],
		section: "primary-network",
		required: true,
	}),

	// --- hospital finance (amounts in the month) --------------------------------------------------
	flow({
		code: "BUSINESS_EXPENDITURE",
		zh: "业务支出",
		en: "Operating expenditure",
		uom: { zh: "万元", en: "10k CNY" },
		valueType: "number",
		max: 10_000,
		reportedBy: HOSPITALS,
		section: "finance",
		required: false,
	}),
	flow({
		code: "STAFF_EXPENDITURE",
		zh: "其中：人员支出",
		en: "of which: staff expenditure",
		uom: { zh: "万元", en: "10k CNY" },
		valueType: "number",
		max: 5_000,
		reportedBy: HOSPITALS,
		section: "finance",
		required: false,
	}),

	// --- disease control and blood supply ---------------------------------------------------------
	flow({
		code: "OCC_EXAMS_DUE",
		zh: "接触职业病危害劳动者应检人数",
		en: "Exposed workers due an occupational health exam",
		uom: PERSONS,
		max: 5_000,
		reportedBy: ["cdc"],
		section: "cdc-blood",
		required: true,
	}),
	flow({
		code: "OCC_EXAMS_DONE",
		zh: "接触职业病危害劳动者在岗期间职业健康检查人数",
		en: "Exposed workers examined while in post",
		uom: PERSONS,
		max: 5_000,
		reportedBy: ["cdc"],
		section: "cdc-blood",
		required: true,
	}),
	flow({
		code: "BLOOD_UNITS_COLLECTED",
		zh: "采集全血及成分血单位数",
		en: "Blood units collected",
		uom: { zh: "U", en: "units" },
		max: 3_000,
		reportedBy: ["blood-station"],
		section: "cdc-blood",
		required: true,
	}),
	flow({
		code: "BLOOD_UNITS_NAT",
		zh: "其中：经核酸检测的单位数",
		en: "of which: units screened by nucleic-acid testing",
		uom: { zh: "U", en: "units" },
		max: 3_000,
		reportedBy: ["blood-station"],
		section: "cdc-blood",
		required: true,
	}),

	// --- division yearly monitoring (commission, period YYYY) -------------------------------------
	yearly({
		code: "LIFE_EXPECTANCY",
		zh: "人均预期寿命",
		en: "Life expectancy at birth",
		uom: { zh: "岁", en: "years" },
		valueType: "number",
		min: 60,
		max: 90,
	}),
	yearly({
		code: "HEALTHY_LIFE_EXPECTANCY",
		zh: "健康预期寿命",
		en: "Healthy life expectancy",
		uom: { zh: "岁", en: "years" },
		valueType: "number",
		min: 50,
		max: 85,
	}),
	yearly({ code: "HEALTH_LITERACY", zh: "居民健康素养水平", en: "Health literacy level", uom: PERCENT, max: 100 }),
	yearly({ code: "SMOKING_RATE", zh: "15岁以上人群吸烟率", en: "Smoking prevalence, age 15+", uom: PERCENT, max: 100 }),
	yearly({
		code: "MYOPIA_RATE",
		zh: "儿童青少年总体近视率",
		en: "Myopia prevalence among children and adolescents",
		uom: PERCENT,
		max: 100,
	}),
	yearly({
		code: "PREMATURE_NCD_MORTALITY",
		zh: "重大慢性病过早死亡率",
		en: "Premature mortality from major NCDs (30–70)",
		uom: PERCENT,
		max: 100,
	}),
	yearly({
		code: "OOP_SHARE",
		zh: "个人卫生支出占卫生总费用的比重",
		en: "Out-of-pocket share of total health expenditure",
		uom: PERCENT,
		max: 100,
	}),
	yearly({
		code: "EXERCISE_RATE",
		zh: "经常参加体育锻炼人数比例",
		en: "Share of people exercising regularly",
		uom: PERCENT,
		max: 100,
	}),
	yearly({
		code: "AIR_QUALITY_GOOD_DAYS",
		zh: "城市空气质量优良天数比率",
		en: "Share of days with good or excellent air quality",
		uom: PERCENT,
		max: 100,
	}),
	yearly({
		code: "SURFACE_WATER_III",
		zh: "地表水质量达到或好于Ⅲ类水质比例",
		en: "Surface water at or better than Class III",
		uom: PERCENT,
		max: 100,
	}),
];
