import { test } from "node:test";
import assert from "node:assert/strict";
import { validate } from "@readme/openapi-parser";
import { parse } from "yaml";
import { toOpenApi, toOpenApiYaml } from "../../src/emit/openapi.ts";
import type { ArchitectureModel, Endpoint } from "../../src/model/types.ts";
import { sampleModel } from "../fixtures/models/sample-model.ts";

type Json = Record<string, any>;

async function assertValid(doc: Json): Promise<void> {
  // The validator dereferences in place: give it a copy.
  const result = await validate(structuredClone(doc) as any);
  assert.equal(result.valid, true, JSON.stringify(result, null, 2));
}

function singleServiceModel(endpoints: Partial<Endpoint>[]): ArchitectureModel {
  const model = sampleModel();
  model.services = [model.services[0]];
  model.securityControls = [];
  model.endpoints = endpoints.map((e, i) => ({
    ...model.endpoints[0],
    responses: {},
    request: {},
    handlerId: undefined,
    location: { file: "src/app.ts", line: 10 + i, column: 1 },
    ...e,
  })) as Endpoint[];
  return model;
}

test("the recovered spec of the sample model is valid OpenAPI 3.1", async () => {
  const doc = toOpenApi(sampleModel());
  assert.equal(doc.openapi, "3.1.0");
  await assertValid(doc);
});

test("info names the project for several services and the service for one", () => {
  const doc = toOpenApi(sampleModel()) as Json;
  assert.deepEqual(doc.info.title, "conduit-monorepo");
  assert.equal(doc.info.version, "0.0.0-recovered");
  const single = toOpenApi(singleServiceModel([{ method: "GET", path: "/a" }])) as Json;
  assert.equal(single.info.title, "conduit-api");
});

test("paths are sorted and methods come in a fixed order", () => {
  const doc = toOpenApi(sampleModel()) as Json;
  assert.deepEqual(Object.keys(doc.paths), [
    "/api/articles",
    "/api/articles/{slug}",
    "/api/ping",
    "/api/profiles/{username}",
    "/api/user",
    "/api/users/login",
    "/health",
    "/invoices",
    "/invoices/{id}",
    "/{unresolved}/reports",
  ]);
  assert.deepEqual(Object.keys(doc.paths["/api/articles/{slug}"]), ["get", "put", "delete"]);
});

test("path parameters are required strings unless the params schema says otherwise", () => {
  const paths = (toOpenApi(sampleModel()) as Json).paths;
  assert.deepEqual(paths["/api/articles/{slug}"].get.parameters, [
    { name: "slug", in: "path", required: true, schema: { type: "string", pattern: "^[a-z0-9-]+$" } },
  ]);
  assert.deepEqual(paths["/invoices/{id}"].get.parameters[0].schema, { type: "integer", minimum: 1 });
  assert.deepEqual(paths["/api/profiles/{username}"].get.parameters, [
    { name: "username", in: "path", required: true, schema: { type: "string" } },
  ]);
});

test("query parameters come from the query schema, required only when listed", () => {
  const params = (toOpenApi(sampleModel()) as Json).paths["/api/articles"].get.parameters;
  assert.deepEqual(
    params.map((p: Json) => [p.name, p.in, p.required ?? false]),
    [["tag", "query", false], ["limit", "query", true], ["offset", "query", false]],
  );
  assert.deepEqual(params[1].schema, { type: "integer", minimum: 1, maximum: 100 });
});

test("header parameters skip the headers OpenAPI describes elsewhere", () => {
  const params = (toOpenApi(sampleModel()) as Json).paths["/invoices"].post.parameters;
  assert.deepEqual(params, [{ name: "idempotency-key", in: "header", required: true, schema: { type: "string" } }]);
});

test("request bodies and responses carry the recovered schemas", () => {
  const articles = (toOpenApi(sampleModel()) as Json).paths["/api/articles"].post;
  assert.deepEqual(articles.requestBody, { content: { "application/json": { schema: { $ref: "#/components/schemas/NewArticle" } } } });
  assert.deepEqual(Object.keys(articles.responses), ["201", "4XX"]);
  assert.equal(articles.responses["201"].description, "Created");
  assert.equal(articles.responses["4XX"].description, "Client error");
  const getOne = (toOpenApi(sampleModel()) as Json).paths["/api/articles/{slug}"].get;
  assert.deepEqual(getOne.responses["404"], { description: "Not Found" });
});

test("an endpoint without recovered responses gets a default description", () => {
  const user = (toOpenApi(sampleModel()) as Json).paths["/api/user"].get;
  assert.deepEqual(user.responses, { default: { description: "Responses were not recovered from the source" } });
});

test("security follows the auth state and the mechanism", () => {
  const paths = (toOpenApi(sampleModel()) as Json).paths;
  assert.deepEqual(paths["/api/articles"].post.security, [{ bearerAuth: [] }]); // passport:jwt
  assert.deepEqual(paths["/api/user"].get.security, [{ bearerAuth: [] }]); // custom
  assert.deepEqual(paths["/invoices/{id}"].get.security, [{ cookieAuth: [] }]); // session
  assert.deepEqual(paths["/invoices"].post.security, [{ bearerAuth: [] }]); // @fastify/jwt
  assert.deepEqual(paths["/api/articles"].get.security, []);
  const unknown = paths["/api/profiles/{username}"].get;
  assert.equal("security" in unknown, false);
  assert.equal(unknown["x-bka-auth"], "unknown");
});

