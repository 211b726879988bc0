// Schema conversion, written once for every framework: a symbolic value that declares a request
// or response shape (a JSON Schema literal, a zod/joi/valibot/TypeBox builder chain, a
// class-validator DTO class) becomes a JSON Schema. Each library is one converter here.
import type { JsonSchema } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { symToJson } from "./json-schema.ts";

export interface ConvertedSchema {
  schema: JsonSchema;
  /** "json-schema", "zod", "joi", "valibot", "typebox", "class-validator" */
  library: string;
  /** A name for components.schemas when the schema is a named declaration (DTO class, exported const). */
  name?: string;
}

/** Converts what a route declares as its schema; undefined when it is not a recognisable schema. */
export function schemaFromSym(sym: Sym, index: ProjectIndex): ConvertedSchema | undefined {
  const schema = symToJson(sym, index);
  return schema ? { schema, library: "json-schema" } : undefined;
}
