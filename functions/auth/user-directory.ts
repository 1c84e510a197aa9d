// The admin user-management port. Where users live depends on the deployment:
// - platform: the platform's own OIDC provider (local mode, aws-cn) keeps them in the table (UserStore);
// - cognito: the global stage's Cognito user pool (roles are groups, scope is custom:org_scope);
// - external: an external IdP (aws-cn with a customer IdP); the platform cannot change its users.
import type { DirectoryUser } from "../core/api-types";
import { randomInt } from "node:crypto";
import {
	AdminAddUserToGroupCommand,
	AdminCreateUserCommand,
	AdminDisableUserCommand,
	AdminEnableUserCommand,
	AdminGetUserCommand,
	AdminListGroupsForUserCommand,
	AdminRemoveUserFromGroupCommand,
	AdminUpdateUserAttributesCommand,
	type AttributeType,
	CognitoIdentityProviderClient,
	ListUsersCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { config } from "../commons/config";
import { AppError, badRequest, conflict, notFound } from "../commons/errors";
import type { Role } from "../core/types";
import { ROLES } from "./claims";
import { checkPasswordPolicy } from "./passwords";
import { type PublicUser, USERNAME_PATTERN, type UserStore } from "./user-store";

// What the admin API returns for a user is part of the contract the site reads: declared once in core.
export type { DirectoryUser };

export interface CreateUserInput {
	username: string;
	name: string;
	email?: string;
	roles: Role[];
	orgScope: string;
	/** Must satisfy the password policy; generated when absent (platform) or left to Cognito (cognito). */
	temporaryPassword?: string;
}

export interface UpdateUserPatch {
	name?: string;
	email?: string | null;
	roles?: Role[];
	orgScope?: string;
}

/** The created user, plus a generated temporary password that is shown to the admin once (platform only). */
export type CreatedUser = DirectoryUser & { temporaryPassword?: string };

export interface UserDirectory {
	readonly kind: "platform" | "cognito" | "external";
	list(): Promise<DirectoryUser[]>;
	create(input: CreateUserInput): Promise<CreatedUser>;
	update(username: string, patch: UpdateUserPatch): Promise<DirectoryUser>;
	disable(username: string): Promise<DirectoryUser>;
	enable(username: string): Promise<DirectoryUser>;
}

const toDirectoryUser = (u: PublicUser): DirectoryUser => {
	const out: DirectoryUser = {
		username: u.username,
		name: u.name,
		roles: u.roles,
		orgScope: u.orgScope,
		disabled: u.disabled,
		createdAt: u.createdAt,
		updatedAt: u.updatedAt,
	};
	if (u.email) out.email = u.email;
	return out;
};

/** A random password that satisfies the policy: 16 characters with all four classes. */
export const generateTemporaryPassword = (): string => {
	const sets = ["abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!#%+-=?@"];
	const all = sets.join("");
	const chars = sets.map((s) => s[randomInt(s.length)] as string);
	while (chars.length < 16) chars.push(all[randomInt(all.length)] as string);
	for (let i = chars.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
	}
	return chars.join("");
};

export class PlatformUserDirectory implements UserDirectory {
	readonly kind = "platform" as const;
	constructor(private readonly store: UserStore) {}

	async list(): Promise<DirectoryUser[]> {
		return (await this.store.list()).map(toDirectoryUser);
	}

	async create(input: CreateUserInput): Promise<CreatedUser> {
		const generated = input.temporaryPassword === undefined ? generateTemporaryPassword() : undefined;
		const user = await this.store.create({
			username: input.username,
			name: input.name,
			...(input.email ? { email: input.email } : {}),
			roles: input.roles,
			orgScope: input.orgScope,
			password: input.temporaryPassword ?? (generated as string),
		});
		return generated ? { ...toDirectoryUser(user), temporaryPassword: generated } : toDirectoryUser(user);
	}

	async update(username: string, patch: UpdateUserPatch): Promise<DirectoryUser> {
		return toDirectoryUser(await this.store.update(username, patch));
	}

	async disable(username: string): Promise<DirectoryUser> {
		return toDirectoryUser(await this.store.disable(username));
	}

	async enable(username: string): Promise<DirectoryUser> {
		return toDirectoryUser(await this.store.enable(username));
	}
}

/** Cognito attribute that carries the org scope (the JWT claim `custom:org_scope`). */
export const COGNITO_SCOPE_ATTRIBUTE = "custom:org_scope";

const attr = (attrs: AttributeType[] | undefined, name: string): string | undefined => attrs?.find((a) => a.Name === name)?.Value;

/** Cognito's exceptions as the platform's typed errors. */
const mapCognitoError = (e: unknown, username?: string): never => {
	const name = (e as { name?: string })?.name;
	switch (name) {
		case "UsernameExistsException":
			throw conflict(`User ${username ?? ""} already exists`);
		case "UserNotFoundException":
		case "ResourceNotFoundException":
			throw notFound(`User ${username ?? ""} not found`);
		case "InvalidPasswordException":
		case "InvalidParameterException":
			throw badRequest((e as Error).message);
		case "TooManyRequestsException":
		case "LimitExceededException":
			throw new AppError("too-many-requests", "The user directory is busy; try again shortly");
		default:
			throw e;
	}
};

export class CognitoUserDirectory implements UserDirectory {
	readonly kind = "cognito" as const;
	constructor(
		private readonly client: CognitoIdentityProviderClient,
		private readonly userPoolId: string,
	) {}

	async list(): Promise<DirectoryUser[]> {
		const out: DirectoryUser[] = [];
		let PaginationToken: string | undefined;
		try {
			do {
				const res = await this.client.send(new ListUsersCommand({ UserPoolId: this.userPoolId, PaginationToken, Limit: 60 }));
				for (const u of res.Users ?? []) {
					if (!u.Username) continue;
					out.push(this.fromCognito(u.Username, u.Attributes, u.Enabled, await this.groupsOf(u.Username), u.UserCreateDate, u.UserLastModifiedDate));
				}
				PaginationToken = res.PaginationToken;
			} while (PaginationToken);
		} catch (e) {
			mapCognitoError(e);
		}
		return out;
	}

	async create(input: CreateUserInput): Promise<CreatedUser> {
		validateNewUser(input);
		const attributes: AttributeType[] = [
			{ Name: "name", Value: input.name },
			{ Name: COGNITO_SCOPE_ATTRIBUTE, Value: input.orgScope },
		];
		if (input.email) attributes.push({ Name: "email", Value: input.email }, { Name: "email_verified", Value: "true" });
		try {
			await this.client.send(
				new AdminCreateUserCommand({
					UserPoolId: this.userPoolId,
					Username: input.username,
					UserAttributes: attributes,
					...(input.temporaryPassword ? { TemporaryPassword: input.temporaryPassword } : {}),
					...(input.email ? { DesiredDeliveryMediums: ["EMAIL"] } : {}),
				}),
			);
			for (const role of new Set(input.roles)) {
				await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: input.username, GroupName: role }));
			}
		} catch (e) {
			mapCognitoError(e, input.username);
		}
		return this.get(input.username);
	}

	async update(username: string, patch: UpdateUserPatch): Promise<DirectoryUser> {
		if (patch.roles) validateRoles(patch.roles);
		const attributes: AttributeType[] = [];
		if (patch.name !== undefined) attributes.push({ Name: "name", Value: patch.name });
		if (patch.email) attributes.push({ Name: "email", Value: patch.email }, { Name: "email_verified", Value: "true" });
		if (patch.orgScope !== undefined) attributes.push({ Name: COGNITO_SCOPE_ATTRIBUTE, Value: patch.orgScope });
		try {
			if (attributes.length > 0) {
				await this.client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: this.userPoolId, Username: username, UserAttributes: attributes }));
			}
			if (patch.roles) {
				const current = new Set(await this.groupsOf(username));
				const wanted = new Set(patch.roles);
				for (const role of wanted) {
					if (!current.has(role)) await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName: role }));
				}
				for (const role of current) {
					if (!wanted.has(role as Role)) {
						await this.client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName: role }));
					}
				}
			}
		} catch (e) {
			mapCognitoError(e, username);
		}
		return this.get(username);
	}

	async disable(username: string): Promise<DirectoryUser> {
		try {
			await this.client.send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: username }));
		} catch (e) {
			mapCognitoError(e, username);
		}
		return this.get(username);
	}

	async enable(username: string): Promise<DirectoryUser> {
		try {
			await this.client.send(new AdminEnableUserCommand({ UserPoolId: this.userPoolId, Username: username }));
		} catch (e) {
			mapCognitoError(e, username);
		}
		return this.get(username);
	}

	private async get(username: string): Promise<DirectoryUser> {
		try {
			const u = await this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username }));
			return this.fromCognito(username, u.UserAttributes, u.Enabled, await this.groupsOf(username), u.UserCreateDate, u.UserLastModifiedDate);
		} catch (e) {
			return mapCognitoError(e, username);
		}
	}

	/** Group names of a user; only the platform's roles count, other groups are left alone. */
	private async groupsOf(username: string): Promise<string[]> {
		const groups: string[] = [];
		let NextToken: string | undefined;
		do {
			const res = await this.client.send(new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, NextToken }));
			for (const g of res.Groups ?? []) if (g.GroupName && ROLES.includes(g.GroupName as Role)) groups.push(g.GroupName);
			NextToken = res.NextToken;
		} while (NextToken);
		return groups;
	}

	private fromCognito(
		username: string,
		attrs: AttributeType[] | undefined,
		enabled: boolean | undefined,
		groups: string[],
		created?: Date,
		modified?: Date,
	): DirectoryUser {
		const out: DirectoryUser = {
			username,
			name: attr(attrs, "name") ?? username,
			roles: groups as Role[],
			orgScope: attr(attrs, COGNITO_SCOPE_ATTRIBUTE) ?? "",
			disabled: enabled === false,
		};
		const email = attr(attrs, "email");
		if (email) out.email = email;
		if (created) out.createdAt = created.toISOString();
		if (modified) out.updatedAt = modified.toISOString();
		return out;
	}
}

