// Turns the resilience facts (resilience.ts) into model entries: which catches, async functions
// and collection changes run while serving requests or at startup, what signal handlers close,
// which retry loops reach outbound calls, and per-service console and request-id signs.
import { isTestFile } from "../../model/files.ts";
import type {
  AsyncRequestFunction, CatchBlock, Framework, ModuleCollection, OutboundCall, ProcessHandler, RetryPolicy, ServiceSignals, SourceLocation,
} from "../../model/types.ts";
import type { CallFact, FileFacts } from "../js/facts.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { originOf, reachableFunctions } from "../link/taint.ts";
import { projectFunctions, type RequestParam, type RequestStyle } from "./request-reads.ts";
import { addToList, byLocation, extPath, extRoot, literalNumber, locKey, objectArg, packageName, resolveShallow } from "./values.ts";
import { compareText } from "../../model/order.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CATCHES, CLOSE_CALLS, COLLECTIONS, CONSOLE_CALLS, EXIT_CALLS, LOGGER_CALLS, MUTATIONS, PROCESS_HANDLERS, REQUEST_IDS, RETRY_CALLS, RETRY_LOOPS, UNGUARDED,
  type CatchFact, type CloseCallFact, type CollectionFact, type ExitCallFact, type MutationFact, type ProcessHandlerFact, type RequestIdFact,
  type RetryCallFact, type RetryLoopFact, type UnguardedFact,
} from "./resilience.ts";

export type ResilienceModel = {
  processHandlers: ProcessHandler[];
  catchBlocks: CatchBlock[];
  asyncRequestFunctions: AsyncRequestFunction[];
  moduleCollections: ModuleCollection[];
  retries: RetryPolicy[];
  serviceSignals: ServiceSignals[];
};

/**
 * The version ranges a package.json declares (dependencies, then devDependencies), for rules whose
 * verdict depends on a major version (Express 4 does not catch rejected promises; Express 5 does).
 */
export function declaredVersions(root: string, packageRoot: string): { dependencyVersions?: Record<string, string> } {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(join(root, packageRoot, "package.json"), "utf8")) as Record<string, unknown>;
  } catch {
    return {}; // no manifest, or one discovery already reported as unreadable
  }
  const versions: Record<string, string> = {};
  for (const field of ["devDependencies", "dependencies"]) {
    const deps = manifest[field];
    if (!deps || typeof deps !== "object") continue;
    for (const [name, range] of Object.entries(deps as Record<string, unknown>)) if (typeof range === "string") versions[name] = range;
  }
  const names = Object.keys(versions).sort(compareText);
  return names.length ? { dependencyVersions: Object.fromEntries(names.map((n) => [n, versions[n]])) } : {};
}

interface Link {
  index: ProjectIndex;
  requestParams: ReadonlyMap<string, RequestParam>;
  serviceOf: (file: string) => string;
  /** Functions run while serving a request. */
  fromRequest: Set<string>;
}


/** Command-line scripts, migrations and seeds print to the terminal on purpose. */
const SCRIPT_PATH = /(^|\/)(bin|scripts?|migrations?|seeds?|seeders|tools)\//;
/** Built browser assets: their module code is not the server's startup. */
const BROWSER_ASSETS = /(^|\/)(public|static|assets|built|www)\//;


function factsOf<T>(index: ProjectIndex, key: string): { file: FileFacts; fact: T }[] {
  const out: { file: FileFacts; fact: T }[] = [];
  for (const file of index.files.values()) for (const fact of (file.extra[key] ?? []) as T[]) out.push({ file, fact });
  return out;
}

export function buildResilience(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, serviceOf: (file: string) => string, outboundCalls: readonly OutboundCall[]): ResilienceModel {
  const link: Link = { index, requestParams, serviceOf, fromRequest: reachableFrom(index, requestFunctionIds(requestParams).keys()) };
  return {
    processHandlers: processHandlers(link),
    catchBlocks: catchBlocks(link),
    asyncRequestFunctions: asyncRequestFunctions(link),
    moduleCollections: moduleCollections(link),
    retries: [...retryLibraries(link), ...retryLoops(link, outboundCalls)].sort((a, b) => byLocation(a.location, b.location)),
    serviceSignals: serviceSignals(link),
  };
}

function requestFunctionIds(requestParams: ReadonlyMap<string, RequestParam>): Map<string, RequestStyle> {
  const ids = new Map<string, RequestStyle>();
  for (const [key, param] of requestParams) ids.set(key.slice(0, key.lastIndexOf("#")), param.style);
  return ids;
}

