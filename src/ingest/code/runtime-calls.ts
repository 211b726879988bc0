// Calls whose cost or effect matters when they run while serving a request: synchronous file,
// crypto, zlib and child-process calls (they block the event loop for every client), JSON work
// inside loops, regexes compiled from a variable or with a pattern that backtracks exponentially,
// database clients and pools created by a call, and process.exit. The extractor keeps calls by
// name; the link step resolves the callee to its package, asks the taint walker which request
// inputs reach the relevant argument, and drops what is not one of these calls.
import type { RuntimeCall, RuntimeCallCategory, SourceLocation, TaintFlow } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { originOf } from "../link/taint.ts";
import type { RequestParam } from "./request-reads.ts";
import { visitorKeys } from "oxc-parser";
import { addToList, byLocation, extPath, extRoot, locKey, packageName, resolveShallow } from "./values.ts";

export const RUNTIME_CANDIDATES = "code.runtimeCandidates";
/** Locations of `x = new Pool()` / `this.db ??= createPool()`: a client kept outside the call. */
export const STORED_VALUES = "code.storedValues";
/** Regex literals by raw text (`/(a+)+$/`), with where they are written. */
export const REGEX_LITERALS = "code.regexLiterals";
/** Functions that cache what they compute (`if (!cached) cached = …`, `if (cache[k]) return cache[k]`, `x ??= …`). */
export const MEMO_FUNCTIONS = "code.memoFunctions";

export interface RuntimeCandidateFact {
  loc: SourceLocation;
  fn?: string;
  inLoop: boolean;
  /** "call"/"new": a package call; "regex": a RegExp or String method that takes a pattern. */
  form: "call" | "new" | "regex";
  /** The method name for form "regex" ("test", "match", "replace" …). */
  method?: string;
  callee: Sym;
  args: Sym[];
}

export interface RegexLiteralFact {
  text: string;
  loc: SourceLocation;
}

const FS_PACKAGES = new Set(["fs", "fs-extra", "graceful-fs"]);
/** Metadata calls (existsSync, statSync, accessSync …) take microseconds on a local disk: not recorded. */
const FS_METADATA = new Set(["existsSync", "statSync", "lstatSync", "fstatSync", "accessSync", "realpathSync"]);
/** CPU-bound by design (key derivation, password hashing, key generation): tens to hundreds of ms. */
const CRYPTO_SYNC = new Set(["pbkdf2Sync", "scryptSync", "generateKeyPairSync", "generatePrimeSync"]);
const BCRYPT_PACKAGES = new Set(["bcrypt", "bcryptjs", "@node-rs/bcrypt"]);
const BCRYPT_SYNC = new Set(["hashSync", "compareSync", "verifySync"]);
const PROCESS_SYNC = new Set(["execSync", "execFileSync", "spawnSync"]);

interface ClientKind {
  /** A pool (or a client that keeps one) rather than one connection. */
  pooled: boolean;
}
/** Constructors (`new`) and factories (calls) that open database or cache connections, by package and member path. */
const DB_NEW: Record<string, Record<string, ClientKind>> = {
  pg: { Pool: { pooled: true }, Client: { pooled: false } },
  "pg-pool": { "": { pooled: true } },
  "@prisma/client": { PrismaClient: { pooled: true } },
  mongodb: { MongoClient: { pooled: true } },
  sequelize: { Sequelize: { pooled: true }, "": { pooled: true } },
  typeorm: { DataSource: { pooled: true } },
  ioredis: { "": { pooled: false }, Redis: { pooled: false }, Cluster: { pooled: true } },
};
const MYSQL_CALLS = { createPool: { pooled: true }, createPoolCluster: { pooled: true }, createConnection: { pooled: false } };
const DB_CALLS: Record<string, Record<string, ClientKind>> = {
  mysql: MYSQL_CALLS,
  mysql2: MYSQL_CALLS,
  "mysql2/promise": MYSQL_CALLS,
  // mongoose.connect() reuses the default connection when it is already open: only createConnection opens a new pool.
  mongoose: { createConnection: { pooled: true } },
  mongodb: { "MongoClient.connect": { pooled: true } },
  knex: { "": { pooled: true }, knex: { pooled: true } },
  postgres: { "": { pooled: true } },
  typeorm: { createConnection: { pooled: true } },
  redis: { createClient: { pooled: false }, createCluster: { pooled: true } },
};
const DB_PACKAGES = new Set([...Object.keys(DB_NEW), ...Object.keys(DB_CALLS)]);

