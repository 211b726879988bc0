// Facts for the reliability and observability rules that no other extractor records: catch
// blocks and what they do with the error, async functions with an await or throw outside any
// try, process signal handlers and the close / exit calls in the code, module-level collections
// and where they grow or shrink, retry configurations and hand-written retry loops, console
// calls and request-id handling. The extractor reads each node once in the shared walk (with a
// small bounded look into catch bodies and loop bodies); resilience-model.ts ties the facts to
// request handlers, services and outbound calls.
import type { CatchBlockContext, CatchHandling, ModuleCollection, RetryPolicy, SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import type { FileFacts } from "../js/facts.ts";
import { prune, type Sym } from "../js/sym.ts";
import { extPath, extRoot, locKey, packageName } from "./values.ts";
import { visitorKeys } from "oxc-parser";

export const CATCHES = "resilience.catches";
export const UNGUARDED = "resilience.unguarded";
export const PROCESS_HANDLERS = "resilience.processHandlers";
export const CLOSE_CALLS = "resilience.closeCalls";
export const EXIT_CALLS = "resilience.exitCalls";
export const COLLECTIONS = "resilience.collections";
export const MUTATIONS = "resilience.mutations";
export const RETRY_CALLS = "resilience.retryCalls";
export const RETRY_LOOPS = "resilience.retryLoops";
export const CONSOLE_CALLS = "resilience.consoleCalls";
export const LOGGER_CALLS = "resilience.loggerCalls";
export const REQUEST_IDS = "resilience.requestIds";

export interface CatchFact {
  loc: SourceLocation;
  fn?: string;
  kind: "try" | "promise";
  handling: CatchHandling;
  detail?: string;
  commented: boolean;
  /** The try block only parses or converts a value (JSON.parse, new URL): the catch is how invalid input is detected. */
  parseFallback?: boolean;
  context?: CatchBlockContext;
}

export interface UnguardedFact {
  fn: string;
  kind: "await" | "throw";
  loc: SourceLocation;
}

export interface ProcessHandlerFact {
  loc: SourceLocation;
  event: string;
  handler?: Sym;
}

/** `server.close()`, `pool.end()`: what shuts something down, and whether its end is waited for. */
export interface CloseCallFact {
  loc: SourceLocation;
  fn?: string;
  text: string;
  waited: boolean;
}

export interface ExitCallFact {
  loc: SourceLocation;
  fn?: string;
}

export interface CollectionFact {
  name: string;
  kind: ModuleCollection["kind"];
  loc: SourceLocation;
  /** `new Map()` is known by where it is created; a literal by its file and name. */
  identity: string;
}

export interface MutationFact {
  target: Sym;
  name: string;
  op: "add" | "remove";
  loc: SourceLocation;
  fn?: string;
  key?: Sym;
}

export interface RetryCallFact {
  loc: SourceLocation;
  callee: Sym;
  args: Sym[];
}

export interface RetryLoopFact {
  loc: SourceLocation;
  fn?: string;
  endLine: number;
  backoff: RetryPolicy["backoff"];
  unbounded: boolean;
}

export interface RequestIdFact {
  what: string;
  loc: SourceLocation;
}

// ---- recognition tables ----------------------------------------------------------------------

/** Methods that shut a server, pool or client down. `res.end()` and streams are not shutdowns. */
const CLOSE_METHODS = new Set(["close", "end", "disconnect", "$disconnect", "destroy", "quit", "stop", "terminate", "shutdown", "closeAll"]);
const NOT_SHUTDOWN_RECEIVER = /^(res|response|reply|ctx|c|req|request|stream|socket|ws|conn|connection|file|writer|readStream|writeStream|rl|this\.res)$/;
const SIGNAL_EVENTS = new Set(["SIGTERM", "SIGINT", "SIGHUP", "SIGUSR2", "SIGQUIT", "uncaughtException", "unhandledRejection"]);
const LOG_NAME = /^(log|error|warn|warning|info|debug|trace|fatal|critical|verbose|silly|captureException|captureError|captureMessage|notify|report|reportError)$/i;
const LOGGER_OBJECT = /^(log|logs|logger|console|sentry|bugsnag|rollbar|apm|newrelic|winston|pino|audit)$|logger$/i;
/** `log(err)`, `logError(err)`, `reqLogger(…)`; not `login()` or `catalog()`. */
const LOG_FUNCTION = /^log([A-Z_]|$)|Log(ger)?$|^logger$/;
const LEVEL_METHODS = new Set(["trace", "debug", "info", "warn", "error", "fatal"]);
/** `logger.info(…)`, `logging.error(…)`, `req.log.warn(…)`, `this.logger.debug(…)`: a logger object, whatever the library. */
const LOGGER_RECEIVER = /^(log|logger|logging)$|Logger$/i;
const DELAY_CALL = /^(setTimeout|sleep|delay|wait|pause|backoff|waitFor|setTimeoutPromise)$|sleep|delay|backoff/i;
const GROWING_DELAY = /\*\*|Math\.pow|<<|\*|backoff|expon/i;
const REQUEST_ID_HEADERS = /^(x-request-id|x-correlation-id|x-trace-id|x-amzn-trace-id|traceparent|request-id|x-requestid|correlation-id)$/i;
const REQUEST_ID_OPTIONS = new Set(["genReqId", "requestIdHeader", "requestIdLogLabel"]);
const ADD_METHODS: Record<string, "key" | "value"> = { set: "key", add: "key", push: "value", unshift: "value" };
const REMOVE_METHODS = new Set(["delete", "clear", "shift", "pop", "splice"]);
const RETRY_PACKAGES = new Set(["axios-retry", "p-retry", "async-retry", "promise-retry", "retry", "exponential-backoff"]);
const LOOP_TYPES = new Set(["ForStatement", "WhileStatement", "DoWhileStatement"]);
const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const MAX_SEARCH_DEPTH = 40;

// Per-file walk state (the extractor object is shared by every file's walk).
const asyncFunctionsOf = new WeakMap<FileFacts, Set<string>>();
const unguardedSeen = new WeakMap<FileFacts, Set<string>>();
const waitedCalls = new WeakMap<FileFacts, Set<number>>();
const insideErrorHandlers = new WeakMap<FileFacts, Set<number>>();

function stateOf<T>(map: WeakMap<FileFacts, Set<T>>, facts: FileFacts): Set<T> {
  let set = map.get(facts);
  if (!set) map.set(facts, (set = new Set()));
  return set;
}

// ---- extractor --------------------------------------------------------------------------------

const onFunction = (node: Node, ctx: WalkContext): void => {
  if (!node.async) return;
  const loc = ctx.loc(node);
  stateOf(asyncFunctionsOf, ctx.facts).add(`${loc.file}:${loc.line}:${loc.column}`);
};

function onUnguarded(kind: UnguardedFact["kind"]) {
  return (node: Node, ctx: WalkContext): void => {
    const fn = ctx.currentFunction();
    if (!fn || ctx.inTry() || !stateOf(asyncFunctionsOf, ctx.facts).has(fn.id)) return;
    const seen = stateOf(unguardedSeen, ctx.facts);
    if (seen.has(fn.id)) return;
    seen.add(fn.id);
    ctx.emit(UNGUARDED, { fn: fn.id, kind, loc: ctx.loc(node) } satisfies UnguardedFact);
  };
}

export const resilienceFacts: Extractor = {
  name: "resilience",
  visit: {
    FunctionDeclaration: onFunction,
    FunctionExpression: onFunction,
    ArrowFunctionExpression: onFunction,
    AwaitExpression(node, ctx) {
      onUnguarded("await")(node, ctx);
      const arg = unwrap(node.argument);
      if (arg?.type === "CallExpression") stateOf(waitedCalls, ctx.facts).add(arg.start);
    },
    ThrowStatement: onUnguarded("throw"),
    TryStatement(node, ctx) {
      const handler = node.handler;
      if (!handler) return;
      markNestedCatches(handler.body, ctx);
      const param = handler.param?.type === "Identifier" ? handler.param.name : undefined;
      const result = classifyBody(handler.body, param);
      emitCatch(ctx, handler, "try", onlyParses(node.block) ? { ...result, parseFallback: true } : result, hasComment(ctx, handler.body));
    },
    CallExpression(node, ctx) {
      const callee = ctx.symOf(node.callee);
      const calleeNode = unwrap(node.callee);
      const prop = calleeNode?.type === "MemberExpression" && !calleeNode.computed ? (calleeNode.property?.name as string | undefined) : undefined;
      // Located at `.catch` itself: a chain can start many lines above.
      if (prop === "catch" && node.arguments.length === 1) {
        markNestedCatches(node.arguments[0], ctx);
        const result = classifyPromiseCatch(node.arguments[0]);
        const receiver = unwrap(calleeNode.object)?.type;
        const stored = receiver === "Identifier" || receiver === "MemberExpression";
        emitCatch(ctx, calleeNode.property, "promise", result && stored ? { ...result, context: "stored-promise" } : result, hasComment(ctx, node.arguments[0]));
      }
      if (prop && CLOSE_METHODS.has(prop)) recordClose(node, calleeNode, ctx);
      if (prop && (prop in ADD_METHODS || REMOVE_METHODS.has(prop))) recordMemberMutation(node, calleeNode, prop, ctx);
      const ext = callee.k === "ext" ? extPath(callee) : undefined;
      if (ext?.pkg === "global" && ext.path[0] === "process") recordProcessCall(node, ext.path[1], ctx);
      if (ext?.pkg === "global" && ext.path[0] === "console" && ext.path.length === 2) ctx.emit(CONSOLE_CALLS, ctx.loc(node));
      else if (prop && LEVEL_METHODS.has(prop) && LOGGER_RECEIVER.test(receiverName(calleeNode.object) ?? "")) ctx.emit(LOGGER_CALLS, ctx.loc(node));
      recordRetryCall(node, callee, ctx);
    },
    NewExpression(node, ctx) {
      const callee = ctx.symOf(node.callee);
      recordRetryCall(node, callee, ctx);
      const root = extRoot(callee);
      if (root && packageName(root.pkg) === "async_hooks" && extPath(root).path[0] === "AsyncLocalStorage") {
        ctx.emit(REQUEST_IDS, { what: "AsyncLocalStorage", loc: ctx.loc(node) } satisfies RequestIdFact);
      }
    },
    VariableDeclarator(node, ctx) {
      if (ctx.currentFunction() || node.id?.type !== "Identifier" || !node.init) return;
      recordCollection(node.id.name, unwrap(node.init), ctx);
    },
    AssignmentExpression(node, ctx) {
      const left = unwrap(node.left);
      if (left?.type === "Identifier") {
        // `cache = new Map()` / `queue = queue.filter(…)`: a reset.
        emitMutation(ctx, node, ctx.symOf(left), left.name, "remove");
      } else if (left?.type === "MemberExpression" && unwrap(left.object)?.type === "Identifier") {
        const object = unwrap(left.object);
        const isLength = !left.computed && left.property?.name === "length";
        if (isLength) emitMutation(ctx, node, ctx.symOf(object), object.name, "remove");
        else if (left.computed) emitMutation(ctx, node, ctx.symOf(object), object.name, "add", ctx.symOf(left.property));
      }
    },
    UnaryExpression(node, ctx) {
      const arg = unwrap(node.argument);
      if (node.operator !== "delete" || arg?.type !== "MemberExpression") return;
      const object = unwrap(arg.object);
      if (object?.type === "Identifier") emitMutation(ctx, node, ctx.symOf(object), object.name, "remove");
    },
    Literal(node, ctx) {
      if (typeof node.value === "string" && REQUEST_ID_HEADERS.test(node.value)) {
        ctx.emit(REQUEST_IDS, { what: `"${node.value.toLowerCase()}" header`, loc: ctx.loc(node) } satisfies RequestIdFact);
      }
    },
    Property(node, ctx) {
      const key = node.key?.type === "Identifier" ? node.key.name : undefined;
      if (key && !node.computed && REQUEST_ID_OPTIONS.has(key)) ctx.emit(REQUEST_IDS, { what: `${key} option`, loc: ctx.loc(node) } satisfies RequestIdFact);
    },
    ForStatement: recordRetryLoop,
    WhileStatement: recordRetryLoop,
    DoWhileStatement: recordRetryLoop,
  },
};

function emitCatch(ctx: WalkContext, node: Node, kind: CatchFact["kind"], result: Classified | undefined, commented: boolean): void {
  if (!result) return;
  const fn = ctx.currentFunction();
  const context = stateOf(insideErrorHandlers, ctx.facts).has(node.start) ? { context: "error-handler" as const } : {};
  ctx.emit(CATCHES, { loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), kind, ...result, ...context, commented } satisfies CatchFact);
}

