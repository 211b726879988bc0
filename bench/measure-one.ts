// Measures one pass over one project in a fresh process, so peak RSS belongs to that pass alone.
// Prints one JSON line (a Measurement) on stdout; bench/run.ts reads it.
//
//   node --import tsx bench/measure-one.ts parse  <project folder>
//   node --import tsx bench/measure-one.ts review <project folder>
//   node --import tsx bench/measure-one.ts lint   <project folder>
//   node --import tsx bench/measure-one.ts cached <project folder>
//
// `parse` is the floor any review must pay: discover the files, read them, parse each and build
// its AST (reading `program` is what materialises the AST on Node 20). `review` is the whole
// library call, ingest and rules. `lint` is the peer: ESLint with the security presets of the
// accuracy benchmark (bench/accuracy/eslint-peer.ts) over exactly the files bka discovers.
// `cached` is the review with `cache` (bka review --cache) in bench/out/fact-cache: the first run
// fills it, later runs reuse the facts of the unchanged files.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { discoverWorkspace } from "../src/ingest/workspace/discover.ts";
import { isParseFailure, parseSource } from "../src/ingest/js/parse.ts";

export type MeasureMode = "parse" | "review" | "lint" | "cached";
export const MEASURE_MODES: readonly MeasureMode[] = ["parse", "review", "lint", "cached"];
const FACT_CACHE = fileURLToPath(new URL("./out/fact-cache", import.meta.url));

export interface Measurement {
  mode: MeasureMode;
  wallMs: number;
  /** process.resourceUsage().maxRSS, in MB. */
  peakRssMb: number;
  files: number;
  bytes: number;
  lines: number;
  /** parse: files oxc could not recover from. review: files skipped by discovery or parsing. */
  failures: number;
  /** review: endpoints and findings; lint: problems ESLint reported, as findings. */
  endpoints?: number;
  findings?: number;
}

interface Volume {
  files: number;
  bytes: number;
  lines: number;
  failures: number;
}

function parseOnly(root: string): Volume {
  const workspace = discoverWorkspace(root);
  const volume: Volume = { files: 0, bytes: 0, lines: 0, failures: 0 };
  for (const file of workspace.files) {
    const text = readFileSync(file.absPath, "utf8");
    const outcome = parseSource(file.path, text);
    volume.files += 1;
    volume.bytes += file.size;
    volume.lines += outcome.lineStarts.length;
    if (isParseFailure(outcome)) volume.failures += 1;
    // Reading the getter builds the AST, as the review's extraction will.
    else void outcome.program;
  }
  return volume;
}

type ReviewVolume = Volume & { endpoints: number; findings: number };
type Pass = (root: string) => Volume | Promise<ReviewVolume>;

/** Loaded only for the review pass, so the parse pass's peak RSS does not include the rules. */
async function loadFullReview(cache?: string): Promise<Pass> {
  const { review } = await import("../src/index.ts");
  return async (root) => {
    const { model, findings } = await review(root, cache ? { cache } : {});
    const { coverage } = model;
    return {
      files: coverage.filesParsed,
      bytes: coverage.bytesParsed,
      lines: coverage.linesParsed,
      failures: coverage.skipped.length,
      endpoints: model.endpoints.length,
      findings: findings.length,
    };
  };
}

interface EslintApi {
  ESLint: new (options: { cwd: string; overrideConfigFile: string; errorOnUnmatchedPattern: boolean }) => {
    calculateConfigForFile(path: string): Promise<unknown>;
    lintFiles(paths: string[]): Promise<{ messages: { fatal?: boolean }[] }[]>;
  };
}

/**
 * The peer's pass over `root`. ESLint, its plugins and its config are loaded before the clock
 * starts (by asking for one file's config), as the review's modules are: the time is linting alone.
 */
async function loadPeerLint(root: string): Promise<Pass> {
  const { ensurePeer, ESLINT_API, SPEED_CONFIG } = await import("./accuracy/eslint-peer.ts");
  const missing = ensurePeer();
  if (missing) throw new Error(missing);
  const { ESLint } = (await import(pathToFileURL(ESLINT_API).href)) as EslintApi;
  const eslint = new ESLint({ cwd: resolve(root), overrideConfigFile: SPEED_CONFIG, errorOnUnmatchedPattern: false });
  const files = discoverWorkspace(root).files.map((file) => file.absPath);
  if (files[0]) await eslint.calculateConfigForFile(files[0]);
  return async () => {
    const results = await eslint.lintFiles(files);
    const problems = results.reduce((sum, result) => sum + result.messages.filter((message) => !message.fatal).length, 0);
    const failures = results.filter((result) => result.messages.some((message) => message.fatal)).length;
    return { files: files.length, bytes: 0, lines: 0, failures, endpoints: 0, findings: problems };
  };
}

/** Module loading is left out of the time (all passes), Node startup too: see docs/benchmarks.md. */
export async function measure(mode: MeasureMode, root: string): Promise<Measurement> {
  const pass: Pass =
    mode === "parse" ? parseOnly : mode === "lint" ? await loadPeerLint(root) : await loadFullReview(mode === "cached" ? FACT_CACHE : undefined);
  const started = performance.now();
  const volume = await pass(root);
  const wallMs = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return { mode, wallMs: Math.round(wallMs), peakRssMb: Math.round(peakRssMb), ...volume };
}

function isMode(value: string | undefined): value is MeasureMode {
  return MEASURE_MODES.includes(value as MeasureMode);
}

async function main(): Promise<void> {
  const [mode, root] = process.argv.slice(2);
  if (!isMode(mode) || !root) {
    console.error(`usage: measure-one.ts <${MEASURE_MODES.join("|")}> <project folder>`);
    process.exitCode = 2;
    return;
  }
  const result = await measure(mode, root);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  // One line, no stack: run.ts shows it in the table's place.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
