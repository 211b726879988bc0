// Where a value comes from: request input (with the path it took), constants and configuration,
// or something the analysis cannot see. A value is request-tainted when a part of it is a member
// chain rooted at a request parameter; a parameter of a helper is followed to the helper's call
// sites, and a call of a project function is followed into what it returns. Sanitisers
// (Number(), escape functions, schema validation) stop taint, and so do the checks around a URL,
// path or HTML sink (sink-context.ts): a value proven equal to a constant, one of a collection that
// carries no input (`ALLOWED.has(url.hostname)`, `readdirSync(dir).includes(name)`), a resolved
// path checked to start with its root, or a URL whose origin was compared with the site's.
import type { RequestInput, SourceLocation, TaintFlow } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import type { Sym } from "../js/sym.ts";
import { inputOf, isReadMethod, projectFunctions, readsOf, requestParamKey, type RequestParam, type RequestReadFact } from "../code/request-reads.ts";
import { byLocation, extPath, extRoot, isProcessEnv, locKey, memberChain, packageName, paramChain, resolveShallow, substituteParams, type ParamChain } from "../code/values.ts";
import type { ProjectIndex } from "./project-index.ts";
import { choiceConditions, conditionsAt, isAllowlistedValue, type Condition } from "../code/sink-context.ts";
import { compareText } from "../../model/order.ts";

export type { RequestParam };

export interface TaintOptions {
  /**
   * The sink's kind: `encodeURIComponent` makes a value safe inside a URL, not inside SQL;
   * `path.basename` makes it safe as a file name, not as a URL; `escapeHtml` only inside HTML.
   */
  context?: TaintContext;
  /** Appended as the last step of every flow. */
  sink?: SourceLocation;
}

export type TaintContext = "sql" | "url" | "path" | "html";

/** Sinks whose surrounding checks can confine a value (SQL keeps its own, stricter reading). */
const NARROWED_CONTEXTS = new Set<TaintContext>(["url", "path", "html"]);
/** Parts of a parsed URL that fix where it points: equal to a constant, the whole URL is confined. */
const URL_HOST_PARTS = new Set(["origin", "host", "hostname"]);
/** Symbol kinds a check can be about (a literal or a template is never the checked value itself). */
const NARROWABLE = new Set<Sym["k"]>(["new", "call", "member", "param"]);
const FS_READ_PACKAGES = new Set(["fs", "fs/promises", "fs-extra", "graceful-fs"]);
/** `readdirSync(dir)`: entry names, no directory part (in a path, as harmless as the folder). */
const DIRECTORY_LISTINGS = new Set(["readdir", "readdirSync"]);
/** `path.resolve(root, name)`: `..` is gone before a `startsWith(root)` check reads it. */
const NORMALISING_PATH_FUNCTIONS = new Set(["resolve", "join", "normalize"]);
const HTML_ESCAPE_PACKAGES = new Set([
  "escape-html", "html-escaper", "he", "entities", "sanitize-html", "xss", "dompurify", "isomorphic-dompurify", "lodash.escape", "lodash/escape", "escape-goat",
]);
const HTML_ESCAPE_NAMES = new Set(["escape", "encode", "escapeHTML", "escapeHtml", "encodeHTML", "sanitize", "filterXSS", "htmlEscape", "encodeXML", "escapeUTF8"]);

export interface Origin {
  /** request: some part is client input; constant: every part is a literal, configuration or sanitised; unknown: otherwise. */
  kind: "request" | "constant" | "unknown";
  flows: TaintFlow[];
}

const MAX_DEPTH = 40;
/** Call sites and function summaries followed from one sink. */
const MAX_HOPS = 6;
/** Symbols visited for one sink before giving up (as "unknown"), so alternatives cannot explode. */
const MAX_VISITS = 4000;
const MAX_FLOWS = 20;

