// Inline suppressions: `// bka-ignore security/sql-injection: input is an enum checked above`,
// on a finding's line or the line before it. The reason is required: a suppression without one
// does not suppress, and is reported itself, so every accepted risk says why it was accepted.
// Only the lines around findings are read (through the SourceReader), never whole projects.
import type { Finding } from "../model/finding.ts";
import type { SourceLocation } from "../model/types.ts";
import type { SourceReader } from "../ingest/source-reader.ts";
import { compareText } from "../emit/common.ts";

const DIRECTIVE = /(?:\/\/|\/\*+|^\s*\*)\s*bka-ignore(?=[\s:]|$)(.*)$/;

export interface Directive {
  location: SourceLocation;
  ruleIds: string[];
  reason: string;
}

export interface Suppressed {
  finding: Finding;
  directive: Directive;
}

export interface InvalidSuppression {
  location: SourceLocation;
  message: string;
}

export interface SuppressionOutcome {
  kept: Finding[];
  suppressed: Suppressed[];
  invalid: InvalidSuppression[];
}

/** Parses a `bka-ignore` comment on `text`, or undefined when the line has none. */
export function parseDirective(text: string, file: string, line: number): Directive | undefined {
  const match = DIRECTIVE.exec(text);
  if (!match) return undefined;
  const body = match[1].replace(/\*\/\s*$/, "");
  const colon = body.indexOf(":");
  const idsText = colon === -1 ? body : body.slice(0, colon);
  const reason = colon === -1 ? "" : body.slice(colon + 1).trim();
  const ruleIds = idsText.split(/[\s,]+/).filter(Boolean);
  const column = text.indexOf("bka-ignore") + 1;
  return { location: { file, line, column }, ruleIds, reason };
}

/** Applies the directives on each finding's line and the line before it. */
export function applySuppressions(findings: readonly Finding[], source: SourceReader): SuppressionOutcome {
  const outcome: SuppressionOutcome = { kept: [], suppressed: [], invalid: [] };
  const reported = new Set<string>();
  for (const finding of findings) {
    const directives = directivesFor(finding, source);
    const valid = directives.find((d) => d.reason !== "" && d.ruleIds.includes(finding.ruleId));
    if (valid) {
      outcome.suppressed.push({ finding, directive: valid });
      continue;
    }
    outcome.kept.push(finding);
    for (const directive of directives) {
      const problem = problemOf(directive, finding.ruleId);
      const key = `${directive.location.file}:${directive.location.line}`;
      if (problem && !reported.has(key)) {
        reported.add(key);
        outcome.invalid.push({ location: directive.location, message: problem });
      }
    }
  }
  outcome.invalid.sort((a, b) => compareText(a.location.file, b.location.file) || a.location.line - b.location.line);
  return outcome;
}

function directivesFor(finding: Finding, source: SourceReader): Directive[] {
  const location = finding.location;
  if (!location) return [];
  const directives: Directive[] = [];
  for (const line of [location.line, location.line - 1]) {
    if (line < 1) continue;
    const text = source.line(location.file, line);
    const directive = text === undefined ? undefined : parseDirective(text, location.file, line);
    if (directive) directives.push(directive);
  }
  return directives;
}

/** Why a directive next to a finding of `ruleId` did not suppress it (undefined: it is about other rules). */
function problemOf(directive: Directive, ruleId: string): string | undefined {
  if (directive.ruleIds.length === 0) {
    return `bka-ignore names no rule; write \`bka-ignore ${ruleId}: <why this is safe>\``;
  }
  if (!directive.ruleIds.includes(ruleId)) return undefined;
  return `bka-ignore ${directive.ruleIds.join(", ")} gives no reason, so it does not suppress ${ruleId}; add \`: <why this is safe>\``;
}
