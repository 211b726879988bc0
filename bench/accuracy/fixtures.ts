// The labelled fixture corpus: small multi-file services under bench/labelled-apps/<app>/, written
// for this benchmark, and one TSV of labels for all of them:
//
//   app  file  line  rule  kind  anchor  note
//
// `line` is a line or a range ("41-44"); a fact about the whole service (no security headers, no
// request logging) has "*" as file and line, and any finding of its rule in the app counts; `rule` is one rule id or several joined by "|" (any of
// them counts); `kind` is flaw (a tool should report it) or safe (a twin that must stay quiet);
// `anchor` is text that must be on the label's first line, so an edit that moves code is caught
// here with the label's row instead of silently scoring the wrong line. After editing a fixture,
// `npm run bench:accuracy -- --relocate-labels` moves each label to the one line holding its anchor.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Label } from "./score.ts";

export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "labelled-apps");
export const LABELS_FILE = join(CORPUS_DIR, "labels.tsv");
const COLUMNS = ["app", "file", "line", "rule", "kind", "anchor", "note"];

export interface FixtureApp {
  name: string;
  root: string;
  labels: Label[];
}

export function readFixtureCorpus(labelsFile = LABELS_FILE): FixtureApp[] {
  const labels = readLabels(labelsFile);
  const apps = readdirSync(dirname(labelsFile), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return apps.map((name) => ({ name, root: join(dirname(labelsFile), name), labels: labels.filter((l) => l.group === name) }));
}

function readLabels(path: string): Label[] {
  const shown = relative(process.cwd(), path);
  const [header, ...rows] = readFileSync(path, "utf8").trimEnd().split("\n");
  if (header !== COLUMNS.join("\t")) throw new Error(`${shown}:1: expected the columns ${COLUMNS.join(", ")} (tab-separated)`);
  return rows.map((row, i) => parseRow(row.split("\t"), `${shown}:${i + 2}`, dirname(path)));
}

function parseRow(cells: string[], where: string, corpus: string): Label {
  if (cells.length !== COLUMNS.length) throw new Error(`${where}: expected ${COLUMNS.length} tab-separated cells, found ${cells.length}`);
  const [app, file, line, rule, kind, anchor, note] = cells;
  if (kind !== "flaw" && kind !== "safe") throw new Error(`${where}: kind must be flaw or safe, not "${kind}"`);
  if (file === "*" || line === "*") {
    if (file !== "*" || line !== "*") throw new Error(`${where}: a whole-service label has "*" as both file and line`);
    return { group: app, name: note, file, from: 1, to: Number.MAX_SAFE_INTEGER, rules: rule.split("|"), kind, category: rule, wholeApp: true };
  }
  const [from, to = from] = line.split("-").map(Number);
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new Error(`${where}: bad line "${line}" (a number or a range like 41-44)`);
  checkAnchor(join(corpus, app, file), from, anchor, where);
  return { group: app, name: note, file, from, to, rules: rule.split("|"), kind, category: rule };
}

function checkAnchor(path: string, line: number, anchor: string, where: string): void {
  if (!existsSync(path)) throw new Error(`${where}: no such file ${relative(process.cwd(), path)}`);
  const text = readFileSync(path, "utf8").split("\n")[line - 1] ?? "";
  if (!text.includes(anchor)) throw new Error(`${where}: line ${line} of ${relative(process.cwd(), path)} does not contain "${anchor}" (it reads "${text.trim()}")`);
}

/** Rewrites each label's line to the one line of its file that holds its anchor (ranges keep their length). */
export function relocateLabels(labelsFile = LABELS_FILE): number {
  const shown = relative(process.cwd(), labelsFile);
  const [header, ...rows] = readFileSync(labelsFile, "utf8").trimEnd().split("\n");
  let moved = 0;
  const updated = rows.map((row, i) => {
    const cells = row.split("\t");
    const [app, file, line, , , anchor] = cells;
    if (file === "*") return row;
    const lines = readFileSync(join(dirname(labelsFile), app, file), "utf8").split("\n");
    const hits = lines.flatMap((text, n) => (text.includes(anchor) ? [n + 1] : []));
    if (hits.length !== 1) throw new Error(`${shown}:${i + 2}: "${anchor}" is on ${hits.length} lines of ${app}/${file}; make the anchor unique`);
    const [from, to = from] = line.split("-").map(Number);
    if (hits[0] === from) return row;
    moved++;
    cells[2] = to === from ? `${hits[0]}` : `${hits[0]}-${hits[0] + to - from}`;
    return cells.join("\t");
  });
  writeFileSync(labelsFile, [header, ...updated].join("\n") + "\n");
  return moved;
}
