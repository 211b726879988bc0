// Small readings of symbolic values shared by the code extractors and their link steps: which
// package a value comes from, which parameter a member chain starts at, how a query or URL
// reads as text, and which literal options an object carries.
import type { SourceLocation } from "../../model/types.ts";
import { memberOf, type Node, type WalkContext } from "../js/analyzer.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { compareText } from "../../model/order.ts";

/** Shown in rendered SQL and URLs where a part is not a literal. */
export const HOLE = "${…}";

const MAX_RENDER_DEPTH = 12;
const MAX_OPTION_DEPTH = 3;
const MAX_PARAM_HOPS = 3;
const SECRET_OPTION = /secret|password|passwd|token|key$|keys|credential/i;

export type ExtSym = Extract<Sym, { k: "ext" }>;

/** "node:http" and "http" are the same package for recognition. */
export function packageName(pkg: string): string {
  return pkg.startsWith("node:") ? pkg.slice(5) : pkg;
}

/** The package value a member chain, call or `new` starts from: `axios.create().get` → axios.create. */
export function extRoot(sym: Sym, depth = 0): ExtSym | undefined {
  if (depth > MAX_RENDER_DEPTH) return undefined;
  switch (sym.k) {
    case "ext":
      return sym;
    case "member":
      return extRoot(sym.obj, depth + 1);
    case "call":
    case "new":
      return extRoot(sym.callee, depth + 1);
    default:
      return undefined;
  }
}

/** The package name and member path of an `ext`, with `default` dropped (`jwt.default.sign` is `jwt.sign`). */
export function extPath(sym: ExtSym): { pkg: string; path: string[] } {
  return { pkg: packageName(sym.pkg), path: sym.path.filter((p) => p !== "default") };
}

export interface ParamChain {
  fn: string;
  index: number;
  path: string[];
}

/** `req.body.email` → parameter 0 of its function with path ["body", "email"]. */
export function paramChain(sym: Sym): ParamChain | undefined {
  if (sym.k === "param") return { fn: sym.fn, index: sym.index, path: [...sym.path] };
  if (sym.k === "member") {
    const head = paramChain(sym.obj);
    return head && { ...head, path: [...head.path, sym.prop] };
  }
  return undefined;
}

export function memberChain(sym: Sym, path: readonly string[]): Sym {
  return path.reduce<Sym>((obj, prop) => memberOf(obj, prop), sym);
}

export function isProcessEnv(sym: Sym): boolean {
  return sym.k === "ext" && sym.pkg === "global" && sym.path[0] === "process" && sym.path[1] === "env";
}

/** Appends to the list under `key`, in place: copying the list for every entry is quadratic. */
export function addToList<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function locKey(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Whether two locations are the same place: what comparing their locKeys says, without building the keys. */
export function sameLocation(a: SourceLocation, b: SourceLocation): boolean {
  return a.line === b.line && a.column === b.column && a.file === b.file;
}

export function byLocation(a: SourceLocation, b: SourceLocation): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column;
}

/** A method call's name: `x.query(...)` → "query". */
export function calleeProp(callee: Sym): string | undefined {
  return callee.k === "member" ? callee.prop : undefined;
}

export interface Rendered {
  text: string;
  /** Every part is a literal (after following constants across files). */
  literal: boolean;
}

export interface RenderOptions {
  /**
   * `process.env.X ?? "http://host"` reads as its literal fallback: right for a URL target (it
   * names the service called), wrong for SQL (where it would hide a variable part).
   */
  preferFallback?: boolean;
}

/** Literal parts as written, `${…}` for the rest: "SELECT * FROM users WHERE id = ${…}". */
export function renderText(index: ProjectIndex, sym: Sym, options: RenderOptions = {}): Rendered {
  const state = { index, options, literal: true };
  const text = renderPart(state, sym, 0);
  return { text, literal: state.literal };
}

