// Symbolic values: what an expression stands for, recorded per file without the AST, so that a
// linker can follow values across files (an imported router, a factory's return value, a plugin
// function's first parameter). They are plain JSON.
import type { SourceLocation } from "../../model/types.ts";

export type Sym =
  /** A value from an external package: `express` → {pkg:"express", path:[]}, `Router` → path ["Router"]. */
  | { k: "ext"; pkg: string; path: string[] }
  /** An export of a project file; name "*" is the module namespace (or CommonJS module.exports). */
  | { k: "mod"; file: string; name: string }
  /** A function defined in the project (id = `${file}:${line}:${column}`). */
  | { k: "fn"; id: string }
  /** A class defined in the project; `new` of it gives an instance whose members are its methods. */
  | { k: "class"; id: string }
  | { k: "new"; callee: Sym; args: Sym[]; loc: SourceLocation }
  /** A parameter of a project function (index), with a property path for destructured ones. */
  | { k: "param"; fn: string; index: number; path: string[] }
  | { k: "call"; callee: Sym; args: Sym[]; loc: SourceLocation }
  | { k: "member"; obj: Sym; prop: string }
  | { k: "lit"; value: string | number | boolean | null }
  /** A template literal or concatenation: literal parts and symbolic parts in order. */
  | { k: "concat"; parts: Sym[] }
  | { k: "arr"; items: Sym[] }
  | { k: "obj"; props: Record<string, Sym>; spreads: Sym[] }
  /** One of several values (`a || b`, `c ? a : b`, a reassigned `let`). */
  | { k: "alt"; options: Sym[] }
  /** `this` inside a class method: members resolve against the class. */
  | { k: "this"; cls?: string }
  | { k: "unknown"; text: string };

export const UNKNOWN: Sym = { k: "unknown", text: "?" };

/**
 * A record's own entry. Keys come from analysed code, so `record[key]` could return
 * Object.prototype members ("constructor", "hasOwnProperty"): look only at own properties.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Writes a record's own entry. Keys come from analysed code: `record["__proto__"] = v` would set
 * the record's prototype instead of storing an entry (and workers' copies would then differ).
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

export function lit(sym: Sym | undefined): string | number | boolean | null | undefined {
  return sym?.k === "lit" ? sym.value : undefined;
}

export function litString(sym: Sym | undefined): string | undefined {
  const v = lit(sym);
  return typeof v === "string" ? v : undefined;
}

/**
 * A copy of a symbolic value with at most `budget` nodes; deeper parts become unknown. Facts are
 * kept for every file of a project, so one generated expression must not cost megabytes.
 */
export function prune(sym: Sym, budget = 160): Sym {
  // Most values are small: only copy the ones that are over budget.
  if (isShortChain(sym, budget) || treeWithin(sym, budget) || sizeUpTo(sym, budget) <= budget) return sym;
  const state = { left: budget, done: new Map<Sym, Sym>() };
  return pruneIn(sym, state);
}

/**
 * A leaf or a member chain down to one (`req.body.email`), within `budget` nodes: the most common
 * values, sized without sizeUpTo's set and stack (a chain cannot share a part with itself).
 */
function isShortChain(sym: Sym, budget: number): boolean {
  let s = sym;
  for (let count = 1; count <= budget; count++) {
    if (s.k !== "member") return !HAS_PARTS.has(s.k);
    s = s.obj;
  }
  return false;
}

const HAS_PARTS = new Set<Sym["k"]>(["call", "new", "member", "concat", "alt", "arr", "obj"]);

/**
 * Whether the value, counted as a tree (a shared part once per use), has at most `cap` nodes. A
 * tree count is never below sizeUpTo's, so "yes" answers for it without a set of visited parts.
 */
export function treeWithin(sym: Sym, cap: number): boolean {
  const stack: Sym[] = [sym];
  for (let count = 0; stack.length > 0; ) {
    if (++count > cap) return false;
    pushParts(stack, stack.pop()!);
  }
  return true;
}

