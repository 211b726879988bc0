// Route path machinery shared by every framework: joining prefixes, normalising to OpenAPI
// templates, and matching a middleware's mount path against a route.
import type { Sym } from "../js/sym.ts";

/** Placeholder for a path part that could not be resolved statically. */
export const UNRESOLVED_SEGMENT = "{?}";

/**
 * A path-like symbolic value as text in the framework's own syntax, or undefined when it is not
 * path-like at all. Template parts that are not literal become `{?}`.
 */
export function pathText(sym: Sym | undefined): string | undefined {
  if (!sym) return undefined;
  if (sym.k === "lit") return typeof sym.value === "string" ? sym.value : undefined;
  if (sym.k === "concat") {
    return sym.parts.map((p) => (p.k === "lit" && p.value !== null ? String(p.value) : UNRESOLVED_SEGMENT)).join("");
  }
  return undefined;
}

/** Joins a prefix and a route path the way routers do: one slash between, none at the end. */
export function joinPaths(...parts: string[]): string {
  const joined = parts
    .map((p) => p.trim())
    .filter((p) => p !== "" && p !== "/")
    .map((p) => p.replace(/^\/+|\/+$/g, ""))
    .filter((p) => p !== "")
    .join("/");
  return "/" + joined;
}

/**
 * Express/Fastify/Koa `:id`, `:id?`, `:id(\\d+)`, Hono `:id{[0-9]+}`, Next/Nitro `[id]`,
 * `[...slug]`, and `*` become OpenAPI `{id}` templates.
 */
export function toOpenApiPath(path: string): string {
  let wildcard = 0;
  return path
    .split("/")
    .map((segment) =>
      segment
        .replace(/^\[\.\.\.(\w+)\]$/, "{$1}")
        .replace(/^\[\[\.\.\.(\w+)\]\]$/, "{$1}")
        .replace(/^\[(\w+)\]$/, "{$1}")
        .replace(/:(\w+)(\([^)]*\)|\{(?:[^{}]|\{[^{}]*\})*\})?\??/g, "{$1}")
        .replace(/^\*$/, () => `{wildcard${wildcard++ ? wildcard : ""}}`),
    )
    .join("/");
}

export function pathParams(openApiPath: string): string[] {
  return [...openApiPath.matchAll(/\{(\w+|\?)\}/g)].map((m) => m[1]).filter((p) => p !== "?");
}

/**
 * Does middleware mounted at `scope` run for a request to `path`? Both in OpenAPI form.
 * Express matches mount paths by whole segments; a `{param}` segment matches anything.
 */
export function scopeCovers(scope: string, path: string): boolean {
  if (scope === "/" || scope === "") return true;
  const s = scope.split("/").filter(Boolean);
  const p = path.split("/").filter(Boolean);
  if (s.length > p.length) return false;
  return s.every((seg, i) => seg === p[i] || seg.startsWith("{") || p[i].startsWith("{"));
}

/** The same route template, whatever its parameters are called (`/a/{id}` and `/a/{slug}`). */
export function samePath(a: string, b: string): boolean {
  const shape = (p: string) => joinPaths(p).replace(/\{[^}]*\}/g, "{}");
  return shape(a) === shape(b);
}