/** Catches inside the code that handles another error (a catch body, a `.catch` callback): best effort by nature. */
function markNestedCatches(handlerCode: Node, ctx: WalkContext): void {
  const inside = stateOf(insideErrorHandlers, ctx.facts);
  search(handlerCode, (n) => {
    if (n.type === "TryStatement" && n.handler) inside.add(n.handler.start);
    const callee = n.type === "CallExpression" ? unwrap(n.callee) : undefined;
    if (callee?.type === "MemberExpression" && !callee.computed && callee.property?.name === "catch") inside.add(callee.property.start);
    return true;
  }, { intoFunctions: true });
}

function hasComment(ctx: WalkContext, node: Node): boolean {
  const text = ctx.text(node, 400);
  return /\/\/|\/\*/.test(text.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, ""));
}

interface Classified {
  handling: CatchHandling;
  detail?: string;
  parseFallback?: boolean;
  context?: CatchBlockContext;
}

const PARSE_CALLS = new Set(["parse", "toString", "URL", "decodeURIComponent", "decodeURI", "parseInt", "parseFloat", "Number", "BigInt", "atob", "btoa", "from", "RegExp", "stringify", "structuredClone", "isIP"]);

/** A try block whose every call parses or converts a value, with no await: `JSON.parse(text)`, `new URL(input)`. */
function onlyParses(block: Node): boolean {
  let calls = 0;
  let other = false;
  search(block, (n) => {
    if (n.type === "AwaitExpression") other = true;
    if (n.type === "CallExpression" || n.type === "NewExpression") {
      calls++;
      if (!PARSE_CALLS.has(calleeName(n.callee) ?? "")) other = true;
    }
    return !other;
  });
  return calls > 0 && !other;
}

