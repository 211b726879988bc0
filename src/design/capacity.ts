// The capacity designer: pure over the requirements and the designed schema. Connection pools
// from Little's law, a cache plan per read pattern from its entity's read/write ratio and a
// staleness budget, storage growth from column sizes, and the thresholds at which read replicas
// or partitions are due. Every number is a Figure: formula, inputs, result.
import type { Entity } from "../model/types.ts";
import type { AccessPattern, Requirements } from "../ingest/requirements/schema.ts";
import type { Decision } from "./decisions.ts";
import { PARTITION_ROWS, type SchemaDesign } from "./schema.ts";
import { compareText, figure, formatNumber, patternLatencyMs, round2, round4, type Assumption, type Figure } from "./plan.ts";

/** Share of a request's p99 its queries hold a connection (the rest: network, serialisation, outbound calls). */
export const QUERY_SHARE = 0.5;
/** Spare connections over the Little's-law figure, for bursts inside the peak second. */
export const POOL_HEADROOM = 1.25;
/** PostgreSQL's default max_connections, less superuser_reserved_connections (3). */
export const USABLE_CONNECTIONS = 97;
/** Database server assumed for the replica threshold. */
export const DATABASE_VCPUS = 8;
/** A read pattern is cached when its entity is read at least this many times per write … */
export const CACHE_MIN_READ_WRITE_RATIO = 10;
/** … and the pattern itself is this busy (requests per second). */
export const CACHE_MIN_RATE = 50;
/** Share of cached reads allowed to be stale; the TTL follows from it. */
export const STALE_SHARE = 0.01;
/** No entry lives longer than this (seconds), even for rows nobody writes. */
export const MAX_TTL_SECONDS = 300;

export interface PatternLoad {
  pattern: string;
  entity: string;
  kind: "read" | "write";
  ratePerSecond: number;
  latencyMs: number;
  /** Requests of this pattern in flight at peak: rate × p99 (Little's law, an upper bound). */
  inFlight: number;
}

export interface PoolPlan {
  /** Σ rate × p99 over all patterns: requests in flight at peak. */
  requestsInFlight: Figure;
  /** Connections busy at peak: requests in flight × the query share. */
  activeConnections: Figure;
  total: Figure;
  instances: number;
  perInstance: Figure;
  /** The total exceeds what one PostgreSQL accepts by default: put PgBouncer (transaction mode) in front. */
  needsPooler: boolean;
}

export interface CacheEntry {
  pattern: string;
  entity: string;
  /** The pattern's own peak rate. */
  ratePerSecond: number;
  readsPerSecond: number;
  writesPerSecond: number;
  /** Reads per write on the entity; null when nothing writes it. */
  readWriteRatio: number | null;
  cache: boolean;
  reason: string;
  ttl?: Figure;
  /** Expected share of stale hits with that TTL. */
  staleShare?: Figure;
  key?: string;
  invalidatedBy: string[];
}

export interface StorageEstimate {
  entity: string;
  rows: number;
  growthPerMonth: number;
  rowBytes: Figure;
  indexBytesPerRow: Figure;
  in12Months: Figure;
  in36Months: Figure;
}

export interface PartitionThreshold {
  entity: string;
  /** Months until the table reaches PARTITION_ROWS; 0 when it already has. null when it never does at this growth. */
  months: Figure | null;
}

export interface ReplicaPlan {
  readActive: Figure;
  writeActive: Figure;
  perServer: Figure;
  replicas: Figure;
}

export interface CapacityPlan {
  patterns: PatternLoad[];
  pool: PoolPlan;
  cache: CacheEntry[];
  storage: StorageEstimate[];
  partitions: PartitionThreshold[];
  replicas: ReplicaPlan;
  assumptions: Assumption[];
  decisions: Decision[];
  questions: Decision[];
}

export interface CapacityOptions {
  /** Application instances sharing the pool (the reliability plan's redundancy); default 2. */
  instances?: number;
}

