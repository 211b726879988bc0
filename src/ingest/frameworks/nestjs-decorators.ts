// NestJS decorators as facts: what a decorator comes down to once project-made decorators
// (`export const Auth = () => applyDecorators(UseGuards(JwtAuthGuard), …)`, `Public = () =>
// SetMetadata(IS_PUBLIC_KEY, true)`) are expanded; the metadata flags a route carries and the
// guards that let such a flag through; and the request schemas of a handler's decorated
// parameters (`@Body('article') dto: CreateArticleDto`).
import type { JsonSchema, RequestSchemas, SourceLocation } from "../../model/types.ts";
import type { ClassFact, DecoratorFact, TypeRef } from "../js/facts.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { schemaFromSym } from "../schemas/index.ts";
import { pathText } from "./paths.ts";

export const NEST_COMMON = "@nestjs/common";
export const NEST_CORE = "@nestjs/core";

const MAX_EXPANSION = 4;
/** Reflector reads: `reflector.getAllAndOverride(KEY, [handler, class])`, `reflector.get(KEY, handler)`. */
const REFLECTOR_READS = new Set(["getAllAndOverride", "getAllAndMerge", "get"]);
const PRIMITIVES: Record<string, JsonSchema> = { string: { type: "string" }, number: { type: "number" }, boolean: { type: "boolean" } };

/** A decorator as applied: the package export it comes down to, and its arguments. */
export interface Applied {
  pkg: string;
  /** The export's path: "Get", "SetMetadata", "VersioningType.URI". */
  name: string;
  args: Sym[];
  loc: SourceLocation;
}

export function appliedDecorators(decorators: readonly DecoratorFact[] | undefined, index: ProjectIndex): Applied[] {
  return (decorators ?? []).flatMap((d) => (d.called ? expandCall(d.callee, d.args, d.loc, index, 0) : expandValue(d.callee, d.loc, index, 0)));
}

/** The applied decorators from `pkg` named `name`. */
export function named(applied: readonly Applied[], name: string, pkg = NEST_COMMON): Applied[] {
  return applied.filter((a) => a.pkg === pkg && a.name === name);
}

function expandCall(callee: Sym, args: Sym[], loc: SourceLocation, index: ProjectIndex, depth: number): Applied[] {
  const target = index.resolve(callee);
  if (target.k === "ext") {
    const name = target.path.join(".");
    if (target.pkg === NEST_COMMON && name === "applyDecorators") return args.flatMap((a) => expandValue(a, loc, index, depth + 1));
    return [{ pkg: target.pkg, name, args, loc }];
  }
  // A decorator factory of the project: what it returns is what gets applied.
  if (target.k === "fn" && depth < MAX_EXPANSION) {
    return (index.functions.get(target.id)?.returns ?? []).flatMap((r) => expandValue(r, loc, index, depth + 1));
  }
  return [];
}

function expandValue(value: Sym, loc: SourceLocation, index: ProjectIndex, depth: number): Applied[] {
  if (depth > MAX_EXPANSION) return [];
  const sym = value.k === "call" ? value : index.resolve(value);
  if (sym.k === "call") return expandCall(sym.callee, sym.args, loc, index, depth);
  if (sym.k === "ext") return [{ pkg: sym.pkg, name: sym.path.join("."), args: [], loc }];
  return [];
}

/** A metadata key as comparable text: `IS_PUBLIC_KEY` and `'isPublic'` are the same key. */
function keyOf(sym: Sym | undefined, index: ProjectIndex): string | undefined {
  if (!sym) return undefined;
  const resolved = index.resolve(sym);
  return resolved.k === "lit" && resolved.value !== null ? `${typeof resolved.value}:${resolved.value}` : undefined;
}

/** Keys a route sets to `true` with `SetMetadata` (through decorators such as `@Public()`). */
export function trueFlags(applied: readonly Applied[], index: ProjectIndex): Set<string> {
  const flags = new Set<string>();
  for (const a of named(applied, "SetMetadata")) {
    const key = keyOf(a.args[0], index);
    const value = a.args[1] && index.resolve(a.args[1]);
    if (key && value?.k === "lit" && value.value === true) flags.add(key);
  }
  return flags;
}

/**
 * The metadata keys that let a request through a guard: the guard reads the key through the
 * Reflector and its canActivate can return `true` without authenticating
 * (`if (isPublic) return true;`). A route flagging such a key is exempt from the guard.
 */
export class GuardExemptions {
  private readonly memo = new Map<string, Set<string>>();

  constructor(private readonly index: ProjectIndex) {}

  exempts(guard: Sym, flags: ReadonlySet<string>): boolean {
    if (!flags.size) return false;
    const classId = guardClassOf(guard, this.index);
    if (!classId) return false;
    for (const key of this.keysOf(classId)) if (flags.has(key)) return true;
    return false;
  }

  private keysOf(classId: string): Set<string> {
    let keys = this.memo.get(classId);
    if (!keys) {
      keys = this.index.methodOf(classId, "canActivate") && this.canAllow(classId) ? this.reflectedKeys(classId) : new Set();
      this.memo.set(classId, keys);
    }
    return keys;
  }

