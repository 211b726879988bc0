// Outbound HTTP calls: fetch (global, node-fetch, undici), axios (and instances from
// axios.create), got (and got.extend), superagent, node:http/https, ky, request. For each: the
// target URL, the timeout and where it comes from (call option, client instance, AbortSignal,
// global default), whether a retry or circuit breaker wraps it, and whether request input
// reaches the URL (SSRF). The extractor records candidates and the AST-only context (chained
// `.timeout()`, a setTimeout that aborts a controller, `instance.defaults.timeout = …`, retry
// and breaker wrappers); the link step resolves instances across files.
import type { OutboundCall, SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { memberPath, unwrap } from "../js/analyzer.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { originOf, reachableFunctions } from "../link/taint.ts";
import { projectFunctions, type RequestParam } from "./request-reads.ts";
import { addToList, argSyms, byLocation, extPath, extRoot, literalNumber, locKey, objectArg, packageName, possibleValues, renderText, resolveShallow } from "./values.ts";
import { visitorKeys } from "oxc-parser";

export const OUTBOUND_CANDIDATES = "code.outboundCandidates";
export const OUTBOUND_MODIFIERS = "code.outboundModifiers";
export const ABORT_TIMERS = "code.abortTimers";
export const CLIENT_DEFAULTS = "code.clientDefaults";
export const CALL_WRAPPERS = "code.callWrappers";

export interface OutboundCandidateFact {
  loc: SourceLocation;
  fn?: string;
  /** Every enclosing function, outermost first: a retry wrapper may wrap any of them. */
  enclosing: string[];
  inLoop: boolean;
  callee: Sym;
  args: Sym[];
}

/** `.timeout(5000)` / `.setTimeout(5000)` / `.retry(2)` called on the result of the calls at `targets`. */
export interface ModifierFact {
  targets: string[];
  method: string;
  arg?: Sym;
}

/** `setTimeout(() => controller.abort(), ms)`. */
export interface AbortTimerFact {
  controller: Sym;
  ms?: Sym;
}

/** `instance.defaults.timeout = 5000` (axios). */
export interface ClientDefaultFact {
  instance: Sym;
  timeout: Sym;
}

/** A call or `new` of a retry / circuit-breaker library (p-retry, axios-retry, opossum, cockatiel …). */
export interface WrapperFact {
  callee: Sym;
  args: Sym[];
}

type Style = "fetch" | "axios" | "got" | "ky" | "superagent" | "http" | "undici-request" | "request";

interface ClientPackage {
  client: string;
  style: Style;
  /** Member paths that are calls (others, like axios.create, are not requests). */
  calls: (path: readonly string[]) => boolean;
}

const VERBS = new Set(["get", "post", "put", "patch", "delete", "del", "head", "options", "request", "postForm", "putForm", "patchForm", "stream"]);
const isVerbCall = (path: readonly string[]) => path.length === 0 || (path.length === 1 && VERBS.has(path[0]));
const FETCH_LIKE = (path: readonly string[]) => path.length === 0 || (path.length === 1 && path[0] === "fetch");

const PACKAGES: Record<string, ClientPackage> = {
  "node-fetch": { client: "node-fetch", style: "fetch", calls: FETCH_LIKE },
  "cross-fetch": { client: "node-fetch", style: "fetch", calls: FETCH_LIKE },
  "isomorphic-fetch": { client: "node-fetch", style: "fetch", calls: FETCH_LIKE },
  axios: { client: "axios", style: "axios", calls: isVerbCall },
  got: { client: "got", style: "got", calls: isVerbCall },
  // ky's own default is a 10 s timeout and 2 retries (see its README): calls without an option
  // still have a timeout, recorded as coming from the client instance.
  ky: { client: "ky", style: "ky", calls: isVerbCall },
  superagent: { client: "superagent", style: "superagent", calls: isVerbCall },
  http: { client: "node:http", style: "http", calls: (p) => p.length === 1 && (p[0] === "request" || p[0] === "get") },
  https: { client: "node:https", style: "http", calls: (p) => p.length === 1 && (p[0] === "request" || p[0] === "get") },
  request: { client: "request", style: "request", calls: isVerbCall },
};
/** Functions that create a configured instance: their first argument holds its defaults. */
const INSTANCE_FACTORIES: Record<string, string[]> = { axios: ["create"], got: ["extend"], ky: ["create", "extend"] };
const KY_DEFAULT_TIMEOUT_MS = 10_000;
const RETRY_WRAPPERS = new Set(["p-retry", "async-retry", "promise-retry", "retry", "exponential-backoff", "@lifeomic/attempt"]);
const INSTANCE_RETRY = new Set(["axios-retry", "retry-axios"]);
const WRAPPER_PACKAGES = new Set([...RETRY_WRAPPERS, ...INSTANCE_RETRY, "opossum", "cockatiel"]);
const MODIFIERS = new Set(["timeout", "setTimeout", "retry"]);

export const outboundCandidates: Extractor = {
  name: "outbound",
  visit: {
    CallExpression(node, ctx) {
      const callee = ctx.symOf(node.callee);
      if (mayBeRequest(callee)) emitCandidate(node, ctx, callee, argSyms(node, ctx, 3));
      const prop = callee.k === "member" ? callee.prop : undefined;
      if (prop && MODIFIERS.has(prop) && callee.k === "member") {
        const targets = chainCallLocations(callee.obj);
        if (targets.length) ctx.emit(OUTBOUND_MODIFIERS, { targets, method: prop, ...(node.arguments[0] ? { arg: ctx.symOf(node.arguments[0]) } : {}) } satisfies ModifierFact);
      }
      if (isGlobal(callee, "setTimeout")) recordAbortTimer(node, ctx);
      if (isWrapper(callee)) ctx.emit(CALL_WRAPPERS, { callee, args: argSyms(node, ctx, 3) } satisfies WrapperFact);
    },
    NewExpression(node, ctx) {
      const callee = ctx.symOf(node.callee);
      if (isWrapper(callee)) ctx.emit(CALL_WRAPPERS, { callee, args: node.arguments.slice(0, 3).map((a: Node) => ctx.symOf(a)) } satisfies WrapperFact);
    },
    AssignmentExpression(node, ctx) {
      const left = unwrap(node.left);
      const path = left?.type === "MemberExpression" ? memberPath(left) : undefined;
      if (!path || path.length < 3 || path[path.length - 1] !== "timeout" || path[path.length - 2] !== "defaults") return;
      ctx.emit(CLIENT_DEFAULTS, { instance: ctx.symOf(unwrap(left.object).object), timeout: ctx.symOf(node.right) } satisfies ClientDefaultFact);
    },
  },
};

/** A package request function, or a verb called on something that may be a client instance. */
function mayBeRequest(callee: Sym): boolean {
  const root = extRoot(callee);
  if (root) return isHttpPackage(root);
  return callee.k === "member" && VERBS.has(callee.prop);
}

function isHttpPackage(root: Extract<Sym, { k: "ext" }>): boolean {
  const { pkg, path } = extPath(root);
  if (pkg === "global") return path[0] === "fetch";
  return own(PACKAGES, pkg) !== undefined || pkg === "undici";
}

function isGlobal(sym: Sym, name: string): boolean {
  return sym.k === "ext" && sym.pkg === "global" && sym.path.length === 1 && sym.path[0] === name;
}

function isWrapper(callee: Sym): boolean {
  const root = extRoot(callee);
  if (root && WRAPPER_PACKAGES.has(packageName(root.pkg))) return true;
  // cockatiel policies are often built in another file: `policy.execute(fn)`.
  return callee.k === "member" && callee.prop === "execute" && !root;
}

function emitCandidate(node: Node, ctx: WalkContext, callee: Sym, args: Sym[]): void {
  const fn = ctx.currentFunction();
  const fact: OutboundCandidateFact = {
    loc: ctx.loc(node),
    ...(fn ? { fn: fn.id } : {}),
    enclosing: ctx.enclosingFunctions().map((f) => f.id),
    inLoop: ctx.inLoop(),
    callee,
    args,
  };
  ctx.emit(OUTBOUND_CANDIDATES, fact);
}

/** `superagent.get(u).set(h).timeout(n)`: the calls the modifier applies to, innermost included. */
function chainCallLocations(receiver: Sym): string[] {
  const keys: string[] = [];
  for (let s: Sym | undefined = receiver; s && keys.length < 12; ) {
    if (s.k === "call") {
      keys.push(locKey(s.loc));
      s = s.callee.k === "member" ? s.callee.obj : undefined;
    } else if (s.k === "member") {
      s = s.obj;
    } else {
      s = undefined;
    }
  }
  return keys;
}

function recordAbortTimer(node: Node, ctx: WalkContext): void {
  const [callback, delay] = node.arguments;
  if (!callback) return;
  const ms = delay ? { ms: ctx.symOf(delay) } : {};
  const direct = ctx.symOf(callback);
  if (direct.k === "member" && direct.prop === "abort") {
    ctx.emit(ABORT_TIMERS, { controller: direct.obj, ...ms } satisfies AbortTimerFact);
    return;
  }
  for (const call of findAbortCalls(callback, 0)) ctx.emit(ABORT_TIMERS, { controller: ctx.symOf(unwrap(call.callee).object), ...ms } satisfies AbortTimerFact);
}

/** `controller.abort()` calls inside a timer callback (a small search, not a second walk of the file). */
function findAbortCalls(node: Node, depth: number): Node[] {
  if (!node || typeof node.type !== "string" || depth > 12) return [];
  const callee = node.type === "CallExpression" ? unwrap(node.callee) : undefined;
  if (callee?.type === "MemberExpression" && !callee.computed && callee.property.name === "abort") return [node];
  const keys: readonly string[] = (visitorKeys as Record<string, readonly string[]>)[node.type] ?? [];
  return keys.flatMap((key) => {
    const child = node[key];
    return Array.isArray(child) ? child.flatMap((c) => findAbortCalls(c, depth + 1)) : findAbortCalls(child, depth + 1);
  });
}

// ---- link side ------------------------------------------------------------------------------

interface Context {
  index: ProjectIndex;
  requestParams: ReadonlyMap<string, RequestParam>;
  modifiers: Map<string, ModifierFact[]>;
  /** Abort timers by the location of `new AbortController()`. */
  timers: Map<string, AbortTimerFact>;
  /** `defaults.timeout` assignments by client instance. */
  defaults: Map<string, Sym>;
  retryInstances: Set<string>;
  retryFunctions: Set<string>;
  breakerFunctions: Set<string>;
}

interface Classified {
  pkg: string;
  info: ClientPackage;
  /** The verb or member path called ("get", "" for a direct call). */
  method: string;
  /** The instance it is called on: `ext axios`, or the `axios.create(...)` call. */
  instance: Sym;
}

type Timeout = Pick<OutboundCall, "timeout" | "timeoutSource">;

export function buildOutboundCalls(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>): OutboundCall[] {
  const ctx = linkContext(index, requestParams);
  const calls: OutboundCall[] = [];
  const seen = new Set<string>();
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[OUTBOUND_CANDIDATES] ?? []) as OutboundCandidateFact[]) {
      const call = toOutboundCall(ctx, fact);
      if (call && !seen.has(call.id)) {
        seen.add(call.id);
        calls.push(call);
      }
    }
  }
  return calls.sort((a, b) => byLocation(a.location, b.location));
}

