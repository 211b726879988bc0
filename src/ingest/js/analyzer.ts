// One walk over a file's AST: scopes and bindings, symbolic values of expressions, functions,
// classes, exports and calls. Extractors (auth signals, data access, outbound calls, secrets,
// controls) plug in as hooks and see the same scope-aware context, so a file is parsed and
// walked exactly once; the AST is dropped afterwards and only FileFacts remain.
import { visitorKeys } from "oxc-parser";
import type { SourceLocation } from "../../model/types.ts";
import type { ModuleResolver } from "../workspace/types.ts";
import type { CallFact, ClassFact, DecoratorFact, FileFacts, FunctionFact, TypeRef } from "./facts.ts";
import { own, prune, setOwn, UNKNOWN, type Sym } from "./sym.ts";
import { lineColumnOf } from "./parse.ts";
import { compareText } from "../../model/order.ts";

// oxc's ESTree nodes are plain objects; we only rely on `type`, `start`, `end` and the
// visitor keys, so a loose type keeps the walker short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = any;

/** What an extractor sees at each node it asked for. */
export interface WalkContext {
  readonly file: string;
  readonly facts: FileFacts;
  loc(node: Node): SourceLocation;
  symOf(expr: Node): Sym;
  text(node: Node, max?: number): string;
  currentFunction(): FunctionFact | undefined;
  /** The enclosing functions, innermost last. */
  enclosingFunctions(): readonly FunctionFact[];
  inLoop(): boolean;
  inTry(): boolean;
  /** Push a fact under `facts.extra[key]`. */
  emit(key: string, fact: unknown): void;
}

export interface Extractor {
  name: string;
  /** Node types to be called for ("CallExpression", "Literal", ...). */
  visit: Partial<Record<string, (node: Node, ctx: WalkContext) => void>>;
}

interface Binding {
  sym?: Sym;
  compute?: () => Sym;
  computing?: boolean;
  /** Later assignments (`x = …`, `x += …`) seen before the current point of the walk. */
  assigned?: Sym[];
  appended?: Sym[];
  readingOwnAssignment?: boolean;
  /** withAssignments' last result, until the next assignment. */
  current?: { base: Sym; value: Sym };
}

/** Counts changes to any binding of a file, so a remembered value knows when it may be stale. */
interface BindingChanges {
  version: number;
}

class Scope {
  // Made on the first binding: most blocks declare nothing.
  private bindings: Map<string, Binding> | undefined;
  constructor(readonly parent: Scope | undefined, readonly fnScope: boolean, readonly changes: BindingChanges) {}
  bind(name: string, binding: Binding): void {
    (this.bindings ??= new Map()).set(name, binding);
    this.changes.version++;
  }
  has(name: string): boolean {
    return this.bindings?.has(name) ?? false;
  }
  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.bindings?.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

const GLOBALS = new Set([
  "fetch", "process", "JSON", "console", "Number", "parseInt", "parseFloat", "String", "Boolean", "Math",
  "Date", "Buffer", "Promise", "Object", "Array", "encodeURIComponent", "decodeURIComponent", "escape",
  "eval", "Function", "setTimeout", "setInterval", "AbortSignal", "AbortController", "URL", "Error", "BigInt",
]);
const ITERATING_METHODS = new Set(["map", "forEach", "flatMap", "filter", "reduce", "some", "every", "find", "findIndex"]);
const LOOP_TYPES = new Set(["ForStatement", "ForInStatement", "ForOfStatement", "WhileStatement", "DoWhileStatement"]);
const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const TRANSPARENT = new Set([
  "TSAsExpression", "TSNonNullExpression", "TSTypeAssertion", "TSSatisfiesExpression", "ParenthesizedExpression",
  "ChainExpression", "AwaitExpression", "TSInstantiationExpression",
]);
const INTEROP_HELPERS = new Set([
  "_interopRequireDefault", "_interopRequireWildcard", "__importDefault", "__importStar", "__toESM",
  "_interop_require_default", "_interop_require_wildcard",
]);
// Deep enough for a schema two objects deep with chained checks (`z.object({ a: z.object({ b: z.string().min(1).max(9) }) })`).
const MAX_SYM_DEPTH = 24;
const MAX_ITEMS = 64;
const MAX_ASSIGNMENTS = 16;

/**
 * A map that is cleared far more often than it grows: symOf's memo lives from one binding change
 * to the next, usually a handful of entries. Up to SHORT entries live in two arrays, so clearing
 * allocates nothing (Map#clear allocates a fresh table, and regrowing it allocates again).
 */
class ShortMemo<K, V> {
  private static readonly SHORT = 16;
  private readonly keys: K[] = [];
  private readonly values: V[] = [];
  private count = 0;
  private large: Map<K, V> | undefined;

  clear(): void {
    this.count = 0;
    this.large = undefined;
  }

