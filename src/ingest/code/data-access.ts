// Raw SQL call sites: `pool.query(text, values)`, `connection.execute(...)`, `sequelize.query(...)`,
// `knex.raw(...)`, `prisma.$queryRawUnsafe(...)`, `dataSource.query(...)`, sqlite's
// `db.all/get/run/exec`, postgres.js `sql\`…\`` and `sql.unsafe(...)`. The extractor records every
// call that could be one; the link step resolves its receiver across files (a pool exported
// from db.ts), keeps the ones that are a database client or run SQL-looking text, and reads the
// text: operation, table, LIMIT, and whether a variable part comes from the request.
import type { DataAccess, Entity, SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { originOf } from "../link/taint.ts";
import type { RequestParam } from "./request-reads.ts";
import { parseSqlFile, type PgNode } from "../data/sql-parse.ts";
import { pluralize, snakeCase } from "../data/js-values.ts";
import { batchedTransactionCalls, buildOrmAccesses, transactionCallbacks, type OrmAccess } from "./orm-access.ts";
import { byLocation, extPath, extRoot, locKey, packageName, paramChain, possibleValues, renderText, resolveShallow, substituteParams, HOLE } from "./values.ts";

export const SQL_CANDIDATES = "code.sqlCandidates";

export interface SqlCandidateFact {
  loc: SourceLocation;
  fn?: string;
  inLoop: boolean;
  /** What the method is called on (`pool` in `pool.query`), or the tag of a tagged template. */
  receiver: Sym;
  /** "query", "execute", …; "(tag)" for a tagged template. */
  method: string;
  text: Sym;
  /** The values / bindings / replacements argument, when one is passed. */
  values?: Sym;
  tagged?: boolean;
}

// Method names that run SQL text on some client.
const SQL_METHODS = new Set([
  "query", "execute", "raw", "unsafe", "$queryRaw", "$queryRawUnsafe", "$executeRaw", "$executeRawUnsafe",
  "all", "get", "run", "exec", "each", "none", "one", "many", "any", "oneOrNone", "manyOrNone", "result", "multi",
]);
// Names shared with maps, routers, regexes and HTTP clients: only kept with SQL-looking text.
const AMBIGUOUS_METHODS = new Set(["all", "get", "run", "exec", "each", "none", "one", "many", "any", "oneOrNone", "manyOrNone", "result", "multi"]);
const PREPARED_METHODS = new Set(["all", "get", "run", "iterate", "each"]);
const PRISMA_METHODS = new Set(["$queryRaw", "$queryRawUnsafe", "$executeRaw", "$executeRawUnsafe"]);
const PG_PROMISE_METHODS = ["query", "none", "one", "many", "any", "oneOrNone", "manyOrNone", "result", "multi"];

/** Database packages → the client name in the model and the methods that take SQL text. */
const CLIENTS: Record<string, { client: string; methods: readonly string[] }> = {
  pg: { client: "pg", methods: ["query"] },
  "pg-pool": { client: "pg", methods: ["query"] },
  "pg-promise": { client: "pg", methods: PG_PROMISE_METHODS },
  mysql: { client: "mysql", methods: ["query", "execute"] },
  mysql2: { client: "mysql2", methods: ["query", "execute"] },
  sequelize: { client: "sequelize", methods: ["query"] },
  knex: { client: "knex", methods: ["raw"] },
  "@prisma/client": { client: "prisma", methods: [...PRISMA_METHODS] },
  typeorm: { client: "typeorm", methods: ["query"] },
  "better-sqlite3": { client: "sqlite", methods: ["all", "get", "run", "exec", "iterate", "each"] },
  sqlite3: { client: "sqlite", methods: ["all", "get", "run", "exec", "each"] },
  sqlite: { client: "sqlite", methods: ["all", "get", "run", "exec", "each"] },
  postgres: { client: "postgres", methods: ["unsafe", "(tag)"] },
  "@vercel/postgres": { client: "postgres", methods: ["query", "(tag)"] },
  "@neondatabase/serverless": { client: "postgres", methods: ["query", "(tag)"] },
};
const TAGGED_CLIENTS = new Set(["postgres", "@vercel/postgres", "@neondatabase/serverless"]);
const SQL_START = /^\s*\(*\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|REPLACE|CREATE|ALTER|DROP|TRUNCATE)\b/i;
/** Statements that reach the database without touching data: not data accesses. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|END)\b[\s;]*(\w+[\s;]*)?$/i;
const MAX_WRAPPER_DEPTH = 4;
const SEQUELIZE_OPTIONS = new Set(["type", "transaction", "raw", "model", "mapToModel", "plain", "logging", "nest", "benchmark", "useMaster"]);

export const dataAccessCandidates: Extractor = {
  name: "data-access",
  visit: {
    CallExpression(node, ctx) {
      const callee = unwrap(node.callee);
      if (callee?.type !== "MemberExpression") return;
      const method = memberName(callee, ctx);
      if (!method || !SQL_METHODS.has(method) || node.arguments.length === 0) return;
      const args: Sym[] = node.arguments.slice(0, 3).map((a: Node) => ctx.symOf(a.type === "SpreadElement" ? a.argument : a));
      const receiver = ctx.symOf(callee.object);
      const candidate = preparedStatement(receiver, method, args) ?? directCall(receiver, method, args);
      if (!candidate) return;
      if (AMBIGUOUS_METHODS.has(method) && isNonSqlLiteral(candidate.text)) return;
      emit(ctx, node, candidate);
    },
    TaggedTemplateExpression(node, ctx) {
      const tag = unwrap(node.tag);
      const method = tag?.type === "MemberExpression" ? memberName(tag, ctx) : undefined;
      const prisma = method !== undefined && PRISMA_METHODS.has(method);
      if (tag?.type !== "Identifier" && !prisma) return;
      const receiver = prisma ? ctx.symOf(tag.object) : ctx.symOf(tag);
      emit(ctx, node, { receiver, method: prisma ? method : "(tag)", text: ctx.symOf(node.quasi), tagged: true });
    },
  },
};

type Candidate = Pick<SqlCandidateFact, "receiver" | "method" | "text" | "values" | "tagged">;

function emit(ctx: WalkContext, node: Node, candidate: Candidate): void {
  const fn = ctx.currentFunction();
  const fact: SqlCandidateFact = { loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), inLoop: ctx.inLoop(), ...candidate };
  ctx.emit(SQL_CANDIDATES, fact);
}

function memberName(member: Node, ctx: WalkContext): string | undefined {
  if (!member.computed) return member.property.name;
  const key = ctx.symOf(member.property);
  return key.k === "lit" && typeof key.value === "string" ? key.value : undefined;
}

/** better-sqlite3: `db.prepare(sql).all(a, b)` or `const stmt = db.prepare(sql); stmt.run(x)`. */
function preparedStatement(receiver: Sym, method: string, args: Sym[]): Candidate | undefined {
  if (!PREPARED_METHODS.has(method) || receiver.k !== "call" || receiver.callee.k !== "member" || receiver.callee.prop !== "prepare") return undefined;
  const text = receiver.args[0];
  if (!text) return undefined;
  return { receiver: receiver.callee.obj, method, text, ...(args.length ? { values: { k: "arr", items: args } } : {}) };
}

/** `query(text, values)` or `query({ text, values })` (pg, mysql2 also take `{ sql, values }`). */
function directCall(receiver: Sym, method: string, args: Sym[]): Candidate | undefined {
  const [first, second] = args;
  if (first.k === "fn" || first.k === "arr") return undefined;
  if (first.k === "obj") {
    const text = first.props.text ?? first.props.sql;
    if (!text) return undefined;
    const values = first.props.values ?? second;
    return { receiver, method, text, ...(values ? { values } : {}) };
  }
  return { receiver, method, text: first, ...(second ? { values: second } : {}) };
}

function isNonSqlLiteral(text: Sym): boolean {
  const first = text.k === "concat" ? text.parts[0] : text;
  return first?.k === "lit" && (typeof first.value !== "string" || !SQL_START.test(first.value));
}

// ---- link side ------------------------------------------------------------------------------

export function buildDataAccesses(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>): DataAccess[] {
  const byId = new Map<string, DataAccess>();
  const transactional = transactionalFunctions(index);
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[SQL_CANDIDATES] ?? []) as SqlCandidateFact[]) {
      for (const candidate of throughWrappers(index, fact, 0)) {
        // The first access at a location wins: a later candidate there would be dropped, so skip reading it.
        if (byId.has(locKey(candidate.loc))) continue;
        const access = toDataAccess(index, candidate, requestParams);
        if (access && !byId.has(access.id)) byId.set(access.id, access);
      }
    }
  }
  for (const orm of buildOrmAccesses(index)) {
    const access = fromOrm(orm);
    if (!byId.has(access.id)) byId.set(access.id, access);
  }
  const batched = batchedTransactionCalls(index);
  return [...byId.values()]
    .map((a) => (transactional.has(a.functionId ?? "") || batched.has(a.id) ? { ...a, inTransaction: true } : a))
    .sort((a, b) => byLocation(a.location, b.location));
}