/** Users are managed in the external IdP; every call says so, with a typed error the admin UI can show. */
export class ExternalUserDirectory implements UserDirectory {
	readonly kind = "external" as const;
	constructor(private readonly issuer: string) {}

	private refuse(): never {
		throw new AppError(
			"forbidden",
			`用户由外部身份提供方 ${this.issuer} 管理 / Users are managed in the external IdP ${this.issuer}`,
			undefined,
			{ directory: "external", issuer: this.issuer },
		);
	}

	async list(): Promise<DirectoryUser[]> {
		return this.refuse();
	}
	async create(): Promise<CreatedUser> {
		return this.refuse();
	}
	async update(): Promise<DirectoryUser> {
		return this.refuse();
	}
	async disable(): Promise<DirectoryUser> {
		return this.refuse();
	}
	async enable(): Promise<DirectoryUser> {
		return this.refuse();
	}
}

const validateRoles = (roles: Role[]): void => {
	if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => !ROLES.includes(r))) {
		throw badRequest("Invalid roles", { roles: `One or more of ${ROLES.join(", ")}` });
	}
};

const validateNewUser = (input: CreateUserInput): void => {
	if (!USERNAME_PATTERN.test(input.username)) {
		throw badRequest("Invalid user name", { username: "3–64 characters: lower-case letters, digits, '.', '_', '-'" });
	}
	validateRoles(input.roles);
	if (input.temporaryPassword !== undefined) {
		const policy = checkPasswordPolicy(input.temporaryPassword, input.username);
		if (!policy.ok) throw badRequest("Password does not meet the policy", { temporaryPassword: policy.problems.map((p) => p.en).join("; ") });
	}
};

