// Proves or refutes "this query needs an index" on a real PostgreSQL planner. The model's schema is
// applied, the tables the queries read are filled with synthetic rows, each query is EXPLAINed,
// then the proposed index is created inside BEGIN … ROLLBACK and the query EXPLAINed again. An
// index is recommended only when it pays, with Dexter's thresholds: the plan cost before is at
// least 100 and the index at least halves it. Queries are never executed (EXPLAIN without ANALYZE).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ArchitectureModel, DataAccess, Entity, IndexProof } from "../model/types.ts";
import { sqlIdentifier, toSchemaSql } from "../emit/sql.ts";
import { parseSqlFile, type PgNode } from "../ingest/data/sql-parse.ts";
import { extensionsIn, pgliteVersion, type Engine } from "./pglite.ts";
import { cacheDirectory } from "../cache-directory.ts";
import { DEFAULT_ROWS, fillPlan, fillTables } from "./synthetic.ts";
import { openPglite, openServer, pgliteDatabase, type ProofDatabase } from "./proof-db.ts";

/** Dexter's bar: a plan cheaper than this is not worth an index. */
export const MIN_COST = 100;
/** …and the index must cut the cost by at least this share. */
export const MIN_SAVING = 0.5;

/** The columns a query constrains on its main table, by how a B-tree index can use them. */
export interface QueryShape {
  table: string;
  /** Every model table the query reads (they are all filled). */
  tables: string[];
  equality: string[];
  range: string[];
  sort: string[];
}

export interface ProofOptions {
  /** Rows per queried table; default 200,000. */
  rows?: number;
  /** Run on this PostgreSQL server (in a throwaway schema) instead of PGlite. */
  databaseUrl?: string;
  /** A PGlite engine to reuse (tests share one per file); it is reset, not closed. Bypasses the cache unless `cache` is true. */
  engine?: Engine;
  /** Reuse the proofs of an earlier run with the same schema, queries and rows (PGlite only); default true without `engine`. */
  cache?: boolean;
}

/** Bumped whenever a change here can change a proof, so older cached proofs are not reused. */
const PROOF_VERSION = 1;

export interface ProofStats {
  proved: number;
  startMs: number;
  fillMs: number;
  proofMs: number[];
  /** The proofs came from an earlier run's cache. */
  cached: boolean;
  error?: string;
}

interface Candidate {
  access: DataAccess;
  query: string;
  shape: QueryShape;
}

/**
 * Records an IndexProof on the model for every data access whose query filters or sorts a model
 * table. Starts a database only when there is something to prove; a failure becomes a warning.
 */
export async function proveIndexes(model: ArchitectureModel, options: ProofOptions = {}): Promise<ProofStats> {
  const stats: ProofStats = { proved: 0, startMs: 0, fillMs: 0, proofMs: [], cached: false };
  const candidates = model.dataAccesses.map((a) => candidateOf(a, model.entities)).filter((c): c is Candidate => c !== undefined);
  if (!candidates.length) return stats;
  const rows = options.rows ?? DEFAULT_ROWS;
  const cacheFile = (options.cache ?? !options.engine) && !options.databaseUrl ? proofCachePath(model, candidates, rows) : undefined;
  const cached = cacheFile ? readCachedProofs(cacheFile) : undefined;
  if (cached) {
    model.indexProofs = [...(model.indexProofs ?? []), ...candidates.map((c) => ({ dataAccessId: c.access.id, ...cached[c.query] }))];
    return { ...stats, proved: candidates.length, cached: true };
  }
  const started = performance.now();
  let db: ProofDatabase | undefined;
  try {
    db = await openDatabase(model, options);
    stats.startMs = Math.round(performance.now() - started);
    await db.reset();
    await applySchema(db, model);
    const filling = performance.now();
    const plan = fillPlan(model.entities, [...new Set(candidates.flatMap((c) => c.shape.tables))].sort(), rows);
    await fillTables(db, model.entities, plan);
    stats.fillMs = Math.round(performance.now() - filling);
    const sizes = new Map(plan.map((p) => [p.table, p.rows]));
    const byQuery = new Map<string, Omit<IndexProof, "dataAccessId">>();
    for (const candidate of candidates) {
      let proof = byQuery.get(candidate.query);
      if (!proof) {
        const proving = performance.now();
        proof = await proveOne(db, candidate, sizes.get(candidate.shape.table) ?? 0);
        stats.proofMs.push(Math.round(performance.now() - proving));
        byQuery.set(candidate.query, proof);
      }
      (model.indexProofs ??= []).push({ dataAccessId: candidate.access.id, ...proof });
      stats.proved += 1;
    }
    if (cacheFile) writeCachedProofs(cacheFile, Object.fromEntries(byQuery));
  } catch (error) {
    stats.error = error instanceof Error ? error.message : String(error);
    model.coverage.warnings.push(`index advice was not measured: ${stats.error}`);
  } finally {
    await db?.close();
  }
  return stats;
}

