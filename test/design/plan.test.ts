// Capacity and reliability arithmetic on the shop example, checked by hand.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { capacityPlan, questions, reliabilityPlan } from "../../src/design/plan.ts";

const req = loadRequirements("examples/requirements/shop.yaml");

describe("capacity and reliability plans", () => {
  it("sizes the pool with Little's law", () => {
    const plan = capacityPlan(req);
    // 400×0.08 + 300×0.05 + 120×0.1 + 5×0.3 + 150×0.08 + 40×0.4 + 20×0.15 + 10×0.1
    // = 32 + 15 + 12 + 1.5 + 12 + 16 + 3 + 1 = 92.5
    assert.equal(plan.inFlightUpperBound, 92.5);
    assert.equal(plan.poolSize, 93);
    // reads 400+300+120+5+150+10 = 985; writes 40+20 = 60
    assert.equal(plan.readWriteRatio, 16.42);
  });

  it("multiplies dependency availabilities and budgets their timeouts", () => {
    const plan = reliabilityPlan(req);
    // 0.9995 × 0.995 = 0.9945025
    assert.equal(plan.compositeAvailability, 99.4503);
    assert.equal(plan.meetsTarget, false);
    // payments: min(250×1.5, 300/2) = 150; email: min(800×1.5, 150) = 150; 2×150 ≤ 300 → one retry
    assert.deepEqual(plan.dependencies, [
      { name: "email", timeoutMs: 150, retries: 1, availability: 99.5 },
      { name: "payments", timeoutMs: 150, retries: 1, availability: 99.95 },
    ]);
  });

  it("asks for what the requirements leave out", () => {
    assert.deepEqual(questions(req).map((q) => q.id), ["availability-gap", "rate-limit-email"]);
  });
});