  private canAllow(classId: string): boolean {
    const method = this.index.methodOf(classId, "canActivate");
    const fn = method?.k === "fn" ? this.index.functions.get(method.id) : undefined;
    return (fn?.returns ?? []).some((r) => {
      const value = this.index.resolve(r);
      return value.k === "lit" && value.value === true;
    });
  }

  private reflectedKeys(classId: string): Set<string> {
    const keys = new Set<string>();
    for (const fnId of methodsOf(classId, this.index)) {
      for (const call of this.index.callsIn.get(fnId) ?? []) {
        if (call.callee.k !== "member" || !REFLECTOR_READS.has(call.callee.prop)) continue;
        // Map#get(key) takes one argument; the Reflector's reads take the key and a target.
        if (call.args.length < 2) continue;
        const key = keyOf(call.args[0], this.index);
        if (key) keys.add(key);
      }
    }
    return keys;
  }
}

/** The project class a guard or middleware value is (`JwtAuthGuard`, `new JwtAuthGuard(reflector)`). */
export function guardClassOf(sym: Sym, index: ProjectIndex): string | undefined {
  const resolved = index.resolve(sym);
  if (resolved.k === "class") return resolved.id;
  if (resolved.k === "new") {
    const callee = index.resolve(resolved.callee);
    if (callee.k === "class") return callee.id;
  }
  return undefined;
}

/** Function ids of a class's methods and its project superclasses' methods. */
function methodsOf(classId: string, index: ProjectIndex, depth = 0): string[] {
  const cls = index.classes.get(classId);
  if (!cls || depth > 8) return [];
  const own = Object.values(cls.methods);
  const sup = cls.superClass && index.resolve(cls.superClass);
  return sup?.k === "class" ? [...own, ...methodsOf(sup.id, index, depth + 1)] : own;
}

/** Request schemas a handler declares through its decorated parameters. */
export interface HandlerParams {
  request: RequestSchemas;
  /** A parameter typed with a project class (a DTO): what a ValidationPipe validates. */
  hasDto: boolean;
  /** Pipes given to parameter decorators (`@Param('id', ParseIntPipe)`), with where they are applied. */
  pipes: { sym: Sym; loc: SourceLocation }[];
}

const PARAM_PARTS: Record<string, keyof RequestSchemas> = { Body: "body", Query: "query", Param: "params", Headers: "headers" };

export function handlerParams(cls: ClassFact, method: string, index: ProjectIndex): HandlerParams {
  const result: HandlerParams = { request: {}, hasDto: false, pipes: [] };
  const decorators = own(cls.paramDecorators, method) ?? [];
  const types = own(cls.paramTypes, method) ?? [];
  decorators.forEach((list, i) => {
    for (const a of appliedDecorators(list, index)) {
      const part = a.pkg === NEST_COMMON ? own(PARAM_PARTS, a.name) : undefined;
      if (!part) continue;
      const key = pathText(a.args[0] && index.resolve(a.args[0]));
      const pipes = (key === undefined ? a.args : a.args.slice(1)).map((sym) => ({ sym, loc: a.loc }));
      result.pipes.push(...pipes);
      const dto = dtoClassOf(types[i], index);
      if (dto) result.hasDto = true;
      addPart(result.request, part, key, schemaOfType(types[i], dto, index), part === "body" && key !== undefined && !types[i]?.optional);
    }
  });
  return result;
}

function dtoClassOf(type: TypeRef | undefined, index: ProjectIndex): string | undefined {
  const resolved = type?.ref && index.resolve(type.ref);
  return resolved?.k === "class" ? resolved.id : undefined;
}

function schemaOfType(type: TypeRef | undefined, dto: string | undefined, index: ProjectIndex): JsonSchema | undefined {
  // Until a DTO class converts, all that is known is that it is an object.
  if (dto) return schemaFromSym({ k: "class", id: dto }, index)?.schema ?? { type: "object" };
  if (!type) return undefined;
  const array = /^(\w+)\[\]$/.exec(type.text) ?? /^Array<(\w+)>$/.exec(type.text);
  const item = array ? own(PRIMITIVES, array[1]) : undefined;
  if (item) return { type: "array", items: item };
  return own(PRIMITIVES, type.text);
}

/**
 * `@Body() dto` is the whole body; `@Body('article') dto` one property of it. Query, path and
 * header values arrive as strings, so an unknown type is a string there.
 */
function addPart(request: RequestSchemas, part: keyof RequestSchemas, key: string | undefined, schema: JsonSchema | undefined, required: boolean): void {
  if (key === undefined) {
    if (schema) request[part] = mergeObjects(request[part], schema);
    return;
  }
  const property = schema ?? (part === "body" ? {} : { type: "string" });
  const current = request[part] ?? { type: "object", properties: {} };
  const properties = { ...(current.properties as Record<string, JsonSchema> | undefined), [key]: property };
  const requiredList = [...((current.required as string[] | undefined) ?? []), ...(required ? [key] : [])];
  request[part] = { ...current, properties, ...(requiredList.length ? { required: [...new Set(requiredList)].sort() } : {}) };
}

function mergeObjects(current: JsonSchema | undefined, next: JsonSchema): JsonSchema {
  if (!current) return next;
  const properties = { ...(current.properties as object | undefined), ...(next.properties as object | undefined) };
  return { ...current, ...next, properties };
}
