// performance/unbounded-query: a list endpoint that reads rows without a limit.
import type { ArchitectureModel, DataAccess, Endpoint } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, questionIfAsk, refs } from "../support.ts";
import { compareText } from "../../model/order.ts";
import { describeQuery, endpointList, entityOf, handlersWithQueries } from "../query-support.ts";
import { indexLikes } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "performance/unbounded-query",
  area: "performance",
  severity: "medium",
  title: "List endpoint reads rows without a limit",
  rationale:
    "Finds list endpoints — GET routes whose path does not end in a parameter, such as `GET /products` — whose handler " +
    "runs a select without a LIMIT, `take`, `limit()` or `first()`, and whose filter is not a primary or unique key. " +
    "The response grows with the table: a catalogue of 20 rows today returns 200 000 next year, in one response that " +
    "the database reads, the server holds in memory and serialises, and the client downloads. An attacker can also " +
    "call it repeatedly to exhaust memory. Paging (a limit with a cursor or offset) keeps every response bounded.",
  examples: {
    bad: `app.get("/products", async (req, res) => {
  res.json(await prisma.product.findMany({ orderBy: { name: "asc" } }));
});`,
    good: `app.get("/products", async (req, res) => {
  const take = Math.min(Number(req.query.limit ?? 50), 100);
  res.json(await prisma.product.findMany({ orderBy: { name: "asc" }, take, cursor: req.query.after ? { id: Number(req.query.after) } : undefined }));
});`,
  },
  references: [
    refs.cwe(770, "Allocation of Resources Without Limits or Throttling"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    refs.apiTop10(4),
  ],
};

/** The table may stay small (a list of countries): a decision for the team. */
const CONFIDENCE = 75;

const OPTIONS: Option[] = [
  {
    title: "Cursor (keyset) paging: `WHERE id > $after ORDER BY id LIMIT $n`",
    pros: ["Constant cost per page at any depth", "Stable under concurrent inserts"],
    cons: ["Needs an ordered, unique key; no jumping to page N"],
  },
  {
    title: "Offset paging with a capped page size",
    pros: ["Simple; clients can jump to a page"],
    cons: ["Deep pages scan and discard every earlier row"],
  },
];

/** Queries cited in a service-wide finding; the message counts them all. */
const MAX_QUERIES = 8;

interface Unbounded {
  access: DataAccess;
  lists: Endpoint[];
}

/**
 * Per query where the service pages some lists (the gap is an oversight); one finding per service
 * where it pages none (that is one decision: how the API pages, not ten).
 */
export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const unbounded = new Map<string, Unbounded[]>();
  const pagesSome = new Set<string>();
  for (const reached of handlersWithQueries(model)) {
    const lists = reached.endpoints.filter(isListEndpoint);
    if (!lists.length) continue;
    const service = lists[0].serviceId;
    for (const access of reached.accesses) {
      if (access.operation !== "select" || access.inLoop) continue;
      // A single-row fetch (findOne, LIMIT 1) says nothing about paging.
      if (access.limit === "param" || (typeof access.limit === "number" && access.limit > 1)) pagesSome.add(service);
      else if (access.limit === "none" && !filtersByKey(model, access)) unbounded.set(service, [...(unbounded.get(service) ?? []), { access, lists }]);
    }
  }
  for (const [service, found] of [...unbounded].sort(([a], [b]) => compareText(a, b))) {
    if (pagesSome.has(service) || found.length === 1) for (const item of found) reportQuery(model, ctx, item);
    else reportService(model, ctx, service, found);
  }
}

function reportQuery(model: ArchitectureModel, ctx: RuleContext, { access, lists }: Unbounded): void {
  const endpoints = endpointList(lists);
  ctx.report({
    confidence: CONFIDENCE,
    message: `${endpoints} returns a list, and its handler runs ${describeQuery(access)} without a limit: the response grows with the table.`,
    location: access.location,
    subject: `${lists.map((e) => `${e.method} ${e.path}`).join(" ")} ${access.id}`,
    evidence: [ctx.codeEvidence(access.location, `${describeQuery(access)} with no LIMIT / take / limit()`)],
    remediation: { summary: "Page the list: cap the page size and take a cursor or offset from the query string.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Will ${access.entity ?? "this table"} stay small enough to return in full?`),
  });
}

function reportService(model: ArchitectureModel, ctx: RuleContext, service: string, found: Unbounded[]): void {
  const sorted = [...found].sort((a, b) => byLocation(a.access.location, b.access.location));
  const routes = new Set(sorted.flatMap((f) => f.lists.map((e) => `${e.method} ${e.path}`)));
  const tables = [...new Set(sorted.map((f) => f.access.entity).filter((e): e is string => !!e))].sort(compareText);
  ctx.report({
    confidence: CONFIDENCE,
    message: `No list endpoint of ${service} is paged: ${routes.size} list endpoints run ${sorted.length} queries without a limit${tables.length ? ` (on ${tables.join(", ")})` : ""}, so every response grows with its table.`,
    location: sorted[0].access.location,
    subject: `service ${service}`,
    occurrences: sorted.length,
    evidence: sorted.slice(0, MAX_QUERIES).map((f) => ctx.codeEvidence(f.access.location, `${endpointList(f.lists)}: ${describeQuery(f.access)} with no limit`)),
    remediation: { summary: `Choose one paging scheme for ${service} (cursor or offset, a capped page size) and apply it to every list endpoint.`, options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Will ${tables.length ? tables.join(", ") : "these tables"} stay small enough to return in full from ${service}?`),
  });
}

/** GET without a path parameter at the end: `/orders`, `/users/{id}/orders`. */
export function isListEndpoint(endpoint: Endpoint): boolean {
  if (endpoint.method !== "GET") return false;
  const last = endpoint.path.split("/").filter(Boolean).at(-1);
  return last !== undefined && !/^\{.*\}$/.test(last);
}

/** A filter on every column of the primary key or of a unique key returns at most one row. */
function filtersByKey(model: ArchitectureModel, access: DataAccess): boolean {
  const entity = entityOf(model, access);
  if (!entity) return false;
  const filtered = new Set(access.filterColumns);
  return indexLikes(entity).some((i) => (i.kind !== "index") && !i.where && i.columns.every((c) => filtered.has(c)));
}

export const rule: Rule = { meta, check };
