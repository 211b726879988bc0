// database/constraint-without-not-valid: a foreign key or CHECK validated while the table is locked.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { actionSites, lockPhrase, measuredLock, pg, squawk, statementEvidence, type ActionSite } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "database/constraint-without-not-valid",
  area: "database",
  severity: "high",
  title: "Constraint added without NOT VALID",
  rationale:
    "Finds ALTER TABLE … ADD FOREIGN KEY or ADD CHECK on a table created by an earlier migration, without NOT VALID. " +
    "PostgreSQL then checks every existing row while holding the lock it took: SHARE ROW EXCLUSIVE on both tables " +
    "of a foreign key (blocking their writes), ACCESS EXCLUSIVE for a CHECK (blocking reads too), for as long as " +
    "the scan takes. Adding the constraint NOT VALID is instant and enforces it for new rows; a later VALIDATE " +
    "CONSTRAINT, in its own transaction, scans with a lock that lets reads and writes continue. The locks are " +
    "measured on an embedded PostgreSQL after the earlier migrations.",
  examples: {
    bad: "ALTER TABLE order_items ADD CONSTRAINT order_items_product_id_fkey\n  FOREIGN KEY (product_id) REFERENCES products (id);",
    good: "ALTER TABLE order_items ADD CONSTRAINT order_items_product_id_fkey\n  FOREIGN KEY (product_id) REFERENCES products (id) NOT VALID;\n-- next migration:\nALTER TABLE order_items VALIDATE CONSTRAINT order_items_product_id_fkey;",
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.alterTable(),
    pg.locks(),
    squawk("constraint-missing-not-valid"),
    squawk("adding-foreign-key-constraint"),
  ],
};

/** Confidence: measured lock on an existing table (95); expected from the documentation (88); a new column's inline REFERENCES has no rows to check yet but still locks both tables (80). */
const CONFIDENCE = { measured: 95, expected: 88, newColumn: 80 } as const;

const EXPECTED: Record<string, string> = { "foreign-key": "ShareRowExclusiveLock", check: "AccessExclusiveLock" };

const OPTIONS: Option[] = [
  { title: "ADD … NOT VALID, then VALIDATE CONSTRAINT in a separate transaction", pros: ["The lock is held for milliseconds; validation lets reads and writes continue"], cons: ["Two steps (two migrations when the tool wraps each in a transaction)"] },
  { title: "Keep it for a table known to be small", pros: ["One statement"], cons: ["The scan holds the lock; its length grows with the table"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const site of actionSites(model)) {
    const { action } = site;
    if (!action.existingTable || action.notValid !== false) continue;
    if (action.constraint !== "foreign-key" && action.constraint !== "check") continue;
    if (action.kind !== "add-constraint" && action.kind !== "add-column") continue;
    report(model, ctx, site);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, { statement, action }: ActionSite): void {
  const kind = action.constraint === "foreign-key" ? "FOREIGN KEY" : "CHECK";
  const measured = measuredLock(statement, action.table);
  const confidence = action.kind === "add-column" ? CONFIDENCE.newColumn : measured ? CONFIDENCE.measured : CONFIDENCE.expected;
  const replacement = `${statement.sql.replace(/\s*;?\s*$/, "")} NOT VALID;\n-- in a later migration (its own transaction):\n-- ALTER TABLE ${action.table} VALIDATE CONSTRAINT <name>;`;
  ctx.report({
    confidence,
    message: `ADD ${kind} on ${action.table}${action.columns?.length ? ` (${action.columns.join(", ")})` : ""} without NOT VALID ${lockPhrase(statement, action.table, EXPECTED[action.constraint!])} while it checks every existing row.`,
    location: statement.location,
    subject: `${statement.location.file}:${action.table}:${kind}:${(action.columns ?? []).join(",")}`,
    evidence: statementEvidence(ctx.codeEvidence(statement.location, `${kind} validated on existing table ${action.table}`), statement),
    remediation: {
      summary: "Add the constraint NOT VALID, then VALIDATE it in a separate transaction.",
      options: OPTIONS,
      ...(action.kind === "add-constraint" ? { fix: { description: "Split into NOT VALID + VALIDATE.", location: statement.location, replacement } } : {}),
    },
    ...questionIfAsk(model, confidence, `Is ${action.table} small enough to be locked while every row is checked? If not, add the constraint NOT VALID and validate it separately.`),
  });
}

export const rule: Rule = { meta, check };
