// The capacity designer: Little's law on the payments-ledger fixture, the shop's cache plan, and
// storage on a table built by hand, every figure checked by hand.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadRequirements, parseRequirements } from "../../src/ingest/requirements/load.ts";
import { capacityPlan, columnBytes } from "../../src/design/capacity.ts";
import { designSchema, type SchemaDesign } from "../../src/design/schema.ts";
import type { Entity } from "../../src/model/types.ts";

const ledger = loadRequirements("test/fixtures/design/ledger.yaml");
const shop = loadRequirements("examples/requirements/shop.yaml");

describe("capacity designer", () => {
  it("sizes the ledger's pool with Little's law", () => {
    const { pool } = capacityPlan(ledger, designSchema(ledger), { instances: 3 });
    // 200 × 0.1 + 100 × 0.05 + 50 × 0.3 + 50 × 0.1 + 2 × 0.5 = 20 + 5 + 15 + 5 + 1 = 46 requests in flight
    assert.equal(pool.requestsInFlight.value, 46);
    assert.equal(pool.requestsInFlight.arithmetic, "200 × 0.1 + 100 × 0.05 + 50 × 0.3 + 50 × 0.1 + 2 × 0.5");
    // 46 × 0.5 (query share) = 23 connections busy; ⌈23 × 1.25⌉ = ⌈28.75⌉ = 29; ⌈29 ÷ 3⌉ = 10 per instance
    assert.equal(pool.activeConnections.value, 23);
    assert.equal(pool.total.value, 29);
    assert.equal(pool.total.arithmetic, "⌈23 × 1.25⌉");
    assert.equal(pool.perInstance.value, 10);
    assert.equal(pool.needsPooler, false);
  });

  it("sizes the shop's pool and replicas", () => {
    const plan = capacityPlan(shop, designSchema(shop));
    // 400×0.08 + 300×0.05 + 120×0.1 + 5×0.3 + 150×0.08 + 40×0.4 + 20×0.15 + 10×0.1 = 92.5
    // 92.5 × 0.5 = 46.25; ⌈46.25 × 1.25⌉ = ⌈57.8125⌉ = 58; ⌈58 ÷ 2⌉ = 29
    assert.deepEqual([plan.pool.requestsInFlight.value, plan.pool.activeConnections.value, plan.pool.total.value, plan.pool.perInstance.value], [92.5, 46.25, 58, 29]);
    // reads 32 + 15 + 12 + 1.5 + 12 + 1 = 73.5 → 36.75; writes 16 + 3 = 19 → 9.5; one server 2 × 8 + 1 = 17
    // ⌈(36.75 + 9.5) ÷ 17⌉ − 1 = ⌈2.72⌉ − 1 = 2 replicas
    assert.deepEqual([plan.replicas.readActive.value, plan.replicas.writeActive.value, plan.replicas.perServer.value, plan.replicas.replicas.value], [36.75, 9.5, 17, 2]);
    assert.deepEqual(plan.decisions.map((d) => d.id), ["read-cache", "read-replicas"]);
  });

  it("caches the shop's read-mostly, busy patterns with a TTL from the stale share", () => {
    const rows = capacityPlan(shop, designSchema(shop)).cache.map((c) => [c.pattern, c.readsPerSecond, c.writesPerSecond, c.readWriteRatio, c.cache, c.ttl?.value, c.staleShare?.value, c.key]);
    assert.deepEqual(rows, [
      // products: reads 400 + 300 = 700, writes 20 → 35 per write; TTL min(300, ⌊0.01 × 50000 ÷ 20⌋) = 25 s; 25 × 20 ÷ 50000 = 0.01
      ["browse_category", 700, 20, 35, true, 25, 0.01, "products:browse_category:{category}:{cursor}:{limit}"],
      ["customer_by_email", 10, 0, null, false, undefined, undefined, undefined], // 10/s < 50/s
      ["my_orders", 125, 40, 3.13, false, undefined, undefined, undefined], // 125 ÷ 40 = 3.125 < 10
      ["order_lines", 150, 0, null, true, 300, 0, "order_items:order_lines:{order_id}"], // nothing writes order_items: the 300 s cap
      ["pending_orders", 125, 40, 3.13, false, undefined, undefined, undefined],
      ["product_by_sku", 700, 20, 35, true, 25, 0.01, "products:product_by_sku:{sku}"],
    ]);
  });

  it("never caches an entity with strict consistency", () => {
    const text = readFileSync("examples/requirements/shop.yaml", "utf8").replace("    concurrentUpdates: true\n    volume: { rows: 50000", "    concurrentUpdates: true\n    consistency: strict\n    volume: { rows: 50000");
    const strict = parseRequirements("shop.yaml", text);
    const browse = capacityPlan(strict, designSchema(strict)).cache.find((c) => c.pattern === "browse_category")!;
    assert.deepEqual([browse.cache, browse.reason], [false, "products has strict consistency: a read must see the latest committed write"]);
  });

  it("estimates storage from column sizes and index keys", () => {
    const entity: Entity = {
      name: "entries", primaryKey: ["id"], foreignKeys: [], uniques: [], checks: [], location: { file: "t", line: 1, column: 1 }, source: "sql",
      columns: [
        { name: "id", type: "bigint", nullable: false, default: "identity" },
        { name: "amount", type: "numeric(12,2)", nullable: false },
        { name: "memo", type: "varchar(40)", nullable: true },
        { name: "created_at", type: "timestamptz", nullable: false },
      ],
      indexes: [{ name: "entries_created_at_id_idx", columns: ["created_at", "id"], unique: false }],
    };
    const schema = { entities: [entity], indexes: [], queries: [], decisions: [], volumes: {}, statements: [] } as SchemaDesign;
    const req = { ...ledger, entities: [{ ...ledger.entities[2], name: "entries", volume: { rows: 1_000_000, growthPerMonth: 100_000 } }], accessPatterns: [] };
    const [storage] = capacityPlan(req, schema).storage;
    // row: 28 + 8 (bigint) + 9 (numeric(12,2): 3 + 2 × ⌈12/4⌉) + 21 (varchar(40): 40/2 + 1) + 8 = 74 B
    assert.equal(storage.rowBytes.value, 74);
    assert.equal(storage.rowBytes.arithmetic, "28 + 8 + 9 + 21 + 8");
    // indexes: primary key 12 + 8 = 20; (created_at, id) 12 + 8 + 8 = 28 → 48 B per row
    assert.equal(storage.indexBytesPerRow.value, 48);
    // 36 months: (1000000 + 36 × 100000) × 122 ÷ 2³⁰ = 4600000 × 122 ÷ 1073741824 = 0.5226… → 0.52 GiB
    assert.equal(storage.in36Months.value, 0.52);
    assert.equal(storage.in12Months.value, 0.25); // 2200000 × 122 ÷ 2³⁰ = 0.2499…
    assert.deepEqual([columnBytes("uuid"), columnBytes("integer"), columnBytes("jsonb"), columnBytes("text")], [16, 4, 200, 33]);
  });

  it("says when each table reaches the partitioning threshold", () => {
    const partitions = capacityPlan(ledger, designSchema(ledger)).partitions.map((p) => [p.entity, p.months?.value]);
    // accounts: ⌈(100000000 − 1000000) ÷ 20000⌉ = 4950; ledger_entries: ⌈(100000000 − 50000000) ÷ 3000000⌉ = ⌈16.67⌉ = 17
    assert.deepEqual(partitions, [["accounts", 4950], ["ledger_entries", 17]]);
  });
});
