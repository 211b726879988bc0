// Builds the Architecture Model from a folder: discover → parse → extract facts per file → link.
// Each file is parsed once and walked once; only its facts are kept, never its AST.
import { readFileSync } from "node:fs";
import type { ArchitectureModel, Skipped } from "../model/types.ts";
import { FileAnalyzer, type Extractor } from "./js/analyzer.ts";
import type { FileFacts } from "./js/facts.ts";
import { isParseFailure, parseSource } from "./js/parse.ts";
import { authSignals } from "./code/auth-signals.ts";
import { CODE_EXTRACTORS } from "./code/index.ts";
import { graphqlFacts } from "./code/graphql.ts";
import { schemaEnums } from "./schemas/enums.ts";
import { discoverWorkspace } from "./workspace/discover.ts";
import { createResolver } from "./workspace/resolver.ts";
import { BadInputError, type ModuleResolver, type SourceFile, type Workspace } from "./workspace/types.ts";
import { buildModel } from "./link/build-model.ts";
import { analyzeInWorkers, workerCount } from "./parallel.ts";

export interface IngestOptions {
  /** Called as files are parsed, for the CLI's progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface IngestResult {
  model: ArchitectureModel;
  /** Absolute root, for reading evidence lines. */
  root: string;
}

export const EXTRACTORS: readonly Extractor[] = [authSignals, graphqlFacts, schemaEnums, ...CODE_EXTRACTORS];

export async function ingest(path: string, options: IngestOptions = {}): Promise<IngestResult> {
  const workspace = discoverWorkspace(path);
  const resolver = createResolver(workspace);
  const facts: FileFacts[] = [];
  const skipped: Skipped[] = [...workspace.skipped];
  const warnings: string[] = [];
  let bytes = 0;
  const workers = workerCount(workspace);
  const outcomes = workers > 0
    ? await analyzeInWorkers(workspace, workers, options.onProgress)
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
  const model = buildModel(workspace, facts, { skipped, warnings, bytesParsed: bytes });
  return { model, root: workspace.root };
}

export type FileOutcome = { facts: FileFacts; recovered?: { line: number; column: number; message: string } } | { skipped: Skipped };

/** Reads, parses and walks one file. Never throws: a file that cannot be used is skipped with the reason. */
export function analyzeFile(file: SourceFile, resolver: ModuleResolver, extractors: readonly Extractor[] = EXTRACTORS): FileOutcome {
  let text: string;
  try {
    text = readFileSync(file.absPath, "utf8");
  } catch (error) {
    return { skipped: { path: file.path, reason: "unreadable", detail: (error as NodeJS.ErrnoException).code ?? String(error) } };
  }
  const parsed = parseSource(file.path, text);
  if (isParseFailure(parsed)) {
    return { skipped: { path: file.path, reason: "syntax-error", detail: parsed.error.message, line: parsed.error.line, column: parsed.error.column } };
  }
  try {
    const facts = new FileAnalyzer(file.path, file.packageRoot, text, parsed.lineStarts, resolver, extractors).analyze(parsed.program);
    return { facts, ...(parsed.errors[0] ? { recovered: parsed.errors[0] } : {}) };
  } catch (error) {
    return { skipped: { path: file.path, reason: "analysis-error", detail: error instanceof Error ? error.message : String(error) } };
  }
}

export type { Workspace };
