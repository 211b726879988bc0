import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule } from "../../src/rules/performance/graphql-resolver-n-plus-one.ts";
import { ingest } from "../../src/ingest/index.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

describe("performance/graphql-resolver-n-plus-one", async () => {
  const apollo = await ingest("test/fixtures/graphql-apollo");
  const typegraphql = await ingest("test/fixtures/graphql-typegraphql");

  test("reports each field resolver on a list parent that queries per item", () => {
    const findings = runRule(rule, apollo.model, apollo.root);
    assert.deepEqual(
      findings.map((f) => [f.confidence, evidenceLines(f)]),
      [
        [85, ["src/resolvers/articles.ts:23", "src/schema/schema.graphql:9"]],
        [80, ["src/resolvers/articles.ts:24", "src/db/users.repo.ts:11", "src/schema/schema.graphql:9"]],
        [80, ["src/resolvers/comments.ts:28", "src/db/users.repo.ts:6", "src/schema/schema.graphql:28"]],
      ],
    );
    const [author] = findings;
    assert.equal(author.ruleId, "performance/graphql-resolver-n-plus-one");
    assert.equal(author.area, "performance");
    assert.equal(author.band, "decide");
    assert.equal(
      author.message,
      "Article.author runs once for every Article in Query.articles and queries the database each time (User.findByPk): a list of N items costs N + 1 queries.",
    );
    assert.match(findings[2].message, /every Comment in Article\.comments and Query\.comments .*\(Pool\.query, through a helper\)/);
    assert.match(author.remediation.summary, /DataLoader/);
    assert.equal(author.remediation.options?.length, 2);
  });

  test("true negative: the type-graphql field resolvers load through DataLoaders", () => {
    assert.ok(typegraphql.model.graphql!.fieldResolvers.every((r) => r.batched && r.listParents.length > 0));
    assert.deepEqual(runRule(rule, typegraphql.model, typegraphql.root), []);
  });

  test("a resolver whose parent is never returned in a list is not reported", () => {
    const model = structuredClone(apollo.model);
    for (const r of model.graphql!.fieldResolvers) r.listParents = [];
    assert.deepEqual(runRule(rule, model, apollo.root), []);
  });
});
