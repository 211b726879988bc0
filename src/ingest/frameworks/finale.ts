// finale-rest (and epilogue, the library it forked): `finale.initialize({ app })` then
// `finale.resource({ model, endpoints: [list, item] })` registers REST routes on that Express app:
// create (POST list), list (GET list), read (GET item), update (PUT item, or `updateMethod`) and
// delete (DELETE item), restricted by `actions`. The routes are added to the app's calls at the
// resource's position, so the Express walker gives them the middleware registered before it —
// including earlier routes on the same method and path (`app.post('/api/x', guard)`), which run
// first and pass on with next(). Resources made in a loop over an array literal
// (`for (const { name, model } of models)`, ``endpoints: [`/api/${name}s`]``) are expanded per item.
import type { Endpoint, GeneratedRoute as GeneratedInfo, HttpMethod, SourceLocation } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import { own, setOwn, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { extPath, extRoot, literalString, locKey, objectArg, packageName } from "../code/values.ts";
import { joinPaths, pathText, samePath, toOpenApiPath } from "./paths.ts";
import { flattenHandlers, HTTP_METHODS, type ContextCall, type RoutingContext, type RoutingGraph } from "./routing.ts";

const PACKAGES = new Set(["finale-rest", "finale", "epilogue"]);

export type ResourceAction = GeneratedInfo["action"];

/** Each action's default method and whether it is served on the list (plural) or the item path. */
const ACTIONS: Record<ResourceAction, { method: HttpMethod; plural: boolean }> = {
  create: { method: "POST", plural: true },
  list: { method: "GET", plural: true },
  read: { method: "GET", plural: false },
  update: { method: "PUT", plural: false },
  delete: { method: "DELETE", plural: false },
};
const ALL_ACTIONS = Object.keys(ACTIONS) as ResourceAction[];

/** A route a resource generates, and what the model says about it once the walker has built it. */
export interface ResourceRoute {
  library: string;
  action: ResourceAction;
  method: HttpMethod;
  /** Framework syntax (`/api/users/:id`). */
  path: string;
  at: SourceLocation;
  entity?: string;
  readOnlyAttributes: string[];
}

/**
 * Adds the routes of every resource to the app it is registered on; returns them so the built
 * endpoints can be annotated (`annotateGenerated`).
 */
export function addResourceRoutes(graph: RoutingGraph, index: ProjectIndex): ResourceRoute[] {
  const calls = index.allCalls().filter((c) => libraryCall(c) !== undefined);
  const apps = new Map<string, Sym>();
  for (const call of calls) {
    const ext = libraryCall(call)!;
    const app = ext.name === "initialize" ? objectArg(index, call.args[0])?.props.app : undefined;
    if (app && !apps.has(ext.pkg)) apps.set(ext.pkg, app);
  }
  const generated: ResourceRoute[] = [];
  for (const call of calls) {
    const ext = libraryCall(call)!;
    if (ext.name !== "resource") continue;
    const options = objectArg(index, call.args[0]);
    const appSym = (options && own(options.props, "app")) ?? apps.get(ext.pkg);
    const ctx = appSym && graph.contextOfValue(appSym);
    if (!options || !ctx) continue;
    for (const item of loopItems(options)) {
      const resource = readResource(index, substituteItem(options, item.array, item.value));
      for (const route of routesOf(resource, ext.pkg, call.loc)) {
        graph.addCall(ctx, { method: route.method.toLowerCase(), args: [{ k: "lit", value: route.path }, handlerSym(ext.pkg, route.action)], call, inherited: earlierHandlers(graph, ctx, call, route, index) });
        generated.push(route);
      }
    }
  }
  return generated;
}

/** Marks the endpoints built from generated routes with the resource they come from. */
export function annotateGenerated(endpoints: Endpoint[], generated: readonly ResourceRoute[]): void {
  for (const endpoint of endpoints) {
    const shape = pathShape(endpoint.path);
    const route = generated.find((g) => locKey(g.at) === locKey(endpoint.location) && g.method === endpoint.method && shape.endsWith(pathShape(toOpenApiPath(joinPaths(g.path)))));
    if (!route) continue;
    endpoint.generated = { library: route.library, action: route.action, ...(route.entity ? { entity: route.entity } : {}), ...(route.readOnlyAttributes.length ? { readOnlyAttributes: route.readOnlyAttributes } : {}) };
  }
}

function pathShape(openApiPath: string): string {
  return openApiPath.replace(/\{[^}]*\}/g, "{}");
}

