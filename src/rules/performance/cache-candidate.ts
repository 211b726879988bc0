// performance/cache-candidate: read endpoints that query the database several times (or aggregate)
// in a service with no cache layer; one question per service.
import type { ArchitectureModel, DataAccess, Endpoint, Service } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeEndpoint, questionIfAsk, refs } from "../support.ts";
import { handlersWithQueries } from "../query-support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "performance/cache-candidate",
  area: "performance",
  severity: "info",
  title: "Read endpoints that could be cached",
  rationale:
    "Lists, once per service, the GET endpoints whose handler runs two or more queries or an aggregation (`COUNT`, " +
    "`SUM`, `GROUP BY`, `aggregate`) when the service has no cache layer (Redis, Memcached, an in-process LRU, " +
    "cache-manager, apicache). Read endpoints are usually the most frequent; if their answer may be a few seconds or " +
    "minutes old, a cache in front of them removes most of their database load and latency. Whether an endpoint is " +
    "hot and how stale its answer may be are facts only the team has, so this is a question, not a claim.",
  examples: {
    bad: `app.get("/stats", async (req, res) => {
  const [users, orders] = await Promise.all([db.user.count(), db.order.aggregate({ _sum: { total: true } })]);
  res.json({ users, revenue: orders._sum.total }); // recomputed on every request
});`,
    good: `const stats = new LRUCache({ max: 1, ttl: 60_000 });
app.get("/stats", async (req, res) => {
  res.json(stats.get("all") ?? stats.set("all", await computeStats()).get("all"));
});`,
  },
  references: [
    refs.cwe(400, "Uncontrolled Resource Consumption"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    { title: "RFC 9111: HTTP Caching", url: "https://www.rfc-editor.org/rfc/rfc9111" },
  ],
};

/** Hotness and freshness requirements are unknown: always a question. */
const CONFIDENCE = 55;
const MIN_QUERIES = 2;
const MAX_LISTED = 10;
const CACHE_PACKAGES = new Set([
  "redis", "ioredis", "@redis/client", "memcached", "memjs", "node-cache", "lru-cache", "quick-lru", "keyv", "cache-manager",
  "@nestjs/cache-manager", "apicache", "memory-cache", "@fastify/caching", "koa-cash", "cacheable", "flat-cache", "mem", "p-memoize",
]);
const AGGREGATION = /\b(count|sum|avg|min|max)\s*\(|\bgroup\s+by\b/i;

const OPTIONS: Option[] = [
  {
    title: "HTTP caching: `Cache-Control: max-age` / ETag so clients and a CDN reuse answers",
    pros: ["No server state; the CDN absorbs the load"],
    cons: ["Only for answers that are the same for every caller (or vary by a header)"],
  },
  {
    title: "An application cache (Redis, an in-process LRU) with a short TTL",
    pros: ["Works for per-user answers; one place to invalidate"],
    cons: ["Stale reads within the TTL; Redis is one more service to run"],
  },
];

interface Candidate {
  endpoint: Endpoint;
  why: string;
}

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const byService = new Map<string, Candidate[]>();
  for (const { endpoints, accesses } of handlersWithQueries(model)) {
    const why = reason(accesses);
    if (!why) continue;
    for (const endpoint of endpoints.filter((e) => e.method === "GET")) byService.set(endpoint.serviceId, [...(byService.get(endpoint.serviceId) ?? []), { endpoint, why }]);
  }
  for (const [serviceId, candidates] of [...byService].sort(([a], [b]) => compareText(a, b))) {
    const service = model.services.find((s) => s.id === serviceId);
    if (service && hasCacheLayer(model, service)) continue;
    const distinct = new Map(candidates.map((c) => [describeEndpoint(c.endpoint), c]));
    report(model, ctx, serviceId, [...distinct.values()].sort((a, b) => compareText(a.endpoint.path, b.endpoint.path)));
  }
}

/** "3 queries" or "an aggregation", when the handler is worth caching. */
function reason(accesses: DataAccess[]): string | undefined {
  const reads = accesses.filter((a) => a.operation === "select" || a.operation === "raw");
  if (reads.length < accesses.length) return undefined; // it writes too: not a pure read
  if (reads.length >= MIN_QUERIES) return `${reads.length} queries`;
  if (reads.some((a) => a.rawSql && AGGREGATION.test(a.rawSql))) return "an aggregation";
  return undefined;
}

function hasCacheLayer(model: ArchitectureModel, service: Service): boolean {
  return service.dependencies.some((d) => CACHE_PACKAGES.has(d)) || model.outboundCalls.some((c) => c.kind === "cache");
}

function report(model: ArchitectureModel, ctx: RuleContext, serviceId: string, candidates: Candidate[]): void {
  const listed = candidates.slice(0, MAX_LISTED).map((c) => `${describeEndpoint(c.endpoint)} (${c.why})`);
  const more = candidates.length > MAX_LISTED ? ` and ${candidates.length - MAX_LISTED} more` : "";
  ctx.report({
    confidence: CONFIDENCE,
    message: `${serviceId} has no cache layer, and ${candidates.length} read endpoint(s) query the database several times or aggregate on every request: ${listed.join(", ")}${more}.`,
    location: candidates[0].endpoint.location,
    subject: `${serviceId} cache-candidates`,
    evidence: candidates.slice(0, MAX_LISTED).map((c) => ctx.codeEvidence(c.endpoint.location, `${describeEndpoint(c.endpoint)}: ${c.why} per request`)),
    remediation: { summary: "Cache the answers of the hot read endpoints (HTTP caching or an application cache with a TTL) where slightly stale data is acceptable.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Which of these read endpoints are called often, and how old may their answers be? (${listed.slice(0, 3).join(", ")}${candidates.length > 3 ? ", …" : ""})`),
  });
}

export const rule: Rule = { meta, check };
