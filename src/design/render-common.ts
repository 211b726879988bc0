// Markdown pieces the design documents share.
import { showFigure, type Assumption, type Figure } from "./plan.ts";

/** A GitHub-flavoured table; `|` inside a cell is escaped. */
export function markdownTable(header: string[], rows: string[][]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [`| ${header.map(cell).join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

export function assumptionsTable(assumptions: readonly Assumption[]): string {
  return markdownTable(["assumption", "value", "why"], assumptions.map((a) => [a.name, a.value, a.why]));
}

/** "- label: formula = arithmetic = **value unit**" */
export function figureLine(label: string, f: Figure): string {
  return `- ${label}: ${showFigure(f)}`;
}