async function openDatabase(model: ArchitectureModel, options: ProofOptions): Promise<ProofDatabase> {
  if (options.databaseUrl) return openServer(options.databaseUrl);
  if (options.engine) return pgliteDatabase(options.engine, false);
  const sql = [...(model.migrations ?? []).flatMap((m) => m.statements.map((s) => s.sql)), toSchemaSql(model)];
  return openPglite(extensionsIn(sql));
}

/** The schema statement by statement: one table the engine refuses does not stop the others. */
async function applySchema(db: ProofDatabase, model: ArchitectureModel): Promise<void> {
  const ddl = toSchemaSql(model);
  const bytes = Buffer.from(ddl, "utf8");
  for (const statement of parseSqlFile(ddl).statements) {
    await db.run(bytes.subarray(statement.start, statement.end).toString("utf8")).catch(() => undefined);
  }
}

async function proveOne(db: ProofDatabase, { query, shape }: Candidate, rows: number): Promise<Omit<IndexProof, "dataAccessId">> {
  const columns = proposeIndex(shape);
  const indexSql = `CREATE INDEX ON ${sqlIdentifier(shape.table)} (${columns.map(sqlIdentifier).join(", ")})`;
  const base = { query, table: shape.table, columns, indexSql, rows, engine: db.label };
  let before: PlanSummary;
  try {
    before = await explain(db, query, shape.table);
  } catch (error) {
    return { ...base, before: { node: "?", cost: 0 }, pays: false, note: `EXPLAIN failed: ${messageOf(error)}` };
  }
  if (before.usesIndex) return { ...base, before: before.top, pays: false, note: `already uses an index (${before.top.node})` };
  await db.run("BEGIN");
  try {
    await db.run(indexSql);
    const after = await explain(db, query, shape.table);
    const pays = before.top.cost >= MIN_COST && after.top.cost <= before.top.cost * (1 - MIN_SAVING);
    return { ...base, before: before.top, after: after.top, pays };
  } catch (error) {
    return { ...base, before: before.top, pays: false, note: `the index could not be tried: ${messageOf(error)}` };
  } finally {
    await db.run("ROLLBACK");
  }
}

/**
 * The index to try: equality columns first (any order serves them; kept as written), then range
 * columns (a B-tree seeks the equality prefix, then scans the range), then the ORDER BY columns —
 * only when there is no range column, because after a range the index order no longer matches
 * the requested order. Each column once.
 */
export function proposeIndex(shape: Pick<QueryShape, "equality" | "range" | "sort">): string[] {
  const ordered = [...shape.equality, ...shape.range, ...(shape.range.length ? [] : shape.sort)];
  return [...new Set(ordered)];
}

// ---- the cache: filling 200,000 rows a table takes seconds, the result is a few lines ----------

type CachedProofs = Record<string, Omit<IndexProof, "dataAccessId">>;

