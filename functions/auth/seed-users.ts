// The local (demo) users of the platform provider, derived from the org units so every unit, 垦区 and the
// division has someone to sign in as. All share one demo password, which satisfies the password policy.
import type { OrgUnit, Role } from "../core/types";
import type { NewUser, UserStore } from "./user-store";

export const DEMO_PASSWORD = "Demo2025!hpm";

export interface SeedUser {
	username: string;
	name: string;
	email: string;
	roles: Role[];
	orgScope: string;
}

const mail = (username: string): string => `${username}@hpm.local`;

export const seededUsers = (units: OrgUnit[]): SeedUser[] => {
	const division = units.find((u) => u.level === "division");
	if (!division) throw new Error("seededUsers: the org units have no division");
	const byOrder = (a: OrgUnit, b: OrgUnit) => a.order - b.order || a.id.localeCompare(b.id);
	const areas = units.filter((u) => u.level === "area").sort(byOrder);
	const reporting = units.filter((u) => u.level === "unit").sort(byOrder);
	const user = (username: string, zh: string, roles: Role[], orgScope: string): SeedUser => ({ username, name: zh, email: mail(username), roles, orgScope });

	return [
		user("admin", "系统管理员", ["admin"], division.id),
		user("leader", `${division.name.zh}领导`, ["leader"], division.id),
		user("approver", `${division.name.zh}审核员`, ["approver"], division.id),
		...areas.flatMap((a) => [
			user(`leader-${a.id}`, `${a.name.zh}领导`, ["leader"], a.id),
			user(`approver-${a.id}`, `${a.name.zh}审核员`, ["approver"], a.id),
		]),
		...reporting.map((u) => user(`reporter-${u.id}`, `${u.name.zh}填报员`, ["reporter"], u.id)),
	];
};

/**
 * Creates the users that are missing and leaves existing ones alone (a changed password, role or a
 * disabled flag survives a re-seed). Returns the user names it created.
 */
export const seedUsers = async (store: UserStore, users: SeedUser[], password = DEMO_PASSWORD): Promise<string[]> => {
	const created: string[] = [];
	for (const u of users) {
		if (await store.get(u.username)) continue;
		const input: NewUser = { ...u, password };
		try {
			await store.create(input);
			created.push(u.username);
		} catch (e) {
			// Another process seeding at the same time got there first: that is the desired end state.
			if ((e as { kind?: string }).kind !== "conflict") throw e;
		}
	}
	return created;
};
