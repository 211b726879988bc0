// Schema conversion, written once for every framework: a symbolic value that declares a request
// or response shape (a JSON Schema literal, a zod/joi/valibot/TypeBox builder chain, a
// class-validator DTO class) becomes a JSON Schema (2020-12, as OpenAPI 3.1 uses). Each library is
// one converter file here; reader.ts is the walk they share, shape.ts the JSON Schema they build.
//
// Named declarations (an exported `createArticleSchema`, a `CreateArticleDto` class) come back
// marked with `x-bka-name` wherever they appear, nested ones included; the model builder hoists
// them into components.schemas (see components.ts), so frameworks only pass schemas through.
import type { JsonSchema } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { classValidatorConverter } from "./class-validator.ts";
import { joiConverter } from "./joi.ts";
import { jsonSchemaConverter } from "./json-schema.ts";
import { SchemaReader, type SchemaConverter } from "./reader.ts";
import { nameOf } from "./shape.ts";
import { typeboxConverter } from "./typebox.ts";
import { valibotConverter } from "./valibot.ts";
import { zodConverter } from "./zod.ts";

export { NAME_KEY } from "./shape.ts";

export interface ConvertedSchema {
  schema: JsonSchema;
  /** "json-schema", "zod", "joi", "valibot", "typebox", "class-validator" */
  library: string;
  /** A name for components.schemas when the schema is a named declaration (DTO class, exported const). */
  name?: string;
}

/** Builder libraries, recognised by the package their chains start from. */
const BUILDERS: readonly SchemaConverter[] = [zodConverter, joiConverter, valibotConverter, typeboxConverter];

/** Converts what a route declares as its schema; undefined when it is not a recognisable schema. */
export function schemaFromSym(sym: Sym, index: ProjectIndex): ConvertedSchema | undefined {
  const reader = new SchemaReader(index, BUILDERS, jsonSchemaConverter, classValidatorConverter);
  const converted = reader.convert(sym);
  if (!converted || !reader.library) return undefined;
  const name = nameOf(converted.schema);
  return { schema: converted.schema, library: reader.library, ...(name ? { name } : {}) };
}
