// One scored input per labelled source: the fixture corpus (all apps, paths prefixed by the app)
// or a Juice Shop checkout. bka runs through review() without the embedded PostgreSQL (accuracy
// does not depend on it); the peer runs on the same folders.
import { review } from "../../src/index.ts";
import { ALL_RULES } from "../../src/rules/index.ts";
import { ensurePeer, PEER_NAME, runPeer } from "./eslint-peer.ts";
import { readFixtureCorpus } from "./fixtures.ts";
import { isServerFile, readJuiceShopLabels } from "./juice-shop.ts";
import { located, scoreBka, scorePeer, type BkaScore, type Label, type Located, type PeerScore } from "./score.ts";

export interface ScoredInput {
  name: string;
  bka: BkaScore;
  /** The same score over security/* findings only (Juice Shop's labels are all security). */
  bkaSecurity?: BkaScore;
  peers: PeerScore[];
  /** Labelled rule ids that no registered rule has yet: they score as missed until they land. */
  pendingRules: string[];
  /** Juice Shop: findings in server code, the figure the noise budget counts. */
  serverFindings?: number;
}

export interface InputOptions {
  peers: boolean;
}

export async function scoreFixtureCorpus(options: InputOptions): Promise<ScoredInput> {
  const labels: Label[] = [];
  const findings: Located[] = [];
  const peerFindings: Located[] = [];
  for (const app of readFixtureCorpus()) {
    const inApp = (file: string) => `${app.name}/${file}`;
    labels.push(...app.labels.map((l) => ({ ...l, file: inApp(l.file) })));
    findings.push(...(await reviewFindings(app.root)).map((f) => ({ ...f, file: inApp(f.file) })));
    if (options.peers && !peerError()) peerFindings.push(...runPeer(app.root).map((f) => ({ ...f, file: inApp(f.file) })));
  }
  // The corpus is labelled throughout: a finding anywhere in it that matches no flaw label is wrong.
  const bka = scoreBka(findings, labels, () => true);
  return { name: "labelled-apps", bka, peers: peerScores(options, peerFindings, labels), pendingRules: pendingRules(labels) };
}

export async function scoreJuiceShop(root: string, labelsDir: string, options: InputOptions): Promise<ScoredInput> {
  const labels = readJuiceShopLabels(labelsDir);
  const findings = await reviewFindings(root);
  const labelledFiles = new Set(labels.map((l) => l.file));
  const isLabelled = (file: string) => labelledFiles.has(file);
  const peerFindings = options.peers && !peerError() ? runPeer(root).filter((f) => isServerFile(f.file)) : [];
  return {
    name: "juice-shop",
    bka: scoreBka(findings, labels, isLabelled),
    bkaSecurity: scoreBka(findings.filter((f) => f.rule.startsWith("security/")), labels, isLabelled),
    peers: peerScores(options, peerFindings, labels),
    pendingRules: pendingRules(labels),
    serverFindings: findings.filter((f) => isServerFile(f.file)).length,
  };
}

async function reviewFindings(root: string): Promise<Located[]> {
  const { findings } = await review(root, { verify: false });
  return located(findings);
}

let peerSetup: { error?: string } | undefined;
/** Installs the peer once per run; an install failure is reported in the table, not thrown. */
function peerError(): string | undefined {
  peerSetup ??= { error: ensurePeer() };
  return peerSetup.error;
}

function peerScores(options: InputOptions, findings: Located[], labels: Label[]): PeerScore[] {
  if (!options.peers) return [];
  const error = peerError();
  return [error ? { tool: PEER_NAME, recall: { found: 0, total: 0 }, findings: 0, onSafeLines: 0, error } : scorePeer(PEER_NAME, findings, labels)];
}

function pendingRules(labels: readonly Label[]): string[] {
  const known = new Set(ALL_RULES.map((r) => r.meta.id));
  return [...new Set(labels.flatMap((l) => l.rules))].filter((id) => !known.has(id)).sort();
}
