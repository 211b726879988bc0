// Security sinks other than whole SQL statements: NoSQL filters and `$where`, raw SQL fragments in
// a query builder (knex `whereRaw`), shell commands, file-system paths, redirects, dynamic code
// (eval, Function, vm, notevil), template locals, YAML/XML parsing and node-serialize, zip entry
// names written to disk, request input written into HTML responses, weak password digests and
// JWTs decoded without verification. The
// extractor records calls whose name may be a sink (and the XML parse options that enable external
// entities); the link step resolves the callee across files, decides which argument is dangerous
// and asks the taint walker where it comes from, and sink-context.ts what surrounds the call (the
// allowlist check a redirect sits behind, where a hashed password is stored). Error details sent
// to clients come from error-responses.ts.
import type { SecuritySink, SecuritySinkKind, SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { originOf, type TaintContext } from "../link/taint.ts";
import { buildErrorSinks } from "./error-responses.ts";
import { guardCheck, guardsFailedAt, guardsPassedAt, passwordStoreAmong, type GuardCheck } from "./sink-context.ts";
import { inputOf, projectFunctions, requestParamKey, type RequestParam } from "./request-reads.ts";
import { byLocation, extPath, extRoot, literalString, literalValue, locKey, objectArg, packageName, paramChain, resolveShallow } from "./values.ts";

export const SINK_CANDIDATES = "code.sinkCandidates";
/** `res.type("html")`, `res.set("Content-Type", "text/plain")`, `ctx.type = "html"`: a response's declared type. */
export const CONTENT_TYPES = "code.contentTypes";

interface ContentTypeFact {
  fn: string;
  html: boolean;
}

export interface SinkCandidateFact {
  loc: SourceLocation;
  fn?: string;
  /**
   * "call", "new", "xml-noent" for a parse option that expands external entities, or "body" for
   * `ctx.body = value` (callee: the object assigned to, args: the value).
   */
  form: "call" | "new" | "xml-noent" | "body";
  callee: Sym;
  args: Sym[];
}

const FS_PACKAGES = new Set(["fs", "fs/promises", "fs-extra", "graceful-fs"]);
const FS_PATH_METHODS = new Set([
  "readFile", "readFileSync", "createReadStream", "writeFile", "writeFileSync", "createWriteStream", "appendFile", "appendFileSync",
  "unlink", "unlinkSync", "rm", "rmSync", "readdir", "readdirSync", "open", "openSync", "copyFile", "copyFileSync", "rename", "renameSync",
]);
const FS_WRITE_METHODS = new Set(["writeFile", "writeFileSync", "createWriteStream", "appendFile", "appendFileSync", "open", "openSync", "copyFile", "copyFileSync", "rename", "renameSync"]);
const SHELL_METHODS = new Set(["exec", "execSync"]);
const SPAWN_METHODS = new Set(["spawn", "spawnSync", "execFile", "execFileSync"]);
const VM_METHODS = new Set(["runInContext", "runInNewContext", "runInThisContext", "compileFunction"]);
const RESPONSE_PATH_METHODS = new Set(["sendFile", "download"]);
const HEADER_METHODS = new Set(["set", "setHeader", "header", "writeHead"]);
const NOSQL_FILTER_METHODS = new Set([
  "find", "findOne", "findOneAndUpdate", "findOneAndDelete", "findOneAndRemove", "findOneAndReplace", "update", "updateOne", "updateMany",
  "deleteOne", "deleteMany", "remove", "count", "countDocuments", "replaceOne", "findAll", "findAndCountAll", "destroy", "where",
]);
const NOSQL_UPDATE_METHODS = new Set(["update", "updateOne", "updateMany", "findOneAndUpdate", "findByIdAndUpdate"]);
const ZIP_PACKAGES = new Set(["unzipper", "adm-zip", "yauzl", "jszip", "tar", "tar-stream", "decompress", "extract-zip"]);
const ZIP_ENTRY_NAMES = new Set(["path", "entryName", "fileName", "name"]);
/** Fast digests: fine for checksums, far too cheap for passwords. */
const WEAK_DIGESTS = new Set(["md5", "sha1", "sha256", "sha512", "sha-1", "sha-256", "sha-512", "md4", "ripemd160"]);
const PASSWORD_NAME = /pass(word|wd|phrase)?$|^pwd$|^pin$/i;
const MAX_PASSWORD_HOPS = 3;
/** Packages whose methods are never query methods, even when named like one (`hash.update`). */
const NOT_QUERY_PACKAGES = new Set(["global", "crypto", "child_process", "vm", "path", "js-yaml", ...FS_PACKAGES]);
const YAML_UNSAFE_SCHEMAS = /DEFAULT_FULL_SCHEMA|FULL_SCHEMA|unsafe/i;
/** Request parts whose values may be objects (JSON bodies, `qs` query strings), so `{ $ne: null }` fits. */
const OBJECT_INPUTS = new Set(["body", "query"]);
/** `jwt.decode(token)`, `jws.decode(token)`, `jwtDecode(token)`: a token's claims read without checking its signature. */
const JWT_DECODE_NAMES = new Set(["decode", "jwtDecode", "jwt_decode", "decodeJwt"]);

/** Which sanitisers and checks count for a kind's value (`encodeURIComponent` in a URL, `escapeHtml` in HTML; SQL's reading otherwise). */
const KIND_CONTEXT: Partial<Record<SecuritySinkKind, TaintContext>> = { path: "path", zip: "path", redirect: "url", xss: "html" };
/** Clients whose filters are documents that may carry query operators (`{ "$ne": null }`). */
const DOCUMENT_CLIENTS = new Set(["mongodb", "mongoose", "marsdb", "nedb", "@seald-io/nedb", "nedb-promises", "monk", "mongojs", "camo"]);
/** knex builder methods whose first argument is SQL text, spliced into the statement as written. */
const KNEX_RAW_METHODS = new Set(["whereRaw", "orWhereRaw", "andWhereRaw", "havingRaw", "orHavingRaw", "orderByRaw", "groupByRaw", "joinRaw", "fromRaw", "selectRaw"]);
/** Response methods that write a body: Express/Fastify `send`, Node's `write`/`end`, Hono's `html`. */
const BODY_METHODS = new Set(["send", "write", "end", "html"]);
/** A content type or Express's short name for one (`user.type = "admin"` is not one). */
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+|^(html|json|text|xml|js|css|txt)$/i;
/** Response methods that declare a content type: `res.type("html")`, `reply.type("text/html")`. */
const TYPE_METHODS = new Set(["type", "contentType"]);

/** Names a call must end with to be kept as a candidate (the link step decides). */
const CANDIDATE_NAMES = new Set([
  ...FS_PATH_METHODS, ...SHELL_METHODS, ...SPAWN_METHODS, ...VM_METHODS, ...RESPONSE_PATH_METHODS, ...HEADER_METHODS, ...NOSQL_FILTER_METHODS,
  ...NOSQL_UPDATE_METHODS, ...JWT_DECODE_NAMES, ...KNEX_RAW_METHODS, ...BODY_METHODS, "digest", "redirect", "location", "eval", "Function", "Script", "render", "load",
  "safeLoad", "parseXml", "parseXmlString", "fromString", "unserialize",
]);

export const sinkCandidates: Extractor = {
  name: "sinks",
  visit: {
    CallExpression(node, ctx) {
      record(node, ctx, "call");
    },
    NewExpression(node, ctx) {
      record(node, ctx, "new");
    },
    MemberExpression(node, ctx) {
      // libxml2-wasm / libxmljs: ParseOption.XML_PARSE_NOENT substitutes entities (XXE).
      if (!node.computed && node.property?.name === "XML_PARSE_NOENT") emit(ctx, node, "xml-noent", ctx.symOf(node), []);
    },
    AssignmentExpression(node, ctx) {
      const left = unwrap(node.left);
      if (left?.type !== "MemberExpression" || left.computed || node.operator !== "=") return;
      // Koa: `ctx.body = "<p>" + q` writes the response; `ctx.type = "html"` declares it HTML.
      if (left.property.name === "body") emit(ctx, node, "body", ctx.symOf(left.object), [ctx.symOf(node.right)]);
      if (left.property.name === "type") recordContentType(ctx, ctx.symOf(node.right));
    },
  },
};

/** A content type declared in a function (`res.type("html")`, `res.set("Content-Type", …)`, `ctx.type = …`). */
function recordContentType(ctx: WalkContext, value: Sym): void {
  const fn = ctx.currentFunction();
  if (fn && value.k === "lit" && typeof value.value === "string" && CONTENT_TYPE.test(value.value)) ctx.emit(CONTENT_TYPES, { fn: fn.id, html: /html/i.test(value.value) } satisfies ContentTypeFact);
}

function contentTypeCall(node: Node, ctx: WalkContext): void {
  const callee = unwrap(node.callee);
  if (callee?.type !== "MemberExpression" || callee.computed) return;
  const name: string = callee.property.name;
  if (!TYPE_METHODS.has(name) && !HEADER_METHODS.has(name)) return;
  const args: Sym[] = node.arguments.slice(0, 2).map((a: Node) => ctx.symOf(a));
  const [first, second] = args;
  if (TYPE_METHODS.has(name) && first) recordContentType(ctx, first);
  else if (first?.k === "lit" && String(first.value).toLowerCase() === "content-type" && second) recordContentType(ctx, second);
  else {
    // `res.writeHead(200, { "Content-Type": … })`, `res.set({ "Content-Type": … })`.
    const headers = args.find((a) => a.k === "obj");
    const type = headers?.k === "obj" ? Object.entries(headers.props).find(([k]) => k.toLowerCase() === "content-type")?.[1] : undefined;
    if (type) recordContentType(ctx, type);
  }
}

function record(node: Node, ctx: WalkContext, form: "call" | "new"): void {
  const name = calleeName(node.callee);
  if (form === "call") contentTypeCall(node, ctx);
  const args = node.arguments.slice(0, 3).map((a: Node) => ctx.symOf(a.type === "SpreadElement" ? a.argument : a));
  const hasWhere = args.some((a: Sym) => a.k === "obj" && own(a.props, "$where") !== undefined);
  if (!hasWhere && (!name || !CANDIDATE_NAMES.has(name))) return;
  emit(ctx, node, form, ctx.symOf(node.callee), args);
}

function emit(ctx: WalkContext, node: Node, form: SinkCandidateFact["form"], callee: Sym, args: Sym[]): void {
  const fn = ctx.currentFunction();
  ctx.emit(SINK_CANDIDATES, { loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), form, callee, args } satisfies SinkCandidateFact);
}

