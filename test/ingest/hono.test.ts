// Hono beyond Conduit: basePath views, on() with several methods, regex parameters, chained
// registrations that reuse the last path, Hono's middleware patterns (exact unless `*`),
// createMiddleware guards judged by their body, and @hono/zod-openapi routes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import { samePath, toOpenApiPath } from "../../src/ingest/frameworks/paths.ts";
import type { Endpoint } from "../../src/model/types.ts";
import { routesByKey, row } from "./endpoints.ts";


describe("toOpenApiPath with Hono parameters", () => {
  it("drops a parameter's regular expression, nested braces included", () => {
    assert.equal(toOpenApiPath("/posts/:id{[0-9]+}"), "/posts/{id}");
    assert.equal(toOpenApiPath("/archive/:year{\\d{4}}/:slug?"), "/archive/{year}/{slug}");
    assert.equal(toOpenApiPath("/assets/:name{.+\\.png}"), "/assets/{name}");
  });

  it("keeps the Express and file-route forms it already knew", () => {
    assert.equal(toOpenApiPath("/x/:id(\\d+)/[slug]/[...rest]"), "/x/{id}/{slug}/{rest}");
  });

  it("compares templates whatever their parameters are called", () => {
    assert.equal(samePath("/api/reports/{id}", "/api/reports/{slug}"), true);
    assert.equal(samePath("/api/reports", "/api/reports/daily"), false);
  });
});

describe("Hono patterns", async () => {
  const { model } = await ingest("test/fixtures/hono-patterns");
  const byRoute = routesByKey(model);

  it("recovers every route under the app's basePath, with its auth", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "GET /api/admin/users required",
      "DELETE /api/admin/users/{id} required",
      "GET /api/files/{wildcard} none",
      "GET /api/health none",
      "POST /api/health none",
      "GET /api/me required",
      "GET /api/posts/{id} none",
      "GET /api/reports required",
      "GET /api/reports/daily none",
      "GET /api/search none",
      "POST /api/search none",
      "GET /api/v2/users/{id} required",
      "GET /old-search none",
    ]);
    assert.equal(model.coverage.handlersLocated, 13);
  });

  it("takes the app served by default export as the root, and says a never-mounted sub-app's prefix is unknown", () => {
    assert.deepEqual(model.coverage.unresolved.map((u) => `${u.location.file}:${u.location.line} ${u.what}`), ["src/legacy.ts:4 GET /old-search"]);
    assert.equal(byRoute.get("GET /old-search")!.pathResolved, false);
  });

  it("registers on(['GET', 'POST'], path, handler) once per method with the same handler", () => {
    assert.equal(byRoute.get("GET /api/search")!.handlerId, "src/index.ts:17:36");
    assert.equal(byRoute.get("POST /api/search")!.handlerId, "src/index.ts:17:36");
  });

  it("reuses the last path for a chained registration without one", () => {
    assert.equal(byRoute.get("GET /api/health")!.handlerId, "src/index.ts:29:20");
    assert.equal(byRoute.get("POST /api/health")!.handlerId, "src/index.ts:29:46");
  });

  it("reads a regex parameter as a path parameter", () => {
    assert.deepEqual(byRoute.get("GET /api/posts/{id}")!.pathParams, ["id"]);
  });

  it("applies '/admin/*' middleware to a sub-app mounted below it, at app level", () => {
    const users = byRoute.get("GET /api/admin/users")!;
    assert.deepEqual(users.auth.mechanisms, ["hono/bearer-auth"]);
    assert.deepEqual(users.middleware.map((m) => `${m.kind}@${m.scope}`), ["logging@app", "auth@app"]);
    assert.deepEqual(byRoute.get("GET /api/search")!.middleware.map((m) => m.kind), ["logging"]);
  });

  it("applies a pattern without '*' to that path only, judging createMiddleware by its body", () => {
    const summary = byRoute.get("GET /api/reports")!;
    assert.deepEqual(summary.auth.mechanisms, ["custom"]);
    assert.deepEqual(summary.auth.enforcedAt, { file: "src/reports.ts", line: 8, column: 11 });
    assert.equal(byRoute.get("GET /api/reports/daily")!.auth.state, "none");
  });

  it("takes c.get('session') as a credential read and c.json(body, 401) as a rejection", () => {
    const me = byRoute.get("GET /api/me")!;
    assert.deepEqual(me.middleware.map((m) => `${m.name}:${m.kind}@${m.scope}`), ["hono.logger():logging@app", "requireSession:auth@route"]);
    assert.deepEqual(me.auth.enforcedAt, { file: "src/session.ts", line: 11, column: 12 });
  });

  it("reads @hono/zod-openapi routes: method, path, route middleware and schemas", () => {
    const user = byRoute.get("GET /api/v2/users/{id}")!;
    assert.equal(user.handlerId, "src/v2.ts:20:21");
    assert.deepEqual(user.auth.mechanisms, ["hono/jwt"]);
    assert.equal(user.middleware.at(-1)!.scope, "route");
    assert.deepEqual(user.request.params, { type: "object", properties: { id: { type: "string", minLength: 3 } }, required: ["id"] });
    assert.deepEqual(user.responses, { "200": { $ref: "#/components/schemas/User" } });
    assert.deepEqual(model.schemas.User, { type: "object", properties: { id: { type: "string" }, name: { type: "string" } }, required: ["id", "name"] });
  });
});

describe("Conduit on Hono, beyond the shared assertions", async () => {
  const { model } = await ingest("test/fixtures/conduit-hono");
  const byRoute = routesByKey(model);

  it("expands factory.createHandlers(...) spread into a route: guard, then handler", () => {
    const favorite = byRoute.get("POST /api/articles/{slug}/favorite")!;
    assert.equal(favorite.handlerId, "src/routes/articles.ts:39:55");
    assert.deepEqual(favorite.middleware.map((m) => `${m.name}:${m.kind}@${m.scope}`), [
      "hono.logger():logging@app",
      "hono.secureHeaders():security-headers@app",
      "hono.cors({…}):cors@app",
      "authenticate:auth@route",
    ]);
  });

  it("applies a sub-app's use(mw) to that sub-app's routes only", () => {
    assert.deepEqual(byRoute.get("GET /api/user")!.middleware.map((m) => `${m.name}@${m.scope}`).slice(3), ["authenticate@router"]);
    assert.deepEqual(byRoute.get("POST /api/users")!.middleware.map((m) => m.kind).slice(3), ["validation"]);
  });

  it("recognises the custom optional middleware by its body (verify in a try, never rejects)", () => {
    const list = byRoute.get("GET /api/articles")!;
    assert.deepEqual(list.auth.mechanisms, ["hono/jwt.verify"]);
    assert.deepEqual(list.auth.enforcedAt, { file: "src/middleware/auth.ts", line: 22, column: 30 });
  });

  it("takes request schemas from zValidator on the route", () => {
    const create = byRoute.get("POST /api/articles")!;
    assert.deepEqual(create.validation.libraries, ["@hono/zod-validator", "zod"]);
    assert.ok(create.request.body, "POST /api/articles has a body schema");
    const query = byRoute.get("GET /api/articles")!.request.query as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(query.properties), ["tag", "author", "favorited", "limit", "offset"]);
  });
});