/** Module code's calls: the functions it calls or hands a callback to. */
function startupSeeds(index: ProjectIndex): string[] {
  const seeds: string[] = [];
  for (const call of index.allCalls()) {
    if (!call.fn) forEachTarget(index, call, (id) => seeds.push(id));
  }
  return seeds;
}

/**
 * Every function the seeds call or pass as a callback, transitively, in one walk with one visited
 * set (reachableFunctions per seed would walk shared helpers again for every seed).
 */
function reachableFrom(index: ProjectIndex, seeds: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...seeds].filter((id) => !seen.has(id) && seen.add(id));
  const visit = (target: string) => {
    if (!seen.has(target)) {
      seen.add(target);
      queue.push(target);
    }
  };
  while (queue.length) {
    for (const call of index.callsIn.get(queue.pop()!) ?? []) forEachTarget(index, call, visit);
  }
  return seen;
}

/** The project functions a call calls, then those it hands over as arguments, in that order (without building a list per call). */
function forEachTarget(index: ProjectIndex, call: CallFact, visit: (fnId: string) => void): void {
  for (const id of projectFunctions(index, call.callee)) visit(id);
  for (const arg of call.args) for (const id of projectFunctions(index, arg)) visit(id);
}

function processHandlers(link: Link): ProcessHandler[] {
  const closesByFn = groupByFn(factsOf<CloseCallFact>(link.index, CLOSE_CALLS).map(({ fact }) => fact));
  const exitsByFn = groupByFn(factsOf<ExitCallFact>(link.index, EXIT_CALLS).map(({ fact }) => fact));
  return factsOf<ProcessHandlerFact>(link.index, PROCESS_HANDLERS)
    .filter(({ file }) => !isTestFile(file.path))
    .map(({ fact }) => {
      const handlerId = fact.handler ? projectFunctions(link.index, fact.handler)[0] : undefined;
      const reached = handlerId ? reachableFunctions(link.index, handlerId) : [];
      const closes = reached.flatMap((fn) => closesByFn.get(fn) ?? []);
      const exits = reached.flatMap((fn) => exitsByFn.get(fn) ?? []);
      const early = exitBeforeClose(closes, exits);
      return {
        serviceId: link.serviceOf(fact.loc.file),
        event: fact.event,
        location: fact.loc,
        ...(handlerId ? { handlerId } : {}),
        closes: closes.map((c) => ({ call: c.text, location: c.loc })).sort((a, b) => byLocation(a.location, b.location)),
        exits: exits.map((e) => e.loc).sort(byLocation),
        ...(early ? { exitsBeforeClosed: early } : {}),
      };
    })
    .sort((a, b) => byLocation(a.location, b.location));
}

function groupByFn<T extends { fn?: string }>(facts: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const f of facts) if (f.fn) addToList(map, f.fn, f);
  return map;
}

/** `server.close(); process.exit(0)`: the exit ends the process before the close has finished. */
function exitBeforeClose(closes: CloseCallFact[], exits: ExitCallFact[]): ProcessHandler["exitsBeforeClosed"] {
  for (const close of closes) {
    if (close.waited) continue;
    const exit = exits.find((e) => e.fn === close.fn && byLocation(close.loc, e.loc) < 0);
    if (exit) return { close: close.loc, exit: exit.loc };
  }
  return undefined;
}

function catchBlocks(link: Link): CatchBlock[] {
  const startup = reachableFrom(link.index, startupSeeds(link.index));
  return factsOf<CatchFact>(link.index, CATCHES)
    .filter(({ file }) => !isTestFile(file.path))
    .map(({ fact }) => ({
      location: fact.loc,
      ...(fact.fn ? { functionId: fact.fn } : {}),
      kind: fact.kind,
      handling: fact.handling,
      ...(fact.detail ? { detail: fact.detail } : {}),
      commented: fact.commented,
      ...(fact.parseFallback ? { parseFallback: true } : {}),
      ...(fact.context ? { context: fact.context } : {}),
      reach: reachOf(link, startup, fact),
      inTest: false,
    }))
    .sort((a, b) => byLocation(a.location, b.location));
}

function reachOf(link: Link, startup: ReadonlySet<string>, fact: CatchFact): CatchBlock["reach"] {
  if (fact.fn && link.fromRequest.has(fact.fn)) return "request";
  if (BROWSER_ASSETS.test(fact.loc.file)) return "other";
  return !fact.fn || startup.has(fact.fn) ? "startup" : "other";
}

const STYLE_FRAMEWORK: Record<RequestStyle, Framework> = { express: "express", fastify: "fastify", koa: "koa", hono: "hono", nest: "nestjs" };

