// review() measures migration locks by default and skips the engine with `verify: false`
// (the CLI's --no-verify); the CLI passes the flag through.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { review } from "../../src/index.ts";
import type { ReviewResult } from "../../src/index.ts";
import { recordingCli } from "../cli/recording-review.ts";

const SHOP = "test/fixtures/db-shop-sql";

function measuredCount(result: ReviewResult): number {
  return (result.model.migrations ?? []).flatMap((m) => m.statements).filter((s) => s.measured).length;
}

describe("review() and the embedded PostgreSQL", () => {
  it("measures by default: the finding states the measured lock", async (t) => {
    const started = performance.now();
    const result = await review(SHOP);
    t.diagnostic(`review with lock measurement: ${Math.round(performance.now() - started)} ms`);
    assert.equal(measuredCount(result), 11);
    const index = result.findings.find((f) => f.ruleId === "database/non-concurrent-index")!;
    assert.match(index.message, /takes ShareLock on orders \(measured on PGlite/);
    assert.equal(index.band, "act");
  });

  it("with verify: false, measures nothing and says what is expected instead", async () => {
    const result = await review(SHOP, { verify: false });
    assert.equal(measuredCount(result), 0);
    const index = result.findings.find((f) => f.ruleId === "database/non-concurrent-index")!;
    assert.match(index.message, /is expected to take ShareLock on orders \(not measured: run without --no-verify to measure it\)/);
  });

  it("bka review --no-verify passes verify: false; bka openapi never verifies", async () => {
    const { seen, bka } = recordingCli();
    await bka(["review", ".", "--no-verify", "--no-progress"]);
    await bka(["review", ".", "--no-progress"]);
    await bka(["openapi", ".", "--no-progress"]);
    assert.deepEqual(seen.map((o) => o.verify), [false, undefined, false]);
  });
});
