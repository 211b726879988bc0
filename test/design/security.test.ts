// The security designer on a small notes service: the role matrix, every STRIDE row, the personal
// data table and the authentication sequence, exactly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadRequirements, parseRequirements } from "../../src/ingest/requirements/load.ts";
import { designApi } from "../../src/design/api.ts";
import { securityPlan } from "../../src/design/security.ts";
import { authSequenceMermaid } from "../../src/design/render-security.ts";

const NOTES = [
  "service: { name: notes }",
  "actors: [{ name: visitor, public: true }, { name: member }]",
  "entities:",
  "  - name: members",
  "    fields: [{ name: email, type: string, unique: true, tags: [pii] }, { name: password_hash, type: string, tags: [secret] }]",
  "    softDelete: true",
  "  - name: notes",
  "    fields: [{ name: body, type: text }]",
  "    relations: [{ to: members, cardinality: many-to-one, ownership: owned }]",
  "accessPatterns:",
  "  - { name: my_notes, actor: member, kind: read, entity: notes, filters: [{ field: member_id }], sort: [{ field: created_at, direction: desc }], pageSize: 20, peakPerSecond: 30, latencyP99Ms: 120 }",
  "  - { name: add_note, actor: member, kind: write, operation: create, entity: notes, peakPerSecond: 5 }",
  "  - { name: note_by_id, actor: visitor, kind: read, entity: notes, filters: [{ field: id }], peakPerSecond: 60, latencyP99Ms: 40 }",
].join("\n");

function plan(yaml = NOTES) {
  const req = parseRequirements("notes.yaml", yaml);
  return securityPlan(req, designApi(req));
}

