// Plain JSON Schema written as object literals (Fastify route schemas, shared schema constants
// imported from another file), and the static JSON value of any symbolic value. A value in a
// schema position (a property, `items`, an `anyOf` member) is converted through the reader, so a
// shared constant there keeps its name and a TypeBox or zod value there is understood.
import type { JsonSchema } from "../../model/types.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import type { LiteralConverter, SchemaReader } from "./reader.ts";

const MAX_DEPTH = 12;

/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS = new Set(["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema"]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

export function symToJson(sym: Sym, index: ProjectIndex): JsonSchema | undefined {
  const value = toJson(sym, index, 0);
  return isRecord(value) ? value : undefined;
}

/** The static JSON a value spells (literals, arrays, objects with spreads); undefined where it is not static. */
export function jsonValue(sym: Sym, index: ProjectIndex): unknown {
  return toJson(sym, index, 0);
}

export const jsonSchemaConverter: LiteralConverter = {
  library: "json-schema",
  convert(sym, reader) {
    return { schema: schemaObject(sym, reader) };
  },
};

function schemaObject(sym: Extract<Sym, { k: "obj" }>, reader: SchemaReader): JsonSchema {
  const out: JsonSchema = {};
  for (const spread of sym.spreads) {
    const base = reader.index.resolve(spread);
    if (base.k === "obj") Object.assign(out, schemaObject(base, reader));
  }
  for (const key of Object.keys(sym.props)) {
    const value = keywordValue(key, own(sym.props, key)!, reader);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function keywordValue(key: string, sym: Sym, reader: SchemaReader): unknown {
  if (SCHEMA_KEYWORDS.has(key)) {
    // Draft-7 tuples: `items: [a, b]`.
    const resolved = reader.index.resolve(sym);
    if (resolved.k === "arr") return schemaList(resolved, reader);
    return subschema(sym, reader);
  }
  if (SCHEMA_LIST_KEYWORDS.has(key)) {
    const resolved = reader.index.resolve(sym);
    return resolved.k === "arr" ? schemaList(resolved, reader) : reader.json(sym);
  }
  if (SCHEMA_MAP_KEYWORDS.has(key)) {
    const resolved = reader.index.resolve(sym);
    if (resolved.k !== "obj") return reader.json(sym);
    const out: JsonSchema = {};
    for (const spread of resolved.spreads) {
      const base = reader.json(spread);
      if (isRecord(base)) Object.assign(out, base);
    }
    for (const name of Object.keys(resolved.props)) {
      const value = subschema(own(resolved.props, name)!, reader);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  return reader.json(sym);
}

function schemaList(arr: Extract<Sym, { k: "arr" }>, reader: SchemaReader): unknown[] {
  return arr.items.map((item) => subschema(item, reader)).filter((v) => v !== undefined);
}

/** A schema in a schema position: converted through the reader, or plain JSON (`true`, `false`). */
function subschema(sym: Sym, reader: SchemaReader): unknown {
  return reader.convert(sym)?.schema ?? reader.json(sym);
}

function toJson(sym: Sym, index: ProjectIndex, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  const s = index.resolve(sym);
  switch (s.k) {
    case "lit":
      return s.value;
    case "arr":
      return s.items.map((i) => toJson(i, index, depth + 1)).filter((v) => v !== undefined);
    case "obj": {
      const out: Record<string, unknown> = {};
      for (const spread of s.spreads) {
        const base = toJson(spread, index, depth + 1);
        if (isRecord(base)) Object.assign(out, base);
      }
      for (const key of Object.keys(s.props)) {
        const v = toJson(own(s.props, key)!, index, depth + 1);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is JsonSchema {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}
