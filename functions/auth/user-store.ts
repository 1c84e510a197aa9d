// The platform provider's users, in the single table: USER#<username>/PROFILE, listed through gsi1 (USERS).
// Used in local mode and the aws-cn stage, where there is no Cognito user pool.
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { queryAll } from "../commons/clients/dynamo";
import { AppError, badRequest, conflict, notFound } from "../commons/errors";
import { keys } from "../commons/keys";
import type { Role } from "../core/types";
import { ROLES } from "./claims";
import { checkPasswordPolicy, hashPassword } from "./passwords";

export interface User {
	username: string;
	name: string;
	email?: string;
	roles: Role[];
	orgScope: string;
	disabled: boolean;
	passwordHash: string;
	failedLogins: number;
	/** ISO time until which sign-in is refused after too many failures. */
	lockedUntil?: string;
	createdAt: string;
	updatedAt: string;
}

/** A user without the secret: what listings and the admin API return. */
export type PublicUser = Omit<User, "passwordHash">;

export interface NewUser {
	username: string;
	name: string;
	email?: string;
	roles: Role[];
	orgScope: string;
	password: string;
	disabled?: boolean;
}

export interface UserPatch {
	name?: string;
	email?: string | null;
	roles?: Role[];
	orgScope?: string;
}

export interface LockoutPolicy {
	/** Consecutive failures that lock the account. */
	maxFailures: number;
	/** How long the lock lasts. */
	lockMinutes: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMinutes: 15 };

