// The same small shop schema (users, products, orders, order_items) written five ways — plain SQL
// migrations, Prisma, TypeORM entities, a Drizzle schema and Knex migrations — must give one model.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ingest } from "../../../src/ingest/index.ts";
import type { Entity } from "../../../src/model/types.ts";

const SOURCES = { sql: "db-shop-sql", prisma: "db-shop-prisma", typeorm: "db-shop-typeorm", drizzle: "db-shop-drizzle", knex: "db-shop-knex" } as const;
/** What the line a table points at says, per source. */
const DECLARATIONS: Record<keyof typeof SOURCES, string> = { sql: "CREATE TABLE", prisma: "model ", typeorm: "class ", drizzle: "pgTable(", knex: "createTable(" };

/** What the shop schema is, independent of where it was written: no locations, columns by name. */
function normalised(entities: Entity[]) {
  return entities.map((e) => ({
    name: e.name,
    columns: [...e.columns].map(({ location: _, ...c }) => c).sort((a, b) => a.name.localeCompare(b.name)),
    primaryKey: e.primaryKey,
    foreignKeys: e.foreignKeys.map(({ location: _, ...fk }) => fk).sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    uniques: e.uniques,
    checks: e.checks,
    indexes: e.indexes.map(({ location: _, ...i }) => i).sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "")),
  }));
}

const col = (name: string, type: string, nullable = false, defaultValue?: string) => ({ name, type, nullable, ...(defaultValue ? { default: defaultValue } : {}) });
const stamps = [col("created_at", "timestamptz", false, "now()"), col("updated_at", "timestamptz", false, "now()")];
const byName = <T extends { name: string }>(items: T[]) => items.sort((a, b) => a.name.localeCompare(b.name));

const EXPECTED = [
  {
    name: "order_items",
    columns: byName([col("id", "serial"), col("order_id", "integer"), col("product_id", "integer"), col("quantity", "integer"), col("unit_price", "numeric(10,2)")]),
    primaryKey: ["id"],
    foreignKeys: [
      { columns: ["order_id"], references: { entity: "orders", columns: ["id"] }, onDelete: "CASCADE" },
      { columns: ["product_id"], references: { entity: "products", columns: ["id"] }, onDelete: "RESTRICT" },
    ],
    uniques: [],
    checks: [],
    indexes: [{ name: "order_items_order_id_idx", columns: ["order_id"], unique: false }],
  },
  {
    name: "orders",
    columns: byName([col("id", "serial"), col("user_id", "integer"), col("status", "varchar(20)", false, "'pending'"), col("total", "numeric(10,2)"), col("public_id", "uuid", false, "gen_random_uuid()"), ...stamps]),
    primaryKey: ["id"],
    foreignKeys: [{ columns: ["user_id"], references: { entity: "users", columns: ["id"] }, onDelete: "CASCADE" }],
    uniques: [],
    checks: [],
    indexes: [
      { name: "orders_status_created_at_idx", columns: ["status", "created_at"], unique: false },
      { name: "orders_user_id_idx", columns: ["user_id"], unique: false },
    ],
  },
  {
    name: "products",
    columns: byName([col("id", "serial"), col("sku", "varchar(64)"), col("name", "text"), col("price", "numeric(10,2)"), col("stock", "integer", false, "0"), ...stamps]),
    primaryKey: ["id"],
    foreignKeys: [],
    uniques: [["sku"]],
    checks: [],
    indexes: [],
  },
  {
    name: "users",
    columns: byName([col("id", "serial"), col("email", "varchar(255)"), col("name", "text"), ...stamps]),
    primaryKey: ["id"],
    foreignKeys: [],
    uniques: [["email"]],
    checks: [],
    indexes: [],
  },
];

describe("the shop schema in five sources", () => {
  for (const [source, fixture] of Object.entries(SOURCES)) {
    describe(source, async () => {
      const root = `test/fixtures/${fixture}`;
      const { model } = await ingest(root);

      it("yields the shop's four tables with the same columns, keys and indexes", () => {
        assert.deepEqual(normalised(model.entities), EXPECTED);
      });

      it(`records ${source} as the source of every table`, () => {
        assert.deepEqual(model.entities.map((e) => e.source), [source, source, source, source]);
      });

      it("points every table, column, foreign key and index at a line that declares it", () => {
        for (const entity of model.entities) {
          const located = [entity.location, ...entity.columns.map((c) => c.location), ...entity.foreignKeys.map((f) => f.location), ...entity.indexes.map((i) => i.location)];
          for (const location of located) {
            assert.ok(location, `${entity.name}: every part has a location`);
            const line = readFileSync(join(root, location.file), "utf8").split("\n")[location.line - 1] ?? "";
            assert.ok(line.trim().length > 0, `${location.file}:${location.line} is not blank`);
          }
          assert.ok(readLine(root, entity.location).includes(DECLARATIONS[source as keyof typeof SOURCES]), `${entity.name} located at its declaration`);
        }
      });

      it("reads the schema without warnings", () => {
        assert.deepEqual(model.coverage.warnings.filter((w) => /sql|prisma|schema/i.test(w)), []);
      });
    });
  }
});

function readLine(root: string, location: { file: string; line: number }): string {
  return readFileSync(join(root, location.file), "utf8").split("\n")[location.line - 1] ?? "";
}