// A module function with its state passed in, not a closure: renderText runs for many facts.
function renderPart(state: { index: ProjectIndex; options: RenderOptions; literal: boolean }, s: Sym, depth: number): string {
  if (depth > MAX_RENDER_DEPTH) {
    state.literal = false;
    return HOLE;
  }
  switch (s.k) {
    case "lit":
      return s.value === null ? "" : String(s.value);
    case "concat":
      return s.parts.map((p) => renderPart(state, p, depth + 1)).join("");
    case "mod":
    case "member":
    case "call": {
      // Constants across files, and what a project function like `selectSql()` returns.
      const resolved = state.index.resolve(s);
      if (resolved !== s && (resolved.k === "lit" || resolved.k === "concat" || resolved.k === "alt")) return renderPart(state, resolved, depth + 1);
      break;
    }
    case "alt": {
      const fallback = state.options.preferFallback ? literalFallback(s.options) : undefined;
      if (fallback !== undefined) return fallback;
      break;
    }
  }
  state.literal = false;
  return HOLE;
}

/**
 * The symbolic values of a call's first `max` arguments (a spread stands for what it spreads),
 * for extractors that record them.
 */
export function argSyms(node: Node, ctx: WalkContext, max: number): Sym[] {
  return node.arguments.slice(0, max).map((a: Node) => ctx.symOf(a.type === "SpreadElement" ? a.argument : a));
}

function literalFallback(options: Sym[]): string | undefined {
  const literals = options.filter((o) => o.k === "lit" && typeof o.value === "string");
  const rest = options.filter((o) => !literals.includes(o));
  if (literals.length !== 1 || !rest.every(isProcessEnv)) return undefined;
  return String((literals[0] as { value: string }).value);
}

/**
 * The literal options an object argument carries, for evidence and rules: `{ origin: "*",
 * credentials: true }`. Non-literal values read "(dynamic)", functions "(function)"; values under
 * secret-like keys are never copied ("[redacted]").
 */
export function literalOptions(index: ProjectIndex, sym: Sym | undefined, depth = 0): Record<string, unknown> {
  const obj = sym && resolveShallow(index, sym);
  if (!obj || obj.k !== "obj") return {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj.props).sort()) {
    const value = literalValue(index, obj.props[key], depth + 1);
    out[key] = SECRET_OPTION.test(key) && holdsString(value) ? "[redacted]" : value;
  }
  return out;
}

function holdsString(value: unknown): boolean {
  return typeof value === "string" ? value !== "(dynamic)" && value !== "(function)" : Array.isArray(value) && value.some(holdsString);
}

export function literalValue(index: ProjectIndex, sym: Sym, depth = 0): unknown {
  const value = resolveShallow(index, sym);
  switch (value.k) {
    case "lit":
      return value.value;
    case "arr":
      return value.items.map((item) => literalValue(index, item, depth + 1));
    case "obj":
      return depth > MAX_OPTION_DEPTH ? "(dynamic)" : literalOptions(index, value, depth);
    case "fn":
      return "(function)";
    default:
      return "(dynamic)";
  }
}

/** A number when the value is a literal number (after following constants). */
export function literalNumber(index: ProjectIndex, sym: Sym | undefined): number | undefined {
  if (!sym) return undefined;
  const value = resolveShallow(index, sym);
  return value.k === "lit" && typeof value.value === "number" ? value.value : undefined;
}

export function literalString(index: ProjectIndex, sym: Sym | undefined): string | undefined {
  if (!sym) return undefined;
  const value = resolveShallow(index, sym);
  return value.k === "lit" && typeof value.value === "string" ? value.value : undefined;
}

/** Follows imports and object members, but not calls of project functions (their parameters would be lost). */
export function resolveShallow(index: ProjectIndex, sym: Sym): Sym {
  if (sym.k === "mod" || sym.k === "member") return index.resolve(sym);
  return sym;
}

/**
 * What a value may be: its resolution, and for a parameter (`function controller(pool) {…}`)
 * the arguments its function is called with, so a client handed to a factory is still known.
 */
