// What an app configures for security and observability, recognised by the package it calls:
// helmet, cors, rate limiters, password hashing, sessions, JWT options, CSRF, body limits,
// passport strategies; request logging, loggers, metrics, tracing, health checks, graceful
// shutdown. Callees are resolved through the project index, so a factory imported under another
// name (`const log = require("morgan")`) or re-exported from another file still counts.
import type { ObservabilityControl, ObservabilityControlKind, SecurityControl, SecurityControlKind } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { argSyms, byLocation, extPath, extRoot, literalNumber, literalOptions, literalString, locKey, objectArg, packageName, type ExtSym } from "./values.ts";
import type { SourceLocation } from "../../model/types.ts";
import { compareText } from "../../model/order.ts";

export const CONTROL_CANDIDATES = "code.controlCandidates";

export interface ControlCandidateFact {
  loc: SourceLocation;
  callee: Sym;
  args: Sym[];
  isNew?: boolean;
  /** Recognised by the extractor itself (a weak hash of a password, NestJS app methods). */
  fixed?: Match;
}

type Match =
  | { area: "security"; kind: SecurityControlKind; library: string; options: Record<string, unknown> }
  | { area: "observability"; kind: ObservabilityControlKind; library: string };

type Classifier = (call: { path: string[]; args: Sym[]; isNew: boolean; library: string }, index: ProjectIndex) => Match[];

const sec = (kind: SecurityControlKind, library: string, options: Record<string, unknown> = {}): Match => ({ area: "security", kind, library, options });
const obs = (kind: ObservabilityControlKind, library: string): Match => ({ area: "observability", kind, library });

/** A package whose every call configures one control, with the first argument's literal options. */
const configures = (kind: SecurityControlKind): Classifier => ({ args, library }, index) => [sec(kind, library, literalOptions(index, args[0]))];
const observes = (...kinds: ObservabilityControlKind[]): Classifier => ({ library }) => kinds.map((k) => obs(k, library));
const when = (test: (path: string[], isNew: boolean) => boolean, then: Classifier): Classifier => (call, index) => (test(call.path, call.isNew) ? then(call, index) : []);
const named = (...names: string[]) => (path: string[]) => path.length === 0 || names.includes(path[0]);

const BODY_PARSERS = ["json", "urlencoded", "raw", "text"];

