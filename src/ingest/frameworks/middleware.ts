// What a middleware (or hook, or guard) is: recognised from the library it comes from, or —
// for the project's own functions — from what its body does. Shared by every framework.
import type { MiddlewareKind, SourceLocation } from "../../model/types.ts";
import type { AuthSignals } from "../js/facts.ts";
import { describe, own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { pathText } from "./paths.ts";

export interface Classified {
  kind: MiddlewareKind;
  name: string;
  library?: string;
  /** "passport:jwt", "express-jwt", "jwt.verify", "@fastify/jwt", "session", "custom" */
  mechanism?: string;
  definedAt?: SourceLocation;
  /** Where the decisive evidence is (the reject or verify line, the library call). */
  evidence?: SourceLocation;
  /** Route paths this auth middleware exempts (express-jwt `.unless({ path })`), framework syntax. */
  exempt?: string[];
  /** Regular expressions (source text `/…/flags`) of the paths it exempts (`.unless({ path: [/^\/public/] })`). */
  exemptPatterns?: string[];
  /** An unresolved function whose name suggests auth: the endpoint's auth becomes "unknown". */
  authLike?: boolean;
  /** The project function, when it is one (a handler candidate). */
  fnId?: string;
  /** An auth guard no request can pass (a JWT key drawn at random when the process starts). */
  deniesAll?: true;
}

type LibraryRule = {
  kind: MiddlewareKind;
  mechanism?: string;
  optionalWhen?: (options: Sym | undefined) => boolean;
  deniesAllWhen?: (options: Sym | undefined) => boolean;
};

/** Package → exported path → kind. "*" matches any path in the package. */
const LIBRARIES: Record<string, Record<string, LibraryRule>> = {
  "express-jwt": { "*": { kind: "auth", mechanism: "express-jwt", optionalWhen: (o) => optionIs(o, "credentialsRequired", false), deniesAllWhen: (o) => randomOption(o, "secret") } },
  "express-oauth2-jwt-bearer": { "*": { kind: "auth", mechanism: "oauth2-jwt-bearer" } },
  "express-openid-connect": { requiresAuth: { kind: "auth", mechanism: "openid-connect" }, auth: { kind: "auth", mechanism: "openid-connect", optionalWhen: (o) => optionIs(o, "authRequired", false) } },
  "connect-ensure-login": { "*": { kind: "auth", mechanism: "session" } },
  passport: { authenticate: { kind: "auth", mechanism: "passport" }, initialize: { kind: "session" }, session: { kind: "session" } },
  helmet: { "*": { kind: "security-headers" } },
  cors: { "*": { kind: "cors" } },
  morgan: { "*": { kind: "logging" } },
  "pino-http": { "*": { kind: "logging" } },
  "express-pino-logger": { "*": { kind: "logging" } },
  "express-winston": { logger: { kind: "logging" }, errorLogger: { kind: "error-handler" } },
  "express-rate-limit": { "*": { kind: "rate-limit" } },
  "express-slow-down": { "*": { kind: "rate-limit" } },
  "rate-limiter-flexible": { "*": { kind: "rate-limit" } },
  "express-brute": { "*": { kind: "rate-limit" } },
  "body-parser": { "*": { kind: "body-parser" } },
  "express-session": { "*": { kind: "session" } },
  "cookie-session": { "*": { kind: "session" } },
  "cookie-parser": { "*": { kind: "body-parser" } },
  "serve-static": { "*": { kind: "static" } },
  celebrate: { celebrate: { kind: "validation" }, errors: { kind: "error-handler" } },
  "express-validator": { "*": { kind: "validation" } },
  "express-joi-validation": { "*": { kind: "validation" } },
  "express-openapi-validator": { "*": { kind: "validation" } },
  compression: { "*": { kind: "other" } },
  "koa-jwt": { "*": { kind: "auth", mechanism: "koa-jwt", optionalWhen: (o) => optionIs(o, "passthrough", true) } },
  "koa-passport": { authenticate: { kind: "auth", mechanism: "passport" }, initialize: { kind: "session" }, session: { kind: "session" } },
  "koa-bodyparser": { "*": { kind: "body-parser" } },
  "@koa/bodyparser": { "*": { kind: "body-parser" } },
  "koa-body": { "*": { kind: "body-parser" } },
  "koa-helmet": { "*": { kind: "security-headers" } },
  "@koa/cors": { "*": { kind: "cors" } },
  kcors: { "*": { kind: "cors" } },
  "koa-logger": { "*": { kind: "logging" } },
  "koa-pino-logger": { "*": { kind: "logging" } },
  "koa-ratelimit": { "*": { kind: "rate-limit" } },
  "koa-session": { "*": { kind: "session" } },
  "koa-static": { "*": { kind: "static" } },
  "@nestjs/passport": { AuthGuard: { kind: "auth", mechanism: "passport" } },
  "@nestjs/throttler": { ThrottlerGuard: { kind: "rate-limit" } },
  "@nestjs/common": Object.fromEntries(
    ["ValidationPipe", "ParseIntPipe", "ParseFloatPipe", "ParseBoolPipe", "ParseUUIDPipe", "ParseEnumPipe", "ParseArrayPipe"].map((pipe) => [pipe, { kind: "validation" as const }]),
  ),
  hono: {
    jwt: { kind: "auth", mechanism: "hono/jwt" },
    jwk: { kind: "auth", mechanism: "hono/jwk" },
    bearerAuth: { kind: "auth", mechanism: "hono/bearer-auth" },
    basicAuth: { kind: "auth", mechanism: "hono/basic-auth" },
    logger: { kind: "logging" },
    cors: { kind: "cors" },
    secureHeaders: { kind: "security-headers" },
    validator: { kind: "validation" },
  },
  "@hono/zod-validator": { "*": { kind: "validation" } },
  "@hono/valibot-validator": { "*": { kind: "validation" } },
  "@hono/typebox-validator": { "*": { kind: "validation" } },
  "@hono/standard-validator": { "*": { kind: "validation" } },
  "@hono/arktype-validator": { "*": { kind: "validation" } },
  "@hono/auth-js": { verifyAuth: { kind: "auth", mechanism: "auth.js" } },
  "hono-rate-limiter": { "*": { kind: "rate-limit" } },
};

/** Packages whose `authenticate(strategy)` / `AuthGuard(strategy)` names a passport strategy. */
const PASSPORT_PACKAGES = new Set(["passport", "koa-passport", "@nestjs/passport"]);
const CREDENTIAL_LOGIN_STRATEGIES = new Set(["local", "ldapauth", "local-login", "local-signup", "signup", "login"]);
const EXPRESS_BUILTINS: Record<string, MiddlewareKind> = { json: "body-parser", urlencoded: "body-parser", raw: "body-parser", text: "body-parser", static: "static" };
const AUTH_LIKE_NAME = /auth|guard|protect|secure|login|jwt|token|session|verify|permission|role|admin|acl|access/i;

export function classifyMiddleware(sym: Sym, index: ProjectIndex): Classified {
  const name = describe(sym);
  const resolved = index.resolve(sym);
  return classifyResolved(resolved, name, index, 0);
}

function classifyResolved(resolved: Sym, name: string, index: ProjectIndex, depth: number): Classified {
  if (depth > 6) return { kind: "other", name };
  if (resolved.k === "fn") return classifyFunction(resolved.id, name, index);
  if (resolved.k === "alt") {
    const options = resolved.options.map((o) => classifyResolved(o, name, index, depth + 1));
    return options.find((o) => o.kind === "auth") ?? options[0];
  }
  if (resolved.k === "arr") {
    const items = resolved.items.map((i) => classifyResolved(index.resolve(i), name, index, depth + 1));
    return items.find((o) => o.kind === "auth") ?? items[0] ?? { kind: "other", name };
  }
  if (resolved.k === "class") return classifyClass(resolved.id, index, depth);
  if (resolved.k === "new") {
    const callee = index.resolve(resolved.callee);
    if (callee.k === "class") return classifyClass(callee.id, index, depth);
    if (callee.k === "ext") return classifyLibrary(callee, optionsOf(resolved, index), name, resolved.loc);
  }
  if (resolved.k === "call") {
    const callee = resolved.callee;
    // jwtMiddleware.unless({ path: [...] }) keeps the kind of what it wraps, minus the exempt paths.
    if (callee.k === "member" && callee.prop === "unless") {
      const inner = classifyResolved(index.resolve(callee.obj), name, index, depth + 1);
      return { ...inner, exempt: exemptPaths(resolved.args[0]), exemptPatterns: exemptPatterns(resolved.args[0]) };
    }
    if (callee.k === "ext") return classifyLibrary(callee, optionsOf(resolved, index), name, resolved.loc);
    // A factory of the project whose return value could not be followed: judge its own body.
    const target = index.resolve(callee);
    if (target.k === "fn") return classifyFunction(target.id, name, index);
  }
  if (resolved.k === "ext") return classifyLibrary(resolved, undefined, name, undefined);
  return { kind: "other", name, authLike: AUTH_LIKE_NAME.test(name) };
}

function classifyLibrary(ext: Extract<Sym, { k: "ext" }>, options: Sym | undefined, name: string, at: SourceLocation | undefined): Classified {
  const base = { name, library: ext.pkg, ...(at ? { evidence: at } : {}) };
  const builtin = ext.pkg === "express" && ext.path.length === 1 ? own(EXPRESS_BUILTINS, ext.path[0]) : undefined;
  if (builtin) return { ...base, kind: builtin };
  const table = own(LIBRARIES, ext.pkg);
  const rule = own(table, ext.path.join(".")) ?? own(table, "*");
  if (!rule) return { ...base, kind: "other", authLike: AUTH_LIKE_NAME.test(ext.pkg) || AUTH_LIKE_NAME.test(ext.path.join(".")) };
  if (rule.kind === "auth" && rule.optionalWhen?.(options)) return { ...base, kind: "optional-auth", mechanism: rule.mechanism };
  const strategy = PASSPORT_PACKAGES.has(ext.pkg) ? pathText(options) : undefined;
  // passport.authenticate('local') checks a username and password: it is the login, not a guard.
  if (rule.kind === "auth" && strategy && CREDENTIAL_LOGIN_STRATEGIES.has(strategy)) return { ...base, kind: "other", mechanism: `${rule.mechanism}:${strategy}` };
  const denies = rule.kind === "auth" && rule.deniesAllWhen?.(options) ? { deniesAll: true as const } : {};
  return { ...base, kind: rule.kind, ...(rule.mechanism ? { mechanism: strategy ? `${rule.mechanism}:${strategy}` : rule.mechanism } : {}), ...denies };
}

/** The first argument of a library call, which holds its options (`jwt({ passthrough: true })`). */
function optionsOf(call: Extract<Sym, { k: "call" | "new" }>, index: ProjectIndex): Sym | undefined {
  return call.args[0] && index.resolve(call.args[0]);
}

/**
 * A NestJS guard or middleware class. One built on a library guard (`extends AuthGuard('jwt')`)
 * is that library's; a `handleRequest` override that never rejects makes it optional (passport's
 * own handleRequest is what throws when no user was found). Otherwise its `canActivate` (guard),
 * `use` (middleware) or `transform` (pipe) body decides.
 */
function classifyClass(classId: string, index: ProjectIndex, depth: number): Classified {
  const cls = index.classes.get(classId);
  if (!cls) return { kind: "other", name: "class" };
  const base = libraryBase(classId, index);
  const inherited = base ? classifyResolved(base, cls.name, index, depth + 1) : undefined;
  if (inherited && inherited.kind !== "other") {
    const handle = index.methodOf(classId, "handleRequest");
    if (inherited.kind === "auth" && handle?.k === "fn" && !index.signalsOf(handle.id).rejects) {
      return { ...inherited, kind: "optional-auth", definedAt: cls.loc, evidence: index.functions.get(handle.id)?.loc ?? inherited.evidence };
    }
    return { ...inherited, definedAt: cls.loc };
  }
  const guard = index.methodOf(classId, "canActivate");
  if (guard?.k === "fn") {
    // A guard's canActivate receives an ExecutionContext, not the request: it is no request function.
    const { fnId: _, ...verdict } = classifyFunction(guard.id, cls.name, index);
    return { ...verdict, definedAt: cls.loc };
  }
  const middleware = index.methodOf(classId, "use");
  if (middleware?.k === "fn") return classifyFunction(middleware.id, cls.name, index);
  // A pipe (PipeTransform): its transform validates or it is just a conversion.
  const pipe = index.methodOf(classId, "transform");
  if (pipe?.k === "fn") {
    const { fnId: _, ...verdict } = classifyFunction(pipe.id, cls.name, index);
    return { ...verdict, definedAt: cls.loc };
  }
  return { kind: "other", name: cls.name, definedAt: cls.loc, authLike: inherited?.authLike ?? false };
}

/** The package value a class finally extends (`AuthGuard('jwt')`, `ThrottlerGuard`), through project superclasses. */
function libraryBase(classId: string, index: ProjectIndex, depth = 0): Sym | undefined {
  const superClass = index.classes.get(classId)?.superClass;
  if (!superClass || depth > 8) return undefined;
  const resolved = index.resolve(superClass);
  if (resolved.k === "class") return libraryBase(resolved.id, index, depth + 1);
  if (resolved.k === "ext" || (resolved.k === "call" && resolved.callee.k === "ext")) return resolved;
  return undefined;
}

/** A project function: a guard when it reads or verifies a credential and rejects the request. */
export function classifyFunction(fnId: string, name: string, index: ProjectIndex): Classified {
  const fn = index.functions.get(fnId);
  if (!fn) return { kind: "other", name };
  const label = name === "function" ? fn.name : name;
  const base = { name: label, definedAt: fn.loc, fnId };
  const signals = index.signalsOf(fnId);
  const auth = authVerdict(signals);
  if (auth) return { ...base, ...auth };
  if (signals.validates) return { ...base, kind: "validation", evidence: signals.validates };
  // Its body shows no guard bka recognises; a name like `authenticate` makes that a question
  // (the endpoint's auth becomes "unknown"), never an answer either way.
  return { ...base, kind: "other", authLike: AUTH_LIKE_NAME.test(label) || AUTH_LIKE_NAME.test(fn.name) };
}

function authVerdict(s: AuthSignals): Pick<Classified, "kind" | "mechanism" | "evidence"> | undefined {
  const mechanism = s.verifies?.how ?? (s.readsCredential ? "custom" : undefined);
  // A verify that is not caught rejects by throwing; a caught one rejects only if the catch passes the error on.
  if (s.verifies && (!s.verifies.inTry || s.rethrows)) return { kind: "auth", mechanism, evidence: s.rejects ?? s.verifies };
  if (s.rejects && (s.readsCredential || s.verifies)) {
    const read = s.readsCredential ?? s.verifies!;
    if (read.line <= s.rejects.line) return { kind: "auth", mechanism, evidence: s.rejects };
  }
  if (s.rejects && s.checksRole) return { kind: "auth", mechanism: "role-check", evidence: s.rejects };
  if (s.refusesUnknownCaller) return { kind: "auth", mechanism: "custom", evidence: s.refusesUnknownCaller };
  // Verifies a credential but never turns a request away: it identifies, it does not guard.
  if (s.verifies) return { kind: "optional-auth", mechanism, evidence: s.verifies };
  return undefined;
}

/** Inline auth in a handler: it must verify, look the caller up and refuse, or check the identity before it rejects. */
export function handlerGuards(s: AuthSignals | undefined): boolean {
  if (!s) return false;
  if (s.verifies && (!s.verifies.inTry || s.rethrows)) return true;
  if (s.refusesUnknownCaller) return true;
  return Boolean(s.rejects && s.readsCredential && s.readsCredential.line <= s.rejects.line && s.rejects.status === 401);
}

/**
 * An option whose value is drawn from Math.random() where it is written (`secret: "" + Math.random()`):
 * no token signed elsewhere can match it, so the guard rejects every request (a deliberate deny-all).
 */
function randomOption(options: Sym | undefined, key: string): boolean {
  const option = options?.k === "obj" ? own(options.props, key) : undefined;
  return option !== undefined && drawsMathRandom(option, 0);
}

function drawsMathRandom(sym: Sym, depth: number): boolean {
  if (depth > 4) return false;
  if (sym.k === "call") return (sym.callee.k === "ext" && sym.callee.pkg === "global" && sym.callee.path.join(".") === "Math.random") || (sym.callee.k === "member" && drawsMathRandom(sym.callee.obj, depth + 1));
  if (sym.k === "concat") return sym.parts.some((p) => drawsMathRandom(p, depth + 1));
  return false;
}

function optionIs(options: Sym | undefined, key: string, value: unknown): boolean {
  const option = options?.k === "obj" ? own(options.props, key) : undefined;
  return option?.k === "lit" && option.value === value;
}

/** Regular-expression entries of `unless({ path })`, kept as their source text. */
function exemptPatterns(options: Sym | undefined): string[] | undefined {
  const path = options?.k === "obj" ? own(options.props, "path") : undefined;
  const items = path?.k === "arr" ? path.items : path ? [path] : [];
  const patterns = items.flatMap((i) => (i.k === "unknown" && /^\/.+\/[dgimsuy]*$/.test(i.text) ? [i.text] : []));
  return patterns.length ? patterns : undefined;
}

function exemptPaths(options: Sym | undefined): string[] {
  if (options?.k !== "obj") return [];
  const path = options.props.path;
  const items = path?.k === "arr" ? path.items : path ? [path] : [];
  return items.flatMap((i) => {
    if (i.k === "obj") {
      const url = pathText(i.props.url);
      return url ? [url] : [];
    }
    const text = pathText(i);
    return text ? [text] : [];
  });
}
