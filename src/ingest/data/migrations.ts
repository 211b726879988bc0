// Which SQL files form one migration history, and in which order its tool applies them:
// Flyway `V1__x.sql` / `V1_1__y.sql` (repeatable `R__` last, undo `U` skipped), golang-migrate
// `001_x.up.sql` (downs skipped), Prisma `prisma/migrations/<stamp>_x/migration.sql`, dbmate /
// goose / sql-migrate files whose down section is cut, and plain numbered files.
import { readFileSync } from "node:fs";
import type { SchemaFile } from "./scan.ts";
import type { SqlFile } from "./sql.ts";

/** Folder names that root a migration history; the deepest one in a path wins. */
const HISTORY_ROOTS = new Set(["migrations", "migration", "migrate", "drizzle", "db", "database", "sql", "schema", "schemas", "prisma", "supabase"]);

/** Files that are never applied going forward. */
const SKIPPED = [/\.down\.sql$/i, /(^|\/)U\d+(?:[._]\d+)*__[^/]*\.sql$/i];

/** Down-section markers and the up marker that ends them. */
const SECTION_MARKERS: { tool: string; up: RegExp; down: RegExp }[] = [
  { tool: "dbmate", up: /^--\s*migrate:up\b/im, down: /^--\s*migrate:down\b/im },
  { tool: "goose", up: /^--\s*\+goose\s+up\b/im, down: /^--\s*\+goose\s+down\b/im },
  { tool: "sql-migrate", up: /^--\s*\+migrate\s+up\b/im, down: /^--\s*\+migrate\s+down\b/im },
];

/** Groups files into histories (sorted by root) and each history into apply order. */
export function migrationHistories(files: readonly SchemaFile[]): SqlFile[][] {
  const byRoot = new Map<string, SchemaFile[]>();
  for (const file of files) {
    if (SKIPPED.some((re) => re.test(file.path))) continue;
    const root = historyRoot(file.path);
    byRoot.set(root, [...(byRoot.get(root) ?? []), file]);
  }
  return [...byRoot.keys()].sort(naturalCompare).map((root) => {
    const ordered = [...byRoot.get(root)!].sort((a, b) => applyOrder(relativeTo(root, a.path), relativeTo(root, b.path)));
    return ordered.map((file) => readMigration(file));
  });
}

function readMigration(file: SchemaFile): SqlFile {
  const raw = readFileSync(file.absPath, "utf8");
  const sections = SECTION_MARKERS.find((m) => m.up.test(raw) || m.down.test(raw));
  const text = sections ? withoutDownSections(raw, sections.up, sections.down) : raw;
  return { path: file.path, text, tool: sections?.tool ?? toolOf(file.path) };
}

/** The folder a migration file's history is rooted at: "db/migrations", "prisma/migrations". */
export function historyRoot(path: string): string {
  const parts = path.split("/").slice(0, -1);
  let last = -1;
  parts.forEach((part, i) => {
    if (HISTORY_ROOTS.has(part.toLowerCase())) last = i;
  });
  return last < 0 ? parts.join("/") : parts.slice(0, last + 1).join("/");
}

function relativeTo(root: string, path: string): string {
  return root ? path.slice(root.length + 1) : path;
}

function toolOf(path: string): string {
  if (/(^|\/)prisma\/migrations\/[^/]+\/migration\.sql$/.test(path)) return "prisma";
  if (/(^|\/)V\d+(?:[._]\d+)*__[^/]*\.sql$/i.test(path)) return "flyway";
  if (/\.up\.sql$/i.test(path)) return "golang-migrate";
  if (/(^|\/)drizzle\//.test(path)) return "drizzle-kit";
  if (/(^|\/)supabase\/migrations\//.test(path)) return "supabase";
  return "plain";
}

/** Flyway versions compare part by part (1 < 1.1 < 2 < 10), repeatables run last; otherwise natural order. */
function applyOrder(a: string, b: string): number {
  const repeatable = (p: string) => /(^|\/)R__[^/]*$/i.test(p);
  const [va, vb] = [flywayVersion(a), flywayVersion(b)];
  const byVersion = va && vb ? compareVersions(va, vb) : 0;
  return Number(repeatable(a)) - Number(repeatable(b)) || byVersion || naturalCompare(a, b);
}

function flywayVersion(path: string): number[] | undefined {
  const match = /(?:^|\/)V(\d+(?:[._]\d+)*)__[^/]*$/i.exec(path);
  return match ? match[1].split(/[._]/).map(Number) : undefined;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Compares digit runs as numbers: V2__ before V10__, 9_x before 10_x. */
export function naturalCompare(a: string, b: string): number {
  const split = (s: string) => s.split(/(\d+)/).filter((p) => p !== "");
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const na = /^\d+$/.test(pa[i]);
    const nb = /^\d+$/.test(pb[i]);
    const diff = na && nb ? Number(pa[i]) - Number(pb[i]) || pa[i].length - pb[i].length : pa[i] < pb[i] ? -1 : pa[i] > pb[i] ? 1 : 0;
    if (diff !== 0) return diff;
  }
  return pa.length - pb.length;
}

/** Blanks every down section (keeping line breaks, so lines still match the file). */
function withoutDownSections(text: string, up: RegExp, down: RegExp): string {
  const lines = text.split("\n");
  let inDown = false;
  return lines
    .map((line) => {
      if (up.test(line)) inDown = false;
      else if (down.test(line)) inDown = true;
      return inDown ? " ".repeat(line.length) : line;
    })
    .join("\n");
}
