import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ALL_RULES } from "../../src/rules/index.ts";
import { AREAS, SEVERITIES } from "../../src/model/finding.ts";
import { renderRuleDocs, RULE_DOCS_PATH } from "../../scripts/gen-rule-docs.ts";

const RULES_DIR = fileURLToPath(new URL("../../src/rules/", import.meta.url));

describe("rule registry", () => {
  test("holds every rule file under src/rules/<area>/, sorted by id, each id unique", () => {
    const ids = ALL_RULES.map((r) => r.meta.id);
    const files = readdirSync(RULES_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(`${RULES_DIR}${d.name}`).filter((f) => f.endsWith(".ts")).map((f) => `${d.name}/${f.replace(/\.ts$/, "")}`))
      .sort();
    assert.deepEqual(ids, files);
    for (const first of ["api/unvalidated-body", "api/write-without-auth", "observability/no-request-logging", "reliability/outbound-without-timeout", "security/hardcoded-secret", "security/sql-injection"]) {
      assert.ok(ids.includes(first), first);
    }
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length);
  });

  for (const { meta } of ALL_RULES) {
    test(`${meta.id}: meta is complete and the rule lives at src/rules/${meta.id}.ts`, () => {
      assert.ok(existsSync(`${RULES_DIR}${meta.id}.ts`));
      assert.equal(meta.id.split("/")[0], meta.area);
      assert.ok(AREAS.includes(meta.area));
      assert.ok(SEVERITIES.includes(meta.severity));
      assert.ok(meta.title.length > 0 && meta.title.length <= 60, "a short title");
      assert.ok(meta.rationale.length > 200, "a real paragraph");
      assert.ok(!meta.rationale.includes("\n"), "one paragraph");
      assert.ok(meta.examples.bad.trim() && meta.examples.good.trim());
      assert.notEqual(meta.examples.bad, meta.examples.good);
      if (meta.area === "database") {
        // Schema and migration practice is documented by PostgreSQL itself; CWE and ASVS are cited where they apply.
        assert.ok(meta.references.some((r) => r.url.startsWith("https://www.postgresql.org/docs/")), "cites PostgreSQL's documentation");
      } else {
        assert.ok(meta.references.some((r) => /^CWE-\d+$/.test(r.id ?? "")), "cites a CWE");
        assert.ok(meta.references.some((r) => /^ASVS 5\.0 V\d+\.\d+\.\d+$/.test(r.id ?? "")), "cites an ASVS 5.0 requirement");
      }
      for (const reference of meta.references) assert.match(reference.url, /^https:\/\//);
    });
  }
});

describe("docs/rules.md", () => {
  test("is what the rules generate (run `npm run docs:rules` after changing a rule's meta)", () => {
    assert.equal(readFileSync(RULE_DOCS_PATH, "utf8"), renderRuleDocs(ALL_RULES));
  });

  test("documents every rule with its examples and references, deterministically", () => {
    const docs = renderRuleDocs(ALL_RULES);
    assert.equal(renderRuleDocs([...ALL_RULES].reverse()), docs, "order of the input does not matter");
    for (const { meta } of ALL_RULES) {
      assert.ok(docs.includes(`### ${meta.id}\n`));
      assert.ok(docs.includes(meta.examples.bad.trimEnd()));
      for (const reference of meta.references) assert.ok(docs.includes(`](${reference.url})`));
    }
    assert.ok(docs.indexOf("## API") < docs.indexOf("## Security"));
    assert.ok(!/\/(?:work|tmp)\b/.test(docs), "no machine paths");
  });
});
