// The API designer: OpenAPI 3.1 from Requirements. Resources from entities, one operation per
// access pattern, keyset-cursor pagination, filters as query parameters, RFC 9457 problem+json
// errors, Idempotency-Key on creates, ETag/If-Match on concurrently updated entities, RateLimit
// headers on 429, OAuth2 bearer tokens with the actor's role as the scope.
import type { AccessPattern, Requirements, RequirementsEntity, RequirementsField } from "../ingest/requirements/schema.ts";
import { relationColumn } from "../ingest/requirements/load.ts";

type Json = Record<string, unknown>;

const JSON_TYPES: Record<RequirementsField["type"], Json> = {
  string: { type: "string" }, text: { type: "string" }, integer: { type: "integer", format: "int32" }, bigint: { type: "integer", format: "int64" },
  decimal: { type: "string", format: "decimal" }, boolean: { type: "boolean" }, timestamp: { type: "string", format: "date-time" },
  date: { type: "string", format: "date" }, uuid: { type: "string", format: "uuid" }, json: { type: "object" }, enum: { type: "string" },
};

const ERRORS: Record<string, string> = {
  "400": "The request is malformed.", "401": "No valid bearer token.", "403": "The token's role may not do this.", "404": "No such resource.",
  "409": "The request conflicts with the resource's state.", "412": "If-Match does not match the current ETag.", "422": "The body is well-formed but invalid.",
  "429": "Too many requests; retry after the time in Retry-After.",
};

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
  for (const entity of [...req.entities].sort((a, b) => compare(a.name, b.name))) schemas[schemaName(entity.name)] = entitySchema(entity);
  const tags = [...new Set(req.accessPatterns.map((p) => p.entity))].sort(compare).map((name) => ({ name, description: entities.get(name)!.description ?? `Operations on ${name}.` }));
  return {
    openapi: "3.1.0",
    info: { title: req.service.name, version: "1.0.0", description: req.service.description ?? `The ${req.service.name} API, designed by bka from its requirements.`, contact: { name: `${req.service.name} team` } },
    servers: [{ url: `https://api.example.com/${req.service.name}`, description: "Placeholder: replace with the real server." }],
    tags,
    paths: sortedPaths,
    components: {
      schemas,
      securitySchemes: {
        oauth2: {
          type: "oauth2",
          description: "Bearer access tokens (JWT); each role is a scope.",
          flows: {
            authorizationCode: {
              authorizationUrl: "https://auth.example.com/authorize",
              tokenUrl: "https://auth.example.com/token",
              scopes: Object.fromEntries(req.actors.filter((a) => !a.public).map((a) => [a.name, a.description ?? `Acts as ${a.name}.`]).sort((a, b) => compare(a[0], b[0]))),
            },
          },
        },
      },
      responses: Object.fromEntries(Object.entries(ERRORS).map(([code, description]) => [`Problem${code}`, problemResponse(code, description)])),
      parameters: {
        Cursor: { name: "cursor", in: "query", required: false, description: "Opaque cursor from the previous page's nextCursor.", schema: { type: "string" } },
        IdempotencyKey: { name: "Idempotency-Key", in: "header", required: true, description: "A unique key per logical request; a retry with the same key returns the first result.", schema: { type: "string", maxLength: 255 } },
        IfMatch: { name: "If-Match", in: "header", required: true, description: "The ETag of the version being updated (optimistic concurrency).", schema: { type: "string" } },
      },
    },
  };
}