const CLASSIFIERS: Record<string, Classifier> = {
  helmet: configures("security-headers"),
  "@fastify/helmet": configures("security-headers"),
  "koa-helmet": configures("security-headers"),
  cors: configures("cors"),
  "@fastify/cors": configures("cors"),
  "@koa/cors": configures("cors"),
  "express-rate-limit": configures("rate-limit"),
  "express-slow-down": configures("rate-limit"),
  "@fastify/rate-limit": configures("rate-limit"),
  "rate-limiter-flexible": when((p, isNew) => isNew && /^RateLimiter/.test(p[0] ?? ""), configures("rate-limit")),
  "express-brute": configures("rate-limit"),
  "koa-ratelimit": configures("rate-limit"),
  "hono-rate-limiter": configures("rate-limit"),
  "@nestjs/throttler": when((p) => p[0] === "ThrottlerModule", configures("rate-limit")),
  bcrypt: (call, index) => bcryptHashing(call, index),
  bcryptjs: (call, index) => bcryptHashing(call, index),
  "@node-rs/bcrypt": (call, index) => bcryptHashing(call, index),
  argon2: when(named("hash", "verify"), ({ args, library }, index) => [sec("password-hashing", library, { algorithm: "argon2", ...literalOptions(index, args[1]) })]),
  "@node-rs/argon2": when(named("hash", "verify", "hashSync", "verifySync"), ({ args, library }, index) => [sec("password-hashing", library, { algorithm: "argon2", ...literalOptions(index, args[1]) })]),
  crypto: (call, index) => cryptoHashing(call, index),
  "express-session": configures("session"),
  "cookie-session": configures("session"),
  "@fastify/session": configures("session"),
  "@fastify/secure-session": configures("session"),
  "@fastify/cookie": configures("session"),
  "koa-session": configures("session"),
  "iron-session": configures("session"),
  jsonwebtoken: when((p) => p[0] === "sign" || p[0] === "verify", (call, index) => [jwtOptions(call, index)]),
  "express-jwt": configures("jwt"),
  "@fastify/jwt": configures("jwt"),
  "@nestjs/jwt": when((p) => p[0] === "JwtModule", configures("jwt")),
  csurf: configures("csrf"),
  "csrf-csrf": configures("csrf"),
  "@fastify/csrf-protection": configures("csrf"),
  "tiny-csrf": configures("csrf"),
  lusca: when((p) => p[0] === "csrf", configures("csrf")),
  express: when((p) => BODY_PARSERS.includes(p[0]) && p.length === 1, configures("body-limit")),
  "body-parser": when((p) => p.length === 0 || BODY_PARSERS.includes(p[0]), configures("body-limit")),
  // Upload and Koa body parsers: their size limits (multer and express-fileupload have none by default).
  multer: when((p) => p.length === 0, configures("body-limit")),
  "express-fileupload": when((p) => p.length === 0, configures("body-limit")),
  "koa-bodyparser": when((p) => p.length === 0, configures("body-limit")),
  "@koa/bodyparser": when((p) => p.length === 0 || p[0] === "bodyParser", configures("body-limit")),
  "koa-body": when((p) => p.length === 0 || p[0] === "koaBody", configures("body-limit")),
  fastify: (call, index) => fastifyOptions(call, index),
  hono: (call, index) => honoMiddleware(call, index),
  morgan: observes("request-logging"),
  "pino-http": observes("request-logging"),
  "express-pino-logger": observes("request-logging"),
  "koa-logger": observes("request-logging"),
  "@fastify/request-logging": observes("request-logging"),
  "express-winston": (call) => (call.path[0] === "errorLogger" ? [obs("error-handler", call.library)] : [obs("request-logging", call.library)]),
  pino: when((p) => p.length === 0, observes("logger")),
  winston: when((p) => p[0] === "createLogger" || (p[0] === "Logger" && p.length === 1), observes("logger")),
  bunyan: when((p) => p.length === 0 || p[0] === "createLogger", observes("logger")),
  log4js: when((p) => p[0] === "getLogger" || p[0] === "configure", observes("logger")),
  tslog: when((p) => p[0] === "Logger", observes("logger")),
  consola: when((p) => p[0] === "createConsola", observes("logger")),
  "@nestjs/common": when((p) => p[0] === "Logger", observes("logger")),
  "prom-client": observes("metrics"),
  "express-prom-bundle": observes("metrics"),
  "fastify-metrics": observes("metrics"),
  "hot-shots": observes("metrics"),
  "dd-trace": observes("tracing"),
  "elastic-apm-node": observes("tracing"),
  "@sentry/node": when((p) => p[0] === "init", observes("error-handler")),
  "@godaddy/terminus": observes("health-check", "graceful-shutdown"),
  lightship: observes("health-check", "graceful-shutdown"),
  "@nestjs/terminus": observes("health-check"),
  "fastify-healthcheck": observes("health-check"),
  "@fastify/under-pressure": observes("health-check"),
  "express-healthcheck": observes("health-check"),
  "close-with-grace": observes("graceful-shutdown"),
  "http-terminator": observes("graceful-shutdown"),
  stoppable: observes("graceful-shutdown"),
  "http-graceful-shutdown": observes("graceful-shutdown"),
  global: ({ path, args }) => (path[0] === "process" && (path[1] === "on" || path[1] === "once") && isShutdownSignal(args[0]) ? [obs("graceful-shutdown", "process")] : []),
};

function classifierOf(pkg: string): Classifier | undefined {
  const known = own(CLASSIFIERS, pkg);
  if (known) return known;
  if (pkg.startsWith("@opentelemetry/")) return ({ path, library }) => [obs(/metric|prometheus/i.test(pkg) || path[0] === "metrics" ? "metrics" : "tracing", library)];
  if (pkg.startsWith("passport-")) return when((_path, isNew) => isNew, ({ library }) => [sec("auth-strategy", library)]);
  return undefined;
}

function isShutdownSignal(sym: Sym | undefined): boolean {
  return sym?.k === "lit" && (sym.value === "SIGTERM" || sym.value === "SIGINT");
}