/** Lower-case letters, digits, dot, underscore and hyphen; the same shape as `reporter-<unitId>`. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export const toPublicUser = ({ passwordHash: _omit, ...rest }: User): PublicUser => rest;

const validateRoles = (roles: Role[]): void => {
	if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => !ROLES.includes(r))) {
		throw badRequest("Invalid roles", { roles: `One or more of ${ROLES.join(", ")}` });
	}
};

const validatePassword = (password: string, username: string): void => {
	const policy = checkPasswordPolicy(password, username);
	if (!policy.ok) {
		throw badRequest(policy.problems.map((p) => `${p.zh} / ${p.en}`).join("; "), {
			password: policy.problems.map((p) => p.en).join("; "),
		});
	}
};

const isConditionFailure = (e: unknown): boolean =>
	e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === "ConditionalCheckFailedException";

export class UserStore {
	constructor(
		private readonly db: DynamoDBDocumentClient,
		private readonly tableName: string,
		private readonly lockout: LockoutPolicy = DEFAULT_LOCKOUT,
		private readonly now: () => Date = () => new Date(),
	) {}

	async get(username: string): Promise<User | undefined> {
		if (!USERNAME_PATTERN.test(username)) return undefined;
		const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.user(username), ConsistentRead: true }));
		return res.Item ? fromItem(res.Item) : undefined;
	}

	async require(username: string): Promise<User> {
		const user = await this.get(username);
		if (!user) throw notFound(`User ${username} not found`);
		return user;
	}

	/** Every user, by user name (a Query on gsi1, never a Scan). */
	async list(): Promise<PublicUser[]> {
		const items = await queryAll(this.db, {
			TableName: this.tableName,
			IndexName: "gsi1",
			KeyConditionExpression: "gsi1pk = :pk",
			ExpressionAttributeValues: { ":pk": keys.usersGsi1Pk },
		});
		return items.map((item) => toPublicUser(fromItem(item)));
	}

	async create(input: NewUser): Promise<PublicUser> {
		if (!USERNAME_PATTERN.test(input.username)) {
			throw badRequest("Invalid user name", { username: "3–64 characters: lower-case letters, digits, '.', '_', '-'" });
		}
		if (!input.name?.trim()) throw badRequest("请填写姓名 (name is required)", { name: "必填 (required)" });
		if (!input.orgScope?.trim()) throw badRequest("请选择机构范围 (org scope is required)", { orgScope: "必填 (required)" });
		validateRoles(input.roles);
		validatePassword(input.password, input.username);
		const at = this.now().toISOString();
		const user: User = {
			username: input.username,
			name: input.name.trim(),
			...(input.email ? { email: input.email } : {}),
			roles: [...new Set(input.roles)],
			orgScope: input.orgScope,
			disabled: input.disabled ?? false,
			passwordHash: await hashPassword(input.password),
			failedLogins: 0,
			createdAt: at,
			updatedAt: at,
		};
		try {
			await this.db.send(
				new PutCommand({
					TableName: this.tableName,
					Item: { ...keys.user(user.username), ...keys.userList(user.username), type: "USER", ...user },
					ConditionExpression: "attribute_not_exists(pk)",
				}),
			);
		} catch (e) {
			if (isConditionFailure(e)) throw conflict(`User ${input.username} already exists`);
			throw e;
		}
		return toPublicUser(user);
	}

	async update(username: string, patch: UserPatch): Promise<PublicUser> {
		const sets: string[] = ["#updatedAt = :updatedAt"];
		const removes: string[] = [];
		const names: Record<string, string> = { "#updatedAt": "updatedAt" };
		const values: Record<string, unknown> = { ":updatedAt": this.now().toISOString() };
		if (patch.name !== undefined) {
			if (!patch.name.trim()) throw badRequest("请填写姓名 (name is required)", { name: "必填 (required)" });
			sets.push("#name = :name");
			names["#name"] = "name";
			values[":name"] = patch.name.trim();
		}
		if (patch.email !== undefined) {
			names["#email"] = "email";
			if (patch.email === null || patch.email === "") removes.push("#email");
			else {
				sets.push("#email = :email");
				values[":email"] = patch.email;
			}
		}
		if (patch.roles !== undefined) {
			validateRoles(patch.roles);
			sets.push("#roles = :roles");
			names["#roles"] = "roles";
			values[":roles"] = [...new Set(patch.roles)];
		}
		if (patch.orgScope !== undefined) {
			if (!patch.orgScope.trim()) throw badRequest("请选择机构范围 (org scope is required)", { orgScope: "必填 (required)" });
			sets.push("#orgScope = :orgScope");
			names["#orgScope"] = "orgScope";
			values[":orgScope"] = patch.orgScope;
		}
		return this.updateExisting(username, `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`, names, values);
	}

	disable(username: string): Promise<PublicUser> {
		return this.setDisabled(username, true);
	}

	enable(username: string): Promise<PublicUser> {
		return this.setDisabled(username, false);
	}

	/** Sets a new password (policy-checked) and lifts any lock. */
	async setPassword(username: string, password: string): Promise<void> {
		validatePassword(password, username);
		const passwordHash = await hashPassword(password);
		await this.updateExisting(
			username,
			"SET #hash = :hash, #failed = :zero, #updatedAt = :at REMOVE #locked",
			{ "#hash": "passwordHash", "#failed": "failedLogins", "#updatedAt": "updatedAt", "#locked": "lockedUntil" },
			{ ":hash": passwordHash, ":zero": 0, ":at": this.now().toISOString() },
		);
	}

	/** True while a lock from too many failures is in force. */
	isLocked(user: Pick<User, "lockedUntil">): boolean {
		return user.lockedUntil !== undefined && Date.parse(user.lockedUntil) > this.now().getTime();
	}

	/**
	 * Counts one failed sign-in; the failure that reaches the limit locks the account and restarts the count,
	 * so after the lock expires the user again gets the full number of attempts.
	 */
	async recordFailedLogin(username: string): Promise<{ failedLogins: number; lockedUntil?: string }> {
		let failedLogins: number;
		try {
			const res = await this.db.send(
				new UpdateCommand({
					TableName: this.tableName,
					Key: keys.user(username),
					UpdateExpression: "ADD #failed :one",
					ConditionExpression: "attribute_exists(pk)",
					ExpressionAttributeNames: { "#failed": "failedLogins" },
					ExpressionAttributeValues: { ":one": 1 },
					ReturnValues: "UPDATED_NEW",
				}),
			);
			failedLogins = Number(res.Attributes?.failedLogins ?? 0);
		} catch (e) {
			if (isConditionFailure(e)) throw notFound(`User ${username} not found`);
			throw e;
		}
		if (failedLogins < this.lockout.maxFailures) return { failedLogins };
		const lockedUntil = new Date(this.now().getTime() + this.lockout.lockMinutes * 60_000).toISOString();
		try {
			// Only the request that saw the limit (not a concurrent one that went past it) sets the lock.
			await this.db.send(
				new UpdateCommand({
					TableName: this.tableName,
					Key: keys.user(username),
					UpdateExpression: "SET #locked = :until, #failed = :zero",
					ConditionExpression: "#failed >= :max",
					ExpressionAttributeNames: { "#locked": "lockedUntil", "#failed": "failedLogins" },
					ExpressionAttributeValues: { ":until": lockedUntil, ":zero": 0, ":max": this.lockout.maxFailures },
				}),
			);
		} catch (e) {
			if (!isConditionFailure(e)) throw e;
		}
		return { failedLogins, lockedUntil };
	}

	async resetFailures(username: string): Promise<void> {
		try {
			await this.db.send(
				new UpdateCommand({
					TableName: this.tableName,
					Key: keys.user(username),
					UpdateExpression: "SET #failed = :zero REMOVE #locked",
					ConditionExpression: "attribute_exists(pk)",
					ExpressionAttributeNames: { "#failed": "failedLogins", "#locked": "lockedUntil" },
					ExpressionAttributeValues: { ":zero": 0 },
				}),
			);
		} catch (e) {
			if (isConditionFailure(e)) throw notFound(`User ${username} not found`);
			throw e;
		}
	}

	private setDisabled(username: string, disabled: boolean): Promise<PublicUser> {
		return this.updateExisting(
			username,
			"SET #disabled = :disabled, #updatedAt = :at",
			{ "#disabled": "disabled", "#updatedAt": "updatedAt" },
			{ ":disabled": disabled, ":at": this.now().toISOString() },
		);
	}

	private async updateExisting(
		username: string,
		expression: string,
		names: Record<string, string>,
		values: Record<string, unknown>,
	): Promise<PublicUser> {
		if (!USERNAME_PATTERN.test(username)) throw notFound(`User ${username} not found`);
		try {
			const res = await this.db.send(
				new UpdateCommand({
					TableName: this.tableName,
					Key: keys.user(username),
					UpdateExpression: expression,
					ConditionExpression: "attribute_exists(pk)",
					ExpressionAttributeNames: names,
					ExpressionAttributeValues: values,
					ReturnValues: "ALL_NEW",
				}),
			);
			if (!res.Attributes) throw new AppError("internal", "User update returned nothing");
			return toPublicUser(fromItem(res.Attributes));
		} catch (e) {
			if (isConditionFailure(e)) throw notFound(`User ${username} not found`);
			throw e;
		}
	}
}

const fromItem = (item: Record<string, unknown>): User => {
	const user: User = {
		username: String(item.username),
		name: String(item.name ?? item.username),
		roles: (Array.isArray(item.roles) ? item.roles : []).filter((r): r is Role => ROLES.includes(r as Role)),
		orgScope: String(item.orgScope ?? ""),
		disabled: item.disabled === true,
		passwordHash: String(item.passwordHash ?? ""),
		failedLogins: Number(item.failedLogins ?? 0),
		createdAt: String(item.createdAt ?? ""),
		updatedAt: String(item.updatedAt ?? ""),
	};
	if (typeof item.email === "string") user.email = item.email;
	if (typeof item.lockedUntil === "string") user.lockedUntil = item.lockedUntil;
	return user;
};
