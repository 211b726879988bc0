// performance/n-plus-one: a query inside a loop over the rows another query returned.
import type { ArchitectureModel, DataAccess } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { describeQuery, endpointList, handlersWithQueries, type ReachedQueries } from "../query-support.ts";

export const meta: RuleMeta = {
  id: "performance/n-plus-one",
  area: "performance",
  severity: "medium",
  title: "Query per row of another query (N+1)",
  rationale:
    "Finds request handlers that run a query (raw SQL, Prisma, TypeORM, Knex, Drizzle, Sequelize or Mongoose) inside a " +
    "loop — `for … of`, `forEach`, or `.map(async …)` — in a function that first loaded a list with another query. " +
    "Each row of the first result costs one more round trip: a page of 50 orders with their lines is 51 queries, the " +
    "latency grows with the page size and the database absorbs the load at every request. One query that loads the " +
    "related rows for all keys at once (`WHERE order_id = ANY($1)`, `whereIn`, `{ in: ids }`, `inArray`) or a join " +
    "does the same work in a fixed number of round trips.",
  examples: {
    bad: `const orders = await prisma.order.findMany({ where: { userId }, take: 20 });
for (const order of orders) {
  order.items = await prisma.orderItem.findMany({ where: { orderId: order.id } }); // one query per order
}`,
    good: `const orders = await prisma.order.findMany({ where: { userId }, take: 20 });
const items = await prisma.orderItem.findMany({ where: { orderId: { in: orders.map((o) => o.id) } } });`,
  },
  references: [
    refs.cwe(1073, "Non-SQL Invokable Control Element with Excessive Number of Data Resource Accesses"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    { title: "Prisma documentation: Query optimization, solving the n+1 problem", url: "https://www.prisma.io/docs/orm/prisma-client/queries/query-optimization-performance" },
  ],
};

/** A loop query after a list query in the same function is almost surely per row; small bounded lists can make it acceptable. */
const CONFIDENCE = 80;

const OPTIONS: Option[] = [
  {
    title: "Load the related rows for all keys in one query",
    pros: ["Two queries whatever the number of rows", "Works with every ORM (`in`, `whereIn`, `inArray`, `ANY($1)`)"],
    cons: ["The rows must be grouped back by key in code"],
  },
  {
    title: "Join (or `include`) the relation in the first query",
    pros: ["One round trip"],
    cons: ["Repeats the parent's columns on every child row", "Harder to page both levels"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const reported = new Set<string>();
  for (const reached of handlersWithQueries(model)) {
    for (const inner of reached.accesses) {
      if (!inner.inLoop || reported.has(inner.id)) continue;
      const outer = listQueryBefore(reached, inner);
      if (!outer) continue;
      reported.add(inner.id);
      report(model, ctx, reached, outer, inner);
    }
  }
}

/** A select outside any loop, earlier in the same function: the list the loop most likely walks. */
function listQueryBefore(reached: ReachedQueries, inner: DataAccess): DataAccess | undefined {
  return reached.accesses
    .filter((a) => a.operation === "select" && !a.inLoop && a.functionId === inner.functionId && a.location.file === inner.location.file && a.location.line < inner.location.line && a.limit !== 1)
    .at(-1);
}

function report(model: ArchitectureModel, ctx: RuleContext, reached: ReachedQueries, outer: DataAccess, inner: DataAccess): void {
  const endpoints = endpointList(reached.endpoints);
  ctx.report({
    confidence: CONFIDENCE,
    message:
      `${endpoints} runs ${describeQuery(inner)} inside a loop after loading a list with ${describeQuery(outer)}: ` +
      `every row of the first result costs one more round trip to the database (N + 1 queries).`,
    location: inner.location,
    subject: `${reached.handler.id} ${inner.id}`,
    evidence: [
      ctx.codeEvidence(outer.location, `the outer query loads the list (${describeQuery(outer)})`),
      ctx.codeEvidence(inner.location, `inside a loop over its rows, one query per row (${describeQuery(inner)})`),
    ],
    remediation: { summary: "Load the related rows for all keys in one query (or join them into the first query), then group them in code.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Is the list loaded at ${outer.location.file}:${outer.location.line} small and bounded enough that one query per row is acceptable?`),
  });
}

export const rule: Rule = { meta, check };
