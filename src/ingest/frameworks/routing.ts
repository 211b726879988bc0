// The routing graph, shared by every framework. A *context* is something routes are registered
// on: an app or router created by a framework (`express()`, `Router()`, `Fastify()`), or a
// function parameter that receives one (a Fastify plugin's `fastify`, `module.exports = (app) =>`).
// Calls on contexts are collected from every file; a framework interprets them while the graph is
// walked from each app down through mounts, carrying the path prefix and the middleware chain.
import type { Framework, SourceLocation } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { compareText } from "../../model/order.ts";
import { routeTableCalls } from "./route-tables.ts";

export const HTTP_METHODS = new Set(["get", "post", "put", "patch", "delete", "del", "options", "head", "all"]);

export interface ContextCall {
  method: string;
  args: Sym[];
  call: CallFact;
  /** For `router.route('/x').get(...)`: the path given to route(). */
  routePath?: Sym;
  /** Handlers that run before this route's own, each applied where it was registered (a generated route inherits earlier guards). */
  inherited?: { sym: Sym; loc: SourceLocation }[];
}

export interface RoutingContext {
  key: string;
  /** Known when the context was created by a framework call; params learn it from their parent. */
  framework?: Framework;
  kind: "app" | "router" | "param";
  loc?: SourceLocation;
  calls: ContextCall[];
  /** Mounted somewhere (so it is not a root). */
  mounted: boolean;
  /**
   * For an app made by a project factory (`createApp()`), the context created inside the
   * factory: what the factory registers applies to every app it makes, and each call site
   * makes its own app.
   */
  template?: RoutingContext;
  /** A context created inside a factory, standing for the apps the factory makes. */
  isTemplate?: boolean;
  /** The expression that created it (`new Router({ prefix })`, `NestFactory.create(AppModule)`): its arguments are options. */
  origin?: Extract<Sym, { k: "call" | "new" }>;
}

/** How each framework recognises the contexts it creates. */
export interface ContextRecogniser {
  framework: Framework;
  /** "app" or "router" when the resolved value is a context this framework created. */
  creates(sym: Sym): "app" | "router" | undefined;
  /** Methods that return the context they are called on (Hono's `app.get(…).post(…)`). */
  chains?: ReadonlySet<string>;
}

export class RoutingGraph {
  readonly contexts = new Map<string, RoutingContext>();
  /** Method → the recognisers whose contexts it returns, in recogniser order (asked for every call on a value). */
  private readonly chainingByMethod: ReadonlyMap<string, ContextRecogniser[]>;

  constructor(readonly index: ProjectIndex, private readonly recognisers: readonly ContextRecogniser[]) {
    this.chainingByMethod = chainingRecognisers(recognisers);
    const callees = index.resolvedCallees();
    index.allCalls().forEach((call, i) => this.collect(call, callees[i]));
    for (const ctx of this.contexts.values()) ctx.calls.sort(byPosition);
  }

  /**
   * The context a value (as recorded, not yet resolved) stands for. A call of a project factory
   * that returns a freshly created app gives a context of its own per call site.
   */
  contextOfValue(sym: Sym, depth = 0): RoutingContext | undefined {
    if (sym.k === "call" && depth < 4) {
      const callee = this.index.resolve(sym.callee);
      const fn = callee.k === "fn" ? this.index.functions.get(callee.id) : undefined;
      for (const ret of fn?.returns ?? []) {
        const inner = this.contextOfValue(ret, depth + 1);
        if (!inner) continue;
        return inner.kind === "param" || inner.template ? inner : this.instanceOf(inner, sym.loc);
      }
    }
    return this.contextOf(this.index.resolve(sym));
  }

  /** A registration made on a context by a library it was handed to (finale-rest's resources), kept in source order. */
  addCall(ctx: RoutingContext, call: ContextCall): void {
    ctx.calls.push(call);
    ctx.calls.sort(byPosition);
  }

  /** What was registered on a context, including what its factory registered first. */
  callsOf(ctx: RoutingContext): ContextCall[] {
    return ctx.template ? [...ctx.template.calls, ...ctx.calls] : ctx.calls;
  }

  private instanceOf(template: RoutingContext, at: SourceLocation): RoutingContext {
    template.isTemplate = true;
    const key = `${template.key}@${at.file}:${at.line}:${at.column}`;
    let ctx = this.contexts.get(key);
    if (!ctx) {
      ctx = { key, kind: template.kind, framework: template.framework, loc: at, calls: [], mounted: false, template, ...(template.origin ? { origin: template.origin } : {}) };
      this.contexts.set(key, ctx);
    }
    return ctx;
  }

  /** The context a resolved value is, registering it on first sight. */
  contextOf(sym: Sym): RoutingContext | undefined {
    if (sym.k === "param" && sym.path.length === 0) {
      return this.ensure(`param:${sym.fn}#${sym.index}`, { kind: "param", loc: this.index.functions.get(sym.fn)?.loc });
    }
    if (sym.k === "call" || sym.k === "new") {
      const callee = this.index.resolve(sym.callee);
      // Express's `app.route('/x')` (one argument) starts a route chain; Hono's `app.route('/x', sub)` returns the app.
      const expressRoute = callee.k === "member" && callee.prop === "route" && sym.args.length < 2;
      const chained = sym.k === "call" && !expressRoute ? this.chainedContext(callee) : undefined;
      if (chained) return chained;
      // `new Hono().basePath('/api')` starts where `new Hono()` does: the method keeps them apart.
      const method = callee.k === "member" ? `#${callee.prop}` : "";
      for (const r of this.recognisers) {
        const kind = createdBy(r, callee);
        if (kind) return this.ensure(`ctx:${sym.loc.file}:${sym.loc.line}:${sym.loc.column}${method}`, { kind, framework: r.framework, loc: sym.loc, origin: sym });
      }
    }
    return undefined;
  }

