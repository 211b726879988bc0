// database/rename-or-drop-column: a migration removes or renames a column the code still uses.
import type { ArchitectureModel, SourceLocation } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs, uniqueLocations } from "../support.ts";
import { actionSites, pg, squawk, statementEvidence, type ActionSite } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "database/rename-or-drop-column",
  area: "database",
  severity: "high",
  title: "Column renamed or dropped while code still uses it",
  rationale:
    "Finds ALTER TABLE … DROP COLUMN and RENAME COLUMN for a column that queries in the project still name (SQL " +
    "text in the code, or data accesses linked to the table). Once the migration runs, those queries fail with " +
    "\"column does not exist\" — immediately if the code was not updated, and during every rolling deploy even if " +
    "it was, because the old version keeps running against the new schema. The safe order is expand and contract: " +
    "stop using the column in one release, drop or rename it in a later one (a rename as add, dual-write, backfill, " +
    "switch, drop).",
  examples: {
    bad: `-- migration
ALTER TABLE users DROP COLUMN username;
// still in src/users.js
await pool.query("SELECT id, email, username FROM users WHERE id = $1", [id]);`,
    good: `// release 1: the code stops reading users.username
await pool.query("SELECT id, email FROM users WHERE id = $1", [id]);
-- release 2: migration
ALTER TABLE users DROP COLUMN username;`,
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.alterTable(),
    squawk("ban-drop-column"),
    squawk("renaming-column"),
  ],
};

/** Confidence: the code names the column next to its table in SQL text or a linked query (90). */
const CONFIDENCE = 90;

const OPTIONS: Option[] = [
  { title: "Expand and contract: remove the column's uses in one release, the column in the next", pros: ["No failing queries at any point of the deploy"], cons: ["Two releases"] },
  { title: "For a rename: add the new column, write both, backfill, switch reads, then drop the old one", pros: ["Zero downtime"], cons: ["Several steps"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const site of actionSites(model)) {
    const { action } = site;
    if ((action.kind !== "drop-column" && action.kind !== "rename-column") || !action.existingTable || !action.table || !action.column) continue;
    const uses = uniqueLocations([...(action.referencedBy ?? []), ...linkedQueries(model, action.table, action.column)]);
    if (uses.length) report(model, ctx, site, uses);
  }
}

/** Data accesses on the table whose columns or SQL text name the column. */
function linkedQueries(model: ArchitectureModel, table: string, column: string): SourceLocation[] {
  const word = new RegExp(`(^|[^\\w$])"?${column.replace(/[$]/g, "\\$")}"?([^\\w$]|$)`, "i");
  return model.dataAccesses
    .filter((d) => d.entity === table && ([...d.filterColumns, ...d.sortColumns, ...d.returnedColumns].includes(column) || (d.rawSql !== undefined && word.test(d.rawSql))))
    .map((d) => d.location);
}

function report(model: ArchitectureModel, ctx: RuleContext, { statement, action }: ActionSite, uses: SourceLocation[]): void {
  const verb = action.kind === "drop-column" ? "drops" : `renames to ${action.newName}`;
  ctx.report({
    confidence: CONFIDENCE,
    message: `This migration ${verb} ${action.table}.${action.column}, but ${uses.length} quer${uses.length === 1 ? "y" : "ies"} still use${uses.length === 1 ? "s" : ""} it (${uses.slice(0, 3).map(describeLocation).join(", ")}): ${uses.length === 1 ? "it fails" : "they fail"} once it runs.`,
    location: statement.location,
    subject: `${statement.location.file}:${action.table}.${action.column}`,
    evidence: [
      ...statementEvidence(ctx.codeEvidence(statement.location, `${action.kind === "drop-column" ? "drops" : "renames"} ${action.table}.${action.column}`), statement),
      ...uses.slice(0, 5).map((use) => ctx.codeEvidence(use, `still uses ${action.table}.${action.column}`)),
    ],
    remediation: { summary: `Stop using ${action.table}.${action.column} in the code first; change the schema in a later release.`, options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Are the queries naming ${action.table}.${action.column} still live? Remove them before this migration ships.`),
  });
}

export const rule: Rule = { meta, check };