  get(key: K): V | undefined {
    if (this.large) return this.large.get(key);
    for (let i = 0; i < this.count; i++) if (this.keys[i] === key) return this.values[i];
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.large) {
      this.large.set(key, value);
    } else if (this.count < ShortMemo.SHORT) {
      this.keys[this.count] = key;
      this.values[this.count] = value;
      this.count++;
    } else {
      this.large = new Map();
      for (let i = 0; i < this.count; i++) this.large.set(this.keys[i], this.values[i]);
      this.large.set(key, value);
    }
  }
}

type Hook = (node: Node, ctx: WalkContext) => void;
type HandlerTable = ReadonlyMap<string, readonly Hook[]>;
const handlerTables = new WeakMap<readonly Extractor[], HandlerTable>();

/** The extractors' hooks by node type, built once per extractor list (not once per file). */
function handlerTable(extractors: readonly Extractor[]): HandlerTable {
  let table = handlerTables.get(extractors);
  if (table) return table;
  const byType = new Map<string, Hook[]>();
  for (const ex of extractors) {
    for (const [type, fn] of Object.entries(ex.visit)) {
      if (!fn) continue;
      const list = byType.get(type) ?? [];
      list.push(fn);
      byType.set(type, list);
    }
  }
  table = byType;
  handlerTables.set(extractors, table);
  return table;
}

function runHooks(hooks: readonly Hook[], node: Node, ctx: WalkContext): void {
  for (let i = 0; i < hooks.length; i++) hooks[i](node, ctx);
}

export class FileAnalyzer implements WalkContext {
  readonly facts: FileFacts;
  private scope: Scope;
  private readonly fnStack: FunctionFact[] = [];
  private readonly classStack: ClassFact[] = [];
  private loopDepth = 0;
  private tryDepth = 0;
  private symDepth = 0;
  private readonly handlers: HandlerTable;
  private readonly changes: BindingChanges = { version: 0 };
  // symOf's answers at the current point of the walk: every extractor asks for the callee and
  // arguments of the same call (and recordCall again), so each expression is read once while
  // nothing it could depend on (scope, bindings, assignments, enclosing class) has changed.
  private readonly symMemo = new ShortMemo<Node, Sym>();
  private memoScope: Scope | undefined;
  private memoVersion = -1;
  private memoClass: ClassFact | undefined;

  constructor(
    readonly file: string,
    packageRoot: string,
    private readonly text_: string,
    private readonly lineStarts: number[],
    private readonly resolver: ModuleResolver,
    extractors: readonly Extractor[],
  ) {
    this.facts = { path: file, packageRoot, exports: {}, starExports: [], functions: [], classes: [], calls: [], extra: {}, lines: lineStarts.length };
    this.scope = new Scope(undefined, true, this.changes);
    this.handlers = handlerTable(extractors);
  }

  analyze(program: Node): FileFacts {
    this.declare(program.body, this.scope);
    for (const stmt of program.body) this.visit(stmt);
    this.facts.functions.sort((a, b) => compareText(a.id, b.id));
    return this.facts;
  }

  // ---- WalkContext -------------------------------------------------------------------------

  loc(node: Node): SourceLocation {
    const { line, column } = lineColumnOf(this.lineStarts, node.start);
    return { file: this.file, line, column };
  }

  text(node: Node, max = 60): string {
    const raw = this.text_.slice(node.start, Math.min(node.end, node.start + max * 2)).replace(/\s+/g, " ");
    return raw.length > max ? `${raw.slice(0, max)}…` : raw;
  }

  currentFunction(): FunctionFact | undefined {
    return this.fnStack[this.fnStack.length - 1];
  }

  enclosingFunctions(): readonly FunctionFact[] {
    return this.fnStack;
  }

  inLoop(): boolean {
    return this.loopDepth > 0;
  }

  inTry(): boolean {
    return this.tryDepth > 0;
  }

  emit(key: string, fact: unknown): void {
    (this.facts.extra[key] ??= []).push(fact);
  }

  symOf(expr: Node): Sym {
    // Nested reads depend on the depth budget: only whole expressions are remembered.
    if (this.symDepth > 0 || !expr) return this.symIn(expr, this.scope);
    const cls = this.classStack[this.classStack.length - 1];
    if (this.memoScope !== this.scope || this.memoVersion !== this.changes.version || this.memoClass !== cls) {
      this.symMemo.clear();
      this.memoScope = this.scope;
      this.memoVersion = this.changes.version;
      this.memoClass = cls;
    }
    let sym = this.symMemo.get(expr);
    if (sym === undefined) {
      sym = this.symIn(expr, this.scope);
      this.symMemo.set(expr, sym);
    }
    return sym;
  }

  // ---- declarations (hoisted before a block is walked) -------------------------------------

