// report.md: run confidence first (what bka understood), then counts, the endpoint inventory,
// findings by band with their evidence, and what was skipped.
import type { ArchitectureModel, Endpoint, HttpMethod, Skipped } from "../model/types.ts";
import { AREAS, BANDS, type Band, type Evidence, type Finding } from "../model/finding.ts";
import {
  TOO_LITTLE_UNDERSTOOD,
  compareText,
  countByAreaAndBand,
  countByBand,
  fileLine,
  formatNumber,
  understoodTooLittle,
} from "./common.ts";
import { databaseView } from "./database-view.ts";

/** Longer lists are cut here in the report; model.json always has all of them. */
export const LIST_LIMIT = 20;

export const BAND_HEADINGS: Record<Band, string> = {
  act: "Act — confidence ≥ 90",
  decide: "Decide — confidence 70–89",
  ask: "Ask — confidence < 70",
};

const METHOD_ORDER: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ALL"];

export function toMarkdown(model: ArchitectureModel, findings: readonly Finding[]): string {
  const sections = [
    `# bka review: ${model.project}`,
    runConfidence(model),
    summary(findings),
    endpointInventory(model),
    databaseSection(model),
    findingsSection(model, findings),
    skippedFiles(model),
  ];
  return `${sections.filter((s) => s.length > 0).join("\n\n")}\n`;
}

function runConfidence(model: ArchitectureModel): string {
  const c = model.coverage;
  const lines = [
    "## Run confidence",
    "",
    `**Understanding: ${c.understanding}/100.** ` +
      `${c.filesParsed} of ${c.filesFound} files parsed (${c.skipped.length} skipped) · ` +
      `${c.routeRegistrationsResolved} of ${c.routeRegistrations} route registrations resolved` +
      ` (${c.routeRegistrations - c.routeRegistrationsResolved} not) · ` +
      `${c.handlersLocated} of ${c.handlersTotal} handlers located.`,
  ];
  if (understoodTooLittle(model)) {
    lines.push(
      "",
      "> [!WARNING]",
      `> **${TOO_LITTLE_UNDERSTOOD}.** A missing finding here means "not known", not "safe".`,
    );
  }
  if (c.warnings.length > 0) {
    lines.push("", "Warnings:", "", ...c.warnings.map((w) => `- ${w}`));
  }
  if (c.unresolved.length > 0) {
    lines.push("", "Route registrations bka could not resolve:", "");
    lines.push(
      ...limited(c.unresolved, (u) => `- ${code(fileLine(u.location))} ${code(u.what)}: ${u.reason}`, "unresolved registrations"),
    );
  }
  return lines.join("\n");
}

function summary(findings: readonly Finding[]): string {
  const byArea = countByAreaAndBand(findings);
  const total = countByBand(findings);
  const row = (label: string, counts: Record<Band, number>) =>
    `| ${label} | ${BANDS.map((b) => counts[b]).join(" | ")} | ${BANDS.reduce((n, b) => n + counts[b], 0)} |`;
  return [
    "## Summary",
    "",
    `${plural(findings.length, "finding")}: ${BANDS.map((b) => `${total[b]} ${b}`).join(" · ")}.`,
    "",
    "| Area | Act | Decide | Ask | Total |",
    "|---|---:|---:|---:|---:|",
    ...AREAS.map((area) => row(area, byArea[area])),
    row("**Total**", total),
  ].join("\n");
}

function endpointInventory(model: ArchitectureModel): string {
  const heading = `## Endpoints (${model.endpoints.length})`;
  if (model.endpoints.length === 0) return `${heading}\n\nNo endpoints found.`;
  const withService = model.services.length > 1;
  const header = [...(withService ? ["Service"] : []), "Method", "Path", "Auth", "Validation", "Handler"];
  const rows = sortEndpoints(model.endpoints).map((e) =>
    tableRow([
      ...(withService ? [e.serviceId] : []),
      e.method,
      code(e.path),
      authCell(e),
      e.validation.validated ? (e.validation.libraries.join(", ") || "yes") : "no",
      handlerCell(model, e),
    ]),
  );
  return [heading, "", tableRow(header), `|${header.map(() => "---").join("|")}|`, ...rows].join("\n");
}

