// Request schemas that validation middleware receives as arguments, for every framework alike:
// `validate(schema)`, `validateQuery(schema)`, `validate(schema, 'params')`,
// `celebrate({ [Segments.BODY]: Joi.object(…) })`, `validate({ body, query })`,
// `zValidator('json', schema)`. Which part of the request a schema describes comes from a segment
// key, a target string argument, or the middleware's name; the body otherwise.
import type { JsonSchema, RequestSchemas } from "../../model/types.ts";
import { describe, own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { schemaFromSym } from "./index.ts";

type Part = keyof RequestSchemas;

export interface DeclaredRequest {
  request: RequestSchemas;
  /** The libraries the schemas were written with ("zod", "joi", …). */
  libraries: string[];
}

/** Words that name a part of the request: segment keys, target strings (`'json'`, `'param'`). */
const PART_WORDS: Record<string, Part> = {
  body: "body", json: "body", form: "body",
  query: "query", querystring: "query",
  params: "params", param: "params",
  headers: "headers", header: "headers",
};

const MAX_EXPORT_HOPS = 4;

/** The schemas the given middleware values declare; a part already found is not replaced. */
export function requestSchemasOf(middleware: readonly Sym[], index: ProjectIndex): DeclaredRequest {
  const request: RequestSchemas = {};
  const libraries = new Set<string>();
  for (const sym of middleware) {
    const call = callOf(sym, index);
    if (!call) continue;
    const fallback = targetOf(call, index);
    for (const arg of call.args) {
      for (const [part, found] of schemasIn(arg, fallback, index)) {
        if (request[part]) continue;
        request[part] = found.schema;
        libraries.add(found.library);
      }
    }
  }
  return { request, libraries: [...libraries].sort() };
}

/**
 * The call that made the middleware. Resolution would follow a project factory to the function
 * it returns and lose the arguments, so an imported value is followed through exports only.
 */
function callOf(sym: Sym, index: ProjectIndex): Extract<Sym, { k: "call" }> | undefined {
  let s = sym;
  for (let hops = 0; s.k === "mod" && hops < MAX_EXPORT_HOPS; hops++) {
    const next = own(index.files.get(s.file)?.exports, s.name);
    if (!next) return undefined;
    s = next;
  }
  return s.k === "call" ? s : undefined;
}

/** `zValidator('query', …)`, `validate(schema, 'params')`, `validateQuery(schema)`; else the body. */
function targetOf(call: Extract<Sym, { k: "call" }>, index: ProjectIndex): Part {
  for (const arg of call.args) {
    const value = index.resolve(arg);
    const part = value.k === "lit" && typeof value.value === "string" ? own(PART_WORDS, value.value.toLowerCase()) : undefined;
    if (part) return part;
  }
  const name = describe(call.callee).split(".").pop() ?? "";
  if (/query/i.test(name)) return "query";
  if (/params?$|Params?[A-Z]/.test(name)) return "params";
  if (/headers?/i.test(name)) return "headers";
  return "body";
}

/** A schema argument, or an object of them keyed by request part (celebrate's segments). */
function schemasIn(arg: Sym, fallback: Part, index: ProjectIndex): [Part, { schema: JsonSchema; library: string }][] {
  const value = index.resolve(arg);
  if (value.k === "lit") return [];
  if (value.k === "obj") {
    const keys = Object.keys(value.props);
    const parts = keys.map(segmentPart);
    if (keys.length && parts.every((p) => p !== undefined)) {
      return keys.flatMap((key, i) => {
        const converted = schemaFromSym(value.props[key], index);
        return converted ? [[parts[i]!, converted] as [Part, typeof converted]] : [];
      });
    }
  }
  const converted = schemaFromSym(arg, index);
  // Any object literal converts as JSON; only one that reads as a schema counts here.
  if (!converted || (converted.library === "json-schema" && !looksLikeSchema(converted.schema))) return [];
  return [[fallback, converted]];
}

/** "body", "query", and celebrate's `[celebrate.Segments.BODY]`; undefined for anything else. */
function segmentPart(key: string): Part | undefined {
  const word = key.replace(/^\[|\]$/g, "").split(".").pop()?.toLowerCase() ?? "";
  return own(PART_WORDS, word);
}

function looksLikeSchema(schema: JsonSchema): boolean {
  return ["type", "properties", "$ref", "anyOf", "oneOf", "allOf"].some((k) => k in schema);
}
