// Lambda: user administration (list, create, change, disable). Its own function so that only it carries the
// Cognito admin client and holds the right to manage the user pool (infra: auth.bindUserAdmin).
import { createUserAdmin, userCreateSchema, userPatchSchema } from "../auth/user-admin";
import { getApp } from "../commons/app";
import { createHandler, parseWith, type RouteRequest } from "../commons/http";

const app = getApp();
const users = createUserAdmin(app);
const by = (req: RouteRequest) => req.principal!.sub;

export const handler = createHandler(
	"users",
	{
		"GET /api/admin/users": async () => ({ body: { users: await users.listUsers() } }),
		"POST /api/admin/users": async (req) => ({ status: 201, body: await users.createUser(by(req), parseWith(userCreateSchema, req.json())) }),
		"PATCH /api/admin/users/{username}": async (req) => ({ body: await users.patchUser(by(req), req.params.username as string, parseWith(userPatchSchema, req.json())) }),
	},
	{ catalog: app.catalog },
);
