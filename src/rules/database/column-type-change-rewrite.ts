// database/column-type-change-rewrite: ALTER COLUMN TYPE that rewrites a table holding data.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { actionSites, lockPhrase, measurement, pg, squawk, statementEvidence, type ActionSite } from "../database-support.ts";
import { baseType, typeModifiers } from "../../ingest/data/column-types.ts";

export const meta: RuleMeta = {
  id: "database/column-type-change-rewrite",
  area: "database",
  severity: "high",
  title: "Column type change that rewrites the table",
  rationale:
    "Finds ALTER TABLE … ALTER COLUMN … TYPE on a table created by an earlier migration when the change rewrites " +
    "the table (and rebuilds its indexes) under an ACCESS EXCLUSIVE lock, blocking every read and write until it " +
    "is done. Some changes are only catalog updates — varchar(n) to text, a longer varchar, numeric(12,2) to " +
    "numeric(14,2) — and are not reported; linters that judge by the text alone flag those too. Whether the table " +
    "was rewritten is measured on an embedded PostgreSQL by comparing its storage file before and after.",
  examples: {
    bad: "ALTER TABLE order_items ALTER COLUMN unit_price TYPE numeric(10, 2); -- was double precision",
    good: `ALTER TABLE order_items ADD COLUMN unit_price_exact numeric(10, 2);
-- backfill in batches, switch reads and writes, then drop the old column`,
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.alterTable(),
    pg.locks(),
    squawk("changing-column-type"),
  ],
};

/** Confidence: a measured rewrite (95); a change PostgreSQL documents as rewriting, unmeasured (80); unknown previous type (60). */
const CONFIDENCE = { measured: 95, expected: 80, unknownPrevious: 60 } as const;

const OPTIONS: Option[] = [
  { title: "New column, batched backfill, switch, drop the old column", pros: ["No long lock; each step is short"], cons: ["Several deploys; the application writes both columns for a while"] },
  { title: "Keep it in a maintenance window", pros: ["One statement"], cons: ["The table is unavailable for the length of the rewrite"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const site of actionSites(model)) {
    const { action, statement } = site;
    if (action.kind !== "alter-column-type" || !action.existingTable) continue;
    const measured = measurement(statement);
    if (measured) {
      if (measured.rewritten.includes(action.table!)) report(model, ctx, site, CONFIDENCE.measured);
    } else if (!action.previousType) {
      report(model, ctx, site, CONFIDENCE.unknownPrevious);
    } else if (rewrites(action.previousType, action.type!)) {
      report(model, ctx, site, CONFIDENCE.expected);
    }
  }
}

/** PostgreSQL's binary-coercible changes that only touch the catalog; everything else rewrites. */
export function rewrites(from: string, to: string): boolean {
  if (from === to) return false;
  const [fromBase, toBase] = [baseType(from), baseType(to)];
  const [fromMods, toMods] = [typeModifiers(from), typeModifiers(to)];
  const textual = (t: string) => t === "varchar" || t === "text";
  if (textual(fromBase) && toBase === "text") return false;
  if (textual(fromBase) && toBase === "varchar") return toMods.length > 0 && (fromBase === "text" || !fromMods.length || toMods[0] < fromMods[0]);
  if (fromBase === "numeric" && toBase === "numeric") {
    if (!toMods.length) return false;
    return !(fromMods.length && fromMods[1] === toMods[1] && toMods[0] >= fromMods[0]);
  }
  return true;
}

function report(model: ArchitectureModel, ctx: RuleContext, { statement, action }: ActionSite, confidence: number): void {
  const change = `${action.previousType ?? "its current type"} → ${action.type}`;
  const measured = confidence === CONFIDENCE.measured;
  ctx.report({
    confidence,
    message:
      `Changing ${action.table}.${action.column} (${change}) ${measured ? "rewrote" : "is expected to rewrite"} ${action.table} and its indexes, and ` +
      `${lockPhrase(statement, action.table, "AccessExclusiveLock")}: reads and writes wait for the whole rewrite.`,
    location: statement.location,
    subject: `${statement.location.file}:${action.table}.${action.column}`,
    evidence: statementEvidence(ctx.codeEvidence(statement.location, `type change on existing table ${action.table}`), statement),
    remediation: { summary: "Migrate through a new column with a batched backfill, or schedule the rewrite.", options: OPTIONS },
    ...questionIfAsk(model, confidence, `Can ${action.table} be locked while it is rewritten for ${action.column}'s new type?`),
  });
}

export const rule: Rule = { meta, check };