function libraryCall(call: CallFact): { pkg: string; name: string } | undefined {
  const root = call.callee.k === "ext" ? call.callee : extRoot(call.callee);
  // Asked of every call: rule out other packages before building the member path.
  if (!root || !PACKAGES.has(packageName(root.pkg))) return undefined;
  const { pkg, path } = extPath(root);
  const name = path.filter((p) => p !== "default").join(".");
  return name === "resource" || name === "initialize" ? { pkg, name } : undefined;
}

interface ResourceOptions {
  list?: string;
  item?: string;
  actions: ResourceAction[];
  updateMethod?: HttpMethod;
  entity?: string;
  readOnlyAttributes: string[];
}

function readResource(index: ProjectIndex, options: Extract<Sym, { k: "obj" }>): ResourceOptions {
  const endpoints = own(options.props, "endpoints");
  const paths = endpoints?.k === "arr" ? endpoints.items.map((p) => pathText(index.resolve(p))) : [pathText(endpoints && index.resolve(endpoints))];
  const actions = stringList(index, own(options.props, "actions")).filter((a): a is ResourceAction => (ALL_ACTIONS as string[]).includes(a));
  const update = literalString(index, own(options.props, "updateMethod"))?.toUpperCase();
  const entity = modelName(index, own(options.props, "model"));
  return {
    ...(paths[0] ? { list: paths[0] } : {}),
    ...(paths[1] ?? paths[0] ? { item: (paths[1] ?? paths[0])! } : {}),
    actions: actions.length ? actions : ALL_ACTIONS,
    ...(update === "PATCH" || update === "POST" || update === "PUT" ? { updateMethod: update } : {}),
    ...(entity ? { entity } : {}),
    readOnlyAttributes: stringList(index, own(options.props, "readOnlyAttributes")),
  };
}

function routesOf(resource: ResourceOptions, library: string, at: SourceLocation): ResourceRoute[] {
  return resource.actions.flatMap((action) => {
    const path = ACTIONS[action].plural ? resource.list : resource.item;
    if (!path || path.includes("{?}")) return [];
    const method = action === "update" ? (resource.updateMethod ?? ACTIONS.update.method) : ACTIONS[action].method;
    return [{ library, action, method, path, at, ...(resource.entity ? { entity: resource.entity } : {}), readOnlyAttributes: resource.readOnlyAttributes }];
  });
}

/** The route's stand-in handler: the library's controller for the action. */
function handlerSym(pkg: string, action: ResourceAction): Sym {
  return { k: "ext", pkg, path: ["resource", action] };
}

/**
 * Handlers of routes registered on the app before the resource for the same method and path:
 * Express runs them first, and a guard among them (`app.put('/api/x/:id', requireAuth)`) guards
 * the generated route.
 */
function earlierHandlers(graph: RoutingGraph, ctx: RoutingContext, resourceCall: CallFact, route: ResourceRoute, index: ProjectIndex): { sym: Sym; loc: SourceLocation }[] {
  const target = toOpenApiPath(joinPaths(route.path));
  const before = (c: ContextCall) => c.call.loc.file === resourceCall.loc.file && c.call.order < resourceCall.order;
  return graph
    .callsOf(ctx)
    .filter((c) => before(c) && matchesRoute(c, route.method, target, index))
    .flatMap((c) => flattenHandlers(c.routePath ? c.args : c.args.slice(1), index).map((sym) => ({ sym, loc: c.call.loc })));
}

