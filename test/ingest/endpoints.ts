// Shared views of an endpoint list for the front-end tests.
import assert from "node:assert/strict";
import type { ArchitectureModel, Endpoint } from "../../src/model/types.ts";

/** "GET /api/articles/{slug} required" */
export const row = (e: Endpoint) => `${e.method} ${e.path} ${e.auth.state}`;

/** The middleware chain as "name:kind@scope". */
export const chain = (e: Endpoint) => e.middleware.map((m) => `${m.name}:${m.kind}@${m.scope}`);

/** Endpoints by "METHOD path". */
export function routesByKey(model: ArchitectureModel): Map<string, Endpoint> {
  return new Map(model.endpoints.map((e) => [`${e.method} ${e.path}`, e]));
}

/** The endpoint at "METHOD path", failing the test when it is not listed. */
export function routeOf(model: ArchitectureModel): (key: string) => Endpoint {
  const routes = routesByKey(model);
  return (key) => {
    const e = routes.get(key);
    assert.ok(e, `${key} is listed`);
    return e;
  };
}
