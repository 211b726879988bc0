// Recognises a request guard by what its body does — reads a credential, verifies it, rejects
// with 401/403 — never by its name alone. Signals are attached to every enclosing function,
// because the rejection often sits in a nested callback (`jwt.verify(t, k, (err) => …403)`).
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { memberPath, unwrap } from "../js/analyzer.ts";
import type { AuthSignals } from "../js/facts.ts";
import { own, type Sym } from "../js/sym.ts";

const REQUEST_IDENTITY_PROPS = new Set(["user", "session", "auth", "isAuthenticated", "jwtPayload", "api_key", "apiKey", "member"]);
const CREDENTIAL_HEADERS = /^(authorization|x-access-token|x-auth-token|x-api-key|cookie)$/i;
const ROLE_PROPS = new Set(["role", "roles", "isAdmin", "admin", "permissions", "scopes", "scope", "isStaff", "isSuperuser"]);
const AUTH_ERRORS = /^(Unauthori[sz]ed|Unauthenticated|Forbidden|Authentication|Authori[sz]ation|NotAuthenticated|NoPermission|NotAllowed|InvalidToken|AccessDenied|PermissionDenied)\w*(Error|Exception)$/;
const VALIDATING_METHODS = new Set(["parse", "safeParse", "parseAsync", "safeParseAsync", "validate", "validateAsync", "validateSync", "validationResult", "checkSchema", "Check", "Decode", "readValidatedBody", "getValidatedQuery", "getValidatedRouterParams"]);
const REJECT_METHODS: Record<string, number> = { unauthorized: 401, forbidden: 403 };
/** Calls whose first argument is the status (`res.status(401)`) or an error options object. */
const STATUS_FIRST = new Set(["status", "sendStatus", "code", "throw", "createError", "httpError", "HttpError", "assert", "send", "writeHead"]);
const OPTIONS_FIRST = new Set(["createError", "httpError", "HttpError"]);
/** Calls whose second argument is the status: Koa `ctx.assert(user, 401)`, Hono `c.json(body, 401)`, `Response.json(body, { status: 401 })`, h3 `setResponseStatus(event, 401)`. */
const STATUS_SECOND = new Set(["assert", "json", "text", "body", "html", "newResponse", "setResponseStatus"]);
/** h3 reads request parts through helpers that take the event first: `getHeader(event, 'authorization')`. */
const HEADER_HELPERS = new Set(["getHeader", "getRequestHeader"]);
const CREDENTIAL_COOKIE = /token|jwt|session|auth/i;
/** Hono context variables the auth middleware sets: `c.get('jwtPayload')`. */
const CONTEXT_IDENTITY_KEYS = new Set(["jwtPayload", "user", "session", "auth"]);

