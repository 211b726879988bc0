// What the MCP tools return: compact, structured views of a review (locations as "file:line",
// no full model dumps) with the zod schemas the SDK validates them against. Pure functions.
import { z } from "zod";
import { AREAS, BANDS, SEVERITIES, type Evidence, type Finding } from "../model/finding.ts";
import type { ArchitectureModel, AuthState, Endpoint, HttpMethod, SourceLocation } from "../model/types.ts";
import { countByAreaAndBand, countByBand, fileLine, understoodTooLittle } from "../emit/common.ts";
import { SECTIONS, type CheckResult } from "../check/index.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ALL"] as const satisfies readonly HttpMethod[];
export const AUTH_STATES = ["required", "optional", "none", "unknown"] as const satisfies readonly AuthState[];
export const TOP_FINDINGS = 10;

const at = z.string().describe('"file:line", relative to the project root');
const bandCounts = z.object({ act: z.number(), decide: z.number(), ask: z.number() });
const band = z.enum(BANDS);

const findingBrief = z.object({
  ruleId: z.string(),
  band,
  confidence: z.number(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  at: at.optional(),
});

export const reviewOutput = {
  project: z.string(),
  root: z.string().describe("absolute path of the reviewed folder; finding locations are relative to it"),
  runConfidence: z.object({
    understanding: z.number().describe("0..100: how much of the project bka could follow"),
    tooLittleUnderstood: z.boolean().describe("true: an empty or short list of findings is not a clean bill of health"),
    filesParsed: z.number(),
    filesFound: z.number(),
    routesResolved: z.number(),
    routeRegistrations: z.number(),
    handlersLocated: z.number(),
    handlersTotal: z.number(),
    warnings: z.array(z.string()),
  }),
  endpoints: z.number(),
  counts: z.object({ total: z.number(), byBand: bandCounts, byArea: z.record(z.string(), bandCounts) }),
  topFindings: z.array(findingBrief),
};

export function reviewSummary(root: string, model: ArchitectureModel, findings: readonly Finding[]): z.infer<z.ZodObject<typeof reviewOutput>> {
  const c = model.coverage;
  const byArea = countByAreaAndBand(findings);
  return {
    project: model.project,
    root,
    runConfidence: {
      understanding: c.understanding,
      tooLittleUnderstood: understoodTooLittle(model),
      filesParsed: c.filesParsed,
      filesFound: c.filesFound,
      routesResolved: c.routeRegistrationsResolved,
      routeRegistrations: c.routeRegistrations,
      handlersLocated: c.handlersLocated,
      handlersTotal: c.handlersTotal,
      warnings: c.warnings,
    },
    endpoints: model.endpoints.length,
    counts: {
      total: findings.length,
      byBand: countByBand(findings),
      byArea: Object.fromEntries(AREAS.filter((a) => findings.some((f) => f.area === a)).map((a) => [a, byArea[a]])),
    },
    topFindings: findings.slice(0, TOP_FINDINGS).map(brief),
  };
}

function brief(f: Finding): z.infer<typeof findingBrief> {
  return { ruleId: f.ruleId, band: f.band, confidence: f.confidence, severity: f.severity, title: f.title, ...where(f.location) };
}

function where(location: SourceLocation | undefined): { at?: string } {
  return location ? { at: fileLine(location) } : {};
}

// --- list_endpoints -------------------------------------------------------------------------

export const endpointFilters = {
  method: z.enum(HTTP_METHODS).optional().describe("only this HTTP method"),
  pathContains: z.string().optional().describe("only paths containing this text, e.g. /orders"),
  auth: z.enum(AUTH_STATES).optional().describe("only endpoints in this authentication state"),
  limit: z.number().int().min(1).max(500).default(100),
};

const endpointView = z.object({
  method: z.enum(HTTP_METHODS),
  path: z.string(),
  auth: z.enum(AUTH_STATES),
  authMechanisms: z.array(z.string()),
  validated: z.boolean(),
  middleware: z.array(z.string()),
  at: at.describe("where the route is registered"),
  handler: at.optional().describe("where the handler function is"),
});

export const endpointsOutput = { total: z.number().describe("matches before the limit"), endpoints: z.array(endpointView) };

type EndpointFilters = { method?: HttpMethod; pathContains?: string; auth?: AuthState; limit: number };

export function listEndpoints(model: ArchitectureModel, filters: EndpointFilters): z.infer<z.ZodObject<typeof endpointsOutput>> {
  const handlers = new Map(model.handlers.map((h) => [h.id, h.location]));
  const matches = model.endpoints.filter(
    (e) =>
      (!filters.method || e.method === filters.method) &&
      (!filters.pathContains || e.path.includes(filters.pathContains)) &&
      (!filters.auth || e.auth.state === filters.auth),
  );
  return { total: matches.length, endpoints: matches.slice(0, filters.limit).map((e) => endpointOf(e, handlers)) };
}

function endpointOf(e: Endpoint, handlers: Map<string, SourceLocation>): z.infer<typeof endpointView> {
  const handler = e.handlerId ? handlers.get(e.handlerId) : undefined;
  return {
    method: e.method,
    path: e.path,
    auth: e.auth.state,
    authMechanisms: e.auth.mechanisms,
    validated: e.validation.validated,
    middleware: e.middleware.map((m) => `${m.name} (${m.kind})`),
    at: fileLine(e.location),
    ...(handler ? { handler: fileLine(handler) } : {}),
  };
}

// --- get_findings ---------------------------------------------------------------------------

export const findingFilters = {
  area: z.enum(AREAS).optional(),
  band: z.enum(BANDS).optional().describe("act (>= 90), decide (70-89) or ask (< 70)"),
  rule: z.string().optional().describe('a rule id, e.g. "security/sql-injection"'),
  pathPrefix: z.string().optional().describe("only findings in files under this path, relative to the project root"),
  limit: z.number().int().min(1).max(200).default(20),
};

const evidenceView = z.object({
  kind: z.enum(["code", "plan", "lint", "measure"]),
  at: at.optional(),
  text: z.string().describe("the source line, plan, lint message or measurement"),
  label: z.string().optional(),
});

const findingView = findingBrief.extend({
  area: z.enum(AREAS),
  message: z.string(),
  evidence: z.array(evidenceView),
  fix: z.string().describe("what to do (act band: the fix; decide band: pick among options)"),
  options: z.array(z.object({ title: z.string(), pros: z.array(z.string()), cons: z.array(z.string()) })).optional(),
  question: z.string().optional().describe("ask band: what must be answered to decide"),
  fingerprint: z.string(),
});

export const findingsOutput = { total: z.number().describe("matches before the limit"), findings: z.array(findingView) };

type FindingFilters = { area?: Finding["area"]; band?: Finding["band"]; rule?: string; pathPrefix?: string; limit: number };

export function getFindings(findings: readonly Finding[], filters: FindingFilters): z.infer<z.ZodObject<typeof findingsOutput>> {
  const matches = findings.filter(
    (f) =>
      (!filters.area || f.area === filters.area) &&
      (!filters.band || f.band === filters.band) &&
      (!filters.rule || f.ruleId === filters.rule) &&
      (filters.pathPrefix === undefined || (f.location?.file ?? "").startsWith(filters.pathPrefix)),
  );
  return { total: matches.length, findings: matches.slice(0, filters.limit).map(findingOf) };
}

function findingOf(f: Finding): z.infer<typeof findingView> {
  return {
    ...brief(f),
    area: f.area,
    message: f.message,
    evidence: f.evidence.map(evidenceOf),
    fix: f.remediation.summary,
    ...(f.remediation.options ? { options: f.remediation.options } : {}),
    ...(f.question ? { question: f.question } : {}),
    fingerprint: f.fingerprint,
  };
}

function evidenceOf(e: Evidence): z.infer<typeof evidenceView> {
  switch (e.kind) {
    case "code":
      return { kind: e.kind, at: fileLine(e), text: e.snippet, ...(e.label ? { label: e.label } : {}) };
    case "plan":
      return { kind: e.kind, text: `${e.query}: ${e.before.node} ${e.before.cost}${e.after ? ` → ${e.after.node} ${e.after.cost}` : ""} (${e.engine})` };
    case "lint":
      return { kind: e.kind, ...where(e.location), text: `${e.tool} ${e.rule}: ${e.message}` };
    case "measure":
      return { kind: e.kind, text: `${e.what}: ${e.value} ${e.unit}` };
  }
}

// --- check ----------------------------------------------------------------------------------

const checkItemView = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(["pass", "fail", "unchecked"]),
  detail: z.string().optional(),
  findings: z.array(z.object({ ruleId: z.string(), band, confidence: z.number(), title: z.string(), at: at.optional() })),
  problems: z.array(z.object({ message: z.string(), at: at.optional() })),
});

