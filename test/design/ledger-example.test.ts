// The payments-ledger example (examples/design-ledger/requirements.yaml): its pool size and its
// availability arithmetic, redone by hand here. If the designers or the example change, these
// numbers must be re-derived, not copied from the output.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { designSchema } from "../../src/design/schema.ts";
import { capacityPlan } from "../../src/design/capacity.ts";
import { reliabilityPlan } from "../../src/design/reliability.ts";

const LEDGER = "examples/design-ledger/requirements.yaml";

describe("the ledger example, checked by hand", () => {
  it("pool size from Little's law", () => {
    const req = loadRequirements(LEDGER);
    const reliability = reliabilityPlan(req);
    const plan = capacityPlan(req, designSchema(req), { instances: reliability.availability.instances });
    // In flight = Σ peak/s × p99 s over the eight access patterns:
    //   post_transfer 300 × 0.15 = 45, transfer_by_id 200 × 0.05 = 10, account_by_id 500 × 0.05 = 25,
    //   open_account 10 × 0.2 = 2, freeze_account 1 × 0.3 = 0.3, account_statement 250 × 0.1 = 25,
    //   outgoing_transfers 100 × 0.1 = 10, transfer_entries 5 × 0.2 = 1  →  118.3 requests
    assert.equal(plan.pool.requestsInFlight.value, 118.3);
    // Busy connections = 118.3 × 0.5 (half of a request's time is spent in queries) = 59.15
    assert.equal(plan.pool.activeConnections.value, 59.15);
    // Pool = ⌈59.15 × 1.25 headroom⌉ = ⌈73.94⌉ = 74 in all; over 2 instances ⌈74 ÷ 2⌉ = 37 each
    assert.equal(plan.pool.total.value, 74);
    assert.equal(plan.pool.instances, 2);
    assert.equal(plan.pool.perInstance.value, 37);
  });

  it("composite availability and what redundancy can reach", () => {
    const { availability } = reliabilityPlan(loadRequirements(LEDGER));
    // Assumed: an instance 99.5 %, the database 99.95 %; fraud_check (synchronous) 99.99 %.
    // Database × dependency = 0.9995 × 0.9999 = 0.99940005: the ceiling, 99.94 %.
    assert.equal(availability.ceiling.value, 99.94);
    // n = 1: 0.995 × 0.99940005 = 0.99440305 → 99.4403 %
    // n = 2: (1 − 0.005²) × 0.99940005 = 0.999975 × 0.99940005 = 0.99937506 → 99.9375 %
    // n ≥ 3: 1 − 0.005³ = 0.999999875, so the product rounds to the ceiling, 99.94 %
    assert.deepEqual(availability.byInstances.map((r) => r.percent), [99.4403, 99.9375, 99.94, 99.94, 99.94]);
    // The objective is 99.95 %, above the ceiling: no instance count meets it (the database alone caps it).
    assert.equal(availability.target, 99.95);
    assert.equal(availability.meetsTarget, false);
    assert.equal(availability.instances, 2);
    assert.equal(availability.composite.value, 99.9375);
  });
});