function fromOrm(orm: OrmAccess): DataAccess {
  return {
    id: locKey(orm.loc),
    location: orm.loc,
    ...(orm.fn ? { functionId: orm.fn } : {}),
    client: orm.client,
    operation: orm.operation,
    ...(orm.entity ? { entity: orm.entity } : {}),
    filterColumns: orm.filterColumns,
    sortColumns: orm.sortColumns,
    returnedColumns: orm.returnedColumns,
    ...(orm.limit !== undefined ? { limit: orm.limit } : {}),
    interpolation: { kind: "none", flows: [] },
    parameterised: true,
    inLoop: orm.inLoop,
  };
}

/**
 * Functions whose queries run in one transaction: callbacks of `prisma.$transaction(async (tx) => …)`,
 * `knex.transaction`, `dataSource.transaction`, and functions that send `BEGIN` themselves.
 */
function transactionalFunctions(index: ProjectIndex): Set<string> {
  const fns = new Set(transactionCallbacks(index).keys());
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[SQL_CANDIDATES] ?? []) as SqlCandidateFact[]) {
      const text = renderText(index, fact.text);
      if (fact.fn && text.literal && /^\s*(BEGIN|START\s+TRANSACTION)\b/i.test(text.text)) fns.add(fact.fn);
    }
  }
  return fns;
}