function linkContext(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>): Context {
  const ctx: Context = { index, requestParams, modifiers: new Map(), timers: new Map(), defaults: new Map(), retryInstances: new Set(), retryFunctions: new Set(), breakerFunctions: new Set() };
  for (const facts of index.files.values()) {
    for (const m of (facts.extra[OUTBOUND_MODIFIERS] ?? []) as ModifierFact[]) {
      for (const target of m.targets) addToList(ctx.modifiers, target, m);
    }
    for (const t of (facts.extra[ABORT_TIMERS] ?? []) as AbortTimerFact[]) {
      const controller = resolveShallow(index, t.controller);
      if (controller.k === "new") ctx.timers.set(locKey(controller.loc), t);
    }
    for (const d of (facts.extra[CLIENT_DEFAULTS] ?? []) as ClientDefaultFact[]) {
      const key = instanceKey(index.resolve(d.instance));
      if (key) ctx.defaults.set(key, d.timeout);
    }
    for (const w of (facts.extra[CALL_WRAPPERS] ?? []) as WrapperFact[]) recordWrapper(ctx, w);
  }
  return ctx;
}

function recordWrapper(ctx: Context, wrapper: WrapperFact): void {
  const callee = ctx.index.resolve(wrapper.callee);
  const root = extRoot(callee);
  const pkg = root ? packageName(root.pkg) : undefined;
  const wrapped = () => wrapper.args.flatMap((a) => projectFunctions(ctx.index, a)).flatMap((fn) => reachableFunctions(ctx.index, fn));
  if (pkg && INSTANCE_RETRY.has(pkg)) {
    const key = wrapper.args[0] && instanceKey(ctx.index.resolve(wrapper.args[0]));
    if (key) ctx.retryInstances.add(key);
  } else if (pkg && RETRY_WRAPPERS.has(pkg)) {
    for (const fn of wrapped()) ctx.retryFunctions.add(fn);
  } else if (pkg === "opossum") {
    for (const fn of wrapped()) ctx.breakerFunctions.add(fn);
  } else if (callee.k === "member" && callee.prop === "execute") {
    const policies = cockatielPolicies(ctx.index, callee.obj, 0);
    for (const fn of policies.size ? wrapped() : []) {
      if (policies.has("retry")) ctx.retryFunctions.add(fn);
      if (policies.has("circuitBreaker")) ctx.breakerFunctions.add(fn);
    }
  }
}