export function capacityPlan(req: Requirements, schema: SchemaDesign, options: CapacityOptions = {}): CapacityPlan {
  const patterns = req.accessPatterns.map((p): PatternLoad => {
    const latencyMs = patternLatencyMs(req, p);
    return { pattern: p.name, entity: p.entity, kind: p.kind, ratePerSecond: p.peakPerSecond, latencyMs, inFlight: round2((p.peakPerSecond * latencyMs) / 1000) };
  });
  const pool = poolPlan(patterns, options.instances ?? 2);
  const cache = req.accessPatterns.filter((p) => p.kind === "read").map((p) => cacheEntry(req, p)).sort((a, b) => compareText(a.pattern, b.pattern));
  const storage = req.entities.filter((e) => e.volume).map((e) => storageEstimate(e.name, e.volume!, schema.entities.find((x) => x.name === e.name)!)).sort((a, b) => compareText(a.entity, b.entity));
  const partitions = req.entities.filter((e) => e.volume).map((e) => partitionThreshold(e.name, e.volume!)).sort((a, b) => compareText(a.entity, b.entity));
  const replicas = replicaPlan(patterns);
  return {
    patterns, pool, cache, storage, partitions, replicas,
    assumptions: ASSUMPTIONS,
    decisions: capacityDecisions(pool, cache, replicas),
    questions: [{
      id: "query-time", title: "How long do queries hold a connection?", confidence: 60,
      context: `The pool and replica figures assume queries take ${QUERY_SHARE * 100}% of each pattern's p99.`,
      options: [], recommendation: "Measure mean and p99 query time (pg_stat_statements) under load and replace the assumption.",
    }],
  };
}

const ASSUMPTIONS: Assumption[] = [
  { name: "query share", value: String(QUERY_SHARE), why: "queries hold a connection for at most this share of a request's p99" },
  { name: "pool headroom", value: String(POOL_HEADROOM), why: "bursts inside the peak second" },
  { name: "usable connections", value: String(USABLE_CONNECTIONS), why: "PostgreSQL max_connections 100 − 3 reserved for superusers" },
  { name: "database vCPUs", value: String(DATABASE_VCPUS), why: "one server runs about 2 × vCPU + 1 queries at once before they queue (the PostgreSQL wiki's pool-size formula)" },
  { name: "stale share", value: String(STALE_SHARE), why: "at most 1% of cache hits may be older than the row" },
];

function poolPlan(patterns: PatternLoad[], instances: number): PoolPlan {
  const inFlight = round2(patterns.reduce((sum, p) => sum + p.inFlight, 0));
  const requestsInFlight = figure(inFlight, "requests", "Σ peak rate × p99 s", patterns.map((p) => `${formatNumber(p.ratePerSecond)} × ${formatNumber(p.latencyMs / 1000)}`).join(" + ") || "0");
  const active = round2(inFlight * QUERY_SHARE);
  const activeConnections = figure(active, "connections", "requests in flight × query share", `${formatNumber(inFlight)} × ${QUERY_SHARE}`);
  const totalValue = Math.max(2, Math.ceil(round4(active * POOL_HEADROOM)));
  const total = figure(totalValue, "connections", "⌈active connections × headroom⌉ (at least 2)", `⌈${formatNumber(active)} × ${POOL_HEADROOM}⌉`);
  const perInstance = figure(Math.ceil(totalValue / instances), "connections", "⌈total ÷ instances⌉", `⌈${totalValue} ÷ ${instances}⌉`);
  return { requestsInFlight, activeConnections, total, instances, perInstance, needsPooler: totalValue > USABLE_CONNECTIONS };
}

function cacheEntry(req: Requirements, pattern: AccessPattern): CacheEntry {
  const onEntity = req.accessPatterns.filter((p) => p.entity === pattern.entity);
  const reads = onEntity.filter((p) => p.kind === "read").reduce((s, p) => s + p.peakPerSecond, 0);
  const writers = onEntity.filter((p) => p.kind === "write");
  const writes = writers.reduce((s, p) => s + p.peakPerSecond, 0);
  const ratio = writes ? round2(reads / writes) : null;
  const base = { pattern: pattern.name, entity: pattern.entity, ratePerSecond: pattern.peakPerSecond, readsPerSecond: reads, writesPerSecond: writes, readWriteRatio: ratio, invalidatedBy: writers.map((w) => w.name).sort(compareText) };
  const entity = req.entities.find((e) => e.name === pattern.entity) as { consistency?: string; volume?: { rows: number } } | undefined;
  if (entity?.consistency === "strict") return { ...base, cache: false, reason: `${pattern.entity} has strict consistency: a read must see the latest committed write` };
  if (ratio !== null && ratio < CACHE_MIN_READ_WRITE_RATIO) return { ...base, cache: false, reason: `${pattern.entity} is read ${formatNumber(ratio)}× per write (< ${CACHE_MIN_READ_WRITE_RATIO}): entries would be invalidated before they pay off` };
  if (pattern.peakPerSecond < CACHE_MIN_RATE) return { ...base, cache: false, reason: `${formatNumber(pattern.peakPerSecond)}/s < ${CACHE_MIN_RATE}/s: the database serves it without a cache` };
  const rows = entity?.volume?.rows;
  const { ttl, staleShare } = ttlFigures(rows, writes);
  const variable = pattern.filters.filter((f) => f.value === undefined).map((f) => `{${f.field}}`);
  const isList = pattern.sort.length > 0 || !variable.length;
  const key = [pattern.entity, pattern.name, ...variable, ...(isList ? ["{cursor}", "{limit}"] : [])].join(":");
  const reason = ratio === null ? `nothing writes ${pattern.entity}; ${formatNumber(pattern.peakPerSecond)}/s ≥ ${CACHE_MIN_RATE}/s` : `${pattern.entity} is read ${formatNumber(ratio)}× per write (≥ ${CACHE_MIN_READ_WRITE_RATIO}) and ${formatNumber(pattern.peakPerSecond)}/s ≥ ${CACHE_MIN_RATE}/s`;
  return { ...base, cache: true, reason, ttl, staleShare, key };
}

