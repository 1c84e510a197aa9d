// Response shapes the server returns that functions/core/api-types.ts does not declare (they are built
// in the service files). Kept in one place so a server change shows up as one type error here.
import type {
	Baseline,
	DataElement,
	Direction,
	FormSection,
	I18nText,
	IndicatorGroup,
	Nature,
	OrgUnit,
	PlanTarget,
	Role,
	Submission,
	SubmissionStatus,
	ValidationIssue,
	ValidationRule,
	ValueMap,
} from "$core/types";

/** GET /api/indicators?plan= (functions/commons/services/catalog.ts). */
export interface IndicatorMeta {
	planId: string;
	code: string;
	name: I18nText;
	uom: I18nText;
	group: IndicatorGroup;
	order: number;
	parentCode?: string;
	baseline: Baseline | null;
	target: PlanTarget | null;
	targets: PlanTarget[];
	direction: Direction;
	nature: Nature;
	note?: I18nText;
	numerator: string;
	denominator: string;
	factor: number;
	decimals: number;
	elements: string[];
}

/** GET /api/data-elements. */
export interface DataElementsView {
	sections: FormSection[];
	elements: DataElement[];
	rules: ValidationRule[];
}

/** A stored submission (the repository adds firstSubmittedAt). */
export type StoredSubmission = Submission & { firstSubmittedAt?: string };

/** GET /api/forms/{unitId}/{period} (submissions.ts form()). */
export interface FormView {
	unitId: string;
	period: string;
	unit?: OrgUnit;
	sections: FormSection[];
	elements: DataElement[];
	rules: ValidationRule[];
	submission: StoredSubmission | null | undefined;
	status: SubmissionStatus | null;
	version: number;
	deadline: string;
	lockAt: string;
	locked: boolean;
	/** The 12 months before, oldest first; values null when nothing was reported. */
	previous: { period: string; values: ValueMap | null }[];
}

/** PUT /api/submissions/… and GET /api/submissions/… (SubmissionView). */
export interface SubmissionView {
	submission: StoredSubmission;
	issues: ValidationIssue[];
	deadline: string;
	lockAt: string;
	locked: boolean;
}

/** GET /api/submissions/{unitId}/{period}/history → { versions }. */
export interface VersionRecord {
	unitId: string;
	period: string;
	version: number;
	action: "save" | "submit" | "approve" | "return" | "reopen" | string;
	status: SubmissionStatus;
	at: string;
	by: string;
	values: ValueMap;
	changed: string[];
	comment?: string;
	issues?: ValidationIssue[];
}

/** GET /api/approvals. */
export interface ApprovalQueue {
	orgUnit: string;
	periods: string[];
	status: "submitted" | "returned" | "approved";
	items: (StoredSubmission & { unitName: I18nText | undefined })[];
}

/** GET /api/admin/users → { users }. */
export interface DirectoryUser {
	username: string;
	name: string;
	email?: string;
	roles: Role[];
	orgScope: string;
	disabled: boolean;
	createdAt?: string;
	updatedAt?: string;
	temporaryPassword?: string;
}
