// Reads a requirements file: YAML syntax, then the zod schema, then the cross-references zod
// cannot see (an access pattern's actor, entity and fields must exist). Every problem is
// reported at once as `file:line:column` with a hint; the error is a BadInputError (exit 2).
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { locatedError, parseYamlLocated, type LocatedDocument, type LocatedProblem } from "../../check/locate.ts";
import { BadInputError } from "../workspace/types.ts";
import { entityColumnNames, expandJoinTables, joinTableName } from "./derive.ts";
import { requirementsSchema, type Requirements } from "./schema.ts";

export { entityColumnNames, relationColumn } from "./derive.ts";

export function loadRequirements(file: string): Requirements {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new BadInputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file);
  }
  return parseRequirements(file, text);
}

export function parseRequirements(file: string, text: string): Requirements {
  const doc = parseYamlLocated(file, text);
  const parsed = requirementsSchema.safeParse(doc.value);
  // Names are cross-checked even when the shape is wrong, so the user sees every error at once.
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((issue) => issueProblem(issue, doc))), ...crossReferenceProblems(loose(doc.value), doc)];
  if (problems.length) throw locatedError(file, sortProblems(problems));
  // Many-to-many relations become join entities here, so every designer sees the same tables.
  return expandJoinTables((parsed as { data: Requirements }).data);
}

function issueProblem(issue: z.core.$ZodIssue, doc: LocatedDocument): LocatedProblem {
  const path = issue.path as PropertyKey[];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    return { ...doc.keyPositionOf(path, key), message: `unknown key "${issue.keys.join('", "')}" at ${where(path)}`, hint: "check the spelling; docs/requirements.schema.json lists every key" };
  }
  const message = issue.code === "invalid_type" ? `${where(path)}: expected ${issue.expected}, found ${JSON.stringify(valueAt(doc.value, path))}` : `${where(path)}: ${issue.message}`;
  if (issue.code === "invalid_type" && valueAt(doc.value, path) === undefined) return { ...doc.positionOf(path), message: `${where(path)} is missing`, hint: `add "${String(path[path.length - 1])}" (${issue.expected})` };
  if (issue.code === "too_small" && issue.origin === "array") return { ...doc.positionOf(path), message: `${where(path)} needs at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`, hint: "see docs/requirements.schema.json" };
  if (issue.code === "invalid_value") return { ...doc.positionOf(path), message: `${where(path)}: ${JSON.stringify(valueAt(doc.value, path))} is not allowed`, hint: `use one of: ${issue.values.map(String).join(", ")}` };
  return { ...doc.positionOf(path), message, hint: "see docs/requirements.schema.json" };
}

function where(path: readonly PropertyKey[]): string {
  return path.length ? path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "the file";
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined), value);
}

/** The parts of a requirements file the cross-check reads, from a file that may not match the schema. */
type LooseRelation = { to: string; column?: string; cardinality?: unknown; through?: string };
type LooseEntity = {
  name: string;
  key?: unknown;
  fields: { name: string; type?: unknown; values?: unknown; unique?: unknown }[];
  relations: LooseRelation[];
  softDelete?: unknown;
  concurrentUpdates?: unknown;
  idempotencyKey?: unknown;
  doubleEntry: Record<string, unknown>;
  /** Where the entity is declared: its index, or the owner's relation for a join table. */
  path: PropertyKey[];
};
type Loose = {
  actors: { name: string }[];
  entities: LooseEntity[];
  accessPatterns: { name: string; actor: string; kind?: unknown; operation?: unknown; entity: string; filters: { field: string }[]; sort: { field: string }[]; returns: string[] }[];
  compliance?: { audit?: unknown };
  tenancy?: { tenantEntity: string; column: string; shared: string[] };
};

const record = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown) => (Array.isArray(v) ? v.map(record) : []);
const text = (v: unknown) => (typeof v === "string" ? v : "");
const texts = (v: unknown) => (Array.isArray(v) ? v.map(text) : []);
const optionalText = (key: string, v: unknown) => (typeof v === "string" ? { [key]: v } : {});

