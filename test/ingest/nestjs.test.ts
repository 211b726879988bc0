// NestJS beyond Conduit: URI versioning configured in a helper, global-prefix exclusions,
// RouterModule and dynamic modules, MiddlewareConsumer.forRoutes with exclusions, composed
// decorators, @All, guards that verify tokens themselves, and controllers bka cannot place.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import type { Endpoint } from "../../src/model/types.ts";
import { routesByKey, chain, routeOf, row } from "./endpoints.ts";


describe("NestJS patterns", async () => {
  const { model } = await ingest("test/fixtures/nestjs-patterns");
  const byRoute = routesByKey(model);
  const route = routeOf(model);

  it("recovers every route with its full path and auth state", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "GET /api/v1/admin/users required",
      "PATCH /api/v1/admin/users/{id} required",
      "GET /api/v1/cats/{id} none",
      "ALL /api/v1/legacy/rpc none",
      "POST /api/v1/metrics/reset none",
      "POST /api/v1/{?}/stripe none",
      "GET /api/v2/cats none",
      "POST /api/v2/cats required",
      "GET /api/v2/cats/{id} none",
      "DELETE /api/v2/cats/{id} required",
      "GET /health none",
      "GET /reports/{year} none",
      "GET /v1/metrics none",
    ]);
  });

  it("versions URIs (enableVersioning in a helper the app is handed to): controller version, @Version([...]), defaultVersion, VERSION_NEUTRAL", () => {
    assert.equal(route("GET /api/v2/cats").operationName, "findAll");
    // One handler served under two versions.
    assert.equal(route("GET /api/v1/cats/{id}").handlerId, "src/cats/cats.controller.ts:23:10");
    assert.equal(route("GET /api/v2/cats/{id}").handlerId, "src/cats/cats.controller.ts:23:10");
    assert.equal(route("POST /api/v1/metrics/reset").handlerId, "src/health/metrics.controller.ts:11:8");
    assert.equal(route("GET /health").handlerId, "src/health/health.controller.ts:6:8");
  });

  it("leaves the global prefix off excluded routes, by path and by { path, method }", () => {
    assert.equal(route("GET /v1/metrics").pathResolved, true);
    assert.ok(!byRoute.has("GET /api/v1/metrics"));
    assert.ok(!byRoute.has("GET /api/health"));
  });

  it("applies MiddlewareConsumer middleware to the routes forRoutes names, minus exclude()", () => {
    assert.deepEqual(chain(route("POST /api/v2/cats")), [
      "RequestLogger:other@app",
      "ApiKeyMiddleware:auth@app",
      "@nestjs/throttler.ThrottlerGuard:rate-limit@app",
    ]);
    assert.deepEqual(route("POST /api/v2/cats").auth.enforcedAt, { file: "src/common/api-key.middleware.ts", line: 8, column: 13 });
    // exclude({ path: 'cats', method: GET }) and exclude('cats/:id')
    assert.deepEqual(chain(route("GET /api/v2/cats")), ["RequestLogger:other@app", "@nestjs/throttler.ThrottlerGuard:rate-limit@app"]);
    assert.deepEqual(chain(route("GET /api/v2/cats/{id}")), ["RequestLogger:other@app", "@nestjs/throttler.ThrottlerGuard:rate-limit@app"]);
    // forRoutes('*') in CatsModule reaches every module's routes.
    assert.deepEqual(route("GET /health").middleware[0].location, { file: "src/cats/cats.module.ts", line: 11, column: 5 });
  });

  it("follows RouterModule paths into a dynamic module and a class-level guard that verifies tokens itself", () => {
    const users = route("GET /api/v1/admin/users");
    assert.deepEqual(users.auth.mechanisms, ["jwtService.verifyAsync"]);
    assert.deepEqual(users.auth.enforcedAt, { file: "src/common/api-token.guard.ts", line: 14, column: 13 });
    assert.deepEqual(chain(users).at(-1), "ApiTokenGuard:auth@router");
  });

  it("expands a project decorator built with applyDecorators(UseGuards(...))", () => {
    const remove = route("DELETE /api/v2/cats/{id}");
    assert.deepEqual(chain(remove).at(-1), "ApiTokenGuard:auth@route");
    assert.deepEqual(remove.middleware.at(-1)!.location, { file: "src/cats/cats.controller.ts", line: 27, column: 3 });
  });

  it("reads @Body() DTO classes and @Param() names as request schemas", () => {
    assert.match(JSON.stringify(route("POST /api/v2/cats").request.body), /CreateCatDto/);
    assert.deepEqual(route("GET /api/v2/cats/{id}").request.params, { type: "object", properties: { id: { type: "string" } } });
    // A DTO without a ValidationPipe documents the body but validates nothing.
    assert.equal(route("POST /api/v2/cats").validation.validated, false);
  });

  it("reports controllers it cannot place instead of guessing", () => {
    assert.deepEqual(model.coverage.unresolved.map((u) => `${u.location.file}:${u.location.line} ${u.what}`), [
      "src/legacy/webhooks.controller.ts:5 POST /api/v1/{?}/stripe",
      "src/reports/reports.controller.ts:6 GET /reports/{year}",
    ]);
    assert.equal(route("GET /reports/{year}").pathResolved, false);
    assert.deepEqual(route("GET /reports/{year}").middleware, []);
  });
});

describe("NestJS Conduit guards", async () => {
  const { model } = await ingest("test/fixtures/conduit-nestjs");
  const byRoute = routesByKey(model);

  it("exempts @Public() routes from the global APP_GUARD whose canActivate reads the flag", () => {
    assert.deepEqual(byRoute.get("GET /api/articles/{slug}")!.middleware, []);
    assert.deepEqual(byRoute.get("GET /api/tags")!.middleware, []);
    const feed = byRoute.get("GET /api/articles/feed")!;
    assert.deepEqual(feed.auth.mechanisms, ["passport:jwt"]);
    assert.deepEqual(feed.middleware[0], {
      name: "JwtAuthGuard", kind: "auth", scope: "app",
      location: { file: "src/auth/auth.module.ts", line: 10, column: 1 },
      definedAt: { file: "src/auth/jwt-auth.guard.ts", line: 8, column: 8 },
      library: "@nestjs/passport",
    });
  });

  it("takes an AuthGuard whose handleRequest never rejects as optional auth", () => {
    const profile = byRoute.get("GET /api/profiles/{username}")!;
    assert.equal(profile.auth.state, "optional");
    assert.deepEqual(profile.auth.enforcedAt, { file: "src/auth/optional-jwt-auth.guard.ts", line: 10, column: 16 });
  });

  it("counts the global ValidationPipe only where a DTO-typed parameter gives it something to validate", () => {
    assert.deepEqual(byRoute.get("POST /api/articles")!.validation, { validated: true, libraries: ["@nestjs/common"], location: { file: "src/main.ts", line: 11, column: 22 } });
    assert.equal(byRoute.get("DELETE /api/articles/{slug}")!.validation.validated, false);
    assert.deepEqual(byRoute.get("POST /api/articles")!.request.body?.required, ["article"]);
  });
});
