// The walk every converter shares: resolve a symbolic value, find which library built it, convert
// it, and mark it with its declared name (an exported const, a DTO class) so the model builder can
// share it through components.schemas. Converters call back into `convert` for nested schemas, so
// a zod object may hold a schema imported from another file, and a JSON literal a TypeBox value.
import type { JsonSchema } from "../../model/types.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import type { ClassFact } from "../js/facts.ts";
import { enumFacts, type EnumFact } from "./enums.ts";
import { addToList } from "../code/values.ts";
import { jsonValue } from "./json-schema.ts";
import { anyOf, componentName, nameOf, withName, type Converted } from "./shape.ts";

export type ExtSym = Extract<Sym, { k: "ext" }>;

/** One validation library: recognises the package its builders come from and converts them. */
export interface SchemaConverter {
  library: string;
  /** Whether a builder chain that starts at this package value belongs to the library. */
  owns(root: ExtSym): boolean;
  /** Converts a resolved value whose chain starts at an owned package value. */
  convert(sym: Sym, reader: SchemaReader): Converted | undefined;
}

/** Converts what is neither a builder chain nor a class: object literals (plain JSON Schema). */
export interface LiteralConverter {
  library: string;
  convert(sym: Extract<Sym, { k: "obj" }>, reader: SchemaReader): Converted | undefined;
}

/** Converts a DTO class by its id. */
export interface ClassConverter {
  library: string;
  convert(classId: string, reader: SchemaReader): Converted | undefined;
}

const MAX_DEPTH = 24;
const MAX_ROOT_HOPS = 40;

const exportNames = new WeakMap<ProjectIndex, ExportNames>();
const declarations = new WeakMap<ProjectIndex, Declarations>();

interface Declarations {
  classes: Map<string, ClassFact[]>;
  enums: Map<string, (EnumFact & { file: string })[]>;
}

/** Classes and enums by name, built once per project: type annotations name them. */
function byName(index: ProjectIndex): Declarations {
  let found = declarations.get(index);
  if (!found) {
    found = { classes: new Map(), enums: new Map() };
    for (const c of index.classes.values()) addToList(found.classes, c.name, c);
    for (const [file, facts] of index.files) {
      for (const e of enumFacts(facts)) addToList(found.enums, e.name, { ...e, file });
    }
    declarations.set(index, found);
  }
  return found;
}

export class SchemaReader {
  /** The library of the outermost value converted, for `ConvertedSchema.library`. */
  library: string | undefined;
  private depth = 0;
  /** Converted values by identity: a schema used in many places is read once per conversion. */
  private readonly memo = new Map<Sym, Converted | undefined>();
  /** Classes being converted, so a self-referencing DTO stops instead of looping. */
  readonly classStack = new Set<string>();

  constructor(
    readonly index: ProjectIndex,
    private readonly builders: readonly SchemaConverter[],
    private readonly literal: LiteralConverter,
    private readonly classes: ClassConverter,
  ) {}

  /** The schema a value declares, named after the declaration it comes from; undefined when it is not one. */
  convert(sym: Sym): Converted | undefined {
    if (this.memo.has(sym)) return this.memo.get(sym);
    if (this.depth >= MAX_DEPTH) return undefined;
    this.depth++;
    try {
      const converted = this.named(sym);
      this.memo.set(sym, converted);
      return converted;
    } finally {
      this.depth--;
    }
  }

  private named(sym: Sym): Converted | undefined {
    const resolved = this.index.resolve(sym);
    const converted = this.convertResolved(resolved);
    if (!converted) return undefined;
    const declared = declaredName(sym, this.index) ?? declaredName(resolved, this.index);
    if (!declared || nameOf(converted.schema) !== undefined || resolved.k === "class") return converted;
    return { ...converted, schema: withName(converted.schema, componentName(declared)) };
  }

  /** A nested schema; `{}` (anything) where the value is not one bka can read. */
  schemaOf(sym: Sym | undefined): JsonSchema {
    return (sym && this.convert(sym)?.schema) ?? {};
  }

  /** The schemas of an array literal (`z.union([a, b])`, `Type.Tuple([a, b])`). */
  schemaList(sym: Sym | undefined): JsonSchema[] {
    const resolved = sym && this.index.resolve(sym);
    return resolved?.k === "arr" ? resolved.items.map((i) => this.schemaOf(i)) : [];
  }

  /** The properties of an object literal of schemas (`z.object({...})`), in order; `absent` when one cannot be read. */
  entries(shape: Sym | undefined, absent: Converted = { schema: {} }): [string, Converted][] {
    const resolved = shape && this.index.resolve(shape);
    if (resolved?.k !== "obj") return [];
    return Object.keys(resolved.props).map((k) => [k, this.convert(own(resolved.props, k)!) ?? absent]);
  }

  /** What a project function returns (`z.lazy(() => schema)`, `@Type(() => Dto)`). */
  returnedBy(fn: Sym | undefined): Sym | undefined {
    const resolved = fn && this.index.resolve(fn);
    return resolved?.k === "fn" ? this.index.functions.get(resolved.id)?.returns[0] : undefined;
  }

  /** A plain JSON value (options objects, defaults, literal lists); undefined when not static. */
  json(sym: Sym | undefined): unknown {
    return sym ? jsonValue(sym, this.index) : undefined;
  }

  text(sym: Sym | undefined): string | undefined {
    const v = this.json(sym);
    return typeof v === "string" ? v : undefined;
  }

  number(sym: Sym | undefined): number | undefined {
    const v = this.json(sym);
    return typeof v === "number" ? v : undefined;
  }

