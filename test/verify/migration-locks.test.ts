// Locks and rewrites measured on the embedded PostgreSQL (PGlite): the earlier migrations are
// applied, then each risky statement runs inside BEGIN … ROLLBACK while pg_locks and
// pg_relation_filenode are read. One engine is shared by the whole file (a start costs seconds).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import { toSchemaSql } from "../../src/emit/sql.ts";
import { runRules } from "../../src/rules/engine.ts";
import { ALL_RULES } from "../../src/rules/index.ts";
import { SourceReader } from "../../src/ingest/source-reader.ts";
import { measureMigrationLocks, needsProbe, probe, type LockProbeStats } from "../../src/verify/migration-locks.ts";
import { startEngine, type Engine } from "../../src/verify/pglite.ts";
import type { ArchitectureModel, MigrationStatement } from "../../src/model/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import { migrationHistories } from "../../src/ingest/data/migrations.ts";
import { scanSchemaFiles } from "../../src/ingest/data/scan.ts";
import { readSqlFiles } from "../../src/ingest/data/sql.ts";
import { emptyModel } from "../rules/model-builder.ts";

const SHOP = "test/fixtures/db-shop-sql";
const CLEAN = "test/fixtures/rules/database-migrations/clean";

let engine: Engine;
before(async () => {
  engine = await startEngine();
});
after(async () => {
  await engine.close();
});

function statementAt(model: ArchitectureModel, file: string, line: number): MigrationStatement {
  const statement = model.migrations?.find((m) => m.file.endsWith(file))?.statements.find((s) => s.location.line === line);
  assert.ok(statement, `${file}:${line}`);
  return statement;
}

function shortLocks(statement: MigrationStatement): string {
  const m = statement.measured;
  return m ? `${m.locks.map((l) => `${l.table}:${l.mode}`).join(",")} rewritten=[${m.rewritten.join(",")}]${m.error ? ` error=${m.error}` : ""}` : "not measured";
}

