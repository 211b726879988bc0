// The Database section of the reports, as plain rows both report.md and report.html render: the
// tables bka read, the queries linked to them, each index proof (plan before/after on synthetic
// rows) and each measured migration statement (lock mode, rewrite).
import type { ArchitectureModel, Entity, IndexProof, MigrationStatement } from "../model/types.ts";
import { compareText, fileLine, formatRatio } from "./common.ts";
import { sortedEntities } from "./views.ts";

export interface TableRow {
  name: string;
  source: Entity["source"];
  columns: number;
  primaryKey: string;
  foreignKeys: number;
  indexes: number;
  queries: number;
  definedAt: string;
}

export interface ProofRow {
  /** Where the query is in the code ("src/orders.ts:12"), or its data access id. */
  query: string;
  sql: string;
  table: string;
  index: string;
  rows: number;
  before: string;
  after: string;
  /** "211×" when the index was tried, "" otherwise. */
  ratio: string;
  verdict: "pays" | "does not pay" | "not tried";
  engine: string;
  note?: string;
}

export interface LockRow {
  statement: string; // "db/migrations/003_orders.sql:4"
  sql: string;
  locks: string; // "orders: ShareLock"
  rewritten: string; // "orders" or ""
  engine: string;
  error?: string;
}

export interface DatabaseView {
  tables: TableRow[];
  queriesLinked: number;
  queriesTotal: number;
  proofs: ProofRow[];
  locks: LockRow[];
}

/** Undefined when the project has no schema, no migrations and no queries: the section is left out. */
export function databaseView(model: ArchitectureModel): DatabaseView | undefined {
  const migrations = model.migrations ?? [];
  if (!model.entities.length && !migrations.length && !model.dataAccesses.length) return undefined;
  return {
    tables: sortedEntities(model).map((entity) => tableRow(model, entity)),
    queriesLinked: model.dataAccesses.filter((d) => d.entity).length,
    queriesTotal: model.dataAccesses.length,
    proofs: (model.indexProofs ?? []).map((proof) => proofRow(model, proof)).sort((a, b) => compareText(a.query, b.query) || compareText(a.index, b.index)),
    locks: migrations.flatMap((m) => m.statements).filter((s) => s.measured).map(lockRow),
  };
}

function tableRow(model: ArchitectureModel, entity: Entity): TableRow {
  return {
    name: entity.name,
    source: entity.source,
    columns: entity.columns.length,
    primaryKey: entity.primaryKey.join(", "),
    foreignKeys: entity.foreignKeys.length,
    indexes: entity.indexes.length,
    queries: model.dataAccesses.filter((d) => d.entity === entity.name).length,
    definedAt: fileLine(entity.location),
  };
}

function proofRow(model: ArchitectureModel, proof: IndexProof): ProofRow {
  const access = model.dataAccesses.find((d) => d.id === proof.dataAccessId);
  const tried = proof.after !== undefined;
  return {
    query: access ? fileLine(access.location) : proof.dataAccessId,
    sql: proof.query,
    table: proof.table,
    index: proof.indexSql,
    rows: proof.rows,
    before: `${proof.before.node} ${formatCost(proof.before.cost)}`,
    after: proof.after ? `${proof.after.node} ${formatCost(proof.after.cost)}` : "",
    ratio: proof.after && proof.after.cost > 0 ? `${formatRatio(proof.before.cost / proof.after.cost)}×` : "",
    verdict: !tried ? "not tried" : proof.pays ? "pays" : "does not pay",
    engine: proof.engine,
    ...(proof.note ? { note: proof.note } : {}),
  };
}

function lockRow(statement: MigrationStatement): LockRow {
  const measured = statement.measured!;
  return {
    statement: fileLine(statement.location),
    sql: statement.sql,
    locks: measured.locks.map((l) => `${l.table}: ${l.mode}`).join("; "),
    rewritten: measured.rewritten.join(", "),
    engine: measured.engine,
    ...(measured.error ? { error: measured.error } : {}),
  };
}

/** Costs as EXPLAIN prints them: up to one decimal, no trailing zero. */
export function formatCost(value: number): string {
  return value >= 100 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}
