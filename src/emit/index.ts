// Writes every artifact of a review into one folder. Only bka's own file names are touched:
// anything else already in the folder is left as it is.
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ArchitectureModel } from "../model/types.ts";
import type { Finding } from "../model/finding.ts";
import { BadInputError } from "../ingest/workspace/types.ts";
import { packageVersion } from "./common.ts";
import { toHtml } from "./html.ts";
import { toJson } from "./json.ts";
import { toMarkdown } from "./markdown.ts";
import { toArchitectureMermaid, toErMermaid } from "./mermaid.ts";
import { toOpenApiYaml } from "./openapi.ts";
import { toSarifText } from "./sarif.ts";
import { toSchemaSql } from "./sql.ts";

export { toHtml } from "./html.ts";
export { toJson } from "./json.ts";
export { toMarkdown } from "./markdown.ts";
export { toArchitectureMermaid, toErMermaid } from "./mermaid.ts";
export { toOpenApi, toOpenApiYaml } from "./openapi.ts";
export { toSarif, toSarifText } from "./sarif.ts";
export { toSchemaSql } from "./sql.ts";
export { shouldUseColor, toTerminal } from "./terminal.ts";

export const OUTPUT_FILES = [
  "report.md",
  "model.json",
  "findings.sarif",
  "openapi.yaml",
  "report.html",
  "er.mmd",
  "architecture.mmd",
  "schema.sql",
] as const;
export type OutputFile = (typeof OUTPUT_FILES)[number];

export interface WriteOptions {
  /** Recorded in findings.sarif; defaults to bka's package version. */
  toolVersion?: string;
}

/** Writes the artifacts and returns the names written, in a fixed order. */
export function writeOutputs(
  dir: string,
  model: ArchitectureModel,
  findings: readonly Finding[],
  options: WriteOptions = {},
): OutputFile[] {
  const contents: Record<OutputFile, () => string> = {
    "report.md": () => toMarkdown(model, findings),
    "model.json": () => toJson(model, findings),
    "findings.sarif": () => toSarifText(findings, model, options.toolVersion ?? packageVersion()),
    "openapi.yaml": () => toOpenApiYaml(model),
    "report.html": () => toHtml(model, findings, { toolVersion: options.toolVersion }),
    "er.mmd": () => toErMermaid(model),
    "architecture.mmd": () => toArchitectureMermaid(model),
    "schema.sql": () => toSchemaSql(model),
  };
  prepareDirectory(dir);
  for (const name of OUTPUT_FILES) {
    try {
      writeFileSync(join(dir, name), contents[name]());
    } catch (error) {
      throw asBadInput(error, join(dir, name));
    }
  }
  return [...OUTPUT_FILES];
}

function prepareDirectory(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new BadInputError(`output path is not a directory: ${dir}`, dir);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw asBadInput(error, dir);
  }
}

/** File-system refusals (permissions, a file where a folder should be) are the user's to fix. */
function asBadInput(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && ["EACCES", "EPERM", "ENOTDIR", "EEXIST", "EROFS", "EISDIR", "ENOSPC"].includes(code)) {
    return new BadInputError(`cannot write ${path}: ${code}`, path);
  }
  return error;
}