function pushParts(stack: Sym[], s: Sym): void {
  switch (s.k) {
    case "call":
    case "new":
      stack.push(s.callee);
      for (let i = 0; i < s.args.length; i++) stack.push(s.args[i]);
      break;
    case "member":
      stack.push(s.obj);
      break;
    case "concat":
      for (let i = 0; i < s.parts.length; i++) stack.push(s.parts[i]);
      break;
    case "alt":
      for (let i = 0; i < s.options.length; i++) stack.push(s.options[i]);
      break;
    case "arr":
      for (let i = 0; i < s.items.length; i++) stack.push(s.items[i]);
      break;
    case "obj":
      for (const key in s.props) if (Object.hasOwn(s.props, key)) stack.push(s.props[key]);
      for (let i = 0; i < s.spreads.length; i++) stack.push(s.spreads[i]);
      break;
  }
}

/**
 * The number of nodes in a value, counting no further than `cap` + 1. A subtree shared by several
 * uses (a loop variable's array used in three places) is one object in memory and counts once.
 */
function sizeUpTo(sym: Sym, cap: number): number {
  let count = 0;
  const stack: Sym[] = [sym];
  const seen = new Set<Sym>();
  while (stack.length && count <= cap) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    count++;
    pushParts(stack, s);
  }
  return count;
}

function pruneIn(sym: Sym, state: { left: number; done: Map<Sym, Sym> }): Sym {
  const shared = state.done.get(sym);
  if (shared) return shared;
  const pruned = pruneNode(sym, state);
  state.done.set(sym, pruned);
  return pruned;
}

function pruneNode(sym: Sym, state: { left: number; done: Map<Sym, Sym> }): Sym {
  if (--state.left < 0) return { k: "unknown", text: "…" };
  switch (sym.k) {
    case "call":
    case "new":
      return { ...sym, callee: pruneIn(sym.callee, state), args: sym.args.map((a) => pruneIn(a, state)) };
    case "member":
      return { ...sym, obj: pruneIn(sym.obj, state) };
    case "concat":
      return { k: "concat", parts: sym.parts.map((p) => pruneIn(p, state)) };
    case "alt":
      return { k: "alt", options: sym.options.map((o) => pruneIn(o, state)) };
    case "arr":
      return { k: "arr", items: sym.items.map((i) => pruneIn(i, state)) };
    case "obj": {
      const props: Record<string, Sym> = {};
      for (const key of Object.keys(sym.props)) setOwn(props, key, pruneIn(sym.props[key], state));
      return { k: "obj", props, spreads: sym.spreads.map((s) => pruneIn(s, state)) };
    }
    default:
      return sym;
  }
}

/** A short human-readable rendering, for middleware names and messages. */
export function describe(sym: Sym, depth = 0): string {
  if (depth > 4) return "…";
  switch (sym.k) {
    case "ext":
      return [sym.pkg, ...sym.path].join(".");
    case "mod":
      return sym.name === "*" || sym.name === "default" ? baseName(sym.file) : sym.name;
    case "fn":
      return "function";
    case "class":
      return "class";
    case "new":
      return `new ${describe(sym.callee, depth + 1)}`;
    case "param":
      return ["param" + sym.index, ...sym.path].join(".");
    case "call":
      return `${describe(sym.callee, depth + 1)}(${sym.args.map((a) => (a.k === "lit" ? JSON.stringify(a.value) : describe(a, depth + 1))).join(", ")})`;
    case "member":
      return `${describe(sym.obj, depth + 1)}.${sym.prop}`;
    case "lit":
      return JSON.stringify(sym.value);
    case "concat":
      return "`…`";
    case "arr":
      return "[…]";
    case "obj":
      return "{…}";
    case "alt":
      return sym.options.map((o) => describe(o, depth + 1)).join(" | ");
    case "this":
      return "this";
    case "unknown":
      return sym.text;
  }
}

function baseName(file: string): string {
  const last = file.split("/").pop() ?? file;
  return last.replace(/\.[cm]?[jt]sx?$/, "");
}
