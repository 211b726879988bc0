// The bundled examples carry their ground truth in FLAWS.md: every planted flaw must be reported
// at its file:line by its rule, and every "must not be reported" line must stay quiet for the
// rules it names. The tables are parsed, so editing an example keeps this test honest.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { review } from "../../src/index.ts";

interface Expectation {
  rules: string[];
  file: string;
  lines: number[];
  row: string;
}

function table(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(heading)) ?? "";
  return section
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) => l.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
}

const RULE = /`([a-z]+\/[a-z0-9-]+)`/g;
const WHERE = /`([\w./-]+\.[jt]s|[\w./-]+\.sql)(?::(\d+))?`((?:,\s*`:\d+`)*)/;

function expectation(where: string, ruleText: string, row: string): Expectation | undefined {
  const m = WHERE.exec(where);
  if (!m) return undefined;
  // "(route on 29)", "(query text on 43)": the same flaw may be shown at its related line.
  const related = [...where.matchAll(/\((?:[a-z ]+) on (\d+)\)/g)].map((x) => Number(x[1]));
  const extra = [...[...m[3].matchAll(/:(\d+)/g)].map((x) => Number(x[1])), ...related];
  return { rules: [...ruleText.matchAll(RULE)].map((r) => r[1]), file: m[1], lines: [...(m[2] ? [Number(m[2])] : []), ...extra], row };
}

for (const example of ["express-shop", "fastify-notes"]) {
  const root = join("examples", example);
  const flaws = readFileSync(join(root, "FLAWS.md"), "utf8");
  const mustReport = table(flaws, "Must be reported").map((c) => expectation(c[2], c[1], c.join(" | "))).filter((e): e is Expectation => !!e);
  const mustNot = table(flaws, "Must not be reported").map((c) => expectation(c[0], c[1], c.join(" | "))).filter((e): e is Expectation => !!e && e.rules.length > 0);

  describe(`${example}: FLAWS.md ground truth`, async () => {
    const { findings } = await review(root);

    it("has ground truth to check", () => {
      assert.ok(mustReport.length >= 4, `${mustReport.length} planted flaws parsed`);
      assert.ok(mustNot.length >= 4, `${mustNot.length} must-not rows parsed`);
    });

    for (const e of mustReport) {
      it(`reports ${e.rules[0]} at ${e.file}${e.lines.length ? `:${e.lines[0]}` : ""}`, () => {
        const hit = findings.find((f) => f.ruleId === e.rules[0] && f.location?.file === e.file && (e.lines.length === 0 || e.lines.includes(f.location.line)));
        assert.ok(hit, `${e.row}\nfound: ${findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`).join(", ")}`);
      });
    }

    for (const e of mustNot) {
      it(`stays quiet at ${e.file}${e.lines.length ? `:${e.lines.join(",")}` : ""} for ${e.rules.join(", ")}`, () => {
        const wrong = findings.filter((f) => e.rules.includes(f.ruleId) && f.location?.file === e.file && (e.lines.length === 0 || e.lines.includes(f.location.line)));
        assert.deepEqual(wrong.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`), [], e.row);
      });
    }
  });
}
