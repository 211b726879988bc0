// Hono: apps from `new Hono()`, `new OpenAPIHono()` and `createFactory().createApp()`;
// registrations that chain (`app.get(…).post(…)`); `on(method(s), path(s), …)`; sub-apps
// mounted with `route(prefix, app)`; `basePath`; `use(pattern?, …)` with Hono's patterns (exact
// unless they end in `*`); `@hono/zod-openapi`'s `app.openapi(createRoute({ … }), handler)`.
// Validator middleware (`zValidator('json', schema)`) is read by the endpoint builder.
import type { HttpMethod, JsonSchema, RequestSchemas } from "../../model/types.ts";
import { describe, own, type Sym } from "../js/sym.ts";
import { schemaFromSym } from "../schemas/index.ts";
import { normaliseMethod, type ChainItem } from "./endpoint-builder.ts";
import { joinPaths, pathText, toOpenApiPath, UNRESOLVED_SEGMENT } from "./paths.ts";
import { flattenHandlers, type ContextRecogniser, type RoutingContext, type RoutingGraph } from "./routing.ts";
import type { Frame, RouteWalker } from "./walk.ts";

const APP_CLASSES: Record<string, string> = { hono: "Hono", "@hono/zod-openapi": "OpenAPIHono" };
const ROUTE_METHODS = new Set(["get", "post", "put", "patch", "delete", "options", "all"]);
/** Hono's registration methods return the app, so they chain. */
const CHAINING = new Set([...ROUTE_METHODS, "on", "use", "route", "openapi", "notFound", "onError", "mount", "doc", "doc31"]);

export const honoRecogniser: ContextRecogniser = {
  framework: "hono",
  chains: CHAINING,
  creates(sym) {
    if (sym.k === "ext") return isAppClass(sym) ? "app" : undefined;
    if (sym.k !== "member") return undefined;
    if (sym.prop === "createApp" && isFactory(sym.obj)) return "app";
    // `app.basePath('/api')` is a view of `app` whose routes get the prefix: a router in `app`.
    if (sym.prop === "basePath" && (sym.obj.k === "param" || madeByHono(sym.obj))) return "router";
    return undefined;
  },
};

function isAppClass(sym: Sym): boolean {
  return sym.k === "ext" && sym.path.length === 1 && own(APP_CLASSES, sym.pkg) === sym.path[0];
}

function isFactory(sym: Sym): boolean {
  return sym.k === "call" && sym.callee.k === "ext" && sym.callee.pkg === "hono" && sym.callee.path.join(".") === "createFactory";
}

function madeByHono(sym: Sym, depth = 0): boolean {
  if (depth > 12) return false;
  if (sym.k === "new") return isAppClass(sym.callee);
  if (sym.k !== "call" || sym.callee.k !== "member") return false;
  const { obj, prop } = sym.callee;
  if (prop === "createApp") return isFactory(obj);
  return (prop === "basePath" || CHAINING.has(prop)) && madeByHono(obj, depth + 1);
}

interface HonoState {
  /** This app's own frame: the parent's prefix plus its basePath. */
  frame: Frame;
  /** Middleware registered on this app so far. */
  local: ChainItem[];
  level: ChainItem["level"];
  /** Hono reuses the last path for a registration without one (`app.get('/x', a).post(b)`). */
  lastPath?: string;
}

export function walkHono(ctx: RoutingContext, frame: Frame, walker: RouteWalker): void {
  const base = ownBasePath(ctx, walker);
  const state: HonoState = {
    frame: base === "" ? frame : { ...frame, prefix: joinPaths(frame.prefix, toOpenApiPath(base ?? UNRESOLVED_SEGMENT)), prefixResolved: frame.prefixResolved && base !== undefined },
    local: [],
    level: levelOf(ctx, walker),
  };
  for (const c of walker.graph.callsOf(ctx)) {
    const inherited = { ...state.frame, chain: [...state.frame.chain, ...state.local] };
    const loc = c.call.loc;
    switch (c.method) {
      case "(call)":
        walker.walkChild(c.args[0], inherited);
        break;
      case "use":
        use(c.args, loc, state, walker);
        break;
      case "route":
        mount(c.args, inherited, walker);
        break;
      case "basePath": {
        const view = walker.graph.contextOf({ k: "call", callee: walker.index.resolve(c.call.callee), args: c.call.args, loc });
        // A view mounted elsewhere with route() is walked from there.
        if (view && view !== ctx && !view.mounted) walker.walk(view, inherited);
        break;
      }
      case "on":
        addRoutes(methodsOf(c.args[0], walker), pathsOf(c.args[1], walker), c.args.slice(2), loc, state, walker);
        break;
      case "openapi":
        addOpenApiRoute(c.args, loc, state, walker);
        break;
      default:
        if (ROUTE_METHODS.has(c.method)) addMethodRoute(c.method, c.args, loc, state, walker);
    }
  }
}

