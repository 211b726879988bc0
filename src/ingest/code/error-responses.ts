// Internal error details sent to clients: a caught error (a `catch` parameter, a promise
// rejection callback's parameter, or the first parameter of an Express error handler
// `(err, req, res, next)`) or its `stack` / `message`
// handed to `res.json` / `res.send` / `reply.send` or assigned to Koa's `ctx.body`, and the
// `errorhandler` package used outside a NODE_ENV check. Recorded with locations; the link step
// turns them into `error-details` sinks.
import type { SecuritySink, SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import type { FileFacts } from "../js/facts.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { extPath, extRoot, locKey } from "./values.ts";

export const ERROR_RESPONSES = "code.errorResponses";

/** What reaches the client: the stack trace, the whole error object, its message, or the errorhandler page. */
export type Exposure = "stack" | "error object" | "message" | "errorhandler";

export interface ErrorResponseFact {
  loc: SourceLocation;
  fn?: string;
  api: string;
  exposes: Exposure;
}

const RESPONSE_METHODS = new Set(["json", "send", "jsonp", "end", "write"]);
/** A response object: `res`, `response`, `reply`, Koa's `ctx.res`, also after `.status(500)` (not a socket or a stream). */
const RESPONDER = /^(res|resp|response|reply|ctx\.res|ctx\.response)\b/;
/** A test that tells development from production: `process.env.NODE_ENV`, `app.get("env")`, `isDev`. */
const ENVIRONMENT_TEST = /NODE_ENV|\.get\(\s*["']env["']\s*\)|\bis(Dev|Development|Prod|Production)\b|\bdev(elopment)?Mode\b/;

interface Scope {
  start: number;
  end: number;
  name?: string;
}

/** Per file: the catch clauses and environment checks seen so far (the walk is pre-order, so ancestors come first). */
const scopes = new WeakMap<FileFacts, { catches: Scope[]; envChecks: Scope[] }>();

function scopesOf(ctx: WalkContext): { catches: Scope[]; envChecks: Scope[] } {
  let s = scopes.get(ctx.facts);
  if (!s) scopes.set(ctx.facts, (s = { catches: [], envChecks: [] }));
  return s;
}

const holds = (scope: Scope, node: Node) => scope.start <= node.start && node.end <= scope.end;

export const errorResponses: Extractor = {
  name: "error-responses",
  visit: {
    CatchClause(node, ctx) {
      const param = unwrap(node.param);
      if (param?.type === "Identifier") scopesOf(ctx).catches.push({ start: node.body.start, end: node.body.end, name: param.name });
    },
    IfStatement(node, ctx) {
      envCheck(node, node.test, ctx);
    },
    ConditionalExpression(node, ctx) {
      envCheck(node, node.test, ctx);
    },
    LogicalExpression(node, ctx) {
      envCheck(node, node.left, ctx);
    },
    CallExpression(node, ctx) {
      const callee = unwrap(node.callee);
      rejectionHandler(node, callee, ctx);
      const sym = ctx.symOf(node.callee);
      const root = extRoot(sym);
      if (root && extPath(root).pkg === "errorhandler" && extPath(root).path.length === 0 && !envGuarded(node, ctx)) {
        emit(ctx, node, "errorhandler()", "errorhandler");
        return;
      }
      if (callee?.type !== "MemberExpression" || callee.computed || !RESPONSE_METHODS.has(callee.property.name)) return;
      if (!RESPONDER.test(ctx.text(callee.object, 40))) return;
      const exposure = node.arguments[0] && exposureOf(node.arguments[0], node, ctx);
      if (exposure && !envGuarded(node, ctx)) emit(ctx, node, `${responderText(callee.object, ctx)}.${callee.property.name}`, exposure);
    },
    AssignmentExpression(node, ctx) {
      // Koa: `ctx.body = err.stack`
      const left = unwrap(node.left);
      if (left?.type !== "MemberExpression" || left.computed || left.property.name !== "body") return;
      const exposure = exposureOf(node.right, node, ctx);
      if (exposure && !envGuarded(node, ctx)) emit(ctx, node, "ctx.body =", exposure);
    },
  },
};

/** `promise.catch((err) => …)`, `promise.then(ok, (err) => …)`: the callback's first parameter is the error. */
function rejectionHandler(node: Node, callee: Node, ctx: WalkContext): void {
  if (callee?.type !== "MemberExpression" || callee.computed) return;
  const handler = callee.property.name === "catch" ? node.arguments[0] : callee.property.name === "then" ? node.arguments[1] : undefined;
  const fn = handler && unwrap(handler);
  const param = fn && (fn.type === "ArrowFunctionExpression" || fn.type === "FunctionExpression") ? unwrap(fn.params[0]) : undefined;
  if (param?.type === "Identifier") scopesOf(ctx).catches.push({ start: fn.body.start, end: fn.body.end, name: param.name });
}

function envCheck(node: Node, test: Node, ctx: WalkContext): void {
  if (ENVIRONMENT_TEST.test(ctx.text(test, 200))) scopesOf(ctx).envChecks.push({ start: node.start, end: node.end });
}

function envGuarded(node: Node, ctx: WalkContext): boolean {
  return scopesOf(ctx).envChecks.some((s) => holds(s, node));
}

/** `res.status(500).json` → "res.status(500)"; shortened so the api reads like the code. */
function responderText(object: Node, ctx: WalkContext): string {
  return ctx.text(object, 40);
}

/** The caught errors in scope at `at`: enclosing catch parameters and an error handler's first parameter. */
function caughtNames(at: Node, ctx: WalkContext): Set<string> {
  const names = new Set(scopesOf(ctx).catches.filter((s) => holds(s, at)).map((s) => s.name!));
  const fn = ctx.currentFunction();
  // Express calls a four-parameter middleware with the error first.
  if (fn && fn.params.length === 4 && /^e(rr(or)?)?$/i.test(fn.params[0] ?? "")) names.add(fn.params[0]);
  return names;
}

function exposureOf(arg: Node, at: Node, ctx: WalkContext): Exposure | undefined {
  const value = unwrap(arg);
  const caught = caughtNames(at, ctx);
  if (!caught.size || !value) return undefined;
  const isCaught = (n: Node) => unwrap(n)?.type === "Identifier" && caught.has(unwrap(n).name);
  if (isCaught(value)) return "error object";
  if (value.type === "MemberExpression" && !value.computed && isCaught(value.object)) {
    if (value.property.name === "stack") return "stack";
    if (value.property.name === "message") return "message";
    return undefined;
  }
  if (value.type === "ObjectExpression") {
    const found = value.properties.flatMap((p: Node) => (p.type === "Property" ? [exposureOf(p.value, at, ctx)] : p.type === "SpreadElement" && isCaught(p.argument) ? ["error object" as const] : []));
    return (["stack", "error object", "message"] as const).find((e) => found.includes(e));
  }
  return undefined;
}

function emit(ctx: WalkContext, node: Node, api: string, exposes: Exposure): void {
  const fn = ctx.currentFunction();
  ctx.emit(ERROR_RESPONSES, { loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), api, exposes } satisfies ErrorResponseFact);
}

// ---- link side ------------------------------------------------------------------------------

/** One `error-details` sink per recorded response, in file order. */
export function buildErrorSinks(index: ProjectIndex): SecuritySink[] {
  const sinks: SecuritySink[] = [];
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[ERROR_RESPONSES] ?? []) as ErrorResponseFact[]) {
      sinks.push({
        id: locKey(fact.loc), kind: "error-details", location: fact.loc, ...(fact.fn ? { functionId: fact.fn } : {}),
        api: fact.api, flows: [], interpolation: "unknown", exposes: fact.exposes,
      });
    }
  }
  return sinks;
}
