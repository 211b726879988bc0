// Knex migrations (`knex.schema.createTable("users", (t) => { t.increments(); t.string("email")... })`)
// → entities. Files are applied in name order, as Knex does; only `up` runs. Types follow
// Knex's PostgreSQL dialect (string → varchar(255), timestamp → timestamptz, increments → serial).
import type { Column, SourceLocation } from "../../model/types.ts";
import type { CallFact, FileFacts } from "../js/facts.ts";
import { lit, litString, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { canonicalDefault, canonicalType, canonicalTypeText, sqlString } from "./column-types.ts";
import { bySourceOrder, callSym, hasStep, litBoolean, litNumber, migrationFunctions, outermostCalls, prop, step, stringList, unchain, type Chain } from "./js-values.ts";
import { naturalCompare } from "./migrations.ts";
import { canonicalOnDelete, SchemaBuilder } from "./schema-builder.ts";

const CREATE = new Set(["createTable", "createTableIfNotExists"]);
const ALTER = new Set(["table", "alterTable"]);

/** Column methods → the PostgreSQL type they create, from their arguments after the name. */
const COLUMN_TYPES: Record<string, (args: Sym[]) => string> = {
  increments: () => "serial", bigIncrements: () => "bigserial",
  integer: () => "integer", bigInteger: () => "bigint", bigint: () => "bigint", smallint: () => "smallint", tinyint: () => "smallint", mediumint: () => "integer",
  string: (a) => canonicalType("varchar", [litNumber(a[0]) ?? 255]), text: () => "text",
  float: () => "real", double: () => "double precision",
  decimal: (a) => (a[0]?.k === "lit" && a[0].value === null ? "numeric" : canonicalType("numeric", [litNumber(a[0]) ?? 8, litNumber(a[1]) ?? 2])),
  boolean: () => "boolean", date: () => "date", time: () => "time",
  datetime: (a) => timestampType(a[0]), timestamp: (a) => timestampType(a[0]),
  uuid: () => "uuid", json: () => "json", jsonb: () => "jsonb", binary: () => "bytea",
  enu: (a) => enumType(a), enum: (a) => enumType(a),
  specificType: (a) => canonicalTypeText(litString(a[0]) ?? "unknown"),
};

const PRIMARY_BY_DEFAULT = new Set(["increments", "bigIncrements"]);

/** Reads migrations in file-name order. */
export function readKnexMigrations(index: ProjectIndex, builder: SchemaBuilder): void {
  const files = [...index.files.values()].sort((a, b) => naturalCompare(a.path, b.path));
  for (const file of files) readFile(file, index, builder);
}

function readFile(file: FileFacts, index: ProjectIndex, builder: SchemaBuilder): void {
  const { down } = migrationFunctions(file, index);
  const schemaCalls = file.calls.filter((c) => c.fn !== down && schemaMethod(c) !== undefined).sort(bySourceOrder);
  for (const call of schemaCalls) {
    const method = schemaMethod(call)!;
    const table = litString(call.args[0]);
    if (!table) continue;
    if (method === "dropTable" || method === "dropTableIfExists") builder.dropTable(table);
    else if (method === "renameTable") {
      const to = litString(call.args[1]);
      if (to) builder.renameTable(table, to);
    } else {
      const callback = call.args[1];
      if (callback?.k !== "fn") continue;
      if (CREATE.has(method)) builder.createTable(table, call.loc, "knex");
      const statements = outermostCalls(file.calls.filter((c) => c.fn === callback.id && isOnParam(c, callback.id)));
      for (const statement of statements) applyStatement(table, statement, builder, ALTER.has(method));
    }
  }
}

/** `knex.schema.createTable` / `.schema.withSchema("x").table` → "createTable" / "table". */
function schemaMethod(call: CallFact): string | undefined {
  const callee = call.callee;
  if (callee.k !== "member") return undefined;
  const known = CREATE.has(callee.prop) || ALTER.has(callee.prop) || ["dropTable", "dropTableIfExists", "renameTable"].includes(callee.prop);
  if (!known) return undefined;
  let obj = callee.obj;
  if (obj.k === "call" && obj.callee.k === "member" && obj.callee.prop === "withSchema") obj = obj.callee.obj;
  return obj.k === "member" && obj.prop === "schema" ? callee.prop : undefined;
}

function isOnParam(call: CallFact, fnId: string): boolean {
  const chain = unchain(callSym(call));
  return chain?.root.k === "param" && chain.root.fn === fnId && chain.root.index === 0;
}

function applyStatement(table: string, call: CallFact, builder: SchemaBuilder, altering: boolean): void {
  const chain = unchain(callSym(call))!;
  const [first] = chain.steps;
  const at = call.loc;
  if (COLUMN_TYPES[first.name]) return addColumn(table, chain, at, builder, altering);
  const columns = stringList(first.args[0]);
  switch (first.name) {
    case "timestamps":
      return addTimestamps(table, first.args, at, builder);
    case "primary":
      return builder.setPrimaryKey(table, columns, at, "knex", litString(first.args[1]));
    case "unique":
      return builder.addUnique(table, columns, at, "knex", litString(first.args[1]) ?? litString(prop(first.args[1], "indexName")));
    case "index": {
      const name = litString(first.args[1]) ?? litString(prop(first.args[1], "indexName"));
      return builder.addIndex(table, { ...(name ? { name } : {}), columns, unique: false, location: at }, at, "knex");
    }
    case "foreign":
      return addForeign(table, columns, chain, at, builder);
    case "dropColumn":
    case "dropColumns":
      for (const arg of first.args) for (const column of stringList(arg)) builder.dropColumn(table, column);
      return;
    case "renameColumn": {
      const [from, to] = [litString(first.args[0]), litString(first.args[1])];
      if (from && to) builder.renameColumn(table, from, to);
      return;
    }
    case "dropTimestamps":
      builder.dropColumn(table, "created_at");
      builder.dropColumn(table, "updated_at");
      return;
    case "setNullable":
    case "dropNullable":
      for (const column of columns) builder.updateColumn(table, column, { nullable: first.name === "setNullable" });
      return;
    case "dropIndex": {
      const name = litString(first.args[1]);
      if (name) builder.dropIndex(name);
      return;
    }
  }
}

function addColumn(table: string, chain: Chain, at: SourceLocation, builder: SchemaBuilder, altering: boolean): void {
  const [first] = chain.steps;
  const name = litString(first.args[0]) ?? (PRIMARY_BY_DEFAULT.has(first.name) ? "id" : undefined);
  if (!name) return;
  const type = COLUMN_TYPES[first.name](first.args.slice(1));
  const primary = hasStep(chain, "primary") || (PRIMARY_BY_DEFAULT.has(first.name) && litBoolean(prop(first.args[1], "primaryKey")) !== false);
  const defaultValue = defaultOf(step(chain, "defaultTo")?.args[0]);
  const column: Column = { name, type, nullable: !hasStep(chain, "notNullable") && !primary, ...(defaultValue !== undefined ? { default: defaultValue } : {}), location: at };
  // `.alter()` restates the whole column, as Knex does.
  if (altering && hasStep(chain, "alter") && builder.column(table, name)) builder.updateColumn(table, name, { ...column, default: defaultValue });
  else builder.addColumn(table, column, at, "knex");
  if (primary) builder.setPrimaryKey(table, [name], at, "knex");
  if (hasStep(chain, "unique")) builder.addUnique(table, [name], at, "knex", litString(step(chain, "unique")?.args[0]));
  if (hasStep(chain, "index")) {
    const indexName = litString(step(chain, "index")?.args[0]);
    builder.addIndex(table, { ...(indexName ? { name: indexName } : {}), columns: [name], unique: false, location: at }, at, "knex");
  }
  if (hasStep(chain, "references")) addForeign(table, [name], chain, at, builder);
  if (first.name === "enu" || first.name === "enum") addEnumCheck(table, name, first.args, at, builder);
}

/** `references("id").inTable("users")` or `references("users.id")`, with `.onDelete(...)`. */
function addForeign(table: string, columns: string[], chain: Chain, at: SourceLocation, builder: SchemaBuilder): void {
  const target = litString(step(chain, "references")?.args[0]);
  if (!target || !columns.length) return;
  const inTable = litString(step(chain, "inTable")?.args[0]);
  const [entity, column] = inTable ? [inTable, target] : target.includes(".") ? target.split(".", 2) : [target, "id"];
  const onDelete = canonicalOnDelete(litString(step(chain, "onDelete")?.args[0]));
  builder.addForeignKey(table, { columns, references: { entity, columns: [column] }, ...(onDelete ? { onDelete } : {}), location: at }, at, "knex");
}

/** `t.timestamps(useTimestamps, defaultToNow, useCamelCase)`. */
function addTimestamps(table: string, args: Sym[], at: SourceLocation, builder: SchemaBuilder): void {
  const defaultToNow = litBoolean(args[1]) === true;
  const camel = litBoolean(args[2]) === true;
  for (const name of camel ? ["createdAt", "updatedAt"] : ["created_at", "updated_at"]) {
    builder.addColumn(table, { name, type: "timestamptz", nullable: !defaultToNow, ...(defaultToNow ? { default: "now()" } : {}), location: at }, at, "knex");
  }
}

function addEnumCheck(table: string, column: string, args: Sym[], at: SourceLocation, builder: SchemaBuilder): void {
  if (litBoolean(prop(args[2], "useNative"))) return;
  const values = stringList(args[1]).map(sqlString);
  if (values.length) builder.addCheck(table, `${column} IN (${values.join(", ")})`, at, "knex");
}

function timestampType(options: Sym | undefined): string {
  // Knex on PostgreSQL: useTz defaults to true; a boolean second argument is the old `withoutTz`.
  const withoutTz = litBoolean(options) === true || litBoolean(prop(options, "useTz")) === false;
  const precision = litNumber(prop(options, "precision"));
  return canonicalType(withoutTz ? "timestamp" : "timestamptz", precision === undefined ? [] : [precision]);
}

function enumType(args: Sym[]): string {
  const options = args[1];
  return litBoolean(prop(options, "useNative")) ? litString(prop(options, "enumName")) ?? "text" : "text";
}

/** `defaultTo("x")`, `defaultTo(0)`, `defaultTo(knex.fn.now())`, `defaultTo(knex.raw("gen_random_uuid()"))`. */
function defaultOf(value: Sym | undefined): string | undefined {
  if (!value) return undefined;
  if (value.k === "call" && value.callee.k === "member") {
    if (value.callee.prop === "now") return "now()";
    if (value.callee.prop === "raw") {
      const text = litString(value.args[0]);
      return text ? canonicalDefault(text) : undefined;
    }
    if (value.callee.prop === "uuid") return "gen_random_uuid()";
    return undefined;
  }
  const literal = lit(value);
  if (typeof literal === "string") return sqlString(literal);
  return literal === undefined ? undefined : canonicalDefault(String(literal));
}
