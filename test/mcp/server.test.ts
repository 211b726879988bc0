// `bka mcp` end to end: the MCP SDK's own Client spawns `node bin/bka.js mcp` over stdio, lists
// the tools, calls each on examples/express-shop and checks real values, and shows that paths
// outside the roots — directly or through a symlink — are refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { review } from "../../src/index.ts";

const bin = fileURLToPath(new URL("../../bin/bka.js", import.meta.url));
const examples = realpathSync(fileURLToPath(new URL("../../examples", import.meta.url)));
const shop = "express-shop";

let client: Client;
let scratch: string; // a second root, holding a symlink that leads outside both roots
let outside: string;

before(async () => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), "bka-mcp-root-")));
  outside = mkdtempSync(join(tmpdir(), "bka-mcp-outside-"));
  mkdirSync(join(outside, "src"));
  writeFileSync(join(outside, "package.json"), '{ "name": "secret-project" }');
  writeFileSync(join(outside, "src", "index.js"), "module.exports = 1;\n");
  symlinkSync(outside, join(scratch, "escape"));
  writeFileSync(join(outside, "policy.yaml"), "policy: {}\n");

  const transport = new StdioClientTransport({ command: process.execPath, args: [bin, "mcp", "--root", examples, "--root", scratch], stderr: "pipe" });
  client = new Client({ name: "bka-test", version: "1.0.0" });
  await client.connect(transport);
});

after(async () => {
  await client?.close();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Record<string, unknown> };

async function call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

/** Structured content of a successful call (and the text content says the same). */
async function data<T = any>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = await call(name, args);
  assert.ok(!result.isError, `${name} failed: ${result.content[0]?.text}`);
  assert.deepEqual(JSON.parse(result.content[0].text!), result.structuredContent);
  return result.structuredContent as T;
}

async function refusal(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(name, args);
  assert.equal(result.isError, true, `${name} should have failed`);
  assert.equal(result.structuredContent, undefined);
  return result.content[0].text!;
}

test("the server lists its tools, each with an input and an output schema", async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), ["check", "design", "explain_query", "get_findings", "list_endpoints", "review"]);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, "object", tool.name);
    assert.ok("path" in (tool.inputSchema.properties ?? {}), `${tool.name} takes a project path`);
    assert.equal(tool.outputSchema?.type, "object", tool.name);
    assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
    assert.ok((tool.description ?? "").length > 40, tool.name);
  }
  const findings = tools.find((t) => t.name === "get_findings")!;
  assert.deepEqual(Object.keys(findings.inputSchema.properties!).sort(), ["area", "band", "limit", "path", "pathPrefix", "rule"]);
});

test("review: run confidence, counts and top findings of express-shop", async () => {
  const summary = await data("review", { path: shop });
  const expected = await review(join(examples, shop));
  assert.equal(summary.project, "express-shop");
  assert.equal(summary.root, join(examples, shop));
  assert.equal(summary.runConfidence.understanding, 100);
  assert.equal(summary.runConfidence.tooLittleUnderstood, false);
  assert.equal(summary.runConfidence.routesResolved, 18);
  assert.equal(summary.endpoints, 18);
  assert.equal(summary.counts.total, expected.findings.length);
  assert.equal(summary.topFindings.length, Math.min(10, expected.findings.length));
  assert.deepEqual(summary.topFindings.find((f: { ruleId: string }) => f.ruleId === "api/write-without-auth"), {
    ruleId: "api/write-without-auth",
    band: "act",
    confidence: 92,
    severity: "high",
    title: "Endpoint changes data without authentication",
    at: "src/routes/cart.routes.ts:59",
  });
  assert.ok(summary.counts.byArea.api.act >= 1);
  // The same project by absolute path is the same review.
  assert.deepEqual(await data("review", { path: join(examples, shop) }), summary);
});

