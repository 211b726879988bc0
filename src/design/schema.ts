// The schema designer: pure over Requirements. Tables in the model's own vocabulary (`Entity`,
// so src/emit/sql.ts writes the DDL), keys, foreign keys with ON DELETE from ownership, checks,
// timestamps, version and soft-delete columns, and indexes derived from the access patterns:
// equality columns, then the range column, then the sort columns, with constant filters (and a
// soft-delete's `deleted_at IS NULL`) as a partial index's predicate.
import type { Column, Entity } from "../model/types.ts";
import type { AccessPattern, Requirements, RequirementsEntity, RequirementsField, RequirementsRelation } from "../ingest/requirements/schema.ts";
import { relationColumn } from "../ingest/requirements/load.ts";
import type { Decision } from "./decisions.ts";

export interface IndexReason {
  table: string;
  index: string;
  /** Access patterns (or "foreign key …") this index serves. */
  serves: string[];
}

export interface PatternQuery {
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
}

/** Above this many rows (or reached within 3 years of growth) a table is proposed for partitioning. */
export const PARTITION_ROWS = 100_000_000;

export function designSchema(req: Requirements): SchemaDesign {
  const byName = new Map(req.entities.map((e) => [e.name, e]));
  const keyKinds = new Map(req.entities.map((e) => [e.name, keyKind(e)]));
  const entities = req.entities.map((e) => baseEntity(e, keyKinds, byName));
  const reasons = new Map<string, IndexReason>();
  const queries: PatternQuery[] = [];
  for (const pattern of req.accessPatterns) {
    const entity = entities.find((e) => e.name === pattern.entity)!;
    const source = byName.get(pattern.entity)!;
    queries.push({ pattern: pattern.name, table: entity.name, sql: patternSql(pattern, source) });
    const index = patternIndex(pattern, source);
    if (index) addIndex(entity, index, pattern.name, reasons);
  }
  for (const entity of entities) {
    for (const fk of entity.foreignKeys) addIndex(entity, { columns: fk.columns }, `foreign key ${fk.columns.join(", ")} → ${fk.references.entity}`, reasons);
  }
  const decisions = [keyDecision(req, keyKinds), ...req.entities.flatMap(partitionDecision)];
  const volumes = Object.fromEntries(req.entities.map((e) => [e.name, e.volume?.rows ?? 0]));
  return { entities, indexes: [...reasons.values()].sort((a, b) => compare(a.index, b.index)), queries, decisions, volumes };
}

type KeyKind = "identity" | "uuidv7";

/** `auto` keys are UUIDv7: ids appear in URLs (not enumerable) and clients can create them before an idempotent retry. */
function keyKind(entity: RequirementsEntity): KeyKind {
  return entity.key === "identity" ? "identity" : "uuidv7";
}

function keyColumn(kind: KeyKind): Column {
  return kind === "identity" ? { name: "id", type: "bigint", nullable: false, default: "identity" } : { name: "id", type: "uuid", nullable: false, default: "uuidv7()" };
}

function baseEntity(source: RequirementsEntity, keys: Map<string, KeyKind>, byName: Map<string, RequirementsEntity>): Entity {
  const columns: Column[] = [keyColumn(keys.get(source.name)!)];
  const checks: string[] = [];
  const uniques: string[][] = [];
  for (const field of source.fields) {
    columns.push({ name: field.name, type: columnType(field), nullable: !field.required });
    checks.push(...fieldChecks(field));
    if (field.unique) uniques.push([field.name]);
  }
  const foreignKeys: Entity["foreignKeys"] = [];
  for (const relation of source.relations) {
    const column = relationColumn(relation);
    const targetKey = keys.get(relation.to) ?? "uuidv7";
    columns.push({ name: column, type: targetKey === "identity" ? "bigint" : "uuid", nullable: !relation.required });
    if (relation.cardinality === "one-to-one") uniques.push([column]);
    foreignKeys.push({ columns: [column], references: { entity: byName.get(relation.to)?.name ?? relation.to, columns: ["id"] }, onDelete: onDeletePolicy(relation) });
  }
  columns.push({ name: "created_at", type: "timestamptz", nullable: false, default: "now()" }, { name: "updated_at", type: "timestamptz", nullable: false, default: "now()" });
  if (source.concurrentUpdates) columns.push({ name: "version", type: "integer", nullable: false, default: "1" });
  if (source.softDelete) columns.push({ name: "deleted_at", type: "timestamptz", nullable: true });
  return { name: source.name, columns, primaryKey: ["id"], foreignKeys, uniques, checks, indexes: [], location: { file: "requirements", line: 1, column: 1 }, source: "sql" };
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
}

