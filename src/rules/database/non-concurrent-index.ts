// database/non-concurrent-index: CREATE INDEX on a table that already holds data, blocking writes.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { actionSites, lockPhrase, measuredLock, pg, squawk, statementEvidence, type ActionSite } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "database/non-concurrent-index",
  area: "database",
  severity: "high",
  title: "Index created without CONCURRENTLY",
  rationale:
    "Finds CREATE INDEX without CONCURRENTLY on a table created by an earlier migration, so one that may hold data. " +
    "A plain CREATE INDEX takes a SHARE lock on the table for the whole build: reads continue, but every INSERT, " +
    "UPDATE and DELETE waits until the index is complete, which on a large table is minutes of failed or stalled " +
    "writes. CREATE INDEX CONCURRENTLY builds the index while writes continue (it takes longer and cannot run inside " +
    "a transaction block). The lock is measured by running the statement on an embedded PostgreSQL after the earlier " +
    "migrations, inside a transaction that is rolled back.",
  examples: {
    bad: "CREATE INDEX orders_status_idx ON orders (status);",
    good: "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);",
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.doc("sql-createindex", "CREATE INDEX: Building Indexes Concurrently", "SQL-CREATEINDEX-CONCURRENTLY"),
    pg.locks(),
    squawk("require-concurrent-index-creation"),
  ],
};

/**
 * Confidence: a measured SHARE lock (or stronger) on an existing table is the finding (95); the
 * same statement unmeasured is still well-documented PostgreSQL behaviour (90).
 */
const CONFIDENCE = { measured: 95, expected: 90 } as const;

const OPTIONS: Option[] = [
  { title: "CREATE INDEX CONCURRENTLY in its own migration, outside a transaction", pros: ["Writes continue during the build"], cons: ["Slower; a failed build leaves an INVALID index to drop and retry", "The migration tool must not wrap it in a transaction (Prisma, Knex and Flyway need a per-migration setting)"] },
  { title: "Keep it, for a table known to be small or during a maintenance window", pros: ["Simple, transactional"], cons: ["Blocks writes for the duration of the build"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const site of actionSites(model)) {
    const { action } = site;
    if (action.kind !== "create-index" || !action.existingTable || action.concurrently) continue;
    report(model, ctx, site);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, { statement, action }: ActionSite): void {
  const measured = measuredLock(statement, action.table);
  const confidence = measured ? CONFIDENCE.measured : CONFIDENCE.expected;
  const replacement = statement.sql.replace(/^(\s*create\s+(?:unique\s+)?index)\s+/i, "$1 CONCURRENTLY ");
  ctx.report({
    confidence,
    message: `CREATE INDEX on ${action.table} (${(action.columns ?? []).join(", ")}) ${lockPhrase(statement, action.table, "ShareLock")}: every INSERT, UPDATE and DELETE on ${action.table} waits until the build finishes.`,
    location: statement.location,
    subject: `${statement.location.file}:${action.table}(${(action.columns ?? []).join(",")})`,
    evidence: statementEvidence(ctx.codeEvidence(statement.location, `index built on existing table ${action.table}`), statement),
    remediation: {
      summary: "Build the index CONCURRENTLY, in a migration that does not run inside a transaction.",
      options: OPTIONS,
      fix: { description: "Build it concurrently.", location: statement.location, replacement: `${replacement};` },
    },
    ...questionIfAsk(model, confidence, `Can ${action.table} take a write pause while the index builds? If not, use CREATE INDEX CONCURRENTLY.`),
  });
}

export const rule: Rule = { meta, check };