/** Constructors whose instance carries what their arguments carry (a Set of literals is constant). */
const KNOWN_CONSTRUCTORS = new Set(["URL", "URLSearchParams", "String", "Set", "Map", "Array"]);
const NUMERIC_PROPS = new Set(["length", "size", "byteLength"]);
const NUMERIC_GLOBALS = new Set(["Number", "parseInt", "parseFloat", "Boolean", "Math", "Date", "isNaN", "isFinite"]);
const PASS_THROUGH_GLOBALS = new Set(["String", "JSON", "Array", "Object", "Buffer", "encodeURI", "decodeURI", "decodeURIComponent"]);
const PURE_METHODS = new Set([
  "toString", "valueOf", "trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase",
  "split", "join", "slice", "substring", "substr", "replace", "replaceAll", "concat", "padStart", "padEnd", "normalize", "repeat",
  "at", "charAt", "filter", "flat", "toFixed", "toISOString", "find", "slice", "sort", "reverse",
]);
/** `items.map(fn)`: the result is what fn returns for an item, not the items. */
const MAPPING_METHODS = new Set(["map", "flatMap"]);
const VALIDATOR_PACKAGES = new Set([
  "zod", "joi", "@hapi/joi", "yup", "valibot", "superstruct", "@sinclair/typebox", "ajv", "class-validator", "class-transformer",
  "io-ts", "runtypes", "arktype", "@effect/schema", "effect", "@vinejs/vine", "fastest-validator", "validator", "@sinclair/typebox/value",
]);
const VALIDATING_METHODS = new Set(["safeParse", "safeParseAsync", "validate", "validateAsync", "validateSync", "validateOrReject"]);
const PARSING_METHODS = new Set(["parse", "parseAsync", "cast", "decode"]);
const ESCAPING_METHODS = new Set(["escape", "escapeId", "escapeLiteral", "escapeIdentifier", "quoteIdentifier", "quoteLiteral"]);
const SQL_ESCAPE_PACKAGES = new Set(["sqlstring", "mysql", "mysql2", "pg-escape"]);
/** Packages that answer with a value from their own table (`fileTypeFromBuffer(buf).ext` is "png"), not with their input. */
const TABLE_LOOKUP_PACKAGES = new Set(["file-type", "mime", "mime-types"]);
/** `path.basename(x)`, `path.extname(x)`: no directory part survives, so no `../` either. */
const FILE_NAME_FUNCTIONS = new Set(["basename", "extname"]);
/** `path.parse(x).base`, `.name`, `.ext`: the parts of a parsed path without its directory. */
const FILE_NAME_PARTS = new Set(["base", "name", "ext"]);
// Results of queries and requests are data from elsewhere, not the arguments they were given.
const IO_PACKAGES = new Set([
  "pg", "mysql", "mysql2", "sequelize", "knex", "@prisma/client", "typeorm", "mongoose", "mongodb", "better-sqlite3", "sqlite3", "sqlite",
  "postgres", "redis", "ioredis", "axios", "got", "node-fetch", "undici", "superagent", "ky", "fs", "fs/promises",
]);
const IO_METHODS = new Set([
  "query", "execute", "raw", "findOne", "findMany", "findUnique", "findFirst", "findAll", "findByPk", "findById", "find", "count",
  "aggregate", "all", "get", "run", "exec", "fetch", "request", "json", "text", "create", "insert", "update", "save", "delete",
  "destroy", "upsert", "readFile",
]);

interface Draft {
  source: RequestInput;
  steps: SourceLocation[];
}

interface Result {
  flows: Draft[];
  unknown: boolean;
}

const CONSTANT: Result = { flows: [], unknown: false };
const UNKNOWN_RESULT: Result = { flows: [], unknown: true };

/** The request inputs that reach a value, each with the call sites it passed through (and the sink last). */
export function taintFlowsOf(index: ProjectIndex, sym: Sym, requestParams: ReadonlyMap<string, RequestParam>, options: TaintOptions = {}): TaintFlow[] {
  return originOf(index, sym, requestParams, options).flows;
}

export function originOf(index: ProjectIndex, sym: Sym, requestParams: ReadonlyMap<string, RequestParam>, options: TaintOptions = {}): Origin {
  const result = new TaintWalker(index, requestParams, options.context ?? "sql", options.sink).start(sym);
  const flows = finishFlows(result.flows, options.sink);
  return { kind: flows.length ? "request" : result.unknown ? "unknown" : "constant", flows };
}

class TaintWalker {
  private visits = 0;
  private readonly inProgress = new Set<string>();
  /** Values the checks around the sink confine, by JSON text: what each stands for instead. */
  private pins = new Map<string, Result>();

