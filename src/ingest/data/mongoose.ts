// Mongoose schemas → collections: `new Schema({ email: { type: String, required: true, unique: true } },
// { timestamps: true })`, `schema.index({ a: 1, b: -1 }, { unique: true })` and
// `mongoose.model("User", schema)`, whose collection is the lower-cased plural ("users").
import type { SourceLocation } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import { lit, litString, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { sqlString } from "./column-types.ts";
import { entriesOf, litBoolean, pluralize, prop, tailName } from "./js-values.ts";
import { SchemaBuilder } from "./schema-builder.ts";

const PACKAGE = "mongoose";

/** Schema type → the type name kept in the model. */
const TYPES: Record<string, string> = {
  String: "string", Number: "number", Date: "date", Boolean: "boolean", Buffer: "binary", ObjectId: "objectId",
  Decimal128: "decimal128", Mixed: "mixed", Map: "map", BigInt: "long", UUID: "uuid", Double: "double", Int32: "int",
};

interface SchemaDecl {
  key: string;
  fields: Sym;
  options: Sym | undefined;
  location: SourceLocation;
}

export function readMongooseModels(index: ProjectIndex, builder: SchemaBuilder): void {
  const indexCalls: CallFact[] = [];
  for (const call of index.callsNamed("index")) {
    if (call.callee.k === "member" && call.callee.prop === "index") indexCalls.push(call);
  }
  for (const call of index.callsNamed("model")) {
    const model = modelCall(call, index);
    if (!model) continue;
    const schema = schemaOf(model.schema, index);
    if (!schema) continue;
    addCollection(model.collection, schema, builder);
    for (const indexCall of indexCalls) addIndexCall(model.collection, schema, indexCall, index, builder);
  }
}

/** `mongoose.model("User", userSchema)`, `model("User", schema, "people")`, `connection.model(...)`. */
function modelCall(call: CallFact, index: ProjectIndex): { collection: string; schema: Sym } | undefined {
  const name = call.callee.k === "ext" ? call.callee.path[call.callee.path.length - 1] : call.callee.k === "member" ? call.callee.prop : undefined;
  if (name !== "model" || !call.args[1]) return undefined;
  const callee = index.resolve(call.callee);
  if (callee.k === "ext" && callee.pkg !== PACKAGE) return undefined;
  const modelName = litString(call.args[0]);
  if (!modelName) return undefined;
  return { collection: litString(call.args[2]) ?? pluralize(modelName.toLowerCase()), schema: call.args[1] };
}

function schemaOf(sym: Sym, index: ProjectIndex): SchemaDecl | undefined {
  const value = index.resolve(sym);
  if (value.k !== "new" || tailName(value.callee) !== "Schema") return undefined;
  const [fields, options] = value.args;
  if (fields?.k !== "obj") return undefined;
  return { key: `${value.loc.file}:${value.loc.line}:${value.loc.column}`, fields, options, location: value.loc };
}

function addCollection(collection: string, schema: SchemaDecl, builder: SchemaBuilder): void {
  const { location } = schema;
  const explicitCollection = litString(prop(schema.options, "collection"));
  const name = explicitCollection ?? collection;
  builder.createTable(name, location, "mongoose");
  if (litBoolean(prop(schema.options, "_id")) !== false) {
    builder.addColumn(name, { name: "_id", type: "objectId", nullable: false, location }, location, "mongoose");
    builder.setPrimaryKey(name, ["_id"], location, "mongoose");
  }
  for (const [field, definition] of entriesOf(schema.fields)) {
    const options = isOptions(definition) ? definition : undefined;
    const typeSym = options ? prop(options, "type") : definition;
    const required = litBoolean(prop(options, "required")) === true || prop(options, "required")?.k === "arr";
    const defaultValue = defaultOf(prop(options, "default"));
    builder.addColumn(name, { name: field, type: typeOf(typeSym), nullable: !required, ...(defaultValue ? { default: defaultValue } : {}), location }, location, "mongoose");
    if (litBoolean(prop(options, "unique")) === true) builder.addUnique(name, [field], location, "mongoose");
    if (litBoolean(prop(options, "index")) === true) builder.addIndex(name, { columns: [field], unique: false, location }, location, "mongoose");
    const ref = litString(prop(options, "ref"));
    if (ref) builder.addForeignKey(name, { columns: [field], references: { entity: pluralize(ref.toLowerCase()), columns: ["_id"] }, location }, location, "mongoose");
  }
  const timestamps = prop(schema.options, "timestamps");
  if (litBoolean(timestamps) === true || timestamps?.k === "obj") {
    for (const key of ["createdAt", "updatedAt"]) {
      const column = litString(prop(timestamps, key)) ?? key;
      builder.addColumn(name, { name: column, type: "date", nullable: true, location }, location, "mongoose");
    }
  }
}

/** `{ type: String, required: true }` rather than a nested document `{ street: String }`. */
function isOptions(sym: Sym): boolean {
  return sym.k === "obj" && prop(sym, "type") !== undefined;
}

function typeOf(sym: Sym | undefined): string {
  if (!sym) return "mixed";
  if (sym.k === "arr") return `${typeOf(sym.items[0])}[]`;
  if (sym.k === "obj") return isOptions(sym) ? typeOf(prop(sym, "type")) : "object";
  const name = tailName(sym);
  if (sym.k === "lit" && typeof sym.value === "string") return TYPES[sym.value] ?? sym.value.toLowerCase();
  return (name && TYPES[name]) ?? "mixed";
}

function defaultOf(value: Sym | undefined): string | undefined {
  if (!value) return undefined;
  if (value.k === "ext" && value.path.join(".") === "Date.now") return "now()";
  const literal = lit(value);
  if (typeof literal === "string") return sqlString(literal);
  return literal === undefined || literal === null ? undefined : String(literal);
}

/** `userSchema.index({ a: 1, b: -1 }, { unique: true })` on this schema. */
function addIndexCall(collection: string, schema: SchemaDecl, call: CallFact, index: ProjectIndex, builder: SchemaBuilder): void {
  if (call.callee.k !== "member") return;
  const owner = index.resolve(call.callee.obj);
  if (owner.k !== "new" || `${owner.loc.file}:${owner.loc.line}:${owner.loc.column}` !== schema.key) return;
  const columns = entriesOf(call.args[0]).map(([field]) => field);
  if (!columns.length) return;
  const name = litString(prop(schema.options, "collection")) ?? collection;
  const indexName = litString(prop(call.args[1], "name"));
  builder.addIndex(name, { ...(indexName ? { name: indexName } : {}), columns, unique: litBoolean(prop(call.args[1], "unique")) === true, location: call.loc }, call.loc, "mongoose");
}