/** Methods that take a regex: on the regex itself (test, exec) or on the string (match …). */
const REGEX_RECEIVER_METHODS = new Set(["test", "exec"]);
/** String methods that compile a string argument into a regex. */
const COMPILING_METHODS = new Set(["match", "matchAll", "search"]);
/** String methods whose string argument is plain text: only a regex argument counts. */
const TEXT_METHODS = new Set(["replace", "replaceAll", "split"]);
const CALL_NAMES = new Set(["parse", "stringify", "exit", "RegExp", "connect", "createPool", "createPoolCluster", "createConnection", "createClient", "createCluster", "knex"]);
const NEW_NAMES = new Set(["RegExp", "Pool", "Client", "PrismaClient", "MongoClient", "Sequelize", "DataSource", "Redis", "Cluster"]);

export const runtimeCallCandidates: Extractor = {
  name: "runtime-calls",
  visit: {
    CallExpression(node, ctx) {
      const name = calleeName(node.callee);
      if (!name) return;
      if (REGEX_RECEIVER_METHODS.has(name) || COMPILING_METHODS.has(name) || (TEXT_METHODS.has(name) && mayBeRegex(node.arguments[0]))) {
        if (node.arguments.length && unwrap(node.callee).type === "MemberExpression") emit(ctx, node, "regex", name);
        return;
      }
      if (name.endsWith("Sync") || CALL_NAMES.has(name) || isDbPackageValue(node.callee, ctx)) {
        if ((name === "parse" || name === "stringify") && !ctx.inLoop()) return;
        emit(ctx, node, "call");
      }
    },
    NewExpression(node, ctx) {
      const name = calleeName(node.callee);
      if ((name && NEW_NAMES.has(name)) || isDbPackageValue(node.callee, ctx)) emit(ctx, node, "new");
    },
    Literal(node, ctx) {
      if (node.regex) ctx.emit(REGEX_LITERALS, { text: node.raw, loc: ctx.loc(node) } satisfies RegexLiteralFact);
    },
    IfStatement(node, ctx) {
      const fn = ctx.currentFunction();
      if (fn && isMemoGuard(node, ctx)) ctx.emit(MEMO_FUNCTIONS, fn.id);
    },
    AssignmentExpression(node, ctx) {
      const fn = ctx.currentFunction();
      if (fn && (node.operator === "??=" || node.operator === "||=")) ctx.emit(MEMO_FUNCTIONS, fn.id);
      let right = unwrap(node.right);
      if (right?.type === "AwaitExpression") right = unwrap(right.argument);
      if (right?.type === "NewExpression" || right?.type === "CallExpression") ctx.emit(STORED_VALUES, locKey(ctx.loc(right)));
    },
  },
};

function emit(ctx: WalkContext, node: Node, form: RuntimeCandidateFact["form"], method?: string): void {
  const fn = ctx.currentFunction();
  const args = node.arguments.slice(0, 2).map((a: Node) => ctx.symOf(a.type === "SpreadElement" ? a.argument : a));
  ctx.emit(RUNTIME_CANDIDATES, {
    loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), inLoop: ctx.inLoop(), form, ...(method ? { method } : {}), callee: ctx.symOf(node.callee), args,
  } satisfies RuntimeCandidateFact);
}

