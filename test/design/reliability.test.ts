// The reliability designer on the payments-ledger fixture, every figure checked by hand.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadRequirements, parseRequirements } from "../../src/ingest/requirements/load.ts";
import { degradationModes, reliabilityPlan } from "../../src/design/reliability.ts";

const LEDGER = "test/fixtures/design/ledger.yaml";
const ledger = () => loadRequirements(LEDGER);
const ledgerWith = (from: string, to: string) => parseRequirements(LEDGER, readFileSync(LEDGER, "utf8").replace(from, to));

describe("reliability designer", () => {
  it("splits the latency objective into per-dependency timeouts and retries", () => {
    const plan = reliabilityPlan(ledger());
    // outbound budget = ⌊600 × (1 − 0.5)⌋ = 300 ms
    assert.equal(plan.outboundBudget?.value, 300);
    assert.equal(plan.outboundBudget?.arithmetic, "⌊600 × (1 − 0.5)⌋");
    const rows = plan.dependencies.map((d) => ({
      name: d.name, path: d.path, share: d.share?.value, timeout: d.timeout?.value, retries: d.retries?.count,
      backoff: d.retries?.backoffMs, worstCase: d.retries?.worstCase.value, maxFirst: d.maxFirstAttempts?.value, tight: d.tight,
    }));
    assert.deepEqual(rows, [
      // Σ p99 of synchronous dependencies = 50 + 30 = 80 (notifier's 400 > 300 goes to the outbox)
      // share ⌊300 × 50 ÷ 80⌋ = ⌊187.5⌋ = 187; timeout min(⌈50 × 1.5⌉, 187) = 75;
      // one retry: 75 + 20 + 75 = 170 ≤ 187, a second: 170 + 40 + 75 = 285 > 187; ⌊220 ÷ 1.1⌋ = 199
      { name: "bank_gateway", path: "sync", share: 187, timeout: 75, retries: 1, backoff: [20], worstCase: 170, maxFirst: 199, tight: false },
      // share ⌊300 × 30 ÷ 80⌋ = ⌊112.5⌋ = 112; timeout min(45, 112) = 45; 45 + 20 + 45 = 110 ≤ 112; ⌊500 ÷ 1.1⌋ = 454
      { name: "fraud_check", path: "sync", share: 112, timeout: 45, retries: 1, backoff: [20], worstCase: 110, maxFirst: 454, tight: false },
      { name: "notifier", path: "async", share: undefined, timeout: undefined, retries: undefined, backoff: undefined, worstCase: undefined, maxFirst: undefined, tight: false },
    ]);
    assert.equal(plan.dependencies[0].timeout?.arithmetic, "min(⌈50 × 1.5⌉, 187)");
    assert.equal(plan.dependencies[0].retries?.worstCase.arithmetic, "75 + 20 + 75");
    assert.deepEqual(plan.dependencies[0].breaker?.normalFailurePercent.value, 0.1);
  });

  it("composes availability and finds the smallest redundancy that reaches the objective", () => {
    const { availability } = reliabilityPlan(ledger());
    // database × synchronous dependencies = 0.9995 × 0.999 × 0.9999 = 0.99840064995
    // n = 1: 0.995 × 0.99840064995 = 0.99340864670 → 99.3409
    // n = 2: (1 − 0.005²) = 0.999975 → 0.99837568993 → 99.8376 < 99.84
    // n = 3: (1 − 0.005³) = 0.999999875 → 0.99840052515 → 99.8401 ≥ 99.84
    assert.deepEqual(availability.byInstances, [
      { instances: 1, percent: 99.3409 }, { instances: 2, percent: 99.8376 }, { instances: 3, percent: 99.8401 },
      { instances: 4, percent: 99.8401 }, { instances: 5, percent: 99.8401 },
    ]);
    assert.equal(availability.instances, 3);
    assert.equal(availability.meetsTarget, true);
    assert.equal(availability.composite.arithmetic, "(1 − (1 − 0.995)^3) × 0.9995 × 0.999 × 0.9999");
    assert.equal(availability.ceiling.value, 99.8401);
    // all three on the request path: 0.999975 × 0.99840064995 × 0.995 = 0.99338381 → 99.3384
    assert.equal(availability.allSynchronous.value, 99.3384);
  });

  it("asks when no redundancy reaches the objective", () => {
    const plan = reliabilityPlan(ledgerWith("availability: 99.84", "availability: 99.9"));
    assert.equal(plan.availability.meetsTarget, false);
    assert.equal(plan.availability.instances, 2);
    assert.deepEqual(plan.questions.map((q) => q.id), ["dependency-callers", "availability-assumptions", "availability-gap"]);
    assert.match(plan.questions[2].context, /give 99\.8401% < 99\.9%/);
  });

  it("moves dependencies too slow for the budget off the request path, as an ADR", () => {
    const plan = reliabilityPlan(ledger());
    assert.deepEqual(plan.decisions.map((d) => [d.id, d.confidence]), [["dependencies-off-request-path", 74]]);
    assert.equal(plan.decisions[0].context, "notifier: p99 400 ms > outbound budget 300 ms: called from a worker through an outbox, not on the request path.");
  });

  it("without objectives times out at 1.5 × p99 with one retry", () => {
    const req = ledgerWith("objectives: { availability: 99.84, p99Ms: 600 }\n", "");
    const plan = reliabilityPlan(req);
    assert.equal(plan.outboundBudget, undefined);
    // ⌈400 × 1.5⌉ = 600; one retry: 600 + 20 + 600 = 1220 ≤ 2 × 600 + 20
    const notifier = plan.dependencies.find((d) => d.name === "notifier")!;
    assert.deepEqual([notifier.path, notifier.timeout?.value, notifier.retries?.count, notifier.retries?.worstCase.value], ["sync", 600, 1, 1220]);
    assert.equal(plan.availability.instances, 2);
  });

  it("lists a degradation mode per failure", () => {
    const modes = degradationModes(reliabilityPlan(ledger()), []);
    assert.deepEqual(modes.map((m) => m.failure), ["bank_gateway down or slow", "fraud_check down or slow", "notifier down or slow", "database primary down (failover)", "load above the declared peak"]);
    assert.equal(modes[0].behaviour, "After 20 calls with ≥ 50% failures (or calls over 75 ms) the breaker opens: operations that need bank_gateway fail fast with 503 problem+json and Retry-After: 5; everything else is unaffected.");
  });
});
