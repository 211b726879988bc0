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
import { rule as sqlInjection } from "../../src/rules/security/sql-injection.ts";
import { rule as xssReflected } from "../../src/rules/security/xss-reflected.ts";
import { fileURLToPath } from "node:url";
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

// Guards, sanitisers, storage sites and library versions: fixtures under test/fixtures/config-security/.
describe("sink precision: checks, file-name sanitisers, password stores, js-yaml versions", () => {
  const configFixture = (name: string) => new URL(`../fixtures/config-security/${name}/`, import.meta.url);
  async function at(rule: Rule, name: string): Promise<string[]> {
    const root = fileURLToPath(configFixture(name));
    const { model } = await ingest(root);
    return runRule(rule, model, root).map((f) => `${f.confidence} ${f.band} ${f.location?.file}:${f.location?.line}: ${evidenceLines(f).join(" ")}`).sort();
  }

  test("a redirect behind a substring or prefix allowlist is reported at the check", async () => {
    assert.deepEqual(await at(openRedirect, "redirect-weak"), [
      // isTrustedTarget() in another file uses url.includes(target): the finding points there.
      "95 act src/allowlist.js:6: src/allowlist.js:6 src/app.js:7 src/app.js:9",
      "95 act src/app.js:17: src/app.js:17 src/app.js:16 src/app.js:18",
    ]);
  });

  test("a redirect behind an exact allowlist or a same-site path check is not reported", async () => {
    assert.deepEqual(await at(openRedirect, "redirect-exact"), []);
  });

  test("a weak digest behind a model setter is reported once, where the password is stored", async () => {
    assert.deepEqual(await at(weakPasswordHash, "password-setter-bad"), ["95 act src/models/member.js:10: src/models/member.js:10 src/app.js:13 src/security.js:3"]);
    assert.deepEqual(await at(weakPasswordHash, "password-setter-good"), []);
  });

  test("path.basename, path.parse().base, a constant-list choice and file-type's table sanitise a path", async () => {
    // The render in the branch where req.body.layout is unset (line 16) chooses no file.
    assert.deepEqual(await at(pathTraversal, "paths-bad"), ["95 act src/app.js:14: src/app.js:14 src/app.js:14", "95 act src/app.js:9: src/app.js:9 src/app.js:9"]);
    assert.deepEqual(await at(pathTraversal, "paths-good"), []);
  });

  test("js-yaml load is code execution before version 4 and only an alias-bomb question from 4 on", async () => {
    assert.deepEqual(await at(unsafeDeserialization, "yaml-v3"), ["55 ask src/app.js:13: src/app.js:13", "95 act src/app.js:9: src/app.js:9 src/app.js:9"]);
    assert.deepEqual(await at(unsafeDeserialization, "yaml-v4"), ["60 ask src/app.js:9: src/app.js:9 src/app.js:9"]);
  });

  test("several untraced YAML documents make one question, not one each", async () => {
    assert.deepEqual(await at(unsafeDeserialization, "yaml-files"), ["55 ask src/app.js:8: src/app.js:8 src/app.js:12"]);
  });
});

/** "confidence band file:line: evidence lines" for one rule on a fixture folder. */
async function placesIn(rule: Rule, folder: URL): Promise<string[]> {
  const root = fileURLToPath(folder);
  const { model } = await ingest(root);
  return runRule(rule, model, root).map((f) => `${f.confidence} ${f.band} ${f.location?.file}:${f.location?.line}: ${evidenceLines(f).join(" ")}`).sort();
}

describe("security/xss-reflected", () => {
  const xssFixture = (variant: string, framework: string) => new URL(`../fixtures/xss/${variant}/${framework}/`, import.meta.url);

  test("request input in an HTML body is reported for Express, Fastify, Koa and Hono", async () => {
    // Express: a template with markup, a built string (text/html by default), res.write after res.type("html").
    assert.deepEqual(await placesIn(xssReflected, xssFixture("bad", "express")), [
      "95 act src/app.js:10: src/app.js:10 src/app.js:10",
      "95 act src/app.js:15: src/app.js:15 src/app.js:15",
      "95 act src/app.js:6: src/app.js:6 src/app.js:6",
    ]);
    assert.deepEqual(await placesIn(xssReflected, xssFixture("bad", "fastify")), ["95 act src/app.js:6: src/app.js:6 src/app.js:6"]);
    assert.deepEqual(await placesIn(xssReflected, xssFixture("bad", "koa")), ["95 act src/app.js:7: src/app.js:7 src/app.js:7"]);
    assert.deepEqual(await placesIn(xssReflected, xssFixture("bad", "hono")), ["95 act src/app.js:7: src/app.js:7 src/app.js:7"]);
  });

  test("escaped values, numbers, JSON, templates and non-HTML bodies are not reported", async () => {
    for (const framework of ["express", "fastify", "koa", "hono"]) assert.deepEqual(await placesIn(xssReflected, xssFixture("good", framework)), [], framework);
  });

  test("cites CWE-79 and ASVS 5.0 V1.2.1", () => {
    const ids = xssReflected.meta.references.map((r) => r.id);
    assert.ok(ids.includes("CWE-79") && ids.includes("ASVS 5.0 V1.2.1"), ids.join(" "));
  });
});

