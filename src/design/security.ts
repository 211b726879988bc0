// The security designer: pure over the requirements and the designed API. The authentication
// flow the OpenAPI document declares (OAuth2 authorization code + PKCE, JWT bearer tokens with
// the role as scope), a role × operation matrix with row ownership derived from relations, STRIDE
// threats per data flow with mitigations named after this design's tables, fields and figures,
// and how each personal or secret field is encrypted, retained and audited.
import type { AccessPattern, Requirements, RequirementsEntity } from "../ingest/requirements/schema.ts";
import { relationColumn } from "../ingest/requirements/load.ts";
import type { Decision } from "./decisions.ts";
import { routeOf, singular, type Route } from "./plan.ts";

export type SequenceStep =
  | { kind: "message"; from: string; to: string; text: string; reply: boolean }
  | { kind: "alt" | "else"; label: string }
  | { kind: "end" };

export interface AuthFlow {
  participants: { id: string; label: string; actor: boolean }[];
  steps: SequenceStep[];
}

export interface MatrixRow {
  pattern: string;
  operation: string;
  /** One cell per role, in the order of `roles`: "allow", "own: <predicate>" or "—". */
  cells: string[];
}

export interface RoleMatrix {
  roles: string[];
  rows: MatrixRow[];
}

export type StrideCategory = "Spoofing" | "Tampering" | "Repudiation" | "Information disclosure" | "Denial of service" | "Elevation of privilege";

export interface StrideThreat {
  flow: string;
  category: StrideCategory;
  threat: string;
  mitigation: string;
}

export interface PiiField {
  entity: string;
  field: string;
  tag: "pii" | "secret";
  encryption: string;
  retention: string;
  audit: string;
  /** Roles that can read it through the API. */
  exposedTo: string[];
}

export interface SecurityPlan {
  authFlow: AuthFlow;
  matrix: RoleMatrix;
  threats: StrideThreat[];
  pii: PiiField[];
  decisions: Decision[];
  questions: Decision[];
}

/** Figures from the other designers that the threats cite; all optional. */
export interface SecurityContext {
  poolSize?: number;
  /** Patterns whose reads are cached, with their cache keys. */
  cachedKeys?: Record<string, string>;
  /** Dependencies called from a worker (outbox) instead of the request. */
  asyncDependencies?: string[];
  timeoutsMs?: Record<string, number>;
  /** Row-level security from the schema designer, when the service is multi-tenant. */
  tenancy?: { column: string; setting: string; tables: string[] };
}

export const ACCESS_TOKEN_MINUTES = 15;

export function securityPlan(req: Requirements, api: Record<string, unknown>, context: SecurityContext = {}): SecurityPlan {
  const matrix = roleMatrix(req, api);
  return {
    authFlow: authFlow(req, api),
    matrix,
    threats: strideThreats(req, matrix, context),
    pii: piiFields(req),
    decisions: securityDecisions(req),
    questions: securityQuestions(req),
  };
}

/** The chain of relations from an entity to the entity that represents the actor, as a predicate. */
function ownership(req: Requirements, entity: RequirementsEntity, actor: string): string | undefined {
  const owner = req.entities.find((e) => singular(e.name) === actor);
  if (!owner) return undefined;
  if (entity.name === owner.name) return "id = caller";
  const direct = entity.relations.find((r) => r.to === owner.name);
  if (direct) return `${relationColumn(direct)} = caller`;
  for (const relation of entity.relations) {
    const parent = req.entities.find((e) => e.name === relation.to);
    const hop = parent?.relations.find((r) => r.to === owner.name);
    if (hop) return `${relationColumn(relation)} → ${parent!.name}.${relationColumn(hop)} = caller`;
  }
  return undefined;
}

function roleMatrix(req: Requirements, api: Record<string, unknown>): RoleMatrix {
  const roles = req.actors.map((a) => a.name);
  const rows = [...req.accessPatterns].sort((a, b) => (a.name < b.name ? -1 : 1)).map((pattern): MatrixRow => {
    const actor = req.actors.find((a) => a.name === pattern.actor)!;
    const owned = actor.public ? undefined : ownership(req, entityOf(req, pattern), actor.name);
    const cells = roles.map((role) => {
      if (actor.public) return "allow";
      if (role !== actor.name) return "—";
      return owned ? `own: ${owned}` : "allow";
    });
    return { pattern: pattern.name, operation: operationText(routeOf(api, pattern.name)), cells };
  });
  return { roles, rows };
}

function operationText(route: Route | undefined): string {
  return route ? `${route.method} ${route.path}` : "(no route)";
}

