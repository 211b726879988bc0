// database/backfill-in-migration: rows updated in the same migration that changes the schema.
import type { ArchitectureModel, Migration, MigrationStatement } from "../../model/types.ts";
import type { Evidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { lockEvidence, measurement, pg } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "database/backfill-in-migration",
  area: "database",
  severity: "medium",
  title: "Backfill in the same migration as a schema change",
  rationale:
    "Finds UPDATE or DELETE on an existing table in a migration file that also changes the schema. Migration tools " +
    "run a file in one transaction (Prisma, Knex, Flyway, Rails), so the locks the schema change takes — often ACCESS " +
    "EXCLUSIVE — are held until the last updated row is written: the table is unavailable for as long as the " +
    "backfill takes, and a failure rolls everything back. Changing every row in one statement also bloats the table " +
    "and its WAL. Backfill in batches, from a separate migration or a script, after the schema change has committed.",
  examples: {
    bad: `ALTER TABLE users ADD COLUMN name text;
UPDATE users SET name = split_part(email, '@', 1);
ALTER TABLE users ALTER COLUMN name SET NOT NULL;`,
    good: `-- migration 1
ALTER TABLE users ADD COLUMN name text;
-- a batched job: UPDATE users SET name = … WHERE id BETWEEN $1 AND $2
-- migration 2, once every row has a name
ALTER TABLE users ALTER COLUMN name SET NOT NULL;`,
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.locks(),
    { title: "strong_migrations: backfilling data", url: "https://github.com/ankane/strong_migrations#backfilling-data" },
  ],
};

/** Confidence: whether the tool wraps the file in one transaction, and the table's size, decide the harm (85). */
const CONFIDENCE = 85;

const SCHEMA_KINDS = new Set(["create-index", "add-column", "drop-column", "rename-column", "alter-column-type", "set-not-null", "drop-not-null", "set-default", "drop-default", "add-constraint", "drop-constraint", "rename-table"]);

const OPTIONS: Option[] = [
  { title: "Move the backfill to its own migration or job, in batches", pros: ["Schema locks are released at once; each batch locks few rows"], cons: ["One more step to deploy"] },
  { title: "Keep it for a small table", pros: ["One atomic file"], cons: ["The schema lock is held for the whole update"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const migration of model.migrations ?? []) {
    const schemaChanges = migration.statements.filter((s) => s.actions.some((a) => SCHEMA_KINDS.has(a.kind) && a.existingTable));
    if (!schemaChanges.length) continue;
    for (const statement of migration.statements) {
      const action = statement.actions.find((a) => a.kind === "data-change" && a.existingTable && (a.statement === "update" || a.statement === "delete"));
      if (action) report(model, ctx, migration, statement, action.table!, schemaChanges);
    }
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, migration: Migration, backfill: MigrationStatement, table: string, schemaChanges: MigrationStatement[]): void {
  const strongest = schemaChanges.flatMap((s) => measurement(s)?.locks ?? []).find((l) => l.mode === "AccessExclusiveLock");
  const evidence: Evidence[] = [
    ctx.codeEvidence(backfill.location, `rewrites rows of ${table} inside the migration`),
    ...schemaChanges.slice(0, 3).flatMap((s) => [ctx.codeEvidence(s.location, "schema change in the same file"), ...(measurement(s) ? lockEvidence(measurement(s)!).slice(0, 1) : [])]),
  ];
  ctx.report({
    confidence: CONFIDENCE,
    message:
      `${migration.file} changes the schema and also runs ${backfill.sql.split(/\s+/)[0].toUpperCase()} on ${table}: in one transaction, ` +
      `${strongest ? `the ${strongest.mode} on ${strongest.table} (measured) is` : "the schema change's locks are"} held until every row is written.`,
    location: backfill.location,
    subject: `${migration.file}:${table}:${backfill.location.line}`,
    evidence,
    remediation: { summary: "Backfill in batches from a separate migration or job, after the schema change commits.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Does ${migration.file} run in one transaction, and how many rows does ${table} hold? Move the backfill out if the table is large.`),
  });
}

export const rule: Rule = { meta, check };
