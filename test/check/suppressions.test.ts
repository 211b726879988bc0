// Inline suppressions: `// bka-ignore <rule>: <reason>` on a finding's line or the line before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applySuppressions, parseDirective } from "../../src/check/suppressions.ts";
import { SourceReader } from "../../src/ingest/source-reader.ts";
import { EXIT } from "../../src/cli/exit-codes.ts";
import { sampleFindings } from "../fixtures/models/sample-model.ts";
import { bka, copyExample, insertBefore } from "./helpers.ts";

const CART = "src/routes/cart.routes.ts";
const DELETE_LINE = 59; // `router.delete(` of the unprotected DELETE /api/cart/items/{itemId}

test("parseDirective reads rule ids and the reason", () => {
  assert.deepEqual(parseDirective("  // bka-ignore security/sql-injection: input is an enum checked above", "a.ts", 3), {
    location: { file: "a.ts", line: 3, column: 6 },
    ruleIds: ["security/sql-injection"],
    reason: "input is an enum checked above",
  });
  assert.deepEqual(parseDirective("query(sql); /* bka-ignore a/b, c/d: both reviewed */", "a.ts", 1)?.ruleIds, ["a/b", "c/d"]);
  assert.equal(parseDirective("query(sql); /* bka-ignore a/b, c/d: both reviewed */", "a.ts", 1)?.reason, "both reviewed");
  assert.equal(parseDirective("// bka-ignore api/write-without-auth", "a.ts", 1)?.reason, "");
  assert.equal(parseDirective("// bka-ignore api/write-without-auth:   ", "a.ts", 1)?.reason, "");
  assert.deepEqual(parseDirective("// bka-ignore: why", "a.ts", 1)?.ruleIds, []);
  assert.equal(parseDirective("const note = 'bka-ignore is a comment';", "a.ts", 1), undefined, "only in comments");
  assert.equal(parseDirective("// bka-ignored-thing: x", "a.ts", 1), undefined);
});

async function checkWith(lineBefore: number, directive: string) {
  const shop = copyExample("express-shop");
  insertBefore(join(shop, CART), lineBefore, directive);
  return bka("check", shop, "--no-progress");
}

test("a suppression with a reason on the line before the finding suppresses it", async () => {
  const result = await checkWith(DELETE_LINE, "// bka-ignore api/write-without-auth: items are keyed by unguessable ids (reviewed)");
  // The example's other act-band flaws still fail the gate; this one no longer appears.
  assert.equal(result.code, EXIT.failOnReached, result.stdout);
  assert.ok(!result.stdout.includes("api/write-without-auth"), result.stdout);
  assert.match(result.stdout, /Findings: \d+ \(\d+ new, 0 in the baseline, 1 suppressed inline\)/);
  assert.match(result.stdout, /\[pass\] every bka-ignore suppression gives a reason/);
});

test("a suppression with a reason on the finding's own line suppresses it", async () => {
  const shop = copyExample("express-shop");
  const file = join(shop, CART);
  const lines = readFileSync(file, "utf8").split("\n");
  assert.equal(lines[DELETE_LINE - 1], "router.delete(");
  lines[DELETE_LINE - 1] = "router.delete( // bka-ignore api/write-without-auth: public kiosk cart, see ADR-12";
  writeFileSync(file, lines.join("\n"));
  const result = await bka("check", shop, "--no-progress", "--format", "json");
  const data = JSON.parse(result.stdout);
  const failOn = data.sections[0].items.find((i: { id: string }) => i.id === "failOn");
  assert.deepEqual(failOn.findings.map((f: { ruleId: string }) => f.ruleId), ["security/sql-injection", "security/sql-injection"]);
  assert.deepEqual(
    data.suppressed.map((s: { ruleId: string; location: { file: string; line: number }; reason: string }) => [s.ruleId, `${s.location.file}:${s.location.line}`, s.reason]),
    [["api/write-without-auth", `${CART}:${DELETE_LINE}`, "public kiosk cart, see ADR-12"]],
  );
});

test("a suppression without a reason does not suppress and is reported at its file:line", async () => {
  const result = await checkWith(DELETE_LINE, "// bka-ignore api/write-without-auth");
  assert.equal(result.code, EXIT.failOnReached);
  assert.match(result.stdout, /Findings: \d+ \(\d+ new, 0 in the baseline, 0 suppressed inline\)/);
  // The finding (now one line lower) still fails the security line...
  assert.ok(result.stdout.includes(`         ${CART}:${DELETE_LINE + 1}  api/write-without-auth  act`), result.stdout);
  // ...and the suppression itself fails the evidence line, at the comment's own location.
  assert.ok(
    result.stdout.includes(
      "  [FAIL] every bka-ignore suppression gives a reason (suppressions)\n" +
        `         ${CART}:${DELETE_LINE}  bka-ignore api/write-without-auth gives no reason, so it does not suppress api/write-without-auth; add \`: <why this is safe>\`\n`,
    ),
    result.stdout,
  );
  assert.match(result.stdout, /Policy failed: 4 checks failed\.\n$/);
});

test("a suppression that names no rule is reported; one for another rule is ignored", async () => {
  const noRule = await checkWith(DELETE_LINE, "// bka-ignore: the cart is public");
  assert.equal(noRule.code, EXIT.failOnReached);
  assert.ok(noRule.stdout.includes(`${CART}:${DELETE_LINE}  bka-ignore names no rule; write \`bka-ignore api/write-without-auth: <why this is safe>\``), noRule.stdout);

  const otherRule = await checkWith(DELETE_LINE, "// bka-ignore security/sql-injection: ids are bound parameters");
  assert.equal(otherRule.code, EXIT.failOnReached);
  assert.match(otherRule.stdout, /\[pass\] every bka-ignore suppression gives a reason/);
  assert.match(otherRule.stdout, /0 suppressed inline/);
});

test("only the lines at and before each finding's location are read, only in files with findings", () => {
  const findings = sampleFindings();
  const reads: string[] = [];
  class RecordingReader extends SourceReader {
    override line(file: string, line: number): string | undefined {
      reads.push(`${file}:${line}`);
      return undefined;
    }
  }
  const outcome = applySuppressions(findings, new RecordingReader("/nonexistent"));
  const expected = findings
    .filter((f) => f.location)
    .flatMap((f) => [`${f.location!.file}:${f.location!.line}`, ...(f.location!.line > 1 ? [`${f.location!.file}:${f.location!.line - 1}`] : [])]);
  assert.deepEqual(reads, expected);
  assert.equal(outcome.kept.length, findings.length);
  assert.deepEqual(outcome.invalid, []);
});
