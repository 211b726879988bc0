// SQL migrations through PostgreSQL's own parser: apply order per tool, what each statement
// changes (and whether its table already existed), line numbers, and files that are not all
// PostgreSQL.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ingest } from "../../../src/ingest/index.ts";
import { migrationHistories } from "../../../src/ingest/data/migrations.ts";
import { scanSchemaFiles } from "../../../src/ingest/data/scan.ts";
import { readSqlFiles } from "../../../src/ingest/data/sql.ts";

function withFiles<T>(files: Record<string, string>, body: (root: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), "bka-sql-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function read(text: string, path = "db/migrations/001_x.sql") {
  return readSqlFiles([{ path, text, tool: "plain" }]);
}

function historyPaths(root: string): string[][] {
  return migrationHistories(scanSchemaFiles(root).sql).map((h) => h.map((f) => f.path));
}

describe("migration histories", () => {
  it("orders Flyway versions numerically, repeatables last, and skips undo files", () => {
    const files = Object.fromEntries(["V10__later.sql", "V2__second.sql", "V1__init.sql", "V1_1__patch.sql", "R__views.sql", "U2__undo.sql"].map((n) => [`db/migration/${n}`, "SELECT 1;"]));
    withFiles(files, (root) => {
      assert.deepEqual(historyPaths(root), [["db/migration/V1__init.sql", "db/migration/V1_1__patch.sql", "db/migration/V2__second.sql", "db/migration/V10__later.sql", "db/migration/R__views.sql"]]);
      assert.deepEqual(migrationHistories(scanSchemaFiles(root).sql)[0].map((f) => f.tool), ["flyway", "flyway", "flyway", "flyway", "plain"]);
    });
  });

  it("applies golang-migrate ups only, Prisma migrations by folder, each history on its own", () => {
    withFiles(
      {
        "migrations/10_b.up.sql": "SELECT 1;", "migrations/9_a.up.sql": "SELECT 1;", "migrations/9_a.down.sql": "SELECT 1;",
        "prisma/migrations/20240201_second/migration.sql": "SELECT 1;", "prisma/migrations/20240101_init/migration.sql": "SELECT 1;",
      },
      (root) => {
        assert.deepEqual(historyPaths(root), [
          ["migrations/9_a.up.sql", "migrations/10_b.up.sql"],
          ["prisma/migrations/20240101_init/migration.sql", "prisma/migrations/20240201_second/migration.sql"],
        ]);
        assert.equal(migrationHistories(scanSchemaFiles(root).sql)[1][0].tool, "prisma");
      },
    );
  });

  it("cuts dbmate down sections but keeps line numbers", () => {
    const text = "-- migrate:up\nCREATE TABLE notes (id serial PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE notes;\n";
    withFiles({ "db/migrations/20240101_notes.sql": text }, (root) => {
      const [history] = migrationHistories(scanSchemaFiles(root).sql);
      assert.equal(history[0].tool, "dbmate");
      const { builder, migrations } = readSqlFiles(history);
      assert.deepEqual(builder.entities().map((e) => e.name), ["notes"]);
      assert.deepEqual(migrations[0].statements.map((s) => s.location.line), [2]);
    });
  });

  it("honours .gitignore and never enters node_modules", () => {
    withFiles(
      { ".gitignore": "scratch/\n", "scratch/db/x.sql": "SELECT 1;", "node_modules/pkg/migrations/1.sql": "SELECT 1;", "db/schema.sql": "SELECT 1;", "src/queries/report.sql": "SELECT 1;" },
      (root) => assert.deepEqual(scanSchemaFiles(root).sql.map((f) => f.path), ["db/schema.sql"]),
    );
  });
});

describe("statements and their actions", () => {
  it("marks changes to tables from earlier files as changes to existing tables", async () => {
    const { model } = await ingest("test/fixtures/db-shop-sql");
    const actions = (model.migrations ?? []).flatMap((m) => m.statements.flatMap((s) => s.actions.map((a) => `${m.file.split("/").pop()}:${s.location.line} ${a.kind} ${a.table ?? ""} ${a.existingTable}`)));
    assert.deepEqual(actions, [
      "001_create_users.sql:2 create-table users false",
      "002_create_products.sql:1 create-table products false",
      "003_create_orders.sql:1 create-table orders false",
      "003_create_orders.sql:8 create-index orders false",
      "003_create_orders.sql:10 create-table order_items false",
      "003_create_orders.sql:17 create-index order_items false",
      "004_order_status.sql:2 add-column orders true",
      "004_order_status.sql:3 create-index orders true",
      "005_user_names.sql:1 set-lock-timeout  false",
      "005_user_names.sql:3 add-column users true",
      "005_user_names.sql:4 data-change users true",
      "005_user_names.sql:5 set-not-null users true",
      "005_user_names.sql:6 add-column users true",
      "006_money_and_public_ids.sql:1 set-lock-timeout  false",
      "006_money_and_public_ids.sql:4 alter-column-type order_items true",
      "006_money_and_public_ids.sql:5 alter-column-type products true",
      "006_money_and_public_ids.sql:6 add-column orders true",
      "007_order_items_product_fk.sql:1 add-constraint order_items true",
      "008_drop_username.sql:1 set-lock-timeout  false",
      "008_drop_username.sql:3 drop-column users true",
    ]);
  });

  it("records the type a column had before ALTER COLUMN TYPE, and what the code still names", async () => {
    const { model } = await ingest("test/fixtures/db-shop-sql");
    const all = (model.migrations ?? []).flatMap((m) => m.statements.flatMap((s) => s.actions));
    assert.deepEqual(all.filter((a) => a.kind === "alter-column-type").map((a) => `${a.column}: ${a.previousType} → ${a.type}`), ["unit_price: double precision → numeric(10,2)", "name: varchar(200) → text"]);
    const drop = all.find((a) => a.kind === "drop-column")!;
    assert.deepEqual(drop.referencedBy?.map((l) => `${l.file}:${l.line}`), ["src/app.js:8"]);
    const fk = all.find((a) => a.kind === "add-constraint")!;
    assert.deepEqual({ constraint: fk.constraint, columns: fk.columns, notValid: fk.notValid }, { constraint: "foreign-key", columns: ["product_id"], notValid: false });
  });

  it("keeps the statement text without its semicolon", () => {
    const { migrations } = read("CREATE TABLE a (id int);\n\n  -- note\n  CREATE INDEX CONCURRENTLY a_id ON a (id);\n");
    assert.deepEqual(migrations[0].statements.map((s) => [s.location.line, s.location.column, s.sql]), [
      [1, 1, "CREATE TABLE a (id int)"],
      [4, 3, "CREATE INDEX CONCURRENTLY a_id ON a (id)"],
    ]);
    assert.equal(migrations[0].statements[1].actions[0].concurrently, true);
  });
});

