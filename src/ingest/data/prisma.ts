// schema.prisma → entities, with the tables and types Prisma Migrate creates on PostgreSQL:
// model names through @@map, field names through @map, scalar types through @db.* native types
// (or Prisma's defaults: DateTime is timestamp(3), Decimal is numeric(65,30)), relations with
// their fields/references/onDelete, @id/@@id, @unique/@@unique, @@index.
import type { Entity, SourceLocation } from "../../model/types.ts";
import { canonicalDefault, canonicalType, sqlString } from "./column-types.ts";
import { canonicalOnDelete, SchemaBuilder } from "./schema-builder.ts";

// prisma-ast's types are loose unions; its nodes are read defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PrismaNode = any;

export interface PrismaFile {
  path: string;
  text: string;
}

/** Prisma scalar → PostgreSQL type when no @db attribute says otherwise (Prisma Migrate's defaults). */
const SCALAR_TYPES: Record<string, string> = {
  String: "text", Int: "integer", BigInt: "bigint", Float: "double precision", Decimal: "numeric(65,30)",
  Boolean: "boolean", DateTime: "timestamp(3)", Json: "jsonb", Bytes: "bytea",
};

/** @db.* native type attribute → PostgreSQL type name. */
const NATIVE_TYPES: Record<string, string> = {
  Text: "text", VarChar: "varchar", Char: "char", Uuid: "uuid", Xml: "xml", Inet: "inet", Citext: "citext", Bit: "bit", VarBit: "varbit",
  Integer: "integer", Int: "integer", SmallInt: "smallint", BigInt: "bigint", Oid: "oid",
  DoublePrecision: "double precision", Real: "real", Decimal: "numeric", Money: "money",
  Timestamp: "timestamp", Timestamptz: "timestamptz", Date: "date", Time: "time", Timetz: "timetz",
  Boolean: "boolean", Json: "json", JsonB: "jsonb", ByteA: "bytea",
};

/** Prisma's default referential action for a relation without `onDelete`. */
const DEFAULT_ON_DELETE = { required: "RESTRICT", optional: "SET NULL" } as const;

interface ModelInfo {
  node: PrismaNode;
  table: string;
  /** Field name → column name (@map). */
  columns: Map<string, string>;
  idFields: string[];
}

export interface PrismaResult {
  entities: Entity[];
  warnings: string[];
}

export type PrismaAst = typeof import("@mrleebo/prisma-ast/dist/prisma-ast.esm.js");

let loading: Promise<PrismaAst> | undefined;

/**
 * prisma-ast builds its parser grammar when it loads (~0.5 s), so it is loaded only for projects
 * that have a Prisma schema. It is ESM-only (chevrotain), hence asynchronous.
 */
export function loadPrismaAst(): Promise<PrismaAst> {
  loading ??= import("@mrleebo/prisma-ast/dist/prisma-ast.esm.js");
  return loading;
}

/** Reads every .prisma file (a multi-file schema is one schema) into one set of entities. */
export function readPrismaSchemas(files: readonly PrismaFile[], ast: PrismaAst): PrismaResult {
  const warnings: string[] = [];
  const models: { model: PrismaNode; file: string }[] = [];
  const enums = new Set<string>();
  for (const file of files) {
    const schema = parsePrisma(file, ast, warnings);
    for (const block of schema?.list ?? []) {
      if (block.type === "model") models.push({ model: block, file: file.path });
      if (block.type === "enum") enums.add(block.name);
    }
  }
  const infos = new Map(models.map(({ model }) => [model.name, modelInfo(model)]));
  const builder = new SchemaBuilder();
  for (const { model, file } of models) addModel(builder, model, file, infos, enums);
  return { entities: builder.entities(), warnings };
}