function authFlow(req: Requirements, api: Record<string, unknown>): AuthFlow {
  const service = `${req.service.name} API`;
  // An operation on the caller's own rows shows the whole chain: token, scope, ownership predicate.
  const protectedPatterns = [...req.accessPatterns].sort((a, b) => (a.name < b.name ? -1 : 1)).filter((p) => !req.actors.find((a) => a.name === p.actor)!.public);
  const owns = (p: AccessPattern) => ownership(req, entityOf(req, p), p.actor) !== undefined;
  const protectedPattern = protectedPatterns.find((p) => owns(p) && p.kind === "read") ?? protectedPatterns.find(owns) ?? protectedPatterns[0];
  if (!protectedPattern) {
    return { participants: [{ id: "Client", label: "Client", actor: true }, { id: "API", label: service, actor: false }], steps: [{ kind: "message", from: "Client", to: "API", text: "every operation is public: no token", reply: false }] };
  }
  const role = protectedPattern.actor;
  const route = routeOf(api, protectedPattern.name);
  const owned = ownership(req, entityOf(req, protectedPattern), role);
  const message = (from: string, to: string, text: string, reply = false): SequenceStep => ({ kind: "message", from, to, text, reply });
  return {
    participants: [
      { id: "Client", label: `${role} client`, actor: true },
      { id: "IdP", label: "Identity provider", actor: false },
      { id: "API", label: service, actor: false },
      { id: "DB", label: "PostgreSQL", actor: false },
    ],
    steps: [
      message("Client", "IdP", `GET /authorize (code flow, scope ${role}, PKCE S256 challenge)`),
      message("IdP", "Client", "redirect with a one-time code", true),
      message("Client", "IdP", "POST /token (code + code_verifier)"),
      message("IdP", "Client", `access token (JWT, ${ACCESS_TOKEN_MINUTES} min, scope ${role}) + rotating refresh token`, true),
      message("Client", "API", `${operationText(route)} with Authorization Bearer JWT`),
      message("API", "API", `verify signature (cached JWKS), iss, aud ${req.service.name}, exp`),
      { kind: "alt", label: "token missing, invalid or expired" },
      message("API", "Client", "401 problem+json", true),
      { kind: "else", label: `scope lacks ${role}` },
      message("API", "Client", "403 problem+json", true),
      { kind: "else", label: "allowed" },
      ...databaseSteps(protectedPattern, owned),
      { kind: "end" },
    ],
  };
}

/** The query and the answer of the example operation: an insert sets the owner, other statements filter by it. */
function databaseSteps(pattern: AccessPattern, owned: string | undefined): SequenceStep[] {
  const predicate = owned?.replace("caller", "token sub");
  const message = (from: string, to: string, text: string, reply: boolean): SequenceStep => ({ kind: "message", from, to, text, reply });
  if (pattern.kind === "write" && pattern.operation === "create") {
    return [message("API", "DB", `${pattern.name}: INSERT${predicate ? ` with ${predicate}` : ""}`, false), message("DB", "API", "new row", true), message("API", "Client", "201 Created with Location", true)];
  }
  return [
    message("API", "DB", `${pattern.name}${predicate ? ` WHERE ${predicate}` : ""}`, false),
    message("DB", "API", "rows", true),
    message("API", "Client", pattern.operation === "delete" ? "204 No Content" : "200 with only the rows the caller may see", true),
  ];
}

