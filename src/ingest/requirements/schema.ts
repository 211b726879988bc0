// The requirements file `bka design` reads: what the system must do, how much, how fast and for
// whom. One zod schema is the single source: it validates the file, gives the `Requirements`
// type and generates docs/requirements.schema.json for editors.
import { z } from "zod";

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower_snake_case: a letter, then letters, digits or _");

export const FIELD_TYPES = ["string", "text", "integer", "bigint", "decimal", "boolean", "timestamp", "date", "uuid", "json", "enum"] as const;

const field = z.strictObject({
  name,
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(true),
  unique: z.boolean().default(false),
  tags: z.array(z.enum(["pii", "secret"])).default([]).describe("pii: personal data; secret: never returned by the API (hashes, tokens)"),
  values: z.array(z.string().min(1)).min(1).optional().describe("allowed values of an enum field"),
  maxLength: z.number().int().positive().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const relation = z.strictObject({
  to: name.describe("the entity this one points to"),
  cardinality: z.enum(["many-to-one", "one-to-one", "many-to-many"]).describe("many-to-many becomes a join table <entity>_<to> with a composite key"),
  ownership: z.enum(["owned", "referenced"]).default("referenced").describe("owned children are deleted with their parent (CASCADE); referenced ones block its deletion (RESTRICT)"),
  required: z.boolean().default(true),
  column: name.optional().describe("the foreign-key column; default <to>_id with a trailing s of <to> dropped"),
  through: name.optional().describe("many-to-many only: the join table's name; default <entity>_<to>"),
  rows: z.number().int().nonnegative().optional().describe("many-to-many only: how many links the join table holds"),
});

const volume = z.strictObject({
  rows: z.number().int().nonnegative(),
  growthPerMonth: z.number().int().nonnegative().default(0),
  avgRowBytes: z.number().int().positive().optional(),
});

const doubleEntry = z.strictObject({
  groupBy: name.describe("the column that groups the entries of one transaction (e.g. transfer_id): their amounts sum to zero, checked at commit"),
  amount: name.describe("the signed amount field"),
  balance: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "write entity.field, e.g. accounts.balance").optional()
    .describe("entity.field kept equal to the sum of the entries, updated in the same transaction (the entity must be a relation of this one)"),
});

const entity = z.strictObject({
  name,
  description: z.string().optional(),
  key: z.enum(["auto", "identity", "uuidv7", "composite"]).default("auto").describe("primary key strategy; auto lets the designer decide (an ADR); composite: the key is the relations' columns (a join table)"),
  fields: z.array(field).min(1),
  relations: z.array(relation).default([]),
  concurrentUpdates: z.boolean().default(false).describe("updated concurrently by several clients: a version column and ETag/If-Match"),
  softDelete: z.boolean().default(false).describe("rows are marked deleted_at instead of deleted"),
  consistency: z.enum(["default", "strict"]).default("default").describe("strict: concurrent writes must not interleave (money, stock); the designer picks a row-lock or serializable strategy"),
  idempotencyKey: z.boolean().default(false).describe("creates carry the client's Idempotency-Key, stored under a unique constraint so a retry cannot create twice"),
  appendOnly: z.boolean().default(false).describe("rows are never updated or deleted (a trigger refuses it)"),
  doubleEntry: doubleEntry.optional(),
  volume: volume.optional(),
});

const filter = z.strictObject({
  field: name,
  op: z.enum(["eq", "in", "gt", "gte", "lt", "lte"]).default("eq"),
  value: z.union([z.string(), z.number(), z.boolean()]).optional().describe("a constant the pattern always asks for (becomes a partial index predicate)"),
});

const accessPattern = z.strictObject({
  name,
  description: z.string().optional(),
  actor: name,
  kind: z.enum(["read", "write"]),
  operation: z.enum(["create", "update", "delete"]).optional().describe("for writes: what the write does"),
  entity: name,
  filters: z.array(filter).default([]),
  sort: z.array(z.strictObject({ field: name, direction: z.enum(["asc", "desc"]).default("asc") })).default([]),
  pageSize: z.number().int().positive().max(1000).optional(),
  returns: z.array(name).min(1).optional().describe("the only fields the pattern reads; a few small ones become a covering index (INCLUDE) for an index-only scan"),
  peakPerSecond: z.number().positive().describe("peak requests per second"),
  latencyP99Ms: z.number().positive().optional(),
});

const dependency = z.strictObject({
  name,
  description: z.string().optional(),
  latencyP99Ms: z.number().positive(),
  availability: z.number().gt(0).lte(100),
  rateLimitPerSecond: z.number().positive().optional(),
});

const tenancy = z.strictObject({
  tenantEntity: name.describe("the entity whose rows are the tenants"),
  column: name.default("tenant_id").describe("the tenant column every tenant-scoped table gets"),
  setting: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, "write prefix.name, e.g. app.tenant_id").default("app.tenant_id")
    .describe("the session setting the application sets per transaction; row-level security policies compare the tenant column with it"),
  shared: z.array(name).default([]).describe("entities all tenants share: no tenant column, no row-level security"),
});

export const requirementsSchema = z.strictObject({
  service: z.strictObject({ name, description: z.string().optional() }),
  tenancy: tenancy.optional().describe("a multi-tenant service with one shared schema: tenant columns and row-level security"),
  actors: z.array(z.strictObject({ name, description: z.string().optional(), public: z.boolean().default(false) })).min(1),
  entities: z.array(entity).min(1),
  accessPatterns: z.array(accessPattern).min(1),
  objectives: z.strictObject({ availability: z.number().gt(0).lte(100), p99Ms: z.number().positive() }).optional(),
  dependencies: z.array(dependency).default([]),
  compliance: z
    .strictObject({
      retentionDays: z.number().int().positive().optional(),
      residency: z.string().optional(),
      audit: z.array(name).default([]).describe("entities whose changes are written to an audit table"),
    })
    .optional(),
});

export type Requirements = z.output<typeof requirementsSchema>;
export type RequirementsEntity = Requirements["entities"][number];
export type RequirementsField = RequirementsEntity["fields"][number];
export type RequirementsRelation = RequirementsEntity["relations"][number];
export type AccessPattern = Requirements["accessPatterns"][number];
export type PatternFilter = AccessPattern["filters"][number];
export type Tenancy = NonNullable<Requirements["tenancy"]>;

/** The JSON Schema editors use to complete and check a requirements file (input shape: defaults optional). */
export function requirementsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(requirementsSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  return { ...schema, $id: "https://bka.dev/schemas/requirements.schema.json", title: "bka requirements file" };
}
