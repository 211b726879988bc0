// database/fk-without-index: a foreign key whose columns no index can look up.
import type { ArchitectureModel, DataAccess, Entity, SourceLocation } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, questionIfAsk, refs } from "../support.ts";
import { describeIndex, indexLikes, isCoveredBy, pg, tables } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/fk-without-index",
  area: "database",
  severity: "medium",
  title: "Foreign key without an index",
  rationale:
    "Finds foreign keys whose columns are not the leading columns of any index, primary key or unique constraint. " +
    "PostgreSQL indexes the referenced side of a foreign key but never the referencing side. Without that index, " +
    "every delete or key update on the parent table scans the whole child table to check or cascade, while holding " +
    "locks, and every join or lookup from parent to children (the orders of a user, the lines of an order) is a " +
    "sequential scan that grows with the table. Queries in the code that filter on the column make it certain.",
  examples: {
    bad: `CREATE TABLE order_items (
  id serial PRIMARY KEY,
  order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE
);`,
    good: `CREATE TABLE order_items (
  id serial PRIMARY KEY,
  order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);`,
  },
  references: [
    refs.cwe(1067, "Excessive Execution of Sequential Searches of Data Resource"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.doc("ddl-constraints", "Foreign Keys (an index on the referencing columns is advisable)", "DDL-CONSTRAINTS-FK"),
  ],
};

/**
 * Confidence: a query in the code that filters on the unindexed column makes the slow path a
 * certainty (95). Otherwise the key still costs a scan per parent delete, but a small or
 * append-only child table may not need the index: a decision (85).
 */
const CONFIDENCE = { queried: 95, declared: 85 } as const;

const OPTIONS: Option[] = [
  {
    title: "Add an index on the foreign key columns",
    pros: ["Parent deletes and joins use the index instead of scanning", "Built CONCURRENTLY, it does not block writes"],
    cons: ["Each insert and update of the child maintains one more index"],
  },
  {
    title: "Leave it: the child table stays small or the parent is never deleted nor joined from",
    pros: ["No extra write cost or storage"],
    cons: ["Becomes a full scan per parent delete when the table grows"],
  },
];

/** Foreign keys cited in a grouped finding; the message counts them all. */
const MAX_GROUPED_EVIDENCE = 10;

type Unindexed = { entity: Entity; fk: Entity["foreignKeys"][number]; existing: string[]; queries: DataAccess[] };

/**
 * One finding per key the project forgot among keys it does index; one grouped finding when no
 * foreign key of the schema has an index of its own: that is a habit of the tool or team (ORMs do
 * not index foreign keys), one decision and one migration.
 */
export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const unindexed: Unindexed[] = [];
  let indexedKeys = 0;
  for (const entity of tables(model)) {
    const indexes = indexLikes(entity);
    for (const fk of entity.foreignKeys) {
      const covering = indexes.filter((index) => isCoveredBy(fk.columns, index));
      // Only an index made for the key shows the habit of indexing keys; a unique rule that happens to cover it does not.
      if (covering.some((index) => index.kind === "index")) indexedKeys += 1;
      if (covering.length) continue;
      const queries = model.dataAccesses.filter((d) => d.entity === entity.name && fk.columns.some((c) => d.filterColumns.includes(c)));
      unindexed.push({ entity, fk, existing: indexes.map((i) => describeIndex(i, entity.name)), queries });
    }
  }
  if (indexedKeys === 0 && unindexed.length > 1) reportHabit(model, ctx, unindexed);
  else for (const u of unindexed) report(model, ctx, u.entity, u.fk, u.existing, u.queries);
}

