// Reads, parses and walks one file into its facts. Kept apart from ingest/index.ts so that an
// analysis worker loads only this and the extractors, not the linker and its schema parsers.
import { readFileSync } from "node:fs";
import { FileAnalyzer, type Extractor } from "./js/analyzer.ts";
import type { FileFacts } from "./js/facts.ts";
import { isParseFailure, parseSource } from "./js/parse.ts";
import { authSignals } from "./code/auth-signals.ts";
import { CODE_EXTRACTORS } from "./code/index.ts";
import { graphqlFacts } from "./code/graphql.ts";
import { schemaEnums } from "./schemas/enums.ts";
import type { Skipped } from "../model/types.ts";
import type { ModuleResolver, SourceFile } from "./workspace/types.ts";

export const EXTRACTORS: readonly Extractor[] = [authSignals, graphqlFacts, schemaEnums, ...CODE_EXTRACTORS];

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