  /** Strings of an array literal (`pick(['a', 'b'])`) or keys of a mask (`pick({ a: true })`). */
  keys(sym: Sym | undefined): string[] {
    const v = this.json(sym);
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
    if (v && typeof v === "object") return Object.keys(v);
    return [];
  }

  /**
   * The values of an enum: a TypeScript `enum` (recorded by the enums extractor), an enum-like
   * object (`{ A: 'a' } as const`) or an array of literals. `file` is where the enum is named, for
   * an enum declared in the same file (it is not a symbolic value there).
   */
  enumValues(sym: Sym | undefined, file: string): (string | number)[] | undefined {
    if (!sym) return undefined;
    const r = this.index.resolve(sym);
    if (r.k === "fn" && !this.index.functions.has(r.id)) {
      const fileOfId = r.id.slice(0, r.id.lastIndexOf(":", r.id.lastIndexOf(":") - 1));
      return enumFacts(this.index.files.get(fileOfId)).find((e) => e.id === r.id)?.values;
    }
    if (r.k === "unknown") return this.enumNamed(r.text, file);
    const v = this.json(r);
    const list = Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : undefined;
    const values = list?.filter((x): x is string | number => typeof x === "string" || typeof x === "number");
    return values?.length ? values : undefined;
  }

  /** An enum by name: in `file` first, then the only one of that name in the project. */
  enumNamed(name: string, file: string): (string | number)[] | undefined {
    const found = byName(this.index).enums.get(name) ?? [];
    const local = found.find((e) => e.file === file);
    if (local) return local.values;
    return found.length === 1 ? found[0].values : undefined;
  }

  /** A class by the name a type annotation uses: in `file` first, then the only one of that name. */
  classNamed(name: string, file: string): string | undefined {
    const all = byName(this.index).classes.get(name) ?? [];
    const local = all.find((c) => c.loc.file === file);
    if (local) return local.id;
    return all.length === 1 ? all[0].id : undefined;
  }

  convertClass(classId: string): Converted | undefined {
    if (this.depth >= MAX_DEPTH) return undefined;
    this.depth++;
    try {
      return this.classes.convert(classId, this);
    } finally {
      this.depth--;
    }
  }

  private convertResolved(resolved: Sym): Converted | undefined {
    if (resolved.k === "alt") {
      const options = resolved.options.map((o) => this.convert(o)).filter((c): c is Converted => c !== undefined);
      return options.length ? { schema: anyOf(options.map((o) => o.schema)), optional: options.some((o) => o.optional) } : undefined;
    }
    const { converter, convert } = this.converterFor(resolved);
    if (!converter) return undefined;
    // The first converter chosen is the outermost value's.
    this.library ??= converter.library;
    return convert();
  }

  private converterFor(resolved: Sym): { converter?: { library: string }; convert: () => Converted | undefined } {
    if (resolved.k === "class") return { converter: this.classes, convert: () => this.convertClass(resolved.id) };
    if (resolved.k === "obj") return { converter: this.literal, convert: () => this.literal.convert(resolved, this) };
    const root = this.rootOf(resolved);
    const builder = root && this.builders.find((b) => b.owns(root));
    return builder ? { converter: builder, convert: () => builder.convert(resolved, this) } : { convert: () => undefined };
  }

  /** The package value a builder chain starts from: `z.string().email()` → zod's `z.string`. */
  rootOf(sym: Sym): ExtSym | undefined {
    let s = sym;
    for (let hops = 0; hops < MAX_ROOT_HOPS; hops++) {
      if (s.k === "ext") return s;
      if (s.k === "call") s = s.callee;
      else if (s.k === "member") s = s.obj;
      else return undefined;
      s = this.index.resolve(s);
    }
    return undefined;
  }
}

/**
 * The declared name of a value: an import's name, or the export a same-file value is bound to.
 * Call arguments are stored as copies, so a builder call is also known by where it starts and how
 * long its chain is (every call of `z.string().min(1)` starts at the same place).
 */
function declaredName(sym: Sym, index: ProjectIndex): string | undefined {
  if (sym.k === "mod") return sym.name === "*" || sym.name === "default" ? undefined : sym.name;
  const names = exportNamesOf(index);
  return names.byValue.get(sym) ?? (sym.k === "call" ? names.byCall.get(callKey(sym)) : undefined);
}

interface ExportNames {
  byValue: WeakMap<object, string>;
  byCall: Map<string, string>;
}

function exportNamesOf(index: ProjectIndex): ExportNames {
  let names = exportNames.get(index);
  if (!names) {
    names = { byValue: new WeakMap(), byCall: new Map() };
    // Files in path order and names sorted, so a value exported twice gets the same name every run.
    for (const path of [...index.files.keys()].sort()) {
      const exports = index.files.get(path)!.exports;
      for (const name of Object.keys(exports).sort()) {
        const value = own(exports, name)!;
        if (name === "default" || names.byValue.has(value)) continue;
        names.byValue.set(value, name);
        if (value.k === "call" && !names.byCall.has(callKey(value))) names.byCall.set(callKey(value), name);
      }
    }
    exportNames.set(index, names);
  }
  return names;
}

function callKey(call: Extract<Sym, { k: "call" }>): string {
  let spine = 0;
  for (let s: Sym = call; (s.k === "call" || s.k === "member") && spine < MAX_ROOT_HOPS; spine++) s = s.k === "call" ? s.callee : s.obj;
  return `${call.loc.file}:${call.loc.line}:${call.loc.column}#${spine}`;
}
