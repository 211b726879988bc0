// `bka init --agent claude` in temp folders: creates, merges, and never overwrites silently.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT } from "../../src/cli/exit-codes.ts";
import { AGENT_FILE, MCP_ENTRY } from "../../src/cli/init.ts";
import { bka, tempDir } from "../check/helpers.ts";

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

test("init in an empty folder writes the agent file and .mcp.json", async () => {
  const dir = tempDir("bka-init-");
  const result = await bka("init", dir, "--agent", "claude");
  assert.equal(result.code, EXIT.ok, result.stderr);
  assert.equal(result.stdout, `created ${AGENT_FILE}\ncreated .mcp.json with the bka MCP server\n`);

  const agent = read(dir, AGENT_FILE);
  assert.match(agent, /^---\nname: backend-architect\ndescription: .+\ntools: .*mcp__bka__review.*\n---\n/);
  for (const tool of ["review", "list_endpoints", "get_findings", "check", "explain_query"]) assert.ok(agent.includes(`\`${tool}\``), tool);
  assert.match(agent, /act \(confidence ≥ 90\)/);
  assert.match(agent, /decide \(70–89\)/);
  assert.match(agent, /ask \(< 70\)/);
  assert.match(agent, /file:line/);

  assert.equal(read(dir, ".mcp.json"), '{\n  "mcpServers": {\n    "bka": {\n      "command": "npx",\n      "args": [\n        "bka",\n        "mcp"\n      ]\n    }\n  }\n}\n');
});

test("init keeps other MCP servers and other keys, and the file's indentation", async () => {
  const dir = tempDir("bka-init-");
  const existing = { mcpServers: { github: { command: "gh-mcp", args: [] }, postgres: { command: "pg-mcp", env: { URL: "x" } } }, note: "team settings" };
  writeFileSync(join(dir, ".mcp.json"), `${JSON.stringify(existing, null, 4)}\n`);
  const result = await bka("init", dir, "--agent", "claude");
  assert.equal(result.code, EXIT.ok, result.stderr);
  assert.match(result.stdout, /registered the bka MCP server in \.mcp\.json \(kept 2 other servers: github, postgres\)\n$/);
  const merged = JSON.parse(read(dir, ".mcp.json"));
  assert.deepEqual(merged, { ...existing, mcpServers: { ...existing.mcpServers, bka: MCP_ENTRY } });
  assert.match(read(dir, ".mcp.json"), /^\{\n {4}"mcpServers"/, "4-space indentation kept");

  const again = await bka("init", dir, "--agent", "claude");
  assert.equal(again.code, EXIT.ok);
  assert.equal(again.stdout, `kept ${AGENT_FILE} (it already exists; --force replaces it)\nbka is already registered in .mcp.json\n`);
});

test("an existing agent file and a customised bka entry are kept unless --force", async () => {
  const dir = tempDir("bka-init-");
  mkdirSync(join(dir, ".claude/agents"), { recursive: true });
  writeFileSync(join(dir, AGENT_FILE), "my own agent\n");
  const custom = { mcpServers: { bka: { command: "node", args: ["./node_modules/.bin/bka", "mcp", "--root", "services"] } } };
  writeFileSync(join(dir, ".mcp.json"), JSON.stringify(custom));

  const kept = await bka("init", dir, "--agent", "claude");
  assert.equal(kept.code, EXIT.ok);
  assert.match(kept.stdout, /^kept \.claude\/agents\/backend-architect\.md \(it already exists; --force replaces it\)\nkept the existing bka entry in \.mcp\.json/);
  assert.equal(read(dir, AGENT_FILE), "my own agent\n");
  assert.equal(read(dir, ".mcp.json"), JSON.stringify(custom), "untouched byte for byte");

  const forced = await bka("init", dir, "--agent", "claude", "--force");
  assert.equal(forced.code, EXIT.ok);
  assert.equal(forced.stdout, `replaced ${AGENT_FILE}\nregistered the bka MCP server in .mcp.json\n`);
  assert.match(read(dir, AGENT_FILE), /^---\nname: backend-architect/);
  assert.deepEqual(JSON.parse(read(dir, ".mcp.json")), { mcpServers: { bka: MCP_ENTRY } });
});

test("a malformed .mcp.json is reported at file:line:column and nothing is written", async () => {
  const dir = tempDir("bka-init-");
  const broken = '{\n  "mcpServers": {\n    "github": { "command": "gh-mcp" }\n    "other": {}\n  }\n}\n';
  writeFileSync(join(dir, ".mcp.json"), broken);
  const result = await bka("init", dir, "--agent", "claude");
  assert.equal(result.code, EXIT.badInput);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    `bka: ${join(dir, ".mcp.json")}:4:5: invalid JSON: Expected ',' or '}' after property value\n  hint: check for a missing or extra comma, quote or bracket here\n`,
  );
  assert.equal(read(dir, ".mcp.json"), broken);
  assert.ok(!existsSync(join(dir, AGENT_FILE)), "no agent file written either");

  writeFileSync(join(dir, ".mcp.json"), '{\n  "mcpServers": ["bka"]\n}\n');
  const wrongShape = await bka("init", dir, "--agent", "claude");
  assert.equal(wrongShape.code, EXIT.badInput);
  assert.equal(wrongShape.stderr, `bka: ${join(dir, ".mcp.json")}:2:17: mcpServers must be an object of servers by name\n`);
});

test("init needs --agent claude and an existing folder", async () => {
  const dir = tempDir("bka-init-");
  const missing = await bka("init", dir);
  assert.equal(missing.code, EXIT.badInput);
  assert.match(missing.stderr, /required option '--agent <agent>' not specified/);
  const other = await bka("init", dir, "--agent", "cursor");
  assert.equal(other.code, EXIT.badInput);
  assert.match(other.stderr, /Allowed choices are claude/);
  const noFolder = await bka("init", join(dir, "nope"), "--agent", "claude");
  assert.equal(noFolder.code, EXIT.badInput);
  assert.equal(noFolder.stderr, `bka: not a folder: ${join(dir, "nope")}\n`);
});
