// The Architecture Model: the one vocabulary between front ends, rules, designers and emitters.
// Everything here is plain data, serialisable to model.json. File paths are relative to the
// reviewed root and use forward slashes, so the same project gives the same model anywhere.
import type { Requirements } from "../ingest/requirements/schema.ts";

export type { Requirements };

export interface SourceLocation {
  file: string; // relative to the reviewed root, posix separators
  line: number; // 1-based
  column: number; // 1-based
  endLine?: number;
  endColumn?: number;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" | "ALL";
export const WRITE_METHODS: readonly HttpMethod[] = ["POST", "PUT", "PATCH", "DELETE", "ALL"];

export type Framework = "express" | "fastify" | "nestjs" | "hono" | "koa" | "nitro" | "nextjs" | "graphql";

/** A JSON Schema (2020-12, as used by OpenAPI 3.1). `$ref`s point at `#/components/schemas/<name>`. */
export type JsonSchema = { [key: string]: unknown };

/** A deployable unit: one per package in a monorepo. */
export interface Service {
  id: string; // package name, or the folder name when there is no package.json
  root: string; // folder relative to the reviewed root ("." for a single package)
  frameworks: Framework[];
  dependencies: string[]; // declared package names (dependencies + devDependencies), sorted
  /** Declared version ranges by package name ("^4.18.2"), from the package.json; keys sorted. */
  dependencyVersions?: Record<string, string>;
}

/** Where a request value comes from. `path` like "body.email", "query.id", "params.slug", "headers.authorization". */
export interface RequestInput {
  kind: "body" | "query" | "params" | "headers" | "cookies" | "other";
  path: string;
  location: SourceLocation;
}

/** "optional": identifies the caller when credentials are sent, never rejects (Conduit's public feeds). */
export type AuthState = "required" | "optional" | "none" | "unknown";

export interface AuthInfo {
  state: AuthState;
  /** e.g. "passport:jwt", "express-jwt", "session", "jwt.verify", "@fastify/jwt", "custom". */
  mechanisms: string[];
  /** The middleware/hook that enforces it (its definition or where it is applied). */
  enforcedAt?: SourceLocation;
  /** Why the front end believes this (for evidence). */
  reason?: string;
  /** Every guard rejects every request (a deny-all guard): the route is closed, not protected by a login. */
  closed?: true;
}

export type MiddlewareKind = "auth" | "optional-auth" | "validation" | "rate-limit" | "logging" | "cors" | "security-headers" | "body-parser" | "session" | "static" | "error-handler" | "other";

export interface MiddlewareRef {
  name: string; // best readable name: identifier, "passport.authenticate('jwt')", "(anonymous)"
  kind: MiddlewareKind;
  scope: "app" | "router" | "route" | "hook";
  location: SourceLocation; // where it is applied
  definedAt?: SourceLocation; // where its function is defined, when found
  /** Library it comes from when imported from a package ("express-jwt", "helmet"). */
  library?: string;
  /** An auth guard no request can pass (e.g. express-jwt with a key drawn from Math.random()): the route is closed, not protected. */
  deniesAll?: true;
}

export interface RequestSchemas {
  body?: JsonSchema;
  query?: JsonSchema;
  params?: JsonSchema;
  headers?: JsonSchema;
}

export interface ValidationInfo {
  validated: boolean;
  /** "fastify-schema", "zod", "joi", "celebrate", "express-validator", "class-validator", ... */
  libraries: string[];
  location?: SourceLocation;
}

export interface Endpoint {
  id: string; // `${serviceId} ${method} ${path}`
  serviceId: string;
  framework: Framework;
  method: HttpMethod;
  /** Full path with prefixes resolved, parameters in OpenAPI form: "/api/articles/{slug}". */
  path: string;
  pathParams: string[];
  location: SourceLocation; // where the route is registered
  handlerId?: string;
  middleware: MiddlewareRef[]; // in execution order, app-level first
  auth: AuthInfo;
  validation: ValidationInfo;
  request: RequestSchemas;
  /** Response schemas by status code ("200", "4xx", "default"). */
  responses: Record<string, JsonSchema>;
  /** Request inputs the handler reads (body fields, query keys...). */
  inputs: RequestInput[];
  /** false when part of the path could not be resolved statically (it then holds "{?}"). */
  pathResolved: boolean;
  operationName?: string; // GraphQL operations, NestJS method names
  /** A route a REST resource library generates (finale-rest `resource({ model, endpoints })`): what it does with which model. */
  generated?: GeneratedRoute;
  /**
   * Registered with guards only (`app.put("/api/x/:id", requireAuth())`): it answers nothing itself
   * and passes the request on to a later route on the same method and path, when there is one.
   */
  passThrough?: true;
}

export interface GeneratedRoute {
  library: string; // "finale-rest", "epilogue"
  action: "create" | "list" | "read" | "update" | "delete";
  /** The model it exposes, as the code names it ("User"). */
  entity?: string;
  /** Attributes the library drops from the request body before writing. */
  readOnlyAttributes?: string[];
}

/** A function in the project that handles requests (or is reached from one). */
export interface Handler {
  id: string; // `${file}:${line}:${column}` of the function start
  name: string;
  location: SourceLocation;
  /** Everything it reaches, transitively through same-project functions. */
  dataAccessIds: string[];
  outboundCallIds: string[];
  /** Notable runtime calls it reaches (sync I/O, regexes, clients created, process.exit): `RuntimeCall.id`s. */
  runtimeCallIds?: string[];
}

export type TaintKind = "request" | "constant" | "unknown";

/** How an interpolated value reaches a sink: the request input and the steps it went through. */
export interface TaintFlow {
  source: RequestInput;
  /** Intermediate steps (assignments, helper calls), source first, sink last. */
  steps: SourceLocation[];
}

export interface DataAccess {
  id: string; // `${file}:${line}:${column}`
  location: SourceLocation;
  functionId?: string; // the enclosing function (Handler id scheme)
  /** "pg", "mysql2", "sequelize", "knex", "prisma", "typeorm", "drizzle", "mongoose", "sqlite", "unknown". */
  client: string;
  operation: "select" | "insert" | "update" | "delete" | "upsert" | "raw" | "unknown";
  entity?: string;
  filterColumns: string[];
  sortColumns: string[];
  returnedColumns: string[];
  limit?: number | "param" | "none";
  /** The raw SQL text when there is one, with interpolations shown as `${...}`. */
  rawSql?: string;
  /** Whether the query text is built from non-constant parts, and from what. */
  interpolation: {
    kind: "none" | TaintKind;
    /** Request inputs that reach the query text (not its bound parameters). */
    flows: TaintFlow[];
  };
  /** Bound parameters ($1, ?) are used for the variable parts. */
  parameterised: boolean;
  inLoop: boolean;
  /** Runs in a transaction callback (`$transaction`, `transaction(…)`) or in a function that sends BEGIN. */
  inTransaction?: boolean;
}

export interface OutboundCall {
  id: string;
  location: SourceLocation;
  functionId?: string;
  /** "fetch", "axios", "got", "undici", "node:http", "superagent", "ky" ... */
  client: string;
  kind: "http" | "queue" | "cache" | "other";
  target?: string; // URL or host when known (literal or template text)
  /** ms when a literal, "set" when configured with a non-literal, "none" when absent. */
  timeout: number | "set" | "none";
  /** Where the timeout comes from: call option, client instance default, AbortSignal. */
  timeoutSource?: "option" | "instance" | "signal" | "global";
  retry: boolean;
  circuitBreaker: boolean;
  inLoop: boolean;
  /** Request inputs that reach the URL (SSRF). */
  urlFlows: TaintFlow[];
}

export type RuntimeCallCategory = "sync-fs" | "sync-crypto" | "sync-zlib" | "sync-process" | "json-in-loop" | "regex" | "db-client" | "process-exit";

/** A call whose cost or effect matters on a request path: blocking I/O, a regex, a new database client, process.exit. */
export interface RuntimeCall {
  id: string; // `${file}:${line}:${column}`
  category: RuntimeCallCategory;
  /** What is called: "fs.readFileSync", "bcrypt.hashSync", "JSON.parse", "new RegExp", "String.prototype.match", "new pg.Pool", "process.exit". */
  api: string;
  location: SourceLocation;
  /** The enclosing function; absent at module level (runs once, at startup). */
  functionId?: string;
  inLoop: boolean;
  /** Request inputs that reach the call's main argument: the path, the command, the regex pattern. */
  flows: TaintFlow[];
  /** category "regex": the pattern when it is a literal, and what it is applied to. */
  regex?: {
    source?: string;
    /** Where the literal pattern is written (a `const EMAIL = /…/` declaration may be far from its use). */
    sourceLocation?: SourceLocation;
    /** The part of a literal pattern that backtracks exponentially ("(a+)+"), when it has one. */
    catastrophic?: string;
    /** Request inputs that reach the string the regex is applied to. */
    subjectFlows: TaintFlow[];
  };
  /** category "db-client": the client is kept in a variable or property outside the call (a lazily created singleton). */
  stored?: boolean;
  /** category "db-client": it creates a pool (or a client that keeps one), not a single connection. */
  pooled?: boolean;
  /** Runs behind a cache (`if (!cached) cached = …`) in its function or in every caller: once, not per request. */
  memoised?: boolean;
}

export type SecuritySinkKind =
  | "nosql" | "command" | "path" | "redirect" | "code" | "deserialization" | "zip" | "weak-password-hash" | "error-details" | "jwt-decode"
  /** A raw SQL fragment inside a query builder (knex `whereRaw`); whole statements are DataAccess.rawSql. */
  | "sql-fragment"
  /** A value written into an HTML response. */
  | "xss";

/** A call where a value becomes a command, a path, code, a filter or a redirect target (not SQL: see DataAccess). */
export interface SecuritySink {
  id: string; // `${file}:${line}:${column}`
  kind: SecuritySinkKind;
  location: SourceLocation;
  functionId?: string;
  /** What is called: "child_process.exec", "res.redirect", "$where", "js-yaml.load" ... */
  api: string;
  /** Request inputs that reach the dangerous argument. */
  flows: TaintFlow[];
  interpolation: TaintKind;
  /** Where the value was named or passed (a password handed to a hashing helper). */
  via?: SourceLocation[];
  /** The check the sink sits behind (`if (isAllowed(url))`): exact membership, or a substring/prefix match that crafted values pass. */
  guard?: { strength: "exact" | "substring"; location: SourceLocation; how: string };
  /** weak-password-hash: the call whose digest is stored under a password name (an ORM setter, `user.password = …`). */
  storedAt?: SourceLocation;
  /** error-details: what reaches the client ("stack", "error object", "message", "errorhandler"). */
  exposes?: string;
}

export interface Column {
  name: string;
  /** Canonical PostgreSQL type: "integer", "serial", "varchar(255)", "numeric(10,2)", "timestamptz"; Mongoose: "string", "objectId"... */
  type: string;
  nullable: boolean;
  /** Canonical default expression: "now()", "'pending'", "0", "gen_random_uuid()". */
  default?: string;
  /** Where the column is declared (its latest definition). */
  location?: SourceLocation;
}

export interface Entity {
  name: string;
  columns: Column[];
  primaryKey: string[];
  /** `onDelete` in upper case ("CASCADE", "SET NULL", "RESTRICT"); absent for NO ACTION. */
  foreignKeys: { columns: string[]; references: { entity: string; columns: string[] }; onDelete?: string; location?: SourceLocation }[];
  /** Uniqueness constraints (UNIQUE, Prisma @unique, ORM `unique: true`); unique indexes are in `indexes`. */
  uniques: string[][];
  checks: string[];
  /** Declared indexes (CREATE INDEX, @@index, @Index, index()); an expression is listed as "(expression text)"; `where` is a partial index's predicate. */
  indexes: { name?: string; columns: string[]; unique: boolean; where?: string; location?: SourceLocation; /** Non-key columns stored in the index (INCLUDE), for index-only scans. */ include?: string[] }[];
  location: SourceLocation;
  source: "sql" | "prisma" | "typeorm" | "drizzle" | "sequelize" | "mongoose" | "knex";
}

/** A schema-change file, in the order its migration tool applies it. */
export interface Migration {
  file: string;
  /** "flyway", "golang-migrate", "prisma", "dbmate", "plain" ... */
  tool: string;
  statements: MigrationStatement[];
}

export interface MigrationStatement {
  location: SourceLocation;
  /** The statement as written, without its trailing semicolon. */
  sql: string;
  /** What it changes; an ALTER TABLE lists one action per sub-command. */
  actions: MigrationAction[];
  /** Measured on an embedded PostgreSQL: run in BEGIN … ROLLBACK after the earlier migrations. */
  measured?: LockMeasurement;
}

export type MigrationActionKind =
  | "create-table" | "drop-table" | "rename-table" | "create-index" | "drop-index" | "add-column" | "drop-column"
  | "rename-column" | "alter-column-type" | "set-not-null" | "drop-not-null" | "set-default" | "drop-default"
  | "add-constraint" | "validate-constraint" | "drop-constraint" | "data-change" | "set-lock-timeout" | "transaction" | "other";

export interface MigrationAction {
  kind: MigrationActionKind;
  table?: string;
  column?: string;
  /** The table was created by an earlier migration file (or outside the migrations): it may hold data. */
  existingTable: boolean;
  /** rename-*: the new name. */
  newName?: string;
  /** add-column / alter-column-type: the declared type; `previousType` is the type before the change. */
  type?: string;
  previousType?: string;
  default?: string;
  notNull?: boolean;
  columns?: string[];
  unique?: boolean;
  concurrently?: boolean;
  constraint?: "foreign-key" | "check" | "unique" | "primary-key" | "exclusion";
  notValid?: boolean;
  /** data-change: "update" | "delete" | "insert". */
  statement?: string;
  /** drop-column / rename-column: places in the project's code whose SQL text still names the column. */
  referencedBy?: SourceLocation[];
}

/**
 * One query EXPLAINed on synthetic rows, then again with a proposed index created in a transaction
 * that is rolled back. `pays`: the cost before was at least 100 and the index at least halves it.
 */
export interface IndexProof {
  dataAccessId: string;
  /** The statement that was explained ($n parameters planned generically). */
  query: string;
  table: string;
  /** The proposed index's columns: equality, then range, then sort. */
  columns: string[];
  indexSql: string;
  /** Plan node scanning `table` and the plan's total cost. */
  before: { node: string; cost: number };
  after?: { node: string; cost: number };
  /** Rows in `table` when it was explained. */
  rows: number;
  engine: string;
  pays: boolean;
  /** Why no index was tried or the proof failed ("already uses index …"). */
  note?: string;
}

export interface LockMeasurement {
  engine: string; // "PGlite 0.5.16 (PostgreSQL 18.6)"
  /** The strongest lock the statement took on each table it touched, sorted by table. */
  locks: { table: string; mode: string }[];
  /** Tables whose storage file changed: rewritten in full while locked. */
  rewritten: string[];
  /** Why the statement could not be measured (it failed on the engine). */
  error?: string;
}

export type SecurityControlKind =
  | "auth-strategy" | "password-hashing" | "jwt" | "cors" | "security-headers" | "rate-limit"
  | "session" | "csrf" | "body-limit" | "cookie";

export interface SecurityControl {
  kind: SecurityControlKind;
  serviceId: string;
  library: string; // "helmet", "bcrypt", "express-rate-limit", "cors" ...
  location: SourceLocation;
  /** Literal options seen where it is configured (e.g. { origin: "*", credentials: true }). */
  options: Record<string, unknown>;
}

export type ObservabilityControlKind = "request-logging" | "logger" | "metrics" | "tracing" | "health-check" | "graceful-shutdown" | "error-handler";

export interface ObservabilityControl {
  kind: ObservabilityControlKind;
  serviceId: string;
  library: string; // "morgan", "pino-http", "fastify-logger", "winston", "prom-client" ...
  location: SourceLocation;
}

/** `process.on(event, handler)` for a signal or a fatal error, and what the handler reaches. */
export interface ProcessHandler {
  serviceId: string;
  /** "SIGTERM", "SIGINT", "SIGHUP", "uncaughtException", "unhandledRejection" ... */
  event: string;
  location: SourceLocation;
  handlerId?: string;
  /** Close calls the handler reaches (directly or through project functions): "server.close", "sequelize.close". */
  closes: { call: string; location: SourceLocation }[];
  /** `process.exit` calls it reaches. */
  exits: SourceLocation[];
  /** A close not waited for (no callback, no await) followed by `process.exit` in the same function. */
  exitsBeforeClosed?: { close: SourceLocation; exit: SourceLocation };
}

export type CatchBlockContext = "error-handler" | "stored-promise";

/** What a catch does with the error it caught. */
export type CatchHandling = "rethrows" | "logs" | "uses-error" | "handles" | "ignores" | "empty";

export interface CatchBlock {
  location: SourceLocation;
  functionId?: string;
  kind: "try" | "promise";
  handling: CatchHandling;
  /** "ignores": what the body does instead ("returns a fallback", "continues the loop"). */
  detail?: string;
  /** The body holds a comment: the developer wrote down why. */
  commented: boolean;
  /** The try block only parses or converts a value (JSON.parse, new URL): the catch detects invalid input. */
  parseFallback?: boolean;
  /** "error-handler": inside code that handles another error; "stored-promise": `p.catch(() => {})` marking a promise awaited elsewhere as handled. */
  context?: CatchBlockContext;
  /** Runs while serving a request, during startup (module code and what it calls), or elsewhere. */
  reach: "request" | "startup" | "other";
  /** Test, spec or fixture code. */
  inTest: boolean;
}

/** An async handler or middleware whose await or throw can reject outside a try/catch. */
export interface AsyncRequestFunction {
  functionId: string;
  serviceId: string;
  framework: Framework;
  location: SourceLocation;
  /** The first await or throw that is not inside a try block. */
  unguarded: { kind: "await" | "throw"; location: SourceLocation };
  /** Calls that wrap it before it is registered (`asyncHandler(fn)`), and whether the wrapper catches. */
  wrappers: { name: string; location: SourceLocation; catches: boolean }[];
}

export interface ModuleCollection {
  serviceId: string;
  name: string;
  kind: "Map" | "Set" | "object" | "array";
  location: SourceLocation;
  /** Where entries are added, and whether that code runs while serving a request. */
  adds: { location: SourceLocation; fromRequest: boolean; key: "constant" | "request" | "other" }[];
  /** Where entries are removed or the collection is reset (delete, clear, shift, splice, reassignment). */
  removes: SourceLocation[];
}

export interface RetryPolicy {
  serviceId: string;
  location: SourceLocation;
  /** "axios-retry", "p-retry", "async-retry", "promise-retry", "retry", "got", "loop". */
  library: string;
  /** "none": retries at once; "fixed": a constant wait; "growing": an exponential or linear wait; "unknown": not readable. */
  backoff: "none" | "fixed" | "growing" | "unknown";
  /** Attempts when literal; "unbounded" for `forever`, `Infinity` or a loop with no exit on failure. */
  attempts: number | "unbounded" | "unknown";
  /** Hand-written loops: the outbound calls retried (ids), when found. */
  outboundCallIds: string[];
}

/** Observability signs in a service's own code. */
export interface ServiceSignals {
  serviceId: string;
  /** console.* calls outside test code and scripts: how many, and the first. */
  consoleCalls: number;
  firstConsoleCall?: SourceLocation;
  /** Level calls on a logger object (`logger.info`, `logging.error`, `req.log.warn`), whatever library it comes from. */
  loggerCalls?: number;
  /** Request-id handling: an x-request-id header name, genReqId / requestIdHeader options, an AsyncLocalStorage. */
  requestIds: { what: string; location: SourceLocation }[];
}

/** A literal that looks like a credential, with the context that makes it look so. */
export interface SecretCandidate {
  location: SourceLocation;
  /** "private-key", "jwt-secret", "password", "api-key", "token", "connection-string", "aws-access-key" ... */
  kind: string;
  /** The identifier, property or call it is assigned to ("JWT_SECRET", "jwt.sign arg 2"). */
  context: string;
  /** Redacted preview: first 4 characters then "…" and the length. Never the whole value. */
  preview: string;
  length: number;
  entropy: number; // Shannon bits per character
  /** Provider-specific pattern matched (e.g. "aws-access-key-id", "github-token", "pem-private-key"). */
  pattern?: string;
  /** True in test/fixture/example/mock paths or when the value is an obvious placeholder. */
  likelyPlaceholder: boolean;
  /** Used as a fallback: process.env.X || "literal". */
  envFallback: boolean;
}

/** A file or route the run could not use, and why. */
export interface Skipped {
  path: string;
  reason: "ignored" | "node_modules" | "build-output" | "minified" | "too-large" | "binary" | "unreadable" | "syntax-error" | "symlink-loop" | "coverage" | "not-source" | "analysis-error";
  detail?: string;
  line?: number;
  column?: number;
}

export interface UnresolvedRegistration {
  location: SourceLocation;
  what: string; // "app.use(prefixFromConfig, router)" - a short description
  reason: string;
}

/** How much of the project the run understood: shown first, and lowers confidence. */
export interface RunCoverage {
  filesFound: number;
  filesParsed: number;
  bytesParsed: number;
  linesParsed: number;
  skipped: Skipped[];
  routeRegistrations: number;
  routeRegistrationsResolved: number;
  unresolved: UnresolvedRegistration[];
  handlersLocated: number;
  handlersTotal: number;
  /** 0..100: multiplies into every finding's confidence (as a fraction) when below 100. */
  understanding: number;
  /** Plain-language warnings shown before any finding ("no route registrations found"). */
  warnings: string[];
}

/** A configured limit on query depth or complexity, where it is configured. */
export interface GraphqlLimit {
  library: string; // "graphql-depth-limit", "graphql-query-complexity", "mercurius", ...
  location: SourceLocation;
  max?: number;
}

/** A GraphQL server as configured; its operations are Endpoints with framework "graphql". */
export interface GraphqlServer {
  serviceId: string;
  library: string; // "@apollo/server", "graphql-yoga", "mercurius", "@nestjs/graphql"
  path: string;
  location: SourceLocation;
  /** Operation names it serves ("Query.articles"), sorted. */
  operations: string[];
  depthLimit?: GraphqlLimit;
  complexityLimit?: GraphqlLimit;
  /** "not-in-production": the library default or a NODE_ENV check turns it off in production. */
  introspection: { state: "always" | "not-in-production" | "never" | "unknown"; reason: string; location: SourceLocation };
}

/** A resolver of a field on an object type (not a root operation), with what it does per call. */
export interface GraphqlFieldResolver {
  field: string; // "Article.author"
  location: SourceLocation; // the resolver function
  /** Fields returning a list of the parent type ("Query.articles"): the resolver runs once per item. */
  listParents: { field: string; location?: SourceLocation }[];
  /** Data accesses it makes per call (ORM lookups, SQL); `via` is its own call that leads there. */
  dataAccesses: { location: SourceLocation; call: string; via?: SourceLocation }[];
  /** Loads through a DataLoader (`loaders.user.load(id)`), which batches per-item calls. */
  batched: boolean;
}

export interface GraphqlInfo {
  servers: GraphqlServer[];
  fieldResolvers: GraphqlFieldResolver[];
}

/** What a registration serves besides API handlers: a folder, a directory listing, files picked by name, the metrics registry. */
export type ServedKind = "static-files" | "directory-listing" | "file-by-name" | "metrics";

export interface ServedResource {
  serviceId: string;
  kind: ServedKind;
  /** The package that serves it ("serve-index", "express", "@fastify/static", "prom-client"), or "project" for the project's own handler. */
  library: string;
  /** The path as written at the registration ("/ftp", "/logs/:file"), "/" when none; prefixes of routers above it are not joined. */
  path: string;
  /** "USE" for a middleware mount (every method), else the method of the route registration. */
  method: HttpMethod | "USE";
  /** The folder it serves, from its literal parts ("logs", "frontend/dist"). */
  folder?: string;
  /** The registration (`app.use(...)`, `fastify.register(...)`, `app.get(...)`). */
  location: SourceLocation;
  /** Where the file is sent or the registry is read, inside the handler. */
  servedAt?: SourceLocation;
  /** Auth middleware passed in the same registration, by name. */
  guards: string[];
}

/** A rate limiter: a library one, a project function that answers 429, or a NestJS `@Throttle` on a handler. */
export interface RateLimiter {
  serviceId: string;
  /** The package ("express-rate-limit", "@fastify/rate-limit", "@nestjs/throttler"), or "custom". */
  library: string;
  /** Where it is configured; for a custom limiter, its function (the same location a MiddlewareRef's `definedAt` has). */
  location: SourceLocation;
  /**
   * The project function it guards or runs in (Handler id scheme): the handler a `@Throttle` marks,
   * the function that calls `limiter.consume(key)`, or a custom limiter's own function.
   */
  appliesTo?: string;
  /** What requests are counted by: the library default, `req.ip`, the X-Forwarded-For header, or something else. */
  key: { source: "default" | "ip" | "forwarded-for" | "other"; location?: SourceLocation };
}

/** `app.set('trust proxy', …)`, `Fastify({ trustProxy })`, Koa `app.proxy = true`: whether `req.ip` comes from X-Forwarded-For. */
export interface TrustProxySetting {
  serviceId: string;
  framework: "express" | "fastify" | "koa";
  /** The literal value; `true` trusts every hop, so the client picks the address. */
  value: boolean | number | string;
  location: SourceLocation;
}

/** A request function that checks a password or one-time code, or issues a token, itself or through project helpers. */
export interface CredentialOperation {
  /** The request handler or middleware (Handler id scheme). */
  functionId: string;
  kind: "password-check" | "otp-check" | "token-issue";
  /** "bcrypt.compare", "jsonwebtoken.sign", "otplib.authenticator.check" ... */
  api: string;
  location: SourceLocation;
}

/**
 * A query that picks one record (or a few) by an id-like value, with what scopes it to the caller:
 * the material of broken object-level authorization (IDOR). Built at link time from the call facts.
 */
export interface RecordAccess {
  id: string; // `${file}:${line}:${column}` of the query call
  location: SourceLocation;
  functionId?: string;
  /** Request handlers and middleware (Handler id scheme) whose code reaches the query. */
  handlerIds: string[];
  /** "Card.destroy", "reviewsCollection.update", "prisma.order.update". */
  api: string;
  /** What happens to the record; a load whose row is then written (`row.update(…)`) has the write's operation and `writtenAt`. */
  operation: "select" | "update" | "delete" | "upsert";
  /** The DataAccess at the same call, when the ORM was recognised (its entity is linked to the schema). */
  dataAccessId?: string;
  /** The model or collection as the code names it, when known. */
  entity?: string;
  /** Id-like filter columns ("id", "_id", "orderId") and the request inputs that reach their values. */
  selectors: { column: string; flows: TaintFlow[]; origin: TaintKind }[];
  /** Filter columns that scope the query to an owner or tenant (userId, ownerId, tenantId…), and whether the value is the caller's identity. */
  ownerColumns: { column: string; callerIdentity: boolean }[];
  /** Where a loaded row is then updated or deleted (`item.update(…)`, `item.destroy()`). */
  writtenAt?: SourceLocation;
  /** Where the caller's identity is read on the way (req.user, a token-decoding helper). */
  callerIdentityAt?: SourceLocation;
  /** A check of the record against the caller before or around the query (`if (row.userId !== req.user.id)`, `assertOwner(…)`, `ability.can(…)`). */
  ownershipCheckAt?: SourceLocation;
  /** The write stores the caller's identity (a like, a vote): acting on a shared record as oneself. */
  writesCallerIdentityAt?: SourceLocation;
}

/** The whole request body (or a spread of it) written to a model: mass assignment material. */
export interface BodyWrite {
  id: string; // `${file}:${line}:${column}` of the write call
  location: SourceLocation;
  functionId?: string;
  handlerIds: string[];
  /** "User.create", "prisma.user.update data", "user.update". */
  api: string;
  operation: "insert" | "update" | "upsert";
  dataAccessId?: string;
  entity?: string;
  /** How the body reaches the write: where it is read, and the calls it passes through. */
  flow: TaintFlow;
  /** Keys set after the spread (`{ ...req.body, role: "user" }`): the client cannot choose them. */
  pinnedKeys: string[];
  /** Sequelize `fields: [...]`: only these attributes are written. */
  allowedFields?: string[];
}

export interface ArchitectureModel {
  schemaVersion: 1;
  /** Name of the reviewed root folder (not its absolute path, for determinism). */
  project: string;
  services: Service[];
  endpoints: Endpoint[];
  handlers: Handler[];
  entities: Entity[];
  dataAccesses: DataAccess[];
  outboundCalls: OutboundCall[];
  securityControls: SecurityControl[];
  observabilityControls: ObservabilityControl[];
  secrets: SecretCandidate[];
  /** Named request/response schemas (OpenAPI components.schemas). */
  schemas: Record<string, JsonSchema>;
  coverage: RunCoverage;
  /** GraphQL servers and field resolvers, when the project has any. */
  graphql?: GraphqlInfo;
  /** SQL migration files in apply order, when the project has any. */
  migrations?: Migration[];
  /** Indexes tried for the project's queries on a PostgreSQL engine (verify stage), by data access. */
  indexProofs?: IndexProof[];
  /** Non-SQL security sinks whose input is not a constant. */
  sinks?: SecuritySink[];
  /** Notable runtime calls (sync I/O, dynamic or catastrophic regexes, database clients, process.exit). */
  runtimeCalls?: RuntimeCall[];
  /** Static folders, directory listings, file downloads and metrics that registrations serve. */
  served?: ServedResource[];
  /** Rate limiters the code configures, with what they count requests by. */
  rateLimiters?: RateLimiter[];
  /** Whether the framework takes the client address from X-Forwarded-For. */
  trustProxy?: TrustProxySetting[];
  /** Request functions that check a password or code, or issue a token. */
  credentialOperations?: CredentialOperation[];
  /** Queries that pick a record by an id-like value, with what scopes them to the caller. */
  recordAccesses?: RecordAccess[];
  /** Writes of the whole request body to a model. */
  bodyWrites?: BodyWrite[];
  /** Request functions (Handler id scheme) that check the caller's role before rejecting: admin-only guards. */
  roleGuards?: string[];
  /** Process signal and fatal-error handlers (`process.on("SIGTERM", …)`) and what they close. */
  processHandlers?: ProcessHandler[];
  /** try/catch blocks and promise `.catch(…)` handlers in server code, with what they do with the error. */
  catchBlocks?: CatchBlock[];
  /** Async request handlers and middleware with an await or throw outside any try/catch. */
  asyncRequestFunctions?: AsyncRequestFunction[];
  /** Module-level Maps, Sets, objects and arrays, with where they grow and shrink. */
  moduleCollections?: ModuleCollection[];
  /** Retry configurations and hand-written retry loops. */
  retries?: RetryPolicy[];
  /** Code signs of observability per service that no library call shows: console calls, request ids. */
  serviceSignals?: ServiceSignals[];
  /** The requirements file `bka design` read, when the model comes from one. */
  requirements?: Requirements;
}