function calleeName(callee: Node): string | undefined {
  const c = unwrap(callee);
  if (c?.type === "Identifier") return c.name;
  if (c?.type === "MemberExpression" && !c.computed) return c.property.name;
  return undefined;
}

/** `knex(config)`, `new IORedis()`: a callee named anything, bound to a database package. */
function isDbPackageValue(callee: Node, ctx: WalkContext): boolean {
  const c = unwrap(callee);
  if (c?.type !== "Identifier") return false;
  const sym = ctx.symOf(c);
  return sym.k === "ext" && DB_PACKAGES.has(packageName(sym.pkg));
}

/**
 * `if (!cached) { … cached = v }`, `if (cached === undefined) …`, `if (cache[key]) return cache[key]`:
 * the guarded work runs once (per key), not per request.
 */
function isMemoGuard(node: Node, ctx: WalkContext): boolean {
  return conjuncts(unwrap(node.test)).some((test) => guardsOnce(test, node.consequent, ctx));
}

/** `enabled && cache === null` → both sides: any of them may be the cache check. */
function conjuncts(test: Node): Node[] {
  if (test?.type === "LogicalExpression" && test.operator === "&&") return [...conjuncts(unwrap(test.left)), ...conjuncts(unwrap(test.right))];
  return test ? [test] : [];
}

function guardsOnce(test: Node, consequent: Node, ctx: WalkContext): boolean {
  const nullCheck = test.type === "BinaryExpression" && /^[!=]==?$/.test(test.operator) && isNullish(test.right);
  const negated = test.type === "UnaryExpression" && test.operator === "!";
  const target = negated ? unwrap(test.argument) : nullCheck ? unwrap(test.left) : test;
  const testsUnset = negated || (nullCheck && test.operator.startsWith("="));
  const text = ctx.text(target, 200);
  if (testsUnset) return assigns(consequent, text, ctx, 0);
  const body = consequent?.type === "BlockStatement" && consequent.body.length === 1 ? consequent.body[0] : consequent;
  return body?.type === "ReturnStatement" && body.argument !== null && ctx.text(body.argument, 200) === text;
}

function isNullish(node: Node): boolean {
  const n = unwrap(node);
  return (n?.type === "Literal" && n.value === null) || (n?.type === "Identifier" && n.name === "undefined");
}

/** An assignment to `target` (by its source text) somewhere in a statement, not inside a nested function. */
function assigns(node: Node, target: string, ctx: WalkContext, depth: number): boolean {
  if (!node || typeof node.type !== "string" || depth > 8 || /Function/.test(node.type)) return false;
  if (node.type === "AssignmentExpression" && ctx.text(node.left, 200) === target) return true;
  const keys: readonly string[] = (visitorKeys as Record<string, readonly string[]>)[node.type] ?? [];
  return keys.some((key) => {
    const child = node[key];
    return Array.isArray(child) ? child.some((c) => assigns(c, target, ctx, depth + 1)) : assigns(child, target, ctx, depth + 1);
  });
}

/** A string literal or template is plain text for replace/split; anything else may hold a regex. */
function mayBeRegex(arg: Node | undefined): boolean {
  const a = arg && unwrap(arg);
  if (!a) return false;
  if (a.type === "Literal") return Boolean(a.regex);
  return a.type !== "TemplateLiteral";
}

// ---- link side ------------------------------------------------------------------------------

interface Classified {
  category: RuntimeCallCategory;
  api: string;
  /** The argument whose request origin matters. */
  value?: Sym;
  regex?: RuntimeCall["regex"];
  pooled?: boolean;
}

