// Builds the Architecture Model from a folder: discover → parse → extract facts per file → link.
// Each file is parsed once and walked once; only its facts are kept, never its AST.
import type { ArchitectureModel, Skipped } from "../model/types.ts";
import type { FileFacts } from "./js/facts.ts";
import { analyzeFile, EXTRACTORS, readSource, type FileOutcome } from "./analyze-file.ts";
import { FactCache } from "./fact-cache.ts";
import { cacheDirectory } from "../cache-directory.ts";
import { discoverWorkspace } from "./workspace/discover.ts";
import { createResolver } from "./workspace/resolver.ts";
import { BadInputError, type ModuleResolver, type Workspace } from "./workspace/types.ts";
import { buildModel } from "./link/build-model.ts";
import { prepareSchemaSources } from "./data/index.ts";
import { analyzeInParallel, workerCount } from "./parallel.ts";

export interface IngestOptions {
  /** Called as files are parsed, for the CLI's progress bar. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Reuse the facts of unchanged files from the last run (src/ingest/fact-cache.ts): true for
   * bka's cache directory ($BKA_CACHE_DIR, else ~/.cache/bka), or a folder. Off by default.
   */
  cache?: boolean | string;
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
  const cache = options.cache ? FactCache.open(workspace.root, typeof options.cache === "string" ? options.cache : cacheDirectory()) : undefined;
  if (cache?.unreadable) warnings.push(`the fact cache ${cache.file} could not be read (${cache.unreadable}); every file was analysed again`);
  const outcomes = cache ? await analyzeWithCache(workspace, resolver, cache, options) : await analyzeAll(workspace, resolver, options);
  const unsaved = cache?.save();
  if (unsaved) warnings.push(`the fact cache ${cache!.file} could not be written (${unsaved})`);
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

/** Every file's outcome, in file order: on worker threads when the project is large and the machine has the cores. */
async function analyzeAll(workspace: Workspace, resolver: ModuleResolver, options: IngestOptions, texts?: readonly string[]): Promise<FileOutcome[]> {
  const workers = workerCount(workspace);
  if (workers > 0) return analyzeInParallel(workspace, resolver, workers, { onProgress: options.onProgress });
  return workspace.files.map((file, i) => {
    const outcome = analyzeFile(file, resolver, EXTRACTORS, texts?.[i]);
    options.onProgress?.(i + 1, workspace.files.length);
    return outcome;
  });
}

/** Like analyzeAll, but a file whose cached facts still hold is not parsed; fresh facts are remembered. */
async function analyzeWithCache(workspace: Workspace, resolver: ModuleResolver, cache: FactCache, options: IngestOptions): Promise<FileOutcome[]> {
  const total = workspace.files.length;
  const outcomes: FileOutcome[] = new Array(total);
  const texts: string[] = new Array(total);
  const misses: number[] = [];
  workspace.files.forEach((file, i) => {
    const text = readSource(file);
    const cached = typeof text === "string" ? cache.lookup(file, text, resolver) : text;
    if (cached) {
      outcomes[i] = cached;
    } else {
      texts[i] = text as string;
      misses.push(i);
    }
  });
  const hits = total - misses.length;
  options.onProgress?.(hits, total);
  const fresh = await analyzeAll({ ...workspace, files: misses.map((i) => workspace.files[i]) }, resolver, {
    onProgress: options.onProgress && ((done) => options.onProgress!(hits + done, total)),
  }, misses.map((i) => texts[i]));
  misses.forEach((fileIndex, i) => {
    const outcome = fresh[i];
    outcomes[fileIndex] = outcome;
    if ("facts" in outcome) cache.remember(workspace.files[fileIndex], texts[fileIndex], outcome);
  });
  return outcomes;
}

export { analyzeFile, EXTRACTORS, type FileOutcome } from "./analyze-file.ts";
export type { Workspace };
