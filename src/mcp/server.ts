// `bka mcp`: bka's review as tools for AI assistants, over stdio (Model Context Protocol, SDK v1).
// Every tool is read-only; every path argument must resolve inside the roots given at start; each
// project is reviewed once per server process (the `review` tool's `refresh` re-runs it).
import { isAbsolute, relative, resolve, sep } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ReviewResult } from "../index.ts";
import type { ArchitectureModel } from "../model/types.ts";
import { bandOf } from "../model/finding.ts";
import { ExplainError, explainQuery as explainOnPglite, type QueryPlan } from "../verify/explain.ts";
import { packageVersion } from "../emit/common.ts";
import { completeCheck, openapiLintFor, prepareCheck } from "../check/index.ts";
import { confine, realRoots, ToolError } from "./roots.ts";
import {
  checkOutput,
  checkSummary,
  endpointFilters,
  endpointsOutput,
  findingFilters,
  findingsOutput,
  getFindings,
  listEndpoints,
  reviewOutput,
  reviewSummary,
} from "./summaries.ts";

/** A query plan from a real Postgres engine. */
export type { QueryPlan };

/** Explains `sql` against the project's schema (src/verify/explain.ts); replaceable in tests. */
export type QueryExplainer = (model: ArchitectureModel, sql: string) => Promise<QueryPlan>;

export interface BkaServerOptions {
  roots: readonly string[];
  /** Runs the pipeline; replaceable in tests. */
  review?: (path: string) => Promise<ReviewResult>;
  explainQuery?: QueryExplainer;
}

export const TOOL_NAMES = ["check", "design", "explain_query", "get_findings", "list_endpoints", "review"] as const;

const projectPath = z
  .string()
  .optional()
  .describe("project folder: absolute, or relative to the first root; default the first root. Must be inside a root.");

const explainOutput = {
  engine: z.string(),
  sql: z.string(),
  node: z.string(),
  totalCost: z.number(),
  rows: z.number().optional(),
  plan: z.string(),
};

const designOutput = {
  service: z.string(),
  schemaSql: z.string(),
  operations: z.number(),
  decisions: z.array(z.object({ id: z.string(), title: z.string(), confidence: z.number(), band: z.string(), recommendation: z.string() })),
  questions: z.array(z.object({ id: z.string(), title: z.string(), confidence: z.number() })),
  verification: z
    .object({
      engine: z.string(),
      rows: z.record(z.string(), z.number()),
      plans: z.array(z.object({ pattern: z.string(), node: z.string(), index: z.string().optional(), totalCost: z.number(), usesIndex: z.boolean() })),
    })
    .optional(),
};

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

