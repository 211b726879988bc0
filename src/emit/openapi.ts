// OpenAPI 3.1 document recovered from the model's endpoints.
//
// Choices worth knowing:
// - One document for the whole project. Each service becomes a tag and every operation carries
//   its service's tag; no `servers` are written because bka cannot know where services are
//   deployed. When two services expose the same method and path, the first service (by id) owns
//   the operation and the others are listed in `x-bka-also-in`.
// - An Express-style "ALL" route becomes get/post/put/patch/delete operations marked
//   `x-bka-method: ALL`; a route registered for that exact method wins over the "ALL" one.
// - A path part bka could not resolve ("{?}") becomes a string path parameter named
//   `unresolved` (numbered when repeated) and the operation is marked `x-bka-path-resolved: false`.
// - OpenAPI forbids two templated paths that differ only in parameter names
//   ("/users/{id}" and "/users/{userId}"); such paths are merged under the first spelling and
//   parameters are renamed by position.
// - GraphQL operations all travel as POST to one path: each server path is one operation with
//   the GraphQL request body, its operations listed in `x-bka-graphql-operations`; its security
//   is required only when every operation requires auth, optional when some do.
import { STATUS_CODES } from "node:http";
import { stringify } from "yaml";
import type { ArchitectureModel, Endpoint, HttpMethod, JsonSchema } from "../model/types.ts";
import { compareText, fileLine, sortedKeys } from "./common.ts";

export const RECOVERED_VERSION = "0.0.0-recovered";

type OpenApiMethod = "get" | "post" | "put" | "patch" | "delete" | "head" | "options";
const METHOD_ORDER: readonly OpenApiMethod[] = ["get", "post", "put", "patch", "delete", "head", "options"];
const ALL_EXPANDS_TO: readonly OpenApiMethod[] = ["get", "post", "put", "patch", "delete"];

type SchemeName = "bearerAuth" | "cookieAuth" | "basicAuth";

/** Header parameters OpenAPI says to ignore: they are described by other fields. */
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);

const UNRESOLVED_PARAM = "unresolved";

type Json = Record<string, unknown>;

interface Placement {
  endpoint: Endpoint;
  method: OpenApiMethod;
  viaAll: boolean;
  /** The endpoint's path with "{?}" made into named parameters. */
  ownPath: string;
  alsoIn: string[];
  /** For a GraphQL endpoint: the operations it carries ("Query.articles"), sorted. */
  graphqlOperations?: string[];
}

export function toOpenApi(model: ArchitectureModel): Json {
  const placements = placeOperations(model);
  const usedSchemes = new Set<SchemeName>();
  const paths: Json = {};
  const operationIds = new Set<string>();

  for (const path of [...placements.keys()].sort(compareText)) {
    const byMethod = placements.get(path)!;
    const item: Json = {};
    for (const method of METHOD_ORDER) {
      const placement = byMethod.get(method);
      if (!placement) continue;
      const operationId = uniqueOperationId(method, path, operationIds);
      item[method] = operationFor(placement, path, operationId, model, usedSchemes);
    }
    paths[path] = item;
  }

  const doc: Json = {
    openapi: "3.1.0",
    info: {
      title: documentTitle(model),
      version: RECOVERED_VERSION,
      description: `Recovered from the source of ${model.project} by bka. Operations carry their source location in x-bka-source.`,
    },
    tags: usedTags(model),
    paths,
  };
  const components = componentsFor(model, usedSchemes);
  if (Object.keys(components).length > 0) doc.components = components;
  // A copy, so neither a consumer nor a validator that dereferences in place can alter the model.
  return structuredClone(doc);
}

export function toOpenApiYaml(model: ArchitectureModel): string {
  // No anchors/aliases (a shared schema object must print in full in each place) and no folding.
  return stringify(toOpenApi(model), { lineWidth: 0, aliasDuplicateObjects: false });
}

function documentTitle(model: ArchitectureModel): string {
  return model.services.length === 1 ? model.services[0].id : model.project;
}

function usedTags(model: ArchitectureModel): Json[] {
  const used = new Set(model.endpoints.map((e) => e.serviceId));
  return [...model.services]
    .filter((s) => used.has(s.id))
    .sort((a, b) => compareText(a.id, b.id))
    .map((s) => ({ name: s.id, description: `Service in ${s.root}` }));
}