export function buildRuntimeCalls(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>): RuntimeCall[] {
  const stored = new Set<string>();
  const memo = new Set<string>();
  for (const facts of index.files.values()) {
    for (const key of (facts.extra[STORED_VALUES] ?? []) as string[]) stored.add(key);
    for (const fn of (facts.extra[MEMO_FUNCTIONS] ?? []) as string[]) memo.add(fn);
  }
  const calls = new Map<string, RuntimeCall>();
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[RUNTIME_CANDIDATES] ?? []) as RuntimeCandidateFact[]) {
      const classified = fact.form === "regex" ? regexMethod(index, requestParams, fact) : classifyCall(index, requestParams, fact);
      if (!classified) continue;
      const id = locKey(fact.loc);
      const flows = classified.value && !(classified.category === "regex" && matchedByLiteral(index, classified.value, 0)) ? originOf(index, classified.value, requestParams, { sink: fact.loc }).flows : [];
      calls.set(id, {
        id,
        category: classified.category,
        api: classified.api,
        location: fact.loc,
        ...(fact.fn ? { functionId: fact.fn } : {}),
        inLoop: fact.inLoop,
        flows,
        ...(classified.regex ? { regex: classified.regex } : {}),
        ...(classified.category === "db-client" && stored.has(id) ? { stored: true } : {}),
        ...(classified.pooled !== undefined ? { pooled: classified.pooled } : {}),
        ...(fact.fn && isMemoised(index, memo, fact.fn, 0) ? { memoised: true } : {}),
      });
    }
  }
  return [...calls.values()].filter(worthKeeping).sort((a, b) => byLocation(a.location, b.location));
}

const MAX_MEMO_HOPS = 3;

/** The function caches its work, or every call of it comes from one that does. */
function isMemoised(index: ProjectIndex, memo: ReadonlySet<string>, fnId: string, hops: number): boolean {
  if (memo.has(fnId)) return true;
  // Calls at module level run once at startup: only the calls made inside functions decide.
  const sites = (index.callsTo.get(fnId) ?? []).filter((site) => site.fn !== undefined);
  if (!sites.length || hops >= MAX_MEMO_HOPS) return false;
  return sites.every((site) => site.fn !== fnId && isMemoised(index, memo, site.fn!, hops + 1));
}

/** A regex is kept only when request input reaches its pattern or the pattern is catastrophic; other calls always. */
function worthKeeping(call: RuntimeCall): boolean {
  return call.category !== "regex" || call.flows.length > 0 || call.regex?.catastrophic !== undefined;
}

function classifyCall(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: RuntimeCandidateFact): Classified | undefined {
  if (isRegExpCallee(fact.callee)) return globalCall(index, requestParams, fact, ["RegExp"], "new RegExp");
  // The package function itself: `client.connect()` on a client made elsewhere is not a new client.
  const callee = index.resolve(fact.callee);
  if (callee.k !== "ext") return undefined;
  const { pkg, path } = extPath(callee);
  const name = path[path.length - 1] ?? "";
  const api = `${fact.form === "new" ? "new " : ""}${pkg === "global" ? "" : pkg}${path.length ? (pkg === "global" ? "" : ".") + path.join(".") : ""}`;
  const [first] = fact.args;
  if (pkg === "global") return globalCall(index, requestParams, fact, path, api);
  if (fact.form === "call") {
    if (FS_PACKAGES.has(pkg) && name.endsWith("Sync") && !FS_METADATA.has(name)) return { category: "sync-fs", api, value: first };
    if (pkg === "crypto" && CRYPTO_SYNC.has(name)) return { category: "sync-crypto", api };
    if (BCRYPT_PACKAGES.has(pkg) && BCRYPT_SYNC.has(name)) return { category: "sync-crypto", api };
    if (pkg === "zlib" && name.endsWith("Sync")) return { category: "sync-zlib", api, value: first };
    if (pkg === "child_process" && PROCESS_SYNC.has(name)) return { category: "sync-process", api, value: first };
  }
  const client = own(fact.form === "new" ? own(DB_NEW, pkg) : own(DB_CALLS, pkg), path.join("."));
  if (client) return { category: "db-client", api, pooled: client.pooled };
  return undefined;
}

