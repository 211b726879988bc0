import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule, isPublicByDesign } from "../../src/rules/api/write-without-auth.ts";
import type { ArchitectureModel, Endpoint } from "../../src/model/types.ts";
import {
  at,
  emptyModel,
  endpoint,
  evidenceLines,
  fixture,
  input,
  middleware,
  requiredAuth,
  runRule,
  service,
  withUnderstanding,
} from "./model-builder.ts";

const PRODUCTS = "src/routes/products.js";
const AUTH = "src/routes/auth.js";
const USERS = "src/routes/users.js";

/** The model the front end builds for the shop-api fixture; `putProtected` is the only difference between bad and good. */
function shopModel(root: string, putProtected: boolean, overrides: Partial<Endpoint> = {}): ArchitectureModel {
  const guard = (routeLine: string) =>
    middleware({ name: "requireAuth", kind: "auth", location: at(root, PRODUCTS, routeLine, { token: "requireAuth" }) });
  const guarded = (method: Endpoint["method"], path: string, routeLine: string): Endpoint => {
    const auth = guard(routeLine);
    return endpoint({ serviceId: "shop-api", method, path, location: at(root, PRODUCTS, routeLine), middleware: [auth], auth: requiredAuth(auth) });
  };
  const put = putProtected
    ? guarded("PUT", "/api/products/{id}", 'products.put("/:id"')
    : endpoint({ serviceId: "shop-api", method: "PUT", path: "/api/products/{id}", location: at(root, PRODUCTS, 'products.put("/:id"') });
  return emptyModel({
    services: [service({ id: "shop-api", dependencies: ["bcryptjs", "express", "jsonwebtoken", "pg"] })],
    endpoints: [
      endpoint({ serviceId: "shop-api", method: "GET", path: "/api/products", location: at(root, PRODUCTS, 'products.get("/"') }),
      guarded("POST", "/api/products", 'products.post("/"'),
      {
        ...put,
        inputs: [
          input("body", "body.name", at(root, PRODUCTS, "const { name, price } = req.body;", { occurrence: 2 })),
          input("body", "body.price", at(root, PRODUCTS, "const { name, price } = req.body;", { occurrence: 2 })),
        ],
        ...overrides,
      },
      guarded("DELETE", "/api/products/{id}", 'products.delete("/:id"'),
      endpoint({
        serviceId: "shop-api",
        method: "POST",
        path: "/api/auth/login",
        location: at(root, AUTH, 'auth.post("/login"'),
        inputs: [input("body", "body.email", at(root, AUTH, "req.body")), input("body", "body.password", at(root, AUTH, "req.body"))],
      }),
      endpoint({
        serviceId: "shop-api",
        method: "POST",
        path: "/api/users",
        location: at(root, USERS, 'users.post("/"'),
        inputs: [input("body", "body.email", at(root, USERS, "req.body")), input("body", "body.password", at(root, USERS, "req.body"))],
      }),
    ],
  });
}

