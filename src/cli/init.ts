// `bka init --agent claude`: sets a project up for an AI assistant. Writes the backend-architect
// agent file and registers bka's MCP server in .mcp.json. It only ever adds: an existing agent
// file stays unless --force, other MCP servers are kept, and a malformed .mcp.json is reported
// (file:line:column) and left exactly as it is — nothing is written then.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { BadInputError } from "../ingest/workspace/types.ts";
import { locatedError, parseJsonLocated, parseYamlLocated } from "../check/locate.ts";
import { EXIT } from "./exit-codes.ts";
import type { Output } from "./main.ts";

export const AGENTS = ["claude"] as const;
export type Agent = (typeof AGENTS)[number];

export const AGENT_FILE = ".claude/agents/backend-architect.md";
export const MCP_FILE = ".mcp.json";
export const MCP_ENTRY = { command: "npx", args: ["bka", "mcp"] } as const;

const AGENT_TEMPLATE = new URL("./templates/backend-architect.md", import.meta.url);

interface InitOptions {
  agent: Agent;
  force?: boolean;
}

export function addInitCommand(program: Command, io: { stdout: Output }, setExitCode: (code: number) => void): void {
  program
    .command("init")
    .description("set a project up for an AI assistant: an agent file and the bka MCP server in .mcp.json")
    .argument("[dir]", "project folder", ".")
    .addOption(new Option("--agent <agent>", "which assistant to set up").choices(AGENTS).makeOptionMandatory())
    .option("--force", "replace an existing agent file and bka entry in .mcp.json (other servers are always kept)")
    .action((dir: string, options: InitOptions) => {
      io.stdout.write(initProject(dir, { force: options.force ?? false }).map((line) => `${line}\n`).join(""));
      setExitCode(EXIT.ok);
    });
}

type McpConfig = Record<string, unknown> & { mcpServers?: Record<string, unknown> };

/** Sets up `dir` and returns what was done, one sentence per file. */
export function initProject(dir: string, options: { force: boolean }): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BadInputError(`not a folder: ${dir}`, dir);
  const mcpPath = join(dir, MCP_FILE);
  // Read and validate everything before writing anything.
  const existing = existsSync(mcpPath) ? readMcpConfig(mcpPath) : undefined;
  return [writeAgentFile(join(dir, AGENT_FILE), options.force), registerServer(mcpPath, existing, options.force)];
}

function writeAgentFile(path: string, force: boolean): string {
  const existed = existsSync(path);
  if (existed && !force) return `kept ${AGENT_FILE} (it already exists; --force replaces it)`;
  mkdirSync(dirname(path), { recursive: true });
  writeText(path, readFileSync(AGENT_TEMPLATE, "utf8"));
  return `${existed ? "replaced" : "created"} ${AGENT_FILE}`;
}

function registerServer(path: string, existing: { config: McpConfig; indent: string } | undefined, force: boolean): string {
  const config: McpConfig = existing?.config ?? {};
  const servers = { ...(config.mcpServers ?? {}) };
  const others = Object.keys(servers).filter((name) => name !== "bka");
  const kept = others.length ? ` (kept ${others.length} other server${others.length === 1 ? "" : "s"}: ${others.join(", ")})` : "";
  if ("bka" in servers) {
    if (JSON.stringify(servers.bka) === JSON.stringify(MCP_ENTRY)) return `bka is already registered in ${MCP_FILE}`;
    if (!force) return `kept the existing bka entry in ${MCP_FILE} (it differs from ${JSON.stringify(MCP_ENTRY)}; --force replaces it)`;
  }
  servers.bka = { ...MCP_ENTRY, args: [...MCP_ENTRY.args] };
  writeText(path, `${JSON.stringify({ ...config, mcpServers: servers }, null, existing?.indent ?? 2)}\n`);
  return `${existing ? "registered the bka MCP server in" : "created"} ${MCP_FILE}${existing ? kept : " with the bka MCP server"}`;
}

function readMcpConfig(path: string): { config: McpConfig; indent: string } {
  const text = readFileSync(path, "utf8");
  const value = parseJsonLocated(path, text);
  const doc = parseYamlLocated(path, text);
  if (!isRecord(value)) {
    throw locatedError(path, [{ ...doc.positionOf([]), message: "expected a JSON object", hint: `${MCP_FILE} holds { "mcpServers": { ... } }` }]);
  }
  if (value.mcpServers !== undefined && !isRecord(value.mcpServers)) {
    throw locatedError(path, [{ ...doc.positionOf(["mcpServers"]), message: "mcpServers must be an object of servers by name" }]);
  }
  return { config: value as McpConfig, indent: /\n([ \t]+)"/.exec(text)?.[1] ?? "  " };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function writeText(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new BadInputError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
  }
}