/** TTL so that ≈ STALE_SHARE of hits are stale: P(stale) ≈ TTL × writes/s ÷ rows for writes spread over the rows. */
function ttlFigures(rows: number | undefined, writes: number): { ttl: Figure; staleShare: Figure } {
  if (!writes || !rows) {
    const ttl = figure(MAX_TTL_SECONDS, "s", "maximum TTL", writes ? "no volume declared: the cap" : "no writes declared: the cap");
    const staleShare = writes ? figure(NaN, "", "TTL × writes/s ÷ rows", "rows unknown") : figure(0, "", "TTL × writes/s ÷ rows", `${MAX_TTL_SECONDS} × 0 ÷ rows`);
    return { ttl, staleShare };
  }
  const seconds = Math.max(1, Math.min(MAX_TTL_SECONDS, Math.floor((STALE_SHARE * rows) / writes)));
  const ttl = figure(seconds, "s", "min(cap, ⌊stale share × rows ÷ writes/s⌋)", `min(${MAX_TTL_SECONDS}, ⌊${STALE_SHARE} × ${rows} ÷ ${formatNumber(writes)}⌋)`);
  const staleShare = figure(round4((seconds * writes) / rows), "", "TTL × writes/s ÷ rows", `${seconds} × ${formatNumber(writes)} ÷ ${rows}`);
  return { ttl, staleShare };
}

/** Bytes a value of a PostgreSQL type takes on disk; text assumed half its maximum length. */
export function columnBytes(type: string): number {
  const varchar = /^varchar\((\d+)\)$/.exec(type);
  if (varchar) return Math.ceil(Number(varchar[1]) / 2) + 1;
  const numeric = /^numeric\((\d+),\d+\)$/.exec(type);
  if (numeric) return 3 + 2 * Math.ceil(Number(numeric[1]) / 4);
  return FIXED_BYTES[type] ?? 33;
}

const FIXED_BYTES: Record<string, number> = { uuid: 16, bigint: 8, integer: 4, smallint: 2, timestamptz: 8, date: 4, boolean: 1, jsonb: 200, text: 33 };
/** Heap tuple header (23, aligned to 24) plus its 4-byte line pointer. */
const ROW_OVERHEAD = 28;
/** Index tuple header (8) plus its 4-byte line pointer. */
const INDEX_ENTRY_OVERHEAD = 12;
const GIB = 1024 ** 3;

function storageEstimate(name: string, volume: { rows: number; growthPerMonth: number; avgRowBytes?: number }, entity: Entity): StorageEstimate {
  const byName = new Map(entity.columns.map((c) => [c.name, columnBytes(c.type)]));
  const rowBytes = volume.avgRowBytes
    ? figure(volume.avgRowBytes, "B", "declared avgRowBytes", String(volume.avgRowBytes))
    : figure(ROW_OVERHEAD + [...byName.values()].reduce((s, n) => s + n, 0), "B", "row header 28 + Σ column bytes", `28 + ${entity.columns.map((c) => byName.get(c.name)).join(" + ")}`);
  const keys = [entity.primaryKey, ...entity.uniques, ...entity.indexes.map((i) => i.columns)];
  const perIndex = keys.map((cols) => INDEX_ENTRY_OVERHEAD + cols.reduce((s, c) => s + (byName.get(c) ?? 8), 0));
  const indexBytesPerRow = figure(perIndex.reduce((s, n) => s + n, 0), "B", "Σ over indexes (12 + key bytes)", perIndex.join(" + "));
  const perRow = rowBytes.value + indexBytesPerRow.value;
  const at = (months: number) => {
    const rows = volume.rows + volume.growthPerMonth * months;
    return figure(round2((rows * perRow) / GIB), "GiB", `(rows + ${months} × growth) × (row + index bytes) ÷ 2³⁰`, `(${volume.rows} + ${months} × ${volume.growthPerMonth}) × ${perRow} ÷ 2³⁰`);
  };
  return { entity: name, rows: volume.rows, growthPerMonth: volume.growthPerMonth, rowBytes, indexBytesPerRow, in12Months: at(12), in36Months: at(36) };
}

