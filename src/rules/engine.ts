// Runs every rule over the model once and returns findings in a stable order.
import { createHash } from "node:crypto";
import type { ArchitectureModel } from "../model/types.ts";
import { bandOf, SEVERITIES, type Finding } from "../model/finding.ts";
import type { Rule, RuleContext } from "./types.ts";
import type { SourceReader } from "../ingest/source-reader.ts";
import { compareText } from "../model/order.ts";

/**
 * A run that understood little of the project must not speak with full confidence:
 * at 100% understanding confidence is unchanged, at 0% it is scaled by 0.6.
 */
export function scaleByUnderstanding(confidence: number, understanding: number): number {
  const factor = 0.6 + 0.4 * Math.max(0, Math.min(100, understanding)) / 100;
  return Math.round(Math.max(0, Math.min(100, confidence * factor)));
}

export function runRules(model: ArchitectureModel, rules: readonly Rule[], source: SourceReader): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const ctx: RuleContext = {
      codeEvidence: (location, label) => source.evidence(location, label),
      report(draft) {
        const confidence = scaleByUnderstanding(draft.confidence, model.coverage.understanding);
        const location = draft.location ?? firstCodeLocation(draft.evidence);
        findings.push({
          ruleId: rule.meta.id,
          area: rule.meta.area,
          severity: draft.severity ?? rule.meta.severity,
          confidence,
          band: bandOf(confidence),
          title: draft.title ?? rule.meta.title,
          message: draft.message,
          ...(location ? { location } : {}),
          evidence: draft.evidence,
          references: draft.references ?? rule.meta.references,
          remediation: draft.remediation,
          ...(draft.question ? { question: draft.question } : {}),
          fingerprint: fingerprint(rule.meta.id, location?.file ?? "", draft.subject ?? draft.message),
          ...(draft.occurrences && draft.occurrences > 1 ? { occurrences: draft.occurrences } : {}),
        });
      },
    };
    rule.check(model, ctx);
  }
  return sortFindings(dedupe(findings));
}

function firstCodeLocation(evidence: Finding["evidence"]) {
  const code = evidence.find((e) => e.kind === "code");
  if (!code || code.kind !== "code") return undefined;
  return { file: code.file, line: code.line, column: code.column };
}

function fingerprint(ruleId: string, file: string, subject: string): string {
  return createHash("sha256").update(`${ruleId}\0${file}\0${subject}`).digest("hex").slice(0, 16);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.fingerprint}:${f.location?.line ?? 0}:${f.location?.column ?? 0}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sortFindings(findings: Finding[]): Finding[] {
  const sev = (f: Finding) => SEVERITIES.indexOf(f.severity);
  return findings.sort(
    (a, b) =>
      b.confidence - a.confidence ||
      sev(a) - sev(b) ||
      compareText(a.location?.file ?? "", b.location?.file ?? "") ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
      compareText(a.ruleId, b.ruleId) ||
      compareText(a.fingerprint, b.fingerprint),
  );
}