function route(pattern: AccessPattern, entity: RequirementsEntity, paths: Record<string, Record<string, Json>>): { path: string; method: string } {
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

function operation(pattern: AccessPattern, entity: RequirementsEntity, req: Requirements, path: string): Json {
  const actor = req.actors.find((a) => a.name === pattern.actor)!;
  const ref = { $ref: `#/components/schemas/${schemaName(entity.name)}` };
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const parameters: Json[] = pathParams.map((name) => ({ name, in: "path", required: true, description: `The ${name === "id" ? `${entity.name} id` : name}.`, schema: { type: "string" } }));
  const filterParams = pattern.filters.filter((f) => f.value === undefined && !pathParams.includes(camel(f.field)) && !(f.field === "id" && pathParams.includes("id")));
  const responses: Json = {};
  const errorCodes = ["400", "404", "429", ...(actor.public ? [] : ["401", "403"])];
  const isList = pattern.kind === "read" && !path.endsWith("}");
  if (pattern.kind === "read") {
    if (isList) {
      for (const f of filterParams) parameters.push({ name: camel(f.field), in: "query", required: true, description: `Filter: ${f.field} ${f.op}.`, schema: { type: "string" } });
      parameters.push({ $ref: "#/components/parameters/Cursor" }, { name: "limit", in: "query", required: false, description: "Page size.", schema: { type: "integer", minimum: 1, maximum: pattern.pageSize ?? 50, default: pattern.pageSize ?? 50 } });
      responses["200"] = { description: "One page.", content: { "application/json": { schema: { type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: ref }, nextCursor: { type: ["string", "null"], description: "Cursor of the next page; null on the last page." } } } } } };
    } else {
      responses["200"] = { description: `The ${entity.name} record.`, headers: etag(entity), content: { "application/json": { schema: ref } } };
    }
  } else if (pattern.operation === "create") {
    parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
    responses["201"] = { description: "Created.", headers: { Location: { description: "URL of the new resource.", schema: { type: "string" } } }, content: { "application/json": { schema: ref } } };
    errorCodes.push("409", "422");
  } else if (pattern.operation === "update") {
    if (entity.concurrentUpdates) {
      parameters.push({ $ref: "#/components/parameters/IfMatch" });
      errorCodes.push("412");
    }
    responses["200"] = { description: "Updated.", headers: etag(entity), content: { "application/json": { schema: ref } } };
    errorCodes.push("409", "422");
  } else {
    responses["204"] = { description: "Deleted." };
    errorCodes.push("409");
  }
  for (const code of errorCodes.sort(compare)) responses[code] = { $ref: `#/components/responses/Problem${code}` };
  const body = pattern.kind === "write" && pattern.operation !== "delete" ? { requestBody: { required: true, content: { "application/json": { schema: ref } } } } : {};
  return {
    operationId: camel(pattern.name),
    summary: pattern.description ?? pattern.name.replace(/_/g, " "),
    description: `Access pattern ${pattern.name}: ${pattern.actor}, peak ${pattern.peakPerSecond}/s${pattern.latencyP99Ms ? `, p99 ≤ ${pattern.latencyP99Ms} ms` : ""}.`,
    tags: [entity.name],
    security: actor.public ? [] : [{ oauth2: [actor.name] }],
    parameters,
    ...body,
    responses,
  };
}

function etag(entity: RequirementsEntity): Json {
  return entity.concurrentUpdates ? { ETag: { description: "The version, for If-Match.", schema: { type: "string" } } } : {};
}

function entitySchema(entity: RequirementsEntity): Json {
  const properties: Json = { id: { type: "string", readOnly: true } };
  const required = ["id"];
  for (const field of entity.fields) {
    const schema: Json = { ...JSON_TYPES[field.type] };
    if (field.values) schema.enum = field.values;
    if (field.maxLength) schema.maxLength = field.maxLength;
    if (field.tags.includes("secret")) schema.writeOnly = true;
    if (field.tags.includes("pii")) schema.description = "Personal data.";
    properties[camel(field.name)] = schema;
    if (field.required && !field.tags.includes("secret")) required.push(camel(field.name));
  }
  for (const relation of entity.relations) properties[camel(relationColumn(relation))] = { type: "string", description: `Id of the ${relation.to} record.` };
  properties.createdAt = { type: "string", format: "date-time", readOnly: true };
  properties.updatedAt = { type: "string", format: "date-time", readOnly: true };
  return { type: "object", required: required.sort(compare), properties };
}

function problemSchema(): Json {
  return {
    type: "object",
    description: "RFC 9457 problem details.",
    required: ["type", "title", "status"],
    properties: { type: { type: "string", format: "uri-reference" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" }, instance: { type: "string", format: "uri-reference" } },
  };
}

function problemResponse(code: string, description: string): Json {
  const headers: Json = code === "429"
    ? { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } }, RateLimit: { description: "Remaining quota (IETF RateLimit header).", schema: { type: "string" } } }
    : {};
  return { description, ...(code === "429" ? { headers } : {}), content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
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
