// Creates the first administrator of the platform's own OIDC provider (identity=platform, the aws-cn
// stage) directly in the table, because the admin API needs an admin to call it.
//   AWS_REGION=cn-northwest-1 npm run admin:create-user -- --table <TableName output> \
//     --username admin --name "平台管理员" --org-scope <division org id> [--email a@b.cn]
// Prints a generated one-time password once; sign in and change it. With identity=cognito use
// aws cognito-idp admin-create-user instead (docs/deploy.md).
import { parseArgs } from "node:util";
import { UserStore } from "../functions/auth/user-store";
import { generateTemporaryPassword } from "../functions/auth/user-directory";
import { createDocClient } from "../functions/commons/clients/dynamo";

const { values } = parseArgs({
	options: {
		table: { type: "string" },
		username: { type: "string", default: "admin" },
		name: { type: "string" },
		"org-scope": { type: "string" },
		email: { type: "string" },
	},
	allowPositionals: false,
});
const { table, username, name, email } = values;
const orgScope = values["org-scope"];
if (!table || !name || !orgScope) {
	console.error('usage: npm run admin:create-user -- --table <name> --name "..." --org-scope <org id> [--username admin] [--email x]');
	process.exit(2);
}

const password = generateTemporaryPassword();
const store = new UserStore(createDocClient(), table);
const user = await store.create({ username, name, orgScope, roles: ["admin"], password, ...(email ? { email } : {}) });
console.log(`Created ${user.username} (roles: ${user.roles.join(", ")}, scope: ${user.orgScope}).`);
console.log(`One-time password: ${password}`);
console.log("Sign in at the site and change it now; it is not stored anywhere else.");