test("only the security schemes in use are declared", () => {
  const components = (toOpenApi(sampleModel()) as Json).components;
  assert.deepEqual(components.securitySchemes, {
    bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    cookieAuth: { type: "apiKey", in: "cookie", name: "billing.sid" },
  });
  const open = toOpenApi(singleServiceModel([{ method: "GET", path: "/a", auth: { state: "none", mechanisms: [] } }])) as Json;
  assert.equal(open.components.securitySchemes, undefined);
  const basic = toOpenApi(
    singleServiceModel([{ method: "GET", path: "/a", auth: { state: "required", mechanisms: ["passport:basic"] } }]),
  ) as Json;
  assert.deepEqual(basic.components.securitySchemes, { basicAuth: { type: "http", scheme: "basic" } });
});

test("components.schemas holds the model's named schemas, sorted", () => {
  const schemas = (toOpenApi(sampleModel()) as Json).components.schemas;
  assert.deepEqual(Object.keys(schemas), ["Article", "ArticleList", "Invoice", "LoginRequest", "NewArticle", "UpdateArticle", "User"]);
});

test("an ALL route becomes five operations marked x-bka-method, and an explicit route wins", async () => {
  const ping = (toOpenApi(sampleModel()) as Json).paths["/api/ping"];
  assert.deepEqual(Object.keys(ping), ["get", "post", "put", "patch", "delete"]);
  for (const operation of Object.values(ping) as Json[]) assert.equal(operation["x-bka-method"], "ALL");

  const model = singleServiceModel([
    { method: "ALL", path: "/items" },
    { method: "POST", path: "/items", auth: { state: "required", mechanisms: ["jwt.verify"] } },
  ]);
  const doc = toOpenApi(model) as Json;
  assert.equal(doc.paths["/items"].post["x-bka-method"], undefined);
  assert.equal(doc.paths["/items"].post["x-bka-source"], "src/app.ts:11");
  assert.equal(doc.paths["/items"].get["x-bka-source"], "src/app.ts:10");
  await assertValid(doc);
});

test("every operation has a source location and its service's tag", () => {
  const doc = toOpenApi(sampleModel()) as Json;
  assert.deepEqual(doc.tags.map((t: Json) => t.name), ["billing", "conduit-api"]);
  assert.equal(doc.paths["/api/articles"].get["x-bka-source"], "apps/api/src/routes/articles.ts:20");
  assert.deepEqual(doc.paths["/invoices"].post.tags, ["billing"]);
  for (const item of Object.values(doc.paths) as Json[]) {
    for (const operation of Object.values(item) as Json[]) assert.match(operation["x-bka-source"], /^apps\/.+:\d+$/);
  }
});

test("when services share a method and path, the first service owns it and the others are listed", () => {
  const health = (toOpenApi(sampleModel()) as Json).paths["/health"].get;
  assert.deepEqual(health.tags, ["billing"]);
  assert.deepEqual(health["x-bka-also-in"], ["conduit-api"]);
});

test("operationIds are camelCase method + path words and unique", async () => {
  const paths = (toOpenApi(sampleModel()) as Json).paths;
  assert.equal(paths["/api/articles/{slug}"].get.operationId, "getApiArticlesBySlug");
  assert.equal(paths["/api/users/login"].post.operationId, "postApiUsersLogin");

  const doc = toOpenApi(singleServiceModel([
    { method: "GET", path: "/a-b" },
    { method: "GET", path: "/a/b" },
    { method: "GET", path: "/" },
  ])) as Json;
  assert.equal(doc.paths["/"].get.operationId, "getRoot");
  assert.equal(doc.paths["/a-b"].get.operationId, "getAB");
  assert.equal(doc.paths["/a/b"].get.operationId, "getAB2");
  await assertValid(doc);
});

test("an unresolved path part becomes a named parameter and is marked", () => {
  const reports = (toOpenApi(sampleModel()) as Json).paths["/{unresolved}/reports"].get;
  assert.equal(reports["x-bka-path-resolved"], false);
  assert.equal(reports.parameters[0].name, "unresolved");
  assert.equal(reports.parameters[0].required, true);
});

test("paths that differ only in parameter names are merged under one spelling", async () => {
  const model = singleServiceModel([
    { method: "GET", path: "/users/{id}", request: { params: { type: "object", properties: { id: { type: "integer" } } } } },
    { method: "PUT", path: "/users/{userId}", request: { params: { type: "object", properties: { userId: { type: "string", format: "uuid" } } } } },
  ]);
  const doc = toOpenApi(model) as Json;
  assert.deepEqual(Object.keys(doc.paths), ["/users/{id}"]);
  assert.deepEqual(doc.paths["/users/{id}"].put.parameters, [
    { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
  ]);
  await assertValid(doc);
});

test("the YAML reads back as the same document, without aliases, and is deterministic", () => {
  const model = sampleModel();
  const text = toOpenApiYaml(model);
  assert.deepEqual(parse(text), toOpenApi(model));
  assert.equal(text, toOpenApiYaml(sampleModel()));
  assert.ok(text.endsWith("\n"));
  assert.doesNotMatch(text, /(^|\s)[&*]a\d+/m);
});

test("emitting does not change the model", () => {
  const model = sampleModel();
  const doc = toOpenApi(model) as Json;
  doc.components.schemas.Article.type = "changed";
  assert.deepEqual(model, sampleModel());
});