/** `JSON.stringify({ type: "tick", data })`: serialising a small object built on the spot is the message itself, not data. */
function builtHere(index: ProjectIndex, arg: Sym | undefined): boolean {
  const value = arg && resolveShallow(index, arg);
  return value?.k === "obj" || value?.k === "lit";
}

function globalCall(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: RuntimeCandidateFact, path: string[], api: string): Classified | undefined {
  const [head, member] = path;
  if (head === "JSON" && (member === "parse" || member === "stringify") && fact.inLoop && !builtHere(index, fact.args[0])) return { category: "json-in-loop", api };
  if (head === "process" && member === "exit" && path.length === 2) return { category: "process-exit", api };
  if (head === "RegExp" && path.length === 1 && fact.args[0]) {
    const source = literalText(index, fact.args[0]);
    return regexOf("new RegExp", source === undefined ? fact.args[0] : undefined, source, undefined, index, requestParams, fact.loc);
  }
  return undefined;
}

// ---- regexes --------------------------------------------------------------------------------

/** A regex literal's pattern text (`/(a+)+$/i` → `(a+)+$`), or a string literal's. */
function literalText(index: ProjectIndex, sym: Sym): string | undefined {
  const value = resolveShallow(index, sym);
  if (value.k === "lit" && typeof value.value === "string") return value.value;
  if (value.k === "unknown") return regexLiteralBody(value.text);
  return undefined;
}

function regexLiteralBody(text: string): string | undefined {
  const match = /^\/(.*)\/[dgimsuvy]*$/s.exec(text);
  return match ? match[1] : undefined;
}

const SLICING_METHODS = new Set(["slice", "substring", "substr", "trim", "toLowerCase", "toUpperCase"]);
/** `uniq(matches)`, `Array.from(matches)`: the same items, rearranged. */
const COLLECTION_HELPERS = new Set(["uniq", "compact", "flatten", "from", "sortBy"]);

/**
 * `for (const m of text.match(/@[0-9a-f-]{36}/g)) new RegExp(m)`: a piece that a literal regex
 * matched is shaped by that regex, not free client input.
 */
function matchedByLiteral(index: ProjectIndex, sym: Sym, depth: number): boolean {
  if (depth > 8) return false;
  const value = resolveShallow(index, sym);
  if (value.k === "member") return matchedByLiteral(index, value.obj, depth + 1);
  // `text.match(re) ?? []`: the empty fallback adds nothing.
  if (value.k === "alt") return value.options.every((o) => matchedByLiteral(index, o, depth + 1));
  if (value.k === "arr") return value.items.every((item) => matchedByLiteral(index, item, depth + 1));
  if (value.k !== "call") return false;
  const pkg = extRoot(value.callee);
  if (pkg && COLLECTION_HELPERS.has(extPath(pkg).path.at(-1) ?? "") && value.args[0]) return matchedByLiteral(index, value.args[0], depth + 1);
  if (value.callee.k !== "member") return false;
  const { prop, obj } = value.callee;
  if (SLICING_METHODS.has(prop)) return matchedByLiteral(index, obj, depth + 1);
  const regex = prop === "exec" ? obj : prop === "match" || prop === "matchAll" ? value.args[0] : undefined;
  return regex !== undefined && patternOf(index, regex, false)?.source !== undefined;
}

/** `new RegExp(x)` / `RegExp(x)` however it was reached. */
function regexConstruction(index: ProjectIndex, sym: Sym): Extract<Sym, { k: "new" | "call" }> | undefined {
  const value = index.resolve(sym);
  return (value.k === "new" || value.k === "call") && isRegExpCallee(value.callee) ? value : undefined;
}

/** The global `RegExp` (the analyzer leaves globals it does not model as their name). */
function isRegExpCallee(callee: Sym): boolean {
  if (callee.k === "unknown") return callee.text === "RegExp";
  return callee.k === "ext" && packageName(callee.pkg) === "global" && callee.path.length === 1 && callee.path[0] === "RegExp";
}

