// Sequelize models → entities: `sequelize.define("User", attributes, options)` and
// `User.init(attributes, { sequelize, tableName })`, with Sequelize's defaults on PostgreSQL
// (pluralised table names, an `id` serial when no key is declared, createdAt/updatedAt as
// timestamptz, `underscored` column names) and `belongsTo` foreign keys.
import type { SourceLocation } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import { lit, litString, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { canonicalDefault, canonicalType, sqlString, storageType } from "./column-types.ts";
import { entriesOf, litBoolean, litNumber, pluralize, prop, snakeCase, stringList, tailName } from "./js-values.ts";
import { canonicalOnDelete, SchemaBuilder } from "./schema-builder.ts";

/** DataTypes name → PostgreSQL type, given the type's call arguments. */
const DATA_TYPES: Record<string, (args: Sym[]) => string> = {
  STRING: (a) => canonicalType("varchar", [litNumber(a[0]) ?? 255]), CHAR: (a) => canonicalType("char", [litNumber(a[0]) ?? 255]),
  TEXT: () => "text", CITEXT: () => "citext",
  INTEGER: () => "integer", BIGINT: () => "bigint", SMALLINT: () => "smallint", TINYINT: () => "smallint", MEDIUMINT: () => "integer",
  FLOAT: () => "double precision", REAL: () => "real", DOUBLE: () => "double precision",
  DECIMAL: (a) => canonicalType("numeric", [litNumber(a[0]), litNumber(a[1])].filter((n): n is number => n !== undefined)),
  BOOLEAN: () => "boolean", DATE: () => "timestamptz", DATEONLY: () => "date", TIME: () => "time",
  UUID: () => "uuid", JSON: () => "json", JSONB: () => "jsonb", BLOB: () => "bytea", INET: () => "inet",
};

interface ModelDecl {
  /** How the model is referred to elsewhere: the define() call's location or the class id. */
  key: string;
  name: string;
  table: string;
  attributes: Sym;
  options: Sym | undefined;
  location: SourceLocation;
  underscored: boolean;
}

export function readSequelizeModels(index: ProjectIndex, builder: SchemaBuilder): void {
  const models = new Map<string, ModelDecl>();
  for (const call of index.callsNamed("define", "init")) {
    const model = modelOf(call, index);
    if (model) models.set(model.key, model);
  }
  for (const model of models.values()) addModel(model, builder);
  for (const call of index.callsNamed("belongsTo")) addBelongsTo(call, models, index, builder);
}

function modelOf(call: CallFact, index: ProjectIndex): ModelDecl | undefined {
  if (call.callee.k !== "member" || !["define", "init"].includes(call.callee.prop)) return undefined;
  const define = call.callee.prop === "define";
  const [first, second, third] = call.args;
  const attributes = define ? second : first;
  const options = define ? third : second;
  if (attributes?.k !== "obj" || !hasDataTypes(attributes)) return undefined;
  const receiver = index.resolve(call.callee.obj);
  const name = define ? litString(first) : receiver.k === "class" ? index.classes.get(receiver.id)?.name : undefined;
  if (!name) return undefined;
  const underscored = litBoolean(prop(options, "underscored")) === true;
  const freeze = litBoolean(prop(options, "freezeTableName")) === true;
  const modelName = litString(prop(options, "modelName")) ?? name;
  const derived = freeze ? modelName : pluralize(modelName);
  const table = litString(prop(options, "tableName")) ?? (underscored ? snakeCase(derived) : derived);
  const key = define ? locKey(call.loc) : receiver.k === "class" ? receiver.id : locKey(call.loc);
  return { key, name: modelName, table, attributes, options, location: call.loc, underscored };
}

/** Whether an attributes object uses Sequelize data types (so `define`/`init` is Sequelize's). */
function hasDataTypes(attributes: Sym): boolean {
  return entriesOf(attributes).some(([, v]) => dataTypeName(v) !== undefined || dataTypeName(prop(v, "type")) !== undefined);
}

function dataTypeName(sym: Sym | undefined): string | undefined {
  const target = sym?.k === "call" ? sym.callee : sym;
  const name = tailName(target);
  return name && (DATA_TYPES[name] || name === "ENUM" || name === "ARRAY") ? name : undefined;
}

function addModel(model: ModelDecl, builder: SchemaBuilder): void {
  const { table, location } = model;
  builder.createTable(table, location, "sequelize");
  const primaryKey: string[] = [];
  for (const [key, value] of entriesOf(model.attributes)) {
    const options = value.k === "obj" ? value : undefined;
    const typeSym = options ? prop(options, "type") : value;
    const column = columnName(key, options, model.underscored);
    const autoIncrement = litBoolean(prop(options, "autoIncrement")) === true;
    const primary = litBoolean(prop(options, "primaryKey")) === true;
    let type = typeOf(typeSym, table, column);
    if (autoIncrement) type = type === "bigint" ? "bigserial" : "serial";
    const defaultValue = defaultOf(prop(options, "defaultValue"));
    const nullable = !primary && litBoolean(prop(options, "allowNull")) !== false;
    builder.addColumn(table, { name: column, type, nullable, ...(defaultValue !== undefined ? { default: defaultValue } : {}), location }, location, "sequelize");
    if (primary) primaryKey.push(column);
    const unique = prop(options, "unique");
    if (unique && (litBoolean(unique) === true || litString(unique))) builder.addUnique(table, [column], location, "sequelize", litString(unique));
    const references = prop(options, "references");
    if (references) addReference(table, column, references, prop(options, "onDelete"), location, builder);
  }
  if (!primaryKey.length) {
    builder.addColumn(table, { name: "id", type: "serial", nullable: false, location }, location, "sequelize");
    primaryKey.push("id");
  }
  builder.setPrimaryKey(table, primaryKey, location, "sequelize");
  addAutomaticColumns(model, builder);
  for (const item of model.options && prop(model.options, "indexes")?.k === "arr" ? (prop(model.options, "indexes") as { items: Sym[] }).items : []) {
    const columns = stringList(prop(item, "fields")).map((f) => columnName(f, undefined, model.underscored));
    const name = litString(prop(item, "name"));
    if (columns.length) builder.addIndex(table, { ...(name ? { name } : {}), columns, unique: litBoolean(prop(item, "unique")) === true, location }, location, "sequelize");
  }
}

function addAutomaticColumns(model: ModelDecl, builder: SchemaBuilder): void {
  const { table, location, options, underscored } = model;
  const name = (camel: string) => columnName(camel, undefined, underscored);
  if (litBoolean(prop(options, "timestamps")) !== false) {
    for (const key of ["createdAt", "updatedAt"]) {
      const configured = prop(options, key);
      if (litBoolean(configured) === false) continue;
      const column = litString(configured) ?? name(key);
      if (!builder.column(table, column)) builder.addColumn(table, { name: column, type: "timestamptz", nullable: false, location }, location, "sequelize");
    }
    if (litBoolean(prop(options, "paranoid")) === true) builder.addColumn(table, { name: name("deletedAt"), type: "timestamptz", nullable: true, location }, location, "sequelize");
  }
}

function columnName(key: string, options: Sym | undefined, underscored: boolean): string {
  return litString(prop(options, "field")) ?? (underscored ? snakeCase(key) : key);
}

function typeOf(sym: Sym | undefined, table: string, column: string): string {
  const name = dataTypeName(sym);
  const args = sym?.k === "call" ? sym.args : [];
  if (name === "ENUM") return `enum_${table}_${column}`;
  if (name === "ARRAY") return `${typeOf(args[0], table, column)}[]`;
  return name ? DATA_TYPES[name](args) : "unknown";
}

function defaultOf(value: Sym | undefined): string | undefined {
  if (!value) return undefined;
  const name = tailName(value);
  if (name === "NOW") return "now()";
  if (value.k === "call" && tailName(value.callee) === "fn") return canonicalDefault(`${litString(value.args[0]) ?? "fn"}()`);
  if (name === "UUIDV4" || name === "UUIDV1") return undefined; // generated by Sequelize, not the database
  const literal = lit(value);
  if (typeof literal === "string") return sqlString(literal);
  return literal === undefined ? undefined : canonicalDefault(String(literal));
}

function addReference(table: string, column: string, references: Sym, onDeleteSym: Sym | undefined, location: SourceLocation, builder: SchemaBuilder): void {
  const target = litString(prop(references, "model")) ?? litString(references);
  if (!target) return;
  const key = litString(prop(references, "key")) ?? "id";
  const onDelete = canonicalOnDelete(litString(onDeleteSym));
  builder.addForeignKey(table, { columns: [column], references: { entity: target, columns: [key] }, ...(onDelete ? { onDelete } : {}), location }, location, "sequelize");
}

/** `Order.belongsTo(User, { foreignKey: "user_id", onDelete: "CASCADE" })`. */
function addBelongsTo(call: CallFact, models: Map<string, ModelDecl>, index: ProjectIndex, builder: SchemaBuilder): void {
  if (call.callee.k !== "member" || call.callee.prop !== "belongsTo") return;
  const source = modelFor(call.callee.obj, models, index);
  const target = call.args[0] ? modelFor(call.args[0], models, index) : undefined;
  if (!source || !target) return;
  const options = call.args[1];
  const foreignKey = prop(options, "foreignKey");
  const column = litString(foreignKey) ?? litString(prop(foreignKey, "name")) ?? columnName(`${target.name[0].toLowerCase()}${target.name.slice(1)}Id`, undefined, source.underscored);
  if (!builder.column(source.table, column)) {
    const targetType = builder.column(target.table, "id")?.type ?? "integer";
    builder.addColumn(source.table, { name: column, type: storageType(targetType), nullable: litBoolean(prop(foreignKey, "allowNull")) !== false, location: call.loc }, call.loc, "sequelize");
  }
  const onDelete = canonicalOnDelete(litString(prop(options, "onDelete")) ?? "SET NULL");
  builder.addForeignKey(source.table, { columns: [column], references: { entity: target.table, columns: ["id"] }, ...(onDelete ? { onDelete } : {}), location: call.loc }, call.loc, "sequelize");
}

function modelFor(sym: Sym, models: Map<string, ModelDecl>, index: ProjectIndex): ModelDecl | undefined {
  const value = index.resolve(sym);
  if (value.k === "class") return models.get(value.id);
  if (value.k === "call") return models.get(locKey(value.loc));
  return undefined;
}

function locKey(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

