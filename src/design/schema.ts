// The schema designer: pure over Requirements. Tables in the model's own vocabulary (`Entity`,
// so src/emit/sql.ts writes the DDL), keys, foreign keys with ON DELETE from ownership, checks,
// timestamps, version and soft-delete columns, and indexes derived from the access patterns:
// equality columns, then the range column, then the sort columns, with constant filters (and a
// soft-delete's `deleted_at IS NULL`) as a partial index's predicate and the few small columns a
// pattern returns as a covering INCLUDE. Multi-tenant tables get a tenant column that leads every
// key and index, composite foreign keys that keep a row and its parent in one tenant, and
// row-level security; audited, append-only and double-entry tables get their triggers
// (src/design/policies.ts).
import type { Column, Entity } from "../model/types.ts";
import type { AccessPattern, Requirements, RequirementsEntity, RequirementsField, RequirementsRelation, Tenancy } from "../ingest/requirements/schema.ts";
import { compositeKey, isTenantScoped, relationColumn } from "../ingest/requirements/derive.ts";
import { toSchemaSql } from "../emit/sql.ts";
import type { Decision } from "./decisions.ts";
import { AUDIT_TABLE, appendOnlyStatements, auditEntity, auditStatements, doubleEntryStatements, rowLevelSecurity } from "./policies.ts";
import { auditDecision, consistencyDecision, keyDecision, partitionDecision, tenancyDecision } from "./schema-decisions.ts";

export { PARTITION_ROWS } from "./schema-decisions.ts";

export interface IndexReason {
  table: string;
  index: string;
  /** Access patterns (or "foreign key …") this index serves. */
  serves: string[];
}

export interface PatternQuery {
  /** The access pattern, or for a statement the design itself runs, what it does ("audit: history of a row"). */
  pattern: string;
  table: string;
  /** The statement the pattern runs, with $n parameters. */
  sql: string;
}

export interface SchemaDesign {
  entities: Entity[];
  indexes: IndexReason[];
  queries: PatternQuery[];
  decisions: Decision[];
  /** Rows per table the verification should create before the cap. */
  volumes: Record<string, number>;
  /** DDL after the tables and indexes: row-level security, audit and ledger triggers. */
  statements: string[];
  /** Row-level security: which tables, and the setting their policies read (the verification sets it). */
  tenancy?: { tenantTable: string; column: string; setting: string; tables: string[] };
}

/** Context the table builders share. */
interface Designing {
  req: Requirements;
  /** The SQL type of each entity's key, for the columns that reference it. */
  keyTypes: Map<string, string>;
}

export function designSchema(req: Requirements): SchemaDesign {
  const byName = new Map(req.entities.map((e) => [e.name, e]));
  const keyTypes = new Map(req.entities.map((e) => [e.name, keyKind(e) === "identity" ? "bigint" : "uuid"]));
  const ctx: Designing = { req, keyTypes };
  const entities = req.entities.map((e) => baseEntity(e, ctx));
  const reasons = new Map<string, IndexReason>();
  const queries: PatternQuery[] = [];
  for (const pattern of req.accessPatterns) {
    const entity = entities.find((e) => e.name === pattern.entity)!;
    const source = byName.get(pattern.entity)!;
    queries.push({ pattern: pattern.name, table: entity.name, sql: patternSql(pattern, source, tenantColumn(req, source.name)) });
    const index = patternIndex(pattern, source, tenantColumn(req, source.name));
    if (index) addIndex(entity, index, pattern.name, reasons);
  }
  for (const entity of entities) addStructuralIndexes(entity, byName.get(entity.name)!, reasons);
  const audit = auditDesign(req, entities, keyTypes, reasons);
  const ledger = ledgerDesign(req, entities);
  const decisions = [
    keyDecision(req), ...req.entities.flatMap(partitionDecision), ...tenancyDecision(req), ...(audit.entities.length ? [auditDecision(req)] : []),
    ...req.entities.filter((e) => e.consistency === "strict").map((e) => consistencyDecision(req, e)),
  ];
  const volumes = Object.fromEntries(req.entities.map((e) => [e.name, e.volume?.rows ?? 0]));
  if (audit.entities.length) volumes[AUDIT_TABLE] = audit.rows;
  return {
    entities: [...entities, ...audit.entities],
    indexes: [...reasons.values()].sort((a, b) => compare(a.index, b.index)),
    queries: [...queries, ...audit.queries, ...ledger.queries],
    decisions,
    volumes,
    statements: [...tenancyStatements(req, ctx), ...audit.statements, ...ledger.statements],
    ...tenancyRecord(req),
  };
}

