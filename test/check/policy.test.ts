// The policy as a checklist, over a hand-built model and findings (no pipeline).
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluatePolicy, policyPassed, type PolicyInput, type RuleInfo, type SectionResult } from "../../src/check/policy.ts";
import type { Policy } from "../../src/check/config.ts";
import { SourceReader } from "../../src/ingest/source-reader.ts";
import type { Finding } from "../../src/model/finding.ts";
import { poorlyUnderstoodModel, sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

/** Answers every line with text, except the ones listed as missing. */
class FakeReader extends SourceReader {
  constructor(private readonly missing: string[] = []) {
    super("/nonexistent");
  }
  override line(file: string, line: number): string | undefined {
    return this.missing.includes(`${file}:${line}`) ? undefined : "some code";
  }
}

function rulesOf(findings: Finding[]): RuleInfo[] {
  return findings.map((f) => ({ id: f.ruleId, area: f.area }));
}

function input(overrides: Partial<PolicyInput> = {}): PolicyInput {
  const findings = sampleFindings();
  return { model: sampleModel(), fresh: findings, reported: findings, invalidSuppressions: [], rules: rulesOf(findings), source: new FakeReader(), ...overrides };
}

/** "section: [status] id → rule@file:line, …" per line, for compact assertions. */
function summary(sections: SectionResult[]): string[] {
  return sections.flatMap(({ section, items }) =>
    items.map((i) => {
      const behind = [...i.findings.map((f) => `${f.ruleId}@${f.location ? `${f.location.file}:${f.location.line}` : "-"}`), ...i.problems.map((p) => p.message)];
      return `${section}: [${i.status}] ${i.id}${i.detail ? ` (${i.detail})` : ""}${behind.length ? ` → ${behind.join(", ")}` : ""}`;
    }),
  );
}

test("the default policy fails on act-band findings, per section", () => {
  const sections = evaluatePolicy({}, input());
  assert.deepEqual(summary(sections), [
    "security: [fail] failOn (1 found, 0 allowed) → security/sql-injection@apps/api/src/routes/articles.ts:31",
    "reliability: [fail] failOn (1 found, 0 allowed) → reliability/outbound-timeout@apps/api/src/routes/articles.ts:47",
    "performance: [pass] failOn",
    "scalability: [pass] failOn",
    "evidence: [pass] evidence.minUnderstanding (understanding 82/100)",
    "evidence: [pass] evidence.findingsCiteEvidence",
    "evidence: [pass] suppressions",
  ]);
  assert.equal(policyPassed(sections), false);
});

test("failOn decide also fails on decide-band findings; failOn none drops the line", () => {
  const decide = summary(evaluatePolicy({ failOn: "decide" }, input()));
  assert.equal(decide[0], "security: [fail] failOn (2 found, 0 allowed) → security/sql-injection@apps/api/src/routes/articles.ts:31, api/spec-lint@apps/api/src/routes/users.ts:45");
  assert.equal(decide[2], "performance: [fail] failOn (1 found, 0 allowed) → performance/query-in-loop@apps/api/src/routes/articles.ts:60");
  assert.equal(decide[3], "scalability: [fail] failOn (1 found, 0 allowed) → database/missing-index@apps/api/src/routes/articles.ts:31");
  const none = evaluatePolicy({ failOn: "none" }, input());
  assert.deepEqual(summary(none).map((l) => l.split(" (")[0]), ["evidence: [pass] evidence.minUnderstanding", "evidence: [pass] evidence.findingsCiteEvidence", "evidence: [pass] suppressions"]);
  assert.equal(policyPassed(none), true);
});

test("per-area band limits count only that area's new findings", () => {
  const policy: Policy = { failOn: "none", security: { maxAct: 0, maxAsk: 0 }, api: { maxDecide: 1 }, performance: { maxDecide: 0 } };
  assert.deepEqual(summary(evaluatePolicy(policy, input())).slice(0, 4), [
    "security: [pass] api.maxDecide (1 found, 1 allowed)",
    "security: [fail] security.maxAct (1 found, 0 allowed) → security/sql-injection@apps/api/src/routes/articles.ts:31",
    "security: [fail] security.maxAsk (1 found, 0 allowed) → security/login-rate-limit@apps/api/src/routes/users.ts:12",
    "performance: [fail] performance.maxDecide (1 found, 0 allowed) → performance/query-in-loop@apps/api/src/routes/articles.ts:60",
  ]);
  // Baselined findings are not "new": with none fresh, every limit holds.
  assert.equal(policyPassed(evaluatePolicy(policy, input({ fresh: [] }))), true);
});

test("a policy line no rule of this version can back is unchecked, not passed", () => {
  const findings = sampleFindings().filter((f) => f.area !== "database");
  const policy: Policy = {
    failOn: "act",
    api: { writeEndpointsAuthenticated: true, requestBodiesValidated: false },
    database: { unindexedForeignKeys: 2 },
  };
  const rules = [...rulesOf(findings), { id: "api/write-without-auth", area: "api" as const }];
  const lines = summary(evaluatePolicy(policy, input({ fresh: findings, reported: findings, rules })));
  assert.ok(lines.includes("security: [pass] api.writeEndpointsAuthenticated"), lines.join("\n"));
  assert.ok(lines.includes("scalability: [unchecked] failOn (no rule in this bka version covers scalability)"), lines.join("\n"));
  assert.ok(
    lines.includes("scalability: [unchecked] database.unindexedForeignKeys (needs rule database/fk-without-index, which this bka version does not have yet)"),
    lines.join("\n"),
  );
  assert.ok(!lines.some((l) => l.includes("requestBodiesValidated")), "false turns a requirement off");
});

test("a rule requirement fails on any finding of its rule, whatever the band", () => {
  const findings = sampleFindings();
  const lines = summary(evaluatePolicy({ failOn: "none", observability: { requestLogging: true } }, input({ fresh: findings })));
  assert.equal(lines[0], "reliability: [fail] observability.requestLogging (1 found, 0 allowed) → observability/no-request-logging@-");
});

test("too little understanding fails the evidence section and lists what was not understood", () => {
  const sections = evaluatePolicy({ failOn: "none", evidence: { minUnderstanding: 70 } }, input({ model: poorlyUnderstoodModel() }));
  const item = sections.find((s) => s.section === "evidence")!.items[0];
  assert.equal(item.status, "fail");
  assert.equal(item.detail, "understanding 41/100");
  assert.deepEqual(item.problems, [
    { message: "app.use(config.reportsPrefix, reportsRouter): prefix comes from runtime configuration", location: { file: "apps/api/src/app.ts", line: 41, column: 1 } },
    { message: "9 of 15 route registrations could not be resolved" },
    { message: "no handlers found for 8 routes" },
  ]);
  assert.equal(evaluatePolicy({ evidence: { minUnderstanding: 41 } }, input({ model: poorlyUnderstoodModel() })).at(-1)!.items[0].status, "pass");
});

test("a finding whose code evidence points at a missing line fails the evidence check", () => {
  const sections = evaluatePolicy({ failOn: "none" }, input({ source: new FakeReader(["apps/api/src/routes/articles.ts:24"]) }));
  const item = sections.at(-1)!.items.find((i) => i.id === "evidence.findingsCiteEvidence")!;
  assert.equal(item.status, "fail");
  assert.deepEqual(item.problems, [
    { message: "security/sql-injection cites a line that is missing or empty", location: { file: "apps/api/src/routes/articles.ts", line: 24, column: 17 } },
  ]);
  const off = evaluatePolicy({ failOn: "none", evidence: { findingsCiteEvidence: false } }, input({ source: new FakeReader(["apps/api/src/routes/articles.ts:24"]) }));
  assert.ok(!off.at(-1)!.items.some((i) => i.id === "evidence.findingsCiteEvidence"));
});

test("api.openapiLintClean fails on Spectral errors in the recovered OpenAPI and passes without them", () => {
  const policy: Policy = { failOn: "none", api: { openapiLintClean: true } };
  const lintLine = (lint: PolicyInput["openapiLint"]) => summary(evaluatePolicy(policy, input(lint ? { openapiLint: lint } : {}))).filter((l) => l.includes("openapiLintClean"));
  assert.deepEqual(lintLine({ errors: 0, results: [{ code: "operation-description", message: "no description", path: ["paths", "/a", "get"], severity: "warning" }] }), [
    "security: [pass] api.openapiLintClean (0 error(s))",
  ]);
  assert.deepEqual(lintLine({ errors: 1, results: [{ code: "path-params", message: "Path parameter \"id\" must be defined", path: ["paths", "/a/{id}", "get"], severity: "error" }] }), [
    "security: [fail] api.openapiLintClean (1 error(s)) → path-params: Path parameter \"id\" must be defined (at paths./a/{id}.get)",
  ]);
  assert.deepEqual(lintLine(undefined), ["security: [unchecked] api.openapiLintClean (the OpenAPI lint did not run)"]);
});

test("a grouped finding counts as the instances it stands for", () => {
  const [base] = sampleFindings();
  const grouped: Finding = { ...base, ruleId: "database/fk-without-index", area: "database", occurrences: 3 };
  const rules = [{ id: "database/fk-without-index", area: "database" as const }];
  const at = (limit: number) => summary(evaluatePolicy({ failOn: "none", database: { unindexedForeignKeys: limit } }, input({ fresh: [grouped], reported: [grouped], rules })));
  assert.ok(at(2).some((l) => l.startsWith("scalability: [fail] database.unindexedForeignKeys (3 found, 2 allowed)")), at(2).join("\n"));
  assert.ok(at(3).some((l) => l.startsWith("scalability: [pass] database.unindexedForeignKeys (3 found, 3 allowed)")), at(3).join("\n"));
});
