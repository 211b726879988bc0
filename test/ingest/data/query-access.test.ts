// Queries linked to the model: the same routes written with raw SQL, Prisma, TypeORM, Drizzle and
// Knex (src/orders.* in each db-shop fixture) give the same data accesses once names are mapped
// to tables and columns; Sequelize and Mongoose finders and PostgreSQL-parsed SQL are read too.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../../src/ingest/index.ts";
import type { DataAccess } from "../../../src/model/types.ts";
import { buildDataAccesses, parsedShape } from "../../../src/ingest/code/data-access.ts";
import { analyzeSources } from "../analyze-helper.ts";

const SHOPS = ["sql", "prisma", "typeorm", "drizzle", "knex"] as const;

type Shape = Pick<DataAccess, "entity" | "operation" | "filterColumns" | "sortColumns" | "returnedColumns" | "limit" | "inLoop"> & { inTransaction: boolean };

function shapeOf(a: DataAccess): Shape {
  return {
    entity: a.entity, operation: a.operation, filterColumns: a.filterColumns, sortColumns: a.sortColumns,
    returnedColumns: a.returnedColumns, limit: a.limit, inLoop: a.inLoop, inTransaction: a.inTransaction === true,
  };
}

const select = (entity: string, filterColumns: string[], sortColumns: string[], returnedColumns: string[], limit: DataAccess["limit"], inLoop = false): Shape =>
  ({ entity, operation: "select", filterColumns, sortColumns, returnedColumns, limit, inLoop, inTransaction: false });
const insert = (entity: string, inTransaction: boolean): Shape =>
  ({ entity, operation: "insert", filterColumns: [], sortColumns: [], returnedColumns: [], limit: undefined, inLoop: false, inTransaction });

/** src/orders.* in every shop, in source order. */
const EXPECTED: Shape[] = [
  // GET /products: the whole catalogue, no limit
  select("products", [], ["name"], ["id", "sku", "name", "price"], "none"),
  // GET /order-summaries/:userId: 20 orders, then one query per order (N+1)
  select("orders", ["user_id"], ["created_at"], ["id", "total"], 20),
  select("order_items", ["order_id"], [], ["product_id", "quantity"], "none", true),
  // GET /order-summaries-batched/:userId: the same with one query for all orders' items
  select("orders", ["user_id"], ["created_at"], ["id", "total"], 20),
  select("order_items", ["order_id"], [], ["order_id", "product_id", "quantity"], "none"),
  // POST /orders: two writes, no transaction
  insert("orders", false),
  insert("order_items", false),
  // POST /orders/atomic: the same two writes in a transaction
  insert("orders", true),
  insert("order_items", true),
];

describe("data accesses of the db-shop fixtures", () => {
  const accesses = new Map<string, DataAccess[]>();
  before(async () => {
    for (const shop of SHOPS) accesses.set(shop, (await ingest(`test/fixtures/db-shop-${shop}`)).model.dataAccesses);
  });

  for (const shop of SHOPS) {
    it(`${shop}: the order routes give the expected entity, operation, columns, limit, loop and transaction`, () => {
      const routes = accesses.get(shop)!.filter((a) => /^src\/orders\.(js|ts)$/.test(a.location.file));
      assert.deepEqual(routes.map(shapeOf), EXPECTED);
    });
  }

  it("the original routes agree on tables, filters and sort columns across all five", () => {
    const shapes = SHOPS.map((shop) =>
      accesses.get(shop)!.filter((a) => a.location.file.startsWith("src/app.")).map((a) => [a.entity, a.operation, a.filterColumns.join(","), a.sortColumns.join(",")].join(" ")));
    for (const shape of shapes) assert.deepEqual(shape, ["users select id ", "orders select status created_at", "order_items select product_id "]);
  });

  it("a single-row finder is bounded; a plain select by id is not known to be", () => {
    const limits = (shop: string) => accesses.get(shop)!.filter((a) => a.location.file.startsWith("src/app.")).map((a) => a.limit);
    assert.deepEqual(limits("prisma"), [1, 50, "none"]); // findUnique
    assert.deepEqual(limits("typeorm"), [1, 50, "none"]); // findOneBy
    assert.deepEqual(limits("knex"), [1, 50, "none"]); // .first()
    assert.deepEqual(limits("sql"), ["none", 50, "none"]);
    assert.deepEqual(limits("drizzle"), ["none", 50, "none"]);
  });

  it("records the client and the source line of each ORM call", () => {
    const prisma = accesses.get("prisma")!.find((a) => a.location.file === "src/orders.js" && a.inLoop)!;
    assert.equal(prisma.client, "prisma");
    assert.deepEqual(prisma.location, { file: "src/orders.js", line: 18, column: 25 });
    const knex = accesses.get("knex")!.find((a) => a.location.file === "src/orders.js" && a.inLoop)!;
    assert.equal(knex.client, "knex");
    assert.equal(knex.location.line, 12);
  });
});