/** Equality columns, then the first range column, then sort columns; constants and soft delete go to WHERE. */
export function patternIndex(pattern: AccessPattern, entity: RequirementsEntity): IndexPlan | undefined {
  if (pattern.kind === "write" && pattern.operation === "create") return undefined;
  const variable = pattern.filters.filter((f) => f.value === undefined);
  const equality = variable.filter((f) => f.op === "eq" || f.op === "in").map((f) => f.field);
  const range = variable.filter((f) => f.op !== "eq" && f.op !== "in").map((f) => f.field).slice(0, 1);
  // A lookup by the key or by a unique field is served by the constraint's own index.
  if (isSingleRow(pattern, entity)) return undefined;
  // Keyset pagination orders by the sort columns and then the key, so the index ends with the key too.
  const sort = pattern.sort.length ? [...pattern.sort.map((s) => s.field), "id"] : [];
  const columns = unique([...equality, ...range, ...sort]);
  const where = predicate(pattern, entity);
  if (!columns.length) return where ? { columns: ["id"], where } : undefined;
  return { columns, ...(where ? { where } : {}) };
}

function predicate(pattern: AccessPattern, entity: RequirementsEntity): string | undefined {
  const parts = pattern.filters.filter((f) => f.value !== undefined).map((f) => `${f.field} = ${sqlLiteral(f.value!)}`);
  if (entity.softDelete) parts.push("deleted_at IS NULL");
  return parts.length ? parts.join(" AND ") : undefined;
}

function addIndex(entity: Entity, plan: IndexPlan, reason: string, reasons: Map<string, IndexReason>): void {
  const covering = entity.indexes.find((i) => (i.where ?? "") === (plan.where ?? "") && startsWith(i.columns, plan.columns));
  const byConstraint = !plan.where && (startsWith(entity.primaryKey, plan.columns) || entity.uniques.some((u) => startsWith(u, plan.columns)));
  if (byConstraint) return;
  if (covering) {
    reasons.get(`${entity.name}.${covering.name}`)!.serves.push(reason);
    return;
  }
  // A shorter index this one extends is replaced by it.
  const shorter = entity.indexes.findIndex((i) => (i.where ?? "") === (plan.where ?? "") && startsWith(plan.columns, i.columns));
  const name = indexName(entity.name, plan);
  const serves = [reason];
  if (shorter >= 0) {
    const old = entity.indexes.splice(shorter, 1)[0];
    serves.unshift(...reasons.get(`${entity.name}.${old.name}`)!.serves);
    reasons.delete(`${entity.name}.${old.name}`);
  }
  entity.indexes.push({ name, columns: plan.columns, unique: false, ...(plan.where ? { where: plan.where } : {}) });
  reasons.set(`${entity.name}.${name}`, { table: entity.name, index: name, serves });
}

