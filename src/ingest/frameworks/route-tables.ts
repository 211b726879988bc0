// Routes registered from a table: an array of route objects walked with a computed method,
//
//   const routes = [{ method: "get", path: "/users", handler: list }, …];
//   routes.forEach((r) => router[r.method](r.path, r.handler));   // or for (const r of routes)
//
// Each element whose method is an HTTP verb becomes one registration on the receiver, with the
// call's arguments read for that element. Shared by every framework whose routes are methods of
// an app or router (Express, Fastify, Koa routers, Hono).
import type { CallFact } from "../js/facts.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { literalString, resolveShallow, substituteParams } from "../code/values.ts";
import { memberOf } from "../js/analyzer.ts";
import { HTTP_METHODS } from "./routing.ts";

const MAX_ROUTES = 64;
const ITERATING = ["forEach", "map"];

export interface TableRoute {
  method: string;
  args: Sym[];
}

/** The registrations `receiver[element.method](…)` makes, one per element of the table it walks. */
export function routeTableCalls(index: ProjectIndex, call: CallFact): TableRoute[] {
  if (!call.key) return [];
  const table = tableOf(index, call.key);
  if (!table) return [];
  const routes: TableRoute[] = [];
  for (const element of table.elements.slice(0, MAX_ROUTES)) {
    const method = literalString(index, table.read(call.key, element))?.toLowerCase();
    if (method && HTTP_METHODS.has(method)) routes.push({ method, args: call.args.map((arg) => table.read(arg, element)) });
  }
  return routes;
}

interface Table {
  elements: Sym[];
  /** A value of the loop body, read for one element. */
  read(sym: Sym, element: Sym): Sym;
}

function tableOf(index: ProjectIndex, key: Sym): Table | undefined {
  // `routes.forEach((r) => …)`: the key reads the callback's first parameter.
  const root = chainRoot(key);
  if (root.k === "param" && root.index === 0) {
    const fnId = root.fn;
    const walk = index.callsNamed(...ITERATING).find((c) => c.args[0] && isFunction(index, c.args[0], fnId));
    const array = walk && iterated(walk.callee);
    const elements = array && elementsOf(index, array);
    return elements && { elements, read: (sym, element) => substituteParams(sym, fnId, [element]) };
  }
  // `for (const r of routes)`: the key reads an element of the array, `routes[]`.
  const element = elementRead(key);
  if (!element) return undefined;
  const elements = elementsOf(index, element.obj);
  const marker = JSON.stringify(element);
  return elements && { elements, read: (sym, value) => replaceWhere(sym, marker, value) };
}

/** The array `x.forEach` walks; `require("./routes").forEach` is the module's `forEach`. */
function iterated(callee: Sym): Sym | undefined {
  if (callee.k === "member") return callee.obj;
  if (callee.k === "mod") return { k: "mod", file: callee.file, name: "*" };
  return undefined;
}

function isFunction(index: ProjectIndex, sym: Sym, fnId: string): boolean {
  const value = index.resolve(sym);
  return value.k === "fn" && value.id === fnId;
}

/** The route objects of a table, also one another module exports (`module.exports = [ … ]`). */
function elementsOf(index: ProjectIndex, array: Sym): Sym[] | undefined {
  const value = index.resolve(array);
  return value.k === "arr" ? value.items.map((item) => resolveShallow(index, item)) : undefined;
}

function chainRoot(sym: Sym): Sym {
  let s = sym;
  while (s.k === "member") s = s.obj;
  return s;
}

/** The `x[]` a member chain starts from (`r.method` where `r` is an element of `routes`). */
function elementRead(sym: Sym): Extract<Sym, { k: "member" }> | undefined {
  for (let s: Sym = sym; s.k === "member"; s = s.obj) {
    if (s.prop === "[]") return s;
  }
  return undefined;
}

/** `sym` with every part equal to `marker` (JSON) replaced by `value`. */
function replaceWhere(sym: Sym, marker: string, value: Sym, depth = 0): Sym {
  if (depth > 12) return sym;
  if (sym.k === "member") {
    if (sym.prop === "[]" && JSON.stringify(sym) === marker) return value;
    return memberOf(replaceWhere(sym.obj, marker, value, depth + 1), sym.prop);
  }
  if (sym.k === "concat") return { k: "concat", parts: sym.parts.map((p) => replaceWhere(p, marker, value, depth + 1)) };
  if (sym.k === "call") return { ...sym, callee: replaceWhere(sym.callee, marker, value, depth + 1), args: sym.args.map((a) => replaceWhere(a, marker, value, depth + 1)) };
  return sym;
}
