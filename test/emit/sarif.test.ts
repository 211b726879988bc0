import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { toSarif, toSarifText } from "../../src/emit/sarif.ts";
import type { RuleMeta } from "../../src/rules/types.ts";
import { sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

type Json = Record<string, any>;

const require = createRequire(import.meta.url);
const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
// Both packages are CommonJS; `.default` is their class/function under NodeNext typing and at run time.
// The schema has a pattern ("...]?$") that is only valid without the regex "u" flag.
const ajv = new Ajv.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));

function sampleRun(): Json {
  return (toSarif(sampleFindings(), sampleModel(), "1.2.3") as Json).runs[0];
}

function resultFor(ruleId: string): Json {
  return sampleRun().results.find((r: Json) => r.ruleId === ruleId);
}

test("the log validates against the official SARIF 2.1.0 schema", () => {
  const log = toSarif(sampleFindings(), sampleModel(), "1.2.3");
  assert.equal(validateSarif(log), true, JSON.stringify(validateSarif.errors, null, 2));
  assert.equal(log.version, "2.1.0");
});

test("the schema check rejects a malformed log (the validator is live)", () => {
  const log = toSarif(sampleFindings(), sampleModel(), "1.2.3") as Json;
  log.runs[0].results[0].level = "fatal";
  assert.equal(validateSarif(log), false);
});

test("the driver names bka, its version and one rule per rule id, sorted", () => {
  const driver = sampleRun().tool.driver;
  assert.equal(driver.name, "bka");
  assert.equal(driver.version, "1.2.3");
  assert.match(driver.informationUri, /^https:\/\//);
  assert.deepEqual(driver.rules.map((r: Json) => r.id), [
    "api/spec-lint",
    "database/missing-index",
    "observability/no-request-logging",
    "performance/query-in-loop",
    "reliability/outbound-timeout",
    "security/login-rate-limit",
    "security/sql-injection",
  ]);
  const sql = driver.rules[6];
  assert.deepEqual(sql.shortDescription, { text: "SQL built from request input" });
  assert.equal(sql.helpUri, "https://cwe.mitre.org/data/definitions/89.html");
  assert.deepEqual(sql.defaultConfiguration, { level: "error" });
  assert.deepEqual(sql.properties, { tags: ["security"], "security-severity": "9.5" });
});

test("rule metadata, when registered, describes the rule", () => {
  const meta: RuleMeta = {
    id: "security/sql-injection",
    area: "security",
    severity: "high",
    title: "SQL injection",
    rationale: "Query text built from request input lets a caller change the query.",
    examples: { bad: "", good: "" },
    references: [{ title: "OWASP SQLi", url: "https://owasp.org/www-community/attacks/SQL_Injection" }],
  };
  const run = (toSarif(sampleFindings(), sampleModel(), "1.2.3", [meta]) as Json).runs[0];
  const rule = run.tool.driver.rules.find((r: Json) => r.id === meta.id);
  assert.deepEqual(rule.shortDescription, { text: "SQL injection" });
  assert.deepEqual(rule.fullDescription, { text: meta.rationale });
  assert.equal(rule.helpUri, meta.references[0].url);
  assert.deepEqual(rule.properties, { tags: ["security"], "security-severity": "8.0" });
});

test("results point at rules by index and map severity to level", () => {
  const run = sampleRun();
  for (const result of run.results) assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
  assert.equal(resultFor("security/sql-injection").level, "error");
  assert.equal(resultFor("reliability/outbound-timeout").level, "error");
  assert.equal(resultFor("database/missing-index").level, "warning");
  assert.equal(resultFor("api/spec-lint").level, "note");
});

test("the primary location is relative to %SRCROOT% with the evidence snippet", () => {
  const sql = resultFor("security/sql-injection");
  assert.deepEqual(sql.locations[0].physicalLocation.artifactLocation, {
    uri: "apps/api/src/routes/articles.ts",
    uriBaseId: "%SRCROOT%",
  });
  const region = sql.locations[0].physicalLocation.region;
  assert.equal(region.startLine, 31);
  assert.equal(region.startColumn, 20);
  assert.match(region.snippet.text, /^const rows = await pool\.query\(`SELECT/);
  assert.deepEqual(Object.keys(sampleRun().originalUriBaseIds), ["%SRCROOT%"]);
});

test("further code evidence becomes related locations with their labels", () => {
  const related = resultFor("security/sql-injection").relatedLocations;
  assert.equal(related.length, 1);
  assert.equal(related[0].physicalLocation.region.startLine, 24);
  assert.deepEqual(related[0].message, { text: "request input enters here" });
  assert.equal(resultFor("reliability/outbound-timeout").relatedLocations, undefined);
});

test("results carry fingerprint, rank and confidence properties", () => {
  const sql = resultFor("security/sql-injection");
  assert.deepEqual(sql.partialFingerprints, { "bka/v1": "a1b2c3d4e5f60718" });
  assert.equal(sql.rank, 96);
  assert.deepEqual(sql.properties, { confidence: 96, band: "act", area: "security", severity: "critical" });
  assert.equal(resultFor("security/login-rate-limit").properties.band, "ask");
});

test("a project-wide finding has no location", () => {
  assert.equal(resultFor("observability/no-request-logging").locations, undefined);
});

test("the run carries the coverage summary", () => {
  assert.deepEqual(sampleRun().properties.coverage, {
    understanding: 82,
    filesFound: 64,
    filesParsed: 41,
    filesSkipped: 23,
    routeRegistrations: 15,
    routeRegistrationsResolved: 14,
    handlersLocated: 11,
    handlersTotal: 14,
    warnings: [],
  });
});

test("file names are percent-encoded into valid URI references", () => {
  const findings = sampleFindings();
  findings[0].location = { file: "src/my routes/a#b.ts", line: 3, column: 1 };
  const log = toSarif(findings, sampleModel(), "1.2.3") as Json;
  assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, "src/my%20routes/a%23b.ts");
  assert.equal(validateSarif(log), true);
});

test("an empty run is still a valid log", () => {
  const log = toSarif([], sampleModel(), "1.2.3") as Json;
  assert.deepEqual(log.runs[0].results, []);
  assert.deepEqual(log.runs[0].tool.driver.rules, []);
  assert.equal(validateSarif(log), true);
});

test("the text form is 2-space JSON with a trailing newline", () => {
  const text = toSarifText(sampleFindings(), sampleModel(), "1.2.3");
  assert.ok(text.endsWith("}\n"));
  assert.match(text, /^\{\n  "\$schema"/);
  assert.deepEqual(JSON.parse(text), toSarif(sampleFindings(), sampleModel(), "1.2.3"));
});
