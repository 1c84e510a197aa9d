// Lambda: health and the catalog (plans, indicators, units, data elements) and who the caller is.
import { getApp } from "../commons/app";
import { createHandler, parseWith } from "../commons/http";
import { catalogViews, planQuerySchema } from "../commons/services/catalog";

const app = getApp();
const views = catalogViews(app);

export const handler = createHandler(
	"catalog",
	{
		"GET /api/health": async () => ({ body: await views.health() }),
		"GET /api/me": async (req) => ({ body: await views.me(req.principal!) }),
		"GET /api/plans": async () => ({ body: await views.plans() }),
		"GET /api/indicators": async (req) => ({ body: await views.indicators(parseWith(planQuerySchema, req.query).plan) }),
		"GET /api/units": async () => ({ body: await views.units() }),
		"GET /api/data-elements": async (req) => {
			// Retired elements (hidden on forms, data kept) are listed for admins only.
			const body = await views.dataElements();
			return { body: req.principal?.roles.includes("admin") ? body : { ...body, elements: body.elements.filter((e) => !e.retired) } };
		},
	},
	{ catalog: app.catalog },
);
