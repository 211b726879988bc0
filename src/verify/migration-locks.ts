// Measures, on an embedded PostgreSQL, what each risky migration statement really does to a table
// that already exists: the lock it takes and whether it rewrites the table. The earlier
// migrations are applied first; the statement then runs inside BEGIN … ROLLBACK while pg_locks
// is read and each table's storage file (pg_relation_filenode) is compared before and after.
// Nothing is guessed from the SQL text: varchar → text, for instance, does not rewrite.
import type { ArchitectureModel, LockMeasurement, Migration, MigrationAction, MigrationStatement } from "../model/types.ts";
import { historyRoot } from "../ingest/data/migrations.ts";
import { extensionsIn, startEngine, type Engine } from "./pglite.ts";

/** Changes to an existing table whose lock or rewrite a rule reports. */
const PROBED: ReadonlySet<MigrationAction["kind"]> = new Set([
  "create-index", "add-column", "alter-column-type", "set-not-null", "add-constraint", "validate-constraint",
  "drop-column", "rename-column", "rename-table", "data-change", "set-default", "drop-not-null",
]);

/** PostgreSQL's table lock modes, weakest first. */
export const LOCK_MODES = [
  "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
  "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock",
] as const;

export interface LockProbeStats {
  /** Statements measured. */
  probed: number;
  /** Engine start, ms (0 when no engine was needed). */
  startMs: number;
  /** Each probe's duration, ms, in order. */
  probeMs: number[];
  /** Why nothing could be measured, when the engine failed. */
  error?: string;
  /** The engine this call started, when `keepEngine` asked for it: the caller closes it. */
  engine?: Engine;
}

export interface MeasureOptions {
  /** An engine to reuse (tests share one per file); it is reset, not closed. */
  engine?: Engine;
  /** Leave the engine this call started open and return it in the stats, for the index proofs to reuse. */
  keepEngine?: boolean;
}

/** Whether a statement changes a table that existed before its migration file. */
export function needsProbe(statement: MigrationStatement): boolean {
  return statement.actions.some((a) => a.existingTable && PROBED.has(a.kind) && !(a.kind === "create-index" && a.concurrently));
}

/**
 * Fills `measured` on every statement worth measuring. Starts an engine only when there is one;
 * a failure to start is recorded as a warning and leaves the statements unmeasured.
 */
export async function measureMigrationLocks(model: ArchitectureModel, options: MeasureOptions = {}): Promise<LockProbeStats> {
  const migrations = model.migrations ?? [];
  const stats: LockProbeStats = { probed: 0, startMs: 0, probeMs: [] };
  if (!migrations.some((m) => m.statements.some(needsProbe))) return stats;
  let engine = options.engine;
  try {
    engine ??= await startEngine({ extensions: extensionsIn(migrations.flatMap((m) => m.statements.map((s) => s.sql))) });
    stats.startMs = options.engine ? 0 : engine.startMs;
    for (const history of histories(migrations)) await measureHistory(engine, history, stats);
  } catch (error) {
    stats.error = error instanceof Error ? error.message : String(error);
    model.coverage.warnings.push(`migration locks were not measured: the embedded PostgreSQL failed (${stats.error})`);
  } finally {
    if (engine && !options.engine) {
      if (options.keepEngine && !stats.error) stats.engine = engine;
      else await engine.close();
    }
  }
  return stats;
}

/** Consecutive files of one history (the model lists them in apply order). */
function histories(migrations: readonly Migration[]): Migration[][] {
  const groups = new Map<string, Migration[]>();
  for (const m of migrations) {
    const root = historyRoot(m.file);
    groups.set(root, [...(groups.get(root) ?? []), m]);
  }
  return [...groups.values()];
}

async function measureHistory(engine: Engine, history: Migration[], stats: LockProbeStats): Promise<void> {
  await resetDatabase(engine);
  for (const migration of history) {
    for (const statement of migration.statements) {
      if (statement.actions.some((a) => a.kind === "transaction")) continue;
      if (needsProbe(statement)) {
        const started = performance.now();
        statement.measured = await probe(engine, statement.sql);
        stats.probeMs.push(Math.round(performance.now() - started));
        stats.probed += 1;
      }
      // Applied for real, so later statements see the schema they were written for.
      await engine.db.exec(statement.sql).catch(() => undefined);
    }
  }
}

async function resetDatabase(engine: Engine): Promise<void> {
  await engine.db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
}

const FILENODES = `SELECT c.relname AS name, pg_relation_filenode(c.oid)::text AS filenode
  FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')`;
const LOCKS = `SELECT c.relname AS name, l.mode AS mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
  WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')`;

/** Runs one statement in a transaction that is always rolled back. */
export async function probe(engine: Engine, sql: string): Promise<LockMeasurement> {
  const { db } = engine;
  await db.exec("BEGIN");
  try {
    const before = await filenodes(engine);
    await db.exec(sql);
    const locks = (await db.query<{ name: string; mode: string }>(LOCKS)).rows;
    const after = await filenodes(engine);
    const rewritten = [...before.keys()].filter((name) => after.has(name) && after.get(name) !== before.get(name)).sort();
    return { engine: engine.label, locks: strongestPerTable(locks), rewritten };
  } catch (error) {
    return { engine: engine.label, locks: [], rewritten: [], error: error instanceof Error ? error.message : String(error) };
  } finally {
    await db.exec("ROLLBACK");
  }
}

async function filenodes(engine: Engine): Promise<Map<string, string>> {
  const rows = (await engine.db.query<{ name: string; filenode: string }>(FILENODES)).rows;
  return new Map(rows.map((r) => [r.name, r.filenode]));
}

function strongestPerTable(rows: { name: string; mode: string }[]): LockMeasurement["locks"] {
  const strongest = new Map<string, string>();
  for (const { name, mode } of rows) {
    const seen = strongest.get(name);
    if (!seen || lockRank(mode) > lockRank(seen)) strongest.set(name, mode);
  }
  return [...strongest].map(([table, mode]) => ({ table, mode })).sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

/** Position of a lock mode in PostgreSQL's conflict order (higher blocks more). */
export function lockRank(mode: string): number {
  return LOCK_MODES.indexOf(mode as (typeof LOCK_MODES)[number]);
}
