// The API designer: OpenAPI 3.1 from Requirements. Resources from entities, one operation per
// access pattern, keyset-cursor pagination, filters as query parameters, RFC 9457 problem+json
// errors, Idempotency-Key on creates, ETag/If-Match on concurrently updated entities, RateLimit
// headers on every response, OAuth2 bearer tokens with the actor's role as the scope. Every
// string, integer and array is bounded (OWASP API4:2023); a public write (sign-up, log-in) is the
// one intended exception to "every write needs a token", recorded in `x-bka-lint-exceptions`.
import type { AccessPattern, Requirements, RequirementsEntity, RequirementsField } from "../ingest/requirements/schema.ts";
import { compositeKey, relationColumn } from "../ingest/requirements/derive.ts";

type Json = Record<string, unknown>;

/** Bounds for values the requirements leave open. */
const LIMITS = { string: 255, text: 10_000, int32: 2_147_483_647, int64: Number.MAX_SAFE_INTEGER, id: 36, cursor: 512 } as const;

const JSON_TYPES: Record<RequirementsField["type"], Json> = {
  string: { type: "string", maxLength: LIMITS.string }, text: { type: "string", maxLength: LIMITS.text },
  integer: { type: "integer", format: "int32", minimum: -LIMITS.int32 - 1, maximum: LIMITS.int32 },
  bigint: { type: "integer", format: "int64", minimum: -LIMITS.int64, maximum: LIMITS.int64 },
  decimal: { type: "string", format: "decimal", pattern: "^-?[0-9]{1,10}(\\.[0-9]{1,2})?$", maxLength: 14 }, boolean: { type: "boolean" },
  timestamp: { type: "string", format: "date-time", maxLength: 35 }, date: { type: "string", format: "date", maxLength: 10 },
  uuid: { type: "string", format: "uuid", maxLength: LIMITS.id }, json: { type: "object" }, enum: { type: "string" },
};

const ID_SCHEMA: Json = { type: "string", maxLength: LIMITS.id, pattern: "^[0-9A-Za-z-]+$" };

const ERRORS: Record<string, string> = {
  "400": "The request is malformed.", "401": "No valid bearer token.", "403": "The token's role may not do this.", "404": "No such resource.",
  "409": "The request conflicts with the resource's state.", "412": "If-Match does not match the current ETag.", "422": "The body is well-formed but invalid.",
  "429": "Too many requests; retry after the time in Retry-After.", "500": "An unexpected error; the problem's instance identifies it in the logs.",
};

/** Headers every response carries (OWASP API4/API8: rate limits and an explicit CORS origin). */
const COMMON_HEADERS: Json = {
  RateLimit: { $ref: "#/components/headers/RateLimit" },
  "Access-Control-Allow-Origin": { $ref: "#/components/headers/Access-Control-Allow-Origin" },
};

const WRITE_RESTRICTED = "owasp:api2:2023-write-restricted";

export function designApi(req: Requirements): Json {
  const entities = new Map(req.entities.map((e) => [e.name, e]));
  const paths: Record<string, Record<string, Json>> = {};
  for (const pattern of [...req.accessPatterns].sort((a, b) => compare(a.name, b.name))) {
    const entity = entities.get(pattern.entity)!;
    const { path, method } = route(pattern, entity, paths);
    (paths[path] ??= {})[method] = operation(pattern, entity, req, path);
  }
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort(compare).map((p) => [p, paths[p]]));
  const schemas: Json = { Problem: problemSchema() };
  const used = new Set(req.accessPatterns.map((p) => p.entity));
  for (const entity of [...req.entities].sort((a, b) => compare(a.name, b.name)).filter((e) => used.has(e.name))) schemas[schemaName(entity.name)] = entitySchema(entity);
  const tags = [...used].sort(compare).map((name) => ({ name, description: entities.get(name)!.description ?? `Operations on ${name}.` }));
  const refs = JSON.stringify(sortedPaths);
  const usedCodes = Object.keys(ERRORS).filter((code) => refs.includes(`"#/components/responses/Problem${code}"`));
  return {
    openapi: "3.1.0",
    info: { title: req.service.name, version: "1.0.0", description: serviceDescription(req), contact: { name: `${req.service.name} team` } },
    servers: [{ url: `https://api.example.com/${req.service.name}`, description: "Production (placeholder: replace with the real server).", "x-internal": false }],
    tags,
    paths: sortedPaths,
    components: {
      schemas,
      securitySchemes: { oauth2: securityScheme(req) },
      headers: {
        RateLimit: { description: "Remaining quota and the seconds until it resets (IETF RateLimit header).", schema: { type: "string", maxLength: 255 } },
        // Named as the header itself: the OWASP ruleset's define-cors-origin rule also reads components.headers.
        "Access-Control-Allow-Origin": { description: "The one browser origin allowed to read the response.", schema: { type: "string", maxLength: 255, format: "uri" } },
      },
      responses: Object.fromEntries(usedCodes.map((code) => [`Problem${code}`, problemResponse(code, ERRORS[code])])),
      parameters: usedParameters(refs),
    },
  };
}

