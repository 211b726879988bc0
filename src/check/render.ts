// The checklist as text: one block per area, one line per policy check, and under each failed
// line the findings or problems behind it, as file:line so terminals and editors link them.
import { createColors } from "picocolors";
import type { SourceLocation } from "../model/types.ts";
import type { CheckResult, CheckItem } from "./index.ts";

const STATUS_LABEL: Record<CheckItem["status"], string> = { pass: "pass", fail: "FAIL", unchecked: "n/a " };

export function renderCheck(result: CheckResult, options: { color: boolean }): string {
  const pc = createColors(options.color);
  const paint: Record<CheckItem["status"], (text: string) => string> = { pass: pc.green, fail: (t) => pc.bold(pc.red(t)), unchecked: pc.dim };
  const { counts, baseline } = result;
  const lines = [
    `${pc.bold("bka check")} · ${result.project}`,
    `Policy: ${result.config ?? "default (no bka.config.yaml or bka.config.json)"}`,
    `Baseline: ${baselineLine(result)}`,
    `Findings: ${counts.findings} (${counts.fresh} new, ${counts.baselined} in the baseline, ${counts.suppressed} suppressed inline)`,
  ];
  if (baseline.stale > 0) lines.push(pc.dim(`${baseline.stale} baseline entr${baseline.stale === 1 ? "y no longer matches" : "ies no longer match"} a finding (fixed?)`));
  for (const { section, items } of result.sections) {
    lines.push("", pc.bold(section));
    if (items.length === 0) lines.push(pc.dim("  (no policy for this area)"));
    for (const item of items) lines.push(...itemLines(item, paint[item.status], pc.dim));
  }
  const failed = result.sections.flatMap((s) => s.items).filter((i) => i.status === "fail").length;
  lines.push("", result.passed ? pc.green("Policy passed.") : pc.red(`Policy failed: ${failed} check${failed === 1 ? "" : "s"} failed.`));
  return `${lines.join("\n")}\n`;
}

function baselineLine(result: CheckResult): string {
  const { baseline } = result;
  if (baseline.written) return `wrote ${baseline.file} (${baseline.entries} finding${baseline.entries === 1 ? "" : "s"} accepted)`;
  if (!baseline.exists) return `none (${baseline.file} does not exist; create it with --write-baseline)`;
  return `${baseline.file} (${baseline.entries} accepted)`;
}

function itemLines(item: CheckItem, paint: (text: string) => string, dim: (text: string) => string): string[] {
  const detail = item.detail ? dim(` — ${item.detail}`) : "";
  const lines = [`  [${paint(STATUS_LABEL[item.status])}] ${item.title}${dim(` (${item.id})`)}${detail}`];
  for (const f of item.findings) {
    lines.push(`         ${where(f.location)}  ${f.ruleId}  ${f.band} ${f.confidence}  ${f.title}`);
  }
  for (const p of item.problems) lines.push(`         ${p.location ? `${where(p.location)}  ` : ""}${p.message}`);
  return lines;
}

function where(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}` : "(project-wide)";
}