describe("the shop's SQL migrations, measured", () => {
  let model: ArchitectureModel;
  let stats: LockProbeStats;
  let findings: Finding[];
  before(async () => {
    ({ model } = await ingest(SHOP));
    stats = await measureMigrationLocks(model, { engine });
    findings = runRules(model, ALL_RULES, new SourceReader(SHOP)).filter((f) => f.area === "database");
  });

  it("measures every statement that changes a table created by an earlier migration, and only those", (t) => {
    assert.equal(stats.probed, 11);
    assert.equal(stats.error, undefined);
    const measuredAt = (model.migrations ?? []).flatMap((m) => m.statements.filter((s) => s.measured).map((s) => `${m.file.split("/").pop()}:${s.location.line}`));
    assert.deepEqual(measuredAt, [
      "004_order_status.sql:2", "004_order_status.sql:3",
      "005_user_names.sql:3", "005_user_names.sql:4", "005_user_names.sql:5", "005_user_names.sql:6",
      "006_money_and_public_ids.sql:4", "006_money_and_public_ids.sql:5", "006_money_and_public_ids.sql:6",
      "007_order_items_product_fk.sql:1", "008_drop_username.sql:3",
    ]);
    t.diagnostic(`lock probes (ms): ${stats.probeMs.join(", ")}`);
  });

  it("records the lock each statement takes and whether it rewrote the table", () => {
    assert.equal(shortLocks(statementAt(model, "004_order_status.sql", 3)), "orders:ShareLock rewritten=[]", "CREATE INDEX blocks writes only");
    assert.equal(shortLocks(statementAt(model, "004_order_status.sql", 2)), "orders:AccessExclusiveLock rewritten=[]", "a constant default is stored in the catalog");
    assert.equal(shortLocks(statementAt(model, "005_user_names.sql", 4)), "users:RowExclusiveLock rewritten=[]");
    assert.equal(shortLocks(statementAt(model, "005_user_names.sql", 6)), "users:AccessExclusiveLock rewritten=[]", "now() is stable, not volatile: no rewrite");
    assert.equal(shortLocks(statementAt(model, "006_money_and_public_ids.sql", 4)), "order_items:AccessExclusiveLock rewritten=[order_items]", "float → numeric rewrites");
    assert.equal(shortLocks(statementAt(model, "006_money_and_public_ids.sql", 5)), "products:AccessExclusiveLock rewritten=[]", "varchar → text does not rewrite");
    assert.equal(shortLocks(statementAt(model, "006_money_and_public_ids.sql", 6)), "orders:AccessExclusiveLock rewritten=[orders]", "gen_random_uuid() is volatile: rewrite");
    assert.equal(shortLocks(statementAt(model, "007_order_items_product_fk.sql", 1)), "order_items:ShareRowExclusiveLock,products:ShareRowExclusiveLock rewritten=[]");
    for (const m of model.migrations ?? []) for (const s of m.statements) if (s.measured) assert.equal(s.measured.engine, engine.label);
    assert.match(engine.label, /^PGlite 0\.5\.16 \(PostgreSQL 18\.\d+\)$/);
  });

  it("reports the measured flaws with their lock as evidence, and nothing for the changes that proved harmless", () => {
    const migrationFindings = findings.filter((f) => f.location?.file.startsWith("db/migrations/") && !["database/varchar-limit-without-reason", "database/no-updated-at", "database/fk-without-index"].includes(f.ruleId));
    assert.deepEqual(migrationFindings.map((f) => `${f.ruleId} ${f.location?.file.split("/").pop()}:${f.location?.line} ${f.confidence}`).sort(), [
      "database/backfill-in-migration 005_user_names.sql:4 85",
      "database/column-type-change-rewrite 006_money_and_public_ids.sql:4 95",
      "database/constraint-without-not-valid 007_order_items_product_fk.sql:1 95",
      "database/no-lock-timeout 004_order_status.sql:2 90",
      "database/no-lock-timeout 007_order_items_product_fk.sql:1 85",
      "database/non-concurrent-index 004_order_status.sql:3 95",
      "database/rename-or-drop-column 008_drop_username.sql:3 90",
      "database/set-not-null 005_user_names.sql:5 88",
      "database/volatile-default 006_money_and_public_ids.sql:6 95",
    ]);
    const index = findings.find((f) => f.ruleId === "database/non-concurrent-index")!;
    assert.ok(index.evidence.some((e) => e.kind === "measure" && e.value === 5 && e.what.startsWith("lock taken on orders: ShareLock")));
    const rewrite = findings.find((f) => f.ruleId === "database/column-type-change-rewrite")!;
    assert.ok(rewrite.evidence.some((e) => e.kind === "measure" && e.unit === "table rewrites" && e.value === 1 && e.what.startsWith("order_items rewritten")));
  });
});

