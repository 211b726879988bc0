// File-based routing: a route is a file, its path is the file's path. Nitro/h3 (and Nuxt's
// server/): `server/api/articles/[slug].get.ts` exporting `defineEventHandler(…)`, with
// `server/middleware/*` running before every route. Next.js route handlers:
// `app/api/articles/[slug]/route.ts` exporting `GET`, `POST`, …, with the root `middleware.ts`
// running for the paths its `config.matcher` matches.
import type { Framework, HttpMethod, RequestSchemas } from "../../model/types.ts";
import type { FileFacts } from "../js/facts.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { schemaFromSym } from "../schemas/index.ts";
import type { ChainItem, EndpointBuilder } from "./endpoint-builder.ts";
import { joinPaths, pathText, toOpenApiPath } from "./paths.ts";
import { compareText } from "../../model/order.ts";

const SOURCE_EXT = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const NITRO_METHODS = new Set(["get", "post", "put", "patch", "delete", "head", "options"]);
/** h3 / Nitro functions that define a request handler (auto-imported, or imported from h3 / nitropack). */
const EVENT_HANDLERS = new Set(["defineEventHandler", "eventHandler", "defineCachedEventHandler", "cachedEventHandler", "fromNodeMiddleware"]);
const LAZY_HANDLERS = new Set(["defineLazyEventHandler", "lazyEventHandler"]);
/** h3's validating reads and the request part each declares. */
const VALIDATED_READS: Record<string, keyof RequestSchemas> = { readValidatedBody: "body", getValidatedQuery: "query", getValidatedRouterParams: "params" };
const PARSE_METHODS = new Set(["parse", "parseAsync", "safeParse", "safeParseAsync"]);
const NEXT_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const NEXT_MIDDLEWARE = /^(src\/)?(middleware|proxy)\.(ts|js|mjs)$/;

interface Package {
  root: string;
  /** Files by path relative to the package root. */
  files: Map<string, FileFacts>;
}

/** Adds the routes of every file-routed package in the project to `builder`. */
export function addFileRoutes(index: ProjectIndex, builder: EndpointBuilder, serviceOf: (file: string) => string): void {
  for (const pkg of packagesOf(index)) {
    addNitroRoutes(pkg, index, builder, serviceOf);
    addNextRoutes(pkg, index, builder, serviceOf);
  }
}

function packagesOf(index: ProjectIndex): Package[] {
  const byRoot = new Map<string, Package>();
  for (const facts of [...index.files.values()].sort((a, b) => compareText(a.path, b.path))) {
    const root = facts.packageRoot;
    let pkg = byRoot.get(root);
    if (!pkg) byRoot.set(root, (pkg = { root, files: new Map() }));
    pkg.files.set(root === "." ? facts.path : facts.path.slice(root.length + 1), facts);
  }
  return [...byRoot.values()];
}

/** The file is the registration; its handler's location stands for it (the file's start without one). */
function add(builder: EndpointBuilder, framework: Framework, serviceOf: (file: string) => string, facts: FileFacts, method: HttpMethod, path: string, handler: Sym | undefined, chain: ChainItem[], request: RequestSchemas = {}): void {
  builder.add({
    framework, serviceId: serviceOf(facts.path), method, prefix: "/", path, loc: handlerLoc(handler, facts), chain, handler, prefixResolved: true,
    ...(Object.keys(request).length ? { request } : {}),
  });
}

function handlerLoc(handler: Sym | undefined, facts: FileFacts): ChainItem["loc"] {
  const fn = handler?.k === "fn" ? facts.functions.find((f) => f.id === handler.id) : undefined;
  return fn ? fn.loc : { file: facts.path, line: 1, column: 1 };
}

// ---- Nitro / h3 ------------------------------------------------------------------------------

interface NitroLayout {
  /** Folders scanned for api/, routes/ and middleware/, relative to the package root ("" for the root). */
  scanDirs: string[];
  apiDir: string;
  routesDir: string;
  apiBaseURL: string;
}

