// The schema designer's decisions with their trade-offs: keys, partitioning, tenant isolation,
// auditing and the write strategy of strictly consistent entities. Confidence ≥ 90 is applied,
// 70–89 becomes an ADR for a human to confirm (src/design/decisions.ts).
import type { Requirements, RequirementsEntity } from "../ingest/requirements/schema.ts";
import type { Decision } from "./decisions.ts";

/** Above this many rows (or reached within 3 years of growth) a table is proposed for partitioning. */
export const PARTITION_ROWS = 100_000_000;

export function keyDecision(req: Requirements): Decision {
  const auto = req.entities.filter((e) => e.key === "auto").map((e) => e.name);
  const identity = req.entities.filter((e) => e.key === "identity").map((e) => e.name);
  const composite = req.entities.filter((e) => e.key === "composite").map((e) => e.name);
  return {
    id: "primary-keys",
    title: "Primary keys: UUIDv7 or identity",
    confidence: auto.length ? 78 : 95,
    context: `${auto.length ? `Entities without a declared key strategy: ${auto.join(", ")}.` : "Every entity declares its key."}${identity.length ? ` Identity keys: ${identity.join(", ")}.` : ""}${composite.length ? ` Join tables keyed by their two references: ${composite.join(", ")}.` : ""} Ids appear in URLs and in client retries.`,
    options: [
      { name: "UUIDv7 (uuid, DEFAULT uuidv7())", pros: ["not enumerable in URLs", "clients and services can create ids before insert (idempotent retries, merges)", "time-ordered: inserts stay at the right edge of the B-tree"], cons: ["16 bytes per key and per foreign key", "leaks the creation time"] },
      { name: "bigint identity", pros: ["8 bytes: smaller indexes and foreign keys", "readable in support tickets"], cons: ["enumerable: ids in URLs reveal volume and invite scraping", "needs a round-trip to the database to learn the id"] },
    ],
    recommendation: "UUIDv7 for entities exposed through the API; identity for internal, high-volume child rows that are only reached through their parent (declare `key: identity`).",
  };
}

export function partitionDecision(entity: RequirementsEntity): Decision[] {
  const rows = entity.volume?.rows ?? 0;
  const inThreeYears = rows + (entity.volume?.growthPerMonth ?? 0) * 36;
  if (inThreeYears < PARTITION_ROWS) return [];
  return [{
    id: `partition-${entity.name.replace(/_/g, "-")}`,
    title: `Partition ${entity.name} by created_at`,
    confidence: 72,
    context: `${entity.name} holds ${rows.toLocaleString("en-US")} rows and grows to about ${inThreeYears.toLocaleString("en-US")} in three years (threshold ${PARTITION_ROWS.toLocaleString("en-US")}).`,
    options: [
      { name: "range partitions by created_at (monthly)", pros: ["old months detach instead of large DELETEs (retention)", "vacuum and index builds per partition"], cons: ["the primary key must include created_at", "queries without created_at visit every partition"] },
      { name: "one table", pros: ["simplest; every index is global"], cons: ["retention deletes and vacuum over the whole table", "index rebuilds take longer"] },
    ],
    recommendation: "Range partitions by month once the table nears the threshold; until then one table (the DDL here is unpartitioned).",
  }];
}

export function tenancyDecision(req: Requirements): Decision[] {
  const tenancy = req.tenancy;
  if (!tenancy) return [];
  return [{
    id: "tenant-isolation",
    title: "Tenant isolation: one schema with row-level security",
    confidence: 85,
    context: `Every table but ${[tenancy.tenantEntity, ...tenancy.shared].join(", ")} holds rows of many tenants in a ${tenancy.column} column. The application sets ${tenancy.setting} at the start of each transaction (SET LOCAL) from the caller's token.`,
    options: [
      { name: "shared schema + row-level security (FORCE, policy on the tenant column)", pros: ["one schema to migrate", "the database refuses another tenant's rows even when a query forgets the filter", "composite foreign keys (tenant, id) keep references inside a tenant"], cons: ["a connection as superuser or a BYPASSRLS role sees everything", "a forgotten SET LOCAL fails every query (current_setting errors), which is the safe failure", "large tenants share indexes with small ones"] },
      { name: "schema per tenant", pros: ["per-tenant backup and restore", "no tenant column"], cons: ["migrations run once per tenant", "catalog bloat past a few thousand tenants", "connection pools per schema"] },
      { name: "database per tenant", pros: ["strongest isolation, per-tenant placement (residency)"], cons: ["cost and operations grow with tenants", "cross-tenant reporting needs another store"] },
    ],
    recommendation: "Shared schema with row-level security: indexes and unique constraints lead with the tenant column, the application role owns nothing and has no BYPASSRLS; move a tenant that outgrows the shared tables to its own database.",
  }];
}

export function auditDecision(req: Requirements): Decision {
  const retention = req.compliance?.retentionDays;
  return {
    id: "audit-trail",
    title: "Audit trail: trigger-written, append-only audit table",
    confidence: 90,
    context: `Changes to ${[...new Set(req.compliance?.audit ?? [])].sort().join(", ")} must be auditable${retention ? `; records are kept ${retention} days` : ""}.`,
    options: [
      { name: "AFTER trigger into an append-only audit_log", pros: ["no code path can skip it (API, scripts, consoles)", "old and new row in the same transaction as the change"], cons: ["the actor comes from a setting the application must set (app.user_id)", "one extra insert per changed row"] },
      { name: "application writes the audit row", pros: ["can record intent (which API call, why)"], cons: ["every write path must remember it", "direct SQL changes leave no trace"] },
    ],
    recommendation: `Trigger-written audit_log with secret fields left out; UPDATE, DELETE and TRUNCATE on it are refused${retention ? `, except deletes of rows older than ${retention} days (the retention purge)` : ""}.`,
  };
}

export function consistencyDecision(req: Requirements, entity: RequirementsEntity): Decision {
  const ledger = req.entities.find((e) => e.doubleEntry?.balance?.startsWith(`${entity.name}.`));
  return {
    id: `consistency-${entity.name.replace(/_/g, "-")}`,
    title: `Strict consistency for ${entity.name}: row locks in key order`,
    confidence: 80,
    context: `${entity.name} is written concurrently and must never lose an update or go inconsistent${ledger ? `; ${ledger.name} (double-entry) changes its ${ledger.doubleEntry!.balance!.split(".")[1]} in the same transaction` : ""}.`,
    options: [
      { name: "READ COMMITTED + SELECT … FOR UPDATE on the affected rows, in key order", pros: ["waits instead of failing: no retry loop for the common case", "locking in key order cannot deadlock", "CHECK constraints (e.g. balance >= 0) still guard every row"], cons: ["every writer must take the locks first", "a hot row serialises its writers"] },
      { name: "SERIALIZABLE + retry on serialization failure (SQLSTATE 40001)", pros: ["no explicit locks: the database detects conflicting transactions", "protects invariants that span rows no one locked"], cons: ["every transaction needs a retry loop", "aborts climb with contention on hot rows"] },
    ],
    recommendation: ledger
      ? `Row locks in key order on the ${ledger.doubleEntry!.groupBy.replace(/_id$/, "")} path: check the idempotency key first, then lock the ${entity.name} rows it touches (SELECT … ORDER BY id FOR UPDATE), then insert the ${ledger.name}; SERIALIZABLE only for rare multi-row invariants a lock cannot name.`
      : `Row locks in key order on every write path of ${entity.name}; SERIALIZABLE only for rare multi-row invariants a lock cannot name.`,
  };
}
