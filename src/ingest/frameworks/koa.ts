// Koa: `new Koa()` apps and @koa/router / koa-router routers. A router carries its own prefix
// (`new Router({ prefix })`, `router.prefix()`); `router.use([path], other.routes())` nests
// routers, `app.use(router.routes())` mounts them, koa-mount mounts sub-apps under a path and
// koa-compose bundles several. Middleware (`app.use(mw)`, `router.use([path], mw)`, route-level)
// applies in registration order, as in Express.
import type { Sym } from "../js/sym.ts";
import { own } from "../js/sym.ts";
import { normaliseMethod, type ChainItem } from "./endpoint-builder.ts";
import { pathsOfResolved } from "./express.ts";
import { joinPaths, pathText, toOpenApiPath, UNRESOLVED_SEGMENT } from "./paths.ts";
import { flattenHandlers, HTTP_METHODS, type ContextCall, type ContextRecogniser, type RoutingContext } from "./routing.ts";
import type { Frame, RouteWalker } from "./walk.ts";

const ROUTER_PACKAGES = new Set(["@koa/router", "koa-router"]);
/** What `router.routes()` and its alias `router.middleware()` return: the router as middleware. */
const ROUTER_AS_MIDDLEWARE = new Set(["routes", "middleware"]);

export const koaRecogniser: ContextRecogniser = {
  framework: "koa",
  creates(sym) {
    if (sym.k !== "ext") return undefined;
    const path = sym.path.filter((p) => p !== "default");
    if (sym.pkg === "koa" && (path.length === 0 || (path.length === 1 && path[0] === "Koa"))) return "app";
    if (ROUTER_PACKAGES.has(sym.pkg) && (path.length === 0 || (path.length === 1 && path[0] === "Router"))) return "router";
    return undefined;
  },
  // Koa's app.use and every koa-router registration return the app or router.
  chains: new Set(["use", "prefix", "param", "redirect", ...HTTP_METHODS]),
};

export function walkKoa(ctx: RoutingContext, frame: Frame, walker: RouteWalker): void {
  const prefix = ownPrefix(ctx, walker);
  const base: Frame = { ...frame, prefix: joinPaths(frame.prefix, toOpenApiPath(prefix.path)), prefixResolved: frame.prefixResolved && prefix.resolved };
  const local: ChainItem[] = [];
  const level = ctx.kind === "app" ? "app" : "router";
  for (const c of walker.graph.callsOf(ctx)) {
    if (c.method === "(call)") walker.walkChild(c.args[0], { ...base, chain: [...base.chain, ...local] }, "koa");
    else if (HTTP_METHODS.has(c.method)) addRoute(c, base, local, walker);
    else if (c.method === "use") use(c, base, local, level, walker);
  }
}

/** `new Router({ prefix })`, replaced by a later `router.prefix(p)`. */
function ownPrefix(ctx: RoutingContext, walker: RouteWalker): { path: string; resolved: boolean } {
  const prefixCall = walker.graph.callsOf(ctx).filter((c) => c.method === "prefix").pop();
  const options = ctx.origin?.args[0] && walker.index.resolve(ctx.origin.args[0]);
  const raw = prefixCall ? prefixCall.args[0] : options?.k === "obj" ? own(options.props, "prefix") : undefined;
  if (!raw) return { path: "", resolved: true };
  const text = pathText(walker.index.resolve(raw));
  if (text === undefined) return { path: UNRESOLVED_SEGMENT, resolved: false };
  return { path: text, resolved: !text.includes(UNRESOLVED_SEGMENT) };
}

function addRoute(c: ContextCall, frame: Frame, local: ChainItem[], walker: RouteWalker): void {
  const { index } = walker;
  let args = c.args;
  // koa-router's optional route name: router.get('user', '/users/:id', handler)
  if (args.length >= 3 && isLiteralPath(args[0], walker) && isLiteralPath(args[1], walker)) args = args.slice(1);
  const method = normaliseMethod(c.method);
  if (!method || args.length < 2) return;
  const handlers = flattenHandlers(args.slice(1), index);
  const routeLevel = handlers.slice(0, -1).map((sym) => ({ sym, scope: "/", loc: c.call.loc, level: "route" as const }));
  const paths: (string | undefined)[] = pathsOfResolved(index.resolve(args[0])) ?? [undefined];
  for (const path of paths) {
    walker.builder.add({
      framework: "koa", serviceId: frame.serviceId, method, prefix: frame.prefix, path, loc: c.call.loc,
      chain: [...frame.chain, ...local, ...routeLevel], handler: handlers[handlers.length - 1], prefixResolved: frame.prefixResolved,
    });
  }
}

