// Scoring shared by every labelled input (the fixture corpus and Juice Shop): which findings match
// which labels, recall per label and per rule, precision per confidence band, and the same view of
// a peer tool whose rules are not ours (a peer hit is any finding near a labelled line).
import { BANDS, type Band, type Finding } from "../../src/model/finding.ts";

/** One labelled place: a flaw a tool should report, or a safe twin it must not. */
export interface Label {
  /** What the summary groups by: the fixture app, or the Juice Shop label set ("annotated", "hand"). */
  group: string;
  /** A name for the detail table: the challenge (Juice Shop) or the note (fixtures). */
  name: string;
  file: string;
  from: number;
  to: number;
  /** Rule ids whose finding counts for this label (any of them). */
  rules: string[];
  kind: "flaw" | "safe";
  /** The label's own words (category for Juice Shop, the rule id or category for fixtures). */
  category: string;
  /**
   * A fact about the whole service (no security headers, no request logging): `file` is a folder
   * prefix ending in "*" and any line in it counts.
   */
  wholeApp?: boolean;
}

/** A finding reduced to what matching needs; peers' findings use their own rule names. */
export interface Located {
  file: string;
  line: number;
  rule: string;
  band?: Band;
}

/** The issue scores a hit "on a labelled line or within 3 lines". */
export const TOLERANCE = 3;

export function located(findings: readonly Finding[]): Located[] {
  return findings.flatMap((f) => (f.location ? [{ file: f.location.file, line: f.location.line, rule: f.ruleId, band: f.band }] : []));
}

function near(at: Located, label: Label): boolean {
  if (label.wholeApp) return at.file.startsWith(label.file.slice(0, -1));
  return at.file === label.file && at.line >= label.from - TOLERANCE && at.line <= label.to + TOLERANCE;
}

/** A bka finding counts for a label when it is near it and comes from one of the label's rules. */
export function matches(at: Located, label: Label): boolean {
  return near(at, label) && label.rules.includes(at.rule);
}

export interface LabelResult {
  label: Label;
  /** Findings that match the label; for a safe label, only those that match no flaw label. */
  hits: Located[];
}

export interface BandPrecision {
  band: Band;
  findings: number;
  right: number;
}

export interface RuleRecall {
  /** The labels' rule column (fixtures) or category (Juice Shop). */
  rule: string;
  /** The rule ids that count for it. */
  rules: string[];
  found: number;
  total: number;
}

export interface BkaScore {
  labels: LabelResult[];
  recall: { found: number; total: number };
  recallByGroup: { group: string; found: number; total: number }[];
  recallByRule: RuleRecall[];
  /** Over findings in labelled files: how many match a flaw label, per band. */
  precision: BandPrecision[];
  /** Act-band findings in labelled files that match no flaw label: what keeps act precision down. */
  wrongInAct: Located[];
  findings: number;
  findingsInLabelledFiles: number;
  /** Safe labels with a finding (any band) that matches no flaw label, and those in the act band. */
  safeHit: number;
  safeHitAct: number;
  safeTotal: number;
}

export function scoreBka(findings: readonly Located[], labels: readonly Label[], isLabelledFile: (file: string) => boolean): BkaScore {
  const flaws = labels.filter((l) => l.kind === "flaw");
  const onFlaw = (at: Located) => flaws.some((l) => matches(at, l));
  const results = labels.map((label) => ({
    label,
    hits: findings.filter((at) => matches(at, label) && (label.kind === "flaw" || !onFlaw(at))),
  }));
  const flawResults = results.filter((r) => r.label.kind === "flaw");
  const safeResults = results.filter((r) => r.label.kind === "safe");
  const inLabelled = findings.filter((at) => isLabelledFile(at.file));
  return {
    labels: results,
    recall: countFound(flawResults),
    recallByGroup: groupBy(flawResults, (r) => r.label.group).map(([group, rs]) => ({ group, ...countFound(rs) })),
    recallByRule: groupBy(flawResults, (r) => r.label.category).map(([rule, rs]) => ({ rule, rules: rs[0].label.rules, ...countFound(rs) })),
    precision: BANDS.map((band) => {
      const inBand = inLabelled.filter((at) => at.band === band);
      return { band, findings: inBand.length, right: inBand.filter(onFlaw).length };
    }),
    wrongInAct: inLabelled.filter((at) => at.band === "act" && !onFlaw(at)).sort(byPlace),
    findings: findings.length,
    findingsInLabelledFiles: inLabelled.length,
    safeHit: safeResults.filter((r) => r.hits.length > 0).length,
    safeHitAct: safeResults.filter((r) => r.hits.some((h) => h.band === "act")).length,
    safeTotal: safeResults.length,
  };
}

export interface PeerScore {
  tool: string;
  recall: { found: number; total: number };
  findings: number;
  /** Findings within the tolerance of a safe label's lines. */
  onSafeLines: number;
  /** Why the peer has no figures (not installed, crashed). */
  error?: string;
}

/**
 * Peers do not share our rule ids: any finding near a flaw label counts as finding it. A
 * whole-service label cannot be told apart from any other finding in the service, so a peer is
 * never credited with one (they stay in its total).
 */
export function scorePeer(tool: string, findings: readonly Located[], labels: readonly Label[]): PeerScore {
  const flaws = labels.filter((l) => l.kind === "flaw");
  const safe = labels.filter((l) => l.kind === "safe" && !l.wholeApp);
  return {
    tool,
    recall: { found: flaws.filter((l) => !l.wholeApp && findings.some((at) => near(at, l))).length, total: flaws.length },
    findings: findings.length,
    onSafeLines: findings.filter((at) => safe.some((l) => near(at, l))).length,
  };
}

function byPlace(a: Located, b: Located): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

function countFound(results: readonly LabelResult[]): { found: number; total: number } {
  return { found: results.filter((r) => r.hits.length > 0).length, total: results.length };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export const percent = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(0)}%` : "n/a");
export const ratio = ({ found, total }: { found: number; total: number }): string => `${found}/${total} (${percent(found, total)})`;
