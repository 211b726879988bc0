// The query rules over the five db-shop fixtures (the same routes in raw SQL, Prisma, TypeORM,
// Drizzle and Knex give the same findings), and select-star-on-wide-table on a built model.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import { ALL_RULES } from "../../src/rules/index.ts";
import { rule as selectStar } from "../../src/rules/database/select-star-on-wide-table.ts";
import { isListEndpoint, rule as unboundedQuery } from "../../src/rules/performance/unbounded-query.ts";
import type { Finding } from "../../src/model/finding.ts";
import type { Endpoint, Entity } from "../../src/model/types.ts";
import { assertEvidenceIsReal, at, dataAccess, emptyModel, endpoint, evidenceLines, runRule } from "./model-builder.ts";
import { runRules } from "../../src/rules/engine.ts";
import { SourceReader } from "../../src/ingest/source-reader.ts";

const SHOPS = ["sql", "prisma", "typeorm", "drizzle", "knex"] as const;
const QUERY_RULES = new Set(["performance/n-plus-one", "performance/unbounded-query", "database/select-star-on-wide-table", "database/multi-write-without-transaction"]);
const root = (shop: string) => fileURLToPath(new URL(`../fixtures/db-shop-${shop}/`, import.meta.url));

/** The same four findings in every shop: rule, band and message (locations differ by file layout). */
const EXPECTED = [
  ["database/multi-write-without-transaction", "decide", "POST /orders writes 2 times (an insert on orders, an insert on order_items) outside a transaction: if a later write fails, the earlier ones stay."],
  ["performance/n-plus-one", "decide", "GET /order-summaries/{userId} runs a select on order_items inside a loop after loading a list with a select on orders: every row of the first result costs one more round trip to the database (N + 1 queries)."],
  ["performance/unbounded-query", "decide", "GET /products returns a list, and its handler runs a select on products without a limit: the response grows with the table."],
  ["performance/unbounded-query", "decide", "GET /products/{id}/order-lines returns a list, and its handler runs a select on order_items without a limit: the response grows with the table."],
];

describe("query rules on the db-shop fixtures", () => {
  const findings = new Map<string, Finding[]>();
  before(async () => {
    for (const shop of SHOPS) {
      const { model } = await ingest(root(shop));
      const all = runRules(model, ALL_RULES, new SourceReader(root(shop)));
      findings.set(shop, all.filter((f) => QUERY_RULES.has(f.ruleId)));
    }
  });

  for (const shop of SHOPS) {
    it(`${shop}: N+1, two unbounded lists and a two-write order; the batched, limited and transactional routes are clean`, () => {
      const got = findings.get(shop)!.map((f) => [f.ruleId, f.band, f.message]).sort((a, b) => (a.join() < b.join() ? -1 : 1));
      assert.deepEqual(got, EXPECTED);
      assertEvidenceIsReal(findings.get(shop)!, root(shop));
    });
  }

  it("cites the outer query and the query in the loop, and both writes", () => {
    const prisma = findings.get("prisma")!;
    assert.deepEqual(evidenceLines(prisma.find((f) => f.ruleId === "performance/n-plus-one")!), ["src/orders.js:11", "src/orders.js:18"]);
    assert.deepEqual(evidenceLines(prisma.find((f) => f.ruleId === "database/multi-write-without-transaction")!), ["src/orders.js:38", "src/orders.js:39"]);
    const sql = findings.get("sql")!;
    assert.deepEqual(evidenceLines(sql.find((f) => f.ruleId === "performance/n-plus-one")!), ["src/orders.js:10", "src/orders.js:15"]);
  });
});

describe("performance/unbounded-query: a service that pages nothing", () => {
  it("gets one finding naming its unbounded lists, not one per query", () => {
    const shop = root("prisma");
    const products = at(shop, "src/orders.js", "prisma.product.findMany", { token: "prisma.product.findMany" });
    const lines = at(shop, "src/app.js", "prisma.orderItem.findMany", { token: "prisma.orderItem.findMany" });
    const model = emptyModel({
      endpoints: [
        endpoint({ method: "GET", path: "/products", location: products, handlerId: "h1" }),
        endpoint({ method: "GET", path: "/products/{id}/order-lines", location: lines, handlerId: "h2" }),
      ],
      handlers: [
        { id: "h1", name: "products", location: products, dataAccessIds: ["q1"], outboundCallIds: [] },
        { id: "h2", name: "lines", location: lines, dataAccessIds: ["q2"], outboundCallIds: [] },
      ],
      dataAccesses: [dataAccess({ id: "q1", location: products, entity: "products", limit: "none" }), dataAccess({ id: "q2", location: lines, entity: "order_items", limit: "none" })],
    });
    const found = runRule(unboundedQuery, model, shop);
    assert.equal(found.length, 1);
    assert.equal(found[0].message, "No list endpoint of api is paged: 2 list endpoints run 2 queries without a limit (on order_items, products), so every response grows with its table.");
    assert.deepEqual(evidenceLines(found[0]), ["src/app.js:22", "src/orders.js:7"]);
  });
});