function asyncRequestFunctions(link: Link): AsyncRequestFunction[] {
  const unguarded = new Map(factsOf<UnguardedFact>(link.index, UNGUARDED).map(({ fact }) => [fact.fn, fact]));
  const wrappers = wrapperCalls(link.index);
  const catching = new Set(factsOf<CatchFact>(link.index, CATCHES).flatMap(({ fact }) => (fact.fn && fact.handling !== "empty" && fact.handling !== "ignores" ? [fact.fn] : [])));
  const out: AsyncRequestFunction[] = [];
  for (const [fnId, style] of requestFunctionIds(link.requestParams)) {
    const first = unguarded.get(fnId);
    const fn = link.index.functions.get(fnId);
    if (!first || !fn) continue;
    out.push({
      functionId: fnId,
      serviceId: link.serviceOf(fn.loc.file),
      framework: STYLE_FRAMEWORK[style],
      location: fn.loc,
      unguarded: { kind: first.kind, location: first.loc },
      wrappers: (wrappers.get(fnId) ?? []).map((w) => ({ ...w, catches: w.catches(catching) })),
    });
  }
  return out.sort((a, b) => byLocation(a.location, b.location));
}

interface Wrapper {
  name: string;
  location: SourceLocation;
  catches: (catching: ReadonlySet<string>) => boolean;
}

const ASYNC_WRAPPER_PACKAGES = new Set(["express-async-handler", "express-async-wrap", "express-promise-router", "@awaitjs/express", "express-asyncify", "async-middleware"]);

/** Calls that take a function and are neither route registrations nor the function itself: `asyncHandler(fn)`. */
function wrapperCalls(index: ProjectIndex): Map<string, Wrapper[]> {
  const byFn = new Map<string, Wrapper[]>();
  for (const call of index.allCalls()) {
    // Most calls pass no project function: find that out before allocating anything.
    if (!call.args.some((a) => projectFunctions(index, a).length)) continue;
    const wrapper = describeWrapper(index, call.callee, call.loc);
    if (!wrapper) continue;
    for (const fn of call.args.flatMap((a) => projectFunctions(index, a))) {
      const list = byFn.get(fn);
      if (list) list.push(wrapper);
      else byFn.set(fn, [wrapper]);
    }
  }
  return byFn;
}

function describeWrapper(index: ProjectIndex, callee: Sym, location: SourceLocation): Wrapper | undefined {
  const resolved = index.resolve(callee);
  if (resolved.k === "ext") {
    const pkg = packageName(resolved.pkg);
    return ASYNC_WRAPPER_PACKAGES.has(pkg) ? { name: pkg, location, catches: () => true } : undefined;
  }
  if (resolved.k !== "fn") return undefined;
  const wrapperFn = index.functions.get(resolved.id);
  if (!wrapperFn) return undefined;
  const inner = returnedFunctions(index, resolved.id, 0);
  return { name: wrapperFn.name, location, catches: (catching) => [resolved.id, ...inner].some((id) => catching.has(id)) };
}

/** The functions a wrapper returns (`fn => (req, res, next) => …`), two levels deep. */
function returnedFunctions(index: ProjectIndex, fnId: string, depth: number): string[] {
  const fn = index.functions.get(fnId);
  if (!fn || depth > 2) return [];
  return fn.returns.flatMap((r) => projectFunctions(index, r)).flatMap((id) => [id, ...returnedFunctions(index, id, depth + 1)]);
}

function moduleCollections(link: Link): ModuleCollection[] {
  const collections = new Map<string, ModuleCollection>();
  const literalByName = new Map<string, string>();
  for (const { file, fact } of factsOf<CollectionFact>(link.index, COLLECTIONS)) {
    if (isTestFile(file.path)) continue;
    collections.set(fact.identity, { serviceId: link.serviceOf(fact.loc.file), name: fact.name, kind: fact.kind, location: fact.loc, adds: [], removes: [] });
    literalByName.set(`${file.path}#${fact.name}`, fact.identity);
  }
  for (const { file, fact } of factsOf<MutationFact>(link.index, MUTATIONS)) {
    const collection = collections.get(mutationTarget(link.index, file.path, fact) ?? "");
    if (!collection) continue;
    if (fact.op === "remove") {
      collection.removes.push(fact.loc);
      continue;
    }
    const fromRequest = fact.fn !== undefined && link.fromRequest.has(fact.fn);
    collection.adds.push({ location: fact.loc, fromRequest, key: keyKind(link, fact, fromRequest) });
  }
  return [...collections.values()]
    .filter((c) => c.adds.length > 0)
    .map((c) => ({ ...c, adds: c.adds.sort((a, b) => byLocation(a.location, b.location)), removes: c.removes.sort(byLocation) }))
    .sort((a, b) => byLocation(a.location, b.location));
}

