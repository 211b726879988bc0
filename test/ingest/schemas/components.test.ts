import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hoistSchemas } from "../../../src/ingest/schemas/components.ts";
import type { Endpoint, JsonSchema } from "../../../src/model/types.ts";
import { NAME_KEY } from "./helper.ts";

function endpoint(path: string, request: Endpoint["request"], responses: Record<string, JsonSchema> = {}): Endpoint {
  return {
    id: `svc POST ${path}`, serviceId: "svc", framework: "express", method: "POST", path, pathParams: [],
    location: { file: "src/app.ts", line: 1, column: 1 }, middleware: [],
    auth: { state: "none", mechanisms: [], reason: "" }, validation: { validated: true, libraries: [] },
    request, responses, inputs: [], pathResolved: true,
  };
}

const named = (name: string, schema: JsonSchema): JsonSchema => ({ [NAME_KEY]: name, ...schema });

describe("components.schemas", () => {
  it("gives two different schemas of one name distinct names, the same way whatever the endpoint order", () => {
    const loginA = named("Login", { type: "object", properties: { email: { type: "string" } } });
    const loginB = named("Login", { type: "object", properties: { username: { type: "string" } } });
    const endpoints = [endpoint("/a", { body: loginA }), endpoint("/b", { body: loginB }), endpoint("/c", { body: loginA })];
    const forward = hoistSchemas(endpoints);
    const backward = hoistSchemas([...endpoints].reverse());
    assert.deepEqual(forward.schemas, {
      Login: { type: "object", properties: { email: { type: "string" } } },
      Login2: { type: "object", properties: { username: { type: "string" } } },
    });
    assert.deepEqual(backward.schemas, forward.schemas);
    assert.deepEqual(forward.endpoints.map((e) => e.request.body), [{ $ref: "#/components/schemas/Login" }, { $ref: "#/components/schemas/Login2" }, { $ref: "#/components/schemas/Login" }]);
  });

  it("refers nested named schemas from components, and keeps query and params inline at the top", () => {
    const money = named("Money", { type: "object", properties: { amount: { type: "integer" } } });
    const query = named("ListQuery", { type: "object", properties: { min: money } });
    const [e] = hoistSchemas([endpoint("/p", { query, body: { type: "object", properties: { price: money } } }, { "200": named("Product", { type: "object", properties: { price: money } }) })]).endpoints;
    assert.deepEqual(e.request, {
      query: { type: "object", properties: { min: { $ref: "#/components/schemas/Money" } } },
      body: { type: "object", properties: { price: { $ref: "#/components/schemas/Money" } } },
    });
    assert.deepEqual(e.responses, { "200": { $ref: "#/components/schemas/Product" } });
    const { schemas } = hoistSchemas([endpoint("/p", { query }, { "200": named("Product", { type: "object", properties: { price: money } }) })]);
    assert.deepEqual(Object.keys(schemas), ["Money", "Product"]);
    assert.deepEqual(schemas.Product, { type: "object", properties: { price: { $ref: "#/components/schemas/Money" } } });
  });

  it("makes a name safe for a components key and leaves names already taken alone", () => {
    const { schemas } = hoistSchemas([endpoint("/x", { body: named("user input", { type: "string" }) }), endpoint("/y", { body: named("Taken", { type: "number" }) })], { Taken: { type: "boolean" } });
    assert.deepEqual(schemas, { Taken: { type: "boolean" }, Taken2: { type: "number" }, user_input: { type: "string" } });
  });
});
