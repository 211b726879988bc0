// End-to-end: each fixture app goes through the real ingest (extractors, taint, link) and one rule:
// the injection rules over model.sinks and outbound URLs, and the configuration rules over controls.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import type { Rule } from "../../src/rules/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import { rule as nosqlInjection } from "../../src/rules/security/nosql-injection.ts";
import { rule as commandInjection } from "../../src/rules/security/command-injection.ts";
import { rule as pathTraversal } from "../../src/rules/security/path-traversal.ts";
import { rule as openRedirect } from "../../src/rules/security/open-redirect.ts";
import { rule as codeInjection } from "../../src/rules/security/code-injection.ts";
import { rule as unsafeDeserialization } from "../../src/rules/security/unsafe-deserialization.ts";
import { rule as zipSlip } from "../../src/rules/security/zip-slip.ts";
import { rule as ssrf } from "../../src/rules/security/ssrf.ts";
import { rule as weakPasswordHash } from "../../src/rules/security/weak-password-hash.ts";
import { rule as corsWildcardWithCredentials } from "../../src/rules/security/cors-wildcard-with-credentials.ts";
import { rule as jwtVerifyWithoutAlgorithms } from "../../src/rules/security/jwt-verify-without-algorithms.ts";
import { evidenceLines, fixture, runRule } from "./model-builder.ts";

async function findings(rule: Rule, variant: "bad" | "good"): Promise<Finding[]> {
  const name = rule.meta.id.split("/")[1];
  const root = fixture(name, variant);
  const { model } = await ingest(root);
  return runRule(rule, model, root);
}

/** "confidence band: evidence lines" per finding, in the engine's order. */
function summary(list: Finding[]): string[] {
  return list.map((f) => `${f.confidence} ${f.band}: ${evidenceLines(f).join(" ")}`).sort();
}

const CASES: { rule: Rule; cwe: string; asvs: string; bad: string[] }[] = [
  { rule: nosqlInjection, cwe: "CWE-943", asvs: "ASVS 5.0 V1.2.4", bad: ["95 act: src/app.js:14 src/app.js:14", "95 act: src/app.js:8 src/app.js:9"] },
  { rule: commandInjection, cwe: "CWE-78", asvs: "ASVS 5.0 V1.2.5", bad: ["95 act: src/app.js:7 src/app.js:7 src/convert.js:5"] },
  { rule: pathTraversal, cwe: "CWE-22", asvs: "ASVS 5.0 V5.3.2", bad: ["95 act: src/app.js:13 src/app.js:13", "95 act: src/app.js:8 src/app.js:9"] },
  { rule: openRedirect, cwe: "CWE-601", asvs: "ASVS 5.0 V3.7.2", bad: ["95 act: src/app.js:6 src/app.js:7"] },
  { rule: codeInjection, cwe: "CWE-94", asvs: "ASVS 5.0 V1.3.2", bad: ["55 ask: src/app.js:17", "95 act: src/app.js:8 src/app.js:10"] },
  { rule: unsafeDeserialization, cwe: "CWE-502", asvs: "ASVS 5.0 V1.5.1", bad: ["95 act: src/app.js:14 src/app.js:14", "95 act: src/app.js:9 src/app.js:9"] },
  { rule: zipSlip, cwe: "CWE-22", asvs: "ASVS 5.0 V5.3.2", bad: ["95 act: src/app.js:12"] },
  { rule: ssrf, cwe: "CWE-918", asvs: "ASVS 5.0 V1.3.6", bad: ["95 act: src/app.js:7 src/app.js:8"] },
  { rule: weakPasswordHash, cwe: "CWE-916", asvs: "ASVS 5.0 V11.4.2", bad: ["95 act: src/app.js:10 src/hash.js:3"] },
  { rule: corsWildcardWithCredentials, cwe: "CWE-942", asvs: "ASVS 5.0 V3.4.2", bad: ["95 act: src/app.js:5"] },
  { rule: jwtVerifyWithoutAlgorithms, cwe: "CWE-347", asvs: "ASVS 5.0 V9.1.2", bad: ["75 decide: src/app.js:7"] },
];

for (const { rule, cwe, asvs, bad } of CASES) {
  describe(rule.meta.id, () => {
    test("reports the triggering fixture with the flow from the request to the sink", async () => {
      const list = await findings(rule, "bad");
      assert.deepEqual(summary(list), bad);
      for (const finding of list) {
        assert.equal(finding.ruleId, rule.meta.id);
        assert.ok(finding.references.some((r) => r.id === cwe), `${rule.meta.id} cites ${cwe}`);
        assert.ok(finding.references.some((r) => r.id === asvs), `${rule.meta.id} cites ${asvs}`);
        assert.equal(finding.question !== undefined, finding.band === "ask");
      }
    });

    test("stays quiet on the safe twin", async () => {
      assert.deepEqual(summary(await findings(rule, "good")), []);
    });
  });
}
