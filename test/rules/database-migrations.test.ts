// The migration rules on the shop's SQL history (flawed) and on a history that does each change
// the safe way (clean). Measurements are supplied by hand here; test/verify measures them on PGlite.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import { migrationHistories } from "../../src/ingest/data/migrations.ts";
import { scanSchemaFiles } from "../../src/ingest/data/scan.ts";
import { readSqlFiles } from "../../src/ingest/data/sql.ts";
import type { ArchitectureModel, LockMeasurement, MigrationStatement } from "../../src/model/types.ts";
import type { Rule } from "../../src/rules/types.ts";
import { rule as backfillInMigration } from "../../src/rules/database/backfill-in-migration.ts";
import { rewrites, rule as columnTypeChangeRewrite } from "../../src/rules/database/column-type-change-rewrite.ts";
import { rule as constraintWithoutNotValid } from "../../src/rules/database/constraint-without-not-valid.ts";
import { rule as noLockTimeout } from "../../src/rules/database/no-lock-timeout.ts";
import { rule as nonConcurrentIndex } from "../../src/rules/database/non-concurrent-index.ts";
import { rule as renameOrDropColumn } from "../../src/rules/database/rename-or-drop-column.ts";
import { rule as setNotNull } from "../../src/rules/database/set-not-null.ts";
import { rule as volatileDefault } from "../../src/rules/database/volatile-default.ts";
import { dataAccess, emptyModel, evidenceLines, fixture, runRule } from "./model-builder.ts";

const SHOP = fileURLToPath(new URL("../fixtures/db-shop-sql/", import.meta.url));
const CLEAN = fixture("database-migrations", "clean");
const M = "db/migrations";

const MIGRATION_RULES: Rule[] = [nonConcurrentIndex, constraintWithoutNotValid, volatileDefault, columnTypeChangeRewrite, setNotNull, renameOrDropColumn, backfillInMigration, noLockTimeout];

async function shopModel(): Promise<ArchitectureModel> {
  return (await ingest(SHOP)).model;
}

/** A model of only the migrations under `root` (no JS sources needed). */
function migrationModel(root: string): ArchitectureModel {
  const parts = migrationHistories(scanSchemaFiles(root).sql).map(readSqlFiles);
  return emptyModel({ entities: parts.flatMap((p) => p.builder.entities()), migrations: parts.flatMap((p) => p.migrations) });
}

function statementAt(model: ArchitectureModel, file: string, line: number): MigrationStatement {
  const statement = model.migrations?.find((m) => m.file === `${M}/${file}`)?.statements.find((s) => s.location.line === line);
  assert.ok(statement, `${file}:${line}`);
  return statement;
}

const ENGINE = "PGlite 0.5.16 (PostgreSQL 18.6)";
const measured = (locks: [string, string][], rewritten: string[] = []): LockMeasurement => ({ engine: ENGINE, locks: locks.map(([table, mode]) => ({ table, mode })), rewritten });

