// What the query rules (n-plus-one, unbounded-query, select-star-on-wide-table,
// multi-write-without-transaction) share: each request handler with the endpoints it serves and
// the data accesses it reaches (directly or through helpers), and how a query names its table.
import type { ArchitectureModel, DataAccess, Endpoint, Entity, Handler } from "../model/types.ts";
import { compareText } from "../model/order.ts";
import { describeEndpoint } from "./support.ts";

export interface ReachedQueries {
  handler: Handler;
  endpoints: Endpoint[];
  accesses: DataAccess[];
}

/** Handlers that serve at least one endpoint, with their data accesses in source order. */
export function handlersWithQueries(model: ArchitectureModel): ReachedQueries[] {
  const accessById = new Map(model.dataAccesses.map((a) => [a.id, a]));
  return model.handlers
    .map((handler) => ({
      handler,
      endpoints: model.endpoints.filter((e) => e.handlerId === handler.id),
      accesses: handler.dataAccessIds.map((id) => accessById.get(id)).filter((a): a is DataAccess => !!a),
    }))
    .filter((h) => h.endpoints.length && h.accesses.length)
    .sort((a, b) => compareText(a.handler.id, b.handler.id));
}

export const WRITES: ReadonlySet<DataAccess["operation"]> = new Set(["insert", "update", "delete", "upsert"]);

/** "GET /orders and GET /v1/orders". */
export function endpointList(endpoints: readonly Endpoint[]): string {
  const names = endpoints.map(describeEndpoint);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names.join("");
}

/** "a select on orders", or "a select" when the table is not known. */
export function describeQuery(access: DataAccess): string {
  return `${access.operation === "insert" ? "an" : "a"} ${access.operation}${access.entity ? ` on ${access.entity}` : ""}`;
}

export function entityOf(model: ArchitectureModel, access: DataAccess): Entity | undefined {
  return access.entity === undefined ? undefined : model.entities.find((e) => e.name === access.entity);
}