/** The cockatiel policies a policy value is built from: `wrap(retry(...), circuitBreaker(...))`. */
function cockatielPolicies(index: ProjectIndex, policy: Sym, depth: number): Set<string> {
  const found = new Set<string>();
  const value = index.resolve(policy);
  if (depth > 6 || value.k !== "call") return found;
  const root = extRoot(value.callee);
  if (!root || packageName(root.pkg) !== "cockatiel") return found;
  const name = extPath(root).path[0];
  if (name === "retry" || name === "circuitBreaker") found.add(name);
  for (const arg of value.args) for (const p of cockatielPolicies(index, arg, depth + 1)) found.add(p);
  if (value.callee.k === "member") for (const p of cockatielPolicies(index, value.callee.obj, depth + 1)) found.add(p);
  return found;
}

function toOutboundCall(ctx: Context, fact: OutboundCandidateFact): OutboundCall | undefined {
  const classified = classify(ctx.index, ctx.index.resolve(fact.callee));
  if (!classified) return undefined;
  const { url, options } = requestParts(ctx.index, classified, fact.args);
  const target = url ? targetText(ctx.index, classified, url) : undefined;
  const modifiers = ctx.modifiers.get(locKey(fact.loc)) ?? [];
  return {
    id: locKey(fact.loc),
    location: fact.loc,
    ...(fact.fn ? { functionId: fact.fn } : {}),
    client: classified.pkg === "undici" ? "undici" : classified.info.client,
    kind: "http",
    ...(target ? { target } : {}),
    ...timeoutOf(ctx, classified, options, modifiers),
    retry: hasRetry(ctx, classified, options, modifiers, fact),
    circuitBreaker: fact.enclosing.some((fn) => ctx.breakerFunctions.has(fn)),
    inLoop: fact.inLoop,
    urlFlows: url ? originOf(ctx.index, url, ctx.requestParams, { context: "url", sink: fact.loc }).flows : [],
  };
}

