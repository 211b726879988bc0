// One spelling per PostgreSQL type and default, whatever wrote it: `int4`, `INTEGER` and Prisma's
// `Int` are all "integer"; `CURRENT_TIMESTAMP` and Prisma's `now()` are both "now()". The same
// schema declared in SQL, Prisma, TypeORM, Drizzle or Knex then gives the same model.

/** Internal and alias names → the canonical name. */
const ALIASES: Record<string, string> = {
  int: "integer", int4: "integer", integer: "integer",
  int8: "bigint", bigint: "bigint",
  int2: "smallint", smallint: "smallint",
  serial: "serial", serial4: "serial",
  bigserial: "bigserial", serial8: "bigserial",
  smallserial: "smallserial", serial2: "smallserial",
  float8: "double precision", "double precision": "double precision", double: "double precision", float: "double precision",
  float4: "real", real: "real",
  decimal: "numeric", numeric: "numeric",
  varchar: "varchar", "character varying": "varchar",
  bpchar: "char", char: "char", character: "char",
  bool: "boolean", boolean: "boolean",
  timestamptz: "timestamptz", "timestamp with time zone": "timestamptz",
  timestamp: "timestamp", "timestamp without time zone": "timestamp",
  timetz: "timetz", "time with time zone": "timetz",
  time: "time", "time without time zone": "time",
};

/** Types whose modifier PostgreSQL defaults to 6 (fractional seconds): `timestamptz(6)` is `timestamptz`. */
const SECONDS_PRECISION = new Set(["timestamp", "timestamptz", "time", "timetz"]);

/**
 * The canonical type for a name and its modifiers: ("varchar", [255]) → "varchar(255)",
 * ("int4", []) → "integer", ("timestamptz", [6]) → "timestamptz", ("text", [], 1) → "text[]".
 */
export function canonicalType(name: string, modifiers: readonly number[] = [], arrayDimensions = 0): string {
  const lower = name.trim().toLowerCase().replace(/\s+/g, " ").replace(/^pg_catalog\./, "").replace(/^"|"$/g, "");
  const base = ALIASES[lower] ?? lower;
  let mods = [...modifiers];
  if (SECONDS_PRECISION.has(base) && mods[0] === 6) mods = [];
  if (base === "float" && mods.length) return withArray(mods[0] <= 24 ? "real" : "double precision", arrayDimensions);
  const text = mods.length ? `${base}(${mods.join(",")})` : base;
  return withArray(text, arrayDimensions);
}

function withArray(type: string, dimensions: number): string {
  return type + "[]".repeat(dimensions);
}

/** The canonical type of a type written as text: "VARCHAR(255)", "numeric(10, 2)", "timestamp with time zone", "text[]". */
export function canonicalTypeText(text: string): string {
  const trimmed = text.trim();
  const arrays = (trimmed.match(/\[\s*\d*\s*\]/g) ?? []).length;
  const withoutArrays = trimmed.replace(/\[\s*\d*\s*\]/g, "").trim();
  // "timestamp(3) with time zone": the modifier sits inside the name.
  const match = /^([A-Za-z_][\w ."]*?)\s*(?:\(([^)]*)\))?\s*(with(?:out)? time zone)?$/i.exec(withoutArrays);
  if (!match) return withoutArrays.toLowerCase();
  const name = [match[1], match[3]].filter(Boolean).join(" ");
  const mods = (match[2] ?? "").split(",").map((m) => m.trim()).filter(Boolean).map(Number);
  if (mods.some((m) => !Number.isFinite(m))) return withoutArrays.toLowerCase();
  return canonicalType(name, mods, arrays);
}

/** Serial types are integers with a sequence default: the integer type they stand for. */
export function storageType(type: string): string {
  if (type === "serial") return "integer";
  if (type === "bigserial") return "bigint";
  if (type === "smallserial") return "smallint";
  return type;
}

/** The bare type name without modifiers or array brackets: "numeric(10,2)" → "numeric". */
export function baseType(type: string): string {
  return type.replace(/\[\]/g, "").replace(/\(.*\)$/, "").trim();
}

/** The numeric modifiers of a type: "numeric(10,2)" → [10, 2], "text" → []. */
export function typeModifiers(type: string): number[] {
  const match = /\(([^)]*)\)/.exec(type);
  return match ? match[1].split(",").map((m) => Number(m.trim())).filter(Number.isFinite) : [];
}

const NOW_SPELLINGS = new Set(["now()", "current_timestamp", "current_timestamp()", "localtimestamp", "transaction_timestamp()", "statement_timestamp()"]);

/** Canonical default text: "CURRENT_TIMESTAMP" → "now()", "'a'::text" → "'a'", "TRUE" → "true". */
export function canonicalDefault(text: string): string {
  let value = text.trim();
  // A cast of a literal to its column type says nothing more than the literal.
  const cast = /^('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null)::[\w ."]+(?:\([\d, ]*\))?(?:\[\])*$/i.exec(value);
  if (cast) value = cast[1];
  const lower = value.toLowerCase();
  if (NOW_SPELLINGS.has(lower)) return "now()";
  if (lower === "true" || lower === "false" || lower === "null") return lower;
  if (/^-?\d+(\.\d+)?$/.test(value)) return String(Number(value));
  if (/^[a-z_][\w.]*\(.*\)$/i.test(value)) return value.replace(/^[a-z_][\w.]*/i, (fn) => fn.toLowerCase());
  return value;
}

/** A string literal as SQL: `pending` → `'pending'`. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Functions whose value differs per row: a column added with one of them as default is filled row by row. */
export const VOLATILE_FUNCTIONS = new Set([
  "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
  "clock_timestamp", "timeofday", "nextval", "gen_random_bytes", "setseed",
]);

/** Whether a default expression calls a volatile function (PostgreSQL 11+ rewrites the table only for those). */
export function isVolatileDefault(text: string): boolean {
  for (const match of text.matchAll(/([a-z_][\w]*)\s*\(/gi)) {
    if (VOLATILE_FUNCTIONS.has(match[1].toLowerCase())) return true;
  }
  return false;
}