interface PatternOf {
  /** The literal pattern, when known. */
  source?: string;
  /** A pattern compiled from a non-literal string at this call. */
  compiled?: Sym;
}

/** What a value used as a regex is: a literal, a `new RegExp` made elsewhere (its own record), or a string compiled here. */
function patternOf(index: ProjectIndex, sym: Sym, compilesStrings: boolean): PatternOf | undefined {
  const construction = regexConstruction(index, sym);
  if (construction) {
    const source = construction.args[0] ? literalText(index, construction.args[0]) : undefined;
    return source !== undefined ? { source } : {};
  }
  const value = resolveShallow(index, sym);
  if (value.k === "unknown") {
    const source = regexLiteralBody(value.text);
    return source !== undefined ? { source } : undefined;
  }
  if (!compilesStrings) return undefined;
  if (value.k === "lit") return typeof value.value === "string" ? { source: value.value } : undefined;
  if (value.k === "obj" || value.k === "arr" || value.k === "fn" || value.k === "class") return undefined;
  return { compiled: sym };
}

function regexMethod(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, fact: RuntimeCandidateFact): Classified | undefined {
  const method = fact.method ?? "";
  if (fact.callee.k !== "member" || !fact.args[0]) return undefined;
  const receiver = fact.callee.obj;
  if (REGEX_RECEIVER_METHODS.has(method)) {
    const pattern = patternOf(index, receiver, false);
    if (!pattern) return undefined;
    return regexOf(`RegExp.prototype.${method}`, undefined, pattern.source, fact.args[0], index, requestParams, fact.loc);
  }
  // `searchClient.search(q)`, `router.match(path)`: a method of a package object or project class is not a string's.
  const owner = index.resolve(receiver);
  if (extRoot(owner) || owner.k === "new" || owner.k === "class") return undefined;
  // `.search(q)` is a common method name on search clients: only a regex argument counts there.
  const pattern = patternOf(index, fact.args[0], method === "match" || method === "matchAll");
  if (!pattern) return undefined;
  return regexOf(`String.prototype.${method}`, pattern.compiled, pattern.source, receiver, index, requestParams, fact.loc);
}

function regexOf(api: string, compiled: Sym | undefined, source: string | undefined, subject: Sym | undefined, index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, loc: SourceLocation): Classified {
  const catastrophic = source !== undefined ? catastrophicPart(source) : undefined;
  const subjectFlows: TaintFlow[] = catastrophic && subject ? originOf(index, subject, requestParams, { sink: loc }).flows : [];
  const written = catastrophic && source !== undefined ? literalLocation(index, source, loc.file) : undefined;
  return {
    category: "regex",
    api,
    ...(compiled ? { value: compiled } : {}),
    regex: { ...(source !== undefined ? { source } : {}), ...(written ? { sourceLocation: written } : {}), ...(catastrophic ? { catastrophic } : {}), subjectFlows },
  };
}

const literalsByIndex = new WeakMap<ProjectIndex, Map<string, SourceLocation[]>>();

/** Where a regex literal with this pattern is written: in the file that uses it, else the only one in the project. */
function literalLocation(index: ProjectIndex, source: string, file: string): SourceLocation | undefined {
  let byPattern = literalsByIndex.get(index);
  if (!byPattern) {
    byPattern = new Map();
    for (const facts of index.files.values()) {
      for (const { text, loc } of (facts.extra[REGEX_LITERALS] ?? []) as RegexLiteralFact[]) {
        const body = regexLiteralBody(text);
        if (body !== undefined) addToList(byPattern, body, loc);
      }
    }
    literalsByIndex.set(index, byPattern);
  }
  const places = byPattern.get(source) ?? [];
  const here = places.filter((p) => p.file === file).sort(byLocation);
  return here[0] ?? (places.length === 1 ? places[0] : undefined);
}