function addNitroRoutes(pkg: Package, index: ProjectIndex, builder: EndpointBuilder, serviceOf: (file: string) => string): void {
  const layout = nitroLayout(pkg, index);
  const routes: { facts: FileFacts; method: HttpMethod; path: string; handler: EventHandler }[] = [];
  const middleware: ChainItem[] = [];
  for (const [rel, facts] of pkg.files) {
    const scanDir = layout.scanDirs.find((dir) => dir === "" || rel.startsWith(dir + "/"));
    if (scanDir === undefined) continue;
    const inScan = scanDir === "" ? rel : rel.slice(scanDir.length + 1);
    const handler = eventHandlerOf(facts.exports.default, index);
    if (!handler) continue;
    if (inScan.startsWith("middleware/")) {
      middleware.push(...handler.before);
      const name = rel.slice(rel.lastIndexOf("/") + 1).replace(SOURCE_EXT, "");
      if (handler.fn) middleware.push({ sym: handler.fn, scope: "/", loc: handlerLoc(handler.fn, facts), level: "app", name });
      continue;
    }
    const route = nitroRoute(inScan, layout);
    if (route) routes.push({ facts, ...route, handler });
  }
  for (const { facts, method, path, handler } of routes) {
    const request = handler.fn?.k === "fn" ? validatedRequest(handler.fn.id, index) : {};
    add(builder, "nitro", serviceOf, facts, method, path, handler.fn, [...middleware, ...handler.before], request);
  }
}

/** h3's validated reads in a handler: `readValidatedBody(event, schema.parse)` declares the body. */
function validatedRequest(fnId: string, index: ProjectIndex): RequestSchemas {
  const request: RequestSchemas = {};
  for (const call of index.callsIn.get(fnId) ?? []) {
    const part = own(VALIDATED_READS, calleeName(call.callee) ?? "");
    const validator = part && call.args[1] ? index.resolve(call.args[1]) : undefined;
    if (!part || validator?.k !== "member" || !PARSE_METHODS.has(validator.prop)) continue;
    const schema = schemaFromSym(validator.obj, index)?.schema;
    if (schema) request[part] = schema;
  }
  return request;
}

/**
 * Where Nitro looks: `srcDir` from nitro.config (Nitro scans it for api/, routes/, middleware/),
 * `server/` for Nuxt; with neither, both the root and `server/`. The handler check keeps an
 * Express `routes/` folder from being read as file routes.
 */
