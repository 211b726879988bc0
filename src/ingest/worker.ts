// One analysis worker: builds its own resolver, then claims files from the shared queue, parses
// and walks them, and sends their facts back batch by batch. It never runs the analysed code, like
// the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { analyzeFile, type FileOutcome } from "./analyze-file.ts";
import { createResolver } from "./workspace/resolver.ts";
import { FileQueue, type WorkerMessage, type WorkerRequest } from "./parallel.ts";
import { pack, transferables, type PackedValue } from "./fact-transfer.ts";

function run({ workspace, order, next }: WorkerRequest): void {
  const resolver = createResolver(workspace);
  const queue = new FileQueue(order, next);
  for (let files = queue.claim(); files.length > 0; files = queue.claim()) {
    send(files, files.map((file) => analyzeFile(workspace.files[file], resolver)));
  }
}

/** Packed if the facts are plain data (they are today), by structured clone if not. */
function send(files: number[], outcomes: FileOutcome[]): void {
  let packed: PackedValue;
  try {
    packed = pack(outcomes);
  } catch {
    return post({ kind: "outcomes", files, outcomes });
  }
  post({ kind: "packed", files, packed }, transferables(packed));
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

try {
  run(workerData as WorkerRequest);
} catch (error) {
  post({ kind: "error", message: error instanceof Error ? error.message : String(error) });
}
