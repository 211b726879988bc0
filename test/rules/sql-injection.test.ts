import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule, parameterisedFix } from "../../src/rules/security/sql-injection.ts";
import type { ArchitectureModel, DataAccess } from "../../src/model/types.ts";
import { at, dataAccess, emptyModel, evidenceLines, fixture, flow, input, loc, runRule, service } from "./model-builder.ts";

const SEARCH = "src/routes/search.js";
const USERS = "src/routes/users.js";
const REPORTS = "src/lib/reports.js";

function badModel(root: string): ArchitectureModel {
  return emptyModel({
    services: [service({ id: "catalog-api", dependencies: ["express", "pg"] })],
    dataAccesses: [
      dataAccess({
        location: at(root, SEARCH, "pool.query(sql)", { token: "pool.query" }),
        entity: "products",
        rawSql: "SELECT id, name, price FROM products WHERE name ILIKE '%${term}%' ORDER BY name LIMIT 20",
        interpolation: {
          kind: "request",
          flows: [flow(input("query", "query.q", at(root, SEARCH, "req.query.q", { token: "req.query.q" })), [at(root, SEARCH, "const sql =")])],
        },
      }),
      dataAccess({
        location: at(root, USERS, "pool.query(`", { token: "pool.query" }),
        entity: "users",
        rawSql: "SELECT id, email, display_name FROM users WHERE email = '${req.body.email}'",
        interpolation: { kind: "request", flows: [flow(input("body", "body.email", at(root, USERS, "req.body.email", { token: "req.body.email" })))] },
      }),
      dataAccess({
        location: at(root, REPORTS, "pool.query(`", { token: "pool.query" }),
        rawSql: "SELECT count(*) AS n FROM ${table}",
        interpolation: { kind: "unknown", flows: [] },
      }),
    ],
  });
}

function goodModel(root: string): ArchitectureModel {
  return emptyModel({
    services: [service({ id: "catalog-api", dependencies: ["express", "pg"] })],
    dataAccesses: [
      dataAccess({
        location: at(root, SEARCH, "await pool.query(", { token: "pool.query" }),
        rawSql: "SELECT id, name, price FROM products WHERE name ILIKE '%' || $1 || '%' ORDER BY name LIMIT 20",
        parameterised: true,
      }),
      dataAccess({
        location: at(root, USERS, "await pool.query(", { token: "pool.query" }),
        rawSql: "SELECT id, email, display_name FROM users WHERE email = $1",
        parameterised: true,
      }),
      dataAccess({
        location: at(root, REPORTS, "pool.query(`", { token: "pool.query" }),
        rawSql: "SELECT count(*) AS n FROM ${table}",
        interpolation: { kind: "constant", flows: [] },
      }),
    ],
  });
}

