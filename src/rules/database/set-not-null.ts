// database/set-not-null: SET NOT NULL scans a table that holds data under an exclusive lock.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { actionSites, lockPhrase, measuredLock, pg, squawk, statementEvidence, type ActionSite } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/set-not-null",
  area: "database",
  severity: "medium",
  title: "SET NOT NULL on an existing table",
  rationale:
    "Finds ALTER TABLE … ALTER COLUMN … SET NOT NULL on a table created by an earlier migration. PostgreSQL scans " +
    "every row to prove there is no NULL while holding an ACCESS EXCLUSIVE lock, so reads and writes stop for the " +
    "length of the scan. Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) already " +
    "proves it: add that check NOT VALID, VALIDATE it (which lets reads and writes continue), then SET NOT NULL and " +
    "drop the check. The lock is measured on an embedded PostgreSQL; the harm grows with the table's size.",
  examples: {
    bad: "ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
    good: `ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_name_not_null;`,
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.alterTable(),
    pg.locks(),
    squawk("adding-not-nullable-field"),
  ],
};

/** Confidence: the lock and scan are certain (measured 88, expected 85); whether the table is big enough to matter is the decision. */
const CONFIDENCE = { measured: 88, expected: 85 } as const;

const OPTIONS: Option[] = [
  { title: "CHECK (col IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL", pros: ["The long scan runs without blocking reads or writes (PostgreSQL 12+)"], cons: ["Four statements, validation in its own transaction"] },
  { title: "Keep it for a small table", pros: ["One statement"], cons: ["The exclusive lock lasts as long as the scan"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const site of actionSites(model)) {
    if (site.action.kind === "set-not-null" && site.action.existingTable) report(model, ctx, site);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, { statement, action }: ActionSite): void {
  const confidence = measuredLock(statement, action.table) ? CONFIDENCE.measured : CONFIDENCE.expected;
  const table = sqlIdentifier(action.table!);
  const column = sqlIdentifier(action.column!);
  const check = sqlIdentifier(`${action.table}_${action.column}_not_null`);
  ctx.report({
    confidence,
    message: `SET NOT NULL on ${action.table}.${action.column} ${lockPhrase(statement, action.table, "AccessExclusiveLock")} and scans every row before releasing it.`,
    location: statement.location,
    subject: `${statement.location.file}:${action.table}.${action.column}`,
    evidence: statementEvidence(ctx.codeEvidence(statement.location, `SET NOT NULL on existing table ${action.table}`), statement),
    remediation: {
      summary: "Prove NOT NULL with a validated CHECK first, so SET NOT NULL needs no scan.",
      options: OPTIONS,
      fix: {
        description: "Use a NOT VALID check, validated separately.",
        location: statement.location,
        replacement: `ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID;\nALTER TABLE ${table} VALIDATE CONSTRAINT ${check};\nALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL;\nALTER TABLE ${table} DROP CONSTRAINT ${check};`,
      },
    },
    ...questionIfAsk(model, confidence, `How many rows does ${action.table} hold? Above a few hundred thousand, prove NOT NULL with a validated CHECK first.`),
  });
}

export const rule: Rule = { meta, check };
