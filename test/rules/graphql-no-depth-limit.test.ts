import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule } from "../../src/rules/api/graphql-no-depth-limit.ts";
import { ingest } from "../../src/ingest/index.ts";
import { evidenceLines, runRule, withUnderstanding } from "./model-builder.ts";

describe("api/graphql-no-depth-limit", async () => {
  const apollo = await ingest("test/fixtures/graphql-apollo");
  const typegraphql = await ingest("test/fixtures/graphql-typegraphql");

  test("reports the Apollo server created without a depth or complexity limit", () => {
    const findings = runRule(rule, apollo.model, apollo.root);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.ruleId, "api/graphql-no-depth-limit");
    assert.equal(finding.area, "api");
    assert.equal(finding.severity, "medium");
    assert.equal(finding.confidence, 85);
    assert.equal(finding.band, "decide");
    assert.deepEqual(evidenceLines(finding), ["src/server.ts:14"]);
    assert.equal(finding.evidence[0].kind === "code" && finding.evidence[0].snippet, "const server = new ApolloServer<Context>({");
    assert.match(finding.message, /GraphQL server at \/graphql \(@apollo\/server, src\/server\.ts:14\) sets no query depth or complexity limit/);
    assert.match(finding.remediation.summary, /depthLimit\(8\)/);
    assert.equal(finding.remediation.options?.length, 3);
    assert.ok(finding.references.some((r) => r.id === "CWE-770"));
    assert.ok(finding.references.some((r) => r.id === "OWASP API4:2023"));
  });

  test("true negative: the type-graphql server has depthLimit(7) in its validation rules", () => {
    assert.equal(typegraphql.model.graphql?.servers[0].depthLimit?.max, 7);
    assert.deepEqual(runRule(rule, typegraphql.model, typegraphql.root), []);
  });

  test("a complexity limit alone is enough", () => {
    const model = structuredClone(apollo.model);
    model.graphql!.servers[0].complexityLimit = { library: "graphql-query-complexity", location: model.graphql!.servers[0].location };
    assert.deepEqual(runRule(rule, model, apollo.root), []);
  });

  test("a run that understood little turns it into a question", () => {
    const [finding] = runRule(rule, withUnderstanding(apollo.model, 20), apollo.root);
    assert.equal(finding.band, "ask");
    assert.match(finding.question ?? "", /protected against deep queries somewhere bka cannot see/);
  });
});