describe("single statements on the shared engine", () => {
  before(async () => {
    await engine.db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; CREATE TABLE t (id serial PRIMARY KEY, price numeric(12,2), ratio float8, label varchar(20), at timestamp);");
  });

  const cases: [string, string][] = [
    ["ALTER TABLE t ALTER COLUMN price TYPE numeric(14,2)", "t:AccessExclusiveLock rewritten=[]"],
    ["ALTER TABLE t ALTER COLUMN ratio TYPE numeric(10,4)", "t:AccessExclusiveLock rewritten=[t]"],
    ["ALTER TABLE t ALTER COLUMN label TYPE varchar(40)", "t:AccessExclusiveLock rewritten=[]"],
    ["CREATE INDEX t_label_idx ON t (label)", "t:ShareLock rewritten=[]"],
    ["ALTER TABLE t ADD COLUMN created timestamptz NOT NULL DEFAULT now()", "t:AccessExclusiveLock rewritten=[]"],
    ["ALTER TABLE t ADD COLUMN r float8 DEFAULT random()", "t:AccessExclusiveLock rewritten=[t]"],
    ["ALTER TABLE t ADD CONSTRAINT t_price_check CHECK (price >= 0) NOT VALID", "t:AccessExclusiveLock rewritten=[]"],
    ["ALTER TABLE t ALTER COLUMN label SET NOT NULL", "t:AccessExclusiveLock rewritten=[]"],
  ];
  for (const [sql, expected] of cases) {
    it(`${sql} → ${expected}`, async () => {
      const statement: MigrationStatement = { location: { file: "x.sql", line: 1, column: 1 }, sql, actions: [], measured: await probe(engine, sql) };
      assert.equal(shortLocks(statement), expected);
    });
  }

  it("rolls every probe back: the table is unchanged afterwards", async () => {
    const { rows } = await engine.db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position");
    assert.deepEqual(rows.map((r) => r.column_name), ["id", "price", "ratio", "label", "at"]);
  });

  it("records a statement the engine rejects instead of failing the review", async () => {
    const measured = await probe(engine, "ALTER TABLE missing ADD COLUMN x int");
    assert.deepEqual(measured.locks, []);
    assert.match(measured.error ?? "", /relation "missing" does not exist/);
  });
});

describe("the safe migration history, measured", () => {
  it("takes no lock worth reporting, so no migration rule fires", async () => {
    const parts = migrationHistories(scanSchemaFiles(CLEAN).sql).map(readSqlFiles);
    const model = emptyModel({ entities: parts.flatMap((p) => p.builder.entities()), migrations: parts.flatMap((p) => p.migrations) });
    const stats = await measureMigrationLocks(model, { engine });
    assert.equal(stats.probed, 6);
    const typeChanges = model.migrations!.flatMap((m) => m.statements).filter((s) => s.actions.some((a) => a.kind === "alter-column-type"));
    assert.deepEqual(typeChanges.map((s) => s.measured?.rewritten), [[], []], "varchar → text and numeric(12,2) → numeric(14,2) keep the storage file");
    const migrationRules = new Set(["database/non-concurrent-index", "database/constraint-without-not-valid", "database/volatile-default", "database/column-type-change-rewrite", "database/set-not-null", "database/rename-or-drop-column", "database/backfill-in-migration", "database/no-lock-timeout"]);
    const findings = runRules(model, ALL_RULES, new SourceReader(CLEAN)).filter((f) => migrationRules.has(f.ruleId));
    assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`), []);
  });
});

describe("the engine", () => {
  it("applies the schema.sql bka writes for the shop", async () => {
    const { model } = await ingest("test/fixtures/db-shop-prisma");
    await engine.db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    await engine.db.exec(toSchemaSql(model));
    const { rows } = await engine.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'public'");
    assert.equal(rows[0].n, 4 + 2 + 3, "4 primary keys, 2 unique constraints, 3 declared indexes");
  });

  it("is not started for a model with nothing to measure", async () => {
    const model = emptyModel();
    assert.deepEqual(await measureMigrationLocks(model), { probed: 0, startMs: 0, probeMs: [] });
    const { model: prisma } = await ingest("test/fixtures/db-shop-prisma");
    assert.equal(prisma.migrations, undefined);
  });

  it("an engine failure becomes a warning and leaves statements unmeasured", async () => {
    const { model } = await ingest(SHOP);
    const broken = { ...engine, db: { exec: () => Promise.reject(new Error("out of memory")) } } as unknown as Engine;
    const stats = await measureMigrationLocks(model, { engine: broken });
    assert.equal(stats.error, "out of memory");
    assert.ok(model.coverage.warnings.includes("migration locks were not measured: the embedded PostgreSQL failed (out of memory)"));
    assert.ok(model.migrations!.every((m) => m.statements.every((s) => s.measured === undefined)));
    assert.ok(model.migrations!.some((m) => m.statements.some(needsProbe)));
  });
});
