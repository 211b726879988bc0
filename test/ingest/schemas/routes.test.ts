// End to end: schemas declared the way real projects declare them reach the endpoints, and shared
// ones become components.schemas with `$ref`s in their place.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../../src/ingest/index.ts";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe("Express validation middleware", async () => {
  const { model } = await ingest("test/fixtures/schemas-express");
  const byRoute = new Map(model.endpoints.map((e) => [`${e.method} ${e.path}`, e]));

  it("takes the schema validate(schema) / validateBody(schema) receives as the request body", () => {
    assert.deepEqual(byRoute.get("POST /api/products")!.request, { body: ref("CreateProduct") });
    assert.deepEqual(byRoute.get("PATCH /api/products/{id}")!.request, { body: ref("UpdateProduct") });
    assert.deepEqual(byRoute.get("POST /api/products/{id}/reviews")!.request, { body: ref("Review") });
  });

  it("takes the query from validateQuery(schema), inline so each property becomes a parameter", () => {
    assert.deepEqual(byRoute.get("GET /api/products")!.request, {
      query: { type: "object", properties: { q: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 50, default: 20 } } },
    });
  });

  it("reads celebrate's segments: body, query and params", () => {
    assert.deepEqual(byRoute.get("POST /api/orders")!.request, {
      body: ref("CreateOrder"),
      query: { type: "object", properties: { dryRun: { type: "boolean" } }, additionalProperties: false },
    });
    assert.deepEqual(byRoute.get("GET /api/orders/{id}")!.request, {
      params: { type: "object", properties: { id: { type: "integer" } }, required: ["id"], additionalProperties: false },
    });
  });

  it("names the library the schema was written with", () => {
    assert.deepEqual(byRoute.get("POST /api/products")!.validation.libraries, ["custom", "zod"]);
    assert.deepEqual(byRoute.get("POST /api/products/{id}/reviews")!.validation.libraries, ["custom", "valibot"]);
    assert.deepEqual(byRoute.get("POST /api/orders")!.validation.libraries, ["celebrate", "joi"]);
  });

  it("shares named schemas, nested ones included, once each in components.schemas", () => {
    assert.deepEqual(Object.keys(model.schemas), ["CreateOrder", "CreateProduct", "Money", "OrderLine", "Review", "UpdateProduct"]);
    assert.deepEqual(model.schemas.CreateProduct, {
      type: "object",
      properties: {
        name: { type: "string", minLength: 1, maxLength: 200 },
        price: ref("Money"),
        tags: { type: "array", items: { type: "string" }, maxItems: 10 },
      },
      required: ["name", "price"],
    });
    assert.deepEqual(model.schemas.CreateOrder, {
      type: "object",
      properties: { lines: { type: "array", items: ref("OrderLine"), minItems: 1 }, note: { type: "string", maxLength: 500 } },
      required: ["lines"],
      additionalProperties: false,
    });
    assert.equal(JSON.stringify(model).includes("x-bka-name"), false);
  });
});

describe("Fastify routes with TypeBox schemas", async () => {
  const { model } = await ingest("test/fixtures/schemas-fastify-typebox");
  const byRoute = new Map(model.endpoints.map((e) => [`${e.method} ${e.path}`, e]));

  it("converts body, params and responses and shares the imported ones", () => {
    const post = byRoute.get("POST /todos")!;
    assert.deepEqual(post.request, { body: ref("CreateTodo") });
    assert.deepEqual(post.responses, { "201": ref("Todo") });
    assert.deepEqual(byRoute.get("GET /todos")!.responses, { "200": { type: "array", items: ref("Todo") } });
    assert.deepEqual(byRoute.get("GET /todos/{id}")!.request, { params: { type: "object", properties: { id: { type: "integer", minimum: 1 } }, required: ["id"] } });
    assert.deepEqual(model.schemas.CreateTodo, {
      type: "object",
      properties: { title: { type: "string", minLength: 1, maxLength: 200 }, done: { type: "boolean", default: false } },
      required: ["title", "done"],
    });
    assert.deepEqual(Object.keys(model.schemas), ["CreateTodo", "Todo"]);
  });
});

describe("Conduit on Express: zod schemas behind validate(schema)", async () => {
  const { model } = await ingest("test/fixtures/conduit-express");

  it("gives the six write operations their request body as a shared component", () => {
    const bodies = model.endpoints.filter((e) => e.request.body).map((e) => `${e.method} ${e.path} ${JSON.stringify(e.request.body)}`);
    assert.deepEqual(bodies, [
      'POST /api/articles {"$ref":"#/components/schemas/NewArticle"}',
      'PUT /api/articles/{slug} {"$ref":"#/components/schemas/UpdateArticle"}',
      'POST /api/articles/{slug}/comments {"$ref":"#/components/schemas/NewComment"}',
      'PUT /api/user {"$ref":"#/components/schemas/UpdateUser"}',
      'POST /api/users {"$ref":"#/components/schemas/Register"}',
      'POST /api/users/login {"$ref":"#/components/schemas/Login"}',
    ]);
    assert.deepEqual(model.schemas.Register, {
      type: "object",
      properties: {
        user: {
          type: "object",
          properties: {
            username: { type: "string", minLength: 1, maxLength: 40 },
            email: { type: "string", format: "email" },
            password: { type: "string", minLength: 8 },
          },
          required: ["username", "email", "password"],
        },
      },
      required: ["user"],
    });
  });
});
