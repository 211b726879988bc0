// Drizzle `pgTable("users", { id: serial("id").primaryKey(), ... }, (t) => [index("x").on(t.id)])`
// → entities, read from the recorded calls. Column builders map to PostgreSQL types as
// drizzle-kit would create them; `.references(() => users.id, { onDelete })` gives foreign keys.
import type { Column, SourceLocation } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import { lit, litString, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { canonicalDefault, canonicalType, sqlString } from "./column-types.ts";
import { callSym, entriesOf, hasStep, litBoolean, litNumber, outermostCalls, prop, returnOf, step, unchain, type Chain } from "./js-values.ts";
import { canonicalOnDelete, SchemaBuilder } from "./schema-builder.ts";

const PACKAGE = "drizzle-orm";
const TABLE_FUNCTIONS = new Set(["pgTable", "pgTableCreator"]);

/** Column builder → type, given its options object. */
const COLUMN_TYPES: Record<string, (options: Sym | undefined, args: Sym[]) => string> = {
  serial: () => "serial", bigserial: () => "bigserial", smallserial: () => "smallserial",
  integer: () => "integer", bigint: () => "bigint", smallint: () => "smallint",
  real: () => "real", doublePrecision: () => "double precision",
  numeric: (o) => numericType(o), decimal: (o) => numericType(o),
  text: () => "text", varchar: (o) => withLength("varchar", o), char: (o) => withLength("char", o),
  boolean: () => "boolean", uuid: () => "uuid", json: () => "json", jsonb: () => "jsonb",
  date: () => "date", time: (o) => canonicalType(litBoolean(prop(o, "withTimezone")) ? "timetz" : "time", precision(o)),
  timestamp: (o) => canonicalType(litBoolean(prop(o, "withTimezone")) ? "timestamptz" : "timestamp", precision(o)),
  interval: () => "interval", inet: () => "inet", cidr: () => "cidr", macaddr: () => "macaddr",
  customType: () => "custom",
};

interface TableDecl {
  call: CallFact;
  name: string;
  /** JS key → column name, for `users.id` and `t.userId`. */
  keys: Map<string, string>;
  /** The columns object's entries (key → column builder chain). */
  entries: [string, Sym][];
}

/** Reads every pgTable() in the project. Foreign keys are resolved once all tables are known. */
export function readDrizzleTables(index: ProjectIndex, builder: SchemaBuilder): void {
  const tables: TableDecl[] = [];
  for (const facts of index.files.values()) {
    const tableCalls = facts.calls.filter((c) => isTableCall(c));
    tableCalls.forEach((call, i) => {
      const next = tableCalls[i + 1]?.order ?? Number.POSITIVE_INFINITY;
      const inRange = facts.calls.filter((c) => c.order > call.order && c.order < next && c.fn === call.fn);
      const table = readTable(call, inRange, builder);
      if (table) tables.push(table);
    });
  }
  const byKey = new Map(tables.map((t) => [`${t.call.loc.file}:${t.call.loc.line}:${t.call.loc.column}`, t]));
  for (const table of tables) addReferences(table, byKey, index, builder);
}

function isTableCall(call: CallFact): boolean {
  return call.callee.k === "ext" && call.callee.pkg === PACKAGE && TABLE_FUNCTIONS.has(call.callee.path[call.callee.path.length - 1] ?? "");
}

function readTable(call: CallFact, inRange: CallFact[], builder: SchemaBuilder): TableDecl | undefined {
  const name = litString(call.args[0]);
  if (!name) return undefined;
  builder.createTable(name, call.loc, "drizzle");
  const keys = new Map<string, string>();
  const entries = columnEntries(call.args[1], inRange);
  for (const [key, value] of entries) {
    const chain = unchain(value);
    if (!chain || !COLUMN_TYPES[chain.steps[0].name]) continue;
    const column = columnOf(key, chain, value, call.loc);
    keys.set(key, column.name);
    builder.addColumn(name, column, call.loc, "drizzle");
    const at = column.location ?? call.loc;
    if (hasStep(chain, "primaryKey")) builder.setPrimaryKey(name, [column.name], at, "drizzle");
    if (hasStep(chain, "unique")) builder.addUnique(name, [column.name], at, "drizzle");
  }
  return { call, name, keys, entries };
}

/**
 * The columns object's entries. A big object is cut short in the recorded facts (each value is
 * kept to a node budget); its cut entries are then read from the column calls themselves.
 */
function columnEntries(columns: Sym | undefined, inRange: CallFact[]): [string, Sym][] {
  const entries = entriesOf(columns);
  const cut = entries.filter(([, v]) => isCut(v));
  if (!cut.length) return entries;
  const seen = new Set(entries.filter(([, v]) => !isCut(v)).map(([, v]) => (v.k === "call" ? `${v.loc.line}:${v.loc.column}` : "")));
  const chains = outermostCalls(inRange.filter((c) => unchain(callSym(c))?.root.k === "ext")).filter((c) => !seen.has(`${c.loc.line}:${c.loc.column}`));
  const recovered = new Map(cut.map(([key], i) => [key, chains[i] ? callSym(chains[i]) : undefined]));
  return entries.flatMap(([key, v]): [string, Sym][] => {
    const value = isCut(v) ? recovered.get(key) : v;
    return value ? [[key, value]] : [];
  });
}

/** Whether the node budget cut this value short somewhere (`prune` leaves "…" in its place). */
function isCut(sym: Sym, depth = 0): boolean {
  if (sym.k === "unknown") return sym.text === "…" || depth === 0;
  if (depth > 12) return false;
  if (sym.k === "call" || sym.k === "new") return isCut(sym.callee, depth + 1) || sym.args.some((a) => isCut(a, depth + 1));
  if (sym.k === "member") return isCut(sym.obj, depth + 1);
  if (sym.k === "obj") return Object.values(sym.props).some((v) => isCut(v, depth + 1));
  if (sym.k === "arr") return sym.items.some((v) => isCut(v, depth + 1));
  return false;
}

function columnOf(key: string, chain: Chain, value: Sym, tableLoc: SourceLocation): Column {
  const [builderStep] = chain.steps;
  const options = builderStep.args.find((a) => a.k === "obj");
  const name = litString(builderStep.args[0]) ?? key;
  let type = COLUMN_TYPES[builderStep.name](options, builderStep.args);
  if (hasStep(chain, "array")) type += "[]";
  const defaultValue = defaultOf(chain);
  const location = value.k === "call" ? value.loc : tableLoc;
  return { name, type, nullable: !hasStep(chain, "notNull", "primaryKey"), ...(defaultValue !== undefined ? { default: defaultValue } : {}), location };
}

function defaultOf(chain: Chain): string | undefined {
  if (hasStep(chain, "defaultNow")) return "now()";
  if (hasStep(chain, "defaultRandom")) return "gen_random_uuid()";
  const value = step(chain, "default")?.args[0];
  if (!value) return undefined;
  if (value.k === "call" && value.callee.k === "ext" && value.callee.path[value.callee.path.length - 1] === "sql") {
    const text = value.args[0]?.k === "concat" ? value.args[0].parts.map((p) => litString(p) ?? "").join("") : litString(value.args[0]);
    return text ? canonicalDefault(text) : undefined;
  }
  const literal = lit(value);
  if (typeof literal === "string") return sqlString(literal);
  if (literal === undefined) return undefined;
  return canonicalDefault(String(literal));
}

/** Foreign keys (`.references(() => users.id)`) and the extra-config `(t) => [index(...).on(t.a)]`, once every table is known. */
function addReferences(table: TableDecl, tables: Map<string, TableDecl>, index: ProjectIndex, builder: SchemaBuilder): void {
  for (const [key, value] of table.entries) {
    const chain = unchain(value);
    const references = chain && step(chain, "references");
    if (!references) continue;
    const target = referencedColumn(returnOf(references.args[0], index), tables, index);
    if (!target) continue;
    const onDelete = canonicalOnDelete(litString(prop(references.args[1], "onDelete")));
    const column = table.keys.get(key) ?? key;
    const location = value.k === "call" ? value.loc : table.call.loc;
    builder.addForeignKey(table.name, { columns: [column], references: { entity: target.table, columns: [target.column] }, ...(onDelete ? { onDelete } : {}), location }, location, "drizzle");
  }
  const config = table.call.args[2];
  const returned = returnOf(config, index);
  const items = returned?.k === "arr" ? returned.items : returned?.k === "obj" ? entriesOf(returned).map(([, v]) => v) : [];
  for (const item of items) addConstraint(table, item, tables, index, builder);
}

function addConstraint(table: TableDecl, item: Sym, tables: Map<string, TableDecl>, index: ProjectIndex, builder: SchemaBuilder): void {
  const chain = unchain(item);
  if (!chain) return;
  const [first] = chain.steps;
  const name = litString(first.args[0]);
  const on = step(chain, "on") ?? step(chain, "columns");
  const columns = (on?.args ?? []).map((a) => ownColumn(a, table)).filter((c): c is string => c !== undefined);
  const location = item.k === "call" ? item.loc : table.call.loc;
  switch (first.name) {
    case "index":
    case "uniqueIndex":
      if (columns.length) builder.addIndex(table.name, { ...(name ? { name } : {}), columns, unique: first.name === "uniqueIndex", location }, location, "drizzle");
      return;
    case "unique":
      if (columns.length) builder.addUnique(table.name, columns, location, "drizzle", name);
      return;
    case "primaryKey": {
      const keys = (prop(first.args[0], "columns")?.k === "arr" ? (prop(first.args[0], "columns") as { items: Sym[] }).items : first.args).map((a) => ownColumn(a, table)).filter((c): c is string => c !== undefined);
      if (keys.length) builder.setPrimaryKey(table.name, keys, location, "drizzle");
      return;
    }
    case "foreignKey": {
      const options = first.args[0];
      const own = listOf(prop(options, "columns")).map((a) => ownColumn(a, table)).filter((c): c is string => c !== undefined);
      const foreign = listOf(prop(options, "foreignColumns")).map((a) => referencedColumn(index.resolve(a), tables, index)).filter((c) => c !== undefined);
      const onDelete = canonicalOnDelete(litString(step(chain, "onDelete")?.args[0]));
      if (own.length && foreign.length) {
        builder.addForeignKey(table.name, { columns: own, references: { entity: foreign[0]!.table, columns: foreign.map((f) => f!.column) }, ...(onDelete ? { onDelete } : {}), location }, location, "drizzle");
      }
      return;
    }
    case "check":
      builder.addCheck(table.name, "(expression)", location, "drizzle", name);
      return;
  }
}

function listOf(sym: Sym | undefined): Sym[] {
  return sym?.k === "arr" ? sym.items : sym ? [sym] : [];
}

/** `t.userId` (the extra-config parameter) → the column name. */
function ownColumn(sym: Sym, table: TableDecl): string | undefined {
  if (sym.k === "member" && sym.obj.k === "param") return table.keys.get(sym.prop) ?? sym.prop;
  if (sym.k === "param" && sym.path.length === 1) return table.keys.get(sym.path[0]) ?? sym.path[0];
  return undefined;
}

/** `users.id` → ("users", "id"), through the pgTable call that `users` stands for. */
function referencedColumn(sym: Sym | undefined, tables: Map<string, TableDecl>, index: ProjectIndex): { table: string; column: string } | undefined {
  if (sym?.k !== "member") return undefined;
  const owner = index.resolve(sym.obj);
  if (owner.k !== "call") return undefined;
  const table = tables.get(`${owner.loc.file}:${owner.loc.line}:${owner.loc.column}`);
  if (table) return { table: table.name, column: table.keys.get(sym.prop) ?? sym.prop };
  const name = litString(owner.args[0]);
  return name ? { table: name, column: sym.prop } : undefined;
}

function numericType(options: Sym | undefined): string {
  const p = litNumber(prop(options, "precision"));
  const s = litNumber(prop(options, "scale"));
  return canonicalType("numeric", p === undefined ? [] : s === undefined ? [p] : [p, s]);
}

function withLength(base: string, options: Sym | undefined): string {
  const length = litNumber(prop(options, "length"));
  return canonicalType(base, length === undefined ? [] : [length]);
}

function precision(options: Sym | undefined): number[] {
  const p = litNumber(prop(options, "precision"));
  return p === undefined ? [] : [p];
}

