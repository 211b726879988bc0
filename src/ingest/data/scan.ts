// Finds schema files the JS/TS workspace does not list: SQL migrations and Prisma schemas.
// A bounded walk (depth, folders, file size) that honours .gitignore and skips dependencies and
// build output, so a huge repository costs milliseconds here.
import { readdirSync, readFileSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";

export interface SchemaFile {
  path: string; // relative, posix
  absPath: string;
  size: number;
}

export interface SchemaFiles {
  sql: SchemaFile[];
  prisma: SchemaFile[];
  warnings: string[];
}

const MAX_DEPTH = 10;
const MAX_FOLDERS = 5_000;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const SKIPPED_FOLDERS = new Set([".git", "node_modules", "coverage", "dist", "build", "out", ".next", ".nuxt", ".output", ".turbo", ".cache", "vendor", "tmp"]);

/** Folder names under which a .sql file is taken as a migration or schema file. */
const SQL_FOLDERS = new Set(["migrations", "migration", "migrate", "db", "database", "drizzle", "sql", "schema", "schemas", "prisma", "supabase"]);

interface Rules {
  base: string;
  matcher: Ignore;
}

export function scanSchemaFiles(root: string): SchemaFiles {
  const found: SchemaFiles = { sql: [], prisma: [], warnings: [] };
  let folders = 0;
  const walk = (rel: string, depth: number, rules: Rules[]): void => {
    if (++folders > MAX_FOLDERS) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const here = entries.some((e) => e.name === ".gitignore" && e.isFile()) ? [...rules, readIgnore(root, rel)] : rules;
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (isIgnored(here, path, entry.isDirectory())) continue;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith(".")) walk(path, depth + 1, here);
      } else if (entry.isFile()) {
        addFile(found, root, path);
      }
    }
  };
  walk("", 0, []);
  if (folders > MAX_FOLDERS) found.warnings.push(`stopped looking for SQL and Prisma schema files after ${MAX_FOLDERS} folders`);
  return found;
}

function addFile(found: SchemaFiles, root: string, path: string): void {
  const name = path.split("/").pop()!;
  const kind = name.endsWith(".prisma") ? "prisma" : name.toLowerCase().endsWith(".sql") && isSchemaSql(path) ? "sql" : undefined;
  if (!kind) return;
  const absPath = join(root, path);
  const size = statSync(absPath).size;
  if (size > MAX_FILE_BYTES) {
    found.warnings.push(`${path}: ${size} bytes, over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit for schema files; skipped`);
    return;
  }
  found[kind].push({ path, absPath, size });
}

/** A .sql file in a migrations-like folder, or a schema dump at any level. */
function isSchemaSql(path: string): boolean {
  const parts = path.split("/");
  const name = parts.pop()!.toLowerCase();
  if (/^(schema|structure|init|database)\.sql$/.test(name)) return true;
  return parts.some((p) => SQL_FOLDERS.has(p.toLowerCase()));
}

function readIgnore(root: string, rel: string): Rules {
  const matcher = ignore({ ignorecase: false });
  try {
    matcher.add(readFileSync(join(root, rel, ".gitignore"), "utf8"));
  } catch {
    // An unreadable .gitignore ignores nothing, as in git.
  }
  return { base: rel, matcher };
}

function isIgnored(rules: Rules[], path: string, folder: boolean): boolean {
  for (const { base, matcher } of rules) {
    const inner = base ? path.slice(base.length + 1) : path;
    if (inner && matcher.ignores(folder ? `${inner}/` : inner)) return true;
  }
  return false;
}
