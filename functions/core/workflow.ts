// The submission workflow as pure rules: which action may move a form from which status, and when the
// period is locked. DHIS2's data-approval model, simplified to one approval level per unit-period.
import { AppError } from "./errors";
import type { Submission, SubmissionStatus } from "./types";

export type WriteAction = "save" | "submit";
export type ReviewAction = "approve" | "return";

export interface LockState {
	deadline: string;
	lockAt: string;
	/** The period is past its lock date and has not been reopened. */
	locked: boolean;
}

export const lockState = (deadline: string, lockAt: string, now: Date, reopened: boolean | undefined): LockState => ({
	deadline,
	lockAt,
	locked: !reopened && now.getTime() > Date.parse(lockAt),
});

/** The status a reporter's save or submit leads to, or why it is refused. */
export const statusAfterWrite = (current: SubmissionStatus | null, action: WriteAction, lock: LockState): SubmissionStatus => {
	if (lock.locked) {
		throw new AppError("locked", "该期数据已锁定，需管理员重新开放后才能修改 (the period is locked; an admin must reopen it)", undefined, {
			lockAt: lock.lockAt,
		});
	}
	if (current === "approved") {
		throw new AppError("conflict", "该表已审核通过，不能再修改；如需更正请联系管理员重新开放 (approved forms cannot be changed; ask an admin to reopen)");
	}
	return action === "submit" ? "submitted" : "draft";
};

/** The status an approver's decision leads to. Only a submitted form can be approved or returned. */
export const statusAfterReview = (current: SubmissionStatus | null, action: ReviewAction): SubmissionStatus => {
	if (current !== "submitted") {
		const what = current === null ? "尚未填报" : { draft: "仍是草稿", returned: "已退回", approved: "已审核通过" }[current as Exclude<SubmissionStatus, "submitted">];
		throw new AppError("conflict", `只能审核已上报的表，该表${what} (only a submitted form can be ${action === "approve" ? "approved" : "returned"}; it is ${current ?? "missing"})`);
	}
	return action === "approve" ? "approved" : "returned";
};

/** An admin reopen: lifts the lock and un-approves, keeping the data counted as submitted. */
export const statusAfterReopen = (current: SubmissionStatus | null): SubmissionStatus | null => (current === "approved" ? "submitted" : current);

/** Whether a submission was late: its first submission after the deadline. */
export const isLate = (firstSubmittedAt: string | undefined, deadline: string): boolean =>
	firstSubmittedAt !== undefined && Date.parse(firstSubmittedAt) > Date.parse(deadline);

/** Codes whose value differs between two versions (null and absent are the same: not reported). */
export const changedCodes = (before: Submission["values"] | undefined, after: Submission["values"]): string[] => {
	const b = before ?? {};
	const codes = new Set([...Object.keys(b), ...Object.keys(after)]);
	return [...codes].filter((c) => (b[c] ?? null) !== (after[c] ?? null)).sort();
};