function loose(value: unknown): Loose {
  const root = record(value);
  const entities: LooseEntity[] = list(root.entities).map((e, i) => ({
    name: text(e.name),
    key: e.key,
    fields: list(e.fields).map((f) => ({ ...f, name: text(f.name) })),
    relations: list(e.relations).map((r) => ({ to: text(r.to), cardinality: r.cardinality, ...optionalText("column", r.column), ...optionalText("through", r.through) })),
    softDelete: e.softDelete,
    concurrentUpdates: e.concurrentUpdates,
    idempotencyKey: e.idempotencyKey,
    doubleEntry: record(e.doubleEntry),
    path: ["entities", i],
  }));
  const tenancy = root.tenancy === undefined ? undefined : record(root.tenancy);
  return {
    actors: list(root.actors).map((a) => ({ name: text(a.name) })),
    entities: [...entities, ...entities.flatMap(looseJoinTables)],
    accessPatterns: list(root.accessPatterns).map((p) => ({
      ...p, name: text(p.name), actor: text(p.actor), entity: text(p.entity),
      filters: list(p.filters).map((f) => ({ field: text(f.field) })), sort: list(p.sort).map((f) => ({ field: text(f.field) })), returns: texts(p.returns),
    })),
    compliance: record(root.compliance),
    ...(tenancy ? { tenancy: { tenantEntity: text(tenancy.tenantEntity), column: text(tenancy.column) || "tenant_id", shared: texts(tenancy.shared) } } : {}),
  };
}

/** The join tables many-to-many relations declare, located at the relation. */
function looseJoinTables(entity: LooseEntity): LooseEntity[] {
  return entity.relations.flatMap((relation, r) => relation.cardinality !== "many-to-many" ? [] : [{
    name: joinTableName(entity.name, relation),
    key: "composite",
    fields: [],
    relations: [{ to: entity.name }, { to: relation.to, ...(relation.column ? { column: relation.column } : {}) }],
    doubleEntry: {},
    path: [...entity.path, "relations", r, relation.through ? "through" : "to"],
  }]);
}

type At = (path: PropertyKey[], message: string, hint: string) => void;

/** Names that must exist elsewhere in the file; empty names are the schema's to report. */
function crossReferenceProblems(req: Loose, doc: LocatedDocument): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const at: At = (path, message, hint) => problems.push({ ...doc.positionOf(path), message, hint });
  const entities = new Map(req.entities.map((e) => [e.name, e]));
  duplicates(req.entities.map((e) => e.name), (i, n) => at([...req.entities[i].path, "name"], `entity "${n}" is declared twice`, "give each entity one name (a many-to-many relation declares the join table <entity>_<to>)"));
  duplicates(req.accessPatterns.map((p) => p.name), (i, n) => at(["accessPatterns", i, "name"], `access pattern "${n}" is declared twice`, "give each pattern its own name"));
  for (const entity of req.entities) entityProblems(entity, entities, at);
  patternProblems(req, entities, at);
  const declared = `declared entities: ${[...entities.keys()].join(", ")}`;
  texts(req.compliance?.audit).forEach((name, i) => name && !entities.has(name) && at(["compliance", "audit", i], `audited entity "${name}" is not declared`, declared));
  if (req.tenancy) {
    const { tenantEntity, shared } = req.tenancy;
    if (tenantEntity && !entities.has(tenantEntity)) at(["tenancy", "tenantEntity"], `tenant entity "${tenantEntity}" is not declared`, declared);
    shared.forEach((name, i) => name && !entities.has(name) && at(["tenancy", "shared", i], `shared entity "${name}" is not declared`, declared));
  }
  return problems;
}

