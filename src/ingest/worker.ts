// One analysis worker: builds its own resolver, then claims files from the shared queue, parses
// and walks them, and sends their facts back batch by batch. It never runs the analysed code, like
// the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { analyzeFile } from "./analyze-file.ts";
import { createResolver } from "./workspace/resolver.ts";
import { FileQueue, type WorkerMessage, type WorkerRequest } from "./parallel.ts";

function run({ workspace, order, next }: WorkerRequest): void {
  const resolver = createResolver(workspace);
  const queue = new FileQueue(order, next);
  for (let files = queue.claim(); files.length > 0; files = queue.claim()) {
    post({ kind: "outcomes", files, outcomes: files.map((file) => analyzeFile(workspace.files[file], resolver)) });
  }
}

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

try {
  run(workerData as WorkerRequest);
} catch (error) {
  post({ kind: "error", message: error instanceof Error ? error.message : String(error) });
}
