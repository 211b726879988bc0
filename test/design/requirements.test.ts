// The requirements file: the example loads, every error is reported at once with its exact
// line:column and a hint, and docs/requirements.schema.json is current and accepts the example.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import { loadRequirements, parseRequirements } from "../../src/ingest/requirements/load.ts";
import { requirementsSchemaText } from "../../src/ingest/requirements/json-schema.ts";

const EXAMPLE = "examples/requirements/shop.yaml";

function errorOf(text: string): string {
  try {
    parseRequirements("req.yaml", text);
  } catch (error) {
    assert.equal((error as Error).name, "BadInputError");
    return (error as Error).message;
  }
  assert.fail("expected a BadInputError");
}

describe("requirements file", () => {
  it("loads the shop example with defaults applied", () => {
    const req = loadRequirements(EXAMPLE);
    assert.equal(req.service.name, "shop");
    assert.deepEqual(req.entities.map((e) => e.name), ["customers", "products", "orders", "order_items"]);
    assert.equal(req.accessPatterns.length, 8);
    const email = req.entities[0].fields[0];
    assert.deepEqual(email, { name: "email", type: "string", maxLength: 254, unique: true, tags: ["pii"], required: true });
    assert.equal(req.accessPatterns[0].filters[0].op, "eq");
  });

  it("reports shape errors and unknown names together, each at its line and column", () => {
    const text = [
      "service:",
      "  name: Shop",
      "actors:",
      "  - name: customer",
      "entities:",
      "  - name: orders",
      "    fields:",
      "      - { name: status, type: enumm }",
      "      - { name: total, type: decimal, colour: red }",
      "accessPatterns:",
      "  - name: my_orders",
      "    actor: visitor",
      "    kind: read",
      "    entity: orders",
      "    peakPerSecond: 10",
      "",
    ].join("\n");
    assert.equal(errorOf(text), [
      "req.yaml:2:9: service.name: use lower_snake_case: a letter, then letters, digits or _",
      "  hint: see docs/requirements.schema.json",
      'req.yaml:8:31: entities[0].fields[0].type: "enumm" is not allowed',
      "  hint: use one of: string, text, integer, bigint, decimal, boolean, timestamp, date, uuid, json, enum",
      'req.yaml:9:39: unknown key "colour" at entities[0].fields[1]',
      "  hint: check the spelling; docs/requirements.schema.json lists every key",
      'req.yaml:12:12: unknown actor "visitor"',
      "  hint: declared actors: customer",
    ].join("\n"));
  });

  it("checks relations, enum values, filter fields and missing keys", () => {
    const text = [
      "service: { name: shop }",
      "actors:",
      "  - name: customer",
      "    public: yes",
      "entities:",
      "  - name: orders",
      "    fields:",
      "      - { name: status, type: enum }",
      "    relations:",
      "      - { to: customer, cardinality: many-to-one }",
      "accessPatterns:",
      "  - name: my_orders",
      "    actor: customer",
      "    kind: read",
      "    entity: orders",
      "    filters: [{ field: customer_id }, { field: colour }]",
      "",
    ].join("\n");
    assert.equal(errorOf(text), [
      'req.yaml:4:13: actors[0].public: expected boolean, found "yes"',
      "  hint: see docs/requirements.schema.json",
      "req.yaml:8:31: enum field orders.status has no values",
      "  hint: add values: [a, b, ...]",
      'req.yaml:10:15: relation of orders points to unknown entity "customer"',
      "  hint: declared entities: orders",
      "req.yaml:12:5: accessPatterns[0].peakPerSecond is missing",
      '  hint: add "peakPerSecond" (number)',
      'req.yaml:16:48: orders has no field "colour"',
      "  hint: fields of orders: created_at, customer_id, id, status, updated_at",
    ].join("\n"));
  });

  it("reports a YAML syntax error with its position", () => {
    const first = errorOf("service:\n  name: shop\n   bad: [\n").split("\n")[0];
    assert.equal(first, "req.yaml:2:9: invalid YAML: Nested mappings are not allowed in compact mappings");
  });

  it("docs/requirements.schema.json is current (regenerate: node --import tsx scripts/gen-requirements-schema.ts)", () => {
    assert.equal(readFileSync("docs/requirements.schema.json", "utf8"), requirementsSchemaText());
  });

  it("the JSON Schema accepts the example and rejects an unknown key", () => {
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(JSON.parse(requirementsSchemaText()));
    const example = parse(readFileSync(EXAMPLE, "utf8"));
    assert.equal(validate(example), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...example, colour: "red" }), false);
  });
});
