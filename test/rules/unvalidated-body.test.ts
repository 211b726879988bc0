import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule } from "../../src/rules/api/unvalidated-body.ts";
import type { ArchitectureModel, Endpoint } from "../../src/model/types.ts";
import { at, emptyModel, endpoint, evidenceLines, fixture, input, middleware, requiredAuth, runRule, service, withUnderstanding } from "./model-builder.ts";

const ARTICLES = "src/routes/articles.js";

function blogModel(root: string, validated: boolean): ArchitectureModel {
  const route = (method: Endpoint["method"], path: string, routeLine: string, extra: Partial<Endpoint> = {}): Endpoint => {
    const auth = middleware({ name: "requireAuth", kind: "auth", location: at(root, ARTICLES, routeLine, { token: "requireAuth" }) });
    return endpoint({ serviceId: "blog-api", method, path, location: at(root, ARTICLES, routeLine), middleware: [auth], auth: requiredAuth(auth), ...extra });
  };
  const validation = (routeLine: string) =>
    validated ? { validated: true, libraries: ["zod"], location: at(root, ARTICLES, routeLine, { token: "validateBody" }) } : { validated: false, libraries: [] };
  const destructuring = "const { title, body, tags } = req.body;";
  const endpoints = [
    route("POST", "/api/articles", 'articles.post("/"', {
      validation: validation('articles.post("/"'),
      inputs: ["title", "body", "tags"].map((field) => input("body", `body.${field}`, at(root, ARTICLES, destructuring, { token: field }))),
    }),
    route("PUT", "/api/articles/{id}", 'articles.put("/:id"', {
      validation: validation('articles.put("/:id"'),
      inputs: [input("params", "params.id", at(root, ARTICLES, "findByPk(req.params.id)", { token: "req.params.id" })), input("body", "body", at(root, ARTICLES, "article.update(req.body)", { token: "req.body" }))],
    }),
    route("DELETE", "/api/articles/{id}", 'articles.delete("/:id"', {
      inputs: [input("params", "params.id", at(root, ARTICLES, "Article.destroy", { token: "req.params.id" }))],
    }),
  ];
  if (validated) {
    endpoints.push(route("POST", "/api/articles/{id}/favorite", 'articles.post("/:id/favorite"', {
      inputs: [input("params", "params.id", at(root, ARTICLES, "Article.increment", { token: "req.params.id" }))],
    }));
  }
  return emptyModel({ services: [service({ id: "blog-api" })], endpoints });
}

describe("api/unvalidated-body", () => {
  test("reports body fields and whole-body use without validation, in the decide band", () => {
    const root = fixture("unvalidated-body", "bad");
    const model = blogModel(root, false);
    // The service validates elsewhere, so each unvalidated write is its own gap.
    model.endpoints[2].validation = { validated: true, libraries: ["zod"] };
    const findings = runRule(rule, model, root);
    assert.equal(findings.length, 2, "POST and PUT; DELETE reads no body");

    const put = findings.find((f) => f.message.startsWith("PUT"));
    assert.ok(put);
    assert.equal(put.ruleId, "api/unvalidated-body");
    assert.equal(put.confidence, 85);
    assert.equal(put.band, "decide");
    assert.equal(put.severity, "high");
    assert.match(put.message, /whole request body.*mass assignment/);
    assert.deepEqual(evidenceLines(put), [`${ARTICLES}:13`, `${ARTICLES}:16`]);
    assert.equal(put.evidence[1].kind === "code" && put.evidence[1].snippet, "await article.update(req.body);");

    const post = findings.find((f) => f.message.startsWith("POST"));
    assert.ok(post);
    assert.equal(post.confidence, 80);
    assert.equal(post.band, "decide");
    assert.equal(post.severity, "medium");
    assert.match(post.message, /reads `body.title`, `body.body`, `body.tags` from the request body/);
    assert.deepEqual(evidenceLines(post), [`${ARTICLES}:7`, `${ARTICLES}:8`], "one evidence for the destructuring line");
    assert.equal(post.evidence[1].kind === "code" && post.evidence[1].label, "reads body.title, body.body, body.tags unchecked");

    for (const finding of findings) {
      assert.equal(finding.remediation.options?.length, 2);
      assert.match(finding.remediation.options?.[0].title ?? "", /schema library/);
      assert.equal(finding.question, undefined);
    }
  });

  test("a service that validates no body at all gets one finding naming its write endpoints", () => {
    const root = fixture("unvalidated-body", "bad");
    const findings = runRule(rule, blogModel(root, false), root);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.message, "No write endpoint of blog-api validates its request body: 2 endpoints read body fields that no schema or validation step checks.");
    assert.equal(finding.confidence, 80);
    assert.deepEqual(evidenceLines(finding), [`${ARTICLES}:7`, `${ARTICLES}:13`]);
    assert.deepEqual(finding.evidence.map((e) => e.kind === "code" && e.label), ["POST /api/articles reads body.body, body.tags, body.title unchecked", "PUT /api/articles/{id} reads body unchecked"]);
  });

  test("true negative: zod-validated writes, and writes that read no body", () => {
    const root = fixture("unvalidated-body", "good");
    assert.deepEqual(runRule(rule, blogModel(root, true), root), []);
  });

  test("a request body schema counts as validation (Fastify route schema)", () => {
    const root = fixture("unvalidated-body", "bad");
    const model = blogModel(root, false);
    model.endpoints = model.endpoints.map((e) => ({ ...e, framework: "fastify" as const, request: { body: { type: "object" } } }));
    assert.deepEqual(runRule(rule, model, root), []);
  });

  test("options follow the framework: Fastify gets its route schema, NestJS its ValidationPipe", () => {
    const root = fixture("unvalidated-body", "bad");
    for (const [framework, expected] of [["fastify", /schema\.body/], ["nestjs", /ValidationPipe/]] as const) {
      const model = blogModel(root, false);
      model.endpoints = model.endpoints.map((e) => ({ ...e, framework }));
      const findings = runRule(rule, model, root);
      assert.match(findings[0].remediation.options?.[0].title ?? "", expected);
    }
  });

  test("a poorly understood run asks instead of asserting", () => {
    const root = fixture("unvalidated-body", "bad");
    const findings = runRule(rule, withUnderstanding(blogModel(root, false), 20), root);
    for (const finding of findings) {
      assert.equal(finding.band, "ask");
      assert.match(finding.question ?? "", /validated somewhere bka did not see/);
    }
  });
});
