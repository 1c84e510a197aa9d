// Lambda: metadata without a deploy — data elements, indicators (and the formula preview), validation rules,
// the aggregate rebuild and its job, catalog export/import (functions/metadata/routes.ts). Its own function,
// split from admin as users and imports were: it carries the metadata service, the rules' checks and the
// rebuild, and neither it nor admin pays for the other's code at cold start (docs/performance.md).
import { getApp } from "../commons/app";
import { createHandler } from "../commons/http";
import { createMetadataRoutes } from "../metadata/routes";

const app = getApp();

export const handler = createHandler("metadata", createMetadataRoutes(app), { catalog: app.catalog });
