// Downloads the benchmark corpus: real backends published on the npm registry, unpacked into
// bench/corpus/<dir> (git-ignored). Only the packages' own files come down — no dependencies —
// because bka reviews a project's sources, not its node_modules. Safe to run again: a project
// already unpacked is left alone.
//
//   node --import tsx bench/fetch-corpus.ts           # the default corpus
//   node --import tsx bench/fetch-corpus.ts --extra   # also the optional, larger projects
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CorpusProject {
  /** Folder under bench/corpus/. */
  dir: string;
  /** npm package spec, pinned so figures stay comparable between runs. */
  spec: string;
  /** Fetched only with --extra. */
  optional?: boolean;
}

export const CORPUS: readonly CorpusProject[] = [
  { dir: "ghost", spec: "ghost@6.65.0" },
  { dir: "parse-server", spec: "parse-server@9.10.0" },
  { dir: "directus-api", spec: "@directus/api@39.2.1", optional: true },
];

export const CORPUS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "corpus");

/** A marker written last, so a half-unpacked folder (interrupted run) is fetched again. */
const COMPLETE_MARKER = ".bka-corpus-complete";

export function projectPath(project: CorpusProject): string {
  return join(CORPUS_ROOT, project.dir);
}

export function isFetched(project: CorpusProject): boolean {
  return existsSync(join(projectPath(project), COMPLETE_MARKER));
}

export function selectProjects(includeOptional: boolean): CorpusProject[] {
  return CORPUS.filter((project) => includeOptional || !project.optional);
}

/** Fetches every selected project that is not there yet; returns the projects now present. */
export async function fetchCorpus(options: { includeOptional?: boolean; log?: (line: string) => void } = {}): Promise<CorpusProject[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  mkdirSync(CORPUS_ROOT, { recursive: true });
  const projects = selectProjects(options.includeOptional ?? false);
  for (const project of projects) {
    if (isFetched(project)) {
      log(`corpus: ${project.spec} already in bench/corpus/${project.dir}`);
      continue;
    }
    log(`corpus: fetching ${project.spec} …`);
    await fetchProject(project);
    log(`corpus: ${project.spec} → bench/corpus/${project.dir}`);
  }
  return projects;
}

async function fetchProject(project: CorpusProject): Promise<void> {
  const target = projectPath(project);
  const staging = join(CORPUS_ROOT, `.staging-${project.dir}`);
  rmSync(staging, { recursive: true, force: true });
  rmSync(target, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const tarball = await packTarball(project.spec, staging);
    const unpacked = join(staging, "unpacked");
    mkdirSync(unpacked);
    // npm tarballs hold everything under a top "package/" folder.
    await run("tar", ["xzf", tarball, "-C", unpacked, "--strip-components=1"]);
    renameSync(unpacked, target);
    writeMarker(target, project.spec);
  } catch (error) {
    rmSync(target, { recursive: true, force: true });
    throw new Error(`could not fetch ${project.spec} into bench/corpus/${project.dir}: ${describe(error)}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function packTarball(spec: string, destination: string): Promise<string> {
  // --ignore-scripts: the corpus is data to read, never code to run.
  const { stdout } = await run("npm", ["pack", spec, "--pack-destination", destination, "--json", "--ignore-scripts"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const packed = JSON.parse(stdout) as { filename: string }[];
  const filename = packed[0]?.filename;
  if (!filename) throw new Error(`npm pack ${spec} printed no file name`);
  // npm names scoped tarballs "scope-name-1.0.0.tgz"; its JSON reports the same name.
  return join(destination, filename.replace(/^@/, "").replace(/\//g, "-"));
}

function writeMarker(folder: string, spec: string): void {
  // Plain text, so `cat` shows what a folder holds.
  writeFileSync(join(folder, COMPLETE_MARKER), `${spec}\n`);
}

/** Files and bytes under a folder, for the summary line. */
export function folderSize(folder: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const pending = [folder];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) {
        files += 1;
        bytes += statSync(full).size;
      }
    }
  }
  return { files, bytes };
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "stderr" in error && typeof error.stderr === "string" && error.stderr.trim()) {
    return error.stderr.trim().split("\n").slice(-3).join(" | ");
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const includeOptional = process.argv.includes("--extra");
  const projects = await fetchCorpus({ includeOptional });
  for (const project of projects) {
    const { files, bytes } = folderSize(projectPath(project));
    const spec = readFileSync(join(projectPath(project), COMPLETE_MARKER), "utf8").trim();
    console.log(`${spec}: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MB in bench/corpus/${project.dir}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(describe(error));
    process.exitCode = 1;
  });
}