function bcryptHashing({ path, args, library }: Parameters<Classifier>[0], index: ProjectIndex): Match[] {
  if (!/^(hash|genSalt|compare)(Sync)?$/.test(path[0] ?? "")) return [];
  const roundsArg = path[0].startsWith("genSalt") ? args[0] : path[0].startsWith("hash") ? args[1] : undefined;
  const rounds = literalNumber(index, roundsArg);
  return [sec("password-hashing", library, { algorithm: "bcrypt", ...(rounds !== undefined ? { rounds } : {}) })];
}

function cryptoHashing({ path, args, library }: Parameters<Classifier>[0], index: ProjectIndex): Match[] {
  if (path[0] === "scrypt" || path[0] === "scryptSync") return [sec("password-hashing", library, { algorithm: "scrypt" })];
  if (path[0] === "pbkdf2" || path[0] === "pbkdf2Sync") {
    const iterations = literalNumber(index, args[2]);
    const digest = literalString(index, args[4]);
    return [sec("password-hashing", library, { algorithm: "pbkdf2", ...(iterations !== undefined ? { iterations } : {}), ...(digest ? { digest } : {}) })];
  }
  return [];
}

/** `Fastify({ logger: true, bodyLimit })`: fastify logs every request when its logger is on. */
function fastifyOptions({ path, args, isNew }: Parameters<Classifier>[0], index: ProjectIndex): Match[] {
  if (path.length > 1 || (path.length === 1 && path[0] !== "fastify") || isNew) return [];
  const options = objectArg(index, args[0]);
  if (!options) return [];
  const matches: Match[] = [];
  const logger = options.props.logger;
  if ((logger && !(logger.k === "lit" && (logger.value === false || logger.value === null))) || options.props.loggerInstance) matches.push(obs("request-logging", "fastify-logger"));
  if (options.props.bodyLimit) matches.push(sec("body-limit", "fastify", literalOptions(index, { k: "obj", props: { bodyLimit: options.props.bodyLimit }, spreads: [] })));
  return matches;
}

function honoMiddleware({ path, args }: Parameters<Classifier>[0], index: ProjectIndex): Match[] {
  switch (path[0]) {
    case "cors":
      return [sec("cors", "hono", literalOptions(index, args[0]))];
    case "secureHeaders":
      return [sec("security-headers", "hono")];
    case "logger":
      return [obs("request-logging", "hono")];
    case "csrf":
      return [sec("csrf", "hono")];
    case "bodyLimit":
      return [sec("body-limit", "hono")];
    default:
      return [];
  }
}

export const controlCandidates: Extractor = {
  name: "controls",
  visit: {
    CallExpression(node, ctx) {
      const callee = ctx.symOf(node.callee);
      if (callee.k === "ext" && knownPackage(callee)) emit(ctx, node, { callee, args: argSyms(node, ctx, 5) });
      const fixed = weakPasswordHash(node, callee, ctx) ?? nestAppControl(node, callee, ctx) ?? manualSecurityHeader(node, callee, ctx) ?? cookieControl(node, callee, ctx);
      if (fixed) emit(ctx, node, { callee, args: [], fixed });
      // `app.use(cors)`, `fastify.register(helmet, { … })`: a control passed without being called.
      node.arguments.forEach((argNode: Node, i: number) => {
        if (!mayNamePackage(argNode)) return;
        const arg = ctx.symOf(argNode);
        const next = node.arguments[i + 1];
        if (arg.k === "ext" && knownPackage(arg)) emit(ctx, node, { callee: arg, args: next ? [ctx.symOf(next)] : [] });
      });
    },
    NewExpression(node, ctx) {
      const callee = ctx.symOf(node.callee);
      if (callee.k === "ext" && knownPackage(callee)) emit(ctx, node, { callee, args: node.arguments.slice(0, 3).map((a: Node) => ctx.symOf(a)), isNew: true });
    },
  },
};

/** Only a name, a member or a `require()` can stand for a package: skip computing the value of anything else. */
function mayNamePackage(node: Node): boolean {
  const n = unwrap(node);
  return n?.type === "Identifier" || n?.type === "MemberExpression" || (n?.type === "CallExpression" && unwrap(n.callee)?.type === "Identifier" && unwrap(n.callee).name === "require");
}