function nitroLayout(pkg: Package, index: ProjectIndex): NitroLayout {
  const layout: NitroLayout = { scanDirs: ["server", ""], apiDir: "api", routesDir: "routes", apiBaseURL: "/api" };
  const nitro = configObject(pkg, "nitro.config", index);
  const nuxt = configObject(pkg, "nuxt.config", index);
  const nuxtNitro = nuxt && own(nuxt.props, "nitro") ? index.resolve(own(nuxt.props, "nitro")!) : undefined;
  const options = nitro ?? (nuxtNitro?.k === "obj" ? nuxtNitro : undefined);
  const text = (obj: Extract<Sym, { k: "obj" }> | undefined, key: string) => {
    const value = obj ? own(obj.props, key) : undefined;
    return value ? pathText(index.resolve(value)) : undefined;
  };
  const dir = (value: string) => value.replace(/^\.\//, "").replace(/\/+$/, "").replace(/^\.$/, "");
  if (nitro) layout.scanDirs = [dir(text(nitro, "srcDir") ?? ".")];
  else if (nuxt) layout.scanDirs = [dir(text(nuxt, "serverDir") ?? "server")];
  layout.apiDir = dir(text(options, "apiDir") ?? layout.apiDir);
  layout.routesDir = dir(text(options, "routesDir") ?? layout.routesDir);
  layout.apiBaseURL = text(options, "apiBaseURL") ?? layout.apiBaseURL;
  return layout;
}

/** The options object a config file exports: `export default defineNitroConfig({ … })`. */
function configObject(pkg: Package, name: string, index: ProjectIndex): Extract<Sym, { k: "obj" }> | undefined {
  for (const ext of ["ts", "mts", "js", "mjs"]) {
    const facts = pkg.files.get(`${name}.${ext}`);
    const exported = facts?.exports.default && index.resolve(facts.exports.default);
    const options = exported?.k === "call" && exported.args[0] ? index.resolve(exported.args[0]) : exported;
    if (options?.k === "obj") return options;
  }
  return undefined;
}

/** `api/articles/[slug].get.ts` → GET /api/articles/{slug}; no method suffix answers every method. */
function nitroRoute(inScan: string, layout: NitroLayout): { method: HttpMethod; path: string } | undefined {
  const base = inScan.startsWith(layout.apiDir + "/") ? layout.apiBaseURL : inScan.startsWith(layout.routesDir + "/") ? "/" : undefined;
  if (base === undefined) return undefined;
  const under = inScan.slice((base === "/" ? layout.routesDir : layout.apiDir).length + 1).replace(SOURCE_EXT, "");
  const suffix = /\.(\w+)$/.exec(under);
  const method = suffix && NITRO_METHODS.has(suffix[1]) ? (suffix[1].toUpperCase() as HttpMethod) : "ALL";
  const segments = (method === "ALL" ? under : under.slice(0, -suffix![0].length)).split("/");
  if (segments[segments.length - 1] === "index") segments.pop();
  // `[...].ts` is Nitro's unnamed catch-all; its parameter is `_`.
  return { method, path: joinPaths(base, toOpenApiPath(segments.map((s) => (s === "[...]" ? "{_}" : s)).join("/"))) };
}

interface EventHandler {
  fn?: Sym;
  /** Route-level middleware: `defineEventHandler({ onRequest: [auth], handler })`, project wrappers. */
  before: ChainItem[];
}

/** What a file's default export handles requests with, or undefined when it is not an event handler. */
function eventHandlerOf(exported: Sym | undefined, index: ProjectIndex, depth = 0): EventHandler | undefined {
  if (!exported || depth > 4) return undefined;
  // A call is read as written: resolving `withAuth(handler)` would give what withAuth returns.
  const value = exported.k === "call" ? exported : index.resolve(exported);
  if (value.k !== "call") return undefined;
  const name = calleeName(value.callee);
  const arg = value.args[0] && index.resolve(value.args[0]);
  if (name && EVENT_HANDLERS.has(name) && arg) {
    if (arg.k === "fn") return { fn: arg, before: [] };
    if (arg.k === "obj") {
      const handler = own(arg.props, "handler");
      const onRequest = own(arg.props, "onRequest");
      const before = onRequest ? hookItems(onRequest, value.loc, index) : [];
      return { ...(handler ? { fn: index.resolve(handler) } : {}), before };
    }
    return undefined;
  }
  if (name && LAZY_HANDLERS.has(name) && arg?.k === "fn") {
    const made = index.functions.get(arg.id)?.returns[0];
    return eventHandlerOf(made, index, depth + 1) ?? { before: [] };
  }
  // A project wrapper around an event handler (`withAuth(defineEventHandler(…))`) runs first.
  const callee = index.resolve(value.callee);
  if (callee.k === "fn" && value.args[0]) {
    const inner = eventHandlerOf(value.args[0], index, depth + 1);
    if (inner) return { ...inner, before: [{ sym: exported, scope: "/", loc: value.loc, level: "route" }, ...inner.before] };
  }
  return undefined;
}

function hookItems(hooks: Sym, loc: ChainItem["loc"], index: ProjectIndex): ChainItem[] {
  const resolved = index.resolve(hooks);
  const items = resolved.k === "arr" ? resolved.items : [hooks];
  return items.map((sym) => ({ sym, scope: "/", loc, level: "route" }));
}

/** `defineEventHandler` whether auto-imported (an unknown global) or imported from h3 / nitropack. */
function calleeName(callee: Sym): string | undefined {
  if (callee.k === "unknown") return callee.text;
  if (callee.k === "ext") return callee.path[callee.path.length - 1];
  return undefined;
}

// ---- Next.js route handlers ------------------------------------------------------------------

function addNextRoutes(pkg: Package, index: ProjectIndex, builder: EndpointBuilder, serviceOf: (file: string) => string): void {
  const middleware = nextMiddleware(pkg, index);
  for (const [rel, facts] of pkg.files) {
    const path = nextRoutePath(rel);
    if (path === undefined) continue;
    for (const method of NEXT_METHODS) {
      const exported = own(facts.exports, method);
      if (!exported) continue;
      const { handler, wrappers } = unwrapNextHandler(exported, index);
      const chain = [...(middleware && matches(middleware.matchers, path) ? [middleware.item] : []), ...wrappers];
      add(builder, "nextjs", serviceOf, facts, method, path, handler, chain);
    }
  }
}

/**
 * `app/api/articles/[slug]/route.ts` → /api/articles/{slug}. Route groups `(name)` and parallel
 * slots `@name` are not part of the URL; folders starting with `_` are private (not routed).
 */
function nextRoutePath(rel: string): string | undefined {
  const match = /^(?:src\/)?app\/(?:(.*)\/)?route\.(?:ts|js|tsx|jsx|mjs)$/.exec(rel);
  if (!match) return undefined;
  const segments = (match[1] ?? "").split("/").filter((s) => s !== "");
  if (segments.some((s) => s.startsWith("_"))) return undefined;
  return joinPaths(toOpenApiPath(segments.filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith("@")).join("/")));
}