export const authSignals: Extractor = {
  name: "auth-signals",
  visit: {
    MemberExpression(node, ctx) {
      const prop = memberName(node);
      if (prop === undefined) return;
      // Most member reads (`user.name`, `res.json`) cannot be a credential by their name alone:
      // only those that can are worth reading their object's value.
      if (mayNameCredential(prop) && isCredentialRead(ctx.symOf(node.object), prop)) mark(ctx, "readsCredential", ctx.loc(node));
      if (ROLE_PROPS.has(prop)) mark(ctx, "checksRole", ctx.loc(node));
    },
    CallExpression(node, ctx) {
      const callee = unwrap(node.callee);
      const args: Node[] = node.arguments;
      if (callee.type !== "MemberExpression" && callee.type !== "Identifier") return;
      const name: string | undefined = callee.type === "Identifier" ? callee.name : callee.computed ? undefined : callee.property.name;
      if (!name) return;
      const firstArg = args[0] ? unwrap(args[0]) : undefined;
      // req.get('authorization'), req.header('Authorization'), request.headers.get(...)
      if ((name === "get" || name === "header") && firstArg?.type === "Literal" && typeof firstArg.value === "string" && CREDENTIAL_HEADERS.test(firstArg.value)) {
        mark(ctx, "readsCredential", ctx.loc(node));
      }
      if (readsCredentialThroughHelper(name, callee, args, ctx)) mark(ctx, "readsCredential", ctx.loc(node));
      const verifier = verifierName(ctx.symOf(node.callee), name);
      if (verifier) {
        // `jwt.verify(token, key, (err, decoded) => …)` hands a failure to its callback instead of
        // throwing: like a caught verify, it rejects only where the callback does.
        const handsErrorToCallback = args.length >= 3 && /Function/.test(unwrap(args[args.length - 1])?.type ?? "");
        mark(ctx, "verifies", { ...ctx.loc(node), inTry: ctx.inTry() || handsErrorToCallback, how: verifier });
        mark(ctx, "readsCredential", ctx.loc(node));
      }
      const status = rejectStatus(name, args, ctx);
      if (status) mark(ctx, "rejects", { ...ctx.loc(node), status });
      if (VALIDATING_METHODS.has(name)) {
        const calleeSym = ctx.symOf(node.callee);
        const isJson = calleeSym.k === "ext" && calleeSym.pkg === "global";
        if (!isJson) mark(ctx, "validates", { ...ctx.loc(node), how: name });
      }
    },
    CatchClause(node, ctx) {
      const param: string | undefined = node.param?.type === "Identifier" ? node.param.name : undefined;
      const body = ctx.text(node.body, 4000);
      const passesOn = /\bthrow\b/.test(body) || (param !== undefined && new RegExp(`\\b(send|next|done|reject)\\(\\s*${param}\\b`).test(body));
      if (passesOn) mark(ctx, "rethrows", ctx.loc(node));
    },
    NewExpression(node, ctx) {
      const callee = unwrap(node.callee);
      const name: string | undefined = callee.type === "Identifier" ? callee.name : callee.type === "MemberExpression" && !callee.computed ? callee.property.name : undefined;
      if (!name) return;
      if (AUTH_ERRORS.test(name)) mark(ctx, "rejects", { ...ctx.loc(node), status: /Forbidden|Authori[sz]ation|AccessDenied|Permission|NotAllowed/.test(name) ? 403 : 401 });
      const status = statusArg(node.arguments, ctx);
      if (status && /Error|Exception/.test(name)) mark(ctx, "rejects", { ...ctx.loc(node), status });
      // new Response('Unauthorized', { status: 401 }), new NextResponse(null, { status: 401 })
      const responseStatus = /^(Response|NextResponse)$/.test(name) && node.arguments[1] ? statusOf(ctx.symOf(node.arguments[1])) : undefined;
      if (responseStatus) mark(ctx, "rejects", { ...ctx.loc(node), status: responseStatus });
    },
    IfStatement(node, ctx) {
      const refusal = refusalOf(node);
      if (refusal && isLookupByCredential(ctx.symOf(refusal.identity)) && passesErrorOn(refusal.branch, ctx)) mark(ctx, "refusesUnknownCaller", ctx.loc(node));
    },
    AssignmentExpression(node, ctx) {
      const path = memberPath(node.left);
      if (path && (path[path.length - 1] === "statusCode" || path[path.length - 1] === "status")) {
        const v = ctx.symOf(node.right);
        if (v.k === "lit" && (v.value === 401 || v.value === 403)) mark(ctx, "rejects", { ...ctx.loc(node), status: v.value });
      }
    },
  },
};

/**
 * `if (!user) { next(err); return }` or `if (user) { … } else { next(err) }`: the test and the
 * branch taken when the value is missing.
 */
function refusalOf(node: Node): { identity: Node; branch: Node } | undefined {
  const test = unwrap(node.test);
  if (test?.type === "UnaryExpression" && test.operator === "!" && isValueRead(unwrap(test.argument))) return { identity: test.argument, branch: node.consequent };
  if (isValueRead(test) && node.alternate) return { identity: test, branch: node.alternate };
  return undefined;
}

function isValueRead(node: Node | undefined): boolean {
  return node?.type === "Identifier" || node?.type === "MemberExpression";
}

/**
 * The caller looked up by their credential: `sessions.get(req.cookies.token)`,
 * `await findUserByToken(req.headers.authorization)`. The bare credential is not enough: a token
 * that is only present proves nothing.
 */
function isLookupByCredential(identity: Sym): boolean {
  const call = identity.k === "member" ? identity.obj : identity;
  if (call.k !== "call") return false;
  return call.args.some((arg) => arg.k === "member" && isCredentialRead(arg.obj, arg.prop));
}