function serviceDescription(req: Requirements): string {
  const base = req.service.description ?? `The ${req.service.name} API, designed by bka from its requirements.`;
  return req.tenancy ? `${base} Multi-tenant: the tenant is the access token's tenant claim, never a parameter; the database enforces it with row-level security.` : base;
}

function securityScheme(req: Requirements): Json {
  return {
    type: "oauth2",
    description: "Bearer access tokens (JWT, validated as RFC8725 recommends: fixed algorithm, issuer, audience, expiry); each role is a scope. Access tokens are short-lived and renewed with the refresh token.",
    flows: {
      authorizationCode: {
        authorizationUrl: "https://auth.example.com/authorize",
        tokenUrl: "https://auth.example.com/token",
        refreshUrl: "https://auth.example.com/token",
        scopes: Object.fromEntries(req.actors.filter((a) => !a.public).map((a) => [a.name, a.description ?? `Acts as ${a.name}.`]).sort((a, b) => compare(a[0], b[0]))),
      },
    },
  };
}

const PARAMETERS: Record<string, Json> = {
  Cursor: { name: "cursor", in: "query", required: false, description: "Opaque cursor from the previous page's nextCursor.", schema: { type: "string", maxLength: LIMITS.cursor, pattern: "^[A-Za-z0-9_-]+$" } },
  IdempotencyKey: { name: "Idempotency-Key", in: "header", required: true, description: "A unique key per logical request; a retry with the same key returns the first result.", schema: { type: "string", maxLength: 255, pattern: "^[ -~]+$" } },
  IfMatch: { name: "If-Match", in: "header", required: true, description: "The ETag of the version being updated (optimistic concurrency).", schema: { type: "string", maxLength: 64, pattern: "^(W/)?\"[^\"]*\"$" } },
};

function usedParameters(refs: string): Json {
  return Object.fromEntries(Object.entries(PARAMETERS).filter(([name]) => refs.includes(`"#/components/parameters/${name}"`)));
}

/** A join table is reached from either side: /listings/{listingId}/tags. */
function route(pattern: AccessPattern, entity: RequirementsEntity, paths: Record<string, Record<string, Json>>): { path: string; method: string } {
  if (entity.key === "composite") return joinRoute(pattern, entity);
  const base = `/${kebab(entity.name)}`;
  if (pattern.kind === "write") {
    if (pattern.operation === "create") return { path: base, method: "post" };
    return { path: `${base}/{id}`, method: pattern.operation === "delete" ? "delete" : "patch" };
  }
  const byId = pattern.filters.find((f) => f.field === "id" && f.op === "eq" && f.value === undefined);
  if (byId) return { path: `${base}/{id}`, method: "get" };
  const uniqueField = pattern.filters.find((f) => f.op === "eq" && f.value === undefined && entity.fields.some((x) => x.name === f.field && x.unique));
  if (uniqueField) return { path: `${base}/by-${kebab(uniqueField.field)}/{${camel(uniqueField.field)}}`, method: "get" };
  const parent = entity.relations.find((r) => pattern.filters.some((f) => f.field === relationColumn(r) && f.op === "eq" && f.value === undefined));
  const path = parent ? `/${kebab(parent.to)}/{${camel(relationColumn(parent))}}${base}` : base;
  return paths[path]?.get ? { path: `${base}/views/${kebab(pattern.name)}`, method: "get" } : { path, method: "get" };
}

