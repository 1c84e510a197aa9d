// Every DynamoDB key the platform uses is built here, and only here.
// One table: pk/sk, with two generic GSIs (gsi1pk/gsi1sk, gsi2pk/gsi2sk). docs/data-model.md lists
// every access pattern and the key that serves it.

export interface Key {
	pk: string;
	sk: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

export const keys = {
	// --- catalog: plans, units, data elements, indicators, rules (editable by admins) ---
	catalogPk: "CATALOG",
	plan: (planId: string): Key => ({ pk: "CATALOG", sk: `PLAN#${planId}` }),
	unit: (unitId: string): Key => ({ pk: "CATALOG", sk: `UNIT#${unitId}` }),
	element: (code: string): Key => ({ pk: "CATALOG", sk: `ELEMENT#${code}` }),
	indicator: (code: string): Key => ({ pk: "CATALOG", sk: `INDICATOR#${code}` }),
	rule: (id: string): Key => ({ pk: "CATALOG", sk: `RULE#${id}` }),
	/** The entry form's sections, one item. */
	sections: (): Key => ({ pk: "CATALOG", sk: "SECTIONS" }),
	/**
	 * A counter every catalog write bumps (in the same transaction as an admin edit). Outside the CATALOG
	 * partition so that a container checks it with one GetItem instead of re-reading the whole catalog.
	 */
	catalogVersion: (): Key => ({ pk: "CATALOG_VERSION", sk: "V" }),
	catalogPrefix: {
		plan: "PLAN#",
		unit: "UNIT#",
		element: "ELEMENT#",
		indicator: "INDICATOR#",
		rule: "RULE#",
	},

	// --- submissions: the current state of one unit × period ---
	submissionPk: (unitId: string): string => `SUB#${unitId}`,
	submission: (unitId: string, period: string): Key => ({ pk: `SUB#${unitId}`, sk: `PERIOD#${period}` }),
	submissionSkPrefix: "PERIOD#",
	periodSk: (period: string): string => `PERIOD#${period}`,
	/** GSI1: every unit's submission for one period. */
	submissionByPeriod: (period: string, unitId: string) => ({ gsi1pk: `PERIOD#${period}`, gsi1sk: `UNIT#${unitId}` }),
	periodGsi1Pk: (period: string): string => `PERIOD#${period}`,

	/** Every version of a submission, kept for audit; never deleted. */
	versionPk: (unitId: string, period: string): string => `SUBV#${unitId}#${period}`,
	version: (unitId: string, period: string, version: number): Key => ({
		pk: `SUBV#${unitId}#${period}`,
		sk: `V#${pad(version, 9)}`,
	}),

	/** Each unit's latest reported value of every stock element within a year (for yearly stock aggregation). */
	unitStockYear: (unitId: string, year: string): Key => ({ pk: `SUB#${unitId}`, sk: `STOCK#${year}` }),
	/** Each unit's rolling summary (core/rolling.ts): recent values and tracer months, updated by every write. */
	unitRolling: (unitId: string): Key => ({ pk: `SUB#${unitId}`, sk: "ROLL" }),

	// --- aggregates per org unit (垦区, division) and period ---
	aggregatePk: (orgId: string): string => `AGG#${orgId}`,
	/** kind M = a month's values, Y = a year's flows and latest stocks, YR = yearly figures as reported. */
	aggregateSk: (kind: "M" | "Y" | "YR", period: string): string => `${kind}#${period}`,
	aggregate: (orgId: string, kind: "M" | "Y" | "YR", period: string): Key => ({ pk: `AGG#${orgId}`, sk: `${kind}#${period}` }),
	aggregateMonth: (orgId: string, month: string): Key => ({ pk: `AGG#${orgId}`, sk: `M#${month}` }),
	aggregateYear: (orgId: string, year: string): Key => ({ pk: `AGG#${orgId}`, sk: `Y#${year}` }),
	/** Write-sharded aggregate counters (scale path): shard n of the same org × period. */
	aggregateShard: (orgId: string, period: string, shard: number): Key => ({
		pk: `AGGS#${orgId}#${period}`,
		sk: `S#${pad(shard, 3)}`,
	}),
	aggregateShardPk: (orgId: string, period: string): string => `AGGS#${orgId}#${period}`,

	// --- idempotency records (TTL) ---
	idempotency: (scope: string, key: string): Key => ({ pk: `IDEM#${scope}#${key}`, sk: "IDEM" }),

	// --- audit of non-submission actions (reopen, user changes, plan edits, resends) ---
	auditPk: (month: string): string => `AUDIT#${month}`,
	audit: (month: string, at: string, id: string): Key => ({ pk: `AUDIT#${month}`, sk: `${at}#${id}` }),

	// --- users of the platform's own OIDC provider ---
	user: (username: string): Key => ({ pk: `USER#${username}`, sk: "PROFILE" }),
	userList: (username: string) => ({ gsi1pk: "USERS", gsi1sk: username }),
	usersGsi1Pk: "USERS",

	// --- oidc-provider adapter models (sessions, codes, grants, tokens) ---
	oidc: (model: string, id: string): Key => ({ pk: `OIDC#${model}#${id}`, sk: "OIDC" }),
	oidcUid: (uid: string) => ({ gsi1pk: `OIDCUID#${uid}`, gsi1sk: "OIDC" }),
	oidcUserCode: (userCode: string) => ({ gsi1pk: `OIDCUC#${userCode}`, gsi1sk: "OIDC" }),
	oidcGrant: (grantId: string, model: string, id: string) => ({ gsi2pk: `OIDCGRANT#${grantId}`, gsi2sk: `${model}#${id}` }),

	// --- monthly summary: recipients, deliveries (exactly once), archive ---
	recipientsPk: "RECIPIENTS",
	recipient: (id: string): Key => ({ pk: "RECIPIENTS", sk: `R#${id}` }),
	deliveryPk: (month: string): string => `DELIVERY#${month}`,
	delivery: (month: string, recipientId: string): Key => ({ pk: `DELIVERY#${month}`, sk: `R#${recipientId}` }),
	/** Local mode only: a recipient's group-robot URL and signing secret (Secrets Manager holds them in AWS). */
	pushSecret: (recipientId: string): Key => ({ pk: "PUSHSECRET", sk: `R#${recipientId}` }),
	summary: (scopeOrg: string, month: string): Key => ({ pk: `SUMMARY#${scopeOrg}`, sk: `M#${month}` }),
	summaryPk: (scopeOrg: string): string => `SUMMARY#${scopeOrg}`,

	// --- seed markers (local mode and first deploy): a seed that has run is not run again ---
	seedMarker: (name: string): Key => ({ pk: "SEED", sk: name }),

	// --- bulk imports ---
	importJob: (id: string): Key => ({ pk: `IMPORT#${id}`, sk: "JOB" }),

	// --- aggregate rebuilds (metadata changes, repairs) ---
	rebuildJob: (id: string): Key => ({ pk: `REBUILD#${id}`, sk: "JOB" }),
	/** The one running rebuild, if any, and the elements whose figures it is recalculating. */
	rebuildActive: (): Key => ({ pk: "REBUILD", sk: "ACTIVE" }),
} as const;
