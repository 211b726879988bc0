// Where each GraphQL field is resolved, and what a resolver does per call: resolver maps
// (`{ Query: { articles }, Article: { author } }`, split across modules, spread, merged or
// listed in arrays) and code-first resolver classes (`@Query`, `@FieldResolver`,
// `@ResolveField`); for the N+1 rule, the data accesses a resolver reaches and whether it goes
// through a DataLoader.
import type { AuthInfo, SourceLocation } from "../../model/types.ts";
import { SQL_CANDIDATES, type SqlCandidateFact } from "../code/data-access.ts";
import { extPath, extRoot, locKey } from "../code/values.ts";
import type { ClassFact, DecoratorFact } from "../js/facts.ts";
import { describe, own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import type { ChainItem } from "./endpoint-builder.ts";
import { codeFirstName, typeOfArg, type TypeRef } from "./graphql-schema.ts";
import { compareText } from "../../model/order.ts";

export const ROOT_KINDS = ["Query", "Mutation", "Subscription"] as const;
export type RootKind = (typeof ROOT_KINDS)[number];

export interface ResolverEntry {
  owner: string;
  field: string;
  /** The resolver function, when one is found (a field without one uses the default resolver). */
  fnId?: string;
  /** Code-first: the decorator that declares the field (`@Query(() => [Article])`). */
  declaredAt?: SourceLocation;
  returns?: TypeRef;
  /** `@UseGuards(...)` on the method or its class. */
  guards: ChainItem[];
  /** `@Authorized()` (type-graphql): the schema's authChecker runs before the resolver. */
  declaredAuth?: AuthInfo;
}

const MAX_DEPTH = 10;
const FIELD_DECORATORS = new Set(["FieldResolver", "ResolveField", "ResolveProperty"]);
/** ORM and repository lookups that fetch by key or filter: one query per call. */
const ORM_LOOKUPS = new Set([
  "findOne", "findOneBy", "findOneOrFail", "findOneByOrFail", "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow",
  "findById", "findByPk", "findMany", "findAll", "findBy", "findAndCount", "findAndCountAll", "count", "countBy", "aggregate", "load",
]);
const SQL_METHODS = new Set(["query", "execute", "raw", "$queryRaw", "$queryRawUnsafe", "many", "one", "oneOrNone", "manyOrNone", "any"]);
const SQL_TEXT = /^\s*\(*\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const PRISMA_BATCHED = new Set(["findUnique", "findUniqueOrThrow"]);
const MAX_HELPER_DEPTH = 3;

// ---- resolver maps ----------------------------------------------------------------------------

/** Every `Type.field` resolver in resolver maps; a later map overrides an earlier one, as merging does. */
export function resolverMapEntries(maps: readonly Sym[], index: ProjectIndex): ResolverEntry[] {
  const byField = new Map<string, ResolverEntry>();
  for (const map of maps) collectMap(map, index, byField, 0);
  return [...byField.values()];
}

function collectMap(sym: Sym, index: ProjectIndex, out: Map<string, ResolverEntry>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const value = index.resolve(sym);
  if (value.k === "arr") return value.items.forEach((item) => collectMap(item, index, out, depth + 1));
  if (value.k === "alt") return value.options.forEach((option) => collectMap(option, index, out, depth + 1));
  // merge(a, b), mergeResolvers([a, b]), Object.assign({}, a, b): the maps are the arguments.
  if (value.k === "call") return value.args.forEach((arg) => collectMap(arg, index, out, depth + 1));
  if (value.k !== "obj") return;
  for (const [owner, fields] of entries(value, index, depth)) {
    for (const [field, resolver] of entries(index.resolve(fields), index, depth)) {
      const fnId = resolverFunction(resolver, index);
      out.set(`${owner}.${field}`, { owner, field, ...(fnId ? { fnId } : {}), guards: [] });
    }
  }
}

/** An object's entries, spreads first (`{ ...commentQueries, me }`). */
function entries(value: Sym, index: ProjectIndex, depth: number): [string, Sym][] {
  if (value.k !== "obj" || depth > MAX_DEPTH) return [];
  const spread = value.spreads.flatMap((s) => entries(index.resolve(s), index, depth + 1));
  return [...spread, ...Object.entries(value.props)];
}

/** A field's resolver: a function, or `{ resolve }` / `{ subscribe }` for subscriptions. */
function resolverFunction(sym: Sym, index: ProjectIndex): string | undefined {
  const value = index.resolve(sym);
  if (value.k === "fn") return value.id;
  if (value.k !== "obj") return undefined;
  const inner = own(value.props, "resolve") ?? own(value.props, "subscribe");
  const fn = inner && index.resolve(inner);
  return fn?.k === "fn" ? fn.id : undefined;
}

// ---- code-first resolver classes --------------------------------------------------------------

/** Fields declared by `@Resolver` classes: root operations and field resolvers. */
export function classEntries(classes: readonly ClassFact[], index: ProjectIndex, names: ReadonlyMap<string, string>): ResolverEntry[] {
  return classes.flatMap((cls) => {
    const resolver = cls.decorators.find((d) => codeFirstName(d, index) === "Resolver");
    const ownerType = resolver && typeOfArg(resolver.args[0], index, names)?.named;
    const classAuth = authDecorators(cls.decorators, index, "router");
    return Object.entries(cls.methodDecorators).flatMap(([method, decorators]) => {
      const methodAuth = authDecorators(decorators, index, "route");
      const fnId = own(cls.methods, method);
      return decorators.flatMap((d): ResolverEntry[] => {
        const kind = codeFirstName(d, index);
        const owner = kind && (ROOT_KINDS as readonly string[]).includes(kind) ? kind : kind && FIELD_DECORATORS.has(kind) ? ownerType : undefined;
        if (!owner) return [];
        const returns = typeOfArg(d.args.find((a) => ["fn", "class", "arr"].includes(index.resolve(a).k)), index, names);
        const declaredAuth = methodAuth.declared ?? classAuth.declared;
        return [{
          owner,
          field: explicitName(d, index) ?? method,
          ...(fnId ? { fnId } : {}),
          declaredAt: d.loc,
          ...(returns ? { returns } : {}),
          guards: [...classAuth.guards, ...methodAuth.guards],
          ...(declaredAuth ? { declaredAuth } : {}),
        }];
      });
    });
  });
}

/** `@Query("articles")`, `@ResolveField("author", () => User)`, `@Query(() => X, { name: "x" })`. */
function explicitName(d: DecoratorFact, index: ProjectIndex): string | undefined {
  for (const arg of d.args) {
    const value = index.resolve(arg);
    if (value.k === "lit" && typeof value.value === "string") return value.value;
    const name = value.k === "obj" ? own(value.props, "name") : undefined;
    if (name?.k === "lit" && typeof name.value === "string") return name.value;
  }
  return undefined;
}

/** `@UseGuards(GqlAuthGuard)` as chain items; type-graphql's `@Authorized()` as declared auth. */
function authDecorators(decorators: readonly DecoratorFact[], index: ProjectIndex, level: ChainItem["level"]): { guards: ChainItem[]; declared?: AuthInfo } {
  const guards: ChainItem[] = [];
  let declared: AuthInfo | undefined;
  for (const d of decorators) {
    const name = codeFirstName(d, index, new Set(["@nestjs/common", "type-graphql"]));
    if (name === "UseGuards") guards.push(...d.args.map((sym) => ({ sym, scope: "/", loc: d.loc, level })));
    if (name === "Authorized") {
      const roles = d.args.map((a) => index.resolve(a)).flatMap((a) => (a.k === "lit" && typeof a.value === "string" ? [a.value] : []));
      declared = { state: "required", mechanisms: ["type-graphql:authChecker"], enforcedAt: d.loc, reason: `@Authorized(${roles.map((r) => JSON.stringify(r)).join(", ")}) runs the schema's authChecker before the resolver` };
    }
  }
  return { guards, ...(declared ? { declared } : {}) };
}

// ---- what a resolver does per call ------------------------------------------------------------

export interface PerCallAccess {
  location: SourceLocation;
  call: string;
  via?: SourceLocation;
}

/**
 * The data accesses a resolver makes each time it runs (directly or through project helpers),
 * and whether it loads through a DataLoader. Prisma batches `findUnique` calls made in the same
 * tick itself, so those count as batched.
 */
export function perCallAccesses(fnId: string, index: ProjectIndex): { accesses: PerCallAccess[]; batched: boolean } {
  const found = new Map<string, PerCallAccess>();
  let batched = false;
  const visit = (id: string, via: SourceLocation | undefined, depth: number, seen: Set<string>) => {
    if (seen.has(id) || depth > MAX_HELPER_DEPTH) return;
    seen.add(id);
    for (const call of index.callsIn.get(id) ?? []) {
      const kind = callKind(call.callee, call.args, index);
      if (kind === "batched") batched = true;
      if (kind === "access" && !found.has(locKey(call.loc))) found.set(locKey(call.loc), { location: call.loc, call: shortName(call.callee), ...(via ? { via } : {}) });
      if (kind) continue;
      const target = index.resolve(call.callee);
      if (target.k === "fn") visit(target.id, via ?? call.loc, depth + 1, seen);
    }
    for (const candidate of sqlCandidatesIn(id, index)) {
      if (!found.has(locKey(candidate.loc))) found.set(locKey(candidate.loc), { location: candidate.loc, call: `${shortName(candidate.receiver)}.${candidate.method === "(tag)" ? "sql``" : candidate.method}`, ...(via ? { via } : {}) });
    }
  };
  visit(fnId, undefined, 0, new Set());
  const accesses = [...found.values()].sort((a, b) => compareText(a.location.file, b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column);
  return { accesses, batched };
}

/** `param2.models.User.findByPk` → "User.findByPk": the receiver and method a reader recognises. */
function shortName(sym: Sym): string {
  return describe(sym).split(".").slice(-2).join(".").replace(/^new /, "");
}

function callKind(callee: Sym, args: readonly Sym[], index: ProjectIndex): "access" | "batched" | undefined {
  if (callee.k !== "member") return undefined;
  if ((callee.prop === "load" || callee.prop === "loadMany") && isDataLoader(callee.obj, index)) return "batched";
  if (PRISMA_BATCHED.has(callee.prop) && isPrisma(callee.obj, index)) return "batched";
  if (ORM_LOOKUPS.has(callee.prop)) return "access";
  if (SQL_METHODS.has(callee.prop) && args[0] && looksLikeSql(args[0], index)) return "access";
  return undefined;
}

function isDataLoader(receiver: Sym, index: ProjectIndex): boolean {
  const root = extRoot(index.resolve(receiver));
  return root?.pkg === "dataloader" || /loader/i.test(describe(receiver));
}

function isPrisma(receiver: Sym, index: ProjectIndex): boolean {
  const root = extRoot(index.resolve(receiver));
  return (root !== undefined && extPath(root).pkg === "@prisma/client") || /prisma/i.test(describe(receiver));
}

function looksLikeSql(sym: Sym, index: ProjectIndex): boolean {
  const value = index.resolve(sym);
  const first = value.k === "concat" ? value.parts[0] : value;
  return first?.k === "lit" && typeof first.value === "string" && SQL_TEXT.test(first.value);
}

/** Raw SQL call sites the data-access extractor recorded in a function, when it ran. */
function sqlCandidatesIn(fnId: string, index: ProjectIndex): SqlCandidateFact[] {
  const file = index.functions.get(fnId)?.loc.file;
  const facts = file ? index.files.get(file) : undefined;
  return ((facts?.extra[SQL_CANDIDATES] ?? []) as SqlCandidateFact[]).filter((c) => c.fn === fnId && (c.method === "(tag)" || looksLikeSql(c.text, index)));
}
