// joi (and the Joi that celebrate re-exports): `Joi.object({...})`, `Joi.string().email().required()`.
// Keys are optional unless `.required()`; an object with declared keys rejects unknown ones
// unless `.unknown()` says otherwise, so it gets `additionalProperties: false`.
import type { JsonSchema } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { ExtSym, SchemaConverter, SchemaReader } from "./reader.ts";
import {
  allOf, anyOf, bounded, entriesOf, enumOf, extended, nullable, objectOf, regexPattern, unnamed,
  withKeywords, type Converted,
} from "./shape.ts";

const JOI_PACKAGES = new Set(["joi", "@hapi/joi"]);

const FACTORIES: Record<string, JsonSchema> = {
  string: { type: "string" },
  number: { type: "number" },
  boolean: { type: "boolean" },
  bool: { type: "boolean" },
  date: { type: "string", format: "date-time" },
  binary: { type: "string", format: "binary" },
  any: {},
  array: { type: "array" },
  object: { type: "object" },
};

const STRING_FORMATS: Record<string, JsonSchema> = {
  email: { format: "email" },
  uri: { format: "uri" },
  guid: { format: "uuid" },
  uuid: { format: "uuid" },
  isoDate: { format: "date-time" },
  isoDuration: { format: "duration" },
  hostname: { format: "hostname" },
  ip: { format: "ip" },
  hex: { pattern: "^[a-fA-F0-9]*$" },
  alphanum: { pattern: "^[a-zA-Z0-9]*$" },
  token: { pattern: "^\\w*$" },
  base64: { contentEncoding: "base64" },
};

export const joiConverter: SchemaConverter = {
  library: "joi",
  owns: isJoi,
  convert(sym, reader) {
    if (sym.k !== "call") return undefined;
    const callee = sym.callee;
    if (callee.k === "ext") return factory(joiPath(callee).join("."), sym.args, reader);
    if (callee.k !== "member") return undefined;
    const inner = reader.convert(callee.obj);
    return inner && method(inner, callee.prop, sym.args, reader);
  },
};

function isJoi(root: ExtSym): boolean {
  return JOI_PACKAGES.has(root.pkg) || (root.pkg === "celebrate" && root.path[0] === "Joi");
}

function joiPath(ext: ExtSym): string[] {
  return ext.path.filter((p, i) => !(i === 0 && (p === "default" || p === "Joi")));
}

function factory(name: string, args: Sym[], reader: SchemaReader): Converted | undefined {
  const base = FACTORIES[name];
  if (name === "object" && args[0]) return { schema: keysOf({ type: "object" }, args[0], reader), optional: true };
  if (name === "array" && args.length) return method({ schema: { type: "array" }, optional: true }, "items", args, reader);
  if (base) return { schema: { ...base }, optional: true };
  if (name === "alternatives" || name === "alt") return { schema: alternatives(args, reader), optional: true };
  if (name === "valid" || name === "allow") return method({ schema: {}, optional: true }, "valid", args, reader);
  return undefined;
}