/**
 * Names the code uses → the model's tables and columns: a Prisma model `orderItem` is the table
 * `order_items`, a field `createdAt` the column `created_at` (the names @map/@@map and the ORMs'
 * naming conventions produce). Names that match no entity stay as written.
 */
export function linkToEntities(accesses: readonly DataAccess[], entities: readonly Entity[]): DataAccess[] {
  const byName = new Map(entities.map((e) => [e.name.toLowerCase(), e]));
  return accesses.map((access) => {
    const entity = access.entity ? entityNamed(byName, access.entity) : undefined;
    if (!entity) return access;
    const column = (name: string) => columnNamed(entity, name);
    return {
      ...access,
      entity: entity.name,
      filterColumns: [...new Set(access.filterColumns.map(column))].sort(),
      sortColumns: access.sortColumns.map(column),
      returnedColumns: access.returnedColumns.map(column),
    };
  });
}

function entityNamed(byName: ReadonlyMap<string, Entity>, name: string): Entity | undefined {
  const snake = snakeCase(name);
  for (const candidate of [name, snake, pluralize(snake), pluralize(name)]) {
    const entity = byName.get(candidate.toLowerCase());
    if (entity) return entity;
  }
  return undefined;
}

function columnNamed(entity: Entity, name: string): string {
  const names = new Set(entity.columns.map((c) => c.name));
  if (names.has(name)) return name;
  const snake = snakeCase(name);
  return names.has(snake) ? snake : name;
}

/**
 * `export const query = (text, params) => pool.query(text, params)`: the SQL is written where the
 * wrapper is called, so each call site becomes the data access (with the wrapper's parameters
 * replaced by its arguments).
 */
function throughWrappers(index: ProjectIndex, fact: SqlCandidateFact, depth: number): SqlCandidateFact[] {
  const chain = paramChain(fact.text);
  const sites = chain && chain.path.length === 0 ? (index.callsTo.get(chain.fn) ?? []) : [];
  if (!chain || !sites.length || depth >= MAX_WRAPPER_DEPTH) return [fact];
  return sites.flatMap((site) => {
    const sub = (s: Sym) => substituteParams(s, chain.fn, site.args);
    const expanded: SqlCandidateFact = {
      loc: site.loc,
      ...(site.fn ? { fn: site.fn } : {}),
      inLoop: site.inLoop || fact.inLoop,
      receiver: sub(fact.receiver),
      method: fact.method,
      text: site.args[chain.index] ?? { k: "lit", value: null },
      ...(fact.values ? { values: sub(fact.values) } : {}),
      ...(fact.tagged ? { tagged: true } : {}),
    };
    return throughWrappers(index, expanded, depth + 1);
  });
}