/** One file per schema + queries + rows + engine version: any change there is a new key. */
function proofCachePath(model: ArchitectureModel, candidates: readonly Candidate[], rows: number): string {
  const key = JSON.stringify([PROOF_VERSION, pgliteVersion(), rows, toSchemaSql(model).split("\n").slice(1).join("\n"), candidates.map((c) => c.query).sort()]);
  return join(cacheDirectory(), "index-proofs", `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
}

function readCachedProofs(path: string): CachedProofs | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as CachedProofs;
  } catch {
    return undefined;
  }
}

/** Written aside and renamed, so a concurrent run never reads half a file; a cache that cannot be written only costs time. */
function writeCachedProofs(path: string, proofs: CachedProofs): void {
  try {
    mkdirSync(join(path, ".."), { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(proofs));
    renameSync(partial, path);
  } catch {
    // no cache this time
  }
}

// ---- which queries, and their shape -----------------------------------------------------------

function candidateOf(access: DataAccess, entities: readonly Entity[]): Candidate | undefined {
  if (access.operation === "insert" || access.operation === "upsert") return undefined;
  const fromSql = access.rawSql && !access.rawSql.includes("${") ? shapeOfSql(access.rawSql, entities, access.entity) : undefined;
  if (fromSql) return proposeIndex(fromSql.shape).length ? { access, query: fromSql.query, shape: fromSql.shape } : undefined;
  if (access.rawSql) return undefined;
  const shape = shapeOfAccess(access, entities);
  return shape && proposeIndex(shape).length ? { access, query: selectFor(access, shape), shape } : undefined;
}

/** From an ORM call: its entity's filter columns are taken as equalities. */
function shapeOfAccess(access: DataAccess, entities: readonly Entity[]): QueryShape | undefined {
  const entity = entities.find((e) => e.name === access.entity);
  if (!entity || entity.source === "mongoose") return undefined;
  const known = (columns: string[]) => columns.filter((c) => entity.columns.some((col) => col.name === c));
  return { table: entity.name, tables: [entity.name], equality: known(access.filterColumns), range: [], sort: known(access.sortColumns) };
}

/** The SELECT an ORM call issues, as far as the model knows it. */
function selectFor(access: DataAccess, shape: QueryShape): string {
  const where = shape.equality.map((c, i) => `${sqlIdentifier(c)} = $${i + 1}`).join(" AND ");
  const order = shape.sort.map(sqlIdentifier).join(", ");
  const limit = typeof access.limit === "number" ? ` LIMIT ${access.limit}` : access.limit === "param" ? " LIMIT 100" : "";
  return `SELECT * FROM ${sqlIdentifier(shape.table)}${where ? ` WHERE ${where}` : ""}${order ? ` ORDER BY ${order}` : ""}${limit}`;
}

const RANGE_OPERATORS = new Set(["<", ">", "<=", ">="]);

/** The shape of one SELECT / UPDATE / DELETE statement on a model table; undefined for anything else. */
export function shapeOfSql(sql: string, entities: readonly Entity[], preferred?: string): { query: string; shape: QueryShape } | undefined {
  const query = sql.trim().replace(/;\s*$/, "");
  const parsed = parseSqlFile(query);
  if (parsed.errors.length || parsed.statements.length !== 1) return undefined;
  const node = parsed.statements[0].node;
  const statement = node.SelectStmt ?? node.UpdateStmt ?? node.DeleteStmt;
  if (!statement) return undefined;
  const aliases = tablesOf(statement, entities);
  if (!aliases.size) return undefined;
  const tables = [...new Set(aliases.values())].sort();
  const table = preferred && tables.includes(preferred) ? preferred : aliases.values().next().value!;
  const entity = entities.find((e) => e.name === table)!;
  const columnOf = (ref: PgNode): string | undefined => {
    const parts: string[] = (ref?.ColumnRef?.fields ?? []).map((f: PgNode) => f.String?.sval).filter(Boolean);
    if (!parts.length) return undefined;
    const name = parts[parts.length - 1];
    if (parts.length > 1 && aliases.get(parts[parts.length - 2]) !== table) return undefined;
    return entity.columns.some((c) => c.name === name) ? name : undefined;
  };
  const shape: QueryShape = { table, tables, equality: [], range: [], sort: [] };
  for (const condition of conjuncts(statement.whereClause)) classify(condition, columnOf, shape);
  for (const item of statement.sortClause ?? []) {
    const column = columnOf(item.SortBy?.node);
    if (column) shape.sort.push(column);
  }
  return { query, shape };
}

/** alias (or name) → model table, in FROM order, through joins. */
function tablesOf(statement: PgNode, entities: readonly Entity[]): Map<string, string> {
  const known = new Set(entities.filter((e) => e.source !== "mongoose").map((e) => e.name));
  const aliases = new Map<string, string>();
  const visit = (item: PgNode) => {
    if (item?.RangeVar) {
      const name = item.RangeVar.relname;
      if (known.has(name)) aliases.set(item.RangeVar.alias?.aliasname ?? name, name);
    } else if (item?.JoinExpr) {
      visit(item.JoinExpr.larg);
      visit(item.JoinExpr.rarg);
    }
  };
  if (statement.relation) visit({ RangeVar: statement.relation });
  for (const item of statement.fromClause ?? []) visit(item);
  return aliases;
}

function conjuncts(node: PgNode): PgNode[] {
  if (!node) return [];
  if (node.BoolExpr?.boolop === "AND_EXPR") return node.BoolExpr.args.flatMap(conjuncts);
  return [node];
}

/** col = value and col IN (…) are equalities; <, >, BETWEEN are ranges; anything else is ignored. */
function classify(condition: PgNode, columnOf: (ref: PgNode) => string | undefined, shape: QueryShape): void {
  const e = condition.A_Expr;
  if (!e) return;
  const op = (e.name ?? []).map((n: PgNode) => n.String?.sval).join("");
  // A comparison between two columns is a join condition, not a filter.
  if (e.lexpr?.ColumnRef && e.rexpr?.ColumnRef) return;
  const column = e.lexpr?.ColumnRef ? columnOf(e.lexpr) : columnOf(e.rexpr);
  if (!column) return;
  if ((e.kind === "AEXPR_OP" && op === "=") || (e.kind === "AEXPR_IN" && op === "=")) shape.equality.push(column);
  else if ((e.kind === "AEXPR_OP" && RANGE_OPERATORS.has(op)) || e.kind === "AEXPR_BETWEEN") shape.range.push(column);
}

// ---- EXPLAIN ------------------------------------------------------------------------------------

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Total Cost": number;
  Plans?: PlanNode[];
}

interface PlanSummary {
  top: { node: string; cost: number };
  usesIndex: boolean;
}

/**
 * EXPLAIN (FORMAT JSON) with $n parameters planned generically: the statement is prepared and
 * executed with NULLs under plan_cache_mode = force_generic_plan, which works on every supported
 * PostgreSQL (EXPLAIN's GENERIC_PLAN option needs 16+).
 */
async function explain(db: ProofDatabase, query: string, table: string): Promise<PlanSummary> {
  const parameters = Math.max(0, ...[...query.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const plan = parameters
    ? `SET plan_cache_mode = force_generic_plan; PREPARE bka_proof AS ${query}; ` +
      `EXPLAIN (FORMAT JSON) EXECUTE bka_proof(${Array(parameters).fill("NULL").join(", ")})`
    : `EXPLAIN (FORMAT JSON) ${query}`;
  try {
    const rows = await db.run(plan);
    const value = Object.values(rows[0] ?? {})[0];
    const top = ((typeof value === "string" ? JSON.parse(value) : value) as { Plan: PlanNode }[])[0].Plan;
    const scan = scanOf(top, table) ?? top;
    return { top: { node: nodeLabel(scan), cost: top["Total Cost"] }, usesIndex: /Index|Bitmap/.test(scan["Node Type"]) };
  } finally {
    // After a failed PREPARE there is nothing to deallocate; the PREPARE's error is the one to keep.
    if (parameters) await db.run("DEALLOCATE bka_proof").catch(() => undefined);
    if (parameters) await db.run("RESET plan_cache_mode").catch(() => undefined);
  }
}

/** The node that reads `table` (the first found, depth first). */
function scanOf(node: PlanNode, table: string): PlanNode | undefined {
  if (node["Relation Name"] === table) return node;
  for (const child of node.Plans ?? []) {
    const found = scanOf(child, table);
    if (found) return found;
  }
  return undefined;
}

function nodeLabel(node: PlanNode): string {
  if (node["Index Name"] && node["Relation Name"]) return `${node["Node Type"]} using ${node["Index Name"]} on ${node["Relation Name"]}`;
  return node["Relation Name"] ? `${node["Node Type"]} on ${node["Relation Name"]}` : node["Node Type"];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