describe("security designer", () => {
  it("builds the role × operation matrix with ownership from relations", () => {
    assert.deepEqual(plan().matrix, {
      roles: ["visitor", "member"],
      rows: [
        { pattern: "add_note", operation: "POST /notes", cells: ["—", "own: member_id = caller"] },
        { pattern: "my_notes", operation: "GET /members/{memberId}/notes", cells: ["—", "own: member_id = caller"] },
        // public operations are open to every role
        { pattern: "note_by_id", operation: "GET /notes/{id}", cells: ["allow", "allow"] },
      ],
    });
  });

  it("follows ownership through a parent (the ledger: entries → accounts → customers)", () => {
    const req = loadRequirements("test/fixtures/design/ledger.yaml");
    const rows = securityPlan(req, designApi(req)).matrix.rows.map((r) => [r.pattern, r.operation, ...r.cells]);
    assert.deepEqual(rows, [
      ["account_entries", "GET /accounts/{accountId}/ledger-entries", "own: account_id → accounts.customer_id = caller", "—"],
      ["audit_entries", "GET /ledger-entries", "—", "allow"],
      ["get_account", "GET /accounts/{id}", "own: customer_id = caller", "—"],
      ["post_entry", "POST /ledger-entries", "own: account_id → accounts.customer_id = caller", "—"],
      ["update_account", "PATCH /accounts/{id}", "own: customer_id = caller", "—"],
    ]);
  });

  it("lists STRIDE threats per data flow with mitigations named after the design", () => {
    assert.deepEqual(plan().threats.map((t) => [t.flow, t.category, t.threat, t.mitigation]), [
      ["clients → notes API", "Spoofing", "a forged or stolen bearer token calls the 2 protected operation(s)", "verify the JWT signature against the identity provider's JWKS, iss, aud = notes and exp (15 min); authorization code + PKCE; refresh tokens rotate"],
      ["clients → notes API", "Tampering", "a body is altered in transit, or a concurrent writer overwrites a change", "TLS only (HSTS); every body validated against openapi.yaml (422); no entity is updated concurrently, so no If-Match"],
      ["clients → notes API", "Repudiation", "a caller denies having made a change", "no entity is audited: log actor and request id for every write"],
      ["clients → notes API", "Information disclosure", "responses leak secrets, personal data or internals", "secret fields never serialised (members.password_hash); personal data (members.email) only to the roles in the matrix; problem+json errors without stack traces"],
      ["clients → notes API", "Denial of service", "floods exhaust the pool and the workers", "per-client rate limits answering 429 with Retry-After (busiest operation note_by_id: 60/s declared); page size capped at 50; request bodies capped"],
      ["clients → notes API", "Elevation of privilege", "broken object-level authorization: a caller reads or changes another's rows", "scope per operation (role matrix); ownership predicate in the query for add_note, my_notes"],
      ["identity provider → notes API", "Spoofing", "tokens signed by another issuer or with alg none", "pin iss and the JWKS URL; accept only the provider's asymmetric algorithm"],
      ["identity provider → notes API", "Information disclosure", "tokens leak through logs or URLs", "tokens only in the Authorization header; redact it in logs"],
      ["notes API → PostgreSQL", "Spoofing", "another workload connects as the service", "a database role per service, credentials from a secret manager, TLS with sslmode=verify-full"],
      ["notes API → PostgreSQL", "Tampering", "SQL injection rewrites a statement", "parameterised statements only ($n, as in design.md); no SQL built from strings"],
      ["notes API → PostgreSQL", "Repudiation", "a row changes with no trace", "no audited entity declared (see questions.md)"],
      ["notes API → PostgreSQL", "Information disclosure", "a stolen disk or backup exposes stored data", "encryption at rest for disks and backups; 2 personal or secret column(s) handled as in the PII table"],
      // add_note has no p99: the 200 ms default is the slowest
      ["notes API → PostgreSQL", "Denial of service", "slow queries hold every connection", "statement_timeout 200 ms (the slowest pattern's p99)"],
      ["notes API → PostgreSQL", "Elevation of privilege", "the runtime role changes the schema or reads other tables", "runtime role with SELECT, INSERT, UPDATE, DELETE on its own tables only; migrations run as a separate owner role"],
    ]);
  });

  it("adds a flow per dependency and for the cache, citing the other plans' figures", () => {
    const req = loadRequirements("test/fixtures/design/ledger.yaml");
    const threats = securityPlan(req, designApi(req), { poolSize: 29, asyncDependencies: ["notifier"], timeoutsMs: { bank_gateway: 75 }, cachedKeys: { get_account: "accounts:get_account:{id}" } }).threats;
    assert.deepEqual([...new Set(threats.map((t) => t.flow))], ["clients → ledger API", "identity provider → ledger API", "ledger API → PostgreSQL", "ledger API → cache", "ledger API → bank_gateway", "ledger API → fraud_check", "outbox worker → notifier"]);
    const find = (flow: string, category: string) => threats.find((t) => t.flow === flow && t.category === category)!.mitigation;
    assert.equal(find("ledger API → bank_gateway", "Denial of service"), "timeout 75 ms, retry budget and circuit breaker (RELIABILITY.md)");
    assert.equal(find("outbox worker → notifier", "Denial of service"), "called from the outbox worker: the request path does not wait");
    assert.equal(find("ledger API → PostgreSQL", "Denial of service"), "statement_timeout 500 ms (the slowest pattern's p99); pool of 29 connections (CAPACITY.md)");
    assert.equal(find("ledger API → cache", "Information disclosure"), "keys carry every filter (accounts:get_account:{id}); the ownership check runs before a hit is returned for get_account");
    assert.equal(find("clients → ledger API", "Repudiation"), "audit rows for ledger_entries: actor (token sub), request id, before and after, in the write's transaction");
  });

  it("says how each personal or secret field is encrypted, retained and audited", () => {
    assert.deepEqual(plan().pii.map((p) => [`${p.entity}.${p.field}`, p.tag, p.encryption, p.retention, p.exposedTo]), [
      ["members.email", "pii", "at rest (disk, backups) plus application-level envelope encryption (KMS data key): no pattern filters on it", "not declared (see questions.md)", []],
      ["members.password_hash", "secret", "store a one-way hash (argon2id) or a KMS-encrypted value; writeOnly in the API", "not declared (see questions.md)", []],
    ]);
    const shop = loadRequirements("examples/requirements/shop.yaml");
    const email = securityPlan(shop, designApi(shop)).pii.find((p) => p.field === "email")!;
    // customer_by_email filters on it, so it stays searchable; staff reads customers
    assert.deepEqual([email.encryption, email.retention, email.exposedTo], [
      "at rest (disk, backups); filtered by a pattern, so the column stays searchable: a keyed HMAC blind index if column encryption is required",
      "3650 days, then erased (the soft-deleted row keeps no personal data)",
      ["staff"],
    ]);
  });

  it("turns soft-deleted personal data into an ADR and missing facts into questions", () => {
    const result = plan();
    assert.deepEqual(result.decisions.map((d) => [d.id, d.confidence]), [["pii-erasure", 76]]);
    assert.deepEqual(result.questions.map((q) => q.id), ["identity-provider", "pii-retention"]);
  });

  it("draws the authentication flow for an operation on the caller's own rows", () => {
    assert.equal(authSequenceMermaid(plan().authFlow), [
      "sequenceDiagram",
      "  autonumber",
      "  actor Client as member client",
      "  participant IdP as Identity provider",
      "  participant API as notes API",
      "  participant DB as PostgreSQL",
      "  Client->>IdP: GET /authorize (code flow, scope member, PKCE S256 challenge)",
      "  IdP-->>Client: redirect with a one-time code",
      "  Client->>IdP: POST /token (code + code_verifier)",
      "  IdP-->>Client: access token (JWT, 15 min, scope member) + rotating refresh token",
      "  Client->>API: GET /members/{memberId}/notes with Authorization Bearer JWT",
      "  API->>API: verify signature (cached JWKS), iss, aud notes, exp",
      "  alt token missing, invalid or expired",
      "    API-->>Client: 401 problem+json",
      "  else scope lacks member",
      "    API-->>Client: 403 problem+json",
      "  else allowed",
      "    API->>DB: my_notes WHERE member_id = token sub",
      "    DB-->>API: rows",
      "    API-->>Client: 200 with only the rows the caller may see",
      "  end",
      "",
    ].join("\n"));
  });
});
