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
import { compareText } from "../model/order.ts";
import type { ModuleResolver, ResolveResult, SourceFile } from "./workspace/types.ts";

export const EXTRACTORS: readonly Extractor[] = [authSignals, graphqlFacts, schemaEnums, ...CODE_EXTRACTORS];

/** An import specifier the walk asked the resolver about, and its answer. */
export type Resolution = [specifier: string, answer: ResolveResult];

export type FileOutcome =
  | { facts: FileFacts; recovered?: { line: number; column: number; message: string }; resolutions?: Resolution[] }
  | { skipped: Skipped };

/** The file's text, or why it cannot be read. */
export function readSource(file: SourceFile): string | { skipped: Skipped } {
  try {
    return readFileSync(file.absPath, "utf8");
  } catch (error) {
    return { skipped: { path: file.path, reason: "unreadable", detail: (error as NodeJS.ErrnoException).code ?? String(error) } };
  }
}

/**
 * Reads (unless given the text), parses and walks one file. Never throws: a file that cannot be
 * used is skipped with the reason. The resolver's answers come back with the facts (for the fact
 * cache, which must know what they depended on).
 */
export function analyzeFile(file: SourceFile, resolver: ModuleResolver, extractors: readonly Extractor[] = EXTRACTORS, source?: string): FileOutcome {
  const text = source ?? readSource(file);
  if (typeof text !== "string") return text;
  const parsed = parseSource(file.path, text);
  if (isParseFailure(parsed)) {
    return { skipped: { path: file.path, reason: "syntax-error", detail: parsed.error.message, line: parsed.error.line, column: parsed.error.column } };
  }
  try {
    const asked = new Map<string, ResolveResult>();
    const recording: ModuleResolver = {
      resolve(fromFile, specifier) {
        const answer = resolver.resolve(fromFile, specifier);
        asked.set(specifier, answer);
        return answer;
      },
    };
    const facts = new FileAnalyzer(file.path, file.packageRoot, text, parsed.lineStarts, recording, extractors).analyze(parsed.program);
    const resolutions = [...asked].sort(([a], [b]) => compareText(a, b));
    return { facts, ...(parsed.errors[0] ? { recovered: parsed.errors[0] } : {}), resolutions };
  } catch (error) {
    return { skipped: { path: file.path, reason: "analysis-error", detail: error instanceof Error ? error.message : String(error) } };
  }
}
