// Lints an OpenAPI document with Spectral's `spectral:oas` ruleset, in process and offline: the
// resolver has no readers, so a `$ref` to a file or URL is reported instead of fetched.
// Spectral is loaded on first use; most runs of bka never lint.

export type LintSeverity = "error" | "warn" | "info" | "hint";

export interface LintResult {
  /** The Spectral rule, e.g. "operation-operationId-unique". */
  code: string;
  message: string;
  /** Where in the document, as property names from the root: ["paths", "/api/users", "get"]. */
  path: string[];
  severity: LintSeverity;
}

export interface LintReport {
  errors: number;
  warnings: number;
  results: LintResult[];
}

/** Spectral's DiagnosticSeverity numbers, in order. */
const SEVERITIES: readonly LintSeverity[] = ["error", "warn", "info", "hint"];

type Linter = (doc: Record<string, unknown>) => Promise<LintResult[]>;
let linter: Promise<Linter> | undefined;

export async function lintOpenApi(doc: Record<string, unknown>): Promise<LintReport> {
  linter ??= loadLinter();
  const results = await (await linter)(doc);
  results.sort(
    (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || compare(a.path.join("\u0000"), b.path.join("\u0000")) || compare(a.code, b.code) || compare(a.message, b.message),
  );
  return {
    errors: results.filter((r) => r.severity === "error").length,
    warnings: results.filter((r) => r.severity === "warn").length,
    results,
  };
}

async function loadLinter(): Promise<Linter> {
  const [{ Spectral, Document }, { oas }, parsers, { Resolver }] = await Promise.all([
    import("@stoplight/spectral-core"),
    import("@stoplight/spectral-rulesets"),
    import("@stoplight/spectral-parsers"),
    import("@stoplight/spectral-ref-resolver"),
  ]);
  const spectral = new Spectral({ resolver: new Resolver() });
  spectral.setRuleset({ extends: [[oas as never, "recommended"]] });
  return async (doc) => {
    // Linted as JSON text so that a path in a message is the document's own structure.
    const document = new Document(JSON.stringify(doc, null, 2), parsers.Json, "openapi.json");
    const diagnostics = await spectral.run(document);
    return diagnostics.map((d) => ({
      code: String(d.code),
      message: d.message,
      path: d.path.map(String),
      severity: SEVERITIES[d.severity] ?? "hint",
    }));
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
