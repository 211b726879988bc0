// Reading ORM declarations from symbolic values: builder chains (`varchar("email").notNull()`,
// `t.string("email").unique()`), object options and literals. Shared by the Drizzle, Knex,
// TypeORM, Sequelize and Mongoose readers; nothing here executes project code.
import type { CallFact, FileFacts } from "../js/facts.ts";
import { litString, own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import type { SourceLocation } from "../../model/types.ts";

export interface ChainStep {
  name: string;
  args: Sym[];
}

/** `a(x).b().c(y)` → root `a`'s value and the steps [a(x), b(), c(y)] (the root call is the first step when it is a function). */
export interface Chain {
  /** What the first call is made on: the table builder parameter for Knex, the package function for Drizzle. */
  root: Sym;
  steps: ChainStep[];
  loc?: SourceLocation;
}

export function unchain(sym: Sym): Chain | undefined {
  const steps: ChainStep[] = [];
  let current = sym;
  let loc: SourceLocation | undefined;
  while (current.k === "call") {
    loc = current.loc;
    if (current.callee.k === "member") {
      steps.unshift({ name: current.callee.prop, args: current.args });
      current = current.callee.obj;
    } else if (current.callee.k === "ext") {
      steps.unshift({ name: current.callee.path[current.callee.path.length - 1] ?? current.callee.pkg, args: current.args });
      return { root: current.callee, steps, loc };
    } else {
      return undefined;
    }
  }
  return steps.length ? { root: current, steps, ...(loc ? { loc } : {}) } : undefined;
}

export function step(chain: Chain, name: string): ChainStep | undefined {
  return chain.steps.find((s) => s.name === name);
}

export function hasStep(chain: Chain, ...names: string[]): boolean {
  return chain.steps.some((s) => names.includes(s.name));
}

/** A CallFact as the value of its call expression. */
export function callSym(call: CallFact): Sym {
  return { k: "call", callee: call.callee, args: call.args, loc: call.loc };
}

/** The property of an object literal value (spreads included, last one wins as in JS). */
export function prop(sym: Sym | undefined, key: string): Sym | undefined {
  if (!sym || sym.k !== "obj") return undefined;
  const direct = own(sym.props, key);
  if (direct) return direct;
  for (const spread of [...sym.spreads].reverse()) {
    const found = prop(spread, key);
    if (found) return found;
  }
  return undefined;
}

/** Every property of an object value, spreads first (as they are usually written), then own props. */
export function entriesOf(sym: Sym | undefined): [string, Sym][] {
  if (!sym || sym.k !== "obj") return [];
  const entries = new Map<string, Sym>();
  for (const spread of sym.spreads) for (const [k, v] of entriesOf(spread)) entries.set(k, v);
  for (const key of Object.keys(sym.props)) {
    entries.delete(key);
    entries.set(key, sym.props[key]);
  }
  return [...entries];
}

export function litNumber(sym: Sym | undefined): number | undefined {
  return sym?.k === "lit" && typeof sym.value === "number" ? sym.value : undefined;
}

export function litBoolean(sym: Sym | undefined): boolean | undefined {
  return sym?.k === "lit" && typeof sym.value === "boolean" ? sym.value : undefined;
}

/** String items of an array literal, or a lone string as one item. */
export function stringList(sym: Sym | undefined): string[] {
  if (!sym) return [];
  if (sym.k === "arr") return sym.items.map(litString).filter((s): s is string => s !== undefined);
  const single = litString(sym);
  return single === undefined ? [] : [single];
}

/** What `() => X` returns, resolved (TypeORM's `() => User`, Drizzle's `() => users.id`). */
export function returnOf(sym: Sym | undefined, index: ProjectIndex): Sym | undefined {
  if (sym?.k !== "fn") return undefined;
  const fn = index.functions.get(sym.id);
  const value = fn?.returns[0];
  return value ? index.resolve(value) : undefined;
}

/** The package a symbol comes from ("drizzle-orm", "typeorm"), when it is a package value. */
export function packageOf(sym: Sym | undefined): string | undefined {
  return sym?.k === "ext" ? sym.pkg : undefined;
}

/** The exported function ids a migration file runs going forward and back. */
export function migrationFunctions(file: FileFacts, index: ProjectIndex): { up?: string; down?: string } {
  const idOf = (name: string) => {
    const sym = own(file.exports, name);
    const value = sym ? index.resolve(sym) : undefined;
    return value?.k === "fn" ? value.id : undefined;
  };
  return { up: idOf("up"), down: idOf("down") };
}

/** Source order within a file. */
export function bySourceOrder(a: CallFact, b: CallFact): number {
  return a.order - b.order;
}

/**
 * Each statement-level chain once: `t.string("a").notNullable()` records a call per link, all
 * starting at the same place; the longest one is the whole statement.
 */
export function outermostCalls(calls: readonly CallFact[]): CallFact[] {
  const byStart = new Map<number, CallFact>();
  for (const call of calls) {
    const seen = byStart.get(call.order);
    if (!seen || depth(call.callee) > depth(seen.callee)) byStart.set(call.order, call);
  }
  return [...byStart.values()].sort(bySourceOrder);
}

function depth(sym: Sym): number {
  let n = 0;
  let current: Sym = sym;
  while (current.k === "member" || current.k === "call") {
    n++;
    current = current.k === "member" ? current.obj : current.callee;
  }
  return n;
}

/** snake_case of a class name, as TypeORM and Sequelize derive table names: OrderItem → order_item. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

/** English plural as Sequelize and Mongoose derive collection and table names: user → users, category → categories. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return word.slice(0, -1) + (word.endsWith("Y") ? "IES" : "ies");
  if (/(s|x|z|ch|sh)$/i.test(word)) return word + "es";
  return word + "s";
}

/** The last name of a package value or member chain: `DataTypes.STRING` → "STRING", `Schema.Types.ObjectId` → "ObjectId". */
export function tailName(sym: Sym | undefined): string | undefined {
  if (!sym) return undefined;
  if (sym.k === "ext") return sym.path[sym.path.length - 1] ?? sym.pkg;
  if (sym.k === "member") return sym.prop;
  if (sym.k === "unknown") return sym.text.split(".").pop();
  return undefined;
}
