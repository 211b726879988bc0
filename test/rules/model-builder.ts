// A tiny builder for test models: every entity with realistic defaults, overridable per test,
// and `at()` to point a location at the real line of a fixture file that contains some text.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SourceReader } from "../../src/ingest/source-reader.ts";
import { runRules } from "../../src/rules/engine.ts";
import type { Rule } from "../../src/rules/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import type {
  ArchitectureModel,
  AuthInfo,
  DataAccess,
  Endpoint,
  Handler,
  MiddlewareRef,
  ObservabilityControl,
  OutboundCall,
  RequestInput,
  SecretCandidate,
  SecurityControl,
  Service,
  SourceLocation,
  TaintFlow,
} from "../../src/model/types.ts";

type Overrides<T> = Partial<T>;

export function emptyModel(overrides: Overrides<ArchitectureModel> = {}): ArchitectureModel {
  return {
    schemaVersion: 1,
    project: "fixture",
    services: [],
    endpoints: [],
    handlers: [],
    entities: [],
    dataAccesses: [],
    outboundCalls: [],
    securityControls: [],
    observabilityControls: [],
    secrets: [],
    schemas: {},
    coverage: {
      filesFound: 10,
      filesParsed: 10,
      bytesParsed: 10_000,
      linesParsed: 400,
      skipped: [],
      routeRegistrations: 4,
      routeRegistrationsResolved: 4,
      unresolved: [],
      handlersLocated: 4,
      handlersTotal: 4,
      understanding: 100,
      warnings: [],
    },
    ...overrides,
  };
}

/** A model with the given understanding (0..100). */
export function withUnderstanding(model: ArchitectureModel, understanding: number): ArchitectureModel {
  return { ...model, coverage: { ...model.coverage, understanding } };
}

export function loc(file: string, line: number, column = 1): SourceLocation {
  return { file, line, column };
}

/**
 * The location of the line of `file` (under `root`) that contains `text` — the first one, or the
 * n-th with `occurrence` — with the column of `token` on that line (default: of `text`). Throws
 * when the text is missing, so a fixture edit cannot silently point evidence at the wrong line.
 */
export function at(root: string, file: string, text: string, options: { occurrence?: number; token?: string } = {}): SourceLocation {
  const lines = readFileSync(join(root, file), "utf8").split(/\r?\n/);
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes(text) || ++seen !== (options.occurrence ?? 1)) continue;
    const column = lines[i].indexOf(options.token ?? text);
    if (column < 0) throw new Error(`${file}:${i + 1} has no ${JSON.stringify(options.token)}`);
    return { file, line: i + 1, column: column + 1 };
  }
  throw new Error(`${file} has no line containing ${JSON.stringify(text)} (occurrence ${options.occurrence ?? 1})`);
}

/** The trimmed text of a line, read independently of the engine's SourceReader. */
export function lineText(root: string, location: SourceLocation): string {
  return (readFileSync(join(root, location.file), "utf8").split(/\r?\n/)[location.line - 1] ?? "").trim();
}

export function service(overrides: Overrides<Service> = {}): Service {
  return { id: "api", root: ".", frameworks: ["express"], dependencies: ["express"], ...overrides };
}

export const noAuth: AuthInfo = { state: "none", mechanisms: [] };

export function requiredAuth(middleware: MiddlewareRef): AuthInfo {
  return { state: "required", mechanisms: ["custom"], enforcedAt: middleware.location, reason: `${middleware.name} runs before the handler` };
}

export function middleware(overrides: Overrides<MiddlewareRef> & Pick<MiddlewareRef, "name" | "location">): MiddlewareRef {
  return { kind: "other", scope: "route", ...overrides };
}

