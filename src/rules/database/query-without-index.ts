// database/query-without-index: a query whose plan an index would cut, proven on a PostgreSQL planner.
import type { ArchitectureModel, IndexProof } from "../../model/types.ts";
import type { Option, PlanEvidence } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { pg } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "database/query-without-index",
  area: "database",
  severity: "medium",
  title: "Query without a usable index",
  rationale:
    "Finds queries in the code that scan a whole table because no index serves their WHERE and ORDER BY columns. " +
    "The claim is not guessed from the schema: the query is EXPLAINed on PostgreSQL (embedded PGlite, or the server " +
    "given with --database-url) over synthetic rows (200,000 per table by default, --rows to change), then the " +
    "proposed index is created in a transaction that is rolled back and the query EXPLAINed again. It is reported " +
    "only when the index pays as Dexter requires: the plan costs at least 100 and the index at least halves it. The " +
    "rows are uniform, so the costs are planner estimates for a table of that size, not production timings.",
  examples: {
    bad: `// order_items has no index on order_id
await pool.query("SELECT product_id, quantity FROM order_items WHERE order_id = $1", [orderId]);`,
    good: `CREATE INDEX CONCURRENTLY order_items_order_id_idx ON order_items (order_id);`,
  },
  references: [
    refs.cwe(1067, "Excessive Execution of Sequential Searches of Data Resource"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.doc("indexes-multicolumn", "Multicolumn Indexes"),
    { title: "Dexter: the automatic indexer for Postgres (cost thresholds)", url: "https://github.com/ankane/dexter" },
  ],
};

/** Measured on a real planner, but over uniform synthetic rows: the real distribution may differ. */
const CONFIDENCE = 85;

const OPTIONS: Option[] = [
  { title: "Create the index (CONCURRENTLY on a live table)", pros: ["The planner's cost drops by the measured ratio"], cons: ["Every write to the table also updates the index"] },
  { title: "Change the query to use an existing index", pros: ["No new index to maintain"], cons: ["Not always possible without changing what the endpoint returns"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const accesses = new Map(model.dataAccesses.map((a) => [a.id, a]));
  for (const proof of model.indexProofs ?? []) {
    const access = accesses.get(proof.dataAccessId);
    if (!access || !proof.pays || !proof.after) continue;
    ctx.report({
      confidence: CONFIDENCE,
      message:
        `${proof.before.node} costs ${proof.before.cost} at ${proof.rows.toLocaleString("en-US")} rows; with an index on ` +
        `${proof.table} (${proof.columns.join(", ")}) the plan is ${proof.after.node} at ${proof.after.cost} ` +
        `(${ratio(proof)}× cheaper, measured on ${proof.engine} over synthetic rows).`,
      location: access.location,
      subject: `${proof.table}(${proof.columns.join(",")})`,
      evidence: [ctx.codeEvidence(access.location, "query runs here"), planEvidence(proof)],
      remediation: {
        summary: `Add the index: ${proof.indexSql.replace(/^CREATE INDEX/, "CREATE INDEX CONCURRENTLY")};`,
        options: OPTIONS,
        fix: { description: "A migration that adds the index without blocking writes", replacement: `${proof.indexSql.replace(/^CREATE INDEX/, "CREATE INDEX CONCURRENTLY")};` },
      },
    });
  }
}

/** "211" for 4167 → 19.7: how many times cheaper the plan became. */
export function ratio(proof: Pick<IndexProof, "before" | "after">): string {
  const times = proof.before.cost / Math.max(proof.after!.cost, 0.01);
  return times >= 10 ? String(Math.round(times)) : times.toFixed(1);
}

function planEvidence(proof: IndexProof): PlanEvidence {
  return { kind: "plan", query: proof.query, before: proof.before, after: proof.after, rows: proof.rows, engine: proof.engine };
}

export const rule: Rule = { meta, check };
