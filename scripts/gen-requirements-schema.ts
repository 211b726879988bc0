// Writes docs/requirements.schema.json from the zod schema (a test checks it is current).
import { writeFileSync } from "node:fs";
import { requirementsSchemaText } from "../src/ingest/requirements/json-schema.ts";

writeFileSync("docs/requirements.schema.json", requirementsSchemaText());
console.log("wrote docs/requirements.schema.json");
