// valibot: every schema and check is a function (`v.object({...})`, `v.pipe(v.string(), v.email())`),
// so a value is one call whose arguments are other schemas or, inside `pipe`, actions.
import type { JsonSchema } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { SchemaConverter, SchemaReader } from "./reader.ts";
import { allOf, anyOf, arrayOf, bounded, enumOf, literal, nullable, objectOf, picked, regexPattern, withKeywords, withPresence, type Converted } from "./shape.ts";

const SCALARS: Record<string, JsonSchema> = {
  string: { type: "string" },
  number: { type: "number" },
  bigint: { type: "integer", format: "int64" },
  boolean: { type: "boolean" },
  date: { type: "string", format: "date-time" },
  null: { type: "null" },
  null_: { type: "null" },
  any: {},
  unknown: {},
  never: { not: {} },
  instance: {},
};

const ACTION_KEYWORDS: Record<string, JsonSchema> = {
  email: { format: "email" },
  rfcEmail: { format: "email" },
  url: { format: "uri" },
  uuid: { format: "uuid" },
  isoDateTime: { format: "date-time" },
  isoTimestamp: { format: "date-time" },
  isoDate: { format: "date" },
  isoTime: { format: "time" },
  ipv4: { format: "ipv4" },
  ipv6: { format: "ipv6" },
  integer: { type: "integer" },
  safeInteger: { type: "integer" },
};

export const valibotConverter: SchemaConverter = {
  library: "valibot",
  owns: (root) => root.pkg === "valibot",
  convert(sym, reader) {
    if (sym.k !== "call" || sym.callee.k !== "ext") return undefined;
    return schemaCall(functionName(sym.callee.path), sym.args, reader, sym.loc.file);
  },
};

function functionName(path: string[]): string {
  return path.filter((p, i) => !(i === 0 && (p === "default" || p === "v"))).join(".");
}

function schemaCall(name: string, args: Sym[], reader: SchemaReader, file: string): Converted | undefined {
  if (SCALARS[name]) return { schema: { ...SCALARS[name] } };
  const [first, second] = args;
  switch (name) {
    case "undefined":
    case "undefined_":
      return { schema: {}, optional: true };
    case "object":
    case "looseObject":
    case "strictObject":
    case "objectWithRest": {
      const schema = objectOf(reader.entries(first));
      if (name === "strictObject") return { schema: { ...schema, additionalProperties: false } };
      if (name === "objectWithRest") return { schema: { ...schema, additionalProperties: reader.schemaOf(second) } };
      return { schema };
    }
    case "array":
      return { schema: arrayOf(reader.schemaOf(first)) };
    case "tuple": {
      const items = reader.schemaList(first);
      return { schema: { type: "array", prefixItems: items, minItems: items.length, maxItems: items.length } };
    }
    case "record":
      return { schema: { type: "object", additionalProperties: reader.schemaOf(second ?? first) } };
    case "union":
      return { schema: anyOf(reader.schemaList(first)) };
    case "variant":
      return { schema: anyOf(reader.schemaList(second)) };
    case "intersect":
      return { schema: allOf(reader.schemaList(first)) };
    case "picklist":
    case "enum":
    case "enum_": {
      const values = reader.enumValues(first, file);
      return { schema: values ? enumOf(values) : { type: "string" } };
    }
    case "literal":
      return { schema: literal(reader.json(first)) };
    case "optional":
    case "exactOptional":
    case "undefinedable":
      return withDefault({ schema: reader.schemaOf(first), optional: true }, second, reader);
    case "nullable":
      return withDefault({ schema: nullable(reader.schemaOf(first)) }, second, reader);
    case "nullish":
      return withDefault({ schema: nullable(reader.schemaOf(first)), optional: true }, second, reader);
    case "nonOptional":
    case "nonNullable":
    case "nonNullish":
      return { schema: reader.schemaOf(first) };
    case "fallback":
      return first ? reader.convert(first) : undefined;
    case "partial":
    case "required": {
      const base = reader.schemaOf(first);
      return { schema: withPresence(base, name === "partial", second ? reader.keys(second) : undefined) };
    }
    case "pick":
    case "omit":
      return { schema: picked(reader.schemaOf(first), reader.keys(second), name === "pick") };
    case "pipe":
    case "pipeAsync": {
      const base = first ? reader.convert(first) : undefined;
      return base && args.slice(1).reduce((c, action) => applyAction(c, action, reader), base);
    }
    case "lazy": {
      const returned = reader.returnedBy(first);
      return returned ? reader.convert(returned) : undefined;
    }
    default:
      return undefined;
  }
}

/** One action of a `pipe`: a check (`v.minLength(3)`) or metadata (`v.description('…')`). */
function applyAction(c: Converted, action: Sym, reader: SchemaReader): Converted {
  const call = reader.index.resolve(action);
  if (call.k !== "call" || call.callee.k !== "ext" || call.callee.pkg !== "valibot") return c;
  const name = functionName(call.callee.path);
  const first = call.args[0];
  const keep = (schema: JsonSchema): Converted => ({ ...c, schema });
  if (ACTION_KEYWORDS[name]) return keep(withKeywords(c.schema, ACTION_KEYWORDS[name]));
  switch (name) {
    case "minLength":
    case "minSize":
    case "minEntries":
      return keep(bounded(c.schema, "min", reader.number(first)));
    case "maxLength":
    case "maxSize":
    case "maxEntries":
      return keep(bounded(c.schema, "max", reader.number(first)));
    case "length":
      return keep(bounded(c.schema, "length", reader.number(first)));
    case "nonEmpty":
      return keep(bounded(c.schema, "min", 1));
    case "minValue":
      return keep(keyword(c.schema, "minimum", reader.json(first)));
    case "maxValue":
      return keep(keyword(c.schema, "maximum", reader.json(first)));
    case "gtValue":
      return keep(keyword(c.schema, "exclusiveMinimum", reader.json(first)));
    case "ltValue":
      return keep(keyword(c.schema, "exclusiveMaximum", reader.json(first)));
    case "multipleOf":
      return keep(keyword(c.schema, "multipleOf", reader.json(first)));
    case "value":
      return keep(keyword(c.schema, "const", reader.json(first)));
    case "regex":
      return keep(keyword(c.schema, "pattern", regexPattern(first?.k === "unknown" ? first.text : undefined)));
    case "description":
    case "title":
      return keep(keyword(c.schema, name, reader.text(first)));
    case "examples":
      return keep(keyword(c.schema, "examples", reader.json(first)));
    case "metadata": {
      const meta = reader.json(first);
      return meta && typeof meta === "object" && !Array.isArray(meta) ? keep(withKeywords(c.schema, meta as JsonSchema)) : c;
    }
    default:
      // trim, toLowerCase, transform, check, brand: they do not change what is accepted.
      return c;
  }
}

function withDefault(c: Converted, value: Sym | undefined, reader: SchemaReader): Converted {
  const json = reader.json(value);
  return json === undefined ? c : { ...c, schema: withKeywords(c.schema, { default: json }) };
}

function keyword(schema: JsonSchema, name: string, value: unknown): JsonSchema {
  return value === undefined ? schema : withKeywords(schema, { [name]: value });
}