function parsePrisma(file: PrismaFile, { getSchema, PrismaParser, VisitorClassFactory }: PrismaAst, warnings: string[]): PrismaNode | undefined {
  const parser = new PrismaParser({ nodeLocationTracking: "full" });
  const Visitor = VisitorClassFactory(parser);
  try {
    return getSchema(file.text, { parser, visitor: new Visitor() });
  } catch (error) {
    const token = (error as { token?: { startLine?: number; startColumn?: number } }).token;
    const where = token?.startLine ? `${file.path}:${token.startLine}:${token.startColumn ?? 1}` : file.path;
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    warnings.push(`${where}: the Prisma schema could not be parsed (${message}); its models were skipped`);
    return undefined;
  }
}

function fieldsOf(model: PrismaNode): PrismaNode[] {
  return (model.properties ?? []).filter((p: PrismaNode) => p.type === "field");
}

function blockAttributes(model: PrismaNode, name: string): PrismaNode[] {
  return (model.properties ?? []).filter((p: PrismaNode) => p.type === "attribute" && p.kind === "object" && p.name === name && !p.group);
}

function fieldAttribute(field: PrismaNode, name: string, group?: string): PrismaNode | undefined {
  return (field.attributes ?? []).find((a: PrismaNode) => a.name === name && (group ? a.group === group : !a.group));
}

function modelInfo(model: PrismaNode): ModelInfo {
  const columns = new Map<string, string>();
  const idFields: string[] = [];
  for (const field of fieldsOf(model)) {
    const mapped = fieldAttribute(field, "map");
    columns.set(field.name, mapped ? unquote(positional(mapped)[0]) : field.name);
    if (fieldAttribute(field, "id")) idFields.push(field.name);
  }
  const compoundId = blockAttributes(model, "id")[0];
  if (compoundId) idFields.push(...fieldList(positional(compoundId)[0]));
  const mapped = blockAttributes(model, "map")[0];
  return { node: model, table: mapped ? unquote(positional(mapped)[0]) : model.name, columns, idFields };
}

function addModel(builder: SchemaBuilder, model: PrismaNode, file: string, infos: Map<string, ModelInfo>, enums: Set<string>): void {
  const info = infos.get(model.name)!;
  const table = info.table;
  const location = loc(file, model.location);
  builder.createTable(table, location, "prisma");
  const column = (field: string) => info.columns.get(field) ?? field;
  for (const field of fieldsOf(model)) {
    const fieldLoc = loc(file, field.location) ;
    if (infos.has(fieldTypeName(field))) {
      addRelation(builder, table, field, fieldLoc, info, infos);
      continue;
    }
    const type = columnType(field, enums);
    const defaultValue = defaultOf(field);
    builder.addColumn(table, { name: column(field.name), type, nullable: Boolean(field.optional), ...(defaultValue !== undefined ? { default: defaultValue } : {}), location: fieldLoc }, location, "prisma");
    if (fieldAttribute(field, "unique")) builder.addUnique(table, [column(field.name)], fieldLoc, "prisma");
  }
  if (info.idFields.length) builder.setPrimaryKey(table, info.idFields.map(column), location, "prisma");
  for (const attr of blockAttributes(model, "unique")) builder.addUnique(table, fieldList(positional(attr)[0]).map(column), location, "prisma");
  for (const attr of blockAttributes(model, "index")) {
    const name = keyed(attr, "map") ?? keyed(attr, "name");
    const columns = fieldList(positional(attr)[0]).map(column);
    builder.addIndex(table, { ...(name ? { name: unquote(name) } : {}), columns, unique: false, location: loc(file, attr.location) }, location, "prisma");
  }
}

