// Fastify: `Fastify()` instances; `fastify.METHOD(path, [opts], handler)` and `route({...})`;
// `register(plugin, { prefix })` with encapsulation (fastify-plugin shares the parent context);
// hooks (`addHook('onRequest'|'preHandler'…)`) and route-level hooks; decorated guards
// (`fastify.decorate('authenticate', …)` used as `preHandler: [fastify.authenticate]`);
// route JSON schemas as request/response schemas.
import type { JsonSchema, RequestSchemas } from "../../model/types.ts";
import { own, type Sym } from "../js/sym.ts";
import { normaliseMethod, type ChainItem } from "./endpoint-builder.ts";
import { joinPaths, pathText, toOpenApiPath } from "./paths.ts";
import { flattenHandlers, HTTP_METHODS, type ContextRecogniser, type RoutingContext } from "./routing.ts";
import { schemaFromSym } from "../schemas/index.ts";
import type { Frame, RouteWalker } from "./walk.ts";

const REQUEST_HOOKS = new Set(["onRequest", "preParsing", "preValidation", "preHandler"]);

export const fastifyRecogniser: ContextRecogniser = {
  framework: "fastify",
  creates(sym) {
    if (sym.k !== "ext" || sym.pkg !== "fastify") return undefined;
    const path = sym.path.filter((p) => p !== "default" && p !== "fastify");
    return path.length === 0 ? "app" : undefined;
  },
};

export function walkFastify(ctx: RoutingContext, frame: Frame, walker: RouteWalker): void {
  const hooks = contextHooks(ctx, frame.prefix, walker, new Set());
  const chain = [...frame.chain, ...hooks];
  for (const c of walker.graph.callsOf(ctx)) {
    if (c.method === "(call)") {
      walker.walkChild(c.args[0], { ...frame, chain: frame.chain }, "fastify");
      continue;
    }
    if (c.method === "register") {
      const plugin = pluginOf(c.args[0], walker);
      if (!plugin) continue;
      const options = c.args[1] ? walker.index.resolve(c.args[1]) : undefined;
      const prefix = plugin.encapsulated && options?.k === "obj" ? pathText(walker.index.resolve(options.props.prefix ?? { k: "lit", value: "" })) : "";
      const child = walker.graph.paramContext(plugin.fnId, 0);
      // A shared (fastify-plugin) context's hooks were already collected into `hooks`.
      if (plugin.encapsulated) {
        walker.walk(child, { ...frame, prefix: joinPaths(frame.prefix, toOpenApiPath(prefix ?? "{?}")), prefixResolved: frame.prefixResolved && prefix !== undefined, chain });
      } else {
        walker.walk(child, { ...frame, chain: frame.chain });
      }
      continue;
    }
    const route = routeOf(c.method, c.args, walker);
    if (!route) continue;
    const routeHooks = route.options ? optionHooks(route.options, c.call.loc, walker) : [];
    for (const method of route.methods) {
      walker.builder.add({
        framework: "fastify", serviceId: frame.serviceId, method, prefix: frame.prefix, path: route.path, loc: c.call.loc,
        chain: [...chain, ...routeHooks], handler: route.handler, prefixResolved: frame.prefixResolved,
        ...schemasOf(route.options, walker),
      });
    }
  }
}

interface FastifyRoute {
  methods: NonNullable<ReturnType<typeof normaliseMethod>>[];
  path: string | undefined;
  handler: Sym | undefined;
  options?: Extract<Sym, { k: "obj" }>;
}

function routeOf(method: string, args: Sym[], walker: RouteWalker): FastifyRoute | undefined {
  const { index } = walker;
  if (method === "route") {
    const options = args[0] && index.resolve(args[0]);
    if (options?.k !== "obj") return undefined;
    const m = index.resolve(options.props.method ?? { k: "lit", value: "GET" });
    const names = m.k === "arr" ? m.items.map((i) => pathText(index.resolve(i))) : [pathText(m)];
    const methods = names.map((n) => (n ? normaliseMethod(n) : undefined)).filter((x): x is NonNullable<typeof x> => x !== undefined);
    const url = options.props.url ?? options.props.path;
    return { methods, path: url ? pathText(index.resolve(url)) : undefined, handler: options.props.handler, options };
  }
  if (!HTTP_METHODS.has(method) || args.length < 2) return undefined;
  const normalised = normaliseMethod(method);
  if (!normalised) return undefined;
  const path = pathText(index.resolve(args[0]));
  if (args.length >= 3) {
    const options = index.resolve(args[1]);
    return { methods: [normalised], path, handler: args[2], ...(options.k === "obj" ? { options } : {}) };
  }
  const second = index.resolve(args[1]);
  if (second.k === "obj") return { methods: [normalised], path, handler: second.props.handler, options: second };
  return { methods: [normalised], path, handler: args[1] };
}

