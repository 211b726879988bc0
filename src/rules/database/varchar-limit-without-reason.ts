// database/varchar-limit-without-reason: a length limit that may be arbitrary.
import type { ArchitectureModel, Column, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, questionIfAsk } from "../support.ts";
import { compareText } from "../../model/order.ts";
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
    "CHECK constraint and matching input validation. This is a question, not a defect: it is asked once per limit, listing the columns that have it.",
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

/** Evidence lines listed per finding; the message counts them all. */
const MAX_EVIDENCE = 10;

/**
 * One question per limit, not per column: 40 columns at Sequelize's default of 255 are one
 * decision ("is 255 a rule anywhere?"), and a column whose limit is a rule is named in the answer.
 */
export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const byLimit = new Map<string, { entity: Entity; column: Column }[]>();
  for (const entity of tables(model)) {
    for (const column of entity.columns) {
      if (!/^varchar\(\d+\)$/.test(column.type)) continue;
      byLimit.set(column.type, [...(byLimit.get(column.type) ?? []), { entity, column }]);
    }
  }
  for (const [type, columns] of [...byLimit].sort(([a], [b]) => compareText(a, b))) report(model, ctx, type, columns);
}

function report(model: ArchitectureModel, ctx: RuleContext, type: string, columns: { entity: Entity; column: Column }[]): void {
  const limit = type.replace(/\D+/g, "");
  const sited = columns
    .map(({ entity, column }) => ({ name: `${entity.name}.${column.name}`, column, location: columnLocation(entity, column.name) }))
    .sort((a, b) => byLocation(a.location, b.location) || compareText(a.name, b.name));
  const names = sited.map((s) => s.name);
  const [first] = sited;
  const subject = sited.length === 1 ? `${first.name} is ${type}` : `${sited.length} columns are ${type} (${listed(names)})`;
  ctx.report({
    confidence: CONFIDENCE,
    message: `${subject}: is ${limit} characters a rule of the business? PostgreSQL stores text the same way, and a longer value fails at insert time.`,
    location: first.location,
    subject: type,
    occurrences: sited.length,
    evidence: sited.slice(0, MAX_EVIDENCE).map((s) => ctx.codeEvidence(s.location, `${s.column.name}: ${s.column.type}`)),
    remediation: { summary: "Keep the limit only where it is a rule; otherwise use text.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Is the ${limit}-character limit a business rule for ${sited.length === 1 ? first.name : `any of ${listed(names)}`}? Keep it (and validate input to match) where it is; use text elsewhere.`),
  });
}

function listed(names: string[]): string {
  return names.length <= 4 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

export const rule: Rule = { meta, check };