/** What a catch body does with the error, judged by the strongest thing it does. */
function classifyBody(body: Node, param: string | undefined): Classified {
  const statements: Node[] = body?.type === "BlockStatement" ? body.body : body ? [body] : [];
  if (statements.length === 0) return { handling: "empty" };
  let rethrows = false;
  let logs = false;
  let usesError = false;
  let calls = false;
  search(body, (n) => {
    if (n.type === "ThrowStatement") rethrows = true;
    else if (n.type === "CallExpression" || n.type === "NewExpression" || n.type === "AwaitExpression" || n.type === "YieldExpression") {
      calls = true;
      if (n.type === "CallExpression" && isLogCall(n.callee)) logs = true;
    } else if (n.type === "Identifier" && param && n.name === param) usesError = true;
    return true;
  });
  if (rethrows) return { handling: "rethrows" };
  if (logs) return { handling: "logs" };
  if (usesError) return { handling: "uses-error" };
  if (calls) return { handling: "handles" };
  return { handling: "ignores", detail: ignoredDetail(statements) };
}

function ignoredDetail(statements: Node[]): string {
  const kinds = new Set(statements.map((s) => s.type));
  if (kinds.has("ReturnStatement")) return "only returns";
  if (kinds.has("ContinueStatement")) return "only continues the loop";
  if (kinds.has("BreakStatement")) return "only breaks out of the loop";
  return "only sets a fallback value";
}