/** Which client a resolved callee is, and on which instance it is called. */
function classify(index: ProjectIndex, callee: Sym): Classified | undefined {
  if (callee.k === "alt") return callee.options.map((o) => classify(index, o)).find(Boolean);
  if (callee.k === "ext") {
    const { pkg, path } = extPath(callee);
    if (pkg === "global") return path.length === 1 && path[0] === "fetch" ? { pkg, info: { client: "fetch", style: "fetch", calls: FETCH_LIKE }, method: "", instance: callee } : undefined;
    if (pkg === "undici") return undiciCall(callee, path);
    const info = own(PACKAGES, pkg);
    return info?.calls(path) ? { pkg, info, method: path[0] ?? "", instance: { k: "ext", pkg: callee.pkg, path: [] } } : undefined;
  }
  const method = callee.k === "member" ? callee.prop : "";
  // The method name rules most calls out: check it before following the receiver's values.
  if (method && !VERBS.has(method)) return undefined;
  const instances = callee.k === "member" ? possibleValues(index, callee.obj) : callee.k === "call" ? [callee] : [];
  for (const instance of instances) {
    const factory = instanceFactory(instance);
    const info = factory && own(PACKAGES, factory);
    if (info) return { pkg: factory, info, method, instance };
  }
  return undefined;
}

function undiciCall(callee: Extract<Sym, { k: "ext" }>, path: string[]): Classified | undefined {
  if (path.length !== 1) return undefined;
  if (path[0] === "fetch") return { pkg: "undici", info: { client: "undici", style: "fetch", calls: FETCH_LIKE }, method: "", instance: callee };
  if (path[0] === "request") return { pkg: "undici", info: { client: "undici", style: "undici-request", calls: FETCH_LIKE }, method: "", instance: callee };
  return undefined;
}