/** A plugin function, unwrapping `fastify-plugin` (which shares the parent's context). */
function pluginOf(arg: Sym | undefined, walker: RouteWalker): { fnId: string; encapsulated: boolean } | undefined {
  if (!arg) return undefined;
  let plugin = walker.index.resolve(arg);
  let encapsulated = true;
  if (plugin.k === "call" && plugin.callee.k === "ext" && plugin.callee.pkg === "fastify-plugin" && plugin.args[0]) {
    plugin = walker.index.resolve(plugin.args[0]);
    encapsulated = false;
  }
  return plugin.k === "fn" ? { fnId: plugin.id, encapsulated } : undefined;
}

/** Hooks of a context, and of the fastify-plugin contexts registered into it (they share it). */
function contextHooks(ctx: RoutingContext, scope: string, walker: RouteWalker, seen: Set<string>): ChainItem[] {
  if (seen.has(ctx.key)) return [];
  seen.add(ctx.key);
  const hooks: ChainItem[] = [];
  for (const c of walker.graph.callsOf(ctx)) {
    if (c.method === "addHook") {
      const name = pathText(walker.index.resolve(c.args[0] ?? { k: "lit", value: null }));
      if (name && REQUEST_HOOKS.has(name) && c.args[1]) hooks.push(...guardItems(c.args[1], scope, c.call.loc, "hook", walker));
    } else if (c.method === "register") {
      const plugin = pluginOf(c.args[0], walker);
      if (plugin && !plugin.encapsulated) hooks.push(...contextHooks(walker.graph.paramContext(plugin.fnId, 0), scope, walker, seen));
    } else if (c.method === "(call)" && c.args[0]?.k === "param") {
      hooks.push(...contextHooks(walker.graph.paramContext(c.args[0].fn, c.args[0].index), scope, walker, seen));
    }
  }
  return hooks;
}

function optionHooks(options: Extract<Sym, { k: "obj" }>, loc: ChainItem["loc"], walker: RouteWalker): ChainItem[] {
  const items: ChainItem[] = [];
  for (const hook of REQUEST_HOOKS) {
    const value = own(options.props, hook);
    if (value) items.push(...guardItems(value, "/", loc, "route", walker));
  }
  return items;
}

/**
 * Chain items for a hook value: arrays are spread, `fastify.authenticate` is replaced by what
 * was decorated under that name, and `fastify.auth([a, b])` (@fastify/auth) by its guards.
 */
function guardItems(value: Sym, scope: string, loc: ChainItem["loc"], level: ChainItem["level"], walker: RouteWalker): ChainItem[] {
  const { index } = walker;
  return flattenHandlers([value], index).flatMap((sym) => {
    const resolved = index.resolve(sym);
    if (resolved.k === "call" && resolved.callee.k === "member" && resolved.callee.prop === "auth" && resolved.args[0]) {
      return guardItems(resolved.args[0], scope, loc, level, walker);
    }
    if (resolved.k === "member") {
      const decorated = walker.decorations.get(resolved.prop);
      if (decorated) return [{ sym: decorated, scope, loc, level, name: `fastify.${resolved.prop}` }];
    }
    return [{ sym, scope, loc, level }];
  });
}

function schemasOf(options: Extract<Sym, { k: "obj" }> | undefined, walker: RouteWalker): { request?: RequestSchemas; responses?: Record<string, JsonSchema> } {
  const schema = options?.props.schema && walker.index.resolve(options.props.schema);
  if (schema?.k !== "obj") return {};
  const part = (name: string) => {
    const value = own(schema.props, name);
    return value ? schemaFromSym(value, walker.index)?.schema : undefined;
  };
  const request: RequestSchemas = {};
  const body = part("body");
  const query = part("querystring") ?? part("query");
  const params = part("params");
  const headers = part("headers");
  if (body) request.body = body;
  if (query) request.query = query;
  if (params) request.params = params;
  if (headers) request.headers = headers;
  const responses: Record<string, JsonSchema> = {};
  const response = schema.props.response && walker.index.resolve(schema.props.response);
  if (response?.k === "obj") {
    for (const code of Object.keys(response.props).sort()) {
      const json = schemaFromSym(own(response.props, code)!, walker.index)?.schema;
      if (json) responses[code] = json;
    }
  }
  return { request, ...(Object.keys(responses).length ? { responses } : {}) };
}
