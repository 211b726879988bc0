// What an app exposes and how it limits requests: folders, directory listings, files sent by name
// and metrics that registrations serve; rate limiters (library, custom 429 middleware, NestJS
// @Throttle) and what they count requests by; whether the framework trusts X-Forwarded-For; and
// which request functions check a password or code or issue a token. The walk records only what
// calls cannot show (429 answers, Koa's `app.proxy = true`); the rest is read from call facts.
import type { CredentialOperation, HttpMethod, RateLimiter, SecurityControl, ServedResource, SourceLocation, TrustProxySetting } from "../../model/types.ts";
import { compareText } from "../../model/order.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import type { CallFact } from "../js/facts.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { classifyMiddleware } from "../frameworks/middleware.ts";
import { flattenHandlers } from "../frameworks/routing.ts";
import { collectRequestInputs, projectFunctions, type RequestParam } from "./request-reads.ts";
import { byLocation, calleeProp, extPath, extRoot, literalString, literalValue, locKey, objectArg, packageName, paramChain } from "./values.ts";

export const TOO_MANY_REQUESTS = "code.tooManyRequests";
export const PROXY_ASSIGNMENTS = "code.proxyAssignments";

interface TooManyRequestsFact {
  loc: SourceLocation;
  /** Every enclosing function: the 429 often sits in a store callback inside the middleware. */
  fns: string[];
}

interface ProxyAssignmentFact {
  loc: SourceLocation;
  target: Sym;
  value: boolean | number | string;
}

const STATUS_CALLS = new Set(["status", "sendStatus", "code", "throw", "writeHead", "createError", "httpError"]);
const STATUS_SECOND = new Set(["json", "text", "body", "html", "send"]);
const TOO_MANY = /TooManyRequests|TOO_MANY_REQUESTS|RateLimit(ed)?(Error|Exception)/;

export const exposureFacts: Extractor = {
  name: "exposure",
  visit: {
    CallExpression(node, ctx) {
      const callee = unwrap(node.callee);
      const name = callee?.type === "Identifier" ? callee.name : callee?.type === "MemberExpression" && !callee.computed ? callee.property.name : undefined;
      if (!name) return;
      const args: Node[] = node.arguments;
      const status = STATUS_CALLS.has(name) ? args[0] : STATUS_SECOND.has(name) ? args[1] : undefined;
      if ((status && isTooMany(status, ctx)) || TOO_MANY.test(name)) markTooMany(node, ctx);
    },
    NewExpression(node, ctx) {
      const callee = unwrap(node.callee);
      const name = callee?.type === "Identifier" ? callee.name : callee?.type === "MemberExpression" && !callee.computed ? callee.property.name : "";
      const args: Node[] = node.arguments;
      if (TOO_MANY.test(name) || (/Exception|Error|Response/.test(name) && args.some((a) => isTooMany(a, ctx)))) markTooMany(node, ctx);
    },
    AssignmentExpression(node, ctx) {
      const left = unwrap(node.left);
      if (left?.type !== "MemberExpression" || left.computed) return;
      const prop: string = left.property.name;
      if ((prop === "status" || prop === "statusCode") && isTooMany(node.right, ctx)) markTooMany(node, ctx);
      // Only Koa's `app.proxy = …` is recorded: other assignments need no value.
      if (prop !== "proxy") return;
      const value = ctx.symOf(node.right);
      if (value.k === "lit" && value.value !== null) {
        ctx.emit(PROXY_ASSIGNMENTS, { loc: ctx.loc(node), target: ctx.symOf(left.object), value: value.value } satisfies ProxyAssignmentFact);
      }
    },
  },
};

/** 429 as a literal, in `{ status: 429 }`, or as a named constant (`HttpStatus.TOO_MANY_REQUESTS`). */
function isTooMany(node: Node, ctx: WalkContext): boolean {
  const n = unwrap(node);
  if (n?.type === "Literal") return n.value === 429;
  if (n?.type === "MemberExpression") return !n.computed && TOO_MANY.test(n.property.name);
  if (n?.type !== "ObjectExpression") return false;
  const sym = ctx.symOf(n);
  return sym.k === "obj" && [own(sym.props, "status"), own(sym.props, "statusCode")].some((v) => v?.k === "lit" && v.value === 429);
}

function markTooMany(node: Node, ctx: WalkContext): void {
  const fns = ctx.enclosingFunctions().map((f) => f.id);
  if (fns.length) ctx.emit(TOO_MANY_REQUESTS, { loc: ctx.loc(node), fns } satisfies TooManyRequestsFact);
}

