// The text of docs/requirements.schema.json, so the generator script and its freshness test agree.
import { requirementsJsonSchema } from "./schema.ts";

export function requirementsSchemaText(): string {
  return `${JSON.stringify(requirementsJsonSchema(), null, 2)}\n`;
}
