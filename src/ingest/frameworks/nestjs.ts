// NestJS: routes are declared on controller classes, not registered on a router. The app that
// `NestFactory.create(AppModule)` makes is walked through its module tree (@Module imports,
// controllers, providers, `configure(consumer)`), and each controller method decorated with
// @Get/@Post/…/@All becomes a route under the app's global prefix (minus its exclusions), the
// URI version, the RouterModule path, the controller path and the method path.
// The chain, in Nest's order: app.use middleware, MiddlewareConsumer middleware, guards (global,
// controller, method; a guard that a route's SetMetadata flag lets through is left out), then
// pipes. Controllers no app reaches are listed last, as not fully resolved.
import type { HttpMethod, SourceLocation } from "../../model/types.ts";
import type { ClassFact } from "../js/facts.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import type { ChainItem } from "./endpoint-builder.ts";
import { appliedDecorators, GuardExemptions, handlerParams, named, NEST_COMMON, NEST_CORE, trueFlags, type Applied } from "./nestjs-decorators.ts";
import { joinPaths, pathText, toOpenApiPath, UNRESOLVED_SEGMENT } from "./paths.ts";
import { flattenHandlers, type ContextCall, type ContextRecogniser, type RoutingContext } from "./routing.ts";
import type { Frame, RouteWalker } from "./walk.ts";
import { compareText } from "../../model/order.ts";

const ROUTE_DECORATORS: Record<string, HttpMethod> = {
  Get: "GET", Post: "POST", Put: "PUT", Patch: "PATCH", Delete: "DELETE", Options: "OPTIONS", Head: "HEAD", All: "ALL", Sse: "GET",
};
/** `RequestMethod` enum values, for `{ path, method: RequestMethod.GET }` written as numbers. */
const REQUEST_METHODS: HttpMethod[] = ["GET", "POST", "PUT", "DELETE", "PATCH", "ALL", "OPTIONS", "HEAD"];
const URI_VERSIONING = 0;

export const nestRecogniser: ContextRecogniser = {
  framework: "nestjs",
  creates(sym) {
    return sym.k === "ext" && sym.pkg === NEST_CORE && sym.path.join(".") === "NestFactory.create" ? "app" : undefined;
  },
};

/** A version segment: a version string, or null for none (VERSION_NEUTRAL, or no version). */
type Version = string | null;

/** What `forRoutes`/`exclude`/`setGlobalPrefix({ exclude })` name: a controller, or a path (with a method). */
type RouteTarget = { controller: string } | { path: string; method?: HttpMethod; wildcard: boolean };

interface AppSettings {
  globalPrefix: string;
  prefixResolved: boolean;
  prefixExcludes: RouteTarget[];
  versioning?: { prefix: string; defaults: Version[] };
  middleware: ChainItem[];
  guards: ChainItem[];
  pipes: ChainItem[];
}

interface ConsumerRule {
  items: ChainItem[];
  targets: RouteTarget[];
  excluded: RouteTarget[];
}

interface ModuleTree {
  controllers: { classId: string; modulePath: string }[];
  guards: ChainItem[];
  pipes: ChainItem[];
  consumers: ConsumerRule[];
}

interface NestRoute {
  controller: string;
  method: HttpMethod;
  /** Module, controller and method path joined, OpenAPI form, without global prefix and version. */
  localPath: string;
}

const NO_SETTINGS: AppSettings = { globalPrefix: "", prefixResolved: true, prefixExcludes: [], middleware: [], guards: [], pipes: [] };
const NO_TREE: ModuleTree = { controllers: [], guards: [], pipes: [], consumers: [] };

export function walkNest(ctx: RoutingContext, frame: Frame, walker: RouteWalker): void {
  const settings = appSettings(ctx, walker);
  const root = ctx.origin?.args[0];
  const tree = root ? moduleTree(root, walker.index) : NO_TREE;
  const routes = new NestRoutes(walker, settings, tree);
  for (const { classId, modulePath } of tree.controllers) {
    walker.reached.add(reachedKey(classId));
    routes.addController(classId, modulePath, frame);
  }
}