export interface UserDirectoryDeps {
	kind: "platform" | "cognito" | "external";
	/** platform */
	userStore?: UserStore;
	/** cognito */
	cognitoClient?: CognitoIdentityProviderClient;
	cognitoUserPoolId?: string;
	/** external */
	issuer?: string;
}

/** Picks the adapter for `config.userDirectory`; the caller passes what that adapter needs. */
export const createUserDirectory = (deps: UserDirectoryDeps): UserDirectory => {
	switch (deps.kind) {
		case "platform":
			if (!deps.userStore) throw new Error("The platform user directory needs a UserStore");
			return new PlatformUserDirectory(deps.userStore);
		case "cognito":
			if (!deps.cognitoUserPoolId) throw new Error("The Cognito user directory needs COGNITO_USER_POOL_ID");
			return new CognitoUserDirectory(deps.cognitoClient ?? new CognitoIdentityProviderClient({}), deps.cognitoUserPoolId);
		case "external":
			if (!deps.issuer) throw new Error("The external user directory needs the issuer (AUTH_ISSUER)");
			return new ExternalUserDirectory(deps.issuer);
	}
};

/** The adapter for this deployment, from `config.userDirectory` (USER_DIRECTORY). */
export const userDirectoryFromConfig = (userStore?: UserStore): UserDirectory => {
	const kind = config.userDirectory;
	if (kind === "cognito") return createUserDirectory({ kind, cognitoUserPoolId: config.cognitoUserPoolId });
	if (kind === "external") return createUserDirectory({ kind, issuer: config.authIssuer });
	return createUserDirectory({ kind, ...(userStore ? { userStore } : {}) });
};