/** `.catch(() => {})`, `.catch(() => null)`, `.catch(noop)`, `.catch(next)`, `.catch(console.error)`. */
function classifyPromiseCatch(arg: Node): Classified | undefined {
  const handler = unwrap(arg);
  if (!handler) return undefined;
  if (FUNCTION_TYPES.has(handler.type)) {
    const param = handler.params[0]?.type === "Identifier" ? handler.params[0].name : undefined;
    if (handler.body?.type === "BlockStatement") return classifyBody(handler.body, param);
    const body = unwrap(handler.body);
    if (body?.type === "CallExpression" || body?.type === "NewExpression" || body?.type === "AssignmentExpression") {
      return classifyBody({ type: "BlockStatement", body: [{ type: "ExpressionStatement", expression: body }] }, param);
    }
    const result = classifyBody({ type: "BlockStatement", body: [{ type: "ReturnStatement", argument: body }] }, param);
    return result.handling === "ignores" ? { handling: "ignores", detail: "only returns a fallback value" } : result;
  }
  if (handler.type === "Identifier" && /^(noop|ignore|ignoreError|_)$/i.test(handler.name)) return { handling: "ignores", detail: "is a no-op" };
  if (handler.type === "Identifier" || handler.type === "MemberExpression") return isLogCall(handler) ? { handling: "logs" } : { handling: "handles" };
  return undefined;
}

