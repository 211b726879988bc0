// Finds the source files and packages of a project folder, and says what it passed over and why.
// Folder names decide the cheap cases (.git, node_modules, coverage, build output), .gitignore
// files the rest; each candidate file is then checked on its first bytes (binary, minified).
import { closeSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from "node:fs";
import type { Dirent, Stats } from "node:fs";
import { basename, join, resolve } from "node:path";
import ignore from "ignore";
import type { Ignore } from "ignore";
import { parse as parseYaml } from "yaml";
import type { Skipped } from "../../model/types.ts";
import { buildLineStarts, lineColumnOf, parseSource } from "../js/parse.ts";
import { BadInputError } from "./types.ts";
import type { PackageInfo, SourceFile, SourceLanguage, Workspace } from "./types.ts";

const SOURCE_EXTENSION = /\.(tsx?|jsx?|mjs|cjs|mts|cts)$/i;
const TYPE_DECLARATION = /\.d(\.[\w-]+)?\.[mc]?ts$/i;
const MINIFIED_NAME = /\.min\.[mc]?js$/i;
/**
 * A bundler's output chunk: a content hash in the name inside an assets/static/built folder —
 * Vite/Rollup's eight characters (`heading-ih-fOVqF.js`, `chunk-KS7C4IRE-CTUL98Lc.js`), or a
 * longer hex digest after a dot or dash (webpack's `chunk.201.6961b57ed7a281ac193e.js`,
 * ember-cli's `codemirror-bcc43040205b158dea6c38fddde4cfe3.js`). Browser bundles, not the
 * backend's source, even when a package ships them outside dist/.
 */
const BUNDLE_CHUNK = /(^|\/)(assets|static|built|_next|chunks)\/(.+\/)?[^/]*(-[A-Za-z0-9_-]{8}|[.-][0-9a-f]{16,})\.[mc]?js$/;
const BUILD_OUTPUT_FOLDERS = ["dist", "build", "out", ".next", ".nuxt", ".output"];
const MAX_SOURCE_BYTES = 1024 * 1024;
const BINARY_SAMPLE_BYTES = 8 * 1024;
const MINIFIED_SAMPLE_BYTES = 64 * 1024;
const MINIFIED_AVERAGE_LINE = 500;
const MINIFIED_LONG_LINE = 10_000;
const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];

/** The .gitignore files that apply to a folder, outermost first. */
interface IgnoreRules {
  base: string; // folder of the .gitignore, relative ("" for the root)
  matcher: Ignore;
}

interface PackageFolder {
  rel: string; // "" for the root
  name: string;
  dependencies: string[];
  /** A usable package.json was read. */
  hasManifest: boolean;
  /** The folder has a package.json, usable or not (false only for the root without one). */
  declared: boolean;
  buildFolders: Set<string>;
  /** Build-output folders not walked yet: read only when the package has no other source. */
  deferredBuild: FolderVisit[];
}

interface FolderVisit {
  rel: string;
  abs: string;
  real: string;
  rules: IgnoreRules[];
  pkg: PackageFolder;
}

type CandidateFile = Omit<SourceFile, "packageRoot">;

/** Walks `path` and returns its sources and packages; throws BadInputError when there is nothing to review. */
export function discoverWorkspace(path: string): Workspace {
  const root = resolve(path);
  checkIsFolder(path, root);
  const walker = new Walker(root);
  walker.run();
  const workspace = walker.result();
  if (workspace.files.length === 0) {
    throw new BadInputError(`no JavaScript or TypeScript sources found under ${path}${describeSkipped(workspace.skipped)}`, path);
  }
  return workspace;
}

function checkIsFolder(path: string, root: string): void {
  let stats: Stats;
  try {
    stats = statSync(root);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") throw new BadInputError(`no such file or directory: ${path}`, path);
    throw new BadInputError(`cannot read ${path} (${code})`, path);
  }
  if (!stats.isDirectory()) throw new BadInputError(`${path} is a file, not a folder: point bka at the project folder`, path);
}

function describeSkipped(skipped: Skipped[]): string {
  if (skipped.length === 0) return "";
  const counts = new Map<string, number>();
  for (const entry of skipped) counts.set(entry.reason, (counts.get(entry.reason) ?? 0) + 1);
  const reasons = [...counts].sort(([a], [b]) => compare(a, b)).map(([reason, count]) => `${count} ${reason}`);
  return ` (skipped ${skipped.length}: ${reasons.join(", ")})`;
}