function method(inner: Converted, name: string, args: Sym[], reader: SchemaReader): Converted {
  const { schema } = inner;
  const first = args[0];
  const keep = (next: JsonSchema): Converted => ({ ...inner, schema: next });
  if (STRING_FORMATS[name]) return keep(withKeywords(schema, STRING_FORMATS[name]));
  switch (name) {
    case "required":
    case "exist":
      return { schema, optional: false };
    case "optional":
      return { schema, optional: true };
    case "allow": {
      const values = args.map((a) => reader.json(a));
      return keep(values.includes(null) ? nullable(schema) : schema);
    }
    case "valid":
    case "only":
    case "equal": {
      const values = args.map((a) => reader.json(a)).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined);
      return values.length ? keep({ ...enumOf(values), ...typeless(schema) }) : inner;
    }
    case "default": {
      const value = reader.json(first);
      return value === undefined ? inner : keep(withKeywords(schema, { default: value }));
    }
    case "description":
      return keep(withKeywords(schema, typeof reader.text(first) === "string" ? { description: reader.text(first) } : {}));
    case "example": {
      const value = reader.json(first);
      return value === undefined ? inner : keep(withKeywords(schema, { examples: [value] }));
    }
    case "min":
    case "max":
    case "length":
      return keep(bounded(schema, name, reader.number(first)));
    case "greater":
      return keep(withKeywords(schema, numberKeyword("exclusiveMinimum", reader.number(first))));
    case "less":
      return keep(withKeywords(schema, numberKeyword("exclusiveMaximum", reader.number(first))));
    case "positive":
      return keep(withKeywords(schema, { exclusiveMinimum: 0 }));
    case "negative":
      return keep(withKeywords(schema, { exclusiveMaximum: 0 }));
    case "multiple":
      return keep(withKeywords(schema, numberKeyword("multipleOf", reader.number(first))));
    case "port":
      return keep(withKeywords(schema, { type: "integer", minimum: 0, maximum: 65535 }));
    case "integer":
      return keep(withKeywords(schema, { type: "integer" }));
    case "pattern":
    case "regex":
      if (schema.type === "object") return keep(withKeywords(schema, { additionalProperties: reader.schemaOf(args[1]) }));
      return keep(withKeywords(schema, patternOf(first)));
    case "iso":
      return keep(withKeywords(schema, { type: "string", format: "date-time" }));
    case "timestamp":
      return keep(withKeywords(schema, { type: "number" }));
    case "items": {
      const items = args.map((a) => reader.schemaOf(a));
      return keep(withKeywords(schema, { items: anyOf(items.length ? items : [{}]) }));
    }
    case "ordered":
      return keep(withKeywords(schema, { prefixItems: args.map((a) => reader.schemaOf(a)) }));
    case "unique":
      return keep(withKeywords(schema, { uniqueItems: true }));
    case "single":
      return keep({ anyOf: [unnamed(schema), (schema.items as JsonSchema | undefined) ?? {}] });
    case "keys":
    case "append":
      return keep(first ? keysOf(schema, first, reader) : schema);
    case "concat":
      return keep(schema.type === "object" ? extended(schema, entriesOf(reader.schemaOf(first))) : allOf([schema, reader.schemaOf(first)]));
    case "unknown": {
      const allowed = first === undefined || reader.json(first) === true;
      const { additionalProperties: _a, ...rest } = unnamed(schema);
      return keep(allowed ? rest : { ...rest, additionalProperties: false });
    }
    case "options":
    case "prefs": {
      const options = reader.json(first) as Record<string, unknown> | undefined;
      return options?.allowUnknown === true ? method(inner, "unknown", [], reader) : inner;
    }
    case "try":
      return keep(alternatives(args, reader));
    default:
      // label, messages, when, strip, trim, lowercase...: they do not change what is accepted.
      return inner;
  }
}

/** `Joi.object({...})`, `.keys({...})`: declared keys, unknown ones rejected. */
function keysOf(schema: JsonSchema, keys: Sym, reader: SchemaReader): JsonSchema {
  const resolved = reader.index.resolve(keys);
  if (resolved.k !== "obj") return schema;
  const entries = reader.entries(resolved, { schema: {}, optional: true });
  const base = schema.properties ? extended(schema, entries) : { ...unnamed(schema), ...objectOf(entries) };
  return { ...base, additionalProperties: schema.additionalProperties ?? false };
}

function alternatives(args: Sym[], reader: SchemaReader): JsonSchema {
  const list = args.length === 1 ? reader.index.resolve(args[0]) : undefined;
  const options = list?.k === "arr" ? list.items : args;
  return anyOf(options.map((o) => reader.schemaOf(o)));
}

/** The keywords of a schema other than its type, for `Joi.string().valid('a', 'b')`. */
function typeless(schema: JsonSchema): JsonSchema {
  const { type: _t, ...rest } = unnamed(schema);
  return rest;
}

function patternOf(sym: Sym | undefined): JsonSchema {
  const pattern = regexPattern(sym?.k === "unknown" ? sym.text : undefined);
  return pattern === undefined ? {} : { pattern };
}

function numberKeyword(keyword: string, value: number | undefined): JsonSchema {
  return value === undefined ? {} : { [keyword]: value };
}
