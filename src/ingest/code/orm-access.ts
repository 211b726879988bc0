// Query-builder and ORM calls as data accesses: Prisma client calls, TypeORM repositories, Knex
// builders, Drizzle queries, Sequelize finders and Mongoose models. Read from the call facts every
// file already records: a chain such as `db("orders").where({ status }).orderBy("created_at").limit(50)`
// is one call per link, all starting at the same source position, so the longest chain at a
// position is the query. Names stay as the code writes them (Prisma model `orderItem`, field
// `createdAt`); `linkToEntities` in data-access.ts maps them to tables and columns.
import type { DataAccess, SourceLocation } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import { litString, own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { extRoot, literalNumber, literalString, locKey, objectArg, packageName, possibleValues, resolveShallow, sameLocation } from "./values.ts";

export interface OrmAccess {
  loc: SourceLocation;
  fn?: string;
  inLoop: boolean;
  client: string;
  operation: DataAccess["operation"];
  /** The model, repository or table name as the code writes it. */
  entity?: string;
  filterColumns: string[];
  sortColumns: string[];
  returnedColumns: string[];
  limit?: DataAccess["limit"];
}

/** One link of a call chain: `.where({…})` is { name: "where", args }, `.order` (not called) has no args, `db("t")` is "(call)". */
export interface Segment {
  name: string;
  args?: Sym[];
}

export interface Chain {
  root: Sym;
  /** Root first. */
  segments: Segment[];
}

type Operation = DataAccess["operation"];

const SELECTS = ["findMany", "findFirst", "findUnique", "findFirstOrThrow", "findUniqueOrThrow", "count", "aggregate", "groupBy", "find", "findOne", "findOneBy", "findBy", "findAndCount", "findAndCountBy", "findOneOrFail", "findOneByOrFail", "findAll", "findByPk", "findById", "findAndCountAll", "countDocuments", "exists", "first", "select", "pluck"];
const INSERTS = ["create", "createMany", "insert", "insertMany", "bulkCreate"];
const UPDATES = ["update", "updateMany", "updateOne", "increment", "decrement", "findByIdAndUpdate", "findOneAndUpdate", "replaceOne"];
const DELETES = ["delete", "deleteMany", "deleteOne", "destroy", "remove", "del", "findByIdAndDelete", "findOneAndDelete", "softDelete"];
export const OPERATIONS: Record<string, Operation> = Object.fromEntries([
  ...SELECTS.map((m) => [m, "select"]), ...INSERTS.map((m) => [m, "insert"]), ...UPDATES.map((m) => [m, "update"]),
  ...DELETES.map((m) => [m, "delete"]), ["upsert", "upsert"], ["save", "insert"],
]);
/** Finders that return one row (or a count): bounded whatever their filter. */
const SINGLE_ROW = new Set(["findFirst", "findUnique", "findFirstOrThrow", "findUniqueOrThrow", "count", "aggregate", "findOne", "findOneBy", "findOneOrFail", "findOneByOrFail", "findByPk", "findById", "countDocuments", "exists", "first"]);
/** Finders that return a computed value, not rows of columns. */
const AGGREGATES = new Set(["count", "aggregate", "groupBy", "countDocuments", "exists", "findAndCount", "findAndCountAll"]);
/** Methods that run a callback in a transaction, with the transactional client as its first parameter. */
export const TRANSACTION_METHODS = new Set(["$transaction", "transaction"]);
const LOGICAL_KEYS = new Set(["AND", "OR", "NOT", "$and", "$or", "$nor"]);
const MAX_CHAIN = 24;
const REPOSITORY_FACTORIES = new Set(["getRepository", "getTreeRepository", "getMongoRepository", "createQueryBuilder"]);

/** A chain is only worth resolving (the costly part) when one of its links is a query word. */
const QUERY_WORDS = new Set([...Object.keys(OPERATIONS), "getRepository", "getTreeRepository", "createQueryBuilder", "where", "whereIn", "orderBy", "limit", "from", "query"]);

type Reader = (index: ProjectIndex, chain: Chain) => Omit<OrmAccess, "loc" | "fn" | "inLoop" | "client"> | undefined;

/** Package → client name and how its chains read. */
const CLIENTS: { test: (pkg: string) => boolean; client: string; read: Reader }[] = [
  { test: (p) => p === "@prisma/client", client: "prisma", read: readPrisma },
  { test: (p) => p === "typeorm", client: "typeorm", read: readTypeorm },
  { test: (p) => p === "knex", client: "knex", read: readKnex },
  { test: (p) => p === "drizzle-orm" || p.startsWith("drizzle-orm/"), client: "drizzle", read: readDrizzle },
  { test: (p) => p === "sequelize", client: "sequelize", read: readModelFinder },
  { test: (p) => p === "mongoose", client: "mongoose", read: readModelFinder },
];

export function buildOrmAccesses(index: ProjectIndex): OrmAccess[] {
  const transactionClients = transactionCallbacks(index);
  const longest = new Map<string, { call: CallFact; chain: Chain }>();
  for (const call of index.allCalls()) {
    if (!mayNameQueryWord(call)) continue;
    const chain = chainOf(call);
    if (!chain || !chain.segments.some((s) => QUERY_WORDS.has(s.name))) continue;
    const key = locKey(call.loc);
    const seen = longest.get(key);
    if (!seen || chain.segments.length > seen.chain.segments.length) longest.set(key, { call, chain });
  }
  const accesses: OrmAccess[] = [];
  for (const { call, chain } of longest.values()) {
    const client = clientOf(index, chain.root, transactionClients);
    if (!client) continue;
    const read = client.read(index, { ...chain, root: client.root });
    if (!read) continue;
    accesses.push({ loc: call.loc, ...(call.fn ? { fn: call.fn } : {}), inLoop: call.inLoop, client: client.client, ...read });
  }
  return accesses;
}

/** Callback function id → the client whose transaction runs it (`prisma.$transaction(async (tx) => …)`). */
export function transactionCallbacks(index: ProjectIndex): ReadonlyMap<string, Sym> {
  // Asked by the ORM reader and by the transaction marking: read once per index.
  return index.reading("orm.transactionCallbacks", index, () => readTransactionCallbacks(index));
}

function readTransactionCallbacks(index: ProjectIndex): Map<string, Sym> {
  const byFn = new Map<string, Sym>();
  for (const call of index.callsNamed(...TRANSACTION_METHODS)) {
    const method = methodOf(call.callee);
    if (!method || !TRANSACTION_METHODS.has(method.prop)) continue;
    for (const arg of call.args) if (arg.k === "fn") byFn.set(arg.id, method.obj);
  }
  return byFn;
}

/** `x.m` as object and method; a CommonJS module's member (`require("./db").transaction`) is a `mod` name. */
function methodOf(callee: Sym): { obj: Sym; prop: string } | undefined {
  if (callee.k === "member") return { obj: callee.obj, prop: callee.prop };
  if (callee.k === "mod" && callee.name !== "*" && callee.name !== "default") return { obj: { k: "mod", file: callee.file, name: "*" }, prop: callee.name };
  return undefined;
}

/** The call locations inside `prisma.$transaction([a(), b()])`: those run in one transaction. */
export function batchedTransactionCalls(index: ProjectIndex): Set<string> {
  const locs = new Set<string>();
  for (const call of index.callsNamed("$transaction")) {
    if (call.callee.k !== "member" || call.callee.prop !== "$transaction") continue;
    const [first] = call.args;
    if (first?.k === "arr") for (const item of first.items) if (item.k === "call") locs.add(locKey(item.loc));
  }
  return locs;
}

export function chainOf(call: CallFact): Chain | undefined {
  const segments: Segment[] = [];
  let current: Sym = { k: "call", callee: call.callee, args: call.args, loc: call.loc };
  while (segments.length < MAX_CHAIN) {
    // A call written elsewhere (`const rows = await db("t"); rows.map(…)`) is a value, not part of this chain,
    // unless it makes a repository or model the chain queries.
    if (current.k === "call" && segments.length && !sameLocation(current.loc, call.loc) && !REPOSITORY_FACTORIES.has(calleeName(current.callee))) break;
    if (current.k === "call" && current.callee.k === "member") {
      segments.push({ name: current.callee.prop, args: current.args });
      current = current.callee.obj;
    } else if (current.k === "call") {
      segments.push({ name: "(call)", args: current.args });
      current = current.callee;
    } else if (current.k === "member") {
      segments.push({ name: current.prop });
      current = current.obj;
    } else {
      break;
    }
  }
  return { root: current, segments: segments.reverse() };
}

/**
 * Whether a link chainOf could read is a query word, without building the chain: most calls are
 * not queries. It walks the same callee/object path (two steps per `x.m()` link, hence the bound)
 * and may go further than chainOf, never less far.
 */
function mayNameQueryWord(call: CallFact): boolean {
  let current: Sym = call.callee;
  for (let step = 0; step < 2 * MAX_CHAIN; step++) {
    if (current.k === "member") {
      if (QUERY_WORDS.has(current.prop)) return true;
      current = current.obj;
    } else if (current.k === "call") {
      current = current.callee;
    } else {
      return false;
    }
  }
  return false;
}

function calleeName(callee: Sym): string {
  return callee.k === "member" ? callee.prop : "";
}

function clientOf(index: ProjectIndex, root: Sym, transactions: ReadonlyMap<string, Sym>): { client: string; read: Reader; root: Sym } | undefined {
  const direct = root.k === "param" && root.index === 0 && root.path.length === 0 ? transactions.get(root.fn) : undefined;
  for (const value of possibleValues(index, direct ?? root)) {
    const ext = extRoot(value) ?? extendedModel(index, value);
    if (!ext) continue;
    const known = CLIENTS.find((c) => c.test(packageName(ext.pkg)));
    if (known) return { ...known, root: value };
  }
  return undefined;
}

/** A Sequelize model class (`class User extends Model`) stands for its package. */
function extendedModel(index: ProjectIndex, value: Sym): Extract<Sym, { k: "ext" }> | undefined {
  if (value.k !== "class") return undefined;
  const cls = index.classes.get(value.id);
  const base = cls?.superClass && index.resolve(cls.superClass);
  return base ? extRoot(base) : undefined;
}

// ---- Prisma: prisma.order.findMany({ where, orderBy, take, select }) -------------------------

function readPrisma(index: ProjectIndex, chain: Chain): ReturnType<Reader> {
  const [model, method] = chain.segments;
  if (!model || model.args || model.name.startsWith("$") || !method?.args || chain.segments.length !== 2) return undefined;
  const operation = own(OPERATIONS, method.name);
  if (!operation) return undefined;
  const options = objectArg(index, method.args[0]);
  return {
    operation,
    entity: model.name,
    filterColumns: filterKeys(index, options?.props.where),
    sortColumns: sortKeys(index, options?.props.orderBy),
    returnedColumns: AGGREGATES.has(method.name) ? ["(expression)"] : trueKeys(index, options?.props.select),
    ...limitOf(operation, method.name, options?.props.take, index),
  };
}

// ---- TypeORM: dataSource.getRepository(User).find({ where, order, take, select }) ------------

function readTypeorm(index: ProjectIndex, chain: Chain): ReturnType<Reader> {
  const at = chain.segments.findIndex((s) => s.name === "getRepository" || s.name === "getTreeRepository");
  const repository = chain.segments[at];
  if (at < 0 || !repository.args?.[0]) return undefined;
  const entity = typeormTable(index, repository.args[0]);
  const rest = chain.segments.slice(at + 1);
  if (rest[0]?.name === "createQueryBuilder") return queryBuilder(index, entity, rest.slice(1));
  const [method] = rest;
  const operation = method?.args && own(OPERATIONS, method.name);
  if (!operation || rest.length !== 1) return undefined;
  const options = objectArg(index, method.args![0]);
  const byFilter = method.name.endsWith("By") || method.name.endsWith("ByOrFail");
  const where = byFilter || operation === "update" || operation === "delete" ? method.args![0] : options?.props.where;
  return {
    operation: method.name === "save" && options && "id" in options.props ? "upsert" : operation,
    ...(entity ? { entity } : {}),
    filterColumns: operation === "insert" || operation === "upsert" ? [] : filterKeys(index, where),
    sortColumns: sortKeys(index, options?.props.order),
    returnedColumns: method.name === "count" ? ["(expression)"] : trueKeys(index, options?.props.select),
    ...limitOf(operation, method.name, byFilter ? undefined : options?.props.take, index),
  };
}

/** `createQueryBuilder("u").where("u.email = :email").orderBy("u.createdAt").limit(10)`: a select. */
function queryBuilder(index: ProjectIndex, entity: string | undefined, segments: Segment[]): ReturnType<Reader> {
  const filterColumns: string[] = [];
  const sortColumns: string[] = [];
  let limit: DataAccess["limit"] = "none";
  for (const s of segments) {
    const first = literalString(index, s.args?.[0]);
    if (/^(where|andWhere|orWhere)$/.test(s.name) && first) filterColumns.push(...columnsInCondition(first));
    if (/^(orderBy|addOrderBy)$/.test(s.name) && first) sortColumns.push(unqualified(first));
    if (s.name === "limit" || s.name === "take") limit = literalNumber(index, s.args?.[0]) ?? "param";
    if (s.name === "getOne" || s.name === "getRawOne") limit = 1;
  }
  return { operation: "select", ...(entity ? { entity } : {}), filterColumns: sorted(filterColumns), sortColumns, returnedColumns: [], limit };
}

/** The table an entity class maps to: `@Entity("users") class User`. */
function typeormTable(index: ProjectIndex, sym: Sym): string | undefined {
  const value = index.resolve(sym);
  if (value.k === "lit" && typeof value.value === "string") return value.value;
  const cls = value.k === "class" ? index.classes.get(value.id) : undefined;
  if (!cls) return undefined;
  const decorator = cls.decorators.find((d) => d.callee.k === "ext" && d.callee.path.at(-1) === "Entity");
  const options = decorator?.args.find((a) => a.k === "obj");
  return litString(decorator?.args[0]) ?? litString(options?.k === "obj" ? options.props.name : undefined) ?? cls.name;
}

// ---- Knex: db("orders").select("id").where({ status }).orderBy("created_at", "desc").limit(50) --

const KNEX_TABLE = new Set(["(call)", "from", "table", "into"]);
const KNEX_WHERE = /^(where|andWhere|orWhere|whereIn|whereNotIn|whereNull|whereNotNull|whereBetween|whereLike|whereILike)$/;
const KNEX_RETURNING_ONE = new Set(["first"]);

function readKnex(index: ProjectIndex, chain: Chain): ReturnType<Reader> {
  let entity: string | undefined;
  let operation: Operation | undefined;
  let limit: DataAccess["limit"] | undefined;
  const filterColumns: string[] = [];
  const sortColumns: string[] = [];
  const returnedColumns: string[] = [];
  for (const s of chain.segments) {
    if (!s.args) return undefined;
    if (s.name === "transaction" || s.name === "raw" || s.name === "schema") return undefined;
    if (KNEX_TABLE.has(s.name)) entity = literalString(index, s.args[0]) ?? entity;
    else if (KNEX_WHERE.test(s.name)) filterColumns.push(...knexWhere(index, s.args));
    else if (s.name === "orderBy") sortColumns.push(...knexOrder(index, s.args));
    else if (s.name === "limit") limit = literalNumber(index, s.args[0]) ?? "param";
    if (s.name === "select" || KNEX_RETURNING_ONE.has(s.name)) returnedColumns.push(...strings(index, s.args));
    const op = own(OPERATIONS, s.name);
    if (op && !(op === "select" && operation)) operation = op;
    if (KNEX_RETURNING_ONE.has(s.name)) limit = 1;
  }
  if (!entity) return undefined;
  // `db("users").where(…)` with no verb is a select.
  operation ??= "select";
  return {
    operation, entity, filterColumns: sorted(filterColumns), sortColumns, returnedColumns,
    ...(operation === "select" ? { limit: limit ?? "none" } : {}),
  };
}

function knexWhere(index: ProjectIndex, args: Sym[]): string[] {
  const first = literalString(index, args[0]);
  if (first) return [unqualified(first)];
  return keysOf(index, args[0]).map(unqualified);
}

function knexOrder(index: ProjectIndex, args: Sym[]): string[] {
  const first = literalString(index, args[0]);
  if (first) return [unqualified(first)];
  const list = args[0] && resolveShallow(index, args[0]);
  if (list?.k !== "arr") return [];
  return list.items.map((item) => literalString(index, item) ?? literalString(index, objectArg(index, item)?.props.column)).filter((c): c is string => !!c).map(unqualified);
}

// ---- Drizzle: db.select().from(orders).where(eq(orders.status, s)).orderBy(desc(orders.createdAt)).limit(50)

const DRIZZLE_VERBS: Record<string, Operation> = { select: "select", selectDistinct: "select", insert: "insert", update: "update", delete: "delete" };

function readDrizzle(index: ProjectIndex, chain: Chain): ReturnType<Reader> {
  const [verb] = chain.segments;
  const operation = verb?.args && own(DRIZZLE_VERBS, verb.name);
  if (!operation) return readDrizzleRelational(index, chain);
  const tableArg = operation === "select" ? chain.segments.find((s) => s.name === "from")?.args?.[0] : verb.args![0];
  const entity = tableArg && drizzleTable(index, tableArg);
  if (!entity) return undefined;
  let limit: DataAccess["limit"] = "none";
  const filterColumns: string[] = [];
  const sortColumns: string[] = [];
  for (const s of chain.segments) {
    if (s.name === "where") filterColumns.push(...s.args!.flatMap((a) => columnRefs(index, a)));
    if (s.name === "orderBy") sortColumns.push(...s.args!.flatMap((a) => columnRefs(index, a)));
    if (s.name === "limit") limit = literalNumber(index, s.args?.[0]) ?? "param";
    if (s.name === "onConflictDoUpdate") return { operation: "upsert", entity, filterColumns: [], sortColumns: [], returnedColumns: [] };
  }
  const fields = operation === "select" ? objectArg(index, verb.args![0]) : undefined;
  const returnedColumns = fields ? Object.values(fields.props).flatMap((v) => columnRefs(index, v)) : [];
  return { operation, entity, filterColumns: sorted(filterColumns), sortColumns, returnedColumns, ...(operation === "select" ? { limit } : {}) };
}

/** `db.query.users.findMany({ where: (u, { eq }) => …, limit })`: the relational query API. */
function readDrizzleRelational(index: ProjectIndex, chain: Chain): ReturnType<Reader> {
  const [query, table, method] = chain.segments;
  if (query?.name !== "query" || !table || table.args || !method?.args || (method.name !== "findMany" && method.name !== "findFirst")) return undefined;
  const options = objectArg(index, method.args[0]);
  const limit = method.name === "findFirst" ? 1 : options?.props.limit ? (literalNumber(index, options.props.limit) ?? "param") : "none";
  return { operation: "select", entity: table.name, filterColumns: [], sortColumns: [], returnedColumns: [], limit };
}

/** The table name of a Drizzle table value: `pgTable("orders", {...})`. */
function drizzleTable(index: ProjectIndex, sym: Sym): string | undefined {
  const value = index.resolve(sym);
  if (value.k === "call" && value.callee.k === "ext" && /Table$/.test(value.callee.path.at(-1) ?? "")) return literalString(index, value.args[0]);
  return sym.k === "mod" ? sym.name : undefined;
}

/** Column references in a Drizzle condition or ordering: `and(eq(t.a, x), gt(t.b, y))` → a, b (field names). */
function columnRefs(index: ProjectIndex, sym: Sym, depth = 0): string[] {
  if (depth > 6) return [];
  if (sym.k === "member" && isDrizzleTable(index, sym.obj)) return [sym.prop];
  if (sym.k === "call") return sym.args.flatMap((a) => columnRefs(index, a, depth + 1));
  if (sym.k === "arr") return sym.items.flatMap((a) => columnRefs(index, a, depth + 1));
  return [];
}

function isDrizzleTable(index: ProjectIndex, sym: Sym): boolean {
  const value = index.resolve(sym);
  return value.k === "call" && value.callee.k === "ext" && /Table$/.test(value.callee.path.at(-1) ?? "");
}

// ---- Sequelize and Mongoose: User.findAll({ where, order, limit }), Model.find(filter).sort().limit()

function readModelFinder(index: ProjectIndex, chain: Chain): ReturnType<Reader> {
  const [method, ...rest] = chain.segments;
  const operation = method?.args && own(OPERATIONS, method.name);
  if (!operation) return undefined;
  const entity = modelName(index, chain.root);
  if (!entity) return undefined;
  // Sequelize's update(values, { where }) takes its options second.
  const second = objectArg(index, method.args![1]);
  const options = operation === "update" && second && "where" in second.props ? second : objectArg(index, method.args![0]);
  const mongoose = !!options && !("where" in options.props) && !isSequelizeOptions(options);
  const where = mongoose ? method.args![0] : options?.props.where;
  let limit: DataAccess["limit"] | undefined = SINGLE_ROW.has(method.name) ? 1 : options?.props.limit ? (literalNumber(index, options.props.limit) ?? "param") : undefined;
  const sortColumns = mongoose ? [] : sequelizeOrder(index, options?.props.order);
  for (const s of rest) {
    if (s.name === "limit") limit = literalNumber(index, s.args?.[0]) ?? "param";
    if (s.name === "sort") sortColumns.push(...keysOf(index, s.args?.[0]));
  }
  const filterColumns = operation === "insert" ? [] : filterKeys(index, where);
  const attributes = options?.props.attributes && resolveShallow(index, options.props.attributes);
  const returnedColumns = AGGREGATES.has(method.name) ? ["(expression)"] : attributes?.k === "arr" ? strings(index, attributes.items) : [];
  return { operation, entity, filterColumns, sortColumns, returnedColumns, ...(operation === "select" ? { limit: limit ?? "none" } : {}) };
}

function isSequelizeOptions(options: Extract<Sym, { k: "obj" }>): boolean {
  return ["order", "limit", "attributes", "include", "offset", "transaction", "raw"].some((k) => k in options.props);
}

/** `User` for a model class, `sequelize.define("User", …)` or `mongoose.model("User", schema)`. */
function modelName(index: ProjectIndex, root: Sym): string | undefined {
  if (root.k === "class") return index.classes.get(root.id)?.name;
  if (root.k === "call" && root.callee.k === "member" && (root.callee.prop === "define" || root.callee.prop === "model")) return literalString(index, root.args[0]);
  if (root.k === "call" && root.callee.k === "ext" && root.callee.path.at(-1) === "model") return literalString(index, root.args[0]);
  return undefined;
}

function sequelizeOrder(index: ProjectIndex, sym: Sym | undefined): string[] {
  const list = sym && resolveShallow(index, sym);
  if (list?.k !== "arr") return [];
  return list.items.map((item) => {
    const pair = resolveShallow(index, item);
    return pair.k === "arr" ? literalString(index, pair.items[0]) : literalString(index, pair);
  }).filter((c): c is string => !!c);
}

// ---- shared readings -----------------------------------------------------------------------

function limitOf(operation: Operation, method: string, take: Sym | undefined, index: ProjectIndex): { limit?: DataAccess["limit"] } {
  if (operation !== "select") return {};
  if (SINGLE_ROW.has(method)) return { limit: 1 };
  if (!take) return { limit: "none" };
  return { limit: literalNumber(index, take) ?? "param" };
}

/** Keys of a where object, through AND/OR/NOT, and every item of an array of them. */
function filterKeys(index: ProjectIndex, sym: Sym | undefined, depth = 0): string[] {
  if (!sym || depth > 4) return [];
  const value = resolveShallow(index, sym);
  if (value.k === "arr") return sorted(value.items.flatMap((item) => filterKeys(index, item, depth + 1)));
  if (value.k !== "obj") return [];
  const keys = Object.keys(value.props).flatMap((k) => (LOGICAL_KEYS.has(k) ? filterKeys(index, value.props[k], depth + 1) : [k]));
  return sorted(keys);
}

/** `{ createdAt: "desc" }` or `[{ a: "asc" }, { b: "desc" }]` → the keys in order. */
function sortKeys(index: ProjectIndex, sym: Sym | undefined): string[] {
  if (!sym) return [];
  const value = resolveShallow(index, sym);
  if (value.k === "arr") return value.items.flatMap((item) => sortKeys(index, item));
  return value.k === "obj" ? Object.keys(value.props) : [];
}

/** `select: { id: true, total: true }` → id, total; `select: ["id"]` → id. */
function trueKeys(index: ProjectIndex, sym: Sym | undefined): string[] {
  if (!sym) return [];
  const value = resolveShallow(index, sym);
  if (value.k === "arr") return strings(index, value.items);
  if (value.k !== "obj") return [];
  return Object.keys(value.props).filter((k) => resolveShallow(index, value.props[k]).k !== "lit" || (value.props[k] as { value?: unknown }).value !== false);
}

function keysOf(index: ProjectIndex, sym: Sym | undefined): string[] {
  const obj = objectArg(index, sym);
  return obj ? Object.keys(obj.props) : [];
}

function strings(index: ProjectIndex, syms: readonly Sym[]): string[] {
  return syms.flatMap((s) => {
    const value = resolveShallow(index, s);
    if (value.k === "arr") return strings(index, value.items);
    const text = literalString(index, value);
    return text && text !== "*" ? [unqualified(text)] : [];
  });
}

/** `"u.email = :email AND u.active = true"` → email, active. */
function columnsInCondition(text: string): string[] {
  return [...text.matchAll(/([A-Za-z_][\w.]*)\s*(?:=|<>|!=|<=|>=|<|>|\bIN\b|\bLIKE\b|\bILIKE\b|\bIS\b)/gi)].map((m) => unqualified(m[1]));
}

function unqualified(name: string): string {
  return name.split(".").pop()!.trim();
}

function sorted(names: string[]): string[] {
  return [...new Set(names)].sort();
}