describe("migration rules, unmeasured (bka review --no-verify)", () => {
  const cases: { rule: Rule; lines: string[]; confidence: number; message: RegExp }[] = [
    { rule: nonConcurrentIndex, lines: [`${M}/004_order_status.sql:3`], confidence: 90, message: /^CREATE INDEX on orders \(status, created_at\) is expected to take ShareLock on orders \(not measured: run without --no-verify to measure it\)/ },
    { rule: constraintWithoutNotValid, lines: [`${M}/007_order_items_product_fk.sql:1`], confidence: 88, message: /^ADD FOREIGN KEY on order_items \(product_id\) without NOT VALID is expected to take ShareRowExclusiveLock/ },
    { rule: volatileDefault, lines: [`${M}/006_money_and_public_ids.sql:6`], confidence: 85, message: /^ADD COLUMN public_id … DEFAULT gen_random_uuid\(\) is expected to rewrite orders/ },
    { rule: columnTypeChangeRewrite, lines: [`${M}/006_money_and_public_ids.sql:4`], confidence: 80, message: /^Changing order_items\.unit_price \(double precision → numeric\(10,2\)\) is expected to rewrite order_items/ },
    { rule: setNotNull, lines: [`${M}/005_user_names.sql:5`], confidence: 85, message: /^SET NOT NULL on users\.name is expected to take AccessExclusiveLock on users/ },
    { rule: renameOrDropColumn, lines: [`${M}/008_drop_username.sql:3`, "src/app.js:8"], confidence: 90, message: /^This migration drops users\.username, but 1 query still uses it \(src\/app\.js:8\): it fails once it runs\.$/ },
    { rule: backfillInMigration, lines: [`${M}/005_user_names.sql:4`, `${M}/005_user_names.sql:3`, `${M}/005_user_names.sql:5`, `${M}/005_user_names.sql:6`], confidence: 85, message: /^db\/migrations\/005_user_names\.sql changes the schema and also runs UPDATE on users/ },
  ];
  for (const { rule, lines, confidence, message } of cases) {
    it(`${rule.meta.id} reports the shop's flaw and nothing on the safe history`, async () => {
      const findings = runRule(rule, await shopModel(), SHOP);
      assert.equal(findings.length, 1, findings.map((f) => f.message).join("\n"));
      assert.deepEqual(evidenceLines(findings[0]), lines);
      assert.equal(findings[0].confidence, confidence);
      assert.match(findings[0].message, message);
      assert.ok(findings[0].evidence.every((e) => e.kind === "code"), "nothing measured, nothing claimed as measured");
      assert.deepEqual(runRule(rule, migrationModel(CLEAN), CLEAN).map((f) => f.message), []);
    });
  }

  it("database/no-lock-timeout reports each file that changes an existing table before setting one", async () => {
    const findings = runRule(noLockTimeout, await shopModel(), SHOP);
    assert.deepEqual(findings.map((f) => `${f.location?.file}:${f.location?.line}`).sort(), [`${M}/004_order_status.sql:2`, `${M}/007_order_items_product_fk.sql:1`]);
    assert.deepEqual(findings[0].remediation.fix, { description: "Add at the top of the migration.", location: { file: findings[0].location!.file, line: 1, column: 1 }, replacement: "SET lock_timeout = '5s';" });
    assert.deepEqual(runRule(noLockTimeout, migrationModel(CLEAN), CLEAN), []);
  });

  it("changes to tables created in the same file are not reported", async () => {
    const model = migrationModel(CLEAN);
    const created = model.migrations![0].statements.flatMap((s) => s.actions);
    assert.ok(created.some((a) => a.kind === "create-index" && !a.existingTable), "001 creates payments and indexes it in the same file");
    for (const rule of MIGRATION_RULES) assert.deepEqual(runRule(rule, model, CLEAN), [], rule.meta.id);
  });

  it("the fixes rewrite the statement the safe way", async () => {
    const model = await shopModel();
    const [index] = runRule(nonConcurrentIndex, model, SHOP);
    assert.equal(index.remediation.fix?.replacement, "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON orders (status, created_at);");
    const [fk] = runRule(constraintWithoutNotValid, model, SHOP);
    assert.match(fk.remediation.fix?.replacement ?? "", /ON DELETE RESTRICT NOT VALID;\n-- in a later migration/);
    const [notNull] = runRule(setNotNull, model, SHOP);
    assert.match(notNull.remediation.fix?.replacement ?? "", /^ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK \(name IS NOT NULL\) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;/);
  });
});