function patternProblems(req: Loose, entities: Map<string, LooseEntity>, at: At): void {
  const actors = new Set(req.actors.map((a) => a.name));
  const tenantColumn = (name: string) => (req.tenancy && name !== req.tenancy.tenantEntity && !req.tenancy.shared.includes(name) ? req.tenancy.column : undefined);
  req.accessPatterns.forEach((pattern, p) => {
    if (pattern.actor && !actors.has(pattern.actor)) at(["accessPatterns", p, "actor"], `unknown actor "${pattern.actor}"`, `declared actors: ${[...actors].join(", ")}`);
    if (pattern.kind === "write" && !pattern.operation) at(["accessPatterns", p, "kind"], `write pattern ${pattern.name} has no operation`, "add operation: create, update or delete");
    const entity = entities.get(pattern.entity);
    if (!entity) {
      if (pattern.entity) at(["accessPatterns", p, "entity"], `unknown entity "${pattern.entity}"`, `declared entities: ${[...entities.keys()].join(", ")}`);
      return;
    }
    const columns = new Set(entityColumnNames(entity, tenantColumn(entity.name)));
    const check = (path: PropertyKey[], fieldName: string) => {
      if (fieldName && !columns.has(fieldName)) at(["accessPatterns", p, ...path], `${pattern.entity} has no field "${fieldName}"`, `fields of ${pattern.entity}: ${[...columns].sort().join(", ")}`);
    };
    pattern.filters.forEach((f, i) => check(["filters", i, "field"], f.field));
    pattern.sort.forEach((s, i) => check(["sort", i, "field"], s.field));
    pattern.returns.forEach((r, i) => check(["returns", i], r));
  });
}

function entityProblems(entity: LooseEntity, entities: Map<string, LooseEntity>, at: At): void {
  duplicates(entity.fields.map((f) => f.name), (i, n) => at([...entity.path, "fields", i, "name"], `field "${n}" is declared twice in ${entity.name}`, "remove one"));
  entity.fields.forEach((field, f) => {
    if (field.type === "enum" && !field.values) at([...entity.path, "fields", f, "type"], `enum field ${entity.name}.${field.name} has no values`, "add values: [a, b, ...]");
  });
  entity.relations.forEach((relation, r) => {
    if (relation.to && !entities.has(relation.to)) at([...entity.path, "relations", r, "to"], `relation of ${entity.name} points to unknown entity "${relation.to}"`, `declared entities: ${[...entities.keys()].join(", ")}`);
    if (relation.cardinality === "many-to-many" && relation.to === entity.name) at([...entity.path, "relations", r, "to"], `${entity.name} has a many-to-many relation to itself`, "declare the join entity with key: composite and two relations, each with its own column");
  });
  if (entity.key === "composite" && entity.relations.filter((r) => r.cardinality !== "many-to-many").length < 2) {
    at([...entity.path, "key"], `${entity.name} has a composite key but fewer than two relations`, "a composite key is the relations' columns (a join table): add the relations or use key: auto");
  }
  doubleEntryProblems(entity, entities, at);
}

function doubleEntryProblems(entity: LooseEntity, entities: Map<string, LooseEntity>, at: At): void {
  const { groupBy, amount, balance } = entity.doubleEntry;
  const path = [...entity.path, "doubleEntry"];
  const columns = entityColumnNames(entity);
  if (typeof groupBy === "string" && !columns.includes(groupBy)) at([...path, "groupBy"], `${entity.name} has no column "${groupBy}"`, `columns of ${entity.name}: ${[...columns].sort().join(", ")}`);
  if (typeof amount === "string" && !entity.fields.some((f) => f.name === amount && ["decimal", "integer", "bigint"].includes(String(f.type)))) {
    at([...path, "amount"], `${entity.name}.${amount} is not a numeric field`, "name a decimal, integer or bigint field of the entity");
  }
  if (typeof balance === "string" && balance.includes(".")) {
    const [target, field] = balance.split(".");
    if (!entity.relations.some((r) => r.to === target) || !entities.get(target)?.fields.some((f) => f.name === field)) {
      at([...path, "balance"], `${balance} is not a field of an entity ${entity.name} relates to`, `relations of ${entity.name}: ${entity.relations.map((r) => r.to).join(", ") || "none"}`);
    }
  }
}

function duplicates(names: readonly string[], report: (index: number, name: string) => void): void {
  const seen = new Set<string>();
  names.forEach((n, i) => (seen.has(n) ? report(i, n) : seen.add(n)));
}

function sortProblems(problems: LocatedProblem[]): LocatedProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