export function createBkaServer(options: BkaServerOptions): McpServer {
  const roots = realRoots(options.roots.length ? options.roots : ["."]);
  const runReview = options.review ?? defaultReview;
  const explainQuery = options.explainQuery ?? ((model: ArchitectureModel, sql: string) => explainOnPglite(model, sql));
  const reviews = new Map<string, Promise<ReviewResult>>();

  /** The cached review of a confined project folder (one per folder per process). */
  async function reviewed(path: string | undefined, refresh = false): Promise<{ root: string; result: ReviewResult }> {
    const root = confine(path, roots, "folder");
    let pending = refresh ? undefined : reviews.get(root);
    if (!pending) {
      pending = runReview(root);
      reviews.set(root, pending);
      pending.catch(() => reviews.delete(root)); // a failed review is not cached
    }
    return { root, result: await pending };
  }

  const server = new McpServer({ name: "bka", version: packageVersion() });

  server.registerTool(
    "review",
    {
      description:
        "Review a backend project: run confidence (how much bka understood), counts per area and confidence band, " +
        "and the top 10 findings with file:line. Call this first.",
      inputSchema: { path: projectPath, refresh: z.boolean().default(false).describe("re-run the review instead of using the cached one") },
      outputSchema: reviewOutput,
      annotations: READ_ONLY,
    },
    (args) => respond(async () => {
      const { root, result } = await reviewed(args.path, args.refresh);
      return reviewSummary(root, result.model, result.findings);
    }),
  );

  server.registerTool(
    "list_endpoints",
    {
      description: "List the project's HTTP endpoints: method, full path, authentication state, validation, middleware and handler location.",
      inputSchema: { path: projectPath, ...endpointFilters },
      outputSchema: endpointsOutput,
      annotations: READ_ONLY,
    },
    ({ path, ...filters }) => respond(async () => listEndpoints((await reviewed(path)).result.model, filters)),
  );

  server.registerTool(
    "get_findings",
    {
      description:
        "Findings with their evidence (source lines as file:line), fix, options and trade-offs (decide band) or question (ask band). " +
        "Filter by area, band, rule or file path prefix.",
      inputSchema: { path: projectPath, ...findingFilters },
      outputSchema: findingsOutput,
      annotations: READ_ONLY,
    },
    ({ path, pathPrefix, ...filters }) => respond(async () => {
      const { root, result } = await reviewed(path);
      const prefix = pathPrefix === undefined ? undefined : projectRelative(root, pathPrefix);
      return getFindings(result.findings, { ...filters, ...(prefix !== undefined ? { pathPrefix: prefix } : {}) });
    }),
  );

  server.registerTool(
    "check",
    {
      description:
        "Check the project against its policy (bka.config.yaml or .json, its baseline and inline bka-ignore suppressions): " +
        "the pass/fail checklist per area with the findings behind each failed line. Read-only: never writes a baseline.",
      inputSchema: { path: projectPath, config: z.string().optional().describe("policy file instead of the project's bka.config.yaml; must be inside a root") },
      outputSchema: checkOutput,
      annotations: READ_ONLY,
    },
    (args) => respond(async () => {
      const root = confine(args.path, roots, "folder");
      const configPath = args.config === undefined ? undefined : confine(args.config, roots, "file");
      const guardRead = (file: string) => void confine(file, roots, "file");
      const prepared = prepareCheck({ projectDir: root, ...(configPath ? { configPath } : {}), guardRead });
      const { result } = await reviewed(root);
      return checkSummary(completeCheck(prepared, result.model, result.findings, await openapiLintFor(prepared, result.model)));
    }),
  );

  server.registerTool(
    "explain_query",
    {
      description:
        "EXPLAIN a SQL query on an embedded PostgreSQL (PGlite) loaded with the project's schema: the plan node, cost and rows. " +
        "Needs a schema bka found in the project (SQL migrations, Prisma, TypeORM, Drizzle, Sequelize, Knex).",
      inputSchema: { path: projectPath, sql: z.string().min(1).describe("one SQL statement; $1-style parameters are allowed") },
      outputSchema: explainOutput,
      annotations: READ_ONLY,
    },
    ({ path, sql }) => respond(async () => {
      const { model } = (await reviewed(path)).result;
      if (model.entities.length === 0) {
        throw new ToolError(
          "no schema found in this project: bka found no tables (from SQL migrations, Prisma, TypeORM, Drizzle, Sequelize or Knex), " +
            "so there is nothing to EXPLAIN the query against",
        );
      }
      try {
        return { sql, ...(await explainQuery(model, sql)) };
      } catch (error) {
        if (error instanceof ExplainError) throw new ToolError(error.message);
        throw error;
      }
    }),
  );

  server.registerTool(
    "design",
    {
      description:
        "Design a schema, indexes and an API from a requirements file (YAML; schema in docs/requirements.schema.json) and prove " +
        "each access pattern's index with EXPLAIN on the embedded PostgreSQL filled with synthetic rows. Read-only: writes no " +
        "files; returns the DDL, the plan per access pattern, decisions with their confidence band and open questions.",
      inputSchema: {
        path: z.string().describe("the requirements file (YAML), absolute or relative to the first root; must be inside a root"),
        rows: z.number().int().min(1).max(200_000).optional().describe("cap on synthetic rows per table for the proof (default 20000)"),
        verify: z.boolean().optional().describe("false: skip the proof on the embedded PostgreSQL (faster)"),
      },
      outputSchema: designOutput,
      annotations: READ_ONLY,
    },
    (args) => respond(async () => {
      const file = confine(args.path, roots, "file");
      const [{ loadRequirements }, { design, schemaSql }] = await Promise.all([import("../ingest/requirements/load.ts"), import("../design/index.ts")]);
      const requirements = loadRequirements(file);
      const result = await design(requirements, { ...(args.verify === false ? { verify: false } : {}), ...(args.rows ? { rows: args.rows } : {}) });
      const paths = (result.api.paths ?? {}) as Record<string, Record<string, unknown>>;
      return {
        service: requirements.service.name,
        schemaSql: schemaSql(result),
        operations: Object.values(paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== "parameters").length, 0),
        decisions: result.decisions.map((d) => ({ id: d.id, title: d.title, confidence: d.confidence, band: bandOf(d.confidence), recommendation: d.recommendation })),
        questions: result.questions.map((q) => ({ id: q.id, title: q.title, confidence: q.confidence })),
        ...(result.verification
          ? {
              verification: {
                engine: result.verification.engine,
                rows: result.verification.rows,
                plans: result.verification.plans.map((p) => ({ pattern: p.pattern, node: p.node, ...(p.index ? { index: p.index } : {}), totalCost: p.totalCost, usesIndex: Boolean(p.index) || !p.needsIndex })),
              },
            }
          : {}),
      };
    }),
  );

  return server;
}

/** Serves over stdin/stdout until the client closes the connection. */
export async function serveStdio(roots: readonly string[]): Promise<void> {
  // stdout carries the protocol: anything else printed there would corrupt it.
  console.log = console.error;
  console.info = console.error;
  const server = createBkaServer({ roots });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((done) => {
    transport.onclose = done;
    process.stdin.once("end", done);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}

async function defaultReview(path: string): Promise<ReviewResult> {
  const { review } = await import("../index.ts");
  return review(path);
}

/** A file prefix filter as a path relative to the project (absolute ones must be inside it). */
function projectRelative(root: string, prefix: string): string {
  const rel = relative(root, resolve(root, prefix)).split(sep).join("/");
  if (rel.startsWith("..") || isAbsolute(rel)) throw new ToolError(`refused: pathPrefix ${prefix} is outside the project ${root}`);
  return rel === "" ? "" : prefix.endsWith("/") ? `${rel}/` : rel;
}

/** Runs a tool body: its value becomes structured content (and text), its ToolError a clear error result. */
async function respond(body: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    const value = await body();
    return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
  } catch (error) {
    return { isError: true, content: [{ type: "text", text: errorMessage(error) }] };
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof ToolError) return error.message;
  // Bad input found by the pipeline (no readable sources, a malformed config) is the user's to fix.
  if (error instanceof Error && error.name === "BadInputError") return error.message;
  return `internal error in bka: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
}