describe("migration rules, measured", () => {
  it("report the measured lock and rewrite as evidence, at act confidence", async () => {
    const model = await shopModel();
    statementAt(model, "004_order_status.sql", 3).measured = measured([["orders", "ShareLock"]]);
    const [finding] = runRule(nonConcurrentIndex, model, SHOP);
    assert.equal(finding.confidence, 95);
    assert.match(finding.message, /takes ShareLock on orders \(measured on PGlite 0\.5\.16 \(PostgreSQL 18\.6\)\)/);
    assert.deepEqual(finding.evidence.slice(1), [
      { kind: "measure", what: `lock taken on orders: ShareLock, which blocks every INSERT, UPDATE and DELETE (reads continue) (measured on ${ENGINE}, pg_locks inside BEGIN … ROLLBACK)`, value: 5, unit: "lock level (1 = AccessShareLock … 8 = AccessExclusiveLock)" },
      { kind: "measure", what: `orders not rewritten: same storage file (pg_relation_filenode before and after, ${ENGINE})`, value: 0, unit: "table rewrites" },
    ]);
  });

  it("a measurement overrides the text: no rewrite measured, no finding; a rewrite measured, a finding", async () => {
    const model = await shopModel();
    statementAt(model, "006_money_and_public_ids.sql", 6).measured = measured([["orders", "AccessExclusiveLock"]], []);
    statementAt(model, "006_money_and_public_ids.sql", 4).measured = measured([["order_items", "AccessExclusiveLock"]], ["order_items"]);
    assert.deepEqual(runRule(volatileDefault, model, SHOP), []);
    const [typeChange] = runRule(columnTypeChangeRewrite, model, SHOP);
    assert.equal(typeChange.confidence, 95);
    assert.match(typeChange.message, /rewrote order_items and its indexes, and takes AccessExclusiveLock on order_items \(measured/);
    assert.equal(typeChange.evidence.filter((e) => e.kind === "measure" && e.unit === "table rewrites" && e.value === 1).length, 1);
  });

  it("a statement that failed on the engine says why and falls back to the documented expectation", async () => {
    const model = await shopModel();
    statementAt(model, "004_order_status.sql", 3).measured = { engine: ENGINE, locks: [], rewritten: [], error: 'relation "orders" does not exist' };
    const [finding] = runRule(nonConcurrentIndex, model, SHOP);
    assert.equal(finding.confidence, 90);
    assert.match(finding.message, /is expected to take ShareLock on orders \(not measured: the statement failed on the embedded PostgreSQL: relation "orders" does not exist\)/);
  });

  it("no-lock-timeout is certain when the first blocking statement measured AccessExclusiveLock", async () => {
    const model = await shopModel();
    statementAt(model, "004_order_status.sql", 2).measured = measured([["orders", "AccessExclusiveLock"]]);
    const finding = runRule(noLockTimeout, model, SHOP).find((f) => f.location?.file.endsWith("004_order_status.sql"))!;
    assert.equal(finding.confidence, 90);
    assert.match(finding.message, /its statement at line 2 takes AccessExclusiveLock on orders \(measured on PGlite/);
  });
});

describe("rename-or-drop-column", () => {
  it("also counts linked data accesses on the table that name the column", async () => {
    const model = await shopModel();
    model.migrations!.forEach((m) => m.statements.forEach((s) => s.actions.forEach((a) => delete a.referencedBy)));
    model.dataAccesses = [];
    assert.deepEqual(runRule(renameOrDropColumn, model, SHOP), []);
    model.dataAccesses.push(dataAccess({ location: { file: "src/app.js", line: 8, column: 28 }, entity: "users", rawSql: "SELECT id, email, username FROM users WHERE id = $1" }));
    const [finding] = runRule(renameOrDropColumn, model, SHOP);
    assert.deepEqual(evidenceLines(finding), [`${M}/008_drop_username.sql:3`, "src/app.js:8"]);
  });
});

describe("which type changes rewrite", () => {
  it("follows PostgreSQL's binary-coercible cases", () => {
    const cases: [string, string, boolean][] = [
      ["varchar(200)", "text", false], ["varchar(20)", "varchar(40)", false], ["varchar(40)", "varchar(20)", true], ["text", "varchar(10)", true],
      ["numeric(12,2)", "numeric(14,2)", false], ["numeric(12,2)", "numeric(12,4)", true], ["numeric(12,2)", "numeric", false],
      ["double precision", "numeric(10,2)", true], ["integer", "bigint", true], ["timestamp", "timestamptz", true],
    ];
    for (const [from, to, expected] of cases) assert.equal(rewrites(from, to), expected, `${from} → ${to}`);
  });
});
