// The API designer: the shop example's OpenAPI is valid 3.1 and lints clean, with the HTTP
// conventions the design relies on.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { validate } from "@readme/openapi-parser";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { designApi } from "../../src/design/api.ts";
import { lintOpenApi } from "../../src/verify/openapi-lint.ts";

type Json = Record<string, any>;
const doc = designApi(loadRequirements("examples/requirements/shop.yaml")) as Json;

describe("API designer", () => {
  it("is valid OpenAPI 3.1 with 0 Spectral errors and 0 warnings", async () => {
    const validation = await validate(structuredClone(doc) as never);
    assert.equal(validation.valid, true, JSON.stringify(validation));
    const report = await lintOpenApi(doc);
    assert.deepEqual(report.results, []);
  });

  it("maps each access pattern to one operation", () => {
    const operations = Object.entries(doc.paths as Json).flatMap(([path, methods]) => Object.entries(methods as Json).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`));
    assert.deepEqual(operations, [
      "GET /customers/by-email/{email} customerByEmail",
      "GET /customers/{customerId}/orders myOrders",
      "GET /orders pendingOrders",
      "POST /orders placeOrder",
      "GET /orders/{orderId}/order-items orderLines",
      "GET /products browseCategory",
      "GET /products/by-sku/{sku} productBySku",
      "PATCH /products/{id} updateStock",
    ]);
  });

  it("uses cursor pagination, Idempotency-Key, If-Match/ETag, problem+json and role scopes", () => {
    const list = doc.paths["/customers/{customerId}/orders"].get;
    assert.deepEqual(list.parameters.map((p: Json) => p.name ?? p.$ref), ["customerId", "#/components/parameters/Cursor", "limit"]);
    assert.equal(list.parameters[2].schema.maximum, 20);
    assert.deepEqual(list.responses["200"].content["application/json"].schema.required, ["items", "nextCursor"]);
    assert.deepEqual(list.security, [{ oauth2: ["customer"] }]);
    const create = doc.paths["/orders"].post;
    assert.ok(create.parameters.some((p: Json) => p.$ref === "#/components/parameters/IdempotencyKey"));
    assert.deepEqual(Object.keys(create.responses), ["201", "400", "401", "403", "404", "409", "422", "429"]);
    const update = doc.paths["/products/{id}"].patch;
    assert.ok(update.parameters.some((p: Json) => p.$ref === "#/components/parameters/IfMatch"));
    assert.ok(update.responses["412"]);
    assert.ok(update.responses["200"].headers.ETag);
    // Public (visitor) operations need no token and cannot answer 401/403.
    const browse = doc.paths["/products"].get;
    assert.deepEqual(browse.security, []);
    assert.deepEqual(Object.keys(browse.responses), ["200", "400", "404", "429"]);
    assert.ok(doc.components.responses.Problem429.headers.RateLimit);
    assert.ok(doc.components.responses.Problem404.content["application/problem+json"]);
    assert.deepEqual(Object.keys(doc.components.securitySchemes.oauth2.flows.authorizationCode.scopes), ["customer", "staff"]);
    // A secret field is never returned.
    assert.equal(doc.components.schemas.Customers.properties.passwordHash.writeOnly, true);
  });
});
