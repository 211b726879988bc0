// What surrounds a sink, recorded in the same walk: the `if` tests that guard a block (so a
// redirect inside `if (isAllowed(url))` is judged by how `isAllowed` checks), what is known to hold
// in a branch or after an early exit (`if (!ALLOWED.has(url.hostname)) return …` leaves the host
// allowlisted below it; `url.origin === SITE ? url.pathname : "/"` keeps the path on the site),
// values chosen from a constant list (`LIST.includes(x) ? x : "jpg"`), and where a hashed value is
// stored under a password name (`this.setDataValue("password", hash(pw))`, `user.password = hash(pw)`).
// The link step asks these facts about one sink location; nothing here decides a finding.
import type { SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import { prune, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { projectFunctions } from "./request-reads.ts";
import { locKey, paramChain, resolveShallow } from "./values.ts";

export const GUARDS = "code.guards";
export const ALLOWLISTED = "code.allowlistedValues";
export const PASSWORD_STORES = "code.passwordStores";
export const CONDITIONS = "code.conditions";
export const CHOICES = "code.choices";

/** A source range: from the first character of a node to the one after its last. */
export interface Range {
  from: SourceLocation;
  to: SourceLocation;
}

/** `if (test) { passes } else { fails }`; `negated` when the test is `!check(...)`. */
export interface GuardFact {
  loc: SourceLocation;
  test: Sym;
  negated: boolean;
  passes?: Range;
  fails?: Range;
}

/**
 * Something known to hold: a check's outcome (`ALLOWED.has(x)` true, `isAdmin(u)` false) or two
 * values being equal (`url.origin === SITE`).
 */
export type Condition = { k: "check"; test: Sym; holds: boolean } | { k: "equal"; left: Sym; right: Sym };

/** Within `range` every condition holds: a branch of an `if`, or the code after one that always exits. */
interface ConditionFact {
  range: Range;
  holds: Condition[];
}

/** `test ? consequent : alternate`: what holds when each value is the one chosen. */
interface ChoiceFact {
  consequent: Sym;
  alternate: Sym;
  whenTrue: Condition[];
  whenFalse: Condition[];
}

export const PASSWORD_KEY = /pass(word|wd|phrase)?$|^pwd$/i;

/** How a hashed password is kept: a model setter or an assignment stores it; an object property may also be a lookup filter. */
type StoreHow = "setter" | "assignment" | "property";
const STORE_RANK: Record<StoreHow, number> = { setter: 0, assignment: 1, property: 2 };

interface PasswordStoreFact {
  loc: SourceLocation;
  how: StoreHow;
}
/** Methods that find a text inside another: an allowlist checked with them accepts `evil.com/?trusted.com`. */
const SUBSTRING_METHODS = new Set(["includes", "indexOf", "lastIndexOf", "startsWith", "endsWith", "match", "search"]);
/** A regular expression literal anchored at both ends (`/^https:\/\/app\.example\.com\/.*$/`) matches a whole value. */
const ANCHORED_REGEX = /^\/\^.*\$\/[a-z]*$/;
/** Methods that test exact membership of a value in a collection. */
const MEMBERSHIP_METHODS = new Set(["includes", "has"]);
/** Checks that can confine a value: membership in a collection, a path kept under a root. */
const NARROWING_METHODS = new Set([...MEMBERSHIP_METHODS, "startsWith"]);
const STORE_METHODS = new Set(["setDataValue", "set"]);
/** Symbol nodes kept per guard test: a call with its arguments, not a whole expression tree. */
const GUARD_BUDGET = 60;

export const sinkContext: Extractor = {
  name: "sink-context",
  visit: {
    BlockStatement: noteBlockEnds,
    StaticBlock: noteBlockEnds,
    SwitchCase: noteBlockEnds,
    // A function's body block is walked statement by statement, not as a BlockStatement.
    FunctionDeclaration: noteBodyEnds,
    FunctionExpression: noteBodyEnds,
    ArrowFunctionExpression: noteBodyEnds,
    IfStatement(node, ctx) {
      const consequent = rangeOf(node.consequent, ctx);
      // The code after `if (test) return …;` (to the end of its block) runs only when the test failed.
      const blockEnd = exits(node.consequent) && !node.alternate ? blockEnds.get(node) : undefined;
      const after = blockEnd !== undefined ? { from: consequent.to, to: ctx.loc({ ...node, start: blockEnd }) } : undefined;
      const alternate = node.alternate ? rangeOf(node.alternate, ctx) : after;
      emitConditions(ctx, consequent, conditionsOf(node.test, true, ctx));
      if (alternate) emitConditions(ctx, alternate, conditionsOf(node.test, false, ctx));
      const negated = unwrap(node.test)?.type === "UnaryExpression" && unwrap(node.test).operator === "!";
      const test = negated ? unwrap(node.test).argument : node.test;
      // Only a check (`isAllowed(url)`, `url.includes(x)`) or a flag (`req.body.layout`) can be asked about later.
      const kind = unwrap(test)?.type;
      if (kind !== "CallExpression" && kind !== "MemberExpression") return;
      const fact: GuardFact = { loc: ctx.loc(test), test: prune(ctx.symOf(test), GUARD_BUDGET), negated };
      const [passes, fails] = negated ? [alternate, consequent] : [consequent, alternate];
      if (passes) fact.passes = passes;
      if (fails) fact.fails = fails;
      ctx.emit(GUARDS, fact);
    },
    ConditionalExpression(node, ctx) {
      recordChoice(node, ctx);
      // `["jpg", "png"].includes(ext) ? ext : "jpg"`: the chosen value is one of the listed literals.
      const test = unwrap(node.test);
      if (test?.type !== "CallExpression" || test.arguments.length !== 1) return;
      const callee = unwrap(test.callee);
      if (callee?.type !== "MemberExpression" || callee.computed || !MEMBERSHIP_METHODS.has(callee.property.name)) return;
      if (!isLiteralList(ctx.symOf(callee.object))) return;
      const checked = ctx.text(test.arguments[0], 200);
      if (ctx.text(node.consequent, 200) === checked) ctx.emit(ALLOWLISTED, ctx.loc(node.consequent));
    },
    AssignmentExpression(node, ctx) {
      const left = unwrap(node.left);
      if (left?.type === "MemberExpression" && !left.computed && PASSWORD_KEY.test(left.property.name)) storeOf(node.right, "assignment", ctx);
    },
    Property(node, ctx) {
      const key = node.key?.type === "Identifier" ? node.key.name : node.key?.type === "Literal" ? String(node.key.value) : "";
      if (!node.computed && PASSWORD_KEY.test(key)) storeOf(node.value, "property", ctx);
    },
    CallExpression(node, ctx) {
      const callee = unwrap(node.callee);
      if (callee?.type !== "MemberExpression" || callee.computed || !STORE_METHODS.has(callee.property.name)) return;
      const [name, value] = node.arguments;
      if (unwrap(name)?.type === "Literal" && PASSWORD_KEY.test(String(unwrap(name).value)) && value) storeOf(value, "setter", ctx);
    },
  },
};

/** Where each `if` statement's enclosing block ends: the code after an early exit runs up to there. */
const blockEnds = new WeakMap<Node, number>();

/**
 * A try block whose catch always exits: the code after the whole try statement runs only when the
 * try block ran to its end, so an early exit inside it guards that code too.
 */
const extendedEnds = new WeakMap<Node, number>();

function noteBlockEnds(node: Node): void {
  const statements: Node[] = node.type === "SwitchCase" ? node.consequent : node.body;
  if (!Array.isArray(statements)) return;
  const end = extendedEnds.get(node) ?? node.end;
  for (const statement of statements) {
    if (statement?.type === "IfStatement") blockEnds.set(statement, end);
    if (statement?.type === "TryStatement" && !statement.finalizer && exits(statement.handler?.body)) extendedEnds.set(statement.block, end);
  }
}

function noteBodyEnds(node: Node): void {
  if (node.body?.type === "BlockStatement") noteBlockEnds(node.body);
}

/** A statement after which the code that follows it never runs: return, throw, `ctx.throw(…)`, a block ending in one. */
function exits(node: Node | undefined): boolean {
  if (!node) return false;
  switch (node.type) {
    case "ReturnStatement":
    case "ThrowStatement":
    case "ContinueStatement":
    case "BreakStatement":
      return true;
    case "BlockStatement":
      return exits(node.body[node.body.length - 1]);
    case "ExpressionStatement": {
      const call = unwrap(node.expression);
      const callee = call?.type === "CallExpression" ? unwrap(call.callee) : undefined;
      return callee?.type === "MemberExpression" && !callee.computed && callee.property.name === "throw";
    }
    default:
      return false;
  }
}

/**
 * What a test's outcome proves: `a && b` true proves both, `a || b` false proves neither holds,
 * `!a` flips, `x === y` true (or `x !== y` false) proves them equal, a call or flag proves itself.
 */
function conditionsOf(test: Node, outcome: boolean, ctx: WalkContext): Condition[] {
  const t = unwrap(test);
  switch (t?.type) {
    case "LogicalExpression":
      if ((t.operator === "&&" && outcome) || (t.operator === "||" && !outcome)) return [...conditionsOf(t.left, outcome, ctx), ...conditionsOf(t.right, outcome, ctx)];
      return [];
    case "UnaryExpression":
      return t.operator === "!" ? conditionsOf(t.argument, !outcome, ctx) : [];
    case "BinaryExpression": {
      const equal = t.operator === "===" || t.operator === "==";
      const unequal = t.operator === "!==" || t.operator === "!=";
      // `found == null` false: the lookup found something.
      const present = presentValue(t);
      if (present && ((equal && !outcome) || (unequal && outcome))) return conditionsOf(present, true, ctx);
      if (!((equal && outcome) || (unequal && !outcome))) return [];
      const [left, right] = [prune(ctx.symOf(t.left), GUARD_BUDGET), prune(ctx.symOf(t.right), GUARD_BUDGET)];
      return [{ k: "equal", left, right }];
    }
    case "CallExpression":
    case "MemberExpression":
      return [{ k: "check", test: prune(ctx.symOf(t), GUARD_BUDGET), holds: outcome }];
    case "Identifier": {
      // `const found = lookup(key); if (!found) return …`: a check of what the lookup returned.
      const value = assignedCall(ctx.symOf(t));
      return value && value.args.length ? [{ k: "check", test: prune(value, GUARD_BUDGET), holds: outcome }] : [];
    }
    default:
      return [];
  }
}

/** The call a variable holds, also when it was declared first and assigned once (`let x; x = f()`). */
function assignedCall(value: Sym): Extract<Sym, { k: "call" }> | undefined {
  if (value.k === "call") return value;
  if (value.k !== "alt") return undefined;
  const assigned = value.options.filter((o) => !(o.k === "unknown" && o.text === "?") && !(o.k === "lit" && o.value === null));
  return assigned.length === 1 && assigned[0].k === "call" ? assigned[0] : undefined;
}

/** `x == null`, `undefined === x`: the value tested for absence. */
function presentValue(node: Node): Node | undefined {
  const absent = (n: Node) => (n.type === "Literal" && n.value === null) || (n.type === "Identifier" && n.name === "undefined");
  if (absent(unwrap(node.right))) return node.left;
  if (absent(unwrap(node.left))) return node.right;
  return undefined;
}

/**
 * Conditions that can narrow a value: an equality, a membership test or a prefix check that holds,
 * or a lookup that found something (whether the lookup is a membership test is decided when linking).
 */
const narrows = (c: Condition) =>
  c.k === "equal" || (c.holds && c.test.k === "call" && ((c.test.callee.k === "member" && NARROWING_METHODS.has(c.test.callee.prop)) || c.test.args.length > 0));

function emitConditions(ctx: WalkContext, range: Range, holds: Condition[]): void {
  const kept = holds.filter(narrows);
  if (kept.length) ctx.emit(CONDITIONS, { range, holds: kept } satisfies ConditionFact);
}

/** `url.origin === SITE ? url.pathname : "/"`: each option with what holds when it is chosen. */
function recordChoice(node: Node, ctx: WalkContext): void {
  const whenTrue = conditionsOf(node.test, true, ctx).filter(narrows);
  const whenFalse = conditionsOf(node.test, false, ctx).filter(narrows);
  if (!whenTrue.length && !whenFalse.length) return;
  const consequent = ctx.symOf(node.consequent);
  const alternate = ctx.symOf(node.alternate);
  // Options are matched by value later: one too large to keep whole could match nothing.
  if (prune(consequent, GUARD_BUDGET) !== consequent || prune(alternate, GUARD_BUDGET) !== alternate) return;
  ctx.emit(CHOICES, { consequent, alternate, whenTrue, whenFalse } satisfies ChoiceFact);
}

function rangeOf(node: Node, ctx: WalkContext): Range {
  return { from: ctx.loc(node), to: ctx.loc({ ...node, start: node.end }) };
}

/** The call whose result is stored: `hash(pw)`, also under `await`. */
function storeOf(value: Node, how: StoreHow, ctx: WalkContext): void {
  const call = unwrap(value);
  if (call?.type === "CallExpression") ctx.emit(PASSWORD_STORES, { loc: ctx.loc(call), how } satisfies PasswordStoreFact);
}

function isLiteralList(sym: Sym): boolean {
  const items = sym.k === "arr" ? sym.items : sym.k === "new" && sym.args[0]?.k === "arr" ? sym.args[0].items : undefined;
  return items !== undefined && items.length > 0 && items.every((i) => i.k === "lit");
}

// ---- link side ------------------------------------------------------------------------------

interface KnownContext {
  allowlisted: Set<string>;
  /** Store rank by call location (lower is a surer store). */
  stores: Map<string, number>;
}

const cache = new WeakMap<ProjectIndex, KnownContext>();

function contextOf(index: ProjectIndex): KnownContext {
  let known = cache.get(index);
  if (!known) {
    known = { allowlisted: new Set(), stores: new Map() };
    for (const facts of index.files.values()) {
      for (const loc of (facts.extra[ALLOWLISTED] ?? []) as SourceLocation[]) known.allowlisted.add(locKey(loc));
      for (const { loc, how } of (facts.extra[PASSWORD_STORES] ?? []) as PasswordStoreFact[]) {
        const rank = Math.min(STORE_RANK[how], known.stores.get(locKey(loc)) ?? Infinity);
        known.stores.set(locKey(loc), rank);
      }
    }
    cache.set(index, known);
  }
  return known;
}

/** The conditions known to hold at `loc` (inside a branch, or after an early exit). */
export function conditionsAt(index: ProjectIndex, loc: SourceLocation): Condition[] {
  return ((index.files.get(loc.file)?.extra[CONDITIONS] ?? []) as ConditionFact[]).filter((f) => within(loc, f.range)).flatMap((f) => f.holds);
}

const choiceCache = new WeakMap<ProjectIndex, Map<string, Condition[]>>();

/**
 * Values chosen by a conditional expression, by their JSON text, with what holds when each is the
 * one chosen (`url.origin === SITE ? url.pathname : "/"`: the path is chosen only on the site).
 */
export function choiceConditions(index: ProjectIndex): ReadonlyMap<string, Condition[]> {
  let choices = choiceCache.get(index);
  if (!choices) {
    choices = new Map();
    const add = (option: Sym, holds: Condition[]) => {
      if (!holds.length || option.k === "lit") return;
      const key = JSON.stringify(option);
      // The same value chosen by two different tests: neither test is known to hold.
      choices!.set(key, choices!.has(key) ? [] : holds);
    };
    for (const facts of index.files.values()) {
      for (const choice of (facts.extra[CHOICES] ?? []) as ChoiceFact[]) {
        add(choice.consequent, choice.whenTrue);
        add(choice.alternate, choice.whenFalse);
      }
    }
    choiceCache.set(index, choices);
  }
  return choices;
}

/** A value picked from a constant list by the expression at `loc`. */
export function isAllowlistedValue(index: ProjectIndex, loc: SourceLocation): boolean {
  return contextOf(index).allowlisted.has(locKey(loc));
}

/**
 * Of the calls at `locations`, the one whose result is most surely stored under a password name:
 * a model setter (`setDataValue("password", …)`), then an assignment, then an object property
 * (which may be a lookup filter); the first in the given order among equals.
 */
export function passwordStoreAmong(index: ProjectIndex, locations: readonly SourceLocation[]): SourceLocation | undefined {
  const stores = contextOf(index).stores;
  let best: { loc: SourceLocation; rank: number } | undefined;
  for (const loc of locations) {
    const rank = stores.get(locKey(loc));
    if (rank !== undefined && (!best || rank < best.rank)) best = { loc, rank };
  }
  return best?.loc;
}

const within = (loc: SourceLocation, range: Range) =>
  loc.file === range.from.file &&
  (loc.line > range.from.line || (loc.line === range.from.line && loc.column >= range.from.column)) &&
  (loc.line < range.to.line || (loc.line === range.to.line && loc.column < range.to.column));

/** The guards whose passing branch holds `loc`, innermost first. */
export function guardsPassedAt(index: ProjectIndex, loc: SourceLocation): GuardFact[] {
  return ((index.files.get(loc.file)?.extra[GUARDS] ?? []) as GuardFact[]).filter((g) => g.passes && within(loc, g.passes)).reverse();
}

/** The guards whose failing branch holds `loc` (the test was false there), innermost first. */
export function guardsFailedAt(index: ProjectIndex, loc: SourceLocation): GuardFact[] {
  return ((index.files.get(loc.file)?.extra[GUARDS] ?? []) as GuardFact[]).filter((g) => g.fails && within(loc, g.fails)).reverse();
}

/** How a guard checks a value: by exact membership or equality, or by a substring or prefix match. */
export interface GuardCheck {
  strength: "exact" | "substring";
  /** The comparison itself (inside a helper when the guard calls one). */
  location: SourceLocation;
  /** A short description: "url.includes(…)". */
  how: string;
}

const sameValue = (index: ProjectIndex, a: Sym, b: Sym) => JSON.stringify(resolveShallow(index, a)) === JSON.stringify(resolveShallow(index, b));

/**
 * How `test` checks `value`: a method call on the value (`value.includes(x)`, `value.startsWith(x)`),
 * a membership test of the value (`ALLOWED.has(value)`), or a call of a project helper that does
 * one of those to the parameter it receives the value in. Undefined when the test is something else.
 */
export function guardCheck(index: ProjectIndex, test: Sym, at: SourceLocation, value: Sym): GuardCheck | undefined {
  if (test.k !== "call") return undefined;
  const direct = methodCheck(index, test, at, (s) => sameValue(index, s, value));
  if (direct) return direct;
  const position = test.args.findIndex((a) => sameValue(index, a, value));
  if (position < 0) return undefined;
  for (const fnId of projectFunctions(index, test.callee)) {
    const isParam = (s: Sym) => {
      const chain = paramChain(resolveShallow(index, s));
      return chain !== undefined && chain.fn === fnId && chain.index === position && chain.path.length === 0;
    };
    const checks = (index.callsIn.get(fnId) ?? []).flatMap((call) => {
      const found = methodCheck(index, { k: "call", callee: call.callee, args: call.args, loc: call.loc }, call.loc, isParam);
      return found ? [found] : [];
    });
    // One substring check among the helper's comparisons is enough to let a crafted value through.
    const weak = checks.find((c) => c.strength === "substring");
    if (weak) return weak;
    if (checks.length) return checks[0];
  }
  return undefined;
}

function methodCheck(index: ProjectIndex, call: Extract<Sym, { k: "call" }>, at: SourceLocation, isValue: (s: Sym) => boolean): GuardCheck | undefined {
  if (call.callee.k !== "member") return undefined;
  const { obj, prop } = call.callee;
  const [first] = call.args;
  if (SUBSTRING_METHODS.has(prop) && isValue(obj)) {
    // `path.startsWith("/")` (with `//` refused elsewhere) keeps a redirect on the same site.
    const needle = first && resolveShallow(index, first);
    if (prop === "startsWith" && needle?.k === "lit" && needle.value === "/") return { strength: "exact", location: at, how: `startsWith("/")` };
    if ((prop === "match" || prop === "search") && needle?.k === "unknown" && ANCHORED_REGEX.test(needle.text)) return { strength: "exact", location: at, how: `${prop}(${needle.text})` };
    return { strength: "substring", location: at, how: `${prop}(…)` };
  }
  if (prop === "test" && first && isValue(first)) {
    const pattern = obj.k === "unknown" ? obj.text : "";
    return ANCHORED_REGEX.test(pattern) ? { strength: "exact", location: at, how: `${pattern}.test(…)` } : { strength: "substring", location: at, how: `${pattern || "regex"}.test(…)` };
  }
  if (MEMBERSHIP_METHODS.has(prop) && first && isValue(first)) return { strength: "exact", location: at, how: `${prop}(…)` };
  return undefined;
}