test("list_endpoints: filters by method, path and auth state", async () => {
  const all = await data("list_endpoints", { path: shop });
  assert.equal(all.total, 18);
  const deletes = await data("list_endpoints", { path: shop, method: "DELETE" });
  assert.deepEqual(
    deletes.endpoints.map((e: { method: string; path: string; auth: string; at: string }) => `${e.method} ${e.path} ${e.auth} ${e.at}`).sort(),
    [
      "DELETE /api/admin/products/{id} required src/routes/admin.routes.ts:52",
      "DELETE /api/cart/items/{itemId} none src/routes/cart.routes.ts:59",
    ],
  );
  const cart = await data("list_endpoints", { path: shop, pathContains: "/api/cart", auth: "required" });
  assert.deepEqual(cart.endpoints.map((e: { method: string; path: string }) => `${e.method} ${e.path}`).sort(), [
    "GET /api/cart",
    "PATCH /api/cart/items/{itemId}",
    "POST /api/cart/items",
  ]);
  assert.ok(cart.endpoints.every((e: { handler?: string }) => /^src\/routes\/cart\.routes\.ts:\d+$/.test(e.handler ?? "")));
  const limited = await data("list_endpoints", { path: shop, limit: 2 });
  assert.equal(limited.total, 18);
  assert.equal(limited.endpoints.length, 2);
});

test("get_findings: evidence and fix, filtered by rule, band, area and path prefix", async () => {
  const auth = await data("get_findings", { path: shop, rule: "api/write-without-auth" });
  assert.equal(auth.total, 1);
  const finding = auth.findings[0];
  assert.equal(finding.at, "src/routes/cart.routes.ts:59");
  assert.equal(finding.area, "api");
  assert.deepEqual(finding.evidence[0], { kind: "code", at: "src/routes/cart.routes.ts:59", text: "router.delete(", label: "route registered without authentication" });
  assert.match(finding.fix, /requireAuth/);
  assert.ok(finding.options.length >= 2, "decide-style options are included");

  const decide = await data("get_findings", { path: shop, band: "decide" });
  assert.ok(decide.findings.length > 0 && decide.findings.every((f: { band: string }) => f.band === "decide"));
  assert.ok(decide.findings.some((f: { ruleId: string }) => f.ruleId === "observability/no-request-logging"));

  const routes = await data("get_findings", { path: shop, pathPrefix: "src/routes/", area: "api" });
  assert.ok(routes.findings.length > 0 && routes.findings.every((f: { at: string; area: string }) => f.at.startsWith("src/routes/") && f.area === "api"));
  const none = await data("get_findings", { path: shop, pathPrefix: "src/services/", rule: "api/write-without-auth" });
  assert.deepEqual(none, { total: 0, findings: [] });

  assert.match(await refusal("get_findings", { path: shop, pathPrefix: "../../" }), /^refused: pathPrefix \.\.\/\.\.\/ is outside the project /);
  assert.match(await refusal("get_findings", { path: shop, band: "maybe" }), /band/, "input is validated against the schema");
});

test("check: the policy verdict and the checklist", async () => {
  const verdict = await data("check", { path: shop });
  assert.equal(verdict.passed, false);
  assert.equal(verdict.exitCode, 1);
  assert.equal(verdict.config, undefined, "default policy");
  assert.deepEqual(verdict.sections.map((s: { section: string }) => s.section), ["security", "reliability", "performance", "scalability", "evidence"]);
  const failOn = verdict.sections[0].items[0];
  assert.equal(failOn.status, "fail");
  assert.ok(failOn.findings.some((f: { ruleId: string; at: string }) => f.ruleId === "api/write-without-auth" && f.at === "src/routes/cart.routes.ts:59"));
  const understanding = verdict.sections[4].items.find((i: { id: string }) => i.id === "evidence.minUnderstanding");
  assert.deepEqual(understanding, { id: "evidence.minUnderstanding", title: "bka understood at least 60/100 of the project", status: "pass", detail: "understanding 100/100", findings: [], problems: [] });
});

test("explain_query: a clear error when the project has no schema", async () => {
  mkdirSync(join(scratch, "schemaless", "src"), { recursive: true });
  writeFileSync(join(scratch, "schemaless", "package.json"), '{ "name": "schemaless", "dependencies": { "express": "4" } }');
  writeFileSync(join(scratch, "schemaless", "src", "app.js"), "const express = require('express');\nconst app = express();\napp.get('/ping', (req, res) => res.send('pong'));\n");
  const project = join(scratch, "schemaless");
  const message = await refusal("explain_query", { path: project, sql: "SELECT * FROM orders WHERE user_id = $1" });
  assert.match(message, /^no schema found in this project: /);
  assert.match(await refusal("explain_query", { path: project, sql: "" }), /sql/);
});