class Walker {
  private readonly files: CandidateFile[] = [];
  private readonly skipped: Skipped[] = [];
  private readonly packages = new Map<string, PackageFolder>();
  /** Real path of every folder read, to its relative path: a folder is read once. */
  private readonly visited = new Map<string, string>();
  private readonly deferredLinks: FolderVisit[] = [];
  private readonly workspaceGlobs: RegExp[];
  private readonly excludedGlobs: RegExp[];
  private filesFound = 0;

  constructor(private readonly root: string) {
    const globs = readWorkspaceGlobs(root);
    this.workspaceGlobs = globs.filter((glob) => !glob.startsWith("!")).map(globToRegExp);
    this.excludedGlobs = globs.filter((glob) => glob.startsWith("!")).map((glob) => globToRegExp(glob.slice(1)));
  }

  run(): void {
    const rootPackage = this.plainPackage("", basename(this.root) || this.root);
    this.walk({ rel: "", abs: this.root, real: realpathSync(this.root), rules: [], pkg: rootPackage });
    this.followDeferredLinks();
    const counts = this.fileCountsByPackage();
    const onlyRoot = this.declaredPackages().length === 0;
    for (const pkg of this.packages.values()) {
      // A package shipped only as compiled JavaScript (`npm pack` output): its build is its source.
      // A root without package.json is a package only when nothing else is.
      if ((counts.get(pkg.rel) ?? 0) === 0 && (pkg.declared || onlyRoot)) {
        for (const visit of pkg.deferredBuild) this.walk(visit);
      } else {
        for (const visit of pkg.deferredBuild) this.skip(visit.rel, "build-output", `build output; ${pkg.name} has sources outside it`);
      }
    }
    this.followDeferredLinks();
  }

  result(): Workspace {
    const packages = this.finalPackages();
    const roots = new Set(packages.map((pkg) => pkg.rel));
    const files: SourceFile[] = this.files.map((file) => ({ ...file, packageRoot: rootLabel(owningPackage(file.path, roots)) }));
    return {
      root: this.root,
      name: basename(this.root) || this.root,
      files: files.sort((a, b) => compare(a.path, b.path)),
      skipped: this.skipped.sort((a, b) => compare(a.path, b.path) || compare(a.reason, b.reason)),
      packages: packages.map(toPackageInfo).sort((a, b) => compare(a.root === "." ? "" : a.root, b.root === "." ? "" : b.root)),
      filesFound: this.filesFound,
    };
  }

