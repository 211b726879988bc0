// Lints an OpenAPI document with Spectral's `spectral:oas` ruleset and, on request, the OWASP API
// Security ruleset (`@stoplight/spectral-owasp-ruleset`), in process and offline: the resolver has
// no readers, so a `$ref` to a file or URL is reported instead of fetched. Spectral is loaded on
// first use; most runs of bka never lint. An operation may list intended exceptions in
// `x-bka-lint-exceptions: [{ rule, reason }]` (a public log-in has no token to require): those
// results are reported apart, with their reason, and do not count as errors.

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
  /** Results the document declares as intended, with the declared reason. */
  excepted: (LintResult & { reason: string })[];
  /** The rulesets that ran: "spectral:oas", "owasp". */
  rulesets: string[];
}

export interface LintOptions {
  /** Also run the OWASP API Security Top 10 (2023) ruleset; it must be installed. */
  owasp?: boolean;
}

/** The package and the version known to install and run on Node 20. */
export const OWASP_RULESET = { name: "@stoplight/spectral-owasp-ruleset", version: "2.0.1" } as const;

/** Spectral's DiagnosticSeverity numbers, in order. */
const SEVERITIES: readonly LintSeverity[] = ["error", "warn", "info", "hint"];

type Linter = (doc: Record<string, unknown>) => Promise<LintResult[]>;
const linters = new Map<string, Promise<Linter>>();

export async function lintOpenApi(doc: Record<string, unknown>, options: LintOptions = {}): Promise<LintReport> {
  const rulesets = ["spectral:oas", ...(options.owasp ? ["owasp"] : [])];
  const key = rulesets.join(",");
  if (!linters.has(key)) linters.set(key, loadLinter(!!options.owasp));
  const all = await (await linters.get(key)!)(doc);
  const excepted: LintReport["excepted"] = [];
  const results: LintResult[] = [];
  for (const result of all) {
    const reason = declaredException(doc, result);
    if (reason === undefined) results.push(result);
    else excepted.push({ ...result, reason });
  }
  results.sort(byPlace);
  excepted.sort(byPlace);
  return {
    errors: results.filter((r) => r.severity === "error").length,
    warnings: results.filter((r) => r.severity === "warn").length,
    results,
    excepted,
    rulesets,
  };
}

/** Whether the OWASP ruleset is installed (it is an optional peer of bka). */
export async function owaspRulesetInstalled(): Promise<boolean> {
  return import(OWASP_RULESET.name).then(() => true, () => false);
}

async function loadLinter(owasp: boolean): Promise<Linter> {
  const [{ Spectral, Document }, { oas }, parsers, { Resolver }, owaspRuleset] = await Promise.all([
    import("@stoplight/spectral-core"),
    import("@stoplight/spectral-rulesets"),
    import("@stoplight/spectral-parsers"),
    import("@stoplight/spectral-ref-resolver"),
    owasp ? loadOwasp() : undefined,
  ]);
  const spectral = new Spectral({ resolver: new Resolver() });
  const extensions: unknown[] = [[oas as never, "recommended"]];
  if (owaspRuleset) extensions.push([owaspRuleset, "recommended"]);
  spectral.setRuleset({ extends: extensions as never });
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

async function loadOwasp(): Promise<unknown> {
  try {
    const module = (await import(OWASP_RULESET.name)) as { default?: unknown };
    // The CommonJS build puts the ruleset on `default`, sometimes twice.
    const first = module.default ?? module;
    return (first as { default?: unknown }).default ?? first;
  } catch {
    throw new Error(`the OWASP ruleset is not installed: npm install --save-dev --save-exact ${OWASP_RULESET.name}@${OWASP_RULESET.version}`);
  }
}

/** The reason an operation gives for expecting this result, if it gives one. */
function declaredException(doc: Record<string, unknown>, result: LintResult): string | undefined {
  if (result.path[0] !== "paths" || result.path.length < 3) return undefined;
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>> | undefined;
  const exceptions = paths?.[result.path[1]]?.[result.path[2]]?.["x-bka-lint-exceptions"];
  if (!Array.isArray(exceptions)) return undefined;
  const match = (exceptions as { rule?: unknown; reason?: unknown }[]).find((e) => e.rule === result.code);
  return match ? String(match.reason ?? "") : undefined;
}

function byPlace(a: LintResult, b: LintResult): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || compare(a.path.join("\u0000"), b.path.join("\u0000")) || compare(a.code, b.code) || compare(a.message, b.message);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