/** Controllers that no app's module tree reaches: listed with what their decorators say, as unresolved. */
export function listUnreachedControllers(walker: RouteWalker): void {
  const routes = new NestRoutes(walker, NO_SETTINGS, NO_TREE);
  const classes = [...walker.index.classes.values()].sort((a, b) => compareText(a.id, b.id));
  for (const cls of classes) {
    if (walker.reached.has(reachedKey(cls.id)) || !named(appliedDecorators(cls.decorators, walker.index), "Controller").length) continue;
    const frame: Frame = { framework: "nestjs", serviceId: walker.serviceOf(cls.loc.file), prefix: "/", prefixResolved: false, chain: [], visiting: new Set() };
    routes.addController(cls.id, "", frame);
  }
}

function reachedKey(classId: string): string {
  return `nest:${classId}`;
}

// ---- the app: main.ts ---------------------------------------------------------------------

function appSettings(ctx: RoutingContext, walker: RouteWalker): AppSettings {
  const { index } = walker;
  const settings: AppSettings = { ...NO_SETTINGS, middleware: [], guards: [], pipes: [], prefixExcludes: [] };
  for (const c of appCalls(ctx, walker, new Set())) {
    const item = (sym: Sym): ChainItem => ({ sym, scope: "/", loc: c.call.loc, level: "app" });
    switch (c.method) {
      case "setGlobalPrefix": {
        const text = pathText(c.args[0] && index.resolve(c.args[0]));
        settings.globalPrefix = text ?? UNRESOLVED_SEGMENT;
        settings.prefixResolved = text !== undefined && !text.includes(UNRESOLVED_SEGMENT);
        const options = c.args[1] && index.resolve(c.args[1]);
        const exclude = options?.k === "obj" ? own(options.props, "exclude") : undefined;
        settings.prefixExcludes = exclude ? routeTargets(flattenHandlers([exclude], index), index) : [];
        break;
      }
      case "enableVersioning":
        settings.versioning = uriVersioning(c.args[0], index);
        break;
      case "useGlobalGuards":
        settings.guards.push(...c.args.map(item));
        break;
      case "useGlobalPipes":
        settings.pipes.push(...c.args.map(item));
        break;
      case "use": {
        // app.use([path], ...middleware) goes straight to the HTTP adapter (Express or Fastify).
        const path = pathText(c.args[0] && index.resolve(c.args[0]));
        const handlers = path === undefined ? c.args : c.args.slice(1);
        const scope = joinPaths(toOpenApiPath(path ?? ""));
        settings.middleware.push(...flattenHandlers(handlers, index).map((sym) => ({ ...item(sym), scope })));
        break;
      }
    }
  }
  return settings;
}

/** Calls on the app, including those made by project functions it is handed to (`configureApp(app)`). */
function appCalls(ctx: RoutingContext, walker: RouteWalker, seen: Set<string>): ContextCall[] {
  if (seen.has(ctx.key)) return [];
  seen.add(ctx.key);
  walker.reached.add(ctx.key);
  return walker.graph.callsOf(ctx).flatMap((c) => {
    const param = c.method === "(call)" ? c.args[0] : undefined;
    return param?.k === "param" ? appCalls(walker.graph.paramContext(param.fn, param.index), walker, seen) : [c];
  });
}

/** `enableVersioning({ type: VersioningType.URI, prefix?, defaultVersion? })`; other types leave paths alone. */
function uriVersioning(options: Sym | undefined, index: ProjectIndex): AppSettings["versioning"] {
  const resolved = options && index.resolve(options);
  const props = resolved?.k === "obj" ? resolved.props : {};
  const type = own(props, "type") && index.resolve(own(props, "type")!);
  const isUri = !type || (type.k === "ext" && type.path.join(".") === "VersioningType.URI") || (type.k === "lit" && type.value === URI_VERSIONING);
  if (!isUri) return undefined;
  const prefix = own(props, "prefix") && index.resolve(own(props, "prefix")!);
  const defaults = versionsOf(own(props, "defaultVersion"), index) ?? [null];
  return { prefix: prefix?.k === "lit" ? (prefix.value === false ? "" : String(prefix.value)) : "v", defaults };
}

