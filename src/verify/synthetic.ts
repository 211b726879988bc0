// Synthetic rows for the tables a query touches, so the planner sees a table of realistic size:
// injected statistics do not fake size, only real rows do. Each table is filled by one
// `INSERT … SELECT … FROM generate_series(1, n) AS s(g)`; every value is a pure function of the
// row number g, so a child's foreign key can name its parent's key by computing it from the
// parent's row number. Parents are filled before children. The data is uniform: costs measured on
// it are the planner's estimates for that shape, not production figures.
import type { Column, Entity } from "../model/types.ts";
import { sqlIdentifier } from "../emit/sql.ts";
import { baseType, typeModifiers } from "../ingest/data/column-types.ts";

/** What a proof runs SQL through: PGlite or a real PostgreSQL connection. */
export interface SqlRunner {
  /** Runs one or more statements; returns the rows of the last one. */
  run(sql: string): Promise<Record<string, unknown>[]>;
}

export const DEFAULT_ROWS = 200_000;

/** Ancestors that the query does not read get a tenth of the rows: enough for realistic fan-out (10 children each). */
const ANCESTOR_SHARE = 10;

/** Distinct values of a column that is neither a key nor a foreign key. */
const PLAIN_DISTINCT = 1_000;

/** Multipliers that scatter a column's values across rows, different per column so columns do not correlate. */
const SCATTER = [7_919, 104_729, 15_485_863, 32_452_843, 49_979_687, 67_867_967, 86_028_121, 104_395_301];

export interface FillPlan {
  table: string;
  rows: number;
}

/**
 * The tables to fill, parents first: the queried tables with `rows` rows each and every table
 * their foreign keys lead to (transitively) with a tenth of that.
 */
export function fillPlan(entities: readonly Entity[], queried: readonly string[], rows: number): FillPlan[] {
  const byName = new Map(entities.map((e) => [e.name, e]));
  const counts = new Map<string, number>();
  const order: string[] = [];
  const visit = (name: string, count: number, path: Set<string>) => {
    const entity = byName.get(name);
    if (!entity || path.has(name)) return;
    counts.set(name, Math.max(counts.get(name) ?? 0, count));
    const inner = new Set(path).add(name);
    for (const fk of entity.foreignKeys) {
      if (fk.references.entity !== name) visit(fk.references.entity, Math.max(1, Math.ceil(rows / ANCESTOR_SHARE)), inner);
    }
    if (!order.includes(name)) order.push(name);
  };
  for (const name of queried) visit(name, rows, new Set());
  return order.map((table) => ({ table, rows: counts.get(table)! }));
}

