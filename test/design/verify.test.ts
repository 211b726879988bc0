// The schema design proven on PGlite: with synthetic rows, every access pattern that reads rows
// uses an index (under row-level security, as the application role with a tenant set); a pattern
// whose index is taken away is reported without one; and the policies the DDL declares do what
// they say (tenant isolation, audit rows, append-only, double entry, idempotent creates).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadRequirements, parseRequirements } from "../../src/ingest/requirements/load.ts";
import { designSchema, schemaDdl } from "../../src/design/schema.ts";
import { APP_ROLE, verifySchema } from "../../src/design/verify.ts";
import { withEngine } from "../../src/verify/pglite.ts";

describe("schema verification on PGlite", () => {
  it("serves every shop access pattern with an index", async () => {
    const design = designSchema(loadRequirements("examples/requirements/shop.yaml"));
    const result = await verifySchema(design, "shop", 5_000);
    assert.match(result.engine, /^PGlite .* \(PostgreSQL \d+/);
    assert.deepEqual(result.rows, { audit_log: 5000, customers: 5000, orders: 5000, products: 5000, order_items: 5000 });
    assert.deepEqual(result.plans.map((p) => [p.pattern, p.index ?? (p.needsIndex ? "NONE" : "insert")]), [
      ["browse_category", "products_category_price_id_active_idx"],
      ["product_by_sku", "products_sku_key"],
      ["my_orders", "orders_customer_id_placed_at_id_idx"],
      ["pending_orders", "orders_placed_at_id_pending_idx"],
      ["order_lines", "order_items_order_id_idx"],
      ["place_order", "insert"],
      ["update_stock", "products_pkey"],
      ["customer_by_email", "customers_email_key"],
      ["audit: history of a row", "audit_log_table_name_row_key_changed_at_idx"],
      ["audit: retention purge", "audit_log_changed_at_idx"],
    ]);
    for (const plan of result.plans.filter((p) => p.needsIndex)) {
      assert.match(plan.indexNode ?? "", /^(Index Scan|Index Only Scan|Bitmap Index Scan)$/, plan.pattern);
      // A retention batch deletes 100 rows; every other statement reads a page or one row.
      assert.ok(plan.totalCost > 0 && plan.totalCost < (plan.pattern === "audit: retention purge" ? 500 : 100), `${plan.pattern} cost ${plan.totalCost}`);
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

  it("explains tenant tables as the application role, the policy's tenant test in the index condition", async () => {
    const design = designSchema(parseRequirements("t.yaml", [
      "service: { name: t }",
      "tenancy: { tenantEntity: tenants }",
      "actors: [{ name: user }]",
      "entities:",
      "  - name: tenants",
      "    fields: [{ name: label, type: string }]",
      "  - name: notes",
      "    fields: [{ name: title, type: string, maxLength: 80 }, { name: status, type: enum, values: [open, done] }]",
      "accessPatterns:",
      "  - { name: open_notes, actor: user, kind: read, entity: notes, peakPerSecond: 1, filters: [{ field: status }], sort: [{ field: created_at, direction: desc }], returns: [title] }",
    ].join("\n")));
    const result = await verifySchema(design, "t", 2_000);
    assert.deepEqual(result.tenant, { role: APP_ROLE, setting: "app.tenant_id" });
    assert.deepEqual(result.rows, { tenants: 200, notes: 2000 });
    const [plan] = result.plans;
    assert.equal(plan.index, "notes_tenant_id_status_created_at_id_covering_idx");
    assert.equal(plan.indexNode, "Index Only Scan");
    assert.equal(plan.condition, "((tenant_id = (current_setting('app.tenant_id'::text))::uuid) AND (status = $1))");
  });
});

/** Runs statements one at a time on a fresh engine with `ddl` applied; a failure yields its message. */
async function onSchema(ddl: string, work: (run: (sql: string) => Promise<Record<string, unknown>[]>, fails: (sql: string) => Promise<string>) => Promise<void>): Promise<void> {
  await withEngine(async (engine) => {
    const run = async (sql: string) => (await engine.db.exec(sql)).at(-1)?.rows ?? [];
    const fails = async (sql: string) => {
      try {
        await run(sql);
      } catch (error) {
        await run("ROLLBACK").catch(() => undefined);
        return (error as Error).message;
      }
      return assert.fail(`expected to fail: ${sql}`);
    };
    await run(ddl);
    await work(run, fails);
  });
}

const A = "00000000-0000-7000-8000-00000000000a";
const B = "00000000-0000-7000-8000-00000000000b";

describe("the designed policies on PGlite", () => {
  it("ledger: entries must balance at commit, balances follow them, overdrafts and edits are refused, retries insert nothing", async () => {
    const design = designSchema(loadRequirements("examples/design-ledger/requirements.yaml"));
    const transfer = (id: string, key: string, amount: number, entries: [string, number][]) => [
      "BEGIN",
      "SET LOCAL app.user_id = 'payments'",
      `INSERT INTO transfers (id, amount, currency, from_account_id, to_account_id, idempotency_key) VALUES ('${id}', ${amount}, 'EUR', '${A}', '${B}', '${key}')`,
      `INSERT INTO ledger_entries (transfer_id, account_id, amount) VALUES ${entries.map(([account, value]) => `('${id}', '${account}', ${value})`).join(", ")}`,
      "COMMIT",
    ].join(";\n");
    await onSchema(schemaDdl(design, "ledger"), async (run, fails) => {
      await run(`INSERT INTO accounts (id, holder_ref, currency, balance, status) VALUES ('${A}', 'a', 'EUR', 100, 'open'), ('${B}', 'b', 'EUR', 0, 'open')`);
      await run(transfer("00000000-0000-7000-8000-0000000000f1", "k1", 30, [[A, -30], [B, 30]]));
      assert.deepEqual(await run("SELECT holder_ref, balance, version FROM accounts ORDER BY holder_ref"), [
        { holder_ref: "a", balance: "70.00", version: 2 },
        { holder_ref: "b", balance: "30.00", version: 2 },
      ]);
      assert.equal(await fails(transfer("00000000-0000-7000-8000-0000000000f2", "k2", 5, [[A, -5]])), "ledger_entries of transfer_id 00000000-0000-7000-8000-0000000000f2 do not sum to zero");
      assert.equal(await fails(transfer("00000000-0000-7000-8000-0000000000f3", "k3", 500, [[A, -500], [B, 500]])), 'new row for relation "accounts" violates check constraint "accounts_balance_check"');
      assert.equal(await fails("UPDATE ledger_entries SET amount = 0"), "ledger_entries is append-only: UPDATE refused");
      assert.equal(await fails("DELETE FROM transfers"), "transfers is append-only: DELETE refused");
      assert.deepEqual(await run(`INSERT INTO transfers (amount, currency, from_account_id, to_account_id, idempotency_key) VALUES (1, 'EUR', '${A}', '${B}', 'k1') ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`), []);
      assert.deepEqual(await run("SELECT row_key ->> 'id' AS account, action, actor, new_row ->> 'balance' AS balance FROM audit_log ORDER BY audit_log.id"), [
        { account: A, action: "INSERT", actor: null, balance: "100.00" },
        { account: B, action: "INSERT", actor: null, balance: "0.00" },
        { account: A, action: "UPDATE", actor: "payments", balance: "70.00" },
        { account: B, action: "UPDATE", actor: "payments", balance: "30.00" },
      ]);
      assert.equal(await fails("DELETE FROM audit_log"), "audit_log is append-only: DELETE refused");
      assert.equal(await fails("TRUNCATE audit_log"), "audit_log is append-only: TRUNCATE refused");
    });
  });

  it("saas: the application role sees and writes only its tenant's rows; audit rows leave secrets out", async () => {
    const design = designSchema(loadRequirements("examples/design-saas/requirements.yaml"));
    const setup = [
      "INSERT INTO plans (id, code, monthly_price) VALUES ('00000000-0000-7000-8000-0000000000p1', 'free', 0)".replace("p1", "01"),
      `INSERT INTO organizations (id, slug, display_name, plan_id) VALUES ('${A}', 'a', 'A', '00000000-0000-7000-8000-000000000001'), ('${B}', 'b', 'B', '00000000-0000-7000-8000-000000000001')`,
      `INSERT INTO users (tenant_id, email, full_name, password_hash, role) VALUES ('${A}', 'x@a.test', 'X', 'hash-x', 'admin'), ('${B}', 'y@b.test', 'Y', 'hash-y', 'member')`,
      `CREATE ROLE ${APP_ROLE} NOLOGIN`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`,
    ].join(";\n");
    await onSchema(schemaDdl(design, "tracker"), async (run, fails) => {
      await run(setup);
      await run(`SET app.tenant_id = '${A}'; SET ROLE ${APP_ROLE}`);
      assert.deepEqual(await run("SELECT email FROM users"), [{ email: "x@a.test" }]);
      assert.deepEqual(await run("SELECT slug FROM organizations"), [{ slug: "a" }]);
      assert.match(await fails(`INSERT INTO users (tenant_id, email, full_name, password_hash, role) VALUES ('${B}', 'z@b.test', 'Z', 'h', 'member')`), /new row violates row-level security policy for table "users"/);
      // The tenant column defaults to the session's tenant.
      await run("INSERT INTO users (email, full_name, password_hash, role) VALUES ('w@a.test', 'W', 'hash-w', 'member')");
      assert.deepEqual(await run("SELECT count(*)::int AS n FROM users"), [{ n: 2 }]);
      await run("RESET ROLE");
      assert.deepEqual(await run("SELECT count(*)::int AS n FROM users"), [{ n: 3 }]);
      assert.deepEqual(await run("SELECT DISTINCT new_row ? 'password_hash' AS leaked, new_row ? 'email' AS has_email FROM audit_log WHERE table_name = 'users'"), [{ leaked: false, has_email: true }]);
    });
  });
});