function calleeName(callee: Node): string | undefined {
  const c = unwrap(callee);
  if (c?.type === "Identifier") return c.name;
  if (c?.type === "MemberExpression" && !c.computed) return c.property.name;
  return undefined;
}

// ---- link side ------------------------------------------------------------------------------

/** One dangerous argument of a recognised sink call. */
interface SinkUse {
  kind: SecuritySinkKind;
  api: string;
  value: Sym;
  /** Only a value taken as-is from an object-capable request part counts (a NoSQL filter value). */
  direct?: boolean;
  /** The kind of the finding does not depend on the value's origin (an unsafe parser option). */
  origin?: SecuritySink["interpolation"];
  via?: SourceLocation[];
  storedAt?: SourceLocation;
}

export function buildSinks(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>): SecuritySink[] {
  const byId = new Map<string, SecuritySink>();
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[SINK_CANDIDATES] ?? []) as SinkCandidateFact[]) {
      for (const use of fact.form === "body" ? koaBodyUses(index, requestParams, fact) : usesOf(index, requestParams, fact)) {
        const sink = toSink(index, requestParams, fact, use);
        const id = `${sink.id}:${sink.kind}`;
        if (sink.interpolation !== "constant" && !byId.has(id)) byId.set(id, sink);
      }
    }
  }
  for (const sink of buildErrorSinks(index)) if (!byId.has(`${sink.id}:${sink.kind}`)) byId.set(`${sink.id}:${sink.kind}`, sink);
  return [...byId.values()].sort((a, b) => byLocation(a.location, b.location) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

function toSink(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: SinkCandidateFact, use: SinkUse): SecuritySink {
  const base = {
    id: locKey(fact.loc), kind: use.kind, location: fact.loc, ...(fact.fn ? { functionId: fact.fn } : {}), api: use.api,
    ...(use.via?.length ? { via: use.via } : {}), ...(use.storedAt ? { storedAt: use.storedAt } : {}),
  };
  // A written entry whose resolved path was checked to stay under the target folder.
  if (use.kind === "zip" && originOf(index, use.value, requestParams, { context: "path", sink: fact.loc }).kind === "constant") return { ...base, flows: [], interpolation: "constant" };
  if (use.origin) return { ...base, flows: [], interpolation: use.origin };
  if (use.direct) {
    const flows = directRequestFlows(index, requestParams, use.value, fact.loc);
    return { ...base, flows, interpolation: flows.length ? "request" : "constant" };
  }
  const context = KIND_CONTEXT[use.kind];
  const origin = originOf(index, use.value, requestParams, { sink: fact.loc, ...(context ? { context } : {}) });
  const guard = use.kind === "redirect" && origin.kind !== "constant" ? guardOf(index, fact.loc, use.value) : undefined;
  // Behind an exact allowlist the target is one of the listed values.
  if (guard?.strength === "exact") return { ...base, flows: [], interpolation: "constant" };
  return { ...base, flows: origin.flows, interpolation: origin.kind, ...(guard ? { guard } : {}) };
}

/** The innermost check guarding the sink that tests the value itself (a redirect target's allowlist). */
function guardOf(index: ProjectIndex, at: SourceLocation, value: Sym): GuardCheck | undefined {
  for (const g of guardsPassedAt(index, at)) {
    const check = guardCheck(index, g.test, g.loc, value);
    if (check) return check;
  }
  return undefined;
}

/**
 * `{ _id: req.body.id }`: the request value itself, not a string built from it — a part of a JSON
 * body or `qs` query string (`req.body.id`), or of a body parsed by a method (`(await c.req.json()).title`).
 */
function directRequestFlows(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, value: Sym, sink: SourceLocation): SecuritySink["flows"] {
  const resolved = resolveShallow(index, value);
  const chain = paramChain(resolved);
  const request = chain && requestParams.get(requestParamKey(chain.fn, chain.index));
  const input = chain && request ? inputOf(request, chain.path) : parsedBodyRead(requestParams, resolved);
  if (!input || !OBJECT_INPUTS.has(input.kind)) return [];
  return originOf(index, resolved, requestParams, { sink }).flows;
}

/** Request reads by method whose result may hold objects: Hono's `c.req.json()` and `parseBody()` (not `valid()`: validated). */
const OBJECT_READ_METHODS = new Set(["json", "parseBody"]);

/** `body.title` where `body = await c.req.json()`: a part of a parsed request body. */
function parsedBodyRead(requestParams: ReadonlyMap<string, RequestParam>, value: Sym): ReturnType<typeof inputOf> {
  let root = value;
  while (root.k === "member") root = root.obj;
  if (root.k !== "call" || root.callee.k !== "member" || !OBJECT_READ_METHODS.has(root.callee.prop)) return undefined;
  const chain = paramChain(root.callee.obj);
  const request = chain && requestParams.get(requestParamKey(chain.fn, chain.index));
  return chain && request ? inputOf(request, chain.path, { method: root.callee.prop }) : undefined;
}

function usesOf(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: SinkCandidateFact): SinkUse[] {
  if (fact.form === "xml-noent") return [{ kind: "deserialization", api: "XML_PARSE_NOENT", value: fact.callee, origin: "unknown" }];
  const callee = index.resolve(fact.callee);
  const root = extRoot(callee);
  const fromPackage = root ? packageUses(index, fact, extPath(root)) : [];
  // An unknown package's client (`new MarsDB.Collection()`) is still read by its method names.
  const queryable = !root || !NOT_QUERY_PACKAGES.has(packageName(root.pkg));
  const fromMethod = !fromPackage.length && queryable && callee.k === "member" ? methodUses(index, requestParams, fact, callee.prop) : [];
  return [...nosqlWhere(fact.args), ...fromPackage, ...fromMethod];
}

/**
 * The package a method call's receiver comes from, through builder chains and project modules
 * (`db("books").select().whereRaw(…)` → "knex"); undefined when it is not traced to one
 * (an injected `this.repo`, a parameter).
 */
function receiverPackage(index: ProjectIndex, sym: Sym, depth = 0): string | undefined {
  if (depth > 24) return undefined;
  const value = index.resolve(sym);
  switch (value.k) {
    case "ext":
      return packageName(value.pkg);
    case "member":
      return receiverPackage(index, value.obj, depth + 1);
    case "call":
    case "new":
      return receiverPackage(index, value.callee, depth + 1);
    default:
      return undefined;
  }
}

const documentClientCache = new WeakMap<ProjectIndex, boolean>();

/** Whether the project talks to a document database at all: any call rooted in a Mongo-style client package. */
function usesDocumentClient(index: ProjectIndex): boolean {
  let uses = documentClientCache.get(index);
  if (uses === undefined) {
    uses = false;
    for (const call of index.allCalls()) {
      const root = extRoot(call.callee);
      if (root && DOCUMENT_CLIENTS.has(packageName(root.pkg))) {
        uses = true;
        break;
      }
    }
    documentClientCache.set(index, uses);
  }
  return uses;
}

/**
 * Whether a query method's receiver takes Mongo-style filter documents: a document-database
 * client, or (untraced) a client in a project that uses one. A SQL query builder or ORM (knex,
 * TypeORM, Sequelize, Prisma) binds filter values; a project function is not a client at all.
 */
function takesFilterDocuments(index: ProjectIndex, fact: SinkCandidateFact): boolean {
  if (fact.callee.k !== "member" || projectFunctions(index, fact.callee).length) return false;
  const pkg = receiverPackage(index, fact.callee.obj);
  if (pkg !== undefined) return DOCUMENT_CLIENTS.has(pkg);
  return usesDocumentClient(index);
}

/** `{ $where: "this.product == " + id }`: JavaScript evaluated by the database. */
function nosqlWhere(args: Sym[]): SinkUse[] {
  return args.flatMap((a) => {
    const where = a.k === "obj" ? own(a.props, "$where") : undefined;
    return where && where.k !== "fn" ? [{ kind: "nosql" as const, api: "$where", value: where }] : [];
  });
}

function packageUses(index: ProjectIndex, fact: SinkCandidateFact, ext: { pkg: string; path: string[] }): SinkUse[] {
  const [first, second] = fact.args;
  const name = ext.path[ext.path.length - 1] ?? "";
  const api = `${ext.pkg}${ext.path.length ? "." + ext.path.join(".") : ""}`;
  if (ext.pkg === "global") {
    if ((name === "eval" || name === "Function") && ext.path.length === 1) return fact.args.map((value) => ({ kind: "code" as const, api, value }));
    return [];
  }
  if (ext.pkg === "crypto" && name === "createHash" && fact.callee.k === "member" && fact.callee.prop === "digest") return weakPasswordHash(index, fact);
  if (isJwtDecode(ext) && first) return unverifiedDecode(index, fact, api, first);
  if (ext.pkg === "child_process") {
    if (SHELL_METHODS.has(name) && first) return [{ kind: "command", api, value: first }];
    if (SPAWN_METHODS.has(name) && first && usesShell(index, fact.args)) return [{ kind: "command", api, value: { k: "arr", items: fact.args.slice(0, 2) } }];
    return [];
  }
  if (ext.pkg === "vm") return vmUses(index, api, name, fact.args);
  if (ext.pkg === "notevil" && first) return [{ kind: "code", api, value: first }];
  if (FS_PACKAGES.has(ext.pkg) && FS_PATH_METHODS.has(name) && first) {
    const zip = FS_WRITE_METHODS.has(name) && zipEntryName(index, first, 0);
    return zip ? [{ kind: "zip", api, value: first, origin: "request" }] : [{ kind: "path", api, value: first }];
  }
  if (ext.pkg === "js-yaml" && (name === "load" || name === "loadAll") && first) {
    const schema = literalSchema(index, second);
    return [{ kind: "deserialization", api, value: first, ...(schema && YAML_UNSAFE_SCHEMAS.test(schema) ? { origin: "request" as const } : {}) }];
  }
  // node-serialize revives `_$$ND_FUNC$$_` values with eval: a crafted document runs code.
  if (ext.pkg === "node-serialize" && name === "unserialize" && first) return [{ kind: "deserialization", api, value: first }];
  if ((ext.pkg === "libxmljs" || ext.pkg === "libxmljs2") && (name === "parseXml" || name === "parseXmlString") && first) {
    const options = objectArg(index, second);
    return options && literalValue(index, own(options.props, "noent") ?? { k: "lit", value: null }) === true ? [{ kind: "deserialization", api, value: first }] : [];
  }
  return [];
}

function isJwtDecode({ pkg, path }: { pkg: string; path: string[] }): boolean {
  const name = path[path.length - 1];
  if (pkg === "jwt-decode") return path.length === 0 || name === "jwtDecode";
  if (pkg === "jose") return name === "decodeJwt";
  return (pkg === "jsonwebtoken" || pkg === "jws") && path.length === 1 && name === "decode";
}

/**
 * A token decoded in a function that reads the request's credential (its Authorization header, a
 * token cookie) and never verifies one, itself or through the helpers it calls: the claims decide
 * who the caller is, but anyone can write them.
 */
function unverifiedDecode(index: ProjectIndex, fact: SinkCandidateFact, api: string, token: Sym): SinkUse[] {
  if (!fact.fn) return [];
  const signals = index.signalsOf(fact.fn);
  if (!signals.readsCredential || signals.verifies) return [];
  return [{ kind: "jwt-decode", api, value: token, origin: "request", via: [signals.readsCredential] }];
}

/** `vm.runInContext(code, sandbox)`: both the code and what the sandbox hands to it are evaluated. */
function vmUses(index: ProjectIndex, api: string, name: string, args: Sym[]): SinkUse[] {
  if (!VM_METHODS.has(name) && name !== "Script") return [];
  const [code, context] = args;
  if (!code) return [];
  const text = resolveShallow(index, code);
  const literal = text.k === "lit" && typeof text.value === "string" ? text.value : undefined;
  // Code kept in a string still parses YAML: `vm.runInContext("yaml.load(data)", { yaml, data })`.
  if (literal !== undefined && /\byaml\.load\(/.test(literal)) return context ? [{ kind: "deserialization", api: `${api} (yaml.load)`, value: context }] : [];
  // A literal program only turns the sandbox's values into code when it evaluates them.
  const evaluatesContext = literal === undefined || /\b(eval|safeEval|Function)\s*\(/.test(literal);
  const values = context && evaluatesContext && (name === "runInContext" || name === "runInNewContext") ? [code, context] : [code];
  return [{ kind: "code", api, value: { k: "arr", items: values } }];
}

function methodUses(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: SinkCandidateFact, method: string): SinkUse[] {
  const [first, second] = fact.args;
  if (!first) return [];
  if (method === "redirect") return [{ kind: "redirect", api: "res.redirect", value: fact.args[fact.args.length - 1] }];
  if (method === "location") return [{ kind: "redirect", api: "res.location", value: first }];
  if (HEADER_METHODS.has(method) && second && isLocationHeader(index, first) && !answersWithSuccess(index, fact)) {
    return [{ kind: "redirect", api: `res.${method}("Location")`, value: second }];
  }
  if (RESPONSE_PATH_METHODS.has(method)) return [{ kind: "path", api: `res.${method}`, value: first }];
  if (method === "render" && second) return renderUses(index, second, fact.loc);
  if (BODY_METHODS.has(method)) return htmlResponseUses(index, requestParams, fact, method, first);
  if (KNEX_RAW_METHODS.has(method) && fact.callee.k === "member" && receiverPackage(index, fact.callee.obj) === "knex") return [{ kind: "sql-fragment", api: `knex.${method}`, value: first }];
  if ((NOSQL_FILTER_METHODS.has(method) || NOSQL_UPDATE_METHODS.has(method)) && takesFilterDocuments(index, fact)) return filterUses(index, method, fact.args);
  return [];
}

/** How a framework's response answers a string body. */
interface ResponseShape {
  style: RequestParam["style"];
  /** A content type declared on the chain (`res.type("html").send(…)`) or in the handler. */
  declared?: "html" | "other";
}

/**
 * `res.send(\`<p>${q}</p>\`)`, `res.status(200).send("Hi " + name)`, `reply.type("text/html").send(…)`,
 * `c.html(…)`: a body written to a handler's response in HTML. Express answers a string with
 * text/html unless told otherwise; Fastify with text/plain; Hono's `html()` always with HTML.
 */
function htmlResponseUses(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: SinkCandidateFact, method: string, body: Sym): SinkUse[] {
  if (fact.callee.k !== "member") return [];
  let receiver = fact.callee.obj;
  let declared: ResponseShape["declared"];
  // `res.status(201).type("html").send(…)`: the response object under the chained calls.
  while (receiver.k === "call" && receiver.callee.k === "member") {
    declared ??= chainedType(index, receiver.callee.prop, receiver.args);
    receiver = receiver.callee.obj;
  }
  const chain = paramChain(receiver);
  if (!chain || chain.path.length) return [];
  const hono = requestParams.get(requestParamKey(chain.fn, chain.index));
  if (method === "html") return hono?.style === "hono" ? [{ kind: "xss", api: "c.html", value: body }] : [];
  const request = chain.index > 0 ? requestParams.get(requestParamKey(chain.fn, chain.index - 1)) : undefined;
  if (!request || (request.style !== "express" && request.style !== "fastify")) return [];
  const type = declared ?? declaredType(index, fact.fn);
  const shape: ResponseShape = { style: request.style, ...(type ? { declared: type } : {}) };
  const name = request.style === "fastify" ? "reply" : "res";
  return isHtmlBody(index, shape, body) ? [{ kind: "xss", api: `${name}.${method}`, value: body }] : [];
}

/** `ctx.body = "<p>" + q` in a Koa handler: HTML when it starts with a tag (Koa's own test) or `ctx.type` says so. */
function koaBodyUses(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: SinkCandidateFact): SinkUse[] {
  const chain = paramChain(fact.callee);
  const request = chain && requestParams.get(requestParamKey(chain.fn, chain.index));
  const [body] = fact.args;
  if (!chain || request?.style !== "koa" || !body || (chain.path.length && chain.path.join(".") !== "response")) return [];
  const type = declaredType(index, fact.fn);
  const shape: ResponseShape = { style: "koa", ...(type ? { declared: type } : {}) };
  return isHtmlBody(index, shape, body) ? [{ kind: "xss", api: "ctx.body", value: body }] : [];
}

function chainedType(index: ProjectIndex, method: string, args: Sym[]): ResponseShape["declared"] {
  const [first, second] = args.map((a) => literalString(index, a));
  const type = TYPE_METHODS.has(method) ? first : HEADER_METHODS.has(method) && first?.toLowerCase() === "content-type" ? second : undefined;
  return type === undefined ? undefined : /html/i.test(type) ? "html" : "other";
}

/** The content type a function declares for its response (any non-HTML declaration wins: the body is not HTML). */
function declaredType(index: ProjectIndex, fnId: string | undefined): ResponseShape["declared"] {
  if (!fnId) return undefined;
  const facts = (index.files.get(fnId.replace(/:\d+:\d+$/, ""))?.extra[CONTENT_TYPES] ?? []) as ContentTypeFact[];
  const own = facts.filter((f) => f.fn === fnId);
  if (!own.length) return undefined;
  return own.every((f) => f.html) ? "html" : "other";
}

function isHtmlBody(index: ProjectIndex, shape: ResponseShape, body: Sym): boolean {
  if (shape.declared) return shape.declared === "html";
  const texts = literalParts(index, body, 0);
  switch (shape.style) {
    case "express":
      // A string body (a template or concatenation with text) goes out as text/html.
      return texts.length > 0;
    case "koa":
      return /^\s*</.test(texts[0] ?? "") && startsWithLiteral(index, body);
    default:
      return false;
  }
}

/** The literal text parts of a string built by concatenation or a template (none for a bare value). */
function literalParts(index: ProjectIndex, sym: Sym, depth: number): string[] {
  if (depth > 8) return [];
  const value = resolveShallow(index, sym);
  if (value.k === "concat") return value.parts.flatMap((p) => (p.k === "lit" && typeof p.value === "string" ? [p.value] : literalParts(index, p, depth + 1)));
  if (value.k === "alt") return value.options.flatMap((o) => literalParts(index, o, depth + 1));
  return [];
}

function startsWithLiteral(index: ProjectIndex, sym: Sym): boolean {
  const value = resolveShallow(index, sym);
  return value.k === "concat" && value.parts[0]?.k === "lit";
}

function isLocationHeader(index: ProjectIndex, name: Sym): boolean {
  const value = resolveShallow(index, name);
  return value.k === "lit" && typeof value.value === "string" && value.value.toLowerCase() === "location";
}

/**
 * `res.status(201); res.set("Location", file.url)`: beside a 2xx status the Location header names
 * the created resource, and browsers do not follow it — it is no redirect. A function that also
 * sets a 3xx status somewhere still counts as redirecting.
 */
function answersWithSuccess(index: ProjectIndex, fact: SinkCandidateFact): boolean {
  if (fact.callee.k !== "member") return false;
  const statuses: number[] = [];
  // `res.status(201).set("Location", url)`: the status is the receiver itself.
  let response = fact.callee.obj;
  if (response.k === "call" && response.callee.k === "member" && STATUS_METHODS.has(response.callee.prop)) {
    statuses.push(...statusOf(index, response));
    response = response.callee.obj;
  }
  for (const call of fact.fn ? index.callsIn.get(fact.fn) ?? [] : []) {
    if (call.callee.k === "member" && STATUS_METHODS.has(call.callee.prop) && sameValue(call.callee.obj, response)) statuses.push(...statusOf(index, call));
  }
  return statuses.some((s) => s >= 200 && s < 300) && !statuses.some((s) => s >= 300 && s < 400);
}

const STATUS_METHODS = new Set(["status", "sendStatus", "writeHead"]);

function statusOf(index: ProjectIndex, call: { args: readonly Sym[] }): number[] {
  const status = call.args[0] ? literalValue(index, call.args[0]) : undefined;
  return typeof status === "number" ? [status] : [];
}

function sameValue(a: Sym, b: Sym): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * `res.render(view, { ...req.body })`: the client chooses every option, `layout` included (a file
 * read) — except in the branch of `if (req.body.layout)` where it has none.
 */
function renderUses(index: ProjectIndex, locals: Sym, at: SourceLocation): SinkUse[] {
  const value = resolveShallow(index, locals);
  const spread = value.k === "obj" ? value.spreads : [value];
  const withoutLayout = guardsFailedAt(index, at).map((g) => resolveShallow(index, g.test));
  const hasNoLayout = (s: Sym) => withoutLayout.some((t) => t.k === "member" && t.prop === "layout" && JSON.stringify(resolveShallow(index, t.obj)) === JSON.stringify(resolveShallow(index, s)));
  return spread.filter((s) => !hasNoLayout(s)).map((s) => ({ kind: "path" as const, api: "res.render locals", value: s, direct: true }));
}

/**
 * A filter or update document that is a request object (`find(req.query)`), or a Mongo-style
 * filter whose field is a request value taken as-is (`{ _id: req.body.id }` accepts `{ $ne: 1 }`).
 * Sequelize-style `{ where: { … } }` values are bound, so only whole request objects count there.
 */
function filterUses(index: ProjectIndex, method: string, args: Sym[]): SinkUse[] {
  const update = NOSQL_UPDATE_METHODS.has(method);
  const documents = update ? args.slice(0, 2) : args.slice(0, 1);
  const uses: SinkUse[] = [];
  for (const [position, document] of documents.entries()) {
    const value = resolveShallow(index, document);
    // Sequelize's `instance.update(values)` and an update document's fields are values, not filters.
    const isFilter = !update || (position === 0 && isMongoUpdate(index, args[1]));
    if (value.k === "obj" && !isFilter) {
      uses.push(...value.spreads.map((s) => ({ kind: "nosql" as const, api: `${method} document`, value: s, direct: true })));
      continue;
    }
    if (value.k === "fn" || value.k === "lit" || value.k === "arr") continue;
    if (value.k !== "obj") {
      uses.push({ kind: "nosql", api: `${method} filter`, value, direct: true });
      continue;
    }
    const where = own(value.props, "where");
    if (where) uses.push({ kind: "nosql", api: `${method} where`, value: where, direct: true });
    else for (const field of Object.keys(value.props).filter((k) => !k.startsWith("$")).sort()) uses.push({ kind: "nosql", api: `${method} filter`, value: value.props[field], direct: true });
    for (const s of value.spreads) uses.push({ kind: "nosql", api: `${method} filter`, value: s, direct: true });
  }
  return uses;
}

/**
 * A query method called with a filter object (`db.reviews.update(filter, doc)`, a MarsDB or driver
 * collection, but also a Bookshelf or TypeORM finder): its method, its filter and, for an update,
 * its update document. Record access uses it for every such finder — picking a row by a request id
 * is an authorization question whatever the client — so, unlike the NoSQL sinks, it does not
 * require a document-database receiver (operator injection is only a document-database risk).
 */
export function mongoStyleQuery(index: ProjectIndex, fact: SinkCandidateFact): { method: string; filter: Sym; document?: Sym } | undefined {
  if (fact.form !== "call") return undefined;
  const callee = index.resolve(fact.callee);
  const root = extRoot(callee);
  if (callee.k !== "member" || (root && NOT_QUERY_PACKAGES.has(packageName(root.pkg)))) return undefined;
  const method = callee.prop;
  const [first, second] = fact.args;
  if (!first || (!NOSQL_FILTER_METHODS.has(method) && !NOSQL_UPDATE_METHODS.has(method))) return undefined;
  const update = NOSQL_UPDATE_METHODS.has(method) && isMongoUpdate(index, second);
  return { method, filter: first, ...(update && second ? { document: second } : {}) };
}

/** `update(filter, { $set: … })`: a Mongo-style update, whose first argument is a filter. */
function isMongoUpdate(index: ProjectIndex, second: Sym | undefined): boolean {
  const doc = objectArg(index, second);
  return doc !== undefined && Object.keys(doc.props).some((k) => k.startsWith("$"));
}

function usesShell(index: ProjectIndex, args: Sym[]): boolean {
  return args.some((a) => {
    const options = objectArg(index, a);
    const shell = options && own(options.props, "shell");
    return shell !== undefined && !(shell.k === "lit" && (shell.value === false || shell.value === null));
  });
}

function literalSchema(index: ProjectIndex, options: Sym | undefined): string | undefined {
  const schema = objectArg(index, options)?.props.schema;
  if (!schema) return undefined;
  const value = resolveShallow(index, schema);
  if (value.k === "lit") return String(value.value);
  const root = extRoot(value);
  return root ? extPath(root).path.join(".") : undefined;
}

/** A path built from an archive entry's own name (`entry.path`, `entry.entryName`): zip slip. */
function zipEntryName(index: ProjectIndex, sym: Sym, depth: number): boolean {
  if (depth > 12) return false;
  const value = depth === 0 ? sym : resolveShallow(index, sym);
  switch (value.k) {
    case "concat":
      return value.parts.some((p) => zipEntryName(index, p, depth + 1));
    case "alt":
      return value.options.some((p) => zipEntryName(index, p, depth + 1));
    case "call": {
      const root = extRoot(value.callee);
      return root !== undefined && packageName(root.pkg) === "path" && value.args.some((a) => zipEntryName(index, a, depth + 1));
    }
    case "member": {
      if (ZIP_ENTRY_NAMES.has(value.prop)) {
        const root = extRoot(value.obj);
        if (root && ZIP_PACKAGES.has(packageName(root.pkg))) return true;
      }
      const resolved = index.resolve(value);
      return resolved !== value && resolved.k !== "member" ? zipEntryName(index, resolved, depth + 1) : false;
    }
    default:
      return false;
  }
}

/**
 * `crypto.createHash("md5").update(password).digest()`: a fast digest of a value named like a
 * password, directly or through a helper's parameter whose call sites pass one (`hash(password)`).
 */
function weakPasswordHash(index: ProjectIndex, fact: SinkCandidateFact): SinkUse[] {
  const digest = fact.callee.k === "member" ? fact.callee.obj : undefined;
  const update = digest?.k === "call" && digest.callee.k === "member" && digest.callee.prop === "update" ? digest : undefined;
  const create = update?.callee.k === "member" ? update.callee.obj : undefined;
  if (!update || create?.k !== "call") return [];
  const algorithm = resolveShallow(index, create.args[0] ?? { k: "lit", value: null });
  if (algorithm.k !== "lit" || typeof algorithm.value !== "string" || !WEAK_DIGESTS.has(algorithm.value.toLowerCase())) return [];
  const value = update.args[0];
  const via = value ? passwordPlaces(index, value, fact.loc, 0) : [];
  if (!via.length) return [];
  const storedAt = passwordStoreAmong(index, [fact.loc, ...via.sort(byLocation)]);
  return [{ kind: "weak-password-hash", api: `crypto.createHash("${algorithm.value}")`, value, via, origin: "request", ...(storedAt ? { storedAt } : {}) }];
}

/** Where a value is named like a password: `at` itself, or the call sites that pass one (none: not a password). */
function passwordPlaces(index: ProjectIndex, value: Sym, at: SourceLocation, hops: number): SourceLocation[] {
  const resolved = resolveShallow(index, value);
  const names = (s: Sym): string[] => (s.k === "member" ? [...names(s.obj), s.prop] : s.k === "param" ? s.path : s.k === "concat" ? s.parts.flatMap(names) : s.k === "alt" ? s.options.flatMap(names) : []);
  const chain = paramChain(resolved);
  const paramName = chain && chain.path.length === 0 ? index.functions.get(chain.fn)?.params[chain.index] : undefined;
  const here = [...names(resolved), ...(paramName ? [paramName] : [])].some((n) => PASSWORD_NAME.test(n));
  if (here) return [at];
  if (!chain || chain.path.length > 0 || hops >= MAX_PASSWORD_HOPS) return [];
  return (index.callsTo.get(chain.fn) ?? []).flatMap((site) => {
    const arg = site.args[chain.index];
    return arg ? passwordPlaces(index, arg, site.loc, hops + 1) : [];
  });
}
