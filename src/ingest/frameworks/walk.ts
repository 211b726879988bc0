// Walks the routing graph from every app down through mounts, letting each framework
// interpret the calls on its contexts. Contexts never mounted anywhere are walked last with an
// unknown prefix, so their routes are still listed (and counted as not fully resolved).
import type { Framework } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { EndpointBuilder, type ChainItem } from "./endpoint-builder.ts";
import { expressRecogniser, walkExpress } from "./express.ts";
import { fastifyRecogniser, walkFastify } from "./fastify.ts";
import { addResourceRoutes, annotateGenerated, type ResourceRoute } from "./finale.ts";
import { graphqlRecogniser, walkGraphql } from "./graphql.ts";
import { appOfView, honoRecogniser, walkHono } from "./hono.ts";
import { koaRecogniser, walkKoa } from "./koa.ts";
import { listUnreachedControllers, nestRecogniser, walkNest } from "./nestjs.ts";
import { pathText } from "./paths.ts";
import { flattenHandlers, HTTP_METHODS, RoutingGraph, type RoutingContext } from "./routing.ts";
import { compareText } from "../../model/order.ts";

export interface Frame {
  framework: Framework;
  serviceId: string;
  prefix: string;
  prefixResolved: boolean;
  chain: ChainItem[];
  /** Contexts on the current path from the root, to stop at cycles. */
  visiting: ReadonlySet<string>;
}

const WALKERS: Partial<Record<Framework, (ctx: RoutingContext, frame: Frame, walker: RouteWalker) => void>> = {
  express: walkExpress,
  fastify: walkFastify,
  graphql: walkGraphql,
  hono: walkHono,
  koa: walkKoa,
  nestjs: walkNest,
};

export class RouteWalker {
  readonly graph: RoutingGraph;
  readonly builder: EndpointBuilder;
  /** `fastify.decorate(name, value)` across the project: what `fastify.<name>` stands for. */
  readonly decorations = new Map<string, Sym>();
  readonly reached = new Set<string>();
  /** Routes that libraries such as finale-rest register on an app they are handed. */
  private readonly generated: ResourceRoute[];

  constructor(readonly index: ProjectIndex, readonly serviceOf: (file: string) => string) {
    this.graph = new RoutingGraph(index, [expressRecogniser, fastifyRecogniser, honoRecogniser, koaRecogniser, nestRecogniser, graphqlRecogniser]);
    this.builder = new EndpointBuilder(index);
    this.generated = addResourceRoutes(this.graph, index);
    this.collectDecorations();
  }

  run(): void {
    const contexts = [...this.graph.contexts.values()].sort((a, b) => compareText(a.key, b.key));
    this.markMounted(contexts);
    for (const ctx of this.roots(contexts)) this.walk(ctx, this.rootFrame(ctx, ctx.framework!, true));
    for (const ctx of contexts) {
      if (this.reached.has(ctx.key) || ctx.isTemplate || !this.looksLikeRoutes(ctx)) continue;
      const framework = ctx.framework ?? this.guessFramework(ctx);
      this.walk(ctx, this.rootFrame(ctx, framework, false));
    }
    // NestJS routes live on controller classes, outside the graph: list those no app reached.
    listUnreachedControllers(this);
    annotateGenerated(this.builder.endpoints, this.generated);
  }

  walk(ctx: RoutingContext, frame: Frame): void {
    if (frame.visiting.has(ctx.key)) return;
    this.reached.add(ctx.key);
    const framework = ctx.framework ?? frame.framework;
    const walker = WALKERS[framework];
    if (!walker) return;
    walker(ctx, { ...frame, framework, visiting: new Set([...frame.visiting, ctx.key]) }, this);
  }

  /**
   * The router or app a middleware argument mounts: the value itself, or one wrapped by a
   * library call such as `vhost(host, app)`.
   */
  mountedContext(sym: Sym): RoutingContext | undefined {
    const direct = this.graph.contextOfValue(sym);
    if (direct) return direct;
    const resolved = this.index.resolve(sym);
    if (resolved.k === "call" && resolved.callee.k === "ext") {
      for (const arg of resolved.args) {
        const wrapped = this.graph.contextOfValue(arg);
        if (wrapped) return wrapped;
      }
    }
    return undefined;
  }

  /** Walk into a function parameter that receives the current context. */
  walkChild(param: Sym | undefined, frame: Frame, framework?: Framework): void {
    if (param?.k !== "param") return;
    this.walk(this.graph.paramContext(param.fn, param.index), framework ? { ...frame, framework } : frame);
  }

  private rootFrame(ctx: RoutingContext, framework: Framework, resolved: boolean): Frame {
    const file = ctx.loc?.file ?? ctx.calls[0]?.call.loc.file ?? "";
    return { framework, serviceId: this.serviceOf(file), prefix: "/", prefixResolved: resolved, chain: [], visiting: new Set() };
  }