function joinRoute(pattern: AccessPattern, entity: RequirementsEntity): { path: string; method: string } {
  const [first, second] = entity.relations;
  const filtered = (column: string) => pattern.filters.some((f) => f.field === column && f.op === "eq" && f.value === undefined);
  // Reads go from the side the pattern filters on; links are created and removed under the first side.
  const [from, to] = pattern.kind === "read" && !filtered(relationColumn(first)) && filtered(relationColumn(second)) ? [second, first] : [first, second];
  const collection = `/${kebab(from.to)}/{${camel(relationColumn(from))}}/${kebab(to.to)}`;
  if (pattern.kind === "read") return { path: collection, method: "get" };
  return { path: `${collection}/{${camel(relationColumn(to))}}`, method: pattern.operation === "delete" ? "delete" : "put" };
}

function operation(pattern: AccessPattern, entity: RequirementsEntity, req: Requirements, path: string): Json {
  const actor = req.actors.find((a) => a.name === pattern.actor)!;
  const ref = { $ref: `#/components/schemas/${schemaName(entity.name)}` };
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const parameters: Json[] = pathParams.map((name) => ({ name, in: "path", required: true, description: `The ${name === "id" ? `${entity.name} id` : name}.`, schema: ID_SCHEMA }));
  const filterParams = pattern.filters.filter((f) => f.value === undefined && !pathParams.includes(camel(f.field)) && !(f.field === "id" && pathParams.includes("id")));
  const responses: Json = {};
  const errorCodes = ["400", "404", "429", "500", ...(actor.public ? [] : ["401", "403"])];
  const isList = pattern.kind === "read" && !path.endsWith("}");
  if (pattern.kind === "read") {
    if (isList) {
      for (const f of filterParams) parameters.push({ name: camel(f.field), in: "query", required: true, description: `Filter: ${f.field} ${f.op}.`, schema: fieldSchema(entity, f.field) });
      const pageSize = pattern.pageSize ?? 50;
      parameters.push({ $ref: "#/components/parameters/Cursor" }, { name: "limit", in: "query", required: false, description: "Page size.", schema: { type: "integer", format: "int32", minimum: 1, maximum: pageSize, default: pageSize } });
      responses["200"] = response("One page.", {}, { type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", maxItems: pageSize, items: ref }, nextCursor: { type: ["string", "null"], maxLength: LIMITS.cursor, description: "Cursor of the next page; null on the last page." } } });
    } else {
      responses["200"] = response(`The ${entity.name} record.`, etag(entity), ref);
    }
  } else if (pattern.operation === "create") {
    if (entity.key === "composite") {
      responses["204"] = response("Linked (linking twice is harmless).", {});
      if (entity.fields.length) errorCodes.push("422");
    } else {
      parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
      responses["201"] = response("Created.", { Location: { description: "URL of the new resource.", schema: { type: "string", maxLength: 2048, format: "uri-reference" } } }, ref);
      errorCodes.push("409", "422");
    }
  } else if (pattern.operation === "update") {
    if (entity.concurrentUpdates) {
      parameters.push({ $ref: "#/components/parameters/IfMatch" });
      errorCodes.push("412");
    }
    responses["200"] = response("Updated.", etag(entity), ref);
    errorCodes.push("409", "422");
  } else {
    responses["204"] = response(entity.key === "composite" ? "Unlinked." : "Deleted.", {});
    errorCodes.push("409");
  }
  for (const code of errorCodes.sort(compare)) responses[code] = { $ref: `#/components/responses/Problem${code}` };
  // A link carries a body only when the join entity has fields of its own (a membership's role).
  const hasBody = pattern.kind === "write" && pattern.operation !== "delete" && (entity.key !== "composite" || entity.fields.length > 0);
  const body = hasBody ? { requestBody: { required: true, content: { "application/json": { schema: ref } } } } : {};
  const publicWrite = actor.public && pattern.kind === "write";
  return {
    operationId: camel(pattern.name),
    summary: pattern.description ?? pattern.name.replace(/_/g, " "),
    description: `Access pattern ${pattern.name}: ${pattern.actor}, peak ${pattern.peakPerSecond}/s${pattern.latencyP99Ms ? `, p99 ≤ ${pattern.latencyP99Ms} ms` : ""}.`,
    tags: [entity.name],
    security: actor.public ? [] : [{ oauth2: [actor.name] }],
    parameters,
    ...body,
    responses,
    ...(publicWrite ? { "x-bka-lint-exceptions": [{ rule: WRITE_RESTRICTED, reason: `${pattern.actor} is public: the caller has no token yet (sign-up or log-in). Rate-limit it tightly and add bot protection.` }] } : {}),
  };
}

function response(description: string, headers: Json, schema?: Json): Json {
  return { description, headers: { ...COMMON_HEADERS, ...headers }, ...(schema ? { content: { "application/json": { schema } } } : {}) };
}

function etag(entity: RequirementsEntity): Json {
  return entity.concurrentUpdates ? { ETag: { description: "The version, for If-Match.", schema: { type: "string", maxLength: 64 } } } : {};
}

/** The JSON Schema of one column of the entity, for a filter parameter. */
function fieldSchema(entity: RequirementsEntity, column: string): Json {
  const field = entity.fields.find((f) => f.name === column);
  return field ? propertySchema(field) : ID_SCHEMA;
}

function propertySchema(field: RequirementsField): Json {
  const schema: Json = { ...JSON_TYPES[field.type] };
  if (field.values) schema.enum = field.values;
  if (field.maxLength) schema.maxLength = field.maxLength;
  if (field.type === "integer" || field.type === "bigint") {
    if (field.min !== undefined) schema.minimum = field.min;
    if (field.max !== undefined) schema.maximum = field.max;
  }
  return schema;
}

function entitySchema(entity: RequirementsEntity): Json {
  const composite = entity.key === "composite";
  const properties: Json = composite ? {} : { id: { ...ID_SCHEMA, readOnly: true } };
  const required = composite ? compositeKey(entity).map(camel) : ["id"];
  for (const field of entity.fields) {
    const schema = propertySchema(field);
    if (field.tags.includes("secret")) schema.writeOnly = true;
    if (field.tags.includes("pii")) schema.description = "Personal data.";
    properties[camel(field.name)] = schema;
    if (field.required && !field.tags.includes("secret")) required.push(camel(field.name));
  }
  for (const relation of entity.relations) properties[camel(relationColumn(relation))] = { ...ID_SCHEMA, description: `Id of the ${relation.to} record.` };
  properties.createdAt = { type: "string", format: "date-time", maxLength: 35, readOnly: true };
  properties.updatedAt = { type: "string", format: "date-time", maxLength: 35, readOnly: true };
  // No unknown properties: a client cannot mass-assign columns the API does not expose.
  return { type: "object", additionalProperties: false, required: required.sort(compare), properties };
}

function problemSchema(): Json {
  return {
    type: "object",
    description: "RFC 9457 problem details.",
    required: ["type", "title", "status"],
    properties: {
      type: { type: "string", format: "uri-reference", maxLength: 2048 }, title: { type: "string", maxLength: 255 }, status: { type: "integer", format: "int32", minimum: 100, maximum: 599 },
      detail: { type: "string", maxLength: 4096 }, instance: { type: "string", format: "uri-reference", maxLength: 2048 },
    },
  };
}

function problemResponse(code: string, description: string): Json {
  const retry = code === "429" ? { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer", format: "int32", minimum: 0, maximum: 86_400 } } } : {};
  return { description, headers: { ...COMMON_HEADERS, ...retry }, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
}

function schemaName(name: string): string {
  const c = camel(name);
  return c[0].toUpperCase() + c.slice(1);
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function kebab(name: string): string {
  return name.replace(/_/g, "-");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
