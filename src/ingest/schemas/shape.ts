// JSON Schema building blocks shared by the converters: every library says "min 3", "optional",
// "nullable", "pick these keys" in its own words; what that means in JSON Schema is written here once.
import type { JsonSchema } from "../../model/types.ts";

/**
 * Marks a schema that a named declaration produced (an exported const, a DTO class); the model
 * builder hoists marked schemas into components.schemas and leaves a `$ref` in their place.
 */
export const NAME_KEY = "x-bka-name";

/** A converted schema and whether the property holding it may be absent. */
export interface Converted {
  schema: JsonSchema;
  optional?: boolean;
}

export type Bound = "min" | "max" | "length";

const BOUND_KEYWORDS: Record<string, Record<Bound, string[]>> = {
  string: { min: ["minLength"], max: ["maxLength"], length: ["minLength", "maxLength"] },
  array: { min: ["minItems"], max: ["maxItems"], length: ["minItems", "maxItems"] },
  number: { min: ["minimum"], max: ["maximum"], length: [] },
  object: { min: ["minProperties"], max: ["maxProperties"], length: [] },
};

export function nameOf(schema: JsonSchema): string | undefined {
  const name = schema[NAME_KEY];
  return typeof name === "string" ? name : undefined;
}

export function withName(schema: JsonSchema, name: string): JsonSchema {
  return { [NAME_KEY]: name, ...unnamed(schema) };
}

/** A copy that no longer claims to be the named declaration (it is about to be changed). */
export function unnamed(schema: JsonSchema): JsonSchema {
  const { [NAME_KEY]: _name, ...rest } = schema;
  return rest;
}

/** The main type of a schema, ignoring "null" in a type list. */
export function typeOf(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (typeof t === "string") return t === "integer" ? "number" : t;
  if (Array.isArray(t)) {
    const main = t.find((x) => x !== "null");
    return main === "integer" ? "number" : typeof main === "string" ? main : undefined;
  }
  return undefined;
}

/** `.min(3)`: minLength on strings, minItems on arrays, minimum on numbers. */
export function bounded(schema: JsonSchema, bound: Bound, value: unknown, fallbackType = "string"): JsonSchema {
  if (typeof value !== "number") return schema;
  const keywords = BOUND_KEYWORDS[typeOf(schema) ?? fallbackType]?.[bound] ?? [];
  if (!keywords.length) return schema;
  const out = unnamed(schema);
  for (const k of keywords) out[k] = value;
  return out;
}

export function withKeywords(schema: JsonSchema, keywords: JsonSchema): JsonSchema {
  return { ...unnamed(schema), ...keywords };
}

/** Allows null: `type: ["string", "null"]` for a plain type, `anyOf` around anything else (a `$ref` stays shared). */
export function nullable(schema: JsonSchema): JsonSchema {
  if (nameOf(schema) === undefined && typeof schema.type === "string") {
    const out: JsonSchema = { ...schema, type: [schema.type, "null"] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  if (Array.isArray(schema.type) && schema.type.includes("null")) return schema;
  return { anyOf: [schema, { type: "null" }] };
}

export function arrayOf(items: JsonSchema): JsonSchema {
  return { type: "array", items };
}

export function anyOf(schemas: JsonSchema[]): JsonSchema {
  return schemas.length === 1 ? schemas[0] : { anyOf: schemas };
}

export function allOf(schemas: JsonSchema[]): JsonSchema {
  return schemas.length === 1 ? schemas[0] : { allOf: schemas };
}

export function literal(value: unknown): JsonSchema {
  const type = jsonType(value);
  return type ? { type, const: value } : { const: value };
}

export function enumOf(values: unknown[]): JsonSchema {
  const types = [...new Set(values.map(jsonType))];
  return types.length === 1 && types[0] ? { type: types[0], enum: values } : { enum: values };
}

function jsonType(value: unknown): string | undefined {
  if (value === null) return "null";
  if (typeof value === "string" || typeof value === "boolean") return typeof value;
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return undefined;
}

/** An object schema from properties in declaration order; absent-able ones are left out of `required`. */
export function objectOf(entries: [string, Converted][]): JsonSchema {
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [key, c] of entries) {
    properties[key] = c.schema;
    if (!c.optional) required.push(key);
  }
  return required.length ? { type: "object", properties, required } : { type: "object", properties };
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const p = schema.properties;
  return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, JsonSchema>) : {};
}

function requiredOf(schema: JsonSchema): string[] {
  return Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [];
}

function withRequired(schema: JsonSchema, required: string[]): JsonSchema {
  const { required: _old, ...rest } = schema;
  return required.length ? { ...rest, required } : rest;
}

/** Entries of an object schema, as converted properties (for extend, merge, pick). */
export function entriesOf(schema: JsonSchema): [string, Converted][] {
  const required = new Set(requiredOf(schema));
  return Object.entries(propertiesOf(schema)).map(([k, s]) => [k, { schema: s, optional: !required.has(k) }]);
}

/** `.extend({...})`, `.merge(other)`, `.keys({...})`: later properties replace earlier ones, other keywords are kept. */
export function extended(schema: JsonSchema, added: [string, Converted][]): JsonSchema {
  const byKey = new Map(entriesOf(schema));
  for (const [k, c] of added) {
    byKey.delete(k);
    byKey.set(k, c);
  }
  const { properties: _p, required: _r, ...rest } = unnamed(schema);
  return { ...rest, ...objectOf([...byKey]) };
}

/** `.pick(keys)` (keep) and `.omit(keys)` (drop). */
export function picked(schema: JsonSchema, keys: string[], keep: boolean): JsonSchema {
  const wanted = new Set(keys);
  const entries = entriesOf(schema).filter(([k]) => wanted.has(k) === keep);
  const { properties: _p, required: _r, ...rest } = unnamed(schema);
  return { ...rest, ...objectOf(entries) };
}

/** `.partial()` makes every property (or the listed ones) optional; `.required()` the reverse. */
export function withPresence(schema: JsonSchema, optional: boolean, keys?: string[]): JsonSchema {
  const all = Object.keys(propertiesOf(schema));
  const affected = new Set(keys ?? all);
  const current = new Set(requiredOf(schema));
  const required = all.filter((k) => (affected.has(k) ? !optional : current.has(k)));
  return withRequired(unnamed(schema), required);
}

/** A regular expression literal's source text (`/^[a-z]+$/i` → "^[a-z]+$"); flags have no JSON Schema form. */
export function regexPattern(text: string | undefined): string | undefined {
  const m = text ? /^\/(.*)\/[a-z]*$/s.exec(text) : null;
  return m ? m[1] : undefined;
}

/** "createArticleSchema" → "CreateArticle", "user_schema" → "User": a components.schemas key. */
export function componentName(declared: string): string {
  const base = declared.replace(/[-_]?schema$/i, "") || declared;
  const words = base.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return name || "Schema";
}
