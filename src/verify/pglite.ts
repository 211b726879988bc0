// The embedded PostgreSQL bka proves database claims on: PGlite (PostgreSQL compiled to WASM, in
// process, no server). A fresh start runs initdb (4–6 s, ~0.7 GB), so a review starts at most one
// and only when it has something to prove; the freshly initialised data folder is cached
// (~4.5 MB) and later starts load it instead, about 4× faster. Every instance is closed, even on
// error: an open one keeps the process alive.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Extensions, PGlite } from "@electric-sql/pglite";
import { cacheDirectory } from "../cache-directory.ts";

export interface Engine {
  db: PGlite;
  /** "PGlite 0.5.16 (PostgreSQL 18.6)": what evidence names as the engine. */
  label: string;
  /** Milliseconds the start took. */
  startMs: number;
  close(): Promise<void>;
}

/** Extensions a migration may create, by their SQL name → PGlite's contrib module. */
const CONTRIB: Record<string, string> = {
  "uuid-ossp": "uuid_ossp", pgcrypto: "pgcrypto", citext: "citext", pg_trgm: "pg_trgm", hstore: "hstore",
  btree_gin: "btree_gin", btree_gist: "btree_gist", ltree: "ltree", cube: "cube", earthdistance: "earthdistance",
  fuzzystrmatch: "fuzzystrmatch", unaccent: "unaccent", intarray: "intarray", isn: "isn", tablefunc: "tablefunc",
};

export interface StartOptions {
  /** SQL extension names the schema creates ("uuid-ossp", "citext"); unknown ones are ignored. */
  extensions?: readonly string[];
  /** Folder for the initdb snapshot; false to always start fresh. Default: $BKA_CACHE_DIR or ~/.cache/bka. */
  cacheDir?: string | false;
}

export async function startEngine(options: StartOptions = {}): Promise<Engine> {
  const started = performance.now();
  const { PGlite } = await import("@electric-sql/pglite");
  const extensions = await loadExtensions(options.extensions ?? []);
  const snapshot = snapshotPath(options.cacheDir);
  const cached = snapshot ? readSnapshot(snapshot) : undefined;
  const db = await PGlite.create({ extensions, ...(cached ? { loadDataDir: cached } : {}) });
  let closed = false;
  try {
    if (snapshot && !cached) await writeSnapshot(db, snapshot);
    const version = (await db.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "?";
    return {
      db,
      label: `PGlite ${pgliteVersion()} (PostgreSQL ${version.split(" ")[0]})`,
      startMs: Math.round(performance.now() - started),
      async close() {
        if (closed) return;
        closed = true;
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Runs `work` on a fresh engine and always closes it. */
export async function withEngine<T>(work: (engine: Engine) => Promise<T>, options: StartOptions = {}): Promise<T> {
  const engine = await startEngine(options);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** Extension names in `CREATE EXTENSION [IF NOT EXISTS] name` statements. */
export function extensionsIn(sqlTexts: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const sql of sqlTexts) {
    const match = /^\s*create\s+extension\s+(?:if\s+not\s+exists\s+)?"?([\w-]+)"?/i.exec(sql);
    if (match) names.add(match[1].toLowerCase());
  }
  return [...names].sort();
}

async function loadExtensions(names: readonly string[]): Promise<Extensions> {
  const loaded: Extensions = {};
  for (const name of names) {
    const module = CONTRIB[name];
    if (!module) continue;
    const exports = (await import(`@electric-sql/pglite/contrib/${module}`)) as Extensions;
    loaded[module] = exports[module] ?? Object.values(exports)[0];
  }
  return loaded;
}


function snapshotPath(cacheDir: string | false | undefined): string | undefined {
  if (cacheDir === false) return undefined;
  const dir = cacheDir ?? cacheDirectory();
  return dir ? join(dir, `pglite-${pgliteVersion()}-initdb.tar.gz`) : undefined;
}

function readSnapshot(path: string): Blob | undefined {
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    return undefined;
  }
}

/** Saves the pristine data folder; a cache that cannot be written only costs speed. */
async function writeSnapshot(db: PGlite, path: string): Promise<void> {
  try {
    const dump = await db.dumpDataDir("gzip");
    const bytes = Buffer.from(await dump.arrayBuffer());
    mkdirSync(join(path, ".."), { recursive: true });
    // Written aside and renamed, so a concurrent run never reads half a file.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  } catch {
    // no cache this time
  }
}

let version: string | undefined;

/** The PGlite version bka depends on (its package.json pins it exactly). */
export function pgliteVersion(): string {
  if (version) return version;
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies?: Record<string, string> };
    version = manifest.dependencies?.["@electric-sql/pglite"] ?? "?";
  } catch {
    version = "?";
  }
  return version;
}