function versionsOf(sym: Sym | undefined, index: ProjectIndex): Version[] | undefined {
  if (!sym) return undefined;
  const resolved = index.resolve(sym);
  if (resolved.k === "arr") return resolved.items.flatMap((i) => versionsOf(i, index) ?? []);
  if (resolved.k === "lit" && (typeof resolved.value === "string" || typeof resolved.value === "number")) return [String(resolved.value)];
  if (resolved.k === "ext" && resolved.path[resolved.path.length - 1] === "VERSION_NEUTRAL") return [null];
  return undefined;
}

// ---- modules ------------------------------------------------------------------------------

/** Every module reachable from the root through `imports`, with what each contributes. */
function moduleTree(root: Sym, index: ProjectIndex): ModuleTree {
  const tree: ModuleTree = { controllers: [], guards: [], pipes: [], consumers: [] };
  const routerPaths = new Map<string, string>();
  const owners: { classId: string; module: string }[] = [];
  const seen = new Set<string>();
  const queue: Sym[] = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const ref = moduleRef(next, index, routerPaths);
    if (!ref || seen.has(ref.classId)) continue;
    seen.add(ref.classId);
    const cls = index.classes.get(ref.classId);
    const moduleDecorator = cls && named(appliedDecorators(cls.decorators, index), "Module")[0];
    const metadata = [moduleDecorator?.args[0], ref.dynamic].map((m) => (m ? index.resolve(m) : undefined));
    const list = (key: string) => flattenHandlers(metadata.flatMap((m) => (m?.k === "obj" && own(m.props, key) ? [own(m.props, key)!] : [])), index);
    queue.push(...list("imports"));
    for (const controller of list("controllers")) {
      const resolved = index.resolve(controller);
      if (resolved.k === "class") owners.push({ classId: resolved.id, module: ref.classId });
    }
    const loc = moduleDecorator?.loc ?? cls?.loc;
    if (loc) collectProviders(list("providers"), loc, tree, index);
    if (cls) tree.consumers.push(...consumerRules(cls, index));
  }
  tree.controllers = owners.map((o) => ({ classId: o.classId, modulePath: routerPaths.get(o.module) ?? "" }));
  return tree;
}

/**
 * An entry of `imports`: a module class, a dynamic module (`X.forRoot()` returning
 * `{ module, controllers, … }`), `forwardRef(() => X)`; RouterModule.register records paths.
 */
function moduleRef(sym: Sym, index: ProjectIndex, routerPaths: Map<string, string>, depth = 0): { classId: string; dynamic?: Sym } | undefined {
  if (depth > 4) return undefined;
  const resolved = index.resolve(sym);
  if (resolved.k === "class") return { classId: resolved.id };
  if (resolved.k === "obj") {
    const module = own(resolved.props, "module");
    const inner = module && moduleRef(module, index, routerPaths, depth + 1);
    return inner ? { classId: inner.classId, dynamic: resolved } : undefined;
  }
  if (resolved.k !== "call") return undefined;
  const callee = index.resolve(resolved.callee);
  if (callee.k === "ext" && callee.pkg === NEST_CORE && callee.path.join(".") === "RouterModule.register") {
    if (resolved.args[0]) registerRouterPaths(resolved.args[0], "", index, routerPaths);
    return undefined;
  }
  if (callee.k === "ext" && callee.pkg === NEST_COMMON && callee.path.join(".") === "forwardRef") {
    const factory = resolved.args[0] && index.resolve(resolved.args[0]);
    const target = factory?.k === "fn" ? index.functions.get(factory.id)?.returns[0] : undefined;
    return target ? moduleRef(target, index, routerPaths, depth + 1) : undefined;
  }
  // X.forRoot(...) whose return could not be followed: still module X.
  if (resolved.callee.k === "member") {
    const owner = index.resolve(resolved.callee.obj);
    if (owner.k === "class") return { classId: owner.id };
  }
  return undefined;
}

