// Express: `express()` apps and `Router()`s; METHOD/all/route() registrations; `use(prefix?, …)`
// mounting routers (imported, returned by factories, nested) or adding middleware, in order.
import type { Sym } from "../js/sym.ts";
import { flattenHandlers, HTTP_METHODS, type ContextRecogniser, type RoutingContext } from "./routing.ts";
import { normaliseMethod, type ChainItem } from "./endpoint-builder.ts";
import { joinPaths, pathText, toOpenApiPath, UNRESOLVED_SEGMENT } from "./paths.ts";
import type { Frame, RouteWalker } from "./walk.ts";

export const expressRecogniser: ContextRecogniser = {
  framework: "express",
  creates(sym) {
    if (sym.k !== "ext" || sym.pkg !== "express") return undefined;
    const path = sym.path.filter((p) => p !== "default");
    if (path.length === 0) return "app";
    if (path.length === 1 && path[0] === "Router") return "router";
    return undefined;
  },
};

export function walkExpress(ctx: RoutingContext, frame: Frame, walker: RouteWalker): void {
  const { index } = walker;
  const local: ChainItem[] = [];
  const level = ctx.kind === "app" ? "app" : "router";
  for (const c of walker.graph.callsOf(ctx)) {
    if (c.method === "(call)") {
      walker.walkChild(c.args[0], { ...frame, chain: [...frame.chain, ...local] });
      continue;
    }
    const isRoute = c.routePath !== undefined || HTTP_METHODS.has(c.method);
    if (isRoute) {
      // app.get('setting') with one argument reads a setting; it is not a route.
      if (!c.routePath && c.args.length < 2) continue;
      const method = normaliseMethod(c.method);
      if (!method) continue;
      const handlers = flattenHandlers(c.routePath ? c.args : c.args.slice(1), index);
      const routeLevel = [...(c.inherited ?? []), ...handlers.slice(0, -1).map((sym) => ({ sym, loc: c.call.loc }))].map(({ sym, loc }) => ({ sym, scope: "/", loc, level: "route" as const }));
      for (const path of pathsOf(c.routePath ?? c.args[0], walker)) {
        walker.builder.add({
          framework: "express", serviceId: frame.serviceId, method, prefix: frame.prefix, path, loc: c.call.loc,
          chain: [...frame.chain, ...local, ...routeLevel], handler: handlers[handlers.length - 1], prefixResolved: frame.prefixResolved,
        });
      }
      continue;
    }
    if (c.method === "use") use(c.args, c.call.loc, frame, local, level, walker);
    // Project wrappers such as `app.lazyUse('/api', apiApp)`: any other call that hands this
    // context another router is taken as a mount, and said so in the unresolved list.
    else if (c.args.some((a) => walker.mountedContext(a))) use(c.args, c.call.loc, frame, [], level, walker);
  }
}

function use(args: Sym[], loc: ChainItem["loc"], frame: Frame, local: ChainItem[], level: ChainItem["level"], walker: RouteWalker): void {
  const { index } = walker;
  let items = args;
  let mountPaths = [""];
  let resolved = true;
  const first = args[0] && index.resolve(args[0]);
  const literalPaths = first ? pathsOfResolved(first) : undefined;
  if (literalPaths) {
    mountPaths = literalPaths;
    items = args.slice(1);
  } else if (first && args.length > 1 && !isHandlerLike(first, walker)) {
    // app.use(config.prefix, router): the prefix is not known statically.
    mountPaths = [UNRESOLVED_SEGMENT];
    items = args.slice(1);
    resolved = false;
  }
  for (const mountPath of mountPaths) {
    const scope = joinPaths(frame.prefix, toOpenApiPath(mountPath));
    for (const item of flattenHandlers(items, index)) {
      const child = walker.mountedContext(item);
      if (child) {
        walker.walk(child, { ...frame, prefix: scope, prefixResolved: frame.prefixResolved && resolved, chain: [...frame.chain, ...local] });
      } else {
        local.push({ sym: item, scope, loc, level });
      }
    }
  }
}

function isHandlerLike(sym: Sym, walker: RouteWalker): boolean {
  return sym.k === "fn" || sym.k === "call" || sym.k === "arr" || sym.k === "ext" || walker.mountedContext(sym) !== undefined;
}

function pathsOf(sym: Sym | undefined, walker: RouteWalker): (string | undefined)[] {
  if (!sym) return [undefined];
  return pathsOfResolved(walker.index.resolve(sym)) ?? [undefined];
}

/** A path, or an array of paths (`app.get(['/a', '/b'], …)`), as text. */
function pathsOfResolved(sym: Sym): string[] | undefined {
  const single = pathText(sym);
  if (single !== undefined) return [single];
  if (sym.k === "arr" && sym.items.length) {
    const all = sym.items.map((i) => pathText(i));
    if (all.every((p): p is string => p !== undefined)) return all;
  }
  return undefined;
}

export { pathsOfResolved };