function isLogCall(callee: Node): boolean {
  const c = unwrap(callee);
  if (c?.type === "Identifier") return LOG_NAME.test(c.name) || LOG_FUNCTION.test(c.name);
  if (c?.type !== "MemberExpression") return false;
  const prop = !c.computed ? c.property?.name : undefined;
  const object = unwrap(c.object);
  const objectName = object?.type === "Identifier" ? object.name : object?.type === "MemberExpression" && !object.computed ? object.property?.name : undefined;
  return (prop !== undefined && LOG_NAME.test(prop)) || (objectName !== undefined && LOGGER_OBJECT.test(objectName));
}

/**
 * A bounded search below a node that does not enter nested functions (their bodies run later,
 * elsewhere). `visit` returns false to skip a node's children.
 */
function search(node: Node, visit: (n: Node) => boolean, options: { intoFunctions?: boolean; intoLoops?: boolean } = {}, depth = 0): void {
  if (!node || typeof node.type !== "string" || depth > MAX_SEARCH_DEPTH) return;
  if (depth > 0 && FUNCTION_TYPES.has(node.type) && !options.intoFunctions) return;
  if (depth > 0 && LOOP_TYPES.has(node.type) && options.intoLoops === false) return;
  if (!visit(node)) return;
  const keys: readonly string[] = (visitorKeys as Record<string, readonly string[]>)[node.type] ?? [];
  for (const key of keys) {
    const child = node[key];
    if (Array.isArray(child)) for (const c of child) search(c, visit, options, depth + 1);
    else if (child && typeof child === "object") search(child, visit, options, depth + 1);
  }
}

function recordProcessCall(node: Node, method: string | undefined, ctx: WalkContext): void {
  const fn = ctx.currentFunction();
  if (method === "exit") {
    ctx.emit(EXIT_CALLS, { loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}) } satisfies ExitCallFact);
    return;
  }
  if (method !== "on" && method !== "once" && method !== "addListener" && method !== "prependListener") return;
  const handler = node.arguments[1];
  for (const event of signalNames(node.arguments[0] ? ctx.symOf(node.arguments[0]) : undefined)) {
    ctx.emit(PROCESS_HANDLERS, { loc: ctx.loc(node), event, ...(handler ? { handler: prune(ctx.symOf(handler)) } : {}) } satisfies ProcessHandlerFact);
  }
}

/** `"SIGTERM"`, or each signal of `for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, …)`. */
function signalNames(event: Sym | undefined): string[] {
  const values = event?.k === "member" && event.prop === "[]" && event.obj.k === "arr" ? event.obj.items : event ? [event] : [];
  return values.flatMap((v) => (v.k === "lit" && typeof v.value === "string" && SIGNAL_EVENTS.has(v.value) ? [v.value] : []));
}

function recordClose(node: Node, calleeNode: Node, ctx: WalkContext): void {
  const receiver = ctx.text(calleeNode.object, 40);
  if (NOT_SHUTDOWN_RECEIVER.test(receiver)) return;
  const fn = ctx.currentFunction();
  // A callback (`server.close(() => process.exit(0))`) or an await means the end is waited for.
  const waited = stateOf(waitedCalls, ctx.facts).has(node.start) || node.arguments.some((a: Node) => FUNCTION_TYPES.has(unwrap(a)?.type) || unwrap(a)?.type === "Identifier");
  ctx.emit(CLOSE_CALLS, { loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), text: `${receiver}.${calleeNode.property.name}`, waited } satisfies CloseCallFact);
}

function recordCollection(name: string, init: Node, ctx: WalkContext): void {
  const loc = ctx.loc(init);
  let kind: ModuleCollection["kind"] | undefined;
  let identity = `${ctx.file}#${name}`;
  if (init.type === "NewExpression" && unwrap(init.callee)?.type === "Identifier") {
    const ctor = unwrap(init.callee).name;
    if (ctor === "Map" || ctor === "Set") {
      kind = ctor;
      identity = locKey(loc);
    }
  } else if (init.type === "ObjectExpression" && init.properties.length === 0) {
    kind = "object";
  } else if (init.type === "ArrayExpression" && init.elements.length === 0) {
    kind = "array";
  }
  if (kind) ctx.emit(COLLECTIONS, { name, kind, loc, identity } satisfies CollectionFact);
}

