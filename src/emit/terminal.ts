// The terminal summary: how much bka understood, counts per area and band, and the findings
// most worth reading first. The full story is in the files written with --out.
import { createColors } from "picocolors";
import type { ArchitectureModel } from "../model/types.ts";
import { AREAS, BANDS, type Band, type Finding } from "../model/finding.ts";
import { TOO_LITTLE_UNDERSTOOD, countByAreaAndBand, countByBand, fileLine, understoodTooLittle } from "./common.ts";

export const TOP_FINDINGS = 10;

export interface TerminalOptions {
  color: boolean;
  /** Whether to end with the hint about --out (off when the files were just written). */
  hint?: boolean;
}

/** NO_COLOR (any non-empty value, see no-color.org) or a non-TTY stream turns colour off. */
export function shouldUseColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export function toTerminal(model: ArchitectureModel, findings: readonly Finding[], options: TerminalOptions): string {
  const pc = createColors(options.color);
  const bandColor: Record<Band, (text: string) => string> = { act: (t) => pc.bold(pc.red(t)), decide: pc.yellow, ask: pc.cyan };
  const tag = (band: Band) => bandColor[band](band.toUpperCase().padEnd(6));
  const c = model.coverage;
  const lines = [
    `${pc.bold("bka")} · ${model.project}`,
    `Run confidence: understanding ${c.understanding}/100 · ${c.filesParsed}/${c.filesFound} files parsed, ` +
      `${c.skipped.length} skipped · ${c.routeRegistrationsResolved}/${c.routeRegistrations} routes resolved · ` +
      `${c.handlersLocated}/${c.handlersTotal} handlers located`,
  ];
  if (understoodTooLittle(model)) lines.push(pc.yellow(`! ${TOO_LITTLE_UNDERSTOOD}.`));
  lines.push(...c.warnings.map((w) => pc.yellow(`! ${w}`)));
  lines.push("");

  if (findings.length === 0) {
    lines.push(
      understoodTooLittle(model) ? "No findings, but see above: that is not a clean bill of health."
      : c.warnings.length ? "No findings in the parts bka understood; the warnings above list what it could not follow."
      : "No findings.",
    );
  } else {
    const total = countByBand(findings);
    lines.push(`${findings.length} finding${findings.length === 1 ? "" : "s"}: ${BANDS.map((b) => `${total[b]} ${bandColor[b](b)}`).join(" · ")}`);
    const byArea = countByAreaAndBand(findings);
    for (const area of AREAS) {
      const counts = byArea[area];
      if (BANDS.every((b) => counts[b] === 0)) continue;
      lines.push(`  ${area.padEnd(14)}${BANDS.map((b) => `${String(counts[b]).padStart(3)} ${b}`).join("  ")}`);
    }
    lines.push("", `Top findings by confidence:`);
    const top = [...findings].sort((a, b) => b.confidence - a.confidence).slice(0, TOP_FINDINGS);
    for (const f of top) {
      const where = f.location ? pc.dim(fileLine(f.location)) : pc.dim("(project-wide)");
      lines.push(`  ${tag(f.band)} ${String(f.confidence).padStart(3)}  ${f.severity.padEnd(8)} ${f.ruleId}  ${where}`);
      lines.push(`         ${f.title}`);
    }
    if (findings.length > top.length) lines.push(pc.dim(`  …and ${findings.length - top.length} more`));
  }
  if (options.hint ?? true) {
    lines.push("", pc.dim("Write the full report (report.md, findings.sarif, model.json, openapi.yaml) with --out <dir>."));
  }
  return `${lines.join("\n")}\n`;
}
