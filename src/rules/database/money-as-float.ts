// database/money-as-float: an amount of money stored as binary floating point.
import type { ArchitectureModel, Column, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { listNames, questionIfAsk, refs, unique } from "../support.ts";
import { columnLocation, pg } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/money-as-float",
  area: "database",
  severity: "high",
  title: "Money stored as a floating-point number",
  rationale:
    "Finds columns named like amounts of money (price, amount, total, cost, balance, fee, tax, discount…) whose type " +
    "is real, double precision or float, or Number in a MongoDB schema. Binary floating point cannot represent most " +
    "decimal fractions: 0.1 + 0.2 is 0.30000000000000004, sums of order lines drift from the order total by cents, " +
    "and comparisons for equality fail. PostgreSQL's numeric(p, s) (or an integer count of cents) stores exact " +
    "decimal values and rounds only where the scale says so; MongoDB has Decimal128 for the same reason.",
  examples: {
    bad: `CREATE TABLE products (
  id serial PRIMARY KEY,
  price double precision NOT NULL
);`,
    good: `CREATE TABLE products (
  id serial PRIMARY KEY,
  price numeric(12, 2) NOT NULL
);`,
  },
  references: [
    refs.cwe(1339, "Insufficient Precision or Accuracy of a Real Number"),
    pg.doc("datatype-numeric", "Numeric Types (arbitrary precision numbers)", "DATATYPE-NUMERIC-DECIMAL"),
    pg.wiki("Don.27t_use_money", "Don't use money (and why numeric is the type for amounts)"),
  ],
};

/** Names that hold an amount of money, as whole words of the column name. */
const MONEY_WORDS = new Set([
  "price", "prices", "amount", "amounts", "total", "subtotal", "cost", "costs", "balance", "fee", "fees", "tax", "vat",
  "discount", "salary", "wage", "payment", "revenue", "charge", "refund", "credit", "debit", "money", "budget", "tip",
]);
const FLOAT_TYPES = new Set(["real", "double precision", "float", "float4", "float8"]);

/** Confidence: a money name on a float SQL column (90); a MongoDB Number, which is a double too (75). */
const CONFIDENCE = { sql: 90, mongo: 75 } as const;

const OPTIONS: Option[] = [
  {
    title: "numeric(p, s), e.g. numeric(12, 2)",
    pros: ["Exact decimal arithmetic in SQL and in the driver (as a string or decimal type)"],
    cons: ["Changing the type rewrites the table under an ACCESS EXCLUSIVE lock: do it in a quiet window or via a new column"],
  },
  {
    title: "An integer number of the smallest unit (cents) in bigint",
    pros: ["Exact and fast; no decimal library needed in the application"],
    cons: ["Every reader must know the unit; currencies with other minor units need care"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of model.entities) {
    const mongo = entity.source === "mongoose";
    const columns = entity.columns.filter((column) => isMoneyName(column.name) && (mongo ? column.type === "number" : FLOAT_TYPES.has(column.type.replace(/\[\]$/, ""))));
    // One table, one finding: its money columns change type in the same migration (one rewrite).
    if (columns.length > 0) report(model, ctx, entity, columns, mongo);
  }
}

export function isMoneyName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => MONEY_WORDS.has(w)) && !words.includes("count") && !words.includes("percent") && !words.includes("rate");
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, columns: Column[], mongo: boolean): void {
  const confidence = mongo ? CONFIDENCE.mongo : CONFIDENCE.sql;
  const [first] = columns;
  const location = columnLocation(entity, first.name);
  const names = columns.map((c) => `${entity.name}.${c.name}`);
  const fix = mongo
    ? columns.map((c) => `${c.name}: { type: Schema.Types.Decimal128, required: true }`).join(",\n")
    : `ALTER TABLE ${sqlIdentifier(entity.name)} ${columns.map((c) => `ALTER COLUMN ${sqlIdentifier(c.name)} TYPE numeric(12, 2)`).join(", ")}; -- rewrites the table once: plan the window`;
  const held = mongo ? "a MongoDB Number (a double)" : unique(columns.map((c) => c.type)).join(" and ");
  ctx.report({
    confidence,
    message: `${listNames(names)} ${columns.length > 1 ? "hold" : "holds"} money as ${held}: decimal amounts such as 0.10 are stored approximately, so sums and comparisons drift by fractions of a cent.`,
    location,
    subject: names.join(", "),
    evidence: columns.map((c) => ctx.codeEvidence(columnLocation(entity, c.name), `${c.name}: ${c.type}`)),
    remediation: {
      summary: mongo ? "Store the amounts as Decimal128 (or integer cents)." : "Store the amounts as numeric(p, s) (or integer cents).",
      options: OPTIONS,
      fix: { description: mongo ? "Use Decimal128 in the schema." : "Change the column types in one new migration.", replacement: fix },
    },
    occurrences: columns.length,
    ...questionIfAsk(model, confidence, `${columns.length > 1 ? `Are ${listNames(names)} amounts` : `Is ${names[0]} an amount`} of money? If so, store ${columns.length > 1 ? "them" : "it"} as an exact decimal.`),
  });
}

export const rule: Rule = { meta, check };
