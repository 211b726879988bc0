// CAPACITY.md: every figure of the capacity plan with its formula and inputs.
import type { CapacityPlan } from "./capacity.ts";
import { formatNumber } from "./plan.ts";
import { PARTITION_ROWS } from "./schema.ts";
import { assumptionsTable, figureLine, markdownTable } from "./render-common.ts";

export function capacityMd(service: string, plan: CapacityPlan): string {
  const { pool, replicas } = plan;
  return [
    `# ${service}: capacity`, "",
    "Every number below is derived from the requirements; the formula and its inputs are written next to it. Replace an assumption and the arithmetic tells you what changes.", "",
    "## Assumptions", "", assumptionsTable(plan.assumptions), "",
    "## Connection pool (Little's law)", "",
    "Requests in flight = arrival rate × time in the system. With each pattern's p99 as its time this is an upper bound.", "",
    markdownTable(["pattern", "kind", "peak/s", "p99 ms", "in flight"], plan.patterns.map((p) => [p.pattern, p.kind, formatNumber(p.ratePerSecond), formatNumber(p.latencyMs), formatNumber(p.inFlight)])), "",
    figureLine("requests in flight", pool.requestsInFlight),
    figureLine("connections busy", pool.activeConnections),
    figureLine("pool, all instances", pool.total),
    figureLine(`pool per instance (${pool.instances} instances, from RELIABILITY.md)`, pool.perInstance), "",
    pool.needsPooler ? `**${pool.total.value} connections exceed PostgreSQL's default: see the connection-pooler ADR.**` : `${pool.total.value} connections fit PostgreSQL's default max_connections without a pooler.`, "",
    "## Cache plan", "",
    "Per read pattern: how often its entity is read per write, whether a cache pays off, and a TTL that bounds the share of stale hits.", "",
    markdownTable(["pattern", "entity reads/s", "entity writes/s", "reads per write", "cache", "TTL", "stale hits", "key", "invalidated by"], plan.cache.map((c) => [
      c.pattern, formatNumber(c.readsPerSecond), formatNumber(c.writesPerSecond), c.readWriteRatio === null ? "no writes" : formatNumber(c.readWriteRatio),
      c.cache ? "yes" : "no", c.ttl ? `${c.ttl.value} s` : "—", c.staleShare && Number.isFinite(c.staleShare.value) ? formatNumber(c.staleShare.value) : "—", c.key ? `\`${c.key}\`` : "—", (c.cache && c.invalidatedBy.join(", ")) || "—",
    ])), "",
    ...plan.cache.flatMap((c) => [`- ${c.pattern}: ${c.cache ? "cache" : "no cache"}, ${c.reason}.`, ...(c.ttl ? [`  ${figureLine("TTL", c.ttl).slice(2)}`, ...(c.staleShare && Number.isFinite(c.staleShare.value) ? [`  ${figureLine("stale hits", c.staleShare).slice(2)}`] : [])] : [])]), "",
    "## Storage growth", "",
    plan.storage.length
      ? markdownTable(["table", "rows", "growth/month", "row bytes", "index bytes/row", "in 12 months", "in 36 months"], plan.storage.map((s) => [s.entity, formatNumber(s.rows), formatNumber(s.growthPerMonth), formatNumber(s.rowBytes.value), formatNumber(s.indexBytesPerRow.value), `${formatNumber(s.in12Months.value)} GiB`, `${formatNumber(s.in36Months.value)} GiB`]))
      : "No entity declares a volume (see questions.md).",
    "",
    ...plan.storage.flatMap((s) => [`- ${s.entity}`, `  ${figureLine("row", s.rowBytes).slice(2)}`, `  ${figureLine("indexes per row", s.indexBytesPerRow).slice(2)}`, `  ${figureLine("36 months", s.in36Months).slice(2)}`]),
    "", "Heap and B-tree sizes before bloat and free space; text columns assumed half full.", "",
    "## Read replicas", "",
    figureLine("read queries at once", replicas.readActive),
    figureLine("write queries at once", replicas.writeActive),
    figureLine("one server runs", replicas.perServer),
    figureLine("read replicas", replicas.replicas), "",
    "## Partitioning", "",
    plan.partitions.length
      ? plan.partitions.map((p) => (p.months ? `${figureLine(`${p.entity} reaches ${formatNumber(PARTITION_ROWS)} rows in`, p.months)}${p.months.value > 36 ? " (beyond the 36-month horizon: no partitioning planned)" : ""}` : `- ${p.entity}: does not grow; no partitioning.`)).join("\n")
      : "No entity declares a volume.",
    "",
  ].join("\n");
}
