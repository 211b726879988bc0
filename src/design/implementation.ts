// The implementation guide: TypeScript (Fastify + Kysely) for the patterns this design relies on,
// written with this design's tables, columns, routes and figures — the pool size from the
// capacity plan, the timeouts, retries and breaker settings from the reliability plan, the
// ownership predicates from the security matrix. Pure: the same design gives the same text.
import type { Column, Entity } from "../model/types.ts";
import type { AccessPattern, Requirements } from "../ingest/requirements/schema.ts";
import type { CapacityPlan } from "./capacity.ts";
import { RETRY_BUDGET, type DependencyPlan, type ReliabilityPlan } from "./reliability.ts";
import type { SchemaDesign } from "./schema.ts";
import type { SecurityPlan } from "./security.ts";
import { camelCase, compareText, pascalCase, routeOf, type Route } from "./plan.ts";

export interface GuideSection {
  id: string;
  title: string;
  /** Paragraphs before the code: why the design needs this pattern, with the names it uses. */
  text: string[];
  /** Code blocks, each with its language. */
  code: { lang: "ts" | "sql"; text: string }[];
}

export interface GuideInput {
  requirements: Requirements;
  schema: SchemaDesign;
  api: Record<string, unknown>;
  capacity: CapacityPlan;
  reliability: ReliabilityPlan;
  security: SecurityPlan;
}

export function implementationGuide(input: GuideInput): GuideSection[] {
  return [setupSection(input), paginationSection(input), idempotencySection(input), lockingSection(input), resilienceSection(input), outboxSection(input)]
    .filter((s): s is GuideSection => s !== undefined);
}

const TS_TYPES: [RegExp, string][] = [
  [/^(uuid|text|varchar\(\d+\))$/, "string"], [/^(integer|smallint)$/, "number"], [/^(bigint|numeric\(\d+,\d+\))$/, "string"],
  [/^boolean$/, "boolean"], [/^(timestamptz|date)$/, "Date"], [/^jsonb$/, "unknown"],
];

function tsType(column: Column): string {
  const base = TS_TYPES.find(([pattern]) => pattern.test(column.type))?.[1] ?? "string";
  const value = column.nullable ? `${base} | null` : base;
  return column.default !== undefined ? `Generated<${value}>` : value;
}

function tableInterface(entity: Entity): string {
  return [`interface ${pascalCase(entity.name)}Table {`, ...entity.columns.map((c) => `  ${c.name}: ${tsType(c)};`), "}"].join("\n");
}

function setupSection({ requirements, schema, capacity, reliability }: GuideInput): GuideSection {
  const entities = [...schema.entities].sort((a, b) => compareText(a.name, b.name));
  const p99s = requirements.accessPatterns.map((p) => p.latencyP99Ms ?? requirements.objectives?.p99Ms ?? 200);
  const statementTimeout = Math.max(...p99s);
  const acquireTimeout = Math.min(...p99s);
  const code = [
    'import Fastify, { type FastifyReply } from "fastify";',
    `import { Kysely, PostgresDialect, sql, type Generated${tenantHelper(schema).length ? ", type Transaction" : ""} } from "kysely";`,
    'import pg from "pg";',
    "",
    ...entities.map(tableInterface).flatMap((t) => [t, ""]),
    "interface IdempotencyKeysTable {",
    "  caller: string;",
    "  key: string;",
    "  request_hash: string;",
    "  status_code: number | null;",
    "  response: unknown;",
    "  created_at: Generated<Date>;",
    "}",
    "",
    "export interface Database {",
    ...entities.map((e) => `  ${e.name}: ${pascalCase(e.name)}Table;`),
    "  idempotency_keys: IdempotencyKeysTable;",
    "}",
    "",
    `// Pool per instance: ${capacity.pool.perInstance.arithmetic} (CAPACITY.md; ${capacity.pool.instances} instances).`,
    "export const db = new Kysely<Database>({",
    "  dialect: new PostgresDialect({",
    "    pool: new pg.Pool({",
    "      connectionString: process.env.DATABASE_URL,",
    `      max: ${capacity.pool.perInstance.value},`,
    `      // Fail a request that cannot get a connection within the shortest pattern p99 (${acquireTimeout} ms).`,
    `      connectionTimeoutMillis: ${acquireTimeout},`,
    `      // The slowest pattern's p99: no statement may hold a connection longer.`,
    `      options: "-c statement_timeout=${statementTimeout}",`,
    "    }),",
    "  }),",
    "});",
    "",
    "declare module \"fastify\" {",
    "  // Set by the JWT verification hook (SECURITY.md): sub is the caller's id, scope its role.",
    "  interface FastifyRequest { user: { sub: string; scope: string } }",
    "}",
    "",
    "export const app = Fastify({ logger: { redact: [\"req.headers.authorization\"] } });",
    "",
    ...tenantHelper(schema),
    "/** RFC 9457 problem details, the error shape of openapi.yaml. */",
    "export function problem(reply: FastifyReply, status: number, title: string, headers: Record<string, string> = {}) {",
    "  return reply.code(status).headers(headers).type(\"application/problem+json\").send({ type: \"about:blank\", title, status });",
    "}",
  ];
  const objective = reliability.objectiveMs ? ` The objective p99 is ${reliability.objectiveMs} ms.` : "";
  return {
    id: "setup", title: "Setup: types, pool and errors",
    text: [`Kysely table types for the ${entities.length} tables of schema.sql, the pool sized in CAPACITY.md and the problem+json helper every route below uses.${objective}`],
    code: [{ lang: "ts", text: code.join("\n") }],
  };
}

