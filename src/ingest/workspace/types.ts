// What workspace discovery hands to the rest of ingest.
import type { Skipped } from "../../model/types.ts";

export type SourceLanguage = "ts" | "tsx" | "js" | "jsx" | "mjs" | "cjs" | "mts" | "cts";

export interface SourceFile {
  /** Relative to the reviewed root, posix separators. */
  path: string;
  absPath: string;
  size: number;
  language: SourceLanguage;
  /** Root of the package (Service) this file belongs to, relative, "." for the top. */
  packageRoot: string;
}

export interface PackageInfo {
  /** package.json "name", or the folder name. */
  name: string;
  /** Relative to the reviewed root, "." for the top. */
  root: string;
  /** dependencies + devDependencies + peerDependencies names, sorted. */
  dependencies: string[];
  /** Has a package.json (false for a plain folder of sources). */
  hasManifest: boolean;
}

export interface Workspace {
  /** Absolute path of the reviewed root. */
  root: string;
  /** Folder name of the root (what the model calls `project`). */
  name: string;
  /** Source files to parse, sorted by path. */
  files: SourceFile[];
  /** Everything passed over, sorted by path, with the reason. */
  skipped: Skipped[];
  /** Packages, sorted by root; the first is the deepest-common one. Always at least one. */
  packages: PackageInfo[];
  /** Total candidate files seen before skipping (for coverage). */
  filesFound: number;
}

/** Resolves an import specifier seen in one file to a project file or an external package. */
export type ResolveResult =
  | { kind: "file"; path: string } // relative to root, posix
  | { kind: "package"; name: string } // "express", "@fastify/jwt"
  | { kind: "unresolved" };

export interface ModuleResolver {
  resolve(fromFile: string, specifier: string): ResolveResult;
}

/** Input the run cannot use at all: the CLI prints `message` and exits 2. */
export class BadInputError extends Error {
  constructor(message: string, readonly path?: string) {
    super(message);
    this.name = "BadInputError";
  }
}
