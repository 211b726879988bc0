// Proves the schema design on the embedded PostgreSQL: apply the whole DDL (tables, indexes,
// row-level security, triggers), fill every table with synthetic rows at its declared volume
// (capped), VACUUM ANALYZE, then EXPLAIN each access pattern's statement and find the index it
// uses. Tables under row-level security are explained as an application role with the tenant
// setting in place, so the policy's condition is part of the plan. A pattern that no index
// serves is reported, not hidden. Costs are the planner's estimates on uniform synthetic data,
// not production figures.
import { sqlIdentifier } from "../emit/sql.ts";
import { withEngine } from "../verify/pglite.ts";
import { fillTables, type FillPlan } from "../verify/synthetic.ts";
import { schemaDdl, type SchemaDesign } from "./schema.ts";

export const DEFAULT_VERIFY_ROWS = 20_000;

/** The role row-level security is proven for: not a superuser, not the tables' owner, no BYPASSRLS. */
export const APP_ROLE = "bka_app";

export interface PatternPlan {
  pattern: string;
  sql: string;
  /** Top plan node, e.g. "Limit". */
  node: string;
  /** Index the plan reads (or an INSERT's conflict arbiter), when it uses one. */
  index?: string;
  /** The plan node that reads it, e.g. "Index Scan"; "Conflict Arbiter" for an idempotent insert. */
  indexNode?: string;
  /** The index condition, which under row-level security includes the policy's tenant test. */
  condition?: string;
  totalCost: number;
  /** Plain inserts need no read path. */
  needsIndex: boolean;
}

export interface SchemaVerification {
  engine: string;
  rows: Record<string, number>;
  /** Set when the plans were made as the application role with a tenant in place. */
  tenant?: { role: string; setting: string };
  plans: PatternPlan[];
}

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Conflict Arbiter Indexes"?: string[];
  "Total Cost": number;
  Plans?: PlanNode[];
}

type Run = (sql: string) => Promise<Record<string, unknown>[]>;

export async function verifySchema(design: SchemaDesign, project: string, cap = DEFAULT_VERIFY_ROWS): Promise<SchemaVerification> {
  const plan = fillOrder(design).map((table): FillPlan => ({ table, rows: rowsFor(design, table, cap) }));
  return withEngine(async (engine) => {
    const run: Run = async (sql) => (await engine.db.exec(sql)).at(-1)?.rows ?? [];
    await run(schemaDdl(design, project));
    await fillTables({ run }, design.entities, plan);
    // Soft-deleted tables are mostly live rows: the generator filled deleted_at, so clear it
    // (with triggers off: this fixes synthetic data, it is not a change to audit).
    const softDeleted = design.entities.filter((e) => e.columns.some((c) => c.name === "deleted_at"));
    if (softDeleted.length) {
      await run(["SET session_replication_role = replica", ...softDeleted.map((e) => `UPDATE ${sqlIdentifier(e.name)} SET deleted_at = NULL`), "RESET session_replication_role"].join(";\n"));
    }
    // VACUUM sets the visibility map, without which the planner does not trust an index-only scan.
    await run(`VACUUM ANALYZE ${plan.map((p) => sqlIdentifier(p.table)).join(", ")}`);
    const tenant = design.tenancy ? await actAsTenant(run, design.tenancy) : undefined;
    const plans: PatternPlan[] = [];
    for (const query of design.queries) plans.push({ pattern: query.pattern, ...(await explain(run, query.sql)) });
    return { engine: engine.label, rows: Object.fromEntries(plan.map((p) => [p.table, p.rows])), ...(tenant ? { tenant } : {}), plans };
  });
}

/** Tenants get a tenth of the cap, so each tenant owns several rows of every table as it would in production. */
const TENANT_SHARE = 10;

function rowsFor(design: SchemaDesign, table: string, cap: number): number {
  const limit = table === design.tenancy?.tenantTable ? Math.ceil(cap / TENANT_SHARE) : cap;
  return Math.max(1, Math.min(limit, design.volumes[table] || limit));
}

/** Becomes the application role with the first tenant's id in the policies' setting. */
async function actAsTenant(run: Run, tenancy: NonNullable<SchemaDesign["tenancy"]>): Promise<SchemaVerification["tenant"]> {
  const first = (await run(`SELECT id::text AS id FROM ${sqlIdentifier(tenancy.tenantTable)} ORDER BY id LIMIT 1`))[0]?.id;
  await run([
    `CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS`,
    `GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`,
    `SELECT set_config('${tenancy.setting}', '${String(first ?? "00000000-0000-0000-0000-000000000000")}', false)`,
    `SET ROLE ${APP_ROLE}`,
  ].join(";\n"));
  return { role: APP_ROLE, setting: tenancy.setting };
}

async function explain(run: Run, sql: string): Promise<Omit<PatternPlan, "pattern">> {
  const generic = /\$\d+/.test(sql) ? ", GENERIC_PLAN" : "";
  const rows = await run(`EXPLAIN (FORMAT JSON${generic}) ${sql}`);
  const raw = Object.values(rows[0] ?? {})[0];
  const top = (typeof raw === "string" ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
  const arbiter = top["Conflict Arbiter Indexes"]?.[0];
  const indexed = findIndexNode(top);
  const found = arbiter
    ? { index: arbiter, indexNode: "Conflict Arbiter" }
    : indexed ? { index: indexed["Index Name"], indexNode: indexed["Node Type"], ...(indexed["Index Cond"] ? { condition: indexed["Index Cond"] } : {}) } : {};
  return { sql, node: top["Node Type"], ...found, totalCost: top["Total Cost"], needsIndex: !sql.startsWith("INSERT") || !!arbiter || / ON CONFLICT /.test(sql) };
}

function findIndexNode(node: PlanNode): PlanNode | undefined {
  if (node["Index Name"]) return node;
  for (const child of node.Plans ?? []) {
    const found = findIndexNode(child);
    if (found) return found;
  }
  return undefined;
}

/** Parents before children, so a child's foreign keys name existing rows; ties by name. */
function fillOrder(design: SchemaDesign): string[] {
  const order: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (order.includes(name) || path.has(name)) return;
    const entity = design.entities.find((e) => e.name === name)!;
    for (const fk of entity.foreignKeys) visit(fk.references.entity, new Set([...path, name]));
    order.push(name);
  };
  for (const name of design.entities.map((e) => e.name).sort()) visit(name, new Set());
  return order;
}