/** The branch hands an error on (`next(new Error(…))`, `throw`) or answers with an error status. */
const PASSES_ERROR_ON = /\b(next|done|reject)\(\s*(new\s+\w+|\w*[eE]rr)|\bthrow\b|\.(status|sendStatus|code)\(\s*[45]\d\d\b/;

function passesErrorOn(branch: Node, ctx: WalkContext): boolean {
  return PASSES_ERROR_ON.test(ctx.text(branch, 400));
}

function mark<K extends keyof AuthSignals>(ctx: WalkContext, key: K, value: NonNullable<AuthSignals[K]>): void {
  for (const fn of ctx.enclosingFunctions()) fn.signals[key] ??= value;
}

function memberName(node: Node): string | undefined {
  if (!node.computed) return node.property.name;
  return node.property.type === "Literal" && typeof node.property.value === "string" ? node.property.value : undefined;
}

/** The property names isCredentialRead can accept, whatever the object. */
function mayNameCredential(prop: string): boolean {
  return REQUEST_IDENTITY_PROPS.has(prop) || CREDENTIAL_HEADERS.test(prop) || CREDENTIAL_COOKIE.test(prop);
}

/**
 * A credential read straight off the request: `req.user`, `req.session`, `req.headers.authorization`,
 * `req.cookies.token`, Koa's `ctx.state.user`. Deeper paths (`req.body.user`) are payload, not identity.
 */
function isCredentialRead(object: Sym, prop: string): boolean {
  if (isRequestValue(object)) return REQUEST_IDENTITY_PROPS.has(prop);
  if (object.k !== "member" || !isRequestValue(object.obj)) return false;
  if (object.prop === "headers") return CREDENTIAL_HEADERS.test(prop);
  if (object.prop === "cookies" || object.prop === "signedCookies") return CREDENTIAL_COOKIE.test(prop);
  if (object.prop === "state") return prop === "user";
  // Hono's `c.var.user`, h3's `event.context.user`
  if (object.prop === "var" || object.prop === "context") return REQUEST_IDENTITY_PROPS.has(prop);
  return false;
}

/** The request: a parameter, Koa's `ctx.request`, or NestJS's `context.switchToHttp().getRequest()`. */
function isRequestValue(sym: Sym): boolean {
  if (sym.k === "param") return true;
  if (sym.k === "member") return sym.prop === "request" && sym.obj.k === "param";
  return sym.k === "call" && sym.callee.k === "member" && sym.callee.prop === "getRequest";
}

/** h3 `getHeader(event, 'authorization')` / `getCookie(event, 'token')`; Hono `c.get('jwtPayload')`. */
function readsCredentialThroughHelper(name: string, callee: Node, args: Node[], ctx: WalkContext): boolean {
  if (callee.type === "Identifier") {
    const key = literalArg(args, 1, ctx);
    if (key === undefined) return false;
    return (HEADER_HELPERS.has(name) && CREDENTIAL_HEADERS.test(key)) || (name === "getCookie" && CREDENTIAL_COOKIE.test(key));
  }
  if (name !== "get") return false;
  const receiver = ctx.symOf(callee.object);
  const key = literalArg(args, 0, ctx);
  return receiver.k === "param" && receiver.path.length === 0 && key !== undefined && CONTEXT_IDENTITY_KEYS.has(key);
}

// A module function, not a closure: this runs for every call in every file.
function literalArg(args: Node[], i: number, ctx: WalkContext): string | undefined {
  const v = args[i] ? ctx.symOf(args[i]) : undefined;
  return v?.k === "lit" && typeof v.value === "string" ? v.value : undefined;
}

// Every package verifierName knows starts with one of these: other packages skip the path join and tests.
const VERIFIER_PACKAGES = /^(jsonwebtoken|jose|passport|firebase-admin|@clerk\/|@auth0\/|hono)/;

function verifierName(callee: Sym, name: string): string | undefined {
  if (callee.k === "ext" && VERIFIER_PACKAGES.test(callee.pkg)) {
    const full = [callee.pkg, ...callee.path].join(".");
    if (/^jsonwebtoken(\.default)?\.verify$/.test(full)) return "jwt.verify";
    if (/^jose\.(jwtVerify|compactVerify)$/.test(full)) return "jose.jwtVerify";
    if (/^passport\.authenticate$/.test(full)) return "passport.authenticate";
    if (/^(firebase-admin|@clerk\/.*|@auth0\/.*)\./.test(full) && /verify/i.test(name)) return full;
    if (/^hono\.(Jwt\.)?verify$/.test(full)) return "hono/jwt.verify";
  }
  // nuxt-auth-utils throws 401 without a session; Nuxt and Nitro auto-import it.
  if (name === "requireUserSession" && (callee.k === "unknown" || callee.k === "ext")) return "nuxt-auth-utils";
  if (callee.k === "member" && callee.prop === "jwtVerify") return "request.jwtVerify";
  if (callee.k === "member" && callee.prop === "verifyIdToken") return "verifyIdToken";
  // @nestjs/jwt: `this.jwtService.verifyAsync(token)`
  if (callee.k === "member" && callee.prop === "verifyAsync") return "jwtService.verifyAsync";
  if (callee.k === "member" && callee.prop === "isAuthenticated") return "req.isAuthenticated";
  return undefined;
}

function rejectStatus(name: string, args: Node[], ctx: WalkContext): number | undefined {
  const named = own(REJECT_METHODS, name);
  if (named) return named;
  if (STATUS_FIRST.has(name) && args[0]) {
    const v = ctx.symOf(args[0]);
    if (v.k === "lit") return statusOf(v);
    // h3 `createError({ statusCode: 401 })`, http-errors `createError({ status: 403 })`
    if (OPTIONS_FIRST.has(name)) return statusOf(v);
  }
  if (STATUS_SECOND.has(name) && args[1]) return statusOf(ctx.symOf(args[1]));
  return undefined;
}

/** 401 or 403 given as a literal or as `{ status }` / `{ statusCode }`. */
function statusOf(v: Sym): number | undefined {
  const value = v.k === "obj" ? (own(v.props, "statusCode") ?? own(v.props, "status")) : v;
  return value?.k === "lit" && (value.value === 401 || value.value === 403) ? value.value : undefined;
}

function statusArg(args: Node[], ctx: WalkContext): number | undefined {
  for (const a of args) {
    const v = ctx.symOf(a);
    if (v.k === "lit" && (v.value === 401 || v.value === 403)) return v.value;
  }
  return undefined;
}