/** With row-level security, every transaction first says whose tenant it runs for. */
function tenantHelper(schema: SchemaDesign): string[] {
  const tenancy = (schema as { tenancy?: { column: string; setting: string; tables: string[] } }).tenancy;
  if (!tenancy) return [];
  return [
    `/** Row-level security on ${tenancy.tables.join(", ")} reads ${tenancy.setting}: set it (transaction-local) before any query. */`,
    "export function withTenant<T>(tenantId: string, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {",
    "  return db.transaction().execute(async (trx) => {",
    `    await sql\`SELECT set_config('${tenancy.setting}', \${tenantId}, true)\`.execute(trx);`,
    "    return work(trx);",
    "  });",
    "}",
    "",
  ];
}

interface RouteParts {
  route: Route;
  fastifyPath: string;
  pathParams: string[];
}

function routeParts(api: Record<string, unknown>, pattern: AccessPattern): RouteParts | undefined {
  const route = routeOf(api, pattern.name);
  if (!route) return undefined;
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return { route, fastifyPath: route.path.replace(/\{(\w+)\}/g, ":$1"), pathParams };
}

const KYSELY_OPS = { eq: "=", in: "in", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

interface Ownership {
  column: string;
  /** Set when the column points to a parent that holds the owner: "accounts" and "customer_id". */
  parent?: { table: string; column: string };
}

/** How the caller owns the rows, read back from the security matrix ("own: col = caller" or "own: col → parent.col = caller"). */
function ownershipOf(security: SecurityPlan, pattern: string): Ownership | undefined {
  const own = security.matrix.rows.find((r) => r.pattern === pattern)?.cells.find((c) => c.startsWith("own: "));
  const match = own ? /^own: (\w+)(?: → (\w+)\.(\w+))? = caller$/.exec(own) : null;
  if (!match) return undefined;
  return { column: match[1], ...(match[2] ? { parent: { table: match[2], column: match[3] } } : {}) };
}

/** Lines that answer 403/404 unless the row the request names belongs to the caller. */
function ownershipGuard(owner: Ownership, value: string, entity: string): string[] {
  if (!owner.parent) return [`  // own rows only (SECURITY.md): ${owner.column} = caller.`, `  if (${value} !== request.user.sub) return problem(reply, 403, "not your ${entity}");`];
  return [
    `  // own rows only (SECURITY.md): ${owner.column} → ${owner.parent.table}.${owner.parent.column} = caller.`,
    `  const owned = await db.selectFrom(${literal(owner.parent.table)}).select("id").where("id", "=", ${value} as never).where(${literal(owner.parent.column)}, "=", request.user.sub as never).executeTakeFirst();`,
    `  if (!owned) return problem(reply, 404, "no such ${singularText(owner.parent.table)}");`,
  ];
}

function singularText(table: string): string {
  return table.replace(/_/g, " ").replace(/s$/, "");
}

function literal(value: string | number | boolean): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function paginationSection({ requirements, schema, api, security }: GuideInput): GuideSection | undefined {
  const pattern = [...requirements.accessPatterns].sort((a, b) => compareText(a.name, b.name)).find((p) => p.kind === "read" && p.sort.length > 0);
  const parts = pattern && routeParts(api, pattern);
  if (!pattern || !parts) return undefined;
  const entity = requirements.entities.find((e) => e.name === pattern.entity)!;
  const pageSize = pattern.pageSize ?? 50;
  const keys = [...pattern.sort.map((s) => ({ field: s.field, direction: s.direction })), { field: "id", direction: pattern.sort.at(-1)!.direction }];
  const variable = pattern.filters.filter((f) => f.value === undefined);
  const fromPath = (field: string) => parts.pathParams.includes(camelCase(field));
  const queryFilters = variable.filter((f) => !fromPath(f.field));
  const owner = ownershipOf(security, pattern.name);
  const querystring = [...queryFilters.map((f) => `${camelCase(f.field)}: ${f.op === "in" ? "string[]" : "string"}`), "cursor?: string", "limit?: number"];
  const generic = [`Querystring: { ${querystring.join("; ")} }`, ...(parts.pathParams.length ? [`Params: { ${parts.pathParams.map((p) => `${p}: string`).join("; ")} }`] : [])];
  const wheres = [
    ...variable.map((f) => `    .where(${literal(f.field)}, ${literal(KYSELY_OPS[f.op])}, ${fromPath(f.field) ? "request.params." : ""}${camelCase(f.field)})`),
    ...pattern.filters.filter((f) => f.value !== undefined).map((f) => `    .where(${literal(f.field)}, "=", ${literal(f.value!)})`),
    ...(entity.softDelete ? ['    .where("deleted_at", "is", null)'] : []),
  ];
  const uniform = keys.every((k) => k.direction === keys[0].direction);
  const comparator = (direction: string) => (direction === "asc" ? ">" : "<");
  const after = uniform
    ? [`    query = query.where((eb) => eb(eb.refTuple(${keys.map((k) => literal(k.field)).join(", ")}), "${comparator(keys[0].direction)}", eb.tuple(${keys.map((k) => camelCase(`after_${k.field}`)).join(", ")})));`]
    : [
        "    // Mixed directions: a row comes after the cursor if it differs on the first key that is not equal.",
        "    query = query.where((eb) => eb.or([",
        ...keys.map((k, i) => `      eb.and([${[...keys.slice(0, i).map((p) => `eb(${literal(p.field)}, "=", ${camelCase(`after_${p.field}`)})`), `eb(${literal(k.field)}, "${comparator(k.direction)}", ${camelCase(`after_${k.field}`)})`].join(", ")}]),`),
        "    ]));",
      ];
  const rowType = `{ ${keys.map((k) => `${k.field}: unknown`).join("; ")} }`;
  const code = [
    `// ${pattern.name}: ${parts.route.method} ${parts.route.path} — keyset pagination on (${keys.map((k) => `${k.field} ${k.direction}`).join(", ")}),`,
    `// the order of the index ${indexFor(pattern.name, schema) ?? "that serves it (design.md)"}; OFFSET would read every skipped row.`,
    `function encodeCursor(row: ${rowType}): string {`,
    `  return Buffer.from(JSON.stringify([${keys.map((k) => `row.${k.field}`).join(", ")}])).toString("base64url");`,
    "}",
    "",
    "function decodeCursor(cursor: string): unknown[] | undefined {",
    "  try {",
    "    const keys: unknown = JSON.parse(Buffer.from(cursor, \"base64url\").toString(\"utf8\"));",
    `    return Array.isArray(keys) && keys.length === ${keys.length} ? keys : undefined;`,
    "  } catch {",
    "    return undefined;",
    "  }",
    "}",
    "",
    `app.get<{ ${generic.join("; ")} }>(${literal(parts.fastifyPath)}, async (request, reply) => {`,
    `  const { ${[...queryFilters.map((f) => camelCase(f.field)), "cursor"].join(", ")} } = request.query;`,
    `  const limit = Math.min(request.query.limit ?? ${pageSize}, ${pageSize});`,
    ...(owner && variable.some((f) => f.field === owner.column) ? ownershipGuard(owner, fromPath(owner.column) ? `request.params.${camelCase(owner.column)}` : camelCase(owner.column), pattern.entity) : []),
    `  let query = db.selectFrom(${literal(pattern.entity)}).selectAll()`,
    `${wheres.join("\n")};`,
    "  if (cursor) {",
    "    const keys = decodeCursor(cursor);",
    '    if (!keys) return problem(reply, 400, "invalid cursor");',
    `    const [${keys.map((k) => camelCase(`after_${k.field}`)).join(", ")}] = keys as never[];`,
    ...after,
    "  }",
    "  const rows = await query",
    ...keys.map((k) => `    .orderBy(${literal(k.field)}, ${literal(k.direction)})`),
    "    .limit(limit + 1) // one extra row tells whether there is a next page",
    "    .execute();",
    "  const items = rows.slice(0, limit);",
    "  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };",
    "});",
  ];
  return {
    id: "cursor-pagination", title: `Cursor pagination (${pattern.name})`,
    text: [`${parts.route.method} ${parts.route.path} returns pages of at most ${pageSize} ${pattern.entity} rows with an opaque \`nextCursor\` (openapi.yaml). The cursor holds the last row's sort keys; the next page starts strictly after them, so a page costs the same at any depth and rows inserted meanwhile are neither skipped nor repeated.`],
    code: [{ lang: "ts", text: code.join("\n") }],
  };
}

function indexFor(pattern: string, schema: SchemaDesign): string | undefined {
  return schema.indexes.find((i) => i.serves.includes(pattern))?.index;
}

function idempotencySection({ requirements, api, security }: GuideInput): GuideSection | undefined {
  const pattern = [...requirements.accessPatterns].sort((a, b) => compareText(a.name, b.name)).find((p) => p.kind === "write" && p.operation === "create");
  const parts = pattern && routeParts(api, pattern);
  if (!pattern || !parts) return undefined;
  const owner = ownershipOf(security, pattern.name);
  const entity = requirements.entities.find((e) => e.name === pattern.entity) as { idempotencyKey?: boolean } | undefined;
  if (entity?.idempotencyKey) return keyColumnIdempotency(pattern, parts, owner);
  const values = owner && !owner.parent ? `{ ...request.body, ${owner.column}: request.user.sub }` : "request.body";
  const code = [
    `// ${pattern.name}: ${parts.route.method} ${parts.route.path} with a required Idempotency-Key header (openapi.yaml).`,
    'import { createHash } from "node:crypto";',
    "",
    `app.post<{ Body: Record<string, unknown>; Headers: { "idempotency-key": string } }>(${literal(parts.fastifyPath)}, async (request, reply) => {`,
    '  const key = request.headers["idempotency-key"];',
    '  if (!key || key.length > 255) return problem(reply, 400, "Idempotency-Key is required (at most 255 characters)");',
    "  const caller = request.user.sub;",
    ...(owner?.parent ? ownershipGuard(owner, `request.body.${owner.column}`, pattern.entity) : []),
    '  const requestHash = createHash("sha256").update(JSON.stringify(request.body)).digest("hex");',
    "  const outcome = await db.transaction().execute(async (trx) => {",
    "    // A concurrent retry with the same key waits here on the primary key until this transaction ends.",
    "    const claimed = await trx.insertInto(\"idempotency_keys\").values({ caller, key, request_hash: requestHash, status_code: null, response: null })",
    "      .onConflict((oc) => oc.columns([\"caller\", \"key\"]).doNothing()).returning(\"key\").executeTakeFirst();",
    "    if (!claimed) {",
    "      const first = await trx.selectFrom(\"idempotency_keys\").selectAll().where(\"caller\", \"=\", caller).where(\"key\", \"=\", key).executeTakeFirstOrThrow();",
    "      if (first.request_hash !== requestHash) return { status: 422, body: undefined } as const;",
    "      return { status: first.status_code ?? 409, body: first.response } as const;",
    "    }",
    `    const created = await trx.insertInto(${literal(pattern.entity)}).values(${values} as never).returningAll().executeTakeFirstOrThrow();`,
    "    await trx.updateTable(\"idempotency_keys\").set({ status_code: 201, response: JSON.stringify(created) })",
    "      .where(\"caller\", \"=\", caller).where(\"key\", \"=\", key).execute();",
    "    return { status: 201, body: created } as const;",
    "  });",
    '  if (outcome.status === 422) return problem(reply, 422, "Idempotency-Key reused with a different body");',
    '  if (outcome.status === 409) return problem(reply, 409, "the first request with this key has not finished");',
    `  const id = (outcome.body as { id: string }).id;`,
    `  return reply.code(outcome.status).header("location", \`${parts.route.path}/\${id}\`).send(outcome.body);`,
    "});",
  ];
  const ddl = [
    "-- Keys are kept 24 hours: long enough for any client retry, short enough to stay small.",
    "CREATE TABLE idempotency_keys (",
    "  caller text NOT NULL,",
    "  key text NOT NULL,",
    "  request_hash text NOT NULL,",
    "  status_code integer,",
    "  response jsonb,",
    "  created_at timestamptz NOT NULL DEFAULT now(),",
    "  PRIMARY KEY (caller, key)",
    ");",
    "-- Run every hour:",
    "DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours';",
  ];
  return {
    id: "idempotency-keys", title: `Idempotency keys (${pattern.name})`,
    text: [`A client that times out on ${parts.route.method} ${parts.route.path} retries with the same Idempotency-Key and gets the first result instead of a second ${pattern.entity} row. The key is claimed in the same transaction as the insert, so a crash leaves neither.${owner ? (owner.parent ? ` The ${owner.parent.table} row named by ${owner.column} must belong to the caller (SECURITY.md).` : ` ${owner.column} comes from the token, never the body (SECURITY.md).`) : ""}`],
    code: [{ lang: "sql", text: ddl.join("\n") }, { lang: "ts", text: code.join("\n") }],
  };
}

/** The schema keeps the key in the entity's own idempotency_key column (UNIQUE): the insert itself is the claim. */
function keyColumnIdempotency(pattern: AccessPattern, parts: RouteParts, owner: Ownership | undefined): GuideSection {
  const values = `{ ...request.body, ${owner && !owner.parent ? `${owner.column}: request.user.sub, ` : ""}idempotency_key: key }`;
  const code = [
    `// ${pattern.name}: ${parts.route.method} ${parts.route.path}; schema.sql gives ${pattern.entity} a UNIQUE idempotency_key column.`,
    `app.post<{ Body: Record<string, unknown>; Headers: { "idempotency-key": string } }>(${literal(parts.fastifyPath)}, async (request, reply) => {`,
    '  const key = request.headers["idempotency-key"];',
    '  if (!key || key.length > 255) return problem(reply, 400, "Idempotency-Key is required (at most 255 characters)");',
    ...(owner?.parent ? ownershipGuard(owner, `request.body.${owner.column}`, pattern.entity) : []),
    `  const created = await db.insertInto(${literal(pattern.entity)}).values(${values} as never)`,
    '    .onConflict((oc) => oc.column("idempotency_key").doNothing()).returningAll().executeTakeFirst();',
    `  if (created) return reply.code(201).header("location", \`${parts.route.path}/\${created.id}\`).send(created);`,
    "  // A retry: answer with the row the first request created.",
    `  const first = await db.selectFrom(${literal(pattern.entity)}).selectAll().where("idempotency_key", "=", key).executeTakeFirstOrThrow();`,
    `  return reply.code(200).header("location", \`${parts.route.path}/\${first.id}\`).send(first);`,
    "});",
  ];
  return {
    id: "idempotency-keys", title: `Idempotency keys (${pattern.name})`,
    text: [`A client that times out on ${parts.route.method} ${parts.route.path} retries with the same Idempotency-Key; the UNIQUE idempotency_key column of ${pattern.entity} turns the second insert into a no-op and the route answers with the first row.`],
    code: [{ lang: "ts", text: code.join("\n") }],
  };
}

function lockingSection({ requirements, api, security }: GuideInput): GuideSection | undefined {
  const concurrent = new Set(requirements.entities.filter((e) => e.concurrentUpdates).map((e) => e.name));
  const pattern = [...requirements.accessPatterns].sort((a, b) => compareText(a.name, b.name)).find((p) => p.kind === "write" && p.operation === "update" && concurrent.has(p.entity));
  const parts = pattern && routeParts(api, pattern);
  if (!pattern || !parts) return undefined;
  const owner = ownershipOf(security, pattern.name);
  const ownWhere = owner && !owner.parent ? [`    .where(${literal(owner.column)}, "=", request.user.sub) // own rows only (SECURITY.md)`] : [];
  const code = [
    `// ${pattern.name}: ${parts.route.method} ${parts.route.path}; the ETag is the row's version column.`,
    `app.patch<{ Params: { id: string }; Headers: { "if-match"?: string }; Body: Record<string, unknown> }>(${literal(parts.fastifyPath)}, async (request, reply) => {`,
    '  const expected = Number(/^"(\\d+)"$/.exec(request.headers["if-match"] ?? "")?.[1]);',
    '  if (!Number.isInteger(expected)) return problem(reply, 400, "If-Match with the ETag from the last read is required");',
    "  const { id, version, created_at, updated_at, ...changes } = request.body; // the server owns these",
    `  const updated = await db.updateTable(${literal(pattern.entity)})`,
    "    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` } as never)",
    '    .where("id", "=", request.params.id)',
    '    .where("version", "=", expected) // compare-and-set: no lock held between read and write',
    ...ownWhere,
    "    .returningAll()",
    "    .executeTakeFirst();",
    "  if (!updated) {",
    `    const current = await db.selectFrom(${literal(pattern.entity)}).select("version").where("id", "=", request.params.id)${ownWhere.length ? `.where(${literal(owner!.column)}, "=", request.user.sub)` : ""}.executeTakeFirst();`,
    `    if (!current) return problem(reply, 404, "no such ${pattern.entity}");`,
    '    return problem(reply, 412, "changed since you read it: fetch it again", { etag: `"${current.version}"` });',
    "  }",
    '  return reply.header("etag", `"${updated.version}"`).send(updated);',
    "});",
  ];
  return {
    id: "optimistic-locking", title: `Optimistic locking with version and ETag/If-Match (${pattern.name})`,
    text: [`${pattern.entity} is updated concurrently (concurrentUpdates in the requirements), so schema.sql gives it a \`version\` column and ${parts.route.method} ${parts.route.path} requires If-Match. Two clients that read version 7 cannot both write: the second gets 412 and re-reads, instead of silently overwriting the first.`],
    code: [{ lang: "ts", text: code.join("\n") }],
  };
}

function resilienceSection({ reliability }: GuideInput): GuideSection | undefined {
  const dependency = reliability.dependencies.find((d) => d.path === "sync");
  if (!dependency) return undefined;
  const name = camelCase(dependency.name);
  const settings = settingsBlock(dependency);
  const code = [
    `// ${dependency.name}: every number below is derived in RELIABILITY.md.`,
    `const ${name} = ${settings};`,
    "",
    "/** Retries may add at most `ratio` of first attempts: a token bucket, so an outage is not multiplied by retries. */",
    "class RetryBudget {",
    "  private tokens = 10;",
    "  constructor(private readonly ratio: number, private readonly max = 10) {}",
    "  onFirstAttempt(): void { this.tokens = Math.min(this.max, this.tokens + this.ratio); }",
    "  trySpend(): boolean { if (this.tokens < 1) return false; this.tokens -= 1; return true; }",
    "}",
    "",
    "type BreakerSettings = { failureRatePercent: number; minimumCalls: number; windowMs: number; openMs: number; halfOpenProbes: number };",
    "",
    "/** Closed → open after too many failures in the window → half-open after openMs → closed when the probes succeed. */",
    "class CircuitBreaker {",
    "  private calls: { at: number; ok: boolean }[] = [];",
    "  private state: \"closed\" | \"open\" | \"half-open\" = \"closed\";",
    "  private openedAt = 0;",
    "  private probes = 0;",
    "  constructor(private readonly s: BreakerSettings) {}",
    "  allow(now = Date.now()): boolean {",
    "    if (this.state === \"open\" && now - this.openedAt >= this.s.openMs) { this.state = \"half-open\"; this.probes = 0; }",
    "    if (this.state === \"open\") return false;",
    "    return this.state === \"closed\" || this.probes++ < this.s.halfOpenProbes;",
    "  }",
    "  record(ok: boolean, now = Date.now()): void {",
    "    if (this.state === \"half-open\") {",
    "      if (!ok) this.trip(now);",
    "      else if (this.probes >= this.s.halfOpenProbes) { this.state = \"closed\"; this.calls = []; }",
    "      return;",
    "    }",
    "    this.calls = this.calls.filter((c) => now - c.at < this.s.windowMs).concat({ at: now, ok });",
    "    const failures = this.calls.filter((c) => !c.ok).length;",
    "    if (this.calls.length >= this.s.minimumCalls && failures * 100 >= this.s.failureRatePercent * this.calls.length) this.trip(now);",
    "  }",
    "  private trip(now: number): void { this.state = \"open\"; this.openedAt = now; }",
    "}",
    "",
    "export class DependencyUnavailable extends Error {",
    "  constructor(readonly dependency: string, readonly retryAfterSeconds: number) { super(`${dependency} unavailable`); }",
    "}",
    "",
    `const ${name}Breaker = new CircuitBreaker(${name}.breaker);`,
    `const ${name}Budget = new RetryBudget(${name}.retryBudget);`,
    "",
    `/** Calls ${dependency.name} within its share of the latency objective: timeout per attempt, jittered backoff, budgeted retries. */`,
    `export async function call${pascalCase(dependency.name)}(url: string, init: RequestInit, idempotencyKey: string): Promise<Response> {`,
    `  ${name}Budget.onFirstAttempt();`,
    "  for (let attempt = 0; ; attempt++) {",
    `    if (!${name}Breaker.allow()) throw new DependencyUnavailable(${literal(dependency.name)}, ${name}.breaker.openMs / 1000);`,
    "    let failure: unknown;",
    "    try {",
    `      const response = await fetch(url, { ...init, headers: { ...init.headers, "idempotency-key": idempotencyKey }, signal: AbortSignal.timeout(${name}.timeoutMs) });`,
    "      const retryable = response.status === 429 || response.status >= 500;",
    `      ${name}Breaker.record(!retryable);`,
    "      if (!retryable) return response; // 4xx other than 429 is our bug, not the dependency's outage",
    "      failure = new Error(`status ${response.status}`);",
    "    } catch (error) {",
    `      ${name}Breaker.record(false); // timeouts (AbortSignal) and network errors`,
    "      failure = error;",
    "    }",
    `    const backoff = ${name}.backoffMs[attempt];`,
    `    if (backoff === undefined || !${name}Budget.trySpend()) throw failure;`,
    "    await new Promise((resolve) => setTimeout(resolve, Math.random() * backoff)); // full jitter",
    "  }",
    "}",
    "",
    "app.setErrorHandler((error, request, reply) => {",
    "  if (error instanceof DependencyUnavailable) {",
    "    return problem(reply, 503, `${error.dependency} is unavailable`, { \"retry-after\": String(error.retryAfterSeconds) });",
    "  }",
    "  request.log.error(error);",
    "  return problem(reply, 500, \"internal error\");",
    "});",
  ];
  const text = [
    `${dependency.name} is on the request path: ${dependency.reason}. Its attempt timeout is ${dependency.timeout!.value} ms (${dependency.timeout!.arithmetic}), ${dependency.retries!.count} retr${dependency.retries!.count === 1 ? "y" : "ies"} fit in its share (worst case ${dependency.retries!.worstCase.value} ms), retries are capped at ${RETRY_BUDGET * 100}% of first attempts, and the breaker opens at ${dependency.breaker!.failureRatePercent}% failures over at least ${dependency.breaker!.minimumCalls} calls in ${dependency.breaker!.windowSeconds} s.`,
  ];
  return { id: "circuit-breaker", title: `Timeouts, retry budget and circuit breaker (${dependency.name})`, text, code: [{ lang: "ts", text: code.join("\n") }] };
}

function settingsBlock(dependency: DependencyPlan): string {
  const b = dependency.breaker!;
  return [
    "{",
    `  timeoutMs: ${dependency.timeout!.value},`,
    `  backoffMs: [${dependency.retries!.backoffMs.join(", ")}],`,
    `  retryBudget: ${RETRY_BUDGET},`,
    `  breaker: { failureRatePercent: ${b.failureRatePercent}, minimumCalls: ${b.minimumCalls}, windowMs: ${b.windowSeconds * 1000}, openMs: ${b.openSeconds * 1000}, halfOpenProbes: ${b.halfOpenProbes} },`,
    "}",
  ].join("\n");
}

function outboxSection({ reliability }: GuideInput): GuideSection | undefined {
  const offPath = reliability.dependencies.filter((d) => d.path === "async");
  if (!offPath.length) return undefined;
  const names = offPath.map((d) => d.name);
  const ddl = [
    "CREATE TABLE outbox (",
    "  id uuid NOT NULL DEFAULT uuidv7() PRIMARY KEY,",
    `  destination text NOT NULL CHECK (destination IN (${names.map((n) => `'${n}'`).join(", ")})),`,
    "  payload jsonb NOT NULL,",
    "  attempts integer NOT NULL DEFAULT 0,",
    "  next_attempt_at timestamptz NOT NULL DEFAULT now(),",
    "  done_at timestamptz",
    ");",
    "CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE done_at IS NULL;",
  ];
  const code = [
    "// Written in the same transaction as the change it announces, so neither can exist without the other:",
    `//   await trx.insertInto("outbox" as never).values({ destination: ${literal(names[0])}, payload } as never).execute();`,
    "// A worker drains it; SKIP LOCKED lets several workers share the table without double sends.",
    "export async function drainOutbox(send: (destination: string, payload: unknown, idempotencyKey: string) => Promise<void>): Promise<number> {",
    "  return db.transaction().execute(async (trx) => {",
    "    const due = await sql<{ id: string; destination: string; payload: unknown; attempts: number }>`",
    "      SELECT id, destination, payload, attempts FROM outbox",
    "      WHERE done_at IS NULL AND next_attempt_at <= now()",
    "      ORDER BY next_attempt_at LIMIT 50 FOR UPDATE SKIP LOCKED`.execute(trx);",
    "    for (const row of due.rows) {",
    "      try {",
    "        await send(row.destination, row.payload, row.id); // the outbox id is the idempotency key",
    "        await sql`UPDATE outbox SET done_at = now() WHERE id = ${row.id}`.execute(trx);",
    "      } catch {",
    "        const delaySeconds = Math.min(3600, 2 ** row.attempts); // exponential, capped at an hour",
    "        await sql`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${delaySeconds}) WHERE id = ${row.id}`.execute(trx);",
    "      }",
    "    }",
    "    return due.rows.length;",
    "  });",
    "}",
  ];
  return {
    id: "outbox", title: `Transactional outbox (${names.join(", ")})`,
    text: [`${offPath.map((d) => `${d.name}: ${d.reason}`).join(". ")}. The request records the call in \`outbox\` and returns; a worker makes it.`],
    code: [{ lang: "sql", text: ddl.join("\n") }, { lang: "ts", text: code.join("\n") }],
  };
}