/** The prefix a `basePath()` view adds: "" for an app, undefined when not a literal. */
function ownBasePath(ctx: RoutingContext, walker: RouteWalker): string | undefined {
  const view = basePathCall(ctx);
  return view ? pathText(walker.index.resolve(view.args[0] ?? { k: "lit", value: null })) : "";
}

function basePathCall(ctx: RoutingContext): { obj: Sym; args: Sym[] } | undefined {
  const origin = ctx.origin;
  if (origin?.k !== "call" || origin.callee.k !== "member" || origin.callee.prop !== "basePath") return undefined;
  return { obj: origin.callee.obj, args: origin.args };
}

/** Middleware on the served app is app-level; on a sub-app, router-level. A basePath view is its app. */
function levelOf(ctx: RoutingContext, walker: RouteWalker): ChainItem["level"] {
  const app = appOfView(ctx, walker.graph);
  return app.kind === "app" && !app.mounted ? "app" : "router";
}

/** The app a `basePath()` view was made from (the context itself when it is no view). */
export function appOfView(ctx: RoutingContext, graph: RoutingGraph, depth = 0): RoutingContext {
  const view = basePathCall(ctx);
  const parent = view && depth < 8 ? graph.contextOf(view.obj) : undefined;
  return parent && parent !== ctx ? appOfView(parent, graph, depth + 1) : ctx;
}

function addMethodRoute(method: string, args: Sym[], loc: ChainItem["loc"], state: HonoState, walker: RouteWalker): void {
  const first = args[0] && walker.index.resolve(args[0]);
  const path = pathText(first);
  const normalised = normaliseMethod(method);
  if (!normalised || !first) return;
  // `app.get(handler)` reuses the last path; `app.get(config.path, handler)` has a path bka cannot read.
  const startsWithHandler = path === undefined && (first.k === "fn" || first.k === "call" || args.length === 1);
  if (startsWithHandler) addRoutes([normalised], [state.lastPath], args, loc, state, walker);
  else addRoutes([normalised], [path], args.slice(1), loc, state, walker);
}

function use(args: Sym[], loc: ChainItem["loc"], state: HonoState, walker: RouteWalker): void {
  const pattern = args[0] ? pathText(walker.index.resolve(args[0])) : undefined;
  if (pattern !== undefined) state.lastPath = pattern;
  const { scope, exact } = patternScope(state.frame.prefix, pattern ?? "*");
  const items = expandHandlers(pattern !== undefined ? args.slice(1) : args, walker);
  for (const sym of items) state.local.push(chainItem(sym, scope, loc, state.level, walker, exact));
}

/**
 * Hono's middleware patterns: `*`, `/api/*` cover everything under the path; a pattern without
 * a trailing `*` matches that path only.
 */
function patternScope(prefix: string, pattern: string): { scope: string; exact: boolean } {
  const trimmed = pattern.replace(/\/?\*$/, "");
  return { scope: joinPaths(prefix, toOpenApiPath(trimmed)), exact: trimmed === pattern };
}

function mount(args: Sym[], inherited: Frame, walker: RouteWalker): void {
  const child = args[1] && walker.mountedContext(args[1]);
  if (!child) return;
  const path = pathText(walker.index.resolve(args[0] ?? { k: "lit", value: null }));
  walker.walk(child, {
    ...inherited,
    prefix: joinPaths(inherited.prefix, toOpenApiPath(path ?? UNRESOLVED_SEGMENT)),
    prefixResolved: inherited.prefixResolved && path !== undefined,
  });
}

interface RouteExtras {
  request?: RequestSchemas;
  responses?: Record<string, JsonSchema>;
  /** Middleware declared on the route object (`createRoute({ middleware })`). */
  before?: Sym[];
}

function addRoutes(methods: HttpMethod[], paths: (string | undefined)[], handlerArgs: Sym[], loc: ChainItem["loc"], state: HonoState, walker: RouteWalker, extras: RouteExtras = {}): void {
  const handlers = [...expandHandlers(extras.before ?? [], walker), ...expandHandlers(handlerArgs, walker)];
  if (!handlers.length) return;
  const guards = handlers.slice(0, -1);
  const routeLevel = guards.map((sym) => chainItem(sym, "/", loc, "route", walker));
  const request = extras.request ?? {};
  for (const path of paths) {
    state.lastPath = path;
    for (const method of methods) {
      walker.builder.add({
        framework: "hono", serviceId: state.frame.serviceId, method, prefix: state.frame.prefix, path, loc,
        chain: [...state.frame.chain, ...state.local, ...routeLevel], handler: handlers[handlers.length - 1], prefixResolved: state.frame.prefixResolved,
        ...(Object.keys(request).length ? { request } : {}),
        ...(extras.responses && Object.keys(extras.responses).length ? { responses: extras.responses } : {}),
      });
    }
  }
}