describe("Sequelize and Mongoose finders", () => {
  const index = analyzeSources({
    "src/models.ts": [
      `import { DataTypes, Model, Sequelize } from "sequelize";`,
      `import mongoose from "mongoose";`,
      `export const sequelize = new Sequelize("postgres://x");`,
      `export class User extends Model {}`,
      `User.init({ email: DataTypes.STRING }, { sequelize, tableName: "users" });`,
      `export const Order = sequelize.define("Order", { status: DataTypes.STRING });`,
      `export const Review = mongoose.model("Review", new mongoose.Schema({ stars: Number }));`,
    ].join("\n"),
    "src/use.ts": [
      `import { User, Order, Review } from "./models.js";`,
      `export async function list(status: string) {`,
      `  const users = await User.findAll({ where: { active: true }, order: [["createdAt", "DESC"]], limit: 10, attributes: ["id", "email"] });`,
      `  const one = await User.findByPk(3);`,
      `  const orders = await Order.findAll({ where: { status } });`,
      `  await Order.update({ status: "done" }, { where: { status: "paid" } });`,
      `  const reviews = await Review.find({ stars: 5 }).sort({ createdAt: -1 }).limit(20);`,
      `  await Review.updateOne({ _id: "x" }, { stars: 4 });`,
      `  return [users, one, orders, reviews];`,
      `}`,
    ].join("\n"),
  });

  it("reads model, operation, filter, order, attributes and limit", () => {
    const rows = buildDataAccesses(index, new Map()).map((a) => [a.location.line, a.client, a.operation, a.entity, a.filterColumns, a.sortColumns, a.returnedColumns, a.limit]);
    assert.deepEqual(rows, [
      [3, "sequelize", "select", "User", ["active"], ["createdAt"], ["id", "email"], 10],
      [4, "sequelize", "select", "User", [], [], [], 1],
      [5, "sequelize", "select", "Order", ["status"], [], [], "none"],
      [6, "sequelize", "update", "Order", ["status"], [], [], undefined],
      [7, "mongoose", "select", "Review", ["stars"], ["createdAt"], [], 20],
      [8, "mongoose", "update", "Review", ["_id"], [], [], undefined],
    ]);
  });
});

describe("raw SQL read by PostgreSQL's parser", () => {
  it("keeps the main table's filter and sort columns through a join and its alias", () => {
    assert.deepEqual(
      parsedShape("SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.status = $1 AND u.active ORDER BY o.created_at DESC LIMIT $2"),
      { operation: "select", entity: "orders", filterColumns: ["status"], sortColumns: ["created_at"], returnedColumns: ["id", "email"], limit: "param" },
    );
  });

  it("reads SELECT * as every column, an aggregate as one row, and interpolated values as parameters", () => {
    assert.deepEqual(parsedShape("SELECT * FROM products WHERE name ILIKE ${…} LIMIT 10"), {
      operation: "select", entity: "products", filterColumns: ["name"], sortColumns: [], returnedColumns: [], limit: 10,
    });
    assert.equal(parsedShape("SELECT count(*) FROM orders WHERE user_id = $1")?.limit, 1);
    assert.equal(parsedShape("SELECT status, count(*) FROM orders GROUP BY status")?.limit, "none");
  });

  it("reads writes: upsert, update and delete filters", () => {
    assert.equal(parsedShape("INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING")?.operation, "upsert");
    assert.deepEqual(parsedShape("UPDATE orders SET status = $1 WHERE id = $2 AND user_id = $3")?.filterColumns, ["id", "user_id"]);
    assert.deepEqual(parsedShape("DELETE FROM order_items WHERE order_id = $1")?.entity, "order_items");
  });

  it("leaves fragments and other dialects to the text reading", () => {
    assert.equal(parsedShape("SELECT id FROM"), undefined);
    assert.equal(parsedShape("SELECT * FROM `users` WHERE id = ?"), undefined);
  });
});