  private declare(statements: Node[], scope: Scope): void {
    for (const stmt of statements) this.declareStatement(stmt, scope);
  }

  private declareStatement(stmt: Node, scope: Scope): void {
    switch (stmt?.type) {
      case "ImportDeclaration":
        this.declareImport(stmt, scope);
        break;
      case "VariableDeclaration":
        for (const d of stmt.declarations) {
          const init = d.init;
          this.bindPattern(d.id, scope, init ? () => this.symIn(init, scope) : () => UNKNOWN);
        }
        break;
      case "FunctionDeclaration":
        if (stmt.id) scope.bind(stmt.id.name, { sym: { k: "fn", id: this.idOf(stmt) } });
        break;
      case "ClassDeclaration":
        if (stmt.id) scope.bind(stmt.id.name, { sym: { k: "class", id: this.idOf(stmt) } });
        break;
      case "ExportNamedDeclaration":
        if (stmt.declaration) this.declareStatement(stmt.declaration, scope);
        break;
      case "ExportDefaultDeclaration":
        if (FUNCTION_TYPES.has(stmt.declaration?.type) || stmt.declaration?.type === "ClassDeclaration") {
          this.declareStatement(stmt.declaration, scope);
        }
        break;
      case "TSExportAssignment":
        break;
    }
  }

  private declareImport(stmt: Node, scope: Scope): void {
    if (stmt.importKind === "type") return;
    const source: string = stmt.source.value;
    for (const spec of stmt.specifiers ?? []) {
      if (spec.importKind === "type") continue;
      const name =
        spec.type === "ImportDefaultSpecifier" ? "default"
        : spec.type === "ImportNamespaceSpecifier" ? "*"
        : (spec.imported?.name ?? spec.imported?.value ?? "default");
      scope.bind(spec.local.name, { sym: this.importSym(source, name) });
    }
  }

  /** The value an import names: an export of a project file or a path into a package. */
  importSym(source: string, name: string): Sym {
    const target = this.resolver.resolve(this.file, source);
    if (target.kind === "file") return { k: "mod", file: target.path, name };
    // A deep import ("express/lib/router") still stands for its package in recognition tables.
    if (target.kind === "package") return { k: "ext", pkg: target.name, path: name === "default" || name === "*" ? [] : [name] };
    return { k: "unknown", text: `import(${source})` };
  }

  private bindPattern(pattern: Node, scope: Scope, compute: () => Sym): void {
    const p = unwrapPattern(pattern);
    if (!p) return;
    if (p.type === "Identifier") {
      scope.bind(p.name, { compute });
    } else if (p.type === "ObjectPattern") {
      for (const prop of p.properties) {
        if (prop.type === "RestElement") {
          this.bindPattern(prop.argument, scope, compute);
          continue;
        }
        const key = propertyName(prop);
        this.bindPattern(prop.value, scope, () => memberOf(compute(), key ?? "*"));
      }
    } else if (p.type === "ArrayPattern") {
      p.elements.forEach((el: Node, i: number) => el && this.bindPattern(el, scope, () => memberOf(compute(), String(i))));
    } else if (p.type === "AssignmentPattern") {
      const right = p.right;
      this.bindPattern(p.left, scope, () => alt([compute(), this.symIn(right, scope)]));
    }
  }

  // ---- the walk ----------------------------------------------------------------------------

  private visit(node: Node): void {
    if (!node || typeof node.type !== "string") return;
    const type: string = node.type;
    const hooks = this.handlers.get(type);
    if (FUNCTION_TYPES.has(type)) return this.visitFunction(node, hooks);
    if (type === "ClassDeclaration" || type === "ClassExpression") return this.visitClass(node);
    if (hooks) runHooks(hooks, node, this);
    switch (type) {
      case "BlockStatement":
      case "StaticBlock": {
        // The most frequent scope: entered without a closure.
        const outer = this.scope;
        this.scope = new Scope(outer, false, this.changes);
        this.declare(node.body, this.scope);
        this.visitChildren(node);
        this.scope = outer;
        return;
      }
      case "CallExpression":
        this.recordCall(node);
        return this.visitCallChildren(node);
      case "TryStatement":
        this.tryDepth++;
        this.visit(node.block);
        this.tryDepth--;
        this.visit(node.handler);
        this.visit(node.finalizer);
        return;
      case "CatchClause":
        return this.inScope(false, () => {
          if (node.param) this.bindPattern(node.param, this.scope, () => UNKNOWN);
          this.visit(node.body);
        });
      case "VariableDeclaration":
        // Declarations in a statement position were hoisted by declare(); `for (const x of …)`
        // heads were not: declare them here.
        for (const d of node.declarations) {
          if (!this.scope.has(firstName(d.id))) {
            const init = d.init;
            const scope = this.scope;
            this.bindPattern(d.id, scope, init ? () => this.symIn(init, scope) : () => UNKNOWN);
          }
        }
        return this.visitChildren(node);
      case "AssignmentExpression":
        this.recordAssignment(node);
        return this.visitChildren(node);
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        this.recordExport(node);
        return this.visitChildren(node);
      case "TSExportAssignment":
        this.facts.exports.default = this.symOf(node.expression);
        return this.visitChildren(node);
      case "ReturnStatement": {
        const fn = this.currentFunction();
        if (fn && node.argument && fn.returns.length < MAX_ITEMS) fn.returns.push(prune(this.symOf(node.argument)));
        return this.visitChildren(node);
      }
    }
    if (LOOP_TYPES.has(type)) {
      return this.inScope(false, () => {
        if (type === "ForOfStatement" || type === "ForInStatement") {
          const right = node.right;
          const scope = this.scope;
          if (node.left?.type === "VariableDeclaration") {
            for (const d of node.left.declarations) this.bindPattern(d.id, scope, () => memberOf(this.symIn(right, scope), "[]"));
          }
          this.visit(node.right);
        } else {
          this.visit(node.init);
          this.visit(node.test);
        }
        this.loopDepth++;
        this.visit(node.body);
        if (type === "ForStatement") this.visit(node.update);
        if (type === "DoWhileStatement") this.visit(node.test);
        this.loopDepth--;
      });
    }
    this.visitChildren(node);
  }