describe("security/sql-injection", () => {
  test("reports request input flowing into SQL text as a critical fact, with the path it takes", () => {
    const root = fixture("sql-injection", "bad");
    const findings = runRule(rule, badModel(root), root);
    assert.equal(findings.length, 3);

    const [search, lookup] = findings.filter((f) => f.band === "act").sort((a, b) => a.location!.file.localeCompare(b.location!.file));
    for (const finding of [search, lookup]) {
      assert.equal(finding.ruleId, "security/sql-injection");
      assert.equal(finding.confidence, 95);
      assert.equal(finding.severity, "critical");
      assert.ok(finding.references.some((r) => r.id === "CWE-89"));
      assert.ok(finding.references.some((r) => r.id === "ASVS 5.0 V1.2.4"));
      assert.ok(finding.references.some((r) => r.id === "OWASP A03:2021"));
      assert.ok(finding.references.some((r) => r.url === "https://node-postgres.com/features/queries#parameterized-query"));
    }

    assert.deepEqual(evidenceLines(search), [`${SEARCH}:7`, `${SEARCH}:8`, `${SEARCH}:9`]);
    assert.deepEqual(search.evidence.map((e) => e.kind === "code" && e.label), [
      "request input enters here (req.query.q)",
      "flows through here",
      "query text built here",
    ]);
    assert.match(search.message, /`req.query.q` is concatenated into the text of the SQL statement at src\/routes\/search.js:9/);
    assert.equal(
      search.remediation.fix?.replacement,
      'await pool.query("SELECT id, name, price FROM products WHERE name ILIKE $1 ORDER BY name LIMIT 20", [`%${term}%`]);',
    );

    assert.deepEqual(evidenceLines(lookup), [`${USERS}:7`, `${USERS}:7`], "source and sink on one line, at different columns");
    assert.equal(
      lookup.remediation.fix?.replacement,
      'await pool.query("SELECT id, email, display_name FROM users WHERE email = $1", [req.body.email]);',
    );
    assert.equal(lookup.question, undefined);
  });

  test("a value of unknown origin in SQL text is a question, not a claim", () => {
    const root = fixture("sql-injection", "bad");
    const unknown = runRule(rule, badModel(root), root).find((f) => f.location?.file === REPORTS);
    assert.ok(unknown);
    assert.equal(unknown.confidence, 50);
    assert.equal(unknown.band, "ask");
    assert.equal(unknown.severity, "high");
    assert.match(unknown.question ?? "", /Can the value interpolated into the SQL at src\/lib\/reports.js:4 ever come from a request/);
    assert.deepEqual(evidenceLines(unknown), [`${REPORTS}:4`]);
    assert.match(unknown.remediation.summary, /allow-list/, "a table name cannot be bound, so the advice is an allow-list");
    assert.equal(unknown.remediation.fix?.replacement, undefined);
  });

  test("true negative: parameterised queries with request input, and a constant table name", () => {
    const root = fixture("sql-injection", "good");
    assert.deepEqual(runRule(rule, goodModel(root), root), []);
  });

  test("unknown parts in a parameterised statement, and MongoDB queries, are not this rule's", () => {
    const root = fixture("sql-injection", "bad");
    const model = badModel(root);
    model.dataAccesses = [
      { ...model.dataAccesses[2], parameterised: true },
      { ...model.dataAccesses[1], client: "mongoose" },
    ];
    assert.deepEqual(runRule(rule, model, root), []);
  });

  test("request input without a recorded flow is a decision", () => {
    const root = fixture("sql-injection", "bad");
    const model = badModel(root);
    model.dataAccesses = [{ ...model.dataAccesses[1], interpolation: { kind: "request", flows: [] } }];
    const [finding] = runRule(rule, model, root);
    assert.equal(finding.confidence, 85);
    assert.equal(finding.band, "decide");
    assert.equal(finding.remediation.options?.length, 2);
    assert.deepEqual(evidenceLines(finding), [`${USERS}:7`]);
  });
});

describe("parameterisedFix", () => {
  const access = (client: string, rawSql: string): DataAccess => dataAccess({ location: loc("src/db.js", 3), client, rawSql });

  test("mysql2 uses ? placeholders and execute()", () => {
    const fix = parameterisedFix(access("mysql2", "SELECT * FROM users WHERE email = '${email}' AND active = ${active}"), []);
    assert.equal(fix.replacement, 'await connection.execute("SELECT * FROM users WHERE email = ? AND active = ?", [email, active]);');
  });

  test("sequelize uses named replacements", () => {
    const fix = parameterisedFix(access("sequelize", "SELECT * FROM Users WHERE email = '${req.body.email}'"), []);
    assert.equal(
      fix.replacement,
      'await sequelize.query("SELECT * FROM Users WHERE email = :email", { replacements: { email: req.body.email }, type: QueryTypes.SELECT });',
    );
  });

  test("values shown as ${...} take their names from the flows", () => {
    const where = loc("src/a.js", 1);
    const fix = parameterisedFix(access("pg", "DELETE FROM carts WHERE id = ${...}"), [flow(input("params", "params.id", where))]);
    assert.equal(fix.replacement, 'await pool.query("DELETE FROM carts WHERE id = $1", [req.params.id]);');
  });

  test("identifiers stay interpolated and the advice says to allow-list them", () => {
    const fix = parameterisedFix(access("pg", "SELECT * FROM items WHERE owner = ${owner} ORDER BY ${sort} ${direction}"), []);
    assert.equal(fix.replacement, "await pool.query(`SELECT * FROM items WHERE owner = $1 ORDER BY ${sort} ${direction}`, [owner]);");
    assert.match(fix.description, /cannot be bound as parameters/);
  });

  test("an unknown client gets a description only", () => {
    const fix = parameterisedFix(access("unknown", "SELECT * FROM t WHERE a = ${a}"), []);
    assert.equal(fix.replacement, undefined);
    assert.match(fix.description, /bound parameters/);
  });
});