describe("api/write-without-auth", () => {
  test("reports the unprotected PUT next to protected writes as a fact, with contrast and a fix", () => {
    const root = fixture("write-without-auth", "bad");
    const findings = runRule(rule, shopModel(root, false), root);

    assert.equal(findings.length, 1, "only PUT /api/products/{id}: login and sign-up are public by design");
    const [finding] = findings;
    assert.equal(finding.ruleId, "api/write-without-auth");
    assert.equal(finding.band, "act");
    assert.equal(finding.confidence, 92);
    assert.equal(finding.severity, "high");
    assert.deepEqual(evidenceLines(finding), [`${PRODUCTS}:21`, `${PRODUCTS}:12`]);
    assert.equal(finding.evidence[0].kind === "code" && finding.evidence[0].snippet, 'products.put("/:id", async (req, res) => {');
    assert.match(finding.message, /PUT \/api\/products\/\{id\} changes data/);
    assert.match(finding.message, /POST \/api\/products in the same service requires it/);
    assert.equal(finding.remediation.fix?.replacement, 'products.put("/:id", requireAuth, async (req, res) => {');
    assert.equal(finding.remediation.options?.length, 2);
    assert.equal(finding.question, undefined, "an act-band finding is not a question");
    assert.ok(finding.references.some((r) => r.id === "CWE-306"));
  });

  test("true negative: every write protected, login and sign-up open", () => {
    const root = fixture("write-without-auth", "good");
    assert.deepEqual(runRule(rule, shopModel(root, true), root), []);
  });

  test("a service with no authentication anywhere becomes one ask-band question", () => {
    const root = fixture("write-without-auth", "public");
    const file = "src/routes/entries.js";
    const model = emptyModel({
      services: [service({ id: "guestbook-api" })],
      endpoints: [
        endpoint({ serviceId: "guestbook-api", method: "GET", path: "/api/entries", location: at(root, file, 'entries.get("/"') }),
        endpoint({ serviceId: "guestbook-api", method: "POST", path: "/api/entries", location: at(root, file, 'entries.post("/"') }),
        endpoint({ serviceId: "guestbook-api", method: "DELETE", path: "/api/entries/{id}", location: at(root, file, 'entries.delete("/:id"') }),
      ],
    });
    const findings = runRule(rule, model, root);

    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.band, "ask");
    assert.equal(finding.confidence, 65);
    assert.match(finding.question ?? "", /meant to be public/);
    assert.match(finding.message, /POST \/api\/entries, DELETE \/api\/entries\/\{id\}/);
    assert.deepEqual(evidenceLines(finding), [`${file}:10`, `${file}:16`]);
  });

  test("an endpoint whose auth state is unknown is asked about", () => {
    const root = fixture("write-without-auth", "bad");
    const model = shopModel(root, false, { auth: { state: "unknown", mechanisms: [], reason: "middleware `checkSession` could not be resolved" } });
    const [finding] = runRule(rule, model, root);

    assert.equal(finding.band, "ask");
    assert.equal(finding.confidence, 55);
    assert.match(finding.message, /could not tell whether PUT \/api\/products\/\{id\}.*checkSession/);
    assert.match(finding.question ?? "", /Does PUT \/api\/products\/\{id\} require authentication/);
  });

  test("an optional-auth middleware lowers the claim to decide, with options", () => {
    const root = fixture("write-without-auth", "bad");
    const optional = middleware({ name: "auth.optional", kind: "optional-auth", location: at(root, PRODUCTS, 'products.put("/:id"') });
    const [finding] = runRule(rule, shopModel(root, false, { middleware: [optional] }), root);

    assert.equal(finding.band, "decide");
    assert.equal(finding.confidence, 75);
    assert.match(finding.message, /optional authentication `auth.optional`/);
    assert.equal(finding.remediation.options?.length, 2);
    assert.equal(finding.question, undefined);
  });

  test("when only reads are protected the unprotected write is a decision, not a fact", () => {
    const root = fixture("write-without-auth", "bad");
    const model = shopModel(root, false);
    // Keep GET protected, make the other writes public: the service protects reads only.
    model.endpoints = model.endpoints
      .filter((e) => e.method === "GET" || e.method === "PUT")
      .map((e) => (e.method === "GET" ? { ...e, auth: { state: "required", mechanisms: ["custom"] } } : e));
    const [finding] = runRule(rule, model, root);

    assert.equal(finding.confidence, 80);
    assert.match(finding.message, /GET \/api\/products \(a read\) requires it/);
  });

  test("low understanding scales the claim down and turns it into a question", () => {
    const root = fixture("write-without-auth", "bad");
    const [finding] = runRule(rule, withUnderstanding(shopModel(root, false), 0), root);

    assert.equal(finding.confidence, 55); // 92 × 0.6
    assert.equal(finding.band, "ask");
    assert.match(finding.question ?? "", /require authentication/);
  });

  test("operations sharing one path (GraphQL) are told apart by their name", () => {
    const root = fixture("write-without-auth", "bad");
    const [finding] = runRule(rule, shopModel(root, false, { operationName: "updateProduct" }), root);
    assert.match(finding.message, /^PUT \/api\/products\/\{id\} \(updateProduct\) changes data/);
  });

  test("a catch-all fallback route is not a write", () => {
    const root = fixture("write-without-auth", "bad");
    const model = shopModel(root, false);
    model.endpoints = model.endpoints.map((e) => (e.method === "PUT" ? { ...e, method: "ALL" as const, path: "/api/*" } : e));
    assert.deepEqual(runRule(rule, model, root), []);
  });
});

describe("isPublicByDesign", () => {
  const post = (path: string) => endpoint({ method: "POST", path, location: { file: "a.js", line: 1, column: 1 } });

  for (const path of [
    "/api/auth/login",
    "/api/users/login",
    "/api/v1/sign-in",
    "/session",
    "/api/register",
    "/api/auth/signup",
    "/oauth/token",
    "/api/password/reset",
    "/api/forgot-password",
    "/api/verify-email",
    "/webhooks/stripe",
    "/api/github/callback",
    "/healthz",
    "/api/contact",
    "/api/public/forms/{id}",
  ]) {
    test(`${path} is public by design`, () => assert.equal(isPublicByDesign(post(path)), true));
  }

  for (const path of ["/api/products/{id}", "/api/tokens", "/api/orders/{id}/confirm", "/api/game/reset", "/api/sessions/{id}/notes"]) {
    test(`${path} is not`, () => assert.equal(isPublicByDesign(post(path)), false));
  }

  test("a POST that reads an identity and a password is a credential exchange", () => {
    const where = { file: "a.js", line: 1, column: 1 };
    const signUp = { ...post("/api/users"), inputs: [input("body", "body.user.email", where), input("body", "body.user.password", where)] };
    const changePassword = { ...post("/api/account/password"), inputs: [input("body", "body.newPassword", where)] };
    assert.equal(isPublicByDesign(signUp), true);
    assert.equal(isPublicByDesign(changePassword), false);
  });
});

describe("GraphQL operations", () => {
  const root = fixture("write-without-auth", "bad");
  const loc = { file: "src/routes/products.js", line: 1, column: 1 };
  const gql = (operationName: string, auth: "required" | "none") =>
    endpoint({
      serviceId: "shop-api", framework: "graphql", method: "POST", path: "/graphql", location: loc, operationName,
      ...(auth === "required" ? { auth: { state: "required", mechanisms: ["custom"], enforcedAt: loc } } : {}),
    });

  test("a query without auth is a read, not a write, even though GraphQL sends it as a POST", () => {
    const model = emptyModel({ services: [service({ id: "shop-api" })], endpoints: [gql("Mutation.createProduct", "required"), gql("Query.products", "none")] });
    assert.deepEqual(runRule(rule, model, root).map((f) => f.message.includes("Query.products")), []);
  });

  test("a mutation without auth beside protected ones is reported", () => {
    const model = emptyModel({ services: [service({ id: "shop-api" })], endpoints: [gql("Mutation.createProduct", "required"), gql("Mutation.deleteProduct", "none")] });
    const findings = runRule(rule, model, root);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].band, "act");
  });
});