  private visitChildren(node: Node): void {
    const keys: readonly string[] | undefined = (visitorKeys as Record<string, readonly string[]>)[node.type];
    if (!keys) return;
    // Indexed loops: the walk runs for every node, often before V8 has optimised it, and a
    // for-of there allocates an iterator result per step (~50 MB on a large project).
    for (let k = 0; k < keys.length; k++) {
      const child = node[keys[k]];
      if (Array.isArray(child)) {
        for (let i = 0; i < child.length; i++) this.visit(child[i]);
      } else if (child && typeof child === "object") {
        this.visit(child);
      }
    }
  }

  /** Callbacks given to array iteration run once per item: treat their bodies as loops. */
  private visitCallChildren(node: Node): void {
    const callee = unwrap(node.callee);
    const iterates = callee?.type === "MemberExpression" && !callee.computed && ITERATING_METHODS.has(callee.property?.name);
    this.visit(node.callee);
    const args = node.arguments;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (iterates && FUNCTION_TYPES.has(arg.type)) {
        this.loopDepth++;
        this.visit(arg);
        this.loopDepth--;
      } else {
        this.visit(arg);
      }
    }
  }

  private visitFunction(node: Node, hooks: readonly Hook[] | undefined): void {
    const fact: FunctionFact = {
      id: this.idOf(node),
      name: this.pendingName ?? node.id?.name ?? "(anonymous)",
      loc: this.loc(node),
      params: node.params.map((p: Node) => paramLabel(p)),
      returns: [],
      signals: {},
      ...(this.classStack.length && this.pendingName ? { className: this.classStack[this.classStack.length - 1].name } : {}),
    };
    this.pendingName = undefined;
    this.facts.functions.push(fact);
    if (hooks) runHooks(hooks, node, this);
    const outerLoop = this.loopDepth;
    const outerTry = this.tryDepth;
    // A function body runs when called, not where it is written; array-iteration callbacks
    // are the exception the caller marks by raising loopDepth before visiting.
    this.loopDepth = this.loopDepth > 0 ? 1 : 0;
    this.tryDepth = 0;
    this.fnStack.push(fact);
    this.inScope(true, () => {
      if (node.type === "FunctionExpression" && node.id) this.scope.bind(node.id.name, { sym: { k: "fn", id: fact.id } });
      node.params.forEach((p: Node, index: number) => {
        this.bindPattern(p.type === "TSParameterProperty" ? p.parameter : p, this.scope, () => ({ k: "param", fn: fact.id, index, path: [] }));
      });
      for (const p of node.params) this.visit(p);
      if (node.body?.type === "BlockStatement") {
        this.declare(node.body.body, this.scope);
        const body = node.body.body;
        for (let i = 0; i < body.length; i++) this.visit(body[i]);
      } else if (node.body) {
        fact.returns.push(this.symOf(node.body));
        this.visit(node.body);
      }
    });
    this.fnStack.pop();
    this.loopDepth = outerLoop;
    this.tryDepth = outerTry;
  }

  private pendingName: string | undefined;

  private visitClass(node: Node): void {
    const fact: ClassFact = {
      id: this.idOf(node), name: node.id?.name ?? "(anonymous class)", loc: this.loc(node), methods: {},
      decorators: this.decoratorsOf(node), methodDecorators: {}, paramDecorators: {}, properties: [],
    };
    if (node.superClass) fact.superClass = this.symOf(node.superClass);
    this.facts.classes.push(fact);
    const hooks = this.handlers.get(node.type);
    if (hooks) runHooks(hooks, node, this);
    this.classStack.push(fact);
    for (const d of node.decorators ?? []) this.visit(d);
    for (const member of node.body.body) {
      for (const d of member.decorators ?? []) this.visit(d);
      const name = propertyName(member);
      const decorators = this.decoratorsOf(member);
      if (decorators.length && name && member.type === "MethodDefinition") fact.methodDecorators[name] = decorators;
      if (member.type === "MethodDefinition" && member.value && name) {
        const params = member.value.params.map((p: Node) => this.decoratorsOf(p.type === "TSParameterProperty" ? p : p));
        if (params.some((d: DecoratorFact[]) => d.length)) {
          fact.paramDecorators[name] = params;
          (fact.paramTypes ??= {})[name] = member.value.params.map((p: Node) => this.typeRefOf(p));
        }
      }
      if (member.type === "PropertyDefinition" && name) {
        fact.properties.push({
          name, optional: Boolean(member.optional), decorators, loc: this.loc(member),
          ...(member.typeAnnotation ? { type: this.text(member.typeAnnotation.typeAnnotation, 80) } : {}),
        });
      }
      if (member.type === "MethodDefinition" && member.value) {
        fact.methods[name ?? "(computed)"] = this.idOf(member.value);
        this.pendingName = name ?? "(computed)";
        this.visit(member.value);
      } else if (member.type === "PropertyDefinition" && member.value) {
        if (FUNCTION_TYPES.has(member.value.type)) {
          fact.methods[name ?? "(computed)"] = this.idOf(member.value);
          this.pendingName = name ?? "(computed)";
        }
        this.visit(member.value);
      } else if (member.type === "StaticBlock") {
        this.visit(member);
      }
    }
    this.classStack.pop();
  }

  private decoratorsOf(node: Node): DecoratorFact[] {
    return (node.decorators ?? []).map((d: Node) => {
      const e = unwrap(d.expression);
      const called = e.type === "CallExpression";
      return {
        callee: this.symOf(called ? e.callee : e),
        args: called ? e.arguments.map((a: Node) => this.symOf(a)) : [],
        called,
        loc: this.loc(d),
      };
    });
  }

  /** A parameter's type annotation; a named type also gets the value its name is bound to. */
  private typeRefOf(param: Node): TypeRef | undefined {
    const inner = param.type === "TSParameterProperty" ? param.parameter : param;
    const target = inner.type === "AssignmentPattern" ? inner.left : inner;
    const annotation = target.typeAnnotation?.typeAnnotation;
    if (!annotation) return undefined;
    const optional = Boolean(target.optional) || inner.type === "AssignmentPattern";
    const name = annotation.type === "TSTypeReference" ? annotation.typeName : undefined;
    const ref = name?.type === "Identifier" ? this.symOf(name)
      : name?.type === "TSQualifiedName" && name.left.type === "Identifier" ? memberOf(this.symOf(name.left), name.right.name)
      : undefined;
    return { text: this.text(annotation, 80), optional, ...(ref && ref.k !== "unknown" ? { ref } : {}) };
  }

  private inScope(fnScope: boolean, body: () => void): void {
    const outer = this.scope;
    this.scope = new Scope(outer, fnScope, this.changes);
    try {
      body();
    } finally {
      this.scope = outer;
    }
  }

  // ---- facts -------------------------------------------------------------------------------

  private recordCall(node: Node): void {
    const callee = this.symOf(node.callee);
    if (callee.k === "unknown") return;
    const fn = this.currentFunction();
    const fact: CallFact = {
      callee: prune(callee),
      // `app.post(path, ...handlers)`: a spread argument stands for the values it spreads.
      args: node.arguments.map((a: Node) => prune(this.symOf(a.type === "SpreadElement" ? a.argument : a))),
      loc: this.loc(node),
      inLoop: this.inLoop(),
      inTry: this.inTry(),
      order: node.start,
      ...(fn ? { fn: fn.id } : {}),
    };
    const calleeNode = unwrap(node.callee);
    if (calleeNode?.type === "MemberExpression" && calleeNode.computed && callee.k === "member" && callee.prop === "[]") {
      fact.key = prune(this.symOf(calleeNode.property), 24);
    }
    this.facts.calls.push(fact);
  }

  private recordAssignment(node: Node): void {
    const left = unwrap(node.left);
    if (left?.type === "Identifier") {
      const binding = this.scope.lookup(left.name);
      if (!binding) return;
      // While the right side is read, the binding stands for its first value only: otherwise
      // `x = f(x)` repeated n times would nest 2^n copies of x.
      binding.readingOwnAssignment = true;
      this.changes.version++;
      const value = this.symOf(node.right);
      binding.readingOwnAssignment = false;
      if (node.operator === "+=" && (binding.appended?.length ?? 0) < MAX_ASSIGNMENTS) (binding.appended ??= []).push(value);
      else if (node.operator === "=" && (binding.assigned?.length ?? 0) < MAX_ASSIGNMENTS) (binding.assigned ??= []).push(value);
      binding.current = undefined;
      this.changes.version++;
      return;
    }
    if (left?.type !== "MemberExpression") return;
    // CommonJS exports: module.exports = X, module.exports.name = X, exports.name = X
    const path = memberPath(left);
    if (!path) return;
    if (path.length === 2 && path[0] === "module" && path[1] === "exports") {
      this.facts.exports.default = this.symOf(node.right);
      const right = unwrap(node.right);
      if (right?.type === "ObjectExpression") {
        const obj = this.symOf(right);
        if (obj.k === "obj") for (const [k, v] of Object.entries(obj.props)) this.facts.exports[k] ??= v;
      }
    } else if (path.length === 3 && path[0] === "module" && path[1] === "exports") {
      this.facts.exports[path[2]] = this.symOf(node.right);
    } else if (path.length === 2 && path[0] === "exports" && !this.scope.lookup("exports")) {
      this.facts.exports[path[1]] = this.symOf(node.right);
    }
  }

  private recordExport(node: Node): void {
    if (node.exportKind === "type") return;
    if (node.type === "ExportDefaultDeclaration") {
      const d = node.declaration;
      this.facts.exports.default = FUNCTION_TYPES.has(d.type) ? { k: "fn", id: this.idOf(d) }
        : d.type === "ClassDeclaration" || d.type === "ClassExpression" ? { k: "class", id: this.idOf(d) }
        : this.symOf(d);
      return;
    }
    if (node.type === "ExportAllDeclaration") {
      const target = this.resolver.resolve(this.file, node.source.value);
      if (node.exported) this.facts.exports[exportedName(node.exported)] = this.importSym(node.source.value, "*");
      else if (target.kind === "file") this.facts.starExports.push(target.path);
      return;
    }
    if (node.declaration) {
      const d = node.declaration;
      if (d.type === "VariableDeclaration") {
        for (const decl of d.declarations) for (const name of patternNames(decl.id)) this.facts.exports[name] = this.symIn({ type: "Identifier", name, start: decl.start, end: decl.end }, this.scope);
      } else if (d.id?.name) {
        this.facts.exports[d.id.name] = d.type === "ClassDeclaration" ? { k: "class", id: this.idOf(d) } : { k: "fn", id: this.idOf(d) };
      }
      return;
    }
    for (const spec of node.specifiers ?? []) {
      if (spec.exportKind === "type") continue;
      const exported = exportedName(spec.exported);
      const local = exportedName(spec.local);
      this.facts.exports[exported] = node.source ? this.importSym(node.source.value, local) : this.symIn(spec.local, this.scope);
    }
  }

  // ---- symbolic values ---------------------------------------------------------------------

  idOf(node: Node): string {
    const { line, column } = lineColumnOf(this.lineStarts, node.start);
    return `${this.file}:${line}:${column}`;
  }

  private symIn(expr: Node, scope: Scope): Sym {
    if (!expr) return UNKNOWN;
    if (this.symDepth > MAX_SYM_DEPTH) return { k: "unknown", text: "…" };
    this.symDepth++;
    const saved = this.scope;
    this.scope = scope;
    try {
      return this.symUnsafe(expr, scope);
    } finally {
      this.scope = saved;
      this.symDepth--;
    }
  }

  private symUnsafe(expr: Node, scope: Scope): Sym {
    const e = unwrap(expr);
    switch (e.type) {
      case "Identifier":
        return this.identifierSym(e.name, scope);
      case "Literal":
        if (e.regex || typeof e.value === "bigint") return { k: "unknown", text: e.raw ?? "literal" };
        return { k: "lit", value: e.value };
      case "TemplateLiteral": {
        const parts: Sym[] = [];
        e.quasis.forEach((q: Node, i: number) => {
          if (q.value.cooked) parts.push({ k: "lit", value: q.value.cooked });
          if (i < e.expressions.length) parts.push(this.symIn(e.expressions[i], scope));
        });
        return concat(parts);
      }
      // gql`…`, sql`…`: the tag is called with the template, so the value is a call of the tag.
      case "TaggedTemplateExpression":
        return { k: "call", callee: this.symIn(e.tag, scope), args: [this.symIn(e.quasi, scope)], loc: this.loc(e) };
      case "BinaryExpression":
        if (e.operator === "+") return concat([this.symIn(e.left, scope), this.symIn(e.right, scope)]);
        return { k: "unknown", text: this.text(e, 40) };
      case "LogicalExpression":
        return alt([this.symIn(e.left, scope), this.symIn(e.right, scope)]);
      case "ConditionalExpression":
        return alt([this.symIn(e.consequent, scope), this.symIn(e.alternate, scope)]);
      case "AssignmentExpression":
        return this.symIn(e.right, scope);
      case "SequenceExpression":
        return this.symIn(e.expressions[e.expressions.length - 1], scope);
      case "MemberExpression": {
        const prop = memberPropertyName(e, (n) => this.symIn(n, scope));
        return memberOf(this.symIn(e.object, scope), prop);
      }
      case "CallExpression":
        return this.callSym(e, scope);
      case "ImportExpression": {
        const source = this.symIn(e.source, scope);
        return source.k === "lit" && typeof source.value === "string" ? this.importSym(source.value, "*") : { k: "unknown", text: "import()" };
      }
      case "NewExpression":
        return { k: "new", callee: this.symIn(e.callee, scope), args: e.arguments.slice(0, MAX_ITEMS).map((a: Node) => this.symIn(a, scope)), loc: this.loc(e) };
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "FunctionDeclaration":
        return { k: "fn", id: this.idOf(e) };
      case "ClassExpression":
      case "ClassDeclaration":
        return { k: "class", id: this.idOf(e) };
      case "ObjectExpression": {
        const props: Record<string, Sym> = {};
        const spreads: Sym[] = [];
        for (const p of e.properties.slice(0, MAX_ITEMS)) {
          if (p.type === "SpreadElement") spreads.push(this.symIn(p.argument, scope));
          else {
            const key = propertyName(p) ?? (p.computed ? this.computedKey(p.key, scope) : undefined);
            if (key !== undefined) setOwn(props, key, p.value ? this.symIn(p.value, scope) : UNKNOWN);
          }
        }
        return { k: "obj", props, spreads };
      }
      case "ArrayExpression":
        return { k: "arr", items: e.elements.slice(0, MAX_ITEMS).map((el: Node) => (el ? (el.type === "SpreadElement" ? this.symIn(el.argument, scope) : this.symIn(el, scope)) : UNKNOWN)) };
      case "ThisExpression": {
        const cls = this.classStack[this.classStack.length - 1];
        return cls ? { k: "this", cls: cls.id } : { k: "this" };
      }
      case "UnaryExpression":
        return e.operator === "void" ? { k: "lit", value: null } : { k: "unknown", text: this.text(e, 40) };
      default:
        return { k: "unknown", text: this.text(e, 40) };
    }
  }

  private identifierSym(name: string, scope: Scope): Sym {
    if (name === "undefined") return { k: "lit", value: null };
    const binding = scope.lookup(name);
    if (!binding) return GLOBALS.has(name) ? { k: "ext", pkg: "global", path: [name] } : { k: "unknown", text: name };
    if (binding.sym) return withAssignments(binding.sym, binding);
    if (!binding.compute || binding.computing) return { k: "unknown", text: name };
    binding.computing = true;
    try {
      binding.sym = binding.compute();
    } finally {
      binding.computing = false;
    }
    return withAssignments(binding.sym, binding);
  }

  /** `{ [Segments.BODY]: … }`: a literal key as its text, a package constant as `[celebrate.Segments.BODY]`. */
  private computedKey(key: Node, scope: Scope): string | undefined {
    const sym = this.symIn(key, scope);
    if (sym.k === "lit" && sym.value !== null) return String(sym.value);
    if (sym.k === "ext") return `[${[sym.pkg, ...sym.path].join(".")}]`;
    return undefined;
  }

  private callSym(e: Node, scope: Scope): Sym {
    const callee = unwrap(e.callee);
    // require('x') and require('x').y
    if (callee.type === "Identifier" && callee.name === "require" && !scope.lookup("require")) {
      const arg = e.arguments[0] && unwrap(e.arguments[0]);
      if (arg?.type === "Literal" && typeof arg.value === "string") return this.importSym(arg.value, "*");
      return { k: "unknown", text: "require(?)" };
    }
    // Compilers wrap require() in a helper whose result reads as the module itself, its `default`
    // being the module when it has none: Babel, TypeScript, esbuild and SWC name them so.
    if (callee.type === "Identifier" && INTEROP_HELPERS.has(callee.name) && e.arguments[0]) {
      return this.symIn(e.arguments[0], scope);
    }
    // fn.bind(thisArg) is fn for our purposes; fn.call/apply are calls of fn.
    if (callee.type === "MemberExpression" && !callee.computed && callee.property.name === "bind") {
      return this.symIn(callee.object, scope);
    }
    return {
      k: "call",
      callee: this.symIn(callee, scope),
      args: e.arguments.slice(0, MAX_ITEMS).map((a: Node) => this.symIn(a.type === "SpreadElement" ? a.argument : a, scope)),
      loc: this.loc(e),
    };
  }
}

