// --database-url: the same index proofs on a real PostgreSQL server, inside a throwaway schema
// that is dropped afterwards; tables that already exist on the server are never touched.
// Needs BKA_TEST_DATABASE_URL (.ci/run starts a server and sets it). Locally the test is skipped
// without it; in CI (CI=true) a missing URL is a failure, so the path cannot go untested silently.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import { proveIndexes } from "../../src/verify/index-proof.ts";
import { openServer } from "../../src/verify/proof-db.ts";

const URL_VARIABLE = "BKA_TEST_DATABASE_URL";
const databaseUrl = process.env[URL_VARIABLE];
const ROWS = 20_000;

describe("index proofs on a PostgreSQL server (--database-url)", () => {
  it("has a server to test against in CI", { skip: !databaseUrl && process.env.CI !== "true" ? `${URL_VARIABLE} is not set` : false }, () => {
    assert.ok(databaseUrl, `${URL_VARIABLE} must be set when CI=true (.ci/run starts PostgreSQL and exports it)`);
  });

  it(`recommends the order_id index at ${ROWS} rows and leaves the server as it was`, { skip: databaseUrl ? false : `${URL_VARIABLE} is not set` }, async () => {
    const admin = await openServer(databaseUrl!);
    try {
      // A table with a name the proof also uses, in the schema the server's users see.
      await admin.run("CREATE TABLE IF NOT EXISTS public.order_items (id integer); TRUNCATE public.order_items; INSERT INTO public.order_items VALUES (42)");
      const { model } = await ingest("test/fixtures/db-index-proof");
      const stats = await proveIndexes(model, { databaseUrl, rows: ROWS });
      assert.equal(stats.error, undefined);
      const proof = model.indexProofs!.find((p) => p.table === "order_items")!;
      assert.match(proof.engine, /^PostgreSQL \d+\.\d+ \(server\)$/);
      assert.equal(proof.pays, true);
      assert.equal(proof.rows, ROWS);
      assert.equal(proof.before.node, "Seq Scan on order_items");
      assert.match(proof.after!.node, /^(Index Scan|Bitmap Heap Scan)/);
      assert.ok(proof.before.cost >= 100 && proof.after!.cost <= proof.before.cost / 2, `${proof.before.cost} → ${proof.after!.cost}`);
      assert.equal(model.indexProofs!.find((p) => p.table === "orders")!.pays, false);

      const [left] = await admin.run(`SELECT
        (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bka\\_%' AND nspname <> current_schema())::int AS schemas,
        (SELECT array_agg(id)::text FROM public.order_items) AS existing`);
      assert.deepEqual(left, { schemas: 0, existing: "{42}" });
    } finally {
      await admin.run("DROP TABLE IF EXISTS public.order_items").catch(() => undefined);
      await admin.close();
    }
  });
});