export function endpoint(overrides: Overrides<Endpoint> & Pick<Endpoint, "method" | "path" | "location">): Endpoint {
  const serviceId = overrides.serviceId ?? "api";
  return {
    id: `${serviceId} ${overrides.method} ${overrides.path}`,
    serviceId,
    framework: "express",
    pathParams: [...overrides.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
    middleware: [],
    auth: noAuth,
    validation: { validated: false, libraries: [] },
    request: {},
    responses: {},
    inputs: [],
    pathResolved: true,
    ...overrides,
  };
}

export function input(kind: RequestInput["kind"], path: string, location: SourceLocation): RequestInput {
  return { kind, path, location };
}

export function handler(overrides: Overrides<Handler> & Pick<Handler, "location">): Handler {
  const { file, line, column } = overrides.location;
  return { id: `${file}:${line}:${column}`, name: "(anonymous)", dataAccessIds: [], outboundCallIds: [], ...overrides };
}

export function dataAccess(overrides: Overrides<DataAccess> & Pick<DataAccess, "location">): DataAccess {
  const { file, line, column } = overrides.location;
  return {
    id: `${file}:${line}:${column}`,
    client: "pg",
    operation: "select",
    filterColumns: [],
    sortColumns: [],
    returnedColumns: [],
    interpolation: { kind: "none", flows: [] },
    parameterised: false,
    inLoop: false,
    ...overrides,
  };
}

export function flow(source: RequestInput, steps: SourceLocation[] = []): TaintFlow {
  return { source, steps };
}

export function outboundCall(overrides: Overrides<OutboundCall> & Pick<OutboundCall, "location">): OutboundCall {
  const { file, line, column } = overrides.location;
  return {
    id: `${file}:${line}:${column}`,
    client: "fetch",
    kind: "http",
    timeout: "none",
    retry: false,
    circuitBreaker: false,
    inLoop: false,
    urlFlows: [],
    ...overrides,
  };
}

export function secret(overrides: Overrides<SecretCandidate> & Pick<SecretCandidate, "location" | "context">): SecretCandidate {
  return {
    kind: "jwt-secret",
    preview: "abcd…(32)",
    length: 32,
    entropy: 4.0,
    likelyPlaceholder: false,
    envFallback: false,
    ...overrides,
  };
}

export function observability(overrides: Overrides<ObservabilityControl> & Pick<ObservabilityControl, "kind" | "library" | "location">): ObservabilityControl {
  return { serviceId: "api", ...overrides };
}

export function securityControl(overrides: Overrides<SecurityControl> & Pick<SecurityControl, "kind" | "library" | "location">): SecurityControl {
  return { serviceId: "api", options: {}, ...overrides };
}

// ---------------------------------------------------------------------------------------------
// Running a rule over a fixture

/** test/fixtures/rules/<rule>/<variant>, as an absolute path for reading. */
export function fixture(rule: string, variant: string): string {
  return fileURLToPath(new URL(`../fixtures/rules/${rule}/${variant}/`, import.meta.url));
}

/** Runs one rule through the real engine, and checks that every code evidence quotes its real line. */
export function runRule(rule: Rule, model: ArchitectureModel, root: string): Finding[] {
  const findings = runRules(model, [rule], new SourceReader(root));
  assertEvidenceIsReal(findings, root);
  return findings;
}

export function assertEvidenceIsReal(findings: Finding[], root: string): void {
  for (const finding of findings) {
    assert.ok(finding.evidence.length > 0, `${finding.ruleId} has no evidence`);
    for (const evidence of finding.evidence) {
      if (evidence.kind !== "code") continue;
      const expected = lineText(root, evidence);
      assert.ok(expected.length > 0, `${evidence.file}:${evidence.line} is blank or missing`);
      assert.equal(evidence.snippet, expected, `snippet of ${evidence.file}:${evidence.line}`);
    }
  }
}

/** "file:line" of every code evidence, in order: compact to compare in assertions. */
export function evidenceLines(finding: Finding): string[] {
  return finding.evidence.flatMap((e) => (e.kind === "code" ? [`${e.file}:${e.line}`] : []));
}