// ---- helpers ---------------------------------------------------------------------------------

export function unwrap(node: Node): Node {
  let n = node;
  while (n && TRANSPARENT.has(n.type)) n = n.expression ?? n.argument;
  return n;
}

function unwrapPattern(p: Node): Node {
  if (p?.type === "TSParameterProperty") return p.parameter;
  return p;
}

export function propertyName(prop: Node): string | undefined {
  const key = prop.key;
  if (!key) return undefined;
  if (!prop.computed && key.type === "Identifier") return key.name;
  if (key.type === "Literal") return String(key.value);
  if (key.type === "PrivateIdentifier") return `#${key.name}`;
  return undefined;
}

function memberPropertyName(e: Node, symOf: (n: Node) => Sym): string {
  if (!e.computed) return e.property.name;
  const key = symOf(e.property);
  return key.k === "lit" && key.value !== null ? String(key.value) : "[]";
}

/** `a.b.c` as ["a","b","c"] when it is a plain chain of identifiers. */
export function memberPath(node: Node): string[] | undefined {
  const n = unwrap(node);
  if (n.type === "Identifier") return [n.name];
  if (n.type === "MemberExpression" && !n.computed) {
    const head = memberPath(n.object);
    return head ? [...head, n.property.name] : undefined;
  }
  return undefined;
}

