// model.json: the model and findings as data. Keys are sorted at every level so the bytes do not
// depend on the order in which the pipeline happened to build each object.
import type { ArchitectureModel } from "../model/types.ts";
import type { Finding } from "../model/finding.ts";
import { withSortedKeys } from "./common.ts";

/** Version of this file's layout; bump when a consumer would need to change. */
export const JSON_FORMAT_VERSION = 1;

export function toJson(model: ArchitectureModel, findings: readonly Finding[]): string {
  const document = {
    version: JSON_FORMAT_VERSION,
    model: withSortedKeys(model),
    findings: withSortedKeys(findings),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
