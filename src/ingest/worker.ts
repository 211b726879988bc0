// One analysis worker: builds its own resolver, parses and walks its slice of files, and sends
// the facts back. It never runs the analysed code, like the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { analyzeFile, type FileOutcome } from "./index.ts";
import { createResolver } from "./workspace/resolver.ts";
import type { WorkerMessage, WorkerRequest } from "./parallel.ts";

const PROGRESS_EVERY = 25;

function run(request: WorkerRequest): void {
  const resolver = createResolver(request.workspace);
  const outcomes: FileOutcome[] = [];
  for (const index of request.files) {
    outcomes.push(analyzeFile(request.workspace.files[index], resolver));
    if (outcomes.length % PROGRESS_EVERY === 0) post({ kind: "progress", done: outcomes.length });
  }
  post({ kind: "done", outcomes });
}

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

try {
  run(workerData as WorkerRequest);
} catch (error) {
  post({ kind: "error", message: error instanceof Error ? error.message : String(error) });
}
