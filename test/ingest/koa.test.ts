// Koa beyond Conduit: koa-router and @koa/router nesting with prefixes set three ways, named
// routes, chained registrations, koa-mount and koa-compose, koa-jwt with `.unless()` regular
// expressions, hand-written guards in Koa's shapes, and prefixes bka cannot know.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import type { Endpoint } from "../../src/model/types.ts";
import { routesByKey, chain, routeOf, row } from "./endpoints.ts";


describe("Koa patterns", async () => {
  const { model } = await ingest("test/fixtures/koa-patterns");
  const byRoute = routesByKey(model);
  const route = routeOf(model);

  it("recovers every route with its full path and auth state", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "GET /drafts none",
      "GET /legacy/orders/{orderId} none",
      "PUT /legacy/orders/{orderId} required",
      "DELETE /legacy/orders/{orderId} required",
      "POST /legacy/orders/{orderId}/refund required",
      "POST /login none",
      "GET /public/status none",
      "DELETE /v1/admin/cache required",
      "GET /v1/admin/stats required",
      "ALL /v1/internal/rpc required",
      "GET /v1/users/{id} required",
      "PATCH /v1/users/{id} required",
      "POST /{?}/github required",
    ]);
  });

  it("joins nested router prefixes: constructor option, router.prefix() and router.use(path, …)", () => {
    // v1 (prefix option) → admin (router.prefix) → chained .get().del()
    assert.equal(route("GET /v1/admin/stats").handlerId, "src/routes/admin.js:9:18");
    assert.equal(route("DELETE /v1/admin/cache").handlerId, "src/routes/admin.js:12:18");
    // v1.use('/internal', rpc.routes()) and rpc.all()
    assert.equal(route("ALL /v1/internal/rpc").handlerId, "src/routes/rpc.js:5:25");
    // a named route: users.get('user', '/:id', …)
    assert.equal(route("GET /v1/users/{id}").handlerId, "src/routes/users.js:6:27");
  });

  it("keeps router.use() middleware on that router's routes only, in order", () => {
    assert.deepEqual(chain(route("GET /v1/admin/stats")), ["timing:other@app", "koa-jwt({…}).unless({…}):auth@app", "requireSession:auth@router"]);
    assert.deepEqual(chain(route("GET /v1/users/{id}")), ["timing:other@app", "koa-jwt({…}).unless({…}):auth@app"]);
  });

  it("applies koa-jwt except where .unless() exempts the path, by string or regular expression", () => {
    assert.deepEqual(route("GET /v1/users/{id}").auth.mechanisms, ["koa-jwt"]);
    assert.deepEqual(route("GET /v1/users/{id}").auth.enforcedAt, { file: "src/server.js", line: 16, column: 9 });
    assert.equal(route("GET /public/status").auth.state, "none");
    assert.equal(route("POST /login").auth.state, "none");
  });

  it("walks a sub-app mounted with koa-mount, ahead of the JWT middleware", () => {
    assert.deepEqual(chain(route("GET /legacy/orders/{orderId}")), ["timing:other@app"]);
  });

  it("recognises hand-written guards: ctx.request.headers, ctx.assert(…, 401), ctx.get() with ctx.status = 401", () => {
    assert.deepEqual(route("DELETE /legacy/orders/{orderId}").auth.enforcedAt, { file: "src/middleware/session.js", line: 5, column: 5 });
    assert.deepEqual(route("PUT /legacy/orders/{orderId}").auth.enforcedAt, { file: "src/middleware/session.js", line: 12, column: 3 });
    assert.deepEqual(route("POST /legacy/orders/{orderId}/refund").auth.enforcedAt, { file: "src/middleware/session.js", line: 18, column: 5 });
    for (const key of ["DELETE /legacy/orders/{orderId}", "PUT /legacy/orders/{orderId}", "POST /legacy/orders/{orderId}/refund"]) {
      assert.deepEqual(route(key).auth.mechanisms, ["custom"], key);
    }
  });

  it("reports a prefix from the environment and a router never mounted as unresolved", () => {
    assert.deepEqual(model.coverage.unresolved.map((u) => `${u.location.file}:${u.location.line} ${u.what}`), [
      "src/routes/drafts.js:5 GET /drafts",
      "src/routes/hooks.js:5 POST /{?}/github",
    ]);
    assert.equal(model.coverage.routeRegistrationsResolved, 11);
  });
});

describe("Koa Conduit", async () => {
  const { model } = await ingest("test/fixtures/conduit-koa");
  const byRoute = routesByKey(model);

  it("takes koa-jwt with passthrough: true as optional auth", () => {
    const list = byRoute.get("GET /api/articles")!;
    assert.equal(list.auth.state, "optional");
    assert.deepEqual(list.auth.enforcedAt, { file: "src/middleware/auth.ts", line: 21, column: 29 });
  });

  it("nests the comments router under /articles/:slug/comments inside the /api router", () => {
    assert.equal(byRoute.get("DELETE /api/articles/{slug}/comments/{id}")!.handlerId, "src/controllers/comments.controller.ts:60:15");
    assert.deepEqual(chain(byRoute.get("POST /api/articles/{slug}/comments")!).slice(-2), ["requireAuth:auth@route", "validateBody(newCommentSchema):validation@route"]);
  });
});