/**
 * The whole DDL: tables, foreign keys and indexes (covering ones too) as src/emit/sql.ts writes
 * them, then the statements only a design has (policies, triggers).
 */
export function schemaDdl(design: Pick<SchemaDesign, "entities" | "statements">, project: string): string {
  const tables = toSchemaSql({ project, entities: design.entities });
  return design.statements.length ? `${tables}\n${design.statements.join("\n")}\n` : tables;
}

type KeyKind = "identity" | "uuidv7" | "composite";

/** `auto` keys are UUIDv7: ids appear in URLs (not enumerable) and clients can create them before an idempotent retry. */
function keyKind(entity: RequirementsEntity): KeyKind {
  return entity.key === "identity" || entity.key === "composite" ? entity.key : "uuidv7";
}

function tenantColumn(req: Requirements, entity: string): string | undefined {
  return isTenantScoped(req.tenancy, entity) ? req.tenancy!.column : undefined;
}

/** The primary key columns: id, or a join table's relation columns (after the tenant column). */
function primaryKeyOf(entity: RequirementsEntity, tenant: string | undefined): string[] {
  return entity.key === "composite" ? [...(tenant ? [tenant] : []), ...compositeKey(entity)] : ["id"];
}

function baseEntity(source: RequirementsEntity, ctx: Designing): Entity {
  const tenant = tenantColumn(ctx.req, source.name);
  const columns: Column[] = [];
  if (source.key !== "composite") columns.push(keyColumn(keyKind(source)));
  const checks: string[] = [];
  const uniques: string[][] = [];
  const scoped = (cols: string[]) => (tenant ? [tenant, ...cols] : cols);
  for (const field of source.fields) {
    columns.push({ name: field.name, type: columnType(field), nullable: !field.required });
    checks.push(...fieldChecks(field));
    if (field.unique) uniques.push(scoped([field.name]));
  }
  const foreignKeys: Entity["foreignKeys"] = [];
  if (tenant) {
    const reference = tenantReference(ctx.req.tenancy!, ctx.keyTypes.get(ctx.req.tenancy!.tenantEntity) ?? "uuid");
    columns.push(reference.column);
    foreignKeys.push(reference.foreignKey);
  }
  for (const relation of source.relations) {
    const column = relationColumn(relation);
    columns.push({ name: column, type: ctx.keyTypes.get(relation.to) ?? "uuid", nullable: !relation.required });
    if (relation.cardinality === "one-to-one") uniques.push(scoped([column]));
    foreignKeys.push(foreignKey(relation, column, tenant && isTenantScoped(ctx.req.tenancy, relation.to) ? tenant : undefined));
  }
  if (source.idempotencyKey) {
    columns.push({ name: "idempotency_key", type: "varchar(255)", nullable: false });
    uniques.push(scoped(["idempotency_key"]));
  }
  columns.push({ name: "created_at", type: "timestamptz", nullable: false, default: "now()" }, { name: "updated_at", type: "timestamptz", nullable: false, default: "now()" });
  if (source.concurrentUpdates) columns.push({ name: "version", type: "integer", nullable: false, default: "1" });
  if (source.softDelete) columns.push({ name: "deleted_at", type: "timestamptz", nullable: true });
  // A composite foreign key from a tenant's child names (tenant, id) of its parent, which must be unique.
  if (tenant && source.key !== "composite" && referencedWithinTenant(source.name, ctx)) uniques.push([tenant, "id"]);
  return { name: source.name, columns, primaryKey: primaryKeyOf(source, tenant), foreignKeys, uniques, checks, indexes: [], location: { file: "requirements", line: 1, column: 1 }, source: "sql" };
}