/** `export const GET = withAuth(async (req) => …)`: the handler, and the project wrappers around it. */
function unwrapNextHandler(exported: Sym, index: ProjectIndex): { handler: Sym; wrappers: ChainItem[] } {
  const wrappers: ChainItem[] = [];
  let value = exported;
  // Read as written: resolving `withAuth(handler)` would give what withAuth returns.
  for (let depth = 0; depth < 4 && value.k === "call"; depth++) {
    const inner = value.args.find((a) => a.k === "call" || index.resolve(a).k === "fn");
    if (!inner) break;
    wrappers.push({ sym: value, scope: "/", loc: value.loc, level: "route" });
    value = inner;
  }
  return { handler: value, wrappers };
}

interface NextMiddleware {
  item: ChainItem;
  /** Matchers as regular expressions; empty when the middleware runs for every path. */
  matchers: RegExp[];
}

function nextMiddleware(pkg: Package, index: ProjectIndex): NextMiddleware | undefined {
  for (const [rel, facts] of pkg.files) {
    const file = NEXT_MIDDLEWARE.exec(rel);
    if (!file) continue;
    const fn = own(facts.exports, file[2]) ?? own(facts.exports, "default");
    const resolved = fn && index.resolve(fn);
    if (resolved?.k !== "fn") continue;
    const loc = index.functions.get(resolved.id)?.loc ?? { file: facts.path, line: 1, column: 1 };
    return { item: { sym: resolved, scope: "/", loc, level: "app", name: file[2] }, matchers: matchersOf(own(facts.exports, "config"), index) };
  }
  return undefined;
}

function matchersOf(config: Sym | undefined, index: ProjectIndex): RegExp[] {
  const options = config && index.resolve(config);
  const matcher = options?.k === "obj" ? own(options.props, "matcher") : undefined;
  if (!matcher) return [];
  const value = index.resolve(matcher);
  const items = value.k === "arr" ? value.items.map((i) => index.resolve(i)) : [value];
  return items.flatMap((item) => {
    const source = item.k === "obj" ? pathText(index.resolve(own(item.props, "source") ?? { k: "lit", value: null })) : pathText(item);
    const re = source !== undefined ? matcherRegExp(source) : undefined;
    return re ? [re] : [];
  });
}

/** Does the middleware run for an OpenAPI path? Parameters stand for one sample segment. */
function matches(matchers: RegExp[], path: string): boolean {
  if (!matchers.length) return true;
  const sample = path.replace(/\{[^}]*\}/g, "1");
  return matchers.some((re) => re.test(sample));
}

/**
 * A Next.js matcher (path-to-regexp syntax) as a RegExp: `/api/:path*`, `/users/:id`,
 * `/((?!_next/static|favicon.ico).*)`. Undefined when it is not a pattern this understands.
 */
export function matcherRegExp(source: string): RegExp | undefined {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "(") {
      const end = groupEnd(source, i);
      if (end < 0) return undefined;
      out += source.slice(i, end + 1);
      i = end + 1;
    } else if (ch === "/" && source[i + 1] === ":") {
      const name = /^:(\w+)/.exec(source.slice(i + 1));
      if (!name) return undefined;
      i += 1 + name[0].length;
      let pattern = "[^/]+";
      if (source[i] === "(") {
        const end = groupEnd(source, i);
        if (end < 0) return undefined;
        pattern = source.slice(i + 1, end);
        i = end + 1;
      }
      const modifier = /[*+?]/.test(source[i] ?? "") ? source[i++] : "";
      out += modifier ? `(?:/(?:${pattern}))${modifier}` : `/(?:${pattern})`;
    } else {
      out += /[.+*?^${}|[\]\\]/.test(ch) ? `\\${ch}` : ch;
      i++;
    }
  }
  try {
    return new RegExp(`^${out}/?$`, "i");
  } catch {
    return undefined;
  }
}

function groupEnd(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "(") depth++;
    else if (source[i] === ")" && --depth === 0) return i;
  }
  return -1;
}
