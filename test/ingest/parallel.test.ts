// Analysis on worker threads must give exactly the model the main thread gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

function modelJson(workers: string): string {
  const r = spawnSync(process.execPath, ["bin/bka.js", "review", "test/fixtures/conduit-express", "--format", "json"], {
    encoding: "utf8",
    env: { ...process.env, BKA_WORKERS: workers },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test("two workers give byte-identical output to one thread", () => {
  const single = modelJson("0");
  assert.ok(single.includes('"/api/articles/{slug}"'));
  assert.equal(modelJson("2"), single);
});