/** The tenant column, filled from the session's tenant by default, and its foreign key to the tenants. */
function tenantReference(tenancy: Tenancy, type: string): { column: Column; foreignKey: Entity["foreignKeys"][number] } {
  return {
    column: { name: tenancy.column, type, nullable: false, default: `current_setting('${tenancy.setting}')::${type}` },
    // Offboarding a tenant is a deliberate job that deletes its rows table by table; a stray DELETE must not cascade.
    foreignKey: { columns: [tenancy.column], references: { entity: tenancy.tenantEntity, columns: ["id"] }, onDelete: "RESTRICT" },
  };
}

function keyColumn(kind: KeyKind): Column {
  return kind === "identity" ? { name: "id", type: "bigint", nullable: false, default: "identity" } : { name: "id", type: "uuid", nullable: false, default: "uuidv7()" };
}

/**
 * Within a tenant the foreign key includes the tenant column, so a row can only point to a parent
 * of its own tenant (a plain key is checked without row-level security and would accept another
 * tenant's id). SET NULL then clears only the relation column.
 */
function foreignKey(relation: RequirementsRelation, column: string, tenant: string | undefined): Entity["foreignKeys"][number] {
  const onDelete = onDeletePolicy(relation);
  if (!tenant) return { columns: [column], references: { entity: relation.to, columns: ["id"] }, onDelete };
  return { columns: [tenant, column], references: { entity: relation.to, columns: [tenant, "id"] }, onDelete: onDelete === "SET NULL" ? `SET NULL (${column})` : onDelete };
}

function referencedWithinTenant(name: string, ctx: Designing): boolean {
  return ctx.req.entities.some((e) => isTenantScoped(ctx.req.tenancy, e.name) && e.relations.some((r) => r.to === name));
}

/** Owned children go with their parent; a required reference blocks the delete; an optional one is cleared. */
export function onDeletePolicy(relation: RequirementsRelation): string {
  if (relation.ownership === "owned") return "CASCADE";
  return relation.required ? "RESTRICT" : "SET NULL";
}

const TYPES: Record<RequirementsField["type"], string> = {
  string: "text", text: "text", integer: "integer", bigint: "bigint", decimal: "numeric(12,2)", boolean: "boolean",
  timestamp: "timestamptz", date: "date", uuid: "uuid", json: "jsonb", enum: "text",
};

function columnType(field: RequirementsField): string {
  return field.type === "string" && field.maxLength ? `varchar(${field.maxLength})` : TYPES[field.type];
}

function fieldChecks(field: RequirementsField): string[] {
  const checks: string[] = [];
  if (field.type === "enum" && field.values) checks.push(`${field.name} IN (${field.values.map(sqlString).join(", ")})`);
  if (field.min !== undefined) checks.push(`${field.name} >= ${field.min}`);
  if (field.max !== undefined) checks.push(`${field.name} <= ${field.max}`);
  return checks;
}

interface IndexPlan {
  columns: string[];
  where?: string;
  include?: string[];
}

/** Columns an INCLUDE may carry: at most this many, each of a small fixed-width or short type. */
const MAX_INCLUDED = 3;
const MAX_INCLUDED_LENGTH = 200;

/**
 * Equality columns (the tenant first), then the first range column, then sort columns and the
 * key; constants and soft delete go to WHERE; the few small columns a pattern returns beyond
 * those go to INCLUDE.
 */
export function patternIndex(pattern: AccessPattern, entity: RequirementsEntity, tenant?: string): IndexPlan | undefined {
  if (pattern.kind === "write" && pattern.operation === "create") return undefined;
  // A lookup by the key or by a unique field is served by the constraint's own index.
  if (isSingleRow(pattern, entity)) return undefined;
  const variable = pattern.filters.filter((f) => f.value === undefined);
  const equality = variable.filter((f) => f.op === "eq" || f.op === "in").map((f) => f.field);
  const range = variable.filter((f) => f.op !== "eq" && f.op !== "in").map((f) => f.field).slice(0, 1);
  // Keyset pagination orders by the sort columns and then the key, so the index ends with the key
  // too. Without a sort the pages of one parent are few rows, sorted by key at little cost.
  const sort = pattern.sort.length ? [...pattern.sort.map((s) => s.field), ...keyOf(entity)] : [];
  const columns = unique([...(tenant ? [tenant] : []), ...equality, ...range, ...sort]);
  const where = predicate(pattern, entity);
  if (!columns.length) return where ? { columns: keyOf(entity), where } : undefined;
  const include = includedColumns(pattern, entity, columns);
  return { columns, ...(where ? { where } : {}), ...(include.length ? { include } : {}) };
}

