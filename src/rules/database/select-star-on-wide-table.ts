// database/select-star-on-wide-table: every column of a wide table read where a few would do.
import type { ArchitectureModel, DataAccess, Entity } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, groupByService, listNames, questionIfAsk, refs } from "../support.ts";
import { compareText } from "../../model/order.ts";
import { pg } from "../database-support.ts";
import { entityOf } from "../query-support.ts";
import { addToList } from "../../ingest/code/values.ts";

export const meta: RuleMeta = {
  id: "database/select-star-on-wide-table",
  area: "database",
  severity: "low",
  title: "Every column read from a wide table",
  rationale:
    "Finds selects that return every column — `SELECT *`, or an ORM finder without `select` / `attributes` / column " +
    "list — of a table with 12 or more columns. The database reads and sends every column, including large text and " +
    "JSON values that are stored out of line (TOAST) and fetched only when asked for; an index that holds the needed " +
    "columns cannot answer the query on its own (no index-only scan); and every column added later silently joins " +
    "the payload, sometimes a sensitive one. Naming the columns the caller uses keeps the query cheap and its result stable. " +
    "A service that never names columns gets one finding for all its wide tables: the habit is the cause.",
  examples: {
    bad: `const users = await prisma.user.findMany({ where: { teamId } }); // 18 columns, the page shows 3`,
    good: `const users = await prisma.user.findMany({ where: { teamId }, select: { id: true, name: true, email: true } });`,
  },
  references: [
    pg.doc("indexes-index-only-scans", "Index-Only Scans and Covering Indexes"),
    pg.doc("storage-toast", "TOAST (out-of-line storage of large values)"),
    refs.cwe(213, "Exposure of Sensitive Information Due to Incompatible Policies"),
  ],
};

export const WIDE_TABLE_COLUMNS = 12;
/** Whether the caller needs every column is a decision (decide band). */
const CONFIDENCE = 72;

const OPTIONS: Option[] = [
  {
    title: "Name the columns the caller uses",
    pros: ["Less I/O and network; index-only scans become possible", "New columns do not leak into the result"],
    cons: ["The list must be kept in step with the code that reads the rows"],
  },
  {
    title: "Keep reading every column",
    pros: ["Simplest when the caller really needs the whole row (an edit form, an export)"],
    cons: ["Cost grows with every column added"],
  },
];

/** Query sites cited per finding (per table when several are grouped); the message counts them all. */
const MAX_SITES = 8;
const MAX_SITES_PER_TABLE = 3;

/**
 * One finding per table: which columns its callers need is one decision, however many queries read
 * it. A service none of whose selects names its columns has one habit (the ORM default), so its
 * wide tables are one finding.
 */
export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const selects = model.dataAccesses.filter((access) => access.operation === "select");
  for (const [serviceId, accesses] of groupByService(model, selects)) {
    const byEntity = new Map<Entity, DataAccess[]>();
    for (const access of accesses) {
      if (access.returnedColumns.length) continue;
      const entity = entityOf(model, access);
      if (!entity || entity.source === "mongoose" || entity.columns.length < WIDE_TABLE_COLUMNS) continue;
      addToList(byEntity, entity, access);
    }
    const tables = [...byEntity].sort(([a], [b]) => compareText(a.name, b.name)).map(([entity, reads]) => ({ entity, reads: reads.sort((a, b) => byLocation(a.location, b.location)) }));
    const neverNamesColumns = accesses.every((access) => !access.returnedColumns.length);
    if (tables.length > 1 && neverNamesColumns) reportHabit(model, ctx, serviceId, tables);
    else for (const { entity, reads } of tables) report(model, ctx, reads, entity);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, accesses: DataAccess[], entity: Entity): void {
  const [first] = accesses;
  const how = first.rawSql ? "SELECT *" : `a ${first.client} finder without a column list`;
  const what = accesses.length === 1 ? how : `${accesses.length} queries`;
  ctx.report({
    confidence: CONFIDENCE,
    message: `${what} ${accesses.length === 1 ? "reads" : "read"} all ${entity.columns.length} columns of ${entity.name}: the database reads and sends every one, and columns added later join the result.`,
    location: first.location,
    subject: entity.name,
    occurrences: accesses.length,
    evidence: [
      ...accesses.slice(0, MAX_SITES).map((a) => ctx.codeEvidence(a.location, `reads every column of ${entity.name}`)),
      ctx.codeEvidence(entity.location, `${entity.name} has ${entity.columns.length} columns`),
    ],
    remediation: { summary: `Select only the columns of ${entity.name} the caller uses.`, options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, accesses.length === 1 ? `Does the code at ${first.location.file}:${first.location.line} need every column of ${entity.name}?` : `Which of the ${accesses.length} queries reading every column of ${entity.name} need the whole row?`),
  });
}

function reportHabit(model: ArchitectureModel, ctx: RuleContext, serviceId: string, tables: { entity: Entity; reads: DataAccess[] }[]): void {
  const count = tables.reduce((n, t) => n + t.reads.length, 0);
  const perTable = tables.map(({ entity, reads }) => `${entity.name} (${entity.columns.length} columns, ${reads.length} ${reads.length === 1 ? "query" : "queries"})`);
  const first = tables.map((t) => t.reads[0]).sort((a, b) => byLocation(a.location, b.location))[0];
  ctx.report({
    confidence: CONFIDENCE,
    message: `No select of ${serviceId} names its columns: ${count} queries read every column of ${tables.length} wide tables (${listNames(perTable, 5)}). The database reads and sends every column, and columns added later join the results.`,
    location: first.location,
    subject: `${serviceId} wide tables read whole`,
    occurrences: count,
    evidence: tables.flatMap(({ entity, reads }) => [
      ...reads.slice(0, MAX_SITES_PER_TABLE).map((a) => ctx.codeEvidence(a.location, `reads every column of ${entity.name}`)),
      ctx.codeEvidence(entity.location, `${entity.name} has ${entity.columns.length} columns`),
    ]),
    remediation: { summary: "Name the columns each caller uses, starting with the widest tables on the hottest paths (an ORM default scope can set a narrow list once).", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Which of the ${count} queries reading whole rows of ${listNames(tables.map((t) => t.entity.name), 5)} need every column?`),
  });
}

export const rule: Rule = { meta, check };