// A small, deliberately narrow test for exponential backtracking: a repeated group (`*`, `+`,
// `{n,}`) whose body can match the same text in more than one way — it is one item of variable
// length (`(a+)+`, `(a{2,4})+`), or one with only optional companions (`(\w+\s?)*`), or with a
// required one that accepts the same characters (`([a-z]+.)+`), or two identical alternatives
// (`(a|a)*`) — and
// something after it that can fail (`$`, a literal). Patterns outside these shapes are not
// claimed, so polynomial cases (`.*a.*b`) and bounded repeats (`(.*a){10}`) are left alone.

interface Term {
  /** The term as written, with its quantifier. */
  text: string;
  /** Without its quantifier. */
  atom: string;
  min: number;
  max: number;
  /** An assertion (`^`, `$`, `\b`, a lookaround): matches no characters, can fail. */
  assertion: boolean;
  /** A single-character matcher (`a`, `.`, `\w`, `[a-z]`). */
  single: boolean;
  alternatives?: Term[][];
}

/** The repeated group that backtracks exponentially, or undefined (also for a pattern that does not parse). */
export function catastrophicPart(source: string): string | undefined {
  // The same pattern is tested at many call sites (a shared validator regex): read it once.
  if (!catastrophicBySource.has(source)) {
    if (catastrophicBySource.size >= MAX_CACHED_PATTERNS) catastrophicBySource.clear();
    catastrophicBySource.set(source, readCatastrophicPart(source));
  }
  return catastrophicBySource.get(source);
}

const MAX_CACHED_PATTERNS = 10_000;
const catastrophicBySource = new Map<string, string | undefined>();

function readCatastrophicPart(source: string): string | undefined {
  try {
    const parser = new PatternParser(source);
    return findCatastrophic(parser.alternatives(), false);
  } catch {
    return undefined;
  }
}

function findCatastrophic(alternatives: Term[][], followedOutside: boolean): string | undefined {
  for (const sequence of alternatives) {
    for (const [i, term] of sequence.entries()) {
      if (!term.alternatives) continue;
      const followed = followedOutside || sequence.slice(i + 1).some(canFail);
      if (followed && term.max === Infinity && term.alternatives.some((alt) => ambiguousBody(alt, term.alternatives!))) return term.text;
      const inner = findCatastrophic(term.alternatives, followed);
      if (inner) return inner;
    }
  }
  return undefined;
}

function canFail(term: Term): boolean {
  return term.assertion || (term.min > 0 && !matchesEmpty(term));
}

function matchesEmpty(term: Term): boolean {
  if (term.min === 0 || term.assertion) return true;
  return term.alternatives?.some((alt) => alt.every(matchesEmpty)) ?? false;
}

/** It can match runs of different lengths (`a+`, `a{2,4}`), itself or through a repeated part inside. */
function variable(term: Term): boolean {
  return !term.assertion && ((term.max > term.min && term.max >= 2) || (term.alternatives?.some((alt) => alt.some(variable)) ?? false));
}

function ambiguousBody(body: Term[], siblings: Term[][]): boolean {
  if (siblings.length > 1 && body.length === 1 && siblings.filter((alt) => alt.length === 1 && alt[0].text === body[0].text).length > 1) return true;
  // Optional companions can be skipped: what must match each time decides whether a split is unique.
  const required = body.filter((t) => !matchesEmpty(t));
  if (!required.length) return body.some(variable);
  const repeated = required.filter(variable);
  if (repeated.length !== 1) return false;
  if (required.length === 1) return true;
  const item = singleMatcher(repeated[0]);
  return item !== undefined && required.every((t) => t === repeated[0] || (t.max === 1 && overlaps(item, singleMatcher(t))));
}

/** The one-character matcher a term repeats: `a+` → `a`, `([a-z])+` → `[a-z]`. */
function singleMatcher(term: Term): string | undefined {
  if (term.single) return term.atom;
  const only = term.alternatives?.length === 1 && term.alternatives[0].length === 1 ? term.alternatives[0][0] : undefined;
  return only?.single && only.max === 1 ? only.atom : undefined;
}

