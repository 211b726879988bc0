// What a function reads from its parameters: `req.body.email`, `const { q } = req.query`,
// `({ params }) => params.id`, `req.get("x-api-key")`. Recorded for every parameter of every
// function, because which parameter is a request is only known once routes are linked; the
// link step keeps the reads of request parameters (and follows `req` into helpers).
import type { RequestInput, SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { propertyName, unwrap } from "../js/analyzer.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { locKey, paramChain } from "./values.ts";
import { compareText } from "../../model/order.ts";

export const REQUEST_READS = "code.requestReads";

export interface RequestReadFact {
  /** The function whose parameter is read (not necessarily the innermost function). */
  fn: string;
  index: number;
  path: string[];
  /** A method call on the chain: `req.get("x")` → { method: "get", arg: "x" }, path []. */
  call?: { method: string; arg?: string };
  /** Where the value is passed whole to a call (`create(req.body)`): that call's location. */
  passedTo?: SourceLocation;
  loc: SourceLocation;
}

export type RequestStyle = "express" | "fastify" | "koa" | "hono" | "nest";

/** Which parameter of a handler or middleware is the request, and in which framework's shape. */
/** Request parameters are keyed by function and parameter index: a Nest method has several (`@Param`, `@Body`). */
export function requestParamKey(fnId: string, index: number): string {
  return `${fnId}#${index}`;
}

export interface RequestParam {
  index: number;
  style: RequestStyle;
  /**
   * NestJS passes request parts, not the request: `@Body() dto` is { source: "body" },
   * `@Query("q") q` is { source: "query", key: "q" }. Without it a Nest parameter reads as "other".
   */
  source?: RequestInput["kind"];
  key?: string;
}

// Methods that read the request (Express `req.get`, Hono `c.req.query`, Koa `ctx.get`).
const READ_METHODS = new Set(["get", "header", "query", "param", "queries", "cookie", "json", "text", "formData", "parseBody", "valid", "arrayBuffer", "blob"]);
const INPUT_KINDS = new Set(["body", "query", "params", "headers", "cookies"]);
const OTHER_INPUTS = new Set(["url", "originalUrl", "path", "hostname", "host", "ip", "ips", "file", "files", "rawBody", "raw", "signedCookies"]);
const HONO_VALID: Record<string, RequestInput["kind"]> = { json: "body", form: "body", query: "query", param: "params", header: "headers", cookie: "cookies" };
const MAX_HELPER_DEPTH = 6;

// Member expressions already covered by a longer chain (or a call) seen earlier in the walk.
const covered = new WeakSet<Node>();

export const requestReads: Extractor = {
  name: "request-reads",
  visit: {
    MemberExpression(node, ctx) {
      if (covered.has(node)) return;
      coverChain(node);
      if (!rootedInParameter(node, ctx)) return;
      const chain = paramChain(ctx.symOf(node));
      if (chain && chain.path.length) emitRead(ctx, { ...chain, loc: ctx.loc(node) });
    },
    CallExpression(node, ctx) {
      const callee = unwrap(node.callee);
      if (callee?.type === "MemberExpression" && !callee.computed) recordMethodRead(node, callee, ctx);
      recordPassedArguments(node, ctx);
    },
    AssignmentExpression(node) {
      // `req.session.user = u` writes the request, it does not read it.
      const left = unwrap(node.left);
      if (left?.type === "MemberExpression") {
        covered.add(left);
        coverChain(left);
      }
    },
    VariableDeclarator(node, ctx) {
      if (!node.init || (node.id.type !== "ObjectPattern" && node.id.type !== "ArrayPattern")) return;
      // `const { email } = req.body` reads body.email, not the whole body.
      const init = unwrap(node.init);
      if (init?.type === "MemberExpression") {
        covered.add(init);
        coverChain(init);
      }
      const base = paramChain(ctx.symOf(node.init));
      if (base) emitPatternReads(ctx, node.id, base);
    },
    FunctionDeclaration: recordParameterPatterns,
    FunctionExpression: recordParameterPatterns,
    ArrowFunctionExpression: recordParameterPatterns,
  },
};

/** Methods that read the request rather than transform a value read from it. */
export function isReadMethod(name: string): boolean {
  return READ_METHODS.has(name);
}

function emitRead(ctx: WalkContext, fact: RequestReadFact): void {
  ctx.emit(REQUEST_READS, { ...fact, path: withoutLength(fact.path) });
}

/** `req.body.tags.length` reads body.tags. */
function withoutLength(path: string[]): string[] {
  return path.length > 1 && path[path.length - 1] === "length" ? path.slice(0, -1) : path;
}

/**
 * A cheap test before computing a whole chain's value: the identifier the chain starts from
 * stands for a parameter (or a part of one, through an alias or destructuring).
 */
function rootedInParameter(node: Node, ctx: WalkContext): boolean {
  let n = unwrap(node);
  while (n?.type === "MemberExpression") n = unwrap(n.object);
  return n?.type === "Identifier" && startsAtParameter(ctx.symOf(n));
}

/** Whether paramChain(sym) is defined, without building the chain (most identifiers are not parameters). */
function startsAtParameter(sym: Sym): boolean {
  let s = sym;
  while (s.k === "member") s = s.obj;
  return s.k === "param";
}

function coverChain(node: Node): void {
  for (let n = unwrap(node.object); n?.type === "MemberExpression"; n = unwrap(n.object)) covered.add(n);
}

/** `req.get("x")`, `c.req.query("q")`, `req.body.tags.split(",")` (a read of body.tags). */
function recordMethodRead(node: Node, callee: Node, ctx: WalkContext): void {
  covered.add(callee);
  coverChain(callee);
  if (!rootedInParameter(callee.object, ctx)) return;
  const chain = paramChain(ctx.symOf(callee.object));
  if (!chain) return;
  const method: string = callee.property.name;
  const loc = ctx.loc(node);
  if (READ_METHODS.has(method)) {
    const first = node.arguments[0] ? ctx.symOf(node.arguments[0]) : undefined;
    const arg = first?.k === "lit" && typeof first.value === "string" ? first.value : undefined;
    emitRead(ctx, { ...chain, call: { method, ...(arg !== undefined ? { arg } : {}) }, loc });
  } else if (chain.path.length) {
    emitRead(ctx, { ...chain, loc });
  }
}

/** `create(req.body)`, `save(body)`: the whole value is used, and the link step may follow it into the callee. */
function recordPassedArguments(node: Node, ctx: WalkContext): void {
  for (const arg of node.arguments) {
    const a = unwrap(arg);
    if (a?.type !== "MemberExpression" && a?.type !== "Identifier") continue;
    if (a.type === "MemberExpression") {
      covered.add(a);
      coverChain(a);
    }
    if (!rootedInParameter(a, ctx)) continue;
    const chain = paramChain(ctx.symOf(a));
    if (chain && chain.path.length) emitRead(ctx, { ...chain, passedTo: ctx.loc(node), loc: ctx.loc(a) });
  }
}

function recordParameterPatterns(node: Node, ctx: WalkContext): void {
  const { line, column } = ctx.loc(node);
  const fn = `${ctx.file}:${line}:${column}`;
  node.params.forEach((param: Node, index: number) => {
    const p = param.type === "TSParameterProperty" ? param.parameter : param;
    const pattern = p.type === "AssignmentPattern" ? p.left : p;
    if (pattern.type === "ObjectPattern" || pattern.type === "ArrayPattern") emitPatternReads(ctx, pattern, { fn, index, path: [] });
  });
}

function emitPatternReads(ctx: WalkContext, pattern: Node, base: { fn: string; index: number; path: string[] }): void {
  for (const leaf of patternLeaves(pattern, base.path)) {
    if (leaf.path.length) emitRead(ctx, { fn: base.fn, index: base.index, path: leaf.path, loc: ctx.loc(leaf.node) });
  }
}

function patternLeaves(pattern: Node, prefix: string[]): { path: string[]; node: Node }[] {
  const p = pattern?.type === "AssignmentPattern" ? pattern.left : pattern;
  if (p?.type === "ObjectPattern") {
    return p.properties.flatMap((prop: Node) => {
      if (prop.type === "RestElement") return [{ path: prefix, node: prop }];
      const key = propertyName(prop) ?? "[]";
      const value = prop.value?.type === "AssignmentPattern" ? prop.value.left : prop.value;
      if (value?.type === "ObjectPattern" || value?.type === "ArrayPattern") return patternLeaves(value, [...prefix, key]);
      return [{ path: [...prefix, key], node: prop }];
    });
  }
  if (p?.type === "ArrayPattern") {
    return p.elements.flatMap((el: Node, i: number) => (el ? patternLeaves(el, [...prefix, String(i)]) : []));
  }
  return [{ path: prefix, node: pattern }];
}

// ---- link side ------------------------------------------------------------------------------

const readsCache = new WeakMap<ProjectIndex, Map<string, RequestReadFact[]>>();

/** Every recorded read of a function's parameters, in source order. */
export function readsOf(index: ProjectIndex, fnId: string): readonly RequestReadFact[] {
  let byFn = readsCache.get(index);
  if (!byFn) {
    byFn = new Map();
    for (const facts of index.files.values()) {
      for (const read of (facts.extra[REQUEST_READS] ?? []) as RequestReadFact[]) {
        const list = byFn.get(read.fn);
        if (list) list.push(read);
        else byFn.set(read.fn, [read]);
      }
    }
    readsCache.set(index, byFn);
  }
  return byFn.get(fnId) ?? [];
}

/**
 * The request input a read of the request parameter stands for, or undefined when it is not
 * client-controlled (`req.user`, `req.session`, `reply`). Paths read "body.email", "headers.x-api-key".
 */
export function inputOf(request: RequestParam, path: readonly string[], call?: RequestReadFact["call"]): Pick<RequestInput, "kind" | "path"> | undefined {
  switch (request.style) {
    case "hono":
      return path[0] === "req" ? honoInput(path.slice(1), call) : undefined;
    case "koa":
      return koaInput(path, call);
    case "nest":
      if (call) return undefined;
      return request.source ? named(request.source, [...(request.key ? [request.key] : []), ...path]) : { kind: "other", path: path.join(".") };
    default:
      return expressInput(path, call);
  }
}

function expressInput(path: readonly string[], call?: RequestReadFact["call"]): Pick<RequestInput, "kind" | "path"> | undefined {
  if (call) {
    if (path.length === 0 && (call.method === "get" || call.method === "header") && call.arg) return headerInput(call.arg);
    if (path.length === 0 && call.method === "param" && call.arg) return { kind: "other", path: `param.${call.arg}` };
    return path.length ? expressInput(path) : undefined;
  }
  const [head, ...rest] = path;
  if (head === "signedCookies") return named("cookies", rest);
  if (head === "headers" || head === "header") return named("headers", rest.map((h) => h.toLowerCase()));
  if (INPUT_KINDS.has(head)) return named(head as RequestInput["kind"], rest);
  if (OTHER_INPUTS.has(head)) return { kind: "other", path: path.join(".") };
  return undefined;
}

function koaInput(path: readonly string[], call?: RequestReadFact["call"]): Pick<RequestInput, "kind" | "path"> | undefined {
  const p = path[0] === "request" ? path.slice(1) : path;
  if (call && p.length === 1 && p[0] === "cookies" && call.method === "get" && call.arg) return named("cookies", [call.arg]);
  return expressInput(p, call);
}

function honoInput(path: readonly string[], call?: RequestReadFact["call"]): Pick<RequestInput, "kind" | "path"> | undefined {
  if (!call) return path.length ? expressInput(path) : undefined;
  if (path.length) return undefined;
  const arg = call.arg !== undefined ? [call.arg] : [];
  switch (call.method) {
    case "query":
    case "queries":
      return named("query", arg);
    case "param":
      return named("params", arg);
    case "header":
      return call.arg ? headerInput(call.arg) : named("headers", []);
    case "cookie":
      return named("cookies", arg);
    case "json":
    case "parseBody":
    case "formData":
    case "text":
    case "arrayBuffer":
    case "blob":
      return named("body", []);
    case "valid": {
      const kind = call.arg ? own(HONO_VALID, call.arg) : undefined;
      return kind ? named(kind, []) : undefined;
    }
    default:
      return undefined;
  }
}

function headerInput(name: string): Pick<RequestInput, "kind" | "path"> {
  return named("headers", [name.toLowerCase()]);
}

function named(kind: RequestInput["kind"], rest: readonly string[]): Pick<RequestInput, "kind" | "path"> {
  return { kind, path: [kind, ...rest].join(".").replace(/\.\[\]/g, "[]") };
}

/**
 * What a request handler reads from its request parameter: its own reads, and the reads of the
 * helpers it passes `req` or a part of it (`req.body`) to, followed through project functions.
 */
/** An input, and whether it is used whole (passed to a call) rather than only read through. */
type FoundInput = RequestInput & { whole: boolean };

export function collectRequestInputs(index: ProjectIndex, fnId: string, request: RequestParam): RequestInput[] {
  const seen = new Set<string>();
  const visit = (fn: string, param: number, prefix: string[], depth: number): FoundInput[] => {
    const key = `${fn}#${param}#${prefix.join(".")}`;
    if (depth > MAX_HELPER_DEPTH || seen.has(key)) return [];
    seen.add(key);
    // A value passed to a helper that reads parts of it is described by those parts; passed to
    // a helper that uses it whole (or to a package), it is an input itself.
    const helperInputs: FoundInput[] = [];
    const describedByHelper = new Set<string>();
    for (const pass of passesOf(index, fn, param)) {
      const found = visit(pass.fn, pass.index, [...prefix, ...pass.path], depth + 1);
      if (found.length) describedByHelper.add(passKey(pass.call, pass.path));
      helperInputs.push(...found);
    }
    const own = readsOf(index, fn).flatMap((read) => {
      if (read.index !== param || (read.passedTo && describedByHelper.has(passKey(read.passedTo, read.path)))) return [];
      const input = inputOf(request, withoutLength([...prefix, ...read.path]), read.call);
      return input ? [{ ...input, location: read.loc, whole: Boolean(read.passedTo) }] : [];
    });
    return [...own, ...helperInputs];
  };
  const all = visit(fnId, request.index, [], 0);
  // A NestJS parameter is itself an input (`@Query("q") q`), even when nothing is read from it.
  const whole = request.style === "nest" && request.source ? inputOf(request, []) : undefined;
  const fnLocation = index.functions.get(fnId)?.loc;
  if (whole && fnLocation) all.push({ ...whole, location: fnLocation, whole: false });
  const unique = new Map<string, RequestInput>();
  for (const { whole, ...input } of all) {
    // `const { body } = req` then `body.title`: the alias is described by what is read through it.
    if (!whole && all.some((other) => isInside(other.path, input.path))) continue;
    const id = `${input.kind} ${input.path}`;
    if (!unique.has(id)) unique.set(id, input);
  }
  return [...unique.values()].sort((a, b) => compareText(a.kind, b.kind) || compareText(a.path, b.path));
}

function isInside(path: string, prefix: string): boolean {
  return path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

interface Pass {
  fn: string;
  index: number;
  path: string[];
  call: SourceLocation;
}

function passKey(call: SourceLocation, path: readonly string[]): string {
  return `${locKey(call)} ${path.join(".")}`;
}

/** Where a function hands (part of) one of its parameters to another project function. */
function passesOf(index: ProjectIndex, fnId: string, param: number): Pass[] {
  const file = index.functions.get(fnId)?.loc.file;
  const facts = file ? index.files.get(file) : undefined;
  if (!facts) return [];
  const passes: Pass[] = [];
  for (const call of facts.calls) {
    const targets = projectFunctions(index, call.callee);
    if (!targets.length) continue;
    call.args.forEach((arg, argIndex) => {
      const chain = paramChain(arg);
      if (chain?.fn !== fnId || chain.index !== param) return;
      for (const target of targets) passes.push({ fn: target, index: argIndex, path: chain.path, call: call.loc });
    });
  }
  return passes;
}

/** The project functions a callee may be. */
export function projectFunctions(index: ProjectIndex, callee: Sym): string[] {
  // Only these kinds can stand for a function; the rest (literals, objects, parameters…) resolve
  // to themselves. Link steps ask this of every argument of every call, so skip those cheaply
  // and answer each value once (the answer is shared: callers only read it).
  if (!MAY_NAME_FUNCTION.has(callee.k)) return [];
  return index.reading("projectFunctions", callee, () => index.resolveAll(callee).flatMap((s) => (s.k === "fn" && index.functions.has(s.id) ? [s.id] : [])));
}

const MAY_NAME_FUNCTION = new Set<Sym["k"]>(["fn", "mod", "member", "call", "alt"]);
