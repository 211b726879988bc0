import { test } from "node:test";
import assert from "node:assert/strict";
import { toMarkdown } from "../../src/emit/markdown.ts";
import { TOO_LITTLE_UNDERSTOOD } from "../../src/emit/common.ts";
import { poorlyUnderstoodModel, sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

const report = toMarkdown(sampleModel(), sampleFindings());

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}`);
  assert.notEqual(start, -1, `missing ${heading}`);
  const next = text.indexOf("\n## ", start + heading.length + 1);
  return text.slice(start + 1, next === -1 ? undefined : next);
}

test("run confidence comes first, before counts, endpoints and findings", () => {
  const order = ["# bka review: conduit-monorepo", "## Run confidence", "## Summary", "## Endpoints (14)", "## Findings", "## Skipped files (23)"];
  const positions = order.map((heading) => report.indexOf(heading));
  assert.ok(positions.every((p) => p >= 0), String(positions));
  assert.deepEqual([...positions].sort((a, b) => a - b), positions);
  assert.match(
    section(report, "## Run confidence"),
    /\*\*Understanding: 82\/100\.\*\* 41 of 64 files parsed \(23 skipped\) · 14 of 15 route registrations resolved \(1 not\) · 11 of 14 handlers located\./,
  );
  assert.match(report, /- `apps\/api\/src\/app\.ts:41` `app\.use\(config\.reportsPrefix, reportsRouter\)`: prefix comes from runtime configuration/);
});

test("a well-understood run does not carry the warning", () => {
  assert.equal(report.includes(TOO_LITTLE_UNDERSTOOD), false);
});

test("a poorly understood run says so at the top and lists its warnings", () => {
  const text = toMarkdown(poorlyUnderstoodModel(), sampleFindings());
  const confidence = section(text, "## Run confidence");
  assert.match(confidence, /> \*\*bka understood too little of this project to give a clean bill of health\.\*\*/);
  assert.match(confidence, /- 9 of 15 route registrations could not be resolved\n- no handlers found for 8 routes/);
});

test("warnings at high understanding qualify an empty report without calling the run too little", () => {
  const model = sampleModel();
  model.coverage.warnings = ["1 of 14 route(s) have a path bka could not fully resolve"];
  const text = toMarkdown(model, []);
  assert.equal(text.includes(TOO_LITTLE_UNDERSTOOD), false);
  assert.equal(text.includes("No findings:"), false);
  assert.match(section(text, "## Findings"), /No findings in the parts bka understood/);
});

test("no findings reads as no findings only when the run understood enough", () => {
  assert.match(section(toMarkdown(sampleModel(), []), "## Findings"), /No findings: none of bka's rules matched/);
  const poor = section(toMarkdown(poorlyUnderstoodModel(), []), "## Findings");
  assert.match(poor, /too little of this project to give a clean bill of health\*\*, so no findings does not mean no issues/);
  assert.equal(poor.includes("No findings:"), false);
});

test("counts are tabled per area and band", () => {
  const summary = section(report, "## Summary");
  assert.match(summary, /7 findings: 2 act · 3 decide · 2 ask\./);
  assert.match(summary, /\| security \| 1 \| 0 \| 1 \| 2 \|/);
  assert.match(summary, /\| observability \| 0 \| 0 \| 1 \| 1 \|/);
  assert.match(summary, /\| \*\*Total\*\* \| 2 \| 3 \| 2 \| 7 \|/);
});

test("the endpoint inventory is sorted by path then method and shows auth, validation and handler", () => {
  const rows = section(report, "## Endpoints").split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Service"));
  assert.equal(rows.length, 14);
  assert.equal(rows[0], "| conduit-api | GET | `/api/articles` | none | zod | `apps/api/src/routes/articles.ts:20` |");
  assert.equal(rows[1], "| conduit-api | POST | `/api/articles` | required (passport:jwt) | zod | `apps/api/src/routes/articles.ts:40` |");
  assert.deepEqual(rows.slice(2, 5).map((r) => r.split(" | ")[1]), ["GET", "PUT", "DELETE"]);
  assert.ok(rows.includes("| conduit-api | GET | `/api/profiles/{username}` | unknown | no | not located |"));
  assert.equal(rows[13], "| conduit-api | GET | `/{?}/reports` | unknown | no | not located |");
});

test("findings are grouped by band: act, then decide, then ask", () => {
  const findings = section(report, "## Findings");
  const act = findings.indexOf("### Act — confidence ≥ 90 (2)");
  const decide = findings.indexOf("### Decide — confidence 70–89 (3)");
  const ask = findings.indexOf("### Ask — confidence < 70 (2)");
  assert.ok(act >= 0 && act < decide && decide < ask, `${act} ${decide} ${ask}`);
  const sql = findings.indexOf("#### 1. SQL built from request input");
  const index = findings.indexOf("Filter on articles.tag has no index");
  const login = findings.indexOf("Login without rate limiting");
  assert.ok(act < sql && sql < decide && decide < index && index < ask && ask < login);
  assert.match(findings, /\*\*critical\*\* · confidence 96 · `security\/sql-injection` · security · `apps\/api\/src\/routes\/articles\.ts:31`/);
});

test("each evidence kind is rendered", () => {
  const findings = section(report, "## Findings");
  assert.ok(
    findings.includes(
      "- `apps/api/src/routes/articles.ts:24` — request input enters here\n\n  ```ts\n  const tag = req.query.tag;\n  ```",
    ),
  );
  assert.ok(findings.includes("- Query plan on PGlite 0.5.16 (PostgreSQL 18.6): Seq Scan (cost 4167) → Index Scan (cost 19.7) at 200000 rows"));
  assert.ok(findings.includes("  ```sql\n  SELECT * FROM articles WHERE tag = $1 ORDER BY created_at DESC LIMIT 20\n  ```"));
  assert.ok(findings.includes('- spectral `operation-description`: Operation "description" must be present and non-empty string. at `apps/api/src/routes/users.ts:45`'));
  assert.ok(findings.includes("- Measured: rate-limit middleware on authentication routes = 0 routes"));
});

test("remediation, fix, options with trade-offs and questions are shown", () => {
  const findings = section(report, "## Findings");
  assert.ok(findings.includes("**Remediation:** Pass the tag as a bound parameter instead of interpolating it."));
  assert.ok(findings.includes("**Fix:** Use $2 for the tag at `apps/api/src/routes/articles.ts:31`"));
  assert.ok(findings.includes("1. **Composite index (tag, created_at DESC)**\n   - Pros: serves filter and sort\n   - Cons: slower writes; more disk"));
  assert.ok(findings.includes("**Question:** Is login rate-limited by a gateway or WAF in front of conduit-api?"));
  assert.ok(findings.includes("[CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)"));
});

test("snippets containing backticks get a longer fence", () => {
  const findings = sampleFindings();
  const evidence = findings[0].evidence[0];
  assert.equal(evidence.kind, "code");
  if (evidence.kind === "code") evidence.snippet = "const md = '```';";
  assert.ok(toMarkdown(sampleModel(), findings).includes("  ````ts\n  const md = '```';\n  ````"));
});