/** The returned columns not already in the index, when they are few and small enough to pay for their space. */
function includedColumns(pattern: AccessPattern, entity: RequirementsEntity, columns: readonly string[]): string[] {
  if (pattern.kind !== "read" || !pattern.returns) return [];
  const extra = pattern.returns.filter((c) => !columns.includes(c));
  const small = extra.every((name) => {
    const field = entity.fields.find((f) => f.name === name);
    return !field || (field.type !== "text" && field.type !== "json" && (field.type !== "string" || (field.maxLength ?? Infinity) <= MAX_INCLUDED_LENGTH));
  });
  return small && extra.length <= MAX_INCLUDED ? extra : [];
}

function keyOf(entity: RequirementsEntity): string[] {
  return entity.key === "composite" ? compositeKey(entity) : ["id"];
}

function predicate(pattern: AccessPattern, entity: RequirementsEntity): string | undefined {
  const parts = pattern.filters.filter((f) => f.value !== undefined).map((f) => `${f.field} = ${sqlLiteral(f.value!)}`);
  if (entity.softDelete) parts.push("deleted_at IS NULL");
  return parts.length ? parts.join(" AND ") : undefined;
}

/** Foreign-key indexes (for the parent's delete and for joins) and a join table's reverse index. */
function addStructuralIndexes(entity: Entity, source: RequirementsEntity, reasons: Map<string, IndexReason>): void {
  if (source.key === "composite") {
    const [first, second] = compositeKey(source);
    const lead = entity.primaryKey.slice(0, entity.primaryKey.indexOf(first));
    addIndex(entity, { columns: [...lead, second, first] }, `reverse lookups: ${second} → ${first}`, reasons);
  }
  for (const fk of entity.foreignKeys) addIndex(entity, { columns: fk.columns }, `foreign key ${fk.columns.join(", ")} → ${fk.references.entity}`, reasons);
}

function addIndex(entity: Entity, plan: IndexPlan, reason: string, reasons: Map<string, IndexReason>): void {
  const sameShape = (i: Entity["indexes"][number]) => (i.where ?? "") === (plan.where ?? "") && sameList(i.include ?? [], plan.include ?? []);
  const byConstraint = !plan.where && !plan.include && (startsWith(entity.primaryKey, plan.columns) || entity.uniques.some((u) => startsWith(u, plan.columns)));
  if (byConstraint) return;
  const covering = entity.indexes.find((i) => startsWith(i.columns, plan.columns) && (sameShape(i) || (!plan.where && !plan.include && !i.where)));
  if (covering) {
    reasons.get(`${entity.name}.${covering.name}`)!.serves.push(reason);
    return;
  }
  // A shorter index this one extends is replaced by it.
  const shorter = entity.indexes.findIndex((i) => sameShape(i) && startsWith(plan.columns, i.columns));
  const name = indexName(entity.name, plan);
  const serves = [reason];
  if (shorter >= 0) {
    const old = entity.indexes.splice(shorter, 1)[0];
    serves.unshift(...reasons.get(`${entity.name}.${old.name}`)!.serves);
    reasons.delete(`${entity.name}.${old.name}`);
  }
  entity.indexes.push({ name, columns: plan.columns, unique: false, ...(plan.where ? { where: plan.where } : {}), ...(plan.include ? { include: plan.include } : {}) });
  reasons.set(`${entity.name}.${name}`, { table: entity.name, index: name, serves });
}

