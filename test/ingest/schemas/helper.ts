// Converts an exported schema of in-memory source files, as a framework would when a route names it.
import { CODE_EXTRACTORS } from "../../../src/ingest/code/index.ts";
import { authSignals } from "../../../src/ingest/code/auth-signals.ts";
import { schemaEnums } from "../../../src/ingest/schemas/enums.ts";
import { schemaFromSym, type ConvertedSchema } from "../../../src/ingest/schemas/index.ts";
import { NAME_KEY } from "../../../src/ingest/schemas/shape.ts";
import { analyzeSources } from "../analyze-helper.ts";

export { NAME_KEY };

/**
 * The schema `file` exports as `name`, with its own name marker moved to `name` (nested markers
 * stay, they are what the model builder shares). Throws when it does not convert.
 */
export function exportedSchema(files: Record<string, string>, file: string, name: string): ConvertedSchema {
  const index = analyzeSources(files, [...CODE_EXTRACTORS, authSignals, schemaEnums]);
  const converted = schemaFromSym({ k: "mod", file, name }, index);
  if (!converted) throw new Error(`${file}#${name} did not convert`);
  const { [NAME_KEY]: _name, ...schema } = converted.schema;
  return { ...converted, schema };
}

/** Whether `file`'s export `name` converts at all. */
export function converts(files: Record<string, string>, file: string, name: string): boolean {
  const index = analyzeSources(files, [...CODE_EXTRACTORS, authSignals, schemaEnums]);
  return schemaFromSym({ k: "mod", file, name }, index) !== undefined;
}
