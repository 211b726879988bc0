// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers). Paths stay relative to
// %SRCROOT% (the reviewed root) so the file is the same on every machine.
import type { ArchitectureModel, SourceLocation } from "../model/types.ts";
import type { CodeEvidence, Finding, Severity } from "../model/finding.ts";
import { SEVERITIES } from "../model/finding.ts";
import type { RuleMeta } from "../rules/types.ts";
import { ALL_RULES } from "../rules/index.ts";
import { compareText, packageManifest } from "./common.ts";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT = "%SRCROOT%";
export const FINGERPRINT_KEY = "bka/v1";

type Json = Record<string, unknown>;
type SarifLevel = "error" | "warning" | "note";

const LEVEL_BY_SEVERITY: Record<Severity, SarifLevel> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/** GitHub ranks security alerts by this 0–10 score (CVSS-like) in `properties["security-severity"]`. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

export function toSarif(
  findings: readonly Finding[],
  model: ArchitectureModel,
  toolVersion: string,
  rules: readonly RuleMeta[] = ALL_RULES.map((r) => r.meta),
): Json {
  const manifest = packageManifest();
  const ruleIds = [...new Set(findings.map((f) => f.ruleId))].sort(compareText);
  const metaById = new Map(rules.map((meta) => [meta.id, meta]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "bka",
            fullName: "Backend Architect",
            informationUri: manifest.homepage,
            version: toolVersion,
            rules: ruleIds.map((id) =>
              ruleDescriptor(id, metaById.get(id), findings.filter((f) => f.ruleId === id), manifest.homepage),
            ),
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { description: { text: "The reviewed project root (the path given to bka)." } },
        },
        results: findings.map((f) => result(f, ruleIds.indexOf(f.ruleId))),
        properties: { project: model.project, coverage: coverageSummary(model) },
      },
    ],
  };
}

/** The SARIF log as written to findings.sarif: 2-space JSON and a trailing newline. */
export function toSarifText(findings: readonly Finding[], model: ArchitectureModel, toolVersion: string): string {
  return `${JSON.stringify(toSarif(findings, model, toolVersion), null, 2)}\n`;
}

function ruleDescriptor(id: string, meta: RuleMeta | undefined, findings: Finding[], homepage: string): Json {
  // Rules without registered metadata (e.g. from a plugin) are described by their findings.
  const first = findings[0];
  const area = meta?.area ?? first.area;
  const severity = meta?.severity ?? mostSevere(findings);
  const references = meta?.references ?? first.references;
  const properties: Json = { tags: [area] };
  if (area === "security") properties["security-severity"] = SECURITY_SEVERITY[severity];
  return {
    id,
    shortDescription: { text: meta?.title ?? first.title },
    fullDescription: { text: meta?.rationale ?? first.title },
    helpUri: references[0]?.url ?? homepage,
    defaultConfiguration: { level: LEVEL_BY_SEVERITY[severity] },
    properties,
  };
}

function mostSevere(findings: Finding[]): Severity {
  return SEVERITIES[Math.min(...findings.map((f) => SEVERITIES.indexOf(f.severity)))];
}

function result(finding: Finding, ruleIndex: number): Json {
  const codeEvidence = finding.evidence.filter((e): e is CodeEvidence => e.kind === "code");
  const primary = finding.location;
  const primaryEvidence = primary ? codeEvidence.find((e) => sameLine(e, primary)) : undefined;
  const related = codeEvidence.filter((e) => e !== primaryEvidence);

  const sarifResult: Json = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL_BY_SEVERITY[finding.severity],
    message: { text: finding.message },
  };
  if (primary) sarifResult.locations = [{ physicalLocation: physicalLocation(primary, primaryEvidence?.snippet) }];
  if (related.length > 0) {
    sarifResult.relatedLocations = related.map((e, i) => ({
      id: i + 1,
      physicalLocation: physicalLocation(e, e.snippet),
      ...(e.label ? { message: { text: e.label } } : {}),
    }));
  }
  sarifResult.partialFingerprints = { [FINGERPRINT_KEY]: finding.fingerprint };
  sarifResult.rank = finding.confidence;
  sarifResult.properties = { confidence: finding.confidence, band: finding.band, area: finding.area, severity: finding.severity };
  return sarifResult;
}

function sameLine(a: SourceLocation, b: SourceLocation): boolean {
  return a.file === b.file && a.line === b.line;
}

function physicalLocation(location: SourceLocation, snippet: string | undefined): Json {
  const region: Json = { startLine: location.line, startColumn: location.column };
  if (location.endLine !== undefined) region.endLine = location.endLine;
  if (location.endColumn !== undefined) region.endColumn = location.endColumn;
  if (snippet) region.snippet = { text: snippet };
  return { artifactLocation: { uri: relativeUri(location.file), uriBaseId: SRCROOT }, region };
}

/** A relative URI reference: each path segment percent-encoded, slashes kept. */
function relativeUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function coverageSummary(model: ArchitectureModel): Json {
  const c = model.coverage;
  return {
    understanding: c.understanding,
    filesFound: c.filesFound,
    filesParsed: c.filesParsed,
    filesSkipped: c.skipped.length,
    routeRegistrations: c.routeRegistrations,
    routeRegistrationsResolved: c.routeRegistrationsResolved,
    handlersLocated: c.handlersLocated,
    handlersTotal: c.handlersTotal,
    warnings: c.warnings,
  };
}
