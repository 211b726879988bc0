// `bka design`: requirements → schema, API, decisions, plans, and (optionally) the schema proven
// on the embedded PostgreSQL. Everything but the verification is pure.
import type { Requirements } from "../ingest/requirements/schema.ts";
import { designApi } from "./api.ts";
import { capacityPlan, questions, reliabilityPlan } from "./plan.ts";
import type { Design } from "./render.ts";
import { designSchema } from "./schema.ts";
import { DEFAULT_VERIFY_ROWS, verifySchema } from "./verify.ts";

export { renderDesign, schemaSql, type Design } from "./render.ts";

export interface DesignOptions {
  verify?: boolean;
  /** Cap on synthetic rows per table. */
  rows?: number;
}

export async function design(req: Requirements, options: DesignOptions = {}): Promise<Design> {
  const schema = designSchema(req);
  const result: Design = {
    requirements: req, schema, api: designApi(req), decisions: schema.decisions, questions: questions(req),
    capacity: capacityPlan(req), reliability: reliabilityPlan(req),
  };
  if (options.verify !== false) result.verification = await verifySchema(schema, req.service.name, options.rows ?? DEFAULT_VERIFY_ROWS);
  return result;
}
