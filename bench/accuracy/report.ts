// Markdown for a scored input: the summary (bka beside the peers), recall per rule or category,
// and one row per label. The text is regenerated as a whole, so docs/benchmarks.md can paste it.
import type { ScoredInput } from "./inputs.ts";
import { percent, ratio, type BandPrecision, type BkaScore, type LabelResult } from "./score.ts";

const share = ({ right, findings }: BandPrecision) => `${right}/${findings} (${percent(right, findings)})`;

export function summaryTable(input: ScoredInput): string[] {
  const rows = [
    "| tool | recall (flaw labels) | act precision | decide precision | ask precision | findings | findings on safe-twin lines |",
    "|---|--:|--:|--:|--:|--:|--:|",
    bkaRow("bka", input.bka),
  ];
  if (input.bkaSecurity) rows.push(bkaRow("bka, security/* only", input.bkaSecurity));
  for (const peer of input.peers) {
    rows.push(peer.error ? `| ${peer.tool} | not run: ${peer.error} | | | | | |` : `| ${peer.tool} | ${ratio(peer.recall)} | — | — | — | ${peer.findings} | ${peer.onSafeLines} |`);
  }
  return rows;
}

function bkaRow(tool: string, score: BkaScore): string {
  const [act, decide, ask] = score.precision;
  const safe = `${score.safeHit} of ${score.safeTotal} safe labels (${score.safeHitAct} in act)`;
  return `| ${tool} | ${ratio(score.recall)} | ${share(act)} | ${share(decide)} | ${share(ask)} | ${score.findings} | ${safe} |`;
}

export function recallTable(input: ScoredInput, heading: string): string[] {
  const pending = new Set(input.pendingRules);
  const rows = [`| ${heading} | bka found | rule built |`, "|---|--:|:-:|"];
  for (const r of input.bka.recallByRule) {
    const built = r.rules.length === 0 ? "no rule" : r.rules.some((id) => !pending.has(id)) ? "yes" : "not yet";
    rows.push(`| ${r.rule} | ${r.found}/${r.total} | ${built} |`);
  }
  return rows;
}

export function groupTable(input: ScoredInput, heading: string): string[] {
  return [`| ${heading} | bka recall |`, "|---|--:|", ...input.bka.recallByGroup.map((g) => `| ${g.group} | ${ratio(g)} |`)];
}

export function labelTable(results: readonly LabelResult[]): string[] {
  const rows = ["| group | label | file:line | rules | kind | bka |", "|---|---|---|---|---|---|"];
  for (const { label, hits } of results) {
    const range = label.from === label.to ? `${label.from}` : `${label.from}-${label.to}`;
    const where = label.wholeApp ? `${label.file.slice(0, -1) || "*"} (whole service)` : `${label.file}:${range}`;
    rows.push(`| ${label.group} | ${label.name} | ${where} | ${label.category} | ${label.kind} | ${verdict(label.kind, hits)} |`);
  }
  return rows;
}

function verdict(kind: "flaw" | "safe", hits: LabelResult["hits"]): string {
  const list = [...new Set(hits.map((h) => `${h.rule} ${h.band}:${h.line}`))].join(", ");
  if (kind === "safe") return hits.length ? `false positive (${list})` : "quiet (correct)";
  return hits.length ? `found (${list})` : "missed";
}

export function inputMarkdown(input: ScoredInput): string[] {
  const isCorpus = input.name === "labelled-apps";
  const lines = [`### ${input.name}`, "", ...summaryTable(input), ""];
  if (input.serverFindings !== undefined) lines.push(`bka findings: ${input.bka.findings} in total, ${input.serverFindings} in server code (outside frontend/, test/, data/static/), ${input.bka.findingsInLabelledFiles} in labelled files.`, "");
  if (input.pendingRules.length) lines.push(`Labelled rules not built yet (scored as missed): ${input.pendingRules.join(", ")}.`, "");
  const wrong = input.bka.wrongInAct.map((at) => `${at.rule} ${at.file}:${at.line}`);
  lines.push(`Act-band findings that match no flaw label (${wrong.length}): ${wrong.join("; ") || "none"}.`, "");
  lines.push(...groupTable(input, isCorpus ? "app" : "label set"), "", ...recallTable(input, isCorpus ? "rule" : "category"), "");
  lines.push("<details><summary>Every label</summary>", "", ...labelTable(input.bka.labels), "", "</details>");
  return lines;
}
