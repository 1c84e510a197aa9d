// User administration (GET/POST/PATCH /api/admin/users): the payloads, validated at the edge, and the actions
// on the deployment's user directory, each audited. Its own function (functions/handlers/users.ts), so only it
// carries the Cognito admin client and holds the right to manage users.
import * as z from "zod/mini";
import { AuditRepo } from "../commons/audit-repo";
import type { App } from "../commons/app";
import { AppError, notFound } from "../commons/errors";
import { userDirectoryFromConfig } from "./user-directory";
import { UserStore } from "./user-store";

const orgId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: "编号只能用小写字母、数字和连字符 (lower-case letters, digits, hyphens)" }));
const role = z.enum(["reporter", "approver", "leader", "admin"], { error: "角色应为 reporter/approver/leader/admin" });
const email = z.email({ error: "邮箱格式错误 (bad email)" });
const displayName = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

export const userCreateSchema = z.strictObject({
	username: z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, { error: "用户名3-64位小写字母数字 (3-64 lower-case characters)" })),
	name: displayName,
	email: z.optional(email),
	roles: z.array(role).check(z.minLength(1, { error: "至少一个角色 (at least one role)" })),
	orgScope: orgId,
	temporaryPassword: z.optional(z.string().check(z.minLength(10), z.maxLength(200))),
});

export const userPatchSchema = z.strictObject({
	name: z.optional(displayName),
	email: z.optional(z.nullable(email)),
	roles: z.optional(z.array(role).check(z.minLength(1))),
	orgScope: z.optional(orgId),
	disabled: z.optional(z.boolean()),
});

export const createUserAdmin = (app: App) => {
	const audit = new AuditRepo(app.doc, app.table);
	const directory = () => userDirectoryFromConfig(new UserStore(app.doc, app.table));
	const requireOrg = async (orgId: string, field: string) => {
		const idx = await app.catalog();
		if (!idx.unitById.has(orgId)) throw new AppError("bad-request", `未知机构 ${orgId} (unknown org unit)`, { [field]: "未知机构 (unknown org unit)" });
	};

	return {
		listUsers: () => directory().list(),
		createUser: async (by: string, body: z.infer<typeof userCreateSchema>) => {
			await requireOrg(body.orgScope, "orgScope");
			const created = await directory().create(body);
			await audit.record({ at: app.now().toISOString(), by, action: "user.create", target: body.username, detail: { roles: body.roles, orgScope: body.orgScope } });
			return created;
		},
		patchUser: async (by: string, username: string, body: z.infer<typeof userPatchSchema>) => {
			if (body.orgScope) await requireOrg(body.orgScope, "orgScope");
			const dir = directory();
			const { disabled, ...patch } = body;
			let user = Object.keys(patch).length ? await dir.update(username, patch) : undefined;
			if (disabled === true) user = await dir.disable(username);
			if (disabled === false) user = await dir.enable(username);
			if (!user) {
				const found = (await dir.list()).find((u) => u.username === username);
				if (!found) throw notFound(`未知用户 ${username} (unknown user)`);
				user = found;
			}
			await audit.record({ at: app.now().toISOString(), by, action: "user.update", target: username, detail: body });
			return user;
		},
	};
};
