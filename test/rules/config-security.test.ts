// End-to-end: the security configuration rules (headers, cookies, error details, permissive CORS,
// JWT decode and expiry) on small fixture apps through the real ingest, each with a safe twin.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import type { Rule } from "../../src/rules/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import { rule as missingSecurityHeaders } from "../../src/rules/security/missing-security-headers.ts";
import { rule as insecureCookie } from "../../src/rules/security/insecure-cookie.ts";
import { rule as errorDetailsInResponse } from "../../src/rules/security/error-details-in-response.ts";
import { rule as corsPermissive } from "../../src/rules/security/cors-permissive.ts";
import { rule as corsWildcardWithCredentials } from "../../src/rules/security/cors-wildcard-with-credentials.ts";
import { rule as jwtDecodeUsedForAuth } from "../../src/rules/security/jwt-decode-used-for-auth.ts";
import { rule as jwtWithoutExpiry } from "../../src/rules/security/jwt-without-expiry.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

const root = (name: string) => fileURLToPath(new URL(`../fixtures/config-security/${name}/`, import.meta.url));

async function run(rule: Rule, name: string): Promise<Finding[]> {
  const dir = root(name);
  const { model } = await ingest(dir);
  return runRule(rule, model, dir);
}

/** "band location: evidence lines", sorted. */
function summary(list: Finding[]): string[] {
  return list.map((f) => `${f.band} ${f.location?.file}:${f.location?.line}: ${evidenceLines(f).join(" ")}`).sort();
}

const CASES: { rule: Rule; bad: string; good: string[]; cwe: string; asvs: string; expected: string[] }[] = [
  {
    rule: missingSecurityHeaders, bad: "headers-bad", good: ["headers-good", "headers-manual"], cwe: "CWE-693", asvs: "ASVS 5.0 V3.4.4",
    expected: ["decide src/app.js:4: src/app.js:4"],
  },
  {
    rule: insecureCookie, bad: "cookie-bad", good: ["cookie-good"], cwe: "CWE-1004", asvs: "ASVS 5.0 V3.3.4",
    // The session's secure/sameSite, and one finding for the token cookie set in two places; the language cookie is not a session.
    expected: ["decide src/app.js:5: src/app.js:5", "decide src/app.js:8: src/app.js:8 src/app.js:14"],
  },
  {
    rule: errorDetailsInResponse, bad: "errors-bad", good: ["errors-good"], cwe: "CWE-209", asvs: "ASVS 5.0 V16.5.1",
    expected: ["act src/app.js:11: src/app.js:11", "ask src/app.js:27: src/app.js:27", "decide src/app.js:18: src/app.js:18 src/app.js:37", "decide src/app.js:31: src/app.js:31"],
    // The two serialised error objects are one habit of the service: one finding, both places as evidence.
  },
  {
    rule: corsPermissive, bad: "cors-bad", good: ["cors-good", "cors-credentials"], cwe: "CWE-942", asvs: "ASVS 5.0 V3.4.2",
    // `app.options("*", cors())` and `app.use(cors())`: one service, one finding.
    expected: ["decide src/app.js:5: src/app.js:5 src/app.js:6"],
  },
  {
    rule: jwtDecodeUsedForAuth, bad: "jwt-bad", good: ["jwt-good"], cwe: "CWE-345", asvs: "ASVS 5.0 V9.1.1",
    expected: ["decide src/app.js:9: src/app.js:8 src/app.js:9"],
  },
  {
    rule: jwtWithoutExpiry, bad: "jwt-bad", good: ["jwt-good"], cwe: "CWE-613", asvs: "ASVS 5.0 V7.3.2",
    // A literal payload without exp is a fact; a request body signed as the payload may carry one.
    expected: ["act src/app.js:16: src/app.js:16", "decide src/app.js:21: src/app.js:21"],
  },
];

for (const { rule, bad, good, cwe, asvs, expected } of CASES) {
  describe(rule.meta.id, () => {
    test(`reports ${bad}`, async () => {
      const list = await run(rule, bad);
      assert.deepEqual(summary(list), expected);
      for (const finding of list) {
        assert.equal(finding.ruleId, rule.meta.id);
        assert.ok(finding.references.some((r) => r.id === cwe), `${rule.meta.id} cites ${cwe}`);
        assert.ok(finding.references.some((r) => r.id === asvs), `${rule.meta.id} cites ${asvs}`);
        assert.equal(finding.question !== undefined, finding.band === "ask");
      }
    });

    for (const twin of good) {
      test(`stays quiet on ${twin}`, async () => {
        assert.deepEqual(summary(await run(rule, twin)), []);
      });
    }
  });
}

describe("messages name what leaks", () => {
  test("error details say which kind of detail reaches the client", async () => {
    const messages = (await run(errorDetailsInResponse, "errors-bad")).map((f) => f.message).sort();
    assert.deepEqual(messages, [
      "A caught error object is serialised into the response at src/app.js:18, src/app.js:37: its library's fields (SQL, request options) go to the client.",
      "Caught errors' messages are sent to the client at src/app.js:27.",
      "errorhandler() at src/app.js:31 runs outside a NODE_ENV check: every error's stack trace is rendered to the client.",
      "res.status(500).send at src/app.js:11 sends a caught error's stack trace to the client.",
    ]);
  });

  test("the insecure cookie lists the missing attributes against the library's defaults", async () => {
    const messages = (await run(insecureCookie, "cookie-bad")).map((f) => f.message).sort();
    assert.match(messages[0], /^The "auth_token" cookie \(express at src\/app\.js:8, src\/app\.js:14\) is set without httpOnly, secure, sameSite:/);
    // express-session sets HttpOnly itself.
    assert.match(messages[1], /^The session cookie \(express-session at src\/app\.js:5\) is set without secure, sameSite:/);
  });

  test("credentialed wildcard CORS stays with its own rule, not a second finding", async () => {
    assert.deepEqual((await run(corsWildcardWithCredentials, "cors-credentials")).map((f) => f.ruleId), ["security/cors-wildcard-with-credentials"]);
    assert.deepEqual(await run(corsPermissive, "cors-credentials"), []);
  });
});