  private walk(visit: FolderVisit): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(visit.abs, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name));
    } catch (error) {
      this.skip(visit.rel || ".", "unreadable", errorCode(error));
      return;
    }
    this.visited.set(visit.real, visit.rel);
    const names = new Set(entries.map((entry) => entry.name));
    const rules = names.has(".gitignore") ? [...visit.rules, this.readGitignore(visit)] : visit.rules;
    const pkg = names.has("package.json") ? this.enterPackage(visit, entries) : visit.pkg;
    for (const entry of entries) {
      const rel = visit.rel ? `${visit.rel}/${entry.name}` : entry.name;
      const child: FolderVisit = { rel, abs: join(visit.abs, entry.name), real: join(visit.real, entry.name), rules, pkg };
      if (entry.isDirectory()) this.visitFolder(child, entry.name, visit.rel === pkg.rel);
      else if (entry.isFile()) this.visitFile(child);
      else if (entry.isSymbolicLink()) this.visitLink(child, entry.name, visit.rel === pkg.rel);
      else if (SOURCE_EXTENSION.test(entry.name)) this.skipFile(rel, "unreadable", "not a regular file");
    }
  }

  /** Walks a folder now, defers it (build output), or records why it is passed over. */
  private visitFolder(visit: FolderVisit, name: string, atPackageRoot: boolean, isLink = false): void {
    if (name === ".git") return;
    if (name === "node_modules") return this.skip(visit.rel, "node_modules");
    if (name === "coverage") return this.skip(visit.rel, "coverage");
    const ignoredBy = ignoringRule(visit.rules, visit.rel, true);
    if (ignoredBy) return this.skip(visit.rel, "ignored", ignoredBy);
    if (atPackageRoot && visit.pkg.buildFolders.has(name)) {
      visit.pkg.deferredBuild.push(visit);
      return;
    }
    if (isLink) this.deferredLinks.push(visit);
    else this.walk(visit);
  }

  private visitLink(visit: FolderVisit, name: string, atPackageRoot: boolean): void {
    let stats: Stats;
    let real: string;
    try {
      stats = statSync(visit.abs);
      real = stats.isDirectory() ? realpathSync(visit.abs) : visit.real;
    } catch (error) {
      const code = errorCode(error);
      const isSource = SOURCE_EXTENSION.test(name);
      if (isSource) this.filesFound += 1;
      if (code === "ELOOP") this.skip(visit.rel, "symlink-loop", "the link leads back to itself");
      else if (isSource) this.skip(visit.rel, "unreadable", `broken symbolic link (${code})`);
      return;
    }
    if (stats.isDirectory()) this.visitFolder({ ...visit, real }, name, atPackageRoot, true);
    else if (stats.isFile()) this.visitFile(visit, stats);
  }

  /** Linked folders are followed after the real tree, so a link never hides the folder it names. */
  private followDeferredLinks(): void {
    while (this.deferredLinks.length > 0) {
      const links = this.deferredLinks.splice(0).sort((a, b) => compare(a.rel, b.rel));
      for (const link of links) {
        const seenAs = this.visited.get(link.real);
        if (seenAs !== undefined) this.skip(link.rel, "symlink-loop", `links to ${seenAs || "."}, already read`);
        else this.walk(link);
      }
    }
  }

  private visitFile(visit: FolderVisit, linkedStats?: Stats): void {
    const language = SOURCE_EXTENSION.exec(visit.rel)?.[1].toLowerCase() as SourceLanguage | undefined;
    if (!language) return;
    this.filesFound += 1;
    const ignoredBy = ignoringRule(visit.rules, visit.rel, false);
    if (ignoredBy) return this.skip(visit.rel, "ignored", ignoredBy);
    if (TYPE_DECLARATION.test(visit.rel)) return this.skip(visit.rel, "not-source", "type declarations");
    if (MINIFIED_NAME.test(visit.rel)) return this.skip(visit.rel, "minified", "named .min.js");
    if (BUNDLE_CHUNK.test(visit.rel)) return this.skip(visit.rel, "build-output", "a bundler's hashed output chunk");
    let size: number;
    let sample: Buffer;
    try {
      size = (linkedStats ?? statSync(visit.abs)).size;
      if (size > MAX_SOURCE_BYTES) return this.skip(visit.rel, "too-large", `${size} bytes, over the 1 MB limit`);
      sample = readStart(visit.abs, Math.min(size, MINIFIED_SAMPLE_BYTES));
    } catch (error) {
      return this.skip(visit.rel, "unreadable", errorCode(error));
    }
    if (sample.subarray(0, BINARY_SAMPLE_BYTES).includes(0)) return this.skip(visit.rel, "binary", "contains NUL bytes");
    const minified = minifiedReason(sample);
    if (minified) return this.skip(visit.rel, "minified", minified);
    this.files.push({ path: visit.rel, absPath: visit.abs, size, language });
  }

  /** A folder with a package.json starts a package, unless the file only marks a module type. */
  private enterPackage(visit: FolderVisit, entries: Dirent[]): PackageFolder {
    const manifestRel = visit.rel ? `${visit.rel}/package.json` : "package.json";
    const manifest = this.readManifest(join(visit.abs, "package.json"), manifestRel);
    if (manifest && visit.rel !== "" && !this.isPackageManifest(manifest, visit.rel)) return visit.pkg;
    const folderName = basename(visit.abs) || visit.abs;
    const name = typeof manifest?.name === "string" && manifest.name ? manifest.name : folderName;
    const hasSrc = entries.some((entry) => entry.name === "src" && entry.isDirectory());
    const pkg: PackageFolder = {
      rel: visit.rel,
      name,
      dependencies: manifest ? dependencyNames(manifest) : [],
      hasManifest: manifest !== undefined,
      declared: true,
      buildFolders: new Set([...BUILD_OUTPUT_FOLDERS, ...(hasSrc && manifest && pointsIntoLib(manifest) ? ["lib"] : [])]),
      deferredBuild: [],
    };
    this.packages.set(visit.rel, pkg);
    return pkg;
  }

  // `dist/esm/package.json` holding only `{"type": "module"}` is not a package of its own.
  private isPackageManifest(manifest: Record<string, unknown>, rel: string): boolean {
    const listed = this.workspaceGlobs.some((glob) => glob.test(rel)) && !this.excludedGlobs.some((glob) => glob.test(rel));
    return listed || typeof manifest.name === "string" || dependencyNames(manifest).length > 0;
  }

  /** The manifest, or undefined when it cannot be used (recorded in `skipped`). */
  private readManifest(abs: string, rel: string): Record<string, unknown> | undefined {
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch (error) {
      this.skip(rel, "unreadable", errorCode(error));
      return undefined;
    }
    const parsed = parseJsonLocated(text);
    if ("value" in parsed) {
      if (parsed.value && typeof parsed.value === "object" && !Array.isArray(parsed.value)) return parsed.value as Record<string, unknown>;
      this.skipped.push({ path: rel, reason: "syntax-error", detail: "package.json is not a JSON object", line: 1, column: 1 });
      return undefined;
    }
    this.skipped.push({ path: rel, reason: "syntax-error", detail: `package.json is not valid JSON: ${parsed.message}`, line: parsed.line, column: parsed.column });
    return undefined;
  }

  private readGitignore(visit: FolderVisit): IgnoreRules {
    const matcher = ignore({ ignorecase: false });
    try {
      matcher.add(readFileSync(join(visit.abs, ".gitignore"), "utf8"));
    } catch {
      // An unreadable .gitignore ignores nothing, as in git.
    }
    return { base: visit.rel, matcher };
  }

  private plainPackage(rel: string, name: string): PackageFolder {
    const pkg: PackageFolder = { rel, name, dependencies: [], hasManifest: false, declared: false, buildFolders: new Set(BUILD_OUTPUT_FOLDERS), deferredBuild: [] };
    this.packages.set(rel, pkg);
    return pkg;
  }

  private declaredPackages(): PackageFolder[] {
    return [...this.packages.values()].filter((pkg) => pkg.declared);
  }

  /** Without a package.json at the top, the root counts only when some file belongs to no package. */
  private finalPackages(): PackageFolder[] {
    const declared = this.declaredPackages();
    const rootPackage = this.packages.get("");
    if (!rootPackage || rootPackage.declared) return declared;
    const declaredRoots = new Set(declared.map((pkg) => pkg.rel));
    const orphans = this.files.some((file) => owningPackage(file.path, declaredRoots) === undefined);
    return declared.length === 0 || orphans ? [rootPackage, ...declared] : declared;
  }

  private fileCountsByPackage(): Map<string, number> {
    const roots = new Set(this.packages.keys());
    const counts = new Map<string, number>();
    for (const file of this.files) {
      const owner = owningPackage(file.path, roots) ?? "";
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    return counts;
  }

  private skip(path: string, reason: Skipped["reason"], detail?: string): void {
    this.skipped.push({ path, reason, ...(detail ? { detail } : {}) });
  }

  private skipFile(path: string, reason: Skipped["reason"], detail: string): void {
    this.filesFound += 1;
    this.skip(path, reason, detail);
  }
}

