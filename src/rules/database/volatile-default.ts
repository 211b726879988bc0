// database/volatile-default: a column added with a per-row default, rewriting the whole table.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { actionSites, lockPhrase, measurement, pg, squawk, statementEvidence, type ActionSite } from "../database-support.ts";
import { isVolatileDefault } from "../../ingest/data/column-types.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/volatile-default",
  area: "database",
  severity: "high",
  title: "Column added with a volatile default",
  rationale:
    "Finds ALTER TABLE … ADD COLUMN with a default on a table created by an earlier migration, when that default " +
    "makes PostgreSQL rewrite the table. Since PostgreSQL 11 a constant or stable default (0, 'pending', now()) is " +
    "stored once in the catalog and the column appears instantly; a volatile one (gen_random_uuid(), random(), " +
    "clock_timestamp(), nextval()) must be computed per row, so the whole table is rewritten under an ACCESS " +
    "EXCLUSIVE lock that blocks every read and write until it finishes. Whether the table was rewritten is " +
    "measured on an embedded PostgreSQL by comparing the table's storage file before and after.",
  examples: {
    bad: "ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();",
    good: `ALTER TABLE orders ADD COLUMN public_id uuid;
ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
-- then backfill existing rows in batches, and add NOT NULL via a validated CHECK`,
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.alterTable(),
    pg.doc("ddl-alter", "Adding a Column (volatile defaults rewrite the table)", "DDL-ALTER-ADDING-A-COLUMN"),
    squawk("adding-field-with-default"),
  ],
};

/** Confidence: a measured rewrite (95); a known volatile function, unmeasured (85). */
const CONFIDENCE = { measured: 95, expected: 85 } as const;

const OPTIONS: Option[] = [
  { title: "Add the column without a default, set the default separately, backfill in batches", pros: ["Each step is instant or touches a few rows at a time"], cons: ["Several migrations; NOT NULL needs the CHECK … NOT VALID + VALIDATE + SET NOT NULL dance"] },
  { title: "Keep it for a table known to be small", pros: ["One statement"], cons: ["The rewrite time grows with the table, with reads and writes blocked"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const site of actionSites(model)) {
    const { action, statement } = site;
    if (action.kind !== "add-column" || !action.existingTable || action.default === undefined) continue;
    const measured = measurement(statement);
    const rewrites = measured ? measured.rewritten.includes(action.table!) : isVolatileDefault(action.default);
    if (rewrites) report(model, ctx, site, Boolean(measured));
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, { statement, action }: ActionSite, measured: boolean): void {
  const confidence = measured ? CONFIDENCE.measured : CONFIDENCE.expected;
  const table = sqlIdentifier(action.table!);
  const column = sqlIdentifier(action.column!);
  ctx.report({
    confidence,
    message:
      `ADD COLUMN ${action.column} … DEFAULT ${action.default} ${measured ? "rewrote" : "is expected to rewrite"} ${action.table} row by row and ` +
      `${lockPhrase(statement, action.table, "AccessExclusiveLock")}: reads and writes wait for the whole rewrite.`,
    location: statement.location,
    subject: `${statement.location.file}:${action.table}.${action.column}`,
    evidence: statementEvidence(ctx.codeEvidence(statement.location, `volatile default on existing table ${action.table}`), statement),
    remediation: {
      summary: "Add the column without the default, then set the default for new rows and backfill old rows in batches.",
      options: OPTIONS,
      fix: {
        description: "Split the change so no statement rewrites the table.",
        location: statement.location,
        replacement: `ALTER TABLE ${table} ADD COLUMN ${column} ${action.type};\nALTER TABLE ${table} ALTER COLUMN ${column} SET DEFAULT ${action.default};\n-- backfill: UPDATE ${table} SET ${column} = ${action.default} WHERE ${column} IS NULL (in batches)`,
      },
    },
    ...questionIfAsk(model, confidence, `Can ${action.table} be locked for a full rewrite? If not, add ${action.column} without the volatile default and backfill it.`),
  });
}

export const rule: Rule = { meta, check };
