// All files' facts in one place, and the resolution of symbolic values across them: an import
// becomes the export it names, a call of a project function becomes what the function returns,
// a method of `new Service()` becomes the method's function.
import type { AuthSignals, CallFact, ClassFact, FileFacts, FunctionFact } from "../js/facts.ts";
import { alt, memberOf } from "../js/analyzer.ts";
import { own, treeWithin, type Sym } from "../js/sym.ts";
import { mentionsParamOf, substituteParams } from "../code/values.ts";

const MAX_DEPTH = 24;
const MAX_STEPS = 5_000;
/** Nodes (each use counted) a return may have once the call's arguments are in it. */
const SUBSTITUTED_BUDGET = 160;

export class ProjectIndex {
  readonly files = new Map<string, FileFacts>();
  readonly functions = new Map<string, FunctionFact>();
  readonly classes = new Map<string, ClassFact>();
  /** Calls whose callee resolves to a project function, by that function's id. */
  readonly callsTo = new Map<string, CallFact[]>();
  /** Calls made inside each function, by the caller's id. */
  readonly callsIn = new Map<string, CallFact[]>();
  private readonly signalsMemo = new Map<string, AuthSignals>();
  private readonly readings = new Map<string, WeakMap<object, unknown>>();
  private readonly memo = new WeakMap<Sym, Sym>();
  private readonly inProgress = new Set<Sym>();
  private substituting = false;
  private steps = 0;

  constructor(facts: readonly FileFacts[]) {
    for (const f of facts) {
      this.files.set(f.path, f);
      for (const fn of f.functions) this.functions.set(fn.id, fn);
      for (const c of f.classes) this.classes.set(c.id, c);
    }
    for (const f of facts) {
      for (const call of f.calls) {
        const callee = this.resolve(call.callee);
        if (callee.k === "fn") push(this.callsTo, callee.id, call);
        if (call.fn) push(this.callsIn, call.fn, call);
      }
    }
  }

  /** Every file's calls, in file order then source order. */
  allCalls(): readonly CallFact[] {
    // Link steps scan every call a few dozen times: flatten once instead of generating each time.
    return (this.callList ??= [...this.files.values()].flatMap((f) => f.calls));
  }

  private callList: CallFact[] | undefined;

  /**
   * What each call's callee resolves to, aligned with allCalls(). Every callee was resolved once
   * when the index was built, so these are that memo's answers, read in one pass instead of one
   * lookup per call in each step that scans every call.
   */
  resolvedCallees(): readonly Sym[] {
    return (this.calleeList ??= this.allCalls().map((call) => this.resolve(call.callee)));
  }

  private calleeList: Sym[] | undefined;

  /**
   * The calls whose callee is named one of `names` (see `calleeName`), in allCalls() order. Link
   * steps that look for a few methods (`$transaction`, `belongsTo`) then read a handful of calls
   * instead of scanning every call of the project.
   */
  callsNamed(...names: string[]): CallFact[] {
    const calls = this.allCalls();
    this.callsByName ??= positionsByName(calls);
    const positions = names.flatMap((name) => this.callsByName!.get(name) ?? []);
    if (names.length > 1) positions.sort((a, b) => a - b);
    return positions.map((i) => calls[i]);
  }

  private callsByName: Map<string, number[]> | undefined;

  /**
   * A derived reading of a value (its possible values, the functions it names), computed once
   * per index: several link steps ask the same questions about the same call facts. `table`
   * names the reading; `key` is the fact object it is about.
   */
  reading<T>(table: string, key: object, compute: () => T): T {
    let memo = this.readings.get(table);
    if (!memo) this.readings.set(table, (memo = new WeakMap()));
    // One probe for a hit; has() only tells a stored undefined from a miss.
    const known = memo.get(key);
    if (known !== undefined || memo.has(key)) return known as T;
    const value = compute();
    memo.set(key, value);
    return value;
  }

