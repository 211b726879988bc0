// What the database rules (src/rules/database/) share: which entities are relational tables, which column lists an
// index can serve, how a migration action is found with its statement, how a lock measured on
// PGlite becomes evidence, and the references (PostgreSQL's documentation, Squawk's rules).
import type { ArchitectureModel, Column, Entity, LockMeasurement, Migration, MigrationAction, MigrationStatement, SourceLocation } from "../model/types.ts";
import type { Evidence, MeasureEvidence, Reference } from "../model/finding.ts";

/** Relational sources; MongoDB collections have no SQL types, constraints or locks. */
export function tables(model: ArchitectureModel): Entity[] {
  return model.entities.filter((e) => e.source !== "mongoose");
}

export function columnOf(entity: Entity, name: string): Column | undefined {
  return entity.columns.find((c) => c.name === name);
}

/** Where a column is declared, or its table when the source does not say. */
export function columnLocation(entity: Entity, name: string): SourceLocation {
  return columnOf(entity, name)?.location ?? entity.location;
}

export interface IndexLike {
  kind: "primary key" | "unique constraint" | "index" | "unique index";
  name?: string;
  columns: string[];
  where?: string;
  location: SourceLocation;
}

/** Everything that builds a b-tree over columns: the primary key, unique constraints and indexes. */
export function indexLikes(entity: Entity): IndexLike[] {
  const list: IndexLike[] = [];
  if (entity.primaryKey.length) list.push({ kind: "primary key", columns: entity.primaryKey, location: entity.location });
  for (const unique of entity.uniques) list.push({ kind: "unique constraint", columns: unique, location: columnLocation(entity, unique[0]) });
  for (const index of entity.indexes) {
    list.push({
      kind: index.unique ? "unique index" : "index",
      ...(index.name ? { name: index.name } : {}),
      columns: index.columns,
      ...(index.where ? { where: index.where } : {}),
      location: index.location ?? entity.location,
    });
  }
  return list;
}

/** Whether some index's leading columns are exactly `columns` (in any order): it serves lookups by them. */
export function isCoveredBy(columns: readonly string[], index: IndexLike): boolean {
  if (index.where || index.columns.length < columns.length) return false;
  const leading = new Set(index.columns.slice(0, columns.length));
  return columns.every((c) => leading.has(c));
}

export function describeIndex(index: IndexLike, table: string): string {
  const name = index.name ? ` ${index.name}` : "";
  return `${index.kind}${name} on ${table} (${index.columns.join(", ")})`;
}

// ---- migrations ---------------------------------------------------------------------------------

export interface ActionSite {
  migration: Migration;
  statement: MigrationStatement;
  action: MigrationAction;
}

/** Every action of every migration statement, in apply order. */
export function actionSites(model: ArchitectureModel): ActionSite[] {
  return (model.migrations ?? []).flatMap((migration) =>
    migration.statements.flatMap((statement) => statement.actions.map((action) => ({ migration, statement, action }))),
  );
}

/** The measured lock on `table`, when the statement was measured. */
export function measuredLock(statement: MigrationStatement, table: string | undefined): string | undefined {
  return statement.measured?.locks.find((l) => l.table === table)?.mode;
}

/** A usable measurement (taken, and the statement ran). */
export function measurement(statement: MigrationStatement): LockMeasurement | undefined {
  return statement.measured && !statement.measured.error ? statement.measured : undefined;
}

const LOCK_LEVELS = [
  "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
  "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock",
];

/** What each lock mode stops other sessions from doing, in plain words. */
export const LOCK_BLOCKS: Record<string, string> = {
  AccessShareLock: "only DROP and rewrites",
  RowShareLock: "only exclusive table locks",
  RowExclusiveLock: "only index builds and table-wide locks",
  ShareUpdateExclusiveLock: "other schema changes and VACUUM, not reads or writes",
  ShareLock: "every INSERT, UPDATE and DELETE (reads continue)",
  ShareRowExclusiveLock: "every INSERT, UPDATE and DELETE (reads continue)",
  ExclusiveLock: "everything but plain reads",
  AccessExclusiveLock: "every read and write",
};

export function lockLevel(mode: string): number {
  return LOCK_LEVELS.indexOf(mode) + 1;
}

/** Measure evidence for each lock and rewrite PGlite recorded. */
export function lockEvidence(measured: LockMeasurement): MeasureEvidence[] {
  const evidence: MeasureEvidence[] = measured.locks.map((l) => ({
    kind: "measure",
    what: `lock taken on ${l.table}: ${l.mode}, which blocks ${LOCK_BLOCKS[l.mode] ?? "other sessions"} (measured on ${measured.engine}, pg_locks inside BEGIN … ROLLBACK)`,
    value: lockLevel(l.mode),
    unit: "lock level (1 = AccessShareLock … 8 = AccessExclusiveLock)",
  }));
  for (const table of measured.locks.map((l) => l.table)) {
    const rewritten = measured.rewritten.includes(table);
    evidence.push({
      kind: "measure",
      what: `${table} ${rewritten ? "rewritten: its storage file was replaced" : "not rewritten: same storage file"} (pg_relation_filenode before and after, ${measured.engine})`,
      value: rewritten ? 1 : 0,
      unit: "table rewrites",
    });
  }
  return evidence;
}

/** "ShareLock (measured)" or "ShareLock (expected; not measured: …)". */
export function lockPhrase(statement: MigrationStatement, table: string | undefined, expected: string): string {
  const measured = measuredLock(statement, table);
  if (measured && measurement(statement)) return `takes ${measured} on ${table} (measured on ${statement.measured!.engine})`;
  const why = statement.measured?.error ? `the statement failed on the embedded PostgreSQL: ${statement.measured.error}` : "run without --no-verify to measure it";
  return `is expected to take ${expected} on ${table} (not measured: ${why})`;
}

/** Evidence for a migration statement: its line, plus what was measured. */
export function statementEvidence(code: Evidence, statement: MigrationStatement): Evidence[] {
  const measured = measurement(statement);
  return measured ? [code, ...lockEvidence(measured)] : [code];
}

/** The `SET lock_timeout` advice, shared by every migration fix. */
export const LOCK_TIMEOUT_LINE = "SET lock_timeout = '5s';";

// ---- references ---------------------------------------------------------------------------------

export const pg = {
  doc(page: string, title: string, anchor = ""): Reference {
    return { title: `PostgreSQL documentation: ${title}`, url: `https://www.postgresql.org/docs/current/${page}.html${anchor ? `#${anchor}` : ""}` };
  },
  locks: (): Reference => pg.doc("explicit-locking", "Explicit Locking (table-level lock modes)", "LOCKING-TABLES"),
  alterTable: (): Reference => pg.doc("sql-altertable", "ALTER TABLE", "SQL-ALTERTABLE-NOTES"),
  wiki(section: string, title: string): Reference {
    return { title: `PostgreSQL wiki, Don't Do This: ${title}`, url: `https://wiki.postgresql.org/wiki/Don%27t_Do_This#${section}` };
  },
};

/** A Squawk rule covering the same ground (its migration linter), for users who know it. */
export function squawk(rule: string): Reference {
  return { title: `Squawk rule ${rule}`, url: `https://squawkhq.com/docs/${rule}` };
}
