// database/fk-without-index: a foreign key whose columns no index can look up.
import type { ArchitectureModel, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
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

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    const indexes = indexLikes(entity);
    for (const fk of entity.foreignKeys) {
      if (indexes.some((index) => isCoveredBy(fk.columns, index))) continue;
      report(model, ctx, entity, fk, indexes.map((i) => describeIndex(i, entity.name)));
    }
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, fk: Entity["foreignKeys"][number], existing: string[]): void {
  const columns = fk.columns.join(", ");
  const queries = model.dataAccesses.filter((d) => d.entity === entity.name && fk.columns.some((c) => d.filterColumns.includes(c)));
  const confidence = queries.length ? CONFIDENCE.queried : CONFIDENCE.declared;
  const location = fk.location ?? entity.location;
  const indexName = `${entity.name}_${fk.columns.join("_")}_idx`;
  const fix = `CREATE INDEX CONCURRENTLY ${sqlIdentifier(indexName)} ON ${sqlIdentifier(entity.name)} (${fk.columns.map(sqlIdentifier).join(", ")});`;
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
