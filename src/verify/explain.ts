// EXPLAIN of one SQL statement against the project's own schema on the embedded PostgreSQL: the
// model's tables are created from schema.sql, then the planner shows how it would run the query.
// EXPLAIN without ANALYZE never executes the statement. The tables are empty unless a caller
// fills them, so costs are the planner's estimates for its default table sizes: a plan's shape
// (Seq Scan vs Index Scan, join order) is meaningful, its numbers are not production figures.
import type { ArchitectureModel } from "../model/types.ts";
import { toSchemaSql } from "../emit/sql.ts";
import { parseSqlFile } from "../ingest/data/sql-parse.ts";
import { extensionsIn, withEngine, type StartOptions } from "./pglite.ts";

export interface QueryPlan {
  engine: string;
  /** Top plan node, e.g. "Seq Scan on orders". */
  node: string;
  totalCost: number;
  /** Rows the planner expects the top node to return. */
  rows?: number;
  /** The plan as EXPLAIN's text format. */
  plan: string;
}

export class ExplainError extends Error {}

export async function explainQuery(model: ArchitectureModel, sql: string, options: StartOptions = {}): Promise<QueryPlan> {
  const statement = singleStatement(sql);
  const ddl = toSchemaSql(model);
  return withEngine(async (engine) => {
    await engine.db.exec(ddl);
    // $1-style parameters have no values here: GENERIC_PLAN plans for any value.
    const generic = /\$\d+/.test(statement) ? ", GENERIC_PLAN" : "";
    const json = await explainAs(engine.db, `EXPLAIN (FORMAT JSON${generic}) ${statement}`);
    const text = await explainAs(engine.db, `EXPLAIN (FORMAT TEXT${generic}) ${statement}`);
    const top = (JSON.parse(json) as { Plan: PlanNode }[])[0].Plan;
    return { engine: engine.label, node: nodeLabel(top), totalCost: top["Total Cost"], rows: top["Plan Rows"], plan: text };
  }, { ...options, extensions: extensionsIn([ddl]) });
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Total Cost": number;
  "Plan Rows": number;
}

function nodeLabel(node: PlanNode): string {
  if (node["Index Name"] && node["Relation Name"]) return `${node["Node Type"]} using ${node["Index Name"]} on ${node["Relation Name"]}`;
  return node["Relation Name"] ? `${node["Node Type"]} on ${node["Relation Name"]}` : node["Node Type"];
}

/** The one statement to explain; several statements are refused, so nothing else can run. */
function singleStatement(sql: string): string {
  const text = sql.trim().replace(/;\s*$/, "");
  if (!text) throw new ExplainError("sql is empty: give one SELECT, INSERT, UPDATE or DELETE statement");
  const parsed = parseSqlFile(text);
  if (parsed.errors.length) throw new ExplainError(`sql does not parse as PostgreSQL: ${parsed.errors[0].message}`);
  if (parsed.statements.length !== 1) throw new ExplainError(`sql holds ${parsed.statements.length} statements: give exactly one`);
  const kind = Object.keys(parsed.statements[0].node)[0];
  if (!["SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt"].includes(kind)) {
    throw new ExplainError(`only SELECT, INSERT, UPDATE and DELETE can be explained, not ${kind.replace(/Stmt$/, "")}`);
  }
  return text;
}

/** `db.exec`, not `db.query`: PGlite binds nothing for GENERIC_PLAN through exec. */
async function explainAs(db: { exec(sql: string): Promise<{ rows: Record<string, unknown>[] }[]> }, sql: string): Promise<string> {
  const results = await db.exec(sql);
  const rows = results[results.length - 1]?.rows ?? [];
  return rows.map((row) => {
    const value = Object.values(row)[0];
    return typeof value === "string" ? value : JSON.stringify(value);
  }).join("\n");
}
