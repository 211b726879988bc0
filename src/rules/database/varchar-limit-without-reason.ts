// database/varchar-limit-without-reason: a length limit that may be arbitrary.
import type { ArchitectureModel, Column, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk } from "../support.ts";
import { columnLocation, pg, squawk, tables } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "database/varchar-limit-without-reason",
  area: "database",
  severity: "info",
  title: "varchar(n) limit without a stated reason",
  rationale:
    "Asks about varchar(n) columns. In PostgreSQL, varchar(n) and text are stored and compared the same way; the " +
    "limit is only a check, and 255 is usually inherited from other databases rather than a business rule. When the " +
    "limit is reached, inserts fail at run time, and raising it needs an ALTER TABLE with an ACCESS EXCLUSIVE lock. " +
    "A real rule (a country code is 2 letters, a SKU is at most 64) is worth keeping, and is clearer as text with a " +
    "CHECK constraint and matching input validation. This is a question, not a defect: answer it once per column.",
  examples: {
    bad: `CREATE TABLE users (
  id serial PRIMARY KEY,
  name varchar(255) NOT NULL
);`,
    good: `CREATE TABLE users (
  id serial PRIMARY KEY,
  name text NOT NULL CHECK (length(name) <= 200)
);`,
  },
  references: [
    pg.doc("datatype-character", "Character Types (no performance difference between text and varchar)"),
    pg.wiki("Don.27t_use_varchar.28n.29_by_default", "Don't use varchar(n) by default"),
    squawk("prefer-text-field"),
  ],
};

/** Confidence: whether a limit is a business rule is unknown to the code: a question (50). */
const CONFIDENCE = 50;

const OPTIONS: Option[] = [
  { title: "text, with a CHECK (length(col) <= n) where the limit is a rule", pros: ["Same storage; the limit is explicit and can be changed with NOT VALID + VALIDATE"], cons: ["One more constraint to name"] },
  { title: "Keep varchar(n)", pros: ["Familiar; ORMs map it directly"], cons: ["Raising n later needs an ALTER TABLE under an ACCESS EXCLUSIVE lock"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    for (const column of entity.columns) {
      if (/^varchar\(\d+\)$/.test(column.type)) report(model, ctx, entity, column);
    }
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, column: Column): void {
  const location = columnLocation(entity, column.name);
  const limit = column.type.replace(/\D+/g, "");
  ctx.report({
    confidence: CONFIDENCE,
    message: `${entity.name}.${column.name} is ${column.type}: is ${limit} characters a rule of the business? PostgreSQL stores text the same way, and a longer value fails at insert time.`,
    location,
    subject: `${entity.name}.${column.name}`,
    evidence: [ctx.codeEvidence(location, `${column.name}: ${column.type}`)],
    remediation: { summary: "Keep the limit only if it is a rule; otherwise use text.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Is the ${limit}-character limit on ${entity.name}.${column.name} a business rule? If yes, keep it (and validate input to match); if not, use text.`),
  });
}

export const rule: Rule = { meta, check };
