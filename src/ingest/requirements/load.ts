// Reads a requirements file: YAML syntax, then the zod schema, then the cross-references zod
// cannot see (an access pattern's actor, entity and fields must exist). Every problem is
// reported at once as `file:line:column` with a hint; the error is a BadInputError (exit 2).
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { locatedError, parseYamlLocated, type LocatedDocument, type LocatedProblem } from "../../check/locate.ts";
import { BadInputError } from "../workspace/types.ts";
import { requirementsSchema, type Requirements } from "./schema.ts";

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
  return (parsed as { data: Requirements }).data;
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
type Loose = {
  actors: { name: string }[];
  entities: { name: string; fields: { name: string; type?: unknown; values?: unknown; unique?: unknown }[]; relations: { to: string; column?: string }[]; softDelete?: unknown; concurrentUpdates?: unknown }[];
  accessPatterns: { name: string; actor: string; kind?: unknown; operation?: unknown; entity: string; filters: { field: string }[]; sort: { field: string }[] }[];
  compliance?: { audit?: unknown };
};

function loose(value: unknown): Loose {
  const record = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const list = (v: unknown) => (Array.isArray(v) ? v.map(record) : []);
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const root = record(value);
  return {
    actors: list(root.actors).map((a) => ({ name: text(a.name) })),
    entities: list(root.entities).map((e) => ({
      name: text(e.name),
      fields: list(e.fields).map((f) => ({ ...f, name: text(f.name) })),
      relations: list(e.relations).map((r) => ({ to: text(r.to), ...(typeof r.column === "string" ? { column: r.column } : {}) })),
      softDelete: e.softDelete,
      concurrentUpdates: e.concurrentUpdates,
    })),
    accessPatterns: list(root.accessPatterns).map((p) => ({
      ...p, name: text(p.name), actor: text(p.actor), entity: text(p.entity),
      filters: list(p.filters).map((f) => ({ field: text(f.field) })), sort: list(p.sort).map((f) => ({ field: text(f.field) })),
    })),
    compliance: record(root.compliance),
  };
}

/** Names that must exist elsewhere in the file; empty names are the schema's to report. */
function crossReferenceProblems(req: Loose, doc: LocatedDocument): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const at = (path: PropertyKey[], message: string, hint: string) => problems.push({ ...doc.positionOf(path), message, hint });
  const actors = new Set(req.actors.map((a) => a.name));
  const entities = new Map(req.entities.map((e) => [e.name, e]));
  duplicates(req.entities.map((e) => e.name), (i, n) => at(["entities", i, "name"], `entity "${n}" is declared twice`, "give each entity one name"));
  duplicates(req.accessPatterns.map((p) => p.name), (i, n) => at(["accessPatterns", i, "name"], `access pattern "${n}" is declared twice`, "give each pattern its own name"));
  req.entities.forEach((entity, e) => {
    duplicates(entity.fields.map((f) => f.name), (i, n) => at(["entities", e, "fields", i, "name"], `field "${n}" is declared twice in ${entity.name}`, "remove one"));
    entity.fields.forEach((field, f) => {
      if (field.type === "enum" && !field.values) at(["entities", e, "fields", f, "type"], `enum field ${entity.name}.${field.name} has no values`, "add values: [a, b, ...]");
    });
    entity.relations.forEach((relation, r) => {
      if (relation.to && !entities.has(relation.to)) at(["entities", e, "relations", r, "to"], `relation of ${entity.name} points to unknown entity "${relation.to}"`, `declared entities: ${[...entities.keys()].join(", ")}`);
    });
  });
  req.accessPatterns.forEach((pattern, p) => {
    if (pattern.actor && !actors.has(pattern.actor)) at(["accessPatterns", p, "actor"], `unknown actor "${pattern.actor}"`, `declared actors: ${[...actors].join(", ")}`);
    if (pattern.kind === "write" && !pattern.operation) at(["accessPatterns", p, "kind"], `write pattern ${pattern.name} has no operation`, "add operation: create, update or delete");
    const entity = entities.get(pattern.entity);
    if (!entity) {
      if (pattern.entity) at(["accessPatterns", p, "entity"], `unknown entity "${pattern.entity}"`, `declared entities: ${[...entities.keys()].join(", ")}`);
      return;
    }
    const columns = new Set(entityColumnNames(entity as never));
    const check = (kind: "filters" | "sort", i: number, fieldName: string) => {
      if (fieldName && !columns.has(fieldName)) at(["accessPatterns", p, kind, i, "field"], `${pattern.entity} has no field "${fieldName}"`, `fields of ${pattern.entity}: ${[...columns].sort().join(", ")}`);
    };
    pattern.filters.forEach((f, i) => check("filters", i, f.field));
    pattern.sort.forEach((s, i) => check("sort", i, s.field));
  });
  const audited = Array.isArray(req.compliance?.audit) ? (req.compliance.audit as unknown[]) : [];
  for (const [i, name] of audited.entries()) {
    if (typeof name === "string" && !entities.has(name)) at(["compliance", "audit", i], `audited entity "${name}" is not declared`, `declared entities: ${[...entities.keys()].join(", ")}`);
  }
  return problems;
}

/** Every column an entity's table has: id, fields, relation columns, timestamps. */
export function entityColumnNames(entity: Pick<Requirements["entities"][number], "fields" | "relations"> & { softDelete?: unknown; concurrentUpdates?: unknown }): string[] {
  return ["id", ...entity.fields.map((f) => f.name), ...entity.relations.map(relationColumn), "created_at", "updated_at", ...(entity.concurrentUpdates ? ["version"] : []), ...(entity.softDelete ? ["deleted_at"] : [])];
}

export function relationColumn(relation: { to: string; column?: string }): string {
  return relation.column ?? `${relation.to.replace(/s$/, "")}_id`;
}

function duplicates(names: readonly string[], report: (index: number, name: string) => void): void {
  const seen = new Set<string>();
  names.forEach((n, i) => (seen.has(n) ? report(i, n) : seen.add(n)));
}

function sortProblems(problems: LocatedProblem[]): LocatedProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
