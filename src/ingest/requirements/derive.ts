// Facts every designer derives the same way from a requirements file: column names of relations,
// join tables of many-to-many relations, which entities are tenant-scoped. One place, so the
// schema, the API and the cross-checks of the loader cannot disagree.
import type { Requirements, RequirementsEntity, RequirementsRelation, Tenancy } from "./schema.ts";

/** The foreign-key column of a relation: its `column`, else `<to>_id` with a trailing s of <to> dropped. */
export function relationColumn(relation: { to: string; column?: string }): string {
  return relation.column ?? `${relation.to.replace(/s$/, "")}_id`;
}

/** The join table of a many-to-many relation of `owner`. */
export function joinTableName(owner: string, relation: { to: string; through?: string }): string {
  return relation.through ?? `${owner}_${relation.to}`;
}

/**
 * Every many-to-many relation replaced by a join entity with a composite key: one owned relation
 * to each side (a link goes with either end). Downstream code sees only many-to-one relations.
 */
export function expandJoinTables(req: Requirements): Requirements {
  const joins: RequirementsEntity[] = [];
  const entities = req.entities.map((entity) => {
    for (const relation of entity.relations.filter((r) => r.cardinality === "many-to-many")) joins.push(joinEntity(entity, relation));
    return { ...entity, relations: entity.relations.filter((r) => r.cardinality !== "many-to-many") };
  });
  return joins.length ? { ...req, entities: [...entities, ...joins] } : req;
}

function joinEntity(owner: RequirementsEntity, relation: RequirementsRelation): RequirementsEntity {
  const side = (to: string, column?: string): RequirementsRelation => ({ to, cardinality: "many-to-one", ownership: "owned", required: true, ...(column ? { column } : {}) });
  return {
    name: joinTableName(owner.name, relation),
    description: `Links ${owner.name} and ${relation.to} (many-to-many).`,
    key: "composite",
    fields: [],
    relations: [side(owner.name), side(relation.to, relation.column)],
    concurrentUpdates: false, softDelete: false, consistency: "default", idempotencyKey: false, appendOnly: false,
    ...(relation.rows !== undefined ? { volume: { rows: relation.rows, growthPerMonth: 0 } } : {}),
  };
}

/** Whether `entity` has a tenant column and row-level security. */
export function isTenantScoped(tenancy: Tenancy | undefined, entity: string): boolean {
  return !!tenancy && entity !== tenancy.tenantEntity && !tenancy.shared.includes(entity);
}

/** The columns of a composite key: the relations' columns, in declaration order. */
export function compositeKey(entity: Pick<RequirementsEntity, "relations">): string[] {
  return entity.relations.map(relationColumn);
}

type ColumnSource = { fields: { name: string }[]; relations: { to: string; column?: string }[]; key?: unknown; softDelete?: unknown; concurrentUpdates?: unknown; idempotencyKey?: unknown };

/** Every column an entity's table has: key, fields, relation columns, tenant column, timestamps, bookkeeping. */
export function entityColumnNames(entity: ColumnSource, tenantColumn?: string): string[] {
  return [
    ...(entity.key === "composite" ? [] : ["id"]), ...entity.fields.map((f) => f.name), ...entity.relations.map(relationColumn),
    ...(tenantColumn ? [tenantColumn] : []), "created_at", "updated_at",
    ...(entity.idempotencyKey ? ["idempotency_key"] : []), ...(entity.concurrentUpdates ? ["version"] : []), ...(entity.softDelete ? ["deleted_at"] : []),
  ];
}