  /** The value a symbol stands for, followed as far as the project's own code allows. */
  resolve(sym: Sym, depth = 0): Sym {
    const cached = this.memo.get(sym);
    if (cached) return cached;
    if (depth === 0) this.steps = 0;
    // A budget per top-level resolution keeps pathological code (huge generated files) linear.
    if (depth > MAX_DEPTH || this.inProgress.has(sym) || ++this.steps > MAX_STEPS) return sym;
    this.inProgress.add(sym);
    try {
      const value = this.resolveStep(sym, depth);
      this.memo.set(sym, value);
      return value;
    } finally {
      this.inProgress.delete(sym);
    }
  }

  /**
   * What a call of a project function with these arguments returns. A return built from the
   * function's parameters stands for the call's arguments: Babel's and TypeScript's
   * `_interopRequireDefault(require("express"))` is `{ default: express }` (or express itself).
   */
  private returnsOf(fnId: string, args: readonly Sym[], depth: number): Sym[] {
    const fn = this.functions.get(fnId);
    return (fn?.returns ?? []).map((r) => this.returnWith(r, fnId, args, depth)).filter((r) => r.k !== "unknown");
  }

  private returnWith(ret: Sym, fnId: string, args: readonly Sym[], depth: number): Sym {
    // One level: arguments put into a return are not put into the returns of the calls inside it
    // (a chain of helpers passing values on rebuilt each value once per caller: 217,000
    // substitutions on parse-server, against 1,200 with one level). What is resolved inside is
    // remembered as resolved there, so the order of questions decides such inner answers; it is
    // the same order on every run.
    if (!mentionsParamOf(ret, fnId) || this.substituting) return this.resolve(ret, depth + 1);
    this.substituting = true;
    let value: Sym;
    try {
      value = this.resolve(substituteParams(ret, fnId, args), depth + 1);
    } finally {
      this.substituting = false;
    }
    // Arguments are shared, not copied: a helper fed its own results (`f(f(f(x)))`) would be
    // small in memory and exponential written out. Past the facts' budget, keep the value
    // without the arguments, as before.
    return treeWithin(value, SUBSTITUTED_BUDGET) ? value : this.resolve(ret, depth + 1);
  }

  /** Like resolve(), but an `alt` is spread into its options. */
  resolveAll(sym: Sym): Sym[] {
    const r = this.resolve(sym);
    return r.k === "alt" ? r.options : [r];
  }

  exportOf(file: string, name: string, depth = 0, seen = new Set<string>()): Sym | undefined {
    const facts = this.files.get(file);
    if (!facts || seen.has(file)) return undefined;
    seen.add(file);
    if (name === "*") {
      // A CommonJS module (or an ESM default-only module) used as a value is its module.exports.
      if (facts.exports.default) return this.resolve(facts.exports.default, depth + 1);
      return { k: "obj", props: { ...facts.exports }, spreads: [] };
    }
    const direct = own(facts.exports, name);
    if (direct) return this.resolve(direct, depth + 1);
    if (name !== "default") {
      for (const star of facts.starExports) {
        const found = this.exportOf(star, name, depth + 1, seen);
        if (found) return found;
      }
      // CommonJS: `module.exports = { a }`, `= new Service()`, `= require('passport')`, then `require(...).a`
      if (facts.exports.default) {
        const member = this.resolve({ k: "member", obj: facts.exports.default, prop: name }, depth + 1);
        if (member.k !== "member" && member.k !== "unknown") return member;
      }
    }
    return undefined;
  }

