// Proves the schema design on the embedded PostgreSQL: apply the DDL, fill every table with
// synthetic rows at its declared volume (capped), ANALYZE, then EXPLAIN each access pattern's
// statement and find the index it uses. A pattern that no index serves is reported, not hidden.
// Costs are the planner's estimates on uniform synthetic data, not production figures.
import { toSchemaSql, sqlIdentifier } from "../emit/sql.ts";
import { withEngine } from "../verify/pglite.ts";
import { fillTables, type FillPlan } from "../verify/synthetic.ts";
import type { SchemaDesign } from "./schema.ts";

export const DEFAULT_VERIFY_ROWS = 20_000;

export interface PatternPlan {
  pattern: string;
  sql: string;
  /** Top plan node, e.g. "Limit". */
  node: string;
  /** Index the plan reads, when it reads one. */
  index?: string;
  /** The plan node that reads it, e.g. "Index Scan". */
  indexNode?: string;
  totalCost: number;
  /** Inserts need no read path. */
  needsIndex: boolean;
}

export interface SchemaVerification {
  engine: string;
  rows: Record<string, number>;
  plans: PatternPlan[];
}

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Total Cost": number;
  Plans?: PlanNode[];
}

export async function verifySchema(design: SchemaDesign, project: string, cap = DEFAULT_VERIFY_ROWS): Promise<SchemaVerification> {
  const ddl = toSchemaSql({ project, entities: design.entities } as never);
  const plan = fillOrder(design).map((table): FillPlan => ({ table, rows: Math.max(1, Math.min(cap, design.volumes[table] || cap)) }));
  return withEngine(async (engine) => {
    const run = async (sql: string) => (await engine.db.exec(sql)).at(-1)?.rows ?? [];
    await engine.db.exec(ddl);
    await fillTables({ run }, design.entities, plan);
    // Soft-deleted tables are mostly live rows: the generator filled deleted_at, so clear it.
    for (const entity of design.entities.filter((e) => e.columns.some((c) => c.name === "deleted_at"))) {
      await run(`UPDATE ${sqlIdentifier(entity.name)} SET deleted_at = NULL; ANALYZE ${sqlIdentifier(entity.name)}`);
    }
    const plans: PatternPlan[] = [];
    for (const query of design.queries) {
      const generic = /\$\d+/.test(query.sql) ? ", GENERIC_PLAN" : "";
      const rows = await run(`EXPLAIN (FORMAT JSON${generic}) ${query.sql}`);
      const raw = Object.values(rows[0] ?? {})[0];
      const top = (typeof raw === "string" ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
      const indexed = findIndexNode(top);
      plans.push({
        pattern: query.pattern,
        sql: query.sql,
        node: top["Node Type"],
        ...(indexed ? { index: indexed["Index Name"], indexNode: indexed["Node Type"] } : {}),
        totalCost: top["Total Cost"],
        needsIndex: !query.sql.startsWith("INSERT"),
      });
    }
    return { engine: engine.label, rows: Object.fromEntries(plan.map((p) => [p.table, p.rows])), plans };
  });
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