function exportedName(node: Node): string {
  return node.type === "Literal" ? String(node.value) : node.name;
}

function firstName(pattern: Node): string {
  return patternNames(pattern)[0] ?? "";
}

function patternNames(pattern: Node): string[] {
  const p = unwrapPattern(pattern);
  if (!p) return [];
  switch (p.type) {
    case "Identifier":
      return [p.name];
    case "ObjectPattern":
      return p.properties.flatMap((prop: Node) => patternNames(prop.type === "RestElement" ? prop.argument : prop.value));
    case "ArrayPattern":
      return p.elements.flatMap((el: Node) => (el ? patternNames(el) : []));
    case "AssignmentPattern":
      return patternNames(p.left);
    case "RestElement":
      return patternNames(p.argument);
    default:
      return [];
  }
}

function paramLabel(p: Node): string {
  const inner = p.type === "TSParameterProperty" ? p.parameter : p;
  if (inner.type === "Identifier") return inner.name;
  if (inner.type === "AssignmentPattern" && inner.left.type === "Identifier") return inner.left.name;
  if (inner.type === "RestElement" && inner.argument.type === "Identifier") return `...${inner.argument.name}`;
  return "{…}";
}

/** Member access, normalised: into a package it extends the package path; into an object literal it picks the property. */
export function memberOf(obj: Sym, prop: string): Sym {
  if (obj.k === "ext") return { k: "ext", pkg: obj.pkg, path: [...obj.path, prop] };
  const value = obj.k === "obj" ? own(obj.props, prop) : undefined;
  if (value) return value;
  if (obj.k === "mod" && obj.name === "*") return { k: "mod", file: obj.file, name: prop };
  return { k: "member", obj, prop };
}

