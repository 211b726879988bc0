// The API designer: the shop example's OpenAPI is valid 3.1 and lints clean, with the HTTP
// conventions the design relies on.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { validate } from "@readme/openapi-parser";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { designApi } from "../../src/design/api.ts";
import { lintOpenApi, owaspRulesetInstalled, OWASP_RULESET } from "../../src/verify/openapi-lint.ts";

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
    assert.deepEqual(Object.keys(create.responses), ["201", "400", "401", "403", "404", "409", "422", "429", "500"]);
    const update = doc.paths["/products/{id}"].patch;
    assert.ok(update.parameters.some((p: Json) => p.$ref === "#/components/parameters/IfMatch"));
    assert.ok(update.responses["412"]);
    assert.ok(update.responses["200"].headers.ETag);
    // Public (visitor) operations need no token and cannot answer 401/403.
    const browse = doc.paths["/products"].get;
    assert.deepEqual(browse.security, []);
    assert.deepEqual(Object.keys(browse.responses), ["200", "400", "404", "429", "500"]);
    assert.ok(doc.components.responses.Problem429.headers.RateLimit);
    assert.ok(doc.components.responses.Problem404.content["application/problem+json"]);
    assert.deepEqual(Object.keys(doc.components.securitySchemes.oauth2.flows.authorizationCode.scopes), ["customer", "staff"]);
    // A secret field is never returned.
    assert.equal(doc.components.schemas.Customers.properties.passwordHash.writeOnly, true);
  });
});

const EXAMPLES = ["examples/requirements/shop.yaml", "examples/design-marketplace/requirements.yaml", "examples/design-saas/requirements.yaml", "examples/design-ledger/requirements.yaml"];

/** Every schema object in the document, with its path. */
function schemasIn(value: unknown, path: string[] = []): [string, Json][] {
  if (!value || typeof value !== "object") return [];
  const here: [string, Json][] = typeof (value as Json).type === "string" || Array.isArray((value as Json).type) ? [[path.join("/"), value as Json]] : [];
  return [...here, ...Object.entries(value as Json).flatMap(([k, v]) => schemasIn(v, [...path, k]))];
}

describe("API designer: OWASP API Security conventions", () => {
  it("bounds every string, integer and array (API4:2023)", () => {
    for (const file of EXAMPLES) {
      const api = designApi(loadRequirements(file)) as Json;
      for (const [path, schema] of schemasIn(api.paths).concat(schemasIn(api.components))) {
        const types = [schema.type].flat();
        if (types.includes("string")) assert.ok(schema.maxLength || schema.enum, `${file} ${path}: string without maxLength`);
        if (types.includes("integer")) assert.ok(schema.format && schema.minimum !== undefined && schema.maximum !== undefined, `${file} ${path}: unbounded integer`);
        if (types.includes("array")) assert.ok(schema.maxItems, `${file} ${path}: array without maxItems`);
      }
    }
  });

  it("declares rate-limit and CORS headers on every response, a production server and refreshable JWTs", () => {
    const api = designApi(loadRequirements("examples/design-ledger/requirements.yaml")) as Json;
    const responses = Object.values(api.paths as Json).flatMap((methods) => Object.values(methods as Json).flatMap((op) => Object.values((op as Json).responses as Json)));
    for (const response of [...responses.filter((r) => !r.$ref), ...Object.values(api.components.responses as Json)]) {
      assert.deepEqual(Object.keys(response.headers).slice(0, 2), ["RateLimit", "Access-Control-Allow-Origin"]);
    }
    assert.deepEqual(api.components.responses.Problem429.headers["Retry-After"].schema, { type: "integer", format: "int32", minimum: 0, maximum: 86400 });
    assert.deepEqual(api.servers, [{ url: "https://api.example.com/ledger", description: "Production (placeholder: replace with the real server).", "x-internal": false }]);
    assert.match(api.components.securitySchemes.oauth2.description, /RFC8725/);
    assert.equal(api.components.securitySchemes.oauth2.flows.authorizationCode.refreshUrl, "https://auth.example.com/token");
    assert.equal(api.components.schemas.Transfers.additionalProperties, false);
  });

  it("routes a many-to-many relation under either side and links with PUT/DELETE", () => {
    const api = designApi(loadRequirements("examples/design-marketplace/requirements.yaml")) as Json;
    const link = api.paths["/listings/{listingId}/tags/{tagId}"];
    assert.deepEqual(Object.keys(link), ["put", "delete"]);
    assert.deepEqual(link.put.parameters.map((p: Json) => p.name), ["listingId", "tagId"]);
    assert.equal(link.put.requestBody, undefined, "a link without fields of its own has no body");
    assert.deepEqual(Object.keys(link.put.responses), ["204", "400", "401", "403", "404", "429", "500"]);
    assert.deepEqual(api.paths["/tags/{tagId}/listings"].get.responses["200"].content["application/json"].schema.properties.items, { type: "array", maxItems: 24, items: { $ref: "#/components/schemas/ListingsTags" } });
    assert.deepEqual(api.components.schemas.ListingsTags.required, ["listingId", "tagId"]);
  });

  it("marks a public write as the one intended exception and never puts the tenant in the API", () => {
    const api = designApi(loadRequirements("examples/design-saas/requirements.yaml")) as Json;
    assert.deepEqual(api.paths["/organizations"].post["x-bka-lint-exceptions"], [{
      rule: "owasp:api2:2023-write-restricted",
      reason: "visitor is public: the caller has no token yet (sign-up or log-in). Rate-limit it tightly and add bot protection.",
    }]);
    assert.equal(JSON.stringify(api).includes("tenantId"), false);
    assert.match(api.info.description, /the tenant is the access token's tenant claim, never a parameter/);
    const withException = Object.values(api.paths as Json).flatMap((m) => Object.values(m as Json)).filter((op) => (op as Json)["x-bka-lint-exceptions"]);
    assert.equal(withException.length, 1);
  });

  it("reports a declared exception apart from the results", async () => {
    const doc = structuredClone(designApi(loadRequirements("examples/design-ledger/requirements.yaml"))) as Json;
    const op = doc.paths["/transfers"].post;
    delete op.description;
    op["x-bka-lint-exceptions"] = [{ rule: "operation-description", reason: "kept short on purpose" }];
    const report = await lintOpenApi(doc);
    assert.deepEqual(report.results, []);
    assert.deepEqual(report.excepted.map((r) => [r.code, r.path.join("/"), r.reason]), [["operation-description", "paths//transfers/post", "kept short on purpose"]]);
    assert.deepEqual(report.rulesets, ["spectral:oas"]);
  });

  it("has 0 errors under spectral:oas + the OWASP ruleset, the public sign-up excepted", async (t) => {
    if (!(await owaspRulesetInstalled())) {
      t.skip(`${OWASP_RULESET.name}@${OWASP_RULESET.version} is not installed`);
      return;
    }
    for (const file of EXAMPLES) {
      const report = await lintOpenApi(designApi(loadRequirements(file)), { owasp: true });
      assert.equal(report.errors, 0, `${file}: ${JSON.stringify(report.results.filter((r) => r.severity === "error"))}`);
      assert.deepEqual(report.excepted.map((r) => r.code), file.includes("saas") ? ["owasp:api2:2023-write-restricted"] : []);
    }
  });
});