/** Decides which endpoint owns each (path, method) slot, deterministically. */
function placeOperations(model: ArchitectureModel): Map<string, Map<OpenApiMethod, Placement>> {
  const serviceOrder = model.services.map((s) => s.id).sort(compareText);
  const candidates = httpEndpoints(model.endpoints).flatMap(({ endpoint, graphqlOperations }) => {
    const ownPath = nameUnresolvedParts(endpoint.path);
    const methods = endpoint.method === "ALL" ? ALL_EXPANDS_TO : [toOpenApiMethod(endpoint.method)];
    return methods.map((method) => ({ endpoint, method, viaAll: endpoint.method === "ALL", ownPath, alsoIn: [] as string[], ...(graphqlOperations ? { graphqlOperations } : {}) }));
  });
  // Explicit methods before "ALL", then service order, then path text: the first claim wins.
  candidates.sort(
    (a, b) =>
      Number(a.viaAll) - Number(b.viaAll) ||
      serviceOrder.indexOf(a.endpoint.serviceId) - serviceOrder.indexOf(b.endpoint.serviceId) ||
      compareText(a.ownPath, b.ownPath) ||
      compareText(a.method, b.method),
  );

  const canonicalByShape = new Map<string, string>();
  for (const path of candidates.map((c) => c.ownPath).sort(compareText)) {
    if (!canonicalByShape.has(pathShape(path))) canonicalByShape.set(pathShape(path), path);
  }

  const placements = new Map<string, Map<OpenApiMethod, Placement>>();
  for (const candidate of candidates) {
    const path = canonicalByShape.get(pathShape(candidate.ownPath))!;
    const byMethod = placements.get(path) ?? new Map<OpenApiMethod, Placement>();
    placements.set(path, byMethod);
    const owner = byMethod.get(candidate.method);
    if (!owner) byMethod.set(candidate.method, candidate);
    else if (owner.endpoint.serviceId !== candidate.endpoint.serviceId && !owner.alsoIn.includes(candidate.endpoint.serviceId)) {
      owner.alsoIn.push(candidate.endpoint.serviceId);
      owner.alsoIn.sort(compareText);
    }
  }
  return placements;
}

/** The GraphQL over HTTP request (graphql-over-http spec, POST with a JSON body). */
const GRAPHQL_REQUEST: JsonSchema = {
  type: "object",
  required: ["query"],
  properties: {
    query: { type: "string", description: "The GraphQL document" },
    operationName: { type: "string" },
    variables: { type: "object", additionalProperties: true },
  },
};

/**
 * REST endpoints as they are; GraphQL operations grouped into one endpoint per service and
 * path (they are not separate HTTP routes), located where the first operation is declared.
 */
function httpEndpoints(endpoints: readonly Endpoint[]): { endpoint: Endpoint; graphqlOperations?: string[] }[] {
  const groups = new Map<string, Endpoint[]>();
  const rest: { endpoint: Endpoint }[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.framework !== "graphql") {
      rest.push({ endpoint });
      continue;
    }
    const key = `${endpoint.serviceId}\0${endpoint.method}\0${endpoint.path}`;
    groups.set(key, [...(groups.get(key) ?? []), endpoint]);
  }
  const grouped = [...groups.values()].map((operations) => {
    const sorted = [...operations].sort((a, b) => compareText(a.operationName ?? "", b.operationName ?? ""));
    const { handlerId: _handler, operationName: _operation, ...first } = sorted[0];
    const endpoint: Endpoint = {
      ...first,
      id: `${first.serviceId} ${first.method} ${first.path}`,
      auth: combinedAuth(sorted),
      request: { body: GRAPHQL_REQUEST },
      responses: {},
      pathResolved: sorted.every((e) => e.pathResolved),
    };
    return { endpoint, graphqlOperations: sorted.map((e) => e.operationName ?? e.id) };
  });
  return [...rest, ...grouped];
}