  /** `app.get(…)` returns `app` in frameworks whose methods chain. */
  private chainedContext(callee: Sym): RoutingContext | undefined {
    if (callee.k !== "member") return undefined;
    const chaining = this.chainingByMethod.get(callee.prop);
    if (!chaining) return undefined;
    const ctx = this.contextOf(callee.obj);
    return ctx && (!ctx.framework || chaining.some((r) => r.framework === ctx.framework)) ? ctx : undefined;
  }

  /** The context for parameter `index` of a project function (a plugin or a routes module). */
  paramContext(fnId: string, index: number): RoutingContext {
    return this.contextOf({ k: "param", fn: fnId, index, path: [] })!;
  }

  private ensure(key: string, init: Omit<RoutingContext, "key" | "calls" | "mounted">): RoutingContext {
    let ctx = this.contexts.get(key);
    if (!ctx) {
      ctx = { key, ...init, calls: [], mounted: false };
      this.contexts.set(key, ctx);
    }
    return ctx;
  }

  /** @param resolvedCallee what `call.callee` resolves to */
  private collect(call: CallFact, resolvedCallee: Sym): void {
    if (call.callee.k === "member") {
      const method = call.callee.prop;
      const ctx = this.contextOfValue(call.callee.obj);
      const receiver = this.index.resolve(call.callee.obj);
      if (ctx) {
        if (method === "[]") for (const route of routeTableCalls(this.index, call)) ctx.calls.push({ ...route, call });
        else ctx.calls.push({ method, args: call.args, call });
        return;
      }
      const chain = HTTP_METHODS.has(method) ? this.routeChain(receiver) : undefined;
      if (chain) chain.ctx.calls.push({ method, args: call.args, call, routePath: chain.path });
      return;
    }
    // A project function called with a context: `registerRoutes(app)`, `require('./routes')(app)`.
    const callee = resolvedCallee;
    if (callee.k !== "fn") return;
    call.args.forEach((arg, i) => {
      const ctx = this.contextOfValue(arg);
      if (ctx) ctx.calls.push({ method: "(call)", args: [{ k: "param", fn: callee.id, index: i, path: [] }], call });
    });
  }

  /** `router.route('/x').get(a).post(b)`: find the router and the path under the chain. */
  private routeChain(receiver: Sym, depth = 0): { ctx: RoutingContext; path: Sym } | undefined {
    if (depth > 12 || receiver.k !== "call" || receiver.callee.k !== "member") return undefined;
    const { obj, prop } = receiver.callee;
    if (prop === "route") {
      const ctx = this.contextOfValue(obj);
      return ctx && receiver.args[0] ? { ctx, path: receiver.args[0] } : undefined;
    }
    if (HTTP_METHODS.has(prop)) return this.routeChain(this.index.resolve(obj), depth + 1);
    return undefined;
  }
}

function chainingRecognisers(recognisers: readonly ContextRecogniser[]): Map<string, ContextRecogniser[]> {
  const byMethod = new Map<string, ContextRecogniser[]>();
  for (const r of recognisers) {
    for (const method of r.chains ?? []) {
      const list = byMethod.get(method);
      if (list) list.push(r);
      else byMethod.set(method, [r]);
    }
  }
  return byMethod;
}

function byPosition(a: ContextCall, b: ContextCall): number {
  return compareText(a.call.loc.file, b.call.loc.file) || a.call.order - b.call.order || chainDepth(a.call.callee) - chainDepth(b.call.callee);
}

/**
 * In `app.use(a).get(b)` both calls start at `app`; the inner one (fewer calls under its
 * callee) runs first.
 */
function chainDepth(callee: Sym): number {
  let depth = 0;
  for (let s = callee; s.k === "member" && s.obj.k === "call"; s = s.obj.callee) depth++;
  return depth;
}

/** Flattens arrays of handlers (`[auth, validate]`) into a list, resolving each array. */
export function flattenHandlers(args: readonly Sym[], index: ProjectIndex): Sym[] {
  const out: Sym[] = [];
  for (const arg of args) {
    const resolved = index.resolve(arg);
    if (resolved.k === "arr") out.push(...flattenHandlers(resolved.items, index));
    else out.push(arg);
  }
  return out;
}

/**
 * What a recogniser makes of a callee; for alternatives, their common answer: a module read
 * through an interop helper (`_interopRequireDefault(require("express")).default`) is
 * `express.default` or `express`, the same factory either way.
 */
function createdBy(recogniser: ContextRecogniser, callee: Sym): "app" | "router" | undefined {
  if (callee.k !== "alt") return recogniser.creates(callee);
  const kinds = new Set(callee.options.map((option) => recogniser.creates(option)));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}