function strideThreats(req: Requirements, matrix: RoleMatrix, context: SecurityContext): StrideThreat[] {
  const service = `${req.service.name} API`;
  const threats: StrideThreat[] = [];
  const add = (flow: string, category: StrideCategory, threat: string, mitigation: string) => threats.push({ flow, category, threat, mitigation });
  const fields = (tag: "pii" | "secret") => req.entities.flatMap((e) => e.fields.filter((f) => f.tags.includes(tag)).map((f) => `${e.name}.${f.name}`));
  const secrets = fields("secret");
  const pii = fields("pii");
  const concurrent = req.entities.filter((e) => e.concurrentUpdates).map((e) => e.name);
  const audited = req.compliance?.audit ?? [];
  const owned = matrix.rows.filter((r) => r.cells.some((c) => c.startsWith("own"))).map((r) => r.pattern);
  const busiest = [...req.accessPatterns].sort((a, b) => b.peakPerSecond - a.peakPerSecond || (a.name < b.name ? -1 : 1))[0];
  const maxPage = Math.max(50, ...req.accessPatterns.map((p) => p.pageSize ?? 0));
  const list = (items: string[], none: string) => (items.length ? items.join(", ") : none);
  const protectedCount = req.accessPatterns.filter((p) => !req.actors.find((a) => a.name === p.actor)!.public).length;

  const client = `clients → ${service}`;
  add(client, "Spoofing", `a forged or stolen bearer token calls the ${protectedCount} protected operation(s)`, `verify the JWT signature against the identity provider's JWKS, iss, aud = ${req.service.name} and exp (${ACCESS_TOKEN_MINUTES} min); authorization code + PKCE; refresh tokens rotate`);
  add(client, "Tampering", "a body is altered in transit, or a concurrent writer overwrites a change", `TLS only (HSTS); every body validated against openapi.yaml (422); ${concurrent.length ? `If-Match on ${concurrent.join(", ")}` : "no entity is updated concurrently, so no If-Match"}`);
  add(client, "Repudiation", "a caller denies having made a change", audited.length ? `audit rows for ${audited.join(", ")}: actor (token sub), request id, before and after, in the write's transaction` : "no entity is audited: log actor and request id for every write");
  add(client, "Information disclosure", "responses leak secrets, personal data or internals", `secret fields never serialised (${list(secrets, "none declared")}); personal data (${list(pii, "none declared")}) only to the roles in the matrix; problem+json errors without stack traces`);
  add(client, "Denial of service", "floods exhaust the pool and the workers", `per-client rate limits answering 429 with Retry-After (busiest operation ${busiest.name}: ${busiest.peakPerSecond}/s declared); page size capped at ${maxPage}; request bodies capped`);
  add(client, "Elevation of privilege", "broken object-level authorization: a caller reads or changes another's rows", `scope per operation (role matrix); ownership predicate in the query for ${list(owned, "no operation (no actor owns rows)")}`);
  const tenancy = context.tenancy;
  if (tenancy) add(client, "Information disclosure", "a caller of one tenant reads another tenant's rows", `row-level security on ${tenancy.tables.join(", ")}: ${tenancy.column} = current_setting('${tenancy.setting}'), set per transaction from the token's tenant claim`);
  if (protectedCount) {
    const idp = `identity provider → ${service}`;
    add(idp, "Spoofing", "tokens signed by another issuer or with alg none", "pin iss and the JWKS URL; accept only the provider's asymmetric algorithm");
    add(idp, "Information disclosure", "tokens leak through logs or URLs", "tokens only in the Authorization header; redact it in logs");
  }
  const db = `${service} → PostgreSQL`;
  const worstP99 = Math.max(...req.accessPatterns.map((p) => p.latencyP99Ms ?? req.objectives?.p99Ms ?? 200));
  add(db, "Spoofing", "another workload connects as the service", "a database role per service, credentials from a secret manager, TLS with sslmode=verify-full");
  add(db, "Tampering", "SQL injection rewrites a statement", "parameterised statements only ($n, as in design.md); no SQL built from strings");
  add(db, "Repudiation", "a row changes with no trace", audited.length ? `audit tables for ${audited.join(", ")} written in the same transaction` : "no audited entity declared (see questions.md)");
  add(db, "Information disclosure", "a stolen disk or backup exposes stored data", `encryption at rest for disks and backups; ${pii.length + secrets.length} personal or secret column(s) handled as in the PII table`);
  add(db, "Denial of service", "slow queries hold every connection", `statement_timeout ${worstP99} ms (the slowest pattern's p99)${context.poolSize ? `; pool of ${context.poolSize} connections (CAPACITY.md)` : ""}`);
  add(db, "Elevation of privilege", "the runtime role changes the schema or reads other tables", `runtime role with SELECT, INSERT, UPDATE, DELETE on its own tables only; migrations run as a separate owner role${tenancy ? " (the runtime role must not own the tables, or row-level security does not apply to it)" : ""}`);
  const cached = Object.entries(context.cachedKeys ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (cached.length) {
    const cache = `${service} → cache`;
    const ownedCached = cached.filter(([p]) => owned.includes(p)).map(([p]) => p);
    add(cache, "Information disclosure", "a cached response is served to a caller who may not see it", `keys carry every filter (${cached.map(([, k]) => k).join("; ")})${ownedCached.length ? `; the ownership check runs before a hit is returned for ${ownedCached.join(", ")}` : ""}`);
    add(cache, "Tampering", "someone with network access writes cache entries", "cache on a private network with AUTH and TLS; entries are only ever written by the API");
  }
  for (const dependency of [...req.dependencies].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const worker = context.asyncDependencies?.includes(dependency.name);
    const flow = `${worker ? "outbox worker" : service} → ${dependency.name}`;
    add(flow, "Spoofing", `a spoofed endpoint receives the calls meant for ${dependency.name}`, `TLS with certificate verification to the configured host; callbacks from ${dependency.name} verified by signature`);
    add(flow, "Tampering", "a response is altered or a call replayed", "validate responses against the provider's schema; an idempotency key on every call so a replay cannot apply twice");
    add(flow, "Repudiation", `a call to ${dependency.name} is disputed`, `log the idempotency key, the request id ${dependency.name} returns and the actor`);
    add(flow, "Information disclosure", `personal data sent to ${dependency.name}`, `send only the fields ${dependency.name} needs${req.compliance?.residency ? `; ${dependency.name} must process data in ${req.compliance.residency}` : ""}`);
    const timeout = context.timeoutsMs?.[dependency.name];
    add(flow, "Denial of service", `${dependency.name} slows down and ties up our workers`, worker ? "called from the outbox worker: the request path does not wait" : `${timeout ? `timeout ${timeout} ms, ` : ""}retry budget and circuit breaker (RELIABILITY.md)`);
    add(flow, "Elevation of privilege", `a leaked ${dependency.name} credential does more than this service needs`, "a least-privilege API key from the secret manager, rotated");
  }
  return threats;
}

function piiFields(req: Requirements): PiiField[] {
  const fields: PiiField[] = [];
  const retentionDays = req.compliance?.retentionDays;
  const audited = new Set(req.compliance?.audit ?? []);
  for (const entity of req.entities) {
    const readers = [...new Set(req.accessPatterns.filter((p) => p.kind === "read" && p.entity === entity.name).map((p) => p.actor))];
    const readersOf = req.actors.filter((a) => readers.includes(a.name)).map((a) => a.name);
    for (const field of entity.fields) {
      const tag = field.tags.includes("secret") ? "secret" : field.tags.includes("pii") ? "pii" : undefined;
      if (!tag) continue;
      const searched = req.accessPatterns.some((p) => p.entity === entity.name && p.filters.some((f) => f.field === field.name));
      const encryption = tag === "secret"
        ? "store a one-way hash (argon2id) or a KMS-encrypted value; writeOnly in the API"
        : searched
          ? "at rest (disk, backups); filtered by a pattern, so the column stays searchable: a keyed HMAC blind index if column encryption is required"
          : "at rest (disk, backups) plus application-level envelope encryption (KMS data key): no pattern filters on it";
      const retention = retentionDays
        ? `${retentionDays} days, then ${entity.softDelete ? "erased (the soft-deleted row keeps no personal data)" : "deleted or anonymised"}`
        : "not declared (see questions.md)";
      fields.push({
        entity: entity.name, field: field.name, tag, encryption, retention,
        audit: audited.has(entity.name) ? "changes audited (actor, time, before/after)" : "reads and changes logged with actor and request id, not the value",
        exposedTo: tag === "secret" ? [] : readersOf,
      });
    }
  }
  return fields;
}

function securityDecisions(req: Requirements): Decision[] {
  const kept = req.entities.filter((e) => e.softDelete && e.fields.some((f) => f.tags.includes("pii")));
  if (!kept.length) return [];
  return [{
    id: "pii-erasure", title: `Erase personal data of soft-deleted ${kept.map((e) => e.name).join(", ")}`, confidence: 76,
    context: `${kept.map((e) => e.name).join(", ")} ${kept.length === 1 ? "is" : "are"} soft-deleted and hold${kept.length === 1 ? "s" : ""} personal data (${kept.flatMap((e) => e.fields.filter((f) => f.tags.includes("pii")).map((f) => `${e.name}.${f.name}`)).join(", ")}); a soft delete alone keeps it.`,
    options: [
      { name: "anonymise on delete (overwrite personal fields, keep the row)", pros: ["foreign keys and history stay valid", "meets erasure requests at once"], cons: ["unique personal fields need a placeholder value"] },
      { name: "hard delete after the retention period", pros: ["no personal data left"], cons: ["referencing rows must be deleted or their RESTRICT foreign keys block it"] },
    ],
    recommendation: "Anonymise the personal fields when the row is soft-deleted; purge rows after the retention period.",
  }];
}

function securityQuestions(req: Requirements): Decision[] {
  const asked: Decision[] = [];
  if (req.actors.some((a) => !a.public)) {
    asked.push({ id: "identity-provider", title: "Which identity provider issues the tokens?", confidence: 60, context: "openapi.yaml uses placeholder authorize and token URLs.", options: [], recommendation: "Name the provider (its issuer and JWKS URL) and how roles reach the token's scope." });
  }
  const hasPii = req.entities.some((e) => e.fields.some((f) => f.tags.includes("pii")));
  if (hasPii && !req.compliance?.retentionDays) {
    asked.push({ id: "pii-retention", title: "How long may personal data be kept?", confidence: 55, context: "Fields are tagged pii but compliance.retentionDays is not set.", options: [], recommendation: "Add compliance.retentionDays." });
  }
  return asked;
}

function entityOf(req: Requirements, pattern: AccessPattern): RequirementsEntity {
  return req.entities.find((e) => e.name === pattern.entity)!;
}