function indexName(table: string, plan: IndexPlan): string {
  const constants = plan.where ? plan.where.replace(/deleted_at IS NULL/, "live").replace(/'/g, "").split(" AND ").map((p) => p.split(" = ").pop()!) : [];
  const covering = plan.include ? ["covering"] : [];
  return [table, ...plan.columns, ...constants, ...covering, "idx"].join("_").replace(/[^a-z0-9_]/g, "_").slice(0, 63);
}

/**
 * The statement an access pattern runs: filters as $n parameters, keyset order with the key as
 * tie-breaker. The tenant is not in the statement: row-level security adds it.
 */
export function patternSql(pattern: AccessPattern, entity: RequirementsEntity, tenant?: string): string {
  const table = entity.name;
  const params: string[] = [];
  const conditions = pattern.filters.map((f) => {
    if (f.value !== undefined) return `${f.field} = ${sqlLiteral(f.value)}`;
    params.push(f.field);
    const n = `$${params.length}`;
    return f.op === "in" ? `${f.field} = ANY(${n})` : `${f.field} ${OPERATORS[f.op]} ${n}`;
  });
  if (entity.softDelete) conditions.push("deleted_at IS NULL");
  const where = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  if (pattern.kind === "write") {
    if (pattern.operation === "update") return `UPDATE ${table} SET updated_at = now()${entity.concurrentUpdates ? ", version = version + 1" : ""}${where}`;
    if (pattern.operation === "delete") return entity.softDelete ? `UPDATE ${table} SET deleted_at = now()${where}` : `DELETE FROM ${table}${where}`;
    // A retried create with the same key finds the first one instead of inserting again.
    const conflict = entity.idempotencyKey ? ` ON CONFLICT (${[...(tenant ? [tenant] : []), "idempotency_key"].join(", ")}) DO NOTHING` : "";
    return `INSERT INTO ${table} DEFAULT VALUES${conflict}`;
  }
  const key = keyOf(entity);
  const selected = pattern.returns ? unique([...pattern.returns, ...pattern.sort.map((s) => s.field), ...key]).join(", ") : "*";
  if (isSingleRow(pattern, entity)) return `SELECT ${selected} FROM ${table}${where} LIMIT 1`;
  const direction = (pattern.sort.at(-1)?.direction ?? "asc").toUpperCase();
  // A key column the pattern fixes by equality orders nothing.
  const fixed = new Set(pattern.filters.filter((f) => f.op === "eq").map((f) => f.field));
  const order = [...pattern.sort.map((s) => `${s.field} ${s.direction.toUpperCase()}`), ...key.filter((k) => !fixed.has(k)).map((k) => `${k} ${direction}`)];
  return `SELECT ${selected} FROM ${table}${where} ORDER BY ${order.join(", ")} LIMIT ${(pattern.pageSize ?? 50) + 1}`;
}

/** An equality on the whole key or a unique field: at most one row. */
function isSingleRow(pattern: AccessPattern, entity: RequirementsEntity): boolean {
  const equal = new Set(pattern.filters.filter((f) => f.op === "eq" && f.value === undefined).map((f) => f.field));
  return keyOf(entity).every((k) => equal.has(k)) || entity.fields.some((f) => f.unique && equal.has(f.name)) || (entity.idempotencyKey && equal.has("idempotency_key"));
}

const OPERATORS = { eq: "=", in: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

function tenancyStatements(req: Requirements, ctx: Designing): string[] {
  const tenancy = req.tenancy;
  if (!tenancy) return [];
  const type = ctx.keyTypes.get(tenancy.tenantEntity) ?? "uuid";
  // The tenants table is isolated too: a tenant sees only its own row.
  return [
    ...rowLevelSecurity(tenancy.tenantEntity, "id", tenancy.setting, type),
    ...req.entities.filter((e) => isTenantScoped(tenancy, e.name)).flatMap((e) => rowLevelSecurity(e.name, tenancy.column, tenancy.setting, type)),
  ];
}

function tenancyRecord(req: Requirements): Pick<SchemaDesign, "tenancy"> {
  const tenancy = req.tenancy;
  if (!tenancy) return {};
  const tables = [tenancy.tenantEntity, ...req.entities.filter((e) => isTenantScoped(tenancy, e.name)).map((e) => e.name)].sort(compare);
  return { tenancy: { tenantTable: tenancy.tenantEntity, column: tenancy.column, setting: tenancy.setting, tables } };
}

interface Extra {
  entities: Entity[];
  statements: string[];
  queries: PatternQuery[];
  rows: number;
}

/** The audit table, its trigger on every audited entity, and the two reads it must serve. */
function auditDesign(req: Requirements, entities: readonly Entity[], keyTypes: Map<string, string>, reasons: Map<string, IndexReason>): Extra {
  const audited = [...new Set(req.compliance?.audit ?? [])].sort(compare);
  if (!audited.length) return { entities: [], statements: [], queries: [], rows: 0 };
  const tenant = req.tenancy ? { column: req.tenancy.column, type: keyTypes.get(req.tenancy.tenantEntity) ?? "uuid" } : undefined;
  const table = auditEntity(tenant);
  for (const index of table.indexes) reasons.set(`${AUDIT_TABLE}.${index.name}`, { table: AUDIT_TABLE, index: index.name!, serves: [index.columns[0] === "table_name" ? "audit: history of a row" : "audit: retention purge"] });
  const tables = audited.map((name) => {
    const source = req.entities.find((e) => e.name === name)!;
    return { table: name, key: entities.find((e) => e.name === name)!.primaryKey, secrets: source.fields.filter((f) => f.tags.includes("secret")).map((f) => f.name) };
  });
  return {
    entities: [table],
    statements: auditStatements(tables, req.compliance?.retentionDays, tenant),
    queries: [
      { pattern: "audit: history of a row", table: AUDIT_TABLE, sql: `SELECT * FROM ${AUDIT_TABLE} WHERE table_name = $1 AND row_key = $2 ORDER BY changed_at DESC LIMIT 51` },
      // Purged in batches: short transactions, and each batch walks the index from the oldest row.
      { pattern: "audit: retention purge", table: AUDIT_TABLE, sql: `DELETE FROM ${AUDIT_TABLE} WHERE id IN (SELECT id FROM ${AUDIT_TABLE} WHERE changed_at < $1 ORDER BY changed_at LIMIT 100)` },
    ],
    // Every audited row was inserted once: at least one audit row each.
    rows: audited.reduce((sum, name) => sum + (req.entities.find((e) => e.name === name)!.volume?.rows ?? 0), 0),
  };
}

/** Append-only and double-entry triggers, and the statements they run (checked for an index like the patterns). */
function ledgerDesign(req: Requirements, entities: readonly Entity[]): Omit<Extra, "entities" | "rows"> {
  const statements: string[] = [];
  const queries: PatternQuery[] = [];
  for (const source of req.entities) {
    if (source.appendOnly) statements.push(...appendOnlyStatements(source.name));
    const entry = source.doubleEntry;
    if (!entry) continue;
    const [balanceTable, balanceColumn] = entry.balance?.split(".") ?? [];
    const via = balanceTable ? relationColumn(source.relations.find((r) => r.to === balanceTable)!) : undefined;
    statements.push(...doubleEntryStatements({
      table: source.name, groupBy: entry.groupBy, amount: entry.amount,
      ...(via ? { balance: { table: balanceTable, column: balanceColumn, via, key: "id", versioned: !!req.entities.find((e) => e.name === balanceTable)?.concurrentUpdates } } : {}),
    }));
    queries.push({ pattern: `${source.name}: entries of one ${entry.groupBy} sum to zero`, table: source.name, sql: `SELECT sum(${entry.amount}) FROM ${source.name} WHERE ${entry.groupBy} = $1` });
    if (via) {
      const balance = entities.find((e) => e.name === balanceTable)!;
      queries.push({ pattern: `${balanceTable}: lock the balance rows of one ${entry.groupBy}`, table: balance.name, sql: `SELECT id FROM ${balance.name} WHERE id = ANY($1) ORDER BY id FOR UPDATE` });
    }
  }
  return { statements, queries };
}

function startsWith(columns: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= columns.length && prefix.every((c, i) => columns[i] === c);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function sqlLiteral(value: string | number | boolean): string {
  return typeof value === "string" ? sqlString(value) : String(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
