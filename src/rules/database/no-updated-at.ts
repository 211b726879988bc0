// database/no-updated-at: a table that records no time of last change.
import type { ArchitectureModel, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk } from "../support.ts";
import { pg, tables } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/no-updated-at",
  area: "database",
  severity: "info",
  title: "No updated_at column",
  rationale:
    "Asks about tables without a column recording when a row last changed (updated_at, updatedAt, modified_at). " +
    "Such a column is what incremental exports, cache invalidation, sync APIs (\"changed since\"), support " +
    "investigations and audits lean on; adding it later leaves every existing row without history. Tables whose " +
    "rows never change after insert (events, logs, line items written once, join tables) do not need one, which " +
    "is why this is a question rather than a finding: answer it once per table.",
  examples: {
    bad: `CREATE TABLE products (
  id serial PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`,
    good: `CREATE TABLE products (
  id serial PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  references: [pg.doc("plpgsql-trigger", "Trigger Functions (keeping a last-modified column current)")],
};

/** Confidence: whether rows change after insert is not visible in the schema: a question (50). */
const CONFIDENCE = 50;

const UPDATED_NAMES = /^(updated|modified|changed|last_?modified|last_?updated)(_?at|_?on|_?time|_?date)?$|^(updatedAt|modifiedAt|lastModified|lastUpdated)$/i;
/** Tables whose rows are written once by nature. */
const APPEND_ONLY = /(^|_)(log|logs|event|events|history|audit|audits|migrations?|sessions?)$/i;

const OPTIONS: Option[] = [
  { title: "Add updated_at timestamptz NOT NULL DEFAULT now(), set by the ORM or a trigger", pros: ["Enables incremental sync, cache invalidation and audits"], cons: ["Every update writes one more column; triggers add a little overhead"] },
  { title: "Keep the table insert-only", pros: ["Simpler; the row's created_at is its whole history"], cons: ["Any later in-place update goes unrecorded"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    if (entity.columns.some((c) => UPDATED_NAMES.test(c.name)) || APPEND_ONLY.test(entity.name) || isJoinTable(entity)) continue;
    report(model, ctx, entity);
  }
}

/** Only foreign keys (and perhaps a surrogate id): a link between two rows, never updated in place. */
function isJoinTable(entity: Entity): boolean {
  const fkColumns = new Set(entity.foreignKeys.flatMap((fk) => fk.columns));
  const others = entity.columns.filter((c) => !fkColumns.has(c.name) && !entity.primaryKey.includes(c.name) && !/^created_?at$|^createdAt$/.test(c.name));
  return entity.foreignKeys.length >= 2 && others.length === 0;
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity): void {
  ctx.report({
    confidence: CONFIDENCE,
    message: `${entity.name} has no column recording when a row last changed: are its rows ever updated after insert?`,
    location: entity.location,
    subject: entity.name,
    evidence: [ctx.codeEvidence(entity.location, `${entity.name}: ${entity.columns.map((c) => c.name).join(", ")}`)],
    remediation: {
      summary: "If rows change after insert, add updated_at and keep it current.",
      options: OPTIONS,
      fix: { description: "Add the column (a constant default does not rewrite the table on PostgreSQL 11+).", replacement: `ALTER TABLE ${sqlIdentifier(entity.name)} ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();` },
    },
    ...questionIfAsk(model, CONFIDENCE, `Are ${entity.name} rows updated after insert? If yes, add updated_at; if not, mark the table insert-only in the bka config.`),
  });
}

export const rule: Rule = { meta, check };
