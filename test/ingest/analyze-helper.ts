// Analyses in-memory source files into a ProjectIndex, for tests: `{ "src/a.ts": "…" }`. Relative
// specifiers resolve among the given files (a `.js` specifier finds the `.ts` file, a folder its
// index); bare specifiers are packages, Node built-ins are named "node:x" as the real resolver does.
import { isBuiltin } from "node:module";
import { posix } from "node:path";
import { FileAnalyzer, type Extractor } from "../../src/ingest/js/analyzer.ts";
import { isParseFailure, parseSource } from "../../src/ingest/js/parse.ts";
import { ProjectIndex } from "../../src/ingest/link/project-index.ts";
import { CODE_EXTRACTORS } from "../../src/ingest/code/index.ts";
import { authSignals } from "../../src/ingest/code/auth-signals.ts";
import type { ModuleResolver, ResolveResult } from "../../src/ingest/workspace/types.ts";

const EXTENSIONS = ["", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];

export function stubResolver(paths: readonly string[]): ModuleResolver {
  const known = new Set(paths);
  return {
    resolve(fromFile: string, specifier: string): ResolveResult {
      if (specifier.startsWith(".")) {
        const base = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
        const stem = base.replace(/\.(js|jsx|mjs|cjs)$/, "");
        const candidates = [...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.slice(1).map((e) => `${base}/index${e}`)];
        const found = candidates.find((c) => known.has(c));
        return found ? { kind: "file", path: found } : { kind: "unresolved" };
      }
      if (specifier.startsWith("node:")) return { kind: "package", name: specifier };
      if (isBuiltin(specifier)) return { kind: "package", name: `node:${specifier}` };
      const parts = specifier.split("/");
      return { kind: "package", name: specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0] };
    },
  };
}

export function analyzeSources(files: Record<string, string>, extractors: readonly Extractor[] = [...CODE_EXTRACTORS, authSignals]): ProjectIndex {
  const paths = Object.keys(files).sort();
  const resolver = stubResolver(paths);
  const facts = paths.map((path) => {
    const parsed = parseSource(path, files[path]);
    if (isParseFailure(parsed)) throw new Error(`${path}:${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}`);
    return new FileAnalyzer(path, ".", files[path], parsed.lineStarts, resolver, extractors).analyze(parsed.program);
  });
  return new ProjectIndex(facts);
}

/** The id of the function that starts at a line (and column, when several start on it). */
export function functionAt(index: ProjectIndex, file: string, line: number, column?: number): string {
  const found = [...index.functions.values()].filter((f) => f.loc.file === file && f.loc.line === line && (column === undefined || f.loc.column === column));
  if (found.length !== 1) throw new Error(`expected one function at ${file}:${line}${column ? `:${column}` : ""}, found ${found.length}`);
  return found[0].id;
}
