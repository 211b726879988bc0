// Facts of unchanged files, kept between runs (`bka review --cache`), like ESLint's --cache.
//
// A file's facts are a function of its text, its path and package, the answers the module
// resolver gave while it was walked, and bka's own analysis code — nothing else is read. So an
// entry is reused only when all of these are unchanged: the text's SHA-256, the package root, a
// salt over bka's version and every source file of bka, and every import resolution, which
// is asked again (a file added next to an import changes its answer and the importer's facts).
// Everything after the facts — linking, rules, proofs — runs every time.
//
// One file per reviewed folder under the cache directory, written to a temporary name and renamed
// (two runs at once leave one complete file). A cache that cannot be read is ignored and rebuilt;
// one that cannot be written costs a warning, never the review.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import type { FileOutcome, Resolution } from "./analyze-file.ts";
import { pack, unpack, type PackedValue } from "./fact-transfer.ts";
import { compareText } from "../model/order.ts";
import type { ModuleResolver, ResolveResult, SourceFile } from "./workspace/types.ts";

const FORMAT = 1;
const SRC_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

type AnalysedOutcome = Extract<FileOutcome, { facts: unknown }>;

interface Entry {
  path: string;
  packageRoot: string;
  hash: string;
  resolutions: Resolution[];
}

interface Stored {
  format: number;
  salt: string;
  entries: Entry[];
  /** The entries' outcomes (facts and any recovered syntax error), packed together. */
  outcomes: PackedValue;
}

export class FactCache {
  private readonly stored = new Map<string, { entry: Entry; outcome: AnalysedOutcome }>();
  private readonly next = new Map<string, { entry: Entry; outcome: AnalysedOutcome }>();
  private changed = false;
  /** Why the stored cache was not used, if it existed and could not be. */
  readonly unreadable?: string;

  private constructor(readonly file: string, private readonly salt: string) {
    try {
      this.load();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") this.unreadable = error instanceof Error ? error.message : String(error);
      this.stored.clear();
    }
  }

  /** The cache of one reviewed folder, under `cacheDir`. */
  static open(root: string, cacheDir: string): FactCache {
    const key = createHash("sha256").update(root).digest("hex").slice(0, 20);
    return new FactCache(join(cacheDir, "facts", `${key}.v8`), analysisSalt());
  }

  /** The stored outcome of this file, if its text, package and every import's answer are unchanged. */
  lookup(file: SourceFile, text: string, resolver: ModuleResolver): AnalysedOutcome | undefined {
    const hit = this.stored.get(file.path);
    if (!hit || hit.entry.packageRoot !== file.packageRoot || hit.entry.hash !== hashOf(text)) return undefined;
    for (const [specifier, answer] of hit.entry.resolutions) {
      if (!sameAnswer(resolver.resolve(file.path, specifier), answer)) return undefined;
    }
    this.next.set(file.path, hit);
    return hit.outcome;
  }

  /** Keeps a fresh outcome for the next run, with the resolver's answers it depended on. */
  remember(file: SourceFile, text: string, { resolutions = [], ...outcome }: AnalysedOutcome): void {
    this.next.set(file.path, { entry: { path: file.path, packageRoot: file.packageRoot, hash: hashOf(text), resolutions }, outcome });
    this.changed = true;
  }

  /** Writes what this run used or made, if that differs from what was stored; returns why it could not. */
  save(): string | undefined {
    if (!this.changed && this.next.size === this.stored.size) return undefined;
    const kept = [...this.next.values()].sort((a, b) => compareText(a.entry.path, b.entry.path));
    const stored: Stored = { format: FORMAT, salt: this.salt, entries: kept.map((k) => k.entry), outcomes: pack(kept.map((k) => k.outcome)) };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(temporary, serialize(stored));
      renameSync(temporary, this.file);
      return undefined;
    } catch (error) {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Nothing was written where nothing could be.
      }
      return error instanceof Error ? error.message : String(error);
    }
  }

  private load(): void {
    const stored = deserialize(readFileSync(this.file)) as Stored;
    if (stored?.format !== FORMAT || stored.salt !== this.salt) return;
    const outcomes = unpack(stored.outcomes) as AnalysedOutcome[];
    stored.entries.forEach((entry, i) => this.stored.set(entry.path, { entry, outcome: outcomes[i] }));
  }
}

function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}

function sameAnswer(a: ResolveResult, b: ResolveResult): boolean {
  if (a.kind === "file") return b.kind === "file" && a.path === b.path;
  if (a.kind === "package") return b.kind === "package" && a.name === b.name;
  return a.kind === b.kind;
}

let salt: string | undefined;
/**
 * bka's version and the text of every file of its sources (~20 ms): facts made by other code are
 * never reused (bka ships its sources, so an edited checkout counts as other code).
 */
function analysisSalt(): string {
  if (salt) return salt;
  const hash = createHash("sha256").update(`format ${FORMAT}\0`);
  const version = (JSON.parse(readFileSync(join(SRC_DIR, "..", "package.json"), "utf8")) as { version: string }).version;
  hash.update(`bka ${version}\0`);
  for (const path of sourceFiles(SRC_DIR)) hash.update(`${path}\0`).update(readFileSync(join(SRC_DIR, path))).update("\0");
  return (salt = hash.digest("hex"));
}

function sourceFiles(dir: string): string[] {
  const paths = readdirSync(dir, { recursive: true, encoding: "utf8" }).map((path) => path.split(sep).join("/"));
  return paths.filter((path) => /\.(ts|mjs)$/.test(path)).sort(compareText);
}