function recordMemberMutation(node: Node, calleeNode: Node, prop: string, ctx: WalkContext): void {
  const object = unwrap(calleeNode.object);
  if (object?.type !== "Identifier") return;
  const keyPosition = ADD_METHODS[prop];
  const key = keyPosition === "key" && node.arguments[0] ? ctx.symOf(node.arguments[0]) : undefined;
  emitMutation(ctx, node, ctx.symOf(object), object.name, keyPosition ? "add" : "remove", key);
}

function emitMutation(ctx: WalkContext, node: Node, target: Sym, name: string, op: MutationFact["op"], key?: Sym): void {
  // Only values that can be a module collection: a `new`, a literal, or an import.
  if (target.k !== "new" && target.k !== "obj" && target.k !== "arr" && target.k !== "mod" && target.k !== "alt") return;
  const fn = ctx.currentFunction();
  ctx.emit(MUTATIONS, { target: prune(target, 24), name, op, loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), ...(key ? { key: prune(key, 40) } : {}) } satisfies MutationFact);
}

function recordRetryCall(node: Node, callee: Sym, ctx: WalkContext): void {
  const root = extRoot(callee);
  if (!root || !RETRY_PACKAGES.has(packageName(root.pkg))) return;
  ctx.emit(RETRY_CALLS, { loc: ctx.loc(node), callee: prune(callee, 24), args: node.arguments.slice(0, 3).map((a: Node) => prune(ctx.symOf(a), 80)) } satisfies RetryCallFact);
}

/**
 * A loop that retries: its body has a try whose block calls something and leaves the loop on
 * success (return / break), and whose catch does not always throw.
 */
function recordRetryLoop(node: Node, ctx: WalkContext): void {
  const fn = ctx.currentFunction();
  if (!fn) return;
  const attempt = retryingTry(node.body);
  if (!attempt) return;
  let delay: Node | undefined;
  search(node.body, (n) => {
    if (!delay && n.type === "CallExpression" && DELAY_CALL.test(calleeName(n.callee) ?? "")) delay = n;
    return !delay;
  }, { intoFunctions: true });
  const backoff: RetryPolicy["backoff"] = !delay ? "none" : GROWING_DELAY.test(ctx.text(node.body, 1500)) ? "growing" : "fixed";
  ctx.emit(RETRY_LOOPS, {
    loc: ctx.loc(node),
    fn: fn.id,
    endLine: ctx.loc({ start: node.end - 1 }).line,
    backoff,
    unbounded: loopRunsForever(node) && !exitsOutside(node.body, attempt.block),
  } satisfies RetryLoopFact);
}

/** The last name of a receiver: `logger`, `req.log` → "log", `this.logger` → "logger". */
function receiverName(object: Node): string | undefined {
  const o = unwrap(object);
  if (o?.type === "Identifier") return o.name;
  if (o?.type === "MemberExpression" && !o.computed) return o.property?.name;
  return undefined;
}

function calleeName(callee: Node): string | undefined {
  const c = unwrap(callee);
  if (c?.type === "Identifier") return c.name;
  if (c?.type === "MemberExpression" && !c.computed) return c.property?.name;
  return undefined;
}

function retryingTry(body: Node): Node | undefined {
  let found: Node | undefined;
  search(body, (n) => {
    if (found) return false;
    if (n.type !== "TryStatement" || !n.handler) return true;
    let calls = false;
    let leaves = false;
    search(n.block, (m) => {
      if (m.type === "CallExpression" || m.type === "AwaitExpression") calls = true;
      if (m.type === "ReturnStatement" || m.type === "BreakStatement") leaves = true;
      return true;
    }, { intoLoops: false });
    const last = n.handler.body.body.at(-1);
    if (calls && leaves && last?.type !== "ThrowStatement") found = n;
    return false;
  }, { intoLoops: false });
  return found;
}

/** `while (true)`, `for (;;)`, `do … while (true)`. */
function loopRunsForever(loop: Node): boolean {
  const test = unwrap(loop.test);
  return !test || (test.type === "Literal" && test.value === true);
}

/** A throw, return or break anywhere in the loop body outside the successful try block. */
function exitsOutside(body: Node, tryBlock: Node): boolean {
  let exits = false;
  search(body, (n) => {
    if (n === tryBlock || exits) return false;
    if (n.type === "ThrowStatement" || n.type === "ReturnStatement" || n.type === "BreakStatement") exits = true;
    return true;
  }, { intoLoops: false });
  return exits;
}