  /**
   * A function's auth signals including those of the project helpers it calls (`readToken(req)`,
   * `decode(token)`): a helper's credential read or verify counts at the call site, and a verify
   * reached from inside a try block counts as caught.
   */
  signalsOf(fnId: string, depth = 0, seen = new Set<string>()): AuthSignals {
    const memo = this.signalsMemo.get(fnId);
    if (memo) return memo;
    const own = this.functions.get(fnId)?.signals ?? {};
    if (depth > 3 || seen.has(fnId)) return own;
    seen.add(fnId);
    const merged: AuthSignals = { ...own };
    for (const call of this.callsIn.get(fnId) ?? []) {
      const callee = this.resolve(call.callee);
      if (callee.k !== "fn" || callee.id === fnId) continue;
      const inner = this.signalsOf(callee.id, depth + 1, seen);
      const at = { file: call.loc.file, line: call.loc.line, column: call.loc.column };
      // The earliest line wins: whether a credential is read before the reject decides a guard.
      if (inner.readsCredential || inner.verifies) merged.readsCredential = earliest(merged.readsCredential, at);
      if (inner.verifies) merged.verifies = earliest(merged.verifies, { ...at, inTry: call.inTry || inner.verifies.inTry, how: inner.verifies.how });
      if (inner.rejects) merged.rejects = earliest(merged.rejects, { ...at, status: inner.rejects.status });
      if (inner.checksRole) merged.checksRole = earliest(merged.checksRole, at);
      if (inner.refusesUnknownCaller) merged.refusesUnknownCaller = earliest(merged.refusesUnknownCaller, at);
      if (inner.validates) merged.validates = earliest(merged.validates, { ...at, how: inner.validates.how });
    }
    if (depth === 0) this.signalsMemo.set(fnId, merged);
    return merged;
  }

  /** The method `name` of a class, looking up the superclass chain. */
  methodOf(classId: string, name: string, depth = 0): Sym | undefined {
    const cls = this.classes.get(classId);
    if (!cls || depth > 8) return undefined;
    const method = own(cls.methods, name);
    if (method) return { k: "fn", id: method };
    if (cls.superClass) {
      const sup = this.resolve(cls.superClass, depth + 1);
      if (sup.k === "class") return this.methodOf(sup.id, name, depth + 1);
    }
    return undefined;
  }

  private resolveStep(sym: Sym, depth: number): Sym {
    switch (sym.k) {
      case "mod":
        return this.exportOf(sym.file, sym.name, depth) ?? { k: "unknown", text: `${sym.file}#${sym.name}` };
      case "member": {
        const obj = this.resolve(sym.obj, depth + 1);
        if (obj.k === "class") return this.methodOf(obj.id, sym.prop, depth) ?? memberOf(obj, sym.prop);
        if (obj.k === "this" && obj.cls) return this.methodOf(obj.cls, sym.prop, depth) ?? memberOf(obj, sym.prop);
        if (obj.k === "new") {
          const cls = this.resolve(obj.callee, depth + 1);
          if (cls.k === "class") return this.methodOf(cls.id, sym.prop, depth) ?? memberOf(obj, sym.prop);
        }
        if (obj.k === "alt") return alt(obj.options.map((o) => this.resolve(memberOf(o, sym.prop), depth + 1)));
        const m = memberOf(obj, sym.prop);
        return m.k === "member" ? m : this.resolve(m, depth + 1);
      }
      case "call": {
        const callee = this.resolve(sym.callee, depth + 1);
        // TypeScript's `var __importDefault = (this && this.__importDefault) || function (mod) {…}`
        // is a function or an unknown: a call of it is a call of the function.
        const fnIds = callee.k === "fn" ? [callee.id] : callee.k === "alt" ? callee.options.flatMap((o) => (o.k === "fn" ? [o.id] : [])) : [];
        const returns = fnIds.flatMap((id) => this.returnsOf(id, sym.args, depth));
        if (returns.length) return returns.length === 1 ? returns[0] : alt(returns);
        return callee === sym.callee ? sym : { ...sym, callee };
      }
      case "alt":
        return alt(sym.options.map((o) => this.resolve(o, depth + 1)));
      default:
        return sym;
    }
  }
}

/** Positions in `calls` by callee name. */
function positionsByName(calls: readonly CallFact[]): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  calls.forEach((call, i) => {
    const name = calleeName(call.callee);
    if (name !== undefined) push(byName, name, i);
  });
  return byName;
}

/** `x.name`, a CommonJS module's member `require("./db").name`, or a package's export `name`. */
function calleeName(callee: Sym): string | undefined {
  if (callee.k === "member") return callee.prop;
  if (callee.k === "mod") return callee.name;
  if (callee.k === "ext") return callee.path.at(-1);
  return undefined;
}

function earliest<T extends { line: number; column: number }>(current: T | undefined, candidate: T): T {
  if (!current) return candidate;
  return candidate.line < current.line || (candidate.line === current.line && candidate.column < current.column) ? candidate : current;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