export function possibleValues(index: ProjectIndex, sym: Sym): readonly Sym[] {
  // Data access, ORM and outbound reading ask this of the same receivers.
  return index.reading("possibleValues", sym, () => possibleValuesAt(index, sym, 0));
}

function possibleValuesAt(index: ProjectIndex, sym: Sym, depth: number): Sym[] {
  const values: Sym[] = [];
  for (const value of index.resolveAll(sym)) {
    const root = spineParam(value);
    const sites = root && depth < MAX_PARAM_HOPS ? (index.callsTo.get(root.fn) ?? []) : [];
    if (!root || !sites.length) {
      values.push(value);
      continue;
    }
    for (const site of sites) values.push(...possibleValuesAt(index, substituteParams(value, root.fn, site.args), depth + 1));
  }
  return values;
}

/** The parameter a receiver is built on: `pool` in `pool.connect().query`. */
function spineParam(sym: Sym): Extract<Sym, { k: "param" }> | undefined {
  switch (sym.k) {
    case "param":
      return sym;
    case "member":
      return spineParam(sym.obj);
    case "call":
      return spineParam(sym.callee);
    default:
      return undefined;
  }
}

/** Whether a value reads one of the function's own parameters (within a few levels). */
export function mentionsParamOf(sym: Sym, fnId: string, depth = 0): boolean {
  if (depth > 8) return false;
  const next = depth + 1;
  switch (sym.k) {
    case "param":
      return sym.fn === fnId;
    case "member":
      return mentionsParamOf(sym.obj, fnId, next);
    case "call":
    case "new":
      return mentionsParamOf(sym.callee, fnId, next) || sym.args.some((a) => mentionsParamOf(a, fnId, next));
    case "concat":
      return sym.parts.some((p) => mentionsParamOf(p, fnId, next));
    case "alt":
      return sym.options.some((o) => mentionsParamOf(o, fnId, next));
    case "arr":
      return sym.items.some((i) => mentionsParamOf(i, fnId, next));
    case "obj":
      return Object.values(sym.props).some((v) => mentionsParamOf(v, fnId, next)) || sym.spreads.some((v) => mentionsParamOf(v, fnId, next));
    default:
      return false;
  }
}

/** A value with one function's parameters replaced by a call's arguments. */
export function substituteParams(sym: Sym, fnId: string, args: readonly Sym[], depth = 0): Sym {
  if (depth > 20) return sym;
  // No local closure: under tsx every named closure costs a defineProperty per call, and this recurses per node.
  const next = depth + 1;
  switch (sym.k) {
    case "param":
      return sym.fn === fnId ? memberChain(args[sym.index] ?? { k: "lit", value: null }, sym.path) : sym;
    case "member":
      return { ...sym, obj: substituteParams(sym.obj, fnId, args, next) };
    case "call":
    case "new":
      return { ...sym, callee: substituteParams(sym.callee, fnId, args, next), args: substituteEach(sym.args, fnId, args, next) };
    case "concat":
      return { k: "concat", parts: substituteEach(sym.parts, fnId, args, next) };
    case "alt":
      return { k: "alt", options: substituteEach(sym.options, fnId, args, next) };
    case "arr":
      return { k: "arr", items: substituteEach(sym.items, fnId, args, next) };
    case "obj":
      return { k: "obj", props: Object.fromEntries(Object.entries(sym.props).map(([k, v]) => [k, substituteParams(v, fnId, args, next)])), spreads: substituteEach(sym.spreads, fnId, args, next) };
    default:
      return sym;
  }
}

function substituteEach(syms: readonly Sym[], fnId: string, args: readonly Sym[], depth: number): Sym[] {
  return syms.map((s) => substituteParams(s, fnId, args, depth));
}

/** The object literal an argument is, after following constants; undefined otherwise. */
export function objectArg(index: ProjectIndex, sym: Sym | undefined): Extract<Sym, { k: "obj" }> | undefined {
  if (!sym) return undefined;
  const value = resolveShallow(index, sym);
  return value.k === "obj" ? value : undefined;
}