describe("the schema the statements leave", () => {
  it("follows renames, drops and constraint changes", () => {
    const { builder } = read(`
CREATE TABLE authors (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text);
CREATE TABLE posts (
  id bigserial PRIMARY KEY,
  author_id integer REFERENCES authors ON DELETE SET NULL,
  title varchar(200) NOT NULL,
  body text,
  tags text[] DEFAULT '{}',
  state text NOT NULL DEFAULT 'draft'::text CHECK (state IN ('draft', 'published')),
  published_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX posts_title_key ON posts (lower(title)) WHERE state = 'published';
CREATE INDEX posts_body_idx ON posts (body);
ALTER TABLE authors RENAME TO writers;
ALTER TABLE posts RENAME COLUMN author_id TO writer_id;
ALTER TABLE posts ALTER COLUMN body TYPE varchar(5000), ALTER COLUMN title DROP NOT NULL;
ALTER TABLE posts ADD CONSTRAINT posts_slug_key UNIQUE (title);
DROP INDEX posts_body_idx;
ALTER TABLE writers DROP COLUMN name;
`);
    const [posts, writers] = builder.entities();
    assert.deepEqual(writers.columns.map((c) => `${c.name} ${c.type} ${c.default ?? ""}`), ["id integer identity"]);
    assert.deepEqual(posts.columns.map((c) => `${c.name} ${c.type}${c.nullable ? "" : " NOT NULL"}${c.default ? ` = ${c.default}` : ""}`), [
      "id bigserial NOT NULL",
      "writer_id integer",
      "title varchar(200)",
      "body varchar(5000)",
      "tags text[] = '{}'",
      "state text NOT NULL = 'draft'",
      "published_at timestamptz = now()",
    ]);
    assert.deepEqual(posts.foreignKeys.map((f) => ({ ...f, location: undefined })), [{ columns: ["writer_id"], references: { entity: "writers", columns: ["id"] }, onDelete: "SET NULL", location: undefined }]);
    assert.deepEqual(posts.checks, ["state IN ('draft', 'published')"]);
    assert.deepEqual(posts.uniques, [["title"]]);
    assert.deepEqual(posts.indexes.map((i) => [i.name, i.columns, i.unique, i.where]), [["posts_title_key", ["(lower(title))"], true, "state = 'published'"]]);
  });

  it("follows a table created outside the files read, without making a partial entity of it", () => {
    const { builder, migrations } = read("ALTER TABLE legacy ADD COLUMN note text;\nCREATE INDEX legacy_note_idx ON legacy (note);\n");
    assert.deepEqual(builder.entities(), [], "its primary key and other columns are unknown");
    assert.deepEqual(migrations[0].statements.flatMap((s) => s.actions.map((a) => `${a.kind} ${a.table} ${a.existingTable}`)), ["add-column legacy true", "create-index legacy true"]);
  });

  it("reads the rest of a file around a statement PostgreSQL cannot parse, and says where", () => {
    const result = read("CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE `b` (id int AUTO_INCREMENT) ENGINE=InnoDB;\nCREATE TABLE c (id int PRIMARY KEY);\n", "db/migrations/002_mixed.sql");
    assert.deepEqual(result.builder.entities().map((e) => e.name), ["a", "c"]);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /^db\/migrations\/002_mixed\.sql:2:14: syntax error at or near "`"; bka reads PostgreSQL migrations/);
  });

  it("keeps dollar-quoted bodies and strings with semicolons in one statement", () => {
    const { migrations, warnings } = read("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nCREATE TABLE t (note text DEFAULT 'a;b');\nSELECT `oops`;\n");
    assert.equal(migrations[0].statements.length, 2);
    assert.equal(warnings.length, 1);
  });
});

