// File-based routing: Nitro/h3 (Nuxt's server/ and Nitro's srcDir) and Next.js route handlers,
// where the route is the file's path and auth comes from the handler's body, wrappers,
// route-level hooks, global middleware, and Next's middleware matcher.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import { matcherRegExp } from "../../src/ingest/frameworks/file-routes.ts";
import type { Endpoint } from "../../src/model/types.ts";
import { routesByKey } from "./endpoints.ts";

const row = (e: Endpoint) => `${e.framework} ${e.method} ${e.path} ${e.auth.state}`;

describe("Next.js matchers", () => {
  it("reads named parameters with modifiers", () => {
    const re = matcherRegExp("/api/account/:path*")!;
    assert.equal(re.test("/api/account"), true);
    assert.equal(re.test("/api/account/settings/email"), true);
    assert.equal(re.test("/api/accounts"), false);
    assert.equal(matcherRegExp("/users/:id")!.test("/users/7"), true);
    assert.equal(matcherRegExp("/users/:id")!.test("/users/7/posts"), false);
  });

  it("keeps regular-expression groups such as negative lookaheads", () => {
    const re = matcherRegExp("/((?!api|_next/static|favicon.ico).*)")!;
    assert.equal(re.test("/dashboard/settings"), true);
    assert.equal(re.test("/api/products"), false);
  });

  it("gives up on an unbalanced group instead of guessing", () => {
    assert.equal(matcherRegExp("/broken/(abc"), undefined);
  });
});

describe("Next.js route handlers", async () => {
  const { model } = await ingest("test/fixtures/next-routes");
  const byRoute = routesByKey(model);

  it("routes app/**/route.ts exports under src/, without route groups or private folders", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "nextjs GET /api/account required",
      "nextjs GET /api/admin/{slug} required",
      "nextjs GET /api/docs/{path} none",
      "nextjs GET /api/health none",
      "nextjs GET /api/products none",
      "nextjs POST /api/products required",
      "nextjs GET /api/products/{id} none",
      "nextjs DELETE /api/products/{id} required",
    ]);
    assert.equal(model.coverage.handlersLocated, 8);
  });

  it("runs middleware.ts only for the paths its matcher matches", () => {
    const account = byRoute.get("GET /api/account")!;
    assert.deepEqual(account.middleware.map((m) => `${m.name}:${m.kind}@${m.scope}`), ["middleware:auth@app"]);
    assert.deepEqual(account.auth.enforcedAt, { file: "src/middleware.ts", line: 10, column: 12 });
    assert.deepEqual(byRoute.get("GET /api/admin/{slug}")!.auth.mechanisms, ["jose.jwtVerify"]);
    assert.deepEqual(byRoute.get("GET /api/products")!.middleware, []);
  });

  it("judges a project wrapper (export const POST = withAuth(...)) by the function it returns", () => {
    const create = byRoute.get("POST /api/products")!;
    assert.equal(create.handlerId, "src/app/api/(shop)/products/route.ts:9:30");
    assert.deepEqual(create.middleware.map((m) => `${m.kind}@${m.scope}`), ["auth@route"]);
    assert.deepEqual(create.auth.enforcedAt, { file: "src/lib/auth.ts", line: 29, column: 23 });
  });

  it("recognises a handler that checks the caller itself and answers 401", () => {
    const remove = byRoute.get("DELETE /api/products/{id}")!;
    assert.equal(remove.auth.reason, "the handler checks the caller's identity and rejects with 401");
    assert.deepEqual(remove.auth.enforcedAt, { file: "src/app/api/(shop)/products/[id]/route.ts", line: 16, column: 12 });
  });
});

describe("Nitro patterns (Nuxt server/)", async () => {
  const { model } = await ingest("test/fixtures/nitro-patterns");
  const byRoute = routesByKey(model);

  it("maps files to routes: apiBaseURL from nuxt.config, method suffixes, catch-alls, dotted names", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "nitro GET /_api/admin/stats required",
      "nitro GET /_api/me required",
      "nitro ALL /_api/{slug} optional",
      "nitro GET /feed.xml optional",
      "nitro GET /files/{_} optional",
    ]);
  });

  it("runs server/middleware before every route", () => {
    for (const e of model.endpoints) assert.equal(e.middleware[0].name, "session", `${e.method} ${e.path}`);
    assert.deepEqual(byRoute.get("GET /feed.xml")!.auth.mechanisms, ["jose.jwtVerify"]);
  });

  it("reads defineEventHandler({ onRequest, handler }) hooks as route-level middleware", () => {
    const stats = byRoute.get("GET /_api/admin/stats")!;
    assert.equal(stats.handlerId, "server/api/admin/stats.get.ts:5:12");
    assert.deepEqual(stats.middleware.map((m) => `${m.name}:${m.kind}@${m.scope}`), ["session:optional-auth@app", "requireAdmin:auth@route"]);
    assert.deepEqual(stats.auth.mechanisms, ["role-check"]);
  });

  it("takes nuxt-auth-utils' auto-imported requireUserSession as a guard", () => {
    const me = byRoute.get("GET /_api/me")!;
    assert.deepEqual(me.auth.mechanisms, ["nuxt-auth-utils"]);
    assert.deepEqual(me.auth.enforcedAt, { file: "server/api/me.get.ts", line: 2, column: 26 });
  });
});

describe("Conduit on Nitro, beyond the shared assertions", async () => {
  const { model } = await ingest("test/fixtures/conduit-nitro");
  const byRoute = routesByKey(model);

  it("scans srcDir from nitro.config and names middleware after its file", () => {
    const tags = byRoute.get("GET /api/tags")!;
    assert.equal(tags.handlerId, "server/api/tags.get.ts:4:3");
    assert.deepEqual(tags.middleware.map((m) => `${m.name}:${m.kind}@${m.scope}`), ["01.request-log:other@app"]);
  });

  it("calls a handler that verifies in a try and never rejects optional", () => {
    const list = byRoute.get("GET /api/articles")!;
    assert.equal(list.auth.reason, "the handler identifies the caller when a credential is sent but never rejects");
    assert.deepEqual(list.auth.mechanisms, ["jose.jwtVerify"]);
  });

  it("takes the body schema from readValidatedBody(event, schema.parse) when h3 is imported", () => {
    assert.deepEqual(byRoute.get("POST /api/articles")!.request, { body: { $ref: "#/components/schemas/NewArticleBody" } });
    assert.deepEqual(Object.keys(model.schemas).sort(), ["LoginBody", "NewArticleBody", "UpdateArticleBody"]);
    // Auto-imported h3 helpers are not recorded as calls: the read validates, its schema is not known.
    const comment = byRoute.get("POST /api/articles/{slug}/comments")!;
    assert.deepEqual(comment.request, {});
    assert.deepEqual(comment.validation.libraries, ["inline:readValidatedBody"]);
  });
});
