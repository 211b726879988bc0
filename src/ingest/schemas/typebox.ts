// TypeBox (`Type.Object({...})`, what Fastify's TypeBox type provider uses): its values already are
// JSON Schema, and a last argument of options is JSON Schema keywords (`Type.String({ format: 'email' })`).
import type { JsonSchema } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { SchemaConverter, SchemaReader } from "./reader.ts";
import { allOf, anyOf, arrayOf, entriesOf, enumOf, extended, literal, objectOf, picked, withKeywords, withPresence, type Converted } from "./shape.ts";

const TYPEBOX_PACKAGES = new Set(["@sinclair/typebox", "typebox", "@fastify/type-provider-typebox"]);

const SCALARS: Record<string, JsonSchema> = {
  String: { type: "string" },
  Number: { type: "number" },
  Integer: { type: "integer" },
  Boolean: { type: "boolean" },
  Null: { type: "null" },
  BigInt: { type: "integer", format: "int64" },
  Date: { type: "string", format: "date-time" },
  Any: {},
  Unknown: {},
  Never: { not: {} },
  Uint8Array: { type: "string", format: "binary" },
};

/** The argument index where each builder takes its options. */
const OPTIONS_AT: Record<string, number> = {
  Object: 1, Array: 1, Union: 1, Intersect: 1, Literal: 1, Enum: 1, Record: 2, Tuple: 1, Partial: 1, Required: 1, Pick: 2, Omit: 2, Composite: 1,
  // These wrap another schema and take no options of their own.
  Optional: -1, ReadonlyOptional: -1, Readonly: -1, Ref: -1, Unsafe: -1,
};

export const typeboxConverter: SchemaConverter = {
  library: "typebox",
  owns: (root) => TYPEBOX_PACKAGES.has(root.pkg),
  convert(sym, reader) {
    if (sym.k !== "call" || sym.callee.k !== "ext") return undefined;
    const name = sym.callee.path[sym.callee.path.length - 1];
    const converted = builder(name, sym.args, reader, sym.loc.file);
    if (!converted) return undefined;
    const options = reader.json(sym.args[OPTIONS_AT[name] ?? 0]);
    const keywords = options && typeof options === "object" && !Array.isArray(options) ? (options as JsonSchema) : undefined;
    return keywords ? { ...converted, schema: withKeywords(converted.schema, keywords) } : converted;
  },
};

function builder(name: string, args: Sym[], reader: SchemaReader, file: string): Converted | undefined {
  if (SCALARS[name]) return { schema: { ...SCALARS[name] } };
  const [first, second] = args;
  switch (name) {
    case "Object":
      return { schema: objectOf(reader.entries(first)) };
    case "Array":
      return { schema: arrayOf(reader.schemaOf(first)) };
    case "Tuple": {
      const items = reader.schemaList(first);
      return { schema: { type: "array", prefixItems: items, minItems: items.length, maxItems: items.length } };
    }
    case "Record":
      return { schema: { type: "object", additionalProperties: reader.schemaOf(second) } };
    case "Union":
      return { schema: anyOf(reader.schemaList(first)) };
    case "Intersect":
      return { schema: allOf(reader.schemaList(first)) };
    case "Composite":
      return { schema: reader.schemaList(first).reduce((acc, s) => extended(acc, entriesOf(s)), { type: "object" } as JsonSchema) };
    case "Literal":
      return { schema: literal(reader.json(first)) };
    case "Enum": {
      const values = reader.enumValues(first, file);
      return { schema: values ? enumOf(values) : {} };
    }
    case "Optional":
    case "ReadonlyOptional":
      return first ? { schema: reader.schemaOf(first), optional: true } : undefined;
    case "Readonly":
    case "Ref":
    case "Unsafe":
      return first ? { schema: reader.schemaOf(first) } : undefined;
    case "Partial":
    case "Required":
      return { schema: withPresence(reader.schemaOf(first), name === "Partial") };
    case "Pick":
    case "Omit":
      return { schema: picked(reader.schemaOf(first), reader.keys(second), name === "Pick") };
    default:
      return undefined;
  }
}