/** RouterModule.register([{ path: 'admin', module: AdminModule, children: [...] }]). */
function registerRouterPaths(routes: Sym, parent: string, index: ProjectIndex, out: Map<string, string>, depth = 0): void {
  if (depth > 6) return;
  for (const route of flattenHandlers([routes], index)) {
    const resolved = index.resolve(route);
    if (resolved.k === "class") {
      out.set(resolved.id, parent);
      continue;
    }
    if (resolved.k !== "obj") continue;
    const pathSym = own(resolved.props, "path");
    const path = joinPaths(parent, pathText(pathSym && index.resolve(pathSym)) ?? UNRESOLVED_SEGMENT);
    const module = own(resolved.props, "module") && index.resolve(own(resolved.props, "module")!);
    if (module?.k === "class") out.set(module.id, path);
    const children = own(resolved.props, "children");
    if (children) registerRouterPaths(children, path, index, out, depth + 1);
  }
}

/** `{ provide: APP_GUARD, useClass: JwtAuthGuard }` (and APP_PIPE): global for the whole app. */
function collectProviders(providers: Sym[], loc: SourceLocation, tree: ModuleTree, index: ProjectIndex): void {
  for (const provider of providers) {
    const resolved = index.resolve(provider);
    if (resolved.k !== "obj") continue;
    const provide = own(resolved.props, "provide") && index.resolve(own(resolved.props, "provide")!);
    if (provide?.k !== "ext" || provide.pkg !== NEST_CORE) continue;
    const value = own(resolved.props, "useClass") ?? own(resolved.props, "useExisting") ?? own(resolved.props, "useValue");
    if (!value) continue;
    const item: ChainItem = { sym: value, scope: "/", loc, level: "app" };
    if (provide.path[0] === "APP_GUARD") tree.guards.push(item);
    if (provide.path[0] === "APP_PIPE") tree.pipes.push(item);
  }
}

/** A module's `configure(consumer)`: `consumer.apply(a, b).exclude(...).forRoutes(...)`. */
function consumerRules(cls: ClassFact, index: ProjectIndex): ConsumerRule[] {
  const configure = own(cls.methods, "configure");
  if (!configure) return [];
  const rules: ConsumerRule[] = [];
  for (const call of index.callsIn.get(configure) ?? []) {
    if (call.callee.k !== "member" || call.callee.prop !== "forRoutes") continue;
    const excluded: RouteTarget[] = [];
    let applied: Sym[] | undefined;
    for (let sym: Sym = call.callee.obj, depth = 0; sym.k === "call" && sym.callee.k === "member" && depth < 8; sym = sym.callee.obj, depth++) {
      if (sym.callee.prop === "exclude") excluded.push(...routeTargets(sym.args, index));
      else if (sym.callee.prop === "apply") {
        applied = sym.args;
        break;
      } else break;
    }
    if (!applied) continue;
    const items = flattenHandlers(applied, index).map((sym) => ({ sym, scope: "/", loc: call.loc, level: "app" as const }));
    rules.push({ items, targets: routeTargets(call.args, index), excluded });
  }
  return rules;
}

function routeTargets(args: Sym[], index: ProjectIndex): RouteTarget[] {
  return flattenHandlers(args, index).flatMap((arg): RouteTarget[] => {
    const resolved = index.resolve(arg);
    if (resolved.k === "class") return [{ controller: resolved.id }];
    const text = pathText(resolved);
    if (text !== undefined) return [pathTarget(text)];
    if (resolved.k !== "obj") return [];
    const path = own(resolved.props, "path");
    const pathValue = pathText(path && index.resolve(path));
    if (pathValue === undefined) return [];
    const method = own(resolved.props, "method") && requestMethod(own(resolved.props, "method")!, index);
    return [{ ...pathTarget(pathValue), ...(method && method !== "ALL" ? { method } : {}) }];
  });
}