/** `axios.create(...)`, `got.extend(...)`, `ky.create(...)`, or an instance's own `.extend(...)`: the package. */
function instanceFactory(instance: Sym): string | undefined {
  if (instance.k !== "call") return undefined;
  const root = extRoot(instance.callee);
  if (!root) return undefined;
  const pkg = packageName(root.pkg);
  const factories = own(INSTANCE_FACTORIES, pkg);
  const name = instance.callee.k === "member" ? instance.callee.prop : extPath(root).path.at(-1);
  return factories && name && factories.includes(name) ? pkg : undefined;
}

/** The configs an instance was created with, innermost (the package) first. */
function instanceConfigs(instance: Sym, depth = 0): Sym[] {
  if (instance.k !== "call" || depth > 6) return [];
  const parent = instance.callee.k === "member" ? instance.callee.obj : undefined;
  return [...(parent ? instanceConfigs(parent, depth + 1) : []), ...(instance.args[0] ? [instance.args[0]] : [])];
}

function instanceKey(instance: Sym): string | undefined {
  if (instance.k === "ext") return `ext:${packageName(instance.pkg)}`;
  if (instance.k === "call" || instance.k === "new") return `call:${locKey(instance.loc)}`;
  return undefined;
}

/** Where the URL and the options are in the arguments, per client style. */
function requestParts(index: ProjectIndex, c: Classified, args: Sym[]): { url?: Sym; options?: Sym } {
  const [first, second, third] = args;
  const firstObject = objectArg(index, first);
  switch (c.info.style) {
    case "axios": {
      if (firstObject && (c.method === "" || c.method === "request")) return { url: firstObject.props.url, options: first };
      const withData = ["post", "put", "patch", "postForm", "putForm", "patchForm"].includes(c.method);
      return { url: first, options: withData ? third : second };
    }
    case "http":
    case "request":
      if (firstObject) return { url: httpUrl(firstObject), options: first };
      return { url: first, options: objectArg(index, second) ? second : undefined };
    case "superagent":
      return { url: first };
    default:
      if (firstObject && c.info.style === "got") return { url: firstObject.props.url, options: first };
      return { url: first, options: second };
  }
}

/** `http.request({ hostname, path })`: the parts that make the URL. */
function httpUrl(options: Extract<Sym, { k: "obj" }>): Sym | undefined {
  const p = options.props;
  if (p.url ?? p.uri) return p.url ?? p.uri;
  const host = p.hostname ?? p.host;
  if (!host) return undefined;
  return { k: "concat", parts: [p.protocol ?? { k: "lit", value: "http:" }, { k: "lit", value: "//" }, host, ...(p.path ? [p.path] : [])] };
}

function targetText(index: ProjectIndex, c: Classified, url: Sym): string {
  const path = renderText(index, url, { preferFallback: true }).text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  const base = instanceConfigs(c.instance)
    .map((config) => objectArg(index, config))
    .map((config) => config && (config.props.baseURL ?? config.props.prefixUrl ?? config.props.prefix))
    .filter((b): b is Sym => Boolean(b))
    .at(-1);
  return base ? joinUrl(renderText(index, base, { preferFallback: true }).text, path) : path;
}

