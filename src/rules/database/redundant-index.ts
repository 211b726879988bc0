// database/redundant-index: an index whose columns lead a wider index.
import type { ArchitectureModel, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { describeIndex, indexLikes, pg, tables, type IndexLike } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/redundant-index",
  area: "database",
  severity: "low",
  title: "Index made redundant by a wider index",
  rationale:
    "Finds a plain index whose columns are the leading columns of another index, unique constraint or primary key " +
    "on the same table: an index on (user_id) next to one on (user_id, created_at). A b-tree serves lookups on any " +
    "prefix of its columns, so the narrower index rarely wins a plan, yet every write maintains it. Unique and " +
    "partial indexes are left alone: they enforce a rule or cover other rows. The narrower index can still be " +
    "slightly faster for very hot prefix-only queries, so this is a decision, not a fact.",
  examples: {
    bad: `CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at);`,
    good: `CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at);`,
  },
  references: [
    refs.cwe(1089, "Large Data Table with Excessive Number of Indices"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.doc("indexes-multicolumn", "Multicolumn Indexes (a prefix of the columns can use the index)"),
  ],
};

/** Confidence: the wider index can serve the same lookups; whether the narrow one still pays is a decision (80). */
const CONFIDENCE = 80;

const OPTIONS: Option[] = [
  { title: "Drop the narrower index", pros: ["Less write work and storage"], cons: ["Prefix-only lookups read a slightly larger index"] },
  { title: "Keep it for a measured hot path", pros: ["Smallest index for the most frequent lookup"], cons: ["Every write pays for both"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    const indexes = indexLikes(entity);
    for (const narrow of indexes) {
      if (narrow.kind !== "index" || narrow.where) continue;
      const wider = indexes.find((other) => other !== narrow && !other.where && isStrictPrefix(narrow.columns, other.columns));
      if (wider) report(model, ctx, entity, narrow, wider);
    }
  }
}

function isStrictPrefix(prefix: readonly string[], columns: readonly string[]): boolean {
  return prefix.length < columns.length && prefix.every((c, i) => c === columns[i]);
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, narrow: IndexLike, wider: IndexLike): void {
  ctx.report({
    confidence: CONFIDENCE,
    message: `The ${describeIndex(narrow, entity.name)} is the leading part of the ${describeIndex(wider, entity.name)}, which serves the same lookups; every write maintains both.`,
    location: narrow.location,
    subject: `${entity.name}:${narrow.name ?? narrow.columns.join(",")}`,
    evidence: [ctx.codeEvidence(narrow.location, `narrower: ${describeIndex(narrow, entity.name)}`), ctx.codeEvidence(wider.location, `wider: ${describeIndex(wider, entity.name)}`)],
    remediation: { summary: "Drop the narrower index unless a measured hot path needs it.", options: OPTIONS, fix: { description: "Drop it in a new migration.", replacement: dropStatement(entity, narrow) } },
    ...questionIfAsk(model, CONFIDENCE, `Does a hot query need the narrower index on ${entity.name} (${narrow.columns.join(", ")})?`),
  });
}

/** The statement that removes an index-like: DROP INDEX CONCURRENTLY, or DROP CONSTRAINT with PostgreSQL's generated name. */
export function dropStatement(entity: Entity, index: IndexLike): string {
  if (index.kind === "unique constraint") {
    return `ALTER TABLE ${sqlIdentifier(entity.name)} DROP CONSTRAINT ${sqlIdentifier(`${entity.name}_${index.columns.join("_")}_key`)};`;
  }
  const name = index.name ?? `${entity.name}_${index.columns.join("_")}_idx`;
  return `DROP INDEX CONCURRENTLY ${sqlIdentifier(name)};`;
}

export const rule: Rule = { meta, check };