/** 'articles', 'articles/*', '(.*)', '{*splat}', '*' → a path and whether it covers what is below. */
function pathTarget(text: string): RouteTarget {
  const wildcard = /(^|\/)(\*\w*|\(\.\*\)|\{\*\w+\})$/.exec(text);
  const base = wildcard ? text.slice(0, wildcard.index) : text;
  return { path: toOpenApiPath(joinPaths(base)), wildcard: Boolean(wildcard) };
}

function requestMethod(sym: Sym, index: ProjectIndex): HttpMethod | undefined {
  const resolved = index.resolve(sym);
  if (resolved.k === "ext") return REQUEST_METHODS.find((m) => m === resolved.path[resolved.path.length - 1]);
  return resolved.k === "lit" && typeof resolved.value === "number" ? REQUEST_METHODS[resolved.value] : undefined;
}

function targets(target: RouteTarget, route: NestRoute): boolean {
  if ("controller" in target) return target.controller === route.controller;
  if (target.method && route.method !== target.method) return false;
  const want = target.path.split("/").filter(Boolean);
  const have = route.localPath.split("/").filter(Boolean);
  if (target.wildcard ? have.length < want.length : have.length !== want.length) return false;
  // A literal target segment ('articles/feed') does not cover a parameter route ('articles/:slug'):
  // it only sees the requests that ask for that literal value.
  return want.every((segment, i) => segment === have[i] || segment.startsWith("{"));
}

// ---- controllers --------------------------------------------------------------------------

class NestRoutes {
  private readonly exemptions: GuardExemptions;

  constructor(private readonly walker: RouteWalker, private readonly settings: AppSettings, private readonly tree: ModuleTree) {
    this.exemptions = new GuardExemptions(walker.index);
  }

  addController(classId: string, modulePath: string, frame: Frame): void {
    const { index } = this.walker;
    const cls = index.classes.get(classId);
    if (!cls) return;
    const classDecorators = appliedDecorators(cls.decorators, index);
    const controller = named(classDecorators, "Controller")[0];
    if (!controller) return;
    const options = controllerOptions(controller, index);
    for (const method of Object.keys(cls.methodDecorators).sort()) {
      const methodDecorators = appliedDecorators(own(cls.methodDecorators, method), index);
      const versions = this.versionsFor(methodDecorators, options.versions);
      for (const route of methodDecorators.filter((a) => a.pkg === NEST_COMMON && own(ROUTE_DECORATORS, a.name))) {
        const httpMethod = own(ROUTE_DECORATORS, route.name)!;
        const methodPaths = route.args[0] ? pathsOf(route.args[0], index) : [""];
        for (const controllerPath of options.paths) {
          for (const methodPath of methodPaths) {
            for (const version of versions) {
              this.add({ cls, method, httpMethod, route, classDecorators, methodDecorators, modulePath, controllerPath, methodPath, version, frame });
            }
          }
        }
      }
    }
  }

  private versionsFor(methodDecorators: Applied[], controllerVersions: Version[] | undefined): Version[] {
    const versioning = this.settings.versioning;
    if (!versioning) return [null];
    const declared = named(methodDecorators, "Version")[0];
    return (declared && versionsOf(declared.args[0], this.walker.index)) ?? controllerVersions ?? versioning.defaults;
  }