function toDataAccess(index: ProjectIndex, fact: SqlCandidateFact, requestParams: ReadonlyMap<string, RequestParam>): DataAccess | undefined {
  const client = clientOf(index, fact);
  const rendered = renderText(index, fact.text);
  const looksLikeSql = SQL_START.test(rendered.text);
  if (!client && !(looksLikeSql && !fact.tagged)) return undefined;
  if (rendered.literal && TRANSACTION_CONTROL.test(rendered.text)) return undefined;
  const parameterised = fact.tagged || isPrismaTemplate(index, fact) || hasValues(index, fact.values);
  const shape = looksLikeSql ? (parsedShape(rendered.text) ?? { ...sqlShape(rendered.text), filterColumns: [], sortColumns: [], returnedColumns: [] }) : undefined;
  const origin = fact.tagged || rendered.literal ? undefined : originOf(index, fact.text, requestParams, { context: "sql", sink: fact.loc });
  return {
    id: locKey(fact.loc),
    location: fact.loc,
    ...(fact.fn ? { functionId: fact.fn } : {}),
    client: client ?? "unknown",
    operation: shape?.operation ?? "unknown",
    ...(shape?.entity ? { entity: shape.entity } : {}),
    filterColumns: shape?.filterColumns ?? [],
    sortColumns: shape?.sortColumns ?? [],
    returnedColumns: shape?.returnedColumns ?? [],
    ...(shape?.limit !== undefined ? { limit: shape.limit } : {}),
    rawSql: rendered.text,
    interpolation: origin ? { kind: origin.kind, flows: origin.flows } : { kind: "none", flows: [] },
    parameterised,
    inLoop: fact.inLoop,
  };
}

/** The database client a receiver is, when it resolves to one and the method is one that client runs SQL with. */
function clientOf(index: ProjectIndex, fact: SqlCandidateFact): string | undefined {
  if (PRISMA_METHODS.has(fact.method)) return "prisma";
  for (const receiver of possibleValues(index, fact.receiver)) {
    const root = extRoot(receiver);
    const known = root && own(CLIENTS, packageName(root.pkg));
    if (!known || !known.methods.includes(fact.method)) continue;
    if (fact.method === "(tag)" && !TAGGED_CLIENTS.has(packageName(root.pkg))) continue;
    return known.client;
  }
  return undefined;
}

/** Prisma's `$queryRaw(Prisma.sql\`…\`)` binds its values; `$queryRaw(Prisma.raw(text))` does not. */
function isPrismaTemplate(index: ProjectIndex, fact: SqlCandidateFact): boolean {
  if (fact.method !== "$queryRaw" && fact.method !== "$executeRaw") return false;
  const text = resolveShallow(index, fact.text);
  const root = text.k === "call" ? extRoot(text.callee) : undefined;
  return !(root && extPath(root).path.at(-1) === "raw");
}

function hasValues(index: ProjectIndex, values: Sym | undefined): boolean {
  if (!values) return false;
  const v = resolveShallow(index, values);
  switch (v.k) {
    case "lit":
    case "fn":
      return false;
    case "arr":
      return v.items.length > 0;
    case "obj":
      // Sequelize's options without replacements/bind bind nothing; any other object is named parameters (pg-promise, mysql2).
      if (["replacements", "bind", "values", "bindings", "parameters"].some((k) => k in v.props)) return true;
      return !Object.keys(v.props).some((k) => SEQUELIZE_OPTIONS.has(k));
    default:
      return true;
  }
}

// ---- reading the SQL text (a first approximation; a real SQL parser reads it later) ---------

export interface SqlShape {
  operation: DataAccess["operation"];
  entity?: string;
  limit?: DataAccess["limit"];
}

interface Word {
  upper: string;
  start: number;
  end: number;
}

const STATEMENTS: Record<string, DataAccess["operation"]> = { SELECT: "select", INSERT: "insert", UPDATE: "update", DELETE: "delete", MERGE: "upsert", REPLACE: "upsert" };
const MAIN_STATEMENTS = new Set(["SELECT", "INSERT", "UPDATE", "DELETE"]);
const IDENTIFIER = /^\s*((?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*))*)/;