/** A relation field with `fields:` owns the foreign key; the other side (a list or back-reference) adds nothing. */
function addRelation(builder: SchemaBuilder, table: string, field: PrismaNode, location: SourceLocation, info: ModelInfo, infos: Map<string, ModelInfo>): void {
  const relation = fieldAttribute(field, "relation");
  const fields = relation ? keyed(relation, "fields") : undefined;
  if (!relation || !fields) return;
  const target = infos.get(fieldTypeName(field))!;
  const references = fieldList(keyed(relation, "references")).map((f) => target.columns.get(f) ?? f);
  const onDelete = keyed(relation, "onDelete");
  const action = canonicalOnDelete(typeof onDelete === "string" ? onDelete : field.optional ? DEFAULT_ON_DELETE.optional : DEFAULT_ON_DELETE.required);
  const columns = fieldList(fields).map((f) => info.columns.get(f) ?? f);
  builder.addForeignKey(table, { columns, references: { entity: target.table, columns: references }, ...(action ? { onDelete: action } : {}), location }, location, "prisma");
}

function fieldTypeName(field: PrismaNode): string {
  return typeof field.fieldType === "string" ? field.fieldType : field.fieldType?.name ?? "";
}

function columnType(field: PrismaNode, enums: Set<string>): string {
  const native = (field.attributes ?? []).find((a: PrismaNode) => a.group === "db");
  const scalar = fieldTypeName(field);
  const isAutoincrement = defaultFunction(field) === "autoincrement";
  let type: string;
  if (native && NATIVE_TYPES[native.name]) {
    type = canonicalType(NATIVE_TYPES[native.name], positional(native).map(Number).filter(Number.isFinite));
  } else if (enums.has(scalar)) {
    type = scalar;
  } else {
    type = SCALAR_TYPES[scalar] ?? scalar.toLowerCase();
  }
  if (isAutoincrement) type = type === "bigint" ? "bigserial" : type === "smallint" ? "smallserial" : "serial";
  return field.array ? `${type}[]` : type;
}

function defaultFunction(field: PrismaNode): string | undefined {
  const value = positional(fieldAttribute(field, "default") ?? {})[0];
  return value && typeof value === "object" && value.type === "function" ? value.name : undefined;
}

/** The default the database holds; Prisma-client-side defaults (uuid(), cuid()) leave none. */
function defaultOf(field: PrismaNode): string | undefined {
  const attr = fieldAttribute(field, "default");
  if (!attr) return undefined;
  const value = positional(attr)[0];
  if (value && typeof value === "object" && value.type === "function") {
    if (value.name === "now") return "now()";
    if (value.name === "dbgenerated") return value.params?.[0] !== undefined ? canonicalDefault(unquote(String(value.params[0]))) : undefined;
    return undefined; // autoincrement() is the serial type; uuid(), cuid(), nanoid() run in the client
  }
  if (typeof value !== "string") return undefined;
  if (value.startsWith('"')) return sqlString(unquote(value));
  if (fieldTypeName(field) === "String" || !/^(-?\d+(\.\d+)?|true|false)$/.test(value)) return sqlString(value); // enum value
  return canonicalDefault(value);
}

/** Positional arguments of an attribute. */
function positional(attr: PrismaNode): PrismaNode[] {
  return (attr.args ?? []).map((a: PrismaNode) => a.value).filter((v: PrismaNode) => !(v && typeof v === "object" && v.type === "keyValue"));
}

function keyed(attr: PrismaNode, key: string): PrismaNode | undefined {
  const found = (attr.args ?? []).map((a: PrismaNode) => a.value).find((v: PrismaNode) => v && typeof v === "object" && v.type === "keyValue" && v.key === key);
  return found?.value;
}

/** `[a, b(sort: Desc)]` → ["a", "b"]. */
function fieldList(value: PrismaNode): string[] {
  if (!value || typeof value !== "object" || value.type !== "array") return [];
  return (value.args ?? []).map((item: PrismaNode) => (typeof item === "string" ? item : item?.name)).filter((s: unknown): s is string => typeof s === "string");
}

function unquote(value: unknown): string {
  const text = String(value ?? "");
  return text.startsWith('"') && text.endsWith('"') ? JSON.parse(text) : text;
}

function loc(file: string, location: { startLine?: number; startColumn?: number } | undefined): SourceLocation {
  return { file, line: location?.startLine ?? 1, column: location?.startColumn ?? 1 };
}