  private add(r: {
    cls: ClassFact; method: string; httpMethod: HttpMethod; route: Applied; classDecorators: Applied[]; methodDecorators: Applied[];
    modulePath: string; controllerPath: string | undefined; methodPath: string | undefined; version: Version; frame: Frame;
  }): void {
    const { index } = this.walker;
    const fnId = own(r.cls.methods, r.method);
    const controllerPath = r.controllerPath ?? UNRESOLVED_SEGMENT;
    const localPath = toOpenApiPath(joinPaths(r.modulePath, controllerPath, r.methodPath ?? UNRESOLVED_SEGMENT));
    const nestRoute: NestRoute = { controller: r.cls.id, method: r.httpMethod, localPath };
    const excluded = this.settings.prefixExcludes.some((t) => targets(t, nestRoute));
    const versionSegment = r.version === null || !this.settings.versioning ? "" : `${this.settings.versioning.prefix}${r.version}`;
    const prefix = joinPaths(r.frame.prefix, excluded ? "" : this.settings.globalPrefix, versionSegment, r.modulePath, controllerPath);
    const params = handlerParams(r.cls, r.method, index);
    this.walker.builder.add({
      framework: "nestjs", serviceId: r.frame.serviceId, method: r.httpMethod, prefix: toOpenApiPath(prefix), path: r.methodPath,
      loc: r.route.loc, handler: fnId ? { k: "fn", id: fnId } : undefined, operationName: r.method,
      prefixResolved: r.frame.prefixResolved && (excluded || this.settings.prefixResolved) && r.controllerPath !== undefined && !controllerPath.includes(UNRESOLVED_SEGMENT),
      chain: this.chainOf(nestRoute, r.classDecorators, r.methodDecorators, params),
      request: params.request, requestValidated: false,
    });
  }

  private chainOf(route: NestRoute, classDecorators: Applied[], methodDecorators: Applied[], params: ReturnType<typeof handlerParams>): ChainItem[] {
    const { index } = this.walker;
    const flags = trueFlags([...classDecorators, ...methodDecorators], index);
    const consumer = this.tree.consumers
      .filter((rule) => rule.targets.some((t) => targets(t, route)) && !rule.excluded.some((t) => targets(t, route)))
      .flatMap((rule) => rule.items);
    const guards = [
      ...this.settings.guards,
      ...this.tree.guards,
      ...decoratorItems(classDecorators, "UseGuards", "router"),
      ...decoratorItems(methodDecorators, "UseGuards", "route"),
    ].filter((g) => !this.exemptions.exempts(g.sym, flags));
    // A ValidationPipe validates parameters typed with a DTO class; parameter pipes always run.
    const pipes = params.hasDto
      ? [...this.settings.pipes, ...this.tree.pipes, ...decoratorItems(classDecorators, "UsePipes", "router"), ...decoratorItems(methodDecorators, "UsePipes", "route")]
      : [];
    const paramPipes = params.pipes.map(({ sym, loc }) => ({ sym, scope: "/", loc, level: "route" as const }));
    return [...this.settings.middleware, ...consumer, ...guards, ...pipes, ...paramPipes];
  }
}

function decoratorItems(applied: Applied[], name: string, level: ChainItem["level"]): ChainItem[] {
  return named(applied, name).flatMap((a) => a.args.map((sym) => ({ sym, scope: "/", loc: a.loc, level })));
}

/** `@Controller('articles')`, `@Controller(['a', 'b'])`, `@Controller({ path, version })`. */
function controllerOptions(controller: Applied, index: ProjectIndex): { paths: (string | undefined)[]; versions?: Version[] } {
  const arg = controller.args[0] && index.resolve(controller.args[0]);
  if (!arg) return { paths: [""] };
  if (arg.k === "obj") {
    const path = own(arg.props, "path");
    return { paths: path ? pathsOf(path, index) : [""], versions: versionsOf(own(arg.props, "version"), index) };
  }
  return { paths: pathsOf(arg, index) };
}

/** A path or an array of paths; undefined stands for one that is not a literal. */
function pathsOf(sym: Sym, index: ProjectIndex): (string | undefined)[] {
  const resolved = index.resolve(sym);
  if (resolved.k === "arr") return resolved.items.map((i) => pathText(index.resolve(i)));
  return [pathText(resolved)];
}
