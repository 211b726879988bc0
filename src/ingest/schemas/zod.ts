// zod (v3 and v4 APIs, and the zod that @hono/zod-openapi re-exports): factories such as
// `z.object({...})`, `z.coerce.number()`, `z.email()`, then methods read left to right
// (`.min(1).max(40).optional()`). A chain arrives as nested call/member values, innermost first.
import type { JsonSchema } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { SchemaConverter, SchemaReader } from "./reader.ts";
import {
  allOf, anyOf, arrayOf, bounded, entriesOf, enumOf, extended, literal, nullable, objectOf, picked, regexPattern,
  unnamed, withKeywords, withName, withPresence, type Converted,
} from "./shape.ts";

const ZOD_PACKAGES = new Set(["zod", "zod/v4", "zod/v3", "zod/mini", "@hono/zod-openapi", "@asteasolutions/zod-to-openapi"]);

/** String formats: `z.string().email()` and v4's `z.email()`. */
const FORMATS: Record<string, JsonSchema> = {
  email: { format: "email" },
  url: { format: "uri" },
  httpUrl: { format: "uri" },
  uuid: { format: "uuid" },
  uuidv4: { format: "uuid" },
  uuidv7: { format: "uuid" },
  guid: { format: "uuid" },
  datetime: { format: "date-time" },
  date: { format: "date" },
  time: { format: "time" },
  duration: { format: "duration" },
  ipv4: { format: "ipv4" },
  ipv6: { format: "ipv6" },
  base64: { contentEncoding: "base64" },
};

const SCALARS: Record<string, JsonSchema> = {
  string: { type: "string" },
  number: { type: "number" },
  float32: { type: "number" },
  float64: { type: "number" },
  int: { type: "integer" },
  int32: { type: "integer" },
  bigint: { type: "integer", format: "int64" },
  boolean: { type: "boolean" },
  stringbool: { type: "string", enum: ["true", "false", "1", "0", "yes", "no", "on", "off"] },
  date: { type: "string", format: "date-time" },
  null: { type: "null" },
  any: {},
  unknown: {},
  custom: {},
  instanceof: {},
  never: { not: {} },
};

const OPTIONAL_SCALARS = new Set(["undefined", "void"]);

export const zodConverter: SchemaConverter = {
  library: "zod",
  owns: (root) => ZOD_PACKAGES.has(root.pkg),
  convert(sym, reader) {
    if (sym.k === "member") return shapeProperty(sym, reader);
    if (sym.k !== "call") return undefined;
    const callee = sym.callee;
    if (callee.k === "ext") return factory(factoryName(callee.path), sym.args, reader, sym.loc.file);
    if (callee.k !== "member") return undefined;
    const inner = reader.convert(callee.obj);
    return inner && method(inner, callee.prop, sym.args, reader);
  },
};

/** `["z", "coerce", "number"]` → "number"; `["iso", "datetime"]` stays "iso.datetime". */
function factoryName(path: string[]): string {
  const parts = path.filter((p, i) => !(i === 0 && (p === "z" || p === "default" || p === "zod")));
  return (parts[0] === "coerce" ? parts.slice(1) : parts).join(".");
}

function factory(name: string, args: Sym[], reader: SchemaReader, file: string): Converted | undefined {
  if (SCALARS[name]) return { schema: { ...SCALARS[name] } };
  if (OPTIONAL_SCALARS.has(name)) return { schema: {}, optional: true };
  const format = FORMATS[name.replace(/^iso\./, "")];
  if (format) return { schema: { type: "string", ...format } };
  const first = args[0];
  switch (name) {
    case "object":
    case "strictObject":
    case "looseObject": {
      const schema = objectOf(shapeEntries(first, reader));
      return { schema: name === "strictObject" ? { ...schema, additionalProperties: false } : schema };
    }
    case "array":
      return { schema: arrayOf(reader.schemaOf(first)) };
    case "tuple": {
      const prefixItems = reader.schemaList(first);
      return { schema: { type: "array", prefixItems, minItems: prefixItems.length, ...(args[1] ? { items: reader.schemaOf(args[1]) } : { maxItems: prefixItems.length }) } };
    }
    case "record":
      return { schema: { type: "object", additionalProperties: reader.schemaOf(args[1] ?? first) } };
    case "union":
    case "discriminatedUnion":
    case "xor": {
      const options = reader.schemaList(name === "discriminatedUnion" ? args[1] : first);
      return options.length ? { schema: anyOf(options) } : undefined;
    }
    case "intersection":
      return { schema: allOf(args.map((a) => reader.schemaOf(a))) };
    case "literal": {
      const value = reader.json(first);
      return Array.isArray(value) ? { schema: enumOf(value) } : { schema: literal(value) };
    }
    case "enum":
    case "nativeEnum": {
      const values = reader.enumValues(first, file);
      return { schema: values ? enumOf(values) : { type: "string" } };
    }
    case "optional":
      return first ? method(reader.convert(first) ?? { schema: {} }, "optional", [], reader) : undefined;
    case "nullable":
    case "nullish":
      return first ? method(reader.convert(first) ?? { schema: {} }, name, [], reader) : undefined;
    case "lazy": {
      const returned = reader.returnedBy(first);
      return returned ? reader.convert(returned) : undefined;
    }
    case "preprocess":
      return args[1] ? reader.convert(args[1]) : undefined;
    case "pipe":
      return first ? reader.convert(first) : undefined;
    default:
      return undefined;
  }
}

