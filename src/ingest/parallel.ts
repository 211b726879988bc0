// Parses and walks files on worker threads: each file is independent until linking, and its
// facts are plain data, so N workers take N slices and send facts back.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { SourceFile, Workspace } from "./workspace/types.ts";
import type { FileOutcome } from "./index.ts";

/** With BKA_WORKERS=auto, below this many bytes of source one thread is used. */
export const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;

export interface WorkerRequest {
  workspace: Workspace;
  files: number[]; // indexes into workspace.files
}

export type WorkerMessage =
  | { kind: "progress"; done: number }
  | { kind: "done"; outcomes: FileOutcome[] }
  | { kind: "error"; message: string };

/**
 * Workers are opt-in (`BKA_WORKERS=N`, or `auto` for one per core on projects over 2 MB).
 * Measured on the 2-core machines here (Node 20, ghost): 2 workers took 13.4 s against 7.5 s on
 * one thread, because each worker loads and transpiles the TypeScript sources again and the
 * facts are copied back; see docs/benchmarks.md.
 */
export function workerCount(workspace: Workspace): number {
  const setting = process.env.BKA_WORKERS;
  if (!setting || setting === "0") return 0;
  if (setting === "auto") {
    const bytes = workspace.files.reduce((n, f) => n + f.size, 0);
    return bytes < PARALLEL_MIN_BYTES ? 0 : Math.min(availableParallelism(), 4);
  }
  const requested = Number(setting);
  return Number.isInteger(requested) && requested > 0 ? requested : 0;
}

/** Analyses every file of the workspace on `count` workers; outcomes come back in file order. */
export async function analyzeInWorkers(workspace: Workspace, count: number, onProgress?: (done: number, total: number) => void): Promise<FileOutcome[]> {
  const slices = balance(workspace.files, count);
  const outcomes: FileOutcome[] = new Array(workspace.files.length);
  const progress = new Array(count).fill(0);
  const report = () => onProgress?.(progress.reduce((a, b) => a + b, 0), workspace.files.length);
  await Promise.all(
    slices.map((files, w) =>
      runWorker({ workspace, files }, (done) => {
        progress[w] = done;
        report();
      }).then((results) => results.forEach((outcome, i) => (outcomes[files[i]] = outcome))),
    ),
  );
  return outcomes;
}

/** Deals files out largest first to the least-loaded worker, so slices take similar time. */
function balance(files: readonly SourceFile[], count: number): number[][] {
  const slices: number[][] = Array.from({ length: count }, () => []);
  const load = new Array(count).fill(0);
  const order = files.map((_, i) => i).sort((a, b) => files[b].size - files[a].size || a - b);
  for (const i of order) {
    const w = load.indexOf(Math.min(...load));
    slices[w].push(i);
    load[w] += files[i].size;
  }
  return slices.map((s) => s.sort((a, b) => a - b));
}

function runWorker(request: WorkerRequest, onProgress: (done: number) => void): Promise<FileOutcome[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: request });
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "progress") onProgress(message.done);
      else if (message.kind === "done") resolve(message.outcomes);
      else reject(new Error(message.message));
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (code !== 0) reject(new Error(`analysis worker exited with code ${code}`));
    });
  });
}
