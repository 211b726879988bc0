// Analysis on worker threads must give exactly the model the main thread gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { discoverWorkspace } from "../../src/ingest/workspace/discover.ts";
import { createResolver } from "../../src/ingest/workspace/resolver.ts";
import { analyzeFile } from "../../src/ingest/analyze-file.ts";
import { analyzeInParallel, autoWorkers, FileQueue } from "../../src/ingest/parallel.ts";

function modelJson(workers: string): string {
  const r = spawnSync(process.execPath, ["bin/bka.js", "review", "test/fixtures/conduit-express", "--format", "json"], {
    encoding: "utf8",
    env: { ...process.env, BKA_WORKERS: workers },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test("the main thread and two workers give byte-identical output to one thread", () => {
  const single = modelJson("0");
  assert.ok(single.includes('"/api/articles/{slug}"'));
  assert.equal(modelJson("2"), single);
});

test("facts made on workers equal the main thread's, file by file", async () => {
  const workspace = discoverWorkspace("test/fixtures/conduit-express");
  const resolver = createResolver(workspace);
  const onMainThread = workspace.files.map((file) => analyzeFile(file, resolver));
  // Without the main thread's share, small fixtures would be done before a worker starts.
  const progress: number[] = [];
  const onWorkers = await analyzeInParallel(workspace, resolver, 2, { mainThreadAnalyses: false, onProgress: (done) => progress.push(done) });
  assert.deepEqual(onWorkers, onMainThread);
  assert.equal(progress.at(-1), workspace.files.length);
});

test("the file queue hands out every file once, then nothing", () => {
  const order = Array.from({ length: 21 }, (_, i) => 20 - i);
  const counter = new SharedArrayBuffer(4);
  const first = new FileQueue(order, counter);
  const second = new FileQueue(order, counter);
  const claimed: number[] = [];
  for (let turn = 0; turn < 10; turn++) claimed.push(...(turn % 2 ? first : second).claim());
  assert.deepEqual(claimed, order);
  assert.deepEqual(first.claim(), []);
});

test("auto starts no worker on 2 or 3 cores, where one analysing thread already keeps ~1.5 cores busy", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 8, 64].map(autoWorkers), [0, 0, 0, 1, 1, 2, 3, 3]);
});