  constructor(
    private readonly index: ProjectIndex,
    private readonly requestParams: ReadonlyMap<string, RequestParam>,
    private readonly context: TaintContext,
    private readonly sink: SourceLocation | undefined,
  ) {}

  start(sym: Sym): Result {
    if (this.sink && NARROWED_CONTEXTS.has(this.context)) this.pins = this.narrowed(conditionsAt(this.index, this.sink));
    return this.walk(sym, 0, 0);
  }

  walk(sym: Sym, depth: number, hops: number): Result {
    if (depth > MAX_DEPTH || ++this.visits > MAX_VISITS) return UNKNOWN_RESULT;
    const pinned = this.pins.size && NARROWABLE.has(sym.k) ? this.pins.get(JSON.stringify(sym)) : undefined;
    if (pinned) return pinned;
    switch (sym.k) {
      case "lit":
      case "ext":
      case "fn":
      case "class":
        return CONSTANT;
      case "this":
        return UNKNOWN_RESULT;
      case "unknown":
        return isArithmetic(sym.text) ? CONSTANT : UNKNOWN_RESULT;
      case "concat":
        return this.all(sym.parts, depth, hops);
      case "alt":
        return this.altValue(sym.options, depth, hops);
      case "arr":
        // An empty array literal is filled later (`where.push(…)`), out of sight: not a constant.
        return sym.items.length ? this.all(sym.items, depth, hops) : UNKNOWN_RESULT;
      case "obj":
        return this.all([...Object.values(sym.props), ...sym.spreads], depth, hops);
      case "mod": {
        const resolved = this.index.resolve(sym);
        return resolved.k === "mod" ? UNKNOWN_RESULT : this.walk(resolved, depth + 1, hops);
      }
      case "new":
        return this.newValue(sym, depth, hops);
      case "call":
        return this.callValue(sym, depth, hops);
      case "param":
      case "member":
        return this.chainValue(sym, depth, hops);
    }
  }

  private all(syms: readonly Sym[], depth: number, hops: number): Result {
    const flows: Draft[] = [];
    let unknown = false;
    for (const s of syms) {
      const r = this.walk(s, depth + 1, hops);
      flows.push(...r.flows);
      unknown ||= r.unknown;
    }
    return { flows, unknown };
  }

  /** `url.origin === SITE ? url.pathname : "/"`: each option under what holds when it is chosen. */
  private altValue(options: readonly Sym[], depth: number, hops: number): Result {
    const choices = NARROWED_CONTEXTS.has(this.context) ? choiceConditions(this.index) : undefined;
    if (!choices?.size) return this.all(options, depth, hops);
    const flows: Draft[] = [];
    let unknown = false;
    for (const option of options) {
      const holds = choices.get(JSON.stringify(option));
      const outer = this.pins;
      if (holds?.length) this.pins = new Map([...outer, ...this.narrowed(holds)]);
      try {
        const r = this.walk(option, depth + 1, hops);
        flows.push(...r.flows);
        unknown ||= r.unknown;
      } finally {
        this.pins = outer;
      }
    }
    return { flows, unknown };
  }

  /**
   * What the conditions confine: a value equal to one free of request input, a member of such a
   * collection, a normalised path that starts with such a root; in a URL, the whole URL when its
   * origin or host is confined. Each stands for its comparand (constant, or unknown).
   */
  private narrowed(conditions: readonly Condition[]): Map<string, Result> {
    const pins = new Map<string, Result>();
    for (const condition of conditions) {
      for (const { subject, by, root } of this.comparisons(condition)) {
        if (!NARROWABLE.has(subject.k)) continue;
        const comparand = this.walk(by, 0, MAX_HOPS);
        if (comparand.flows.length) continue;
        // Under a root the client does not choose, a path stays inside it whatever the root is.
        const result = comparand.unknown && !root ? UNKNOWN_RESULT : CONSTANT;
        pins.set(JSON.stringify(subject), result);
        if (this.context === "url" && subject.k === "member" && URL_HOST_PARTS.has(subject.prop)) pins.set(JSON.stringify(subject.obj), result);
      }
    }
    return pins;
  }