/** Required when every operation requires auth, none when none does, optional in between. */
function combinedAuth(operations: readonly Endpoint[]): Endpoint["auth"] {
  const states = new Set(operations.map((e) => e.auth.state));
  const mechanisms = [...new Set(operations.flatMap((e) => e.auth.mechanisms))].sort(compareText);
  if (states.size === 1 && (states.has("required") || states.has("none"))) return { state: operations[0].auth.state, mechanisms };
  if (states.has("unknown") && !states.has("required") && !states.has("optional")) return { state: "unknown", mechanisms };
  return { state: "optional", mechanisms };
}

function toOpenApiMethod(method: Exclude<HttpMethod, "ALL">): OpenApiMethod {
  return method.toLowerCase() as OpenApiMethod;
}

function nameUnresolvedParts(path: string): string {
  let count = 0;
  const named = path.replace(/\{\?\}/g, () => {
    count += 1;
    return `{${count === 1 ? UNRESOLVED_PARAM : `${UNRESOLVED_PARAM}${count}`}}`;
  });
  return named.startsWith("/") ? named : `/${named}`;
}

function pathShape(path: string): string {
  return path.replace(/\{[^}]*\}/g, "{}");
}

function templateNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

function operationFor(
  placement: Placement,
  path: string,
  operationId: string,
  model: ArchitectureModel,
  usedSchemes: Set<SchemeName>,
): Json {
  const { endpoint } = placement;
  const operation: Json = { tags: [endpoint.serviceId] };
  const handlerName = model.handlers.find((h) => h.id === endpoint.handlerId)?.name;
  if (handlerName && handlerName !== "(anonymous)") operation.summary = handlerName;
  if (placement.graphqlOperations) operation.summary = "GraphQL endpoint";
  operation.operationId = operationId;

  const parameters = [
    ...pathParameters(endpoint, placement.ownPath, path),
    ...schemaParameters(endpoint.request.query, "query"),
    ...schemaParameters(endpoint.request.headers, "header").filter((p) => !IGNORED_HEADERS.has(String(p.name).toLowerCase())),
  ];
  if (parameters.length > 0) operation.parameters = parameters;
  if (endpoint.request.body) operation.requestBody = { content: { "application/json": { schema: endpoint.request.body } } };
  operation.responses = responsesFor(endpoint.responses);

  if (endpoint.auth.state === "required") {
    const schemes = schemesFor(endpoint.auth.mechanisms);
    schemes.forEach((s) => usedSchemes.add(s));
    // Each mechanism is offered as an alternative: a route listing two usually accepts either.
    operation.security = schemes.map((s) => ({ [s]: [] }));
  } else if (endpoint.auth.state === "none") {
    operation.security = [];
  } else if (placement.graphqlOperations && endpoint.auth.state === "optional") {
    // Some operations require a credential and others do not: both ways of calling are valid.
    const schemes = schemesFor(endpoint.auth.mechanisms);
    schemes.forEach((s) => usedSchemes.add(s));
    operation.security = [...schemes.map((s) => ({ [s]: [] })), {}];
  } else {
    operation["x-bka-auth"] = "unknown";
  }

  operation["x-bka-source"] = fileLine(endpoint.location);
  if (placement.viaAll) operation["x-bka-method"] = "ALL";
  if (!endpoint.pathResolved) operation["x-bka-path-resolved"] = false;
  if (placement.alsoIn.length > 0) operation["x-bka-also-in"] = placement.alsoIn;
  if (placement.graphqlOperations) operation["x-bka-graphql-operations"] = placement.graphqlOperations;
  return operation;
}

function pathParameters(endpoint: Endpoint, ownPath: string, path: string): Json[] {
  const ownNames = templateNames(ownPath);
  const paramSchemas = propertiesOf(endpoint.request.params);
  // Names come from the document's path; schemas are looked up under the endpoint's own names.
  return templateNames(path).map((name, i) => {
    const ownName = ownNames[i] ?? name;
    const parameter: Json = { name, in: "path", required: true, schema: paramSchemas[ownName] ?? { type: "string" } };
    if (ownName.startsWith(UNRESOLVED_PARAM) && !endpoint.pathResolved) {
      parameter.description = "Part of the path bka could not resolve statically";
    }
    return parameter;
  });
}

function schemaParameters(schema: JsonSchema | undefined, location: "query" | "header"): Json[] {
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as unknown[]).map(String) : []);
  return Object.entries(propertiesOf(schema)).map(([name, propertySchema]) => ({
    name,
    in: location,
    ...(required.has(name) ? { required: true } : {}),
    schema: propertySchema,
  }));
}

function propertiesOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  const properties = schema?.properties;
  if (!properties || typeof properties !== "object") return {};
  const result: Record<string, JsonSchema> = {};
  for (const [name, value] of Object.entries(properties as Record<string, unknown>)) {
    result[name] = value !== null && typeof value === "object" ? (value as JsonSchema) : {};
  }
  return result;
}

const RANGE_DESCRIPTIONS: Record<string, string> = {
  "1XX": "Informational",
  "2XX": "Success",
  "3XX": "Redirection",
  "4XX": "Client error",
  "5XX": "Server error",
};

function responsesFor(responses: Record<string, JsonSchema>): Json {
  const result: Json = {};
  for (const rawStatus of sortedKeys(responses)) {
    const status = rawStatus.toUpperCase() === "DEFAULT" ? "default" : rawStatus.toUpperCase();
    if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) continue;
    const schema = responses[rawStatus];
    const response: Json = { description: responseDescription(status, schema) };
    if (Object.keys(schema).length > 0) response.content = { "application/json": { schema } };
    result[status] = response;
  }
  if (Object.keys(result).length === 0) {
    result.default = { description: "Responses were not recovered from the source" };
  }
  return result;
}

function responseDescription(status: string, schema: JsonSchema): string {
  if (typeof schema.description === "string" && schema.description.length > 0) return schema.description;
  return RANGE_DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? (status === "default" ? "Default response" : "Response");
}

function schemeFor(mechanism: string): SchemeName {
  const name = mechanism.toLowerCase();
  if (name.includes("session") || name.includes("cookie")) return "cookieAuth";
  if (name.includes("basic")) return "basicAuth";
  // JWT, bearer tokens, passport strategies and custom middleware: a bearer token is the
  // most common reading, and the one an API client can act on.
  return "bearerAuth";
}

function schemesFor(mechanisms: string[]): SchemeName[] {
  const schemes = new Set(mechanisms.map(schemeFor));
  if (schemes.size === 0) schemes.add("bearerAuth");
  return [...schemes].sort(compareText);
}

function componentsFor(model: ArchitectureModel, usedSchemes: Set<SchemeName>): Json {
  const components: Json = {};
  const schemaNames = sortedKeys(model.schemas);
  if (schemaNames.length > 0) components.schemas = Object.fromEntries(schemaNames.map((n) => [n, model.schemas[n]]));
  if (usedSchemes.size > 0) {
    const schemes = [...usedSchemes].sort(compareText);
    components.securitySchemes = Object.fromEntries(schemes.map((s) => [s, securityScheme(s, model)]));
  }
  return components;
}

function securityScheme(scheme: SchemeName, model: ArchitectureModel): Json {
  switch (scheme) {
    case "bearerAuth": {
      const usesJwt = model.endpoints.some((e) => e.auth.mechanisms.some((m) => m.toLowerCase().includes("jwt")));
      return usesJwt ? { type: "http", scheme: "bearer", bearerFormat: "JWT" } : { type: "http", scheme: "bearer" };
    }
    case "basicAuth":
      return { type: "http", scheme: "basic" };
    case "cookieAuth":
      return { type: "apiKey", in: "cookie", name: sessionCookieName(model) };
  }
}

/** The cookie name from the session configuration (express-session `name`, @fastify/session `cookieName`). */
function sessionCookieName(model: ArchitectureModel): string {
  const sessions = model.securityControls
    .filter((c) => c.kind === "session")
    .sort((a, b) => compareText(a.serviceId, b.serviceId) || compareText(fileLine(a.location), fileLine(b.location)));
  for (const control of sessions) {
    const name = control.options.name ?? control.options.cookieName;
    if (typeof name === "string" && name.length > 0) return name;
  }
  return "session";
}

/** "get" + "/api/articles/{slug}" → "getApiArticlesBySlug"; repeats get "2", "3"... */
function uniqueOperationId(method: OpenApiMethod, path: string, used: Set<string>): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? ["by", ...splitWords(param[1])] : splitWords(segment);
    });
  const base = method + (words.length > 0 ? words.map(capitalize).join("") : "Root");
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}${n}`;
  used.add(id);
  return id;
}

function splitWords(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