/** Operation, first table and LIMIT of a statement, from its top-level (unparenthesised) words. */
export function sqlShape(sql: string): SqlShape {
  const words = topLevelWords(sql);
  const first = words[0]?.upper;
  // `REPLACE INTO` and `MERGE INTO` start a statement; `CREATE OR REPLACE` and `REPLACE(col, …)` do not.
  const main = (first === "REPLACE" || first === "MERGE") && words[1]?.upper === "INTO" ? words[0] : first === "WITH" || MAIN_STATEMENTS.has(first ?? "") ? words.find((w) => MAIN_STATEMENTS.has(w.upper)) : undefined;
  if (!main) return { operation: first && SQL_START.test(sql) ? (/^\s*\(/.test(sql) && /^\s*\(\s*SELECT\b/i.test(sql) ? "select" : "raw") : "unknown" };
  let operation = STATEMENTS[main.upper];
  const after = words.filter((w) => w.start > main.start);
  if (operation === "insert" && after.some((w, i) => (w.upper === "ON" && (after[i + 1]?.upper === "CONFLICT" || after[i + 1]?.upper === "DUPLICATE")))) operation = "upsert";
  const targetWord = operation === "update" ? main : after.find((w) => w.upper === (operation === "select" || operation === "delete" ? "FROM" : "INTO"));
  const entity = targetWord ? tableAt(sql, targetWord.end) : undefined;
  const limit = operation === "select" ? limitOf(sql, after) : undefined;
  return { operation, ...(entity ? { entity } : {}), ...(limit !== undefined ? { limit } : {}) };
}

function tableAt(sql: string, offset: number): string | undefined {
  const match = IDENTIFIER.exec(sql.slice(offset));
  if (!match) return undefined;
  const last = match[1].split(/\s*\.\s*/).pop() ?? "";
  const name = last.replace(/^["`[]|["`\]]$/g, "");
  return /^(ONLY|LATERAL|SELECT)$/i.test(name) ? undefined : name;
}

function limitOf(sql: string, words: readonly Word[]): DataAccess["limit"] {
  const limit = words.find((w) => w.upper === "LIMIT");
  const fetch = words.find((w, i) => w.upper === "FETCH" && (words[i + 1]?.upper === "FIRST" || words[i + 1]?.upper === "NEXT"));
  if (!limit && !fetch) return "none";
  const rest = sql.slice(limit ? limit.end : words[words.indexOf(fetch!) + 1].end).trimStart();
  const number = /^(\d+)\b/.exec(rest);
  if (number) return Number(number[1]);
  if (/^ALL\b/i.test(rest)) return "none";
  return "param";
}

/** Words outside parentheses, string literals, quoted identifiers and comments. */
function topLevelWords(sql: string): Word[] {
  const words: Word[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      i = closingQuote(sql, i, c);
    } else if (c === "-" && sql[i + 1] === "-") {
      i = sql.indexOf("\n", i) === -1 ? sql.length : sql.indexOf("\n", i);
    } else if (c === "/" && sql[i + 1] === "*") {
      i = sql.indexOf("*/", i + 2) === -1 ? sql.length : sql.indexOf("*/", i + 2) + 2;
    } else if (c === "(") {
      depth++;
      i++;
    } else if (c === ")") {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (sql.startsWith(HOLE, i)) {
      i += HOLE.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < sql.length && /[\w$]/.test(sql[i])) i++;
      if (depth === 0 && sql[start - 1] !== "$" && sql[start - 1] !== ":") words.push({ upper: sql.slice(start, i).toUpperCase(), start, end: i });
    } else {
      i++;
    }
  }
  return words;
}

function closingQuote(sql: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

// ---- reading the SQL text with PostgreSQL's parser -------------------------------------------

export interface ParsedShape extends SqlShape {
  filterColumns: string[];
  sortColumns: string[];
  /** Columns the statement returns; empty for `SELECT *` (every column). */
  returnedColumns: string[];
}

const PARSED_OPERATIONS: Record<string, DataAccess["operation"]> = { SelectStmt: "select", InsertStmt: "insert", UpdateStmt: "update", DeleteStmt: "delete" };

/**
 * Table, operation, filter and sort columns and LIMIT of one statement, when PostgreSQL's parser
 * reads it (interpolated parts stand in as parameters); undefined for fragments and other dialects.
 */
export function parsedShape(sql: string): ParsedShape | undefined {
  // Wrappers and repeated helpers send the same text from many call sites; the WASM parse is the costly part.
  if (!shapeByText.has(sql)) {
    if (shapeByText.size >= MAX_CACHED_SHAPES) shapeByText.clear();
    shapeByText.set(sql, readParsedShape(sql));
  }
  const shape = shapeByText.get(sql);
  // Each access gets its own arrays: model entries are never shared.
  return shape && { ...shape, filterColumns: [...shape.filterColumns], sortColumns: [...shape.sortColumns], returnedColumns: [...shape.returnedColumns] };
}

const MAX_CACHED_SHAPES = 10_000;
const shapeByText = new Map<string, ParsedShape | undefined>();

function readParsedShape(sql: string): ParsedShape | undefined {
  const parsed = parseSqlFile(sql.split(HOLE).join("$99"));
  if (parsed.errors.length || parsed.statements.length !== 1) return undefined;
  const [type] = Object.keys(parsed.statements[0].node);
  const node: PgNode = parsed.statements[0].node[type];
  let operation = own(PARSED_OPERATIONS, type);
  if (!operation || (type === "SelectStmt" && node.op !== "SETOP_NONE")) return undefined;
  if (type === "InsertStmt" && node.onConflictClause) operation = "upsert";
  const table: PgNode = type === "SelectStmt" ? mainRange(node.fromClause?.[0]) : node.relation;
  const names = new Set([table?.relname, table?.alias?.aliasname].filter(Boolean));
  const own_ = (refs: string[][]) => [...new Set(refs.filter((r) => r.length === 1 || names.has(r[r.length - 2])).map((r) => r[r.length - 1]))];
  return {
    operation,
    ...(table?.relname ? { entity: table.relname } : {}),
    filterColumns: own_(columnRefs(node.whereClause)).sort(),
    sortColumns: own_((node.sortClause ?? []).flatMap((s: PgNode) => columnRefs(s.SortBy?.node))),
    returnedColumns: type === "SelectStmt" ? returned(node.targetList ?? []) : [],
    ...(operation === "select" ? { limit: parsedLimit(node) } : {}),
  };
}

function mainRange(from: PgNode): PgNode {
  if (!from) return undefined;
  if (from.RangeVar) return from.RangeVar;
  return from.JoinExpr ? mainRange(from.JoinExpr.larg) : undefined;
}

/** Every column reference under a node, as its name parts (`o.status` → ["o", "status"]). */
function columnRefs(node: PgNode, depth = 0): string[][] {
  if (!node || typeof node !== "object" || depth > 40) return [];
  if (node.ColumnRef) {
    const parts = (node.ColumnRef.fields ?? []).map((f: PgNode) => f.String?.sval).filter((p: unknown): p is string => typeof p === "string");
    return parts.length ? [parts] : [];
  }
  // Subqueries filter their own tables.
  if (node.SubLink) return columnRefs(node.SubLink.testexpr, depth + 1);
  const children: PgNode[] = Array.isArray(node) ? node : Object.values(node);
  return children.flatMap((child) => columnRefs(child, depth + 1));
}

function returned(targets: PgNode[]): string[] {
  if (targets.some((t) => t.ResTarget?.val?.ColumnRef?.fields?.some((f: PgNode) => f.A_Star))) return [];
  return targets.map((t) => t.ResTarget?.name ?? t.ResTarget?.val?.ColumnRef?.fields?.at(-1)?.String?.sval ?? "(expression)");
}

const AGGREGATE_FUNCTIONS = new Set(["count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "string_agg", "array_agg", "json_agg", "jsonb_agg"]);

function parsedLimit(select: PgNode): DataAccess["limit"] {
  if (isSingleAggregate(select)) return 1;
  const count = select.limitCount;
  if (!count || count.A_Const?.isnull) return "none";
  const value = count.A_Const?.ival;
  if (value) return typeof value.ival === "number" ? value.ival : 0;
  return "param";
}

/** `SELECT count(*) FROM t WHERE …` without GROUP BY returns one row. */
function isSingleAggregate(select: PgNode): boolean {
  const targets: PgNode[] = select.targetList ?? [];
  return !select.groupClause && targets.length > 0 && targets.every((t) => {
    const name = t.ResTarget?.val?.FuncCall?.funcname?.at(-1)?.String?.sval;
    return typeof name === "string" && AGGREGATE_FUNCTIONS.has(name.toLowerCase());
  });
}
