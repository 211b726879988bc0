// database/duplicate-index: two indexes over the same columns.
import type { ArchitectureModel, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, questionIfAsk, refs } from "../support.ts";
import { describeIndex, indexLikes, pg, tables, type IndexLike } from "../database-support.ts";
import { dropStatement } from "./redundant-index.ts";

export const meta: RuleMeta = {
  id: "database/duplicate-index",
  area: "database",
  severity: "medium",
  title: "Duplicate index",
  rationale:
    "Finds an index whose columns (in the same order, with the same predicate) are already indexed by the primary " +
    "key, a unique constraint or another index on the same table — often an ORM @Index next to a UNIQUE, or an index " +
    "created twice under two names. The planner uses one of them; every INSERT, UPDATE and DELETE still maintains " +
    "both, the table's write amplification and WAL volume grow, and both take memory in shared buffers and space on " +
    "disk and in backups. Dropping the copy (CONCURRENTLY) changes no query plan.",
  examples: {
    bad: `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE INDEX users_email_idx ON users (email);`,
    good: `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);`,
  },
  references: [
    refs.cwe(1089, "Large Data Table with Excessive Number of Indices"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.doc("indexes-multicolumn", "Multicolumn Indexes"),
    pg.doc("sql-dropindex", "DROP INDEX (CONCURRENTLY)"),
  ],
};

/** Confidence: identical column lists and predicates are duplicates by definition (95). */
const CONFIDENCE = 95;

/** Which of two duplicates to keep: constraints first, then the first declared. */
const KEEP_ORDER: IndexLike["kind"][] = ["primary key", "unique constraint", "unique index", "index"];

const OPTIONS: Option[] = [
  { title: "Drop the duplicate", pros: ["Less write work and storage; no plan changes"], cons: ["None, beyond running DROP INDEX CONCURRENTLY outside a transaction"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    const indexes = indexLikes(entity);
    const reported = new Set<IndexLike>();
    for (const a of indexes) {
      for (const b of indexes) {
        if (a === b || reported.has(a) || reported.has(b) || !sameIndex(a, b)) continue;
        const [keep, drop] = keepFirst(a, b);
        if (drop.kind === "primary key") continue;
        reported.add(drop);
        report(model, ctx, entity, keep, drop);
      }
    }
  }
}

function sameIndex(a: IndexLike, b: IndexLike): boolean {
  return a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]) && (a.where ?? "") === (b.where ?? "");
}

function keepFirst(a: IndexLike, b: IndexLike): [IndexLike, IndexLike] {
  const rank = KEEP_ORDER.indexOf(a.kind) - KEEP_ORDER.indexOf(b.kind);
  if (rank !== 0) return rank < 0 ? [a, b] : [b, a];
  return byLocation(a.location, b.location) <= 0 ? [a, b] : [b, a];
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, keep: IndexLike, drop: IndexLike): void {
  ctx.report({
    confidence: CONFIDENCE,
    message: `The ${describeIndex(drop, entity.name)} duplicates the ${describeIndex(keep, entity.name)}: every write maintains both, and queries use only one.`,
    location: drop.location,
    subject: `${entity.name}:${drop.kind}:${drop.name ?? drop.columns.join(",")}`,
    evidence: [ctx.codeEvidence(drop.location, `duplicate: ${describeIndex(drop, entity.name)}`), ctx.codeEvidence(keep.location, `already indexed: ${describeIndex(keep, entity.name)}`)],
    remediation: { summary: `Drop the duplicate ${drop.kind}.`, options: OPTIONS, fix: { description: "Drop it in a new migration.", replacement: dropStatement(entity, drop) } },
    ...questionIfAsk(model, CONFIDENCE, `Drop the duplicate ${drop.kind} on ${entity.name} (${drop.columns.join(", ")})?`),
  });
}

export const rule: Rule = { meta, check };