function indexName(table: string, plan: IndexPlan): string {
  const constants = plan.where ? plan.where.replace(/deleted_at IS NULL/, "live").replace(/'/g, "").split(" AND ").map((p) => p.split(" = ").pop()!) : [];
  return [table, ...plan.columns, ...constants, "idx"].join("_").replace(/[^a-z0-9_]/g, "_").slice(0, 63);
}

/** The statement an access pattern runs: filters as $n parameters, keyset order with the key as tie-breaker. */
export function patternSql(pattern: AccessPattern, entity: RequirementsEntity): string {
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
    return `INSERT INTO ${table} DEFAULT VALUES`;
  }
  if (isSingleRow(pattern, entity)) return `SELECT * FROM ${table}${where} LIMIT 1`;
  const direction = pattern.sort.at(-1)?.direction ?? "asc";
  const order = [...pattern.sort.map((s) => `${s.field} ${s.direction.toUpperCase()}`), `id ${direction.toUpperCase()}`];
  return `SELECT * FROM ${table}${where} ORDER BY ${order.join(", ")} LIMIT ${(pattern.pageSize ?? 50) + 1}`;
}

/** An equality on the key or a unique field: at most one row. */
function isSingleRow(pattern: AccessPattern, entity: RequirementsEntity): boolean {
  return pattern.filters.some((f) => f.op === "eq" && f.value === undefined && (f.field === "id" || entity.fields.some((x) => x.name === f.field && x.unique)));
}

const OPERATORS = { eq: "=", in: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

function keyDecision(req: Requirements, keys: Map<string, KeyKind>): Decision {
  const auto = req.entities.filter((e) => e.key === "auto").map((e) => e.name);
  const identity = req.entities.filter((e) => keys.get(e.name) === "identity").map((e) => e.name);
  return {
    id: "primary-keys",
    title: "Primary keys: UUIDv7 or identity",
    confidence: auto.length ? 78 : 95,
    context: `${auto.length ? `Entities without a declared key strategy: ${auto.join(", ")}.` : "Every entity declares its key."}${identity.length ? ` Identity keys: ${identity.join(", ")}.` : ""} Ids appear in URLs and in client retries.`,
    options: [
      { name: "UUIDv7 (uuid, DEFAULT uuidv7())", pros: ["not enumerable in URLs", "clients and services can create ids before insert (idempotent retries, merges)", "time-ordered: inserts stay at the right edge of the B-tree"], cons: ["16 bytes per key and per foreign key", "leaks the creation time"] },
      { name: "bigint identity", pros: ["8 bytes: smaller indexes and foreign keys", "readable in support tickets"], cons: ["enumerable: ids in URLs reveal volume and invite scraping", "needs a round-trip to the database to learn the id"] },
    ],
    recommendation: "UUIDv7 for entities exposed through the API; identity for internal, high-volume child rows that are only reached through their parent (declare `key: identity`).",
  };
}

function partitionDecision(entity: RequirementsEntity): Decision[] {
  const rows = entity.volume?.rows ?? 0;
  const inThreeYears = rows + (entity.volume?.growthPerMonth ?? 0) * 36;
  if (inThreeYears < PARTITION_ROWS) return [];
  return [{
    id: `partition-${entity.name.replace(/_/g, "-")}`,
    title: `Partition ${entity.name} by created_at`,
    confidence: 72,
    context: `${entity.name} holds ${rows.toLocaleString("en-US")} rows and grows to about ${inThreeYears.toLocaleString("en-US")} in three years (threshold ${PARTITION_ROWS.toLocaleString("en-US")}).`,
    options: [
      { name: "range partitions by created_at (monthly)", pros: ["old months detach instead of large DELETEs (retention)", "vacuum and index builds per partition"], cons: ["the primary key must include created_at", "queries without created_at visit every partition"] },
      { name: "one table", pros: ["simplest; every index is global"], cons: ["retention deletes and vacuum over the whole table", "index rebuilds take longer"] },
    ],
    recommendation: "Range partitions by month once the table nears the threshold; until then one table (the DDL here is unpartitioned).",
  }];
}

function startsWith(columns: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= columns.length && prefix.every((c, i) => columns[i] === c);
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
