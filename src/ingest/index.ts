// Builds the Architecture Model from a folder: discover → parse → extract facts per file → link.
// Each file is parsed once and walked once; only its facts are kept, never its AST.
import type { ArchitectureModel, Skipped } from "../model/types.ts";
import type { FileFacts } from "./js/facts.ts";
import { analyzeFile } from "./analyze-file.ts";
import { discoverWorkspace } from "./workspace/discover.ts";
import { createResolver } from "./workspace/resolver.ts";
import { BadInputError, type Workspace } from "./workspace/types.ts";
import { buildModel } from "./link/build-model.ts";
import { prepareSchemaSources } from "./data/index.ts";
import { analyzeInParallel, workerCount } from "./parallel.ts";

export interface IngestOptions {
  /** Called as files are parsed, for the CLI's progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface IngestResult {
  model: ArchitectureModel;
  /** Absolute root, for reading evidence lines. */
  root: string;
}

export async function ingest(path: string, options: IngestOptions = {}): Promise<IngestResult> {
  const workspace = discoverWorkspace(path);
  const resolver = createResolver(workspace);
  const facts: FileFacts[] = [];
  const skipped: Skipped[] = [...workspace.skipped];
  const warnings: string[] = [];
  let bytes = 0;
  const workers = workerCount(workspace);
  const outcomes = workers > 0
    ? await analyzeInParallel(workspace, resolver, workers, { onProgress: options.onProgress })
    : workspace.files.map((file, i) => {
        const outcome = analyzeFile(file, resolver);
        options.onProgress?.(i + 1, workspace.files.length);
        return outcome;
      });
  workspace.files.forEach((file, i) => {
    const outcome = outcomes[i];
    if ("facts" in outcome) {
      facts.push(outcome.facts);
      bytes += file.size;
      if (outcome.recovered) warnings.push(`${file.path}:${outcome.recovered.line}:${outcome.recovered.column}: syntax error (${outcome.recovered.message}); the rest of the file was still read`);
    } else {
      skipped.push(outcome.skipped);
    }
  });
  if (facts.length === 0) {
    throw new BadInputError(`none of the ${workspace.files.length} source file(s) under ${path} could be read: ${skipped.filter((s) => s.reason === "syntax-error" || s.reason === "unreadable").map((s) => `${s.path}${s.line ? `:${s.line}:${s.column}` : ""} (${s.detail ?? s.reason})`).slice(0, 5).join("; ")}`, path);
  }
  const model = buildModel(workspace, facts, { skipped, warnings, bytesParsed: bytes }, await prepareSchemaSources(workspace.root));
  return { model, root: workspace.root };
}

export { analyzeFile, EXTRACTORS, type FileOutcome } from "./analyze-file.ts";
export type { Workspace };
