// database/multi-write-without-transaction: a request that writes twice with no transaction around the writes.
import type { ArchitectureModel, DataAccess } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { pg } from "../database-support.ts";
import { describeQuery, endpointList, handlersWithQueries, WRITES } from "../query-support.ts";

export const meta: RuleMeta = {
  id: "database/multi-write-without-transaction",
  area: "database",
  severity: "medium",
  title: "Several writes in one request without a transaction",
  rationale:
    "Finds request handlers that reach two or more writes (insert, update, delete, upsert), directly or through " +
    "helpers, none of which runs inside a transaction — `prisma.$transaction`, `knex.transaction`, " +
    "`dataSource.transaction`, Drizzle's `db.transaction`, or `BEGIN` … `COMMIT` on one connection. When the second " +
    "write fails (a constraint, a timeout, a crash, a deploy) the first one stays: an order without its lines, a " +
    "debit without its credit. A transaction makes the writes land together or not at all, and hides the half-done " +
    "state from concurrent readers.",
  examples: {
    bad: `const order = await prisma.order.create({ data: { userId, total } });
await prisma.orderItem.create({ data: { orderId: order.id, productId, quantity } });`,
    good: `await prisma.$transaction(async (tx) => {
  const order = await tx.order.create({ data: { userId, total } });
  await tx.orderItem.create({ data: { orderId: order.id, productId, quantity } });
});`,
  },
  references: [
    pg.doc("tutorial-transactions", "Transactions"),
    refs.cwe(662, "Improper Synchronization"),
    { title: "Prisma documentation: Transactions and batch queries", url: "https://www.prisma.io/docs/orm/prisma-client/queries/transactions" },
  ],
};

/** Some write pairs are independent (an audit row): the team decides. */
const CONFIDENCE = 75;

const OPTIONS: Option[] = [
  {
    title: "Wrap the writes in one transaction",
    pros: ["All or nothing; readers never see half an operation"],
    cons: ["Holds row locks until commit: keep slow work (HTTP calls) outside it"],
  },
  {
    title: "Make the writes independent and idempotent (outbox, retries)",
    pros: ["Works across services where one transaction cannot"],
    cons: ["More moving parts; the intermediate state must be acceptable"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const reached of handlersWithQueries(model)) {
    const writes = reached.accesses.filter((a) => WRITES.has(a.operation) && !a.inTransaction);
    if (writes.length < 2) continue;
    report(model, ctx, reached.endpoints, reached.handler.id, writes);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, endpoints: Parameters<typeof endpointList>[0], handlerId: string, writes: DataAccess[]): void {
  const list = writes.map(describeQuery).join(", ");
  ctx.report({
    confidence: CONFIDENCE,
    message: `${endpointList(endpoints)} writes ${writes.length} times (${list}) outside a transaction: if a later write fails, the earlier ones stay.`,
    location: writes[0].location,
    subject: handlerId,
    evidence: writes.map((w, i) => ctx.codeEvidence(w.location, `write ${i + 1} of ${writes.length}: ${describeQuery(w)}`)),
    remediation: { summary: "Run the writes in one transaction (or make them independent on purpose).", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Must the ${writes.length} writes of ${endpointList(endpoints)} succeed or fail together?`),
  });
}

export const rule: Rule = { meta, check };
