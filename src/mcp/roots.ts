// File access for the MCP server is confined to the roots given at start. A path is checked twice:
// as written (so a refusal does not reveal whether something exists outside), then after
// resolving symlinks (so a link inside a root cannot lead outside it).
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { BadInputError } from "../ingest/workspace/types.ts";

/** An error the client should see as a tool error result, with this message. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** Real paths of the given root folders; a root that is missing or not a folder is bad input. */
export function realRoots(roots: readonly string[]): string[] {
  return roots.map((root) => {
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new BadInputError(`--root is not a folder: ${root}`, root);
    return realpathSync(root);
  });
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Resolves a path argument (relative ones against the first root; none means the first root)
 * to a real path inside a root, or throws a ToolError saying why not.
 */
export function confine(path: string | undefined, roots: readonly string[], kind: "folder" | "file"): string {
  const requested = resolve(roots[0], path ?? ".");
  const shown = path ?? requested;
  const allowed = `the roots this server may read: ${roots.join(", ")}`;
  if (!roots.some((root) => isInside(requested, root))) throw new ToolError(`refused: ${shown} is outside ${allowed}`);
  if (!existsSync(requested)) throw new ToolError(`no such ${kind}: ${shown}`);
  const real = realpathSync(requested);
  if (!roots.some((root) => isInside(real, root))) throw new ToolError(`refused: ${shown} leads outside ${allowed} through a symlink`);
  const isFolder = statSync(real).isDirectory();
  if (kind === "folder" && !isFolder) throw new ToolError(`not a folder: ${path ?? requested}`);
  if (kind === "file" && isFolder) throw new ToolError(`not a file: ${path ?? requested}`);
  return real;
}