/** The identity of the collection a mutation changes, when it is one. */
function mutationTarget(index: ProjectIndex, file: string, fact: MutationFact): string | undefined {
  const target = fact.target.k === "alt" ? fact.target.options[0] : fact.target;
  if (!target) return undefined;
  if (target.k === "new") return locKey(target.loc);
  if (target.k === "obj" || target.k === "arr") return `${file}#${fact.name}`;
  if (target.k === "mod") {
    const value = index.resolve(target);
    if (value.k === "new") return locKey(value.loc);
    if (value.k === "obj" || value.k === "arr") return `${target.file}#${target.name}`;
  }
  return undefined;
}

function keyKind(link: Link, fact: MutationFact, fromRequest: boolean): ModuleCollection["adds"][number]["key"] {
  if (!fact.key) return "other";
  const value = resolveShallow(link.index, fact.key);
  if (value.k === "lit") return "constant";
  if (!fromRequest) return "other";
  return originOf(link.index, fact.key, link.requestParams).kind === "request" ? "request" : "other";
}

// ---- retries -----------------------------------------------------------------------------

/** Defaults from each library's documentation: axios-retry retries 3 times with no delay; the `retry` family waits 1 s × 2^n, 10 retries. */
function retryLibraries(link: Link): RetryPolicy[] {
  const out: RetryPolicy[] = [];
  for (const { file, fact } of factsOf<RetryCallFact>(link.index, RETRY_CALLS)) {
    if (isTestFile(file.path)) continue;
    const root = extRoot(link.index.resolve(fact.callee)) ?? extRoot(fact.callee);
    if (!root) continue;
    const { pkg, path } = extPath(root);
    const policy = retryPolicyOf(link.index, pkg, path, fact.args);
    if (policy) out.push({ serviceId: link.serviceOf(fact.loc.file), location: fact.loc, library: pkg, ...policy, outboundCallIds: [] });
  }
  return out;
}

type PolicyShape = Pick<RetryPolicy, "backoff" | "attempts">;

function retryPolicyOf(index: ProjectIndex, pkg: string, path: string[], args: Sym[]): PolicyShape | undefined {
  const options = args.map((a) => objectArg(index, a)).find(Boolean);
  const props = options?.props ?? {};
  switch (pkg) {
    case "axios-retry": {
      if (path.length > 0) return undefined; // axiosRetry.exponentialDelay, isNetworkError …
      // Options bka cannot read in full may set a delay: only absent options or a literal object without one are "none".
      const readable = !args[1] || (options !== undefined && options.spreads.length === 0);
      const backoff = props.retryDelay ? delayFunctionBackoff(index, props.retryDelay) : readable ? "none" : "unknown";
      return { backoff, attempts: attemptsOf(index, props.retries, 3) };
    }
    case "p-retry":
    case "async-retry":
    case "promise-retry":
      if (path.length > 0) return undefined;
      return { backoff: nodeRetryBackoff(index, props), attempts: props.forever && isTrue(index, props.forever) ? "unbounded" : attemptsOf(index, props.retries, 10) };
    case "retry":
      if (path[0] !== "operation") return undefined;
      return { backoff: nodeRetryBackoff(index, props), attempts: props.forever && isTrue(index, props.forever) ? "unbounded" : attemptsOf(index, props.retries, 10) };
    case "exponential-backoff":
      if (path[0] !== "backOff") return undefined;
      return { backoff: literalNumber(index, props.timeMultiple) === 1 ? "fixed" : "growing", attempts: attemptsOf(index, props.numOfAttempts, 10) };
    default:
      return undefined;
  }
}

/** Options of the `retry` package (used by p-retry, async-retry, promise-retry): `factor: 1` makes the wait constant. */
function nodeRetryBackoff(index: ProjectIndex, props: Record<string, Sym>): RetryPolicy["backoff"] {
  const factor = props.factor ? literalNumber(index, props.factor) : 2;
  const minTimeout = props.minTimeout ? literalNumber(index, props.minTimeout) : 1000;
  if (factor === undefined || minTimeout === undefined) return "unknown";
  if (minTimeout === 0 && !props.maxTimeout) return "none";
  return factor > 1 ? "growing" : "fixed";
}