  /** The value a condition is about and what it is compared with (`root`: a path prefix it must start with). */
  private comparisons(condition: Condition): { subject: Sym; by: Sym; root?: boolean }[] {
    if (condition.k === "equal") return [{ subject: condition.left, by: condition.right }, { subject: condition.right, by: condition.left }];
    const test = condition.test;
    if (!condition.holds || test.k !== "call" || !test.args[0]) return [];
    const lookedUp = this.lookupKeys(test);
    if (lookedUp.length) return lookedUp;
    if (test.callee.k !== "member") return [];
    const { obj, prop } = test.callee;
    if (prop === "has" || prop === "includes") return [{ subject: test.args[0], by: obj }];
    if (prop === "startsWith" && this.context === "path" && NORMALISING_PATH_FUNCTIONS.has(this.pathFunction(obj) ?? "")) return [{ subject: obj, by: test.args[0], root: true }];
    return [];
  }

  /**
   * A lookup that found something proves its key is one of the collection's keys: `map.get(key)`,
   * or a project function that returns nothing but `collection.get(param)`
   * (and null, undefined or other literals when the key is missing).
   */
  private lookupKeys(test: Extract<Sym, { k: "call" }>): { subject: Sym; by: Sym }[] {
    if (test.callee.k === "member" && test.callee.prop === "get" && test.args.length === 1 && !isParameter(test.callee.obj)) return [{ subject: test.args[0], by: test.callee.obj }];
    const functions = projectFunctions(this.index, test.callee);
    if (functions.length !== 1) return [];
    const fn = this.index.functions.get(functions[0]);
    if (!fn?.returns.length) return [];
    const keyed = fn.returns.flatMap((r) => (r.k === "alt" ? r.options : [r])).filter((r) => r.k !== "lit" && !(r.k === "unknown" && r.text === "undefined"));
    const lookups = keyed.map((r) => collectionLookup(r, fn.id));
    if (!lookups.length || lookups.some((l) => l === undefined)) return [];
    return lookups.flatMap((l) => (test.args[l!.param] ? [{ subject: test.args[l!.param], by: l!.collection }] : []));
  }

  private chainValue(sym: Extract<Sym, { k: "param" | "member" }>, depth: number, hops: number): Result {
    if (sym.k === "member" && NUMERIC_PROPS.has(sym.prop)) return CONSTANT;
    if (sym.k === "member" && this.context === "path" && FILE_NAME_PARTS.has(sym.prop) && this.isPathCall(sym.obj, "parse")) return CONSTANT;
    const chain = paramChain(sym);
    if (chain) return this.paramValue(chain, depth, hops);
    const member = sym as Extract<Sym, { k: "member" }>;
    const resolved = resolveShallow(this.index, member);
    if (resolved.k !== "member") return this.walk(resolved, depth + 1, hops);
    // A property an object literal does not have can only come from its spreads.
    if (member.obj.k === "obj") return this.all(member.obj.spreads, depth, hops);
    // A property of a value carries what the value carries.
    return this.walk(member.obj, depth + 1, hops);
  }

  private paramValue(chain: ParamChain, depth: number, hops: number): Result {
    const request = this.requestParams.get(requestParamKey(chain.fn, chain.index));
    if (request) {
      const input = inputOf(request, chain.path);
      if (!input) return UNKNOWN_RESULT;
      return { flows: [{ source: { ...input, location: this.readLocation(chain) }, steps: [] }], unknown: false };
    }
    const key = `param ${chain.fn} ${chain.index}`;
    const sites = this.index.callsTo.get(chain.fn) ?? [];
    if (!sites.length || hops >= MAX_HOPS || this.inProgress.has(key)) return UNKNOWN_RESULT;
    this.inProgress.add(key);
    try {
      const flows: Draft[] = [];
      let unknown = false;
      for (const site of sites) {
        const arg = site.args[chain.index];
        if (!arg) continue;
        const r = this.walk(memberChain(arg, chain.path), depth + 1, hops + 1);
        flows.push(...r.flows.map((f) => ({ source: f.source, steps: [...f.steps, site.loc] })));
        unknown ||= r.unknown;
      }
      return { flows, unknown };
    } finally {
      this.inProgress.delete(key);
    }
  }

