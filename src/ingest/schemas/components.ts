// Shared schemas: every schema a named declaration produced (marked by the converters) moves into
// components.schemas once, and each place it appeared gets a `$ref`. Names are the declarations'
// own; two different schemas under one name become "Name" and "Name2", ordered by content so the
// result does not depend on the order endpoints were found in.
import type { Endpoint, JsonSchema, RequestSchemas } from "../../model/types.ts";
import { NAME_KEY } from "./shape.ts";

const REF_PREFIX = "#/components/schemas/";

export interface HoistedSchemas {
  endpoints: Endpoint[];
  schemas: Record<string, JsonSchema>;
}

/**
 * Request bodies and responses become `$ref`s when they are named; query, path and header schemas
 * stay inline at the top (OpenAPI lists them as parameters, property by property) and only the
 * named schemas inside them are shared.
 */
export function hoistSchemas(endpoints: Endpoint[], existing: Record<string, JsonSchema> = {}): HoistedSchemas {
  const found = new Map<string, { name: string; schema: JsonSchema }>();
  for (const e of endpoints) for (const [schema, hoistTop] of schemasOf(e)) collect(schema, hoistTop, found);
  const names = assignNames(found, new Set(Object.keys(existing)));
  const replace = (value: unknown, hoistTop: boolean) => replaced(value, hoistTop, names);

  const schemas: Record<string, JsonSchema> = { ...existing };
  for (const [key, { schema }] of found) schemas[names.get(key)!] = replace(schema, false) as JsonSchema;
  const hoisted = endpoints.map((e) => ({
    ...e,
    request: mapRequest(e.request, (part, schema) => replace(schema, part === "body") as JsonSchema),
    responses: Object.fromEntries(Object.entries(e.responses).map(([code, s]) => [code, replace(s, true) as JsonSchema])),
  }));
  return { endpoints: hoisted, schemas: Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]])) };
}

/** Each schema of an endpoint, and whether it is itself shared when named (bodies and responses are). */
function schemasOf(e: Endpoint): [JsonSchema, boolean][] {
  const request = (Object.keys(e.request) as (keyof RequestSchemas)[]).flatMap((part): [JsonSchema, boolean][] => {
    const schema = e.request[part];
    return schema ? [[schema, part === "body"]] : [];
  });
  return [...request, ...Object.values(e.responses).map((s): [JsonSchema, boolean] => [s, true])];
}

function mapRequest(request: RequestSchemas, fn: (part: keyof RequestSchemas, schema: JsonSchema) => JsonSchema): RequestSchemas {
  const out: RequestSchemas = {};
  for (const part of Object.keys(request) as (keyof RequestSchemas)[]) {
    const schema = request[part];
    if (schema) out[part] = fn(part, schema);
  }
  return out;
}

/** Every named schema inside a value, by its content (names of nested ones included). */
function collect(value: unknown, hoistTop: boolean, found: Map<string, { name: string; schema: JsonSchema }>): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, true, found);
    return;
  }
  if (!value || typeof value !== "object") return;
  const schema = value as JsonSchema;
  const name = schema[NAME_KEY];
  if (hoistTop && typeof name === "string") {
    const key = canonical(schema);
    if (!found.has(key)) found.set(key, { name, schema });
  }
  for (const v of Object.values(schema)) collect(v, true, found);
}

/** Content key → component name; a name already taken gets the next free number. */
function assignNames(found: Map<string, { name: string }>, taken: Set<string>): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const [key, { name }] of found) byName.set(name, [...(byName.get(name) ?? []), key]);
  const names = new Map<string, string>();
  for (const name of [...byName.keys()].sort()) {
    const base = safeName(name);
    for (const key of byName.get(name)!.sort()) {
      let candidate = base;
      for (let n = 2; taken.has(candidate); n++) candidate = `${base}${n}`;
      taken.add(candidate);
      names.set(key, candidate);
    }
  }
  return names;
}

function replaced(value: unknown, hoistTop: boolean, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => replaced(v, true, names));
  if (!value || typeof value !== "object") return value;
  const schema = value as JsonSchema;
  if (hoistTop && typeof schema[NAME_KEY] === "string") return { $ref: REF_PREFIX + names.get(canonical(schema))! };
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) if (k !== NAME_KEY) out[k] = replaced(v, true, names);
  return out;
}

/** components.schemas keys must match ^[a-zA-Z0-9._-]+$. */
function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]+/g, "_") || "Schema";
}

const canonicalMemo = new WeakMap<object, string>();

/** JSON with keys sorted: the same content gives the same text. */
function canonical(schema: JsonSchema): string {
  let text = canonicalMemo.get(schema);
  if (text === undefined) {
    text = sortedJson(schema);
    canonicalMemo.set(schema, text);
  }
  return text;
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}