// What surrounds a sink and what a value really is: fixtures under test/fixtures/sinks-precision/.
describe("sink precision: checks before the sink, clients, summaries, fragments", () => {
  const precision = (name: string, variant: string) => new URL(`../fixtures/sinks-precision/${name}/${variant}/`, import.meta.url);

  test("an outbound URL whose host was checked against an allowlist or a constant is not SSRF", async () => {
    // The bad twin checks the host with endsWith("slack.com"), which evil-slack.com passes.
    assert.deepEqual(await placesIn(ssrf, precision("ssrf-allowlist", "bad")), ["95 act src/app.js:10: src/app.js:8 src/app.js:10"]);
    assert.deepEqual(await placesIn(ssrf, precision("ssrf-allowlist", "good")), []);
  });

  test("a redirect to a parsed URL whose origin was compared with the site's is not open", async () => {
    // Comparing only the protocol leaves the host to the client.
    assert.deepEqual(await placesIn(openRedirect, precision("redirect-origin", "bad")), ["95 act src/app.js:8: src/app.js:7 src/app.js:8"]);
    assert.deepEqual(await placesIn(openRedirect, precision("redirect-origin", "good")), []);
  });

  test("a Location header beside a 2xx status names a created resource, not a redirect", async () => {
    // The bad twin sets 302 in one branch and 201 in another: the 302 makes it a redirect.
    assert.deepEqual(await placesIn(openRedirect, precision("location-created", "bad")), ["95 act src/app.js:10: src/app.js:8 src/app.js:10"]);
    assert.deepEqual(await placesIn(openRedirect, precision("location-created", "good")), []);
  });

  test("a name among a folder's entries, a resolved path under its root, and a service's own file name are safe paths", async () => {
    // Bad: membership in a list from the body, a suffix check, a helper that returns a path built from its argument.
    assert.deepEqual(await placesIn(pathTraversal, precision("paths-checked", "bad")), [
      "95 act src/app.js:12: src/app.js:11 src/app.js:12",
      "95 act src/app.js:18: src/app.js:16 src/app.js:18",
      "95 act src/app.js:22: src/app.js:22 src/app.js:22 src/app.js:22",
    ]);
    // The file a held service returns is not tainted by the id passed to it: a question at most.
    assert.deepEqual(await placesIn(pathTraversal, precision("paths-checked", "good")), ["55 ask src/app.js:27: src/app.js:27"]);
  });

  test("a key a lookup found in a collection (Map.get behind has) is safe; a key a file-existence check passed is not", async () => {
    // The check sits in a try block whose catch returns too: the read after the try runs only when the lookup found the key.
    assert.deepEqual(await placesIn(pathTraversal, precision("lookup-checked", "bad")), ["95 act src/app.js:21: src/app.js:9 src/app.js:21"]);
    assert.deepEqual(await placesIn(pathTraversal, precision("lookup-checked", "good")), []);
  });

  test("filter documents are NoSQL only for document-database clients; a parsed JSON body's value is one", async () => {
    assert.deepEqual(await placesIn(nosqlInjection, precision("nosql-clients", "bad")), ["95 act src/app.js:9: src/app.js:8 src/app.js:9"]);
    assert.deepEqual(await placesIn(nosqlInjection, precision("nosql-clients", "good")), []);
  });

  test("a knex whereRaw fragment built from String(input) is SQL injection; bindings and Number() are not", async () => {
    assert.deepEqual(await placesIn(sqlInjection, precision("sql-fragment", "bad")), ["95 act src/app.js:9: src/app.js:8 src/app.js:9"]);
    assert.deepEqual(await placesIn(sqlInjection, precision("sql-fragment", "good")), []);
  });

  test("node-serialize unserialize of a cookie is unsafe deserialisation; JSON.parse is not", async () => {
    assert.deepEqual(await placesIn(unsafeDeserialization, precision("node-serialize", "bad")), ["95 act src/app.js:9: src/app.js:9 src/app.js:9"]);
    assert.deepEqual(await placesIn(unsafeDeserialization, precision("node-serialize", "good")), []);
  });

  test("an archive entry written after its resolved path was checked under the root is not zip slip", async () => {
    // A prefix check of the raw entry name does not stop `data/../../x`.
    assert.deepEqual(await placesIn(zipSlip, precision("zip-contained", "bad")), ["95 act src/app.js:12: src/app.js:12"]);
    assert.deepEqual(await placesIn(zipSlip, precision("zip-contained", "good")), []);
  });

  test("served files of untraced paths make one question per service, listing every place", async () => {
    assert.deepEqual(await placesIn(pathTraversal, precision("untraced-files", "one")), ["55 ask src/app.js:7: src/app.js:7"]);
    assert.deepEqual(await placesIn(pathTraversal, precision("untraced-files", "many")), ["55 ask src/app.js:7: src/app.js:7 src/app.js:11 src/app.js:15"]);
  });
});

describe("security/jwt-verify-without-algorithms: a service that pins no algorithm", () => {
  test("gets one finding listing every verification; one pinned verification makes the others oversights", async () => {
    const { securityControl, emptyModel, loc } = await import("./model-builder.ts");
    const root = fixture("jwt-verify-without-algorithms", "bad");
    const verify = (line: number, algorithms?: string[]) =>
      securityControl({ kind: "jwt", library: "jsonwebtoken", location: loc("src/app.js", line), options: { use: "verify", ...(algorithms ? { algorithms } : {}) } });
    const [habit, ...rest] = runRule(jwtVerifyWithoutAlgorithms, emptyModel({ securityControls: [verify(7), verify(4)] }), root);
    assert.equal(rest.length, 0);
    assert.equal(habit.occurrences, 2);
    assert.match(habit.message, /^No token verification in \S+ pins its algorithms: 2 verifications \(jsonwebtoken at src\/app\.js:4, jsonwebtoken at src\/app\.js:7\)/);
    const mixed = runRule(jwtVerifyWithoutAlgorithms, emptyModel({ securityControls: [verify(7), verify(4), verify(1, ["RS256"])] }), root);
    assert.deepEqual(mixed.map((f) => f.location?.line), [4, 7]);
  });
});
