import { test } from "node:test";
import assert from "node:assert/strict";
import type { DataAccess, Endpoint, OutboundCall } from "../../src/model/types.ts";
import { architectureView, authFlowView, relationships, targetLabel, AUTH_FLOW_ROW_LIMIT } from "../../src/emit/views.ts";
import { serviceOfFile } from "../../src/model/files.ts";
import { architectureSvg, authFlowSvg, erSvg, textWidth } from "../../src/emit/svg.ts";
import { sampleModel } from "../fixtures/models/sample-model.ts";
import { shopEntities } from "../fixtures/models/entity-model.ts";

test("a file belongs to the service with the longest root containing it", () => {
  const services = [
    { id: "root", root: ".", frameworks: [], dependencies: [] },
    { id: "api", root: "apps/api", frameworks: [], dependencies: [] },
    { id: "api-admin", root: "apps/api-admin", frameworks: [], dependencies: [] },
  ];
  assert.equal(serviceOfFile(services, "apps/api/src/x.ts")?.id, "api");
  assert.equal(serviceOfFile(services, "apps/api-admin/src/x.ts")?.id, "api-admin");
  assert.equal(serviceOfFile(services, "scripts/seed.ts")?.id, "root");
});

test("architecture view: datastores from data-access clients, ORMs resolved through the service's driver, externals by host", () => {
  const model = sampleModel();
  const base = model.dataAccesses[0];
  const orm: DataAccess = { ...base, id: "apps/billing/src/invoices.ts:12:3", location: { file: "apps/billing/src/invoices.ts", line: 12, column: 3 }, client: "prisma" };
  model.dataAccesses.push(orm);
  model.services[1].dependencies.push("mysql2");
  const cache: OutboundCall = { ...model.outboundCalls[0], id: "c", client: "ioredis", kind: "cache", target: undefined };
  model.outboundCalls.push(cache);
  const view = architectureView(model);
  assert.deepEqual(
    view.datastores.map((d) => [d.label, d.clients.join(","), d.declaredOnly]),
    [["Redis", "ioredis", false], ["MySQL", "prisma", false], ["PostgreSQL", "pg", false]],
  );
  assert.deepEqual(view.externals.map((d) => [d.label, d.kind]), [["moderation.internal", "http"]]);
  assert.deepEqual(
    view.edges.map((e) => `${e.serviceId} → ${e.dependencyKey}`),
    ["billing → db:MySQL", "conduit-api → cache:Redis", "conduit-api → db:PostgreSQL", "conduit-api → http:moderation.internal"],
  );
});

test("outbound targets are labelled by host, by the expression a templated URL starts with, or as unknown", () => {
  assert.equal(targetLabel("https://api.stripe.com/v1/charges"), "api.stripe.com");
  assert.equal(targetLabel("http://localhost:4000/x"), "localhost:4000");
  assert.equal(targetLabel("${config.paymentsUrl}/charge"), "config.paymentsUrl");
  assert.equal(targetLabel("https://${host}/x"), "${host}");
  assert.equal(targetLabel(undefined), "unknown target");
});

test("auth flow: one gate per mechanism plus stand-ins for none and unknown, rows ordered by gate", () => {
  const view = authFlowView(sampleModel());
  assert.deepEqual(view.gates.map((g) => g.label), ["@fastify/jwt", "custom", "passport:jwt", "session", "not determined", "no auth"]);
  assert.equal(view.grouped, false);
  assert.equal(view.routes.length, 14);
  assert.deepEqual(view.routes.slice(0, 2).map((r) => `${r.method} ${r.label}`), ["POST billing /invoices", "GET conduit-api /api/user"]);
  const none = view.links.filter((l) => l.gateKey === "gate:none");
  assert.equal(none.length, 6);
  assert.ok(none.every((l) => l.state === "none"));
});

test("auth flow groups endpoints by path prefix beyond the row limit", () => {
  const model = sampleModel();
  const template = model.endpoints.find((e) => e.path === "/api/user")!;
  const extra: Endpoint[] = Array.from({ length: AUTH_FLOW_ROW_LIMIT }, (_, i) => ({
    ...template,
    id: `conduit-api GET /api/items/${i}`,
    path: `/api/items/${i}`,
  }));
  model.endpoints.push(...extra);
  const view = authFlowView(model);
  assert.equal(view.grouped, true);
  const items = view.routes.find((r) => r.label === "conduit-api /api/items/*");
  assert.equal(items?.count, AUTH_FLOW_ROW_LIMIT);
  assert.ok(view.routes.length < 20, String(view.routes.length));
});

