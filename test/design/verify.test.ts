// The schema design proven on PGlite: with synthetic rows, every access pattern that reads rows
// uses an index; a pattern whose index is taken away is reported without one.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { designSchema } from "../../src/design/schema.ts";
import { verifySchema } from "../../src/design/verify.ts";

describe("schema verification on PGlite", () => {
  it("serves every shop access pattern with an index", async () => {
    const design = designSchema(loadRequirements("examples/requirements/shop.yaml"));
    const result = await verifySchema(design, "shop", 5_000);
    assert.match(result.engine, /^PGlite .* \(PostgreSQL \d+/);
    assert.deepEqual(result.rows, { customers: 5000, orders: 5000, products: 5000, order_items: 5000 });
    assert.deepEqual(result.plans.map((p) => [p.pattern, p.index ?? (p.needsIndex ? "NONE" : "insert")]), [
      ["browse_category", "products_category_price_id_active_idx"],
      ["product_by_sku", "products_sku_key"],
      ["my_orders", "orders_customer_id_placed_at_id_idx"],
      ["pending_orders", "orders_placed_at_id_pending_idx"],
      ["order_lines", "order_items_order_id_idx"],
      ["place_order", "insert"],
      ["update_stock", "products_pkey"],
      ["customer_by_email", "customers_email_key"],
    ]);
    for (const plan of result.plans.filter((p) => p.needsIndex)) {
      assert.match(plan.indexNode ?? "", /^(Index Scan|Index Only Scan|Bitmap Index Scan)$/, plan.pattern);
      assert.ok(plan.totalCost > 0 && plan.totalCost < 100, `${plan.pattern} cost ${plan.totalCost}`);
    }
  });

  it("reports a pattern that no index serves", async () => {
    const design = designSchema(loadRequirements("examples/requirements/shop.yaml"));
    const orders = design.entities.find((e) => e.name === "orders")!;
    orders.indexes = orders.indexes.filter((i) => i.name !== "orders_placed_at_id_pending_idx");
    const result = await verifySchema({ ...design, queries: design.queries.filter((q) => q.pattern === "pending_orders") }, "shop", 5_000);
    assert.equal(result.plans.length, 1);
    assert.equal(result.plans[0].index, undefined);
    assert.equal(result.plans[0].needsIndex, true);
  });
});
