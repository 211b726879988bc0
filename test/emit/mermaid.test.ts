import { test } from "node:test";
import assert from "node:assert/strict";
import { toArchitectureMermaid, toErMermaid } from "../../src/emit/mermaid.ts";
import { sampleModel } from "../fixtures/models/sample-model.ts";
import { shopEntities } from "../fixtures/models/entity-model.ts";

test("er.mmd lists entities with typed, keyed columns and one line per foreign key", () => {
  assert.equal(
    toErMermaid(sampleModel()),
    [
      "erDiagram",
      '  "articles" {',
      "    integer id PK",
      "    text slug UK",
      "    integer author_id FK",
      '    text tag "nullable"',
      '    timestamptz created_at "default now()"',
      "  }",
      '  "users" {',
      "    integer id PK",
      "    text email UK",
      "    text password_hash",
      "  }",
      '  "users" ||--o{ "articles" : "author_id"',
      "",
    ].join("\n"),
  );
});

test("er.mmd: cardinality follows nullability and uniqueness; types Mermaid cannot read keep their original in a comment", () => {
  const model = sampleModel();
  model.entities = shopEntities();
  const text = toErMermaid(model);
  assert.match(text, /\n  "customers" \|\|--o\| "customer_profiles" : "customer_id"\n/, "unique FK: one to zero-or-one");
  assert.match(text, /\n  "categories" \|o--o\{ "products" : "category_id"\n/, "nullable FK: zero-or-one parent");
  assert.match(text, /\n  "categories" \|o--o\{ "categories" : "parent_id"\n/, "self-reference");
  assert.match(text, /\n    numeric_12_2 total "numeric\(12,2\)"\n/);
  assert.match(text, /\n    timestamp_with_time_zone created_at "timestamp with time zone; default now\(\)"\n/);
});

test("er.mmd: names that would break the grammar are sanitised", () => {
  const model = sampleModel();
  model.entities = [
    {
      name: 'odd "name" 100%',
      columns: [{ name: "2nd col", type: "text[]", nullable: false }],
      primaryKey: [],
      foreignKeys: [],
      uniques: [],
      checks: [],
      indexes: [],
      location: { file: "schema.sql", line: 1, column: 1 },
      source: "sql",
    },
  ];
  assert.equal(toErMermaid(model), ['erDiagram', '  "odd _name_ 100_" {', '    text _2nd_col "2nd col; text[]"', "  }", ""].join("\n"));
});

test("er.mmd without entities says so", () => {
  const model = sampleModel();
  model.entities = [];
  assert.equal(toErMermaid(model), "erDiagram\n  %% no entities found: bka saw no table or model declarations in this project\n");
});

test("architecture.mmd: services, datastores from data accesses, external systems from outbound calls", () => {
  assert.equal(
    toArchitectureMermaid(sampleModel()),
    [
      "flowchart LR",
      '  clients(["Clients"])',
      "  subgraph services",
      '    service0["billing<br/>fastify · 3 endpoints"]',
      '    service1["conduit-api<br/>express · 11 endpoints"]',
      "  end",
      '  dependency0[("PostgreSQL<br/>via pg")]',
      '  dependency1{{"moderation.internal<br/>via fetch"}}',
      "  clients --> service0",
      "  clients --> service1",
      "  service1 -->|pg| dependency0",
      "  service1 -->|fetch| dependency1",
      "",
    ].join("\n"),
  );
});

test("architecture.mmd: a driver only declared in package.json is a dashed edge; labels are escaped", () => {
  const model = sampleModel();
  model.dataAccesses = [];
  model.outboundCalls = [];
  model.services[0].id = 'api "<v2>"';
  model.endpoints.forEach((e) => {
    if (e.serviceId === "conduit-api") e.serviceId = model.services[0].id;
  });
  const text = toArchitectureMermaid(model);
  assert.match(text, /service0\["api #quot;#lt;v2#gt;#quot;<br\/>express · 11 endpoints"\]/);
  assert.match(text, /dependency0\[\("PostgreSQL<br\/>via pg \(declared; no query seen\)"\)\]/);
  assert.match(text, /\n  service0 -\.->\|pg\| dependency0\n/);
});