function knownPackage(sym: ExtSym): boolean {
  // Of the globals, only `process.on(...)` can be a control (not every `console.log`).
  if (sym.pkg === "global") return sym.path[0] === "process" && (sym.path[1] === "on" || sym.path[1] === "once");
  return Boolean(classifierOf(packageName(sym.pkg)));
}

function emit(ctx: WalkContext, node: Node, fact: Omit<ControlCandidateFact, "loc">): void {
  ctx.emit(CONTROL_CANDIDATES, { loc: ctx.loc(node), ...fact } satisfies ControlCandidateFact);
}

/** `crypto.createHash("sha256").update(password)`: a fast hash used for a password. */
function weakPasswordHash(node: Node, callee: Sym, ctx: WalkContext): Match | undefined {
  if (callee.k !== "member" || callee.prop !== "update" || callee.obj.k !== "call") return undefined;
  const root = extRoot(callee.obj.callee);
  const factory = root && packageName(root.pkg) === "crypto" ? extPath(root).path[0] : undefined;
  if (factory !== "createHash" && factory !== "createHmac") return undefined;
  const arg = node.arguments[0];
  if (!arg || !/pass(word)?|passwd|pwd/i.test(ctx.text(arg, 80))) return undefined;
  const algorithm = callee.obj.args[0]?.k === "lit" ? callee.obj.args[0].value : "(dynamic)";
  return sec("password-hashing", "crypto", { algorithm, via: factory });
}

/**
 * `jwt.sign(payload, key, options)` / `jwt.verify(token, key, options)`: the literal options, and
 * for sign whether an expiry is set anywhere: `payloadClaims` lists a literal payload's keys (an
 * `exp` claim), `optionsArg` is "none" or "dynamic" when the options are missing or not a literal.
 */
function jwtOptions({ path, args, library }: Parameters<Classifier>[0], index: ProjectIndex): Match {
  const options = { use: path[0], ...literalOptions(index, args[2]) };
  if (path[0] !== "sign") return sec("jwt", library, options);
  const payload = objectArg(index, args[0]);
  const optionsArg = args[2] === undefined ? "none" : objectArg(index, args[2]) ? undefined : "dynamic";
  return sec("jwt", library, { ...options, ...(optionsArg ? { optionsArg } : {}), ...(payload ? { payloadClaims: Object.keys(payload.props).sort() } : {}) });
}

/** Security headers set by hand: `res.setHeader("X-Frame-Options", "DENY")`, `reply.header("Content-Security-Policy", …)`. */
const SECURITY_HEADERS = new Set(["content-security-policy", "x-content-type-options", "x-frame-options", "strict-transport-security", "referrer-policy"]);
const HEADER_SETTERS = new Set(["setHeader", "set", "header", "append"]);

function manualSecurityHeader(node: Node, callee: Sym, ctx: WalkContext): Match | undefined {
  if (callee.k !== "member" || !HEADER_SETTERS.has(callee.prop)) return undefined;
  const name = node.arguments[0] ? ctx.symOf(node.arguments[0]) : undefined;
  if (name?.k === "lit" && typeof name.value === "string" && SECURITY_HEADERS.has(name.value.toLowerCase())) return sec("security-headers", "manual", { header: name.value });
  // `res.set({ "X-Frame-Options": "DENY", … })`
  if (name?.k === "obj" && Object.keys(name.props).some((k) => SECURITY_HEADERS.has(k.toLowerCase()))) return sec("security-headers", "manual", { header: Object.keys(name.props).sort().join(", ") });
  return undefined;
}

/**
 * A cookie set on a response: Express `res.cookie(name, value, options)`, Fastify
 * `reply.setCookie(…)`, Koa `ctx.cookies.set(…)`. Options are the literal ones; `options` is
 * "dynamic" when they are passed but not a literal object, "none" when they are not passed.
 */