  private newValue(sym: Extract<Sym, { k: "new" }>, depth: number, hops: number): Result {
    const ext = extRoot(sym.callee);
    if (ext && packageName(ext.pkg) === "global" && ext.path[0] === "Date") return CONSTANT;
    const args = this.all(sym.args, depth, hops);
    const known = ext && packageName(ext.pkg) === "global" && KNOWN_CONSTRUCTORS.has(ext.path[0]);
    return { flows: args.flows, unknown: args.unknown || !known };
  }

  private callValue(sym: Extract<Sym, { k: "call" }>, depth: number, hops: number): Result {
    if (isAllowlistedValue(this.index, sym.loc)) return CONSTANT;
    const requestRead = this.requestMethodRead(sym);
    if (requestRead) return requestRead;
    const callee = this.index.resolve(sym.callee);
    const sanitised = this.sanitisedArgs(callee, sym);
    if (sanitised) return this.all(sanitised, depth, hops);
    const functions = projectFunctions(this.index, sym.callee);
    if (functions.length) return this.summaryValue(sym, functions, depth, hops);
    if (callee.k === "ext") {
      const { pkg, path } = extPath(callee);
      if (pkg === "global" && PASS_THROUGH_GLOBALS.has(path[0])) return this.all(sym.args, depth, hops);
      if (TABLE_LOOKUP_PACKAGES.has(pkg)) return CONSTANT;
      // `process.env.TABLES.split(",")`: configuration stays configuration.
      if (isProcessEnv(callee) && PURE_METHODS.has(path[path.length - 1])) return this.all(sym.args, depth, hops);
      if (IO_PACKAGES.has(pkg)) return UNKNOWN_RESULT;
      const args = this.all(sym.args, depth, hops);
      return { flows: args.flows, unknown: true };
    }
    if (callee.k === "member") {
      if (MAPPING_METHODS.has(callee.prop)) return this.mappedValue(callee.obj, sym, depth, hops);
      if (PURE_METHODS.has(callee.prop)) return this.all([callee.obj, ...sym.args], depth, hops);
      // `this.invoices.renderPdf(id)`: a method of a dependency the class holds (injected, not
      // resolved here) returns what it computes; its arguments are not known to reach the result.
      if (callee.obj.k === "member" && callee.obj.obj.k === "this") return UNKNOWN_RESULT;
      const root = extRoot(callee);
      if (IO_METHODS.has(callee.prop) || (root && IO_PACKAGES.has(packageName(root.pkg)))) return UNKNOWN_RESULT;
    }
    const parts = this.all(callee.k === "member" ? [callee.obj, ...sym.args] : sym.args, depth, hops);
    return { flows: parts.flows, unknown: true };
  }

  private mappedValue(items: Sym, call: Extract<Sym, { k: "call" }>, depth: number, hops: number): Result {
    const callback = call.args[0];
    const functions = callback ? projectFunctions(this.index, callback) : [];
    if (!functions.length) return this.all([items, ...call.args], depth, hops);
    const item = memberChain(items, ["[]"]);
    const perItem: Extract<Sym, { k: "call" }> = { k: "call", callee: callback, args: [item, { k: "lit", value: 0 }, items], loc: call.loc };
    return this.summaryValue(perItem, functions, depth, hops);
  }

  /** `req.get("x-forwarded-for")`, `c.req.query("q")`: a request read made by a method call. */
  private requestMethodRead(sym: Extract<Sym, { k: "call" }>): Result | undefined {
    if (sym.callee.k !== "member" || !isReadMethod(sym.callee.prop)) return undefined;
    const chain = paramChain(sym.callee.obj);
    const request = chain && this.requestParams.get(requestParamKey(chain.fn, chain.index));
    if (!chain || !request) return undefined;
    const first = sym.args[0];
    const arg = first?.k === "lit" && typeof first.value === "string" ? first.value : undefined;
    const input = inputOf(request, chain.path, { method: sym.callee.prop, ...(arg !== undefined ? { arg } : {}) });
    return input ? { flows: [{ source: { ...input, location: sym.loc }, steps: [] }], unknown: false } : undefined;
  }

