import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule } from "../../src/rules/api/graphql-introspection-in-production.ts";
import { ingest } from "../../src/ingest/index.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

describe("api/graphql-introspection-in-production", async () => {
  const apollo = await ingest("test/fixtures/graphql-apollo");
  const typegraphql = await ingest("test/fixtures/graphql-typegraphql");

  test("reports `introspection: true` as a fact, pointing at the option and the server", () => {
    const findings = runRule(rule, apollo.model, apollo.root);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.confidence, 92);
    assert.equal(finding.band, "act");
    assert.equal(finding.severity, "low");
    assert.deepEqual(evidenceLines(finding), ["src/server.ts:17", "src/server.ts:14"]);
    assert.equal(finding.evidence[0].kind === "code" && finding.evidence[0].snippet, "introspection: true,");
    assert.deepEqual(finding.location, { file: "src/server.ts", line: 17, column: 3 });
    assert.match(finding.message, /answers introspection queries in production: `introspection: true`/);
    assert.match(finding.remediation.summary, /process\.env\.NODE_ENV !== "production"/);
    assert.equal(finding.question, undefined);
    assert.ok(finding.references.some((r) => r.id === "CWE-200"));
  });

  test("true negative: introspection follows NODE_ENV on the type-graphql server", () => {
    assert.equal(typegraphql.model.graphql?.servers[0].introspection.state, "not-in-production");
    assert.deepEqual(runRule(rule, typegraphql.model, typegraphql.root), []);
  });

  test("a library that keeps introspection on by default is a decision, pointed at the server", () => {
    const model = structuredClone(typegraphql.model);
    const server = model.graphql!.servers[0];
    server.library = "graphql-yoga";
    server.introspection = { state: "always", reason: "GraphQL Yoga answers introspection queries in every environment", location: server.location };
    const [finding] = runRule(rule, model, typegraphql.root);
    assert.equal(finding.confidence, 80);
    assert.deepEqual(evidenceLines(finding), ["src/index.ts:15"]);
    assert.match(finding.remediation.summary, /useDisableIntrospection/);
  });

  test("an expression bka cannot evaluate becomes a question", () => {
    const model = structuredClone(typegraphql.model);
    const server = model.graphql!.servers[0];
    server.introspection = { ...server.introspection, state: "unknown", reason: "introspection is set from `config.graphql.introspection`, which bka cannot evaluate" };
    const [finding] = runRule(rule, model, typegraphql.root);
    assert.equal(finding.band, "ask");
    assert.match(finding.message, /could not tell whether/);
    assert.match(finding.question ?? "", /discoverable by anyone in production/);
    assert.deepEqual(evidenceLines(finding), ["src/index.ts:18", "src/index.ts:15"]);
  });
});
