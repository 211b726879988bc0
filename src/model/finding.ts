// Findings: what rules say about the model, each with evidence and a measured confidence.
import type { SourceLocation } from "./types.ts";

export type Area = "api" | "database" | "security" | "reliability" | "performance" | "observability";
export const AREAS: readonly Area[] = ["api", "database", "security", "reliability", "performance", "observability"];

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export type Band = "act" | "decide" | "ask";
export const BANDS: readonly Band[] = ["act", "decide", "ask"];

/** The confidence protocol: the same three bands everywhere. */
export function bandOf(confidence: number): Band {
  if (confidence >= 90) return "act";
  if (confidence >= 70) return "decide";
  return "ask";
}

export interface CodeEvidence extends SourceLocation {
  kind: "code";
  /** The source line(s) at `line`, trimmed. Tests assert the file really contains it there. */
  snippet: string;
  /** What this line shows ("request input enters here", "query text built here"). */
  label?: string;
}

export interface PlanEvidence {
  kind: "plan";
  query: string;
  before: { node: string; cost: number };
  after?: { node: string; cost: number };
  rows?: number;
  engine: string; // "PGlite 0.5.16 (PostgreSQL 18.6)"
}

export interface LintEvidence {
  kind: "lint";
  tool: string;
  rule: string;
  message: string;
  location?: SourceLocation;
}

export interface MeasureEvidence {
  kind: "measure";
  what: string;
  value: number;
  unit: string;
}

export type Evidence = CodeEvidence | PlanEvidence | LintEvidence | MeasureEvidence;

export interface Reference {
  title: string;
  url: string;
  /** "CWE-89", "ASVS 5.0 V1.2.4", "OWASP API2:2023" */
  id?: string;
}

export interface Option {
  title: string;
  pros: string[];
  cons: string[];
}

export interface Fix {
  description: string;
  location?: SourceLocation;
  /** Replacement text or a code sketch to apply at `location`. */
  replacement?: string;
}

export interface Finding {
  ruleId: string;
  area: Area;
  severity: Severity;
  confidence: number; // 0..100
  band: Band; // derived from confidence by bandOf(); stored for consumers of the JSON
  title: string;
  message: string;
  /** Primary location: where an editor or code scanning should point. */
  location?: SourceLocation;
  evidence: Evidence[];
  references: Reference[];
  remediation: { summary: string; options?: Option[]; fix?: Fix };
  question?: string;
  /** Stable identity for baselines and dedupe: ruleId + location + subject. */
  fingerprint: string;
  /**
   * How many instances one finding stands for when a rule reports a shared cause once (15 foreign
   * keys that no migration indexes); absent means one. Policy limits count instances, not findings.
   */
  occurrences?: number;
}
