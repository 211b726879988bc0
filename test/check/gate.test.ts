// `bka check` as a CI gate on a copy of examples/express-shop: it fails on the planted flaws,
// passes once they are accepted in a baseline, and fails again when a new flaw is added.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { review } from "../../src/index.ts";
import { baselineOf, baselineText } from "../../src/check/baseline.ts";
import { EXIT } from "../../src/cli/exit-codes.ts";
import { bka, copyExample, insertBefore, lineOf } from "./helpers.ts";

const CART = "src/routes/cart.routes.ts";
const UNPROTECTED_DELETE = `${CART}:59  api/write-without-auth  act`;

const NEW_UNPROTECTED_ROUTE = `router.post(
  '/clear',
  asyncHandler(async (req, res) => {
    await pool.query('DELETE FROM cart_items WHERE user_id = $1', [req.query.userId]);
    res.status(204).end();
  }),
);
`;

test("check fails on the flawed example, passes after --write-baseline, and fails again on a new flaw", async () => {
  const shop = copyExample("express-shop");

  const first = await bka("check", shop, "--no-progress");
  assert.equal(first.code, EXIT.failOnReached, first.stderr);
  assert.match(first.stdout, /^bka check · express-shop\nPolicy: default \(no bka.config.yaml or bka.config.json\)\n/);
  assert.match(first.stdout, /\nsecurity\n  \[FAIL\] no new finding in the act band \(failOn\) — 3 found, 0 allowed\n/);
  assert.ok(first.stdout.includes(`         ${UNPROTECTED_DELETE}`), first.stdout);
  assert.ok(first.stdout.includes("         src/routes/products.routes.ts:42  security/sql-injection  act"), first.stdout);
  assert.match(first.stdout, /\nreliability\n  \[FAIL\] no new finding in the act band \(failOn\) — 1 found, 0 allowed\n\s+src\/services\/payments\.ts:10  reliability\/outbound-without-timeout  act/);
  // orders.user_id has no index and a query filters on it (orders.routes.ts): fk-without-index in the act band.
  assert.ok(first.stdout.includes("         db/schema.sql:32  database/fk-without-index  act"), first.stdout);
  assert.match(first.stdout, /Policy failed: 3 checks failed\.\n$/);
  // The checklist covers the five areas, in order.
  assert.deepEqual([...first.stdout.matchAll(/^(\w+)$/gm)].map((m) => m[1]), ["security", "reliability", "performance", "scalability", "evidence"]);

  const write = await bka("check", shop, "--no-progress", "--write-baseline");
  assert.equal(write.code, EXIT.ok, write.stdout);
  assert.match(write.stdout, /Baseline: wrote \.bka-baseline\.json \(\d+ findings? accepted\)/);
  assert.match(write.stdout, /Policy passed\.\n$/);

  // The baseline holds exactly the review's fingerprints, sorted, and is byte-for-byte reproducible.
  const baselineFile = join(shop, ".bka-baseline.json");
  const written = readFileSync(baselineFile, "utf8");
  const { findings } = await review(shop);
  assert.equal(written, baselineText(baselineOf(findings)));
  const entries = JSON.parse(written).findings as { ruleId: string; file: string; fingerprint: string }[];
  assert.ok(entries.some((e) => e.ruleId === "api/write-without-auth" && e.file === CART));
  assert.deepEqual(entries.map((e) => e.ruleId), entries.map((e) => e.ruleId).sort());

  const second = await bka("check", shop, "--no-progress");
  assert.equal(second.code, EXIT.ok, second.stdout);
  assert.match(second.stdout, /Baseline: \.bka-baseline\.json \(\d+ accepted\)/);
  assert.match(second.stdout, new RegExp(`Findings: ${findings.length} \\(0 new, ${findings.length} in the baseline, 0 suppressed inline\\)`));

  insertBefore(join(shop, CART), lineOf(join(shop, CART), "export default router"), NEW_UNPROTECTED_ROUTE);
  const newRouteLine = lineOf(join(shop, CART), "'/clear'") - 1;
  const third = await bka("check", shop, "--no-progress");
  assert.equal(third.code, EXIT.failOnReached, third.stdout);
  assert.ok(third.stdout.includes(`         ${CART}:${newRouteLine}  api/write-without-auth  act`), third.stdout);
  assert.ok(!third.stdout.includes(UNPROTECTED_DELETE), "the accepted finding stays accepted");
});

