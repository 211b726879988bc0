// database/varchar-limit-without-reason: a length limit that may be arbitrary.
import type { ArchitectureModel, Column, SourceLocation } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, listNames, questionIfAsk } from "../support.ts";
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
    "CHECK constraint and matching input validation. This is a question, not a defect: it is asked once per schema, listing the limited columns by limit.",
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
 * One question for the schema, not one per column or per limit: whether a limit is a rule is
 * answered column by column by the same people ("255 is Sequelize's default; the 2-letter country
 * code is a rule"), so every limited column is listed, grouped by its limit.
 */
export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const byLimit = new Map<string, Sited[]>();
  for (const entity of tables(model)) {
    for (const column of entity.columns) {
      if (!/^varchar\(\d+\)$/.test(column.type)) continue;
      const sited = { name: `${entity.name}.${column.name}`, column, location: columnLocation(entity, column.name) };
      byLimit.set(column.type, [...(byLimit.get(column.type) ?? []), sited]);
    }
  }
  const limits = [...byLimit]
    .map(([type, columns]) => ({ type, columns: columns.sort((a, b) => byLocation(a.location, b.location) || compareText(a.name, b.name)) }))
    .sort((a, b) => b.columns.length - a.columns.length || compareText(a.type, b.type));
  if (limits.length) report(model, ctx, limits);
}

interface Sited {
  name: string;
  column: Column;
  location: SourceLocation;
}

function report(model: ArchitectureModel, ctx: RuleContext, limits: { type: string; columns: Sited[] }[]): void {
  const count = limits.reduce((n, l) => n + l.columns.length, 0);
  const [first] = limits[0].columns;
  const perLimit = limits.map(({ type, columns }) => (columns.length === 1 ? `${columns[0].name} is ${type}` : `${columns.length} columns are ${type} (${listNames(columns.map((c) => c.name), 3)})`));
  const numbers = limits.map((l) => l.type.replace(/\D+/g, ""));
  ctx.report({
    confidence: CONFIDENCE,
    message: `${listNames(perLimit)}: ${numbers.length === 1 ? `is ${numbers[0]} characters` : `are ${listNames(numbers)} characters`} a rule of the business? PostgreSQL stores text the same way, and a longer value fails at insert time.`,
    location: first.location,
    subject: "varchar limits",
    occurrences: count,
    evidence: cited(limits).map((s) => ctx.codeEvidence(s.location, `${s.column.name}: ${s.column.type}`)),
    remediation: { summary: "Keep a limit only where it is a rule; otherwise use text.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Which of these limits are business rules: ${limits.map(({ type, columns }) => `${type} for ${columns.length === 1 ? columns[0].name : `any of ${listNames(columns.map((c) => c.name), 3)}`}`).join("; ")}? Keep those (and validate input to match); use text elsewhere.`),
  });
}

/** Up to MAX_EVIDENCE columns, every limit among them, in source order. */
function cited(limits: { columns: Sited[] }[]): Sited[] {
  const firsts = limits.map((l) => l.columns[0]);
  const rest = limits.flatMap((l) => l.columns.slice(1));
  return [...firsts, ...rest].slice(0, Math.max(MAX_EVIDENCE, firsts.length)).sort((a, b) => byLocation(a.location, b.location) || compareText(a.name, b.name));
}

export const rule: Rule = { meta, check };