// ---- link side ------------------------------------------------------------------------------

export type Exposure = {
  served: ServedResource[];
  rateLimiters: RateLimiter[];
  trustProxy: TrustProxySetting[];
  credentialOperations: CredentialOperation[];
};

export function buildExposure(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, serviceOf: (file: string) => string, controls: readonly SecurityControl[]): Exposure {
  return {
    served: servedResources(index, serviceOf),
    rateLimiters: rateLimiters(index, serviceOf, controls),
    trustProxy: trustProxySettings(index, serviceOf),
    credentialOperations: credentialOperations(index, requestParams),
  };
}

/** The call recorded at a location (a control's configuration call). */
function callAt(index: ProjectIndex, at: SourceLocation): CallFact | undefined {
  return index.files.get(at.file)?.calls.find((c) => c.loc.line === at.line && c.loc.column === at.column);
}

/** Functions a request function reaches, nearest first, at most this many: what it serves or checks is close by. */
const MAX_REACHED = 60;

function nearbyFunctions(index: ProjectIndex, fnId: string): string[] {
  const seen = new Set([fnId]);
  const queue = [fnId];
  for (let i = 0; i < queue.length && seen.size < MAX_REACHED; i++) {
    for (const call of index.callsIn.get(queue[i]) ?? []) {
      for (const target of projectFunctions(index, call.callee).concat(call.args.flatMap((a) => projectFunctions(index, a)))) {
        if (seen.has(target)) continue;
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return queue;
}

function extraFacts<T>(index: ProjectIndex, key: string): T[] {
  return [...index.files.values()].flatMap((f) => (f.extra[key] ?? []) as T[]);
}

// ---- served resources -----------------------------------------------------------------------

const ROUTE_METHODS: Record<string, HttpMethod> = { get: "GET", all: "ALL" };
/** The only method names registrationOf reads. */
const REGISTRATION_METHODS = ["use", "register", ...Object.keys(ROUTE_METHODS)];
const LISTING_PACKAGE = /(^|[-/])serve-?index($|-)/;
const STATIC_PACKAGES = new Set(["serve-static", "koa-static", "@fastify/static", "fastify-static", "koa-static-cache", "@koa/static"]);
const FILE_SENDERS = new Set(["sendFile", "download", "sendfile"]);
const FS_READERS = new Set(["createReadStream", "readFile", "readFileSync"]);
const PATH_BUILDERS = new Set(["resolve", "join"]);

type Served = Pick<ServedResource, "kind" | "library" | "folder" | "servedAt"> & { path?: string };

function servedResources(index: ProjectIndex, serviceOf: (file: string) => string): ServedResource[] {
  const out: ServedResource[] = [];
  const byFunction = new Map<string, Served[]>();
  for (const call of index.callsNamed(...REGISTRATION_METHODS)) {
    const registration = registrationOf(call, index);
    if (!registration) continue;
    const handlers = flattenHandlers(registration.items, index);
    handlers.forEach((item, i) => {
      const found = servedBy(item, registration.options, index, byFunction);
      const guards = found.length && registration.method === "USE" ? guardsBefore(handlers.slice(0, i), index) : [];
      for (const served of found) {
        out.push({
          serviceId: serviceOf(call.loc.file), kind: served.kind, library: served.library, path: served.path ?? registration.path, method: registration.method,
          ...(served.folder !== undefined ? { folder: served.folder } : {}), location: call.loc, ...(served.servedAt ? { servedAt: served.servedAt } : {}), guards,
        });
      }
    });
  }
  const seen = new Set<string>();
  return out
    .filter((s) => {
      const key = `${locKey(s.location)} ${s.kind} ${s.path} ${s.folder ?? ""}`;
      return !seen.has(key) && seen.add(key);
    })
    .sort((a, b) => byLocation(a.location, b.location) || compareText(a.kind, b.kind));
}

/** Auth middleware passed ahead of the served one in the same registration (`app.use('/logs', requireAuth, serve)`). */
function guardsBefore(items: Sym[], index: ProjectIndex): string[] {
  return items.map((item) => classifyMiddleware(item, index)).filter((c) => c.kind === "auth").map((c) => c.name);
}

interface Registration {
  method: ServedResource["method"];
  path: string;
  items: Sym[];
  /** Fastify's `register(plugin, options)`: the plugin's options. */
  options?: Sym;
}

/** `x.use(path?, …)`, `x.get('/path', …)`, `x.register(plugin, { prefix })`. */
function registrationOf(call: CallFact, index: ProjectIndex): Registration | undefined {
  const method = calleeProp(call.callee);
  // Most calls are neither `use`, a route method nor `register`: rule them out before resolving an argument.
  if (!method || !call.args.length || (method !== "use" && method !== "register" && !own(ROUTE_METHODS, method))) return undefined;
  const first = literalString(index, call.args[0]);
  if (method === "use") {
    const hasPath = first !== undefined;
    return { method: "USE", path: hasPath ? first : "/", items: hasPath ? call.args.slice(1) : call.args };
  }
  const routeMethod = own(ROUTE_METHODS, method);
  if (routeMethod && first?.startsWith("/") && call.args.length > 1) return { method: routeMethod, path: first, items: call.args.slice(1) };
  if (method === "register") {
    const options = objectArg(index, call.args[1]);
    return { method: "USE", path: literalString(index, options?.props.prefix) ?? "/", items: [call.args[0]], options: call.args[1] };
  }
  return undefined;
}

function servedBy(item: Sym, options: Sym | undefined, index: ProjectIndex, byFunction: Map<string, Served[]>, depth = 0): Served[] {
  const resolved = index.resolve(item);
  const root = extRoot(resolved);
  if (root) return servedByPackage(resolved, extPath(root), options, index, byFunction, depth);
  return handlerFunctions(item, index).flatMap((fnId) => servedByFunction(fnId, index, byFunction));
}

function servedByPackage(resolved: Sym, ext: { pkg: string; path: string[] }, options: Sym | undefined, index: ProjectIndex, byFunction: Map<string, Served[]>, depth: number): Served[] {
  const args = resolved.k === "call" || resolved.k === "new" ? resolved.args : [];
  const library = ext.pkg === "express" ? "express.static" : ext.pkg;
  if (LISTING_PACKAGE.test(ext.pkg)) return [{ kind: "directory-listing", library, ...folderOf(args[0], index) }];
  const isStatic = STATIC_PACKAGES.has(ext.pkg) || (ext.pkg === "express" && ext.path[0] === "static");
  if (isStatic) {
    // Fastify's plugin takes its folder and listing switch as register options.
    const pluginOptions = objectArg(index, options ?? args[1]);
    const listed = pluginOptions && truthy(literalValue(index, pluginOptions.props.list ?? { k: "lit", value: false }));
    const folderArg = ext.pkg.includes("fastify") ? pluginOptions?.props.root : args[0];
    return [{ kind: listed ? "directory-listing" : "static-files", library, ...folderOf(folderArg, index) }];
  }
  if (ext.pkg === "express-prom-bundle") return [{ kind: "metrics", library, path: literalString(index, objectArg(index, args[0])?.props.metricsPath) ?? "/metrics" }];
  if (ext.pkg === "fastify-metrics") return [{ kind: "metrics", library, path: literalString(index, objectArg(index, options)?.props.endpoint) ?? "/metrics" }];
  // koa-mount('/logs', serve('logs')): the mounted middleware under the mount's path.
  if (ext.pkg === "koa-mount" && args.length > 1 && depth < 3) {
    const path = literalString(index, args[0]);
    return servedBy(args[1], undefined, index, byFunction, depth + 1).map((s) => ({ ...s, ...(path ? { path } : {}) }));
  }
  return [];
}

function truthy(value: unknown): boolean {
  return value !== false && value !== null && value !== undefined && value !== 0 && value !== "";
}

/** The project functions a handler argument stands for: what it resolves to, and what a wrapper (`asyncHandler(fn)`) is given. */
function handlerFunctions(item: Sym, index: ProjectIndex): string[] {
  const wrapped = item.k === "call" ? item.args.flatMap((a) => functionsOf(index.resolve(a))) : [];
  return [...new Set([...wrapped, ...functionsOf(index.resolve(item))])];
}

function functionsOf(resolved: Sym): string[] {
  if (resolved.k === "fn") return [resolved.id];
  return resolved.k === "alt" ? resolved.options.flatMap(functionsOf) : [];
}

/** What a project handler serves: a file picked by a request value from a folder, or the metrics registry. */
function servedByFunction(fnId: string, index: ProjectIndex, byFunction: Map<string, Served[]>): Served[] {
  const cached = byFunction.get(fnId);
  if (cached) return cached;
  const found: Served[] = [];
  for (const reached of nearbyFunctions(index, fnId)) {
    for (const call of index.callsIn.get(reached) ?? []) {
      const callee = index.resolve(call.callee);
      const root = extRoot(callee);
      const ext = root && extPath(root);
      if (ext?.pkg === "prom-client" && methodName(callee, ext) === "metrics") found.push({ kind: "metrics", library: "prom-client", servedAt: call.loc });
      const sendsFile = FILE_SENDERS.has(calleeProp(call.callee) ?? "") || (ext && /^fs(\/promises)?$/.test(ext.pkg) && FS_READERS.has(ext.path[ext.path.length - 1] ?? ""));
      if (!sendsFile || !call.args[0]) continue;
      const { folder, dynamic } = folderOf(call.args[0], index);
      if (folder && dynamic) found.push({ kind: "file-by-name", library: "project", folder, servedAt: call.loc });
    }
  }
  byFunction.set(fnId, found);
  return found;
}

/** The called method: `x.metrics()` on a project value, or the last part of a package path (`register.metrics`). */
function methodName(callee: Sym, ext: { path: string[] }): string {
  return calleeProp(callee) ?? ext.path[ext.path.length - 1] ?? "";
}

/**
 * The literal folder a path expression names (`path.resolve('logs/', file)` → "logs"), and whether
 * a non-constant part (a request value) picks the file. `__dirname` and `process.cwd()` are anchors, not choices.
 */
function folderOf(sym: Sym | undefined, index: ProjectIndex): { folder?: string; dynamic: boolean } {
  const parts: string[] = [];
  let dynamic = false;
  const visit = (s: Sym, depth: number): void => {
    if (depth > 6) return void (dynamic = true);
    const value = s.k === "mod" || s.k === "member" ? index.resolve(s) : s;
    if (value.k === "lit" && typeof value.value === "string") return void parts.push(value.value);
    if (value.k === "concat") return value.parts.forEach((p) => visit(p, depth + 1));
    if (value.k === "call") {
      const root = extRoot(value.callee);
      const ext = root && extPath(root);
      if (ext?.pkg === "path" && PATH_BUILDERS.has(ext.path[0] ?? "")) return value.args.forEach((a) => visit(a, depth + 1));
      if (ext?.pkg === "global" && ext.path.join(".") === "process.cwd") return;
    }
    if (isAnchor(value)) return;
    dynamic = true;
  };
  if (sym) visit(sym, 0);
  const folder = parts.join("/").replace(/\/{2,}/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
  return { ...(folder ? { folder } : {}), dynamic };
}

function isAnchor(sym: Sym): boolean {
  return (sym.k === "ext" && sym.pkg === "global" && /^(__dirname|__filename)$/.test(sym.path[0] ?? "")) || (sym.k === "unknown" && /__dirname|import\.meta/.test(sym.text));
}

// ---- rate limiters --------------------------------------------------------------------------

const KEY_OPTIONS = ["keyGenerator", "id", "key", "getKey"];
const FORWARDED_FOR = /^x-forwarded-for$/i;
const CONSUME_METHODS = new Set(["consume", "penalty", "get", "block"]);

function rateLimiters(index: ProjectIndex, serviceOf: (file: string) => string, controls: readonly SecurityControl[]): RateLimiter[] {
  const out: RateLimiter[] = [];
  for (const control of controls) {
    if (control.kind !== "rate-limit") continue;
    const call = callAt(index, control.location);
    out.push({ serviceId: control.serviceId, library: control.library, location: control.location, key: call ? keyOfOptions(call, control.library, index) : { source: "default" } });
  }
  out.push(...flexibleConsumers(index, serviceOf), ...customLimiters(index, serviceOf), ...throttleDecorators(index, serviceOf));
  const seen = new Set<string>();
  return out
    .filter((l) => {
      const key = `${locKey(l.location)} ${l.library} ${l.appliesTo ?? ""}`;
      return !seen.has(key) && seen.add(key);
    })
    .sort((a, b) => byLocation(a.location, b.location) || compareText(a.library, b.library));
}

/** The key option of a limiter's configuration: a function whose reads decide what is counted. */
function keyOfOptions(call: CallFact, library: string, index: ProjectIndex): RateLimiter["key"] {
  for (const arg of call.args) {
    const options = objectArg(index, arg);
    const option = options && KEY_OPTIONS.map((k) => own(options.props, k)).find(Boolean);
    if (!option) continue;
    const fn = index.resolve(option);
    if (fn.k === "fn") return keyOfFunction(fn.id, library.startsWith("koa") ? "koa" : "express", index);
    return keyOfValue(option, call.loc);
  }
  return { source: "default" };
}

function keyOfFunction(fnId: string, style: RequestParam["style"], index: ProjectIndex): RateLimiter["key"] {
  const inputs = collectRequestInputs(index, fnId, { index: 0, style });
  const forwarded = inputs.find((i) => i.kind === "headers" && FORWARDED_FOR.test(i.path.slice("headers.".length)));
  if (forwarded) return { source: "forwarded-for", location: forwarded.location };
  const ip = inputs.find((i) => i.kind === "other" && (i.path === "ip" || i.path === "ips"));
  if (ip && inputs.every((i) => i.kind === "other" && /^ips?$/.test(i.path))) return { source: "ip", location: ip.location };
  return { source: "other", ...(inputs[0] ? { location: inputs[0].location } : {}) };
}

/** A key given as a value (`limiter.consume(req.headers['x-forwarded-for'] || req.ip)`). */
function keyOfValue(sym: Sym, at: SourceLocation): RateLimiter["key"] {
  if (readsForwardedFor(sym, 0)) return { source: "forwarded-for", location: at };
  const chain = paramChain(sym);
  if (chain && chain.path.length === 1 && /^ips?$/.test(chain.path[0])) return { source: "ip", location: at };
  return { source: "other", location: at };
}

function readsForwardedFor(sym: Sym, depth: number): boolean {
  if (depth > 8) return false;
  switch (sym.k) {
    case "member":
      return (FORWARDED_FOR.test(sym.prop) && paramChain(sym.obj)?.path.some((p) => /^headers?$/.test(p)) === true) || readsForwardedFor(sym.obj, depth + 1);
    case "call":
      return (["get", "header"].includes(calleeProp(sym.callee) ?? "") && sym.args[0]?.k === "lit" && FORWARDED_FOR.test(String(sym.args[0].value))) || sym.args.some((a) => readsForwardedFor(a, depth + 1)) || readsForwardedFor(sym.callee, depth + 1);
    case "alt":
      return sym.options.some((o) => readsForwardedFor(o, depth + 1));
    case "concat":
      return sym.parts.some((p) => readsForwardedFor(p, depth + 1));
    default:
      return false;
  }
}

/** rate-limiter-flexible counts what `limiter.consume(key)` is given. */
function flexibleConsumers(index: ProjectIndex, serviceOf: (file: string) => string): RateLimiter[] {
  const out: RateLimiter[] = [];
  for (const call of index.callsNamed(...CONSUME_METHODS)) {
    if (!CONSUME_METHODS.has(calleeProp(call.callee) ?? "") || !call.args[0] || call.callee.k !== "member") continue;
    const receiver = index.resolve(call.callee.obj);
    const root = receiver.k === "new" ? extRoot(receiver.callee) : undefined;
    if (!root || packageName(root.pkg) !== "rate-limiter-flexible") continue;
    out.push({ serviceId: serviceOf(call.loc.file), library: "rate-limiter-flexible", location: call.loc, ...(call.fn ? { appliesTo: call.fn } : {}), key: keyOfValue(call.args[0], call.loc) });
  }
  return out;
}

/** A project function that answers 429 counts requests itself: a custom limiter. */
function customLimiters(index: ProjectIndex, serviceOf: (file: string) => string): RateLimiter[] {
  const out: RateLimiter[] = [];
  const seen = new Set<string>();
  for (const fact of extraFacts<TooManyRequestsFact>(index, TOO_MANY_REQUESTS)) {
    for (const fnId of fact.fns) {
      const fn = index.functions.get(fnId);
      if (!fn || seen.has(fnId)) continue;
      seen.add(fnId);
      out.push({ serviceId: serviceOf(fn.loc.file), library: "custom", location: fn.loc, appliesTo: fnId, key: keyOfFunction(fnId, "express", index) });
    }
  }
  return out;
}

/** NestJS `@Throttle(...)` on a controller method, or on the class for all its methods. */
function throttleDecorators(index: ProjectIndex, serviceOf: (file: string) => string): RateLimiter[] {
  const out: RateLimiter[] = [];
  const isThrottle = (callee: Sym) => {
    const resolved = index.resolve(callee);
    return resolved.k === "ext" && resolved.pkg === "@nestjs/throttler" && resolved.path[resolved.path.length - 1] === "Throttle";
  };
  for (const cls of index.classes.values()) {
    const onClass = cls.decorators.find((d) => isThrottle(d.callee));
    for (const [method, fnId] of Object.entries(cls.methods)) {
      const decorator = (own(cls.methodDecorators, method) ?? []).find((d) => isThrottle(d.callee)) ?? onClass;
      if (decorator) out.push({ serviceId: serviceOf(cls.loc.file), library: "@nestjs/throttler", location: decorator.loc, appliesTo: fnId, key: { source: "default" } });
    }
  }
  return out;
}

// ---- trust proxy ----------------------------------------------------------------------------

function trustProxySettings(index: ProjectIndex, serviceOf: (file: string) => string): TrustProxySetting[] {
  const out: TrustProxySetting[] = [];
  const add = (framework: TrustProxySetting["framework"], value: unknown, location: SourceLocation) => {
    if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") out.push({ serviceId: serviceOf(location.file), framework, value, location });
  };
  const calls = index.allCalls();
  const callees = index.resolvedCallees();
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const method = calleeProp(call.callee);
    if ((method === "set" || method === "enable") && literalString(index, call.args[0]) === "trust proxy") {
      add("express", method === "enable" ? true : call.args[1] ? literalValue(index, call.args[1]) : undefined, call.loc);
      continue;
    }
    const root = extRoot(callees[i]);
    if (root && packageName(root.pkg) === "fastify" && extPath(root).path.length <= 1) {
      const trust = objectArg(index, call.args[0])?.props.trustProxy;
      if (trust) add("fastify", literalValue(index, trust), call.loc);
    }
  }
  for (const fact of extraFacts<ProxyAssignmentFact>(index, PROXY_ASSIGNMENTS)) {
    const target = index.resolve(fact.target);
    const root = target.k === "new" || target.k === "call" ? extRoot(target.callee) : undefined;
    if (root && extPath(root).pkg === "koa") add("koa", fact.value, fact.loc);
  }
  return out.sort((a, b) => byLocation(a.location, b.location));
}

// ---- credential operations ------------------------------------------------------------------

const CREDENTIAL_APIS: { pkg: RegExp; method: RegExp; kind: CredentialOperation["kind"] }[] = [
  { pkg: /^(bcrypt|bcryptjs|@node-rs\/bcrypt)$/, method: /^(compare|compareSync|verify|verifySync)$/, kind: "password-check" },
  { pkg: /^(argon2|@node-rs\/argon2)$/, method: /^(verify|verifySync)$/, kind: "password-check" },
  { pkg: /^(otplib|@otplib\/.*|speakeasy|notp|otpauth|node-2fa)$/, method: /^(check|checkSync|verify|verifySync|verifyToken|validate|verifyDelta)$/, kind: "otp-check" },
  { pkg: /^(jsonwebtoken|jose|@nestjs\/jwt|@fastify\/jwt)$/, method: /^(sign|signAsync)$/, kind: "token-issue" },
];

function credentialOperations(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>): CredentialOperation[] {
  const direct = directCredentialOperations(index);
  const requestFunctions = [...new Set([...requestParams.keys()].map((key) => key.slice(0, key.lastIndexOf("#"))))].sort();
  const out: CredentialOperation[] = [];
  for (const fnId of requestFunctions) {
    const byKind = new Map<CredentialOperation["kind"], CredentialOperation>();
    for (const reached of nearbyFunctions(index, fnId)) {
      for (const op of direct.get(reached) ?? []) {
        const current = byKind.get(op.kind);
        if (!current || byLocation(op.location, current.location) < 0) byKind.set(op.kind, { ...op, functionId: fnId });
      }
    }
    out.push(...[...byKind.values()].sort((a, b) => compareText(a.kind, b.kind)));
  }
  return out;
}

function directCredentialOperations(index: ProjectIndex): Map<string, CredentialOperation[]> {
  const byFn = new Map<string, CredentialOperation[]>();
  const calls = index.allCalls();
  const callees = index.resolvedCallees();
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    if (!call.fn) continue;
    const callee = callees[i];
    const root = extRoot(callee);
    if (!root) continue;
    const { pkg, path } = extPath(root);
    const method = methodName(callee, { path });
    const match = CREDENTIAL_APIS.find((api) => api.pkg.test(packageName(pkg)) && api.method.test(method));
    if (!match) continue;
    const list = byFn.get(call.fn) ?? [];
    list.push({ functionId: call.fn, kind: match.kind, api: [pkg, ...path.filter((p) => p !== method), method].join("."), location: call.loc });
    byFn.set(call.fn, list);
  }
  return byFn;
}