function matchesRoute(c: ContextCall, method: HttpMethod, target: string, index: ProjectIndex): boolean {
  if (!HTTP_METHODS.has(c.method) || (c.method !== "all" && c.method.toUpperCase() !== method)) return false;
  const path = pathText(index.resolve(c.routePath ?? c.args[0] ?? { k: "lit", value: null }));
  return path !== undefined && samePath(toOpenApiPath(joinPaths(path)), target);
}

// ---- loops over an array literal ------------------------------------------------------------

/** The items of the array literal the options iterate over, or one pass with no substitution. */
function loopItems(options: Sym): { array?: Sym; value?: Sym }[] {
  const array = iteratedArray(options, 0);
  if (!array || array.k !== "arr") return [{}];
  return array.items.map((value) => ({ array, value }));
}

/** `member(arr, "[]")` somewhere in the value: the array a for-of binding came from. */
function iteratedArray(sym: Sym, depth: number): Sym | undefined {
  if (depth > 8) return undefined;
  switch (sym.k) {
    case "member":
      return sym.prop === "[]" && sym.obj.k === "arr" ? sym.obj : iteratedArray(sym.obj, depth + 1);
    case "obj":
      return firstOf(Object.values(sym.props), depth);
    case "arr":
      return firstOf(sym.items, depth);
    case "concat":
      return firstOf(sym.parts, depth);
    default:
      return undefined;
  }
}

function firstOf(syms: readonly Sym[], depth: number): Sym | undefined {
  for (const s of syms) {
    const found = iteratedArray(s, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The options with each `array[]` replaced by one item, and that item's properties read off. */
function substituteItem<T extends Sym>(sym: T, array: Sym | undefined, item: Sym | undefined): T {
  if (!array || !item) return sym;
  // Each use of the loop variable holds its own copy of the array: compare them by content.
  return replace(sym, JSON.stringify(array), item, 0) as T;
}

function replace(sym: Sym, array: string, item: Sym, depth: number): Sym {
  if (depth > 12) return sym;
  switch (sym.k) {
    case "member": {
      if (sym.prop === "[]" && sym.obj.k === "arr" && JSON.stringify(sym.obj) === array) return item;
      const obj = replace(sym.obj, array, item, depth + 1);
      const prop = obj.k === "obj" ? own(obj.props, sym.prop) : undefined;
      return prop ?? (obj === sym.obj ? sym : { ...sym, obj });
    }
    case "obj": {
      const props: Record<string, Sym> = {};
      for (const key of Object.keys(sym.props)) setOwn(props, key, replace(sym.props[key], array, item, depth + 1));
      return { ...sym, props };
    }
    case "arr":
      return { ...sym, items: sym.items.map((i) => replace(i, array, item, depth + 1)) };
    case "concat":
      return { ...sym, parts: sym.parts.map((p) => replace(p, array, item, depth + 1)) };
    default:
      return sym;
  }
}

// ---- small readings -------------------------------------------------------------------------

function stringList(index: ProjectIndex, sym: Sym | undefined): string[] {
  const value = sym && index.resolve(sym);
  if (value?.k !== "arr") return [];
  return value.items.map((i) => literalString(index, i)).filter((s): s is string => s !== undefined);
}

/** `User` for a model class, `sequelize.define("User", …)`, or the name it is imported as. */
function modelName(index: ProjectIndex, sym: Sym | undefined): string | undefined {
  if (!sym) return undefined;
  const value = index.resolve(sym);
  if (value.k === "class") return index.classes.get(value.id)?.name;
  if (value.k === "call" && value.callee.k === "member" && value.callee.prop === "define") return literalString(index, value.args[0]);
  if (sym.k === "mod" && sym.name !== "*" && sym.name !== "default") return sym.name;
  return undefined;
}
