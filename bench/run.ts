// The performance benchmark: for each corpus project, a parse-only pass (discover + parse + build
// the AST) and the full review, each in its own child process (bench/measure-one.ts) so wall
// time and peak RSS belong to that pass alone. Prints a Markdown table and writes it to
// bench/out/latest.md. Target (from the issue): review within 2x the parse-only pass, peak RSS
// under 1 GB. The peer, ESLint with the accuracy benchmark's security presets, lints the same files in
// the same run (measure-one's `lint` mode; installed into the git-ignored bench/corpus/tools).
//
//   npm run bench                              # ghost, parse-server; 3 runs each, median time
//   npm run bench -- --runs 5 --extra          # more runs; also the optional projects
//   npm run bench -- --only parse-server
//   npm run bench -- --node /path/to/node22    # measure under another Node binary
//   npm run bench -- --path ../my-api           # any folder(s) instead of the corpus
//   npm run bench -- --peer-runs 0              # without the ESLint peer (default: 1 run)
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fetchCorpus, projectPath, type CorpusProject } from "./fetch-corpus.ts";
import type { Measurement, MeasureMode } from "./measure-one.ts";
import { PEER_NAME } from "./accuracy/eslint-peer.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, "..");
const OUT_FILE = join(BENCH_DIR, "out", "latest.md");
const MEASURE_SCRIPT = relative(REPO_ROOT, join(BENCH_DIR, "measure-one.ts"));
const CHILD_TIMEOUT_MS = 20 * 60 * 1000;

const TARGET_RATIO = 2;
const TARGET_RSS_MB = 1024;

interface BenchOptions {
  runs: number;
  includeOptional: boolean;
  only?: string;
  node: string;
  /** Folders to measure instead of the corpus. */
  paths: string[];
  /** Runs of the ESLint peer per project; 0 leaves it out. */
  peerRuns: number;
}

/** What a table row is about: a corpus project or a folder given with --path. */
interface Target {
  label: string;
  folder: string;
}

/** A mode's result over several runs: median wall time, highest peak RSS; or why it failed. */
type ModeResult = { ok: true; wallMs: number; peakRssMb: number; last: Measurement } | { ok: false; error: string };

interface ProjectResult {
  target: Target;
  parse: ModeResult;
  review: ModeResult;
  /** Median over the runs of review time ÷ parse-only time of the same run. */
  ratio?: number;
  /** The ESLint peer over the same files, when measured. */
  peer?: ModeResult;
  /** The review again with a fact cache the first of these runs filled (not counted). */
  cached?: ModeResult;
}

