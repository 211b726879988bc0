// Parses and walks files on worker threads and on the main thread at once: each file is
// independent until linking, and its facts are plain data. Every thread claims a few files at a
// time from one shared counter, so a thread that is slowed takes fewer files; the main thread is
// slowed by receiving (unpacking) the workers' facts, so it ends up with fewer.
import { availableParallelism } from "node:os";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { analyzeFile, type FileOutcome } from "./analyze-file.ts";
import { unpack, type PackedValue } from "./fact-transfer.ts";
import type { ModuleResolver, SourceFile, Workspace } from "./workspace/types.ts";

/** With BKA_WORKERS=auto, below this many bytes of source one thread is used. */
export const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;

/** Files claimed at a time: few enough that threads finish together, enough that messages stay few. */
const FILES_PER_CLAIM = 8;

export interface WorkerRequest {
  workspace: Workspace;
  /** Indexes into workspace.files in the order they are claimed. */
  order: number[];
  /** One Int32: the position in `order` of the next unclaimed file. */
  next: SharedArrayBuffer;
}

export type WorkerMessage =
  | { kind: "packed"; files: readonly number[]; packed: PackedValue }
  | { kind: "outcomes"; files: readonly number[]; outcomes: FileOutcome[] }
  | { kind: "error"; message: string };

/**
 * How many worker threads analyse files beside the main thread. Opt-in: `BKA_WORKERS=N`, or
 * `auto` on projects over 2 MB: one worker per two cores beyond the first two, at most three.
 * One analysing thread already keeps ~1.5 cores busy (V8 collects garbage and compiles on helper
 * threads: ghost took 5.1 s of CPU in 3.4 s), so on 2 cores a worker only competes with them:
 * ghost's review took 4.80 s with one worker against 4.49 s without (docs/benchmarks.md).
 */
export function workerCount(workspace: Workspace): number {
  const setting = process.env.BKA_WORKERS;
  if (!setting || setting === "0") return 0;
  if (setting === "auto") {
    const bytes = workspace.files.reduce((n, f) => n + f.size, 0);
    return bytes < PARALLEL_MIN_BYTES ? 0 : autoWorkers(availableParallelism());
  }
  const requested = Number(setting);
  return Number.isInteger(requested) && requested > 0 ? requested : 0;
}

/** 2-3 cores: none; 4-5: one; 6-7: two; 8 or more: three. */
export function autoWorkers(cores: number): number {
  return Math.min(Math.max(Math.floor(cores / 2) - 1, 0), 3);
}

/** Hands out files to threads, a few at a time, through a counter all threads share. */
export class FileQueue {
  private readonly next: Int32Array;

  constructor(private readonly order: readonly number[], counter: SharedArrayBuffer) {
    this.next = new Int32Array(counter);
  }

  /** The next files to analyse; empty when every file has been claimed. */
  claim(): number[] {
    const start = Atomics.add(this.next, 0, FILES_PER_CLAIM);
    return this.order.slice(start, start + FILES_PER_CLAIM);
  }
}

export interface ParallelOptions {
  onProgress?: (done: number, total: number) => void;
  /** False leaves every file to the workers (tests use it to be sure the workers did the work). */
  mainThreadAnalyses?: boolean;
}

/** Analyses every file of the workspace on the main thread and `count` workers; outcomes come back in file order. */
export async function analyzeInParallel(workspace: Workspace, resolver: ModuleResolver, count: number, options: ParallelOptions = {}): Promise<FileOutcome[]> {
  const { onProgress, mainThreadAnalyses = true } = options;
  const total = workspace.files.length;
  const outcomes: FileOutcome[] = new Array(total);
  let done = 0;
  let allRecorded!: () => void;
  let failed!: (error: Error) => void;
  const complete = new Promise<void>((resolve, reject) => ((allRecorded = resolve), (failed = reject)));
  complete.catch(() => {}); // awaited below, after the main thread's share; until then a failure waits there
  const record = (files: readonly number[], results: readonly FileOutcome[]) => {
    files.forEach((file, i) => (outcomes[file] = results[i]));
    done += files.length;
    onProgress?.(done, total);
    if (done === total) allRecorded();
  };
  if (total === 0) allRecorded();
  const request: WorkerRequest = { workspace, order: largestFirst(workspace.files), next: new SharedArrayBuffer(4) };
  const workers = Array.from({ length: count }, () => new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: request }));
  for (const worker of workers) listen(worker, record, failed);
  const queue = new FileQueue(request.order, request.next);
  for (let files = mainThreadAnalyses ? queue.claim() : []; files.length > 0; files = queue.claim()) {
    record(files, files.map((file) => analyzeFile(workspace.files[file], resolver)));
    // Lets the workers' facts arrive in between; the time they take to receive comes out of this thread's share.
    await yieldToEventLoop();
  }
  try {
    await complete;
  } finally {
    // Once every file is in, a worker still starting (on a small project the main thread may do
    // it all) has nothing left to do: stop it rather than wait for it to load.
    for (const worker of workers) void worker.terminate();
  }
  return outcomes;
}

/** Largest files first, so the last claims are small and the threads finish close together. */
function largestFirst(files: readonly SourceFile[]): number[] {
  return files.map((_, i) => i).sort((a, b) => files[b].size - files[a].size || a - b);
}

/** Records each batch of outcomes a worker sends; reports its failure (a stop after all files are in is none). */
function listen(worker: Worker, record: (files: readonly number[], outcomes: readonly FileOutcome[]) => void, fail: (error: Error) => void): void {
  worker.on("message", (message: WorkerMessage) => {
    if (message.kind === "packed") record(message.files, unpack(message.packed) as FileOutcome[]);
    else if (message.kind === "outcomes") record(message.files, message.outcomes);
    else fail(new Error(message.message));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => code !== 0 && fail(new Error(`analysis worker exited with code ${code}`)));
}
