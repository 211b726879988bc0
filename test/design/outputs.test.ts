// `bka design --out DIR` writes every design document, byte-identical on a re-run, and its
// Mermaid files have the structure Mermaid's grammars need (no Mermaid parser is installed, so
// the structure is checked here: declared nodes, balanced blocks, arrows between known ids).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/main.ts";
import { EXIT } from "../../src/cli/exit-codes.ts";

function capture() {
  const stream = { text: "", write(chunk: string) { stream.text += chunk; return true; } };
  return stream;
}

function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name), "utf8");
  }
  return files;
}

async function designTwice(file: string): Promise<Record<string, string>[]> {
  const root = mkdtempSync(join(tmpdir(), "bka-outputs-"));
  try {
    const outputs = [];
    for (const name of ["a", "b"]) {
      const stderr = capture();
      const code = await run(["design", file, "--out", join(root, name), "--no-verify"], { stdout: capture(), stderr, env: {} });
      assert.equal(code, EXIT.ok, stderr.text);
      outputs.push(filesUnder(join(root, name)));
    }
    for (const text of Object.values(outputs[0])) assert.equal(text.includes(root), false, "no machine path in the output");
    return outputs;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** erDiagram: entity blocks open and close, relationship lines join declared entities. */
function checkEr(text: string): void {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "erDiagram");
  const entities = new Set<string>();
  let open = false;
  for (const line of lines.slice(1)) {
    const block = /^ {2}"(\w+)" \{$/.exec(line);
    if (block) { assert.equal(open, false, line); open = true; entities.add(block[1]); continue; }
    if (line === "  }") { assert.equal(open, true); open = false; continue; }
    if (open) { assert.match(line, /^ {4}[A-Za-z_][\w-]* [A-Za-z_][\w-]*( (PK|FK|UK)(, (PK|FK|UK))*)?( "[^"]*")?$/, line); continue; }
    const relation = /^ {2}"(\w+)" (\|\||\|o)--(o\{|o\|) "(\w+)" : "[^"]*"$/.exec(line);
    assert.ok(relation, `not an ER line: ${line}`);
    assert.ok(entities.has(relation[1]) && entities.has(relation[4]), line);
  }
  assert.equal(open, false);
}

/** flowchart: nodes declared once, subgraph/end balanced, every edge between declared ids. */
function checkFlowchart(text: string): { nodes: Set<string>; edges: [string, string][] } {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "flowchart LR");
  const nodes = new Set<string>();
  const edges: [string, string][] = [];
  let depth = 0;
  for (const line of lines.slice(1)) {
    const trimmed = line.trim();
    if (trimmed.startsWith("%%")) continue;
    if (/^subgraph \w+\["[^"]*"\]$/.test(trimmed)) { depth++; continue; }
    if (trimmed === "end") { depth--; assert.ok(depth >= 0); continue; }
    const edge = /^(\w+) (-->|-\.->)\|"[^"]*"\| (\w+)$/.exec(trimmed);
    if (edge) { edges.push([edge[1], edge[3]]); continue; }
    const node = /^(\w+)(\(\["[^"]*"\]\)|\["[^"]*"\]|\[\("[^"]*"\)\]|\{\{"[^"]*"\}\})$/.exec(trimmed);
    assert.ok(node, `not a flowchart line: ${line}`);
    assert.equal(nodes.has(node[1]), false, `declared twice: ${node[1]}`);
    nodes.add(node[1]);
  }
  assert.equal(depth, 0);
  for (const [from, to] of edges) assert.ok(nodes.has(from) && nodes.has(to), `${from} → ${to}`);
  return { nodes, edges };
}

/** sequenceDiagram: participants declared first, messages between them, alt/else/end balanced. */
function checkSequence(text: string): void {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "sequenceDiagram");
  const participants = new Set<string>();
  let depth = 0;
  for (const line of lines.slice(1)) {
    const trimmed = line.trim();
    const declared = /^(actor|participant) (\w+) as [^;#]+$/.exec(trimmed);
    if (declared) { participants.add(declared[2]); continue; }
    if (trimmed === "autonumber") continue;
    if (trimmed.startsWith("alt ")) { depth++; continue; }
    if (trimmed.startsWith("else ")) { assert.ok(depth > 0); continue; }
    if (trimmed === "end") { depth--; continue; }
    const message = /^(\w+)(->>|-->>)(\w+): [^;#]+$/.exec(trimmed);
    assert.ok(message, `not a sequence line: ${line}`);
    assert.ok(participants.has(message[1]) && participants.has(message[3]), line);
  }
  assert.equal(depth, 0);
}

describe("bka design outputs", () => {
  it("writes every document for the ledger, identically on a second run, with plausible Mermaid", async () => {
    const [first, second] = await designTwice("test/fixtures/design/ledger.yaml");
    assert.deepEqual(Object.keys(first).sort(), [
      "CAPACITY.md", "IMPLEMENTATION.md", "RELIABILITY.md", "SECURITY.md",
      "adr/0001-dependencies-off-request-path.md", "adr/0002-partition-ledger-entries.md", "adr/0003-primary-keys.md", "adr/0004-read-replicas.md",
      "architecture.mmd", "design.md", "er.mmd", "openapi.yaml", "questions.md", "schema.sql",
    ]);
    assert.deepEqual(second, first);

    for (const linked of ["schema.sql", "openapi.yaml", "er.mmd", "architecture.mmd", "SECURITY.md", "CAPACITY.md", "RELIABILITY.md", "IMPLEMENTATION.md", "questions.md", "adr/0001-dependencies-off-request-path.md"]) {
      assert.ok(first["design.md"].includes(`](${linked})`), `design.md links ${linked}`);
    }
    assert.match(first["design.md"], /## Verification\n\nNot run \(--no-verify\)\./);
    assert.match(first["design.md"], /Availability 99\.8401% with 3 instances \(objective 99\.84%: met\); off the request path: notifier/);
    assert.match(first["CAPACITY.md"], /pool per instance \(3 instances, from RELIABILITY\.md\): ⌈total ÷ instances⌉ = ⌈29 ÷ 3⌉ = \*\*10 connections\*\*/);
    assert.match(first["RELIABILITY.md"], /\| bank_gateway \| 50 \| 99\.9 \| request \| 187 \| 75 \| 1 \(20\) \| 170 \| 199 \|/);

    checkEr(first["er.mmd"]);
    assert.match(first["er.mmd"], /\n {2}"accounts" \|\|--o\{ "ledger_entries" : "account_id"\n/);
    const { edges } = checkFlowchart(first["architecture.mmd"]);
    assert.deepEqual(edges, [
      ["actor_customer", "api"], ["actor_auditor", "api"], ["api", "db"], ["api", "idp"],
      ["api", "dep_bank_gateway"], ["api", "dep_fraud_check"], ["worker", "db"], ["worker", "dep_notifier"],
    ]);
    const sequence = /```mermaid\n([\s\S]*?)```/.exec(first["SECURITY.md"]);
    assert.ok(sequence);
    checkSequence(sequence[1]);
    for (const doc of ["SECURITY.md", "CAPACITY.md", "RELIABILITY.md", "IMPLEMENTATION.md"]) assert.match(first[doc], /^# ledger: /);
  });

  it("draws the shop's cache in the container view", async () => {
    const [first] = await designTwice("examples/requirements/shop.yaml");
    const { nodes } = checkFlowchart(first["architecture.mmd"]);
    assert.deepEqual([...nodes].sort(), ["actor_customer", "actor_staff", "actor_visitor", "api", "cache", "db", "dep_email", "dep_payments", "idp", "worker"]);
    assert.match(first["architecture.mmd"], /\n {2}api -->\|"cache-aside, TTL ≤ 300 s"\| cache\n/);
    checkEr(first["er.mmd"]);
  });
});