test("--write-baseline never replaces an existing baseline without --force", async () => {
  const shop = copyExample("express-shop");
  const baselineFile = join(shop, ".bka-baseline.json");
  writeFileSync(baselineFile, '{ "version": 1, "findings": [] }\n');

  const refused = await bka("check", shop, "--no-progress", "--write-baseline");
  assert.equal(refused.code, EXIT.badInput);
  assert.equal(refused.stdout, "");
  assert.equal(refused.stderr, `bka: ${baselineFile} already exists; pass --force to replace it with the current findings\n`);
  assert.equal(readFileSync(baselineFile, "utf8"), '{ "version": 1, "findings": [] }\n');

  const forced = await bka("check", shop, "--no-progress", "--write-baseline", "--force");
  assert.equal(forced.code, EXIT.ok, forced.stdout);
  assert.ok(JSON.parse(readFileSync(baselineFile, "utf8")).findings.length > 0);
});

test("the config's baseline path is relative to the config file; --baseline overrides it", async () => {
  const shop = copyExample("express-shop");
  writeFileSync(join(shop, "bka.config.yaml"), "baseline: ci/accepted.json\n");
  assert.equal((await bka("check", shop, "--no-progress", "--write-baseline")).code, EXIT.badInput, "the ci folder does not exist");

  writeFileSync(join(shop, "bka.config.yaml"), "baseline: accepted.json\n");
  const write = await bka("check", shop, "--no-progress", "--write-baseline");
  assert.equal(write.code, EXIT.ok, write.stderr);
  assert.ok(existsSync(join(shop, "accepted.json")));
  assert.ok(!existsSync(join(shop, ".bka-baseline.json")));
  assert.equal((await bka("check", shop, "--no-progress")).code, EXIT.ok);

  const other = join(shop, "other-baseline.json");
  const overridden = await bka("check", shop, "--no-progress", "--baseline", other);
  assert.equal(overridden.code, EXIT.failOnReached, "a baseline that does not exist accepts nothing");
  assert.match(overridden.stdout, /Baseline: none \(other-baseline\.json does not exist; create it with --write-baseline\)/);
});

test("--format json prints the checklist as data", async () => {
  const shop = copyExample("express-shop");
  const result = await bka("check", shop, "--no-progress", "--format", "json");
  assert.equal(result.code, EXIT.failOnReached);
  const data = JSON.parse(result.stdout);
  assert.equal(data.passed, false);
  assert.equal(data.project, "express-shop");
  assert.deepEqual(data.sections.map((s: { section: string }) => s.section), ["security", "reliability", "performance", "scalability", "evidence"]);
  const failOn = data.sections[0].items.find((i: { id: string }) => i.id === "failOn");
  assert.equal(failOn.status, "fail");
  assert.deepEqual(
    failOn.findings.map((f: { ruleId: string; location: { file: string; line: number } }) => `${f.ruleId} ${f.location.file}:${f.location.line}`),
    ["security/sql-injection src/routes/products.routes.ts:14", "security/sql-injection src/routes/products.routes.ts:42", `api/write-without-auth ${CART}:59`],
  );
});

test("check of a missing folder is bad input", async () => {
  const result = await bka("check", "/nonexistent/project", "--no-progress");
  assert.equal(result.code, EXIT.badInput);
  assert.equal(result.stderr, "bka: no such file or directory: /nonexistent/project\n");
});

test("a policy asking for a clean OpenAPI lint runs Spectral on the recovered spec", async () => {
  const shop = copyExample("express-shop");
  writeFileSync(join(shop, "bka.config.yaml"), "policy:\n  failOn: none\n  api:\n    openapiLintClean: true\n");
  const result = await bka("check", shop, "--no-progress", "--format", "json");
  const item = JSON.parse(result.stdout).sections[0].items.find((i: { id: string }) => i.id === "api.openapiLintClean");
  assert.equal(item.status, "pass", JSON.stringify(item));
  assert.equal(item.detail, "0 error(s)");
});