function joinUrl(base: string, path: string): string {
  if (!path) return base;
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

function timeoutOf(ctx: Context, c: Classified, options: Sym | undefined, modifiers: readonly ModifierFact[]): Timeout {
  const fromOptions = optionTimeout(ctx, c, options);
  if (fromOptions) return fromOptions;
  const modifier = modifiers.find((m) => m.method === "timeout" || m.method === "setTimeout");
  if (modifier) return { timeout: timeoutValue(ctx.index, modifier.arg) ?? "set", timeoutSource: "option" };
  for (const config of [...instanceConfigs(c.instance)].reverse()) {
    const fromInstance = optionTimeout(ctx, c, config);
    if (fromInstance) return { ...fromInstance, timeoutSource: fromInstance.timeoutSource === "signal" ? "signal" : "instance" };
  }
  const key = instanceKey(c.instance);
  const assigned = key ? ctx.defaults.get(key) : undefined;
  if (assigned) return { timeout: timeoutValue(ctx.index, assigned) ?? "set", timeoutSource: c.instance.k === "ext" ? "global" : "instance" };
  const global = c.instance.k !== "ext" ? ctx.defaults.get(`ext:${c.pkg}`) : undefined;
  if (global) return { timeout: timeoutValue(ctx.index, global) ?? "set", timeoutSource: "global" };
  if (c.info.style === "ky") return { timeout: KY_DEFAULT_TIMEOUT_MS, timeoutSource: "instance" };
  return { timeout: "none" };
}

/** The timeout an options object sets: its timeout option(s), or an AbortSignal with a deadline. */
function optionTimeout(ctx: Context, c: Classified, options: Sym | undefined): Timeout | undefined {
  if (!options) return undefined;
  const obj = objectArg(ctx.index, options);
  if (!obj) return options.k === "lit" ? undefined : { timeout: "set", timeoutSource: "option" };
  const keys = c.info.style === "undici-request" ? ["headersTimeout", "bodyTimeout"] : ["timeout"];
  for (const key of keys) {
    if (key in obj.props) return { timeout: timeoutValue(ctx.index, obj.props[key]) ?? "set", timeoutSource: "option" };
  }
  if (obj.props.signal) return signalTimeout(ctx, obj.props.signal);
  for (const spread of obj.spreads) {
    const inner = objectArg(ctx.index, spread);
    const fromSpread = inner ? optionTimeout(ctx, c, inner) : { timeout: "set" as const, timeoutSource: "option" as const };
    if (fromSpread) return fromSpread;
  }
  return undefined;
}

/** ms for a literal, "none" for 0/false (axios and got read 0 as no timeout), undefined when not literal. */
function timeoutValue(index: ProjectIndex, sym: Sym | undefined): number | "none" | undefined {
  if (!sym) return undefined;
  const value = resolveShallow(index, sym);
  if (value.k === "lit") {
    if (typeof value.value === "number") return value.value > 0 ? value.value : "none";
    if (value.value === false) return "none";
    return undefined;
  }
  if (value.k === "obj") {
    // got: { request: 10_000 } or per-phase limits; the whole-request one bounds the call.
    const request = literalNumber(index, value.props.request);
    if (request !== undefined) return request;
    const phases = Object.values(value.props).map((p) => literalNumber(index, p)).filter((n): n is number => n !== undefined && n > 0);
    return phases.length ? Math.max(...phases) : undefined;
  }
  return undefined;
}

function signalTimeout(ctx: Context, signal: Sym): Timeout {
  const value = ctx.index.resolve(signal);
  if (value.k === "call") {
    const root = extRoot(value.callee);
    const name = root && packageName(root.pkg) === "global" && root.path[0] === "AbortSignal" ? root.path[1] : undefined;
    if (name === "timeout") return { timeout: timeoutValue(ctx.index, value.args[0]) ?? "set", timeoutSource: "signal" };
    if (name === "any") {
      const signals = resolveShallow(ctx.index, value.args[0] ?? { k: "lit", value: null });
      const items = signals.k === "arr" ? signals.items.map((s) => signalTimeout(ctx, s)) : [];
      return items.find((t) => t.timeout !== "none") ?? { timeout: "none" };
    }
  }
  if (value.k === "member" && value.prop === "signal") {
    const controller = ctx.index.resolve(value.obj);
    if (controller.k === "new") {
      const timer = ctx.timers.get(locKey(controller.loc));
      return timer ? { timeout: timeoutValue(ctx.index, timer.ms) ?? "set", timeoutSource: "signal" } : { timeout: "none" };
    }
  }
  // A signal handed in from elsewhere may carry a deadline; do not claim there is none.
  return { timeout: "set", timeoutSource: "signal" };
}

function hasRetry(ctx: Context, c: Classified, options: Sym | undefined, modifiers: readonly ModifierFact[], fact: OutboundCandidateFact): boolean {
  if (fact.enclosing.some((fn) => ctx.retryFunctions.has(fn))) return true;
  if (modifiers.some((m) => m.method === "retry")) return true;
  const key = instanceKey(c.instance);
  if (key && (ctx.retryInstances.has(key) || (c.instance.k !== "ext" && ctx.retryInstances.has(`ext:${c.pkg}`)))) return true;
  if (c.info.style !== "got" && c.info.style !== "ky") return false;
  return [...instanceConfigs(c.instance), ...(options ? [options] : [])].some((config) => retryConfigured(ctx.index, config));
}

/** got / ky: `retry: 3` or `retry: { limit: 3 }` (a non-literal or a limit-less object counts as configured). */
function retryConfigured(index: ProjectIndex, config: Sym): boolean {
  const retry = objectArg(index, config)?.props.retry;
  if (!retry) return false;
  const value = resolveShallow(index, retry);
  if (value.k === "lit") return typeof value.value === "number" ? value.value > 0 : value.value === true;
  const limit = value.k === "obj" ? value.props.limit : undefined;
  if (!limit) return true;
  const n = literalNumber(index, limit);
  return n === undefined || n > 0;
}