/** The deepest package root containing `path`, or undefined. */
function owningPackage(path: string, roots: Set<string>): string | undefined {
  for (let folder = path; ; ) {
    const slash = folder.lastIndexOf("/");
    folder = slash === -1 ? "" : folder.slice(0, slash);
    if (roots.has(folder)) return folder;
    if (folder === "") return undefined;
  }
}

function rootLabel(rel: string | undefined): string {
  return rel ? rel : ".";
}

function toPackageInfo(pkg: PackageFolder): PackageInfo {
  return { name: pkg.name, root: rootLabel(pkg.rel), dependencies: pkg.dependencies, hasManifest: pkg.hasManifest };
}

function dependencyNames(manifest: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    const value = manifest[field];
    if (value && typeof value === "object" && !Array.isArray(value)) for (const name of Object.keys(value)) names.add(name);
  }
  return [...names].sort(compare);
}

function pointsIntoLib(manifest: Record<string, unknown>): boolean {
  return ["main", "types", "typings", "module"].some((field) => {
    const value = manifest[field];
    return typeof value === "string" && /^(\.\/)?lib(\/|$)/.test(value);
  });
}

/** Which .gitignore rule passes over `rel`, as "path/.gitignore: pattern"; undefined when none does. */
function ignoringRule(rules: IgnoreRules[], rel: string, isFolder: boolean): string | undefined {
  let verdict: string | undefined;
  for (const { base, matcher } of rules) {
    const local = (base ? rel.slice(base.length + 1) : rel) + (isFolder ? "/" : "");
    let result;
    try {
      result = matcher.test(local);
    } catch {
      continue; // a name `ignore` refuses (such as "...") is never ignored
    }
    if (result.ignored) verdict = `${base ? `${base}/` : ""}.gitignore: ${result.rule?.pattern ?? ""}`;
    else if (result.unignored) verdict = undefined;
  }
  return verdict;
}