function isLiteralPath(sym: Sym, walker: RouteWalker): boolean {
  return pathText(walker.index.resolve(sym)) !== undefined;
}

/** `use([path], ...middleware)`: routers and sub-apps are walked under the path, the rest joins the chain. */
function use(c: ContextCall, frame: Frame, local: ChainItem[], level: ChainItem["level"], walker: RouteWalker): void {
  const { index } = walker;
  let items = c.args;
  let mountPaths = [""];
  let resolved = true;
  const first = c.args[0] && index.resolve(c.args[0]);
  const literal = first ? pathsOfResolved(first) : undefined;
  if (literal) {
    mountPaths = literal;
    items = c.args.slice(1);
  } else if (first && c.args.length > 1 && !isMiddlewareLike(first)) {
    // router.use(config.prefix, other.routes()): the path is not known statically.
    mountPaths = [UNRESOLVED_SEGMENT];
    items = c.args.slice(1);
    resolved = false;
  }
  for (const mountPath of mountPaths) {
    const scope = joinPaths(frame.prefix, toOpenApiPath(mountPath));
    const at: Frame = { ...frame, prefix: scope, prefixResolved: frame.prefixResolved && resolved };
    for (const item of flattenHandlers(items, index)) mountOrChain(item, at, local, level, c.call.loc, walker, 0);
  }
}

function mountOrChain(item: Sym, frame: Frame, local: ChainItem[], level: ChainItem["level"], loc: ChainItem["loc"], walker: RouteWalker, depth: number): void {
  const { index } = walker;
  const child = routerOf(item, walker);
  if (child) {
    walker.walk(child, { ...frame, chain: [...frame.chain, ...local] });
    return;
  }
  const resolved = index.resolve(item);
  const library = resolved.k === "call" && resolved.callee.k === "ext" ? resolved.callee.pkg : undefined;
  if (library === "koa-mount" && resolved.k === "call" && depth < 4) {
    // mount('/admin', adminApp) or mount(middleware): the target runs under the path.
    const [pathArg, target] = resolved.args.length > 1 ? resolved.args : [undefined, resolved.args[0]];
    const path = pathArg ? pathText(index.resolve(pathArg)) : "";
    const scoped: Frame = { ...frame, prefix: joinPaths(frame.prefix, toOpenApiPath(path ?? UNRESOLVED_SEGMENT)), prefixResolved: frame.prefixResolved && path !== undefined };
    if (target) mountOrChain(target, scoped, local, level, loc, walker, depth + 1);
    return;
  }
  if (library === "koa-compose" && resolved.k === "call" && depth < 4) {
    for (const inner of flattenHandlers(resolved.args, index)) mountOrChain(inner, frame, local, level, loc, walker, depth + 1);
    return;
  }
  // router.allowedMethods() only answers OPTIONS and 405/501: it guards nothing.
  if (resolved.k === "call" && resolved.callee.k === "member" && resolved.callee.prop === "allowedMethods") return;
  local.push({ sym: item, scope: frame.prefix, loc, level });
}

/** The router behind `router.routes()` / `router.middleware()`, or a Koa app used as middleware. */
function routerOf(item: Sym, walker: RouteWalker): RoutingContext | undefined {
  for (const sym of [item, walker.index.resolve(item)]) {
    const router = sym.k === "call" ? receiverOfRoutes(sym) : undefined;
    const ctx = router && walker.graph.contextOfValue(router);
    if (ctx) return ctx;
  }
  const direct = walker.graph.contextOfValue(item);
  return direct?.framework === "koa" && direct.kind === "app" ? direct : undefined;
}

/** The router `x` of `x.routes()`; `require('./routes').routes()` reads as an export named "routes" of that module. */
function receiverOfRoutes(call: Extract<Sym, { k: "call" }>): Sym | undefined {
  const { callee } = call;
  if (callee.k === "member" && ROUTER_AS_MIDDLEWARE.has(callee.prop)) return callee.obj;
  if (callee.k === "mod" && ROUTER_AS_MIDDLEWARE.has(callee.name)) return { k: "mod", file: callee.file, name: "*" };
  return undefined;
}

function isMiddlewareLike(sym: Sym): boolean {
  return sym.k === "fn" || sym.k === "call" || sym.k === "arr" || sym.k === "ext";
}
