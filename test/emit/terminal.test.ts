import { test } from "node:test";
import assert from "node:assert/strict";
import { shouldUseColor, toTerminal, TOP_FINDINGS } from "../../src/emit/terminal.ts";
import { TOO_LITTLE_UNDERSTOOD } from "../../src/emit/common.ts";
import type { Finding } from "../../src/model/finding.ts";
import { poorlyUnderstoodModel, sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

const ANSI = /\u001b\[/;

test("the summary starts with run confidence and counts findings by band and area", () => {
  const text = toTerminal(sampleModel(), sampleFindings(), { color: false });
  const lines = text.split("\n");
  assert.equal(lines[0], "bka · conduit-monorepo");
  assert.equal(
    lines[1],
    "Run confidence: understanding 82/100 · 41/64 files parsed, 23 skipped · 14/15 routes resolved · 11/14 handlers located",
  );
  assert.ok(lines.includes("7 findings: 2 act · 3 decide · 2 ask"));
  assert.ok(lines.includes("  security        1 act    0 decide    1 ask"));
  const securityOnly = toTerminal(sampleModel(), sampleFindings().filter((f) => f.area === "security"), { color: false });
  assert.ok(securityOnly.includes("\n  security "));
  assert.equal(securityOnly.includes("\n  database "), false, "areas without findings are left out");
});

test("top findings show band tag, confidence, rule and file:line", () => {
  const text = toTerminal(sampleModel(), sampleFindings(), { color: false });
  assert.ok(text.includes("  ACT     96  critical security/sql-injection  apps/api/src/routes/articles.ts:31\n         SQL built from request input"));
  assert.ok(text.includes("  ASK     62  low      observability/no-request-logging  (project-wide)"));
});

test("at most ten findings are listed, by confidence", () => {
  const base = sampleFindings()[0];
  const many: Finding[] = Array.from({ length: 12 }, (_, i) => ({ ...base, confidence: 50 + i, band: "ask", fingerprint: `f${i}` }));
  const text = toTerminal(sampleModel(), many, { color: false });
  const listed = text.split("\n").filter((l) => l.startsWith("  ASK "));
  assert.equal(listed.length, TOP_FINDINGS);
  assert.match(listed[0], /^ {2}ASK +61 /);
  assert.match(listed[9], /^ {2}ASK +52 /);
  assert.ok(text.includes("…and 2 more"));
});

test("a poorly understood run warns before anything else", () => {
  const lines = toTerminal(poorlyUnderstoodModel(), [], { color: false }).split("\n");
  assert.equal(lines[2], `! ${TOO_LITTLE_UNDERSTOOD}.`);
  assert.equal(lines[3], "! 9 of 15 route registrations could not be resolved");
  assert.ok(lines.includes("No findings, but see above: that is not a clean bill of health."));
  assert.ok(toTerminal(sampleModel(), [], { color: false }).split("\n").includes("No findings."));
});

test("the --out hint is shown unless turned off", () => {
  assert.match(toTerminal(sampleModel(), [], { color: false }), /with --out <dir>\.\n$/);
  assert.doesNotMatch(toTerminal(sampleModel(), [], { color: false, hint: false }), /--out/);
});

test("colour codes appear only when asked for", () => {
  assert.doesNotMatch(toTerminal(sampleModel(), sampleFindings(), { color: false }), ANSI);
  assert.match(toTerminal(sampleModel(), sampleFindings(), { color: true }), ANSI);
});

test("colour needs a TTY and no NO_COLOR", () => {
  assert.equal(shouldUseColor({ isTTY: true }, {}), true);
  assert.equal(shouldUseColor({ isTTY: true }, { NO_COLOR: "1" }), false);
  assert.equal(shouldUseColor({ isTTY: false }, {}), false);
  assert.equal(shouldUseColor({}, {}), false);
});