function databaseSection(model: ArchitectureModel): string {
  const view = databaseView(model);
  if (!view) return "";
  const lines = [
    `## Database (${plural(view.tables.length, "table")})`,
    "",
    `${view.queriesLinked} of ${view.queriesTotal} ${view.queriesTotal === 1 ? "query" : "queries"} in the code linked to a table.`,
  ];
  if (view.tables.length) {
    lines.push("", tableRow(["Table", "Source", "Columns", "Primary key", "FKs", "Indexes", "Queries", "Defined at"]), "|---|---|---:|---|---:|---:|---:|---|");
    lines.push(...limited(view.tables, (t) => tableRow([code(t.name), t.source, String(t.columns), t.primaryKey || "none", String(t.foreignKeys), String(t.indexes), String(t.queries), code(t.definedAt)]), "tables"));
  }
  if (view.proofs.length) {
    lines.push("", "### Index proofs", "", `Each query was EXPLAINed on synthetic rows, then again with the proposed index created in a transaction that was rolled back (${view.proofs[0].engine}). An index is advised only when it pays: a start cost of at least 100 and at least half of it saved.`, "");
    lines.push(tableRow(["Query", "Table", "Rows", "Before", "With the index", "Gain", "Verdict"]), "|---|---|---:|---|---|---:|---|");
    lines.push(...limited(view.proofs, (p) => tableRow([code(p.query), code(p.table), formatNumber(p.rows), p.before, p.after || (p.note ?? ""), p.ratio, p.verdict]), "index proofs"));
  }
  if (view.locks.length) {
    lines.push("", "### Migration locks, measured", "", `Each statement ran in BEGIN … ROLLBACK after the earlier migrations (${view.locks[0].engine}); the locks are read from pg_locks and a rewrite from a changed pg_relation_filenode.`, "");
    lines.push(tableRow(["Statement", "SQL", "Strongest lock per table", "Rewrites"]), "|---|---|---|---|");
    lines.push(...limited(view.locks, (l) => tableRow([code(l.statement), code(shorten(l.sql)), l.error ? `failed: ${l.error}` : l.locks || "none", l.rewritten || "no"]), "measured statements"));
  }
  return lines.join("\n");
}

function shorten(sql: string): string {
  const oneLine = sql.replace(/\s+/g, " ");
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

export function sortEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  return [...endpoints].sort(
    (a, b) =>
      compareText(a.path, b.path) ||
      METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) ||
      compareText(a.serviceId, b.serviceId),
  );
}

function authCell(endpoint: Endpoint): string {
  const { state, mechanisms } = endpoint.auth;
  return mechanisms.length > 0 ? `${state} (${mechanisms.join(", ")})` : state;
}

function handlerCell(model: ArchitectureModel, endpoint: Endpoint): string {
  const handler = model.handlers.find((h) => h.id === endpoint.handlerId);
  return handler ? code(fileLine(handler.location)) : "not located";
}

function findingsSection(model: ArchitectureModel, findings: readonly Finding[]): string {
  const lines = ["## Findings"];
  if (findings.length === 0) {
    lines.push(
      "",
      understoodTooLittle(model)
        ? `**${TOO_LITTLE_UNDERSTOOD}**, so no findings does not mean no issues.`
        : model.coverage.warnings.length
          ? "No findings in the parts bka understood; the warnings under Run confidence list what it could not follow."
          : "No findings: none of bka's rules matched the code it understood.",
    );
    return lines.join("\n");
  }
  let number = 0;
  for (const band of BANDS) {
    const inBand = findings.filter((f) => f.band === band);
    if (inBand.length === 0) continue;
    lines.push("", `### ${BAND_HEADINGS[band]} (${inBand.length})`);
    for (const finding of inBand) lines.push("", renderFinding(finding, ++number));
  }
  return lines.join("\n");
}

function renderFinding(finding: Finding, number: number): string {
  const where = finding.location ? ` · ${code(fileLine(finding.location))}` : "";
  const parts = [
    `#### ${number}. ${finding.title}`,
    `**${finding.severity}** · confidence ${finding.confidence} · ${code(finding.ruleId)} · ${finding.area}${where}`,
    finding.message,
    ["**Evidence**", "", ...finding.evidence.map(renderEvidence)].join("\n"),
    `**Remediation:** ${finding.remediation.summary}`,
  ];
  const fix = finding.remediation.fix;
  if (fix) {
    const fixLines = [`**Fix:** ${fix.description}${fix.location ? ` at ${code(fileLine(fix.location))}` : ""}`];
    if (fix.replacement) fixLines.push("", fence(fix.replacement, languageOf(fix.location?.file)));
    parts.push(fixLines.join("\n"));
  }
  const options = finding.remediation.options ?? [];
  if (options.length > 0) {
    parts.push(
      ["**Options**", "", ...options.flatMap((o, i) => [
        `${i + 1}. **${o.title}**`,
        ...(o.pros.length > 0 ? [`   - Pros: ${o.pros.join("; ")}`] : []),
        ...(o.cons.length > 0 ? [`   - Cons: ${o.cons.join("; ")}`] : []),
      ])].join("\n"),
    );
  }
  if (finding.question) parts.push(`**Question:** ${finding.question}`);
  if (finding.references.length > 0) {
    const refs = finding.references.map((r) => {
      const id = r.id && !r.title.includes(r.id) ? `${r.id}: ` : "";
      return `[${id}${r.title}](${r.url})`;
    });
    parts.push(`**References:** ${refs.join(" · ")}`);
  }
  return parts.join("\n\n");
}