test("skipped files list problems first and collapse after 20 with a count", () => {
  const skipped = section(report, "## Skipped files");
  assert.match(skipped, /^## Skipped files \(23\)\n\n1 syntax-error · 1 minified · 1 not-source · 19 build-output · 1 node_modules\./);
  const rows = skipped.split("\n").filter((l) => l.startsWith("| `"));
  assert.equal(rows.length, 20);
  assert.equal(rows[0], "| `apps/api/src/legacy/broken.js` | syntax-error | line 7:12: Unexpected token |");
  assert.ok(skipped.includes("…and 3 more skipped files (all of them are in model.json)."));
});

test("table cells escape pipes", () => {
  const model = sampleModel();
  model.endpoints[0].path = "/a|b";
  assert.ok(toMarkdown(model, []).includes("`/a\\|b`"));
});

test("the report ends with exactly one newline and is deterministic", () => {
  assert.ok(report.endsWith("\n") && !report.endsWith("\n\n"));
  assert.equal(report, toMarkdown(sampleModel(), sampleFindings()));
});

test("the Database section lists tables, index proofs with plan costs and measured migration locks", () => {
  const model = sampleModel();
  const at = (file: string, line: number) => ({ file, line, column: 1 });
  model.entities = [{ name: "orders", source: "sql", location: at("db/001.sql", 3), columns: [{ name: "id", type: "integer", nullable: false }, { name: "user_id", type: "integer", nullable: false }], primaryKey: ["id"], foreignKeys: [{ columns: ["user_id"], references: { entity: "users", columns: ["id"] } }], uniques: [], checks: [], indexes: [] }];
  model.dataAccesses = [{ id: "src/orders.ts:12:5", location: at("src/orders.ts", 12), client: "pg", operation: "select", entity: "orders", filterColumns: ["user_id"], sortColumns: [], returnedColumns: [], interpolation: { kind: "none", flows: [] }, parameterised: true, inLoop: false }];
  model.indexProofs = [{ dataAccessId: "src/orders.ts:12:5", query: "SELECT * FROM orders WHERE user_id = $1", table: "orders", columns: ["user_id"], indexSql: "CREATE INDEX ON orders (user_id)", before: { node: "Seq Scan on orders", cost: 4167.03 }, after: { node: "Index Scan using orders_user_id_idx on orders", cost: 19.74 }, rows: 200000, engine: "PGlite 0.5.16 (PostgreSQL 18.6)", pays: true }];
  model.migrations = [{ file: "db/002.sql", tool: "plain", statements: [{ location: at("db/002.sql", 1), sql: "ALTER TABLE orders ALTER COLUMN user_id TYPE bigint", actions: [], measured: { engine: "PGlite 0.5.16 (PostgreSQL 18.6)", locks: [{ table: "orders", mode: "AccessExclusiveLock" }], rewritten: ["orders"] } }] }];
  const database = section(toMarkdown(model, []), "## Database (1 table)");
  assert.match(database, /\n1 of 1 query in the code linked to a table\.\n/);
  assert.match(database, /\| `orders` \| sql \| 2 \| id \| 1 \| 0 \| 1 \| `db\/001\.sql:3` \|/);
  assert.match(database, /\| `src\/orders\.ts:12` \| `orders` \| 200,000 \| Seq Scan on orders 4167 \| Index Scan using orders_user_id_idx on orders 19\.7 \| 211× \| pays \|/);
  assert.match(database, /\| `db\/002\.sql:1` \| `ALTER TABLE orders ALTER COLUMN user_id TYPE bigint` \| orders: AccessExclusiveLock \| orders \|/);
});
