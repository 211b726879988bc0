// The accuracy harness's scoring rules on hand-made findings, and its label file's error messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scoreBka, scorePeer, type Label, type Located } from "../../bench/accuracy/score.ts";
import { readFixtureCorpus } from "../../bench/accuracy/fixtures.ts";

const label = (over: Partial<Label>): Label => ({ group: "app", name: "n", file: "a.js", from: 10, to: 10, rules: ["security/sql-injection"], kind: "flaw", category: "security/sql-injection", ...over });
const at = (line: number, rule = "security/sql-injection", band: Located["band"] = "act", file = "a.js"): Located => ({ file, line, rule, band });

test("a finding matches within 3 lines and only from the label's rules", () => {
  const labels = [label({})];
  assert.equal(scoreBka([at(13)], labels, () => true).recall.found, 1);
  assert.equal(scoreBka([at(14)], labels, () => true).recall.found, 0);
  assert.equal(scoreBka([at(10, "security/ssrf")], labels, () => true).recall.found, 0);
  assert.equal(scoreBka([at(10, "security/sql-injection", "act", "b.js")], labels, () => true).recall.found, 0);
});

test("precision per band counts findings in labelled files that match a flaw label", () => {
  const findings = [at(10), at(40), at(10, "security/ssrf", "decide"), at(10, "security/sql-injection", "ask", "other.js")];
  const score = scoreBka(findings, [label({})], (file) => file === "a.js");
  assert.deepEqual(score.precision, [
    { band: "act", findings: 2, right: 1 },
    { band: "decide", findings: 1, right: 0 },
    { band: "ask", findings: 0, right: 0 },
  ]);
  assert.deepEqual(score.wrongInAct, [at(40)]);
});

test("a finding that matches a flaw label does not count against a nearby safe twin", () => {
  const labels = [label({}), label({ from: 14, to: 14, kind: "safe" })];
  const score = scoreBka([at(11), at(17)], labels, () => true);
  assert.equal(score.safeHit, 1);
  assert.deepEqual(score.labels[1].hits, [at(17)]);
});

test("a whole-service label matches its rule anywhere under its folder; peers are not credited with it", () => {
  const labels = [label({ file: "app/*", wholeApp: true, rules: ["security/missing-security-headers"], from: 1, to: Number.MAX_SAFE_INTEGER })];
  assert.equal(scoreBka([at(3, "security/missing-security-headers", "decide", "app/src/x.js")], labels, () => true).recall.found, 1);
  assert.equal(scoreBka([at(3, "security/missing-security-headers", "decide", "other/src/x.js")], labels, () => true).recall.found, 0);
  assert.deepEqual(scorePeer("eslint", [at(3, "sonarjs/x", undefined, "app/src/x.js")], labels).recall, { found: 0, total: 1 });
});

test("a peer hit is any finding near a flaw label; findings near safe lines are counted", () => {
  const labels = [label({}), label({ from: 30, to: 30, kind: "safe" })];
  const peer = scorePeer("eslint", [at(12, "security/detect-child-process"), at(31, "sonarjs/os-command"), at(80, "sonarjs/x")], labels);
  assert.deepEqual(peer, { tool: "eslint", recall: { found: 1, total: 1 }, findings: 3, onSafeLines: 1 });
});

test("a label whose anchor is not on its line is reported with its row", () => {
  const dir = mkdtempSync(join(tmpdir(), "bka-labels-"));
  try {
    mkdirSync(join(dir, "app", "src"), { recursive: true });
    writeFileSync(join(dir, "app", "src", "a.js"), "const a = 1;\nquery(`SELECT ${x}`);\n");
    const header = "app\tfile\tline\trule\tkind\tanchor\tnote\n";
    writeFileSync(join(dir, "labels.tsv"), header + "app\tsrc/a.js\t2\tsecurity/sql-injection\tflaw\tSELECT ${x}\tok\n");
    assert.equal(readFixtureCorpus(join(dir, "labels.tsv"))[0].labels[0].from, 2);
    writeFileSync(join(dir, "labels.tsv"), header + "app\tsrc/a.js\t1\tsecurity/sql-injection\tflaw\tSELECT ${x}\tmoved\n");
    assert.throws(() => readFixtureCorpus(join(dir, "labels.tsv")), /labels\.tsv:2: line 1 of .*a\.js does not contain "SELECT \$\{x\}"/);
    writeFileSync(join(dir, "labels.tsv"), header + "app\tsrc/a.js\t2\tsecurity/sql-injection\tmaybe\tSELECT\tbad kind\n");
    assert.throws(() => readFixtureCorpus(join(dir, "labels.tsv")), /labels\.tsv:2: kind must be flaw or safe, not "maybe"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
