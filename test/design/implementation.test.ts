// The implementation guide on the payments-ledger fixture: sections for the patterns the design
// uses, code named after this design's tables, routes and figures, and code that parses.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseSync } from "oxc-parser";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { designWithoutVerification } from "../../src/design/index.ts";

const guide = designWithoutVerification(loadRequirements("test/fixtures/design/ledger.yaml")).guide;
const code = (id: string) => guide.find((s) => s.id === id)!.code.filter((c) => c.lang === "ts").map((c) => c.text).join("\n");
const lines = (id: string) => code(id).split("\n");

describe("implementation guide", () => {
  it("has a section per pattern the design relies on", () => {
    assert.deepEqual(guide.map((s) => s.title), [
      "Setup: types, pool and errors",
      "Cursor pagination (account_entries)",
      "Idempotency keys (post_entry)",
      "Optimistic locking with version and ETag/If-Match (update_account)",
      "Timeouts, retry budget and circuit breaker (bank_gateway)",
      "Transactional outbox (notifier)",
    ]);
  });

  it("every TypeScript block parses", () => {
    for (const section of guide) {
      for (const block of section.code.filter((c) => c.lang === "ts")) {
        const result = parseSync(`${section.id}.ts`, block.text);
        assert.deepEqual(result.errors.map((e) => e.message), [], section.id);
      }
    }
  });

  it("sizes the pool from the capacity plan", () => {
    // ⌈29 ÷ 3⌉ = 10 per instance; statement_timeout = the slowest p99 (audit_entries 500 ms); acquire within the fastest (get_account 50 ms)
    assert.ok(lines("setup").includes("      max: 10,"));
    assert.ok(lines("setup").includes('      options: "-c statement_timeout=500",'));
    assert.ok(lines("setup").includes("      connectionTimeoutMillis: 50,"));
    assert.ok(lines("setup").includes("  ledger_entries: LedgerEntriesTable;"));
  });

  it("paginates account_entries by (created_at, id) descending after checking the account is the caller's", () => {
    const text = lines("cursor-pagination");
    assert.ok(text.includes('app.get<{ Querystring: { cursor?: string; limit?: number }; Params: { accountId: string } }>("/accounts/:accountId/ledger-entries", async (request, reply) => {'));
    assert.ok(text.includes('  const owned = await db.selectFrom("accounts").select("id").where("id", "=", request.params.accountId as never).where("customer_id", "=", request.user.sub as never).executeTakeFirst();'));
    assert.ok(text.includes('    query = query.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(afterCreatedAt, afterId)));'));
    assert.ok(text.includes("  const limit = Math.min(request.query.limit ?? 50, 50);"));
    assert.match(code("cursor-pagination"), /the order of the index ledger_entries_account_id_created_at_id\w*idx/);
  });

  it("claims the Idempotency-Key in the insert's transaction", () => {
    const text = lines("idempotency-keys");
    assert.ok(text.includes('app.post<{ Body: Record<string, unknown>; Headers: { "idempotency-key": string } }>("/ledger-entries", async (request, reply) => {'));
    assert.ok(text.includes('    const created = await trx.insertInto("ledger_entries").values(request.body as never).returningAll().executeTakeFirstOrThrow();'));
    assert.ok(text.includes("  return reply.code(outcome.status).header(\"location\", `/ledger-entries/${id}`).send(outcome.body);"));
  });

  it("updates accounts with compare-and-set on version, only the caller's", () => {
    const text = lines("optimistic-locking");
    assert.ok(text.includes('  const updated = await db.updateTable("accounts")'));
    assert.ok(text.includes('    .where("version", "=", expected) // compare-and-set: no lock held between read and write'));
    assert.ok(text.includes('    .where("customer_id", "=", request.user.sub) // own rows only (SECURITY.md)'));
  });

  it("carries bank_gateway's timeout, backoff, retry budget and breaker settings", () => {
    const text = code("circuit-breaker");
    assert.ok(text.startsWith([
      "// bank_gateway: every number below is derived in RELIABILITY.md.",
      "const bankGateway = {",
      "  timeoutMs: 75,",
      "  backoffMs: [20],",
      "  retryBudget: 0.1,",
      "  breaker: { failureRatePercent: 50, minimumCalls: 20, windowMs: 10000, openMs: 5000, halfOpenProbes: 3 },",
      "};",
    ].join("\n")));
    assert.match(text, /export async function callBankGateway\(url: string, init: RequestInit, idempotencyKey: string\)/);
  });
});