describe("performance/unbounded-query: list endpoints", () => {
  it("is a GET whose path does not end in a parameter", () => {
    const e = (method: Endpoint["method"], path: string) => endpoint({ method, path, location: { file: "a.js", line: 1, column: 1 } });
    assert.equal(isListEndpoint(e("GET", "/products")), true);
    assert.equal(isListEndpoint(e("GET", "/users/{id}/orders")), true);
    assert.equal(isListEndpoint(e("GET", "/users/{id}")), false);
    assert.equal(isListEndpoint(e("POST", "/products")), false);
  });
});

describe("database/select-star-on-wide-table", () => {
  const shop = root("prisma");
  const wideUsers = (columns: number): Entity => ({
    name: "users",
    columns: Array.from({ length: columns }, (_, i) => ({ name: i === 0 ? "id" : `field_${i}`, type: "text", nullable: true })),
    primaryKey: ["id"], foreignKeys: [], uniques: [], checks: [], indexes: [],
    location: at(shop, "prisma/schema.prisma", "model User {"),
    source: "prisma",
  });
  const findUnique = () => dataAccess({ location: at(shop, "src/app.js", "prisma.user.findUnique", { token: "prisma.user.findUnique" }), client: "prisma", entity: "users", limit: 1 });

  it("flags a finder without a column list on a table of 12 columns, citing the query and the table", () => {
    const found = runRule(selectStar, emptyModel({ entities: [wideUsers(12)], dataAccesses: [findUnique()] }), shop);
    assert.equal(found.length, 1);
    assert.equal(found[0].band, "decide");
    assert.equal(found[0].message, "a prisma finder without a column list reads all 12 columns of users: the database reads and sends every one, and columns added later join the result.");
    assert.deepEqual(evidenceLines(found[0]), ["src/app.js:9", "prisma/schema.prisma:11"]);
  });

  it("asks once per table, citing every query that reads the whole row", () => {
    const second = dataAccess({ location: at(shop, "src/app.js", "prisma.order.findMany", { token: "prisma.order.findMany" }), client: "prisma", entity: "users" });
    const found = runRule(selectStar, emptyModel({ entities: [wideUsers(12)], dataAccesses: [second, findUnique()] }), shop);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^2 queries read all 12 columns of users:/);
    assert.equal(found[0].evidence.length, 3);
  });

  it("asks once per service when none of its selects names columns, listing every wide table", () => {
    const wideOrders: Entity = { ...wideUsers(14), name: "orders", location: at(shop, "prisma/schema.prisma", "model Order {") };
    const orders = dataAccess({ location: at(shop, "src/app.js", "prisma.order.findMany", { token: "prisma.order.findMany" }), client: "prisma", entity: "orders" });
    const model = emptyModel({ entities: [wideUsers(12), wideOrders], dataAccesses: [orders, findUnique()] });
    const [habit, ...rest] = runRule(selectStar, model, shop);
    assert.equal(rest.length, 0);
    assert.equal(habit.occurrences, 2);
    assert.match(habit.message, /^No select of \S+ names its columns: 2 queries read every column of 2 wide tables \(orders \(14 columns, 1 query\) and users \(12 columns, 1 query\)\)/);
    // One select that names its columns shows the habit is not universal: one finding per table.
    const named = dataAccess({ location: at(shop, "src/app.js", "prisma.user.findUnique", { token: "prisma.user.findUnique" }), client: "prisma", entity: "users", returnedColumns: ["id"] });
    assert.equal(runRule(selectStar, emptyModel({ ...model, dataAccesses: [orders, findUnique(), named] }), shop).length, 2);
  });

  it("stays quiet for 11 columns, or when the query names its columns", () => {
    assert.equal(runRule(selectStar, emptyModel({ entities: [wideUsers(11)], dataAccesses: [findUnique()] }), shop).length, 0);
    const named = { ...findUnique(), returnedColumns: ["id", "field_1"] };
    assert.equal(runRule(selectStar, emptyModel({ entities: [wideUsers(12)], dataAccesses: [named] }), shop).length, 0);
  });
});