function readStart(path: string, bytes: number): Buffer {
  // Only the bytes read are returned, so the buffer need not be zeroed first (a zeroed 64 kB per
  // file was 75 ms of ghost's discovery).
  const buffer = Buffer.allocUnsafe(bytes);
  const fd = openSync(path, "r");
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** Why the sample looks machine-written: very long lines on average, or one huge line. */
function minifiedReason(start: Buffer): string | undefined {
  // Compilers (Babel, tsc) may end readable output with an inline source map: one long comment.
  const sourceMap = Math.max(start.lastIndexOf("//# sourceMappingURL=data:"), start.lastIndexOf("//@ sourceMappingURL=data:"));
  const sample = sourceMap === -1 ? start : start.subarray(0, sourceMap);
  let newlines = 0;
  let longest = 0;
  let lineStart = 0;
  for (let index = sample.indexOf(10); index !== -1; index = sample.indexOf(10, index + 1)) {
    newlines += 1;
    longest = Math.max(longest, index - lineStart);
    lineStart = index + 1;
  }
  longest = Math.max(longest, sample.length - lineStart);
  const lines = lineStart === sample.length ? newlines : newlines + 1;
  const average = lines === 0 ? 0 : sample.length / lines;
  if (average > MINIFIED_AVERAGE_LINE) return `average line length ${Math.round(average)} bytes`;
  // A bundle may open with a short-lined header that keeps the average down. "Few newlines":
  // under one per 100 bytes, where hand-written code has one every 30 to 40.
  if (longest > MINIFIED_LONG_LINE && newlines < sample.length / 100) return `a line of ${longest} bytes`;
  return undefined;
}

type LocatedJson = { value: unknown } | { message: string; line: number; column: number };

/** JSON.parse with the error's line and column (V8 does not always give a position). */
export function parseJsonLocated(text: string): LocatedJson {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { value: JSON.parse(body) };
  } catch (error) {
    // V8 words it "<what> in JSON at position N (line L column C)" or "<what>, "<text>" is not
    // valid JSON", depending on the error and the Node version: keep <what>, locate it here.
    const raw = (error as Error).message;
    const message = raw.replace(/, ".*" is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "");
    const position = /at position (\d+)/.exec(raw);
    const lineStarts = buildLineStarts(body);
    if (position) return { message, ...lineColumnOf(lineStarts, Number(position[1])) };
    return { message, ...locateWithParser(body, lineStarts) };
  }
}

// JSON is a JavaScript expression: oxc points at the same bad token. The text goes on its own
// line inside the parentheses, so line numbers shift by exactly one.
function locateWithParser(text: string, lineStarts: number[]): { line: number; column: number } {
  const outcome = parseSource("package.json.js", `(\n${text}\n)`);
  const first = "error" in outcome ? outcome.error : outcome.errors[0];
  const end = lineColumnOf(lineStarts, text.length);
  if (!first || first.line - 1 > end.line) return end;
  return first.line - 1 < 1 ? { line: 1, column: 1 } : { line: first.line - 1, column: first.column };
}

function readWorkspaceGlobs(root: string): string[] {
  const globs: string[] = [];
  try {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces?: unknown };
    const workspaces = manifest.workspaces as { packages?: unknown } | unknown[] | undefined;
    const list = Array.isArray(workspaces) ? workspaces : workspaces?.packages;
    if (Array.isArray(list)) globs.push(...list.filter((entry): entry is string => typeof entry === "string"));
  } catch {
    // No usable root package.json: workspaces are only a hint.
  }
  try {
    const pnpm = parseYaml(readFileSync(join(root, "pnpm-workspace.yaml"), "utf8")) as { packages?: unknown } | null;
    if (Array.isArray(pnpm?.packages)) globs.push(...pnpm.packages.filter((entry): entry is string => typeof entry === "string"));
  } catch {
    // Same: a missing or broken pnpm-workspace.yaml only loses the hint.
  }
  return globs;
}

/** A workspace glob ("packages/*", "apps/**") as a regular expression over relative folders. */
function globToRegExp(glob: string): RegExp {
  const pattern = glob.replace(/^\.\//, "").replace(/\/+$/, "");
  const source = pattern.replace(/\*\*\/|\*\*|\*|\?|[.+^${}()|[\]\\]/g, (token) => {
    if (token === "**/") return "(?:.*/)?";
    if (token === "**") return ".*";
    if (token === "*") return "[^/]*";
    if (token === "?") return "[^/]";
    return `\\${token}`;
  });
  return new RegExp(`^${source}$`);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? String(error);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
