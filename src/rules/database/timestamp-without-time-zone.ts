// database/timestamp-without-time-zone: points in time stored without their time zone.
import type { ArchitectureModel, Column, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk } from "../support.ts";
import { columnLocation, pg, squawk, tables } from "../database-support.ts";
import { sqlIdentifier } from "../../emit/sql.ts";

export const meta: RuleMeta = {
  id: "database/timestamp-without-time-zone",
  area: "database",
  severity: "medium",
  title: "Timestamp without time zone",
  rationale:
    "Finds columns of type timestamp (timestamp without time zone), which Prisma's DateTime, TypeORM's Date and " +
    "plain SQL produce by default. Such a column stores a wall-clock reading with no zone: the same instant is " +
    "written differently by servers or sessions in different zones, daylight-saving changes make hours repeat or " +
    "vanish, and comparisons with now() depend on the session's TimeZone setting. timestamptz stores an absolute " +
    "instant (as UTC) and converts on output, at the same 8 bytes. Columns that record when something happened " +
    "(created_at, updated_at, *_at) are nearly always meant as instants.",
  examples: {
    bad: `CREATE TABLE orders (
  id serial PRIMARY KEY,
  created_at timestamp NOT NULL DEFAULT now()
);`,
    good: `CREATE TABLE orders (
  id serial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  references: [
    pg.doc("datatype-datetime", "Date/Time Types (time zones)", "DATATYPE-TIMEZONES"),
    pg.wiki("Don.27t_use_timestamp_.28without_time_zone.29", "Don't use timestamp (without time zone)"),
    squawk("prefer-timestamptz"),
  ],
};

/**
 * Confidence: a column named for an event (created_at, paid_at…) is an instant (90). Any other
 * timestamp may be a deliberate local wall-clock time, such as opening hours (75).
 */
const CONFIDENCE = { event: 90, other: 75 } as const;

const OPTIONS: Option[] = [
  {
    title: "timestamptz",
    pros: ["Stores an absolute instant; correct across servers, sessions and DST changes"],
    cons: ["ALTER COLUMN … TYPE timestamptz rewrites the table unless the session TimeZone is UTC (PostgreSQL 12+)"],
  },
  {
    title: "Keep timestamp for deliberate local times (opening hours, birthdays with time)",
    pros: ["Preserves the wall-clock reading exactly as entered"],
    cons: ["Every reader must know which zone it is in"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const entity of tables(model)) {
    for (const column of entity.columns) {
      if (/^timestamp(\(\d+\))?(\[\])?$/.test(column.type)) report(model, ctx, entity, column);
    }
  }
}

function isEventName(name: string): boolean {
  return /(^|_)(at|on|time|date)$|At$|(created|updated|deleted|modified|expires?|started|finished|ended)/i.test(name);
}

function report(model: ArchitectureModel, ctx: RuleContext, entity: Entity, column: Column): void {
  const confidence = isEventName(column.name) ? CONFIDENCE.event : CONFIDENCE.other;
  const location = columnLocation(entity, column.name);
  const source = entity.source === "prisma" ? " (Prisma's DateTime maps to timestamp(3) unless marked @db.Timestamptz)" : entity.source === "typeorm" ? " (TypeORM maps Date to timestamp unless type: \"timestamptz\")" : "";
  ctx.report({
    confidence,
    message: `${entity.name}.${column.name} is ${column.type}${source}: it stores a wall-clock reading without its zone, so the same instant reads differently per server or session and DST shifts are ambiguous.`,
    location,
    subject: `${entity.name}.${column.name}`,
    evidence: [ctx.codeEvidence(location, `${column.name}: ${column.type}`)],
    remediation: {
      summary: "Store instants as timestamptz.",
      options: OPTIONS,
      fix: {
        description: "Change the type in a new migration (with SET TimeZone = 'UTC' the values are kept as UTC and PostgreSQL 12+ skips the rewrite).",
        replacement: `SET TimeZone = 'UTC';\nALTER TABLE ${sqlIdentifier(entity.name)} ALTER COLUMN ${sqlIdentifier(column.name)} TYPE timestamptz;`,
      },
    },
    ...questionIfAsk(model, confidence, `Is ${entity.name}.${column.name} a point in time (then timestamptz) or a local wall-clock time?`),
  });
}

export const rule: Rule = { meta, check };