/** Fills the planned tables and ANALYZEs them. Throws with the table's name when an INSERT fails twice. */
export async function fillTables(db: SqlRunner, entities: readonly Entity[], plan: readonly FillPlan[]): Promise<void> {
  const byName = new Map(entities.map((e) => [e.name, e]));
  const sizes = new Map(plan.map((p) => [p.table, p.rows]));
  // The rows satisfy the foreign keys by construction; checking them row by row would double the fill time.
  const unchecked = await db.run("SET session_replication_role = replica").then(() => true, () => false);
  for (const { table, rows } of plan) {
    const entity = byName.get(table)!;
    const insert = insertStatement(entity, rows, byName, sizes);
    try {
      await db.run(insert);
    } catch {
      // A CHECK the generator could not satisfy: it does not change plans, so drop it and retry.
      await dropChecks(db, table);
      try {
        await db.run(insert);
      } catch (error) {
        throw new Error(`synthetic rows for ${table} could not be inserted: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (unchecked) await db.run("RESET session_replication_role");
  if (plan.length) await db.run(`ANALYZE ${plan.map((p) => sqlIdentifier(p.table)).join(", ")}`);
}

/** The one INSERT … SELECT that fills `entity` with `rows` rows. */
export function insertStatement(entity: Entity, wanted: number, entities: ReadonlyMap<string, Entity>, sizes: ReadonlyMap<string, number>): string {
  const values = new Map<string, string>();
  const keyReferences = referencesFormingAKey(entity);
  // Foreign keys that together form a key (a join table) count through their parents' rows like
  // digits of a number, so no pair repeats; there are then at most the product of the parents' rows.
  let combinations = 1;
  // Foreign keys first: a column that is both key and reference must hold a parent's value.
  // A self-reference is checked at the end of the statement, so it may name a later row.
  for (const fk of entity.foreignKeys) {
    const parent = entities.get(fk.references.entity);
    if (!parent) continue;
    const parentRows = fk.references.entity === entity.name ? wanted : sizes.get(parent.name) ?? 1;
    const row = keyReferences.includes(fk)
      ? `(1 + ((g - 1) / ${combinations}) % ${parentRows})`
      : `(1 + (g * ${SCATTER[values.size % SCATTER.length]}) % ${parentRows})`;
    if (keyReferences.includes(fk)) combinations *= parentRows;
    fk.columns.forEach((column, i) => {
      const referenced = parent.columns.find((c) => c.name === fk.references.columns[i]);
      const value = referenced && valueOf(parent, referenced, row);
      if (value && !values.has(column)) values.set(column, value);
    });
  }
  const rows = keyReferences.length ? Math.min(wanted, combinations) : wanted;
  // A column of a type the generator does not know keeps its default (or NULL).
  const filled = entity.columns.filter((c) => !isGenerated(c))
    .map((c) => ({ column: c.name, value: values.get(c.name) ?? valueOf(entity, c, "g") }))
    .filter((f): f is { column: string; value: string } => f.value !== undefined);
  return `INSERT INTO ${sqlIdentifier(entity.name)} (${filled.map((f) => sqlIdentifier(f.column)).join(", ")})\n` +
    `SELECT ${filled.map((f) => f.value).join(", ")} FROM generate_series(1::bigint, ${rows}::bigint) AS s(g)`;
}

/**
 * A column's value for row `row` (an SQL expression in g). Key columns (primary key or unique)
 * are unique in the row number; foreign keys in this table compute the parent's value the same
 * way, which is why the function is pure in the row number.
 */
function valueOf(entity: Entity, column: Column, row: string): string | undefined {
  const unique = isKey(entity, column.name);
  const allowed = allowedValues(entity, column.name);
  if (allowed && !unique) return `(ARRAY[${allowed.join(", ")}])[1 + (${row} % ${allowed.length})]`;
  const scattered = unique ? row : `(1 + (${row} * ${SCATTER[entity.columns.indexOf(column) % SCATTER.length]}) % ${PLAIN_DISTINCT})`;
  return valueForType(column, scattered, unique);
}

/** A value of the column's type from a positive bigint expression `n`. */
function valueForType(column: Column, n: string, unique: boolean): string | undefined {
  const type = column.type.toLowerCase();
  if (type.endsWith("[]")) return "'{}'";
  const base = baseType(type);
  const mods = typeModifiers(type);
  switch (base) {
    case "smallint": case "int2": case "smallserial":
      return `(${n} % 32767)::smallint`;
    case "integer": case "int": case "int4": case "serial": case "serial4":
      return `(${n})::integer`;
    case "bigint": case "int8": case "bigserial": case "serial8":
      return `(${n})::bigint`;
    case "numeric": case "decimal": {
      const [precision = 12, scale = 2] = mods;
      const limit = 10 ** Math.min(precision, 9);
      return `round(((${n}) % ${limit})::numeric / ${10 ** scale}, ${scale})`;
    }
    case "real": case "float4": case "double precision": case "float8": case "float": case "money":
      return `((${n}) % 100000)::numeric / 100`;
    case "boolean": case "bool":
      return `((${n}) % 2 = 0)`;
    case "uuid":
      return `md5('${column.name}' || (${n}))::uuid`;
    case "timestamptz": case "timestamp with time zone": case "timestamp": case "timestamp without time zone": case "date":
      return `(timestamptz '2024-01-01 00:00:00+00' + (${n}) * interval '${unique ? 1 : 31_536} seconds')::${type}`;
    case "time": case "timetz":
      return `(time '00:00' + ((${n}) % 86400) * interval '1 second')::${type}`;
    case "json": case "jsonb":
      return `'{}'::${base}`;
    case "bytea":
      return `decode(md5((${n})::text), 'hex')`;
    case "text": case "varchar": case "character varying": case "char": case "character": case "citext": case "bpchar": {
      const width = mods[0];
      const text = `'${column.name.slice(0, 1)}' || (${n})`;
      return width ? `left(${text}, ${width})` : text;
    }
    default:
      return column.nullable || column.default !== undefined ? undefined : `((${n})::text)::${column.type}`;
  }
}

function isKey(entity: Entity, column: string): boolean {
  if (entity.primaryKey.length === 1 && entity.primaryKey[0] === column) return true;
  const sets = [...entity.uniques, ...entity.indexes.filter((i) => i.unique && !i.where).map((i) => i.columns)];
  if (entity.primaryKey.length > 1) sets.push(entity.primaryKey);
  // A composite key is made unique by its first column that is not a foreign key.
  return sets.some((set) => set.length === 1 ? set[0] === column : firstFreeColumn(entity, set) === column);
}

/** The foreign keys whose columns make up a whole primary key or unique set (a join table's key). */
function referencesFormingAKey(entity: Entity): Entity["foreignKeys"] {
  const sets = [entity.primaryKey, ...entity.uniques].filter((set) => set.length > 1 && !firstFreeColumn(entity, set));
  const set = sets[0];
  return set ? entity.foreignKeys.filter((fk) => fk.columns.every((c) => set.includes(c))) : [];
}

function firstFreeColumn(entity: Entity, columns: readonly string[]): string | undefined {
  return columns.find((c) => !entity.foreignKeys.some((fk) => fk.columns.includes(c)));
}

/** Values a CHECK (col IN ('a', 'b')) or (col = ANY (ARRAY['a', 'b'])) allows, best effort. */
function allowedValues(entity: Entity, column: string): string[] | undefined {
  const name = column.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const check of entity.checks) {
    const match = new RegExp(`"?\\b${name}\\b"?(?:::\\w+)?\\s+(?:IN\\s*\\(|=\\s*ANY\\s*\\(\\s*ARRAY\\s*\\[)([^)\\]]+)`, "i").exec(check);
    if (match) {
      const values = match[1].split(",").map((v) => v.trim().replace(/::[\w ]+$/, "")).filter(Boolean);
      if (values.length) return values;
    }
  }
  return undefined;
}

function isGenerated(column: Column): boolean {
  return /^generated\b/i.test(column.default ?? "");
}

async function dropChecks(db: SqlRunner, table: string): Promise<void> {
  const constraints = await db.run(
    `SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid = to_regclass('${sqlIdentifier(table).replace(/'/g, "''")}')`,
  );
  for (const row of constraints) await db.run(`ALTER TABLE ${sqlIdentifier(table)} DROP CONSTRAINT ${sqlIdentifier(String(row.conname))}`);
}