export const checkOutput = {
  passed: z.boolean(),
  exitCode: z.number().describe("what `bka check` would exit with: 0 passed, 1 failed"),
  config: z.string().optional().describe("the policy file; absent when the default policy applied"),
  baseline: z.object({ file: z.string(), exists: z.boolean(), entries: z.number(), stale: z.number() }),
  counts: z.object({ findings: z.number(), fresh: z.number(), baselined: z.number(), suppressed: z.number() }),
  sections: z.array(z.object({ section: z.enum(SECTIONS), items: z.array(checkItemView) })),
};

export function checkSummary(result: CheckResult): z.infer<z.ZodObject<typeof checkOutput>> {
  return {
    passed: result.passed,
    exitCode: result.passed ? 0 : 1,
    ...(result.config ? { config: result.config } : {}),
    baseline: { file: result.baseline.file, exists: result.baseline.exists, entries: result.baseline.entries, stale: result.baseline.stale },
    counts: result.counts,
    sections: result.sections.map(({ section, items }) => ({
      section,
      items: items.map((item) => ({
        id: item.id,
        title: item.title,
        status: item.status,
        ...(item.detail ? { detail: item.detail } : {}),
        findings: item.findings.map((f) => ({ ruleId: f.ruleId, band: f.band, confidence: f.confidence, title: f.title, ...where(f.location) })),
        problems: item.problems.map((p) => ({ message: p.message, ...where(p.location) })),
      })),
    })),
  };
}