  /**
   * For a sanitising call, the arguments that still reach its result: none for Number() or an
   * escape function, the format string only for `mysql.format(sql, values)` or `knex.raw(sql, bindings)`.
   */
  private sanitisedArgs(callee: Sym, call: Extract<Sym, { k: "call" }>): Sym[] | undefined {
    if (callee.k === "ext") {
      const { pkg, path } = extPath(callee);
      const last = path[path.length - 1];
      if (pkg === "global") {
        if (NUMERIC_GLOBALS.has(path[0]) || path[0] === "escape") return [];
        // Inside HTML an encoded component has no `<` or `"` left either.
        if (path[0] === "encodeURIComponent" && (this.context === "url" || this.context === "html")) return [];
        return undefined;
      }
      if (VALIDATOR_PACKAGES.has(pkg)) return [];
      if (this.context === "path" && (pkg === "path" || pkg === "path/posix") && FILE_NAME_FUNCTIONS.has(last)) return [];
      if (this.context === "path" && FS_READ_PACKAGES.has(pkg) && DIRECTORY_LISTINGS.has(last)) return call.args.slice(0, 1);
      if (this.context === "html" && isHtmlEscape(pkg, path)) return [];
      if (pkg === "express-validator" && last === "matchedData") return [];
      if (SQL_ESCAPE_PACKAGES.has(pkg) && (last === "escape" || last === "escapeId")) return [];
      if (SQL_ESCAPE_PACKAGES.has(pkg) && last === "format") return call.args.slice(0, 1);
      if (pkg === "pg-format") return this.pgFormatArgs(call);
      return undefined;
    }
    if (callee.k !== "member") return undefined;
    const root = extRoot(callee.obj);
    const rootPkg = root && packageName(root.pkg);
    if (ESCAPING_METHODS.has(callee.prop)) return [];
    if (VALIDATING_METHODS.has(callee.prop) && rootPkg !== "global") return [];
    if (PARSING_METHODS.has(callee.prop) && rootPkg && VALIDATOR_PACKAGES.has(rootPkg)) return [];
    if (callee.prop === "raw" && rootPkg === "knex") return call.args.slice(0, 1);
    if (callee.prop === "format" && rootPkg && SQL_ESCAPE_PACKAGES.has(rootPkg)) return call.args.slice(0, 1);
    return undefined;
  }

  /** `path.parse(x)` (also through `await` or a member of the path module). */
  private isPathCall(sym: Sym, name: string): boolean {
    return this.pathFunction(sym) === name;
  }

  /** The path-module function a call is (`path.resolve(…)` → "resolve"). */
  private pathFunction(sym: Sym): string | undefined {
    if (sym.k !== "call") return undefined;
    const callee = this.index.resolve(sym.callee);
    if (callee.k !== "ext") return undefined;
    const { pkg, path } = extPath(callee);
    return pkg === "path" || pkg === "path/posix" ? path[path.length - 1] : undefined;
  }

  /** pg-format: `%L` and `%I` escape their arguments, `%s` does not. */
  private pgFormatArgs(call: Extract<Sym, { k: "call" }>): Sym[] {
    const format = call.args[0] && resolveShallow(this.index, call.args[0]);
    const literal = format?.k === "lit" && typeof format.value === "string" ? format.value : undefined;
    return literal !== undefined && !literal.includes("%s") ? call.args.slice(0, 1) : call.args;
  }

  /** A project function's result: its return values with its parameters replaced by the call's arguments. */
  private summaryValue(call: Extract<Sym, { k: "call" }>, functions: string[], depth: number, hops: number): Result {
    const flows: Draft[] = [];
    let unknown = false;
    for (const fnId of functions) {
      const key = `summary ${fnId}`;
      const returns = this.index.functions.get(fnId)?.returns ?? [];
      if (!returns.length || hops >= MAX_HOPS || this.inProgress.has(key)) {
        unknown = true;
        continue;
      }
      this.inProgress.add(key);
      try {
        for (const ret of returns) {
          const r = this.walk(substituteParams(ret, fnId, call.args), depth + 1, hops + 1);
          flows.push(...r.flows.map((f) => ({ source: f.source, steps: [...f.steps, call.loc] })));
          unknown ||= r.unknown;
        }
      } finally {
        this.inProgress.delete(key);
      }
    }
    return { flows, unknown };
  }