  private markMounted(contexts: RoutingContext[]): void {
    for (const ctx of contexts) {
      for (const c of this.graph.callsOf(ctx)) {
        if (c.method === "(call)" && c.args[0]?.k === "param") {
          this.graph.paramContext(c.args[0].fn, c.args[0].index).mounted = true;
        } else if (c.method !== "register") {
          for (const item of flattenHandlers(c.args, this.index)) {
            const child = this.mountedContext(item);
            if (child && child !== ctx) child.mounted = true;
          }
        } else if (c.method === "register" && c.args[0]) {
          let plugin = this.index.resolve(c.args[0]);
          if (plugin.k === "call" && plugin.callee.k === "ext" && plugin.callee.pkg === "fastify-plugin" && plugin.args[0]) plugin = this.index.resolve(plugin.args[0]);
          if (plugin.k === "fn") this.graph.paramContext(plugin.id, 0).mounted = true;
        }
      }
    }
  }

  /**
   * Apps that are not mounted anywhere. When there are several, the ones that listen (or are
   * handed to a server) are the roots; the others are sub-apps mounted in a way bka cannot
   * follow, so their prefix is unknown and they are walked later as unmounted.
   */
  private roots(contexts: RoutingContext[]): RoutingContext[] {
    const candidates = contexts.filter((ctx) => ctx.kind === "app" && !ctx.mounted && !ctx.isTemplate && ctx.framework);
    if (candidates.length <= 1) return candidates;
    const serving = candidates.filter((ctx) => this.graph.callsOf(ctx).some((c) => c.method === "listen") || this.servedContexts.has(ctx.key));
    return serving.length ? serving : candidates;
  }

  /** Contexts passed to a library call such as `http.createServer(app)` or `serverless(app)`. */
  private get servedContexts(): Set<string> {
    if (!this.served) {
      this.served = new Set();
      for (const call of this.index.allCalls()) {
        const callee = call.callee.k === "ext" ? call.callee : call.callee.k === "member" && call.callee.obj.k === "ext" ? call.callee.obj : undefined;
        if (!callee) continue;
        for (const arg of call.args) {
          const ctx = arg.k === "call" || arg.k === "param" || arg.k === "mod" || arg.k === "member" ? this.graph.contextOfValue(arg) : undefined;
          if (ctx) this.served.add(ctx.key);
          for (const fetch of fetchHandlers(arg)) {
            const app = this.graph.contextOfValue(fetch.obj);
            if (app) this.served.add(app.key);
          }
        }
      }
      // Bun, Deno and Workers serve what a module exports by default: `app`, `{ fetch: app.fetch }`.
      for (const facts of this.index.files.values()) {
        const exported = facts.exports.default;
        if (!exported) continue;
        const apps = [exported, ...fetchHandlers(exported).map((f) => f.obj)].map((sym) => this.graph.contextOfValue(sym));
        for (const app of apps) if (app?.framework === "hono") this.served.add(appOfView(app, this.graph).key);
      }
    }
    return this.served;
  }

  private served: Set<string> | undefined;

  /** An unmounted context is only worth listing if it registers something that looks like a route. */
  private looksLikeRoutes(ctx: RoutingContext): boolean {
    if (ctx.kind === "router") return this.graph.callsOf(ctx).some((c) => HTTP_METHODS.has(c.method) || c.routePath);
    if (ctx.kind === "app") return true;
    return this.graph.callsOf(ctx).some((c) => {
      if (c.method === "route") return this.index.resolve(c.args[0] ?? { k: "lit", value: null }).k === "obj";
      if (!HTTP_METHODS.has(c.method) || c.args.length < 2) return false;
      const path = pathText(this.index.resolve(c.args[0]));
      const handler = this.index.resolve(c.args[c.args.length - 1]);
      return path !== undefined && path.startsWith("/") && (handler.k === "fn" || handler.k === "obj");
    });
  }

  private guessFramework(ctx: RoutingContext): Framework {
    const fastifyLike = this.graph.callsOf(ctx).some((c) => ["register", "addHook", "decorate", "route"].includes(c.method) && !(c.method === "route" && c.args.length === 1 && this.index.resolve(c.args[0]).k === "lit"));
    return fastifyLike ? "fastify" : "express";
  }

  private collectDecorations(): void {
    for (const ctx of [...this.graph.contexts.values()].sort((a, b) => compareText(a.key, b.key))) {
      for (const c of this.graph.callsOf(ctx)) {
        if (c.method !== "decorate" || !c.args[1]) continue;
        const name = pathText(this.index.resolve(c.args[0]));
        if (name && !this.decorations.has(name)) this.decorations.set(name, c.args[1]);
      }
    }
  }
}

/** `serve({ fetch: app.fetch })`, `Deno.serve(app.fetch)`: the apps whose fetch handler is handed over. */
function fetchHandlers(arg: Sym): Extract<Sym, { k: "member" }>[] {
  const values = arg.k === "obj" ? Object.values(arg.props) : [arg];
  return values.filter((v): v is Extract<Sym, { k: "member" }> => v.k === "member" && v.prop === "fetch");
}