test("relationships know optional and one-to-one foreign keys and skip targets outside the model", () => {
  const entities = shopEntities();
  entities[2].foreignKeys.push({ columns: ["coupon_code"], references: { entity: "coupons", columns: ["code"] } });
  const rels = relationships(entities);
  assert.deepEqual(
    rels.map((r) => `${r.from}.${r.columns} → ${r.to}${r.optional ? " optional" : ""}${r.oneToOne ? " 1:1" : ""}`),
    [
      "categories.parent_id → categories optional",
      "customer_profiles.customer_id → customers 1:1",
      "order_items.order_id → orders",
      "order_items.product_id → products",
      "orders.customer_id → customers",
      "products.category_id → categories optional",
    ],
  );
});

/** x, y, width, height of each entity box, read back from the SVG. */
function entityBoxes(svg: string): Map<string, { x: number; y: number; width: number; height: number }> {
  const boxes = new Map();
  for (const m of svg.matchAll(/data-entity="([^"]+)"><rect class="shape" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)) {
    boxes.set(m[1], { x: Number(m[2]), y: Number(m[3]), width: Number(m[4]), height: Number(m[5]) });
  }
  return boxes;
}

test("ER layout: referenced tables sit left of the tables that reference them, and no boxes overlap", () => {
  const entities = shopEntities();
  const svg = erSvg(entities, relationships(entities));
  const boxes = entityBoxes(svg);
  assert.equal(boxes.size, 6);
  const left = (parent: string, child: string) => assert.ok(boxes.get(parent)!.x + boxes.get(parent)!.width < boxes.get(child)!.x, `${parent} left of ${child}`);
  left("customers", "orders");
  left("orders", "order_items");
  left("products", "order_items");
  left("categories", "products");
  left("customers", "customer_profiles");
  const list = [...boxes.entries()];
  for (const [a, boxA] of list) {
    for (const [b, boxB] of list) {
      if (a >= b) continue;
      const apart = boxA.x + boxA.width <= boxB.x || boxB.x + boxB.width <= boxA.x || boxA.y + boxA.height <= boxB.y || boxB.y + boxB.height <= boxA.y;
      assert.ok(apart, `${a} overlaps ${b}`);
    }
  }
  assert.equal((svg.match(/<path class="edge edge-fk/g) ?? []).length, 6);
  assert.match(svg, /data-from="categories" data-to="categories"/);
  assert.match(svg, /class="edge edge-fk edge-optional"[^>]*data-from="products"/);
});

test("ER boxes show at most 14 rows, keeping key columns, and say how many columns are left out", () => {
  const [customers] = shopEntities();
  const wide = {
    ...customers,
    columns: [...Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, type: "text", nullable: true })), { name: "owner_id", type: "bigint", nullable: false }],
    primaryKey: ["c0"],
    foreignKeys: [{ columns: ["owner_id"], references: { entity: "customers", columns: ["c0"] } }],
  };
  const svg = erSvg([wide], relationships([wide]));
  // 13 columns and the "more" line: both keys, then the first others in declared order.
  assert.match(svg, /… 8 more columns/);
  assert.match(svg, />owner_id</);
  assert.match(svg, />c11</);
  assert.equal(svg.includes(">c12<"), false);
});

test("architecture and auth SVGs size their boxes to the estimated label width", () => {
  const model = sampleModel();
  const arch = architectureSvg(architectureView(model));
  const service = /data-service="conduit-api"><rect class="shape" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/.exec(arch);
  assert.ok(service && Number(service[1]) >= textWidth("conduit-api") + 20);
  const auth = authFlowSvg(authFlowView(model));
  assert.match(auth, /data-route="GET conduit-api \/api\/profiles\/\{username\}"/);
  assert.match(auth, /<svg [^>]*viewBox="0 0 (\d+) (\d+)" width="\1" height="\2"/);
});