export function concat(parts: Sym[]): Sym {
  const flat: Sym[] = [];
  for (const p of parts) {
    const items = p.k === "concat" ? p.parts : [p];
    for (const item of items) {
      const last = flat[flat.length - 1];
      if (item.k === "lit" && last?.k === "lit" && (typeof item.value === "string" || typeof last.value === "string")) {
        flat[flat.length - 1] = { k: "lit", value: String(last.value ?? "") + String(item.value ?? "") };
      } else {
        flat.push(item);
      }
    }
  }
  if (flat.length === 1 && flat[0].k === "lit") return flat[0];
  if (flat.length === 0) return { k: "lit", value: "" };
  return { k: "concat", parts: flat.slice(0, MAX_ITEMS) };
}

export function alt(options: Sym[]): Sym {
  // A plain loop: this runs for every `||`, `?:` and reassigned binding, and flatMap allocates per option.
  const flat: Sym[] = [];
  for (const o of options) {
    if (o.k === "alt") flat.push(...o.options);
    else flat.push(o);
  }
  // `flat` is ours: copy it only to cut it (the linker builds an alt per member of an alt).
  return flat.length === 1 ? flat[0] : { k: "alt", options: flat.length > MAX_ITEMS ? flat.slice(0, MAX_ITEMS) : flat };
}

/** The binding's value with what was assigned or appended so far; built once per change. */
function withAssignments(sym: Sym, binding: Binding): Sym {
  if (!binding.assigned?.length && !binding.appended?.length) return sym;
  if (binding.readingOwnAssignment) return binding.appended?.length ? concat([sym, ...binding.appended]) : sym;
  if (binding.current?.base === sym) return binding.current.value;
  let value = sym;
  if (binding.assigned?.length) value = alt([value, ...binding.assigned]);
  if (binding.appended?.length) value = concat([value, ...binding.appended]);
  binding.current = { base: sym, value };
  return value;
}