function delayFunctionBackoff(index: ProjectIndex, delay: Sym): RetryPolicy["backoff"] {
  const value = index.resolve(delay);
  const root = extRoot(value);
  if (root && packageName(root.pkg) === "axios-retry") {
    const name = extPath(root).path[0];
    return name === "exponentialDelay" || name === "linearDelay" ? "growing" : "unknown";
  }
  if (value.k !== "fn") return "unknown";
  const returns = index.functions.get(value.id)?.returns ?? [];
  const numbers = returns.map((r) => literalNumber(index, r));
  if (returns.length && numbers.every((n) => n === 0)) return "none";
  if (returns.length && numbers.every((n) => n !== undefined)) return "fixed";
  return "unknown";
}

function attemptsOf(index: ProjectIndex, sym: Sym | undefined, fallback: number): RetryPolicy["attempts"] {
  if (!sym) return fallback;
  const value = resolveShallow(index, sym);
  if (value.k === "unknown" && /^(Infinity|Number\.POSITIVE_INFINITY)$/.test(value.text)) return "unbounded";
  if (value.k === "member" && value.prop === "POSITIVE_INFINITY") return "unbounded";
  const n = literalNumber(index, sym);
  return n === undefined ? "unknown" : n;
}

function isTrue(index: ProjectIndex, sym: Sym): boolean {
  const value = resolveShallow(index, sym);
  return value.k === "lit" && value.value === true;
}

/** Hand-written loops: kept when the retried code reaches an outbound call. */
function retryLoops(link: Link, outboundCalls: readonly OutboundCall[]): RetryPolicy[] {
  const callsByFn = new Map<string, OutboundCall[]>();
  for (const call of outboundCalls) if (call.functionId) addToList(callsByFn, call.functionId, call);
  const out: RetryPolicy[] = [];
  for (const { file, fact } of factsOf<RetryLoopFact>(link.index, RETRY_LOOPS)) {
    if (isTestFile(file.path) || !fact.fn) continue;
    const inRange = (loc: SourceLocation) => loc.line >= fact.loc.line && loc.line <= fact.endLine;
    const direct = (callsByFn.get(fact.fn) ?? []).filter((c) => inRange(c.location));
    const viaHelpers = file.calls
      .filter((c) => c.fn === fact.fn && inRange(c.loc))
      .flatMap((c) => [...projectFunctions(link.index, c.callee), ...c.args.flatMap((a) => projectFunctions(link.index, a))])
      .flatMap((fn) => reachableFunctions(link.index, fn))
      .flatMap((fn) => callsByFn.get(fn) ?? []);
    const ids = [...new Set([...direct, ...viaHelpers].map((c) => c.id))].sort(compareText);
    if (ids.length === 0) continue;
    out.push({ serviceId: link.serviceOf(fact.loc.file), location: fact.loc, library: "loop", backoff: fact.backoff, attempts: fact.unbounded ? "unbounded" : "unknown", outboundCallIds: ids });
  }
  return out;
}

// ---- observability signs -------------------------------------------------------------------

function serviceSignals(link: Link): ServiceSignals[] {
  const byService = new Map<string, ServiceSignals>();
  const entry = (serviceId: string) => {
    let s = byService.get(serviceId);
    if (!s) byService.set(serviceId, (s = { serviceId, consoleCalls: 0, requestIds: [] }));
    return s;
  };
  for (const { file, fact } of factsOf<SourceLocation>(link.index, CONSOLE_CALLS)) {
    if (isTestFile(file.path) || SCRIPT_PATH.test(file.path)) continue;
    const s = entry(link.serviceOf(fact.file));
    s.consoleCalls++;
    if (!s.firstConsoleCall || byLocation(fact, s.firstConsoleCall) < 0) s.firstConsoleCall = fact;
  }
  for (const { file, fact } of factsOf<SourceLocation>(link.index, LOGGER_CALLS)) {
    if (isTestFile(file.path)) continue;
    const s = entry(link.serviceOf(fact.file));
    s.loggerCalls = (s.loggerCalls ?? 0) + 1;
  }
  for (const { file, fact } of factsOf<RequestIdFact>(link.index, REQUEST_IDS)) {
    if (isTestFile(file.path)) continue;
    entry(link.serviceOf(fact.loc.file)).requestIds.push({ what: fact.what, location: fact.loc });
  }
  return [...byService.values()]
    .map((s) => ({ ...s, requestIds: s.requestIds.sort((a, b) => byLocation(a.location, b.location)).slice(0, 10) }))
    .sort((a, b) => compareText(a.serviceId, b.serviceId));
}