function cookieControl(node: Node, callee: Sym, ctx: WalkContext): Match | undefined {
  if (callee.k !== "member" || node.arguments.length < 2) return undefined;
  const library =
    callee.prop === "cookie" ? "express" :
    callee.prop === "setCookie" ? "@fastify/cookie" :
    callee.prop === "set" && callee.obj.k === "member" && callee.obj.prop === "cookies" ? "koa" : undefined;
  if (!library) return undefined;
  const name = ctx.symOf(node.arguments[0]);
  const third = node.arguments[2];
  const options = third ? ctx.symOf(third) : undefined;
  return sec("cookie", library, {
    name: name.k === "lit" ? name.value : "(dynamic)",
    options: !options ? "none" : options.k === "obj" ? "literal" : "dynamic",
    ...literalOptionsOfNode(third, ctx),
  });
}

/** NestJS: `app.enableCors(options)`, `app.enableShutdownHooks()`. */
function nestAppControl(node: Node, callee: Sym, ctx: WalkContext): Match | undefined {
  if (callee.k !== "member" || unwrap(node.callee)?.type !== "MemberExpression") return undefined;
  if (callee.prop === "enableCors") return sec("cors", "nestjs", literalOptionsOfNode(node.arguments[0], ctx));
  if (callee.prop === "enableShutdownHooks") return obs("graceful-shutdown", "nestjs");
  return undefined;
}

/** Literal options read at extraction time (before the index exists): literal properties only. */
function literalOptionsOfNode(arg: Node | undefined, ctx: WalkContext): Record<string, unknown> {
  const sym = arg ? ctx.symOf(arg) : undefined;
  if (sym?.k !== "obj") return {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(sym.props).sort()) {
    const v = sym.props[key];
    out[key] = v.k === "lit" ? v.value : v.k === "fn" ? "(function)" : "(dynamic)";
  }
  return out;
}

// ---- link side ------------------------------------------------------------------------------

export interface Controls {
  securityControls: SecurityControl[];
  observabilityControls: ObservabilityControl[];
}

export function buildControls(index: ProjectIndex, serviceOf: (file: string) => string): Controls {
  const security = new Map<string, SecurityControl>();
  const observability = new Map<string, ObservabilityControl>();
  for (const { loc, matches } of allMatches(index)) {
    const serviceId = serviceOf(loc.file);
    for (const m of matches) {
      if (m.area === "security") {
        const key = `${locKey(loc)} ${m.kind} ${m.library}`;
        if (!security.has(key)) security.set(key, { kind: m.kind, serviceId, library: m.library, location: loc, options: m.options });
      } else {
        // One logger or metrics registry is the fact; every `new Counter()` is not another one.
        const key = `${serviceId} ${m.kind} ${m.library}`;
        const existing = observability.get(key);
        if (!existing || byLocation(loc, existing.location) < 0) observability.set(key, { kind: m.kind, serviceId, library: m.library, location: loc });
      }
    }
  }
  const order = (a: { location: SourceLocation; kind: string; library: string }, b: typeof a) => byLocation(a.location, b.location) || compareText(a.kind, b.kind) || compareText(a.library, b.library);
  return { securityControls: [...security.values()].sort(order), observabilityControls: [...observability.values()].sort(order) };
}

function* allMatches(index: ProjectIndex): Iterable<{ loc: SourceLocation; matches: Match[] }> {
  for (const facts of index.files.values()) {
    for (const c of (facts.extra[CONTROL_CANDIDATES] ?? []) as ControlCandidateFact[]) {
      yield { loc: c.loc, matches: c.fixed ? [c.fixed] : classify(index, c.callee, c.args, c.isNew ?? false) };
    }
  }
  // A package function re-exported by a project file (`export { default as limiter } from "express-rate-limit"`).
  for (const call of index.allCalls()) {
    if (call.callee.k !== "mod" && !(call.callee.k === "member" && call.callee.obj.k === "mod")) continue;
    yield { loc: call.loc, matches: classify(index, call.callee, call.args, false) };
  }
}

function classify(index: ProjectIndex, callee: Sym, args: Sym[], isNew: boolean): Match[] {
  const resolved = index.resolve(callee);
  if (resolved.k !== "ext") return [];
  const library = packageName(resolved.pkg);
  const classifier = classifierOf(library);
  return classifier ? classifier({ path: extPath(resolved).path, args, isNew, library }, index) : [];
}
