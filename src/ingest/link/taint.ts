// Where a value comes from: request input (with the path it took), constants and configuration,
// or something the analysis cannot see. A value is request-tainted when a part of it is a member
// chain rooted at a request parameter; a parameter of a helper is followed to the helper's call
// sites, and a call of a project function is followed into what it returns. Sanitisers
// (Number(), escape functions, schema validation) stop taint.
import type { RequestInput, SourceLocation, TaintFlow } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import type { Sym } from "../js/sym.ts";
import { inputOf, isReadMethod, projectFunctions, readsOf, requestParamKey, type RequestParam, type RequestReadFact } from "../code/request-reads.ts";
import { byLocation, extPath, extRoot, isProcessEnv, locKey, memberChain, packageName, paramChain, resolveShallow, substituteParams, type ParamChain } from "../code/values.ts";
import type { ProjectIndex } from "./project-index.ts";
import { compareText } from "../../model/order.ts";

export type { RequestParam };

export interface TaintOptions {
  /** The sink's kind: `encodeURIComponent` makes a value safe inside a URL, not inside SQL. */
  context?: "sql" | "url";
  /** Appended as the last step of every flow. */
  sink?: SourceLocation;
}

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
  const result = new TaintWalker(index, requestParams, options.context ?? "sql").walk(sym, 0, 0);
  const flows = finishFlows(result.flows, options.sink);
  return { kind: flows.length ? "request" : result.unknown ? "unknown" : "constant", flows };
}

class TaintWalker {
  private visits = 0;
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly index: ProjectIndex,
    private readonly requestParams: ReadonlyMap<string, RequestParam>,
    private readonly context: "sql" | "url",
  ) {}

  walk(sym: Sym, depth: number, hops: number): Result {
    if (depth > MAX_DEPTH || ++this.visits > MAX_VISITS) return UNKNOWN_RESULT;
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
        return this.all(sym.options, depth, hops);
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

  private chainValue(sym: Extract<Sym, { k: "param" | "member" }>, depth: number, hops: number): Result {
    if (sym.k === "member" && NUMERIC_PROPS.has(sym.prop)) return CONSTANT;
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
    const known = ext && packageName(ext.pkg) === "global" && (ext.path[0] === "URL" || ext.path[0] === "URLSearchParams" || ext.path[0] === "String");
    return { flows: args.flows, unknown: args.unknown || !known };
  }

  private callValue(sym: Extract<Sym, { k: "call" }>, depth: number, hops: number): Result {
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
      // `process.env.TABLES.split(",")`: configuration stays configuration.
      if (isProcessEnv(callee) && PURE_METHODS.has(path[path.length - 1])) return this.all(sym.args, depth, hops);
      if (IO_PACKAGES.has(pkg)) return UNKNOWN_RESULT;
      const args = this.all(sym.args, depth, hops);
      return { flows: args.flows, unknown: true };
    }
    if (callee.k === "member") {
      if (MAPPING_METHODS.has(callee.prop)) return this.mappedValue(callee.obj, sym, depth, hops);
      if (PURE_METHODS.has(callee.prop)) return this.all([callee.obj, ...sym.args], depth, hops);
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
        if (path[0] === "encodeURIComponent" && this.context === "url") return [];
        return undefined;
      }
      if (VALIDATOR_PACKAGES.has(pkg)) return [];
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

const callsByFunction = new WeakMap<ProjectIndex, Map<string, CallFact[]>>();

function callsIn(index: ProjectIndex, fnId: string): readonly CallFact[] {
  let byFn = callsByFunction.get(index);
  if (!byFn) {
    byFn = new Map();
    for (const call of index.allCalls()) {
      if (!call.fn) continue;
      const list = byFn.get(call.fn);
      if (list) list.push(call);
      else byFn.set(call.fn, [call]);
    }
    callsByFunction.set(index, byFn);
  }
  return byFn.get(fnId) ?? [];
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
