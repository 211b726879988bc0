// The rule contract: `meta` first (what it finds, why, a bad and a good example), then `check`,
// a pure function of the Architecture Model. Rules never see an AST.
import type { ArchitectureModel, SourceLocation } from "../model/types.ts";
import type { Area, CodeEvidence, Evidence, Finding, Fix, Option, Reference, Severity } from "../model/finding.ts";

export interface RuleMeta {
  id: string; // "security/sql-injection"
  area: Area;
  severity: Severity; // default severity
  title: string;
  /** One paragraph: what it finds and why it matters. */
  rationale: string;
  examples: { bad: string; good: string };
  references: Reference[];
}

/** What a rule hands to `ctx.report`; the engine fills in band, fingerprint and area. */
export interface FindingDraft {
  confidence: number;
  severity?: Severity;
  title?: string;
  message: string;
  location?: SourceLocation;
  evidence: Evidence[];
  remediation: { summary: string; options?: Option[]; fix?: Fix };
  question?: string;
  /** What the finding is about, for a stable fingerprint (e.g. "GET /users/{id}"). */
  subject?: string;
  references?: Reference[];
  /** Instances this one finding stands for, when a rule groups a shared cause (default one). */
  occurrences?: number;
}

export interface RuleContext {
  /** Code evidence for a location: reads the real source line so the snippet is always true. */
  codeEvidence(location: SourceLocation, label?: string): CodeEvidence;
  report(draft: FindingDraft): void;
}

export interface Rule {
  meta: RuleMeta;
  check(model: ArchitectureModel, ctx: RuleContext): void;
}

export type { Finding };
