// `bka design`: requirements → schema, API, security, capacity, reliability, an implementation
// guide, decisions and questions, and (optionally) the schema proven on the embedded PostgreSQL.
// Everything but the verification is pure.
import type { Requirements } from "../ingest/requirements/schema.ts";
import { designApi } from "./api.ts";
import { capacityPlan } from "./capacity.ts";
import { sortDecisions } from "./decisions.ts";
import { implementationGuide } from "./implementation.ts";
import { questions } from "./plan.ts";
import { degradationModes, reliabilityPlan } from "./reliability.ts";
import type { Design } from "./render.ts";
import { designSchema } from "./schema.ts";
import { securityPlan } from "./security.ts";
import { DEFAULT_VERIFY_ROWS, verifySchema } from "./verify.ts";

export { renderDesign, schemaSql, type Design } from "./render.ts";

export interface DesignOptions {
  verify?: boolean;
  /** Cap on synthetic rows per table. */
  rows?: number;
}

export async function design(req: Requirements, options: DesignOptions = {}): Promise<Design> {
  const result = designWithoutVerification(req);
  if (options.verify !== false) result.verification = await verifySchema(result.schema, req.service.name, options.rows ?? DEFAULT_VERIFY_ROWS);
  return result;
}

/** The pure part of `design`: reliability first (it fixes the instance count the pool is divided by). */
export function designWithoutVerification(req: Requirements): Design {
  const schema = designSchema(req);
  const api = designApi(req);
  const reliability = reliabilityPlan(req);
  const capacity = capacityPlan(req, schema, { instances: reliability.availability.instances });
  const security = securityPlan(req, api, {
    poolSize: capacity.pool.total.value,
    cachedKeys: Object.fromEntries(capacity.cache.filter((c) => c.cache).map((c) => [c.pattern, c.key!])),
    asyncDependencies: reliability.dependencies.filter((d) => d.path === "async").map((d) => d.name),
    timeoutsMs: Object.fromEntries(reliability.dependencies.filter((d) => d.timeout).map((d) => [d.name, d.timeout!.value])),
    ...tenancyOf(schema),
  });
  const guide = implementationGuide({ requirements: req, schema, api, capacity, reliability, security });
  return {
    requirements: req, schema, api, security, capacity, reliability, guide,
    degradation: degradationModes(reliability, capacity.cache),
    decisions: sortDecisions([...schema.decisions, ...security.decisions, ...capacity.decisions, ...reliability.decisions]),
    questions: sortDecisions([...questions(req), ...security.questions, ...capacity.questions, ...reliability.questions]),
  };
}

/** The schema designer's row-level security record, read optionally (older schema designs have none). */
function tenancyOf(schema: object): { tenancy?: { column: string; setting: string; tables: string[] } } {
  const tenancy = (schema as { tenancy?: { column: string; setting: string; tables: string[] } }).tenancy;
  return tenancy ? { tenancy: { column: tenancy.column, setting: tenancy.setting, tables: tenancy.tables } } : {};
}