  /** Where the handler reads the input: the recorded read with the same path, else the function itself. */
  private readLocation(chain: ParamChain): SourceLocation {
    const reads = readsOf(this.index, chain.fn).filter((r) => r.index === chain.index && !r.call);
    const best = bestRead(reads, chain.path);
    return best?.loc ?? this.index.functions.get(chain.fn)?.loc ?? { file: chain.fn.replace(/:\d+:\d+$/, ""), line: 1, column: 1 };
  }
}

/**
 * `escapeHtml(x)`, `he.encode(x)`, `DOMPurify.sanitize(x)`, `_.escape(x)`, Hono's `html` tag (which
 * escapes what it interpolates): the result is text, not markup.
 */
function isHtmlEscape(pkg: string, path: readonly string[]): boolean {
  const last = path[path.length - 1];
  if (HTML_ESCAPE_PACKAGES.has(pkg)) return path.length === 0 || HTML_ESCAPE_NAMES.has(last);
  if (pkg === "lodash" || pkg === "underscore" || pkg === "lodash-es") return last === "escape";
  // `import { html } from "hono/html"` is recorded under the package name.
  return (pkg === "hono" || pkg === "hono/html") && last === "html";
}

/**
 * `params.length - 1`, `page * size`: one arithmetic operator between plain operands gives a
 * number, which cannot change a statement's structure. (The analyzer keeps such expressions only
 * as text.)
 */
function isArithmetic(text: string): boolean {
  return /^[\w$.\[\]()\s]+[-*/%][\w$.\[\]()\s]+$/.test(text);
}

/** The exact read of a path, else the longest read that is a prefix of it; the first in source order. */
function bestRead(reads: readonly RequestReadFact[], path: readonly string[]): RequestReadFact | undefined {
  let best: RequestReadFact | undefined;
  let bestScore = -1;
  for (const read of [...reads].sort((a, b) => byLocation(a.loc, b.loc))) {
    const prefix = read.path.length <= path.length && read.path.every((p, i) => p === path[i]);
    const score = !prefix ? -1 : read.path.length === path.length ? 1000 : read.path.length;
    if (score > bestScore) {
      best = read;
      bestScore = score;
    }
  }
  return bestScore > 0 ? best : undefined;
}

function finishFlows(drafts: readonly Draft[], sink: SourceLocation | undefined): TaintFlow[] {
  const unique = new Map<string, TaintFlow>();
  for (const d of drafts) {
    const steps = sink ? [...d.steps, sink] : [...d.steps];
    const key = [d.source.kind, d.source.path, locKey(d.source.location), ...steps.map(locKey)].join("|");
    if (!unique.has(key)) unique.set(key, { source: d.source, steps });
  }
  return [...unique.values()].sort(compareFlows).slice(0, MAX_FLOWS);
}

function compareFlows(a: TaintFlow, b: TaintFlow): number {
  return byLocation(a.source.location, b.source.location) || compareText(a.source.path, b.source.path) || compareText(a.steps.map(locKey).join(" "), b.steps.map(locKey).join(" "));
}

// ---- call graph -------------------------------------------------------------------------------

function callsIn(index: ProjectIndex, fnId: string): readonly CallFact[] {
  return index.callsIn.get(fnId) ?? [];
}

/** A function and every project function it calls or passes as a callback, transitively; sorted. */
export function reachableFunctions(index: ProjectIndex, fnId: string): string[] {
  const seen = new Set<string>([fnId]);
  const queue = [fnId];
  while (queue.length) {
    const current = queue.shift()!;
    for (const call of callsIn(index, current)) {
      const targets = [...projectFunctions(index, call.callee), ...call.args.flatMap((a) => projectFunctions(index, a))];
      for (const target of targets) {
        if (seen.has(target)) continue;
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].sort();
}

/** `collection.get(param)` inside function `fnId`: which parameter, and the collection. */
function collectionLookup(sym: Sym, fnId: string): { param: number; collection: Sym } | undefined {
  if (sym.k === "call" && sym.callee.k === "member" && sym.callee.prop === "get" && sym.args.length === 1) {
    const key = sym.args[0];
    if (key.k === "param" && key.fn === fnId && key.path.length === 0) return { param: key.index, collection: sym.callee.obj };
  }
  return undefined;
}

/** A parameter itself (`req.get("x")` reads a header): not a collection bka can see. */
function isParameter(sym: Sym): boolean {
  return sym.k === "param" && sym.path.length === 0;
}