function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      extra: { type: "boolean", default: false },
      only: { type: "string" },
      node: { type: "string", default: process.execPath },
      path: { type: "string", multiple: true, default: [] },
      "peer-runs": { type: "string", default: "1" },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got "${values.runs}"`);
  const peerRuns = Number(values["peer-runs"]);
  if (!Number.isInteger(peerRuns) || peerRuns < 0) throw new Error(`--peer-runs must be 0 or more, got "${values["peer-runs"]}"`);
  return { runs, includeOptional: values.extra, only: values.only, node: values.node, paths: values.path, peerRuns };
}

function measureOnce(node: string, mode: MeasureMode, folder: string): Promise<Measurement> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, ["--import", "tsx", MEASURE_SCRIPT, mode, folder], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: CHILD_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const lastLine = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && lastLine.startsWith("{")) {
        resolvePromise(JSON.parse(lastLine) as Measurement);
        return;
      }
      const reason = stderr.trim().split("\n").pop() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(new Error(reason));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarise(runs: Measurement[]): ModeResult {
  return {
    ok: true,
    wallMs: median(runs.map((run) => run.wallMs)),
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
    last: runs[runs.length - 1],
  };
}

/**
 * Parse-only and review alternate, run by run, and the ratio is the median of each pair's ratio:
 * on a shared machine the speed drifts by tens of percent within minutes, and a pair measured
 * back to back shares the drift.
 */
async function benchTarget(options: BenchOptions, target: Target): Promise<ProjectResult> {
  process.stderr.write(`bench: ${target.label} parse-only and review, alternating ×${options.runs} …\n`);
  const parses: Measurement[] = [];
  const reviews: Measurement[] = [];
  let failed: { mode: MeasureMode; error: string } | undefined;
  for (let run = 0; run < options.runs && !failed; run += 1) {
    for (const mode of ["parse", "review"] as const) {
      try {
        (mode === "parse" ? parses : reviews).push(await measureOnce(options.node, mode, target.folder));
      } catch (error) {
        failed = { mode, error: error instanceof Error ? error.message : String(error) };
        break;
      }
    }
  }
  const failure = (mode: MeasureMode): ModeResult | undefined => (failed?.mode === mode ? { ok: false, error: failed.error } : undefined);
  const parse = failure("parse") ?? (parses.length ? summarise(parses) : { ok: false as const, error: "not run" });
  const review = failure("review") ?? (reviews.length ? summarise(reviews) : { ok: false as const, error: "not run: parse-only failed" });
  const pairs = Math.min(parses.length, reviews.length);
  const ratio = pairs ? median(Array.from({ length: pairs }, (_, i) => reviews[i].wallMs / parses[i].wallMs)) : undefined;
  const cached = review.ok ? await benchRuns(options, target, "cached", options.runs, "review with the fact cache", 1) : undefined;
  const peer = options.peerRuns > 0 ? await benchRuns(options, target, "lint", options.peerRuns, "ESLint peer") : undefined;
  return { target, parse, review, ...(ratio !== undefined ? { ratio } : {}), ...(cached ? { cached } : {}), ...(peer ? { peer } : {}) };
}

/** `runs` measured runs of one mode, after `unmeasured` runs that only prepare (fill a cache). */
async function benchRuns(options: BenchOptions, target: Target, mode: MeasureMode, runs: number, label: string, unmeasured = 0): Promise<ModeResult> {
  process.stderr.write(`bench: ${target.label} ${label} ×${runs} …\n`);
  const measured: Measurement[] = [];
  try {
    for (let run = 0; run < unmeasured + runs; run += 1) {
      const measurement = await measureOnce(options.node, mode, target.folder);
      if (run >= unmeasured) measured.push(measurement);
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return summarise(measured);
}

async function selectTargets(options: BenchOptions): Promise<Target[]> {
  if (options.paths.length > 0) {
    return options.paths.map((path) => ({ label: basename(resolve(path)), folder: resolve(path) }));
  }
  const fetched = await fetchCorpus({ includeOptional: options.includeOptional });
  const projects = options.only ? fetched.filter((project) => project.dir === options.only) : fetched;
  if (projects.length === 0) {
    throw new Error(`no corpus project named "${options.only}" (have: ${fetched.map((project) => project.dir).join(", ")})`);
  }
  return projects.map((project: CorpusProject) => ({ label: project.spec, folder: projectPath(project) }));
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

function cell(result: ModeResult, pick: (ok: Extract<ModeResult, { ok: true }>) => string): string {
  return result.ok ? pick(result) : "failed";
}

function row({ target, parse, review, ratio, peer, cached }: ProjectResult): string {
  const volume = parse.ok ? parse.last : undefined;
  const met =
    ratio === undefined || !review.ok ? "—" : ratio <= TARGET_RATIO && review.peakRssMb < TARGET_RSS_MB ? "yes" : "no";
  return [
    target.label,
    volume ? String(volume.files) : "—",
    volume ? (volume.lines / 1000).toFixed(1) : "—",
    volume ? (volume.bytes / 1024 / 1024).toFixed(1) : "—",
    cell(parse, (r) => seconds(r.wallMs)),
    cell(review, (r) => seconds(r.wallMs)),
    ratio === undefined ? "—" : `${ratio.toFixed(2)}×`,
    cell(parse, (r) => String(r.peakRssMb)),
    cell(review, (r) => String(r.peakRssMb)),
    cell(review, (r) => String(r.last.endpoints ?? "—")),
    cell(review, (r) => String(r.last.findings ?? "—")),
    met,
    cached ? cell(cached, (r) => seconds(r.wallMs)) : "—",
    cached?.ok && parse.ok ? `${(cached.wallMs / parse.wallMs).toFixed(2)}×` : "—",
    peer ? cell(peer, (r) => seconds(r.wallMs)) : "—",
    peer?.ok && review.ok ? `${(review.wallMs / peer.wallMs).toFixed(2)}×` : "—",
    peer ? cell(peer, (r) => String(r.peakRssMb)) : "—",
  ].join(" | ");
}

function failureNotes(results: ProjectResult[]): string[] {
  const notes: string[] = [];
  for (const { target, parse, review, peer, cached } of results) {
    if (!parse.ok) notes.push(`- ${target.label} parse-only failed: ${parse.error}`);
    if (!review.ok) notes.push(`- ${target.label} review failed: ${review.error}`);
    if (peer && !peer.ok) notes.push(`- ${target.label} ESLint peer failed: ${peer.error}`);
    if (cached && !cached.ok) notes.push(`- ${target.label} review with the fact cache failed: ${cached.error}`);
  }
  return notes;
}

async function nodeVersionOf(node: string): Promise<string> {
  if (node === process.execPath) return process.version;
  return new Promise((resolvePromise) => {
    const child = spawn(node, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("close", () => resolvePromise(out.trim() || "unknown"));
    child.on("error", () => resolvePromise("unknown"));
  });
}

async function renderReport(options: BenchOptions, results: ProjectResult[]): Promise<string> {
  const cpuList = cpus();
  const header = [
    "project | files | kLOC | MB | parse-only s | review s | review/parse | parse peak RSS MB | review peak RSS MB | endpoints | findings | target met | review, fact cache s | cached/parse | ESLint s | review/ESLint | ESLint peak RSS MB",
    "---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|--:|--:|--:|--:|--:|",
  ];
  const notes = failureNotes(results);
  return [
    "# bka benchmark",
    "",
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- node: ${await nodeVersionOf(options.node)}`,
    `- cpu: ${cpuList[0]?.model.trim() ?? "unknown"} (${cpuList.length} logical cores)`,
    `- runs per figure: ${options.runs}, parse-only and review alternating (time: median; ratio: median of each run's review ÷ parse-only; RSS: highest)`,
    `- target: review ≤ ${TARGET_RATIO}× parse-only, peak RSS < ${TARGET_RSS_MB} MB`,
    "- review, fact cache: `review(folder, { cache })` (`bka review --cache`) after one unmeasured run filled the cache; every file unchanged (median; not what the target is about)",
    `- peer: ${options.peerRuns > 0 ? `${PEER_NAME} over the same files, ${options.peerRuns} run(s) after the pairs (time: median; review/ESLint: review median ÷ ESLint median)` : "not measured (--peer-runs 0)"}`,
    "",
    ...header,
    ...results.map(row),
    ...(notes.length > 0 ? ["", "Failures:", ...notes] : []),
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const options = readOptions();
  const targets = await selectTargets(options);
  const results: ProjectResult[] = [];
  for (const target of targets) results.push(await benchTarget(options, target));

  const report = await renderReport(options, results);
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, report);
  process.stdout.write(report);
  process.stderr.write(`bench: written to ${relative(process.cwd(), OUT_FILE)}\n`);
  if (results.some((result) => !result.parse.ok || !result.review.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