const SAMPLE_CHARS = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).concat(["\t", "\n", "é", "ß", "中"]);

/**
 * Two single-character matchers accept a common character (tested on printable ASCII and a few
 * others). Compiling one character class of the analysed code is reading data, not running it.
 */
function overlaps(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const left = new RegExp(`^(?:${a})$`);
  const right = new RegExp(`^(?:${b})$`);
  return SAMPLE_CHARS.some((c) => left.test(c) && right.test(c));
}

class PatternParser {
  private i = 0;
  constructor(private readonly s: string) {}

  alternatives(): Term[][] {
    const result: Term[][] = [[]];
    while (this.i < this.s.length && this.s[this.i] !== ")") {
      if (this.s[this.i] === "|") {
        this.i++;
        result.push([]);
        continue;
      }
      result[result.length - 1].push(this.term());
    }
    return result;
  }

  private term(): Term {
    const start = this.i;
    const c = this.s[this.i];
    let term: Omit<Term, "text" | "atom" | "min" | "max">;
    if (c === "(") term = this.group();
    else if (c === "[") term = this.charClass();
    else if (c === "\\") term = this.escape();
    else {
      this.i++;
      term = { assertion: c === "^" || c === "$", single: c !== "^" && c !== "$" };
    }
    const atom = this.s.slice(start, this.i);
    const { min, max } = this.quantifier();
    // Each reader returns a fresh object: completing it in place saves a copy per term.
    const complete = term as Term;
    complete.atom = atom;
    complete.text = this.s.slice(start, this.i);
    complete.min = min;
    complete.max = max;
    return complete;
  }

  private group(): Omit<Term, "text" | "atom" | "min" | "max"> {
    this.i++;
    const lookaround = /^\?(=|!|<=|<!)/.exec(this.s.slice(this.i));
    if (lookaround) this.i += lookaround[0].length;
    else if (this.s.startsWith("?:", this.i)) this.i += 2;
    else if (this.s.startsWith("?<", this.i)) this.i = this.s.indexOf(">", this.i) + 1;
    const alternatives = this.alternatives();
    if (this.s[this.i] !== ")") throw new Error("unclosed group");
    this.i++;
    return lookaround ? { assertion: true, single: false } : { assertion: false, single: false, alternatives };
  }

  private charClass(): Omit<Term, "text" | "atom" | "min" | "max"> {
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== "]") this.i += this.s[this.i] === "\\" ? 2 : 1;
    if (this.s[this.i] !== "]") throw new Error("unclosed class");
    this.i++;
    return { assertion: false, single: true };
  }

  private escape(): Omit<Term, "text" | "atom" | "min" | "max"> {
    const next = this.s[this.i + 1] ?? "";
    this.i += 2;
    if (next === "b" || next === "B") return { assertion: true, single: false };
    if ((next === "u" || next === "p" || next === "P") && this.s[this.i] === "{") this.i = this.s.indexOf("}", this.i) + 1;
    else if (next === "u") this.i += 4;
    else if (next === "x") this.i += 2;
    else if (next === "c") this.i += 1;
    // A back-reference matches what its group matched: not a single character.
    return { assertion: false, single: !/[1-9k]/.test(next) };
  }

  private quantifier(): { min: number; max: number } {
    const c = this.s[this.i];
    let bounds = { min: 1, max: 1 };
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      bounds = { min: c === "+" ? 1 : 0, max: c === "?" ? 1 : Infinity };
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return bounds;
      this.i += m[0].length;
      bounds = { min: Number(m[1]), max: m[2] === undefined ? Number(m[1]) : m[3] === "" ? Infinity : Number(m[3]) };
    } else {
      return bounds;
    }
    if (this.s[this.i] === "?") this.i++;
    return bounds;
  }
}