function renderEvidence(evidence: Evidence): string {
  switch (evidence.kind) {
    case "code": {
      const label = evidence.label ? ` — ${evidence.label}` : "";
      return `- ${code(fileLine(evidence))}${label}\n\n${indent(fence(evidence.snippet, languageOf(evidence.file)), "  ")}`;
    }
    case "plan": {
      const after = evidence.after ? ` → ${evidence.after.node} (cost ${evidence.after.cost})` : "";
      const rows = evidence.rows !== undefined ? ` at ${evidence.rows} rows` : "";
      return (
        `- Query plan on ${evidence.engine}: ${evidence.before.node} (cost ${evidence.before.cost})${after}${rows}\n\n` +
        indent(fence(evidence.query, "sql"), "  ")
      );
    }
    case "lint": {
      const where = evidence.location ? ` at ${code(fileLine(evidence.location))}` : "";
      return `- ${evidence.tool} ${code(evidence.rule)}: ${evidence.message}${where}`;
    }
    case "measure":
      return `- Measured: ${evidence.what} = ${evidence.value} ${evidence.unit}`;
  }
}

/**
 * Reasons that cost bka understanding come first: those are the ones worth a look. A Record,
 * so a new reason in the model fails to compile here until it is given a place.
 */
export const SKIP_REASON_RANK: Record<Skipped["reason"], number> = {
  "syntax-error": 0, "analysis-error": 1, unreadable: 2, "too-large": 3, "symlink-loop": 4, minified: 5,
  binary: 6, "not-source": 7, "build-output": 8, coverage: 9, ignored: 10, node_modules: 11,
};

function skippedFiles(model: ArchitectureModel): string {
  const skipped = [...model.coverage.skipped].sort(
    (a, b) => SKIP_REASON_RANK[a.reason] - SKIP_REASON_RANK[b.reason] || compareText(a.path, b.path),
  );
  if (skipped.length === 0) return "";
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  const detail = (s: Skipped) =>
    [s.line !== undefined ? `line ${s.line}${s.column !== undefined ? `:${s.column}` : ""}` : "", s.detail ?? ""]
      .filter(Boolean)
      .join(": ");
  return [
    `## Skipped files (${skipped.length})`,
    "",
    `${[...byReason].map(([reason, n]) => `${n} ${reason}`).join(" · ")}.`,
    "",
    tableRow(["Path", "Reason", "Detail"]),
    "|---|---|---|",
    ...limited(skipped, (s) => tableRow([code(s.path), s.reason, detail(s)]), "skipped files", "\n"),
  ].join("\n");
}

/** The first LIST_LIMIT rendered items, then one line counting the rest. */
function limited<T>(items: readonly T[], render: (item: T) => string, what: string, gap = ""): string[] {
  const shown = items.slice(0, LIST_LIMIT).map(render);
  const rest = items.length - shown.length;
  return rest > 0 ? [...shown, `${gap}…and ${rest} more ${what} (all of them are in model.json).`] : shown;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")).join(" | ")} |`;
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longestRun + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function fence(text: string, language: string): string {
  const longestRun = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longestRun + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line.length > 0 ? prefix + line : line))
    .join("\n");
}

const LANGUAGES: Record<string, string> = {
  ts: "ts", mts: "ts", cts: "ts", tsx: "tsx",
  js: "js", mjs: "js", cjs: "js", jsx: "jsx",
  sql: "sql", prisma: "prisma", json: "json", yaml: "yaml", yml: "yaml",
};

function languageOf(file: string | undefined): string {
  const extension = file?.split(".").pop() ?? "";
  return LANGUAGES[extension] ?? "";
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
