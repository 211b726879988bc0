// database/nullable-unique: a uniqueness rule that NULLs slip through.
import type { ArchitectureModel, Entity, SourceLocation } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk } from "../support.ts";
import { columnLocation, columnOf, pg, tables } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/nullable-unique",
  area: "database",
  severity: "low",
  title: "Unique constraint on a nullable column",
  rationale:
    "Finds unique constraints and unique indexes that include a nullable column. In PostgreSQL (and the SQL " +
    "standard) NULL is never equal to NULL, so any number of rows may hold NULL in that column and still satisfy " +
    "the constraint; a composite unique (tenant_id, email) with a NULL tenant admits the same email many times. " +
    "That is sometimes the intent (an optional username that must be unique when set), but it is often a missing " +
    "NOT NULL. PostgreSQL 15+ offers UNIQUE NULLS NOT DISTINCT when NULL should count as one value.",
  examples: {
    bad: `CREATE TABLE accounts (
  id serial PRIMARY KEY,
  email text UNIQUE
);`,
    good: `CREATE TABLE accounts (
  id serial PRIMARY KEY,
  email text NOT NULL UNIQUE
);`,
  },
  references: [pg.doc("ddl-constraints", "Unique Constraints (NULLS NOT DISTINCT)", "DDL-CONSTRAINTS-UNIQUE-CONSTRAINTS")],
};

/** Confidence: the NULL behaviour is certain; whether it is wanted is the decision (70). */
const CONFIDENCE = 70;

const OPTIONS: Option[] = [
  { title: "Make the column NOT NULL", pros: ["The constraint then means what it says"], cons: ["Needs a value for existing NULL rows; SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock"] },
  { title: "UNIQUE NULLS NOT DISTINCT (PostgreSQL 15+)", pros: ["At most one row with NULL"], cons: ["Not available on older servers or in every ORM"] },
  { title: "Keep it: unique only when set", pros: ["Optional values stay optional"], cons: ["Document it, so nobody relies on it for NULLs"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    const sets: { columns: string[]; location: SourceLocation; kind: string }[] = [
      ...entity.uniques.map((columns) => ({ columns, location: columnLocation(entity, columns[0]), kind: "unique constraint" })),
      ...entity.indexes.filter((i) => i.unique && !i.where).map((i) => ({ columns: i.columns, location: i.location ?? entity.location, kind: `unique index${i.name ? ` ${i.name}` : ""}` })),
    ];
    for (const set of sets) {
      const nullable = set.columns.filter((c) => columnOf(entity, c)?.nullable);
      if (nullable.length) report(model, ctx, entity, set, nullable);
    }
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, set: { columns: string[]; location: SourceLocation; kind: string }, nullable: string[]): void {
  const columns = set.columns.join(", ");
  ctx.report({
    confidence: CONFIDENCE,
    message: `The ${set.kind} on ${entity.name} (${columns}) includes nullable ${nullable.join(", ")}: rows with NULL there never conflict, so duplicates are allowed for them.`,
    location: set.location,
    subject: `${entity.name}(${columns})`,
    evidence: [ctx.codeEvidence(set.location, `${set.kind} (${columns}); ${nullable.join(", ")} nullable`)],
    remediation: {
      summary: `Decide whether NULL ${nullable.join(", ")} may repeat; if not, make it NOT NULL.`,
      options: OPTIONS,
      fix: { description: "Make the column NOT NULL (after filling existing NULLs).", replacement: nullable.map((c) => `ALTER TABLE ${sqlIdentifier(entity.name)} ALTER COLUMN ${sqlIdentifier(c)} SET NOT NULL;`).join("\n") },
    },
    ...questionIfAsk(model, CONFIDENCE, `May several ${entity.name} rows have no ${nullable.join(", ")}? If not, declare it NOT NULL.`),
  });
}

export const rule: Rule = { meta, check };
