// Baseline files: deterministic, validated, and matched by fingerprint.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { baselineOf, baselineText, readBaseline, splitByBaseline } from "../../src/check/baseline.ts";
import { EXIT } from "../../src/cli/exit-codes.ts";
import { sampleFindings } from "../fixtures/models/sample-model.ts";
import { bka, copyExample, tempDir } from "./helpers.ts";

test("baselineOf is sorted by rule, file and fingerprint, one entry per fingerprint, whatever the input order", () => {
  const findings = sampleFindings();
  const twice = [...findings, ...findings].reverse();
  const baseline = baselineOf(twice);
  assert.equal(baselineText(baseline), baselineText(baselineOf(findings)));
  assert.equal(baseline.findings.length, new Set(findings.map((f) => f.fingerprint)).size);
  const keys = baseline.findings.map((e) => `${e.ruleId} ${e.file} ${e.fingerprint}`);
  assert.deepEqual(keys, [...keys].sort());
  assert.deepEqual(baseline.findings[0], { fingerprint: findings.find((f) => f.ruleId === "api/spec-lint")!.fingerprint, ruleId: "api/spec-lint", file: "apps/api/src/routes/users.ts" });
  assert.ok(baselineText(baseline).startsWith('{\n  "version": 1,\n  "findings": [\n'));
});

test("splitByBaseline: accepted findings, new ones, and entries nothing matches any more", () => {
  const findings = sampleFindings();
  const baseline = baselineOf(findings.slice(0, 3));
  baseline.findings.push({ fingerprint: "0000000000000000", ruleId: "security/fixed-long-ago", file: "old.ts" });
  const split = splitByBaseline(findings, baseline);
  assert.deepEqual(split.baselined.map((f) => f.fingerprint), findings.slice(0, 3).map((f) => f.fingerprint));
  assert.deepEqual(split.fresh.map((f) => f.fingerprint), findings.slice(3).map((f) => f.fingerprint));
  assert.deepEqual(split.stale.map((e) => e.ruleId), ["security/fixed-long-ago"]);
  assert.deepEqual(splitByBaseline(findings, undefined).fresh, findings);
});

test("a malformed baseline is bad input, located", () => {
  const dir = tempDir();
  const file = join(dir, "baseline.json");
  writeFileSync(file, '{\n  "version": 1,\n  "findings": [\n    { "fingerprint": "abc", }\n  ]\n}\n');
  assert.throws(() => readBaseline(file), { name: "BadInputError", message: `${file}:4:29: invalid JSON: Expected double-quoted property name\n  hint: check for a missing or extra comma, quote or bracket here` });
  writeFileSync(file, '{\n  "version": 1,\n  "findings": [\n    { "fingerprint": "abc", "ruleId": "a/b" }\n  ]\n}\n');
  assert.throws(() => readBaseline(file), {
    name: "BadInputError",
    message: `${file}:4:5: findings.0.file: Invalid input: expected string, received undefined\n  hint: regenerate it with \`bka check --write-baseline --force\``,
  });
  assert.equal(readBaseline(join(dir, "missing.json")), undefined);
});

test("bka check exits 2 on a malformed baseline and says when entries no longer match", async () => {
  const shop = copyExample("express-shop");
  writeFileSync(join(shop, ".bka-baseline.json"), '{ "version": 2, "findings": [] }');
  const bad = await bka("check", shop, "--no-progress");
  assert.equal(bad.code, EXIT.badInput);
  assert.match(bad.stderr, /\.bka-baseline\.json:1:14: version: Invalid input: expected 1\n/);

  writeFileSync(join(shop, ".bka-baseline.json"), '{ "version": 1, "findings": [{ "fingerprint": "0000000000000000", "ruleId": "security/sql-injection", "file": "src/gone.ts" }] }');
  const stale = await bka("check", shop, "--no-progress");
  assert.equal(stale.code, EXIT.failOnReached);
  assert.match(stale.stdout, /\n1 baseline entry no longer matches a finding \(fixed\?\)\n/);
});
