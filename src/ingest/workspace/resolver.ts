// Resolves import specifiers to project files or package names with oxc-resolver.
// The analysed project usually has no node_modules installed, so node_modules is never searched:
// a bare specifier that is neither a tsconfig alias nor a workspace package is a package by name.
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ResolverFactory } from "oxc-resolver";
import type { NapiResolveOptions } from "oxc-resolver";
import type { ModuleResolver, PackageInfo, ResolveResult, Workspace } from "./types.ts";

const BASE_OPTIONS: NapiResolveOptions = {
  extensions: [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json"],
  // TypeScript's ESM style: `./x.js` names the `./x.ts` that compiles to it.
  extensionAlias: {
    ".js": [".ts", ".tsx", ".js", ".jsx"],
    ".jsx": [".tsx", ".jsx"],
    ".mjs": [".mts", ".mjs"],
    ".cjs": [".cts", ".cjs"],
  },
  conditionNames: ["node", "import", "require", "default"],
  modules: [],
  nodePath: false,
  // Keep resolved paths under the root as discovery saw them, even through symlinks.
  symlinks: false,
};

const UNRESOLVED: ResolveResult = { kind: "unresolved" };
const PACKAGE_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
const TYPE_DECLARATION = /\.d\.[mc]?ts$/;
const BUILD_FOLDER = /^(?:dist|build|lib|out)\//;

export function createResolver(workspace: Workspace): ModuleResolver {
  const root = workspace.root;
  const base = new ResolverFactory(BASE_OPTIONS);
  const tsconfigs = new TsconfigResolvers(root, base, workspace.packages);
  const sourceFiles = new Set(workspace.files.map((file) => file.absPath));
  const workspacePackages = new WorkspacePackages(root, base, workspace.packages, sourceFiles);
  const cache = new Map<string, ResolveResult>();

  function resolveUncached(directory: string, specifier: string): ResolveResult {
    const builtin = builtinName(specifier);
    if (builtin) return { kind: "package", name: builtin };
    const resolver = tsconfigs.forDirectory(directory);
    if (isPathSpecifier(specifier)) return classifyPath(root, resolver.sync(directory, specifier).path);
    // tsconfig `paths`, `baseUrl` and package.json `imports` come first, as in TypeScript.
    const aliased = classifyPath(root, resolver.sync(directory, specifier).path);
    if (aliased.kind === "file") return aliased;
    const workspaceFile = workspacePackages.resolve(specifier);
    if (workspaceFile) return classifyPath(root, workspaceFile);
    const name = packageNameOf(specifier);
    return name ? { kind: "package", name } : UNRESOLVED;
  }

  return {
    resolve(fromFile: string, specifier: string): ResolveResult {
      const directory = dirname(isAbsolute(fromFile) ? fromFile : join(root, fromFile));
      const key = `${directory}\0${specifier}`;
      let result = cache.get(key);
      if (!result) {
        try {
          result = resolveUncached(directory, specifier);
        } catch {
          result = UNRESOLVED;
        }
        cache.set(key, result);
      }
      return result;
    },
  };
}

function builtinName(specifier: string): string | undefined {
  if (specifier.startsWith("node:")) return specifier;
  return isBuiltin(specifier) ? `node:${specifier}` : undefined;
}

function isPathSpecifier(specifier: string): boolean {
  return specifier === "." || specifier === ".." || /^\.{0,2}\//.test(specifier);
}

/** `@scope/pkg/sub/path` → `@scope/pkg`; undefined when it cannot be an npm package name. */
export function packageNameOf(specifier: string): string | undefined {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return PACKAGE_NAME.test(name) ? name : undefined;
}

function classifyPath(root: string, absolutePath: string | undefined): ResolveResult {
  if (!absolutePath) return UNRESOLVED;
  const path = relative(root, absolutePath).split(sep).join("/");
  if (path.startsWith("../") || isAbsolute(path)) return UNRESOLVED;
  const inModules = path.lastIndexOf("node_modules/");
  if (inModules !== -1) {
    const name = packageNameOf(path.slice(inModules + "node_modules/".length));
    return name ? { kind: "package", name } : UNRESOLVED;
  }
  return { kind: "file", path };
}

/** One resolver per tsconfig.json, picked by the nearest tsconfig.json up to the root. */
class TsconfigResolvers {
  private readonly byDirectory = new Map<string, ResolverFactory>();
  private readonly byConfig = new Map<string, ResolverFactory>();

  constructor(
    private readonly root: string,
    private readonly base: ResolverFactory,
    private readonly packages: PackageInfo[],
  ) {}

  forDirectory(directory: string): ResolverFactory {
    let resolver = this.byDirectory.get(directory);
    if (!resolver) {
      const config = join(directory, "tsconfig.json");
      const parent = dirname(directory);
      if (existsSync(config)) resolver = this.forConfig(config);
      else if (directory === this.root || parent === directory || !directory.startsWith(this.root)) resolver = this.base;
      else resolver = this.forDirectory(parent);
      this.byDirectory.set(directory, resolver);
    }
    return resolver;
  }

  private forConfig(configFile: string): ResolverFactory {
    let resolver = this.byConfig.get(configFile);
    if (!resolver) {
      resolver = this.base.cloneWithOptions({ ...BASE_OPTIONS, tsconfig: { configFile, references: "auto" } });
      // oxc-resolver fails every request when a tsconfig cannot be loaded, most often because
      // its `extends` names a package that is not installed. Then use what can be read here.
      const probe = resolver.sync(dirname(configFile), `./${basename(configFile)}`);
      if (probe.error) {
        const { baseUrl, paths } = readCompilerPaths(configFile, this.packages, this.root);
        resolver = this.base.cloneWithOptions({ ...BASE_OPTIONS, alias: aliasesFromPaths(paths), modules: baseUrl ? [baseUrl] : [] });
      }
      this.byConfig.set(configFile, resolver);
    }
    return resolver;
  }
}

interface CompilerPaths {
  baseUrl?: string; // absolute
  paths?: Record<string, string[]>; // targets absolute
}

/** `baseUrl` and `paths` along a tsconfig's `extends` chain, following only files that exist here. */
function readCompilerPaths(configFile: string, packages: PackageInfo[], root: string, seen = new Set<string>()): CompilerPaths {
  if (seen.has(configFile) || !existsSync(configFile)) return {};
  seen.add(configFile);
  const config = readJsonWithComments(configFile);
  const directory = dirname(configFile);
  const parents = ([] as unknown[]).concat(config.extends ?? []).filter((entry): entry is string => typeof entry === "string");
  let result: CompilerPaths = {};
  for (const parent of parents) {
    const parentFile = locateExtendedConfig(parent, directory, packages, root);
    if (parentFile) result = { ...result, ...definedOnly(readCompilerPaths(parentFile, packages, root, seen)) };
  }
  const options = (config.compilerOptions ?? {}) as { baseUrl?: unknown; paths?: unknown };
  if (typeof options.baseUrl === "string") result.baseUrl = resolve(directory, options.baseUrl);
  if (options.paths && typeof options.paths === "object") {
    const pathsBase = result.baseUrl ?? directory;
    result.paths = Object.fromEntries(
      Object.entries(options.paths as Record<string, unknown>).map(([pattern, targets]) => [
        pattern,
        (Array.isArray(targets) ? targets : []).filter((target): target is string => typeof target === "string").map((target) => resolve(pathsBase, target)),
      ]),
    );
  }
  return result;
}

function definedOnly(paths: CompilerPaths): CompilerPaths {
  return Object.fromEntries(Object.entries(paths).filter(([, value]) => value !== undefined));
}

function locateExtendedConfig(specifier: string, directory: string, packages: PackageInfo[], root: string): string | undefined {
  const withJson = (path: string) => (existsSync(path) || path.endsWith(".json") ? path : `${path}.json`);
  if (isPathSpecifier(specifier) || isAbsolute(specifier)) return withJson(resolve(directory, specifier));
  // A monorepo's shared config package ("@acme/tsconfig/base.json") is a workspace package.
  const owner = packages.find((pkg) => pkg.hasManifest && (specifier === pkg.name || specifier.startsWith(`${pkg.name}/`)));
  if (!owner) return undefined;
  const subpath = specifier.slice(owner.name.length + 1) || "tsconfig.json";
  return withJson(join(root, owner.root, subpath));
}

/** tsconfig `paths` as oxc-resolver aliases: most specific pattern first, exact keys marked with `$`. */
function aliasesFromPaths(paths: Record<string, string[]> = {}): Record<string, string[]> {
  const prefixLength = (pattern: string) => (pattern.includes("*") ? pattern.indexOf("*") : Number.MAX_SAFE_INTEGER);
  const patterns = Object.keys(paths).sort((a, b) => prefixLength(b) - prefixLength(a) || (a < b ? -1 : 1));
  return Object.fromEntries(patterns.map((pattern) => [pattern.includes("*") ? pattern : `${pattern}$`, paths[pattern]]));
}

/** Reads JSON that may hold comments and trailing commas (tsconfig.json); {} when unreadable. */
function readJsonWithComments(file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(stripJsonComments(readFileSync(file, "utf8")));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// Strings are matched first so that "//" or "," inside them is kept.
const STRING_OR_COMMENT = /("(?:[^"\\\n]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g;
const STRING_OR_TRAILING_COMMA = /("(?:[^"\\\n]|\\.)*")|,(?=\s*[}\]])/g;

function stripJsonComments(text: string): string {
  const keepStrings = (_match: string, string: string | undefined) => string ?? "";
  return text.replace(STRING_OR_COMMENT, keepStrings).replace(STRING_OR_TRAILING_COMMA, keepStrings);
}

/**
 * Monorepo packages imported by name (`@acme/db`) without node_modules: through the package's
 * `exports` (self-reference), its `module`/`main`, the same paths under `src/` when those point
 * at a build output, then `src/index`. The first candidate that discovery kept as a source file
 * wins, so an import lands on `src/index.ts` rather than a `dist/index.js` that was skipped.
 */
class WorkspacePackages {
  private readonly manifests = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly root: string,
    private readonly base: ResolverFactory,
    private readonly packages: PackageInfo[],
    private readonly sourceFiles: Set<string>,
  ) {}

  resolve(specifier: string): string | undefined {
    const pkg = this.packages.find((candidate) => candidate.hasManifest && (specifier === candidate.name || specifier.startsWith(`${candidate.name}/`)));
    if (!pkg) return undefined;
    const directory = join(this.root, pkg.root);
    const manifest = this.manifest(directory);
    const subpath = `.${specifier.slice(pkg.name.length)}`;
    const targets = entryTargets(manifest, subpath);
    const sourceGuesses = targets.filter((target) => BUILD_FOLDER.test(target)).map((target) => target.replace(BUILD_FOLDER, "src/"));
    const fallbacks = subpath === "." ? ["src", "."] : [`src/${subpath.slice(2)}`];
    // Self-reference applies the package's own `exports` with the resolver's conditions.
    const requests = [...(manifest.exports !== undefined ? [specifier] : []), ...[...targets, ...sourceGuesses, ...fallbacks].map((target) => `./${target}`)];
    let firstExisting: string | undefined;
    for (const request of requests) {
      const found = this.inside(directory, request);
      if (found && this.sourceFiles.has(found)) return found;
      firstExisting ??= found;
    }
    return firstExisting;
  }

  private inside(directory: string, request: string): string | undefined {
    const path = this.base.sync(directory, request).path;
    return path && !TYPE_DECLARATION.test(path) ? path : undefined;
  }

  private manifest(directory: string): Record<string, unknown> {
    let manifest = this.manifests.get(directory);
    if (!manifest) {
      manifest = readJsonWithComments(join(directory, "package.json"));
      this.manifests.set(directory, manifest);
    }
    return manifest;
  }
}

/** Files a package.json names for a subpath ("." or "./x"), without leading "./", in order. */
function entryTargets(manifest: Record<string, unknown>, subpath: string): string[] {
  const targets = [...exportTargets(manifest.exports, subpath)];
  if (subpath === ".") {
    for (const field of ["module", "main"]) if (typeof manifest[field] === "string") targets.push(manifest[field] as string);
  } else {
    targets.push(subpath);
  }
  return [...new Set(targets.map((target) => target.replace(/^\.\//, "")).filter((target) => target && !TYPE_DECLARATION.test(target)))];
}

function exportTargets(exports: unknown, subpath: string): string[] {
  if (exports === undefined || exports === null) return [];
  const isSubpathMap = typeof exports === "object" && !Array.isArray(exports) && Object.keys(exports).some((key) => key.startsWith("."));
  if (!isSubpathMap) return subpath === "." ? leaves(exports) : [];
  const map = exports as Record<string, unknown>;
  if (subpath in map) return leaves(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf("*");
    if (star === -1) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length) {
      const matched = subpath.slice(prefix.length, subpath.length - suffix.length);
      return leaves(value).map((target) => target.replaceAll("*", matched));
    }
  }
  return [];
}

function leaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [];
}