function method(inner: Converted, name: string, args: Sym[], reader: SchemaReader): Converted {
  const { schema } = inner;
  const first = args[0];
  const keep = (next: JsonSchema): Converted => ({ ...inner, schema: next });
  const format = FORMATS[name];
  if (format) return keep(withKeywords(schema, { type: "string", ...format }));
  switch (name) {
    case "optional":
      return { schema, optional: true };
    case "nullable":
      return { ...inner, schema: nullable(schema) };
    case "nullish":
      return { schema: nullable(schema), optional: true };
    case "default":
    case "prefault": {
      const value = reader.json(first);
      return { schema: value === undefined ? schema : withKeywords(schema, { default: value }), optional: true };
    }
    case "describe":
      return keep(withKeywords(schema, textKeyword("description", reader.text(first))));
    case "meta":
    case "openapi":
      return annotated(inner, args, reader);
    case "min":
    case "gte":
    case "nonempty":
      return keep(bounded(schema, "min", name === "nonempty" ? 1 : reader.number(first)));
    case "max":
    case "lte":
      return keep(bounded(schema, "max", reader.number(first)));
    case "length":
      return keep(bounded(schema, "length", reader.number(first)));
    case "gt":
      return keep(numeric(schema, "exclusiveMinimum", reader.number(first)));
    case "lt":
      return keep(numeric(schema, "exclusiveMaximum", reader.number(first)));
    case "positive":
      return keep(numeric(schema, "exclusiveMinimum", 0));
    case "negative":
      return keep(numeric(schema, "exclusiveMaximum", 0));
    case "nonnegative":
      return keep(numeric(schema, "minimum", 0));
    case "nonpositive":
      return keep(numeric(schema, "maximum", 0));
    case "multipleOf":
    case "step":
      return keep(numeric(schema, "multipleOf", reader.number(first)));
    case "int":
      return keep(withKeywords(schema, { type: "integer" }));
    case "regex":
      return keep(withKeywords(schema, textKeyword("pattern", regexPattern(first?.k === "unknown" ? first.text : undefined))));
    case "startsWith":
      return keep(withKeywords(schema, textKeyword("pattern", escapeText(reader.text(first), "^"))));
    case "array":
      return { schema: arrayOf(schema) };
    case "or":
      return { schema: anyOf([schema, reader.schemaOf(first)]) };
    case "and":
      return { schema: allOf([schema, reader.schemaOf(first)]) };
    case "extend":
    case "safeExtend":
      return keep(extended(schema, shapeEntries(first, reader)));
    case "merge":
      return keep(extended(schema, entriesOf(reader.schemaOf(first))));
    case "pick":
    case "omit":
      return keep(picked(schema, reader.keys(first), name === "pick"));
    case "partial":
    case "deepPartial":
      return keep(withPresence(schema, true, first ? reader.keys(first) : undefined));
    case "required":
      return keep(withPresence(schema, false, first ? reader.keys(first) : undefined));
    case "strict":
      return keep(withKeywords(schema, { additionalProperties: false }));
    case "passthrough":
    case "loose": {
      const { additionalProperties: _a, ...rest } = unnamed(schema);
      return keep(rest);
    }
    case "catchall":
      return keep(withKeywords(schema, { additionalProperties: reader.schemaOf(first) }));
    case "keyof": {
      const keys = Object.keys((schema.properties as object | undefined) ?? {});
      return { schema: enumOf(keys) };
    }
    case "element":
      return { schema: (schema.items as JsonSchema | undefined) ?? {} };
    case "unwrap":
      return { schema };
    default:
      // refine, transform, brand, pipe... check or reshape the output, not the input.
      return inner;
  }
}

/** The properties of `z.object(shape)` / `.extend(shape)`; `...other.shape` spreads another object's. */
function shapeEntries(shape: Sym | undefined, reader: SchemaReader): [string, Converted][] {
  const resolved = shape && reader.index.resolve(shape);
  if (resolved?.k !== "obj") return [];
  const entries: [string, Converted][] = [];
  for (const spread of resolved.spreads) {
    const base = reader.index.resolve(spread);
    const source = base.k === "member" && base.prop === "shape" ? reader.convert(base.obj) : undefined;
    if (source) entries.push(...entriesOf(source.schema));
  }
  return [...entries, ...reader.entries(resolved)];
}

/** `other.shape.email`: one property of another object schema. */
function shapeProperty(sym: Extract<Sym, { k: "member" }>, reader: SchemaReader): Converted | undefined {
  if (sym.obj.k !== "member" || sym.obj.prop !== "shape") return undefined;
  const owner = reader.convert(sym.obj.obj);
  return owner && entriesOf(owner.schema).find(([key]) => key === sym.prop)?.[1];
}

/** `.openapi('Name', { example })`, `.meta({ description })`: a name for components and annotations. */
function annotated(inner: Converted, args: Sym[], reader: SchemaReader): Converted {
  const name = reader.text(args[0]);
  const options = reader.json(name !== undefined ? args[1] : args[0]);
  let schema = inner.schema;
  if (options && typeof options === "object" && !Array.isArray(options)) {
    const { example, ref, param: _param, ...keywords } = options as Record<string, unknown>;
    schema = withKeywords(schema, { ...keywords, ...(example !== undefined ? { examples: [example] } : {}) });
    if (typeof ref === "string") schema = withName(schema, ref);
  }
  return { ...inner, schema: name !== undefined ? withName(schema, name) : schema };
}

function numeric(schema: JsonSchema, keyword: string, value: number | undefined): JsonSchema {
  return value === undefined ? schema : withKeywords(schema, { [keyword]: value });
}

function textKeyword(keyword: string, value: string | undefined): JsonSchema {
  return value === undefined ? {} : { [keyword]: value };
}

function escapeText(text: string | undefined, anchor: string): string | undefined {
  return text === undefined ? undefined : anchor + text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