test("explain_query: a real PostgreSQL plan against the project's schema; one read or write statement only", async () => {
  const explained = await data("explain_query", { path: shop, sql: "SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20" });
  assert.match(explained.engine, /^PGlite \d+\.\d+\.\d+ \(PostgreSQL \d+\.\d+\)$/);
  assert.equal(explained.node, "Limit");
  assert.match(explained.plan, /Seq Scan on orders .*\n\s+Filter: \(user_id = \$1\)/);
  assert.ok(explained.totalCost > 0);
  const byKey = await data("explain_query", { path: shop, sql: "SELECT * FROM products WHERE id = $1" });
  assert.equal(byKey.node, "Index Scan using products_pkey on products");
  assert.equal(await refusal("explain_query", { path: shop, sql: "SELECT 1; DROP TABLE orders" }), "sql holds 2 statements: give exactly one");
  assert.equal(await refusal("explain_query", { path: shop, sql: "DROP TABLE orders" }), "only SELECT, INSERT, UPDATE and DELETE can be explained, not Drop");
});

test("design: requirements in, a schema and each access pattern's plan proven on PGlite out; bad files refused", async () => {
  const designed = await data("design", { path: "requirements/shop.yaml", rows: 2000 });
  assert.equal(typeof designed.service, "string");
  assert.match(designed.schemaSql, /CREATE TABLE/);
  assert.ok(designed.operations > 0);
  assert.match(designed.verification.engine, /^PGlite /);
  assert.ok(designed.verification.plans.length > 0);
  for (const plan of designed.verification.plans) assert.equal(plan.usesIndex, true, `${plan.pattern}: ${plan.node}`);
  for (const d of designed.decisions) assert.equal(d.band, d.confidence >= 90 ? "act" : d.confidence >= 70 ? "decide" : "ask");
  writeFileSync(join(scratch, "broken.yaml"), "service:\n  name: [unclosed\n");
  assert.match(await refusal("design", { path: join(scratch, "broken.yaml") }), /broken\.yaml:\d+:\d+/);
  assert.match(await refusal("design", { path: "/etc/hostname" }), /^refused: \/etc\/hostname is outside the roots/);
});

test("paths outside the roots are refused, directly, relatively and through a symlink", async () => {
  assert.match(await refusal("review", { path: "/etc" }), /^refused: \/etc is outside the roots this server may read: /);
  assert.match(await refusal("list_endpoints", { path: "../src" }), /^refused: \.\.\/src is outside the roots/);
  assert.match(await refusal("get_findings", { path: outside }), /^refused: .* is outside the roots/);
  assert.match(await refusal("review", { path: join(scratch, "escape") }), /^refused: .*escape leads outside the roots this server may read: .* through a symlink$/);
  assert.match(await refusal("check", { path: join(scratch, "escape") }), /through a symlink/);
  assert.match(await refusal("check", { path: shop, config: join(scratch, "escape", "policy.yaml") }), /through a symlink/);
  assert.match(await refusal("check", { path: shop, config: "/etc/hostname" }), /^refused: \/etc\/hostname is outside the roots/);
  assert.equal(await refusal("review", { path: "no-such-project" }), "no such folder: no-such-project");
  assert.equal(await refusal("review", { path: `${shop}/package.json` }), `not a folder: ${shop}/package.json`);
});

test("a second root is usable", async () => {
  mkdirSync(join(scratch, "tiny", "src"), { recursive: true });
  writeFileSync(join(scratch, "tiny", "package.json"), '{ "name": "tiny", "dependencies": { "express": "4" } }');
  writeFileSync(join(scratch, "tiny", "src", "app.js"), "const express = require('express');\nconst app = express();\napp.get('/ping', (req, res) => res.send('pong'));\napp.listen(3000);\n");
  const endpoints = await data("list_endpoints", { path: join(scratch, "tiny") });
  assert.deepEqual(endpoints.endpoints.map((e: { method: string; path: string; at: string }) => `${e.method} ${e.path} ${e.at}`), ["GET /ping src/app.js:3"]);
});

test("check refuses a project config that is a symlink leading outside the roots", async () => {
  const project = join(scratch, "linked-config");
  mkdirSync(join(project, "src"), { recursive: true });
  writeFileSync(join(project, "package.json"), '{ "name": "linked-config" }');
  writeFileSync(join(project, "src", "index.js"), "module.exports = 1;\n");
  symlinkSync(join(outside, "policy.yaml"), join(project, "bka.config.yaml"));
  assert.match(await refusal("check", { path: project }), /^refused: .*bka\.config\.yaml leads outside the roots .* through a symlink$/);
});
