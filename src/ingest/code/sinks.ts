// Security sinks other than SQL: NoSQL filters and `$where`, shell commands, file-system paths,
// redirects, dynamic code (eval, Function, vm, notevil), template locals, YAML/XML parsing and
// zip entry names written to disk. The extractor records calls whose name may be a sink (and the
// XML parse options that enable external entities); the link step resolves the callee across
// files, decides which argument is dangerous and asks the taint walker where it comes from.
import type { SecuritySink, SecuritySinkKind, SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { originOf } from "../link/taint.ts";
import { inputOf, requestParamKey, type RequestParam } from "./request-reads.ts";
import { byLocation, extPath, extRoot, literalValue, locKey, objectArg, packageName, paramChain, resolveShallow } from "./values.ts";

export const SINK_CANDIDATES = "code.sinkCandidates";

export interface SinkCandidateFact {
  loc: SourceLocation;
  fn?: string;
  /** "call", "new", or "xml-noent" for a parse option that expands external entities. */
  form: "call" | "new" | "xml-noent";
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
/** Names a call must end with to be kept as a candidate (the link step decides). */
const CANDIDATE_NAMES = new Set([
  ...FS_PATH_METHODS, ...SHELL_METHODS, ...SPAWN_METHODS, ...VM_METHODS, ...RESPONSE_PATH_METHODS, ...HEADER_METHODS, ...NOSQL_FILTER_METHODS,
  ...NOSQL_UPDATE_METHODS, "digest", "redirect", "location", "eval", "Function", "Script", "render", "load", "safeLoad", "parseXml", "parseXmlString", "fromString",
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
  },
};

function record(node: Node, ctx: WalkContext, form: "call" | "new"): void {
  const name = calleeName(node.callee);
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
}

export function buildSinks(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>): SecuritySink[] {
  const byId = new Map<string, SecuritySink>();
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[SINK_CANDIDATES] ?? []) as SinkCandidateFact[]) {
      for (const use of usesOf(index, fact)) {
        const sink = toSink(index, requestParams, fact, use);
        const id = `${sink.id}:${sink.kind}`;
        if (sink.interpolation !== "constant" && !byId.has(id)) byId.set(id, sink);
      }
    }
  }
  return [...byId.values()].sort((a, b) => byLocation(a.location, b.location) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

function toSink(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: SinkCandidateFact, use: SinkUse): SecuritySink {
  const base = { id: locKey(fact.loc), kind: use.kind, location: fact.loc, ...(fact.fn ? { functionId: fact.fn } : {}), api: use.api, ...(use.via?.length ? { via: use.via } : {}) };
  if (use.origin) return { ...base, flows: [], interpolation: use.origin };
  if (use.direct) {
    const flows = directRequestFlows(index, requestParams, use.value, fact.loc);
    return { ...base, flows, interpolation: flows.length ? "request" : "constant" };
  }
  const origin = originOf(index, use.value, requestParams, { sink: fact.loc });
  return { ...base, flows: origin.flows, interpolation: origin.kind };
}

/** `{ _id: req.body.id }`: the request value itself, not a string built from it. */
function directRequestFlows(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, value: Sym, sink: SourceLocation): SecuritySink["flows"] {
  const resolved = resolveShallow(index, value);
  const chain = paramChain(resolved);
  const request = chain && requestParams.get(requestParamKey(chain.fn, chain.index));
  if (!chain || !request) return [];
  const input = inputOf(request, chain.path);
  if (!input || !OBJECT_INPUTS.has(input.kind)) return [];
  return originOf(index, resolved, requestParams, { sink }).flows;
}

function usesOf(index: ProjectIndex, fact: SinkCandidateFact): SinkUse[] {
  if (fact.form === "xml-noent") return [{ kind: "deserialization", api: "XML_PARSE_NOENT", value: fact.callee, origin: "unknown" }];
  const callee = index.resolve(fact.callee);
  const root = extRoot(callee);
  const fromPackage = root ? packageUses(index, fact, extPath(root)) : [];
  // An unknown package's client (`new MarsDB.Collection()`) is still read by its method names.
  const queryable = !root || !NOT_QUERY_PACKAGES.has(extPath(root).pkg);
  const fromMethod = !fromPackage.length && queryable && callee.k === "member" ? methodUses(index, fact, callee.prop) : [];
  return [...nosqlWhere(fact.args), ...fromPackage, ...fromMethod];
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
  if ((ext.pkg === "libxmljs" || ext.pkg === "libxmljs2") && (name === "parseXml" || name === "parseXmlString") && first) {
    const options = objectArg(index, second);
    return options && literalValue(index, own(options.props, "noent") ?? { k: "lit", value: null }) === true ? [{ kind: "deserialization", api, value: first }] : [];
  }
  return [];
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

function methodUses(index: ProjectIndex, fact: SinkCandidateFact, method: string): SinkUse[] {
  const [first, second] = fact.args;
  if (!first) return [];
  if (method === "redirect") return [{ kind: "redirect", api: "res.redirect", value: fact.args[fact.args.length - 1] }];
  if (method === "location") return [{ kind: "redirect", api: "res.location", value: first }];
  if (HEADER_METHODS.has(method) && second && isLocationHeader(index, first)) return [{ kind: "redirect", api: `res.${method}("Location")`, value: second }];
  if (RESPONSE_PATH_METHODS.has(method)) return [{ kind: "path", api: `res.${method}`, value: first }];
  if (method === "render" && second) return renderUses(index, second);
  if (NOSQL_FILTER_METHODS.has(method) || NOSQL_UPDATE_METHODS.has(method)) return filterUses(index, method, fact.args);
  return [];
}

function isLocationHeader(index: ProjectIndex, name: Sym): boolean {
  const value = resolveShallow(index, name);
  return value.k === "lit" && typeof value.value === "string" && value.value.toLowerCase() === "location";
}

/** `res.render(view, { ...req.body })`: the client chooses every option, `layout` included (a file read). */
function renderUses(index: ProjectIndex, locals: Sym): SinkUse[] {
  const value = resolveShallow(index, locals);
  const spread = value.k === "obj" ? value.spreads : [value];
  return spread.map((s) => ({ kind: "path" as const, api: "res.render locals", value: s, direct: true }));
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
  return [{ kind: "weak-password-hash", api: `crypto.createHash("${algorithm.value}")`, value, via: via.sort(byLocation), origin: "request" }];
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
