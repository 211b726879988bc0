// database/missing-primary-key: a table without a primary key.
import type { ArchitectureModel, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk } from "../support.ts";
import { columnOf, pg, tables } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/missing-primary-key",
  area: "database",
  severity: "high",
  title: "Table without a primary key",
  rationale:
    "Finds tables that declare no primary key. Without one, nothing stops two identical rows, an UPDATE or DELETE " +
    "cannot address exactly one row, ORMs fall back to guessing identity, and logical replication (used for " +
    "upgrades, read replicas and change-data-capture) cannot replicate UPDATE and DELETE on the table unless a " +
    "replica identity is configured by hand. A unique constraint over NOT NULL columns gives most of the same " +
    "guarantees and can be promoted to the primary key without rebuilding anything.",
  examples: {
    bad: `CREATE TABLE order_events (
  order_id integer NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`,
    good: `CREATE TABLE order_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id integer NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  references: [
    pg.doc("ddl-constraints", "Primary Keys", "DDL-CONSTRAINTS-PRIMARY-KEYS"),
    pg.doc("logical-replication-publication", "Logical replication: replica identity"),
  ],
};

/**
 * Confidence: no key at all (90). A unique constraint over NOT NULL columns already identifies
 * rows; promoting it is a decision (75).
 */
const CONFIDENCE = { none: 90, uniqueNotNull: 75 } as const;

const OPTIONS: Option[] = [
  {
    title: "Add a surrogate key (bigint identity)",
    pros: ["Stable, compact row identity for ORMs, replication and foreign keys"],
    cons: ["Adding it to a populated table rewrites the table under an ACCESS EXCLUSIVE lock"],
  },
  {
    title: "Promote an existing NOT NULL unique constraint to the primary key",
    pros: ["No new column; uses the index that already exists (ADD PRIMARY KEY USING INDEX)"],
    cons: ["A natural key that can change makes updates cascade"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    if (entity.primaryKey.length) continue;
    report(model, ctx, entity);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity): void {
  const candidate = entity.uniques.find((u) => u.every((c) => columnOf(entity, c)?.nullable === false));
  const confidence = candidate ? CONFIDENCE.uniqueNotNull : CONFIDENCE.none;
  const replacement = candidate
    ? `ALTER TABLE ${sqlIdentifier(entity.name)} ADD PRIMARY KEY (${candidate.map(sqlIdentifier).join(", ")});`
    : `ALTER TABLE ${sqlIdentifier(entity.name)} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;`;
  ctx.report({
    confidence,
    message:
      `${entity.name} has no primary key${candidate ? `; its unique (${candidate.join(", ")}) over NOT NULL columns could become one` : ""}: ` +
      "rows cannot be addressed one by one, duplicates are possible, and logical replication cannot apply UPDATE or DELETE to it.",
    location: entity.location,
    subject: entity.name,
    evidence: [ctx.codeEvidence(entity.location, `${entity.name} declared without a primary key`)],
    remediation: { summary: `Give ${entity.name} a primary key.`, options: OPTIONS, fix: { description: "Add the key in a new migration.", replacement } },
    ...questionIfAsk(model, confidence, `What identifies one row of ${entity.name}? Declare it as the primary key.`),
  });
}

export const rule: Rule = { meta, check };
