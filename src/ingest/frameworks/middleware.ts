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
  /** An unresolved function whose name suggests auth: the endpoint's auth becomes "unknown". */
  authLike?: boolean;
  /** The project function, when it is one (a handler candidate). */
  fnId?: string;
}

type LibraryRule = { kind: MiddlewareKind; mechanism?: string; optionalWhen?: (options: Sym | undefined) => boolean };

/** Package → exported path → kind. "*" matches any path in the package. */
const LIBRARIES: Record<string, Record<string, LibraryRule>> = {
  "express-jwt": { "*": { kind: "auth", mechanism: "express-jwt", optionalWhen: (o) => optionIs(o, "credentialsRequired", false) } },
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
};

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
  if (resolved.k === "call") {
    const callee = resolved.callee;
    // jwtMiddleware.unless({ path: [...] }) keeps the kind of what it wraps, minus the exempt paths.
    if (callee.k === "member" && callee.prop === "unless") {
      const inner = classifyResolved(index.resolve(callee.obj), name, index, depth + 1);
      return { ...inner, exempt: exemptPaths(resolved.args[0]) };
    }
    if (callee.k === "ext") return classifyLibrary(callee, resolved.args[0], name, resolved.loc);
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
  const strategy = ext.pkg === "passport" ? pathText(options) : undefined;
  // passport.authenticate('local') checks a username and password: it is the login, not a guard.
  if (rule.kind === "auth" && strategy && CREDENTIAL_LOGIN_STRATEGIES.has(strategy)) return { ...base, kind: "other", mechanism: `${rule.mechanism}:${strategy}` };
  return { ...base, kind: rule.kind, ...(rule.mechanism ? { mechanism: strategy ? `${rule.mechanism}:${strategy}` : rule.mechanism } : {}) };
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
  return { ...base, kind: "other", authLike: false };
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
  if (s.verifies || s.readsCredential) {
    // Reads a credential but never turns a request away: it identifies, it does not guard.
    if (s.verifies) return { kind: "optional-auth", mechanism, evidence: s.verifies };
  }
  return undefined;
}

/** Inline auth in a handler: it must verify, or check the identity before it rejects. */
export function handlerGuards(s: AuthSignals | undefined): boolean {
  if (!s) return false;
  if (s.verifies && (!s.verifies.inTry || s.rethrows)) return true;
  return Boolean(s.rejects && s.readsCredential && s.readsCredential.line <= s.rejects.line && s.rejects.status === 401);
}

function optionIs(options: Sym | undefined, key: string, value: unknown): boolean {
  const option = options?.k === "obj" ? own(options.props, key) : undefined;
  return option?.k === "lit" && option.value === value;
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