function partitionThreshold(name: string, volume: { rows: number; growthPerMonth: number }): PartitionThreshold {
  if (volume.rows >= PARTITION_ROWS) return { entity: name, months: figure(0, "months", "rows ≥ threshold", `${volume.rows} ≥ ${PARTITION_ROWS}`) };
  if (!volume.growthPerMonth) return { entity: name, months: null };
  const months = Math.ceil((PARTITION_ROWS - volume.rows) / volume.growthPerMonth);
  return { entity: name, months: figure(months, "months", "⌈(threshold − rows) ÷ growth per month⌉", `⌈(${PARTITION_ROWS} − ${volume.rows}) ÷ ${volume.growthPerMonth}⌉`) };
}

function replicaPlan(patterns: PatternLoad[]): ReplicaPlan {
  const active = (kind: "read" | "write") => {
    const of = patterns.filter((p) => p.kind === kind);
    const inFlight = round2(of.reduce((s, p) => s + p.inFlight, 0));
    return figure(round2(inFlight * QUERY_SHARE), "queries", `Σ ${kind} rate × p99 s × query share`, `${formatNumber(inFlight)} × ${QUERY_SHARE}`);
  };
  const readActive = active("read");
  const writeActive = active("write");
  const perServer = figure(DATABASE_VCPUS * 2 + 1, "queries", "2 × vCPU + 1", `2 × ${DATABASE_VCPUS} + 1`);
  const servers = Math.ceil(round4((readActive.value + writeActive.value) / perServer.value));
  const replicas = figure(Math.max(0, servers - 1), "replicas", "⌈(read + write active) ÷ per server⌉ − 1", `⌈(${formatNumber(readActive.value)} + ${formatNumber(writeActive.value)}) ÷ ${perServer.value}⌉ − 1`);
  return { readActive, writeActive, perServer, replicas };
}

function capacityDecisions(pool: PoolPlan, cache: CacheEntry[], replicas: ReplicaPlan): Decision[] {
  const decisions: Decision[] = [];
  const cached = cache.filter((c) => c.cache);
  if (cached.length) {
    decisions.push({
      id: "read-cache", title: `Cache-aside for ${cached.map((c) => c.pattern).join(", ")}`, confidence: 75,
      context: cached.map((c) => `${c.pattern}: ${c.reason}; TTL ${c.ttl!.value} s.`).join(" "),
      options: [
        { name: "cache-aside in Redis with the TTLs of CAPACITY.md, deleted by the writes that change the entity", pros: ["takes the busiest reads off the database", "stale share bounded by the TTL"], cons: ["another system to run", "a write and its invalidation are not atomic: reads may be stale up to the TTL"] },
        { name: "no cache; read replicas or a bigger primary", pros: ["always fresh", "one system"], cons: ["every read costs a query", "replicas lag too"] },
      ],
      recommendation: "Cache-aside with the listed TTLs; drop a pattern from the cache when its staleness is not acceptable.",
    });
  }
  if (replicas.replicas.value > 0) {
    decisions.push({
      id: "read-replicas", title: `Read replicas: ${replicas.replicas.value} by the upper bound`, confidence: 72,
      context: `At peak ${formatNumber(replicas.readActive.value + replicas.writeActive.value)} queries run at once (an upper bound), one ${DATABASE_VCPUS}-vCPU server runs ${replicas.perServer.value}.`,
      options: [
        { name: "read replicas for list reads", pros: ["scales reads linearly"], cons: ["replication lag: read-your-writes needs the primary", "more servers"] },
        { name: "measure first, then a bigger primary", pros: ["the bound assumes queries take half of each p99; real queries are often faster"], cons: ["vertical scaling has a ceiling"] },
      ],
      recommendation: "Measure query time under load first (see the question); add replicas only if the measured figure still exceeds one server.",
    });
  }
  if (pool.needsPooler) {
    decisions.push({
      id: "connection-pooler", title: "PgBouncer in transaction mode", confidence: 80,
      context: `The pool needs ${pool.total.value} connections, PostgreSQL accepts ${USABLE_CONNECTIONS} by default.`,
      options: [
        { name: "PgBouncer (transaction pooling)", pros: ["thousands of client connections on few server connections"], cons: ["no session state: SET, advisory locks and prepared statements need care"] },
        { name: "raise max_connections", pros: ["no extra component"], cons: ["each connection costs memory; contention grows past 2 × vCPU active queries"] },
      ],
      recommendation: "PgBouncer in transaction mode with default_pool_size near 2 × vCPU + 1.",
    });
  }
  return decisions;
}
