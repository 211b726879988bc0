// Endpoint inventory and auth recovered from fixture projects written in the styles real
// Express and Fastify codebases use.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import type { Endpoint } from "../../src/model/types.ts";
import { routesByKey, row } from "./endpoints.ts";


describe("Express patterns", async () => {
  const { model } = await ingest("test/fixtures/express-patterns");
  const byRoute = routesByKey(model);

  it("recovers every route with its full path and auth state", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "GET / none",
      "GET /about none",
      "GET /about-us none",
      "GET /account required",
      "POST /api/auth/login none",
      "POST /api/auth/logout required",
      "POST /api/auth/register none",
      "GET /api/projects required",
      "POST /api/projects required",
      "DELETE /api/projects/{projectId} required",
      "GET /api/projects/{projectId}/tasks required",
      "PATCH /api/projects/{projectId}/tasks/{taskId} required",
      "ALL /api/{wildcard} required",
      "GET /legacy/report none",
      "POST /login none",
      "GET /{?}/stats required",
    ]);
  });

  it("recognises a session guard by what its body does", () => {
    const account = byRoute.get("GET /account")!;
    assert.deepEqual(account.auth.mechanisms, ["custom"]);
    assert.deepEqual(account.auth.enforcedAt, { file: "lib/middleware/session.js", line: 3, column: 12 });
  });

  it("applies express-jwt under /api except its .unless() paths", () => {
    assert.deepEqual(byRoute.get("GET /api/projects")!.auth.mechanisms, ["express-jwt"]);
    assert.equal(byRoute.get("POST /api/auth/login")!.auth.state, "none");
  });

  it("treats passport's local strategy as the login, not a guard", () => {
    const login = byRoute.get("POST /login")!;
    assert.equal(login.auth.state, "none");
    assert.equal(login.middleware.at(-1)!.library, "passport");
  });

  it("follows class-based controllers, bound methods and module.exports = new Class()", () => {
    assert.equal(byRoute.get("DELETE /api/projects/{projectId}")!.handlerId, "lib/controllers/projects.js:11:9");
    assert.equal(byRoute.get("POST /api/auth/register")!.handlerId, "lib/controllers/users.js:6:17");
  });

  it("keeps the app-level middleware chain in registration order", () => {
    assert.deepEqual(
      byRoute.get("GET /api/projects")!.middleware.map((m) => `${m.kind}@${m.scope}`),
      ["logging@app", "body-parser@app", "session@app", "session@app", "auth@app"],
    );
  });

  it("says what it could not resolve instead of guessing", () => {
    assert.deepEqual(model.coverage.unresolved.map((u) => `${u.location.file}:${u.location.line} ${u.what}`), [
      "lib/routes/admin.js:3 GET /{?}/stats",
      "lib/routes/unused.js:4 GET /legacy/report",
    ]);
    assert.equal(byRoute.get("GET /legacy/report")!.pathResolved, false);
    assert.ok(model.coverage.understanding < 100);
  });
});

describe("Fastify patterns", async () => {
  const { model } = await ingest("test/fixtures/fastify-patterns");
  const byRoute = routesByKey(model);

  it("resolves register() prefixes, dynamic imports and route({ method: [...] })", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "GET /admin/users required",
      "POST /admin/users/{id}/ban required",
      "GET /status none",
      "HEAD /status none",
      "GET /v1/items none",
      "POST /v1/items required",
      "GET /v1/items/{id} none",
      "DELETE /v1/items/{id} required",
    ]);
    assert.equal(model.coverage.unresolved.length, 0);
  });

  it("follows decorated guards through fastify-plugin and @fastify/auth", () => {
    const del = byRoute.get("DELETE /v1/items/{id}")!;
    assert.deepEqual(del.middleware.map((m) => m.name), ["fastify.verifyJWT", "fastify.verifyAdmin"]);
    assert.deepEqual(del.auth.mechanisms, ["custom", "request.jwtVerify"]);
    assert.equal(byRoute.get("GET /admin/users")!.middleware[0].scope, "hook");
  });

  it("reads route JSON schemas, including ones imported from another file", () => {
    const post = byRoute.get("POST /v1/items")!;
    // The imported `itemBody` constant is shared through components.schemas.
    assert.deepEqual(post.request.body, { $ref: "#/components/schemas/ItemBody" });
    assert.deepEqual(model.schemas.ItemBody, {
      type: "object",
      required: ["name", "price"],
      additionalProperties: false,
      properties: { name: { type: "string", minLength: 1, maxLength: 200 }, price: { type: "number", minimum: 0 } },
    });
    assert.deepEqual(Object.keys(post.responses), ["201"]);
    assert.deepEqual(post.validation.libraries, ["json-schema"]);
    assert.equal(byRoute.get("GET /v1/items/{id}")!.request.params?.required instanceof Array, true);
  });
});