/** `app.openapi(createRoute({ method, path, request, responses, middleware }), handler)`. */
function addOpenApiRoute(args: Sym[], loc: ChainItem["loc"], state: HonoState, walker: RouteWalker): void {
  const { index } = walker;
  const declared = args[0] && index.resolve(args[0]);
  const route = declared?.k === "call" && isCreateRoute(declared.callee) && declared.args[0] ? index.resolve(declared.args[0]) : declared;
  if (route?.k !== "obj") return;
  const prop = (name: string) => {
    const value = own(route.props, name);
    return value ? index.resolve(value) : undefined;
  };
  const methodName = pathText(prop("method"));
  const method = methodName ? normaliseMethod(methodName) : undefined;
  if (!method) return;
  const middleware = own(route.props, "middleware");
  addRoutes([method], [pathText(prop("path"))], args.slice(1, 2), loc, state, walker, {
    request: openApiRequest(prop("request"), walker),
    responses: openApiResponses(prop("responses"), walker),
    ...(middleware ? { before: [middleware] } : {}),
  });
}

function isCreateRoute(callee: Sym): boolean {
  return callee.k === "ext" && callee.path[callee.path.length - 1] === "createRoute";
}

function openApiRequest(request: Sym | undefined, walker: RouteWalker): RequestSchemas {
  if (request?.k !== "obj") return {};
  const out: RequestSchemas = {};
  const body = own(request.props, "body");
  const bodySchema = body ? contentSchema(walker.index.resolve(body), walker) : undefined;
  if (bodySchema) out.body = bodySchema;
  for (const [part, key] of [["params", "params"], ["query", "query"], ["headers", "headers"]] as const) {
    const value = own(request.props, part);
    const schema = value ? schemaFromSym(value, walker.index)?.schema : undefined;
    if (schema) out[key] = schema;
  }
  return out;
}

function openApiResponses(responses: Sym | undefined, walker: RouteWalker): Record<string, JsonSchema> {
  if (responses?.k !== "obj") return {};
  const out: Record<string, JsonSchema> = {};
  for (const code of Object.keys(responses.props).sort()) {
    const schema = contentSchema(walker.index.resolve(own(responses.props, code)!), walker);
    if (schema) out[code] = schema;
  }
  return out;
}

/** `{ content: { 'application/json': { schema } } }`: the first media type's schema. */
function contentSchema(holder: Sym, walker: RouteWalker): JsonSchema | undefined {
  const content = holder.k === "obj" ? own(holder.props, "content") : undefined;
  const media = content && walker.index.resolve(content);
  if (media?.k !== "obj") return undefined;
  for (const type of Object.keys(media.props).sort()) {
    const entry = walker.index.resolve(own(media.props, type)!);
    const schema = entry.k === "obj" ? own(entry.props, "schema") : undefined;
    const converted = schema ? schemaFromSym(schema, walker.index) : undefined;
    if (converted) return converted.schema;
  }
  return undefined;
}

/** Handlers and middleware as given, with arrays and `factory.createHandlers(…)` spread. */
function expandHandlers(args: Sym[], walker: RouteWalker): Sym[] {
  return flattenHandlers(args, walker.index).flatMap((sym) => {
    const resolved = walker.index.resolve(sym);
    if (resolved.k === "call" && resolved.callee.k === "member" && resolved.callee.prop === "createHandlers") return expandHandlers(resolved.args, walker);
    return [sym];
  });
}

/** A chain item; `createMiddleware(fn)` stands for the function it wraps. */
function chainItem(sym: Sym, scope: string, loc: ChainItem["loc"], level: ChainItem["level"], walker: RouteWalker, exact = false): ChainItem {
  const wrapped = wrappedMiddleware(sym, walker);
  return {
    sym: wrapped ?? sym, scope, loc, level,
    ...(wrapped && sym.k !== "call" ? { name: describe(sym) } : {}),
    ...(exact ? { exact } : {}),
  };
}

function wrappedMiddleware(sym: Sym, walker: RouteWalker): Sym | undefined {
  const resolved = walker.index.resolve(sym);
  if (resolved.k !== "call" || !resolved.args[0]) return undefined;
  const callee = resolved.callee;
  const isWrapper = (callee.k === "ext" && callee.pkg === "hono" && callee.path.join(".") === "createMiddleware")
    || (callee.k === "member" && callee.prop === "createMiddleware" && isFactory(walker.index.resolve(callee.obj)));
  return isWrapper && walker.index.resolve(resolved.args[0]).k === "fn" ? resolved.args[0] : undefined;
}

function methodsOf(sym: Sym | undefined, walker: RouteWalker): HttpMethod[] {
  const resolved = sym && walker.index.resolve(sym);
  const items = resolved?.k === "arr" ? resolved.items.map((i) => walker.index.resolve(i)) : resolved ? [resolved] : [];
  return items.flatMap((item) => {
    const name = pathText(item);
    const method = name ? normaliseMethod(name) : undefined;
    return method ? [method] : [];
  });
}

function pathsOf(sym: Sym | undefined, walker: RouteWalker): (string | undefined)[] {
  const resolved = sym && walker.index.resolve(sym);
  if (resolved?.k === "arr") return resolved.items.map((i) => pathText(walker.index.resolve(i)));
  return [pathText(resolved)];
}