function reportHabit(model: ArchitectureModel, ctx: RuleContext, keys: Unindexed[]): void {
  // Keys a query filters on first: their cost is proven, not only expected.
  const sorted = [...keys].sort((a, b) => Number(!a.queries.length) - Number(!b.queries.length) || byLocation(keyLocation(a), keyLocation(b)));
  const names = sorted.map(({ entity, fk }) => `${entity.name}.${fk.columns.join(", ")}`);
  const queried = sorted.filter((u) => u.queries.length);
  const confidence = queried.length ? CONFIDENCE.queried : CONFIDENCE.declared;
  ctx.report({
    confidence,
    message:
      `No foreign key of the schema has an index of its own: ${sorted.length} keys (${names.length <= 4 ? names.join("; ") : `${names.slice(0, 3).join("; ")} and ${names.length - 3} more`}) ` +
      `are not covered by any, so each delete of a parent row and each join from the parent scans the child table` +
      (queried.length ? `; queries filter on ${queried.length} of them.` : "."),
    location: keyLocation(sorted[0]),
    subject: "foreign keys without indexes",
    occurrences: sorted.length,
    evidence: [
      ...sorted.slice(0, MAX_GROUPED_EVIDENCE).map((u) => ctx.codeEvidence(keyLocation(u), `foreign key ${u.entity.name}.${u.fk.columns.join(", ")} → ${u.fk.references.entity}, no index${u.queries.length ? `, ${u.queries.length} quer${u.queries.length === 1 ? "y filters" : "ies filter"} on it` : ""}`)),
      ...queried.slice(0, 3).map((u) => ctx.codeEvidence(u.queries[0].location, `query filtering ${u.entity.name} on ${u.fk.columns.join(", ")}`)),
    ],
    remediation: {
      summary: `Index the ${sorted.length} foreign keys in one migration (or decide, table by table, that the child stays small or the parent is never deleted).`,
      options: OPTIONS,
      fix: { description: "Add the indexes in a new migration (CONCURRENTLY: outside a transaction).", replacement: sorted.map(({ entity, fk }) => indexStatement(entity, fk)).join("\n") },
    },
    ...questionIfAsk(model, confidence, `Are these child tables small, or their parents never deleted nor joined from? If not, index ${names.join(", ")}.`),
  });
}

function keyLocation({ entity, fk }: Pick<Unindexed, "entity" | "fk">): SourceLocation {
  return fk.location ?? entity.location;
}

function indexStatement(entity: Entity, fk: Entity["foreignKeys"][number]): string {
  const indexName = `${entity.name}_${fk.columns.join("_")}_idx`;
  return `CREATE INDEX CONCURRENTLY ${sqlIdentifier(indexName)} ON ${sqlIdentifier(entity.name)} (${fk.columns.map(sqlIdentifier).join(", ")});`;
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, fk: Entity["foreignKeys"][number], existing: string[], queries: DataAccess[]): void {
  const columns = fk.columns.join(", ");
  const confidence = queries.length ? CONFIDENCE.queried : CONFIDENCE.declared;
  const location = fk.location ?? entity.location;
  const fix = indexStatement(entity, fk);
  ctx.report({
    confidence,
    message:
      `${entity.name}.${columns} references ${fk.references.entity} (${fk.references.columns.join(", ")}) but no index starts with ${columns}` +
      `${existing.length ? ` (it has: ${existing.join("; ")})` : ""}: each delete on ${fk.references.entity}` +
      `${fk.onDelete === "CASCADE" ? " cascades through" : " checks"} ${entity.name} with a full scan` +
      (queries.length ? `, and ${queries.length} quer${queries.length === 1 ? "y filters" : "ies filter"} on it.` : "."),
    location,
    subject: `${entity.name}(${columns})`,
    evidence: [
      ctx.codeEvidence(location, `foreign key ${entity.name}.${columns} → ${fk.references.entity}`),
      ...queries.slice(0, 3).map((q) => ctx.codeEvidence(q.location, `query filtering ${entity.name} on ${columns}`)),
    ],
    remediation: {
      summary: `Index ${entity.name} (${columns}).`,
      options: OPTIONS,
      fix: { description: `Add the index in a new migration (CONCURRENTLY: outside a transaction).`, replacement: fix },
    },
    ...questionIfAsk(model, confidence, `Is ${entity.name} small or never reached through ${fk.references.entity}? If not, index ${entity.name} (${columns}).`),
  });
}

export const rule: Rule = { meta, check };
